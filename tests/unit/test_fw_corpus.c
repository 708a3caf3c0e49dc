// SPDX-License-Identifier: GPL-2.0
/*
 * Corpus test: every table of the shared real-firmware set
 * ($PROBELAB_SHARED/firmware/{acpi/dmar,acpi/iort,dt}/<entry>/) dumps
 * exactly as its expect.txt, comment lines ignored.  One test per entry;
 * a single skipped test when PROBELAB_SHARED is unset or has no firmware/.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <sys/stat.h>

#include "test_fw_util.h"

#define MAX_ENTRIES 512

struct entry {
	char name[320];		/* e.g. acpi/dmar/dell-xps-13-9350 */
	char dir[1024];
};

static struct entry entries[MAX_ENTRIES];
static struct CMUnitTest tests[MAX_ENTRIES];
static size_t nentries;

/* The table file of an entry: DMAR.bin, IORT.bin or the one *.dtb. */
static bool table_path(const struct entry *e, char *path, size_t size)
{
	static const char *const acpi[] = { "DMAR.bin", "IORT.bin" };
	struct dirent *de;
	bool found = false;
	size_t i;
	DIR *d;

	for (i = 0; i < 2; i++) {
		snprintf(path, size, "%s/%s", e->dir, acpi[i]);
		if (access(path, R_OK) == 0)
			return true;
	}
	d = opendir(e->dir);
	if (!d)
		return false;
	while ((de = readdir(d)) != NULL) {
		size_t l = strlen(de->d_name);

		if (l > 4 && strcmp(de->d_name + l - 4, ".dtb") == 0) {
			snprintf(path, size, "%s/%s", e->dir, de->d_name);
			found = true;
			break;
		}
	}
	closedir(d);
	return found;
}

static void test_entry(void **state)
{
	const struct entry *e = *state;
	char table[1400], expect[1400];
	size_t len;
	uint8_t *b;
	char *dump;

	if (!table_path(e, table, sizeof(table)))
		fail_msg("%s: no DMAR.bin, IORT.bin or .dtb", e->dir);
	snprintf(expect, sizeof(expect), "%s/expect.txt", e->dir);
	b = fw_load_path(table, &len);
	dump = fw_dump_str(b, len);
	fw_assert_dump_file(dump, expect);
	free(dump);
	free(b);
}

static void test_no_corpus(void **state)
{
	(void)state;
	skip();
}

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->name,
		      ((const struct entry *)b)->name);
}

static void collect(const char *root, const char *sub)
{
	char dir[1024];
	struct dirent *de;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/%s", root, sub);
	d = opendir(dir);
	if (!d)
		return;
	while ((de = readdir(d)) != NULL && nentries < MAX_ENTRIES) {
		struct entry *e = &entries[nentries];
		struct stat st;
		int n;

		if (de->d_name[0] == '.')
			continue;
		n = snprintf(e->dir, sizeof(e->dir), "%s/%s", dir, de->d_name);
		if (n < 0 || (size_t)n >= sizeof(e->dir))
			continue;
		if (stat(e->dir, &st) != 0 || !S_ISDIR(st.st_mode))
			continue;
		n = snprintf(e->name, sizeof(e->name), "%s/%s", sub, de->d_name);
		if (n < 0 || (size_t)n >= sizeof(e->name))
			continue;
		nentries++;
	}
	closedir(d);
}

int main(void)
{
	const char *shared = getenv("PROBELAB_SHARED");
	char root[1024];
	size_t i;

	if (shared && *shared) {
		snprintf(root, sizeof(root), "%s/firmware", shared);
		collect(root, "acpi/dmar");
		collect(root, "acpi/iort");
		collect(root, "dt");
	}
	if (nentries == 0) {
		const struct CMUnitTest none[] = {
			cmocka_unit_test(test_no_corpus),
		};

		return cmocka_run_group_tests_name("fw_corpus", none, NULL, NULL);
	}
	qsort(entries, nentries, sizeof(entries[0]), cmp_entry);
	for (i = 0; i < nentries; i++) {
		tests[i].name = entries[i].name;
		tests[i].test_func = test_entry;
		tests[i].initial_state = &entries[i];
	}
	return _cmocka_run_group_tests("fw_corpus", tests, nentries, NULL, NULL);
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the firmware-parser unit tests (test_fw_*.c): fixture
 * loading, byte patching with checksum repair, a small table builder, dump
 * capture and comparison with expected-dump files, and a rejection check.
 * Include after <cmocka.h>.
 */
#ifndef PROBELAB_TEST_FW_UTIL_H
#define PROBELAB_TEST_FW_UTIL_H

#include "fw.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static inline const char *fw_fixture_dir(void)
{
	const char *d = getenv("PROBELAB_FIXTURES");

	return d && *d ? d : "build/fixtures/fw";
}

/* Read a file; fails the test when it cannot. */
static inline uint8_t *fw_load_path(const char *path, size_t *len)
{
	struct pl_fw_diag d;
	void *buf = NULL;
	int rc = pl_fw_read_file(path, 0, &buf, len, &d);

	if (rc)
		fail_msg("cannot read %s: %s", path, d.msg);
	return buf;
}

/* A compiled fixture (build/fixtures/fw/NAME). */
static inline uint8_t *fw_fixture(const char *name, size_t *len)
{
	char path[1024];

	snprintf(path, sizeof(path), "%s/%s", fw_fixture_dir(), name);
	return fw_load_path(path, len);
}

static inline void fw_acpi_fix_checksum(uint8_t *b, size_t len)
{
	uint8_t sum = 0;
	size_t i;

	b[9] = 0;
	for (i = 0; i < len; i++)
		sum = (uint8_t)(sum + b[i]);
	b[9] = (uint8_t)(0x100 - sum);
}

static inline void fw_put_le(uint8_t *b, size_t at, uint64_t v, int n)
{
	int i;

	for (i = 0; i < n; i++)
		b[at + i] = (uint8_t)(v >> (8 * i));
}

static inline void fw_acpi_set_length(uint8_t *b, size_t len)
{
	fw_put_le(b, 4, len, 4);
}

/* ------------------------------------------------------- table builder */

struct fw_tb {
	uint8_t b[4096];
	size_t len;
};

static inline size_t tb_u8(struct fw_tb *t, uint8_t v)
{
	assert_true(t->len + 1 <= sizeof(t->b));
	t->b[t->len] = v;
	return t->len++;
}

static inline size_t tb_le(struct fw_tb *t, uint64_t v, int n)
{
	size_t at = t->len;

	assert_true(t->len + (size_t)n <= sizeof(t->b));
	fw_put_le(t->b, at, v, n);
	t->len += (size_t)n;
	return at;
}

static inline size_t tb_bytes(struct fw_tb *t, const void *p, size_t n)
{
	size_t at = t->len;

	assert_true(t->len + n <= sizeof(t->b));
	memcpy(t->b + at, p, n);
	t->len += n;
	return at;
}

/* 36-byte ACPI header, length and checksum left for tb_acpi_finish(). */
static inline void tb_acpi_header(struct fw_tb *t, const char *sig,
				  uint8_t revision)
{
	t->len = 0;
	tb_bytes(t, sig, 4);
	tb_le(t, 0, 4);
	tb_u8(t, revision);
	tb_u8(t, 0);
	tb_bytes(t, "PLAB  ", 6);
	tb_bytes(t, "BUILDER ", 8);
	tb_le(t, 1, 4);
	tb_bytes(t, "PLAB", 4);
	tb_le(t, 1, 4);
}

static inline void tb_acpi_finish(struct fw_tb *t)
{
	fw_acpi_set_length(t->b, t->len);
	fw_acpi_fix_checksum(t->b, t->len);
}

/* ------------------------------------------------------------- dumping */

/* The dump of @buf as a malloc'ed string; asserts success. */
static inline char *fw_dump_str(const void *buf, size_t len)
{
	struct pl_fw_diag d;
	char *s = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&s, &n);
	int rc;

	assert_non_null(f);
	rc = pl_fw_dump(buf, len, f, &d);
	fclose(f);
	if (rc)
		fail_msg("dump failed (%d): offset 0x%zX %s: %s", rc, d.offset,
			 d.field, d.msg);
	return s;
}

/* @text without the lines that start with '#'; malloc'ed. */
static inline char *fw_strip_comments(const char *text)
{
	char *out = malloc(strlen(text) + 1), *o = out;
	const char *p = text;

	assert_non_null(out);
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) + 1 : strlen(p);

		if (*p != '#') {
			memcpy(o, p, n);
			o += n;
		}
		p += n;
	}
	*o = '\0';
	return out;
}

/* Compare a dump with an expected-dump file, comments ignored. */
static inline void fw_assert_dump_file(const char *dump, const char *path)
{
	size_t len;
	char *raw = (char *)fw_load_path(path, &len), *txt, *want;

	txt = realloc(raw, len + 1);
	assert_non_null(txt);
	txt[len] = '\0';
	want = fw_strip_comments(txt);
	if (strcmp(dump, want) != 0) {
		print_error("--- expected (%s)\n%s--- got\n%s", path, want, dump);
		fail_msg("dump differs from %s", path);
	}
	free(want);
	free(txt);
}

static inline void fw_assert_dump_fixture(const char *dump, const char *name)
{
	char path[1024];

	snprintf(path, sizeof(path), "%s/../../../tests/fixtures/fw/%s",
		 fw_fixture_dir(), name);
	/* fixtures' expected dumps live beside their sources */
	if (access(path, R_OK) != 0)
		snprintf(path, sizeof(path), "tests/fixtures/fw/%s", name);
	fw_assert_dump_file(dump, path);
}

/* Assert that @text contains the line @line. */
static inline void fw_assert_has_line(const char *text, const char *line)
{
	size_t n = strlen(line);
	const char *p = text;

	while ((p = strstr(p, line)) != NULL) {
		if ((p == text || p[-1] == '\n') && (p[n] == '\n' || p[n] == '\0'))
			return;
		p += n;
	}
	print_error("--- dump\n%s", text);
	fail_msg("line not found: %s", line);
}

/* --------------------------------------------------------- rejections */

/* The result of a parse that must fail with @err at @offset in @field. */
static inline void fw_assert_reject(int rc, const struct pl_fw_diag *d,
				    int err, size_t offset, const char *field)
{
	if (rc != err || d->err != err || d->offset != offset ||
	    strcmp(d->field, field) != 0 || d->msg[0] == '\0')
		fail_msg("want %d at 0x%zX %s, got %d (diag %d) at 0x%zX %s: %s",
			 err, offset, field, rc, d->err, d->offset, d->field,
			 d->msg);
}

#endif /* PROBELAB_TEST_FW_UTIL_H */

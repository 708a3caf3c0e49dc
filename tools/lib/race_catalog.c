// SPDX-License-Identifier: GPL-2.0
/*
 * libprobelab: the race scenario catalogue (race.h) - the scenarios
 * written in C (tools/lib/scenarios/, one file each) and the scenario
 * files (*.race) of the scenario directory (race_file.h), read once at
 * the first look-up, in the order of their file names.  A file that does
 * not parse, or names a scenario the catalogue has already, is left out
 * and its message kept (race_catalog_error()).
 */
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "race_file.h"

/* the guests' directory (tools/vm/mkinitramfs.sh), then make install's */
#define PROBELAB_SCENARIO_DIR	"/opt/probelab/scenarios"
#ifndef PROBELAB_SCENARIO_PREFIX_DIR
#define PROBELAB_SCENARIO_PREFIX_DIR	"/usr/local/share/probelab/scenarios"
#endif

/*
 * The scenarios still written in C: what a file cannot say.
 * debugfs-walk-vs-unmap chooses its topology (SMMUv3 or VT-d) by the seed.
 */
extern const struct race_scenario race_sc_debugfs_walk_vs_unmap;

static const struct race_scenario *const builtin[] = {
	&race_sc_debugfs_walk_vs_unmap,
};

#define NR_BUILTIN	(sizeof(builtin) / sizeof(builtin[0]))
#define MAX_FILES	RACE_MAX_SCENARIOS
#define MAX_ERRORS	16

static pthread_once_t once = PTHREAD_ONCE_INIT;
static const struct race_scenario *all[NR_BUILTIN + MAX_FILES];
static unsigned int nr_all;
static char *errors[MAX_ERRORS];
static unsigned int nr_errors;

const char *race_scenario_dir(void)
{
	const char *d = getenv("PROBELAB_SCENARIOS");
	DIR *dir;

	if (d && *d)
		return d;
	dir = opendir(PROBELAB_SCENARIO_DIR);
	if (dir) {
		closedir(dir);
		return PROBELAB_SCENARIO_DIR;
	}
	return PROBELAB_SCENARIO_PREFIX_DIR;
}

static void note_error(const char *fmt, const char *a, const char *b)
{
	char buf[1600];

	if (nr_errors == MAX_ERRORS)
		return;
	snprintf(buf, sizeof(buf), fmt, a, b);
	errors[nr_errors] = strdup(buf);
	if (errors[nr_errors])
		nr_errors++;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void load_dir(void)
{
	const char *dir = race_scenario_dir();
	char *names[MAX_FILES + 1];
	unsigned int n = 0;
	struct dirent *de;
	DIR *d;

	d = opendir(dir);
	if (!d)
		return;	/* no directory: the C scenarios only */
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);

		if (l < 6 || strcmp(de->d_name + l - 5, ".race"))
			continue;
		if (n == MAX_FILES) {
			note_error("%s: more than the %s scenario files the catalogue takes; the rest are left out",
				   dir, "32");
			break;
		}
		names[n] = strdup(de->d_name);
		if (names[n])
			n++;
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), by_name);
	for (unsigned int i = 0; i < n; i++) {
		char path[1024], err[512];
		struct race_file *f;
		const struct race_scenario *sc;
		bool dup = false;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		free(names[i]);
		if (race_file_load(path, &f, err, sizeof(err))) {
			note_error("%s%s", err, "");
			continue;
		}
		sc = race_file_scenario(f);
		for (unsigned int j = 0; j < nr_all; j++)
			if (!strcmp(all[j]->name, sc->name))
				dup = true;
		if (dup || nr_all == NR_BUILTIN + MAX_FILES) {
			note_error("%s: scenario %s is in the catalogue already: the file is left out",
				   path, sc->name);
			race_file_free(f);
			continue;
		}
		/* lives as long as the process */
		all[nr_all++] = sc;
	}
}

static void load(void)
{
	for (unsigned int i = 0; i < NR_BUILTIN; i++)
		all[nr_all++] = builtin[i];
	load_dir();
}

unsigned int race_nr_scenarios(void)
{
	pthread_once(&once, load);
	return nr_all;
}

const struct race_scenario *race_scenario_at(unsigned int i)
{
	return i < race_nr_scenarios() ? all[i] : NULL;
}

const struct race_scenario *race_scenario_find(const char *name)
{
	if (!name)
		return NULL;
	for (unsigned int i = 0; i < race_nr_scenarios(); i++)
		if (!strcmp(all[i]->name, name))
			return all[i];
	return NULL;
}

const char *race_catalog_error(unsigned int i)
{
	race_nr_scenarios();
	return i < nr_errors ? errors[i] : NULL;
}

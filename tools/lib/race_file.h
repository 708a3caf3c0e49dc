/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libprobelab: race scenarios written as files (docs/scenario-format.md),
 * `probelab race --file FILE` - the parser (race_file_parse.c), the
 * interpreter that makes a parsed file a struct race_scenario the race
 * engine (race.c) runs like any other (race_file.c), and the scenario
 * directory the catalogue lists (race_catalog.c).
 *
 * Functions return 0 or a negative errno; parse errors are one line of
 * text, "PATH:LINE: what", in the caller's buffer.
 */
#ifndef LIBPROBELAB_RACE_FILE_H
#define LIBPROBELAB_RACE_FILE_H

#include <stddef.h>
#include <stdint.h>

#include "race.h"

struct race_file;

/*
 * Parses @text (NUL-terminated) of the file @path (used in messages and
 * to resolve "topology file X" relative to its directory; NULL: "-", and
 * relative to the working directory).  -EINVAL with "PATH:LINE: what" in
 * @err; -E2BIG past a bound (the message says which); -ENOMEM.
 */
int race_file_parse(const char *path, const char *text, struct race_file **out,
		    char *err, size_t errlen);
/* Reads @path and parses it (-errno of the read, with the message). */
int race_file_load(const char *path, struct race_file **out, char *err,
		   size_t errlen);
void race_file_free(struct race_file *f);

/* The scenario the engine runs (lives as long as @f). */
const struct race_scenario *race_file_scenario(const struct race_file *f);
/* The file a scenario came from, or NULL for a C scenario. */
const struct race_file *race_scenario_file(const struct race_scenario *sc);
const char *race_file_path(const struct race_file *f);
/* The known bug the file says it mirrors ("" when none). */
const char *race_file_bug(const struct race_file *f);

/*
 * The plan of cycle @k: the values the leading "let"s of each actor (and
 * of before/after) take, as the run computes them.  Never fails (cut).
 */
void race_file_plan(const struct race_file *f, uint64_t seed, uint64_t k,
		    unsigned int threads, char *buf, size_t len);
/*
 * The injections setup arms for @seed (its inject statements outside
 * loops and conditions), as the run arms them; the count.
 */
unsigned int race_file_injections(const struct race_file *f, uint64_t seed,
				  unsigned int threads,
				  struct probelab_inject *out, unsigned int max);

/*
 * Prints @f back as a scenario file (canonical spacing, comments gone),
 * into a malloc()ed string (*out).  Its parse gives the same scenario.
 */
int race_file_print(const struct race_file *f, char **out);

/* ---- the scenario directory -------------------------------------------- */

/*
 * $PROBELAB_SCENARIOS; else /opt/probelab/scenarios when it exists (the
 * guests); else PREFIX/share/probelab/scenarios (make install).
 */
const char *race_scenario_dir(void);

/*
 * Files of the scenario directory that did not parse (the catalogue lists
 * the others): their messages, one per call, NULL past the last.
 */
const char *race_catalog_error(unsigned int i);

#endif /* LIBPROBELAB_RACE_FILE_H */

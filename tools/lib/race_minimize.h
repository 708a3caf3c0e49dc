/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libprobelab: `probelab race --minimize` (race_minimize.c) - a reproducing
 * run of a scenario file shrunk by delta debugging to the fewest actors,
 * statements and injections that still reproduce the same bug under the
 * same seed (docs/races.md, "Minimising").
 *
 * Two layers: race_ddmin(), Zeller's ddmin over a set of elements with a
 * test the caller gives (unit-tested with a fake one), and
 * race_minimize(), which makes the elements the actors and statements of
 * a parsed scenario file and the test a run of the race engine.
 */
#ifndef LIBPROBELAB_RACE_MINIMIZE_H
#define LIBPROBELAB_RACE_MINIMIZE_H

#include <stdbool.h>
#include <stdint.h>

#include "race.h"

struct known_bug;

/*
 * The test of a configuration: @keep[0..n-1] says which elements it has.
 * 1: it still shows the failure (it "reproduces"); 0: it does not; a
 * negative errno stops the search.
 */
typedef int (*race_ddmin_test_fn)(const bool *keep, void *arg);

/*
 * ddmin (Zeller and Hildebrandt, "Simplifying and Isolating
 * Failure-Inducing Input", 2002) over the elements @domain[0..ndomain-1]
 * of @keep[0..n-1]: @keep starts as a configuration that reproduces (the
 * domain's elements in it) and ends as a 1-minimal one - removing any one
 * more element of the domain does not reproduce; elements outside the
 * domain are left as they are.  Tests the subsets, then the complements,
 * of a partition that is refined until single elements.  Returns 0, or
 * the test's negative errno, with @keep the smallest reproducing
 * configuration found so far; -EINVAL for an element past @n, -ENOMEM.
 */
int race_ddmin(unsigned int n, const unsigned int *domain,
	       unsigned int ndomain, bool *keep, race_ddmin_test_fn test,
	       void *arg);

/* What a scenario file holds: what the minimiser shrinks. */
struct race_min_size {
	unsigned int statements;	/* every statement, any depth */
	unsigned int actors;
	unsigned int injections;	/* inject statements */
};

/**
 * struct race_min_result - what race_minimize() did
 * @bug: the known bug the original run reproduced (its first
 *	violation's), NULL when it was new
 * @invariant: that violation's invariant (what a new one is matched by)
 * @before: the sizes of the file
 * @after: the sizes of the minimal one
 * @runs: candidates run by the engine
 * @reproduced: of them, those that reproduced
 * @invalid: candidates that did not parse (a variable, flag or device
 *	removed from under a statement that uses it): not run
 * @cached: candidates printing the same as one already judged: not run
 * @elapsed_ns: the whole search
 * @interrupted: race_interrupt() stopped it: @text is the smallest found
 * @confirmed: a last run of the minimal file (not taken from the cache)
 *	reproduced the bug again - a race reproduces by chance, and ddmin
 *	trusted one run per candidate
 * @text: the minimal scenario file (malloc()ed; race_min_result_free())
 */
struct race_min_result {
	const struct known_bug *bug;
	unsigned int invariant;
	struct race_min_size before, after;
	unsigned int runs, reproduced, invalid, cached;
	uint64_t elapsed_ns;
	bool interrupted;
	bool confirmed;
	char *text;
};

/* One line of progress (no newline). */
typedef void (*race_min_log_fn)(const char *line, void *arg);

/*
 * Minimises the run of @o (its scenario, policy, --threads, seed and
 * budget; each candidate gets the same budget): runs it as it is, takes
 * the bug of its first violation (or, when new, its invariant) as what
 * must still show, then ddmin over the actors, then over the statements
 * nesting level by level (hierarchical delta debugging: a statement is
 * tried only while the actor or block around it stays).  A candidate is
 * the file printed without its removed elements (race_file_print(), whose
 * streams are keyed by names, so what stays draws the same numbers),
 * parsed again and run; it reproduces when its first violation is the
 * same bug (new: new, same invariant) and no step of it failed.  The
 * minimal file is run once more at the end (@res->confirmed).
 *
 * -EOPNOTSUPP: @o's scenario is written in C; -ESRCH: the run as it is
 * did not reproduce (nothing to minimise); -EINTR: interrupted before the
 * first run ended; a run that could not start: its errno.  @err says why.
 * With 0 and after an interruption past the first run, @res->text is set.
 */
int race_minimize(const struct race_opts *o, struct race_min_result *res,
		  race_min_log_fn log, void *arg, char *err, size_t errlen);
void race_min_result_free(struct race_min_result *res);

/* The sizes of a scenario file. */
void race_file_size(const struct race_file *f, struct race_min_size *sz);

#endif /* LIBPROBELAB_RACE_MINIMIZE_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libprobelab: the catalogue of known bugs (known_bugs.c) and the
 * classifier that names the bug behind a violation (bug_classify.c).
 *
 * An entry is a bug of the kernels the policies model (kind "kernel") or
 * a gap of the lab itself (kind "lab", docs/races.md "Kernel gaps found by
 * the scenarios"): its history (the kernels that have it, where it was
 * fixed), the policies it can occur under, and a signature - the patterns
 * of the violations it produces: an invariant, words of the checker's
 * text, and events that must (or must not) be in the device's trace.  The
 * scenarios that mirror a bug name it (struct race_scenario's @bug).
 *
 * Every violation the race engine sees is classified: a known bug, or
 * none ("new").  See docs/races.md, "Known bugs".
 */
#ifndef LIBPROBELAB_KNOWN_BUGS_H
#define LIBPROBELAB_KNOWN_BUGS_H

#include <stdbool.h>
#include <stdint.h>

#include "race.h"

/* patterns of one signature (at most) */
#define KNOWN_BUG_MAX_PATTERNS	8

/**
 * struct known_bug_pattern - one kind of violation a bug produces
 * @invariant: 1..9 (DESIGN.md section 3)
 * @text: words the checker's text must contain (NULL: any text)
 * @text2: more words it must contain (NULL: none)
 * @dev_event: an event (PROBELAB_EV_*) that must be among the events
 *	naming the device before the violation (its trace); 0: none needed
 * @no_dev_event: an event that must not be in that trace; 0: none
 * @consequence: the pattern names the bug only once a run has seen one
 *	of its other (non-consequence) patterns, or the run's scenario
 *	mirrors it: a follow-on violation, not the bug showing by itself
 */
struct known_bug_pattern {
	unsigned int invariant;
	const char *text;
	const char *text2;
	uint32_t dev_event;
	uint32_t no_dev_event;
	bool consequence;
};

/**
 * struct known_bug - one entry of the catalogue
 * @id: what the outputs name it by
 * @kind: "kernel" (a bug of the kernels the policies model) or "lab" (a
 *	gap of probelab itself)
 * @title: one line
 * @affected: the kernels (or lab versions) that have it
 * @fixed_by: the fixing commit's subject, NULL when none is known (then
 *	@fixed_in says why: still open, or not yet identified)
 * @fixed_in: the version that has the fix, or the state ("open upstream")
 * @policies: the policies it can occur under (bit per enum
 *	probelab_policy)
 * @step: the event/step pattern that identifies it, for people
 * @nr_patterns: patterns of the signature (0: it shows as no violation:
 *	@step says how it shows)
 * @patterns: them
 */
struct known_bug {
	const char *id;
	const char *kind;
	const char *title;
	const char *affected;
	const char *fixed_by;
	const char *fixed_in;
	unsigned int policies;
	const char *step;
	unsigned int nr_patterns;
	struct known_bug_pattern patterns[KNOWN_BUG_MAX_PATTERNS];
};

#define KB_POLICY(p)	(1u << (p))
#define KB_ALL_POLICIES	((1u << PL_NR_POLICIES) - 1)

/* The catalogue (known_bugs.c), in `probelab bugs` order. */
unsigned int known_bug_count(void);
const struct known_bug *known_bug_at(unsigned int i);
const struct known_bug *known_bug_find(const char *id);
/* The index of @b in the catalogue (for per-bug counts). */
unsigned int known_bug_index(const struct known_bug *b);

/* ---- the classifier (bug_classify.c) ------------------------------------ */

/**
 * struct kb_violation - what the classifier reads of one violation
 * @invariant: as reported
 * @text: the checker's or the layer's text
 * @policy: the lab's policy
 * @trace: the events naming the device before it, oldest first (the
 *	violation's own event may be last: it is skipped)
 * @nr_trace: how many
 */
struct kb_violation {
	unsigned int invariant;
	const char *text;
	unsigned int policy;
	const struct race_event *trace;
	unsigned int nr_trace;
};

/**
 * struct kb_context - what a run knows when it classifies a violation
 * @own: the bug the run's scenario mirrors (NULL: none)
 * @first: the bug of the run's first violation, once classified (NULL)
 * @seen: per catalogue index, whether a non-consequence pattern of that
 *	bug matched earlier in the run (NULL: none did); known_bug_classify()
 *	sets it for what it matches
 */
struct kb_context {
	const struct known_bug *own;
	const struct known_bug *first;
	bool *seen;
};

/* Whether @p matches @v (policy aside). */
bool known_bug_pattern_matches(const struct known_bug_pattern *p,
			       const struct kb_violation *v);

/*
 * The known bug behind @v, or NULL ("new").  Candidates are the bugs
 * possible under @v->policy with a matching pattern (a consequence
 * pattern only when the bug was seen or is @ctx->own); several candidates
 * (bugs sharing a signature) are settled in favour of @ctx->own, then of
 * @ctx->first, then of the catalogue's order.  @nr_candidates (may be
 * NULL) gets their number.
 */
const struct known_bug *known_bug_classify(const struct kb_violation *v,
					   struct kb_context *ctx,
					   unsigned int *nr_candidates);

#endif /* LIBPROBELAB_KNOWN_BUGS_H */

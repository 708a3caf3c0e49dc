// SPDX-License-Identifier: GPL-2.0
/*
 * libprobelab: the classifier - which known bug (known_bugs.c) a
 * violation is, or none ("new").  Pure functions of the violation (its
 * invariant, text, the device's trace), the policy and what the run saw
 * before; the race engine calls it for every VIOLATION event.
 */
#include <string.h>

#include "known_bugs.h"

static bool trace_has(const struct kb_violation *v, uint32_t event)
{
	for (unsigned int i = 0; i < v->nr_trace; i++)
		if (v->trace[i].event == event)
			return true;
	return false;
}

bool known_bug_pattern_matches(const struct known_bug_pattern *p,
			       const struct kb_violation *v)
{
	const char *text = v->text ? v->text : "";

	if (p->invariant != v->invariant)
		return false;
	if (p->text && !strstr(text, p->text))
		return false;
	if (p->text2 && !strstr(text, p->text2))
		return false;
	if (p->dev_event && !trace_has(v, p->dev_event))
		return false;
	if (p->no_dev_event && trace_has(v, p->no_dev_event))
		return false;
	return true;
}

/*
 * How @b matches @v: 2 by a pattern of its own, 1 by a consequence it may
 * claim, 0 not.
 */
static int bug_matches(const struct known_bug *b, const struct kb_violation *v,
		       const struct kb_context *ctx)
{
	bool seen = ctx->seen && ctx->seen[known_bug_index(b)];
	int best = 0;

	if (v->policy >= PL_NR_POLICIES || !(b->policies & (1u << v->policy)))
		return 0;
	for (unsigned int i = 0; i < b->nr_patterns && best < 2; i++) {
		const struct known_bug_pattern *p = &b->patterns[i];

		if (!known_bug_pattern_matches(p, v))
			continue;
		if (!p->consequence)
			best = 2;
		else if (seen || b == ctx->own || b == ctx->first)
			best = 1;
	}
	return best;
}

const struct known_bug *known_bug_classify(const struct kb_violation *v,
					   struct kb_context *ctx,
					   unsigned int *nr_candidates)
{
	const struct known_bug *pick = NULL;
	unsigned int n = 0;
	int pick_rank = -1, pick_m = 0;

	for (unsigned int i = 0; i < known_bug_count(); i++) {
		const struct known_bug *b = known_bug_at(i);
		int m = bug_matches(b, v, ctx), rank;

		if (!m)
			continue;
		n++;
		/* the scenario's own bug, then the run's first, then order */
		rank = b == ctx->own ? 3 : b == ctx->first ? 2 : 1;
		if (rank > pick_rank) {
			pick = b;
			pick_rank = rank;
			pick_m = m;
		}
	}
	if (nr_candidates)
		*nr_candidates = n;
	/* the bug named shows by itself: its consequences may follow */
	if (pick && pick_m == 2 && ctx->seen)
		ctx->seen[known_bug_index(pick)] = true;
	return pick;
}

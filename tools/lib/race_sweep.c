// SPDX-License-Identifier: GPL-2.0
/*
 * libprobelab: seed sweeps (`probelab race --seeds A-B`): what the runs of
 * one scenario × policy over many seeds add up to - outcome frequencies,
 * the runs off expectation, the median and maximum time to the first
 * violation, the known bugs seen (race.h, docs/races.md).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "known_bugs.h"
#include "race.h"

int race_sweep_pair_init(struct race_sweep_pair *p, const struct race_opts *o,
			 uint64_t nr_seeds)
{
	memset(p, 0, sizeof(*p));
	p->sc = o->scenario;
	p->policy = o->policy;
	p->expected = race_expected(o);
	if (!nr_seeds || nr_seeds > RACE_MAX_SWEEP_SEEDS)
		return -EINVAL;
	p->first_ns = calloc(nr_seeds, sizeof(*p->first_ns));
	return p->first_ns ? 0 : -ENOMEM;
}

void race_sweep_pair_free(struct race_sweep_pair *p)
{
	free(p->first_ns);
	p->first_ns = NULL;
}

static void off_seed(struct race_sweep_pair *p, uint64_t seed)
{
	if (p->off < RACE_SWEEP_OFF_KEPT)
		p->off_seeds[p->off] = seed;
	p->off++;
}

void race_sweep_pair_add(struct race_sweep_pair *p, uint64_t seed, int ret,
			 const struct race_result *res)
{
	enum race_outcome o;

	p->runs++;
	if (ret || res->err) {
		p->errors++;
		off_seed(p, seed);
		return;
	}
	o = race_outcome(res);
	p->outcomes[o]++;
	if (p->expected >= 0 &&
	    !race_outcome_meets(o, (enum race_expect)p->expected))
		off_seed(p, seed);
	if (res->have_first && p->first_ns && p->nr_first < p->runs)
		p->first_ns[p->nr_first++] = res->first.elapsed_ns;
	for (unsigned int i = 0; i < known_bug_count() && i < RACE_MAX_BUGS; i++)
		if (res->by_bug[i] || (res->have_first &&
				       res->first.bug == known_bug_at(i)))
			p->bug_runs[i]++;
	if (res->by_bug_new || o == RACE_NEW)
		p->new_runs++;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

bool race_sweep_pair_times(const struct race_sweep_pair *p,
			   uint64_t *median_ns, uint64_t *max_ns)
{
	uint64_t *v;
	unsigned int n = p->nr_first;

	if (!n)
		return false;
	v = malloc(n * sizeof(*v));
	if (!v)
		return false;
	memcpy(v, p->first_ns, n * sizeof(*v));
	qsort(v, n, sizeof(*v), cmp_u64);
	/* the lower median of an even count: a time one run really took */
	*median_ns = v[(n - 1) / 2];
	*max_ns = v[n - 1];
	free(v);
	return true;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * libprobelab: race_ddmin() - Zeller's ddmin, the delta-debugging core of
 * `probelab race --minimize` (race_minimize.h).  Knows nothing of
 * scenarios: elements are numbers, the test is the caller's.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "race_minimize.h"

/* @cand: @base outside the domain, and of the domain only @set[0..m-1] */
static void config(bool *cand, const bool *base, unsigned int n,
		   const unsigned int *domain, unsigned int ndomain,
		   const unsigned int *set, unsigned int m)
{
	memcpy(cand, base, n * sizeof(*cand));
	for (unsigned int i = 0; i < ndomain; i++)
		cand[domain[i]] = false;
	for (unsigned int i = 0; i < m; i++)
		cand[set[i]] = true;
}

int race_ddmin(unsigned int n, const unsigned int *domain,
	       unsigned int ndomain, bool *keep, race_ddmin_test_fn test,
	       void *arg)
{
	unsigned int *cur, *tmp, m = ndomain, gran = 2;
	bool *cand;
	int ret = 0;

	for (unsigned int i = 0; i < ndomain; i++)
		if (domain[i] >= n || !keep[domain[i]])
			return -EINVAL;
	if (!ndomain)
		return 0;
	cur = malloc(ndomain * sizeof(*cur));
	tmp = malloc(ndomain * sizeof(*tmp));
	cand = malloc(n * sizeof(*cand));
	if (!cur || !tmp || !cand) {
		ret = -ENOMEM;
		goto out;
	}
	memcpy(cur, domain, ndomain * sizeof(*cur));
	while (m) {
		bool reduced = false;

		if (gran > m)
			gran = m;
		/* the subsets: with one part, the subset is @cur itself */
		for (unsigned int i = 0; gran > 1 && i < gran && !reduced; i++) {
			unsigned int lo = i * m / gran, hi = (i + 1) * m / gran;

			config(cand, keep, n, domain, ndomain, cur + lo, hi - lo);
			ret = test(cand, arg);
			if (ret < 0)
				goto out;
			if (ret) {
				memmove(cur, cur + lo, (hi - lo) * sizeof(*cur));
				m = hi - lo;
				gran = 2;
				reduced = true;
			}
		}
		/* the complements: with two parts, they were the subsets */
		for (unsigned int i = 0; gran != 2 && i < gran && !reduced; i++) {
			unsigned int lo = i * m / gran, hi = (i + 1) * m / gran;
			unsigned int k = 0;

			for (unsigned int j = 0; j < m; j++)
				if (j < lo || j >= hi)
					tmp[k++] = cur[j];
			config(cand, keep, n, domain, ndomain, tmp, k);
			ret = test(cand, arg);
			if (ret < 0)
				goto out;
			if (ret) {
				memcpy(cur, tmp, k * sizeof(*cur));
				m = k;
				gran = gran > 3 ? gran - 1 : 2;
				reduced = true;
			}
		}
		if (reduced) {
			/* @keep: the smallest reproducing configuration so far */
			memcpy(keep, cand, n * sizeof(*keep));
			continue;
		}
		if (gran >= m)
			break;
		gran = gran * 2 < m ? gran * 2 : m;
	}
	ret = 0;
out:
	free(cur);
	free(tmp);
	free(cand);
	return ret;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * libprobelab: the benchmarks' arithmetic (bench_stats.h) - medians,
 * ratios, FNV-1a and the idle detector.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bench_stats.h"

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

double pl_bench_median(uint64_t *v, size_t n)
{
	if (!n)
		return 0;
	qsort(v, n, sizeof(*v), cmp_u64);
	if (n % 2)
		return (double)v[n / 2];
	return ((double)v[n / 2 - 1] + (double)v[n / 2]) / 2;
}

double pl_bench_ratio(double a, double b)
{
	return b > 0 ? a / b : 0;
}

uint64_t pl_bench_fnv1a(uint64_t h, const void *buf, size_t len)
{
	const unsigned char *p = buf;

	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

int pl_idle_start(struct pl_idle *w, uint64_t quiet_ns, uint64_t now,
		  const uint64_t *values, unsigned int nr)
{
	if (!nr || nr > PL_IDLE_MAX_VALUES)
		return -EINVAL;
	memset(w, 0, sizeof(*w));
	w->quiet_ns = quiet_ns;
	w->last_change = now;
	w->nr = nr;
	memcpy(w->values, values, nr * sizeof(*values));
	return 0;
}

bool pl_idle_sample(struct pl_idle *w, uint64_t now, const uint64_t *values)
{
	if (memcmp(w->values, values, w->nr * sizeof(*values))) {
		memcpy(w->values, values, w->nr * sizeof(*values));
		w->last_change = now;
		w->changes++;
		w->moved = true;
		return false;
	}
	return now >= w->last_change && now - w->last_change >= w->quiet_ns;
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libprobelab: the benchmarks' arithmetic, kept apart so that unit tests
 * check it without a module - medians of repeated runs, ratios, a
 * 64-bit FNV-1a digest, and the idle detector of `bench deferral
 * --stagger` (a set of counters that has stopped moving).
 */
#ifndef PROBELAB_BENCH_STATS_H
#define PROBELAB_BENCH_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Median of @n values (sorted in place); the mean of the middle two for
 * an even @n; 0 when @n is 0. */
double pl_bench_median(uint64_t *v, size_t n);

/* @a / @b, or 0 when @b is 0. */
double pl_bench_ratio(double a, double b);

/* 64-bit FNV-1a of @len bytes, continuing from @h (start with
 * PL_FNV1A_INIT). */
#define PL_FNV1A_INIT	0xcbf29ce484222325ull
uint64_t pl_bench_fnv1a(uint64_t h, const void *buf, size_t len);

#define PL_IDLE_MAX_VALUES	8

/*
 * The idle detector: a sample is up to PL_IDLE_MAX_VALUES counters (and
 * digests) taken at a time in ns.  The watched system is idle once no
 * value has changed for @quiet_ns since the last change (or since the
 * start).  @changes counts the samples that differed from the one
 * before; @moved tells whether anything moved since the start.
 */
struct pl_idle {
	uint64_t quiet_ns;
	uint64_t last_change;
	uint64_t values[PL_IDLE_MAX_VALUES];
	unsigned int nr;
	unsigned int changes;
	bool moved;
};

/* Starts watching with the first sample: -EINVAL when @nr is 0 or above
 * PL_IDLE_MAX_VALUES. */
int pl_idle_start(struct pl_idle *w, uint64_t quiet_ns, uint64_t now,
		  const uint64_t *values, unsigned int nr);
/* A later sample (as many values, @now not before the last): true once
 * idle. */
bool pl_idle_sample(struct pl_idle *w, uint64_t now, const uint64_t *values);

#endif /* PROBELAB_BENCH_STATS_H */

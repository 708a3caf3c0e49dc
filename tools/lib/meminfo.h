/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libprobelab: reading the kernel's memory accounting for `bench mem` -
 * /proc/meminfo's counters and /proc/slabinfo's caches, parsed from text
 * (so that unit tests feed them samples) - and the difference of two
 * slabinfo snapshots, largest growth first.
 */
#ifndef PROBELAB_MEMINFO_H
#define PROBELAB_MEMINFO_H

#include <stddef.h>
#include <stdint.h>

/* /proc/meminfo, in bytes; a field the text lacks stays 0. */
struct pl_meminfo {
	uint64_t mem_free;
	uint64_t slab;
	uint64_t sunreclaim;
	uint64_t page_tables;
	uint64_t vmalloc_used;
	uint64_t percpu;
};

/* 0, or -EINVAL when MemFree: or Slab: is missing. */
int pl_meminfo_parse(const char *text, struct pl_meminfo *mi);
/* pl_meminfo_parse() of /proc/meminfo: 0 or a negative errno. */
int pl_meminfo_read(struct pl_meminfo *mi);

#define PL_SLAB_NAME_LEN	48

/* One cache of /proc/slabinfo (version 2.x). */
struct pl_slab_cache {
	char name[PL_SLAB_NAME_LEN];
	uint64_t active_objs;
	uint64_t objsize;
	uint64_t num_slabs;
	uint64_t pages_per_slab;
};

struct pl_slabinfo {
	struct pl_slab_cache *c;
	size_t nr;
};

/*
 * Parses slabinfo text into @si (free with pl_slabinfo_free()): 0,
 * -EINVAL when it is not slabinfo 2.x, -ENOMEM.
 */
int pl_slabinfo_parse(const char *text, struct pl_slabinfo *si);
/* /proc/slabinfo: 0, -ENOENT (absent) or -EACCES (not root), ... */
int pl_slabinfo_read(struct pl_slabinfo *si);
void pl_slabinfo_free(struct pl_slabinfo *si);

/* A cache's growth between two snapshots, in bytes of live objects. */
struct pl_slab_delta {
	char name[PL_SLAB_NAME_LEN];
	int64_t bytes;		/* (active_objs * objsize) after - before */
	int64_t objs;
};

/*
 * The @max caches (by name) whose live bytes grew most from @a to @b,
 * largest first, into @out; returns how many were written (only growth
 * above zero counts).
 */
size_t pl_slabinfo_diff(const struct pl_slabinfo *a,
			const struct pl_slabinfo *b, struct pl_slab_delta *out,
			size_t max);

/*
 * The same, less a baseline's growth from @base_a to @base_b per cache
 * (both NULL: none): what one run allocated beyond another's, e.g. a
 * layered lab beyond the bare lab.
 */
size_t pl_slabinfo_diff_over(const struct pl_slabinfo *a,
			     const struct pl_slabinfo *b,
			     const struct pl_slabinfo *base_a,
			     const struct pl_slabinfo *base_b,
			     struct pl_slab_delta *out, size_t max);

#endif /* PROBELAB_MEMINFO_H */

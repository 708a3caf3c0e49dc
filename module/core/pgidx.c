// SPDX-License-Identifier: GPL-2.0
/*
 * probelab core: the index arithmetic of radix IOMMU page tables (see
 * pgidx.h).  Pure functions on u64; no allocation, no lock.
 */
#include "pgidx.h"

const struct pl_pgidx_geo pl_pgidx_geo_lpae_s1_4k = {
	.granule_shift = 12,
	.bits_per_level = 9,
	.levels = 4,
	.ias = 48,
	.oas = 48,
	.leaf_levels = (1U << 1) | (1U << 2) | (1U << 3),
};

const struct pl_pgidx_geo pl_pgidx_geo_vtd_sl4 = {
	.granule_shift = 12,
	.bits_per_level = 9,
	.levels = 4,
	.ias = 48,
	.oas = 52,
	.leaf_levels = (1U << 1) | (1U << 2) | (1U << 3),
};

static u64 pl_pgidx_mask(unsigned int bits)
{
	return bits >= 64 ? ~0ULL : (1ULL << bits) - 1;
}

int pl_pgidx_geo_check(const struct pl_pgidx_geo *g)
{
	unsigned int below_root, all;

	if (!g || g->granule_shift < 12 || g->granule_shift > 16)
		return -EINVAL;
	if (g->bits_per_level < 1 || g->bits_per_level > 13)
		return -EINVAL;
	if (g->levels < 1 || g->levels > PL_PGIDX_MAX_LEVELS)
		return -EINVAL;
	/* the root resolves at least one bit and at most bits_per_level */
	below_root = g->granule_shift + g->bits_per_level * (g->levels - 1);
	all = below_root + g->bits_per_level;
	if (g->ias <= below_root || g->ias > all ||
	    g->ias > PL_PGIDX_MAX_BITS)
		return -EINVAL;
	if (g->oas < g->granule_shift || g->oas > PL_PGIDX_MAX_BITS)
		return -EINVAL;
	if (!(g->leaf_levels & (1U << (g->levels - 1))) ||
	    (g->leaf_levels & 1U) ||
	    (g->leaf_levels & ~(unsigned int)pl_pgidx_mask(g->levels)))
		return -EINVAL;
	return 0;
}

unsigned int pl_pgidx_shift(const struct pl_pgidx_geo *g, unsigned int lvl)
{
	if (lvl >= g->levels)
		return 0;
	return g->granule_shift + g->bits_per_level * (g->levels - 1 - lvl);
}

u64 pl_pgidx_block_size(const struct pl_pgidx_geo *g, unsigned int lvl)
{
	if (lvl >= g->levels)
		return 0;
	return 1ULL << pl_pgidx_shift(g, lvl);
}

unsigned int pl_pgidx_nr_entries(const struct pl_pgidx_geo *g,
				 unsigned int lvl)
{
	if (lvl >= g->levels)
		return 0;
	if (lvl == 0)
		return 1U << (g->ias - pl_pgidx_shift(g, 0));
	return 1U << g->bits_per_level;
}

unsigned int pl_pgidx_index(const struct pl_pgidx_geo *g, unsigned int lvl,
			    u64 iova)
{
	if (lvl >= g->levels)
		return 0;
	return (unsigned int)((iova >> pl_pgidx_shift(g, lvl)) &
			      (pl_pgidx_nr_entries(g, lvl) - 1));
}

u64 pl_pgidx_entry_base(const struct pl_pgidx_geo *g, unsigned int lvl,
			u64 iova)
{
	if (lvl >= g->levels)
		return iova;
	return iova & ~pl_pgidx_mask(pl_pgidx_shift(g, lvl));
}

u64 pl_pgidx_entry_last(const struct pl_pgidx_geo *g, unsigned int lvl,
			u64 iova)
{
	if (lvl >= g->levels)
		return iova;
	return iova | pl_pgidx_mask(pl_pgidx_shift(g, lvl));
}

bool pl_pgidx_leaf_ok(const struct pl_pgidx_geo *g, unsigned int lvl)
{
	return lvl < g->levels && (g->leaf_levels & (1U << lvl));
}

int pl_pgidx_check_range(const struct pl_pgidx_geo *g, u64 iova, u64 size)
{
	u64 gmask = pl_pgidx_mask(g->granule_shift);
	u64 last;

	if (!size || (iova & gmask) || (size & gmask))
		return -EINVAL;
	if (check_add_overflow(iova, size - 1, &last))
		return -EINVAL;
	if (last > pl_pgidx_mask(g->ias))
		return -EINVAL;
	return 0;
}

int pl_pgidx_check_map(const struct pl_pgidx_geo *g, u64 iova, u64 paddr,
		       u64 size)
{
	u64 last;

	if (pl_pgidx_check_range(g, iova, size))
		return -EINVAL;
	if (paddr & pl_pgidx_mask(g->granule_shift))
		return -EINVAL;
	if (check_add_overflow(paddr, size - 1, &last))
		return -EINVAL;
	if (last > pl_pgidx_mask(g->oas))
		return -EINVAL;
	return 0;
}

int pl_pgidx_chunk(const struct pl_pgidx_geo *g, u64 iova, u64 paddr,
		   u64 size, u64 *count)
{
	unsigned int lvl, up;
	u64 bs, big, dist;

	if (!size || ((iova | paddr | size) & pl_pgidx_mask(g->granule_shift)))
		return -EINVAL;
	/* the largest leaf level both addresses are aligned to that fits */
	for (lvl = 0; lvl < g->levels; lvl++) {
		if (!pl_pgidx_leaf_ok(g, lvl))
			continue;
		bs = pl_pgidx_block_size(g, lvl);
		if (!((iova | paddr) & (bs - 1)) && size >= bs)
			break;
	}
	if (lvl == g->levels)	/* no last-level leaf: not a valid geometry */
		return -EINVAL;
	bs = pl_pgidx_block_size(g, lvl);
	*count = size >> pl_pgidx_shift(g, lvl);

	/*
	 * Stepping by bs keeps both addresses aligned to bs, so the level
	 * only changes where a larger leaf becomes possible: at the next
	 * boundary of the nearest larger leaf level, if IOVA and physical
	 * address are congruent modulo its size (both are aligned to it at
	 * the same points) and a whole larger leaf still fits there.  A
	 * larger leaf level further up needs that congruence too, so the
	 * nearest one is the first to become possible.
	 */
	for (up = lvl; up-- > 0;)
		if (pl_pgidx_leaf_ok(g, up))
			break;
	if (up >= lvl)		/* wrapped: no larger leaf level */
		return (int)lvl;
	big = pl_pgidx_block_size(g, up);
	if ((iova ^ paddr) & (big - 1))
		return (int)lvl;
	/* here iova is not big-aligned (or size < big, then no switch) */
	dist = big - (iova & (big - 1));
	if (dist < size && size - dist >= big)
		*count = dist >> pl_pgidx_shift(g, lvl);
	return (int)lvl;
}

int pl_pgidx_decompose(const struct pl_pgidx_geo *g, u64 iova, u64 paddr,
		       u64 size, u64 *leaves, u64 *tables)
{
	u64 prev[PL_PGIDX_MAX_LEVELS];
	bool have_prev[PL_PGIDX_MAX_LEVELS] = { false };
	unsigned int k;
	int runs = 0;

	if (pl_pgidx_check_map(g, iova, paddr, size))
		return -EINVAL;
	for (k = 0; k < PL_PGIDX_MAX_LEVELS; k++) {
		leaves[k] = 0;
		if (tables)
			tables[k] = 0;
	}
	if (tables)
		tables[0] = 1;
	while (size) {
		u64 n, len, first, last;
		int lvl;

		lvl = pl_pgidx_chunk(g, iova, paddr, size, &n);
		if (lvl < 0)
			return lvl;
		len = n << pl_pgidx_shift(g, lvl);
		leaves[lvl] += n;
		/*
		 * Leaves at level lvl sit in level-k tables for k = 1..lvl;
		 * a level-k table covers one entry of level k - 1.  Runs come
		 * in IOVA order, so a table shared with the previous run is
		 * the previous run's last one.
		 */
		for (k = 1; tables && k <= (unsigned int)lvl; k++) {
			unsigned int sh = pl_pgidx_shift(g, k - 1);

			first = iova >> sh;
			last = (iova + len - 1) >> sh;
			if (have_prev[k] && prev[k] == first)
				first++;
			if (first <= last)
				tables[k] += last - first + 1;
			prev[k] = last;
			have_prev[k] = true;
		}
		iova += len;
		paddr += len;
		size -= len;
		runs++;
	}
	return runs;
}

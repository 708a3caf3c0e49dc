/* SPDX-License-Identifier: GPL-2.0 */
/*
 * probelab core: the index arithmetic of radix IOMMU page tables.
 *
 * Independent of any PTE format: a geometry (granule, bits per level,
 * number of levels, input and output address widths, which levels may
 * hold leaves) is all it knows.  module/pgtable*.c builds the ARM LPAE and
 * VT-d second-level tables on it; the unit tests run it in userspace.
 *
 * Levels are numbered from the root: level 0 is the root table and level
 * (levels - 1) holds the smallest pages.  ARM LPAE with a 4K granule and a
 * 48-bit input numbers its levels the same way (0..3); VT-d counts the
 * other way round (its level N, 1 = the PTE level, is our levels - N).
 *
 * All functions are pure and take no lock.  Every function that takes a
 * geometry expects one pl_pgidx_geo_check() accepted; a level out of range
 * gives 0 (sizes, indexes) or -EINVAL, never undefined shifts.  Ranges are
 * handled through their last byte, so a range ending at 2^64 does not
 * overflow.
 */
#ifndef _PROBELAB_CORE_PGIDX_H
#define _PROBELAB_CORE_PGIDX_H

#include "compat.h"

/* bounds of struct pl_pgidx_geo */
#define PL_PGIDX_MAX_LEVELS	6
#define PL_PGIDX_MAX_BITS	63	/* ias and oas: 2^ias fits in a u64 */

/**
 * struct pl_pgidx_geo - the shape of one radix page-table format
 * @granule_shift: log2 of the smallest page (12 for 4K)
 * @bits_per_level: log2 of the entries of a non-root table (9: 512)
 * @levels: table levels, root included
 * @ias: input (IOVA) address bits; the root has 2^(ias - shift(0)) entries
 * @oas: output (physical) address bits
 * @leaf_levels: bit L set when level L may hold a leaf (block, superpage or
 *	page); the last level always does, the root never does
 */
struct pl_pgidx_geo {
	u8 granule_shift;
	u8 bits_per_level;
	u8 levels;
	u8 ias;
	u8 oas;
	u8 leaf_levels;
};

/*
 * ARM LPAE stage 1, 4K granule, T0SZ 16 (48-bit input, start level 0),
 * 48-bit output: 1G blocks at level 1, 2M blocks at level 2, 4K pages at
 * level 3.
 */
extern const struct pl_pgidx_geo pl_pgidx_geo_lpae_s1_4k;
/*
 * VT-d second level, 4-level (AGAW 48): 1G superpages in the PDPE level,
 * 2M in the PDE level, 4K PTEs; address bits 51:12 give a 52-bit output.
 */
extern const struct pl_pgidx_geo pl_pgidx_geo_vtd_sl4;

/**
 * pl_pgidx_geo_check() - validate a geometry
 * @g: the geometry
 *
 * Accepts granule_shift 12..16, bits_per_level 1..13, levels
 * 1..PL_PGIDX_MAX_LEVELS, an ias the levels resolve exactly (more than
 * the levels below the root resolve, at most what all of them resolve,
 * and at most PL_PGIDX_MAX_BITS), oas granule_shift..PL_PGIDX_MAX_BITS,
 * and leaf_levels with the last level set and only existing levels set.
 *
 * Return: 0, or -EINVAL.
 */
int pl_pgidx_geo_check(const struct pl_pgidx_geo *g);

/**
 * pl_pgidx_shift() - IOVA bit position of the index of a level
 * @g: the geometry
 * @lvl: level (0 = root)
 *
 * Return: granule_shift + bits_per_level * (levels - 1 - @lvl), or 0 for
 * a level out of range.
 */
unsigned int pl_pgidx_shift(const struct pl_pgidx_geo *g, unsigned int lvl);

/**
 * pl_pgidx_block_size() - bytes one entry of a level translates
 * @g: the geometry
 * @lvl: level
 *
 * Return: 1 << pl_pgidx_shift(), or 0 for a level out of range.
 */
u64 pl_pgidx_block_size(const struct pl_pgidx_geo *g, unsigned int lvl);

/**
 * pl_pgidx_nr_entries() - entries of a table of a level
 * @g: the geometry
 * @lvl: level
 *
 * Return: 2^bits_per_level below the root, 2^(ias - shift(0)) for the
 * root, 0 for a level out of range.
 */
unsigned int pl_pgidx_nr_entries(const struct pl_pgidx_geo *g,
				 unsigned int lvl);

/**
 * pl_pgidx_index() - index of the entry translating @iova in its table
 * @g: the geometry
 * @lvl: level
 * @iova: input address (bits at and above ias are ignored)
 *
 * Return: the index, 0 for a level out of range.
 */
unsigned int pl_pgidx_index(const struct pl_pgidx_geo *g, unsigned int lvl,
			    u64 iova);

/**
 * pl_pgidx_entry_base() - first IOVA the entry of @iova at @lvl translates
 * @g: the geometry
 * @lvl: level
 * @iova: input address
 *
 * Return: @iova rounded down to the level's block size; @iova for a level
 * out of range.
 */
u64 pl_pgidx_entry_base(const struct pl_pgidx_geo *g, unsigned int lvl,
			u64 iova);

/**
 * pl_pgidx_entry_last() - last IOVA the entry of @iova at @lvl translates
 * @g: the geometry
 * @lvl: level
 * @iova: input address
 *
 * Return: pl_pgidx_entry_base() + block size - 1; @iova for a level out of
 * range.
 */
u64 pl_pgidx_entry_last(const struct pl_pgidx_geo *g, unsigned int lvl,
			u64 iova);

/**
 * pl_pgidx_leaf_ok() - may a level hold a leaf
 * @g: the geometry
 * @lvl: level
 *
 * Return: true when @lvl exists and is in leaf_levels.
 */
bool pl_pgidx_leaf_ok(const struct pl_pgidx_geo *g, unsigned int lvl);

/**
 * pl_pgidx_check_range() - validate an IOVA range (unmap side)
 * @g: the geometry
 * @iova: first byte
 * @size: bytes
 *
 * Return: 0 when @size is not 0, @iova and @size are granule-aligned and
 * the range lies below 2^ias; -EINVAL otherwise.
 */
int pl_pgidx_check_range(const struct pl_pgidx_geo *g, u64 iova, u64 size);

/**
 * pl_pgidx_check_map() - validate a mapping (map side)
 * @g: the geometry
 * @iova: first input byte
 * @paddr: first output byte
 * @size: bytes
 *
 * Return: 0 when pl_pgidx_check_range() accepts (@iova, @size), @paddr is
 * granule-aligned and @paddr + @size - 1 lies below 2^oas; -EINVAL
 * otherwise.
 */
int pl_pgidx_check_map(const struct pl_pgidx_geo *g, u64 iova, u64 paddr,
		       u64 size);

/**
 * pl_pgidx_chunk() - the largest leaves a mapping starts with
 * @g: the geometry
 * @iova: first input byte
 * @paddr: first output byte
 * @size: bytes
 * @count: receives how many leaves of that level follow one another from
 *	@iova before the decomposition changes level (always >= 1)
 *
 * The greedy decomposition maps every position with the largest leaf
 * level whose block size both the IOVA and the physical address are
 * aligned to and that fits in what is left.  The leaves of one run are
 * all of one size; the next run starts at @iova + @count * block size.
 * Pass @paddr = @iova to decompose an IOVA range alone.
 *
 * Return: the level of the run's leaves, or -EINVAL when @size is 0 or
 * @iova, @paddr or @size is not granule-aligned.
 */
int pl_pgidx_chunk(const struct pl_pgidx_geo *g, u64 iova, u64 paddr,
		   u64 size, u64 *count);

/**
 * pl_pgidx_decompose() - leaves of each level the greedy mapping uses
 * @g: the geometry
 * @iova: first input byte
 * @paddr: first output byte
 * @size: bytes
 * @leaves: receives, per level, the leaves a map of the range installs
 *	(PL_PGIDX_MAX_LEVELS entries, all written)
 * @tables: receives, per level, the tables an empty page table needs for
 *	the range: [0] is the root (1), [L] the level-L tables; NULL when
 *	not wanted (PL_PGIDX_MAX_LEVELS entries, all written)
 *
 * Return: the number of runs (see pl_pgidx_chunk()), or -EINVAL as
 * pl_pgidx_check_map() and pl_pgidx_chunk() would.
 */
int pl_pgidx_decompose(const struct pl_pgidx_geo *g, u64 iova, u64 paddr,
		       u64 size, u64 *leaves, u64 *tables);

#endif /* _PROBELAB_CORE_PGIDX_H */

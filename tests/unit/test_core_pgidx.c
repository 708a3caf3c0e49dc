// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of module/core/pgidx.c: the index arithmetic of the ARM LPAE
 * (stage 1, 4K granule) and VT-d second-level (4-level) page tables, the
 * range checks, and the decomposition of a mapping into the largest
 * aligned leaves (checked against a naive reference on random inputs).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "pgidx.h"

#define SZ_4K	0x1000ULL
#define SZ_64K	0x10000ULL
#define SZ_2M	0x200000ULL
#define SZ_1G	0x40000000ULL
#define SZ_512G	0x8000000000ULL
#define TOP48	(1ULL << 48)

static const struct pl_pgidx_geo *const geos[] = {
	&pl_pgidx_geo_lpae_s1_4k, &pl_pgidx_geo_vtd_sl4,
};

static void test_geo_builtin(void **state)
{
	(void)state;
	for (size_t i = 0; i < 2; i++) {
		const struct pl_pgidx_geo *g = geos[i];

		assert_int_equal(pl_pgidx_geo_check(g), 0);
		assert_int_equal(g->levels, 4);
		assert_int_equal(g->ias, 48);
		assert_false(pl_pgidx_leaf_ok(g, 0));
		assert_true(pl_pgidx_leaf_ok(g, 1));
		assert_true(pl_pgidx_leaf_ok(g, 2));
		assert_true(pl_pgidx_leaf_ok(g, 3));
		assert_false(pl_pgidx_leaf_ok(g, 4));
	}
	assert_int_equal(pl_pgidx_geo_lpae_s1_4k.oas, 48);
	assert_int_equal(pl_pgidx_geo_vtd_sl4.oas, 52);
}

static void test_geo_hostile(void **state)
{
	struct pl_pgidx_geo g = pl_pgidx_geo_lpae_s1_4k, b;

	(void)state;
	assert_int_equal(pl_pgidx_geo_check(NULL), -EINVAL);
#define BAD(field, value) do {						\
		b = g;							\
		b.field = (value);					\
		assert_int_equal(pl_pgidx_geo_check(&b), -EINVAL);	\
	} while (0)
	BAD(granule_shift, 11);
	BAD(granule_shift, 17);
	BAD(granule_shift, 0);
	BAD(bits_per_level, 0);
	BAD(bits_per_level, 14);
	BAD(levels, 0);
	BAD(levels, PL_PGIDX_MAX_LEVELS + 1);
	BAD(levels, 255);
	BAD(ias, 39);		/* the root would resolve nothing */
	BAD(ias, 58);		/* more than 4 levels resolve */
	BAD(ias, 0);
	BAD(oas, 11);
	BAD(oas, 64);
	BAD(oas, 255);
	BAD(leaf_levels, 0);
	BAD(leaf_levels, 0x7);	/* last level missing, root set */
	BAD(leaf_levels, 0x9);	/* root may not hold a leaf */
	BAD(leaf_levels, 0x18);	/* level 4 does not exist */
#undef BAD
	/* a 3-level, 39-bit table with a partial root is fine */
	b = g;
	b.levels = 3;
	b.ias = 39;
	b.leaf_levels = 0x6;
	assert_int_equal(pl_pgidx_geo_check(&b), 0);
	b.ias = 31;		/* 12 + 9 * 2 = 30 < 31 <= 39: partial root */
	assert_int_equal(pl_pgidx_geo_check(&b), 0);
	assert_int_equal(pl_pgidx_nr_entries(&b, 0), 2);
	/* ias 63 with 6 levels of 9 bits (up to 66) is the widest allowed */
	b = g;
	b.levels = 6;
	b.ias = 63;
	b.oas = 63;
	b.leaf_levels = 0x20;
	assert_int_equal(pl_pgidx_geo_check(&b), 0);
	assert_int_equal(pl_pgidx_nr_entries(&b, 0), 1U << 6);
	b.ias = 64;
	assert_int_equal(pl_pgidx_geo_check(&b), -EINVAL);
}

static void test_shift_size_entries(void **state)
{
	static const unsigned int shift[] = { 39, 30, 21, 12 };
	static const u64 size[] = { SZ_512G, SZ_1G, SZ_2M, SZ_4K };

	(void)state;
	for (size_t i = 0; i < 2; i++) {
		const struct pl_pgidx_geo *g = geos[i];

		for (unsigned int l = 0; l < 4; l++) {
			assert_int_equal(pl_pgidx_shift(g, l), shift[l]);
			assert_int_equal(pl_pgidx_block_size(g, l), size[l]);
			assert_int_equal(pl_pgidx_nr_entries(g, l), 512);
		}
		/* out of range levels are harmless */
		assert_int_equal(pl_pgidx_shift(g, 4), 0);
		assert_int_equal(pl_pgidx_block_size(g, 4), 0);
		assert_int_equal(pl_pgidx_nr_entries(g, 4), 0);
		assert_int_equal(pl_pgidx_index(g, 4, ~0ULL), 0);
		assert_int_equal(pl_pgidx_shift(g, 1000), 0);
		assert_true(pl_pgidx_entry_base(g, 9, 0x1234) == 0x1234);
		assert_true(pl_pgidx_entry_last(g, 9, 0x1234) == 0x1234);
	}
}

static void test_index(void **state)
{
	/* 0x0000_8040_2010_0000 + page offset 0xabc */
	u64 iova = (1ULL << 39) * 1 + (1ULL << 30) * 1 +
			(1ULL << 21) * 1 + (1ULL << 12) * 0x100 + 0xabc;

	(void)state;
	for (size_t i = 0; i < 2; i++) {
		const struct pl_pgidx_geo *g = geos[i];

		assert_int_equal(pl_pgidx_index(g, 0, iova), 1);
		assert_int_equal(pl_pgidx_index(g, 1, iova), 1);
		assert_int_equal(pl_pgidx_index(g, 2, iova), 1);
		assert_int_equal(pl_pgidx_index(g, 3, iova), 0x100);
		/* the top of the 48-bit space: 511 everywhere */
		for (unsigned int l = 0; l < 4; l++) {
			assert_int_equal(pl_pgidx_index(g, l, TOP48 - 1), 511);
			assert_int_equal(pl_pgidx_index(g, l, 0), 0);
			/* bits above ias are ignored */
			assert_int_equal(pl_pgidx_index(g, l, ~0ULL), 511);
			assert_int_equal(pl_pgidx_index(g, l, TOP48), 0);
		}
		assert_true(pl_pgidx_entry_base(g, 3, iova) == (iova & ~0xfffULL));
		assert_true(pl_pgidx_entry_last(g, 3, iova) == (iova | 0xfffULL));
		assert_true(pl_pgidx_entry_base(g, 2, iova) ==
			    (iova & ~(SZ_2M - 1)));
		assert_true(pl_pgidx_entry_last(g, 1, iova) ==
			    ((iova & ~(SZ_1G - 1)) + SZ_1G - 1));
		assert_true(pl_pgidx_entry_base(g, 0, iova) == (1ULL << 39));
		assert_true(pl_pgidx_entry_last(g, 0, ~0ULL) == ~0ULL);
	}
}

static void test_check_range(void **state)
{
	const struct pl_pgidx_geo *g = &pl_pgidx_geo_lpae_s1_4k;

	(void)state;
	assert_int_equal(pl_pgidx_check_range(g, 0, SZ_4K), 0);
	assert_int_equal(pl_pgidx_check_range(g, 0, TOP48), 0);
	assert_int_equal(pl_pgidx_check_range(g, TOP48 - SZ_4K, SZ_4K), 0);
	assert_int_equal(pl_pgidx_check_range(g, 0, 0), -EINVAL);
	assert_int_equal(pl_pgidx_check_range(g, 0x800, SZ_4K), -EINVAL);
	assert_int_equal(pl_pgidx_check_range(g, 0, 0x1800), -EINVAL);
	assert_int_equal(pl_pgidx_check_range(g, 0, TOP48 + SZ_4K), -EINVAL);
	assert_int_equal(pl_pgidx_check_range(g, TOP48, SZ_4K), -EINVAL);
	assert_int_equal(pl_pgidx_check_range(g, TOP48 - SZ_4K, 2 * SZ_4K),
			 -EINVAL);
	/* wrapping past 2^64 */
	assert_int_equal(pl_pgidx_check_range(g, ~0xfffULL, 2 * SZ_4K),
			 -EINVAL);
	assert_int_equal(pl_pgidx_check_range(g, SZ_4K, ~0xfffULL), -EINVAL);
}

static void test_check_map(void **state)
{
	const struct pl_pgidx_geo *a = &pl_pgidx_geo_lpae_s1_4k;
	const struct pl_pgidx_geo *v = &pl_pgidx_geo_vtd_sl4;

	(void)state;
	assert_int_equal(pl_pgidx_check_map(a, 0, 0, SZ_4K), 0);
	assert_int_equal(pl_pgidx_check_map(a, 0, 0x10, SZ_4K), -EINVAL);
	assert_int_equal(pl_pgidx_check_map(a, 0x10, 0, SZ_4K), -EINVAL);
	/* output widths: 48 bits LPAE, 52 bits VT-d */
	assert_int_equal(pl_pgidx_check_map(a, 0, TOP48 - SZ_4K, SZ_4K), 0);
	assert_int_equal(pl_pgidx_check_map(a, 0, TOP48, SZ_4K), -EINVAL);
	assert_int_equal(pl_pgidx_check_map(v, 0, TOP48, SZ_4K), 0);
	assert_int_equal(pl_pgidx_check_map(v, 0, (1ULL << 52) - SZ_4K, SZ_4K),
			 0);
	assert_int_equal(pl_pgidx_check_map(v, 0, (1ULL << 52) - SZ_4K,
					    2 * SZ_4K), -EINVAL);
	assert_int_equal(pl_pgidx_check_map(v, 0, ~0xfffULL, 2 * SZ_4K),
			 -EINVAL);
	assert_int_equal(pl_pgidx_check_map(v, 0, 0, 0), -EINVAL);
}

struct chunk_case {
	u64 iova, paddr, size;
	int lvl;
	u64 count;
};

static void test_chunk_cases(void **state)
{
	static const struct chunk_case cases[] = {
		{ 0, 0, SZ_4K, 3, 1 },
		{ 0, 0, SZ_64K, 3, 16 },
		{ 0, 0, SZ_2M, 2, 1 },
		{ 0, 0, SZ_1G, 1, 1 },
		{ 0, 0, 4 * SZ_1G, 1, 4 },
		{ 0, 0, SZ_1G + SZ_2M + SZ_4K, 1, 1 },
		/* 2M aligned IOVA, 4K aligned paddr: 4K pages only */
		{ SZ_2M, SZ_4K, SZ_2M, 3, 512 },
		{ SZ_1G, SZ_1G + SZ_4K, 3 * SZ_1G, 3, 3 * 512 * 512 },
		/* 1G IOVA, 2M paddr: 2M blocks */
		{ SZ_1G, SZ_2M, SZ_1G, 2, 512 },
		/* 4K before a 2M boundary: one page, then a block follows */
		{ SZ_2M - SZ_4K, SZ_2M - SZ_4K, SZ_2M + SZ_4K, 3, 1 },
		/* 8K before a boundary, 2M long: no whole block fits after it */
		{ SZ_2M - 2 * SZ_4K, 0x7fe000, SZ_2M, 3, 512 },
		/* a 2M block before a 1G boundary, then the 1G block */
		{ SZ_1G - SZ_2M, SZ_1G - SZ_2M, SZ_1G + SZ_2M, 2, 1 },
		/* congruent modulo 2M but not 1G: 2M blocks to the end */
		{ SZ_1G - SZ_2M, 5 * SZ_2M, SZ_1G + SZ_2M, 2, 513 },
		/* top of the space */
		{ TOP48 - SZ_1G, 0, SZ_1G, 1, 1 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct chunk_case *c = &cases[i];
		u64 n = 0;
		int lvl;

		lvl = pl_pgidx_chunk(&pl_pgidx_geo_vtd_sl4, c->iova, c->paddr,
				     c->size, &n);
		if (lvl != c->lvl || n != c->count)
			fail_msg("case %zu: level %d count %llu, want %d %llu",
				 i, lvl, (unsigned long long)n, c->lvl,
				 (unsigned long long)c->count);
	}
}

static void test_chunk_invalid(void **state)
{
	const struct pl_pgidx_geo *g = &pl_pgidx_geo_lpae_s1_4k;
	u64 n = 77;

	(void)state;
	assert_int_equal(pl_pgidx_chunk(g, 0, 0, 0, &n), -EINVAL);
	assert_int_equal(pl_pgidx_chunk(g, 1, 0, SZ_4K, &n), -EINVAL);
	assert_int_equal(pl_pgidx_chunk(g, 0, 0x800, SZ_4K, &n), -EINVAL);
	assert_int_equal(pl_pgidx_chunk(g, 0, 0, SZ_4K + 1, &n), -EINVAL);
	assert_true(n == 77);
}

static void test_decompose_sizes(void **state)
{
	u64 leaves[PL_PGIDX_MAX_LEVELS], tables[PL_PGIDX_MAX_LEVELS];
	const struct pl_pgidx_geo *g = &pl_pgidx_geo_lpae_s1_4k;

	(void)state;
	/* 1G aligned: one block, root + one level-1 table, no L2/L3 */
	assert_int_equal(pl_pgidx_decompose(g, SZ_1G, 0, SZ_1G, leaves,
					    tables), 1);
	assert_true(leaves[1] == 1 && leaves[2] == 0 && leaves[3] == 0);
	assert_true(tables[0] == 1 && tables[1] == 1 && tables[2] == 0 &&
		    tables[3] == 0);
	/* 2M: root, L1, L2 */
	assert_int_equal(pl_pgidx_decompose(g, SZ_2M, SZ_2M, SZ_2M, leaves,
					    tables), 1);
	assert_true(leaves[2] == 1 && tables[1] == 1 && tables[2] == 1 &&
		    tables[3] == 0);
	/* 4K and 64K: every level once */
	assert_int_equal(pl_pgidx_decompose(g, 0, 0, SZ_64K, leaves, tables),
			 1);
	assert_true(leaves[3] == 16 && tables[1] == 1 && tables[2] == 1 &&
		    tables[3] == 1);
	/* 4K before a 2M boundary, a 2M block, 4K after: two L3 tables */
	assert_int_equal(pl_pgidx_decompose(g, SZ_2M - SZ_4K, SZ_2M - SZ_4K,
					    SZ_2M + 2 * SZ_4K, leaves, tables),
			 3);
	assert_true(leaves[3] == 2 && leaves[2] == 1);
	assert_true(tables[1] == 1 && tables[2] == 1 && tables[3] == 2);
	/* 1G of 4K pages (paddr misaligned): 262144 PTEs in 512 tables */
	assert_int_equal(pl_pgidx_decompose(g, SZ_1G, SZ_4K, SZ_1G, leaves,
					    tables), 1);
	assert_true(leaves[3] == 262144 && tables[3] == 512 &&
		    tables[2] == 1 && tables[1] == 1);
	/* a range across two root entries */
	assert_int_equal(pl_pgidx_decompose(g, SZ_512G - SZ_1G, 0, 2 * SZ_1G,
					    leaves, tables), 1);
	assert_true(leaves[1] == 2 && tables[1] == 2 && tables[2] == 0);
	/* the whole 48-bit space in 1G blocks */
	assert_int_equal(pl_pgidx_decompose(g, 0, 0, TOP48, leaves, tables),
			 1);
	assert_true(leaves[1] == 512 * 512 && tables[1] == 512);
	/* tables is optional; bad input is refused */
	assert_int_equal(pl_pgidx_decompose(g, 0, 0, SZ_4K, leaves, NULL), 1);
	assert_int_equal(pl_pgidx_decompose(g, 0, 0, 0, leaves, tables),
			 -EINVAL);
	assert_int_equal(pl_pgidx_decompose(g, 0, TOP48, SZ_4K, leaves,
					    tables), -EINVAL);
}

/* xorshift64*: reproducible pseudo-random inputs */
static u64 rnd_state = 0x9e3779b97f4a7c15ULL;

static u64 rnd(void)
{
	rnd_state ^= rnd_state >> 12;
	rnd_state ^= rnd_state << 25;
	rnd_state ^= rnd_state >> 27;
	return rnd_state * 0x2545f4914f6cdd1dULL;
}

/* one leaf at a time, by definition: the largest aligned leaf that fits */
static void naive(const struct pl_pgidx_geo *g, u64 iova, u64 pa,
		  u64 size, u64 *leaves, u64 *tables)
{
	u64 seen[PL_PGIDX_MAX_LEVELS];
	int have[PL_PGIDX_MAX_LEVELS] = { 0 };

	memset(leaves, 0, sizeof(*leaves) * PL_PGIDX_MAX_LEVELS);
	memset(tables, 0, sizeof(*tables) * PL_PGIDX_MAX_LEVELS);
	tables[0] = 1;
	while (size) {
		unsigned int l;
		u64 bs = 0;

		for (l = 0; l < g->levels; l++) {
			if (!(g->leaf_levels & (1U << l)))
				continue;
			bs = 1ULL << (g->granule_shift +
				      g->bits_per_level * (g->levels - 1 - l));
			if (!(iova % bs) && !(pa % bs) && size >= bs)
				break;
		}
		assert_true(l < g->levels);
		leaves[l]++;
		for (unsigned int k = 1; k <= l; k++) {
			unsigned int sh = g->granule_shift +
				g->bits_per_level * (g->levels - k);
			u64 t = iova >> sh;

			if (!have[k] || seen[k] != t)
				tables[k]++;
			seen[k] = t;
			have[k] = 1;
		}
		iova += bs;
		pa += bs;
		size -= bs;
	}
}

static void test_decompose_random(void **state)
{
	u64 a[PL_PGIDX_MAX_LEVELS], at[PL_PGIDX_MAX_LEVELS];
	u64 b[PL_PGIDX_MAX_LEVELS], bt[PL_PGIDX_MAX_LEVELS];
	unsigned int iter;

	(void)state;
	for (iter = 0; iter < 3000; iter++) {
		const struct pl_pgidx_geo *g = geos[iter & 1];
		/*
		 * Addresses near 2M and 1G boundaries, sizes up to 2G + 4M:
		 * the naive walk stays below a million leaves because the
		 * paddr is usually congruent enough to use blocks.
		 */
		u64 iova = (rnd() % 64) * SZ_1G +
				(rnd() % 3) * (SZ_1G - SZ_2M) +
				(rnd() % 4) * SZ_2M + (rnd() % 8) * SZ_4K;
		u64 pa = (iter % 5) ? iova + (rnd() % 4) * SZ_1G :
				(rnd() % 1024) * SZ_2M + (rnd() % 2) * SZ_4K;
		u64 size = (rnd() % 3) * SZ_1G + (rnd() % 3) * SZ_2M +
				(rnd() % 5) * SZ_4K;
		int runs;

		if (!size)
			size = SZ_4K;
		if (((iova ^ pa) & (SZ_2M - 1)) && size > 64 * SZ_2M)
			size = 64 * SZ_2M;	/* all-4K: keep the walk short */
		runs = pl_pgidx_decompose(g, iova, pa, size, a, at);
		assert_true(runs >= 1 && runs <= 2 * PL_PGIDX_MAX_LEVELS);
		naive(g, iova, pa, size, b, bt);
		for (unsigned int l = 0; l < PL_PGIDX_MAX_LEVELS; l++) {
			if (a[l] != b[l] || at[l] != bt[l])
				fail_msg("iova 0x%llx pa 0x%llx size 0x%llx level %u: leaves %llu/%llu tables %llu/%llu",
					 (unsigned long long)iova,
					 (unsigned long long)pa,
					 (unsigned long long)size, l,
					 (unsigned long long)a[l],
					 (unsigned long long)b[l],
					 (unsigned long long)at[l],
					 (unsigned long long)bt[l]);
		}
	}
}

/* chunk runs tile the range exactly, each leaf aligned on both sides */
static void test_chunk_tiles(void **state)
{
	const struct pl_pgidx_geo *g = &pl_pgidx_geo_lpae_s1_4k;
	unsigned int iter;

	(void)state;
	for (iter = 0; iter < 2000; iter++) {
		u64 iova = (rnd() % (1ULL << 36)) << 12;
		u64 pa = (iter & 1) ? iova : (rnd() % (1ULL << 24)) << 21;
		u64 size = ((rnd() % (1ULL << 20)) + 1) << 12;
		u64 total = 0;
		int guard = 0;

		if (iova + size > TOP48)
			iova = TOP48 - size;
		pa = (pa & ~(SZ_1G - 1)) | (iova & (SZ_1G - 1) &
					    ~((iter & 2) ? SZ_2M - 1 : 0));
		while (total < size) {
			u64 n, bs;
			int lvl = pl_pgidx_chunk(g, iova + total, pa + total,
						 size - total, &n);

			assert_true(lvl >= 1 && lvl <= 3);
			bs = pl_pgidx_block_size(g, (unsigned int)lvl);
			assert_true(n >= 1);
			assert_true(((iova + total) % bs) == 0);
			assert_true(((pa + total) % bs) == 0);
			assert_true(n * bs <= size - total);
			total += n * bs;
			assert_true(++guard <= 2 * PL_PGIDX_MAX_LEVELS);
		}
		assert_true(total == size);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_geo_builtin),
		cmocka_unit_test(test_geo_hostile),
		cmocka_unit_test(test_shift_size_entries),
		cmocka_unit_test(test_index),
		cmocka_unit_test(test_check_range),
		cmocka_unit_test(test_check_map),
		cmocka_unit_test(test_chunk_cases),
		cmocka_unit_test(test_chunk_invalid),
		cmocka_unit_test(test_decompose_sizes),
		cmocka_unit_test(test_decompose_random),
		cmocka_unit_test(test_chunk_tiles),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * probelab: in-kernel self-test of the page tables (pgtable.c), for both
 * formats: map/unmap/iova_to_phys round trips from 4K to 1G, the levels
 * each mapping allocates, -EEXIST with rollback, the partial-unmap and
 * level-freeing rules, argument checks, the descriptor bits (checked by an
 * independent walk from the root's physical address, as the hardware
 * walks), the debugfs walk, and a concurrency stress: map/unmap cycles
 * that free a table level while other threads walk, with RCU freeing
 * (no violation may be seen) and with freeing at once (the quarantine
 * must report the walkers' use-after-free).
 *
 * Output: one "ok N - ..." / "not ok N - ..." line per section, through
 * pr_info()/pr_err(), with the failed checks before it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": pgtable selftest: " fmt

#include <linux/bits.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/io.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/prandom.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>

#include "pgtable.h"

#define PTT_RW		(PL_PROT_READ | PL_PROT_WRITE)
#define PTT_TOP		BIT_ULL(48)
#define PTT_SHOW_BUF	SZ_64K

struct pl_ptt {
	unsigned int nr;	/* sections run */
	unsigned int failed;	/* sections failed */
	unsigned int errs;	/* failed checks in the current section */
	const char *fmt_name;
	char *buf;		/* PTT_SHOW_BUF bytes for pl_pgtable_show() */
	struct rnd_state rnd;
};

static __printf(4, 5) bool pl_ptt_check(struct pl_ptt *t, bool ok, int line,
					const char *fmt, ...)
{
	struct va_format vaf;
	va_list args;

	if (ok)
		return true;
	if (t->errs++ < 10) {
		va_start(args, fmt);
		vaf.fmt = fmt;
		vaf.va = &args;
		pr_err("  %s line %d: %pV\n", t->fmt_name, line, &vaf);
		va_end(args);
	}
	return false;
}

#define PTT_CHECK(t, cond, fmt, ...) \
	pl_ptt_check(t, cond, __LINE__, fmt, ##__VA_ARGS__)

static void pl_ptt_end(struct pl_ptt *t, const char *what)
{
	t->nr++;
	if (t->errs) {
		t->failed++;
		pr_err("not ok %u - %s: %s (%u failed checks)\n", t->nr,
		       t->fmt_name, what, t->errs);
	} else {
		pr_info("ok %u - %s: %s\n", t->nr, t->fmt_name, what);
	}
	t->errs = 0;
}

static u64 pl_ptt_live(struct pl_pgtable *pt)
{
	struct pl_pgtable_stats st;

	pl_pgtable_get_stats(pt, &st);
	return st.levels_alloc - st.levels_freed;
}

static struct pl_pgtable_stats pl_ptt_stats(struct pl_pgtable *pt)
{
	struct pl_pgtable_stats st;

	pl_pgtable_get_stats(pt, &st);
	return st;
}

/*
 * The hardware's walk, written again from the specifications and
 * independent of pgtable_lpae.c / pgtable_vtd.c: from the root's physical
 * address, 4 levels of 512 entries, 4K granule.
 *
 * Return: 0 with *pa, *lvl (0 = root) and *desc of the leaf; -ENOENT when
 * not mapped; -EIO for a descriptor the hardware would fault on.
 */
static int pl_ptt_hw_walk(enum pl_pgtable_fmt fmt, phys_addr_t root, u64 iova,
			  u64 *pa, unsigned int *lvl, u64 *desc)
{
	u64 addr_mask = fmt == PL_PGTABLE_LPAE_S1_4K ? GENMASK_ULL(47, 12) :
						       GENMASK_ULL(51, 12);
	const __le64 *table = phys_to_virt(root);
	unsigned int l;

	for (l = 0; l < 4; l++) {
		unsigned int shift = 39 - 9 * l;
		u64 d = le64_to_cpu(READ_ONCE(table[(iova >> shift) & 511]));
		bool leaf;

		if (fmt == PL_PGTABLE_LPAE_S1_4K) {
			if (!(d & 1))
				return -ENOENT;
			/* 0b11: table (L0-L2) or page (L3); 0b01: block */
			if (l == 3)
				leaf = true;
			else
				leaf = (d & 3) == 1;
			if ((l == 3 && (d & 3) != 3) || (l == 0 && leaf))
				return -EIO;
		} else {
			if (!(d & 3))	/* neither R nor W: not present */
				return -ENOENT;
			leaf = l == 3 || (d & BIT_ULL(7));	/* PS */
			if (l == 0 && leaf)
				return -EIO;
		}
		if (leaf) {
			/* a block's address bits below its size are 0 */
			if (d & addr_mask & (BIT_ULL(shift) - 1))
				return -EIO;
			*pa = (d & addr_mask) | (iova & (BIT_ULL(shift) - 1));
			*lvl = l;
			*desc = d;
			return 0;
		}
		table = phys_to_virt(d & addr_mask);
	}
	return -EIO;
}

/*
 * Counts, the hardware's way, the tables (root included) and the bytes of
 * the leaves reachable from a table of level @l.
 */
static void pl_ptt_hw_count(enum pl_pgtable_fmt fmt, phys_addr_t table,
			    unsigned int l, u64 *tables, u64 *bytes)
{
	u64 addr_mask = fmt == PL_PGTABLE_LPAE_S1_4K ? GENMASK_ULL(47, 12) :
						       GENMASK_ULL(51, 12);
	const __le64 *t = phys_to_virt(table);
	unsigned int i;

	(*tables)++;
	for (i = 0; i < 512; i++) {
		u64 d = le64_to_cpu(READ_ONCE(t[i]));
		bool leaf;

		if (fmt == PL_PGTABLE_LPAE_S1_4K) {
			if (!(d & 1))
				continue;
			leaf = l == 3 || (d & 3) == 1;
		} else {
			if (!(d & 3))
				continue;
			leaf = l == 3 || (d & BIT_ULL(7));
		}
		if (leaf)
			*bytes += BIT_ULL(39 - 9 * l);
		else if (l < 3)
			pl_ptt_hw_count(fmt, d & addr_mask, l + 1, tables, bytes);
	}
}

/* The table's counters agree with what the hardware walk finds. */
static void pl_ptt_check_counts(struct pl_ptt *t, struct pl_pgtable *pt,
				enum pl_pgtable_fmt fmt)
{
	struct pl_pgtable_stats st;
	u64 tables = 0, bytes = 0;

	pl_ptt_hw_count(fmt, pl_pgtable_root_phys(pt), 0, &tables, &bytes);
	pl_pgtable_get_stats(pt, &st);
	PTT_CHECK(t, tables == st.levels_alloc - st.levels_freed,
		  "%llu tables reachable, counters say %llu live", tables,
		  st.levels_alloc - st.levels_freed);
	PTT_CHECK(t, bytes == st.mapped_bytes,
		  "0x%llx bytes reachable, counter says 0x%llx", bytes,
		  st.mapped_bytes);
}

/* The descriptor bits of a leaf, by the specifications. */
static void pl_ptt_check_leaf_bits(struct pl_ptt *t, enum pl_pgtable_fmt fmt,
				   u64 d, unsigned int lvl, int prot)
{
	if (fmt == PL_PGTABLE_LPAE_S1_4K) {
		PTT_CHECK(t, (d & 3) == (lvl == 3 ? 3 : 1),
			  "LPAE L%u leaf type bits 0x%llx", lvl, d & 3);
		PTT_CHECK(t, d & BIT_ULL(10), "LPAE AF clear: 0x%llx", d);
		PTT_CHECK(t, ((d >> 8) & 3) == 3, "LPAE SH not inner: 0x%llx", d);
		PTT_CHECK(t, ((d >> 2) & 7) == 1, "LPAE AttrIndx not 1: 0x%llx", d);
		PTT_CHECK(t, d & BIT_ULL(11), "LPAE nG clear: 0x%llx", d);
		PTT_CHECK(t, d & BIT_ULL(6), "LPAE AP[1] clear: 0x%llx", d);
		PTT_CHECK(t, !!(d & BIT_ULL(7)) == !(prot & PL_PROT_WRITE),
			  "LPAE AP[2] 0x%llx for prot %d", d, prot);
		PTT_CHECK(t, !(d & GENMASK_ULL(63, 48)), "LPAE upper bits 0x%llx",
			  d);
	} else {
		PTT_CHECK(t, d & BIT_ULL(0), "VT-d R clear: 0x%llx", d);
		PTT_CHECK(t, !!(d & BIT_ULL(1)) == !!(prot & PL_PROT_WRITE),
			  "VT-d W 0x%llx for prot %d", d, prot);
		PTT_CHECK(t, !!(d & BIT_ULL(7)) == (lvl != 3),
			  "VT-d PS 0x%llx at level %u", d, lvl);
		PTT_CHECK(t, !(d & (GENMASK_ULL(63, 52) | GENMASK_ULL(6, 2) |
				    GENMASK_ULL(11, 8))),
			  "VT-d reserved/attribute bits 0x%llx", d);
	}
}

/* Runs pl_pgtable_show() into t->buf; returns the NUL-terminated text. */
static const char *pl_ptt_show(struct pl_ptt *t, struct pl_pgtable *pt)
{
	struct seq_file m = { .buf = t->buf, .size = PTT_SHOW_BUF - 1 };

	pl_pgtable_show(&m, pt);
	PTT_CHECK(t, m.count < m.size, "show output overflowed %u bytes",
		  PTT_SHOW_BUF);
	t->buf[min_t(size_t, m.count, PTT_SHOW_BUF - 1)] = '\0';
	return t->buf;
}

struct pl_ptt_case {
	const char *name;
	u64 iova;
	u64 pa;
	u64 size;
	int prot;
	u64 live_mapped;	/* table levels after the map, root included */
	u64 live_unmapped;	/* after unmapping exactly the range */
};

static const struct pl_ptt_case pl_ptt_cases[] = {
	{ "4K page", SZ_4K, 0x80001000, SZ_4K, PTT_RW, 4, 4 },
	{ "64K of pages", SZ_64K, 0x80010000, SZ_64K, PTT_RW, 4, 4 },
	{ "64K read-only", 3 * SZ_64K, 0x80010000, SZ_64K, PL_PROT_READ, 4, 4 },
	{ "2M block", SZ_4M, 0x80200000, SZ_2M, PTT_RW, 3, 3 },
	/* the unmap covers the L2 entry: the L3 table is freed */
	{ "2M of 4K pages", SZ_2M, 0x80001000, SZ_2M, PTT_RW, 4, 3 },
	/* no L2 or L3 table at all */
	{ "1G block", SZ_1G, 0x40000000, SZ_1G, PTT_RW, 2, 2 },
	/* the unmap covers the L1 entry: the L2 table is freed */
	{ "1G of 2M blocks", SZ_1G, 0x80200000, SZ_1G, PTT_RW, 3, 2 },
	{ "4K+2M+4K", SZ_2M - SZ_4K, 0x801ff000, SZ_2M + 2 * SZ_4K, PTT_RW,
	  5, 5 },
	{ "4K+2M+1G+2M+4K", SZ_1G - SZ_2M - SZ_4K,
	  3ULL * SZ_1G - SZ_2M - SZ_4K, SZ_1G + 2 * SZ_2M + 2 * SZ_4K,
	  PTT_RW, 6, 6 },
	{ "8K across root entries", (1ULL << 39) - SZ_4K, 0x90000000,
	  2 * SZ_4K, PTT_RW, 7, 7 },
	{ "2M at the top of the IOVA space", PTT_TOP - SZ_2M, 0x80400000,
	  SZ_2M, PL_PROT_READ, 3, 3 },
};

/* iova_to_phys, pl_pgtable_leaf and the hardware walk agree at @iova. */
static void pl_ptt_check_at(struct pl_ptt *t, struct pl_pgtable *pt,
			    enum pl_pgtable_fmt fmt, u64 iova, u64 want_pa,
			    int want_lvl, int prot)
{
	phys_addr_t root = pl_pgtable_root_phys(pt);
	unsigned int lvl = 99, hlvl = 99;
	u64 pa = 0, d = 0, leaf;
	int ret;

	ret = pl_ptt_hw_walk(fmt, root, iova, &pa, &hlvl, &d);
	leaf = pl_pgtable_leaf(pt, iova, &lvl);
	if (!want_pa) {
		PTT_CHECK(t, ret == -ENOENT, "iova 0x%llx: hw walk %d, want unmapped",
			  iova, ret);
		PTT_CHECK(t, !leaf, "iova 0x%llx: leaf 0x%llx, want none", iova,
			  leaf);
		PTT_CHECK(t, !pl_pgtable_iova_to_phys(pt, iova),
			  "iova 0x%llx mapped, want unmapped", iova);
		return;
	}
	PTT_CHECK(t, !ret && pa == want_pa,
		  "iova 0x%llx: hw walk %d pa 0x%llx, want 0x%llx", iova, ret, pa,
		  want_pa);
	PTT_CHECK(t, pl_pgtable_iova_to_phys(pt, iova) == want_pa,
		  "iova 0x%llx: iova_to_phys 0x%llx, want 0x%llx", iova,
		  (u64)pl_pgtable_iova_to_phys(pt, iova), want_pa);
	PTT_CHECK(t, leaf == d && lvl == hlvl,
		  "iova 0x%llx: leaf 0x%llx level %u, hw 0x%llx level %u", iova,
		  leaf, lvl, d, hlvl);
	if (want_lvl >= 0)
		PTT_CHECK(t, hlvl == want_lvl, "iova 0x%llx: level %u, want %d",
			  iova, hlvl, want_lvl);
	if (!ret)
		pl_ptt_check_leaf_bits(t, fmt, d, hlvl, prot);
}

static void pl_ptt_round_trip(struct pl_ptt *t, enum pl_pgtable_fmt fmt,
			      const struct pl_ptt_case *c)
{
	const struct pl_pgidx_geo *g = fmt == PL_PGTABLE_LPAE_S1_4K ?
		&pl_pgidx_geo_lpae_s1_4k : &pl_pgidx_geo_vtd_sl4;
	u64 leaves[PL_PGIDX_MAX_LEVELS], tables[PL_PGIDX_MAX_LEVELS];
	u64 done, want_live = 0, nr_leaves = 0;
	struct pl_pgtable_stats st;
	struct pl_pgtable *pt;
	char line[96];
	int i, ret;

	pt = pl_pgtable_alloc(fmt, true, GFP_KERNEL);
	if (!PTT_CHECK(t, pt, "alloc failed"))
		goto out;
	PTT_CHECK(t, pl_pgidx_decompose(g, c->iova, c->pa, c->size, leaves,
					tables) > 0, "decompose refused the case");
	for (i = 0; i < PL_PGIDX_MAX_LEVELS; i++) {
		want_live += tables[i];
		nr_leaves += leaves[i];
	}
	PTT_CHECK(t, want_live == c->live_mapped,
		  "pgidx predicts %llu levels, the case says %llu", want_live,
		  c->live_mapped);

	ret = pl_pgtable_map(pt, c->iova, c->pa, c->size, c->prot, GFP_KERNEL);
	if (!PTT_CHECK(t, !ret, "map 0x%llx+0x%llx: %d", c->iova, c->size, ret))
		goto out_free;
	st = pl_ptt_stats(pt);
	PTT_CHECK(t, st.mapped_bytes == c->size, "mapped %llu bytes, want %llu",
		  st.mapped_bytes, c->size);
	PTT_CHECK(t, st.levels_alloc - st.levels_freed == c->live_mapped,
		  "%llu levels after map, want %llu",
		  st.levels_alloc - st.levels_freed, c->live_mapped);

	pl_ptt_check_counts(t, pt, fmt);

	/* the first and last leaf of every run of the decomposition */
	for (done = 0; done < c->size;) {
		u64 count, bs, last_leaf;
		int lvl = pl_pgidx_chunk(g, c->iova + done, c->pa + done,
					 c->size - done, &count);

		if (!PTT_CHECK(t, lvl > 0, "chunk %d", lvl))
			break;
		bs = pl_pgidx_block_size(g, lvl);
		last_leaf = done + (count - 1) * bs;
		pl_ptt_check_at(t, pt, fmt, c->iova + done, c->pa + done, lvl,
				c->prot);
		pl_ptt_check_at(t, pt, fmt, c->iova + last_leaf + bs - 1,
				c->pa + last_leaf + bs - 1, lvl, c->prot);
		done += count * bs;
	}
	/* random bytes of the range, and just outside it */
	for (i = 0; i < 64; i++) {
		u64 off = prandom_u32_state(&t->rnd) % c->size;

		off = (off + ((u64)prandom_u32_state(&t->rnd) << 32)) % c->size;
		pl_ptt_check_at(t, pt, fmt, c->iova + off, c->pa + off, -1,
				c->prot);
	}
	if (c->iova)
		pl_ptt_check_at(t, pt, fmt, c->iova - 1, 0, -1, 0);
	if (c->iova + c->size < PTT_TOP)
		pl_ptt_check_at(t, pt, fmt, c->iova + c->size, 0, -1, 0);

	/* the debugfs walk: every leaf, first run as expected */
	pl_ptt_show(t, pt);
	snprintf(line, sizeof(line), "# %llu leaves, 0x%llx bytes;", nr_leaves,
		 c->size);
	PTT_CHECK(t, strstr(t->buf, line), "show lacks \"%s\"", line);
	snprintf(line, sizeof(line), "\n0x%012llx-", c->iova);
	PTT_CHECK(t, strstr(t->buf, line), "show lacks a run at 0x%llx",
		  c->iova);

	done = pl_pgtable_unmap(pt, c->iova, c->size);
	PTT_CHECK(t, done == c->size, "unmap gave %llu, want %llu", done, c->size);
	st = pl_ptt_stats(pt);
	PTT_CHECK(t, !st.mapped_bytes, "%llu bytes still mapped", st.mapped_bytes);
	PTT_CHECK(t, st.levels_alloc - st.levels_freed == c->live_unmapped,
		  "%llu levels after unmap, want %llu",
		  st.levels_alloc - st.levels_freed, c->live_unmapped);
	pl_ptt_check_counts(t, pt, fmt);
	pl_ptt_check_at(t, pt, fmt, c->iova, 0, -1, 0);
	pl_ptt_check_at(t, pt, fmt, c->iova + c->size - 1, 0, -1, 0);
	PTT_CHECK(t, pl_pgtable_unmap(pt, c->iova, c->size) == 0,
		  "second unmap found something");
out_free:
	pl_pgtable_free(pt);
out:
	pl_ptt_end(t, c->name);
}

/* Root entries of both formats point at the next level as specified. */
static void pl_ptt_table_bits(struct pl_ptt *t, enum pl_pgtable_fmt fmt)
{
	struct pl_pgtable *pt = pl_pgtable_alloc(fmt, true, GFP_KERNEL);
	const __le64 *root;
	phys_addr_t rp;
	u64 d;

	if (!PTT_CHECK(t, pt, "alloc failed"))
		goto out;
	rp = pl_pgtable_root_phys(pt);
	PTT_CHECK(t, rp && !(rp & (SZ_4K - 1)), "root 0x%llx not 4K-aligned",
		  (u64)rp);
	PTT_CHECK(t, pl_pgtable_fmt(pt) == fmt, "format %d", pl_pgtable_fmt(pt));
	PTT_CHECK(t, pl_ptt_live(pt) == 1, "a new table has %llu levels",
		  pl_ptt_live(pt));
	PTT_CHECK(t, !pl_pgtable_map(pt, (5ULL << 39) + SZ_1G, 0x40000000, SZ_1G,
				     PTT_RW, GFP_KERNEL), "map failed");
	root = phys_to_virt(rp);
	d = le64_to_cpu(READ_ONCE(root[5]));
	if (fmt == PL_PGTABLE_LPAE_S1_4K)
		PTT_CHECK(t, (d & 3) == 3 && !(d & (GENMASK_ULL(63, 48) |
						    GENMASK_ULL(11, 2))),
			  "LPAE table descriptor 0x%llx", d);
	else
		PTT_CHECK(t, (d & 3) == 3 && !(d & (BIT_ULL(7) |
						    GENMASK_ULL(63, 52))),
			  "VT-d table entry 0x%llx (want R|W, no PS)", d);
	PTT_CHECK(t, pl_pgtable_unmap(pt, (5ULL << 39) + SZ_1G, SZ_1G) == SZ_1G,
		  "unmap");
	pl_pgtable_free(pt);
out:
	pl_ptt_end(t, "root, table descriptors");
}

static void pl_ptt_invalid(struct pl_ptt *t, enum pl_pgtable_fmt fmt)
{
	struct pl_pgtable *pt = pl_pgtable_alloc(fmt, true, GFP_KERNEL);
	u64 oa_top = fmt == PL_PGTABLE_LPAE_S1_4K ? 1ULL << 48 : 1ULL << 52;
	static const struct {
		u64 iova, pa, size;
		int prot;
	} bad[] = {
		{ 0x800, 0, SZ_4K, PTT_RW },
		{ 0, 0x800, SZ_4K, PTT_RW },
		{ 0, 0, 0x800, PTT_RW },
		{ 0, 0, SZ_4K + 0x800, PTT_RW },
		{ 0, 0, 0, PTT_RW },
		{ PTT_TOP - SZ_4K, 0, 2 * SZ_4K, PTT_RW },
		{ PTT_TOP, 0, SZ_4K, PTT_RW },
		{ ~0xfffULL, 0, SZ_4K, PTT_RW },
		{ 0, 0, SZ_4K, 0 },
		{ 0, 0, SZ_4K, PL_PROT_WRITE },
		{ 0, 0, SZ_4K, PTT_RW | 0x4 },
		{ 0, 0, SZ_4K, -1 },
	};
	unsigned int i;
	int ret;

	if (!PTT_CHECK(t, pt, "alloc failed"))
		goto out;
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		ret = pl_pgtable_map(pt, bad[i].iova, bad[i].pa, bad[i].size,
				     bad[i].prot, GFP_KERNEL);
		PTT_CHECK(t, ret == -EINVAL, "bad map %u gave %d", i, ret);
	}
	ret = pl_pgtable_map(pt, 0, oa_top, SZ_4K, PTT_RW, GFP_KERNEL);
	PTT_CHECK(t, ret == -EINVAL, "paddr 0x%llx beyond the output size: %d",
		  oa_top, ret);
	ret = pl_pgtable_map(pt, 0, oa_top - SZ_4K, 2 * SZ_4K, PTT_RW,
			     GFP_KERNEL);
	PTT_CHECK(t, ret == -EINVAL, "paddr range crossing the output size: %d",
		  ret);
	ret = pl_pgtable_map(pt, 0, oa_top - SZ_4K, SZ_4K, PTT_RW, GFP_KERNEL);
	PTT_CHECK(t, !ret, "last page of the output size: %d", ret);
	PTT_CHECK(t, pl_pgtable_iova_to_phys(pt, 0x123) == oa_top - SZ_4K + 0x123,
		  "translation of the last output page");
	PTT_CHECK(t, !pl_pgtable_unmap(pt, 0x800, SZ_4K), "misaligned unmap");
	PTT_CHECK(t, !pl_pgtable_unmap(pt, 0, 0), "empty unmap");
	PTT_CHECK(t, !pl_pgtable_unmap(pt, 0, 0x800), "partial-page unmap");
	PTT_CHECK(t, !pl_pgtable_unmap(pt, PTT_TOP, SZ_4K), "unmap beyond 2^48");
	PTT_CHECK(t, !pl_pgtable_unmap(pt, ~0xfffULL, SZ_4K), "unmap at 2^64");
	PTT_CHECK(t, !pl_pgtable_iova_to_phys(pt, PTT_TOP), "iova 2^48");
	PTT_CHECK(t, !pl_pgtable_iova_to_phys(pt, ~0ULL), "iova 2^64-1");
	PTT_CHECK(t, pl_pgtable_unmap(pt, 0, SZ_4K) == SZ_4K, "unmap");
	PTT_CHECK(t, !pl_ptt_stats(pt).mapped_bytes, "bytes left mapped");
	pl_pgtable_free(pt);
out:
	pl_ptt_end(t, "argument checks (-EINVAL)");
}

static void pl_ptt_overlap(struct pl_ptt *t, enum pl_pgtable_fmt fmt)
{
	struct pl_pgtable *pt = pl_pgtable_alloc(fmt, true, GFP_KERNEL);
	const u64 a = SZ_8M, pa = 0x90000000;
	u64 off, live;
	int ret;

	if (!PTT_CHECK(t, pt, "alloc failed"))
		goto out;
	PTT_CHECK(t, !pl_pgtable_map(pt, a, pa, SZ_64K, PTT_RW, GFP_KERNEL),
		  "map A");
	/* 8 pages map, the 9th collides: the 8 are rolled back */
	ret = pl_pgtable_map(pt, a - SZ_32K, 0xa0000000, SZ_64K, PTT_RW,
			     GFP_KERNEL);
	PTT_CHECK(t, ret == -EEXIST, "overlap below A: %d", ret);
	for (off = 0; off < SZ_32K; off += SZ_4K)
		PTT_CHECK(t, !pl_pgtable_iova_to_phys(pt, a - SZ_32K + off),
			  "0x%llx left mapped by a failed map", a - SZ_32K + off);
	PTT_CHECK(t, pl_pgtable_iova_to_phys(pt, a) == pa, "A changed");
	PTT_CHECK(t, pl_pgtable_iova_to_phys(pt, a + SZ_64K - 1) ==
		  pa + SZ_64K - 1, "end of A changed");
	/* a 2M block then the second 2M collides with A's table */
	ret = pl_pgtable_map(pt, SZ_4M + SZ_2M, 0x80600000, SZ_4M, PTT_RW,
			     GFP_KERNEL);
	PTT_CHECK(t, ret == -EEXIST, "block over A's table: %d", ret);
	PTT_CHECK(t, !pl_pgtable_iova_to_phys(pt, SZ_4M + SZ_2M),
		  "rolled-back block still mapped");
	PTT_CHECK(t, pl_ptt_stats(pt).mapped_bytes == SZ_64K, "mapped %llu",
		  pl_ptt_stats(pt).mapped_bytes);
	/* inside a block, over a block, a 1G block over both */
	PTT_CHECK(t, !pl_pgtable_map(pt, SZ_16M, 0x80000000, SZ_2M, PTT_RW,
				     GFP_KERNEL), "map block");
	ret = pl_pgtable_map(pt, SZ_16M + SZ_4K, 0x1000, SZ_4K, PTT_RW,
			     GFP_KERNEL);
	PTT_CHECK(t, ret == -EEXIST, "page inside a block: %d", ret);
	ret = pl_pgtable_map(pt, SZ_16M, 0x1000, SZ_2M, PTT_RW, GFP_KERNEL);
	PTT_CHECK(t, ret == -EEXIST, "pages over a block: %d", ret);
	ret = pl_pgtable_map(pt, 0, 0, SZ_1G, PTT_RW, GFP_KERNEL);
	PTT_CHECK(t, ret == -EEXIST, "1G over everything: %d", ret);
	ret = pl_pgtable_map(pt, SZ_16M - SZ_4K, 0x1000, SZ_8K, PTT_RW,
			     GFP_KERNEL);
	PTT_CHECK(t, ret == -EEXIST, "pages ending in a block: %d", ret);
	PTT_CHECK(t, !pl_pgtable_iova_to_phys(pt, SZ_16M - SZ_4K),
		  "page before the block left mapped");
	PTT_CHECK(t, pl_pgtable_iova_to_phys(pt, SZ_16M + 0x1234) ==
		  0x80001234, "block changed");
	/* neighbours are not overlaps */
	live = pl_ptt_live(pt);
	PTT_CHECK(t, !pl_pgtable_map(pt, a + SZ_64K, 0x1000, SZ_4K, PTT_RW,
				     GFP_KERNEL), "page after A");
	PTT_CHECK(t, !pl_pgtable_map(pt, a - SZ_4K, 0x2000, SZ_4K, PTT_RW,
				     GFP_KERNEL), "page before A");
	/*
	 * A's own table takes the page after it.  The page before needs a
	 * new table: the one the first failed map left empty at [6M, 8M)
	 * was replaced by the rolled-back 2M block (and freed with it).
	 */
	PTT_CHECK(t, pl_ptt_live(pt) == live + 1,
		  "neighbour pages: %llu levels, want %llu", pl_ptt_live(pt),
		  live + 1);
	PTT_CHECK(t, pl_ptt_stats(pt).mapped_bytes == SZ_64K + SZ_2M + SZ_8K,
		  "mapped %llu", pl_ptt_stats(pt).mapped_bytes);
	pl_pgtable_free(pt);
out:
	pl_ptt_end(t, "-EEXIST overlaps roll back");
}

static void pl_ptt_partial(struct pl_ptt *t, enum pl_pgtable_fmt fmt)
{
	struct pl_pgtable *pt = pl_pgtable_alloc(fmt, true, GFP_KERNEL);
	const u64 b = SZ_32M, c = SZ_64M, pa = 0x90001000;
	struct pl_pgtable_stats st0, st;
	u64 live;
	size_t n;

	if (!PTT_CHECK(t, pt, "alloc failed"))
		goto out;
	/* a block is never split */
	PTT_CHECK(t, !pl_pgtable_map(pt, b, 0x80200000, SZ_2M, PTT_RW, GFP_KERNEL),
		  "map block");
	PTT_CHECK(t, !pl_pgtable_unmap(pt, b + SZ_4K, SZ_4K), "split a block");
	PTT_CHECK(t, !pl_pgtable_unmap(pt, b, SZ_4K), "unmapped a block's head");
	PTT_CHECK(t, !pl_pgtable_unmap(pt, b - SZ_4K, SZ_2M),
		  "unmapped a range ending inside a block");
	PTT_CHECK(t, !pl_pgtable_unmap(pt, b + SZ_4K, SZ_2M),
		  "unmapped a range starting inside a block");
	PTT_CHECK(t, pl_pgtable_iova_to_phys(pt, b + SZ_4K) == 0x80201000,
		  "refused unmaps changed the block");
	n = pl_pgtable_unmap(pt, b - SZ_4K, SZ_2M + SZ_8K);
	PTT_CHECK(t, n == SZ_2M, "unmap around the block gave 0x%zx", n);

	/* pages: partial unmaps free no level */
	PTT_CHECK(t, !pl_pgtable_map(pt, c, pa, SZ_64K, PTT_RW, GFP_KERNEL),
		  "map pages");
	st0 = pl_ptt_stats(pt);
	live = st0.levels_alloc - st0.levels_freed;
	n = pl_pgtable_unmap(pt, c + SZ_16K, SZ_16K);
	PTT_CHECK(t, n == SZ_16K, "middle unmap gave 0x%zx", n);
	PTT_CHECK(t, !pl_pgtable_iova_to_phys(pt, c + SZ_16K) &&
		  !pl_pgtable_iova_to_phys(pt, c + SZ_32K - 1),
		  "middle still mapped");
	PTT_CHECK(t, pl_pgtable_iova_to_phys(pt, c + SZ_32K) == pa + SZ_32K &&
		  pl_pgtable_iova_to_phys(pt, c + SZ_16K - 1) == pa + SZ_16K - 1,
		  "neighbours of the hole changed");
	n = pl_pgtable_unmap(pt, c, SZ_64K);
	PTT_CHECK(t, n == SZ_64K - SZ_16K, "unmap with a hole gave 0x%zx", n);
	PTT_CHECK(t, pl_ptt_live(pt) == live,
		  "unmaps covering part of a table freed a level");
	/* an unmap covering the L2 entry frees the empty L3 table */
	n = pl_pgtable_unmap(pt, c, SZ_2M);
	st = pl_ptt_stats(pt);
	PTT_CHECK(t, n == 0 && st.levels_freed == st0.levels_freed + 1,
		  "covering unmap: %zu bytes, %llu levels freed", n,
		  st.levels_freed - st0.levels_freed);
	/* a block over an empty table replaces (and frees) it */
	PTT_CHECK(t, !pl_pgtable_map(pt, c, pa, SZ_4K, PTT_RW, GFP_KERNEL) &&
		  pl_pgtable_unmap(pt, c, SZ_4K) == SZ_4K, "page cycle");
	st0 = pl_ptt_stats(pt);
	PTT_CHECK(t, !pl_pgtable_map(pt, c, 0x80400000, SZ_2M, PTT_RW, GFP_KERNEL),
		  "block over an empty table");
	st = pl_ptt_stats(pt);
	PTT_CHECK(t, st.levels_freed == st0.levels_freed + 1,
		  "the replaced table was not freed");
	PTT_CHECK(t, pl_pgtable_iova_to_phys(pt, c + 0x5000) == 0x80405000,
		  "block translation");
	PTT_CHECK(t, pl_pgtable_unmap(pt, c, SZ_2M) == SZ_2M, "unmap block");
	PTT_CHECK(t, !pl_ptt_stats(pt).mapped_bytes, "bytes left mapped");
	pl_pgtable_free(pt);
out:
	pl_ptt_end(t, "partial unmap refused, level-freeing rule");
}

struct pl_ptt_vio {
	atomic_t count;
	spinlock_t lock;	/* protects @first */
	char first[160];
};

static void pl_ptt_violation(void *cookie, const char *what)
{
	struct pl_ptt_vio *v = cookie;

	if (atomic_inc_return(&v->count) == 1) {
		spin_lock(&v->lock);
		strscpy(v->first, what, sizeof(v->first));
		spin_unlock(&v->lock);
	}
}

static u64 pl_ptt_entry(phys_addr_t table, unsigned int idx)
{
	const __le64 *t = phys_to_virt(table);

	return le64_to_cpu(READ_ONCE(t[idx]));
}

/* Where a freed level goes: back after a grace period, or poisoned. */
static void pl_ptt_free_modes(struct pl_ptt *t, enum pl_pgtable_fmt fmt,
			      bool rcu_free)
{
	struct pl_pgtable *pt = pl_pgtable_alloc(fmt, rcu_free, GFP_KERNEL);
	struct pl_ptt_vio vio = { .count = ATOMIC_INIT(0) };
	const u64 d = SZ_2M;
	struct pl_pgtable_stats st;
	const __le64 *l2, *l3;
	unsigned int i, bad = 0;
	u64 e;

	spin_lock_init(&vio.lock);
	if (!PTT_CHECK(t, pt, "alloc failed"))
		goto out;
	pl_pgtable_set_violation(pt, pl_ptt_violation, &vio);
	PTT_CHECK(t, !pl_pgtable_map(pt, d, 0x80001000, SZ_2M, PTT_RW, GFP_KERNEL),
		  "map pages");
	/* find the L3 table the hardware way: root[0] -> L1[0] -> L2[1] */
	e = pl_ptt_entry(pl_pgtable_root_phys(pt), 0);
	l2 = phys_to_virt(pl_ptt_entry(e & GENMASK_ULL(47, 12), 0) &
			  GENMASK_ULL(47, 12));
	l3 = phys_to_virt(le64_to_cpu(l2[1]) & GENMASK_ULL(47, 12));
	PTT_CHECK(t, le64_to_cpu(l3[0]) & 1, "L3 table not found");
	PTT_CHECK(t, pl_pgtable_unmap(pt, d, SZ_2M) == SZ_2M, "unmap");
	st = pl_ptt_stats(pt);
	PTT_CHECK(t, st.levels_freed == 1, "%llu levels freed, want 1",
		  st.levels_freed);
	PTT_CHECK(t, !le64_to_cpu(READ_ONCE(l2[1])), "L2 entry not cleared");
	if (rcu_free) {
		/* the callback has run once rcu_barrier() returns */
		rcu_barrier();
		st = pl_ptt_stats(pt);
		PTT_CHECK(t, st.levels_reclaimed == 1 && !st.levels_quarantined,
			  "reclaimed %llu quarantined %llu", st.levels_reclaimed,
			  st.levels_quarantined);
	} else {
		/* still ours, in the quarantine: every entry is poison */
		for (i = 0; i < 512; i++)
			bad += le64_to_cpu(READ_ONCE(l3[i])) !=
			       PL_PGTABLE_POISON;
		PTT_CHECK(t, !bad, "%u entries of the freed level not poisoned",
			  bad);
		PTT_CHECK(t, st.levels_quarantined == 1 && !st.levels_reclaimed,
			  "quarantined %llu reclaimed %llu",
			  st.levels_quarantined, st.levels_reclaimed);
	}
	/* walks after the unmap never reach the freed level */
	pl_ptt_show(t, pt);
	PTT_CHECK(t, strstr(t->buf, "# 0 leaves, 0x0 bytes; 0 freed levels"),
		  "show of the empty table");
	PTT_CHECK(t, !pl_pgtable_iova_to_phys(pt, d), "translation after unmap");
	PTT_CHECK(t, !atomic_read(&vio.count), "violation reported: %s",
		  vio.first);
	pl_pgtable_free(pt);
out:
	pl_ptt_end(t, rcu_free ? "freed level goes through RCU" :
		   "freed level is poisoned in the quarantine");
}

/* ---- concurrency stress ---------------------------------------------- */

struct pl_ptt_stress {
	struct pl_pgtable *pt;
	u64 base;		/* 1G-aligned: A at base, B at base + 2M */
	u64 pa_a;		/* 4K pages: not 2M-aligned */
	u64 pa_b;
	char *buf;
	struct pl_ptt_vio vio;
	atomic64_t cycles_a;
	atomic64_t cycles_b;
	atomic64_t shows;
	atomic64_t lookups;
	atomic64_t hits;
	atomic_t errors;
	atomic_t wrong;
	/* E and F, in lockstep on fresh L3 tables */
	u64 base_ef;
	atomic_t step;
	atomic_t arrived;
	atomic64_t steps;
};

/* A: 2M of 4K pages, unmapped whole: frees the L3 table every cycle. */
static int pl_ptt_thread_a(void *data)
{
	struct pl_ptt_stress *s = data;

	while (!kthread_should_stop()) {
		if (pl_pgtable_map(s->pt, s->base, s->pa_a, SZ_2M, PTT_RW,
				   GFP_KERNEL) ||
		    pl_pgtable_unmap(s->pt, s->base, SZ_2M) != SZ_2M)
			atomic_inc(&s->errors);
		atomic64_inc(&s->cycles_a);
		cond_resched();
	}
	return 0;
}

/*
 * B: 1M of pages in the next 2M, in the same L2 table as A: maps into
 * the table A frees entries of, and never covers a whole table itself.
 */
static int pl_ptt_thread_b(void *data)
{
	struct pl_ptt_stress *s = data;

	while (!kthread_should_stop()) {
		if (pl_pgtable_map(s->pt, s->base + SZ_2M, s->pa_b, SZ_1M,
				   PTT_RW, GFP_KERNEL) ||
		    pl_pgtable_unmap(s->pt, s->base + SZ_2M, SZ_1M) != SZ_1M)
			atomic_inc(&s->errors);
		atomic64_inc(&s->cycles_b);
		cond_resched();
	}
	return 0;
}

static void pl_ptt_lookup_a(struct pl_ptt_stress *s, u32 r)
{
	u64 off = (u64)(r % (SZ_2M / SZ_4K)) * SZ_4K + (r >> 24);
	phys_addr_t pa = pl_pgtable_iova_to_phys(s->pt, s->base + off);

	atomic64_inc(&s->lookups);
	if (!pa)
		return;
	atomic64_inc(&s->hits);
	if (pa != s->pa_a + off)
		atomic_inc(&s->wrong);
}

/* C: the debugfs walk, and lookups */
static int pl_ptt_thread_c(void *data)
{
	struct pl_ptt_stress *s = data;
	struct seq_file m = { .buf = s->buf, .size = PTT_SHOW_BUF };
	u32 r = 1;

	while (!kthread_should_stop()) {
		m.count = 0;
		pl_pgtable_show(&m, s->pt);
		atomic64_inc(&s->shows);
		r = r * 1103515245 + 12345;
		pl_ptt_lookup_a(s, r);
		cond_resched();
	}
	return 0;
}

/* D: lookups in A's range only */
static int pl_ptt_thread_d(void *data)
{
	struct pl_ptt_stress *s = data;
	u32 r = 7;
	int i;

	while (!kthread_should_stop()) {
		for (i = 0; i < 64; i++) {
			r = r * 1103515245 + 12345;
			pl_ptt_lookup_a(s, r);
		}
		cond_resched();
	}
	return 0;
}

/*
 * E (@me 0) and F (@me 1): both map a page of their own in a 2M region
 * with no table yet, so that both try to install its L3 table (the loser
 * frees its page); then E alone, once F is out of the region, unmaps the
 * whole region, which frees the table for the next round.
 */
static int pl_ptt_lockstep(struct pl_ptt_stress *s, unsigned int me)
{
	u32 k;

	for (k = 0; !kthread_should_stop(); k++) {
		u64 region = s->base_ef + (k & 1) * SZ_2M;

		while ((u32)atomic_read_acquire(&s->step) != k) {
			if (kthread_should_stop())
				return 0;
			cond_resched();
		}
		if (pl_pgtable_map(s->pt, region + me * SZ_4K,
				   s->pa_b + me * SZ_4K, SZ_4K, PTT_RW,
				   GFP_KERNEL) ||
		    pl_pgtable_unmap(s->pt, region + me * SZ_4K, SZ_4K) !=
		    SZ_4K)
			atomic_inc(&s->errors);
		/* fully ordered: our PTE writes come before the count */
		atomic_inc_return(&s->arrived);
		if (me)
			continue;
		while ((u32)atomic_read_acquire(&s->arrived) < 2 * (k + 1)) {
			if (kthread_should_stop())
				return 0;
			cond_resched();
		}
		if (pl_pgtable_unmap(s->pt, region, SZ_2M))
			atomic_inc(&s->errors);	/* nothing was mapped */
		atomic64_inc(&s->steps);
		atomic_inc_return(&s->step);
	}
	return 0;
}

static int pl_ptt_thread_e(void *data)
{
	return pl_ptt_lockstep(data, 0);
}

static int pl_ptt_thread_f(void *data)
{
	return pl_ptt_lockstep(data, 1);
}

/*
 * Let the stress run: @ms when it must hold; when it must report a
 * use-after-free, until the first report, for at most ten times @ms (a
 * starved machine, e.g. a TCG guest beside another, may need longer for
 * the walker to meet a freed level).
 */
static void pl_ptt_stress_wait(struct pl_ptt_stress *s, unsigned int ms,
			       bool until_reported)
{
	unsigned long end = jiffies +
		msecs_to_jiffies(until_reported ? 10 * ms : ms);

	while (time_before(jiffies, end)) {
		if (until_reported && atomic_read(&s->vio.count))
			return;
		msleep(20);
	}
}

static void pl_ptt_stress(struct pl_ptt *t, enum pl_pgtable_fmt fmt,
			  bool rcu_free, unsigned int ms)
{
	static int (*const fns[])(void *) = {
		pl_ptt_thread_a, pl_ptt_thread_b, pl_ptt_thread_c,
		pl_ptt_thread_d, pl_ptt_thread_e, pl_ptt_thread_f,
	};
	struct task_struct *tasks[ARRAY_SIZE(fns)] = { };
	struct pl_pgtable_stats st;
	struct pl_ptt_stress *s;
	unsigned int i;
	char what[64];

	snprintf(what, sizeof(what), "stress %ums, %s", ms,
		 rcu_free ? "rcu_free: no violation" :
		 "freed at once: use-after-free reported");
	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!PTT_CHECK(t, s, "no memory"))
		goto out;
	s->buf = kvmalloc(PTT_SHOW_BUF, GFP_KERNEL);
	s->pt = pl_pgtable_alloc(fmt, rcu_free, GFP_KERNEL);
	if (!PTT_CHECK(t, s->buf && s->pt, "no memory"))
		goto out_free;
	spin_lock_init(&s->vio.lock);
	pl_pgtable_set_violation(s->pt, pl_ptt_violation, &s->vio);
	s->base = 3ULL * SZ_1G;
	s->pa_a = 0x80001000;
	s->pa_b = 0x90000000;
	s->base_ef = 5ULL * SZ_1G;
	for (i = 0; i < ARRAY_SIZE(fns); i++) {
		tasks[i] = kthread_run(fns[i], s, "pl_pgt_stress%u", i);
		if (!PTT_CHECK(t, !IS_ERR(tasks[i]), "kthread_run: %ld",
			       PTR_ERR(tasks[i]))) {
			tasks[i] = NULL;
			break;
		}
	}
	if (i == ARRAY_SIZE(fns))
		pl_ptt_stress_wait(s, ms, !rcu_free);
	for (i = 0; i < ARRAY_SIZE(fns); i++)
		if (tasks[i])
			kthread_stop(tasks[i]);

	pl_pgtable_get_stats(s->pt, &st);
	pr_info("  %s %s: A %lld cycles, B %lld cycles, E/F %lld steps, %lld shows, %lld lookups (%lld mapped), %d violations, levels alloc %llu freed %llu reclaimed %llu quarantined %llu, install races %llu\n",
		fmt == PL_PGTABLE_LPAE_S1_4K ? "lpae" : "vtd",
		rcu_free ? "rcu_free" : "at-once",
		atomic64_read(&s->cycles_a), atomic64_read(&s->cycles_b),
		atomic64_read(&s->steps), atomic64_read(&s->shows),
		atomic64_read(&s->lookups), atomic64_read(&s->hits),
		atomic_read(&s->vio.count), st.levels_alloc, st.levels_freed,
		st.levels_reclaimed, st.levels_quarantined, st.install_races);
	/* all stopped: the counters match the tree */
	pl_ptt_check_counts(t, s->pt, fmt);
	if (atomic_read(&s->vio.count))
		pr_info("  first violation: %s\n", s->vio.first);
	PTT_CHECK(t, !atomic_read(&s->errors), "%d map/unmap failures",
		  atomic_read(&s->errors));
	PTT_CHECK(t, !atomic_read(&s->wrong), "%d wrong translations",
		  atomic_read(&s->wrong));
	PTT_CHECK(t, atomic64_read(&s->cycles_a) > 0 &&
		  atomic64_read(&s->shows) > 0 && atomic64_read(&s->lookups) > 0,
		  "a thread made no progress");
	PTT_CHECK(t, st.levels_freed >= (u64)atomic64_read(&s->cycles_a) +
		  atomic64_read(&s->steps) - 1,
		  "A and E freed %llu levels in %lld + %lld cycles",
		  st.levels_freed, atomic64_read(&s->cycles_a),
		  atomic64_read(&s->steps));
	if (rcu_free)
		PTT_CHECK(t, !atomic_read(&s->vio.count) && !st.violations,
			  "%d violations with RCU freeing: %s",
			  atomic_read(&s->vio.count), s->vio.first);
	else
		PTT_CHECK(t, atomic_read(&s->vio.count) > 0 &&
			  st.violations == atomic_read(&s->vio.count),
			  "%d violations reported (counter %llu) with freeing at once",
			  atomic_read(&s->vio.count), st.violations);
out_free:
	pl_pgtable_free(s->pt);
	kvfree(s->buf);
	kfree(s);
out:
	pl_ptt_end(t, what);
}

int pl_pgtable_selftest(unsigned int stress_ms)
{
	static const enum pl_pgtable_fmt fmts[] = {
		PL_PGTABLE_LPAE_S1_4K, PL_PGTABLE_VTD_SL4,
	};
	struct pl_ptt t = { };
	unsigned int f, i;

	might_sleep();
	t.buf = kvmalloc(PTT_SHOW_BUF, GFP_KERNEL);
	if (!t.buf)
		return -ENOMEM;
	prandom_seed_state(&t.rnd, 0x70676c6162ULL);
	for (f = 0; f < ARRAY_SIZE(fmts); f++) {
		t.fmt_name = fmts[f] == PL_PGTABLE_LPAE_S1_4K ? "lpae" : "vtd";
		pl_ptt_table_bits(&t, fmts[f]);
		for (i = 0; i < ARRAY_SIZE(pl_ptt_cases); i++)
			pl_ptt_round_trip(&t, fmts[f], &pl_ptt_cases[i]);
		pl_ptt_invalid(&t, fmts[f]);
		pl_ptt_overlap(&t, fmts[f]);
		pl_ptt_partial(&t, fmts[f]);
		pl_ptt_free_modes(&t, fmts[f], true);
		pl_ptt_free_modes(&t, fmts[f], false);
		if (stress_ms) {
			pl_ptt_stress(&t, fmts[f], true, stress_ms);
			pl_ptt_stress(&t, fmts[f], false, stress_ms);
		}
	}
	kvfree(t.buf);
	pr_info("%u sections, %u failed\n", t.nr, t.failed);
	return t.failed ? -EIO : 0;
}

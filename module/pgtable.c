// SPDX-License-Identifier: GPL-2.0
/*
 * probelab: the radix page table common to the LPAE and VT-d formats:
 * lock-free map/unmap, RCU walkers, RCU-deferred or quarantined freeing
 * of table levels, and the debugfs walk.  The rules are at the top of
 * pgtable.h; the index arithmetic is module/core/pgidx.c; the descriptor
 * bits are pgtable_lpae.c and pgtable_vtd.c.
 *
 * Each table level is a page of its own from alloc_page() (a 4K table
 * uses the start of a larger page, which is 4K-aligned too), so that an
 * unlinked level can sit on a list through its struct page (page->lru)
 * until it is given back, without any allocation on the unmap path.
 *
 * Descriptors are stored little-endian, as both IOMMUs read them.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/compiler.h>
#include <linux/io.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/spinlock.h>

#include "pgtable.h"

/**
 * struct pl_pgtable - one page table
 * @ops: descriptor format
 * @geo: @ops->geo
 * @fmt: enum pl_pgtable_fmt
 * @rcu_free: unlinked levels go through RCU (true) or the quarantine
 * @root: root table (never changes)
 * @violation: use-after-free report callback (set before publication)
 * @cookie: its argument
 * @free_lock: protects the lists and fields below it up to @rcu; taken
 *	with interrupts disabled (unmap may run in any context, the RCU
 *	callback runs in softirq)
 * @rcu_next: unlinked levels waiting for the next call_rcu()
 * @nr_next: entries of @rcu_next
 * @rcu_wait: levels unlinked before the queued call_rcu(): the callback
 *	frees them
 * @nr_wait: entries of @rcu_wait
 * @rcu_queued: @rcu is queued
 * @rcu_used: call_rcu() was used at least once (pl_pgtable_free() waits)
 * @quarantine: !@rcu_free: poisoned levels, oldest first
 * @nr_quarantined: entries of @quarantine
 * @rcu: for the call_rcu() that frees @rcu_wait
 * @levels_alloc: counter, see struct pl_pgtable_stats
 * @levels_freed: counter
 * @levels_reclaimed: counter
 * @install_races: counter
 * @mapped_bytes: counter
 * @violations: counter
 */
struct pl_pgtable {
	const struct pl_pgtable_fmt_ops *ops;
	const struct pl_pgidx_geo *geo;
	enum pl_pgtable_fmt fmt;
	bool rcu_free;
	__le64 *root;
	pl_pgtable_violation_fn violation;
	void *cookie;

	spinlock_t free_lock;		/* see the kernel-doc above */
	struct list_head rcu_next;
	unsigned long nr_next;
	struct list_head rcu_wait;
	unsigned long nr_wait;
	bool rcu_queued;
	bool rcu_used;
	struct list_head quarantine;
	unsigned long nr_quarantined;
	struct rcu_head rcu;

	atomic64_t levels_alloc;
	atomic64_t levels_freed;
	atomic64_t levels_reclaimed;
	atomic64_t install_races;
	atomic64_t mapped_bytes;
	atomic64_t violations;
};

/* ---- descriptors ---------------------------------------------------- */

/* Readers: one atomic 64-bit load, never torn, never refetched. */
static u64 pl_pte_read(const __le64 *ptep)
{
	return le64_to_cpu(READ_ONCE(*ptep));
}

static void pl_pte_write(__le64 *ptep, u64 pte)
{
	WRITE_ONCE(*ptep, cpu_to_le64(pte));
}

/*
 * Install @new where @old is expected.  cmpxchg64() is fully ordered on
 * success: the zeroed contents of a new table are visible to any walker
 * before the entry pointing at it.
 *
 * Return: the value found (== @old on success).
 */
static u64 pl_pte_cmpxchg(__le64 *ptep, u64 old, u64 new)
{
	u64 *p = (u64 __force *)ptep;

	return le64_to_cpu((__force __le64)cmpxchg64(p,
			   (__force u64)cpu_to_le64(old),
			   (__force u64)cpu_to_le64(new)));
}

static __le64 *pl_pgt_next(const struct pl_pgtable *pt, u64 pte)
{
	return phys_to_virt(pt->ops->addr(pte));
}

static enum pl_pte_kind pl_pgt_kind(const struct pl_pgtable *pt, u64 pte,
				    unsigned int lvl)
{
	return pt->ops->kind(pte, lvl);
}

/* ---- freeing: RCU and quarantine ------------------------------------ */

static void pl_pgt_poison(__le64 *table, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		pl_pte_write(&table[i], PL_PGTABLE_POISON);
}

static void pl_pgt_rcu_cb(struct rcu_head *head);

/* Starts a grace period for @rcu_next unless one is running already. */
static void pl_pgt_kick_rcu_locked(struct pl_pgtable *pt)
{
	lockdep_assert_held(&pt->free_lock);
	if (pt->rcu_queued || list_empty(&pt->rcu_next))
		return;
	list_splice_tail_init(&pt->rcu_next, &pt->rcu_wait);
	pt->nr_wait += pt->nr_next;
	pt->nr_next = 0;
	pt->rcu_queued = true;
	pt->rcu_used = true;
	call_rcu(&pt->rcu, pl_pgt_rcu_cb);
}

/*
 * Every level on @rcu_wait was unlinked before the call_rcu() that runs
 * this, so no walker can still be inside one.  Levels unlinked since then
 * get a grace period of their own.  Nothing of @pt is touched once the
 * lock is dropped: pl_pgtable_free() may free it as soon as @rcu_queued
 * is clear and rcu_barrier() returned.
 */
static void pl_pgt_rcu_cb(struct rcu_head *head)
{
	struct pl_pgtable *pt = container_of(head, struct pl_pgtable, rcu);
	unsigned int entries = 1U << pt->geo->bits_per_level;
	struct page *page, *tmp;
	unsigned long flags;
	LIST_HEAD(done);

	spin_lock_irqsave(&pt->free_lock, flags);
	list_splice_init(&pt->rcu_wait, &done);
	atomic64_add(pt->nr_wait, &pt->levels_reclaimed);
	pt->nr_wait = 0;
	pt->rcu_queued = false;
	pl_pgt_kick_rcu_locked(pt);
	spin_unlock_irqrestore(&pt->free_lock, flags);

	/*
	 * Poisoned before they go: a walker breaking the RCU rule would
	 * report instead of reading stale entries (until the page is reused).
	 */
	list_for_each_entry_safe(page, tmp, &done, lru) {
		pl_pgt_poison(page_address(page), entries);
		__free_page(page);
	}
}

/*
 * Hands levels unlinked from the table (already poisoned when !rcu_free)
 * to the table's freeing rule.
 */
static void pl_pgt_retire(struct pl_pgtable *pt, struct list_head *pages,
			  unsigned long nr)
{
	unsigned long flags;

	if (!nr)
		return;
	atomic64_add(nr, &pt->levels_freed);
	spin_lock_irqsave(&pt->free_lock, flags);
	if (pt->rcu_free) {
		list_splice_tail_init(pages, &pt->rcu_next);
		pt->nr_next += nr;
	} else {
		list_splice_tail_init(pages, &pt->quarantine);
		pt->nr_quarantined += nr;
		/*
		 * Bounded quarantine: the oldest levels, unlinked long ago,
		 * go back through a grace period (so still never under a
		 * walker's feet).
		 */
		while (pt->nr_quarantined > PL_PGTABLE_QUARANTINE_MAX) {
			list_move_tail(pt->quarantine.next, &pt->rcu_next);
			pt->nr_quarantined--;
			pt->nr_next++;
		}
	}
	pl_pgt_kick_rcu_locked(pt);
	spin_unlock_irqrestore(&pt->free_lock, flags);
}

/*
 * Collects an unlinked subtree, children before parents, onto @pages and
 * poisons each level when !rcu_free (linux-6.1: "freed at once": a walker
 * still inside finds poison, children first so that a walker descending
 * from a not-yet-poisoned parent finds it too).  Only the caller writes
 * the subtree now: its range lay wholly inside the caller's.
 *
 * Return: bytes of the leaves it held.
 */
static u64 pl_pgt_collect(struct pl_pgtable *pt, __le64 *table,
			  unsigned int lvl, struct list_head *pages,
			  unsigned long *nr)
{
	unsigned int i, n = pl_pgidx_nr_entries(pt->geo, lvl);
	u64 bytes = 0;

	for (i = 0; i < n; i++) {
		u64 pte = pl_pte_read(&table[i]);

		switch (pl_pgt_kind(pt, pte, lvl)) {
		case PL_PTE_LEAF:
			bytes += pl_pgidx_block_size(pt->geo, lvl);
			break;
		case PL_PTE_TABLE:
			bytes += pl_pgt_collect(pt, pl_pgt_next(pt, pte),
						lvl + 1, pages, nr);
			break;
		default:
			break;
		}
	}
	if (!pt->rcu_free)
		pl_pgt_poison(table, n);
	list_add_tail(&virt_to_page(table)->lru, pages);
	(*nr)++;
	return bytes;
}

/* ---- walkers -------------------------------------------------------- */

enum pl_walk {
	PL_WALK_NONE,		/* not mapped */
	PL_WALK_LEAF,		/* mapped by a leaf */
	PL_WALK_FREED,		/* reached a poisoned (freed) level */
	PL_WALK_BAD,		/* reached a corrupt descriptor */
};

/* The leaf translating @iova.  Caller holds rcu_read_lock(). */
static enum pl_walk pl_pgt_lookup(struct pl_pgtable *pt, u64 iova,
				  u64 *leaf, unsigned int *lvlp)
{
	const struct pl_pgidx_geo *g = pt->geo;
	__le64 *table = pt->root;
	unsigned int lvl;

	RCU_LOCKDEP_WARN(!rcu_read_lock_held(), "pgtable walk without RCU");
	if (iova >> g->ias)
		return PL_WALK_NONE;	/* beyond the input size */
	for (lvl = 0; lvl < g->levels; lvl++) {
		u64 pte = pl_pte_read(&table[pl_pgidx_index(g, lvl, iova)]);

		*lvlp = lvl;
		if (pte == PL_PGTABLE_POISON)
			return PL_WALK_FREED;
		switch (pl_pgt_kind(pt, pte, lvl)) {
		case PL_PTE_EMPTY:
			return PL_WALK_NONE;
		case PL_PTE_LEAF:
			*leaf = pte;
			return PL_WALK_LEAF;
		case PL_PTE_TABLE:
			table = pl_pgt_next(pt, pte);
			break;
		default:
			return PL_WALK_BAD;
		}
	}
	return PL_WALK_BAD;
}

/* Called outside RCU and any pgtable lock (see pl_pgtable_violation_fn). */
static void pl_pgt_report(struct pl_pgtable *pt, const char *walker,
			  enum pl_walk what, u64 iova, unsigned int lvl)
{
	char msg[160];

	atomic64_inc(&pt->violations);
	if (!pt->violation)
		return;
	snprintf(msg, sizeof(msg),
		 what == PL_WALK_FREED ?
		 "%s walk of a %s table: freed %s table reached at iova 0x%llx (use-after-free)" :
		 "%s walk of a %s table: corrupt %s descriptor at iova 0x%llx",
		 walker, pt->ops->name, pt->ops->level_names[lvl], iova);
	pt->violation(pt->cookie, msg);
}

u64 pl_pgtable_leaf(struct pl_pgtable *pt, u64 iova, unsigned int *lvl)
{
	enum pl_walk res;
	unsigned int l = 0;
	u64 pte = 0;

	rcu_read_lock();
	res = pl_pgt_lookup(pt, iova, &pte, &l);
	rcu_read_unlock();
	if (res == PL_WALK_FREED || res == PL_WALK_BAD)
		pl_pgt_report(pt, "iova_to_phys", res, iova, l);
	if (res != PL_WALK_LEAF)
		return 0;
	if (lvl)
		*lvl = l;
	return pte;
}

phys_addr_t pl_pgtable_iova_to_phys(struct pl_pgtable *pt, u64 iova)
{
	unsigned int lvl = 0;
	u64 pte = pl_pgtable_leaf(pt, iova, &lvl);

	if (!pte)
		return 0;
	return pt->ops->addr(pte) +
	       (iova & (pl_pgidx_block_size(pt->geo, lvl) - 1));
}

/* ---- map ------------------------------------------------------------ */

/*
 * Publishes a new, zeroed table in the empty entry @ptep of level @lvl.
 * Losing the race to another map (of a disjoint range under the same
 * entry) frees the page at once - nobody saw it - and uses the winner's.
 */
static int pl_pgt_install_table(struct pl_pgtable *pt, __le64 *ptep,
				unsigned int lvl, gfp_t gfp, __le64 **next)
{
	struct page *page;
	u64 old;

	page = alloc_page(gfp | __GFP_ZERO);
	if (!page)
		return -ENOMEM;
	old = pl_pte_cmpxchg(ptep, 0, pt->ops->mk_table(page_to_phys(page)));
	if (!old) {
		atomic64_inc(&pt->levels_alloc);
		*next = page_address(page);
		return 0;
	}
	__free_page(page);
	atomic64_inc(&pt->install_races);
	if (old != PL_PGTABLE_POISON &&
	    pl_pgt_kind(pt, old, lvl) == PL_PTE_TABLE) {
		*next = pl_pgt_next(pt, old);
		return 0;
	}
	return -EEXIST;		/* someone mapped a leaf there */
}

/* Does the subtree of @table (level @lvl) hold any leaf? */
static bool pl_pgt_has_leaf(struct pl_pgtable *pt, __le64 *table,
			    unsigned int lvl)
{
	unsigned int i, n = pl_pgidx_nr_entries(pt->geo, lvl);

	for (i = 0; i < n; i++) {
		u64 pte = pl_pte_read(&table[i]);

		switch (pl_pgt_kind(pt, pte, lvl)) {
		case PL_PTE_EMPTY:
			break;
		case PL_PTE_TABLE:
			if (pl_pgt_has_leaf(pt, pl_pgt_next(pt, pte), lvl + 1))
				return true;
			break;
		default:
			return true;	/* a leaf, or something never empty */
		}
	}
	return false;
}

/*
 * A block over the table in @ptep (whose range the caller's map covers):
 * allowed when nothing is mapped below; the table is then unlinked by the
 * freeing rule.
 */
static int pl_pgt_replace_table(struct pl_pgtable *pt, __le64 *ptep,
				unsigned int lvl, u64 old, u64 leaf)
{
	__le64 *child = pl_pgt_next(pt, old);
	unsigned long nr = 0;
	LIST_HEAD(pages);
	u64 bytes;

	if (pl_pgt_has_leaf(pt, child, lvl + 1))
		return -EEXIST;
	if (pl_pte_cmpxchg(ptep, old, leaf) != old)
		return -EEXIST;
	bytes = pl_pgt_collect(pt, child, lvl + 1, &pages, &nr);
	pl_pgt_retire(pt, &pages, nr);
	if (bytes) {
		/* only an overlapping map (a caller bug) can get here */
		atomic64_sub(bytes, &pt->mapped_bytes);
		pr_err_ratelimited("%s table: a map replaced a table that held %llu bytes of mappings: overlapping map calls\n",
				   pt->ops->name, bytes);
	}
	return 0;
}

/*
 * Installs up to @count leaves of level @lvl from (@iova, @pa), stepping
 * by the level's block size, within the one table that holds the first.
 *
 * Return: leaves installed (>= 1), or -EEXIST / -ENOMEM.
 */
static long pl_pgt_map_run(struct pl_pgtable *pt, u64 iova, u64 pa,
			   unsigned int lvl, u64 count, int prot, gfp_t gfp)
{
	const struct pl_pgidx_geo *g = pt->geo;
	u64 bs = pl_pgidx_block_size(g, lvl);
	__le64 *table = pt->root;
	unsigned int l, i, idx, n;
	int ret = -EEXIST;

	for (l = 0; l < lvl; l++) {
		__le64 *ptep = &table[pl_pgidx_index(g, l, iova)];
		u64 pte = pl_pte_read(ptep);

		if (!pte) {
			ret = pl_pgt_install_table(pt, ptep, l, gfp, &table);
			if (ret)
				return ret;
		} else if (pte != PL_PGTABLE_POISON &&
			   pl_pgt_kind(pt, pte, l) == PL_PTE_TABLE) {
			table = pl_pgt_next(pt, pte);
		} else {
			return -EEXIST;		/* a larger leaf covers it */
		}
	}
	idx = pl_pgidx_index(g, lvl, iova);
	n = min_t(u64, count, pl_pgidx_nr_entries(g, lvl) - idx);
	for (i = 0; i < n; i++) {
		__le64 *ptep = &table[idx + i];
		u64 leaf = pt->ops->mk_leaf(pa + i * bs, lvl, prot);
		u64 old = pl_pte_read(ptep);

		if (!old)
			ret = pl_pte_cmpxchg(ptep, 0, leaf) ? -EEXIST : 0;
		else if (old != PL_PGTABLE_POISON &&
			 pl_pgt_kind(pt, old, lvl) == PL_PTE_TABLE)
			ret = pl_pgt_replace_table(pt, ptep, lvl, old, leaf);
		else
			ret = -EEXIST;
		if (ret)
			break;
	}
	if (!i)
		return ret;
	atomic64_add(i * bs, &pt->mapped_bytes);
	return i;
}

static u64 pl_pgt_unmap_range(struct pl_pgtable *pt, u64 first, u64 last);

int pl_pgtable_map(struct pl_pgtable *pt, u64 iova, phys_addr_t paddr,
		   size_t size, int prot, gfp_t gfp)
{
	const struct pl_pgidx_geo *g = pt->geo;
	u64 done = 0;
	int ret = 0;

	if (prot != PL_PROT_READ && prot != (PL_PROT_READ | PL_PROT_WRITE))
		return -EINVAL;
	if (pl_pgidx_check_map(g, iova, paddr, size))
		return -EINVAL;
	while (done < size) {
		u64 count;
		long n;
		int lvl;

		lvl = pl_pgidx_chunk(g, iova + done, paddr + done, size - done,
				     &count);
		if (lvl < 0) {
			ret = lvl;
			goto err_unmap;
		}
		/* a run may span tables: one table at a time */
		while (count) {
			n = pl_pgt_map_run(pt, iova + done, paddr + done, lvl,
					   count, prot, gfp);
			if (n < 0) {
				ret = n;
				goto err_unmap;
			}
			count -= n;
			done += (u64)n << pl_pgidx_shift(g, lvl);
		}
	}
	return 0;

err_unmap:
	/* [iova, iova + done) was all empty before: only our leaves */
	if (done)
		pl_pgt_unmap_range(pt, iova, iova + done - 1);
	return ret;
}

/* ---- unmap ---------------------------------------------------------- */

/*
 * Unmaps [first, last], which lies within @table (level @lvl).  Entries
 * wholly inside are cleared - a table entry with its subtree (collected
 * on @pages) - and the others are walked into.
 *
 * Return: bytes of the leaves removed.
 */
static u64 pl_pgt_unmap_level(struct pl_pgtable *pt, __le64 *table,
			      unsigned int lvl, u64 first, u64 last,
			      struct list_head *pages, unsigned long *nr)
{
	const struct pl_pgidx_geo *g = pt->geo;
	u64 bytes = 0, cur = first;

	for (;;) {
		__le64 *ptep = &table[pl_pgidx_index(g, lvl, cur)];
		u64 base = pl_pgidx_entry_base(g, lvl, cur);
		u64 end = pl_pgidx_entry_last(g, lvl, cur);
		bool whole = base >= first && end <= last;
		u64 pte = pl_pte_read(ptep);

		switch (pl_pgt_kind(pt, pte, lvl)) {
		case PL_PTE_LEAF:
			/* a leaf crossing an end was refused before */
			if (whole) {
				pl_pte_write(ptep, 0);
				bytes += end - base + 1;
			}
			break;
		case PL_PTE_TABLE:
			if (whole) {
				/* the freeing rule: the unmap covers it */
				pl_pte_write(ptep, 0);
				bytes += pl_pgt_collect(pt, pl_pgt_next(pt, pte),
							lvl + 1, pages, nr);
			} else {
				bytes += pl_pgt_unmap_level(pt,
						pl_pgt_next(pt, pte), lvl + 1,
						max(first, base),
						min(last, end), pages, nr);
			}
			break;
		default:
			break;
		}
		if (end >= last)
			break;
		cur = end + 1;
	}
	return bytes;
}

static u64 pl_pgt_unmap_range(struct pl_pgtable *pt, u64 first, u64 last)
{
	unsigned long nr = 0;
	LIST_HEAD(pages);
	u64 bytes;

	bytes = pl_pgt_unmap_level(pt, pt->root, 0, first, last, &pages, &nr);
	pl_pgt_retire(pt, &pages, nr);
	if (bytes)
		atomic64_sub(bytes, &pt->mapped_bytes);
	return bytes;
}

/* Is @at translated by a leaf reaching outside [first, last]? */
static bool pl_pgt_leaf_crosses(struct pl_pgtable *pt, u64 at, u64 first,
				u64 last)
{
	unsigned int lvl = 0;
	bool crosses = false;
	u64 pte = 0;

	rcu_read_lock();
	if (pl_pgt_lookup(pt, at, &pte, &lvl) == PL_WALK_LEAF)
		crosses = pl_pgidx_entry_base(pt->geo, lvl, at) < first ||
			  pl_pgidx_entry_last(pt->geo, lvl, at) > last;
	rcu_read_unlock();
	return crosses;
}

size_t pl_pgtable_unmap(struct pl_pgtable *pt, u64 iova, size_t size)
{
	u64 last;

	if (pl_pgidx_check_range(pt->geo, iova, size))
		return 0;
	last = iova + size - 1;
	/* only the leaves at the two ends can cross them */
	if (pl_pgt_leaf_crosses(pt, iova, iova, last) ||
	    pl_pgt_leaf_crosses(pt, last, iova, last))
		return 0;
	return pl_pgt_unmap_range(pt, iova, last);
}

/* ---- debugfs walk --------------------------------------------------- */

struct pl_show {
	struct seq_file *m;
	struct pl_pgtable *pt;
	/* the run of leaves being coalesced */
	bool run;
	u64 first;
	u64 last;
	u64 pa;
	unsigned int lvl;
	int prot;
	u64 n;
	/* totals */
	u64 leaves;
	u64 bytes;
	u64 freed;
	u64 bad;
	u64 bad_iova;
	unsigned int bad_lvl;
	enum pl_walk bad_what;
};

static void pl_show_flush(struct pl_show *s)
{
	u64 bs;

	if (!s->run)
		return;
	bs = pl_pgidx_block_size(s->pt->geo, s->lvl);
	seq_printf(s->m, "0x%012llx-0x%012llx 0x%012llx %s %llu%c x%llu %s\n",
		   s->first, s->last, s->pa, s->pt->ops->level_names[s->lvl],
		   bs >= SZ_1G ? bs >> 30 : bs >= SZ_1M ? bs >> 20 : bs >> 10,
		   bs >= SZ_1G ? 'G' : bs >= SZ_1M ? 'M' : 'K', s->n,
		   s->prot & PL_PROT_WRITE ? "rw" : "r-");
	s->run = false;
}

static void pl_show_leaf(struct pl_show *s, u64 base, u64 pte,
			 unsigned int lvl)
{
	u64 bs = pl_pgidx_block_size(s->pt->geo, lvl);
	u64 pa = s->pt->ops->addr(pte);
	int prot = s->pt->ops->prot(pte);

	s->leaves++;
	s->bytes += bs;
	if (s->run && s->lvl == lvl && s->prot == prot &&
	    base == s->last + 1 && pa == s->pa + (base - s->first)) {
		s->last += bs;
		s->n++;
		return;
	}
	pl_show_flush(s);
	s->run = true;
	s->first = base;
	s->last = base + bs - 1;
	s->pa = pa;
	s->lvl = lvl;
	s->prot = prot;
	s->n = 1;
}

static void pl_show_problem(struct pl_show *s, enum pl_walk what, u64 base,
			    unsigned int lvl)
{
	pl_show_flush(s);
	if (what == PL_WALK_FREED)
		s->freed++;
	if (!s->bad++) {
		s->bad_iova = base;
		s->bad_lvl = lvl;
		s->bad_what = what;
	}
	seq_printf(s->m, "# 0x%012llx: %s %s-level table (%s)\n", base,
		   what == PL_WALK_FREED ? "reached a freed" :
		   "corrupt descriptor in a", s->pt->ops->level_names[lvl],
		   what == PL_WALK_FREED ? "use-after-free" : "skipped");
}

/* Walks a table of level @lvl translating from @base.  Under RCU. */
static void pl_show_table(struct pl_show *s, __le64 *table, unsigned int lvl,
			  u64 base)
{
	const struct pl_pgidx_geo *g = s->pt->geo;
	unsigned int i, n = pl_pgidx_nr_entries(g, lvl);
	u64 bs = pl_pgidx_block_size(g, lvl);

	for (i = 0; i < n; i++) {
		u64 pte = pl_pte_read(&table[i]);

		if (pte == PL_PGTABLE_POISON) {
			/* the whole level is poison: stop here */
			pl_show_problem(s, PL_WALK_FREED, base, lvl);
			return;
		}
		switch (pl_pgt_kind(s->pt, pte, lvl)) {
		case PL_PTE_LEAF:
			pl_show_leaf(s, base + i * bs, pte, lvl);
			break;
		case PL_PTE_TABLE:
			pl_show_table(s, pl_pgt_next(s->pt, pte), lvl + 1,
				      base + i * bs);
			break;
		case PL_PTE_BAD:
			pl_show_problem(s, PL_WALK_BAD, base + i * bs, lvl);
			break;
		default:
			break;
		}
	}
}

/*
 * Walks entry @i1 of the level-1 table under root entry @i0, from the
 * root, under RCU.
 *
 * Return: false when root entry @i0 has no level-1 table (any more).
 */
static bool pl_show_step(struct pl_show *s, unsigned int i0, unsigned int i1)
{
	const struct pl_pgidx_geo *g = s->pt->geo;
	u64 base0 = (u64)i0 << pl_pgidx_shift(g, 0);
	u64 base1 = base0 + ((u64)i1 << pl_pgidx_shift(g, 1));
	__le64 *t1;
	u64 pte;

	pte = pl_pte_read(&s->pt->root[i0]);
	if (pte == PL_PGTABLE_POISON) {
		pl_show_problem(s, PL_WALK_FREED, base0, 0);
		return false;
	}
	switch (pl_pgt_kind(s->pt, pte, 0)) {
	case PL_PTE_TABLE:
		break;
	case PL_PTE_LEAF:
		pl_show_leaf(s, base0, pte, 0);
		return false;
	case PL_PTE_BAD:
		pl_show_problem(s, PL_WALK_BAD, base0, 0);
		return false;
	default:
		return false;
	}
	t1 = pl_pgt_next(s->pt, pte);
	pte = pl_pte_read(&t1[i1]);
	if (pte == PL_PGTABLE_POISON) {
		pl_show_problem(s, PL_WALK_FREED, base0, 1);
		return false;
	}
	switch (pl_pgt_kind(s->pt, pte, 1)) {
	case PL_PTE_LEAF:
		pl_show_leaf(s, base1, pte, 1);
		break;
	case PL_PTE_TABLE:
		pl_show_table(s, pl_pgt_next(s->pt, pte), 2, base1);
		break;
	case PL_PTE_BAD:
		pl_show_problem(s, PL_WALK_BAD, base1, 1);
		break;
	default:
		break;
	}
	return true;
}

void pl_pgtable_show(struct seq_file *m, struct pl_pgtable *pt)
{
	const struct pl_pgidx_geo *g = pt->geo;
	struct pl_show s = { .m = m, .pt = pt };
	struct pl_pgtable_stats st;
	unsigned int i0, i1;

	pl_pgtable_get_stats(pt, &st);
	seq_printf(m, "# format %s root 0x%llx free %s\n", pt->ops->name,
		   (u64)pl_pgtable_root_phys(pt),
		   pt->rcu_free ? "rcu" : "at-once(quarantine)");
	seq_printf(m, "# levels alloc %llu freed %llu live %llu reclaimed %llu quarantined %llu, mapped 0x%llx bytes, violations %llu\n",
		   st.levels_alloc, st.levels_freed,
		   st.levels_alloc - st.levels_freed, st.levels_reclaimed,
		   st.levels_quarantined, st.mapped_bytes, st.violations);
	seq_puts(m, "# first-last iova, paddr, level, leaf size, leaves, prot\n");

	if (g->levels < 3) {	/* not one of ours; walk it in one go */
		rcu_read_lock();
		pl_show_table(&s, pt->root, 0, 0);
		rcu_read_unlock();
	}
	for (i0 = 0; g->levels >= 3 && i0 < pl_pgidx_nr_entries(g, 0); i0++) {
		for (i1 = 0; i1 < pl_pgidx_nr_entries(g, 1); i1++) {
			bool more;

			rcu_read_lock();
			more = pl_show_step(&s, i0, i1);
			rcu_read_unlock();
			cond_resched();
			if (!more)
				break;
		}
	}
	pl_show_flush(&s);
	seq_printf(m, "# %llu leaves, 0x%llx bytes; %llu freed levels reached, %llu problems\n",
		   s.leaves, s.bytes, s.freed, s.bad);
	if (s.bad)
		pl_pgt_report(pt, "debugfs", s.bad_what, s.bad_iova, s.bad_lvl);
}

/* ---- life cycle ----------------------------------------------------- */

struct pl_pgtable *pl_pgtable_alloc(enum pl_pgtable_fmt fmt, bool rcu_free,
				    gfp_t gfp)
{
	const struct pl_pgtable_fmt_ops *ops;
	struct pl_pgtable *pt;
	struct page *page;

	switch (fmt) {
	case PL_PGTABLE_LPAE_S1_4K:
		ops = &pl_pgtable_lpae_s1_4k_ops;
		break;
	case PL_PGTABLE_VTD_SL4:
		ops = &pl_pgtable_vtd_sl4_ops;
		break;
	default:
		return NULL;
	}
	/* a table level (64-bit entries) must fit in the page holding it */
	if (pl_pgidx_geo_check(ops->geo) ||
	    (sizeof(__le64) << ops->geo->bits_per_level) > PAGE_SIZE)
		return NULL;
	pt = kzalloc(sizeof(*pt), gfp);
	if (!pt)
		return NULL;
	page = alloc_page(gfp | __GFP_ZERO);
	if (!page) {
		kfree(pt);
		return NULL;
	}
	pt->ops = ops;
	pt->geo = ops->geo;
	pt->fmt = fmt;
	pt->rcu_free = rcu_free;
	pt->root = page_address(page);
	spin_lock_init(&pt->free_lock);
	INIT_LIST_HEAD(&pt->rcu_next);
	INIT_LIST_HEAD(&pt->rcu_wait);
	INIT_LIST_HEAD(&pt->quarantine);
	atomic64_set(&pt->levels_alloc, 1);
	return pt;
}

void pl_pgtable_set_violation(struct pl_pgtable *pt,
			      pl_pgtable_violation_fn fn, void *cookie)
{
	pt->violation = fn;
	pt->cookie = cookie;
}

/*
 * Frees a live (sub)tree at once: nothing can walk it any more.  Empty
 * entries (0 in both formats) are skipped a word at a time: a table of
 * one mapping is 511 empty entries a level, and the format's kind() is
 * an indirect call.
 */
static void pl_pgt_free_tree(struct pl_pgtable *pt, __le64 *table,
			     unsigned int lvl)
{
	unsigned int i, n = pl_pgidx_nr_entries(pt->geo, lvl);
	u8 *next;

	for (i = 0; i < n; i++) {
		u64 pte;

		next = memchr_inv(&table[i], 0, (n - i) * sizeof(*table));
		if (!next)
			break;
		i = (next - (u8 *)table) / sizeof(*table);
		pte = pl_pte_read(&table[i]);
		if (pl_pgt_kind(pt, pte, lvl) == PL_PTE_TABLE)
			pl_pgt_free_tree(pt, pl_pgt_next(pt, pte), lvl + 1);
	}
	free_page((unsigned long)table);
}

void pl_pgtable_free(struct pl_pgtable *pt)
{
	struct page *page, *tmp;
	unsigned long flags;
	bool pending;

	if (!pt)
		return;
	might_sleep();
	pl_pgt_free_tree(pt, pt->root, 0);
	/*
	 * The RCU callback chain of earlier unlinks: wait until none is
	 * queued and the last one has returned (rcu_barrier() waits for
	 * callbacks that are running too).
	 */
	spin_lock_irqsave(&pt->free_lock, flags);
	pending = pt->rcu_used;
	spin_unlock_irqrestore(&pt->free_lock, flags);
	while (pending) {
		rcu_barrier();
		spin_lock_irqsave(&pt->free_lock, flags);
		pending = pt->rcu_queued;
		spin_unlock_irqrestore(&pt->free_lock, flags);
	}
	list_for_each_entry_safe(page, tmp, &pt->quarantine, lru)
		__free_page(page);
	kfree(pt);
}

phys_addr_t pl_pgtable_root_phys(const struct pl_pgtable *pt)
{
	return virt_to_phys(pt->root);
}

enum pl_pgtable_fmt pl_pgtable_fmt(const struct pl_pgtable *pt)
{
	return pt->fmt;
}

void pl_pgtable_get_stats(struct pl_pgtable *pt, struct pl_pgtable_stats *st)
{
	unsigned long flags;

	st->levels_alloc = atomic64_read(&pt->levels_alloc);
	st->levels_freed = atomic64_read(&pt->levels_freed);
	st->levels_reclaimed = atomic64_read(&pt->levels_reclaimed);
	st->install_races = atomic64_read(&pt->install_races);
	st->mapped_bytes = atomic64_read(&pt->mapped_bytes);
	st->violations = atomic64_read(&pt->violations);
	spin_lock_irqsave(&pt->free_lock, flags);
	st->levels_quarantined = pt->nr_quarantined;
	spin_unlock_irqrestore(&pt->free_lock, flags);
}

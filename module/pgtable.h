/* SPDX-License-Identifier: GPL-2.0 */
/*
 * probelab: IOMMU page tables in each instance's own format.
 *
 *	PL_PGTABLE_LPAE_S1_4K	SMMUv3 stage 1: ARM LPAE, 4K granule, 48-bit
 *				input (T0SZ 16, start level 0), 48-bit output;
 *				1G/2M blocks, 4K pages; root = CD TTB0
 *	PL_PGTABLE_VTD_SL4	VT-d second level, 4 levels (AGAW 48), 52-bit
 *				output; 1G/2M superpages (PS), 4K PTEs;
 *				root = context entry SLPTPTR
 *
 * CONCURRENCY.  No lock protects the tables:
 *  - map and unmap may run at the same time on different CPUs as long as
 *    their IOVA ranges are disjoint (the caller's IOVA allocator ensures
 *    it, as for io-pgtable); overlapping calls are a caller bug;
 *  - walkers (pl_pgtable_iova_to_phys(), pl_pgtable_show()) may run at
 *    any time, on any range, against map and unmap.
 * A new table level is published with cmpxchg() on its parent entry; the
 * loser of a race frees its page at once (it was never visible).  Leaves
 * are installed with cmpxchg() (so an overlap is seen, never overwritten)
 * and cleared with WRITE_ONCE(); every reader uses READ_ONCE() and walks
 * under rcu_read_lock().
 *
 * FREEING RULE.  A table level is unlinked only by an operation whose IOVA
 * range covers the level's whole range: an unmap covering a table entry
 * (as io-pgtable-arm does), or a map putting a block over an empty table.
 * A concurrent map or unmap on a disjoint range can therefore never be
 * inside an unlinked level; only walkers can.  A table left empty by
 * unmaps that each covered part of it stays in place (like io-pgtable)
 * until an unmap covering it, a block map over it, or pl_pgtable_free().
 *
 * Unlinked levels are then, by the table's mode:
 *  - rcu_free (fixed, mainline): given back to the page allocator after
 *    an RCU grace period, so a walker inside one is always safe;
 *  - !rcu_free (linux-6.1, whose VT-d debugfs walk raced unmap freeing
 *    levels at once): "freed at once" - filled with PL_PGTABLE_POISON and
 *    put in the table's quarantine instead of the allocator.  A walker
 *    that reaches a poisoned level reports a use-after-free through the
 *    violation callback and stops there; nothing is dereferenced through
 *    poison.  The quarantine keeps the last PL_PGTABLE_QUARANTINE_MAX
 *    levels; older ones go back through an RCU grace period.
 *
 * Partial unmap of a leaf is refused, as Linux refuses it
 * ("Unmap of a partial large IOPTE is not allowed"): see
 * pl_pgtable_unmap().  Blocks are never split.
 *
 * The model's walkers stand in for the hardware's: there is no IOTLB or
 * walk cache to invalidate here, and the tables need no cache maintenance
 * (both test machines walk coherently).
 */
#ifndef _PROBELAB_PGTABLE_H
#define _PROBELAB_PGTABLE_H

#include <linux/gfp.h>
#include <linux/types.h>

#include "core/pgidx.h"

struct seq_file;
struct pl_pgtable;

enum pl_pgtable_fmt {
	PL_PGTABLE_LPAE_S1_4K,
	PL_PGTABLE_VTD_SL4,
};

/* permissions of a mapping: READ, or READ | WRITE */
#define PL_PROT_READ		0x1
#define PL_PROT_WRITE		0x2

/*
 * What a level freed at once is filled with.  Not a valid descriptor in
 * either format (LPAE bit 0 and VT-d R/W bits 0 and 1 are clear), and
 * not 0, so it is told apart from an empty entry.
 */
#define PL_PGTABLE_POISON	0xdeadf4eedeadf4e0ULL

/* levels a !rcu_free table keeps poisoned before recycling the oldest */
#define PL_PGTABLE_QUARANTINE_MAX	4096

/**
 * typedef pl_pgtable_violation_fn - reports a walker's use-after-free
 * @cookie: the cookie given with the callback
 * @what: what happened, NUL-terminated, valid during the call only
 *
 * Called with no pgtable lock held and outside the RCU read-side section,
 * from the context of the function that found the violation:
 * pl_pgtable_show() (process context, may sleep) or
 * pl_pgtable_iova_to_phys() (the caller's context: may sleep only if that
 * caller may).  Several CPUs may call it at once.
 */
typedef void (*pl_pgtable_violation_fn)(void *cookie, const char *what);

/**
 * struct pl_pgtable_stats - counters of one page table (a snapshot)
 * @levels_alloc: table levels installed, root included (pages lost to a
 *	cmpxchg race are not: they were never visible)
 * @levels_freed: levels unlinked from the table (RCU-deferred or
 *	quarantined); live levels are @levels_alloc - @levels_freed
 * @levels_reclaimed: unlinked levels given back to the page allocator
 *	(after a grace period) before pl_pgtable_free()
 * @levels_quarantined: levels in the quarantine now (!rcu_free)
 * @install_races: table installs that lost the cmpxchg race
 * @mapped_bytes: bytes translated by the leaves
 * @violations: walks that reached a freed (quarantined) level
 */
struct pl_pgtable_stats {
	u64 levels_alloc;
	u64 levels_freed;
	u64 levels_reclaimed;
	u64 levels_quarantined;
	u64 install_races;
	u64 mapped_bytes;
	u64 violations;
};

/**
 * pl_pgtable_alloc() - allocate an empty page table (its root level)
 * @fmt: descriptor format
 * @rcu_free: true: unlinked levels are freed after an RCU grace period;
 *	false: freed "at once" into the quarantine (linux-6.1 model)
 * @gfp: allocation flags for the table structure and the root
 *
 * Context: as @gfp allows.
 * Return: the table, or NULL (no memory, unknown @fmt).
 */
struct pl_pgtable *pl_pgtable_alloc(enum pl_pgtable_fmt fmt, bool rcu_free,
				    gfp_t gfp);

/**
 * pl_pgtable_set_violation() - set the use-after-free report callback
 * @pt: the table
 * @fn: callback (NULL: violations are only counted)
 * @cookie: its argument
 *
 * Must be called before @pt is visible to any other thread (plain
 * stores, published with the table).
 */
void pl_pgtable_set_violation(struct pl_pgtable *pt,
			      pl_pgtable_violation_fn fn, void *cookie);

/**
 * pl_pgtable_free() - free a table, its levels and its quarantine
 * @pt: the table (NULL is ignored)
 *
 * The caller guarantees that nothing uses @pt any more: no map, unmap or
 * walker runs or can start (hardware entries pointing at the root are
 * cleared, the debugfs file removed).  The live levels and the
 * quarantine are freed at once; if the table ever handed levels to RCU,
 * rcu_barrier() is called until none of its callbacks is queued or
 * running, so that no callback of the module outlives the table.
 *
 * Context: process context, may sleep.
 */
void pl_pgtable_free(struct pl_pgtable *pt);

/**
 * pl_pgtable_root_phys() - physical address of the root table
 * @pt: the table
 *
 * 4K-aligned: the TTB0 of an SMMUv3 context descriptor, or the SLPTPTR of
 * a VT-d context entry.  Constant for the life of @pt.
 */
phys_addr_t pl_pgtable_root_phys(const struct pl_pgtable *pt);

/**
 * pl_pgtable_fmt() - the descriptor format of a table
 * @pt: the table
 */
enum pl_pgtable_fmt pl_pgtable_fmt(const struct pl_pgtable *pt);

/**
 * pl_pgtable_map() - map a physically contiguous range
 * @pt: the table
 * @iova: first IOVA, 4K-aligned, @iova + @size <= 2^48
 * @paddr: first physical address, 4K-aligned, within the output size
 * @size: bytes, a non-zero multiple of 4K
 * @prot: PL_PROT_READ or PL_PROT_READ | PL_PROT_WRITE (write-only cannot
 *	be expressed by LPAE stage 1 and is refused in both formats)
 * @gfp: allocation flags for new table levels
 *
 * Installs the largest leaves the alignment of @iova and @paddr allows
 * (1G, 2M, 4K; a 1G-aligned 1G mapping is one leaf and allocates no L2 or
 * L3 table).  A block placed over a table whose range holds no leaf
 * replaces it (the table is unlinked and freed by the table's rule).
 * All or nothing: on failure every leaf this call installed is removed
 * again; tables it allocated may stay, empty.
 *
 * Context: any context @gfp allows; no lock taken but the free-list
 * spinlock.  May run concurrently with map/unmap of disjoint ranges and
 * with walkers.
 * Return: 0; -EINVAL for a bad range, address or @prot; -EEXIST when any
 * part of the range is mapped already; -ENOMEM.
 */
int pl_pgtable_map(struct pl_pgtable *pt, u64 iova, phys_addr_t paddr,
		   size_t size, int prot, gfp_t gfp);

/**
 * pl_pgtable_unmap() - unmap a range
 * @pt: the table
 * @iova: first IOVA, 4K-aligned
 * @size: bytes, a non-zero multiple of 4K; the range within 2^48
 *
 * Removes every leaf inside the range; holes are skipped.  A leaf that
 * crosses either end of the range is never split: the whole call is then
 * refused and nothing is unmapped.  Every table entry whose whole range
 * lies inside [@iova, @iova + @size) is unlinked with its subtree, even
 * when empty (the freeing rule at the top).
 *
 * Context: any context; no lock taken but the free-list spinlock.  May
 * run concurrently with map/unmap of disjoint ranges and with walkers.
 * Return: bytes of the leaves removed: @size when the range was fully
 * mapped, less when it had holes, 0 when nothing was mapped, the call was
 * refused (a leaf crossing an end) or the arguments were invalid.
 */
size_t pl_pgtable_unmap(struct pl_pgtable *pt, u64 iova, size_t size);

/**
 * pl_pgtable_iova_to_phys() - translate one IOVA
 * @pt: the table
 * @iova: any IOVA
 *
 * Walks under rcu_read_lock(); safe against concurrent map and unmap.  A
 * walk that reaches a freed level (!rcu_free) reports a violation and
 * gives 0.
 *
 * Context: any context.
 * Return: the physical address, or 0 when @iova is not mapped.
 */
phys_addr_t pl_pgtable_iova_to_phys(struct pl_pgtable *pt, u64 iova);

/**
 * pl_pgtable_leaf() - the raw leaf descriptor translating an IOVA
 * @pt: the table
 * @iova: any IOVA
 * @lvl: receives the leaf's level (0 = root), or is left alone
 *
 * For tests and the invariant checker.  Same rules as
 * pl_pgtable_iova_to_phys().
 *
 * Return: the descriptor (CPU byte order), 0 when not mapped.
 */
u64 pl_pgtable_leaf(struct pl_pgtable *pt, u64 iova, unsigned int *lvl);

/**
 * pl_pgtable_show() - the debugfs walk: every valid leaf
 * @m: the seq_file
 * @pt: the table
 *
 * Prints a header, then one line per run of leaves that are contiguous in
 * IOVA and physical address, of one level and one permission:
 *	<first iova>-<last iova> <paddr> <level> <leaf size> x<leaves> <r-|rw>
 * Levels are named as the format names them (LPAE L1..L3, VT-d
 * PDPE/PDE/PTE).  Walks under rcu_read_lock(), dropped and retaken every
 * 1G of IOVA (re-walking from the root), so it is safe against concurrent
 * unmap and never holds RCU long.  A freed (quarantined) level reached is
 * printed as such, skipped, and reported through the violation callback
 * (once per call).
 *
 * Context: process context (may sleep between 1G steps).
 */
void pl_pgtable_show(struct seq_file *m, struct pl_pgtable *pt);

/**
 * pl_pgtable_get_stats() - read the counters
 * @pt: the table
 * @st: receives them (each one atomic; not a consistent set while
 *	map/unmap run)
 *
 * Context: any context.
 */
void pl_pgtable_get_stats(struct pl_pgtable *pt, struct pl_pgtable_stats *st);

/**
 * pl_pgtable_selftest() - run the page-table self-test (pgtable_test.c)
 * @stress_ms: duration of each concurrency stress run, 0 for none
 *	(four runs: both formats, rcu_free true and false)
 *
 * Logs one TAP-like line per check with pr_info().  Allocates up to a few
 * MiB of table levels.
 *
 * Context: process context, sleeps.
 * Return: 0 when every check passed, -EIO otherwise, -ENOMEM.
 */
int pl_pgtable_selftest(unsigned int stress_ms);

/* -------- for the format files (pgtable_lpae.c, pgtable_vtd.c) -------- */

enum pl_pte_kind {
	PL_PTE_EMPTY,		/* 0: nothing mapped */
	PL_PTE_TABLE,		/* points at the next level */
	PL_PTE_LEAF,		/* block, superpage or page */
	PL_PTE_BAD,		/* none of these: corrupt (never written) */
};

/**
 * struct pl_pgtable_fmt_ops - one descriptor format
 * @name: format name for debugfs
 * @geo: its geometry (levels counted from the root)
 * @level_names: the format's name of each level
 * @mk_table: descriptor of a table entry pointing at @table
 * @mk_leaf: descriptor of a leaf at @lvl translating to @pa with @prot
 * @kind: what a descriptor found at @lvl is (PL_PGTABLE_POISON is checked
 *	before, by the common code)
 * @addr: output address of a table or leaf descriptor
 * @prot: PL_PROT_* of a leaf descriptor
 *
 * All callbacks are pure functions on descriptor values.
 */
struct pl_pgtable_fmt_ops {
	const char *name;
	const struct pl_pgidx_geo *geo;
	const char *const *level_names;
	u64 (*mk_table)(phys_addr_t table);
	u64 (*mk_leaf)(phys_addr_t pa, unsigned int lvl, int prot);
	enum pl_pte_kind (*kind)(u64 pte, unsigned int lvl);
	phys_addr_t (*addr)(u64 pte);
	int (*prot)(u64 pte);
};

extern const struct pl_pgtable_fmt_ops pl_pgtable_lpae_s1_4k_ops;
extern const struct pl_pgtable_fmt_ops pl_pgtable_vtd_sl4_ops;

#endif /* _PROBELAB_PGTABLE_H */

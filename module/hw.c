// SPDX-License-Identifier: GPL-2.0
/*
 * probelab: the IOMMU hardware models, kept in memory in the layouts the
 * hardware reads, so that they can be checked against the software state.
 *
 * SMMUv3: a stream table of 64-byte STEs indexed by stream ID.  Config
 * (word 0 bits 3:1) is abort (0b000), bypass (0b100) or stage-1 translate
 * (0b101) with S1ContextPtr pointing at the domain's context descriptor.
 *
 * VT-d: a root table of 256 root entries (one per bus), each pointing at
 * a context table of 256 128-bit context entries (one per devfn).  An
 * absent entry blocks; translation type 10b is pass-through; 00b is
 * second-level translation with SLPTPTR, address width and domain ID.
 *
 * Entries are written under pl_iommu.hw_lock, and with the lab lock held
 * too except by pl_hw_setup() (the instance driver's probe).  STEs and
 * context tables are added only with both held (an STE through the stream
 * table's xarray), so a writer, which holds the lab lock, finds them
 * without hw_lock; debugfs and pl_hw_setup() read them under hw_lock
 * alone.
 */
#include <linux/bitfield.h>
#include <linux/gfp.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#include "probelab.h"
#include "pgtable.h"

/* STE word 0 and word 1 fields the model uses (SMMUv3 spec, 5.2) */
#define STE_V			BIT_ULL(0)
#define STE_CFG			GENMASK_ULL(3, 1)
#define STE_CFG_ABORT		0ULL
#define STE_CFG_BYPASS		4ULL
#define STE_CFG_S1_TRANS	5ULL
#define STE_S1_CTXPTR		GENMASK_ULL(51, 6)
#define STE_S1DSS		GENMASK_ULL(1, 0)
#define STE_S1CIR		GENMASK_ULL(3, 2)
#define STE_S1COR		GENMASK_ULL(5, 4)
#define STE_S1CSH		GENMASK_ULL(7, 6)
#define STE_SHCFG		GENMASK_ULL(45, 44)
#define STE_SHCFG_INCOMING	1ULL
#define STE_CACHE_WBRA		1ULL
#define STE_SH_ISH		3ULL
#define PL_STE_QWORDS		2	/* the qwords the model fills */

#define CTX_P			BIT_ULL(0)
#define CTX_TT			GENMASK_ULL(3, 2)
#define CTX_TT_SL		0ULL
#define CTX_TT_PT		2ULL
#define CTX_SLPTPTR		GENMASK_ULL(63, 12)
#define CTX_AW			GENMASK_ULL(2, 0)
#define CTX_AW_48		2ULL
#define CTX_DID			GENMASK_ULL(23, 8)

struct pl_ste {
	__le64 data[8];
};

/* one VT-d context table: 256 entries of 128 bits, a 4K page */
struct pl_ctx_table {
	__le64 e[256][2];
};

void pl_hw_init(struct pl_iommu *iommu)
{
	xa_init(&iommu->hw.strtab);
}

void pl_hw_destroy(struct pl_iommu *iommu)
{
	struct pl_ste *ste;
	unsigned long sid;
	u32 bus;

	xa_for_each(&iommu->hw.strtab, sid, ste)
		kfree(ste);
	xa_destroy(&iommu->hw.strtab);
	for (bus = 0; bus < ARRAY_SIZE(iommu->hw.root); bus++) {
		free_page((unsigned long)iommu->hw.root[bus]);
		iommu->hw.root[bus] = NULL;
	}
}

/* An STE or context entry was rewritten, in @steps visible states. */
static void pl_ev_hw(const struct pl_iommu *iommu, u32 id,
		     const struct pl_domain *domain, u32 steps)
{
	char detail[64];
	struct pl_ev ev = { .event = PROBELAB_EV_HW_WRITE, .iommu = iommu,
			    .detail = detail };

	if (domain) {
		ev.domain = domain->id;
		ev.domain_type = domain->type;
	}
	snprintf(detail, sizeof(detail), "%s 0x%x: %u steps",
		 iommu->model == PROBELAB_FW_IOMMU_SMMUV3 ? "ste" : "context",
		 id, steps);
	pl_event(&ev);
}

/* The STE a domain needs (NULL or blocking: abort). */
static void pl_ste_make(const struct pl_domain *domain, u64 *t)
{
	t[0] = STE_V;
	t[1] = 0;
	if (!domain || domain->type == PROBELAB_DOMAIN_BLOCKED) {
		t[0] |= FIELD_PREP(STE_CFG, STE_CFG_ABORT);
	} else if (domain->type == PROBELAB_DOMAIN_IDENTITY) {
		t[0] |= FIELD_PREP(STE_CFG, STE_CFG_BYPASS);
		t[1] |= FIELD_PREP(STE_SHCFG, STE_SHCFG_INCOMING);
	} else {
		t[0] |= FIELD_PREP(STE_CFG, STE_CFG_S1_TRANS) |
			(virt_to_phys(domain->cd) & STE_S1_CTXPTR);
		t[1] |= FIELD_PREP(STE_S1CIR, STE_CACHE_WBRA) |
			FIELD_PREP(STE_S1COR, STE_CACHE_WBRA) |
			FIELD_PREP(STE_S1CSH, STE_SH_ISH);
	}
}

/* The bits the SMMU reads for an STE's configuration (as the driver's
 * arm_smmu_get_ste_used()).
 */
static void pl_ste_used(const u64 *e, u64 *used)
{
	used[0] = STE_V;
	used[1] = 0;
	if (!(e[0] & STE_V))
		return;
	used[0] |= STE_CFG;
	switch (FIELD_GET(STE_CFG, e[0])) {
	case STE_CFG_BYPASS:
		used[1] |= STE_SHCFG;
		break;
	case STE_CFG_S1_TRANS:
		used[0] |= STE_S1_CTXPTR;
		used[1] |= STE_S1DSS | STE_S1CIR | STE_S1COR | STE_S1CSH;
		break;
	}
}

static bool pl_ste_translates(const u64 *e)
{
	return (e[0] & STE_V) &&
	       FIELD_GET(STE_CFG, e[0]) == STE_CFG_S1_TRANS;
}

/* Do two STEs give the SMMU the same configuration? */
static bool pl_ste_same(const u64 *a, const u64 *b)
{
	u64 ua[PL_STE_QWORDS], ub[PL_STE_QWORDS];
	int i;

	pl_ste_used(a, ua);
	pl_ste_used(b, ub);
	for (i = 0; i < PL_STE_QWORDS; i++)
		if (ua[i] != ub[i] || (a[i] & ua[i]) != (b[i] & ub[i]))
			return false;
	return true;
}

/**
 * struct pl_ste_writer - one STE update in progress
 * @old: the STE before the update
 * @target: the STE after it
 * @steps: hardware-visible states written (each followed by CFGI_STE)
 * @torn: states that translated with neither the old nor the new config
 */
struct pl_ste_writer {
	u64 old[PL_STE_QWORDS];
	u64 target[PL_STE_QWORDS];
	u32 steps;
	u32 torn;
};

/* Writes one state, invalidates, and checks it is not a mix. */
static void pl_ste_commit(struct pl_iommu *iommu, struct pl_ste *ste,
			  struct pl_ste_writer *w, const u64 *e)
{
	int i;

	lockdep_assert_held(&iommu->hw_lock);
	for (i = 0; i < PL_STE_QWORDS; i++)
		WRITE_ONCE(ste->data[i], cpu_to_le64(e[i]));
	iommu->hw.writes++;
	iommu->hw.invalidations++;	/* CMD_CFGI_STE + CMD_SYNC */
	w->steps++;
	pl_inject(PL_INJ_HW_STEP, NULL);
	if (pl_ste_translates(e) && !pl_ste_same(e, w->old) &&
	    !pl_ste_same(e, w->target))
		w->torn++;
}

/*
 * The hitless update of arm_smmu_write_entry(): first every target bit
 * the current configuration does not use, then the one qword whose used
 * bits must change (the "critical" qword), then the leftover bits.  When
 * more than one used qword must change, break before make: V=0 first,
 * which aborts (never translates) while the rest is written.
 */
static void pl_ste_update(struct pl_iommu *iommu, struct pl_ste *ste,
			  struct pl_ste_writer *w)
{
	u64 cur_used[PL_STE_QWORDS], tgt_used[PL_STE_QWORDS];
	u64 step[PL_STE_QWORDS];
	int i, critical = -1, ncritical = 0;

	lockdep_assert_held(&iommu->hw_lock);
	pl_ste_used(w->old, cur_used);
	pl_ste_used(w->target, tgt_used);
	for (i = 0; i < PL_STE_QWORDS; i++) {
		step[i] = (w->old[i] & cur_used[i]) |
			  (w->target[i] & ~cur_used[i]);
		if ((step[i] ^ w->target[i]) & (cur_used[i] | tgt_used[i])) {
			critical = i;
			ncritical++;
		}
	}
	if (ncritical <= 1) {
		if (memcmp(step, w->old, sizeof(step)))
			pl_ste_commit(iommu, ste, w, step);
		if (critical >= 0) {
			step[critical] = w->target[critical];
			pl_ste_commit(iommu, ste, w, step);
		}
	} else {
		step[0] = w->old[0] & ~STE_V;
		pl_ste_commit(iommu, ste, w, step);
		step[1] = w->target[1];
		pl_ste_commit(iommu, ste, w, step);
	}
	if (memcmp(step, w->target, sizeof(step)))
		pl_ste_commit(iommu, ste, w, w->target);
}

static void pl_smmu_write(struct pl_iommu *iommu, u32 sid,
			  const struct pl_domain *domain)
{
	struct pl_ste *ste = xa_load(&iommu->hw.strtab, sid);
	struct pl_ste_writer w = {};
	int i;

	lockdep_assert_held(&pl_lab.lock);
	if (!ste) {
		ste = kzalloc(sizeof(*ste), GFP_KERNEL);
		if (!ste || xa_err(xa_store(&iommu->hw.strtab, sid, ste,
					    GFP_KERNEL))) {
			kfree(ste);
			pl_violation(6, NULL, "%s: no memory for the STE of stream %u",
				     iommu->name, sid);
			return;
		}
	}
	pl_ste_make(domain, w.target);
	spin_lock(&iommu->hw_lock);
	for (i = 0; i < PL_STE_QWORDS; i++)
		w.old[i] = le64_to_cpu(ste->data[i]);
	if (memcmp(w.old, w.target, sizeof(w.old)))
		pl_ste_update(iommu, ste, &w);
	spin_unlock(&iommu->hw_lock);
	if (w.steps)
		pl_ev_hw(iommu, sid, domain, w.steps);
	if (w.torn)
		pl_violation(6, NULL, "%s: STE 0x%x: %u states translated with old and new mixed",
			     iommu->name, sid, w.torn);
}

/* The context entry a domain needs; lo = 0 (absent) blocks. */
static void pl_ctx_make(const struct pl_domain *domain, u64 *lo, u64 *hi)
{
	*lo = 0;
	*hi = 0;
	if (!domain || domain->type == PROBELAB_DOMAIN_BLOCKED)
		return;
	if (domain->type == PROBELAB_DOMAIN_IDENTITY) {
		*lo = CTX_P | FIELD_PREP(CTX_TT, CTX_TT_PT);
		*hi = FIELD_PREP(CTX_AW, CTX_AW_48);
		return;
	}
	*lo = CTX_P | FIELD_PREP(CTX_TT, CTX_TT_SL) |
	      (pl_pgtable_root_phys(domain->pgt) & CTX_SLPTPTR);
	*hi = FIELD_PREP(CTX_AW, CTX_AW_48) | FIELD_PREP(CTX_DID, domain->did);
}

/*
 * A present context entry is never rewritten in place: P is cleared and
 * the context cache invalidated first, so that no walk sees half of the
 * old entry and half of the new one; then the entry is written with P
 * last, and invalidated again.
 */
static void pl_vtd_write(struct pl_iommu *iommu, u16 sid,
			 const struct pl_domain *domain)
{
	u8 bus = sid >> 8, devfn = sid & 0xff;
	struct pl_ctx_table *ct = iommu->hw.root[bus];
	u64 lo, hi, old_lo;

	lockdep_assert_held(&pl_lab.lock);
	pl_ctx_make(domain, &lo, &hi);
	if (!ct) {
		if (!lo)
			return;	/* absent already */
		ct = (struct pl_ctx_table *)get_zeroed_page(GFP_KERNEL);
		if (!ct) {
			pl_violation(6, NULL, "%s: no memory for the context table of bus %u",
				     iommu->name, bus);
			return;
		}
	}
	spin_lock(&iommu->hw_lock);
	/* a new table: pl_hw_setup() and pl_hw_show() read root[] under hw_lock */
	iommu->hw.root[bus] = ct;
	old_lo = le64_to_cpu(ct->e[devfn][0]);
	if (old_lo == lo && le64_to_cpu(ct->e[devfn][1]) == hi)
		goto out_unlock;
	if (old_lo & CTX_P) {
		WRITE_ONCE(ct->e[devfn][0], 0);
		iommu->hw.writes++;
		iommu->hw.invalidations++;	/* context-cache, device */
	}
	WRITE_ONCE(ct->e[devfn][1], cpu_to_le64(hi));
	WRITE_ONCE(ct->e[devfn][0], cpu_to_le64(lo));
	iommu->hw.writes++;
	if (lo)
		iommu->hw.invalidations++;
	spin_unlock(&iommu->hw_lock);
	pl_ev_hw(iommu, sid, domain, (old_lo & CTX_P) ? 2 : 1);
	return;
out_unlock:
	spin_unlock(&iommu->hw_lock);
}

static void pl_hw_write(struct pl_iommu *iommu, const struct pl_fwspec *fs,
			const struct pl_domain *domain)
{
	u32 i;

	lockdep_assert_held(&pl_lab.lock);
	for (i = 0; i < fs->nr_ids; i++) {
		if (iommu->model == PROBELAB_FW_IOMMU_SMMUV3)
			pl_smmu_write(iommu, fs->ids[i], domain);
		else
			pl_vtd_write(iommu, fs->ids[i], domain);
	}
}

void pl_hw_attach(struct pl_iommu *iommu, const struct pl_fwspec *fs,
		  const struct pl_domain *domain)
{
	lockdep_assert_held(&pl_lab.lock);
	pl_hw_write(iommu, fs, domain);
}

/*
 * An entry no device uses any more blocks DMA (abort STE, no context);
 * the group decides when that is (pl_group_remove_device()).
 */
void pl_hw_detach_id(struct pl_iommu *iommu, u32 id)
{
	lockdep_assert_held(&pl_lab.lock);
	if (iommu->model == PROBELAB_FW_IOMMU_SMMUV3)
		pl_smmu_write(iommu, id, NULL);
	else
		pl_vtd_write(iommu, id, NULL);
}

/**
 * pl_hw_setup() - the instance driver's setup at registration
 * @iommu: the instance
 *
 * Resets the tables as a driver does before enabling translation: every
 * STE aborts, every context entry is absent.  An entry a policy wrote
 * before the instance was ready is lost here - which is what 6.16's
 * iommu->ready closes.  No lab lock: it runs in the instance's probe.
 */
void pl_hw_setup(struct pl_iommu *iommu)
{
	u64 abort0 = STE_V | FIELD_PREP(STE_CFG, STE_CFG_ABORT);
	struct pl_ste *ste;
	unsigned long sid;
	u32 bus;

	spin_lock(&iommu->hw_lock);
	xa_for_each(&iommu->hw.strtab, sid, ste) {
		WRITE_ONCE(ste->data[0], cpu_to_le64(abort0));
		WRITE_ONCE(ste->data[1], 0);
	}
	for (bus = 0; bus < ARRAY_SIZE(iommu->hw.root); bus++)
		if (iommu->hw.root[bus])
			memset(iommu->hw.root[bus], 0, sizeof(*iommu->hw.root[bus]));
	iommu->hw.invalidations++;	/* CFGI_ALL / global invalidation */
	spin_unlock(&iommu->hw_lock);
}

static const char *pl_ste_cfg_name(u64 w0)
{
	if (!(w0 & STE_V))
		return "invalid";
	switch (FIELD_GET(STE_CFG, w0)) {
	case STE_CFG_ABORT:
		return "abort";
	case STE_CFG_BYPASS:
		return "bypass";
	case STE_CFG_S1_TRANS:
		return "translate";
	}
	return "other";
}

/**
 * pl_hw_verify() - does the hardware model agree with the software state
 * @iommu: the instance
 * @id: stream ID or source ID
 * @domain: the domain the ID's device is attached to, NULL for none
 * @why: receives the disagreement
 * @len: size of @why
 *
 * SMMUv3: abort <=> blocking or none, bypass <=> identity, translate <=>
 * paging with the domain's context descriptor (whose TTB0 is its page
 * table).  VT-d: absent <=> blocking or none, pass-through <=> identity,
 * second level <=> paging with the domain's page table and domain ID.
 * Return: true when they agree.
 */
bool pl_hw_verify(struct pl_iommu *iommu, u32 id,
		  const struct pl_domain *domain, char *why, size_t len)
{
	u64 want[PL_STE_QWORDS], have[PL_STE_QWORDS] = {}, lo, hi;
	bool ok;

	lockdep_assert_held(&pl_lab.lock);
	if (iommu->model == PROBELAB_FW_IOMMU_SMMUV3) {
		struct pl_ste *ste = xa_load(&iommu->hw.strtab, id);

		pl_ste_make(domain, want);
		spin_lock(&iommu->hw_lock);
		if (ste) {
			have[0] = le64_to_cpu(ste->data[0]);
			have[1] = le64_to_cpu(ste->data[1]);
		}
		spin_unlock(&iommu->hw_lock);
		/* a never-written STE (V=0) aborts, as blocking does */
		ok = pl_ste_same(have, want) ||
		     (!(have[0] & STE_V) && !pl_ste_translates(want) &&
		      (!domain || domain->type == PROBELAB_DOMAIN_BLOCKED));
		if (!ok)
			snprintf(why, len, "%s stream 0x%x: STE %s 0x%llx, domain wants %s 0x%llx",
				 iommu->name, id, pl_ste_cfg_name(have[0]),
				 have[0], pl_ste_cfg_name(want[0]), want[0]);
		return ok;
	}
	pl_ctx_make(domain, &lo, &hi);
	spin_lock(&iommu->hw_lock);
	if (iommu->hw.root[id >> 8]) {
		have[0] = le64_to_cpu(iommu->hw.root[id >> 8]->e[id & 0xff][0]);
		have[1] = le64_to_cpu(iommu->hw.root[id >> 8]->e[id & 0xff][1]);
	}
	spin_unlock(&iommu->hw_lock);
	ok = have[0] == lo && (!lo || have[1] == hi);
	if (!ok)
		snprintf(why, len, "%s source 0x%04x: context 0x%llx/0x%llx, want 0x%llx/0x%llx",
			 iommu->name, id, have[0], have[1], lo, hi);
	return ok;
}

/* debugfs iommus/<name>/ste or /context; takes only the hw lock. */
void pl_hw_show(struct seq_file *m, struct pl_iommu *iommu)
{
	struct pl_ste *ste;
	unsigned long sid;
	u32 bus, devfn;

	spin_lock(&iommu->hw_lock);
	seq_printf(m, "# %s: %llu entry writes, %llu invalidations\n",
		   iommu->name, iommu->hw.writes, iommu->hw.invalidations);
	if (iommu->model == PROBELAB_FW_IOMMU_SMMUV3) {
		seq_puts(m, "# sid config word0\n");
		xa_for_each(&iommu->hw.strtab, sid, ste) {
			u64 w0 = le64_to_cpu(READ_ONCE(ste->data[0]));

			seq_printf(m, "0x%lx %s 0x%016llx\n", sid,
				   pl_ste_cfg_name(w0), w0);
		}
		spin_unlock(&iommu->hw_lock);
		return;
	}
	seq_puts(m, "# bus:dev.fn type did lo hi\n");
	for (bus = 0; bus < ARRAY_SIZE(iommu->hw.root); bus++) {
		struct pl_ctx_table *ct = iommu->hw.root[bus];

		if (!ct)
			continue;
		for (devfn = 0; devfn < 256; devfn++) {
			u64 lo = le64_to_cpu(READ_ONCE(ct->e[devfn][0]));
			u64 hi = le64_to_cpu(READ_ONCE(ct->e[devfn][1]));

			if (!(lo & CTX_P))
				continue;
			seq_printf(m, "%02x:%02x.%u %s %llu 0x%016llx 0x%016llx\n",
				   bus, devfn >> 3, devfn & 7,
				   FIELD_GET(CTX_TT, lo) == CTX_TT_PT ?
				   "pass-through" : "second-level",
				   FIELD_GET(CTX_DID, hi), lo, hi);
		}
	}
	spin_unlock(&iommu->hw_lock);
}

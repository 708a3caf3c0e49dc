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
 * The tables are written under pl_iommu.hw_lock; callers hold the lab lock.
 */
#include <linux/bitfield.h>
#include <linux/gfp.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#include "probelab.h"

#define STE_V			BIT_ULL(0)
#define STE_CFG			GENMASK_ULL(3, 1)
#define STE_CFG_ABORT		0ULL
#define STE_CFG_BYPASS		4ULL
#define STE_CFG_S1_TRANS	5ULL
#define STE_S1_CTXPTR		GENMASK_ULL(51, 6)

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

static u64 pl_ste_word0(const struct pl_domain *domain)
{
	if (!domain || domain->type == PROBELAB_DOMAIN_BLOCKED)
		return STE_V | FIELD_PREP(STE_CFG, STE_CFG_ABORT);
	if (domain->type == PROBELAB_DOMAIN_IDENTITY)
		return STE_V | FIELD_PREP(STE_CFG, STE_CFG_BYPASS);
	return STE_V | FIELD_PREP(STE_CFG, STE_CFG_S1_TRANS) |
	       (virt_to_phys(domain->cd) & STE_S1_CTXPTR);
}

static void pl_smmu_write(struct pl_iommu *iommu, u32 sid,
			  const struct pl_domain *domain)
{
	struct pl_ste *ste = xa_load(&iommu->hw.strtab, sid);

	if (!ste) {
		ste = kzalloc(sizeof(*ste), GFP_KERNEL);
		if (!ste || xa_err(xa_store(&iommu->hw.strtab, sid, ste,
					    GFP_KERNEL))) {
			kfree(ste);
			pl_violation(NULL, "%s: no memory for the STE of stream %u",
				     iommu->name, sid);
			return;
		}
	}
	spin_lock(&iommu->hw_lock);
	WRITE_ONCE(ste->data[0], cpu_to_le64(pl_ste_word0(domain)));
	iommu->hw.writes++;
	iommu->hw.invalidations++;	/* CMD_CFGI_STE */
	spin_unlock(&iommu->hw_lock);
}

static void pl_vtd_write(struct pl_iommu *iommu, u16 sid,
			 const struct pl_domain *domain)
{
	u8 bus = sid >> 8, devfn = sid & 0xff;
	struct pl_ctx_table *ct = iommu->hw.root[bus];
	u64 lo = 0, hi = 0;

	if (domain && domain->type == PROBELAB_DOMAIN_IDENTITY) {
		lo = CTX_P | FIELD_PREP(CTX_TT, CTX_TT_PT);
		hi = FIELD_PREP(CTX_AW, CTX_AW_48);
	} else if (domain && domain->type != PROBELAB_DOMAIN_BLOCKED) {
		lo = CTX_P | FIELD_PREP(CTX_TT, CTX_TT_SL) |
		     (virt_to_phys(domain->pgd) & CTX_SLPTPTR);
		hi = FIELD_PREP(CTX_AW, CTX_AW_48) |
		     FIELD_PREP(CTX_DID, domain->did);
	}
	if (!ct) {
		if (!lo)
			return;	/* absent already */
		ct = (struct pl_ctx_table *)get_zeroed_page(GFP_KERNEL);
		if (!ct) {
			pl_violation(NULL, "%s: no memory for the context table of bus %u",
				     iommu->name, bus);
			return;
		}
		iommu->hw.root[bus] = ct;
	}
	spin_lock(&iommu->hw_lock);
	/* clear P first, so that no walk sees half an entry */
	WRITE_ONCE(ct->e[devfn][0], 0);
	WRITE_ONCE(ct->e[devfn][1], cpu_to_le64(hi));
	WRITE_ONCE(ct->e[devfn][0], cpu_to_le64(lo));
	iommu->hw.writes++;
	iommu->hw.invalidations++;	/* context-cache invalidation */
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
	pl_hw_write(iommu, fs, domain);
}

/* A released device's entries block its DMA (abort STE, no context). */
void pl_hw_detach(struct pl_iommu *iommu, const struct pl_fwspec *fs)
{
	pl_hw_write(iommu, fs, NULL);
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

// SPDX-License-Identifier: GPL-2.0
/*
 * probelab: ARM LPAE stage-1 descriptors, 4K granule (the SMMUv3 model's
 * page tables; Arm ARM "VMSAv8-64 translation table format descriptors").
 *
 *	bits 1:0	0b11 table (levels 0-2) or page (level 3),
 *			0b01 block (levels 1 and 2: 1G and 2M), 0b00 invalid
 *	bits 4:2	AttrIndx: MAIR attribute 1, Normal write-back
 *			cacheable (the CD's MAIR must hold 0xff there)
 *	bit 6		AP[1]: unprivileged access allowed
 *	bit 7		AP[2]: read-only
 *	bits 9:8	SH: 0b11 inner shareable
 *	bit 10		AF: access flag, set (no access-flag faults)
 *	bit 11		nG: not global (the translation is tagged by ASID)
 *	bits 47:12	output address of the page, block or next table
 *
 * XN is left clear, as for Linux's DMA mappings (no IOMMU_NOEXEC).  Table
 * descriptors carry no hierarchical attributes (APTable, XNTable, NSTable
 * are 0).
 */
#include <linux/bitfield.h>
#include <linux/bits.h>

#include "pgtable.h"

#define LPAE_TYPE		GENMASK_ULL(1, 0)
#define LPAE_TYPE_BLOCK		1ULL
#define LPAE_TYPE_TABLE		3ULL	/* also "page" at level 3 */
#define LPAE_ATTRINDX		GENMASK_ULL(4, 2)
#define LPAE_ATTRINDX_WB	1ULL
#define LPAE_AP_UNPRIV		BIT_ULL(6)
#define LPAE_AP_RDONLY		BIT_ULL(7)
#define LPAE_SH			GENMASK_ULL(9, 8)
#define LPAE_SH_IS		3ULL
#define LPAE_AF			BIT_ULL(10)
#define LPAE_NG			BIT_ULL(11)
#define LPAE_ADDR		GENMASK_ULL(47, 12)

#define LPAE_LAST_LEVEL		3

static const char *const pl_lpae_level_names[] = { "L0", "L1", "L2", "L3" };

static u64 pl_lpae_mk_table(phys_addr_t table)
{
	return ((u64)table & LPAE_ADDR) | LPAE_TYPE_TABLE;
}

static u64 pl_lpae_mk_leaf(phys_addr_t pa, unsigned int lvl, int prot)
{
	u64 pte = ((u64)pa & LPAE_ADDR) | LPAE_AF | LPAE_NG | LPAE_AP_UNPRIV |
		  FIELD_PREP(LPAE_SH, LPAE_SH_IS) |
		  FIELD_PREP(LPAE_ATTRINDX, LPAE_ATTRINDX_WB);

	if (!(prot & PL_PROT_WRITE))
		pte |= LPAE_AP_RDONLY;
	return pte | (lvl == LPAE_LAST_LEVEL ? LPAE_TYPE_TABLE : LPAE_TYPE_BLOCK);
}

static enum pl_pte_kind pl_lpae_kind(u64 pte, unsigned int lvl)
{
	if (!pte)
		return PL_PTE_EMPTY;
	switch (FIELD_GET(LPAE_TYPE, pte)) {
	case LPAE_TYPE_TABLE:
		return lvl == LPAE_LAST_LEVEL ? PL_PTE_LEAF : PL_PTE_TABLE;
	case LPAE_TYPE_BLOCK:
		/* blocks exist at levels 1 and 2 only with a 4K granule */
		if (pl_pgidx_leaf_ok(&pl_pgidx_geo_lpae_s1_4k, lvl) &&
		    lvl != LPAE_LAST_LEVEL)
			return PL_PTE_LEAF;
		return PL_PTE_BAD;
	}
	return PL_PTE_BAD;	/* bit 0 clear but not 0: never written */
}

static phys_addr_t pl_lpae_addr(u64 pte)
{
	return (phys_addr_t)(pte & LPAE_ADDR);
}

static int pl_lpae_prot(u64 pte)
{
	return pte & LPAE_AP_RDONLY ? PL_PROT_READ :
				      PL_PROT_READ | PL_PROT_WRITE;
}

const struct pl_pgtable_fmt_ops pl_pgtable_lpae_s1_4k_ops = {
	.name = "lpae-s1-4k",
	.geo = &pl_pgidx_geo_lpae_s1_4k,
	.level_names = pl_lpae_level_names,
	.mk_table = pl_lpae_mk_table,
	.mk_leaf = pl_lpae_mk_leaf,
	.kind = pl_lpae_kind,
	.addr = pl_lpae_addr,
	.prot = pl_lpae_prot,
};

// SPDX-License-Identifier: GPL-2.0
/*
 * probelab: VT-d second-level paging entries, 4-level (AGAW 48) (the VT-d
 * model's page tables; VT-d specification "Second-Level Paging Entries").
 *
 *	bit 0		R: read allowed
 *	bit 1		W: write allowed
 *	bit 7		PS: in a PDPE (1G) or PDE (2M), the entry maps a
 *			superpage instead of pointing at a table; reserved
 *			in a PML4E, ignored in a PTE (left 0)
 *	bits 51:12	address of the page, superpage or next table
 *
 * There is no present bit: an entry with R and W clear is not present.
 * Table entries carry R | W, since the hardware ANDs the permissions
 * along the walk (as Linux's intel-iommu driver does).  SNP, EMT, IPAT
 * and TM are left 0.  Levels are named as the specification names them
 * (its level 4 is our level 0).
 */
#include <linux/bitfield.h>
#include <linux/bits.h>

#include "pgtable.h"

#define VTD_R			BIT_ULL(0)
#define VTD_W			BIT_ULL(1)
#define VTD_PS			BIT_ULL(7)
#define VTD_ADDR		GENMASK_ULL(51, 12)

#define VTD_LAST_LEVEL		3	/* the PTE level */

static const char *const pl_vtd_level_names[] = {
	"PML4E", "PDPE", "PDE", "PTE",
};

static u64 pl_vtd_mk_table(phys_addr_t table)
{
	return ((u64)table & VTD_ADDR) | VTD_R | VTD_W;
}

static u64 pl_vtd_mk_leaf(phys_addr_t pa, unsigned int lvl, int prot)
{
	u64 pte = ((u64)pa & VTD_ADDR) | VTD_R;

	if (prot & PL_PROT_WRITE)
		pte |= VTD_W;
	if (lvl != VTD_LAST_LEVEL)
		pte |= VTD_PS;
	return pte;
}

static enum pl_pte_kind pl_vtd_kind(u64 pte, unsigned int lvl)
{
	if (!pte)
		return PL_PTE_EMPTY;
	if (!(pte & (VTD_R | VTD_W)))
		return PL_PTE_BAD;	/* not present, yet not 0 */
	if (lvl == VTD_LAST_LEVEL)
		return PL_PTE_LEAF;
	if (!(pte & VTD_PS))
		return PL_PTE_TABLE;
	/* PS: a superpage in the PDPE and PDE levels, reserved above */
	return pl_pgidx_leaf_ok(&pl_pgidx_geo_vtd_sl4, lvl) ? PL_PTE_LEAF :
							    PL_PTE_BAD;
}

static phys_addr_t pl_vtd_addr(u64 pte)
{
	return (phys_addr_t)(pte & VTD_ADDR);
}

static int pl_vtd_prot(u64 pte)
{
	return (pte & VTD_R ? PL_PROT_READ : 0) |
	       (pte & VTD_W ? PL_PROT_WRITE : 0);
}

const struct pl_pgtable_fmt_ops pl_pgtable_vtd_sl4_ops = {
	.name = "vtd-sl4",
	.geo = &pl_pgidx_geo_vtd_sl4,
	.level_names = pl_vtd_level_names,
	.mk_table = pl_vtd_mk_table,
	.mk_leaf = pl_vtd_mk_leaf,
	.kind = pl_vtd_kind,
	.addr = pl_vtd_addr,
	.prot = pl_vtd_prot,
};

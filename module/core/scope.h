/* SPDX-License-Identifier: GPL-2.0 */
/*
 * probelab core: VT-d DRHD scope matching and PCI topology from bridge
 * records, over a parsed firmware description.
 */
#ifndef _PROBELAB_CORE_SCOPE_H
#define _PROBELAB_CORE_SCOPE_H

#include "fwdesc.h"

/* struct pl_fw_vtd_match.kind */
#define PL_FW_VTD_EXACT		1	/* a scope names the device itself */
#define PL_FW_VTD_BRIDGE	2	/* below a bridge scope */
#define PL_FW_VTD_INCLUDE_ALL	3	/* the segment's INCLUDE_PCI_ALL DRHD */

/**
 * struct pl_fw_vtd_match - which DRHD a PCI function belongs to, and why
 * @iommu: index of the DRHD in pl_fwdesc.iommus
 * @kind: PL_FW_VTD_EXACT, PL_FW_VTD_BRIDGE or PL_FW_VTD_INCLUDE_ALL
 * @scope: index of the matching scope in pl_fwdesc.scopes (EXACT: the
 *	endpoint or bridge scope naming the device; BRIDGE: the innermost
 *	bridge scope covering it), PL_FW_NONE for INCLUDE_ALL
 * @bridge: BRIDGE: index in pl_fwdesc.bridges of that scope's bridge;
 *	EXACT on a bridge scope: the bridge itself; PL_FW_NONE otherwise
 */
struct pl_fw_vtd_match {
	u32 iommu;
	u32 kind;
	u32 scope;
	u32 bridge;
};

/**
 * pl_fwdesc_vtd_match() - find the DRHD of a PCI function
 * @d: description
 * @segment: PCI segment
 * @bus: bus number
 * @devfn: (dev << 3) | fn
 * @m: receives the match
 *
 * The outcome of dmar_find_matched_drhd_unit(): an exact scope match,
 * else a bridge scope whose bus range holds @bus, else the segment's
 * INCLUDE_PCI_ALL DRHD.  Validation guarantees at most one DRHD claims a
 * device, so the result does not depend on DRHD order.
 *
 * Return: 0, -ENODEV when no DRHD covers the device (also for a segment
 * described by root complexes), -EINVAL for bad arguments.
 */
int pl_fwdesc_vtd_match(const struct pl_fwdesc *d, u16 segment, u8 bus,
			u8 devfn, struct pl_fw_vtd_match *m);

/**
 * pl_fwdesc_pci_parent() - upstream bridge of a bus
 * @d: description
 * @segment: PCI segment
 * @bus: bus number
 * @bridge: receives the index of the innermost bridge whose secondary ..
 *	subordinate range holds @bus
 *
 * Return: 0, -ENOENT when @bus is a root bus (no bridge record above it)
 * or the segment is not described, -EINVAL for bad arguments.
 */
int pl_fwdesc_pci_parent(const struct pl_fwdesc *d, u16 segment, u8 bus,
			 u32 *bridge);

/**
 * pl_fwdesc_pci_dma_aliases() - requester IDs a PCI function's DMA carries
 * @d: description
 * @segment: PCI segment
 * @bus: bus number
 * @devfn: (dev << 3) | fn
 * @rids: output array; rids[0] is the function's own requester ID
 * @max: its capacity
 * @n: number of IDs (written or needed)
 *
 * The topology part of pci_for_each_dma_alias(): walking up the bridge
 * records, every PCIe-to-PCI bridge (PROBELAB_FW_BRIDGE_PCIE_TO_PCI)
 * adds (its secondary bus, devfn 0).  Quirk aliases are not modelled (a
 * lab device lists them itself).
 *
 * Return: 0, -ENOSPC (*n = needed, nothing written), -EINVAL.
 */
int pl_fwdesc_pci_dma_aliases(const struct pl_fwdesc *d, u16 segment, u8 bus,
			      u8 devfn, u16 *rids, unsigned int max,
			      unsigned int *n);

/**
 * pl_fwdesc_find_bridge() - bridge record of a PCI function
 * @d: description
 * @segment: PCI segment
 * @bus: bus number
 * @devfn: (dev << 3) | fn
 *
 * Return: the bridge index, or -ENOENT when the function is no bridge.
 */
int pl_fwdesc_find_bridge(const struct pl_fwdesc *d, u16 segment, u8 bus,
			  u8 devfn);

#endif /* _PROBELAB_CORE_SCOPE_H */

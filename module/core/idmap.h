/* SPDX-License-Identifier: GPL-2.0 */
/*
 * probelab core: resolving devices to (IOMMU, ID) pairs - the "of_xlate"
 * step - over a parsed firmware description.
 *
 * All functions are pure lookups on an immutable struct pl_fwdesc: no
 * allocation, no locking, O(log n) or O(number of root complexes).
 *
 * Return convention of the pl_fwdesc_xlate_*() functions:
 *   0		*n refs written (*n >= 1)
 *   -ENODEV	the device has no IOMMU in this description (*n = 0)
 *   -ENOSPC	@max too small; *n is the number needed, nothing written
 *   -EINVAL	bad arguments
 */
#ifndef _PROBELAB_CORE_IDMAP_H
#define _PROBELAB_CORE_IDMAP_H

#include "fwdesc.h"
#include "idset.h"

/* bound of pl_fwdesc_xlate_pci_aliases() @nr_aliases */
#define PL_FW_MAX_ALIASES	32

/**
 * struct pl_fw_ref - one resolved (IOMMU, ID) pair
 * @iommu: index into pl_fwdesc.iommus
 * @id: SMMUv3 stream ID, or VT-d source ID (the PCI requester ID)
 * @mask: ID bits the IOMMU ignores (named endpoints only; 0 otherwise)
 */
struct pl_fw_ref {
	u32 iommu;
	u32 id;
	u32 mask;
};

/**
 * pl_fw_rid() - PCI requester ID of a bus/devfn
 * @bus: bus number
 * @devfn: (dev << 3) | fn
 *
 * Return: (bus << 8) | devfn.
 */
static inline u16 pl_fw_rid(u8 bus, u8 devfn)
{
	return (u16)((bus << 8) | devfn);
}

/**
 * pl_fw_map_id() - of_map_id() on one root complex
 * @d: description
 * @rc: root complex index
 * @rid: requester ID
 * @ref: receives (iommu, stream ID) on success
 *
 * Applies the root complex's rid_mask, then finds the map whose input
 * range holds the masked ID (or its SINGLE map).
 *
 * Return: 0, -ENODEV when no map covers the ID, -EINVAL for a bad @rc.
 */
int pl_fw_map_id(const struct pl_fwdesc *d, u32 rc, u16 rid,
		 struct pl_fw_ref *ref);

/**
 * pl_fwdesc_rc_of() - root complex covering a PCI bus
 * @d: description
 * @segment: PCI segment
 * @bus: bus number
 *
 * Return: the root complex index, or -ENODEV.
 */
int pl_fwdesc_rc_of(const struct pl_fwdesc *d, u16 segment, u8 bus);

/**
 * pl_fwdesc_xlate_pci() - resolve one PCI requester ID
 * @d: description
 * @segment: PCI segment
 * @bus: bus number
 * @devfn: (dev << 3) | fn
 * @refs: output array
 * @max: its capacity
 * @n: number of refs (written or needed)
 *
 * On a root complex segment: the root complex covering @bus, its ID map
 * (of_map_id() semantics with the rid mask) gives (SMMUv3, stream ID).
 * On a VT-d segment: the DRHD whose scope matches (exact endpoint, then
 * bridge scopes, then the segment's INCLUDE_PCI_ALL DRHD, as
 * dmar_find_matched_drhd_unit()) gives (DRHD, source ID = requester ID).
 *
 * Return: see the convention above.
 */
int pl_fwdesc_xlate_pci(const struct pl_fwdesc *d, u16 segment, u8 bus,
			u8 devfn, struct pl_fw_ref *refs, unsigned int max,
			unsigned int *n);

/**
 * pl_fwdesc_xlate_pci_aliases() - resolve a PCI device and its DMA aliases
 * @d: description
 * @segment: PCI segment of the device and its aliases
 * @rid: the device's requester ID
 * @aliases: further requester IDs the device's DMA may carry, may be NULL
 * @nr_aliases: number of @aliases
 * @refs: output array
 * @max: its capacity
 * @n: number of refs (written or needed)
 *
 * The union over @rid and every alias, first-seen order, without
 * duplicate (iommu, id) pairs.  Uncovered aliases are skipped; -ENODEV
 * only when nothing is covered.  At most PL_FW_MAX_ALIASES aliases.
 *
 * Return: see the convention above.
 */
int pl_fwdesc_xlate_pci_aliases(const struct pl_fwdesc *d, u16 segment,
				u16 rid, const u16 *aliases,
				unsigned int nr_aliases, struct pl_fw_ref *refs,
				unsigned int max, unsigned int *n);

/**
 * pl_fwdesc_xlate_named() - resolve a named (platform-like) device
 * @d: description
 * @name: device name, matched against endpoint names
 * @refs: output array
 * @max: its capacity
 * @n: number of refs (written or needed)
 *
 * The endpoint's specifiers in blob order, (iommu, id, mask) each; several
 * IOMMU instances may appear.
 *
 * Return: see the convention above (-ENODEV: no endpoint of that name).
 */
int pl_fwdesc_xlate_named(const struct pl_fwdesc *d, const char *name,
			  struct pl_fw_ref *refs, unsigned int max,
			  unsigned int *n);

/**
 * pl_fw_refs_overlap() - do two refs reach a common ID of one IOMMU
 * @a: first ref
 * @b: second ref
 *
 * Devices whose refs overlap share a stream (SMMUv3) or source ID and
 * must share an IOMMU group.
 *
 * Return: true when both name the same IOMMU and an ID matches both.
 */
static inline bool pl_fw_refs_overlap(const struct pl_fw_ref *a,
				      const struct pl_fw_ref *b)
{
	return a->iommu == b->iommu &&
	       pl_id_overlap(a->id, a->mask, b->id, b->mask);
}

#endif /* _PROBELAB_CORE_IDMAP_H */

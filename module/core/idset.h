/* SPDX-License-Identifier: GPL-2.0 */
/*
 * probelab core: the IDs a device has on one IOMMU instance, as sets -
 * whether two devices share a stream or source ID (grouping, with the
 * specifiers' masks) and whether one of them writes a given hardware
 * entry (exact IDs).
 */
#ifndef _PROBELAB_CORE_IDSET_H
#define _PROBELAB_CORE_IDSET_H

#include "compat.h"

/**
 * pl_id_overlap() - does one ID match both (id, mask) pairs
 * @a: first ID
 * @amask: ID bits the IOMMU ignores for @a
 * @b: second ID
 * @bmask: ID bits the IOMMU ignores for @b
 *
 * The rule of pl_fw_refs_overlap() (idmap.h), on bare IDs.
 * Return: true when they agree on every bit neither mask ignores.
 */
static inline bool pl_id_overlap(u32 a, u32 amask, u32 b, u32 bmask)
{
	return !((a ^ b) & ~(amask | bmask));
}

/**
 * pl_ids_overlap() - do two ID sets of one instance share an ID
 * @a: IDs of the first set
 * @amask: their masks (NULL: all 0)
 * @na: entries of @a
 * @b: IDs of the second set
 * @bmask: their masks (NULL: all 0)
 * @nb: entries of @b
 *
 * Devices whose sets overlap share a stream (SMMUv3) or source ID
 * (VT-d) and must share an IOMMU group.  O(@na * @nb).
 * Return: true when some pair overlaps.
 */
bool pl_ids_overlap(const u32 *a, const u32 *amask, u32 na,
		    const u32 *b, const u32 *bmask, u32 nb);

/**
 * pl_ids_contain() - is @id one of @ids (exactly)
 * @ids: the IDs
 * @n: entries of @ids
 * @id: the ID looked for
 *
 * The hardware entries a device writes are those of its exact IDs: an
 * entry shared by several devices stays while one of them still has it.
 * Return: true when present.
 */
bool pl_ids_contain(const u32 *ids, u32 n, u32 id);

#endif /* _PROBELAB_CORE_IDSET_H */

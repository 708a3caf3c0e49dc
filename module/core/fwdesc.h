/* SPDX-License-Identifier: GPL-2.0 */
/*
 * probelab core: parsed firmware description.
 *
 * pl_fwdesc_parse() validates a complete FW_LOAD blob (uapi/linux/
 * probelab_fw.h) and turns it into an immutable struct pl_fwdesc held in
 * one allocation: the caller may publish it (RCU or a lock) and must free
 * it with pl_fwdesc_free().  Nothing is allocated when parsing fails.
 *
 * The resolution API that works on a parsed description (the "of_xlate"
 * step of the probe layer) is in idmap.h and scope.h.
 */
#ifndef _PROBELAB_CORE_FWDESC_H
#define _PROBELAB_CORE_FWDESC_H

#include "compat.h"
#include <linux/probelab_fw.h>

/* "no such element" in u32 index fields */
#define PL_FW_NONE		U32_MAX
/* "no such element" in the u16/u8 per-bus tables of struct pl_fw_seg */
#define PL_FW_NONE16		U16_MAX
#define PL_FW_NONE8		U8_MAX

#define PL_FW_ERR_MSG_LEN	256

/**
 * struct pl_fw_err - why a description was refused
 * @err: negative errno, the value pl_fwdesc_parse() returned; 0 on success
 * @rec_index: index of the bad record in blob order (counting every
 *	record from 0), or PL_FW_NONE when the header is at fault
 * @offset: byte offset in the blob of the bad field (of the record header
 *	for framing errors, 0.. inside the header for header errors)
 * @field: name of the bad field as in the uapi structure ("length",
 *	"hops", ...), a static string; "" when no single field is at fault
 * @msg: NUL-terminated, one line, names the entry, field and problem;
 *	it quotes only names that passed validation
 */
struct pl_fw_err {
	int err;
	u32 rec_index;
	u32 offset;
	const char *field;
	char msg[PL_FW_ERR_MSG_LEN];
};

/**
 * struct pl_fw_iommu - an IOMMU node (SMMUv3 instance or VT-d DRHD)
 * @base: MMIO base (informational)
 * @flags: PROBELAB_FW_VTD_* (VT-d), 0 (SMMUv3)
 * @features: PROBELAB_FW_SMMUV3_F_* or PROBELAB_FW_VTD_F_*
 * @rec: record index in the blob
 * @off: byte offset of the record in the blob
 * @model: enum probelab_fw_iommu_model
 * @segment: PCI segment (VT-d), 0 (SMMUv3)
 * @sid_bits: stream ID bits (SMMUv3), 16 (VT-d source IDs)
 * @name: NUL-terminated name
 */
struct pl_fw_iommu {
	u64 base;
	u32 flags;
	u32 features;
	u32 rec;
	u32 off;
	u16 model;
	u16 segment;
	u8 sid_bits;
	char name[PROBELAB_FW_NAME_LEN];
};

/**
 * struct pl_fw_spec - one specifier of a named endpoint
 * @id: stream ID (SMMUv3) or source ID (VT-d)
 * @mask: ignored ID bits (0: exact)
 * @endpoint: index into pl_fwdesc.endpoints
 * @iommu: index into pl_fwdesc.iommus
 * @ordinal: SPEC ordinal in the blob
 * @rec: record index in the blob
 * @off: byte offset of the record in the blob
 */
struct pl_fw_spec {
	u32 id;
	u32 mask;
	u32 endpoint;
	u32 iommu;
	u32 ordinal;
	u32 rec;
	u32 off;
};

/**
 * struct pl_fw_endpoint - a named endpoint (DT node with "iommus")
 * @spec_first: index of its first specifier in pl_fwdesc.specs; the
 *	specifiers of one endpoint are contiguous and in blob order
 * @nr_specs: number of specifiers, >= 1
 * @rec: record index in the blob
 * @off: byte offset of the record in the blob
 * @name: NUL-terminated name
 */
struct pl_fw_endpoint {
	u32 spec_first;
	u32 nr_specs;
	u32 rec;
	u32 off;
	char name[PROBELAB_FW_NAME_LEN];
};

/**
 * struct pl_fw_rc - a PCI root complex with ID maps
 * @rid_mask: requester ID mask (0xffff: none)
 * @map_first: index of its first map in pl_fwdesc.idmaps; the maps of one
 *	root complex are contiguous and sorted by @rid_base
 * @nr_maps: number of maps (may be 0: nothing below it has an IOMMU)
 * @rec: record index in the blob
 * @off: byte offset of the record in the blob
 * @segment: PCI segment
 * @bus_start: first bus
 * @bus_end: last bus
 * @name: NUL-terminated name, may be empty
 */
struct pl_fw_rc {
	u32 rid_mask;
	u32 map_first;
	u32 nr_maps;
	u32 rec;
	u32 off;
	u16 segment;
	u8 bus_start;
	u8 bus_end;
	char name[PROBELAB_FW_NAME_LEN];
};

/**
 * struct pl_fw_idmap - one ID map of a root complex
 * @rid_base: first masked requester ID (0 for SINGLE)
 * @length: number of IDs (0 for SINGLE)
 * @output_base: stream ID of @rid_base
 * @flags: PROBELAB_FW_IDMAP_*
 * @rc: index into pl_fwdesc.rcs
 * @iommu: index into pl_fwdesc.iommus (an SMMUv3)
 * @ordinal: IDMAP ordinal in the blob
 * @rec: record index in the blob
 * @off: byte offset of the record in the blob
 */
struct pl_fw_idmap {
	u32 rid_base;
	u32 length;
	u32 output_base;
	u32 flags;
	u32 rc;
	u32 iommu;
	u32 ordinal;
	u32 rec;
	u32 off;
};

/**
 * struct pl_fw_bridge - a PCI bridge and its bus range
 * @parent: index of the innermost bridge whose bus range contains @bus,
 *	PL_FW_NONE when @bus is a root bus
 * @flags: PROBELAB_FW_BRIDGE_*
 * @rec: record index in the blob
 * @off: byte offset of the record in the blob
 * @segment: PCI segment
 * @bus: primary bus
 * @devfn: device and function on @bus
 * @secondary: first bus behind the bridge
 * @subordinate: last bus behind the bridge
 */
struct pl_fw_bridge {
	u32 parent;
	u32 flags;
	u32 rec;
	u32 off;
	u16 segment;
	u8 bus;
	u8 devfn;
	u8 secondary;
	u8 subordinate;
};

/**
 * struct pl_fw_scope - a resolved DRHD device scope
 * @iommu: index into pl_fwdesc.iommus (a VT-d DRHD)
 * @bridge: BRIDGE scope: index of the target bridge; PL_FW_NONE otherwise
 * @rec: record index in the blob
 * @off: byte offset of the record in the blob
 * @type: PROBELAB_FW_SCOPE_ENDPOINT or PROBELAB_FW_SCOPE_BRIDGE
 * @start_bus: root bus of the path
 * @nr_hops: number of hops
 * @hops: the path, (dev << 3) | fn per hop
 * @bus: bus of the target device (path resolved through bridges)
 * @devfn: devfn of the target device (the last hop)
 */
struct pl_fw_scope {
	u32 iommu;
	u32 bridge;
	u32 rec;
	u32 off;
	u8 type;
	u8 start_bus;
	u8 nr_hops;
	u8 hops[PROBELAB_FW_MAX_HOPS];
	u8 bus;
	u8 devfn;
};

/* struct pl_fw_seg.kind */
#define PL_FW_SEG_RC		1	/* described by root complexes */
#define PL_FW_SEG_VTD		2	/* described by VT-d DRHDs */

/**
 * struct pl_fw_seg - per PCI segment lookup tables
 * @segment: PCI segment
 * @kind: PL_FW_SEG_RC or PL_FW_SEG_VTD
 * @include_all: VT-d: index of the INCLUDE_PCI_ALL DRHD, or PL_FW_NONE16
 * @bus_bridge: innermost bridge whose bus range contains the bus (the
 *	upstream bridge of devices on it), or PL_FW_NONE16 for a root bus
 * @bus_scope: VT-d: innermost BRIDGE scope covering the bus, or
 *	PL_FW_NONE16
 * @bus_rc: root complex whose bus range contains the bus, or PL_FW_NONE8
 */
struct pl_fw_seg {
	u16 segment;
	u16 kind;
	u16 include_all;
	u16 bus_bridge[256];
	u16 bus_scope[256];
	u8 bus_rc[256];
};

/**
 * struct pl_fw_point - a PCI function key and an index, for bsearch
 * @key: (segment << 16) | (bus << 8) | devfn
 * @index: index into pl_fwdesc.scopes (pl_fwdesc.points) or
 *	pl_fwdesc.bridges (pl_fwdesc.bridge_points)
 */
struct pl_fw_point {
	u32 key;
	u32 index;
};

/**
 * struct pl_fw_name - endpoint name index, for bsearch
 * @name: the endpoint's name
 * @index: index into pl_fwdesc.endpoints
 */
struct pl_fw_name {
	char name[PROBELAB_FW_NAME_LEN];
	u32 index;
};

/**
 * struct pl_fwdesc - a validated firmware description (read-only)
 *
 * Arrays are indexed by ordinal (blob order of records of that type)
 * except @specs (grouped by endpoint) and @idmaps (grouped by root complex,
 * sorted by rid_base); those elements carry their blob ordinal.
 *
 * @nr_iommus: number of @iommus
 * @nr_endpoints: number of @endpoints (and of @ep_names)
 * @nr_specs: number of @specs
 * @nr_rcs: number of @rcs
 * @nr_idmaps: number of @idmaps
 * @nr_bridges: number of @bridges (and of @bridge_points)
 * @nr_scopes: number of @scopes
 * @nr_segs: number of @segs
 * @nr_points: number of @points
 * @blob_len: length of the blob this was parsed from
 * @iommus: IOMMU nodes, by ordinal
 * @endpoints: named endpoints, by ordinal
 * @specs: endpoint specifiers, grouped by endpoint, blob order within
 * @rcs: root complexes, by ordinal
 * @idmaps: ID maps, grouped by root complex, sorted by rid_base
 * @bridges: PCI bridges, by ordinal
 * @scopes: DRHD device scopes, by ordinal, paths resolved
 * @segs: per PCI segment tables, sorted by segment
 * @points: exact scope targets by key -> scope index
 * @bridge_points: bridge functions by key -> bridge index
 * @ep_names: endpoint names, sorted, -> endpoint index
 * @alloc_size: bytes of the single allocation holding all of this
 */
struct pl_fwdesc {
	u32 nr_iommus;
	u32 nr_endpoints;
	u32 nr_specs;
	u32 nr_rcs;
	u32 nr_idmaps;
	u32 nr_bridges;
	u32 nr_scopes;
	u32 nr_segs;
	u32 nr_points;
	u32 blob_len;
	struct pl_fw_iommu *iommus;
	struct pl_fw_endpoint *endpoints;
	struct pl_fw_spec *specs;
	struct pl_fw_rc *rcs;
	struct pl_fw_idmap *idmaps;
	struct pl_fw_bridge *bridges;
	struct pl_fw_scope *scopes;
	struct pl_fw_seg *segs;
	struct pl_fw_point *points;
	struct pl_fw_point *bridge_points;
	struct pl_fw_name *ep_names;
	size_t alloc_size;
};

/**
 * pl_fwdesc_parse() - validate a description blob and build its tables
 * @blob: the blob (any alignment); not referenced after return
 * @len: its length in bytes
 * @out: receives the description on success, NULL on failure
 * @err: optional; filled on failure (and err->err = 0 on success)
 *
 * Return: 0, or a negative errno (see docs/topology.md for the table):
 * -EINVAL malformed or inconsistent, -E2BIG too large / non-zero tail /
 * over a bound, -EOPNOTSUPP unknown version, record type, model or scope
 * type, -ERANGE ID beyond the IOMMU's width or RID space, -EOVERFLOW
 * 32-bit range overflow, -EEXIST duplicate, -ENOMEM.
 */
int pl_fwdesc_parse(const void *blob, size_t len, struct pl_fwdesc **out,
		    struct pl_fw_err *err);

/**
 * pl_fwdesc_free() - free a description from pl_fwdesc_parse()
 * @d: the description, may be NULL
 */
void pl_fwdesc_free(struct pl_fwdesc *d);

/**
 * pl_fwdesc_find_iommu() - look an IOMMU up by name
 * @d: description
 * @name: name
 *
 * Return: the IOMMU index, or -ENOENT.
 */
int pl_fwdesc_find_iommu(const struct pl_fwdesc *d, const char *name);

/**
 * pl_fwdesc_find_endpoint() - look a named endpoint up by name
 * @d: description
 * @name: name
 *
 * Return: the endpoint index, or -ENOENT.
 */
int pl_fwdesc_find_endpoint(const struct pl_fwdesc *d, const char *name);

/**
 * pl_fwdesc_find_seg() - per-segment tables of a PCI segment
 * @d: description
 * @segment: PCI segment
 *
 * Return: the tables, or NULL when nothing in @d describes @segment.
 */
const struct pl_fw_seg *pl_fwdesc_find_seg(const struct pl_fwdesc *d,
					   u16 segment);

/**
 * pl_fw_name_valid() - is @s a valid description name
 * @s: NUL-terminated string
 *
 * Return: true for 1..PROBELAB_FW_NAME_LEN - 1 characters of
 * [A-Za-z0-9._-].
 */
bool pl_fw_name_valid(const char *s);

#endif /* _PROBELAB_CORE_FWDESC_H */

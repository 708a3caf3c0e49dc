/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * probelab: the normalized firmware description taken by FW_LOAD.
 *
 * The description is one blob in host byte order:
 *
 *	struct probelab_fw_hdr		(hdr_len bytes, 8-byte multiple)
 *	record 0			struct probelab_fw_rec + body
 *	record 1			...
 *	...				(records tile the blob up to total_len)
 *
 * Every record starts with struct probelab_fw_rec; @len covers the record
 * header and its body and is a multiple of 8, so every record starts 8-byte
 * aligned.  Records of one type are numbered in blob order from 0 (their
 * "ordinal"); references between records use ordinals (e.g. an IDMAP names
 * its root complex by ROOT_COMPLEX ordinal), so records may appear in any
 * order.  The header counts every record type and must match the records.
 *
 * Extensibility (copy_struct_from_user() semantics, per record body and for
 * the header): a body shorter than the first version of its structure is
 * -EINVAL; a body longer than the structure the kernel knows is accepted
 * only when every byte past the known structure is zero (-E2BIG otherwise);
 * a shorter body (but at least the first version) reads as zero-extended.
 * An unknown record type, header version, IOMMU model or scope type is
 * -EOPNOTSUPP; unknown flag or feature bits and non-zero reserved fields
 * are -EINVAL; a count above its PROBELAB_FW_MAX_* bound is -E2BIG.
 * docs/topology.md describes every field, the validation rules with their
 * errno and how devices are resolved.
 *
 * Policy and default domain type are not part of the description: the
 * FW_LOAD operation carries them.
 */
#ifndef _UAPI_LINUX_PROBELAB_FW_H
#define _UAPI_LINUX_PROBELAB_FW_H

#include <linux/types.h>

#define PROBELAB_FW_MAGIC		0x57464c50	/* "PLFW" on LE */
#define PROBELAB_FW_VERSION		1

/* Hard bounds, enforced by the kernel (-E2BIG above them) */
#define PROBELAB_FW_MAX_LEN		0x100000U	/* whole blob */
#define PROBELAB_FW_MAX_RECORDS		32768
#define PROBELAB_FW_MAX_IOMMUS		64
#define PROBELAB_FW_MAX_ENDPOINTS	4096
#define PROBELAB_FW_MAX_SPECS		16384	/* all endpoints */
#define PROBELAB_FW_MAX_EP_SPECS	128	/* one endpoint */
#define PROBELAB_FW_MAX_RCS		64
#define PROBELAB_FW_MAX_IDMAPS		4096	/* all root complexes */
#define PROBELAB_FW_MAX_BRIDGES		1024
#define PROBELAB_FW_MAX_SCOPES		4096
#define PROBELAB_FW_MAX_HOPS		8

/* Names: 1..31 characters of [A-Za-z0-9._-], NUL-padded to the end */
#define PROBELAB_FW_NAME_LEN		32

/**
 * struct probelab_fw_hdr - description header (48 bytes)
 * @magic: PROBELAB_FW_MAGIC
 * @version: PROBELAB_FW_VERSION
 * @hdr_len: size of this header as the writer knows it; >= 48, multiple
 *	of 8; the first record starts at this offset
 * @total_len: length of the whole blob; must equal the length passed in
 * @flags: must be 0
 * @nr_records: number of records of every type
 * @nr_iommus: number of PROBELAB_FW_REC_IOMMU records
 * @nr_endpoints: number of PROBELAB_FW_REC_ENDPOINT records
 * @nr_specs: number of PROBELAB_FW_REC_SPEC records
 * @nr_rcs: number of PROBELAB_FW_REC_ROOT_COMPLEX records
 * @nr_idmaps: number of PROBELAB_FW_REC_IDMAP records
 * @nr_bridges: number of PROBELAB_FW_REC_BRIDGE records
 * @nr_scopes: number of PROBELAB_FW_REC_SCOPE records
 */
struct probelab_fw_hdr {
	__u32 magic;
	__u16 version;
	__u16 hdr_len;
	__u32 total_len;
	__u32 flags;
	__u32 nr_records;
	__u32 nr_iommus;
	__u32 nr_endpoints;
	__u32 nr_specs;
	__u32 nr_rcs;
	__u32 nr_idmaps;
	__u32 nr_bridges;
	__u32 nr_scopes;
};

#define PROBELAB_FW_HDR_SIZE_V1		48

/**
 * enum probelab_fw_rec_type - record types
 * @PROBELAB_FW_REC_IOMMU: struct probelab_fw_iommu
 * @PROBELAB_FW_REC_ENDPOINT: struct probelab_fw_endpoint
 * @PROBELAB_FW_REC_SPEC: struct probelab_fw_spec
 * @PROBELAB_FW_REC_ROOT_COMPLEX: struct probelab_fw_rc
 * @PROBELAB_FW_REC_IDMAP: struct probelab_fw_idmap
 * @PROBELAB_FW_REC_BRIDGE: struct probelab_fw_bridge
 * @PROBELAB_FW_REC_SCOPE: struct probelab_fw_scope
 */
enum probelab_fw_rec_type {
	PROBELAB_FW_REC_IOMMU = 1,
	PROBELAB_FW_REC_ENDPOINT = 2,
	PROBELAB_FW_REC_SPEC = 3,
	PROBELAB_FW_REC_ROOT_COMPLEX = 4,
	PROBELAB_FW_REC_IDMAP = 5,
	PROBELAB_FW_REC_BRIDGE = 6,
	PROBELAB_FW_REC_SCOPE = 7,
};

/**
 * struct probelab_fw_rec - record header (8 bytes)
 * @type: enum probelab_fw_rec_type
 * @len: length of the record including this header; multiple of 8
 * @__reserved: must be 0
 */
struct probelab_fw_rec {
	__u16 type;
	__u16 len;
	__u32 __reserved;
};

/**
 * enum probelab_fw_iommu_model - IOMMU models
 * @PROBELAB_FW_IOMMU_SMMUV3: Arm SMMUv3 (stream IDs of @sid_bits bits)
 * @PROBELAB_FW_IOMMU_VTD: Intel VT-d DRHD (16-bit PCI source IDs)
 */
enum probelab_fw_iommu_model {
	PROBELAB_FW_IOMMU_SMMUV3 = 1,
	PROBELAB_FW_IOMMU_VTD = 2,
};

/* SMMUv3 features (probelab_fw_iommu.features) */
#define PROBELAB_FW_SMMUV3_F_2LVL_STRTAB	0x1U
#define PROBELAB_FW_SMMUV3_F_ATS		0x2U
#define PROBELAB_FW_SMMUV3_F_PRI		0x4U	/* needs ATS */
#define PROBELAB_FW_SMMUV3_F_COHERENT		0x8U
#define PROBELAB_FW_SMMUV3_F_STALL		0x10U
#define PROBELAB_FW_SMMUV3_F_ALL		0x1fU

/* VT-d features (probelab_fw_iommu.features) */
#define PROBELAB_FW_VTD_F_PASSTHROUGH		0x1U	/* ECAP.PT */
#define PROBELAB_FW_VTD_F_CACHING_MODE		0x2U	/* CAP.CM */
#define PROBELAB_FW_VTD_F_ALL			0x3U

/* VT-d flags (probelab_fw_iommu.flags) */
#define PROBELAB_FW_VTD_INCLUDE_PCI_ALL		0x1U
#define PROBELAB_FW_VTD_FLAGS_ALL		0x1U

/**
 * struct probelab_fw_iommu - PROBELAB_FW_REC_IOMMU body (56 bytes)
 * @model: enum probelab_fw_iommu_model
 * @segment: VT-d: PCI segment of the DRHD; SMMUv3: must be 0
 * @sid_bits: SMMUv3: stream ID width, 1..32; VT-d: must be 0
 * @__reserved: must be 0
 * @flags: VT-d: PROBELAB_FW_VTD_* flags; SMMUv3: must be 0
 * @features: PROBELAB_FW_SMMUV3_F_* or PROBELAB_FW_VTD_F_* by @model
 * @base: MMIO base address; informational (naming, debugfs); a non-zero
 *	base must be unique
 * @name: unique IOMMU name, NUL-padded
 */
struct probelab_fw_iommu {
	__u16 model;
	__u16 segment;
	__u8 sid_bits;
	__u8 __reserved[3];
	__u32 flags;
	__u32 features;
	__u64 base;
	char name[PROBELAB_FW_NAME_LEN];
};

#define PROBELAB_FW_IOMMU_SIZE_V1	56

/**
 * struct probelab_fw_endpoint - PROBELAB_FW_REC_ENDPOINT body (40 bytes)
 * @name: unique endpoint name (a named, platform-like lab device binds to
 *	the endpoint of the same name), NUL-padded
 * @flags: must be 0
 * @nr_specs: number of SPEC records naming this endpoint,
 *	1..PROBELAB_FW_MAX_EP_SPECS
 */
struct probelab_fw_endpoint {
	char name[PROBELAB_FW_NAME_LEN];
	__u32 flags;
	__u32 nr_specs;
};

#define PROBELAB_FW_ENDPOINT_SIZE_V1	40

/**
 * struct probelab_fw_spec - PROBELAB_FW_REC_SPEC body (16 bytes)
 *
 * One IOMMU specifier of an endpoint, like one entry of a DT "iommus"
 * property.  An endpoint's specifiers keep their blob order.
 *
 * @endpoint: ENDPOINT ordinal
 * @iommu: IOMMU ordinal
 * @flags: must be 0
 * @id: SMMUv3: stream ID (< 2^sid_bits); VT-d: source ID (<= 0xffff)
 * @mask: ID bits ignored when matching (second cell of a 2-cell arm,smmu
 *	specifier, SMR mask); SMMUv3: < 2^sid_bits; VT-d: must be 0
 */
struct probelab_fw_spec {
	__u32 endpoint;
	__u16 iommu;
	__u16 flags;
	__u32 id;
	__u32 mask;
};

#define PROBELAB_FW_SPEC_SIZE_V1	16

/**
 * struct probelab_fw_rc - PROBELAB_FW_REC_ROOT_COMPLEX body (48 bytes)
 *
 * A PCI root complex whose requester IDs are translated to stream IDs by
 * IDMAP records, like DT "iommu-map" / "iommu-map-mask" or IORT root
 * complex ID mappings.
 *
 * @segment: PCI segment (domain)
 * @bus_start: first bus number below this root complex
 * @bus_end: last bus number, @bus_start <= @bus_end
 * @rid_mask: applied to the requester ID before the maps are searched
 *	(iommu-map-mask); <= 0xffff, 0xffff for none
 * @flags: must be 0
 * @nr_idmaps: number of IDMAP records naming this root complex
 * @name: optional name (all zero for none); unique when set
 */
struct probelab_fw_rc {
	__u16 segment;
	__u8 bus_start;
	__u8 bus_end;
	__u32 rid_mask;
	__u32 flags;
	__u32 nr_idmaps;
	char name[PROBELAB_FW_NAME_LEN];
};

#define PROBELAB_FW_RC_SIZE_V1		48

/* probelab_fw_idmap.flags */
#define PROBELAB_FW_IDMAP_SINGLE	0x1U	/* IORT single mapping */
#define PROBELAB_FW_IDMAP_FLAGS_ALL	0x1U

/**
 * struct probelab_fw_idmap - PROBELAB_FW_REC_IDMAP body (24 bytes)
 *
 * Maps masked requester IDs [@rid_base, @rid_base + @length) of a root
 * complex to stream IDs [@output_base, @output_base + @length) of an
 * SMMUv3.  With PROBELAB_FW_IDMAP_SINGLE every requester ID of the root
 * complex maps to @output_base; @rid_base and @length must then be 0 and
 * the map must be the only one of its root complex.
 *
 * @rc: ROOT_COMPLEX ordinal
 * @iommu: IOMMU ordinal; must be an SMMUv3
 * @flags: PROBELAB_FW_IDMAP_*
 * @rid_base: first (masked) requester ID
 * @length: number of IDs (not minus one), >= 1
 * @output_base: stream ID of @rid_base
 * @__reserved: must be 0
 */
struct probelab_fw_idmap {
	__u16 rc;
	__u16 iommu;
	__u32 flags;
	__u32 rid_base;
	__u32 length;
	__u32 output_base;
	__u32 __reserved;
};

#define PROBELAB_FW_IDMAP_SIZE_V1	24

/* probelab_fw_bridge.flags */
#define PROBELAB_FW_BRIDGE_PCIE_TO_PCI	0x1U	/* aliases as (sec,0) */
#define PROBELAB_FW_BRIDGE_FLAGS_ALL	0x1U

/**
 * struct probelab_fw_bridge - PROBELAB_FW_REC_BRIDGE body (8 bytes)
 *
 * A PCI-to-PCI bridge (root port, switch port, PCIe-to-PCI bridge) and the
 * bus range behind it.  There is no PCI tree to walk: bridge records are
 * what lets multi-hop DMAR scope paths and bridge scopes be resolved, and
 * what the probe layer uses to find a device's upstream bridges.
 *
 * @segment: PCI segment
 * @bus: the bridge's own (primary) bus
 * @devfn: the bridge's device and function, (dev << 3) | fn
 * @secondary: secondary bus number, > @bus
 * @subordinate: last bus behind the bridge, >= @secondary
 * @flags: PROBELAB_FW_BRIDGE_*
 */
struct probelab_fw_bridge {
	__u16 segment;
	__u8 bus;
	__u8 devfn;
	__u8 secondary;
	__u8 subordinate;
	__u16 flags;
};

#define PROBELAB_FW_BRIDGE_SIZE_V1	8

/* probelab_fw_scope.type: the ACPI DMAR device scope type values */
#define PROBELAB_FW_SCOPE_ENDPOINT	1
#define PROBELAB_FW_SCOPE_BRIDGE	2

/**
 * struct probelab_fw_scope - PROBELAB_FW_REC_SCOPE body (16 bytes)
 *
 * A PCI device scope of a VT-d DRHD, as in the ACPI DMAR table: the path
 * starts on root bus @start_bus, every hop but the last is a bridge (which
 * needs a BRIDGE record giving its secondary bus), the last hop is the
 * device.  An ENDPOINT scope covers exactly that device; a BRIDGE scope
 * covers the bridge and everything on its bus range.
 *
 * @iommu: IOMMU ordinal; a VT-d DRHD without INCLUDE_PCI_ALL
 * @type: PROBELAB_FW_SCOPE_ENDPOINT or PROBELAB_FW_SCOPE_BRIDGE
 * @start_bus: root bus the path starts on (not behind any bridge record)
 * @nr_hops: 1..PROBELAB_FW_MAX_HOPS
 * @__reserved: must be 0
 * @hops: (dev << 3) | fn of each hop; entries past @nr_hops must be 0
 */
struct probelab_fw_scope {
	__u16 iommu;
	__u8 type;
	__u8 start_bus;
	__u8 nr_hops;
	__u8 __reserved[3];
	__u8 hops[PROBELAB_FW_MAX_HOPS];
};

#define PROBELAB_FW_SCOPE_SIZE_V1	16

#endif /* _UAPI_LINUX_PROBELAB_FW_H */

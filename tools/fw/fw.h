/* SPDX-License-Identifier: GPL-2.0 */
/*
 * probelab firmware parsers: ACPI DMAR (Intel VT-d), ACPI IORT (Arm) and
 * flattened device trees (iommus / iommu-map), decoded from untrusted
 * bytes into self-contained models.
 *
 * Conventions shared by every function here:
 *
 *  - The input is never trusted.  Every read goes through a bounds-checked
 *    cursor; no length, count or offset field is believed before it has
 *    been checked against the buffer and the structure that contains it.
 *    The parsers never keep pointers into the caller's buffer: a model
 *    owns copies of everything it exposes and stays valid after the buffer
 *    is freed.
 *
 *  - Return value: 0 on success, or a negative errno:
 *      -EINVAL     malformed content (bad length/offset/count field, value
 *                  out of range, unresolvable reference, missing NUL, ...)
 *      -EBADMSG    ACPI checksum does not sum to zero
 *      -EOVERFLOW  the length in the table/blob header differs from the
 *                  buffer length (truncated or trailing data), or the
 *                  buffer is larger than PL_FW_MAX_SIZE
 *      -ENOTSUP    not a DMAR, IORT or FDT (pl_fw_dump), or a kind other
 *                  than the one a pl_*_parse() function expects
 *      -E2BIG      more items than an implementation limit (PL_*_MAX_*,
 *                  chosen far above real firmware) allows
 *      -ENOMEM     allocation failure
 *      -EIO        (printing and pl_fw_dump) the output stream failed
 *
 *  - On every failure a non-NULL @diag is filled: @offset is the byte offset
 *    in the input of the offending field (for a device tree: of the
 *    property value or cell, of the node's tag in the structure block, or
 *    of the header field, in the .dtb), @field names
 *    it ("<structure>.<field>", e.g. "scope.length", "map.output_ref",
 *    "iommus"), @msg says what is wrong in words, @err repeats the errno.
 *    On success @diag is cleared (err == 0).  @diag may be NULL.
 *
 *  - The printing functions write the canonical one-record-a-line dump
 *    format described in docs/fw-dump-format.md.
 */
#ifndef PROBELAB_FW_H
#define PROBELAB_FW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Largest input any parser or pl_fw_read_file() accepts (16 MiB). */
#define PL_FW_MAX_SIZE (16u << 20)

#define PL_FW_DIAG_FIELD_LEN 48
#define PL_FW_DIAG_MSG_LEN 192

struct pl_fw_diag {
	int err;			/* negative errno, 0 when no error */
	size_t offset;			/* byte offset in the input */
	char field[PL_FW_DIAG_FIELD_LEN];
	char msg[PL_FW_DIAG_MSG_LEN];
};

/* Print "<err name>: offset 0x..: <field>: <msg>\n" (nothing if no error). */
void pl_fw_diag_print(const struct pl_fw_diag *diag, FILE *out);

enum pl_fw_kind {
	PL_FW_UNKNOWN = 0,
	PL_FW_DMAR,
	PL_FW_IORT,
	PL_FW_FDT,
};

/* By the first four bytes only ("DMAR", "IORT", FDT magic 0xd00dfeed). */
enum pl_fw_kind pl_fw_detect(const void *buf, size_t len);
const char *pl_fw_kind_name(enum pl_fw_kind kind);	/* "DMAR", ..., "unknown" */

/*
 * Read a whole regular file (or "-" for stdin) of at most @max bytes
 * (0 means PL_FW_MAX_SIZE) into a malloc'ed buffer.  Returns 0, -errno of
 * the failing system call, -EFBIG when the file is larger than @max, or
 * -ENOMEM.  @diag (may be NULL) names the failing step.
 */
int pl_fw_read_file(const char *path, size_t max, void **buf, size_t *len,
		    struct pl_fw_diag *diag);

/* Common ACPI table header (36 bytes), strings NUL-terminated copies. */
struct pl_acpi_header {
	char signature[5];
	uint32_t length;
	uint8_t revision;
	uint8_t checksum;
	char oem_id[7];
	char oem_table_id[9];
	uint32_t oem_revision;
	char creator_id[5];
	uint32_t creator_revision;
};

/* ------------------------------------------------------------------ DMAR */

enum pl_dmar_type {		/* remapping structure types (table values) */
	PL_DMAR_DRHD = 0,
	PL_DMAR_RMRR = 1,
	PL_DMAR_ATSR = 2,
	PL_DMAR_RHSA = 3,
	PL_DMAR_ANDD = 4,
	PL_DMAR_SATC = 5,
	PL_DMAR_SIDP = 6,
	PL_DMAR_NTYPES = 7,	/* >= this: reserved type, kept undecoded */
};

enum pl_dmar_scope_type {	/* device scope entry types (table values) */
	PL_DMAR_SCOPE_PCI_ENDPOINT = 1,
	PL_DMAR_SCOPE_PCI_BRIDGE = 2,
	PL_DMAR_SCOPE_IOAPIC = 3,
	PL_DMAR_SCOPE_HPET = 4,
	PL_DMAR_SCOPE_ACPI_NAMESPACE = 5,
};

#define PL_DMAR_DRHD_INCLUDE_PCI_ALL 0x01
#define PL_DMAR_ATSR_ALL_PORTS 0x01
#define PL_DMAR_SATC_ATC_REQUIRED 0x01

struct pl_dmar_hop {
	uint8_t device;		/* 0..31 */
	uint8_t function;	/* 0..7 */
};

struct pl_dmar_scope {
	size_t offset;		/* of the scope entry in the table */
	uint8_t type;		/* enum pl_dmar_scope_type, or reserved 0/6.. */
	uint8_t length;		/* 6 + 2 * nhops */
	uint8_t flags;		/* scope byte 2 (SIDP); raw */
	uint8_t enumeration_id;	/* IOAPIC id, HPET number, ANDD number */
	uint8_t start_bus;
	size_t nhops;		/* >= 1 */
	struct pl_dmar_hop *hops;
	/* ACPI_NAMESPACE scopes: index into pl_dmar.units of the ANDD with
	 * that device number, -1 if none (and for other types) */
	long andd_unit;
};

struct pl_dmar_unit {
	uint16_t type;		/* enum pl_dmar_type, or a reserved value */
	uint16_t length;
	size_t offset;		/* of the structure in the table */
	size_t index;		/* ordinal among structures of the same type */
	union {
		struct {
			uint8_t flags;		/* bit 0 INCLUDE_PCI_ALL */
			uint8_t size;		/* byte 5, register set size */
			uint16_t segment;
			uint64_t register_base;
		} drhd;
		struct {
			uint16_t segment;
			uint64_t base;
			uint64_t limit;		/* inclusive */
		} rmrr;
		struct {
			uint8_t flags;		/* bit 0 ALL_PORTS */
			uint16_t segment;
		} atsr;
		struct {
			uint64_t register_base;
			uint32_t proximity_domain;
			long drhd_unit;		/* unit index of the DRHD with
						 * that base, -1 if none */
		} rhsa;
		struct {
			uint8_t device_number;
			char *name;		/* NUL-terminated copy */
		} andd;
		struct {
			uint8_t flags;		/* bit 0 ATC_REQUIRED */
			uint16_t segment;
		} satc;
		struct {
			uint16_t segment;
		} sidp;
	} u;
	size_t nscopes;		/* DRHD, RMRR, ATSR, SATC, SIDP */
	struct pl_dmar_scope *scopes;
};

/* Implementation limits (-E2BIG beyond), far above any real table. */
#define PL_DMAR_MAX_UNITS 65536u	/* remapping structures */
#define PL_DMAR_MAX_SCOPES 65536u	/* device scopes, whole table */

struct pl_dmar {
	struct pl_acpi_header hdr;
	uint8_t haw_raw;		/* table byte 36 */
	unsigned int host_address_width;	/* haw_raw + 1 */
	uint8_t flags;			/* table byte 37 */
	size_t nunits;
	struct pl_dmar_unit *units;	/* in table order */
	size_t count[PL_DMAR_NTYPES + 1];	/* per type; [NTYPES] reserved */
	size_t nscopes;			/* device scopes of all units */
};

int pl_dmar_parse(const void *buf, size_t len, struct pl_dmar **out,
		  struct pl_fw_diag *diag);
void pl_dmar_free(struct pl_dmar *dmar);
int pl_dmar_print(const struct pl_dmar *dmar, FILE *out);
const char *pl_dmar_type_name(unsigned int type);	/* "DRHD", ... */
const char *pl_dmar_scope_type_name(unsigned int type);	/* "PCI_ENDPOINT" */

/* ------------------------------------------------------------------ IORT */

enum pl_iort_type {		/* node types (table values) */
	PL_IORT_ITS_GROUP = 0,
	PL_IORT_NAMED_COMPONENT = 1,
	PL_IORT_ROOT_COMPLEX = 2,
	PL_IORT_SMMUV1V2 = 3,
	PL_IORT_SMMUV3 = 4,
	PL_IORT_PMCG = 5,
	PL_IORT_RMR = 6,
	PL_IORT_IWB = 7,
	PL_IORT_NTYPES = 8,	/* >= this: unknown, kept undecoded */
};

#define PL_IORT_MAP_SINGLE 0x1

struct pl_iort_map {
	size_t offset;		/* of the mapping in the table */
	uint32_t input_base;
	uint32_t id_count;	/* as stored: number of IDs minus one */
	uint32_t output_base;
	uint32_t output_ref;	/* table offset of the output node */
	uint32_t flags;		/* bit 0 single mapping */
	size_t output_node;	/* index into pl_iort.nodes, resolved */
};

struct pl_iort_irq {
	uint32_t gsiv;
	uint32_t flags;
};

struct pl_iort_rmr_desc {
	uint64_t base;
	uint64_t length;
};

struct pl_iort_node {
	size_t offset;		/* of the node in the table */
	uint8_t type;		/* enum pl_iort_type or unknown value */
	uint16_t length;
	uint8_t revision;
	uint32_t identifier;	/* header bytes 4..7 (reserved before rev 3) */
	uint32_t mapping_count;
	uint32_t mapping_offset;
	struct pl_iort_map *maps;	/* mapping_count entries */
	union {
		struct {
			uint32_t count;
			uint32_t *ids;
		} its;
		struct {
			uint32_t node_flags;
			uint32_t cca;		/* cache coherency attribute */
			uint8_t hints;
			uint8_t mem_flags;
			uint8_t memory_address_limit;
			char *device_name;
		} nc;
		struct {
			uint32_t cca;
			uint8_t hints;
			uint8_t mem_flags;
			uint32_t ats_attribute;
			uint32_t segment;
			uint8_t memory_address_limit;	/* 0 if absent */
			uint16_t pasid_capabilities;	/* node rev >= 3 */
			uint32_t flags;			/* node rev >= 4 */
			/* whether the node is long enough to hold the field
			 * (issue A/B root complexes end at the segment) */
			bool has_memory_address_limit;
			bool has_pasid_capabilities;
			bool has_flags;
		} rc;
		struct {
			uint64_t base;
			uint64_t span;
			uint32_t model;
			uint32_t flags;
			uint32_t global_irq_offset;
			struct pl_iort_irq nsg_irpt;
			struct pl_iort_irq nsg_cfg_irpt;
			uint32_t ctx_irq_count;
			uint32_t ctx_irq_offset;
			uint32_t pmu_irq_count;
			uint32_t pmu_irq_offset;
			struct pl_iort_irq *ctx_irqs;
			struct pl_iort_irq *pmu_irqs;
		} smmu;
		struct {
			uint64_t base;
			uint32_t flags;
			uint64_t vatos_address;
			uint32_t model;
			uint32_t event_gsiv;
			uint32_t pri_gsiv;
			uint32_t gerr_gsiv;
			uint32_t sync_gsiv;
			uint32_t proximity_domain;
			uint32_t id_mapping_index;
		} smmuv3;
		struct {
			uint64_t page0_base;
			uint32_t overflow_gsiv;
			uint32_t node_reference;	/* table offset or 0 */
			long ref_node;			/* index, -1 if 0 */
			uint64_t page1_base;
		} pmcg;
		struct {
			uint32_t flags;
			uint32_t desc_count;
			uint32_t desc_offset;
			struct pl_iort_rmr_desc *descs;
		} rmr;
		struct {
			uint64_t base;
			uint16_t iwb_index;
			char *device_name;
		} iwb;
	} u;
};

#define PL_IORT_MAX_NODES 65536u	/* implementation limit (-E2BIG) */

struct pl_iort {
	struct pl_acpi_header hdr;
	uint32_t node_count;
	uint32_t node_offset;
	bool has_identifiers;		/* table revision >= 3 */
	size_t nnodes;			/* == node_count */
	struct pl_iort_node *nodes;	/* in table order (ascending offset) */
	size_t count[PL_IORT_NTYPES + 1];	/* per type; [NTYPES] unknown */
	size_t nmaps;			/* all ID mappings */
};

int pl_iort_parse(const void *buf, size_t len, struct pl_iort **out,
		  struct pl_fw_diag *diag);
void pl_iort_free(struct pl_iort *iort);
int pl_iort_print(const struct pl_iort *iort, FILE *out);
const char *pl_iort_type_name(unsigned int type);	/* "ITS_GROUP", ... */
/* Index of the node at table offset @ref, or -1. */
long pl_iort_node_at(const struct pl_iort *iort, uint32_t ref);

/* ------------------------------------------------------------ device tree */

#define PL_DT_MAX_IOMMU_CELLS 16	/* like Linux MAX_PHANDLE_ARGS */
/* Implementation limits (-E2BIG beyond), far above any real tree. */
#define PL_DT_MAX_PATH 1024		/* bytes in a node path */
#define PL_DT_MAX_ITEMS 65536u		/* IOMMU nodes; user nodes;
					 * iommus specifiers in all */

enum pl_dt_smmu_kind {		/* classification by compatible */
	PL_DT_IOMMU_OTHER = 0,	/* not an Arm SMMU binding */
	PL_DT_IOMMU_SMMUV3,	/* arm,smmu-v3 */
	PL_DT_IOMMU_SMMUV1V2,	/* arm,smmu-v1/v2, arm,mmu-40x/500 & kin */
};

struct pl_dt_iommu {
	char *path;
	size_t ncompat;
	char **compat;		/* compatible strings, in order */
	uint32_t iommu_cells;	/* #iommu-cells */
	uint32_t phandle;	/* 0 if the node has none */
	char *status;		/* own "status", "okay" when absent */
	bool status_present;
	enum pl_dt_smmu_kind kind;
	/* for SMMUV1V2: IORT model number (0 v1, 1 v2, 2 MMU-400, 3 MMU-500,
	 * 4 MMU-401, 5 ThunderX), -1 when not known */
	int smmu_model;
};

struct pl_dt_spec {
	size_t iommu;		/* index into pl_dt.iommus */
	uint32_t ncells;	/* == iommus[iommu].iommu_cells */
	uint32_t cells[PL_DT_MAX_IOMMU_CELLS];
};

struct pl_dt_map {
	uint32_t rid_base;
	size_t iommu;		/* index into pl_dt.iommus */
	uint32_t iommu_phandle;
	uint32_t iommu_base;
	uint32_t length;	/* number of IDs (0: matches nothing; firmware
				 * such as U-Boot fixes these up at boot) */
};

struct pl_dt_user {		/* a node with "iommus" and/or "iommu-map" */
	char *path;
	char *status;		/* own status, "okay" when absent */
	bool status_present;
	bool has_iommus;
	size_t nspecs;
	struct pl_dt_spec *specs;
	bool has_map;
	bool has_map_mask;
	uint32_t map_mask;	/* 0xffffffff when absent */
	size_t nmaps;
	struct pl_dt_map *maps;
};

struct pl_dt {
	char *model;		/* root "model", NULL when absent */
	size_t ncompat;
	char **compat;		/* root "compatible" */
	size_t niommus;
	struct pl_dt_iommu *iommus;	/* every node with #iommu-cells */
	size_t nusers;
	struct pl_dt_user *users;	/* in tree order */
	size_t iommus_users;		/* users with "iommus" */
	size_t map_entries;		/* all iommu-map entries */
};

int pl_dt_parse(const void *buf, size_t len, struct pl_dt **out,
		struct pl_fw_diag *diag);
void pl_dt_free(struct pl_dt *dt);
int pl_dt_print(const struct pl_dt *dt, FILE *out);

/* --------------------------------------------------------------- generic */

/* Detect, parse and print the records of any supported blob. */
int pl_fw_dump(const void *buf, size_t len, FILE *out,
	       struct pl_fw_diag *diag);

#endif /* PROBELAB_FW_H */

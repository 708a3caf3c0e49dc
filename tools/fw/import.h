/* SPDX-License-Identifier: GPL-2.0 */
/*
 * probelab firmware import: a parsed ACPI DMAR, ACPI IORT or device tree
 * (fw.h) -> the normalized FW_LOAD description (built with the topology
 * builder of tools/lib/topo.h and validated by the core, module/core/) plus
 * the lab devices the firmware implies.  `probelab fw show` prints the
 * result, `probelab fw import` loads it.  docs/fw-import.md documents every
 * mapping decision; the short version:
 *
 *  - DMAR: DRHD -> VT-d IOMMU "dmarN" (segment, INCLUDE_PCI_ALL); PCI
 *    endpoint / bridge scopes -> SCOPE records; bridge records for the
 *    intermediate hops and bridge-scope targets, with bus numbers read
 *    from sysfs (host) or synthesized (file); ACPI namespace scopes ->
 *    named endpoints with a VT-d specifier.
 *  - IORT: SMMUv3 and SMMUv1/v2 nodes -> SMMUv3-model IOMMUs; root
 *    complexes -> ROOT_COMPLEX + IDMAPs (first match wins, ITS outputs are
 *    no IOMMU); named components -> ENDPOINT + one SPEC per output ID.
 *  - DT: arm,smmu-v3 and every arm,smmu binding -> IOMMUs; `iommus` users
 *    -> ENDPOINT; `iommu-map` (+ mask) of PCI host bridges -> ROOT_COMPLEX
 *    + IDMAPs.
 *
 * Host mode (opts.host) reads the PCI functions of the running machine from
 * sysfs: one lab device per function, the bridges as bridge records, the
 * DMA aliases pci_for_each_dma_alias() gives, and the explicit aliases
 * that make the lab's ID-sharing groups equal the groups Linux's
 * pci_device_group() forms (ACS, multifunction, PCIe-to-PCI bridges).
 *
 * Functions return 0 or a negative errno; on failure @err (may be NULL)
 * gets one line naming the table location and what was wrong.
 */
#ifndef PROBELAB_FW_IMPORT_H
#define PROBELAB_FW_IMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <json-c/json.h>

#include "fw.h"
#include "topo.h"
#include "fwdesc.h"
#include "idmap.h"

/* (IOMMU, ID) pairs kept per device (the module resolves up to 16) */
#define PL_IMPORT_MAX_REFS	16
/* explicit aliases of one lab device (= PROBELAB_MAX_ALIASES) */
#define PL_IMPORT_MAX_ALIASES	8
/* requester IDs the topology adds to one device (bridges above it) */
#define PL_IMPORT_MAX_TOPO	32
/* lab devices one import creates (= PL_TOPO_MAX_DEVICES) */
#define PL_IMPORT_MAX_DEVICES	4096
/* notes kept (the rest are counted) */
#define PL_IMPORT_MAX_NOTES	256

/**
 * struct pl_import_opts - what to import
 * @host: lab devices from the PCI functions of the machine (sysfs), its
 *	bridges as bridge records, Linux's DMA aliases and groups; the
 *	firmware names as the machine's kernel shows them
 * @sysfs: sysfs root for @host (NULL: "/sys"); a copy of another
 *	machine's sysfs (bus/pci/devices, firmware, class/iommu,
 *	bus/platform/devices) works too
 */
struct pl_import_opts {
	bool host;
	const char *sysfs;
};

/**
 * struct pl_import_device - one lab device the import creates
 * @kind: PL_TOPO_DEV_PCI or PL_TOPO_DEV_PLATFORM (a named device)
 * @name: named device: its name (an endpoint's name); PCI: ""
 * @segment: PCI segment
 * @bus: PCI bus
 * @devfn: PCI (dev << 3) | fn
 * @nr_aliases: explicit aliases DEV_ADD passes
 * @aliases: requester IDs, same segment: the topology aliases no bridge
 *	record expresses, then @group_aliases
 * @nr_topo: requester IDs pci_for_each_dma_alias() adds (bridges above
 *	the function), whether a bridge record or @aliases carries them
 * @topo: those requester IDs, in walk order
 * @nr_group_aliases: aliases present only to reproduce Linux's group
 * @group_aliases: those requester IDs (also in @aliases)
 * @why: why the device is in the list ("scope 00:1f.2 of dmar0", ...)
 * @xlate: 0, -ENODEV (no IOMMU) or -ENOSPC (more than
 *	PL_IMPORT_MAX_REFS pairs) - the description's of_xlate step
 * @nr_refs: (IOMMU, ID) pairs the description resolves the device to
 * @refs: those pairs, as the module resolves them
 * @group_only: bit i set when refs[i] comes only from @group_aliases
 * @group: the group the description implies (1..), 0 for none
 */
struct pl_import_device {
	enum pl_topo_dev_kind kind;
	char name[PROBELAB_FW_NAME_LEN];
	uint16_t segment;
	uint8_t bus;
	uint8_t devfn;
	unsigned int nr_aliases;
	uint16_t aliases[PL_IMPORT_MAX_ALIASES];
	unsigned int nr_topo;
	uint16_t topo[PL_IMPORT_MAX_TOPO];
	unsigned int nr_group_aliases;
	uint16_t group_aliases[PL_IMPORT_MAX_ALIASES];
	char why[96];
	int xlate;
	unsigned int nr_refs;
	struct pl_fw_ref refs[PL_IMPORT_MAX_REFS];
	uint32_t group_only;
	unsigned int group;
};

/**
 * struct pl_import - one import
 * @kind: PL_FW_DMAR, PL_FW_IORT or PL_FW_FDT
 * @host: host mode
 * @source: the firmware file read
 * @blob: the validated FW_LOAD description (malloc()ed)
 * @len: its length
 * @desc: @blob parsed by the core (for lookups)
 * @builder: the builder that made @blob; records' origins
 * @nr_devices: number of @devices
 * @devices: lab devices, in the order `fw import` adds them
 * @nr_groups: groups the description implies for @devices
 * @nr_notes: number of @notes
 * @notes_dropped: notes beyond PL_IMPORT_MAX_NOTES, not kept
 * @notes: what the import left out or decided, one line each
 * @synth_buses: bridge bus numbers were synthesized (DMAR file)
 * @nr_arm_smmu_v2: SMMUv1/v2 nodes imported as SMMUv3-model instances
 */
struct pl_import {
	enum pl_fw_kind kind;
	bool host;
	char source[512];
	void *blob;
	size_t len;
	struct pl_fwdesc *desc;
	struct pl_topo_builder *builder;
	unsigned int nr_devices;
	struct pl_import_device *devices;
	unsigned int nr_groups;
	unsigned int nr_notes;
	unsigned int notes_dropped;
	char **notes;
	bool synth_buses;
	unsigned int nr_arm_smmu_v2;
};

/*
 * Import @buf (a DMAR, IORT or FDT, recognised by pl_fw_detect()) named
 * @source in messages.  With @opts->host the PCI functions come from
 * sysfs.  -ENOTSUP for anything else; the parsers' errnos for malformed
 * firmware; -EINVAL, -E2BIG, -ERANGE, -EEXIST, -EOPNOTSUPP, -EOVERFLOW for
 * firmware the description cannot carry (the message names the table
 * location and says why); -ENOENT/-EACCES for sysfs.
 */
int pl_import_buf(const void *buf, size_t len, const char *source,
		  const struct pl_import_opts *opts, struct pl_import **out,
		  char *err, size_t errlen);
/*
 * Import the file @path, or with @path NULL (host mode only) the
 * machine's own firmware: <sysfs>/firmware/acpi/tables/DMAR, .../IORT or
 * <sysfs>/firmware/fdt, the first that exists (-ENOENT when none does).
 */
int pl_import_path(const char *path, const struct pl_import_opts *opts,
		   struct pl_import **out, char *err, size_t errlen);
/* The host firmware table pl_import_path(NULL) reads, NULL when none. */
const char *pl_import_host_table(const char *sysfs, char *buf, size_t len);
void pl_import_free(struct pl_import *imp);

/* Name of IOMMU ordinal @i, "?" when out of range. */
const char *pl_import_iommu_name(const struct pl_import *imp, uint32_t i);
/* Origin (table location) of record @rec_index of the blob, or NULL. */
const char *pl_import_rec_origin(const struct pl_import *imp,
				 uint32_t rec_index);
/* "0000:03:01.0" or the device's name, into @buf. */
const char *pl_import_dev_name(const struct pl_import_device *d, char *buf,
			       size_t len);

/* `probelab fw show`: the topology for people; -EIO if @out fails. */
int pl_import_print(const struct pl_import *imp, FILE *out);
/* The same as one JSON object (caller puts it); NULL on ENOMEM. */
json_object *pl_import_json(const struct pl_import *imp);
/* One device as JSON (refs, aliases, group). */
json_object *pl_import_dev_json(const struct pl_import *imp,
				const struct pl_import_device *d);

#ifdef PL_IMPORT_INTERNAL
/* ---- shared by tools/fw/import*.c only ---- */

/* A PCI function of the host (sysfs). */
struct plimp_pci {
	uint16_t segment;
	uint8_t bus;
	uint8_t devfn;
	bool bridge;		/* PCI-to-PCI bridge with a secondary bus */
	uint8_t secondary;
	uint8_t subordinate;
	bool multifunction;	/* header type bit 7 */
	int pcie_type;		/* PCIe device/port type, -1: not PCIe */
	bool acs;		/* pci_acs_enabled(REQ_ACS_FLAGS), no quirks */
	bool cfg_short;		/* config space not fully readable */
	int parent;		/* index of the bridge above, -1: root bus */
	bool described;		/* its segment is in the description */
	bool recorded;		/* a BRIDGE record carries it */
};

struct plimp_host {
	char root[512];		/* sysfs root */
	unsigned int nr;
	struct plimp_pci *pci;
	unsigned int nr_short;	/* functions whose config was short */
	unsigned int nr_skipped;	/* functions outside 16-bit segments */
};

/* Deferred device choice, resolved once the description is parsed. */
typedef int (*plimp_post_fn)(struct pl_import *imp, void *ctx);

struct plimp_ctx {
	struct pl_import *imp;
	const struct pl_import_opts *opts;
	const void *buf;
	size_t len;
	struct plimp_host *host;
	char *err;
	size_t errlen;
	/* names in use per record type (IOMMU, ENDPOINT, ROOT_COMPLEX) */
	char (*names[3])[PROBELAB_FW_NAME_LEN];
	unsigned int nr_names[3];
	unsigned int cap_names[3];
	/* PCI segments the description covers (root complexes, DRHDs) */
	uint16_t segs[PROBELAB_FW_MAX_RCS + PROBELAB_FW_MAX_IOMMUS];
	unsigned int nr_segs;
	/* bus ranges of the root complexes (bridges must lie inside one) */
	unsigned int nr_rcr;
	struct {
		uint16_t segment;
		uint8_t start;
		uint8_t end;
	} rcr[PROBELAB_FW_MAX_RCS];
	/* file mode DMAR: sample devices chosen after parsing */
	plimp_post_fn post;
	void *post_ctx;
};

#define PLIMP_NS_IOMMU		0
#define PLIMP_NS_ENDPOINT	1
#define PLIMP_NS_RC		2

int plimp_fail(struct plimp_ctx *c, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int plimp_note(struct pl_import *imp, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/*
 * @in reduced to a description name: characters outside [A-Za-z0-9._-]
 * become '-', a leading '\' (ACPI root) and '/' are dropped, at most 31
 * characters; unique in namespace @ns ("-2", "-3"... replace the tail).
 * Returns 0, -ENOMEM or -EEXIST (no unique name found).
 */
int plimp_name(struct plimp_ctx *c, unsigned int ns, const char *in,
	       char out[PROBELAB_FW_NAME_LEN]);
/* Record a PCI segment as described. */
void plimp_seg_add(struct plimp_ctx *c, uint16_t segment);
/* Record a root complex's bus range (host bridges must lie inside). */
void plimp_rc_range_add(struct plimp_ctx *c, uint16_t segment, uint8_t start,
			uint8_t end);
bool plimp_seg_described(const struct plimp_ctx *c, uint16_t segment);
/*
 * Append a lab device (duplicates are ignored: returns its index);
 * -E2BIG past PL_IMPORT_MAX_DEVICES (a note says so, the caller goes on
 * when it returns -E2BIG for samples).
 */
int plimp_add_pci(struct pl_import *imp, uint16_t segment, uint8_t bus,
		  uint8_t devfn, const char *why);
int plimp_add_named(struct pl_import *imp, const char *name,
		    const char *why);
/* Smallest stream-ID width (at least 16) holding @max_id. */
uint8_t plimp_sid_bits(uint64_t max_id);

/*
 * Requester-ID ranges claimed by earlier (first-match) maps of one root
 * complex: plimp_claim() returns the parts of [start, end) no earlier map
 * took, in order, and claims them.
 */
struct plimp_range {
	uint32_t start;
	uint32_t end;		/* exclusive */
};
struct plimp_claims {
	unsigned int nr;
	unsigned int cap;
	struct plimp_range *r;
};
int plimp_claim(struct plimp_claims *cl, uint32_t start, uint32_t end,
		struct plimp_range **pieces, unsigned int *nr_pieces);
void plimp_claims_free(struct plimp_claims *cl);

/*
 * Sample lab devices for one ID map of a root complex (file mode): the
 * requester IDs of the first, middle and last masked input ID of the map
 * (of the root complex's bus range for a SINGLE map), inside its bus
 * range; with a rid_mask also the highest requester ID masking to the
 * first one.  -ENOMEM; a full device list only stops the sampling.
 */
int plimp_rc_samples(struct pl_import *imp, uint16_t segment,
		     uint8_t bus_start, uint8_t bus_end, uint16_t rid_mask,
		     const struct probelab_fw_idmap *map, const char *rc_name);

int plimp_dmar(struct plimp_ctx *c, const struct pl_dmar *dmar);
int plimp_iort(struct plimp_ctx *c, const struct pl_iort *iort);
int plimp_dt(struct plimp_ctx *c, const struct pl_dt *dt);

/* Host: scan <root>/bus/pci/devices; -errno with a message. */
int plimp_host_scan(struct plimp_ctx *c);
void plimp_host_free(struct plimp_host *h);
/* Index of a host function, -1 when absent. */
int plimp_host_find(const struct plimp_host *h, uint16_t segment, uint8_t bus,
		    uint8_t devfn);
/* Bridge records for the bridges of described segments. */
int plimp_host_bridges(struct plimp_ctx *c);
/* Lab devices for every function, aliases and group aliases. */
int plimp_host_devices(struct plimp_ctx *c);
/* Read a small sysfs text file into @buf (trailing newline cut). */
int plimp_read_text(const char *path, char *buf, size_t len);
#endif /* PL_IMPORT_INTERNAL */

#endif /* PROBELAB_FW_IMPORT_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libprobelab: topology descriptions for FW_LOAD.
 *
 * Two layers:
 *  - struct pl_topo_builder collects uapi records (uapi/linux/probelab_fw.h)
 *    and emits the FW_LOAD blob, validated by the same core code as the
 *    kernel (module/core/fwdesc.c, libplcore); every record carries an
 *    "origin" string (a JSON path, or a firmware table location) so an
 *    error names where the bad entry came from.  The JSON loader and the
 *    firmware importers (DMAR, IORT, DTB) both use it.
 *  - pl_topo_load() / pl_topo_from_json() read the JSON topology format of
 *    docs/topology.md: the description plus the lab devices to create and
 *    the policy / default domain defaults of `probelab topo load`.
 *
 * Functions return 0 (or an ordinal >= 0) on success and a negative errno
 * on failure.  Link with libplcore and json-c.
 */
#ifndef _PROBELAB_TOPO_H
#define _PROBELAB_TOPO_H

#include <stddef.h>
#include <stdint.h>
#include <linux/probelab_fw.h>

struct pl_topo_builder;

/*
 * Maps a core error field of a record type (probelab_fw_rec_type) to the
 * caller's own name for it, e.g. "hops" at body offset 9 to "path[1]".
 * Writes a NUL-terminated string (possibly empty) into buf.
 */
typedef void (*pl_topo_field_map_fn)(unsigned int type, const char *field,
				     unsigned int body_off, char *buf,
				     size_t len);

struct pl_topo_builder *pl_topo_builder_new(void);
void pl_topo_builder_free(struct pl_topo_builder *b);
void pl_topo_builder_set_field_map(struct pl_topo_builder *b,
				   pl_topo_field_map_fn map);

/*
 * Each add copies the record body and @origin (may be NULL) and returns the
 * record's ordinal among records of its type, which is what references
 * use.  -E2BIG past a PROBELAB_FW_MAX_* bound, -EINVAL for a NULL record
 * or an over-long name, -ENOMEM.  The builder does not validate; finish()
 * does.  ENDPOINT nr_specs and ROOT_COMPLEX nr_idmaps are filled in at
 * emit time from the SPEC and IDMAP records that name them.
 */
int pl_topo_add_iommu(struct pl_topo_builder *b,
		      const struct probelab_fw_iommu *iommu,
		      const char *origin);
int pl_topo_add_endpoint(struct pl_topo_builder *b, const char *name,
			 const char *origin);
int pl_topo_add_spec(struct pl_topo_builder *b, unsigned int endpoint,
		     unsigned int iommu, uint32_t id, uint32_t mask,
		     const char *origin);
int pl_topo_add_rc(struct pl_topo_builder *b, const struct probelab_fw_rc *rc,
		   const char *origin);
int pl_topo_add_idmap(struct pl_topo_builder *b,
		      const struct probelab_fw_idmap *map, const char *origin);
int pl_topo_add_bridge(struct pl_topo_builder *b,
		       const struct probelab_fw_bridge *bridge,
		       const char *origin);
int pl_topo_add_scope(struct pl_topo_builder *b,
		      const struct probelab_fw_scope *scope,
		      const char *origin);

/* Ordinal of the IOMMU record named @name, or -ENOENT. */
int pl_topo_builder_find_iommu(const struct pl_topo_builder *b,
			       const char *name);
/* Number of records of @type (enum probelab_fw_rec_type) added so far. */
unsigned int pl_topo_builder_count(const struct pl_topo_builder *b,
				   unsigned int type);
/*
 * Origin of the record at @rec_index in the emitted blob (records are
 * emitted by type: IOMMU, ENDPOINT, SPEC, ROOT_COMPLEX, IDMAP, BRIDGE,
 * SCOPE, each in add order), e.g. to report a kernel FW_LOAD refusal;
 * NULL when out of range or added without origin.
 */
const char *pl_topo_builder_origin(const struct pl_topo_builder *b,
				   uint32_t rec_index);

/* The blob, unvalidated; *blob is malloc()ed.  -E2BIG over the size bound. */
int pl_topo_builder_emit(const struct pl_topo_builder *b, void **blob,
			 size_t *len);

/*
 * Emit and validate with pl_fwdesc_parse().  On failure errbuf (if any)
 * gets "<origin>[.<field>]: <core message>" and the core's errno is
 * returned; *blob is set only on success.
 */
int pl_topo_builder_finish(const struct pl_topo_builder *b, void **blob,
			   size_t *len, char *errbuf, size_t errlen);

/* ---- the JSON topology ---- */

#define PL_TOPO_MAX_DEVICES	4096
#define PL_TOPO_MAX_ALIASES	32	/* = PL_FW_MAX_ALIASES */
#define PL_TOPO_MAX_JSON	(16u << 20)

enum pl_topo_domain {
	PL_TOPO_DOMAIN_UNSET = 0,
	PL_TOPO_DOMAIN_DMA = 1,
	PL_TOPO_DOMAIN_IDENTITY = 2,
};

enum pl_topo_dev_kind {
	PL_TOPO_DEV_PCI = 1,
	PL_TOPO_DEV_PLATFORM = 2,
};

/**
 * struct pl_topo_device - a lab device `probelab topo load` creates
 * @kind: PL_TOPO_DEV_PCI or PL_TOPO_DEV_PLATFORM
 * @name: platform: the device name (matched against endpoint names);
 *	PCI: optional label, "" when absent
 * @segment: PCI segment
 * @bus: PCI bus
 * @devfn: PCI (dev << 3) | fn
 * @nr_aliases: number of @aliases
 * @aliases: PCI requester IDs (bus << 8 | devfn) the device's DMA may
 *	also carry, same segment
 */
struct pl_topo_device {
	enum pl_topo_dev_kind kind;
	char name[PROBELAB_FW_NAME_LEN];
	uint16_t segment;
	uint8_t bus;
	uint8_t devfn;
	unsigned int nr_aliases;
	uint16_t aliases[PL_TOPO_MAX_ALIASES];
};

/**
 * struct pl_topo - a loaded JSON topology
 * @blob: the validated FW_LOAD description (malloc()ed)
 * @len: its length
 * @policy: enum probelab_policy value from "policy" (names as
 *	pl_policy_from_name()), or -1 when absent
 * @default_domain: from "default_domain"
 * @nr_devices: number of @devices
 * @devices: lab devices to create, in file order
 */
struct pl_topo {
	void *blob;
	size_t len;
	int policy;
	enum pl_topo_domain default_domain;
	unsigned int nr_devices;
	struct pl_topo_device *devices;
};

/*
 * Parse a JSON topology: @text when non-NULL (@path then only names it in
 * messages), else the file @path.  Errors go to errbuf as
 * "<file>: <json path>: <problem>", e.g.
 * "board.json: root_complexes[1].id_maps[3].length: ...".
 * Returns 0, -EINVAL (schema), -E2BIG, -ENOENT etc. (file), or the core
 * validator's errno (-ERANGE, -EOVERFLOW, -EEXIST, ...).
 */
int pl_topo_load(const char *path, const char *text, struct pl_topo **out,
		 char *errbuf, size_t errlen);
void pl_topo_free(struct pl_topo *t);

/* pl_topo_load() keeping only the blob (*blob is malloc()ed). */
int pl_topo_from_json(const char *path_or_NULL, const char *text, void **blob,
		      size_t *len, char *errbuf, size_t errlen);

#endif /* _PROBELAB_TOPO_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The TAP (tap.h) edition of probe_util.h, for the guest tests not yet on
 * kselftest_harness.h; it goes with the last of them.
 */
#ifndef PROBELAB_PROBE_UTIL_TAP_H
#define PROBELAB_PROBE_UTIL_TAP_H

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probelab.h"
#include "topo.h"
#include "tap.h"

#define DEBUGFS		"/sys/kernel/debug/probelab"

static struct pl_handle *lab;

static inline void bail(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));
static inline void bail(const char *fmt, ...)
{
	va_list ap;

	printf("Bail out! ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (lab)
		pl_lab_reset(lab);
	exit(1);
}

static inline void lab_open(void)
{
	struct probelab_stats st;
	int ret = pl_open(&lab);

	if (ret)
		bail("cannot open %s: %s", PL_DEVICE_PATH, strerror(-ret));
	ret = pl_lab_reset(lab);
	if (ret)
		bail("LAB_RESET: %s", strerror(-ret));
	ret = pl_stats(lab, &st, 1);
	if (ret)
		bail("STATS: %s", strerror(-ret));
}

static inline int lab_close(void)
{
	int ret = pl_lab_reset(lab);

	if (ret)
		tap_diag("LAB_RESET at the end: %s", strerror(-ret));
	pl_close(lab);
	lab = NULL;
	return tap_done() || ret ? 1 : 0;
}

static inline void must(int ret, const char *what)
{
	if (ret)
		bail("%s: %s (%d)", what, strerror(ret < 0 ? -ret : ret), ret);
}

/* ---- descriptions -------------------------------------------------- */

static inline struct pl_topo_builder *topo_new(void)
{
	struct pl_topo_builder *b = pl_topo_builder_new();

	if (!b)
		bail("out of memory");
	return b;
}

static inline int topo_smmu(struct pl_topo_builder *b, const char *name,
			    unsigned int sid_bits)
{
	struct probelab_fw_iommu io;
	int ret;

	memset(&io, 0, sizeof(io));
	io.model = PROBELAB_FW_IOMMU_SMMUV3;
	io.sid_bits = (uint8_t)sid_bits;
	snprintf(io.name, sizeof(io.name), "%s", name);
	ret = pl_topo_add_iommu(b, &io, name);
	if (ret < 0)
		bail("add IOMMU %s: %d", name, ret);
	return ret;
}

static inline int topo_vtd(struct pl_topo_builder *b, const char *name,
			   unsigned int segment, bool include_all)
{
	struct probelab_fw_iommu io;
	int ret;

	memset(&io, 0, sizeof(io));
	io.model = PROBELAB_FW_IOMMU_VTD;
	io.segment = (uint16_t)segment;
	io.flags = include_all ? PROBELAB_FW_VTD_INCLUDE_PCI_ALL : 0;
	snprintf(io.name, sizeof(io.name), "%s", name);
	ret = pl_topo_add_iommu(b, &io, name);
	if (ret < 0)
		bail("add IOMMU %s: %d", name, ret);
	return ret;
}

/* A root complex of segment @seg, buses @bs..@be, no rid mask. */
static inline int topo_rc(struct pl_topo_builder *b, unsigned int seg,
			  unsigned int bs, unsigned int be)
{
	struct probelab_fw_rc rc;
	int ret;

	memset(&rc, 0, sizeof(rc));
	rc.segment = (uint16_t)seg;
	rc.bus_start = (uint8_t)bs;
	rc.bus_end = (uint8_t)be;
	rc.rid_mask = 0xffff;
	ret = pl_topo_add_rc(b, &rc, "rc");
	if (ret < 0)
		bail("add root complex: %d", ret);
	return ret;
}

static inline void topo_map(struct pl_topo_builder *b, int rc, int iommu,
			    uint32_t rid_base, uint32_t length, uint32_t out)
{
	struct probelab_fw_idmap m;

	memset(&m, 0, sizeof(m));
	m.rc = (uint16_t)rc;
	m.iommu = (uint16_t)iommu;
	m.rid_base = rid_base;
	m.length = length;
	m.output_base = out;
	if (pl_topo_add_idmap(b, &m, "idmap") < 0)
		bail("add ID map");
}

static inline void topo_bridge(struct pl_topo_builder *b, unsigned int seg,
			       unsigned int bus, unsigned int dev,
			       unsigned int fn, unsigned int sec,
			       unsigned int sub, bool pcie_to_pci)
{
	struct probelab_fw_bridge br;

	memset(&br, 0, sizeof(br));
	br.segment = (uint16_t)seg;
	br.bus = (uint8_t)bus;
	br.devfn = (uint8_t)(dev << 3 | fn);
	br.secondary = (uint8_t)sec;
	br.subordinate = (uint8_t)sub;
	br.flags = pcie_to_pci ? PROBELAB_FW_BRIDGE_PCIE_TO_PCI : 0;
	if (pl_topo_add_bridge(b, &br, "bridge") < 0)
		bail("add bridge");
}

static inline int topo_endpoint(struct pl_topo_builder *b, const char *name)
{
	int ret = pl_topo_add_endpoint(b, name, name);

	if (ret < 0)
		bail("add endpoint %s: %d", name, ret);
	return ret;
}

static inline void topo_spec(struct pl_topo_builder *b, int ep, int iommu,
			     uint32_t id)
{
	if (pl_topo_add_spec(b, (unsigned int)ep, (unsigned int)iommu, id, 0,
			     "spec") < 0)
		bail("add specifier");
}

/* Validates, FW_LOADs and frees the builder. */
static inline int topo_load(struct pl_topo_builder *b, unsigned int policy,
			    unsigned int domain)
{
	char err[512];
	size_t len;
	void *blob;
	int ret;

	ret = pl_topo_builder_finish(b, &blob, &len, err, sizeof(err));
	pl_topo_builder_free(b);
	if (ret)
		bail("description: %s", err);
	ret = pl_fw_load(lab, blob, len, policy, domain, NULL);
	free(blob);
	return ret;
}

/* ---- lab objects ---------------------------------------------------- */

static inline uint32_t add_pci(unsigned int seg, unsigned int bus,
			       unsigned int dev, unsigned int fn)
{
	uint32_t id = 0;

	must(pl_dev_add_pci(lab, (uint16_t)seg, (uint8_t)bus,
			    (uint8_t)(dev << 3 | fn), NULL, 0, &id),
	     "DEV_ADD");
	return id;
}

static inline uint32_t add_pci_alias(unsigned int seg, unsigned int bus,
				     unsigned int dev, unsigned int fn,
				     unsigned int abus, unsigned int adev,
				     unsigned int afn)
{
	uint16_t alias = (uint16_t)(abus << 8 | adev << 3 | afn);
	uint32_t id = 0;

	must(pl_dev_add_pci(lab, (uint16_t)seg, (uint8_t)bus,
			    (uint8_t)(dev << 3 | fn), &alias, 1, &id),
	     "DEV_ADD");
	return id;
}

static inline uint32_t add_named(const char *name)
{
	uint32_t id = 0;

	must(pl_dev_add_named(lab, name, &id), "DEV_ADD");
	return id;
}

/* QUERY entry of device @id; bails out when it does not exist. */
static inline struct probelab_dev_info dev_get(uint32_t id)
{
	struct probelab_dev_info info;
	char ref[16];

	snprintf(ref, sizeof(ref), "%u", id);
	must(pl_dev_lookup(lab, ref, NULL, &info), "device lookup");
	return info;
}

static inline struct probelab_iommu_info iommu_get(const char *name)
{
	struct probelab_iommu_info *v, r;
	unsigned int n, i;

	must(pl_query_iommus(lab, &v, &n), "QUERY iommus");
	for (i = 0; i < n; i++)
		if (!strncmp(v[i].name, name, sizeof(v[i].name))) {
			r = v[i];
			free(v);
			return r;
		}
	free(v);
	bail("no instance %s", name);
}

static inline struct probelab_group_info group_get(uint32_t group)
{
	struct probelab_group_info *v, r;
	unsigned int n, i;

	must(pl_query_groups(lab, &v, &n), "QUERY groups");
	for (i = 0; i < n; i++)
		if (v[i].group_id == group) {
			r = v[i];
			free(v);
			return r;
		}
	free(v);
	memset(&r, 0, sizeof(r));
	return r;
}

static inline unsigned int nr_groups(void)
{
	struct probelab_group_info *v;
	unsigned int n;

	must(pl_query_groups(lab, &v, &n), "QUERY groups");
	free(v);
	return n;
}

static inline unsigned int nr_devices(void)
{
	struct probelab_dev_info *v;
	unsigned int n;

	must(pl_query_devices(lab, &v, &n), "QUERY devices");
	free(v);
	return n;
}

static inline uint32_t drv_bind(uint32_t id, unsigned int driver)
{
	uint32_t result = 0;

	must(pl_drv_bind(lab, id, driver, &result), "DRV_BIND");
	return result;
}

static inline struct probelab_stats stats(bool reset)
{
	struct probelab_stats st;

	must(pl_stats(lab, &st, reset), "STATS");
	return st;
}

/* ---- debugfs ---------------------------------------------------------- */

/* The whole file (malloc()ed, NUL-terminated), NULL on error. */
static inline char *read_text(const char *path)
{
	size_t cap = 4096, n = 0, r;
	FILE *f = fopen(path, "re");
	char *buf;

	if (!f)
		return NULL;
	buf = malloc(cap + 1);
	while (buf && (r = fread(buf + n, 1, cap - n, f)) > 0) {
		n += r;
		if (n == cap) {
			char *nb = realloc(buf, 2 * cap + 1);

			if (!nb) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = nb;
			cap *= 2;
		}
	}
	fclose(f);
	if (buf)
		buf[n] = 0;
	return buf;
}

/*
 * Field @field (0-based, space separated) of the line of debugfs file
 * @file whose first field is @key; "" when absent.
 */
static inline const char *debugfs_field(const char *file, const char *key,
					unsigned int field, char *out,
					size_t len)
{
	char path[256], *text, *line, *save = NULL;

	snprintf(path, sizeof(path), "%s", file);
	out[0] = 0;
	text = read_text(path);
	if (!text)
		return out;
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *tok, *s2 = NULL;
		unsigned int i = 0;

		tok = strtok_r(line, " ", &s2);
		if (!tok || strcmp(tok, key))
			continue;
		while (tok && i < field) {
			tok = strtok_r(NULL, " ", &s2);
			i++;
		}
		if (tok)
			snprintf(out, len, "%s", tok);
		break;
	}
	free(text);
	return out;
}

/* dma_ops owner of a lab device in debugfs devices: direct, lab, driver */
static inline const char *dma_ops_owner(uint32_t id, char *out, size_t len)
{
	char key[16];

	snprintf(key, sizeof(key), "%u", id);
	return debugfs_field(DEBUGFS "/devices", key, 5, out, len);
}

/* ---- TAP skips ---------------------------------------------------------- */

static inline __attribute__((format(printf, 1, 2)))
void tap_skip(const char *fmt, ...)
{
	va_list ap;

	printf("ok %d # SKIP ", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

/* ---- the hardware models (debugfs iommus/<name>/ste, /context) ---------- */

/**
 * struct hw_entry - one STE or context entry as debugfs shows it
 * @state: SMMUv3 "abort", "bypass", "translate" (a never-written STE:
 *	"abort" too, it aborts); VT-d "absent", "pass-through",
 *	"second-level"
 * @sig: what names the paging domain: the STE's word 0 (S1ContextPtr:
 *	the domain's context descriptor) or the context entry's DID; 0 for
 *	other states
 */
struct hw_entry {
	char state[24];
	unsigned long long sig;
};

/* Entry of requester/stream ID @id on instance @inst. */
static inline struct hw_entry hw_get(bool vtd, const char *inst,
				     unsigned int id)
{
	struct hw_entry e = { "", 0 };
	char path[128], key[32], f[40];

	if (vtd) {
		snprintf(path, sizeof(path), DEBUGFS "/iommus/%s/context", inst);
		snprintf(key, sizeof(key), "%02x:%02x.%u", id >> 8,
			 (id >> 3) & 0x1f, id & 7);
		debugfs_field(path, key, 1, e.state, sizeof(e.state));
		if (!e.state[0]) {
			snprintf(e.state, sizeof(e.state), "absent");
			return e;
		}
		debugfs_field(path, key, 2, f, sizeof(f));
		if (!strcmp(e.state, "second-level"))
			e.sig = strtoull(f, NULL, 10);
		return e;
	}
	snprintf(path, sizeof(path), DEBUGFS "/iommus/%s/ste", inst);
	snprintf(key, sizeof(key), "0x%x", id);
	debugfs_field(path, key, 1, e.state, sizeof(e.state));
	if (!e.state[0] || !strcmp(e.state, "invalid"))
		snprintf(e.state, sizeof(e.state), "abort");
	debugfs_field(path, key, 2, f, sizeof(f));
	if (!strcmp(e.state, "translate"))
		e.sig = strtoull(f, NULL, 16);
	return e;
}

/* The entry state a domain type gives on each model. */
static inline const char *hw_want(bool vtd, unsigned int domain_type)
{
	switch (domain_type) {
	case PROBELAB_DOMAIN_BLOCKED:
		return vtd ? "absent" : "abort";
	case PROBELAB_DOMAIN_IDENTITY:
		return vtd ? "pass-through" : "bypass";
	case PROBELAB_DOMAIN_DMA:
	case PROBELAB_DOMAIN_UNMANAGED:
		return vtd ? "second-level" : "translate";
	}
	return "?";
}

/* ---- the invariant checker ---------------------------------------------- */

/* CHECK with @flags; bails out when the op fails. */
static inline struct pl_check_result check_run(unsigned int flags)
{
	struct pl_check_result r;

	must(pl_check(lab, flags, 8, &r), "CHECK");
	return r;
}

/*
 * One TAP line: CHECK finds nothing now, nothing was found since the lab
 * was reset (automatic checking after every op included) and automatic
 * checking is on.
 */
static inline void check_clean(const char *what)
{
	struct pl_check_result r = check_run(0);

	tap_ok(r.found == 0 && r.total == 0 && r.auto_check,
	       "%s: CHECK finds no violation (found %u, total since reset %llu, auto-check %s)%s%s",
	       what, r.found, (unsigned long long)r.total,
	       r.auto_check ? "on" : "off", r.nr ? ": first: " : "",
	       r.nr ? r.v[0].what : "");
	pl_check_result_free(&r);
}

/* A second owner token (another open /dev/probelab). */
static inline struct pl_handle *token_open(void)
{
	struct pl_handle *h;
	int ret = pl_open(&h);

	if (ret)
		bail("cannot open a second %s: %s", PL_DEVICE_PATH,
		     strerror(-ret));
	return h;
}

#endif

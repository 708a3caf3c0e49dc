// SPDX-License-Identifier: GPL-2.0
/*
 * probelab firmware import: ACPI DMAR -> VT-d description.
 *
 *  - every DRHD is a VT-d IOMMU named dmarN (N = its index among the
 *    DRHDs, which is the order Linux numbers them; in host mode the name
 *    of the sysfs instance with that register base), with its segment,
 *    INCLUDE_PCI_ALL flag and register base; host mode reads the caching
 *    mode and pass-through bits from sysfs;
 *  - PCI endpoint and PCI bridge scopes of a DRHD are SCOPE records, paths
 *    as in the table; those of an INCLUDE_PCI_ALL DRHD are redundant
 *    (the DRHD takes every function anyway) and left out;
 *  - a multi-hop path needs bridge records for its intermediate hops, a
 *    bridge scope one for its target: host mode has the machine's bridges
 *    (scopes that do not resolve on the machine are left out, as Linux
 *    never matches them); from a file the bus numbers behind the bridges
 *    are synthesized: each bridge gets the lowest free run of buses above
 *    its own bus that holds it and the bridges below it, avoiding every
 *    bus a scope starts on;
 *  - ACPI namespace device scopes become named endpoints (the ANDD's ACPI
 *    name) with a VT-d specifier: start bus and first hop, as Linux's
 *    dmar_acpi_insert_dev_scope() takes them;
 *  - IOAPIC and HPET scopes, RMRR, ATSR, RHSA, SATC and SIDP are no DMA
 *    translation inputs and are left out (counted in the notes).
 */
#define PL_IMPORT_INTERNAL
#include "import.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "scope.h"

/* A bridge of the synthesized PCI tree (file mode). */
struct dnode {
	uint16_t segment;
	int parent;		/* node index, -1: on root bus @root_bus */
	uint8_t root_bus;
	uint8_t devfn;
	uint8_t secondary;
	uint8_t subordinate;
	unsigned int size;	/* buses of the subtree */
	size_t origin;		/* offset of the scope that needed it */
};

struct dscope {
	struct probelab_fw_scope s;
	uint16_t segment;
	size_t offset;		/* of the scope in the table */
	unsigned int drhd;	/* DRHD index */
	int parent;		/* node of the last intermediate hop, -1 */
	int target;		/* bridge scope: node of the target, -1 */
	uint8_t bus;		/* resolved target */
	uint8_t devfn;
};

struct dctx {
	struct plimp_ctx *c;
	struct dnode *nodes;
	unsigned int nr_nodes;
	struct dscope *scopes;
	unsigned int nr_scopes;
	int *drhd_ord;		/* IOMMU ordinal per DRHD index */
	unsigned int nr_drhd;
};

/* Post-parse: sample devices for INCLUDE_PCI_ALL DRHDs (file mode). */
struct dpost {
	unsigned int nr;
	struct {
		uint16_t segment;
		uint32_t iommu;
	} all[PROBELAB_FW_MAX_IOMMUS];
};

static int node_get(struct dctx *d, uint16_t seg, int parent, uint8_t root_bus,
		    uint8_t devfn, size_t origin)
{
	struct dnode *n;

	for (unsigned int i = 0; i < d->nr_nodes; i++) {
		n = &d->nodes[i];
		if (n->segment == seg && n->parent == parent &&
		    n->devfn == devfn && (parent >= 0 || n->root_bus == root_bus))
			return (int)i;
	}
	if (d->nr_nodes >= PROBELAB_FW_MAX_BRIDGES)
		return plimp_fail(d->c, -E2BIG, "%s: DMAR scope at 0x%zx: more than %u bridges would be needed",
				  d->c->imp->source, origin,
				  PROBELAB_FW_MAX_BRIDGES);
	n = realloc(d->nodes, (d->nr_nodes + 1) * sizeof(*n));
	if (!n)
		return plimp_fail(d->c, -ENOMEM, "out of memory");
	d->nodes = n;
	n = &d->nodes[d->nr_nodes];
	memset(n, 0, sizeof(*n));
	n->segment = seg;
	n->parent = parent;
	n->root_bus = root_bus;
	n->devfn = devfn;
	n->origin = origin;
	return (int)d->nr_nodes++;
}

static unsigned int node_size(struct dctx *d, unsigned int i)
{
	unsigned int size = 1;

	for (unsigned int k = 0; k < d->nr_nodes; k++)
		if (d->nodes[k].parent == (int)i)
			size += node_size(d, k);
	d->nodes[i].size = size;
	return size;
}

static void node_assign(struct dctx *d, unsigned int i, unsigned int sec)
{
	unsigned int cur = sec + 1;

	d->nodes[i].secondary = (uint8_t)sec;
	for (unsigned int k = 0; k < d->nr_nodes; k++)
		if (d->nodes[k].parent == (int)i) {
			node_assign(d, k, cur);
			cur += d->nodes[k].size;
		}
	d->nodes[i].subordinate = (uint8_t)(cur - 1);
}

/*
 * Bus numbers for the synthesized bridges: every root-level bridge gets
 * the lowest run of free buses above its own bus that holds its subtree;
 * buses scopes start on (root buses) are never used.
 */
static int synthesize(struct dctx *d)
{
	struct plimp_ctx *c = d->c;

	for (unsigned int i = 0; i < d->nr_nodes; i++) {
		struct dnode *n = &d->nodes[i];
		bool used[256] = { false };
		unsigned int s;

		if (n->parent >= 0)
			continue;
		node_size(d, i);
		for (unsigned int k = 0; k < d->nr_scopes; k++)
			if (d->scopes[k].segment == n->segment)
				used[d->scopes[k].s.start_bus] = true;
		for (unsigned int k = 0; k < i; k++)
			if (d->nodes[k].parent < 0 &&
			    d->nodes[k].segment == n->segment)
				for (unsigned int b = d->nodes[k].secondary;
				     b <= d->nodes[k].subordinate; b++)
					used[b] = true;
		for (s = n->root_bus + 1u; s + n->size <= 256; s++) {
			unsigned int b;

			for (b = s; b < s + n->size && !used[b]; b++)
				;
			if (b == s + n->size)
				break;
		}
		if (s + n->size > 256)
			return plimp_fail(c, -ENOSPC, "%s: DMAR scope at 0x%zx: no run of %u free bus numbers above bus 0x%02x of segment %u for bridge %02x:%02x.%u and the bridges behind it",
					  c->imp->source, n->origin, n->size,
					  n->root_bus, n->segment, n->root_bus,
					  n->devfn >> 3, n->devfn & 7);
		node_assign(d, i, s);
	}
	return 0;
}

static uint8_t node_bus(const struct dctx *d, const struct dnode *n)
{
	return n->parent < 0 ? n->root_bus : d->nodes[n->parent].secondary;
}

static void path_str(const struct probelab_fw_scope *s, char *buf, size_t len)
{
	size_t o = 0;

	buf[0] = '\0';
	for (unsigned int i = 0; i < s->nr_hops && o < len; i++)
		o += (size_t)snprintf(buf + o, len - o, "%s%02x.%u",
				      i ? "/" : "", s->hops[i] >> 3,
				      s->hops[i] & 7);
}

/* Host mode: resolve a scope's path on the machine's PCI tree. */
static bool host_resolve(struct dctx *d, struct dscope *ds)
{
	const struct plimp_host *h = d->c->host;
	struct pl_import *imp = d->c->imp;
	uint8_t bus = ds->s.start_bus;
	char path[64];
	int f;

	path_str(&ds->s, path, sizeof(path));
	for (unsigned int i = 0; i < h->nr; i++) {
		const struct plimp_pci *p = &h->pci[i];

		if (p->bridge && p->segment == ds->segment &&
		    bus >= p->secondary && bus <= p->subordinate) {
			plimp_note(imp, "DMAR scope at 0x%zx (dmar index %u, %02x:%s): start bus 0x%02x is behind bridge %04x:%02x:%02x.%u on this machine: left out",
				   ds->offset, ds->drhd, ds->s.start_bus, path,
				   bus, p->segment, p->bus, p->devfn >> 3,
				   p->devfn & 7);
			return false;
		}
	}
	for (unsigned int i = 0; i + 1 < ds->s.nr_hops; i++) {
		f = plimp_host_find(h, ds->segment, bus, ds->s.hops[i]);
		if (f < 0 || !h->pci[f].bridge) {
			plimp_note(imp, "DMAR scope at 0x%zx (%02x:%s): hop %u %02x:%02x.%u is not a bridge on this machine: left out (Linux never matches it)",
				   ds->offset, ds->s.start_bus, path, i, bus,
				   ds->s.hops[i] >> 3, ds->s.hops[i] & 7);
			return false;
		}
		bus = h->pci[f].secondary;
	}
	ds->bus = bus;
	ds->devfn = ds->s.hops[ds->s.nr_hops - 1];
	f = plimp_host_find(h, ds->segment, ds->bus, ds->devfn);
	if (ds->s.type == PROBELAB_FW_SCOPE_BRIDGE && (f < 0 || !h->pci[f].bridge)) {
		plimp_note(imp, "DMAR bridge scope at 0x%zx (%02x:%s): %04x:%02x:%02x.%u is %s on this machine: left out",
			   ds->offset, ds->s.start_bus, path, ds->segment,
			   ds->bus, ds->devfn >> 3, ds->devfn & 7,
			   f < 0 ? "absent" : "no bridge");
		return false;
	}
	if (ds->s.type == PROBELAB_FW_SCOPE_ENDPOINT && f >= 0 &&
	    h->pci[f].bridge) {
		plimp_note(imp, "DMAR endpoint scope at 0x%zx (%02x:%s): %04x:%02x:%02x.%u is a bridge on this machine (Linux: \"Device scope type does not match\"): left out",
			   ds->offset, ds->s.start_bus, path, ds->segment,
			   ds->bus, ds->devfn >> 3, ds->devfn & 7);
		return false;
	}
	return true;
}

/* Host mode: the sysfs instance with this register base, and its caps. */
static bool host_dmar(struct plimp_ctx *c, uint64_t base, char *name,
		      size_t len, uint32_t *features)
{
	char path[700], text[64];

	for (unsigned int i = 0; i < 1024; i++) {
		unsigned long long addr, cap, ecap;

		snprintf(path, sizeof(path),
			 "%s/class/iommu/dmar%u/intel-iommu/address",
			 c->host->root, i);
		if (plimp_read_text(path, text, sizeof(text)))
			continue;
		if (sscanf(text, "%llx", &addr) != 1 || addr != base)
			continue;
		snprintf(name, len, "dmar%u", i);
		*features = 0;
		snprintf(path, sizeof(path), "%s/class/iommu/dmar%u/intel-iommu/cap",
			 c->host->root, i);
		if (!plimp_read_text(path, text, sizeof(text)) &&
		    sscanf(text, "%llx", &cap) == 1 && (cap & (1ull << 7)))
			*features |= PROBELAB_FW_VTD_F_CACHING_MODE;
		snprintf(path, sizeof(path), "%s/class/iommu/dmar%u/intel-iommu/ecap",
			 c->host->root, i);
		if (!plimp_read_text(path, text, sizeof(text)) &&
		    sscanf(text, "%llx", &ecap) == 1 && (ecap & (1ull << 6)))
			*features |= PROBELAB_FW_VTD_F_PASSTHROUGH;
		return true;
	}
	return false;
}

static int add_drhds(struct dctx *d, const struct pl_dmar *dmar)
{
	struct plimp_ctx *c = d->c;
	struct pl_import *imp = c->imp;
	unsigned int unnamed = 0;

	d->nr_drhd = (unsigned int)dmar->count[PL_DMAR_DRHD];
	d->drhd_ord = calloc(d->nr_drhd ? d->nr_drhd : 1, sizeof(int));
	if (!d->drhd_ord)
		return plimp_fail(c, -ENOMEM, "out of memory");
	for (size_t u = 0; u < dmar->nunits; u++) {
		const struct pl_dmar_unit *un = &dmar->units[u];
		struct probelab_fw_iommu io;
		char want[PROBELAB_FW_NAME_LEN], origin[96];
		int ret;

		if (un->type != PL_DMAR_DRHD)
			continue;
		memset(&io, 0, sizeof(io));
		io.model = PROBELAB_FW_IOMMU_VTD;
		io.segment = un->u.drhd.segment;
		io.base = un->u.drhd.register_base;
		if (un->u.drhd.flags & PL_DMAR_DRHD_INCLUDE_PCI_ALL)
			io.flags = PROBELAB_FW_VTD_INCLUDE_PCI_ALL;
		snprintf(want, sizeof(want), "dmar%zu", un->index);
		if (c->host && !host_dmar(c, io.base, want, sizeof(want),
					  &io.features))
			unnamed++;
		ret = plimp_name(c, PLIMP_NS_IOMMU, want, io.name);
		if (ret)
			return plimp_fail(c, ret, "%s: DRHD at 0x%zx: no unique name",
					  imp->source, un->offset);
		snprintf(origin, sizeof(origin), "DMAR DRHD %zu at 0x%zx",
			 un->index, un->offset);
		ret = pl_topo_add_iommu(imp->builder, &io, origin);
		if (ret < 0)
			return plimp_fail(c, ret, "%s: %s: %s", imp->source,
					  origin, strerror(-ret));
		d->drhd_ord[un->index] = ret;
		plimp_seg_add(c, io.segment);
	}
	if (unnamed)
		plimp_note(imp, "%u DRHD(s) have no sysfs instance with their register base (VT-d off?): named dmarN by table order, features unknown",
			   unnamed);
	if (!c->host)
		plimp_note(imp, "VT-d features (pass-through, caching mode) are not in the DMAR: none set");
	return 0;
}

static int andd_endpoint(struct dctx *d, const struct pl_dmar *dmar,
			 const struct pl_dmar_unit *un,
			 const struct pl_dmar_scope *s, int *andd_ep)
{
	struct plimp_ctx *c = d->c;
	struct pl_import *imp = c->imp;
	const struct pl_dmar_unit *andd;
	char name[PROBELAB_FW_NAME_LEN], origin[128], why[96];
	uint32_t id;
	int ep, ret;

	if (s->andd_unit < 0) {
		plimp_note(imp, "DMAR ACPI namespace scope at 0x%zx: no ANDD with device number %u: left out",
			   s->offset, s->enumeration_id);
		return 0;
	}
	andd = &dmar->units[s->andd_unit];
	ep = andd_ep[s->andd_unit];
	if (ep < 0) {
		ret = plimp_name(c, PLIMP_NS_ENDPOINT, andd->u.andd.name, name);
		if (ret)
			return plimp_fail(c, ret, "%s: ANDD at 0x%zx: no unique name",
					  imp->source, andd->offset);
		snprintf(origin, sizeof(origin), "DMAR ANDD %zu at 0x%zx (\"%s\")",
			 andd->index, andd->offset, andd->u.andd.name);
		ep = pl_topo_add_endpoint(imp->builder, name, origin);
		if (ep < 0)
			return plimp_fail(c, ep, "%s: %s: %s", imp->source,
					  origin, strerror(-ep));
		andd_ep[s->andd_unit] = ep;
		snprintf(why, sizeof(why), "ACPI namespace device %s",
			 andd->u.andd.name);
		ret = plimp_add_named(imp, name, why);
		if (ret < 0 && ret != -E2BIG)
			return plimp_fail(c, ret, "out of memory");
	} else {
		plimp_note(imp, "DMAR ANDD \"%s\" is in the scope of several DRHDs: one endpoint with a specifier for each",
			   andd->u.andd.name);
	}
	/* dmar_acpi_insert_dev_scope(): the start bus and the first hop */
	id = (uint32_t)s->start_bus << 8 |
	     (uint32_t)(s->hops[0].device << 3 | s->hops[0].function);
	snprintf(origin, sizeof(origin), "DMAR scope at 0x%zx (DRHD %zu, ANDD %u)",
		 s->offset, un->index, s->enumeration_id);
	ret = pl_topo_add_spec(imp->builder, (unsigned int)ep,
			       (unsigned int)d->drhd_ord[un->index], id, 0,
			       origin);
	if (ret < 0)
		return plimp_fail(c, ret, "%s: %s: %s", imp->source, origin,
				  strerror(-ret));
	return 0;
}

static int collect_scopes(struct dctx *d, const struct pl_dmar *dmar)
{
	struct plimp_ctx *c = d->c;
	struct pl_import *imp = c->imp;
	unsigned int ioapic = 0, hpet = 0, other = 0, redundant = 0;
	int *andd_ep;
	int ret = 0;

	andd_ep = malloc((dmar->nunits ? dmar->nunits : 1) * sizeof(int));
	if (!andd_ep)
		return plimp_fail(c, -ENOMEM, "out of memory");
	for (size_t u = 0; u < dmar->nunits; u++)
		andd_ep[u] = -1;
	for (size_t u = 0; u < dmar->nunits && !ret; u++) {
		const struct pl_dmar_unit *un = &dmar->units[u];
		bool all = un->type == PL_DMAR_DRHD &&
			   (un->u.drhd.flags & PL_DMAR_DRHD_INCLUDE_PCI_ALL);

		if (un->type != PL_DMAR_DRHD)
			continue;
		for (size_t k = 0; k < un->nscopes && !ret; k++) {
			const struct pl_dmar_scope *s = &un->scopes[k];
			struct dscope *ds;

			switch (s->type) {
			case PL_DMAR_SCOPE_IOAPIC:
				ioapic++;
				continue;
			case PL_DMAR_SCOPE_HPET:
				hpet++;
				continue;
			case PL_DMAR_SCOPE_ACPI_NAMESPACE:
				ret = andd_endpoint(d, dmar, un, s, andd_ep);
				continue;
			case PL_DMAR_SCOPE_PCI_ENDPOINT:
			case PL_DMAR_SCOPE_PCI_BRIDGE:
				break;
			default:
				other++;
				continue;
			}
			if (all) {
				redundant++;
				continue;
			}
			if (s->nhops > PROBELAB_FW_MAX_HOPS) {
				ret = plimp_fail(c, -E2BIG, "%s: DMAR scope at 0x%zx: path of %zu hops; the description takes at most %u",
						 imp->source, s->offset, s->nhops,
						 PROBELAB_FW_MAX_HOPS);
				break;
			}
			if (d->nr_scopes >= PROBELAB_FW_MAX_SCOPES) {
				ret = plimp_fail(c, -E2BIG, "%s: DMAR scope at 0x%zx: more than %u PCI scopes",
						 imp->source, s->offset,
						 PROBELAB_FW_MAX_SCOPES);
				break;
			}
			ds = realloc(d->scopes, (d->nr_scopes + 1) * sizeof(*ds));
			if (!ds) {
				ret = plimp_fail(c, -ENOMEM, "out of memory");
				break;
			}
			d->scopes = ds;
			ds = &d->scopes[d->nr_scopes++];
			memset(ds, 0, sizeof(*ds));
			ds->segment = un->u.drhd.segment;
			ds->offset = s->offset;
			ds->drhd = (unsigned int)un->index;
			ds->parent = -1;
			ds->target = -1;
			ds->s.iommu = (uint16_t)d->drhd_ord[un->index];
			ds->s.type = s->type == PL_DMAR_SCOPE_PCI_ENDPOINT ?
				     PROBELAB_FW_SCOPE_ENDPOINT :
				     PROBELAB_FW_SCOPE_BRIDGE;
			ds->s.start_bus = s->start_bus;
			ds->s.nr_hops = (uint8_t)s->nhops;
			for (size_t h = 0; h < s->nhops; h++)
				ds->s.hops[h] = (uint8_t)(s->hops[h].device << 3 |
							  s->hops[h].function);
		}
	}
	free(andd_ep);
	if (ret)
		return ret;
	if (ioapic || hpet)
		plimp_note(imp, "%u IOAPIC and %u HPET scope(s) (interrupt remapping) left out",
			   ioapic, hpet);
	if (other)
		plimp_note(imp, "%u scope(s) of a reserved type left out", other);
	if (redundant)
		plimp_note(imp, "%u PCI scope(s) of INCLUDE_PCI_ALL DRHDs left out: the DRHD takes those functions anyway",
			   redundant);
	return 0;
}

static int file_tree(struct dctx *d)
{
	for (unsigned int i = 0; i < d->nr_scopes; i++) {
		struct dscope *ds = &d->scopes[i];
		int parent = -1;

		for (unsigned int h = 0; h + 1 < ds->s.nr_hops; h++) {
			parent = node_get(d, ds->segment, parent, ds->s.start_bus,
					  ds->s.hops[h], ds->offset);
			if (parent < 0)
				return parent;
		}
		ds->parent = parent;
		if (ds->s.type == PROBELAB_FW_SCOPE_BRIDGE) {
			ds->target = node_get(d, ds->segment, parent,
					      ds->s.start_bus,
					      ds->s.hops[ds->s.nr_hops - 1],
					      ds->offset);
			if (ds->target < 0)
				return ds->target;
		}
	}
	return synthesize(d);
}

static int add_bridges(struct dctx *d)
{
	struct pl_import *imp = d->c->imp;

	for (unsigned int i = 0; i < d->nr_nodes; i++) {
		const struct dnode *n = &d->nodes[i];
		struct probelab_fw_bridge br;
		char origin[160];
		int ret;

		memset(&br, 0, sizeof(br));
		br.segment = n->segment;
		br.bus = node_bus(d, n);
		br.devfn = n->devfn;
		br.secondary = n->secondary;
		br.subordinate = n->subordinate;
		snprintf(origin, sizeof(origin), "DMAR scope at 0x%zx: bridge %04x:%02x:%02x.%u (buses %02x-%02x synthesized)",
			 n->origin, n->segment, br.bus, n->devfn >> 3,
			 n->devfn & 7, n->secondary, n->subordinate);
		ret = pl_topo_add_bridge(imp->builder, &br, origin);
		if (ret < 0)
			return plimp_fail(d->c, ret, "%s: %s: %s", imp->source,
					  origin, strerror(-ret));
	}
	if (d->nr_nodes) {
		imp->synth_buses = true;
		plimp_note(imp, "%u bridge record(s) with synthesized bus numbers: a DMAR names bridges by path, not by the buses behind them",
			   d->nr_nodes);
	}
	return 0;
}

static int add_scopes(struct dctx *d)
{
	struct plimp_ctx *c = d->c;
	struct pl_import *imp = c->imp;

	for (unsigned int i = 0; i < d->nr_scopes; i++) {
		struct dscope *ds = &d->scopes[i];
		char origin[128], why[96], path[64];
		bool dup = false;
		int ret;

		if (c->host) {
			if (!host_resolve(d, ds)) {
				ds->s.nr_hops = 0;
				continue;
			}
		} else {
			ds->bus = ds->parent < 0 ? ds->s.start_bus :
				  d->nodes[ds->parent].secondary;
			ds->devfn = ds->s.hops[ds->s.nr_hops - 1];
		}
		for (unsigned int k = 0; k < i; k++)
			if (d->scopes[k].s.iommu == ds->s.iommu &&
			    d->scopes[k].segment == ds->segment &&
			    d->scopes[k].bus == ds->bus &&
			    d->scopes[k].devfn == ds->devfn &&
			    d->scopes[k].s.nr_hops)
				dup = true;
		path_str(&ds->s, path, sizeof(path));
		if (dup) {
			plimp_note(imp, "DMAR scope at 0x%zx (%02x:%s) repeats an earlier scope of its DRHD: left out",
				   ds->offset, ds->s.start_bus, path);
			ds->s.nr_hops = 0;
			continue;
		}
		snprintf(origin, sizeof(origin), "DMAR scope at 0x%zx (DRHD %u, %02x:%s)",
			 ds->offset, ds->drhd, ds->s.start_bus, path);
		ret = pl_topo_add_scope(imp->builder, &ds->s, origin);
		if (ret < 0)
			return plimp_fail(c, ret, "%s: %s: %s", imp->source,
					  origin, strerror(-ret));
		if (c->host)
			continue;
		snprintf(why, sizeof(why), "%s scope %02x:%s of %s",
			 ds->s.type == PROBELAB_FW_SCOPE_ENDPOINT ? "endpoint" :
			 "bridge", ds->s.start_bus, path,
			 c->names[PLIMP_NS_IOMMU][ds->s.iommu]);
		ret = plimp_add_pci(imp, ds->segment, ds->bus, ds->devfn, why);
		if (ret < 0 && ret != -E2BIG)
			return plimp_fail(c, ret, "out of memory");
		if (ds->s.type == PROBELAB_FW_SCOPE_BRIDGE) {
			snprintf(why, sizeof(why), "behind bridge scope %02x:%s of %s",
				 ds->s.start_bus, path,
				 c->names[PLIMP_NS_IOMMU][ds->s.iommu]);
			ret = plimp_add_pci(imp, ds->segment,
					    d->nodes[ds->target].secondary, 0,
					    why);
			if (ret < 0 && ret != -E2BIG)
				return plimp_fail(c, ret, "out of memory");
		}
	}
	return 0;
}

/*
 * File mode, once the description is parsed: one device per
 * INCLUDE_PCI_ALL DRHD, the first function (bus by bus, device by device,
 * function 0) that no scope or bridge scope of another DRHD takes.
 */
static int post_include_all(struct pl_import *imp, void *ctx)
{
	const struct dpost *p = ctx;
	uint8_t *taken;

	taken = malloc(65536 / 8);
	if (!taken)
		return -ENOMEM;
	for (unsigned int i = 0; i < p->nr; i++) {
		bool done = false;

		memset(taken, 0, 65536 / 8);
		for (unsigned int k = 0; k < imp->nr_devices; k++) {
			const struct pl_import_device *d = &imp->devices[k];
			unsigned int rid = d->bus << 8 | d->devfn;

			if (d->kind == PL_TOPO_DEV_PCI &&
			    d->segment == p->all[i].segment)
				taken[rid / 8] |= (uint8_t)(1u << (rid % 8));
		}
		for (unsigned int bus = 0; bus < 256 && !done; bus++)
			for (unsigned int dev = 0; dev < 32 && !done; dev++) {
				struct pl_fw_vtd_match m;
				uint8_t devfn = (uint8_t)(dev << 3);
				unsigned int rid = bus << 8 | devfn;
				char why[96];
				int ret;

				if (taken[rid / 8] & (1u << (rid % 8)))
					continue;
				if (pl_fwdesc_vtd_match(imp->desc, p->all[i].segment,
							(uint8_t)bus, devfn, &m) ||
				    m.kind != PL_FW_VTD_INCLUDE_ALL ||
				    m.iommu != p->all[i].iommu)
					continue;
				if (pl_fwdesc_find_bridge(imp->desc, p->all[i].segment,
							  (uint8_t)bus, devfn) >= 0)
					continue;
				snprintf(why, sizeof(why), "INCLUDE_PCI_ALL of %s",
					 imp->desc->iommus[p->all[i].iommu].name);
				ret = plimp_add_pci(imp, p->all[i].segment,
						    (uint8_t)bus, devfn, why);
				if (ret < 0 && ret != -E2BIG) {
					free(taken);
					return ret;
				}
				done = true;
			}
	}
	free(taken);
	return 0;
}

int plimp_dmar(struct plimp_ctx *c, const struct pl_dmar *dmar)
{
	struct pl_import *imp = c->imp;
	struct dctx d;
	struct dpost *post;
	int ret;

	memset(&d, 0, sizeof(d));
	d.c = c;
	ret = add_drhds(&d, dmar);
	if (!ret)
		ret = collect_scopes(&d, dmar);
	if (!ret && !c->host)
		ret = file_tree(&d);
	if (!ret && !c->host)
		ret = add_bridges(&d);
	if (!ret)
		ret = add_scopes(&d);
	if (!ret) {
		size_t skip = dmar->count[PL_DMAR_RMRR] + dmar->count[PL_DMAR_ATSR] +
			      dmar->count[PL_DMAR_RHSA] + dmar->count[PL_DMAR_SATC] +
			      dmar->count[PL_DMAR_SIDP] + dmar->count[PL_DMAR_NTYPES];

		if (skip)
			plimp_note(imp, "RMRR %zu, ATSR %zu, RHSA %zu, SATC %zu, SIDP %zu, reserved %zu structure(s): no DMA translation inputs, left out",
				   dmar->count[PL_DMAR_RMRR],
				   dmar->count[PL_DMAR_ATSR],
				   dmar->count[PL_DMAR_RHSA],
				   dmar->count[PL_DMAR_SATC],
				   dmar->count[PL_DMAR_SIDP],
				   dmar->count[PL_DMAR_NTYPES]);
	}
	if (!ret && !c->host) {
		post = calloc(1, sizeof(*post));
		if (!post) {
			ret = plimp_fail(c, -ENOMEM, "out of memory");
		} else {
			for (size_t u = 0; u < dmar->nunits; u++) {
				const struct pl_dmar_unit *un = &dmar->units[u];

				if (un->type != PL_DMAR_DRHD ||
				    !(un->u.drhd.flags & PL_DMAR_DRHD_INCLUDE_PCI_ALL) ||
				    post->nr >= PROBELAB_FW_MAX_IOMMUS)
					continue;
				post->all[post->nr].segment = un->u.drhd.segment;
				post->all[post->nr].iommu =
					(uint32_t)d.drhd_ord[un->index];
				post->nr++;
			}
			c->post = post_include_all;
			c->post_ctx = post;
		}
	}
	free(d.nodes);
	free(d.scopes);
	free(d.drhd_ord);
	return ret;
}

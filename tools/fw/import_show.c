// SPDX-License-Identifier: GPL-2.0
/*
 * probelab firmware import: `probelab fw show` - an import printed for
 * people (instances, scopes, bridges, root complexes with their ID maps,
 * endpoints, the lab devices with what they resolve to, the groups that
 * implies, and the notes), or as one JSON object.
 */
#define PL_IMPORT_INTERNAL
#include "import.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char *const smmu_feat[] = {
	"2lvl_strtab", "ats", "pri", "coherent", "stall",
};
static const char *const vtd_feat[] = { "passthrough", "caching_mode" };

static const char *kind_title(enum pl_fw_kind k)
{
	switch (k) {
	case PL_FW_DMAR:
		return "ACPI DMAR";
	case PL_FW_IORT:
		return "ACPI IORT";
	case PL_FW_FDT:
		return "device tree";
	default:
		return "?";
	}
}

static void features_str(const struct pl_fw_iommu *io, char *buf, size_t len)
{
	const char *const *names = io->model == PROBELAB_FW_IOMMU_VTD ?
				   vtd_feat : smmu_feat;
	unsigned int n = io->model == PROBELAB_FW_IOMMU_VTD ? 2 : 5;
	size_t o = 0;

	buf[0] = '\0';
	for (unsigned int i = 0; i < n && o < len; i++)
		if (io->features & (1u << i))
			o += (size_t)snprintf(buf + o, len - o, "%s%s",
					      o ? "," : "", names[i]);
}

static void bdf_str(uint16_t seg, uint8_t bus, uint8_t devfn, char *buf,
		    size_t len)
{
	snprintf(buf, len, "%04x:%02x:%02x.%u", seg, bus, devfn >> 3,
		 devfn & 7);
}

static void rid_str(uint16_t rid, char *buf, size_t len)
{
	snprintf(buf, len, "%02x:%02x.%u", rid >> 8, (rid >> 3) & 0x1f,
		 rid & 7);
}

static void path_str(const struct pl_fw_scope *s, char *buf, size_t len)
{
	size_t o = (size_t)snprintf(buf, len, "%02x:", s->start_bus);

	for (unsigned int i = 0; i < s->nr_hops && o < len; i++)
		o += (size_t)snprintf(buf + o, len - o, "%s%02x.%u",
				      i ? "/" : "", s->hops[i] >> 3,
				      s->hops[i] & 7);
}

static const char *origin(const struct pl_import *imp, uint32_t rec)
{
	const char *o = pl_import_rec_origin(imp, rec);

	return o ? o : "";
}

/* IDs of a device on its first instance, "0x308,0x300*" */
static void ids_str(const struct pl_import *imp,
		    const struct pl_import_device *d, char *buf, size_t len)
{
	size_t o = 0;

	buf[0] = '\0';
	if (d->xlate == -ENODEV) {
		snprintf(buf, len, "no IOMMU");
		return;
	}
	if (d->xlate == -ENOSPC) {
		snprintf(buf, len, "more than %u IDs", PL_IMPORT_MAX_REFS);
		return;
	}
	for (unsigned int i = 0; i < d->nr_refs && o < len; i++) {
		const char *sep = i ? " " : "";

		if (d->refs[i].iommu != d->refs[0].iommu)
			o += (size_t)snprintf(buf + o, len - o, "%s%s:", sep,
					      pl_import_iommu_name(imp,
							d->refs[i].iommu)),
			sep = "";
		o += (size_t)snprintf(buf + o, len - o, "%s0x%x", sep,
				      d->refs[i].id);
		if (d->refs[i].mask && o < len)
			o += (size_t)snprintf(buf + o, len - o, "/0x%x",
					      d->refs[i].mask);
		if ((d->group_only & (1u << i)) && o < len)
			o += (size_t)snprintf(buf + o, len - o, "*");
	}
}

static void aliases_str(const struct pl_import_device *d, char *buf,
			size_t len)
{
	size_t o = 0;
	char r[16];

	buf[0] = '\0';
	for (unsigned int i = 0; i < d->nr_topo && o < len; i++) {
		rid_str(d->topo[i], r, sizeof(r));
		o += (size_t)snprintf(buf + o, len - o, "%s%s", o ? " " : "",
				      r);
	}
	for (unsigned int i = 0; i < d->nr_group_aliases && o < len; i++) {
		rid_str(d->group_aliases[i], r, sizeof(r));
		o += (size_t)snprintf(buf + o, len - o, "%s%s(group)",
				      o ? " " : "", r);
	}
}

static void print_iommus(const struct pl_import *imp, FILE *out)
{
	const struct pl_fwdesc *d = imp->desc;

	fprintf(out, "\ninstances: %u\n", d->nr_iommus);
	if (!d->nr_iommus)
		return;
	fprintf(out, "  %-26s %-7s %-18s %s\n", "NAME", "MODEL", "BASE",
		"DETAIL");
	for (uint32_t i = 0; i < d->nr_iommus; i++) {
		const struct pl_fw_iommu *io = &d->iommus[i];
		char feat[96], detail[200];

		features_str(io, feat, sizeof(feat));
		if (io->model == PROBELAB_FW_IOMMU_VTD)
			snprintf(detail, sizeof(detail), "segment %u%s%s%s",
				 io->segment,
				 io->flags & PROBELAB_FW_VTD_INCLUDE_PCI_ALL ?
				 ", INCLUDE_PCI_ALL" : "",
				 feat[0] ? ", " : "", feat);
		else
			snprintf(detail, sizeof(detail), "%u-bit stream IDs%s%s",
				 io->sid_bits, feat[0] ? ", " : "", feat);
		fprintf(out, "  %-26s %-7s 0x%016llx %s\n", io->name,
			io->model == PROBELAB_FW_IOMMU_VTD ? "vtd" : "smmuv3",
			(unsigned long long)io->base, detail);
		fprintf(out, "  %-26s from %s\n", "", origin(imp, io->rec));
	}
}

static void print_scopes(const struct pl_import *imp, FILE *out)
{
	const struct pl_fwdesc *d = imp->desc;

	if (!d->nr_scopes)
		return;
	fprintf(out, "\nDRHD device scopes: %u\n", d->nr_scopes);
	fprintf(out, "  %-12s %-8s %-20s %-13s %s\n", "IOMMU", "TYPE", "PATH",
		"TARGET", "COVERS");
	for (uint32_t i = 0; i < d->nr_scopes; i++) {
		const struct pl_fw_scope *s = &d->scopes[i];
		const struct pl_fw_iommu *io = &d->iommus[s->iommu];
		char path[64], tgt[20], cov[40] = "";

		path_str(s, path, sizeof(path));
		bdf_str(io->segment, s->bus, s->devfn, tgt, sizeof(tgt));
		if (s->type == PROBELAB_FW_SCOPE_BRIDGE &&
		    s->bridge != PL_FW_NONE)
			snprintf(cov, sizeof(cov), "and buses %02x-%02x",
				 d->bridges[s->bridge].secondary,
				 d->bridges[s->bridge].subordinate);
		fprintf(out, "  %-12s %-8s %-20s %-13s %s\n", io->name,
			s->type == PROBELAB_FW_SCOPE_ENDPOINT ? "endpoint" :
			"bridge", path, tgt, cov);
	}
}

static void print_bridges(const struct pl_import *imp, FILE *out)
{
	const struct pl_fwdesc *d = imp->desc;

	if (!d->nr_bridges)
		return;
	fprintf(out, "\nPCI bridges: %u%s\n", d->nr_bridges, imp->synth_buses ?
		" (bus numbers synthesized: the DMAR has paths, not buses)" : "");
	fprintf(out, "  %-13s %-6s %-12s %s\n", "BRIDGE", "BUSES", "KIND",
		"FROM");
	for (uint32_t i = 0; i < d->nr_bridges; i++) {
		const struct pl_fw_bridge *b = &d->bridges[i];
		char bdf[20], buses[8];

		bdf_str(b->segment, b->bus, b->devfn, bdf, sizeof(bdf));
		snprintf(buses, sizeof(buses), "%02x-%02x", b->secondary,
			 b->subordinate);
		fprintf(out, "  %-13s %-6s %-12s %s\n", bdf, buses,
			b->flags & PROBELAB_FW_BRIDGE_PCIE_TO_PCI ?
			"pcie-to-pci" : "", origin(imp, b->rec));
	}
}

static void print_rcs(const struct pl_import *imp, FILE *out)
{
	const struct pl_fwdesc *d = imp->desc;

	if (!d->nr_rcs)
		return;
	fprintf(out, "\nroot complexes: %u\n", d->nr_rcs);
	for (uint32_t i = 0; i < d->nr_rcs; i++) {
		const struct pl_fw_rc *rc = &d->rcs[i];

		fprintf(out, "  %s: segment %u, buses %02x-%02x", rc->name,
			rc->segment, rc->bus_start, rc->bus_end);
		if (rc->rid_mask != 0xffff)
			fprintf(out, ", requester IDs masked with 0x%04x",
				rc->rid_mask);
		fprintf(out, "%s (from %s)\n",
			rc->nr_maps ? "" : ", no ID map: no IOMMU below it",
			origin(imp, rc->rec));
		for (uint32_t k = 0; k < rc->nr_maps; k++) {
			const struct pl_fw_idmap *m = &d->idmaps[rc->map_first + k];

			if (m->flags & PROBELAB_FW_IDMAP_SINGLE)
				fprintf(out, "    every RID         -> %s stream 0x%x (single mapping)\n",
					d->iommus[m->iommu].name, m->output_base);
			else
				fprintf(out, "    RID 0x%04x-0x%04x -> %s streams 0x%x-0x%x\n",
					m->rid_base, m->rid_base + m->length - 1,
					d->iommus[m->iommu].name, m->output_base,
					m->output_base + m->length - 1);
		}
	}
}

static void print_endpoints(const struct pl_import *imp, FILE *out)
{
	const struct pl_fwdesc *d = imp->desc;

	if (!d->nr_endpoints)
		return;
	fprintf(out, "\nnamed endpoints: %u\n", d->nr_endpoints);
	for (uint32_t i = 0; i < d->nr_endpoints; i++) {
		const struct pl_fw_endpoint *e = &d->endpoints[i];
		uint32_t last = PL_FW_NONE;

		fprintf(out, "  %-31s", e->name);
		for (uint32_t k = 0; k < e->nr_specs; k++) {
			const struct pl_fw_spec *s = &d->specs[e->spec_first + k];

			if (s->iommu != last)
				fprintf(out, " %s:", d->iommus[s->iommu].name);
			else
				fprintf(out, ",");
			last = s->iommu;
			fprintf(out, "0x%x", s->id);
			if (s->mask)
				fprintf(out, "/0x%x", s->mask);
		}
		fprintf(out, "\n  %-31s from %s\n", "", origin(imp, e->rec));
	}
}

static void print_devices(const struct pl_import *imp, FILE *out)
{
	bool star = false;

	fprintf(out, "\nlab devices `fw import` creates: %u\n", imp->nr_devices);
	if (!imp->nr_devices)
		return;
	fprintf(out, "  %-24s %-26s %-22s %-5s %s\n", "DEVICE", "IOMMU", "IDS",
		"GROUP", "WHY / DMA ALIASES");
	for (unsigned int i = 0; i < imp->nr_devices; i++) {
		const struct pl_import_device *d = &imp->devices[i];
		char name[40], ids[200], al[200], grp[12] = "-";

		pl_import_dev_name(d, name, sizeof(name));
		ids_str(imp, d, ids, sizeof(ids));
		aliases_str(d, al, sizeof(al));
		if (d->group)
			snprintf(grp, sizeof(grp), "%u", d->group);
		star |= d->group_only != 0;
		fprintf(out, "  %-24s %-26s %-22s %-5s %s%s%s\n", name,
			d->nr_refs ? pl_import_iommu_name(imp, d->refs[0].iommu) :
			"-", ids, grp, d->why, al[0] ? "; aliases " : "", al);
	}
	if (star)
		fprintf(out, "  (* an ID only a group alias gives: it makes the lab group the device as Linux does)\n");
}

static void print_groups(const struct pl_import *imp, FILE *out)
{
	fprintf(out, "\ngroups these devices form: %u\n", imp->nr_groups);
	for (unsigned int g = 1; g <= imp->nr_groups; g++) {
		unsigned int n = 0, first = 0;

		for (unsigned int i = 0; i < imp->nr_devices; i++)
			if (imp->devices[i].group == g) {
				if (!n)
					first = i;
				n++;
			}
		fprintf(out, "  %-4u %-26s", g, pl_import_iommu_name(imp,
			imp->devices[first].refs[0].iommu));
		for (unsigned int i = 0; i < imp->nr_devices; i++) {
			char name[40];

			if (imp->devices[i].group != g)
				continue;
			fprintf(out, " %s", pl_import_dev_name(&imp->devices[i],
							      name, sizeof(name)));
		}
		fputc('\n', out);
	}
}

int pl_import_print(const struct pl_import *imp, FILE *out)
{
	const struct pl_fwdesc *d = imp->desc;

	fprintf(out, "%s %s%s\n", kind_title(imp->kind), imp->source,
		imp->host ? " with this machine's PCI functions" : "");
	fprintf(out, "description: %u IOMMUs, %u endpoints, %u specifiers, %u root complexes, %u ID maps, %u bridges, %u scopes (%zu bytes)\n",
		d->nr_iommus, d->nr_endpoints, d->nr_specs, d->nr_rcs,
		d->nr_idmaps, d->nr_bridges, d->nr_scopes, imp->len);
	print_iommus(imp, out);
	print_scopes(imp, out);
	print_bridges(imp, out);
	print_rcs(imp, out);
	print_endpoints(imp, out);
	print_devices(imp, out);
	print_groups(imp, out);
	if (imp->nr_notes) {
		fprintf(out, "\nnotes:\n");
		for (unsigned int i = 0; i < imp->nr_notes; i++)
			fprintf(out, "  - %s\n", imp->notes[i]);
		if (imp->notes_dropped)
			fprintf(out, "  - (%u more notes)\n", imp->notes_dropped);
	}
	fflush(out);
	return ferror(out) ? -EIO : 0;
}

/* ---------------------------------------------------------------- JSON */

static json_object *jstr(const char *s)
{
	return json_object_new_string(s ? s : "");
}

static json_object *jhex(uint64_t v)
{
	char b[24];

	snprintf(b, sizeof(b), "0x%llx", (unsigned long long)v);
	return json_object_new_string(b);
}

static json_object *jrid_array(const uint16_t *rids, unsigned int n)
{
	json_object *a = json_object_new_array();
	char r[16];

	for (unsigned int i = 0; i < n; i++) {
		rid_str(rids[i], r, sizeof(r));
		json_object_array_add(a, jstr(r));
	}
	return a;
}

json_object *pl_import_dev_json(const struct pl_import *imp,
				const struct pl_import_device *d)
{
	json_object *o = json_object_new_object(), *refs;
	char name[40];

	json_object_object_add(o, "device", jstr(pl_import_dev_name(d, name,
								   sizeof(name))));
	json_object_object_add(o, "kind", jstr(d->kind == PL_TOPO_DEV_PCI ?
					       "pci" : "named"));
	json_object_object_add(o, "why", jstr(d->why));
	if (d->kind == PL_TOPO_DEV_PCI) {
		json_object_object_add(o, "rid", json_object_new_int(
			d->bus << 8 | d->devfn));
		json_object_object_add(o, "aliases",
				       jrid_array(d->aliases, d->nr_aliases));
		json_object_object_add(o, "dma_aliases",
				       jrid_array(d->topo, d->nr_topo));
		json_object_object_add(o, "group_aliases",
				       jrid_array(d->group_aliases,
						  d->nr_group_aliases));
	}
	json_object_object_add(o, "iommu", d->nr_refs ?
			       jstr(pl_import_iommu_name(imp, d->refs[0].iommu)) :
			       NULL);
	refs = json_object_new_array();
	for (unsigned int i = 0; i < d->nr_refs; i++) {
		json_object *r = json_object_new_object();

		json_object_object_add(r, "iommu",
				       jstr(pl_import_iommu_name(imp, d->refs[i].iommu)));
		json_object_object_add(r, "id", json_object_new_int64(d->refs[i].id));
		json_object_object_add(r, "mask",
				       json_object_new_int64(d->refs[i].mask));
		json_object_object_add(r, "group_only", json_object_new_boolean(
			(d->group_only >> i) & 1));
		json_object_array_add(refs, r);
	}
	json_object_object_add(o, "refs", refs);
	if (d->xlate)
		json_object_object_add(o, "xlate", jstr(d->xlate == -ENODEV ?
			"no IOMMU" : "too many IDs"));
	json_object_object_add(o, "group", d->group ?
			       json_object_new_int((int)d->group) : NULL);
	return o;
}

static json_object *json_iommus(const struct pl_import *imp)
{
	const struct pl_fwdesc *d = imp->desc;
	json_object *a = json_object_new_array();

	for (uint32_t i = 0; i < d->nr_iommus; i++) {
		const struct pl_fw_iommu *io = &d->iommus[i];
		json_object *o = json_object_new_object(), *f;
		const char *const *names = io->model == PROBELAB_FW_IOMMU_VTD ?
					   vtd_feat : smmu_feat;
		unsigned int nf = io->model == PROBELAB_FW_IOMMU_VTD ? 2 : 5;

		json_object_object_add(o, "name", jstr(io->name));
		json_object_object_add(o, "model", jstr(io->model ==
			PROBELAB_FW_IOMMU_VTD ? "vtd" : "smmuv3"));
		json_object_object_add(o, "base", jhex(io->base));
		if (io->model == PROBELAB_FW_IOMMU_VTD) {
			json_object_object_add(o, "segment",
					       json_object_new_int(io->segment));
			json_object_object_add(o, "include_pci_all",
				json_object_new_boolean(io->flags &
					PROBELAB_FW_VTD_INCLUDE_PCI_ALL));
		} else {
			json_object_object_add(o, "sid_bits",
					       json_object_new_int(io->sid_bits));
		}
		f = json_object_new_array();
		for (unsigned int k = 0; k < nf; k++)
			if (io->features & (1u << k))
				json_object_array_add(f, jstr(names[k]));
		json_object_object_add(o, "features", f);
		json_object_object_add(o, "origin", jstr(origin(imp, io->rec)));
		json_object_array_add(a, o);
	}
	return a;
}

static json_object *json_scopes(const struct pl_import *imp)
{
	const struct pl_fwdesc *d = imp->desc;
	json_object *a = json_object_new_array();

	for (uint32_t i = 0; i < d->nr_scopes; i++) {
		const struct pl_fw_scope *s = &d->scopes[i];
		json_object *o = json_object_new_object(), *p;
		char b[24];

		json_object_object_add(o, "iommu", jstr(d->iommus[s->iommu].name));
		json_object_object_add(o, "type", jstr(s->type ==
			PROBELAB_FW_SCOPE_ENDPOINT ? "endpoint" : "bridge"));
		json_object_object_add(o, "start_bus",
				       json_object_new_int(s->start_bus));
		p = json_object_new_array();
		for (unsigned int k = 0; k < s->nr_hops; k++) {
			snprintf(b, sizeof(b), "%02x.%u", s->hops[k] >> 3,
				 s->hops[k] & 7);
			json_object_array_add(p, jstr(b));
		}
		json_object_object_add(o, "path", p);
		bdf_str(d->iommus[s->iommu].segment, s->bus, s->devfn, b,
			sizeof(b));
		json_object_object_add(o, "target", jstr(b));
		json_object_object_add(o, "origin", jstr(origin(imp, s->rec)));
		json_object_array_add(a, o);
	}
	return a;
}

static json_object *json_bridges(const struct pl_import *imp)
{
	const struct pl_fwdesc *d = imp->desc;
	json_object *a = json_object_new_array();

	for (uint32_t i = 0; i < d->nr_bridges; i++) {
		const struct pl_fw_bridge *b = &d->bridges[i];
		json_object *o = json_object_new_object();
		char bdf[20];

		bdf_str(b->segment, b->bus, b->devfn, bdf, sizeof(bdf));
		json_object_object_add(o, "bdf", jstr(bdf));
		json_object_object_add(o, "secondary",
				       json_object_new_int(b->secondary));
		json_object_object_add(o, "subordinate",
				       json_object_new_int(b->subordinate));
		json_object_object_add(o, "pcie_to_pci", json_object_new_boolean(
			b->flags & PROBELAB_FW_BRIDGE_PCIE_TO_PCI));
		json_object_object_add(o, "origin", jstr(origin(imp, b->rec)));
		json_object_array_add(a, o);
	}
	return a;
}

static json_object *json_rcs(const struct pl_import *imp)
{
	const struct pl_fwdesc *d = imp->desc;
	json_object *a = json_object_new_array();

	for (uint32_t i = 0; i < d->nr_rcs; i++) {
		const struct pl_fw_rc *rc = &d->rcs[i];
		json_object *o = json_object_new_object();
		json_object *maps = json_object_new_array();

		json_object_object_add(o, "name", jstr(rc->name));
		json_object_object_add(o, "segment",
				       json_object_new_int(rc->segment));
		json_object_object_add(o, "bus_start",
				       json_object_new_int(rc->bus_start));
		json_object_object_add(o, "bus_end",
				       json_object_new_int(rc->bus_end));
		json_object_object_add(o, "rid_mask", jhex(rc->rid_mask));
		json_object_object_add(o, "origin", jstr(origin(imp, rc->rec)));
		for (uint32_t k = 0; k < rc->nr_maps; k++) {
			const struct pl_fw_idmap *m = &d->idmaps[rc->map_first + k];
			json_object *mo = json_object_new_object();

			json_object_object_add(mo, "single", json_object_new_boolean(
				m->flags & PROBELAB_FW_IDMAP_SINGLE));
			json_object_object_add(mo, "rid_base", jhex(m->rid_base));
			json_object_object_add(mo, "length", jhex(m->length));
			json_object_object_add(mo, "iommu",
					       jstr(d->iommus[m->iommu].name));
			json_object_object_add(mo, "output_base",
					       jhex(m->output_base));
			json_object_object_add(mo, "origin",
					       jstr(origin(imp, m->rec)));
			json_object_array_add(maps, mo);
		}
		json_object_object_add(o, "id_maps", maps);
		json_object_array_add(a, o);
	}
	return a;
}

static json_object *json_endpoints(const struct pl_import *imp)
{
	const struct pl_fwdesc *d = imp->desc;
	json_object *a = json_object_new_array();

	for (uint32_t i = 0; i < d->nr_endpoints; i++) {
		const struct pl_fw_endpoint *e = &d->endpoints[i];
		json_object *o = json_object_new_object();
		json_object *sp = json_object_new_array();

		json_object_object_add(o, "name", jstr(e->name));
		json_object_object_add(o, "origin", jstr(origin(imp, e->rec)));
		for (uint32_t k = 0; k < e->nr_specs; k++) {
			const struct pl_fw_spec *s = &d->specs[e->spec_first + k];
			json_object *so = json_object_new_object();

			json_object_object_add(so, "iommu",
					       jstr(d->iommus[s->iommu].name));
			json_object_object_add(so, "id", json_object_new_int64(s->id));
			json_object_object_add(so, "mask",
					       json_object_new_int64(s->mask));
			json_object_array_add(sp, so);
		}
		json_object_object_add(o, "specs", sp);
		json_object_array_add(a, o);
	}
	return a;
}

json_object *pl_import_json(const struct pl_import *imp)
{
	const struct pl_fwdesc *d = imp->desc;
	json_object *o = json_object_new_object(), *a, *c;

	if (!o)
		return NULL;
	json_object_object_add(o, "source", jstr(imp->source));
	json_object_object_add(o, "kind", jstr(pl_fw_kind_name(imp->kind)));
	json_object_object_add(o, "host", json_object_new_boolean(imp->host));
	c = json_object_new_object();
	json_object_object_add(c, "bytes", json_object_new_int64((int64_t)imp->len));
	json_object_object_add(c, "iommus", json_object_new_int64(d->nr_iommus));
	json_object_object_add(c, "endpoints",
			       json_object_new_int64(d->nr_endpoints));
	json_object_object_add(c, "specs", json_object_new_int64(d->nr_specs));
	json_object_object_add(c, "root_complexes",
			       json_object_new_int64(d->nr_rcs));
	json_object_object_add(c, "idmaps", json_object_new_int64(d->nr_idmaps));
	json_object_object_add(c, "bridges",
			       json_object_new_int64(d->nr_bridges));
	json_object_object_add(c, "scopes", json_object_new_int64(d->nr_scopes));
	json_object_object_add(o, "description", c);
	json_object_object_add(o, "synthesized_buses",
			       json_object_new_boolean(imp->synth_buses));
	json_object_object_add(o, "arm_smmu_v1v2_as_smmuv3",
			       json_object_new_int((int)imp->nr_arm_smmu_v2));
	json_object_object_add(o, "iommus", json_iommus(imp));
	json_object_object_add(o, "scopes", json_scopes(imp));
	json_object_object_add(o, "bridges", json_bridges(imp));
	json_object_object_add(o, "root_complexes", json_rcs(imp));
	json_object_object_add(o, "endpoints", json_endpoints(imp));
	a = json_object_new_array();
	for (unsigned int i = 0; i < imp->nr_devices; i++)
		json_object_array_add(a, pl_import_dev_json(imp, &imp->devices[i]));
	json_object_object_add(o, "devices", a);
	a = json_object_new_array();
	for (unsigned int g = 1; g <= imp->nr_groups; g++) {
		json_object *go = json_object_new_object();
		json_object *members = json_object_new_array();
		const char *iommu = NULL;

		for (unsigned int i = 0; i < imp->nr_devices; i++) {
			char name[40];

			if (imp->devices[i].group != g)
				continue;
			if (!iommu)
				iommu = pl_import_iommu_name(imp,
						imp->devices[i].refs[0].iommu);
			json_object_array_add(members, jstr(pl_import_dev_name(
				&imp->devices[i], name, sizeof(name))));
		}
		json_object_object_add(go, "group", json_object_new_int((int)g));
		json_object_object_add(go, "iommu", jstr(iommu));
		json_object_object_add(go, "devices", members);
		json_object_array_add(a, go);
	}
	json_object_object_add(o, "groups", a);
	a = json_object_new_array();
	for (unsigned int i = 0; i < imp->nr_notes; i++)
		json_object_array_add(a, jstr(imp->notes[i]));
	json_object_object_add(o, "notes", a);
	if (imp->notes_dropped)
		json_object_object_add(o, "notes_dropped",
				       json_object_new_int((int)imp->notes_dropped));
	return o;
}

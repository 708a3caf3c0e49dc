// SPDX-License-Identifier: GPL-2.0
/*
 * probelab firmware import: device tree -> SMMUv3-model description.
 *
 *  - every available node with #iommu-cells whose compatible is
 *    arm,smmu-v3 (SMMUv3) or an arm,smmu binding (arm,smmu-v1/v2,
 *    arm,mmu-400/401/500, SoC MMU-500s, cavium,smmu-v2: the parser's
 *    SMMUV1V2 class) is an SMMUv3-model IOMMU, named as Linux names its
 *    sysfs instance ("smmu3.0x<base>" / "smmu.0x<base>", the base being
 *    `reg` translated through the parents' `ranges`); `dma-coherent` ->
 *    coherent; SMMUv1/v2 are imported as stream-ID instances and a note
 *    says so.  Disabled IOMMUs and other IOMMUs (not an Arm SMMU) are left
 *    out.
 *  - an available node with `iommus` is an ENDPOINT named as Linux names
 *    its platform device ("<translated address>.<node name>", else the
 *    node name), sanitized to [A-Za-z0-9._-] and made unique.  Specifiers:
 *    arm,smmu-v3: the cell is the stream ID; arm,smmu: stream ID = cell 0
 *    & 0xffff, mask = cell 1 & 0xffff or the IOMMU's stream-match-mask
 *    (arm_smmu_of_xlate()).  A node naming a disabled IOMMU gets no
 *    endpoint (of_iommu_xlate() gives NO_IOMMU for the whole device);
 *    specifiers of non-Arm IOMMUs are dropped.
 *  - `iommu-map` of an available PCI host bridge (device_type "pci", or a
 *    node named pci/pcie, under no other PCI node) is a ROOT_COMPLEX:
 *    segment from sysfs in host mode, else linux,pci-domain, else the
 *    lowest domain no host bridge claims, in tree order (Linux allocates
 *    dynamic domains in probe order); buses from bus-range (0-255
 *    without); rid_mask = iommu-map-mask & 0xffff; one IDMAP per entry,
 *    first match wins (of_map_id()): requester IDs an earlier entry took
 *    are cut out of later ones, entries of length 0 match nothing,
 *    entries to a disabled or non-Arm IOMMU take their IDs without an
 *    IDMAP, inputs past 0xffff are dropped.  `iommu-map` of other nodes
 *    (fsl-mc, host1x, PCIe endpoint controllers) maps IDs that are not PCI
 *    requester IDs and is left out.
 */
#define PL_IMPORT_INTERNAL
#include "import.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <libfdt.h>

struct tspec {
	size_t user;
	size_t iommu;		/* pl_dt.iommus index */
	uint32_t id;
	uint32_t mask;
};

struct trc {
	size_t user;
	struct probelab_fw_rc rc;
	bool seg_known;
};

struct tmap {
	unsigned int rc;	/* index into trc */
	size_t iommu;
	struct probelab_fw_idmap m;
	unsigned int entry;
};

struct tctx {
	struct plimp_ctx *c;
	const struct pl_dt *dt;
	const void *fdt;
	int *ord;		/* IOMMU ordinal per pl_dt.iommus, -1 */
	uint64_t *max_id;
	struct tspec *specs;
	unsigned int nr_specs;
	struct trc *rcs;
	unsigned int nr_rcs;
	struct tmap *maps;
	unsigned int nr_maps;
	/* host mode: DT path -> PCI segment, from sysfs */
	unsigned int nr_hostseg;
	struct {
		char path[PL_DT_MAX_PATH];
		uint16_t segment;
	} *hostseg;
};

static bool available(const char *status)
{
	return !status || !strcmp(status, "okay") || !strcmp(status, "ok");
}

static bool prop_u32(const void *fdt, int off, const char *name, uint32_t *v)
{
	int len;
	const fdt32_t *p = fdt_getprop(fdt, off, name, &len);

	if (!p || len < 4)
		return false;
	*v = fdt32_to_cpu(p[0]);
	return true;
}

static bool prop_is(const void *fdt, int off, const char *name,
		    const char *val)
{
	int len;
	const char *p = fdt_getprop(fdt, off, name, &len);

	return p && len > 0 && strnlen(p, (size_t)len) < (size_t)len &&
	       !strcmp(p, val);
}

static uint64_t cells(const fdt32_t *p, int n)
{
	uint64_t v = 0;

	for (int i = 0; i < n; i++)
		v = v << 32 | fdt32_to_cpu(p[i]);
	return v;
}

/*
 * of_translate_address() for the first `reg` entry, through plain buses
 * (1 or 2 address cells): false when the node has no reg, a parent has
 * no `ranges`, no range covers the address or a bus has 3 address cells
 * (PCI).
 */
static bool translate_reg(const void *fdt, int off, uint64_t *addr)
{
	int parent = fdt_parent_offset(fdt, off);
	int na, ns, len;
	const fdt32_t *reg;
	uint64_t a;

	if (parent < 0)
		return false;
	na = fdt_address_cells(fdt, parent);
	reg = fdt_getprop(fdt, off, "reg", &len);
	if (!reg || na < 1 || na > 2 || len < na * 4)
		return false;
	a = cells(reg, na);
	for (int cur = parent; cur > 0; cur = fdt_parent_offset(fdt, cur)) {
		int gp = fdt_parent_offset(fdt, cur);
		int pna, rlen, step;
		const fdt32_t *r;
		bool hit = false;

		if (gp < 0)
			return false;
		na = fdt_address_cells(fdt, cur);
		ns = fdt_size_cells(fdt, cur);
		pna = fdt_address_cells(fdt, gp);
		if (na < 1 || na > 2 || pna < 1 || pna > 2 || ns < 0 || ns > 2)
			return false;
		r = fdt_getprop(fdt, cur, "ranges", &rlen);
		if (!r)
			return false;
		if (!rlen)
			continue;	/* identity */
		step = na + pna + ns;
		for (int i = 0; i + step <= rlen / 4 && !hit; i += step) {
			uint64_t cb = cells(r + i, na);
			uint64_t pb = cells(r + i + na, pna);
			uint64_t sz = cells(r + i + na + pna, ns);

			if (a >= cb && a - cb < sz) {
				a = pb + (a - cb);
				hit = true;
			}
		}
		if (!hit)
			return false;
	}
	*addr = a;
	return true;
}

/* Node name without the unit address. */
static void node_base_name(const void *fdt, int off, char *buf, size_t len)
{
	int nl;
	const char *n = fdt_get_name(fdt, off, &nl);
	const char *at;

	if (!n || nl <= 0) {
		snprintf(buf, len, "node");
		return;
	}
	at = memchr(n, '@', (size_t)nl);
	snprintf(buf, len, "%.*s", at ? (int)(at - n) : nl, n);
}

/* Linux's platform device name for a node (of_device_make_bus_id()). */
static void linux_dev_name(const void *fdt, int off, char *buf, size_t len)
{
	char base[64];
	uint64_t a;
	int nl;

	const char *name;

	node_base_name(fdt, off, base, sizeof(base));
	if (translate_reg(fdt, off, &a)) {
		snprintf(buf, len, "%llx.%s", (unsigned long long)a, base);
		return;
	}
	name = fdt_get_name(fdt, off, &nl);
	snprintf(buf, len, "%s", name ? name : "node");
}

static bool is_pci_type(const void *fdt, int off)
{
	char base[64];

	if (prop_is(fdt, off, "device_type", "pci"))
		return true;
	node_base_name(fdt, off, base, sizeof(base));
	return !strcmp(base, "pci") || !strcmp(base, "pcie");
}

static bool is_host_bridge(const void *fdt, int off)
{
	int parent = fdt_parent_offset(fdt, off);

	return is_pci_type(fdt, off) &&
	       (parent < 0 || !prop_is(fdt, parent, "device_type", "pci"));
}

/* Host mode: which DT node each PCI domain's host bridge came from. */
static int host_segments(struct tctx *t)
{
	char dir[700], link[1400], real[PATH_MAX], base[PATH_MAX];
	const char *root = t->c->host->root;
	struct dirent *de;
	size_t bl;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/firmware/devicetree/base", root);
	if (!realpath(dir, base))
		return 0;
	bl = strlen(base);
	snprintf(dir, sizeof(dir), "%s/bus/platform/devices", root);
	d = opendir(dir);
	if (!d)
		return 0;
	while ((de = readdir(d)) != NULL) {
		struct dirent *e;
		DIR *dd;

		if (de->d_name[0] == '.')
			continue;
		snprintf(link, sizeof(link), "%s/%s/of_node", dir, de->d_name);
		if (!realpath(link, real) || strncmp(real, base, bl) ||
		    (real[bl] && real[bl] != '/'))
			continue;
		snprintf(link, sizeof(link), "%s/%s", dir, de->d_name);
		dd = opendir(link);
		if (!dd)
			continue;
		while ((e = readdir(dd)) != NULL) {
			unsigned int seg, bus;
			void *p;

			if (sscanf(e->d_name, "pci%4x:%2x", &seg, &bus) != 2)
				continue;
			p = realloc(t->hostseg, (t->nr_hostseg + 1) *
				    sizeof(*t->hostseg));
			if (!p) {
				closedir(dd);
				closedir(d);
				return plimp_fail(t->c, -ENOMEM, "out of memory");
			}
			t->hostseg = p;
			snprintf(t->hostseg[t->nr_hostseg].path,
				 sizeof(t->hostseg[0].path), "%s",
				 real[bl] ? real + bl : "/");
			t->hostseg[t->nr_hostseg].segment = (uint16_t)seg;
			t->nr_hostseg++;
		}
		closedir(dd);
	}
	closedir(d);
	return 0;
}

/*
 * Segments of the PCI host bridges without sysfs knowledge: linux,pci-
 * domain, else the lowest number no node of type pci reserves and no
 * earlier host bridge took (of_pci_bus_find_domain_nr()).
 */
static int dt_segment(struct tctx *t, int off, uint16_t *seg, bool *guessed)
{
	const void *fdt = t->fdt;
	static bool used[8192];
	uint32_t v;
	char path[PL_DT_MAX_PATH];

	*guessed = false;
	if (t->c->host && !fdt_get_path(fdt, off, path, sizeof(path)))
		for (unsigned int i = 0; i < t->nr_hostseg; i++)
			if (!strcmp(t->hostseg[i].path, path)) {
				*seg = t->hostseg[i].segment;
				return 0;
			}
	if (prop_u32(fdt, off, "linux,pci-domain", &v)) {
		if (v > 0xffff)
			return -ERANGE;
		*seg = (uint16_t)v;
		return 0;
	}
	*guessed = true;
	memset(used, 0, sizeof(used));
	for (int n = fdt_next_node(fdt, -1, NULL); n >= 0;
	     n = fdt_next_node(fdt, n, NULL))
		if (prop_is(fdt, n, "device_type", "pci") &&
		    prop_u32(fdt, n, "linux,pci-domain", &v) && v < 8192)
			used[v] = true;
	for (int n = fdt_next_node(fdt, -1, NULL); n >= 0 && n < off;
	     n = fdt_next_node(fdt, n, NULL)) {
		const char *st;
		unsigned int k;

		if (!is_host_bridge(fdt, n) ||
		    prop_u32(fdt, n, "linux,pci-domain", &v))
			continue;
		st = fdt_getprop(fdt, n, "status", NULL);
		if (!available(st))
			continue;
		for (k = 0; k < 8192 && used[k]; k++)
			;
		if (k < 8192)
			used[k] = true;
	}
	for (unsigned int k = 0; k < 8192; k++)
		if (!used[k]) {
			*seg = (uint16_t)k;
			return 0;
		}
	return -ENOSPC;
}

static int push_spec(struct tctx *t, size_t user, size_t iommu, uint32_t id,
		     uint32_t mask, unsigned int first)
{
	struct tspec *p;

	/* the user's own specifiers start at @first */
	for (unsigned int i = first; i < t->nr_specs; i++)
		if (t->specs[i].iommu == iommu && t->specs[i].id == id &&
		    t->specs[i].mask == mask)
			return 0;
	if (t->nr_specs >= PROBELAB_FW_MAX_SPECS)
		return plimp_fail(t->c, -E2BIG, "%s: DT: more than %u IOMMU specifiers in all",
				  t->c->imp->source, PROBELAB_FW_MAX_SPECS);
	p = realloc(t->specs, (t->nr_specs + 1) * sizeof(*p));
	if (!p)
		return plimp_fail(t->c, -ENOMEM, "out of memory");
	t->specs = p;
	p[t->nr_specs].user = user;
	p[t->nr_specs].iommu = iommu;
	p[t->nr_specs].id = id;
	p[t->nr_specs].mask = mask;
	t->nr_specs++;
	if ((uint64_t)(id | mask) > t->max_id[iommu])
		t->max_id[iommu] = id | mask;
	return 1;
}

static int user_iommus(struct tctx *t, size_t u)
{
	const struct pl_dt_user *us = &t->dt->users[u];
	struct pl_import *imp = t->c->imp;
	unsigned int other = 0, count = 0, first = t->nr_specs;

	for (size_t k = 0; k < us->nspecs; k++) {
		const struct pl_dt_iommu *io = &t->dt->iommus[us->specs[k].iommu];

		if (!available(io->status)) {
			plimp_note(imp, "DT %s: its iommus names %s, which is disabled: no IOMMU for the device at all (of_iommu_xlate()), no endpoint",
				   us->path, io->path);
			return 0;
		}
	}
	for (size_t k = 0; k < us->nspecs; k++) {
		const struct pl_dt_spec *s = &us->specs[k];
		const struct pl_dt_iommu *io = &t->dt->iommus[s->iommu];
		uint32_t id = s->ncells ? s->cells[0] : 0, mask = 0;
		int ret;

		if (t->ord[s->iommu] < 0) {
			other++;
			continue;
		}
		if (io->kind == PL_DT_IOMMU_SMMUV1V2) {
			int off = fdt_path_offset(t->fdt, io->path);
			uint32_t smm;

			if (id > 0xffff)
				plimp_note(imp, "DT %s: specifier 0x%x of %s: arm,smmu stream IDs are 16 bits: 0x%x",
					   us->path, id, io->path, id & 0xffff);
			id &= 0xffff;
			if (s->ncells > 1)
				mask = s->cells[1] & 0xffff;
			else if (off >= 0 &&
				 prop_u32(t->fdt, off, "stream-match-mask", &smm))
				mask = smm & 0xffff;
		}
		if (count >= PROBELAB_FW_MAX_EP_SPECS)
			return plimp_fail(t->c, -E2BIG, "%s: DT %s: more than %u IOMMU specifiers; an endpoint takes at most %u",
					  imp->source, us->path,
					  PROBELAB_FW_MAX_EP_SPECS,
					  PROBELAB_FW_MAX_EP_SPECS);
		ret = push_spec(t, u, s->iommu, id, mask, first);
		if (ret < 0)
			return ret;
		if (ret)
			count++;
	}
	if (other)
		plimp_note(imp, "DT %s: %u specifier(s) of IOMMUs that are not Arm SMMUs dropped%s",
			   us->path, other, count ? "" : ": no endpoint");
	return 0;
}

static int user_map(struct tctx *t, size_t u)
{
	const struct pl_dt_user *us = &t->dt->users[u];
	struct pl_import *imp = t->c->imp;
	struct plimp_claims cl = { 0 };
	int off = fdt_path_offset(t->fdt, us->path);
	unsigned int shadowed = 0, unmapped = 0;
	struct trc *rc;
	bool guessed;
	uint32_t br[2];
	int len, ret = 0;
	const fdt32_t *p;

	if (off < 0 || !is_host_bridge(t->fdt, off)) {
		plimp_note(imp, "DT %s: iommu-map of a node that is no PCI host bridge (its IDs are not PCI requester IDs): left out",
			   us->path);
		return 0;
	}
	if (us->nmaps > PROBELAB_FW_MAX_IDMAPS)
		return plimp_fail(t->c, -E2BIG, "%s: DT %s: iommu-map of %zu entries; a description takes at most %u ID maps",
				  imp->source, us->path, us->nmaps,
				  PROBELAB_FW_MAX_IDMAPS);
	if (t->nr_rcs >= PROBELAB_FW_MAX_RCS)
		return plimp_fail(t->c, -E2BIG, "%s: DT %s: more than %u PCI host bridges with iommu-map",
				  imp->source, us->path, PROBELAB_FW_MAX_RCS);
	rc = realloc(t->rcs, (t->nr_rcs + 1) * sizeof(*rc));
	if (!rc)
		return plimp_fail(t->c, -ENOMEM, "out of memory");
	t->rcs = rc;
	rc = &t->rcs[t->nr_rcs];
	memset(rc, 0, sizeof(*rc));
	rc->user = u;
	ret = dt_segment(t, off, &rc->rc.segment, &guessed);
	if (ret)
		return plimp_fail(t->c, ret, "%s: DT %s: no PCI domain number (linux,pci-domain above 0xffff or none left)",
				  imp->source, us->path);
	if (guessed)
		plimp_note(imp, "DT %s: no linux,pci-domain%s: PCI segment %u assumed (Linux allocates domains in probe order)",
			   us->path, t->c->host ? " and no sysfs host bridge" : "",
			   rc->rc.segment);
	rc->rc.bus_start = 0;
	rc->rc.bus_end = 0xff;
	p = fdt_getprop(t->fdt, off, "bus-range", &len);
	if (p && len == 8) {
		br[0] = fdt32_to_cpu(p[0]);
		br[1] = fdt32_to_cpu(p[1]);
		if (br[0] <= br[1] && br[1] <= 0xff) {
			rc->rc.bus_start = (uint8_t)br[0];
			rc->rc.bus_end = (uint8_t)br[1];
		} else {
			plimp_note(imp, "DT %s: bus-range <%u %u> is not a range of bus numbers: buses 0-255 assumed",
				   us->path, br[0], br[1]);
		}
	}
	rc->rc.rid_mask = us->has_map_mask ? us->map_mask & 0xffff : 0xffff;
	t->nr_rcs++;
	for (size_t k = 0; k < us->nmaps && !ret; k++) {
		const struct pl_dt_map *m = &us->maps[k];
		struct plimp_range *pc = NULL;
		unsigned int np = 0;
		uint64_t end;

		if (!m->length)
			continue;	/* matches nothing (of_map_id()) */
		if (m->rid_base > 0xffff) {
			plimp_note(imp, "DT %s: iommu-map entry %zu starts at 0x%x, past 16-bit requester IDs: left out",
				   us->path, k, m->rid_base);
			continue;
		}
		end = (uint64_t)m->rid_base + m->length;
		if (end > 0x10000)
			end = 0x10000;
		ret = plimp_claim(&cl, m->rid_base, (uint32_t)end, &pc, &np);
		if (ret) {
			ret = plimp_fail(t->c, ret, "out of memory");
			break;
		}
		if (np != 1 || pc[0].start != m->rid_base || pc[0].end != end)
			shadowed++;
		if (t->ord[m->iommu] < 0)
			unmapped++;
		for (unsigned int q = 0; q < np && t->ord[m->iommu] >= 0; q++) {
			struct tmap *tm;
			uint64_t last = (uint64_t)m->iommu_base +
					(pc[q].start - m->rid_base) +
					(pc[q].end - pc[q].start) - 1;

			if (last > UINT32_MAX) {
				ret = plimp_fail(t->c, -EOVERFLOW, "%s: DT %s: iommu-map entry %zu: output IDs pass 32 bits",
						 imp->source, us->path, k);
				break;
			}
			if (t->nr_maps >= PROBELAB_FW_MAX_IDMAPS) {
				ret = plimp_fail(t->c, -E2BIG, "%s: DT %s: more than %u ID maps",
						 imp->source, us->path,
						 PROBELAB_FW_MAX_IDMAPS);
				break;
			}
			tm = realloc(t->maps, (t->nr_maps + 1) * sizeof(*tm));
			if (!tm) {
				ret = plimp_fail(t->c, -ENOMEM, "out of memory");
				break;
			}
			t->maps = tm;
			tm = &t->maps[t->nr_maps++];
			memset(tm, 0, sizeof(*tm));
			tm->rc = t->nr_rcs - 1;
			tm->iommu = m->iommu;
			tm->entry = (unsigned int)k;
			tm->m.rid_base = pc[q].start;
			tm->m.length = pc[q].end - pc[q].start;
			tm->m.output_base = m->iommu_base +
					    (pc[q].start - m->rid_base);
			if (last > t->max_id[m->iommu])
				t->max_id[m->iommu] = last;
		}
		free(pc);
	}
	plimp_claims_free(&cl);
	if (shadowed)
		plimp_note(imp, "DT %s: %u iommu-map entr%s overlap earlier ones: the requester IDs an earlier entry takes are cut out (first match wins)",
			   us->path, shadowed, shadowed == 1 ? "y" : "ies");
	if (unmapped)
		plimp_note(imp, "DT %s: %u iommu-map entr%s name a disabled or non-Arm IOMMU: those requester IDs have no IOMMU",
			   us->path, unmapped, unmapped == 1 ? "y" : "ies");
	return ret;
}

static int add_iommus(struct tctx *t)
{
	struct plimp_ctx *c = t->c;
	struct pl_import *imp = c->imp;
	unsigned int disabled = 0, other = 0;

	for (size_t i = 0; i < t->dt->niommus; i++) {
		const struct pl_dt_iommu *io = &t->dt->iommus[i];
		struct probelab_fw_iommu rec;
		char want[PL_DT_MAX_PATH + 32], origin[PL_DT_MAX_PATH + 32];
		int off, ret;
		uint64_t base;

		if (t->ord[i] < 0)
			continue;
		off = fdt_path_offset(t->fdt, io->path);
		memset(&rec, 0, sizeof(rec));
		rec.model = PROBELAB_FW_IOMMU_SMMUV3;
		rec.sid_bits = plimp_sid_bits(t->max_id[i]);
		if (off >= 0 && fdt_getprop(t->fdt, off, "dma-coherent", NULL))
			rec.features |= PROBELAB_FW_SMMUV3_F_COHERENT;
		if (off >= 0 && translate_reg(t->fdt, off, &base)) {
			rec.base = base;
			snprintf(want, sizeof(want), "%s.0x%016llx",
				 io->kind == PL_DT_IOMMU_SMMUV3 ? "smmu3" : "smmu",
				 (unsigned long long)base);
		} else {
			snprintf(want, sizeof(want), "%s",
				 strrchr(io->path, '/') ? strrchr(io->path, '/') + 1 :
				 io->path);
		}
		ret = plimp_name(c, PLIMP_NS_IOMMU, want, rec.name);
		if (ret)
			return plimp_fail(c, ret, "%s: DT %s: no unique name",
					  imp->source, io->path);
		snprintf(origin, sizeof(origin), "DT %s", io->path);
		ret = pl_topo_add_iommu(imp->builder, &rec, origin);
		if (ret < 0)
			return plimp_fail(c, ret, "%s: %s: %s", imp->source,
					  origin, strerror(-ret));
		t->ord[i] = ret;
		if (io->kind == PL_DT_IOMMU_SMMUV1V2) {
			imp->nr_arm_smmu_v2++;
			plimp_note(imp, "DT %s (%s) imported as %s, an SMMUv3-model stream-ID instance: the probe layer treats every Arm SMMU alike",
				   io->path, io->ncompat ? io->compat[0] : "?",
				   rec.name);
		}
	}
	for (size_t i = 0; i < t->dt->niommus; i++) {
		if (!available(t->dt->iommus[i].status))
			disabled++;
		else if (t->dt->iommus[i].kind == PL_DT_IOMMU_OTHER)
			other++;
	}
	if (disabled || other)
		plimp_note(imp, "%u disabled IOMMU node(s) and %u IOMMU node(s) that are not Arm SMMUs left out",
			   disabled, other);
	return 0;
}

static int add_users(struct tctx *t)
{
	struct plimp_ctx *c = t->c;
	struct pl_import *imp = c->imp;
	size_t cur = SIZE_MAX;
	int ep = -1, ret;

	/* the specifiers of one user are contiguous (user_iommus()) */
	for (unsigned int s = 0; s < t->nr_specs; s++) {
		const struct pl_dt_user *us = &t->dt->users[t->specs[s].user];
		char origin[PL_DT_MAX_PATH + 16];

		if (t->specs[s].user != cur) {
			char want[128], name[PROBELAB_FW_NAME_LEN], why[96];
			int off = fdt_path_offset(t->fdt, us->path);

			cur = t->specs[s].user;
			if (off >= 0)
				linux_dev_name(t->fdt, off, want, sizeof(want));
			else
				snprintf(want, sizeof(want), "%s", us->path);
			ret = plimp_name(c, PLIMP_NS_ENDPOINT, want, name);
			if (ret)
				return plimp_fail(c, ret, "%s: DT %s: no unique name",
						  imp->source, us->path);
			snprintf(origin, sizeof(origin), "DT %s iommus", us->path);
			ep = pl_topo_add_endpoint(imp->builder, name, origin);
			if (ep < 0)
				return plimp_fail(c, ep, "%s: %s: %s", imp->source,
						  origin, strerror(-ep));
			snprintf(why, sizeof(why), "iommus of %.80s", us->path);
			ret = plimp_add_named(imp, name, why);
			if (ret < 0 && ret != -E2BIG)
				return plimp_fail(c, ret, "out of memory");
		}
		snprintf(origin, sizeof(origin), "DT %s iommus", us->path);
		ret = pl_topo_add_spec(imp->builder, (unsigned int)ep,
				       (unsigned int)t->ord[t->specs[s].iommu],
				       t->specs[s].id, t->specs[s].mask, origin);
		if (ret < 0)
			return plimp_fail(c, ret, "%s: %s: %s", imp->source,
					  origin, strerror(-ret));
	}
	return 0;
}

static int add_rcs(struct tctx *t)
{
	struct plimp_ctx *c = t->c;
	struct pl_import *imp = c->imp;
	int *rc_ord;

	rc_ord = calloc(t->nr_rcs ? t->nr_rcs : 1, sizeof(*rc_ord));
	if (!rc_ord)
		return plimp_fail(c, -ENOMEM, "out of memory");
	for (unsigned int i = 0; i < t->nr_rcs; i++) {
		const struct pl_dt_user *us = &t->dt->users[t->rcs[i].user];
		char want[128], origin[PL_DT_MAX_PATH + 16];
		int off = fdt_path_offset(t->fdt, us->path), ret;

		if (off >= 0)
			linux_dev_name(t->fdt, off, want, sizeof(want));
		else
			snprintf(want, sizeof(want), "%s", us->path);
		ret = plimp_name(c, PLIMP_NS_RC, want, t->rcs[i].rc.name);
		if (!ret) {
			snprintf(origin, sizeof(origin), "DT %s iommu-map",
				 us->path);
			ret = pl_topo_add_rc(imp->builder, &t->rcs[i].rc, origin);
		}
		if (ret < 0) {
			free(rc_ord);
			return plimp_fail(c, ret, "%s: DT %s: %s", imp->source,
					  us->path, strerror(-ret));
		}
		rc_ord[i] = ret;
		plimp_seg_add(c, t->rcs[i].rc.segment);
		plimp_rc_range_add(c, t->rcs[i].rc.segment,
				   t->rcs[i].rc.bus_start, t->rcs[i].rc.bus_end);
	}
	for (unsigned int k = 0; k < t->nr_maps; k++) {
		struct tmap *m = &t->maps[k];
		const struct trc *rc = &t->rcs[m->rc];
		char origin[PL_DT_MAX_PATH + 32];
		int ret;

		m->m.rc = (uint16_t)rc_ord[m->rc];
		m->m.iommu = (uint16_t)t->ord[m->iommu];
		snprintf(origin, sizeof(origin), "DT %s iommu-map entry %u",
			 t->dt->users[rc->user].path, m->entry);
		ret = pl_topo_add_idmap(imp->builder, &m->m, origin);
		if (ret >= 0 && !c->host)
			ret = plimp_rc_samples(imp, rc->rc.segment,
					       rc->rc.bus_start, rc->rc.bus_end,
					       (uint16_t)rc->rc.rid_mask, &m->m,
					       rc->rc.name);
		if (ret < 0) {
			free(rc_ord);
			return plimp_fail(c, ret, "%s: %s: %s", imp->source,
					  origin, strerror(-ret));
		}
	}
	free(rc_ord);
	return 0;
}

int plimp_dt(struct plimp_ctx *c, const struct pl_dt *dt)
{
	struct pl_import *imp = c->imp;
	size_t ni = dt->niommus ? dt->niommus : 1;
	unsigned int off_users = 0;
	struct tctx t;
	int ret = 0;

	memset(&t, 0, sizeof(t));
	t.c = c;
	t.dt = dt;
	t.fdt = c->buf;
	t.ord = malloc(ni * sizeof(int));
	t.max_id = calloc(ni, sizeof(uint64_t));
	if (!t.ord || !t.max_id) {
		ret = plimp_fail(c, -ENOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < dt->niommus; i++) {
		const struct pl_dt_iommu *io = &dt->iommus[i];

		t.ord[i] = available(io->status) && io->kind != PL_DT_IOMMU_OTHER ?
			   0 : -1;
	}
	if (c->host) {
		ret = host_segments(&t);
		if (ret)
			goto out;
	}
	for (size_t u = 0; u < dt->nusers && !ret; u++) {
		const struct pl_dt_user *us = &dt->users[u];

		if (!available(us->status)) {
			off_users++;
			continue;
		}
		if (us->has_iommus)
			ret = user_iommus(&t, u);
		if (!ret && us->has_map)
			ret = user_map(&t, u);
	}
	if (!ret && off_users)
		plimp_note(imp, "%u disabled node(s) with iommus or iommu-map left out (Linux creates no device for them)",
			   off_users);
	if (!ret)
		ret = add_iommus(&t);
	if (!ret)
		ret = add_users(&t);
	if (!ret)
		ret = add_rcs(&t);
out:
	free(t.ord);
	free(t.max_id);
	free(t.specs);
	free(t.rcs);
	free(t.maps);
	free(t.hostseg);
	return ret;
}

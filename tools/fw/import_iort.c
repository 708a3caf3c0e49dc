// SPDX-License-Identifier: GPL-2.0
/*
 * probelab firmware import: ACPI IORT -> SMMUv3-model description.
 *
 *  - SMMUv3 nodes are SMMUv3 IOMMUs named as Linux names their sysfs
 *    instance, "smmu3.0x<base, 16 hex digits>"; SMMUv1/v2 (MMU-400/401/
 *    500, ThunderX) nodes are imported as SMMUv3-model stream-ID instances
 *    named "smmu.0x<base>" (the probe layer treats every Arm SMMU alike;
 *    the hardware model is SMMUv3's), and a note says so for each.  The
 *    stream-ID width is the smallest of 16 or more bits that holds every
 *    stream ID the table maps to the SMMU; coherent from the SMMUv3 COHACC
 *    override or the SMMUv1/v2 coherent-walk flag.
 *  - a root complex is a ROOT_COMPLEX (its segment, buses 0-255, no mask)
 *    with one IDMAP per ID mapping to an SMMU (length = id_count + 1;
 *    single mappings -> SINGLE).  Mappings are searched in order and the
 *    first match wins (iort_node_map_id()), so input IDs an earlier
 *    mapping took are cut out of later ones; a mapping to an ITS group
 *    (no SMMU: MSIs only) takes its IDs but adds no IDMAP; input IDs past
 *    0xffff are no requester IDs and are dropped.  A single mapping after
 *    range mappings would need a constant output for the remaining IDs,
 *    which a description cannot say: refused (-EOPNOTSUPP).  A second root
 *    complex node of a segment is left out (Linux uses the first).
 *  - a named component with mappings to an SMMU is an ENDPOINT named
 *    after its ACPI path, with one SPEC per output stream ID (a single
 *    mapping gives its output base, a range every ID of it); its ITS
 *    mappings are ignored.  (Linux 6.1's iort_nc_iommu_map() only follows
 *    single mappings; the table describes the others as well.)
 *  - SMMU mappings to ITS groups (MSIs), ITS groups, PMCG, RMR and IWB
 *    nodes carry no DMA translation input and are left out.
 */
#define PL_IMPORT_INTERNAL
#include "import.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char *const smmu_models[] = {
	"generic SMMUv1", "generic SMMUv2", "MMU-400", "MMU-500", "MMU-401",
	"Cavium ThunderX SMMUv2",
};

struct imap {
	size_t rc;		/* node index */
	size_t smmu;		/* node index */
	struct probelab_fw_idmap m;
	size_t off;		/* of the mapping in the table */
};

struct ispec {
	size_t nc;
	size_t smmu;
	uint32_t id;
	size_t off;
};

struct ictx {
	struct plimp_ctx *c;
	const struct pl_iort *iort;
	int *ord;		/* IOMMU ordinal per node, -1 */
	int *rc_ord;		/* ROOT_COMPLEX ordinal per node, -1 */
	uint64_t *max_id;	/* largest stream ID per SMMU node */
	struct imap *maps;
	unsigned int nr_maps;
	struct ispec *specs;
	unsigned int nr_specs;
};

static bool is_smmu(const struct pl_iort_node *n)
{
	return n->type == PL_IORT_SMMUV3 || n->type == PL_IORT_SMMUV1V2;
}

static int push_map(struct ictx *x, size_t rc, size_t smmu,
		    const struct probelab_fw_idmap *m, size_t off)
{
	struct imap *p;
	uint64_t last;

	if (x->nr_maps >= PROBELAB_FW_MAX_IDMAPS)
		return plimp_fail(x->c, -E2BIG, "%s: IORT mapping at 0x%zx: more than %u ID maps",
				  x->c->imp->source, off, PROBELAB_FW_MAX_IDMAPS);
	last = (uint64_t)m->output_base +
	       ((m->flags & PROBELAB_FW_IDMAP_SINGLE) ? 0 : m->length - 1);
	if (last > UINT32_MAX)
		return plimp_fail(x->c, -EOVERFLOW, "%s: IORT mapping at 0x%zx: output IDs pass 32 bits",
				  x->c->imp->source, off);
	p = realloc(x->maps, (x->nr_maps + 1) * sizeof(*p));
	if (!p)
		return plimp_fail(x->c, -ENOMEM, "out of memory");
	x->maps = p;
	p[x->nr_maps].rc = rc;
	p[x->nr_maps].smmu = smmu;
	p[x->nr_maps].m = *m;
	p[x->nr_maps].off = off;
	x->nr_maps++;
	if (last > x->max_id[smmu])
		x->max_id[smmu] = last;
	return 0;
}

/* The ID mappings of one root complex node, first match first. */
static int rc_maps(struct ictx *x, size_t i)
{
	const struct pl_iort_node *n = &x->iort->nodes[i];
	struct pl_import *imp = x->c->imp;
	struct plimp_claims cl = { 0 };
	int ret = 0;

	for (uint32_t k = 0; k < n->mapping_count && !ret; k++) {
		const struct pl_iort_map *m = &n->maps[k];
		const struct pl_iort_node *out = &x->iort->nodes[m->output_node];
		struct probelab_fw_idmap im;
		struct plimp_range *pc = NULL;
		unsigned int np = 0;
		uint64_t end;

		memset(&im, 0, sizeof(im));
		if (m->flags & PL_IORT_MAP_SINGLE) {
			if (cl.nr && is_smmu(out)) {
				ret = plimp_fail(x->c, -EOPNOTSUPP, "%s: IORT root complex at 0x%zx: single mapping at 0x%zx after range mappings maps every remaining requester ID to stream ID 0x%x, which a description cannot express (a SINGLE map must be a root complex's only map)",
						 imp->source, n->offset, m->offset,
						 m->output_base);
				break;
			}
			if (!cl.nr && is_smmu(out)) {
				im.flags = PROBELAB_FW_IDMAP_SINGLE;
				im.output_base = m->output_base;
				ret = push_map(x, i, m->output_node, &im, m->offset);
			}
			if (k + 1 < n->mapping_count)
				plimp_note(imp, "IORT root complex at 0x%zx: the single mapping at 0x%zx matches every requester ID: the %u mapping(s) after it are never used",
					   n->offset, m->offset,
					   n->mapping_count - k - 1);
			break;
		}
		if (m->input_base > 0xffff) {
			plimp_note(imp, "IORT mapping at 0x%zx: input IDs 0x%x.. are no 16-bit requester IDs: left out",
				   m->offset, m->input_base);
			continue;
		}
		end = (uint64_t)m->input_base + m->id_count + 1;
		if (end > 0x10000)
			end = 0x10000;
		ret = plimp_claim(&cl, m->input_base, (uint32_t)end, &pc, &np);
		if (ret) {
			ret = plimp_fail(x->c, ret, "out of memory");
			break;
		}
		if (np != 1 || pc[0].start != m->input_base || pc[0].end != end)
			plimp_note(imp, "IORT mapping at 0x%zx: input IDs an earlier mapping of its root complex takes are cut out (first match wins)",
				   m->offset);
		for (unsigned int p = 0; p < np && !ret && is_smmu(out); p++) {
			im.rid_base = pc[p].start;
			im.length = pc[p].end - pc[p].start;
			im.output_base = m->output_base +
					 (pc[p].start - m->input_base);
			ret = push_map(x, i, m->output_node, &im, m->offset);
		}
		free(pc);
	}
	plimp_claims_free(&cl);
	return ret;
}

static int nc_specs(struct ictx *x, size_t i)
{
	const struct pl_iort_node *n = &x->iort->nodes[i];
	struct pl_import *imp = x->c->imp;
	unsigned int its = 0, count = 0, first = x->nr_specs;

	for (uint32_t k = 0; k < n->mapping_count; k++) {
		const struct pl_iort_map *m = &n->maps[k];
		uint64_t nids = (m->flags & PL_IORT_MAP_SINGLE) ? 1 :
				(uint64_t)m->id_count + 1;

		if (!is_smmu(&x->iort->nodes[m->output_node])) {
			its++;
			continue;
		}
		if (nids > PROBELAB_FW_MAX_EP_SPECS ||
		    count + nids > PROBELAB_FW_MAX_EP_SPECS)
			return plimp_fail(x->c, -E2BIG, "%s: IORT named component at 0x%zx (\"%s\"): more than %u stream IDs; an endpoint takes at most %u specifiers",
					  imp->source, n->offset,
					  n->u.nc.device_name,
					  PROBELAB_FW_MAX_EP_SPECS,
					  PROBELAB_FW_MAX_EP_SPECS);
		for (uint64_t j = 0; j < nids; j++) {
			uint64_t id = (uint64_t)m->output_base + j;
			bool dup = false;
			struct ispec *p;

			if (id > UINT32_MAX)
				return plimp_fail(x->c, -EOVERFLOW, "%s: IORT mapping at 0x%zx: output IDs pass 32 bits",
						  imp->source, m->offset);
			for (unsigned int s = first; s < x->nr_specs; s++)
				if (x->specs[s].smmu == m->output_node &&
				    x->specs[s].id == id)
					dup = true;
			if (dup)
				continue;
			if (x->nr_specs >= PROBELAB_FW_MAX_SPECS)
				return plimp_fail(x->c, -E2BIG, "%s: IORT named component at 0x%zx: more than %u specifiers in all",
						  imp->source, n->offset,
						  PROBELAB_FW_MAX_SPECS);
			p = realloc(x->specs, (x->nr_specs + 1) * sizeof(*p));
			if (!p)
				return plimp_fail(x->c, -ENOMEM, "out of memory");
			x->specs = p;
			p[x->nr_specs].nc = i;
			p[x->nr_specs].smmu = m->output_node;
			p[x->nr_specs].id = (uint32_t)id;
			p[x->nr_specs].off = m->offset;
			x->nr_specs++;
			count++;
			if (id > x->max_id[m->output_node])
				x->max_id[m->output_node] = id;
		}
	}
	if (its)
		plimp_note(imp, "IORT named component at 0x%zx (\"%s\"): %u mapping(s) to ITS groups (MSIs) ignored",
			   n->offset, n->u.nc.device_name, its);
	if (!count)
		plimp_note(imp, "IORT named component at 0x%zx (\"%s\"): no mapping to an SMMU: no endpoint",
			   n->offset, n->u.nc.device_name);
	return 0;
}

static int add_smmus(struct ictx *x)
{
	struct plimp_ctx *c = x->c;
	struct pl_import *imp = c->imp;

	for (size_t i = 0; i < x->iort->nnodes; i++) {
		const struct pl_iort_node *n = &x->iort->nodes[i];
		struct probelab_fw_iommu io;
		char want[40], origin[96];
		int ret;

		if (!is_smmu(n))
			continue;
		memset(&io, 0, sizeof(io));
		io.model = PROBELAB_FW_IOMMU_SMMUV3;
		io.sid_bits = plimp_sid_bits(x->max_id[i]);
		if (n->type == PL_IORT_SMMUV3) {
			io.base = n->u.smmuv3.base;
			if (n->u.smmuv3.flags & 0x1)	/* COHACC override */
				io.features |= PROBELAB_FW_SMMUV3_F_COHERENT;
			snprintf(want, sizeof(want), "smmu3.0x%016llx",
				 (unsigned long long)io.base);
		} else {
			io.base = n->u.smmu.base;
			if (n->u.smmu.flags & 0x2)	/* coherent walk */
				io.features |= PROBELAB_FW_SMMUV3_F_COHERENT;
			snprintf(want, sizeof(want), "smmu.0x%016llx",
				 (unsigned long long)io.base);
		}
		ret = plimp_name(c, PLIMP_NS_IOMMU, want, io.name);
		if (ret)
			return plimp_fail(c, ret, "%s: IORT node at 0x%zx: no unique name",
					  imp->source, n->offset);
		snprintf(origin, sizeof(origin), "IORT %s node at 0x%zx",
			 n->type == PL_IORT_SMMUV3 ? "SMMUv3" : "SMMUv1/v2",
			 n->offset);
		ret = pl_topo_add_iommu(imp->builder, &io, origin);
		if (ret < 0)
			return plimp_fail(c, ret, "%s: %s: %s", imp->source,
					  origin, strerror(-ret));
		x->ord[i] = ret;
		if (n->type == PL_IORT_SMMUV1V2) {
			imp->nr_arm_smmu_v2++;
			plimp_note(imp, "IORT SMMUv1/v2 node at 0x%zx (%s, base 0x%llx) imported as %s, an SMMUv3-model stream-ID instance: the probe layer treats every Arm SMMU alike",
				   n->offset, n->u.smmu.model <
				   sizeof(smmu_models) / sizeof(smmu_models[0]) ?
				   smmu_models[n->u.smmu.model] : "unknown model",
				   (unsigned long long)io.base, io.name);
		}
	}
	return 0;
}

static int add_rcs(struct ictx *x)
{
	struct plimp_ctx *c = x->c;
	struct pl_import *imp = c->imp;

	for (size_t i = 0; i < x->iort->nnodes; i++) {
		const struct pl_iort_node *n = &x->iort->nodes[i];
		struct probelab_fw_rc rc;
		char want[40], origin[96];
		int ret;

		if (x->rc_ord[i] != -2)
			continue;
		memset(&rc, 0, sizeof(rc));
		rc.segment = (uint16_t)n->u.rc.segment;
		rc.bus_start = 0;
		rc.bus_end = 0xff;
		rc.rid_mask = 0xffff;
		snprintf(want, sizeof(want), "pci%04x", rc.segment);
		ret = plimp_name(c, PLIMP_NS_RC, want, rc.name);
		if (ret)
			return plimp_fail(c, ret, "%s: IORT node at 0x%zx: no unique name",
					  imp->source, n->offset);
		snprintf(origin, sizeof(origin), "IORT root complex at 0x%zx (segment %u)",
			 n->offset, rc.segment);
		ret = pl_topo_add_rc(imp->builder, &rc, origin);
		if (ret < 0)
			return plimp_fail(c, ret, "%s: %s: %s", imp->source,
					  origin, strerror(-ret));
		x->rc_ord[i] = ret;
		plimp_seg_add(c, rc.segment);
		plimp_rc_range_add(c, rc.segment, rc.bus_start, rc.bus_end);
	}
	for (unsigned int k = 0; k < x->nr_maps; k++) {
		struct imap *m = &x->maps[k];
		const struct pl_iort_node *n = &x->iort->nodes[m->rc];
		char origin[96];
		int ret;

		m->m.rc = (uint16_t)x->rc_ord[m->rc];
		m->m.iommu = (uint16_t)x->ord[m->smmu];
		snprintf(origin, sizeof(origin), "IORT mapping at 0x%zx (root complex at 0x%zx)",
			 m->off, n->offset);
		ret = pl_topo_add_idmap(imp->builder, &m->m, origin);
		if (ret < 0)
			return plimp_fail(c, ret, "%s: %s: %s", imp->source,
					  origin, strerror(-ret));
		if (!c->host) {
			ret = plimp_rc_samples(imp, (uint16_t)n->u.rc.segment,
					       0, 0xff, 0xffff, &m->m,
					       c->names[PLIMP_NS_RC][m->m.rc]);
			if (ret)
				return plimp_fail(c, ret, "out of memory");
		}
	}
	return 0;
}

static int add_ncs(struct ictx *x)
{
	struct plimp_ctx *c = x->c;
	struct pl_import *imp = c->imp;
	size_t cur = SIZE_MAX;
	int ep = -1, ret;

	/* the specifiers of one named component are contiguous (nc_specs()) */
	for (unsigned int s = 0; s < x->nr_specs; s++) {
		const struct pl_iort_node *n = &x->iort->nodes[x->specs[s].nc];
		char origin[160];

		if (x->specs[s].nc != cur) {
			char name[PROBELAB_FW_NAME_LEN], why[96];

			cur = x->specs[s].nc;
			ret = plimp_name(c, PLIMP_NS_ENDPOINT, n->u.nc.device_name,
					 name);
			if (ret)
				return plimp_fail(c, ret, "%s: IORT node at 0x%zx: no unique name",
						  imp->source, n->offset);
			snprintf(origin, sizeof(origin), "IORT named component at 0x%zx (\"%s\")",
				 n->offset, n->u.nc.device_name);
			ep = pl_topo_add_endpoint(imp->builder, name, origin);
			if (ep < 0)
				return plimp_fail(c, ep, "%s: %s: %s", imp->source,
						  origin, strerror(-ep));
			snprintf(why, sizeof(why), "named component %s",
				 n->u.nc.device_name);
			ret = plimp_add_named(imp, name, why);
			if (ret < 0 && ret != -E2BIG)
				return plimp_fail(c, ret, "out of memory");
		}
		snprintf(origin, sizeof(origin), "IORT mapping at 0x%zx (named component at 0x%zx)",
			 x->specs[s].off, n->offset);
		ret = pl_topo_add_spec(imp->builder, (unsigned int)ep,
				       (unsigned int)x->ord[x->specs[s].smmu],
				       x->specs[s].id, 0, origin);
		if (ret < 0)
			return plimp_fail(c, ret, "%s: %s: %s", imp->source,
					  origin, strerror(-ret));
	}
	return 0;
}

int plimp_iort(struct plimp_ctx *c, const struct pl_iort *iort)
{
	struct pl_import *imp = c->imp;
	size_t nn = iort->nnodes ? iort->nnodes : 1;
	unsigned int skipped = 0;
	struct ictx x;
	int ret = 0;

	memset(&x, 0, sizeof(x));
	x.c = c;
	x.iort = iort;
	x.ord = malloc(nn * sizeof(int));
	x.rc_ord = malloc(nn * sizeof(int));
	x.max_id = calloc(nn, sizeof(uint64_t));
	if (!x.ord || !x.rc_ord || !x.max_id) {
		ret = plimp_fail(c, -ENOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < iort->nnodes; i++) {
		x.ord[i] = -1;
		x.rc_ord[i] = -1;
	}
	for (size_t i = 0; i < iort->nnodes && !ret; i++) {
		const struct pl_iort_node *n = &iort->nodes[i];
		bool dup = false;

		switch (n->type) {
		case PL_IORT_ROOT_COMPLEX:
			if (n->u.rc.segment > 0xffff) {
				plimp_note(imp, "IORT root complex at 0x%zx: segment %u does not fit 16 bits: left out",
					   n->offset, n->u.rc.segment);
				continue;
			}
			for (size_t k = 0; k < i; k++)
				if (x.rc_ord[k] == -2 &&
				    iort->nodes[k].u.rc.segment == n->u.rc.segment)
					dup = true;
			if (dup) {
				plimp_note(imp, "IORT root complex at 0x%zx: segment %u has an earlier root complex node, which Linux uses: left out",
					   n->offset, n->u.rc.segment);
				continue;
			}
			x.rc_ord[i] = -2;	/* to add */
			ret = rc_maps(&x, i);
			break;
		case PL_IORT_NAMED_COMPONENT:
			ret = nc_specs(&x, i);
			break;
		case PL_IORT_SMMUV3:
		case PL_IORT_SMMUV1V2:
			if (n->mapping_count)
				plimp_note(imp, "IORT SMMU node at 0x%zx: its %u mapping(s) to ITS groups (MSIs) ignored",
					   n->offset, n->mapping_count);
			break;
		default:
			skipped++;
			break;
		}
	}
	if (!ret && skipped)
		plimp_note(imp, "ITS groups %zu, PMCG %zu, RMR %zu, other %zu node(s): no DMA translation inputs, left out",
			   iort->count[PL_IORT_ITS_GROUP], iort->count[PL_IORT_PMCG],
			   iort->count[PL_IORT_RMR],
			   iort->count[PL_IORT_IWB] + iort->count[PL_IORT_NTYPES]);
	if (!ret)
		ret = add_smmus(&x);
	if (!ret)
		ret = add_ncs(&x);
	if (!ret)
		ret = add_rcs(&x);
out:
	free(x.ord);
	free(x.rc_ord);
	free(x.max_id);
	free(x.maps);
	free(x.specs);
	return ret;
}

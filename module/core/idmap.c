// SPDX-License-Identifier: GPL-2.0
/*
 * probelab core: root complex ID maps (DT iommu-map / IORT ID mappings)
 * and device resolution to (IOMMU, ID) pairs.
 *
 * of_map_id() semantics: the requester ID is masked with the root
 * complex's rid_mask, then the map whose input range
 * [rid_base, rid_base + length) holds it gives
 * output_base + (masked - rid_base).  A SINGLE map (IORT single mapping)
 * ignores the input and always gives output_base.  Validation makes the
 * input ranges of one root complex disjoint, so at most one map matches.
 */
#include "fwdesc_int.h"
#include "idmap.h"
#include "scope.h"

static int fw_idmap_cmp(const void *a, const void *b)
{
	const struct pl_fw_idmap *x = a, *y = b;

	if (x->rc != y->rc)
		return x->rc < y->rc ? -1 : 1;
	if (x->rid_base != y->rid_base)
		return x->rid_base < y->rid_base ? -1 : 1;
	return x->ordinal < y->ordinal ? -1 : x->ordinal > y->ordinal;
}

static int fw_check_idmap(struct pl_fwdesc *d, const struct pl_fw_idmap *m,
			  struct pl_fw_err *err)
{
	struct pl_fw_where w = pl_fw_w_idmap(m);
	const struct pl_fw_iommu *io;
	u32 last, max;

	if (m->rc >= d->nr_rcs)
		return pl_fw_fail(err, -EINVAL, &w,
				  offsetof(struct probelab_fw_idmap, rc), "rc",
				  "names root complex %u, the description has %u",
				  m->rc, d->nr_rcs);
	if (m->iommu >= d->nr_iommus)
		return pl_fw_fail(err, -EINVAL, &w,
				  offsetof(struct probelab_fw_idmap, iommu),
				  "iommu", "names IOMMU %u, the description has %u",
				  m->iommu, d->nr_iommus);
	io = &d->iommus[m->iommu];
	if (io->model != PROBELAB_FW_IOMMU_SMMUV3)
		return pl_fw_fail(err, -EINVAL, &w,
				  offsetof(struct probelab_fw_idmap, iommu),
				  "iommu",
				  "IOMMU %u '%s' is a VT-d DRHD; ID maps translate to SMMUv3 stream IDs",
				  m->iommu, io->name);
	max = pl_fw_id_max(io->sid_bits);
	last = m->output_base;
	if (!(m->flags & PROBELAB_FW_IDMAP_SINGLE))
		last += m->length - 1;	/* no overflow: checked at decode */
	if (last > max)
		return pl_fw_fail(err, -ERANGE, &w,
				  offsetof(struct probelab_fw_idmap, output_base),
				  "output_base",
				  "stream IDs 0x%x-0x%x exceed the %u stream ID bits of '%s'",
				  m->output_base, last, io->sid_bits, io->name);
	return 0;
}

/*
 * References, target model and width, per root complex counts, disjoint
 * input ranges, SINGLE maps alone; groups and sorts the maps.
 */
int pl_fw_check_idmaps(struct pl_fwdesc *d, struct pl_fw_err *err)
{
	const struct pl_fw_idmap *a, *b, *bad, *other;
	char q[PL_FW_QLEN];
	struct pl_fw_where w;
	u32 i, j, r;
	int ret;

	for (i = 0; i < d->nr_idmaps; i++) {
		ret = fw_check_idmap(d, &d->idmaps[i], err);
		if (ret)
			return ret;
	}
	pl_sort(d->idmaps, d->nr_idmaps, sizeof(*d->idmaps), fw_idmap_cmp);
	for (i = 0, r = 0; r < d->nr_rcs; r++) {
		struct pl_fw_rc *rc = &d->rcs[r];

		for (j = i; j < d->nr_idmaps && d->idmaps[j].rc == r; j++)
			;
		if (j - i != rc->nr_maps) {
			w = pl_fw_w_rc(d, r);
			return pl_fw_fail(err, -EINVAL, &w,
					  offsetof(struct probelab_fw_rc, nr_idmaps),
					  "nr_idmaps",
					  "%u, but %u IDMAP records name this root complex",
					  rc->nr_maps, j - i);
		}
		rc->map_first = i;
		i = j;
	}
	for (i = 1; i < d->nr_idmaps; i++) {
		a = &d->idmaps[i - 1];
		b = &d->idmaps[i];
		if (a->rc != b->rc)
			continue;
		/* blame the later record, name the earlier one */
		bad = a->ordinal > b->ordinal ? a : b;
		other = bad == a ? b : a;
		w = pl_fw_w_idmap(bad);
		if ((a->flags | b->flags) & PROBELAB_FW_IDMAP_SINGLE)
			return pl_fw_fail(err, -EINVAL, &w,
					  offsetof(struct probelab_fw_idmap, flags),
					  "flags",
					  "root complex %u%s has a SINGLE map and also idmap %u; a SINGLE map must be its only map",
					  a->rc, pl_fw_q(q, d->rcs[a->rc].name),
					  other->ordinal);
		if (b->rid_base - a->rid_base < a->length)
			return pl_fw_fail(err, -EINVAL, &w,
					  offsetof(struct probelab_fw_idmap, rid_base),
					  "rid_base",
					  "RIDs 0x%x-0x%x overlap idmap %u (RIDs 0x%x-0x%x) of root complex %u%s",
					  bad->rid_base,
					  bad->rid_base + bad->length - 1,
					  other->ordinal, other->rid_base,
					  other->rid_base + other->length - 1,
					  a->rc, pl_fw_q(q, d->rcs[a->rc].name));
	}
	return 0;
}

int pl_fwdesc_rc_of(const struct pl_fwdesc *d, u16 segment, u8 bus)
{
	const struct pl_fw_seg *s = pl_fwdesc_find_seg(d, segment);

	if (!s || s->kind != PL_FW_SEG_RC || s->bus_rc[bus] == PL_FW_NONE8)
		return -ENODEV;
	return s->bus_rc[bus];
}

int pl_fw_map_id(const struct pl_fwdesc *d, u32 rc, u16 rid,
		 struct pl_fw_ref *ref)
{
	const struct pl_fw_idmap *maps, *m;
	const struct pl_fw_rc *r;
	u32 masked, lo, hi, mid;

	if (!d || !ref || rc >= d->nr_rcs)
		return -EINVAL;
	r = &d->rcs[rc];
	if (!r->nr_maps)
		return -ENODEV;
	maps = &d->idmaps[r->map_first];
	if (maps[0].flags & PROBELAB_FW_IDMAP_SINGLE) {
		ref->iommu = maps[0].iommu;
		ref->id = maps[0].output_base;
		ref->mask = 0;
		return 0;
	}
	masked = rid & r->rid_mask;
	/* the last map with rid_base <= masked */
	lo = 0;
	hi = r->nr_maps;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (maps[mid].rid_base <= masked)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return -ENODEV;
	m = &maps[lo - 1];
	if (masked - m->rid_base >= m->length)
		return -ENODEV;
	ref->iommu = m->iommu;
	ref->id = m->output_base + (masked - m->rid_base);
	ref->mask = 0;
	return 0;
}

static int fw_xlate_one(const struct pl_fwdesc *d, u16 segment, u16 rid,
			struct pl_fw_ref *ref)
{
	const struct pl_fw_seg *s = pl_fwdesc_find_seg(d, segment);
	struct pl_fw_vtd_match m;
	u8 bus = rid >> 8;
	int ret;

	if (!s)
		return -ENODEV;
	if (s->kind == PL_FW_SEG_RC) {
		if (s->bus_rc[bus] == PL_FW_NONE8)
			return -ENODEV;
		return pl_fw_map_id(d, s->bus_rc[bus], rid, ref);
	}
	ret = pl_fwdesc_vtd_match(d, segment, bus, rid & 0xff, &m);
	if (ret)
		return ret;
	ref->iommu = m.iommu;
	ref->id = rid;
	ref->mask = 0;
	return 0;
}

int pl_fwdesc_xlate_pci(const struct pl_fwdesc *d, u16 segment, u8 bus,
			u8 devfn, struct pl_fw_ref *refs, unsigned int max,
			unsigned int *n)
{
	struct pl_fw_ref ref;
	int ret;

	if (!d || !n || (max && !refs))
		return -EINVAL;
	*n = 0;
	ret = fw_xlate_one(d, segment, pl_fw_rid(bus, devfn), &ref);
	if (ret)
		return ret;
	*n = 1;
	if (max < 1)
		return -ENOSPC;
	refs[0] = ref;
	return 0;
}

int pl_fwdesc_xlate_pci_aliases(const struct pl_fwdesc *d, u16 segment,
				u16 rid, const u16 *aliases,
				unsigned int nr_aliases, struct pl_fw_ref *refs,
				unsigned int max, unsigned int *n)
{
	struct pl_fw_ref found[PL_FW_MAX_ALIASES + 1];
	unsigned int i, j, cnt = 0;
	struct pl_fw_ref ref;
	int ret;

	if (!d || !n || (max && !refs) || (nr_aliases && !aliases) ||
	    nr_aliases > PL_FW_MAX_ALIASES)
		return -EINVAL;
	*n = 0;
	for (i = 0; i <= nr_aliases; i++) {
		ret = fw_xlate_one(d, segment, i ? aliases[i - 1] : rid, &ref);
		if (ret == -ENODEV)
			continue;
		if (ret)
			return ret;
		for (j = 0; j < cnt; j++)
			if (found[j].iommu == ref.iommu &&
			    found[j].id == ref.id)
				break;
		if (j == cnt)
			found[cnt++] = ref;
	}
	if (!cnt)
		return -ENODEV;
	*n = cnt;
	if (max < cnt)
		return -ENOSPC;
	memcpy(refs, found, cnt * sizeof(*refs));
	return 0;
}

int pl_fwdesc_xlate_named(const struct pl_fwdesc *d, const char *name,
			  struct pl_fw_ref *refs, unsigned int max,
			  unsigned int *n)
{
	const struct pl_fw_endpoint *ep;
	const struct pl_fw_spec *s;
	unsigned int i;
	int idx;

	if (!d || !name || !n || (max && !refs))
		return -EINVAL;
	*n = 0;
	idx = pl_fwdesc_find_endpoint(d, name);
	if (idx < 0)
		return -ENODEV;
	ep = &d->endpoints[idx];
	*n = ep->nr_specs;
	if (max < ep->nr_specs)
		return -ENOSPC;
	s = &d->specs[ep->spec_first];
	for (i = 0; i < ep->nr_specs; i++) {
		refs[i].iommu = s[i].iommu;
		refs[i].id = s[i].id;
		refs[i].mask = s[i].mask;
	}
	return 0;
}

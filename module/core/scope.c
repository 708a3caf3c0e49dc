// SPDX-License-Identifier: GPL-2.0
/*
 * probelab core: PCI bridges and VT-d DRHD device scopes.
 *
 * Lab devices are PCI functions (segment, bus, devfn) without a PCI tree
 * behind them, so the description carries the part of the tree that
 * matters: BRIDGE records give each bridge's secondary..subordinate bus
 * range.  With them a DMAR scope path "start_bus, hop0/hop1/.../hopN" is
 * resolved to one function exactly as the kernel's dmar_match_pci_path()
 * would on the real tree, a BRIDGE scope gets its bus range, and the
 * probe layer can walk a device's upstream bridges.
 *
 * Validation makes the bridge ranges of a segment a proper tree, and every
 * scope claim unambiguous: a device is claimed by at most one DRHD (an
 * exact scope or a bridge scope above it), the segment's INCLUDE_PCI_ALL
 * DRHD takes the rest, so the DRHD list order of
 * dmar_find_matched_drhd_unit() never matters.
 */
#include "fwdesc_int.h"
#include "scope.h"

static struct pl_fw_seg *fw_seg(struct pl_fwdesc *d, u16 segment)
{
	return (struct pl_fw_seg *)pl_fwdesc_find_seg(d, segment);
}

static int fw_point_key_cmp(const void *key, const void *elt)
{
	u32 k = *(const u32 *)key;
	const struct pl_fw_point *y = elt;

	return k < y->key ? -1 : k > y->key;
}

int pl_fwdesc_find_bridge(const struct pl_fwdesc *d, u16 segment, u8 bus,
			  u8 devfn)
{
	const struct pl_fw_point *p;
	u32 key = pl_fw_key(segment, bus, devfn);

	if (!d)
		return -ENOENT;
	p = pl_bsearch(&key, d->bridge_points, d->nr_bridges,
		       sizeof(*d->bridge_points), fw_point_key_cmp);
	return p ? (int)p->index : -ENOENT;
}

static int fw_check_bridge_place(struct pl_fwdesc *d, u32 i,
				 struct pl_fw_err *err)
{
	const struct pl_fw_bridge *b = &d->bridges[i];
	struct pl_fw_where w = pl_fw_w_bridge(d, i);
	const struct pl_fw_seg *s = pl_fwdesc_find_seg(d, b->segment);
	const struct pl_fw_rc *rc;
	char q[PL_FW_QLEN];

	if (!s)
		return pl_fw_fail(err, -EINVAL, &w,
				  offsetof(struct probelab_fw_bridge, segment),
				  "segment", "%u has no root complex and no VT-d DRHD",
				  b->segment);
	if (s->kind != PL_FW_SEG_RC)
		return 0;
	if (s->bus_rc[b->bus] == PL_FW_NONE8)
		return pl_fw_fail(err, -EINVAL, &w,
				  offsetof(struct probelab_fw_bridge, bus),
				  "bus", "0x%02x of segment %u is below no root complex",
				  b->bus, b->segment);
	rc = &d->rcs[s->bus_rc[b->bus]];
	if (b->subordinate > rc->bus_end)
		return pl_fw_fail(err, -EINVAL, &w,
				  offsetof(struct probelab_fw_bridge, subordinate),
				  "subordinate",
				  "buses 0x%02x-0x%02x run past root complex %u%s (buses 0x%02x-0x%02x)",
				  b->secondary, b->subordinate,
				  s->bus_rc[b->bus], pl_fw_q(q, rc->name),
				  rc->bus_start, rc->bus_end);
	return 0;
}

/* Bridge ranges of a segment must nest like a tree; sets ->parent. */
static int fw_bridge_tree(struct pl_fwdesc *d, const struct pl_fw_point *order,
			  u32 *stack, struct pl_fw_err *err)
{
	struct pl_fw_bridge *c, *t, *bad, *other;
	u32 k, depth = 0, top;
	char bdf[PL_FW_BDF_LEN];
	struct pl_fw_where w;

	for (k = 0; k < d->nr_bridges; k++) {
		c = &d->bridges[order[k].index];
		while (depth) {
			t = &d->bridges[stack[depth - 1]];
			if (t->segment == c->segment &&
			    t->subordinate >= c->secondary)
				break;
			depth--;
		}
		if (depth) {
			top = stack[depth - 1];
			t = &d->bridges[top];
			bad = top > order[k].index ? t : c;
			other = bad == t ? c : t;
			w = pl_fw_w_bridge(d, bad == t ? top : order[k].index);
			pl_fw_bdf(bdf, other->segment, other->bus, other->devfn);
			if (t->secondary == c->secondary)
				return pl_fw_fail(err, -EINVAL, &w,
						  offsetof(struct probelab_fw_bridge,
							   secondary),
						  "secondary",
						  "bus 0x%02x is also the secondary bus of bridge %s",
						  c->secondary, bdf);
			if (c->subordinate > t->subordinate)
				return pl_fw_fail(err, -EINVAL, &w,
						  offsetof(struct probelab_fw_bridge,
							   subordinate),
						  "subordinate",
						  "buses 0x%02x-0x%02x partially overlap buses 0x%02x-0x%02x of bridge %s",
						  bad->secondary, bad->subordinate,
						  other->secondary,
						  other->subordinate, bdf);
			c->parent = top;
		}
		stack[depth++] = order[k].index;
	}
	return 0;
}

/* A bridge sits on a bus below its parent's range, and nowhere deeper. */
static int fw_check_bridge_bus(struct pl_fwdesc *d, u32 i,
			       struct pl_fw_err *err)
{
	const struct pl_fw_bridge *b = &d->bridges[i], *u, *p;
	const struct pl_fw_seg *s = pl_fwdesc_find_seg(d, b->segment);
	struct pl_fw_where w = pl_fw_w_bridge(d, i);
	char ub[PL_FW_BDF_LEN], pb[PL_FW_BDF_LEN];
	u32 up = s->bus_bridge[b->bus];

	if (up == PL_FW_NONE16)
		up = PL_FW_NONE;
	if (up == b->parent)
		return 0;
	if (up == PL_FW_NONE) {
		p = &d->bridges[b->parent];
		return pl_fw_fail(err, -EINVAL, &w,
				  offsetof(struct probelab_fw_bridge, bus), "bus",
				  "0x%02x is a root bus, but this bridge's buses 0x%02x-0x%02x lie behind bridge %s",
				  b->bus, b->secondary, b->subordinate,
				  pl_fw_bdf(pb, p->segment, p->bus, p->devfn));
	}
	u = &d->bridges[up];
	pl_fw_bdf(ub, u->segment, u->bus, u->devfn);
	if (b->parent == PL_FW_NONE)
		return pl_fw_fail(err, -EINVAL, &w,
				  offsetof(struct probelab_fw_bridge, bus), "bus",
				  "0x%02x lies behind bridge %s (buses 0x%02x-0x%02x), but this bridge's buses 0x%02x-0x%02x do not",
				  b->bus, ub, u->secondary, u->subordinate,
				  b->secondary, b->subordinate);
	p = &d->bridges[b->parent];
	return pl_fw_fail(err, -EINVAL, &w,
			  offsetof(struct probelab_fw_bridge, bus), "bus",
			  "0x%02x lies behind bridge %s, but this bridge's buses lie behind bridge %s",
			  b->bus, ub,
			  pl_fw_bdf(pb, p->segment, p->bus, p->devfn));
}

/*
 * Bridges: segment described, inside one root complex, unique function,
 * ranges forming a tree; builds the per-bus upstream bridge table.
 */
int pl_fw_check_bridges(struct pl_fwdesc *d, struct pl_fw_err *err)
{
	struct pl_fw_point *order;
	char bdf[PL_FW_BDF_LEN];
	const struct pl_fw_bridge *b;
	struct pl_fw_where w;
	struct pl_fw_seg *s;
	u32 i, k, bus, *stack;
	int ret;

	if (!d->nr_bridges)
		return 0;
	for (i = 0; i < d->nr_bridges; i++) {
		ret = fw_check_bridge_place(d, i, err);
		if (ret)
			return ret;
		b = &d->bridges[i];
		d->bridge_points[i].key = pl_fw_key(b->segment, b->bus,
						    b->devfn);
		d->bridge_points[i].index = i;
	}
	pl_sort(d->bridge_points, d->nr_bridges, sizeof(*d->bridge_points),
		pl_fw_point_cmp);
	for (k = 1; k < d->nr_bridges; k++) {
		if (d->bridge_points[k - 1].key != d->bridge_points[k].key)
			continue;
		i = d->bridge_points[k].index;
		b = &d->bridges[i];
		w = pl_fw_w_bridge(d, i);
		return pl_fw_fail(err, -EEXIST, &w,
				  offsetof(struct probelab_fw_bridge, devfn),
				  "devfn", "%s is also bridge %u",
				  pl_fw_bdf(bdf, b->segment, b->bus, b->devfn),
				  d->bridge_points[k - 1].index);
	}

	order = pl_zalloc_array(d->nr_bridges, sizeof(*order));
	if (!order)
		return pl_fw_fail(err, -ENOMEM, NULL, 0, "",
				  "out of memory checking bridges");
	stack = pl_zalloc_array(d->nr_bridges, sizeof(*stack));
	if (!stack) {
		ret = pl_fw_fail(err, -ENOMEM, NULL, 0, "",
				 "out of memory checking bridges");
		goto free_order;
	}
	for (i = 0; i < d->nr_bridges; i++) {
		b = &d->bridges[i];
		order[i].key = pl_fw_key(b->segment, b->secondary, 0);
		order[i].index = i;
	}
	pl_sort(order, d->nr_bridges, sizeof(*order), pl_fw_point_cmp);
	ret = fw_bridge_tree(d, order, stack, err);
	if (ret)
		goto free_stack;
	/* outer ranges first, so the innermost bridge wins */
	for (k = 0; k < d->nr_bridges; k++) {
		b = &d->bridges[order[k].index];
		s = fw_seg(d, b->segment);
		for (bus = b->secondary; bus <= b->subordinate; bus++)
			s->bus_bridge[bus] = order[k].index;
	}
	for (i = 0; i < d->nr_bridges; i++) {
		ret = fw_check_bridge_bus(d, i, err);
		if (ret)
			break;
	}
free_stack:
	pl_free(stack);
free_order:
	pl_free(order);
	return ret;
}

static int fw_resolve_scope(struct pl_fwdesc *d, u32 i, struct pl_fw_err *err)
{
	struct pl_fw_scope *sc = &d->scopes[i];
	struct pl_fw_where w = pl_fw_w_scope(d, i);
	const struct pl_fw_iommu *io;
	const struct pl_fw_bridge *b;
	const struct pl_fw_seg *s;
	u8 bus = sc->start_bus, devfn;
	u32 h, last = sc->nr_hops - 1;
	char bdf[PL_FW_BDF_LEN];
	int br;

	if (sc->iommu >= d->nr_iommus)
		return pl_fw_fail(err, -EINVAL, &w,
				  offsetof(struct probelab_fw_scope, iommu),
				  "iommu", "names IOMMU %u, the description has %u",
				  sc->iommu, d->nr_iommus);
	io = &d->iommus[sc->iommu];
	if (io->model != PROBELAB_FW_IOMMU_VTD)
		return pl_fw_fail(err, -EINVAL, &w,
				  offsetof(struct probelab_fw_scope, iommu),
				  "iommu",
				  "IOMMU %u '%s' is an SMMUv3; device scopes belong to VT-d DRHDs",
				  sc->iommu, io->name);
	if (io->flags & PROBELAB_FW_VTD_INCLUDE_PCI_ALL)
		return pl_fw_fail(err, -EINVAL, &w,
				  offsetof(struct probelab_fw_scope, iommu),
				  "iommu",
				  "DRHD '%s' has INCLUDE_PCI_ALL and takes no PCI device scopes",
				  io->name);
	s = pl_fwdesc_find_seg(d, io->segment);
	if (s->bus_bridge[bus] != PL_FW_NONE16) {
		b = &d->bridges[s->bus_bridge[bus]];
		return pl_fw_fail(err, -EINVAL, &w,
				  offsetof(struct probelab_fw_scope, start_bus),
				  "start_bus",
				  "0x%02x lies behind bridge %s; a scope path starts on a root bus",
				  bus, pl_fw_bdf(bdf, b->segment, b->bus, b->devfn));
	}
	for (h = 0; h < last; h++) {
		br = pl_fwdesc_find_bridge(d, io->segment, bus, sc->hops[h]);
		if (br < 0)
			return pl_fw_fail(err, -EINVAL, &w,
					  offsetof(struct probelab_fw_scope, hops) + h,
					  "hops",
					  "hop %u: %s has no bridge record, so the path cannot continue behind it",
					  h, pl_fw_bdf(bdf, io->segment, bus,
						       sc->hops[h]));
		bus = d->bridges[br].secondary;
	}
	devfn = sc->hops[last];
	br = pl_fwdesc_find_bridge(d, io->segment, bus, devfn);
	pl_fw_bdf(bdf, io->segment, bus, devfn);
	if (sc->type == PROBELAB_FW_SCOPE_ENDPOINT && br >= 0)
		return pl_fw_fail(err, -EINVAL, &w,
				  offsetof(struct probelab_fw_scope, type), "type",
				  "endpoint scope names %s, which is bridge %d; use a bridge scope",
				  bdf, br);
	if (sc->type == PROBELAB_FW_SCOPE_BRIDGE && br < 0)
		return pl_fw_fail(err, -EINVAL, &w,
				  offsetof(struct probelab_fw_scope, hops) + last,
				  "hops",
				  "bridge scope names %s, which has no bridge record giving its bus range",
				  bdf);
	sc->bus = bus;
	sc->devfn = devfn;
	sc->bridge = br >= 0 ? (u32)br : PL_FW_NONE;
	return 0;
}

/* What a scope claims: its target function, or a bridge's bus range. */
struct fw_ival {
	u32 start;
	u32 end;
	u32 scope;
};

static int fw_ival_cmp(const void *a, const void *b)
{
	const struct fw_ival *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if (x->end != y->end)
		return x->end > y->end ? -1 : 1;
	return x->scope < y->scope ? -1 : x->scope > y->scope;
}

static const char *fw_scope_type(const struct pl_fw_scope *sc)
{
	return sc->type == PROBELAB_FW_SCOPE_BRIDGE ? "bridge" : "endpoint";
}

static int fw_scope_clash(struct pl_fwdesc *d, u32 s1, u32 s2,
			  struct pl_fw_err *err)
{
	u32 bi = s1 > s2 ? s1 : s2, oi = s1 > s2 ? s2 : s1;
	const struct pl_fw_scope *bad = &d->scopes[bi], *other = &d->scopes[oi];
	const char *bdrhd = d->iommus[bad->iommu].name;
	const char *odrhd = d->iommus[other->iommu].name;
	u16 seg = d->iommus[bad->iommu].segment;
	struct pl_fw_where w = pl_fw_w_scope(d, bi);
	u32 hop = offsetof(struct probelab_fw_scope, hops) + bad->nr_hops - 1;
	char bb[PL_FW_BDF_LEN], ob[PL_FW_BDF_LEN];

	pl_fw_bdf(bb, seg, bad->bus, bad->devfn);
	pl_fw_bdf(ob, seg, other->bus, other->devfn);
	if (bad->iommu == other->iommu)
		return pl_fw_fail(err, -EEXIST, &w, hop, "hops",
				  "%s scope %s duplicates scope %u of DRHD '%s'",
				  fw_scope_type(bad), bb, oi, bdrhd);
	return pl_fw_fail(err, -EINVAL, &w, hop, "hops",
			  "%s scope %s of DRHD '%s' overlaps %s scope %u (%s) of DRHD '%s'; a device belongs to one DRHD",
			  fw_scope_type(bad), bb, bdrhd, fw_scope_type(other),
			  oi, ob, odrhd);
}

/*
 * The claims form a laminar family (bridge ranges nest, a function is a
 * point): sorted by start, then widest first, every claim lies inside the
 * claims on the stack.  Nested claims must come from one DRHD, identical
 * claims are duplicates.
 */
static int fw_scope_claims(struct pl_fwdesc *d, struct fw_ival *iv, u32 n,
			   u32 *stack, struct pl_fw_err *err)
{
	const struct fw_ival *t, *c;
	u32 k, depth = 0;
	struct pl_fw_seg *s;
	u32 bus;

	pl_sort(iv, n, sizeof(*iv), fw_ival_cmp);
	for (k = 0; k < n; k++) {
		c = &iv[k];
		while (depth && iv[stack[depth - 1]].end < c->start)
			depth--;
		if (depth) {
			t = &iv[stack[depth - 1]];
			if (d->scopes[t->scope].iommu !=
			    d->scopes[c->scope].iommu ||
			    (t->start == c->start && t->end == c->end))
				return fw_scope_clash(d, t->scope, c->scope,
						      err);
		}
		stack[depth++] = k;
	}
	/* bridge ranges, outer first, so the innermost scope wins */
	for (k = 0; k < n; k++) {
		c = &iv[k];
		if (c->start == c->end)
			continue;
		s = fw_seg(d, c->start >> 16);
		for (bus = (c->start >> 8) & 0xff; bus <= ((c->end >> 8) & 0xff);
		     bus++)
			s->bus_scope[bus] = c->scope;
	}
	return 0;
}

/*
 * Scopes: DRHD references, root bus starts, paths through bridge records,
 * types matching the target, claims unambiguous; builds the exact-target
 * index and the per-bus bridge scope table.
 */
int pl_fw_check_scopes(struct pl_fwdesc *d, struct pl_fw_err *err)
{
	const struct pl_fw_bridge *b;
	const struct pl_fw_scope *sc;
	struct fw_ival *iv;
	u32 i, n = 0, *stack;
	u16 seg;
	int ret;

	if (!d->nr_scopes)
		return 0;
	for (i = 0; i < d->nr_scopes; i++) {
		ret = fw_resolve_scope(d, i, err);
		if (ret)
			return ret;
	}
	iv = pl_zalloc_array(2 * (size_t)d->nr_scopes, sizeof(*iv));
	if (!iv)
		return pl_fw_fail(err, -ENOMEM, NULL, 0, "",
				  "out of memory checking scopes");
	stack = pl_zalloc_array(2 * (size_t)d->nr_scopes, sizeof(*stack));
	if (!stack) {
		ret = pl_fw_fail(err, -ENOMEM, NULL, 0, "",
				 "out of memory checking scopes");
		goto free_iv;
	}
	for (i = 0; i < d->nr_scopes; i++) {
		sc = &d->scopes[i];
		seg = d->iommus[sc->iommu].segment;
		iv[n].start = pl_fw_key(seg, sc->bus, sc->devfn);
		iv[n].end = iv[n].start;
		iv[n++].scope = i;
		d->points[i].key = iv[n - 1].start;
		d->points[i].index = i;
		if (sc->type != PROBELAB_FW_SCOPE_BRIDGE)
			continue;
		b = &d->bridges[sc->bridge];
		iv[n].start = pl_fw_key(seg, b->secondary, 0);
		iv[n].end = pl_fw_key(seg, b->subordinate, 0xff);
		iv[n++].scope = i;
	}
	ret = fw_scope_claims(d, iv, n, stack, err);
	if (ret)
		goto free_stack;
	/* claims are unique now, so are the exact targets */
	pl_sort(d->points, d->nr_scopes, sizeof(*d->points), pl_fw_point_cmp);
	d->nr_points = d->nr_scopes;
free_stack:
	pl_free(stack);
free_iv:
	pl_free(iv);
	return ret;
}

int pl_fwdesc_vtd_match(const struct pl_fwdesc *d, u16 segment, u8 bus,
			u8 devfn, struct pl_fw_vtd_match *m)
{
	const struct pl_fw_point *p;
	const struct pl_fw_scope *sc;
	const struct pl_fw_seg *s;
	u32 key = pl_fw_key(segment, bus, devfn);

	if (!d || !m)
		return -EINVAL;
	s = pl_fwdesc_find_seg(d, segment);
	if (!s || s->kind != PL_FW_SEG_VTD)
		return -ENODEV;
	p = pl_bsearch(&key, d->points, d->nr_points, sizeof(*d->points),
		       fw_point_key_cmp);
	if (p) {
		sc = &d->scopes[p->index];
		m->iommu = sc->iommu;
		m->kind = PL_FW_VTD_EXACT;
		m->scope = p->index;
		m->bridge = sc->bridge;
		return 0;
	}
	if (s->bus_scope[bus] != PL_FW_NONE16) {
		sc = &d->scopes[s->bus_scope[bus]];
		m->iommu = sc->iommu;
		m->kind = PL_FW_VTD_BRIDGE;
		m->scope = s->bus_scope[bus];
		m->bridge = sc->bridge;
		return 0;
	}
	if (s->include_all != PL_FW_NONE16) {
		m->iommu = s->include_all;
		m->kind = PL_FW_VTD_INCLUDE_ALL;
		m->scope = PL_FW_NONE;
		m->bridge = PL_FW_NONE;
		return 0;
	}
	return -ENODEV;
}

int pl_fwdesc_pci_parent(const struct pl_fwdesc *d, u16 segment, u8 bus,
			 u32 *bridge)
{
	const struct pl_fw_seg *s;

	if (!d || !bridge)
		return -EINVAL;
	s = pl_fwdesc_find_seg(d, segment);
	if (!s || s->bus_bridge[bus] == PL_FW_NONE16)
		return -ENOENT;
	*bridge = s->bus_bridge[bus];
	return 0;
}

int pl_fwdesc_pci_dma_aliases(const struct pl_fwdesc *d, u16 segment, u8 bus,
			      u8 devfn, u16 *rids, unsigned int max,
			      unsigned int *n)
{
	const struct pl_fw_bridge *b;
	const struct pl_fw_seg *s;
	u16 own = (u16)((bus << 8) | devfn), alias;
	unsigned int cnt, pass;
	u32 up;

	if (!d || !n || (max && !rids))
		return -EINVAL;
	s = pl_fwdesc_find_seg(d, segment);
	/* pass 0 counts, pass 1 writes */
	for (pass = 0; pass < 2; pass++) {
		cnt = 0;
		if (pass)
			rids[cnt] = own;
		cnt++;
		up = s ? s->bus_bridge[bus] : PL_FW_NONE16;
		if (up == PL_FW_NONE16)
			up = PL_FW_NONE;
		while (up != PL_FW_NONE) {
			b = &d->bridges[up];
			alias = (u16)(b->secondary << 8);
			if ((b->flags & PROBELAB_FW_BRIDGE_PCIE_TO_PCI) &&
			    alias != own) {
				if (pass)
					rids[cnt] = alias;
				cnt++;
			}
			up = b->parent;
		}
		*n = cnt;
		if (!pass && max < cnt)
			return -ENOSPC;
	}
	return 0;
}

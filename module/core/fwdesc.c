// SPDX-License-Identifier: GPL-2.0
/*
 * probelab core: validation of the FW_LOAD firmware description.
 *
 * pl_fwdesc_parse() stops at the first fault and checks, in this order:
 *  1. the header: length, magic, version, hdr_len, total_len, flags,
 *     counts against their bounds;
 *  2. record framing, in blob order: len, reserved field, type, body size
 *     and zero tail, per-type counts against the header;
 *  3. every record on its own, in blob order;
 *  4. IOMMUs, endpoints and specifiers, PCI segments and root complexes
 *     (here), ID maps (idmap.c), bridges and DRHD scopes (scope.c).
 * docs/topology.md lists every rule with its errno.
 */
#include "fwdesc_int.h"

#ifndef __KERNEL__
unsigned int pl_core_fail_nth;
#endif

#define PL_FW_REC_HDR		((u32)sizeof(struct probelab_fw_rec))
#define PL_FW_REC_LEN	PL_FW_RECHDR(offsetof(struct probelab_fw_rec, len))
#define PL_FW_OFF(type, field)	((u32)offsetof(struct type, field))
#define PL_FW_ALIGN8(x)		(((x) + 7) & ~(size_t)7)

/**
 * struct pl_fw_rtype - what this code knows about a record type
 * @kind: name in messages
 * @min: body size of the first version
 * @size: body size this code knows
 * @count_field: header count field name
 * @count_off: offset of the count in struct probelab_fw_hdr
 * @max: bound of the count
 */
struct pl_fw_rtype {
	const char *kind;
	u32 min;
	u32 size;
	const char *count_field;
	u32 count_off;
	u32 max;
};

#define PL_FW_RTYPE(k, body, v1, cnt, bound) {				\
	.kind = k, .min = v1, .size = sizeof(struct body),		\
	.count_field = #cnt,						\
	.count_off = offsetof(struct probelab_fw_hdr, cnt),		\
	.max = bound }

static const struct pl_fw_rtype pl_fw_rtypes[] = {
	[PROBELAB_FW_REC_IOMMU] =
		PL_FW_RTYPE("iommu", probelab_fw_iommu,
			    PROBELAB_FW_IOMMU_SIZE_V1, nr_iommus,
			    PROBELAB_FW_MAX_IOMMUS),
	[PROBELAB_FW_REC_ENDPOINT] =
		PL_FW_RTYPE("endpoint", probelab_fw_endpoint,
			    PROBELAB_FW_ENDPOINT_SIZE_V1, nr_endpoints,
			    PROBELAB_FW_MAX_ENDPOINTS),
	[PROBELAB_FW_REC_SPEC] =
		PL_FW_RTYPE("spec", probelab_fw_spec,
			    PROBELAB_FW_SPEC_SIZE_V1, nr_specs,
			    PROBELAB_FW_MAX_SPECS),
	[PROBELAB_FW_REC_ROOT_COMPLEX] =
		PL_FW_RTYPE("root complex", probelab_fw_rc,
			    PROBELAB_FW_RC_SIZE_V1, nr_rcs,
			    PROBELAB_FW_MAX_RCS),
	[PROBELAB_FW_REC_IDMAP] =
		PL_FW_RTYPE("idmap", probelab_fw_idmap,
			    PROBELAB_FW_IDMAP_SIZE_V1, nr_idmaps,
			    PROBELAB_FW_MAX_IDMAPS),
	[PROBELAB_FW_REC_BRIDGE] =
		PL_FW_RTYPE("bridge", probelab_fw_bridge,
			    PROBELAB_FW_BRIDGE_SIZE_V1, nr_bridges,
			    PROBELAB_FW_MAX_BRIDGES),
	[PROBELAB_FW_REC_SCOPE] =
		PL_FW_RTYPE("scope", probelab_fw_scope,
			    PROBELAB_FW_SCOPE_SIZE_V1, nr_scopes,
			    PROBELAB_FW_MAX_SCOPES),
};

#define PL_FW_NR_RTYPES		((u32)ARRAY_SIZE(pl_fw_rtypes))

int pl_fw_fail(struct pl_fw_err *err, int code, const struct pl_fw_where *w,
	       u32 body_off, const char *field, const char *fmt, ...)
{
	size_t size = sizeof(err->msg);
	va_list ap;
	int n;

	err->err = code;
	err->field = field ? field : "";
	if (!w) {
		err->rec_index = PL_FW_NONE;
		err->offset = body_off;
		n = snprintf(err->msg, size, "header: ");
	} else {
		err->rec_index = w->rec;
		if (body_off >= PL_FW_RECHDR_BASE)
			err->offset = w->off + (body_off - PL_FW_RECHDR_BASE);
		else
			err->offset = w->off + PL_FW_REC_HDR + body_off;
		if (!w->kind)
			n = snprintf(err->msg, size, "record %u at 0x%x: ",
				     w->rec, w->off);
		else if (w->name && w->name[0])
			n = snprintf(err->msg, size,
				     "%s %u '%s' (record %u at 0x%x): ",
				     w->kind, w->ord, w->name, w->rec, w->off);
		else
			n = snprintf(err->msg, size,
				     "%s %u (record %u at 0x%x): ",
				     w->kind, w->ord, w->rec, w->off);
	}
	if (n >= 0 && (size_t)n < size && err->field[0])
		n += snprintf(err->msg + n, size - n, "%s: ", err->field);
	if (n >= 0 && (size_t)n < size) {
		va_start(ap, fmt);
		vsnprintf(err->msg + n, size - n, fmt, ap);
		va_end(ap);
	}
	return code;
}

static bool pl_fw_name_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	       (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' ||
	       ch == '-';
}

bool pl_fw_name_valid(const char *s)
{
	size_t i;

	if (!s || !s[0])
		return false;
	for (i = 0; s[i]; i++)
		if (i >= PROBELAB_FW_NAME_LEN - 1 || !pl_fw_name_char(s[i]))
			return false;
	return true;
}

/* @w must not carry the (unchecked) name */
static int fw_check_name(struct pl_fw_err *err, const struct pl_fw_where *w,
			 u32 body_off, const char *name, bool optional)
{
	u32 i, len;

	for (len = 0; len < PROBELAB_FW_NAME_LEN && name[len]; len++)
		;
	if (len == PROBELAB_FW_NAME_LEN)
		return pl_fw_fail(err, -EINVAL, w, body_off, "name",
				  "not NUL-terminated within %u bytes",
				  PROBELAB_FW_NAME_LEN);
	if (!len && !optional)
		return pl_fw_fail(err, -EINVAL, w, body_off, "name",
				  "empty; a name is required");
	for (i = 0; i < len; i++)
		if (!pl_fw_name_char(name[i]))
			return pl_fw_fail(err, -EINVAL, w, body_off + i, "name",
					  "character 0x%02x at position %u is not one of [A-Za-z0-9._-]",
					  (u8)name[i], i);
	for (i = len + 1; i < PROBELAB_FW_NAME_LEN; i++)
		if (name[i])
			return pl_fw_fail(err, -EINVAL, w, body_off + i, "name",
					  "byte %u after the terminating NUL is not zero",
					  i);
	return 0;
}

static int pl_fw_name_cmp(const void *a, const void *b)
{
	const struct pl_fw_name *x = a, *y = b;
	int r = strcmp(x->name, y->name);

	if (r)
		return r;
	return x->index < y->index ? -1 : x->index > y->index;
}

static int pl_fw_name_key_cmp(const void *key, const void *elt)
{
	const struct pl_fw_name *y = elt;

	return strcmp(key, y->name);
}

int pl_fw_point_cmp(const void *a, const void *b)
{
	const struct pl_fw_point *x = a, *y = b;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

static int fw_seg_cmp(const void *a, const void *b)
{
	const struct pl_fw_seg *x = a, *y = b;

	return x->segment < y->segment ? -1 : x->segment > y->segment;
}

static int fw_seg_key_cmp(const void *key, const void *elt)
{
	u16 k = *(const u16 *)key;
	const struct pl_fw_seg *y = elt;

	return k < y->segment ? -1 : k > y->segment;
}

const struct pl_fw_seg *pl_fwdesc_find_seg(const struct pl_fwdesc *d,
					   u16 segment)
{
	if (!d)
		return NULL;
	return pl_bsearch(&segment, d->segs, d->nr_segs, sizeof(*d->segs),
			  fw_seg_key_cmp);
}

int pl_fwdesc_find_iommu(const struct pl_fwdesc *d, const char *name)
{
	u32 i;

	if (!d || !name)
		return -ENOENT;
	for (i = 0; i < d->nr_iommus; i++)
		if (!strcmp(d->iommus[i].name, name))
			return i;
	return -ENOENT;
}

int pl_fwdesc_find_endpoint(const struct pl_fwdesc *d, const char *name)
{
	const struct pl_fw_name *p;

	if (!d || !name)
		return -ENOENT;
	p = pl_bsearch(name, d->ep_names, d->nr_endpoints,
		       sizeof(*d->ep_names), pl_fw_name_key_cmp);
	return p ? (int)p->index : -ENOENT;
}

void pl_fwdesc_free(struct pl_fwdesc *d)
{
	pl_free(d);
}

static u32 fw_hdr_count(const struct probelab_fw_hdr *h, u32 type)
{
	u32 v;

	memcpy(&v, (const u8 *)h + pl_fw_rtypes[type].count_off, sizeof(v));
	return v;
}

static int fw_check_header(const u8 *blob, size_t len,
			   struct probelab_fw_hdr *h, struct pl_fw_err *err)
{
	u32 t, i, sum = 0;

	if (len < PROBELAB_FW_HDR_SIZE_V1)
		return pl_fw_fail(err, -EINVAL, NULL, 0, "",
				  "blob of %zu bytes is shorter than the %u-byte header",
				  len, PROBELAB_FW_HDR_SIZE_V1);
	if (len > PROBELAB_FW_MAX_LEN)
		return pl_fw_fail(err, -E2BIG, NULL, 0, "",
				  "blob of %zu bytes exceeds the %u-byte limit",
				  len, PROBELAB_FW_MAX_LEN);
	memcpy(h, blob, sizeof(*h));
	if (h->magic != PROBELAB_FW_MAGIC)
		return pl_fw_fail(err, -EINVAL, NULL,
				  PL_FW_OFF(probelab_fw_hdr, magic), "magic",
				  "0x%08x is not PROBELAB_FW_MAGIC 0x%08x",
				  h->magic, PROBELAB_FW_MAGIC);
	if (h->version != PROBELAB_FW_VERSION)
		return pl_fw_fail(err, -EOPNOTSUPP, NULL,
				  PL_FW_OFF(probelab_fw_hdr, version), "version",
				  "version %u is not supported (this module knows %u)",
				  h->version, PROBELAB_FW_VERSION);
	if (h->hdr_len < PROBELAB_FW_HDR_SIZE_V1 || h->hdr_len % 8 ||
	    h->hdr_len > len)
		return pl_fw_fail(err, -EINVAL, NULL,
				  PL_FW_OFF(probelab_fw_hdr, hdr_len), "hdr_len",
				  "%u is not a multiple of 8 in %u..%zu",
				  h->hdr_len, PROBELAB_FW_HDR_SIZE_V1, len);
	for (i = sizeof(*h); i < h->hdr_len; i++)
		if (blob[i])
			return pl_fw_fail(err, -E2BIG, NULL, i, "",
					  "header byte %u is not zero; this module knows a %zu-byte header",
					  i, sizeof(*h));
	if (h->total_len != len)
		return pl_fw_fail(err, -EINVAL, NULL,
				  PL_FW_OFF(probelab_fw_hdr, total_len),
				  "total_len", "%u differs from the %zu bytes passed",
				  h->total_len, len);
	if (h->flags)
		return pl_fw_fail(err, -EINVAL, NULL,
				  PL_FW_OFF(probelab_fw_hdr, flags), "flags",
				  "unknown flags 0x%x", h->flags);
	if (h->nr_records > PROBELAB_FW_MAX_RECORDS)
		return pl_fw_fail(err, -E2BIG, NULL,
				  PL_FW_OFF(probelab_fw_hdr, nr_records),
				  "nr_records", "%u exceeds the bound %u",
				  h->nr_records, PROBELAB_FW_MAX_RECORDS);
	for (t = 1; t < PL_FW_NR_RTYPES; t++) {
		const struct pl_fw_rtype *rt = &pl_fw_rtypes[t];
		u32 n = fw_hdr_count(h, t);

		if (n > rt->max)
			return pl_fw_fail(err, -E2BIG, NULL, rt->count_off,
					  rt->count_field,
					  "%u exceeds the bound %u", n, rt->max);
		sum += n;
	}
	if (sum != h->nr_records)
		return pl_fw_fail(err, -EINVAL, NULL,
				  PL_FW_OFF(probelab_fw_hdr, nr_records),
				  "nr_records",
				  "%u differs from the sum of the per-type counts (%u)",
				  h->nr_records, sum);
	return 0;
}

/* Record framing (pass 1): sizes, types, zero tails, counts. */
static int fw_check_framing(const u8 *blob, const struct probelab_fw_hdr *h,
			    struct pl_fw_err *err)
{
	u32 seen[PL_FW_NR_RTYPES] = { 0 };
	u32 off = h->hdr_len, rec = 0, t, i;
	struct probelab_fw_rec r;

	while (off < h->total_len) {
		struct pl_fw_where w = { NULL, rec, NULL, rec, off };
		const struct pl_fw_rtype *rt;
		u32 body;

		if (h->total_len - off < PL_FW_REC_HDR)
			return pl_fw_fail(err, -EINVAL, &w, PL_FW_RECHDR(0), "",
					  "%u trailing bytes cannot hold a record header",
					  h->total_len - off);
		memcpy(&r, blob + off, sizeof(r));
		if (r.len < PL_FW_REC_HDR || r.len % 8)
			return pl_fw_fail(err, -EINVAL, &w, PL_FW_REC_LEN, "len",
					  "%u is not a multiple of 8 of at least %u",
					  r.len, PL_FW_REC_HDR);
		if (r.len > h->total_len - off)
			return pl_fw_fail(err, -EINVAL, &w, PL_FW_REC_LEN, "len",
					  "%u runs past the end of the blob (%u bytes left)",
					  r.len, h->total_len - off);
		if (r.__reserved)
			return pl_fw_fail(err, -EINVAL, &w,
					  PL_FW_RECHDR(offsetof(struct probelab_fw_rec,
								__reserved)),
					  "__reserved", "0x%x is not zero",
					  r.__reserved);
		if (rec >= h->nr_records)
			return pl_fw_fail(err, -EINVAL, &w, PL_FW_RECHDR(0), "",
					  "more records than the header's nr_records %u",
					  h->nr_records);
		if (!r.type || r.type >= PL_FW_NR_RTYPES)
			return pl_fw_fail(err, -EOPNOTSUPP, &w, PL_FW_RECHDR(0),
					  "type", "unknown record type %u",
					  r.type);
		rt = &pl_fw_rtypes[r.type];
		w.kind = rt->kind;
		w.ord = seen[r.type];
		body = r.len - PL_FW_REC_HDR;
		if (body < rt->min)
			return pl_fw_fail(err, -EINVAL, &w, PL_FW_REC_LEN, "len",
					  "%u-byte body is shorter than the first version (%u bytes)",
					  body, rt->min);
		for (i = rt->size; i < body; i++)
			if (blob[off + PL_FW_REC_HDR + i])
				return pl_fw_fail(err, -E2BIG, &w, i, "",
						  "body byte %u is not zero; this module knows %u bytes",
						  i, rt->size);
		if (++seen[r.type] > fw_hdr_count(h, r.type))
			return pl_fw_fail(err, -EINVAL, &w, PL_FW_RECHDR(0), "",
					  "more %s records than the header's %s %u",
					  rt->kind, rt->count_field,
					  fw_hdr_count(h, r.type));
		off += r.len;
		rec++;
	}
	for (t = 1; t < PL_FW_NR_RTYPES; t++)
		if (seen[t] != fw_hdr_count(h, t))
			return pl_fw_fail(err, -EINVAL, NULL,
					  pl_fw_rtypes[t].count_off,
					  pl_fw_rtypes[t].count_field,
					  "%u, but the blob has %u %s records",
					  fw_hdr_count(h, t), seen[t],
					  pl_fw_rtypes[t].kind);
	/* the per-type sum equals nr_records, so rec == nr_records here */
	return 0;
}

/* Reserve @n elements of @size at the next 8-byte boundary of *@total. */
static size_t fw_carve(size_t *total, size_t n, size_t size)
{
	size_t at = PL_FW_ALIGN8(*total);

	*total = at + n * size;
	return at;
}

/* The uapi layout is ABI: no implicit padding, sizes as documented. */
static void fw_check_layout(void)
{
	BUILD_BUG_ON(sizeof(struct probelab_fw_hdr) != PROBELAB_FW_HDR_SIZE_V1);
	BUILD_BUG_ON(sizeof(struct probelab_fw_rec) != 8);
	BUILD_BUG_ON(sizeof(struct probelab_fw_iommu) !=
		     PROBELAB_FW_IOMMU_SIZE_V1);
	BUILD_BUG_ON(sizeof(struct probelab_fw_endpoint) !=
		     PROBELAB_FW_ENDPOINT_SIZE_V1);
	BUILD_BUG_ON(sizeof(struct probelab_fw_spec) != PROBELAB_FW_SPEC_SIZE_V1);
	BUILD_BUG_ON(sizeof(struct probelab_fw_rc) != PROBELAB_FW_RC_SIZE_V1);
	BUILD_BUG_ON(sizeof(struct probelab_fw_idmap) !=
		     PROBELAB_FW_IDMAP_SIZE_V1);
	BUILD_BUG_ON(sizeof(struct probelab_fw_bridge) !=
		     PROBELAB_FW_BRIDGE_SIZE_V1);
	BUILD_BUG_ON(sizeof(struct probelab_fw_scope) !=
		     PROBELAB_FW_SCOPE_SIZE_V1);
	/* per-bus tables index bridges and scopes in 16 bits */
	BUILD_BUG_ON(PROBELAB_FW_MAX_BRIDGES >= PL_FW_NONE16);
	BUILD_BUG_ON(PROBELAB_FW_MAX_SCOPES >= PL_FW_NONE16);
	BUILD_BUG_ON(PROBELAB_FW_MAX_RCS >= PL_FW_NONE8);
	BUILD_BUG_ON(PROBELAB_FW_MAX_IOMMUS >= PL_FW_NONE16);
}

static struct pl_fwdesc *fw_alloc(const struct probelab_fw_hdr *h)
{
	size_t o_iommus, o_eps, o_specs, o_rcs, o_maps, o_bridges, o_scopes;
	size_t o_segs, o_points, o_bpoints, o_names, total;
	u32 nr_segs = h->nr_iommus + h->nr_rcs;
	struct pl_fwdesc *d;
	u8 *base;

	/* every count is bounded, so none of this can overflow */
	total = sizeof(*d);
	o_iommus = fw_carve(&total, h->nr_iommus, sizeof(struct pl_fw_iommu));
	o_eps = fw_carve(&total, h->nr_endpoints,
			 sizeof(struct pl_fw_endpoint));
	o_specs = fw_carve(&total, h->nr_specs, sizeof(struct pl_fw_spec));
	o_rcs = fw_carve(&total, h->nr_rcs, sizeof(struct pl_fw_rc));
	o_maps = fw_carve(&total, h->nr_idmaps, sizeof(struct pl_fw_idmap));
	o_bridges = fw_carve(&total, h->nr_bridges,
			     sizeof(struct pl_fw_bridge));
	o_scopes = fw_carve(&total, h->nr_scopes, sizeof(struct pl_fw_scope));
	o_segs = fw_carve(&total, nr_segs, sizeof(struct pl_fw_seg));
	o_points = fw_carve(&total, h->nr_scopes, sizeof(struct pl_fw_point));
	o_bpoints = fw_carve(&total, h->nr_bridges,
			     sizeof(struct pl_fw_point));
	o_names = fw_carve(&total, h->nr_endpoints, sizeof(struct pl_fw_name));

	base = pl_zalloc_array(1, total);
	if (!base)
		return NULL;
	d = (struct pl_fwdesc *)base;
	d->alloc_size = total;
	d->blob_len = h->total_len;
	d->nr_iommus = h->nr_iommus;
	d->nr_endpoints = h->nr_endpoints;
	d->nr_specs = h->nr_specs;
	d->nr_rcs = h->nr_rcs;
	d->nr_idmaps = h->nr_idmaps;
	d->nr_bridges = h->nr_bridges;
	d->nr_scopes = h->nr_scopes;
	d->iommus = (struct pl_fw_iommu *)(base + o_iommus);
	d->endpoints = (struct pl_fw_endpoint *)(base + o_eps);
	d->specs = (struct pl_fw_spec *)(base + o_specs);
	d->rcs = (struct pl_fw_rc *)(base + o_rcs);
	d->idmaps = (struct pl_fw_idmap *)(base + o_maps);
	d->bridges = (struct pl_fw_bridge *)(base + o_bridges);
	d->scopes = (struct pl_fw_scope *)(base + o_scopes);
	d->segs = (struct pl_fw_seg *)(base + o_segs);
	d->points = (struct pl_fw_point *)(base + o_points);
	d->bridge_points = (struct pl_fw_point *)(base + o_bpoints);
	d->ep_names = (struct pl_fw_name *)(base + o_names);
	return d;
}

static int fw_decode_iommu(struct pl_fwdesc *d,
			   const struct probelab_fw_iommu *r,
			   struct pl_fw_where *w, struct pl_fw_err *err)
{
	struct pl_fw_iommu *p = &d->iommus[w->ord];
	int ret;

	ret = fw_check_name(err, w, PL_FW_OFF(probelab_fw_iommu, name),
			    r->name, false);
	if (ret)
		return ret;
	memcpy(p->name, r->name, sizeof(p->name));
	w->name = p->name;
	if (r->__reserved[0] || r->__reserved[1] || r->__reserved[2])
		return pl_fw_fail(err, -EINVAL, w,
				  PL_FW_OFF(probelab_fw_iommu, __reserved),
				  "__reserved", "not zero");
	switch (r->model) {
	case PROBELAB_FW_IOMMU_SMMUV3:
		if (r->segment)
			return pl_fw_fail(err, -EINVAL, w,
					  PL_FW_OFF(probelab_fw_iommu, segment),
					  "segment",
					  "%u: must be 0 for an SMMUv3 (PCI segments belong to root complexes)",
					  r->segment);
		if (r->sid_bits < 1 || r->sid_bits > 32)
			return pl_fw_fail(err, -EINVAL, w,
					  PL_FW_OFF(probelab_fw_iommu, sid_bits),
					  "sid_bits", "%u is outside 1..32",
					  r->sid_bits);
		if (r->flags)
			return pl_fw_fail(err, -EINVAL, w,
					  PL_FW_OFF(probelab_fw_iommu, flags),
					  "flags", "0x%x: an SMMUv3 takes no flags",
					  r->flags);
		if (r->features & ~PROBELAB_FW_SMMUV3_F_ALL)
			return pl_fw_fail(err, -EINVAL, w,
					  PL_FW_OFF(probelab_fw_iommu, features),
					  "features", "unknown SMMUv3 feature bits 0x%x",
					  r->features & ~PROBELAB_FW_SMMUV3_F_ALL);
		if ((r->features & PROBELAB_FW_SMMUV3_F_PRI) &&
		    !(r->features & PROBELAB_FW_SMMUV3_F_ATS))
			return pl_fw_fail(err, -EINVAL, w,
					  PL_FW_OFF(probelab_fw_iommu, features),
					  "features", "PRI without ATS");
		p->sid_bits = r->sid_bits;
		break;
	case PROBELAB_FW_IOMMU_VTD:
		if (r->sid_bits)
			return pl_fw_fail(err, -EINVAL, w,
					  PL_FW_OFF(probelab_fw_iommu, sid_bits),
					  "sid_bits",
					  "%u: must be 0 for VT-d (source IDs are 16 bits)",
					  r->sid_bits);
		if (r->flags & ~PROBELAB_FW_VTD_FLAGS_ALL)
			return pl_fw_fail(err, -EINVAL, w,
					  PL_FW_OFF(probelab_fw_iommu, flags),
					  "flags", "unknown VT-d flag bits 0x%x",
					  r->flags & ~PROBELAB_FW_VTD_FLAGS_ALL);
		if (r->features & ~PROBELAB_FW_VTD_F_ALL)
			return pl_fw_fail(err, -EINVAL, w,
					  PL_FW_OFF(probelab_fw_iommu, features),
					  "features", "unknown VT-d feature bits 0x%x",
					  r->features & ~PROBELAB_FW_VTD_F_ALL);
		p->sid_bits = 16;
		break;
	default:
		return pl_fw_fail(err, -EOPNOTSUPP, w,
				  PL_FW_OFF(probelab_fw_iommu, model), "model",
				  "unknown IOMMU model %u", r->model);
	}
	p->base = r->base;
	p->flags = r->flags;
	p->features = r->features;
	p->model = r->model;
	p->segment = r->segment;
	return 0;
}

static int fw_decode_endpoint(struct pl_fwdesc *d,
			      const struct probelab_fw_endpoint *r,
			      struct pl_fw_where *w, struct pl_fw_err *err)
{
	struct pl_fw_endpoint *p = &d->endpoints[w->ord];
	int ret;

	ret = fw_check_name(err, w, PL_FW_OFF(probelab_fw_endpoint, name),
			    r->name, false);
	if (ret)
		return ret;
	memcpy(p->name, r->name, sizeof(p->name));
	w->name = p->name;
	if (r->flags)
		return pl_fw_fail(err, -EINVAL, w,
				  PL_FW_OFF(probelab_fw_endpoint, flags),
				  "flags", "unknown flags 0x%x", r->flags);
	if (!r->nr_specs)
		return pl_fw_fail(err, -EINVAL, w,
				  PL_FW_OFF(probelab_fw_endpoint, nr_specs),
				  "nr_specs", "an endpoint needs at least one specifier");
	if (r->nr_specs > PROBELAB_FW_MAX_EP_SPECS)
		return pl_fw_fail(err, -E2BIG, w,
				  PL_FW_OFF(probelab_fw_endpoint, nr_specs),
				  "nr_specs", "%u exceeds the bound %u",
				  r->nr_specs, PROBELAB_FW_MAX_EP_SPECS);
	/* the declared count; checked against the SPEC records later */
	p->nr_specs = r->nr_specs;
	return 0;
}

static int fw_decode_spec(struct pl_fwdesc *d, const struct probelab_fw_spec *r,
			  struct pl_fw_where *w, struct pl_fw_err *err)
{
	struct pl_fw_spec *p = &d->specs[w->ord];

	if (r->flags)
		return pl_fw_fail(err, -EINVAL, w,
				  PL_FW_OFF(probelab_fw_spec, flags), "flags",
				  "unknown flags 0x%x", r->flags);
	p->id = r->id;
	p->mask = r->mask;
	p->endpoint = r->endpoint;
	p->iommu = r->iommu;
	return 0;
}

static int fw_decode_rc(struct pl_fwdesc *d, const struct probelab_fw_rc *r,
			struct pl_fw_where *w, struct pl_fw_err *err)
{
	struct pl_fw_rc *p = &d->rcs[w->ord];
	int ret;

	ret = fw_check_name(err, w, PL_FW_OFF(probelab_fw_rc, name), r->name,
			    true);
	if (ret)
		return ret;
	memcpy(p->name, r->name, sizeof(p->name));
	w->name = p->name;
	if (r->bus_start > r->bus_end)
		return pl_fw_fail(err, -EINVAL, w,
				  PL_FW_OFF(probelab_fw_rc, bus_end), "bus_end",
				  "0x%02x is below bus_start 0x%02x",
				  r->bus_end, r->bus_start);
	if (r->rid_mask > 0xffff)
		return pl_fw_fail(err, -EINVAL, w,
				  PL_FW_OFF(probelab_fw_rc, rid_mask), "rid_mask",
				  "0x%x has bits beyond the 16-bit requester ID",
				  r->rid_mask);
	if (r->flags)
		return pl_fw_fail(err, -EINVAL, w,
				  PL_FW_OFF(probelab_fw_rc, flags), "flags",
				  "unknown flags 0x%x", r->flags);
	if (r->nr_idmaps > PROBELAB_FW_MAX_IDMAPS)
		return pl_fw_fail(err, -E2BIG, w,
				  PL_FW_OFF(probelab_fw_rc, nr_idmaps),
				  "nr_idmaps", "%u exceeds the bound %u",
				  r->nr_idmaps, PROBELAB_FW_MAX_IDMAPS);
	p->segment = r->segment;
	p->bus_start = r->bus_start;
	p->bus_end = r->bus_end;
	p->rid_mask = r->rid_mask;
	/* the declared count; checked against the IDMAP records later */
	p->nr_maps = r->nr_idmaps;
	return 0;
}

static int fw_decode_idmap(struct pl_fwdesc *d,
			   const struct probelab_fw_idmap *r,
			   struct pl_fw_where *w, struct pl_fw_err *err)
{
	struct pl_fw_idmap *p = &d->idmaps[w->ord];
	u32 end;

	if (r->flags & ~PROBELAB_FW_IDMAP_FLAGS_ALL)
		return pl_fw_fail(err, -EINVAL, w,
				  PL_FW_OFF(probelab_fw_idmap, flags), "flags",
				  "unknown flag bits 0x%x",
				  r->flags & ~PROBELAB_FW_IDMAP_FLAGS_ALL);
	if (r->__reserved)
		return pl_fw_fail(err, -EINVAL, w,
				  PL_FW_OFF(probelab_fw_idmap, __reserved),
				  "__reserved", "0x%x is not zero", r->__reserved);
	if (r->flags & PROBELAB_FW_IDMAP_SINGLE) {
		if (r->rid_base)
			return pl_fw_fail(err, -EINVAL, w,
					  PL_FW_OFF(probelab_fw_idmap, rid_base),
					  "rid_base",
					  "0x%x: must be 0 for a SINGLE map (its input is ignored)",
					  r->rid_base);
		if (r->length)
			return pl_fw_fail(err, -EINVAL, w,
					  PL_FW_OFF(probelab_fw_idmap, length),
					  "length",
					  "0x%x: must be 0 for a SINGLE map (its input is ignored)",
					  r->length);
	} else {
		if (!r->length)
			return pl_fw_fail(err, -EINVAL, w,
					  PL_FW_OFF(probelab_fw_idmap, length),
					  "length", "0: a map covers at least one ID");
		if (check_add_overflow(r->rid_base, r->length, &end))
			return pl_fw_fail(err, -EOVERFLOW, w,
					  PL_FW_OFF(probelab_fw_idmap, length),
					  "length", "rid_base 0x%x + length 0x%x overflows 32 bits",
					  r->rid_base, r->length);
		if (r->rid_base > 0xffff)
			return pl_fw_fail(err, -ERANGE, w,
					  PL_FW_OFF(probelab_fw_idmap, rid_base),
					  "rid_base",
					  "0x%x is beyond the 16-bit requester ID space",
					  r->rid_base);
		if (end > 0x10000)
			return pl_fw_fail(err, -ERANGE, w,
					  PL_FW_OFF(probelab_fw_idmap, length),
					  "length", "RIDs 0x%x..0x%x run past 0xffff",
					  r->rid_base, end - 1);
		if (check_add_overflow(r->output_base, r->length - 1, &end))
			return pl_fw_fail(err, -EOVERFLOW, w,
					  PL_FW_OFF(probelab_fw_idmap, output_base),
					  "output_base", "0x%x + length 0x%x - 1 overflows 32 bits",
					  r->output_base, r->length);
	}
	p->rid_base = r->rid_base;
	p->length = r->length;
	p->output_base = r->output_base;
	p->flags = r->flags;
	p->rc = r->rc;
	p->iommu = r->iommu;
	return 0;
}

static int fw_decode_bridge(struct pl_fwdesc *d,
			    const struct probelab_fw_bridge *r,
			    struct pl_fw_where *w, struct pl_fw_err *err)
{
	struct pl_fw_bridge *p = &d->bridges[w->ord];

	if (r->secondary <= r->bus)
		return pl_fw_fail(err, -EINVAL, w,
				  PL_FW_OFF(probelab_fw_bridge, secondary),
				  "secondary", "0x%02x is not above the bridge's own bus 0x%02x",
				  r->secondary, r->bus);
	if (r->subordinate < r->secondary)
		return pl_fw_fail(err, -EINVAL, w,
				  PL_FW_OFF(probelab_fw_bridge, subordinate),
				  "subordinate", "0x%02x is below secondary 0x%02x",
				  r->subordinate, r->secondary);
	if (r->flags & ~PROBELAB_FW_BRIDGE_FLAGS_ALL)
		return pl_fw_fail(err, -EINVAL, w,
				  PL_FW_OFF(probelab_fw_bridge, flags), "flags",
				  "unknown flag bits 0x%x",
				  r->flags & ~PROBELAB_FW_BRIDGE_FLAGS_ALL);
	p->segment = r->segment;
	p->bus = r->bus;
	p->devfn = r->devfn;
	p->secondary = r->secondary;
	p->subordinate = r->subordinate;
	p->flags = r->flags;
	p->parent = PL_FW_NONE;
	return 0;
}

static int fw_decode_scope(struct pl_fwdesc *d,
			   const struct probelab_fw_scope *r,
			   struct pl_fw_where *w, struct pl_fw_err *err)
{
	struct pl_fw_scope *p = &d->scopes[w->ord];
	u32 i;

	if (r->type != PROBELAB_FW_SCOPE_ENDPOINT &&
	    r->type != PROBELAB_FW_SCOPE_BRIDGE)
		return pl_fw_fail(err, -EOPNOTSUPP, w,
				  PL_FW_OFF(probelab_fw_scope, type), "type",
				  "unknown scope type %u (1 endpoint, 2 bridge)",
				  r->type);
	if (r->__reserved[0] || r->__reserved[1] || r->__reserved[2])
		return pl_fw_fail(err, -EINVAL, w,
				  PL_FW_OFF(probelab_fw_scope, __reserved),
				  "__reserved", "not zero");
	if (!r->nr_hops)
		return pl_fw_fail(err, -EINVAL, w,
				  PL_FW_OFF(probelab_fw_scope, nr_hops),
				  "nr_hops", "0: a path has at least one hop");
	if (r->nr_hops > PROBELAB_FW_MAX_HOPS)
		return pl_fw_fail(err, -E2BIG, w,
				  PL_FW_OFF(probelab_fw_scope, nr_hops),
				  "nr_hops", "%u exceeds the bound %u",
				  r->nr_hops, PROBELAB_FW_MAX_HOPS);
	for (i = r->nr_hops; i < PROBELAB_FW_MAX_HOPS; i++)
		if (r->hops[i])
			return pl_fw_fail(err, -EINVAL, w,
					  PL_FW_OFF(probelab_fw_scope, hops) + i,
					  "hops", "hops[%u] = 0x%02x past nr_hops %u is not zero",
					  i, r->hops[i], r->nr_hops);
	p->iommu = r->iommu;
	p->type = r->type;
	p->start_bus = r->start_bus;
	p->nr_hops = r->nr_hops;
	memcpy(p->hops, r->hops, sizeof(p->hops));
	p->bridge = PL_FW_NONE;
	return 0;
}

/* Every record on its own (pass 2), in blob order. */
static int fw_decode(const u8 *blob, const struct probelab_fw_hdr *h,
		     struct pl_fwdesc *d, struct pl_fw_err *err)
{
	union {
		struct probelab_fw_iommu iommu;
		struct probelab_fw_endpoint ep;
		struct probelab_fw_spec spec;
		struct probelab_fw_rc rc;
		struct probelab_fw_idmap map;
		struct probelab_fw_bridge bridge;
		struct probelab_fw_scope scope;
	} b;
	u32 ord[PL_FW_NR_RTYPES] = { 0 };
	u32 off = h->hdr_len, rec = 0;
	struct probelab_fw_rec r;
	int ret;

	while (off < h->total_len) {
		struct pl_fw_where w;
		u32 body, n;

		memcpy(&r, blob + off, sizeof(r));
		body = r.len - PL_FW_REC_HDR;
		n = body < pl_fw_rtypes[r.type].size ?
		    body : pl_fw_rtypes[r.type].size;
		/* shorter (older) bodies read as zero-extended */
		memset(&b, 0, sizeof(b));
		memcpy(&b, blob + off + PL_FW_REC_HDR, n);
		w.kind = pl_fw_rtypes[r.type].kind;
		w.ord = ord[r.type]++;
		w.name = NULL;
		w.rec = rec;
		w.off = off;
		switch (r.type) {
		case PROBELAB_FW_REC_IOMMU:
			d->iommus[w.ord].rec = rec;
			d->iommus[w.ord].off = off;
			ret = fw_decode_iommu(d, &b.iommu, &w, err);
			break;
		case PROBELAB_FW_REC_ENDPOINT:
			d->endpoints[w.ord].rec = rec;
			d->endpoints[w.ord].off = off;
			ret = fw_decode_endpoint(d, &b.ep, &w, err);
			break;
		case PROBELAB_FW_REC_SPEC:
			d->specs[w.ord].ordinal = w.ord;
			d->specs[w.ord].rec = rec;
			d->specs[w.ord].off = off;
			ret = fw_decode_spec(d, &b.spec, &w, err);
			break;
		case PROBELAB_FW_REC_ROOT_COMPLEX:
			d->rcs[w.ord].rec = rec;
			d->rcs[w.ord].off = off;
			ret = fw_decode_rc(d, &b.rc, &w, err);
			break;
		case PROBELAB_FW_REC_IDMAP:
			d->idmaps[w.ord].ordinal = w.ord;
			d->idmaps[w.ord].rec = rec;
			d->idmaps[w.ord].off = off;
			ret = fw_decode_idmap(d, &b.map, &w, err);
			break;
		case PROBELAB_FW_REC_BRIDGE:
			d->bridges[w.ord].rec = rec;
			d->bridges[w.ord].off = off;
			ret = fw_decode_bridge(d, &b.bridge, &w, err);
			break;
		case PROBELAB_FW_REC_SCOPE:
			d->scopes[w.ord].rec = rec;
			d->scopes[w.ord].off = off;
			ret = fw_decode_scope(d, &b.scope, &w, err);
			break;
		default:	/* framing let no other type through */
			ret = pl_fw_fail(err, -EOPNOTSUPP, &w, PL_FW_RECHDR(0),
					 "type", "unknown record type %u",
					 r.type);
			break;
		}
		if (ret)
			return ret;
		off += r.len;
		rec++;
	}
	return 0;
}

/* Unique names and unique non-zero bases. */
static int fw_check_iommus(struct pl_fwdesc *d, struct pl_fw_err *err)
{
	struct pl_fw_name *names;
	struct pl_fw_where w;
	u32 i, j;
	int ret = 0;

	if (!d->nr_iommus)
		return 0;
	names = pl_zalloc_array(d->nr_iommus, sizeof(*names));
	if (!names)
		return pl_fw_fail(err, -ENOMEM, NULL, 0, "",
				  "out of memory checking IOMMU names");
	for (i = 0; i < d->nr_iommus; i++) {
		memcpy(names[i].name, d->iommus[i].name, sizeof(names[i].name));
		names[i].index = i;
	}
	pl_sort(names, d->nr_iommus, sizeof(*names), pl_fw_name_cmp);
	for (i = 1; i < d->nr_iommus; i++) {
		if (strcmp(names[i - 1].name, names[i].name))
			continue;
		w = pl_fw_w_iommu(d, names[i].index);
		ret = pl_fw_fail(err, -EEXIST, &w,
				 PL_FW_OFF(probelab_fw_iommu, name), "name",
				 "also the name of iommu %u",
				 names[i - 1].index);
		goto free_names;
	}
	for (i = 1; i < d->nr_iommus; i++) {
		for (j = 0; j < i; j++) {
			if (!d->iommus[i].base ||
			    d->iommus[i].base != d->iommus[j].base)
				continue;
			w = pl_fw_w_iommu(d, i);
			ret = pl_fw_fail(err, -EEXIST, &w,
					 PL_FW_OFF(probelab_fw_iommu, base),
					 "base", "0x%llx is also the base of iommu %u '%s'",
					 (unsigned long long)d->iommus[i].base,
					 j, d->iommus[j].name);
			goto free_names;
		}
	}
free_names:
	pl_free(names);
	return ret;
}

static int fw_spec_cmp(const void *a, const void *b)
{
	const struct pl_fw_spec *x = a, *y = b;

	if (x->endpoint != y->endpoint)
		return x->endpoint < y->endpoint ? -1 : 1;
	return x->ordinal < y->ordinal ? -1 : x->ordinal > y->ordinal;
}

static int fw_check_spec(struct pl_fwdesc *d, const struct pl_fw_spec *s,
			 struct pl_fw_err *err)
{
	struct pl_fw_where w = pl_fw_w_spec(s);
	const struct pl_fw_iommu *io;
	const char *ep;
	u32 max;

	if (s->endpoint >= d->nr_endpoints)
		return pl_fw_fail(err, -EINVAL, &w,
				  PL_FW_OFF(probelab_fw_spec, endpoint),
				  "endpoint", "names endpoint %u, the description has %u",
				  s->endpoint, d->nr_endpoints);
	ep = d->endpoints[s->endpoint].name;
	if (s->iommu >= d->nr_iommus)
		return pl_fw_fail(err, -EINVAL, &w,
				  PL_FW_OFF(probelab_fw_spec, iommu), "iommu",
				  "endpoint '%s' names IOMMU %u, the description has %u",
				  ep, s->iommu, d->nr_iommus);
	io = &d->iommus[s->iommu];
	if (io->model == PROBELAB_FW_IOMMU_VTD) {
		if (s->mask)
			return pl_fw_fail(err, -EINVAL, &w,
					  PL_FW_OFF(probelab_fw_spec, mask),
					  "mask",
					  "endpoint '%s': 0x%x: VT-d source IDs take no mask (DRHD '%s')",
					  ep, s->mask, io->name);
		if (s->id > 0xffff)
			return pl_fw_fail(err, -ERANGE, &w,
					  PL_FW_OFF(probelab_fw_spec, id), "id",
					  "endpoint '%s': 0x%x is not a 16-bit source ID of DRHD '%s'",
					  ep, s->id, io->name);
		return 0;
	}
	max = pl_fw_id_max(io->sid_bits);
	if (s->id > max)
		return pl_fw_fail(err, -ERANGE, &w,
				  PL_FW_OFF(probelab_fw_spec, id), "id",
				  "endpoint '%s': 0x%x exceeds the %u stream ID bits of '%s'",
				  ep, s->id, io->sid_bits, io->name);
	if (s->mask > max)
		return pl_fw_fail(err, -ERANGE, &w,
				  PL_FW_OFF(probelab_fw_spec, mask), "mask",
				  "endpoint '%s': 0x%x exceeds the %u stream ID bits of '%s'",
				  ep, s->mask, io->sid_bits, io->name);
	return 0;
}

/*
 * Unique endpoint names (the sorted name index), valid specifiers, the
 * declared specifier counts, no duplicate specifier in one endpoint;
 * groups the specifiers by endpoint.
 */
static int fw_check_endpoints(struct pl_fwdesc *d, struct pl_fw_err *err)
{
	struct pl_fw_where w;
	u32 i, j, k, e;
	int ret;

	for (i = 0; i < d->nr_endpoints; i++) {
		memcpy(d->ep_names[i].name, d->endpoints[i].name,
		       sizeof(d->ep_names[i].name));
		d->ep_names[i].index = i;
	}
	pl_sort(d->ep_names, d->nr_endpoints, sizeof(*d->ep_names),
		pl_fw_name_cmp);
	for (i = 1; i < d->nr_endpoints; i++) {
		if (strcmp(d->ep_names[i - 1].name, d->ep_names[i].name))
			continue;
		w = pl_fw_w_endpoint(d, d->ep_names[i].index);
		return pl_fw_fail(err, -EEXIST, &w,
				  PL_FW_OFF(probelab_fw_endpoint, name), "name",
				  "also the name of endpoint %u",
				  d->ep_names[i - 1].index);
	}
	for (i = 0; i < d->nr_specs; i++) {
		ret = fw_check_spec(d, &d->specs[i], err);
		if (ret)
			return ret;
	}
	pl_sort(d->specs, d->nr_specs, sizeof(*d->specs), fw_spec_cmp);
	for (i = 0, e = 0; e < d->nr_endpoints; e++) {
		struct pl_fw_endpoint *ep = &d->endpoints[e];

		for (j = i; j < d->nr_specs && d->specs[j].endpoint == e; j++)
			;
		if (j - i != ep->nr_specs) {
			w = pl_fw_w_endpoint(d, e);
			return pl_fw_fail(err, -EINVAL, &w,
					  PL_FW_OFF(probelab_fw_endpoint, nr_specs),
					  "nr_specs", "%u, but %u SPEC records name this endpoint",
					  ep->nr_specs, j - i);
		}
		ep->spec_first = i;
		i = j;
	}
	for (e = 0; e < d->nr_endpoints; e++) {
		const struct pl_fw_endpoint *ep = &d->endpoints[e];
		const struct pl_fw_spec *s = &d->specs[ep->spec_first];

		for (j = 1; j < ep->nr_specs; j++) {
			for (k = 0; k < j; k++) {
				if (s[j].iommu != s[k].iommu ||
				    s[j].id != s[k].id || s[j].mask != s[k].mask)
					continue;
				w = pl_fw_w_spec(&s[j]);
				return pl_fw_fail(err, -EEXIST, &w,
						  PL_FW_OFF(probelab_fw_spec, id),
						  "id",
						  "endpoint '%s': 0x%x on '%s' duplicates spec %u",
						  ep->name, s[j].id,
						  d->iommus[s[j].iommu].name,
						  s[k].ordinal);
			}
		}
	}
	return 0;
}

static struct pl_fw_seg *fw_seg_get(struct pl_fwdesc *d, u16 segment,
				    u16 kind)
{
	struct pl_fw_seg *s;
	u32 i;

	for (i = 0; i < d->nr_segs; i++)
		if (d->segs[i].segment == segment)
			return &d->segs[i];
	s = &d->segs[d->nr_segs++];
	s->segment = segment;
	s->kind = kind;
	s->include_all = PL_FW_NONE16;
	memset(s->bus_bridge, 0xff, sizeof(s->bus_bridge));
	memset(s->bus_scope, 0xff, sizeof(s->bus_scope));
	memset(s->bus_rc, 0xff, sizeof(s->bus_rc));
	return s;
}

/*
 * PCI segments: one INCLUDE_PCI_ALL DRHD per VT-d segment, root complex
 * bus ranges disjoint, no segment both under DRHDs and root complexes.
 */
static int fw_build_segs(struct pl_fwdesc *d, struct pl_fw_err *err)
{
	char q[PL_FW_QLEN];
	struct pl_fw_where w;
	struct pl_fw_seg *s;
	u32 i, b, j;

	for (i = 0; i < d->nr_iommus; i++) {
		const struct pl_fw_iommu *io = &d->iommus[i];

		if (io->model != PROBELAB_FW_IOMMU_VTD)
			continue;
		s = fw_seg_get(d, io->segment, PL_FW_SEG_VTD);
		if (!(io->flags & PROBELAB_FW_VTD_INCLUDE_PCI_ALL))
			continue;
		if (s->include_all != PL_FW_NONE16) {
			w = pl_fw_w_iommu(d, i);
			return pl_fw_fail(err, -EINVAL, &w,
					  PL_FW_OFF(probelab_fw_iommu, flags),
					  "flags",
					  "INCLUDE_PCI_ALL: segment %u already has INCLUDE_PCI_ALL DRHD '%s'",
					  io->segment,
					  d->iommus[s->include_all].name);
		}
		s->include_all = i;
	}
	for (i = 0; i < d->nr_rcs; i++) {
		const struct pl_fw_rc *rc = &d->rcs[i];

		s = fw_seg_get(d, rc->segment, PL_FW_SEG_RC);
		w = pl_fw_w_rc(d, i);
		if (s->kind != PL_FW_SEG_RC) {
			for (j = 0; j < d->nr_iommus; j++)
				if (d->iommus[j].model == PROBELAB_FW_IOMMU_VTD &&
				    d->iommus[j].segment == rc->segment)
					break;
			return pl_fw_fail(err, -EINVAL, &w,
					  PL_FW_OFF(probelab_fw_rc, segment),
					  "segment",
					  "%u is also the segment of VT-d DRHD '%s'; a segment has root complexes or DRHDs, not both",
					  rc->segment, d->iommus[j].name);
		}
		for (b = rc->bus_start; b <= rc->bus_end; b++) {
			if (s->bus_rc[b] == PL_FW_NONE8)
				continue;
			j = s->bus_rc[b];
			return pl_fw_fail(err, -EINVAL, &w,
					  PL_FW_OFF(probelab_fw_rc, bus_start),
					  "bus_start",
					  "buses 0x%02x-0x%02x overlap root complex %u%s (buses 0x%02x-0x%02x) in segment %u",
					  rc->bus_start, rc->bus_end, j,
					  pl_fw_q(q, d->rcs[j].name),
					  d->rcs[j].bus_start,
					  d->rcs[j].bus_end, rc->segment);
		}
		for (b = rc->bus_start; b <= rc->bus_end; b++)
			s->bus_rc[b] = i;
	}
	/* unique non-empty root complex names */
	for (i = 1; i < d->nr_rcs; i++) {
		for (j = 0; j < i; j++) {
			if (!d->rcs[i].name[0] ||
			    strcmp(d->rcs[i].name, d->rcs[j].name))
				continue;
			w = pl_fw_w_rc(d, i);
			return pl_fw_fail(err, -EEXIST, &w,
					  PL_FW_OFF(probelab_fw_rc, name), "name",
					  "also the name of root complex %u", j);
		}
	}
	pl_sort(d->segs, d->nr_segs, sizeof(*d->segs), fw_seg_cmp);
	return 0;
}

int pl_fwdesc_parse(const void *blob, size_t len, struct pl_fwdesc **out,
		    struct pl_fw_err *err)
{
	struct probelab_fw_hdr h;
	struct pl_fw_err local;
	struct pl_fwdesc *d;
	int ret;

	if (!err)
		err = &local;
	memset(err, 0, sizeof(*err));
	err->rec_index = PL_FW_NONE;
	err->field = "";
	if (!out || !blob)
		return pl_fw_fail(err, -EINVAL, NULL, 0, "",
				  "no blob or no output pointer");
	*out = NULL;
	fw_check_layout();
	ret = fw_check_header(blob, len, &h, err);
	if (ret)
		return ret;
	ret = fw_check_framing(blob, &h, err);
	if (ret)
		return ret;
	d = fw_alloc(&h);
	if (!d)
		return pl_fw_fail(err, -ENOMEM, NULL, 0, "",
				  "out of memory for the parsed description");
	ret = fw_decode(blob, &h, d, err);
	if (ret)
		goto free_desc;
	ret = fw_check_iommus(d, err);
	if (ret)
		goto free_desc;
	ret = fw_check_endpoints(d, err);
	if (ret)
		goto free_desc;
	ret = fw_build_segs(d, err);
	if (ret)
		goto free_desc;
	ret = pl_fw_check_idmaps(d, err);
	if (ret)
		goto free_desc;
	ret = pl_fw_check_bridges(d, err);
	if (ret)
		goto free_desc;
	ret = pl_fw_check_scopes(d, err);
	if (ret)
		goto free_desc;
	*out = d;
	return 0;

free_desc:
	pl_fwdesc_free(d);
	return ret;
}

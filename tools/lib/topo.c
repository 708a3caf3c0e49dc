// SPDX-License-Identifier: GPL-2.0
/*
 * libprobelab: FW_LOAD description builder and the JSON topology loader.
 * The JSON schema is documented in docs/topology.md.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>

#include "fwdesc.h"
#include "probelab.h"
#include "topo.h"

#define PL_TOPO_NR_TYPES	8	/* record types 1..7 */

/* ---- the builder ----------------------------------------------------- */

struct pl_topo_vec {
	unsigned char *v;	/* bodies of pl_topo_types[type].size bytes */
	char **origin;
	unsigned int n;
	unsigned int cap;
};

struct pl_topo_builder {
	struct pl_topo_vec t[PL_TOPO_NR_TYPES];
	pl_topo_field_map_fn map;
};

static const struct {
	size_t size;
	unsigned int max;
} pl_topo_types[PL_TOPO_NR_TYPES] = {
	[PROBELAB_FW_REC_IOMMU] = { sizeof(struct probelab_fw_iommu),
				    PROBELAB_FW_MAX_IOMMUS },
	[PROBELAB_FW_REC_ENDPOINT] = { sizeof(struct probelab_fw_endpoint),
				       PROBELAB_FW_MAX_ENDPOINTS },
	[PROBELAB_FW_REC_SPEC] = { sizeof(struct probelab_fw_spec),
				   PROBELAB_FW_MAX_SPECS },
	[PROBELAB_FW_REC_ROOT_COMPLEX] = { sizeof(struct probelab_fw_rc),
					   PROBELAB_FW_MAX_RCS },
	[PROBELAB_FW_REC_IDMAP] = { sizeof(struct probelab_fw_idmap),
				    PROBELAB_FW_MAX_IDMAPS },
	[PROBELAB_FW_REC_BRIDGE] = { sizeof(struct probelab_fw_bridge),
				     PROBELAB_FW_MAX_BRIDGES },
	[PROBELAB_FW_REC_SCOPE] = { sizeof(struct probelab_fw_scope),
				    PROBELAB_FW_MAX_SCOPES },
};

struct pl_topo_builder *pl_topo_builder_new(void)
{
	return calloc(1, sizeof(struct pl_topo_builder));
}

void pl_topo_builder_free(struct pl_topo_builder *b)
{
	unsigned int t, i;

	if (!b)
		return;
	for (t = 1; t < PL_TOPO_NR_TYPES; t++) {
		for (i = 0; i < b->t[t].n; i++)
			free(b->t[t].origin[i]);
		free(b->t[t].origin);
		free(b->t[t].v);
	}
	free(b);
}

void pl_topo_builder_set_field_map(struct pl_topo_builder *b,
				   pl_topo_field_map_fn map)
{
	if (b)
		b->map = map;
}

static int vec_push(struct pl_topo_builder *b, unsigned int type,
		    const void *body, const char *origin)
{
	struct pl_topo_vec *v = &b->t[type];
	size_t size = pl_topo_types[type].size;
	char *o = NULL;

	if (v->n >= pl_topo_types[type].max)
		return -E2BIG;
	if (v->n == v->cap) {
		unsigned int cap = v->cap ? v->cap * 2 : 16;
		unsigned char *nv;
		char **no;

		nv = realloc(v->v, (size_t)cap * size);
		if (!nv)
			return -ENOMEM;
		v->v = nv;
		no = realloc(v->origin, (size_t)cap * sizeof(*no));
		if (!no)
			return -ENOMEM;
		v->origin = no;
		v->cap = cap;
	}
	if (origin) {
		o = strdup(origin);
		if (!o)
			return -ENOMEM;
	}
	memcpy(v->v + (size_t)v->n * size, body, size);
	v->origin[v->n] = o;
	return (int)v->n++;
}

static bool name_fits(const char *name)
{
	return name && strnlen(name, PROBELAB_FW_NAME_LEN) < PROBELAB_FW_NAME_LEN;
}

int pl_topo_add_iommu(struct pl_topo_builder *b,
		      const struct probelab_fw_iommu *iommu, const char *origin)
{
	if (!b || !iommu || !memchr(iommu->name, 0, sizeof(iommu->name)))
		return -EINVAL;
	return vec_push(b, PROBELAB_FW_REC_IOMMU, iommu, origin);
}

int pl_topo_add_endpoint(struct pl_topo_builder *b, const char *name,
			 const char *origin)
{
	struct probelab_fw_endpoint ep;

	if (!b || !name_fits(name))
		return -EINVAL;
	memset(&ep, 0, sizeof(ep));
	memcpy(ep.name, name, strlen(name));
	return vec_push(b, PROBELAB_FW_REC_ENDPOINT, &ep, origin);
}

int pl_topo_add_spec(struct pl_topo_builder *b, unsigned int endpoint,
		     unsigned int iommu, uint32_t id, uint32_t mask,
		     const char *origin)
{
	struct probelab_fw_spec s;

	if (!b || iommu > UINT16_MAX)
		return -EINVAL;
	memset(&s, 0, sizeof(s));
	s.endpoint = endpoint;
	s.iommu = (uint16_t)iommu;
	s.id = id;
	s.mask = mask;
	return vec_push(b, PROBELAB_FW_REC_SPEC, &s, origin);
}

int pl_topo_add_rc(struct pl_topo_builder *b, const struct probelab_fw_rc *rc,
		   const char *origin)
{
	if (!b || !rc || !memchr(rc->name, 0, sizeof(rc->name)))
		return -EINVAL;
	return vec_push(b, PROBELAB_FW_REC_ROOT_COMPLEX, rc, origin);
}

int pl_topo_add_idmap(struct pl_topo_builder *b,
		      const struct probelab_fw_idmap *map, const char *origin)
{
	if (!b || !map)
		return -EINVAL;
	return vec_push(b, PROBELAB_FW_REC_IDMAP, map, origin);
}

int pl_topo_add_bridge(struct pl_topo_builder *b,
		       const struct probelab_fw_bridge *bridge,
		       const char *origin)
{
	if (!b || !bridge)
		return -EINVAL;
	return vec_push(b, PROBELAB_FW_REC_BRIDGE, bridge, origin);
}

int pl_topo_add_scope(struct pl_topo_builder *b,
		      const struct probelab_fw_scope *scope, const char *origin)
{
	if (!b || !scope)
		return -EINVAL;
	return vec_push(b, PROBELAB_FW_REC_SCOPE, scope, origin);
}

int pl_topo_builder_find_iommu(const struct pl_topo_builder *b,
			       const char *name)
{
	const struct pl_topo_vec *v;
	unsigned int i;

	if (!b || !name)
		return -ENOENT;
	v = &b->t[PROBELAB_FW_REC_IOMMU];
	for (i = 0; i < v->n; i++) {
		const struct probelab_fw_iommu *io = (const void *)(v->v +
				i * sizeof(struct probelab_fw_iommu));

		if (!strncmp(io->name, name, sizeof(io->name)) &&
		    strlen(name) < sizeof(io->name))
			return (int)i;
	}
	return -ENOENT;
}

unsigned int pl_topo_builder_count(const struct pl_topo_builder *b,
				   unsigned int type)
{
	if (!b || !type || type >= PL_TOPO_NR_TYPES)
		return 0;
	return b->t[type].n;
}

/* Record index -> type and ordinal, in emit order. */
static bool rec_locate(const struct pl_topo_builder *b, uint32_t rec,
		       unsigned int *type, unsigned int *ord, size_t *off)
{
	size_t o = sizeof(struct probelab_fw_hdr);
	unsigned int t;

	for (t = 1; t < PL_TOPO_NR_TYPES; t++) {
		size_t rlen = sizeof(struct probelab_fw_rec) +
			      pl_topo_types[t].size;

		if (rec < b->t[t].n) {
			*type = t;
			*ord = rec;
			*off = o + (size_t)rec * rlen;
			return true;
		}
		rec -= b->t[t].n;
		o += (size_t)b->t[t].n * rlen;
	}
	return false;
}

const char *pl_topo_builder_origin(const struct pl_topo_builder *b,
				   uint32_t rec_index)
{
	unsigned int type, ord;
	size_t off;

	if (!b || !rec_locate(b, rec_index, &type, &ord, &off))
		return NULL;
	return b->t[type].origin[ord];
}

int pl_topo_builder_emit(const struct pl_topo_builder *b, void **blob,
			 size_t *len)
{
	unsigned int t, i, *ep_specs = NULL, *rc_maps = NULL;
	const struct pl_topo_vec *v;
	struct probelab_fw_hdr h;
	size_t total = sizeof(h), off;
	unsigned char *buf;

	if (!b || !blob || !len)
		return -EINVAL;
	memset(&h, 0, sizeof(h));
	for (t = 1; t < PL_TOPO_NR_TYPES; t++) {
		total += (size_t)b->t[t].n *
			 (sizeof(struct probelab_fw_rec) + pl_topo_types[t].size);
		h.nr_records += b->t[t].n;
	}
	if (total > PROBELAB_FW_MAX_LEN)
		return -E2BIG;
	buf = calloc(1, total);
	ep_specs = calloc(b->t[PROBELAB_FW_REC_ENDPOINT].n + 1,
			  sizeof(*ep_specs));
	rc_maps = calloc(b->t[PROBELAB_FW_REC_ROOT_COMPLEX].n + 1,
			 sizeof(*rc_maps));
	if (!buf || !ep_specs || !rc_maps) {
		free(buf);
		free(ep_specs);
		free(rc_maps);
		return -ENOMEM;
	}
	v = &b->t[PROBELAB_FW_REC_SPEC];
	for (i = 0; i < v->n; i++) {
		const struct probelab_fw_spec *s = (const void *)(v->v +
				i * sizeof(*s));

		if (s->endpoint < b->t[PROBELAB_FW_REC_ENDPOINT].n)
			ep_specs[s->endpoint]++;
	}
	v = &b->t[PROBELAB_FW_REC_IDMAP];
	for (i = 0; i < v->n; i++) {
		const struct probelab_fw_idmap *m = (const void *)(v->v +
				i * sizeof(*m));

		if (m->rc < b->t[PROBELAB_FW_REC_ROOT_COMPLEX].n)
			rc_maps[m->rc]++;
	}
	h.magic = PROBELAB_FW_MAGIC;
	h.version = PROBELAB_FW_VERSION;
	h.hdr_len = sizeof(h);
	h.total_len = (uint32_t)total;
	h.nr_iommus = b->t[PROBELAB_FW_REC_IOMMU].n;
	h.nr_endpoints = b->t[PROBELAB_FW_REC_ENDPOINT].n;
	h.nr_specs = b->t[PROBELAB_FW_REC_SPEC].n;
	h.nr_rcs = b->t[PROBELAB_FW_REC_ROOT_COMPLEX].n;
	h.nr_idmaps = b->t[PROBELAB_FW_REC_IDMAP].n;
	h.nr_bridges = b->t[PROBELAB_FW_REC_BRIDGE].n;
	h.nr_scopes = b->t[PROBELAB_FW_REC_SCOPE].n;
	memcpy(buf, &h, sizeof(h));
	off = sizeof(h);
	for (t = 1; t < PL_TOPO_NR_TYPES; t++) {
		size_t size = pl_topo_types[t].size;
		struct probelab_fw_rec r = {
			.type = (uint16_t)t,
			.len = (uint16_t)(sizeof(r) + size),
		};

		v = &b->t[t];
		for (i = 0; i < v->n; i++) {
			unsigned char *body = buf + off + sizeof(r);

			memcpy(buf + off, &r, sizeof(r));
			memcpy(body, v->v + (size_t)i * size, size);
			if (t == PROBELAB_FW_REC_ENDPOINT) {
				struct probelab_fw_endpoint *ep = (void *)body;

				ep->nr_specs = ep_specs[i];
			} else if (t == PROBELAB_FW_REC_ROOT_COMPLEX) {
				struct probelab_fw_rc *rc = (void *)body;

				rc->nr_idmaps = rc_maps[i];
			}
			off += sizeof(r) + size;
		}
	}
	free(ep_specs);
	free(rc_maps);
	*blob = buf;
	*len = total;
	return 0;
}

static void errmsg(char *buf, size_t len, const char *fmt, ...)
	__printf(3, 4);

static void errmsg(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (!buf || !len)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, len, fmt, ap);
	va_end(ap);
}

int pl_topo_builder_finish(const struct pl_topo_builder *b, void **blob,
			   size_t *len, char *errbuf, size_t errlen)
{
	struct pl_fwdesc *d;
	struct pl_fw_err err;
	unsigned int type, ord;
	char field[64] = "";
	const char *origin;
	size_t raw_len, off;
	void *raw;
	int ret;

	if (!b || !blob || !len)
		return -EINVAL;
	ret = pl_topo_builder_emit(b, &raw, &raw_len);
	if (ret == -E2BIG) {
		errmsg(errbuf, errlen,
		       "description: more than %u bytes of records",
		       PROBELAB_FW_MAX_LEN);
		return ret;
	}
	if (ret) {
		errmsg(errbuf, errlen, "description: %s", strerror(-ret));
		return ret;
	}
	ret = pl_fwdesc_parse(raw, raw_len, &d, &err);
	if (!ret) {
		pl_fwdesc_free(d);
		*blob = raw;
		*len = raw_len;
		return 0;
	}
	free(raw);
	origin = NULL;
	if (err.rec_index != PL_FW_NONE &&
	    rec_locate(b, err.rec_index, &type, &ord, &off)) {
		origin = b->t[type].origin[ord];
		if (err.field[0] && b->map) {
			size_t body = sizeof(struct probelab_fw_rec);

			body = err.offset >= off + body ? err.offset - off - body : 0;
			b->map(type, err.field, (unsigned int)body, field,
			       sizeof(field));
		} else {
			snprintf(field, sizeof(field), "%s", err.field);
		}
	}
	if (!origin)
		origin = "description";
	errmsg(errbuf, errlen, "%s%s%s: %s", origin, field[0] ? "." : "",
	       field, err.msg);
	return ret;
}

/* ---- the JSON topology ------------------------------------------------ */

#define JPATH_LEN	192

struct jctx {
	struct pl_topo_builder *b;
	struct pl_topo *t;
	const char *file;
	char *err;
	size_t errlen;
	unsigned int dev_cap;
};

static int jfail(struct jctx *c, int code, const char *path, const char *fmt,
		 ...) __printf(4, 5);

static int jfail(struct jctx *c, int code, const char *path, const char *fmt,
		 ...)
{
	size_t n = 0;
	va_list ap;

	if (!c->err || !c->errlen)
		return code;
	if (c->file)
		n = snprintf(c->err, c->errlen, "%s: ", c->file);
	if (n < c->errlen && path && path[0])
		n += snprintf(c->err + n, c->errlen - n, "%s: ", path);
	if (n < c->errlen) {
		va_start(ap, fmt);
		vsnprintf(c->err + n, c->errlen - n, fmt, ap);
		va_end(ap);
	}
	return code;
}

/* paths are short (bounded nesting); a truncated one ends in "..." */
static void jpath_key(char *buf, const char *parent, const char *key)
{
	if (snprintf(buf, JPATH_LEN, "%s%s%s", parent, parent[0] ? "." : "",
		     key) >= JPATH_LEN)
		strcpy(buf + JPATH_LEN - 4, "...");
}

static void jpath_idx(char *buf, const char *parent, unsigned int i)
{
	if (snprintf(buf, JPATH_LEN, "%s[%u]", parent, i) >= JPATH_LEN)
		strcpy(buf + JPATH_LEN - 4, "...");
}

static const char *jtype_name(json_object *o)
{
	return json_type_to_name(json_object_get_type(o));
}

/* Every key of @o must be in the NULL-terminated @allowed (or "comment"). */
static int jkeys(struct jctx *c, json_object *o, const char *path,
		 const char *const *allowed)
{
	char p[JPATH_LEN];

	json_object_object_foreach(o, key, val) {
		const char *const *a;

		(void)val;
		if (!strcmp(key, "comment"))
			continue;
		for (a = allowed; *a; a++)
			if (!strcmp(key, *a))
				break;
		if (!*a) {
			jpath_key(p, path, key);
			return jfail(c, -EINVAL, p, "unknown key");
		}
	}
	return 0;
}

static int jobject(struct jctx *c, json_object *o, const char *path)
{
	if (!json_object_is_type(o, json_type_object))
		return jfail(c, -EINVAL, path, "expected an object, not %s",
			     jtype_name(o));
	return 0;
}

/* Optional array member; *out NULL when absent. */
static int jarray(struct jctx *c, json_object *o, const char *path,
		  const char *key, bool required, json_object **out)
{
	char p[JPATH_LEN];

	*out = NULL;
	if (!json_object_object_get_ex(o, key, out) || !*out) {
		*out = NULL;
		if (!required)
			return 0;
		jpath_key(p, path, key);
		return jfail(c, -EINVAL, p, "missing (an array is required)");
	}
	if (!json_object_is_type(*out, json_type_array)) {
		jpath_key(p, path, key);
		return jfail(c, -EINVAL, p, "expected an array, not %s",
			     jtype_name(*out));
	}
	return 0;
}

static int jstring(struct jctx *c, json_object *o, const char *path,
		   const char *key, bool required, const char **out)
{
	json_object *v;
	char p[JPATH_LEN];

	*out = NULL;
	if (!json_object_object_get_ex(o, key, &v) || !v) {
		if (!required)
			return 0;
		jpath_key(p, path, key);
		return jfail(c, -EINVAL, p, "missing (a string is required)");
	}
	if (!json_object_is_type(v, json_type_string)) {
		jpath_key(p, path, key);
		return jfail(c, -EINVAL, p, "expected a string, not %s",
			     jtype_name(v));
	}
	*out = json_object_get_string(v);
	return 0;
}

static int jbool(struct jctx *c, json_object *o, const char *path,
		 const char *key, bool *out)
{
	json_object *v;
	char p[JPATH_LEN];

	if (!json_object_object_get_ex(o, key, &v) || !v)
		return 0;
	if (!json_object_is_type(v, json_type_boolean)) {
		jpath_key(p, path, key);
		return jfail(c, -EINVAL, p, "expected true or false, not %s",
			     jtype_name(v));
	}
	*out = json_object_get_boolean(v);
	return 0;
}

/* Integer from a JSON number or a "0x.."/decimal string, in 0..max. */
static int jnumber(struct jctx *c, json_object *v, const char *p,
		   uint64_t max, uint64_t *out)
{
	uint64_t u;

	if (json_object_is_type(v, json_type_int)) {
		int64_t s = json_object_get_int64(v);

		if (s < 0)
			return jfail(c, -ERANGE, p, "%lld is negative",
				     (long long)s);
		u = s == INT64_MAX ? json_object_get_uint64(v) : (uint64_t)s;
	} else if (json_object_is_type(v, json_type_string)) {
		const char *str = json_object_get_string(v);
		char *end;

		if (!str[0] || str[0] == '-' || str[0] == '+' ||
		    str[0] == ' ' || str[0] == '\t')
			return jfail(c, -EINVAL, p,
				     "\"%s\" is not an unsigned number", str);
		errno = 0;
		u = strtoull(str, &end, 0);
		if (*end)
			return jfail(c, -EINVAL, p,
				     "\"%s\" is not an unsigned number", str);
		if (errno == ERANGE)
			return jfail(c, -ERANGE, p, "\"%s\" exceeds 64 bits",
				     str);
	} else {
		return jfail(c, -EINVAL, p,
			     "expected an integer or a \"0x..\" string, not %s",
			     jtype_name(v));
	}
	if (u > max)
		return jfail(c, -ERANGE, p, "0x%llx exceeds 0x%llx",
			     (unsigned long long)u, (unsigned long long)max);
	*out = u;
	return 0;
}

static int jint(struct jctx *c, json_object *o, const char *path,
		const char *key, bool required, uint64_t max, uint64_t *out)
{
	json_object *v;
	char p[JPATH_LEN];

	jpath_key(p, path, key);
	if (!json_object_object_get_ex(o, key, &v) || !v) {
		if (!required)
			return 0;
		return jfail(c, -EINVAL, p, "missing (an integer is required)");
	}
	return jnumber(c, v, p, max, out);
}

static bool jhas(json_object *o, const char *key)
{
	json_object *v;

	return json_object_object_get_ex(o, key, &v) && v;
}

/* 1..ndig hex digits of s[0..n) in 0..max */
static bool parse_hex(const char *s, size_t n, size_t ndig,
		      unsigned long max, unsigned long *out)
{
	unsigned long v = 0;
	size_t i;

	if (!n || n > ndig)
		return false;
	for (i = 0; i < n; i++) {
		char ch = s[i];
		unsigned int d;

		if (ch >= '0' && ch <= '9')
			d = ch - '0';
		else if (ch >= 'a' && ch <= 'f')
			d = ch - 'a' + 10;
		else if (ch >= 'A' && ch <= 'F')
			d = ch - 'A' + 10;
		else
			return false;
		v = v * 16 + d;
	}
	if (v > max)
		return false;
	*out = v;
	return true;
}

/* "dd.f" */
static bool parse_devfn(const char *s, uint8_t *devfn)
{
	const char *dot = strchr(s, '.');
	unsigned long dev, fn;

	if (!dot || !parse_hex(s, dot - s, 2, 0x1f, &dev) ||
	    !parse_hex(dot + 1, strlen(dot + 1), 1, 7, &fn))
		return false;
	*devfn = (uint8_t)(dev << 3 | fn);
	return true;
}

/* "bb:dd.f" or "ssss:bb:dd.f" */
static bool parse_bdf(const char *s, bool *has_seg, uint16_t *seg,
		      uint8_t *bus, uint8_t *devfn)
{
	const char *c1 = strchr(s, ':'), *c2;
	unsigned long v;

	if (!c1)
		return false;
	c2 = strchr(c1 + 1, ':');
	*has_seg = !!c2;
	if (c2) {
		if (!parse_hex(s, c1 - s, 4, 0xffff, &v))
			return false;
		*seg = (uint16_t)v;
		s = c1 + 1;
		c1 = c2;
	}
	if (!parse_hex(s, c1 - s, 2, 0xff, &v))
		return false;
	*bus = (uint8_t)v;
	return parse_devfn(c1 + 1, devfn);
}

/*
 * A PCI function of @o: "segment" (default 0) and either "bdf"
 * ("bb:dd.f" or "ssss:bb:dd.f") or "bus", "dev", "fn".
 */
static int jpci(struct jctx *c, json_object *o, const char *path,
		uint16_t *seg, uint8_t *bus, uint8_t *devfn)
{
	uint64_t s = 0, b = 0, d = 0, f = 0;
	char p[JPATH_LEN];
	const char *bdf;
	bool has_seg;
	int ret;

	ret = jint(c, o, path, "segment", false, 0xffff, &s);
	if (ret)
		return ret;
	*seg = (uint16_t)s;
	ret = jstring(c, o, path, "bdf", false, &bdf);
	if (ret)
		return ret;
	if (bdf) {
		jpath_key(p, path, "bdf");
		if (jhas(o, "bus") || jhas(o, "dev") || jhas(o, "fn"))
			return jfail(c, -EINVAL, p,
				     "give either \"bdf\" or \"bus\", \"dev\", \"fn\"");
		if (!parse_bdf(bdf, &has_seg, seg, bus, devfn))
			return jfail(c, -EINVAL, p,
				     "\"%s\" is not \"bb:dd.f\" or \"ssss:bb:dd.f\" (hex; dev <= 1f, fn <= 7)",
				     bdf);
		if (has_seg && jhas(o, "segment") && *seg != s)
			return jfail(c, -EINVAL, p,
				     "segment %04x differs from \"segment\" %u",
				     *seg, (unsigned int)s);
		return 0;
	}
	ret = jint(c, o, path, "bus", true, 0xff, &b);
	if (!ret)
		ret = jint(c, o, path, "dev", true, 0x1f, &d);
	if (!ret)
		ret = jint(c, o, path, "fn", true, 7, &f);
	if (ret)
		return ret;
	*bus = (uint8_t)b;
	*devfn = (uint8_t)(d << 3 | f);
	return 0;
}

static int jname(struct jctx *c, json_object *o, const char *path,
		 bool required, char name[PROBELAB_FW_NAME_LEN])
{
	char p[JPATH_LEN];
	const char *s;
	int ret;

	memset(name, 0, PROBELAB_FW_NAME_LEN);
	ret = jstring(c, o, path, "name", required, &s);
	if (ret || !s)
		return ret;
	if (strlen(s) >= PROBELAB_FW_NAME_LEN) {
		jpath_key(p, path, "name");
		return jfail(c, -EINVAL, p,
			     "\"%s\" is longer than %u characters", s,
			     PROBELAB_FW_NAME_LEN - 1);
	}
	memcpy(name, s, strlen(s));
	return 0;
}

struct jflag {
	const char *name;
	uint32_t bit;
};

static const struct jflag smmuv3_features[] = {
	{ "2lvl_strtab", PROBELAB_FW_SMMUV3_F_2LVL_STRTAB },
	{ "ats", PROBELAB_FW_SMMUV3_F_ATS },
	{ "pri", PROBELAB_FW_SMMUV3_F_PRI },
	{ "coherent", PROBELAB_FW_SMMUV3_F_COHERENT },
	{ "stall", PROBELAB_FW_SMMUV3_F_STALL },
	{ NULL, 0 },
};

static const struct jflag vtd_features[] = {
	{ "passthrough", PROBELAB_FW_VTD_F_PASSTHROUGH },
	{ "caching_mode", PROBELAB_FW_VTD_F_CACHING_MODE },
	{ NULL, 0 },
};

static int jfeatures(struct jctx *c, json_object *o, const char *path,
		     const struct jflag *known, uint32_t *out)
{
	char p[JPATH_LEN], pe[JPATH_LEN];
	json_object *arr;
	size_t i, n;
	int ret;

	ret = jarray(c, o, path, "features", false, &arr);
	if (ret || !arr)
		return ret;
	jpath_key(p, path, "features");
	n = json_object_array_length(arr);
	for (i = 0; i < n; i++) {
		json_object *v = json_object_array_get_idx(arr, i);
		const struct jflag *f;
		const char *s;

		jpath_idx(pe, p, (unsigned int)i);
		if (!json_object_is_type(v, json_type_string))
			return jfail(c, -EINVAL, pe, "expected a string, not %s",
				     jtype_name(v));
		s = json_object_get_string(v);
		for (f = known; f->name; f++)
			if (!strcmp(f->name, s))
				break;
		if (!f->name)
			return jfail(c, -EINVAL, pe, "unknown feature \"%s\"",
				     s);
		*out |= f->bit;
	}
	return 0;
}

static int jscopes(struct jctx *c, json_object *arr, const char *path,
		   unsigned int iommu)
{
	static const char *const keys[] = { "type", "start_bus", "path",
					    NULL };
	char p[JPATH_LEN], pp[JPATH_LEN], ph[JPATH_LEN];
	size_t i, n = json_object_array_length(arr), h, nh;
	int ret;

	for (i = 0; i < n; i++) {
		json_object *o = json_object_array_get_idx(arr, i), *hops;
		struct probelab_fw_scope sc;
		const char *type;
		uint64_t bus = 0;

		jpath_idx(p, path, (unsigned int)i);
		ret = jobject(c, o, p);
		if (!ret)
			ret = jkeys(c, o, p, keys);
		if (!ret)
			ret = jstring(c, o, p, "type", true, &type);
		if (!ret)
			ret = jint(c, o, p, "start_bus", true, 0xff, &bus);
		if (!ret)
			ret = jarray(c, o, p, "path", true, &hops);
		if (ret)
			return ret;
		memset(&sc, 0, sizeof(sc));
		sc.iommu = (uint16_t)iommu;
		sc.start_bus = (uint8_t)bus;
		if (!strcmp(type, "endpoint")) {
			sc.type = PROBELAB_FW_SCOPE_ENDPOINT;
		} else if (!strcmp(type, "bridge")) {
			sc.type = PROBELAB_FW_SCOPE_BRIDGE;
		} else {
			jpath_key(pp, p, "type");
			return jfail(c, -EINVAL, pp,
				     "\"%s\" is not \"endpoint\" or \"bridge\"",
				     type);
		}
		jpath_key(pp, p, "path");
		nh = json_object_array_length(hops);
		if (nh > PROBELAB_FW_MAX_HOPS)
			return jfail(c, -E2BIG, pp, "%zu hops, at most %u", nh,
				     PROBELAB_FW_MAX_HOPS);
		sc.nr_hops = (uint8_t)nh;
		for (h = 0; h < nh; h++) {
			json_object *v = json_object_array_get_idx(hops, h);

			jpath_idx(ph, pp, (unsigned int)h);
			if (!json_object_is_type(v, json_type_string) ||
			    !parse_devfn(json_object_get_string(v),
					 &sc.hops[h]))
				return jfail(c, -EINVAL, ph,
					     "expected a \"dd.f\" string (hex device <= 1f, function <= 7)");
		}
		ret = pl_topo_add_scope(c->b, &sc, p);
		if (ret == -E2BIG)
			return jfail(c, ret, p, "more than %u scopes",
				     PROBELAB_FW_MAX_SCOPES);
		if (ret < 0)
			return jfail(c, ret, p, "cannot add scope: %s",
				     strerror(-ret));
	}
	return 0;
}

static int jiommus(struct jctx *c, json_object *arr)
{
	static const char *const keys[] = { "name", "type", "base",
		"sid_bits", "features", "segment", "include_pci_all",
		"scopes", NULL };
	char p[JPATH_LEN], pp[JPATH_LEN];
	size_t i, n = json_object_array_length(arr);
	int ret, ord;

	for (i = 0; i < n; i++) {
		json_object *o = json_object_array_get_idx(arr, i), *scopes;
		struct probelab_fw_iommu io;
		uint64_t v = 0;
		const char *type;
		bool all = false;

		jpath_idx(p, "iommus", (unsigned int)i);
		ret = jobject(c, o, p);
		if (!ret)
			ret = jkeys(c, o, p, keys);
		if (ret)
			return ret;
		memset(&io, 0, sizeof(io));
		ret = jname(c, o, p, true, io.name);
		if (!ret)
			ret = jstring(c, o, p, "type", true, &type);
		if (!ret)
			ret = jint(c, o, p, "base", false, UINT64_MAX, &v);
		if (ret)
			return ret;
		io.base = v;
		scopes = NULL;
		if (!strcmp(type, "smmuv3")) {
			const char *bad = jhas(o, "segment") ? "segment" :
					  jhas(o, "include_pci_all") ?
					  "include_pci_all" :
					  jhas(o, "scopes") ? "scopes" : NULL;

			if (bad) {
				jpath_key(pp, p, bad);
				return jfail(c, -EINVAL, pp,
					     "only for \"vtd\" IOMMUs");
			}
			io.model = PROBELAB_FW_IOMMU_SMMUV3;
			v = 0;
			ret = jint(c, o, p, "sid_bits", true, 0xff, &v);
			io.sid_bits = (uint8_t)v;
			if (!ret)
				ret = jfeatures(c, o, p, smmuv3_features,
						&io.features);
		} else if (!strcmp(type, "vtd")) {
			if (jhas(o, "sid_bits")) {
				jpath_key(pp, p, "sid_bits");
				return jfail(c, -EINVAL, pp,
					     "only for \"smmuv3\" IOMMUs (VT-d source IDs are 16 bits)");
			}
			io.model = PROBELAB_FW_IOMMU_VTD;
			v = 0;
			ret = jint(c, o, p, "segment", false, 0xffff, &v);
			io.segment = (uint16_t)v;
			if (!ret)
				ret = jbool(c, o, p, "include_pci_all", &all);
			if (all)
				io.flags |= PROBELAB_FW_VTD_INCLUDE_PCI_ALL;
			if (!ret)
				ret = jfeatures(c, o, p, vtd_features,
						&io.features);
			if (!ret)
				ret = jarray(c, o, p, "scopes", false, &scopes);
		} else {
			jpath_key(pp, p, "type");
			return jfail(c, -EINVAL, pp,
				     "\"%s\" is not \"smmuv3\" or \"vtd\"",
				     type);
		}
		if (ret)
			return ret;
		ord = pl_topo_add_iommu(c->b, &io, p);
		if (ord == -E2BIG)
			return jfail(c, ord, p, "more than %u IOMMUs",
				     PROBELAB_FW_MAX_IOMMUS);
		if (ord < 0)
			return jfail(c, ord, p, "cannot add IOMMU: %s",
				     strerror(-ord));
		if (scopes) {
			jpath_key(pp, p, "scopes");
			ret = jscopes(c, scopes, pp, (unsigned int)ord);
			if (ret)
				return ret;
		}
	}
	return 0;
}

/* IOMMU reference by name: its ordinal */
static int jiommu_ref(struct jctx *c, json_object *o, const char *path)
{
	char p[JPATH_LEN];
	const char *name;
	int ret;

	ret = jstring(c, o, path, "iommu", true, &name);
	if (ret)
		return ret;
	ret = pl_topo_builder_find_iommu(c->b, name);
	if (ret < 0) {
		jpath_key(p, path, "iommu");
		return jfail(c, -EINVAL, p, "no IOMMU named \"%s\"", name);
	}
	return ret;
}

static int jendpoints(struct jctx *c, json_object *arr)
{
	static const char *const keys[] = { "name", "iommus", NULL };
	static const char *const skeys[] = { "iommu", "id", "mask", NULL };
	char p[JPATH_LEN], pp[JPATH_LEN], ps[JPATH_LEN];
	size_t i, j, n = json_object_array_length(arr);
	char name[PROBELAB_FW_NAME_LEN];
	int ret, ep, io;

	for (i = 0; i < n; i++) {
		json_object *o = json_object_array_get_idx(arr, i), *specs;

		jpath_idx(p, "endpoints", (unsigned int)i);
		ret = jobject(c, o, p);
		if (!ret)
			ret = jkeys(c, o, p, keys);
		if (!ret)
			ret = jname(c, o, p, true, name);
		if (!ret)
			ret = jarray(c, o, p, "iommus", true, &specs);
		if (ret)
			return ret;
		ep = pl_topo_add_endpoint(c->b, name, p);
		if (ep == -E2BIG)
			return jfail(c, ep, p, "more than %u endpoints",
				     PROBELAB_FW_MAX_ENDPOINTS);
		if (ep < 0)
			return jfail(c, ep, p, "cannot add endpoint: %s",
				     strerror(-ep));
		jpath_key(pp, p, "iommus");
		for (j = 0; j < json_object_array_length(specs); j++) {
			json_object *s = json_object_array_get_idx(specs, j);
			uint64_t id = 0, mask = 0;

			jpath_idx(ps, pp, (unsigned int)j);
			ret = jobject(c, s, ps);
			if (!ret)
				ret = jkeys(c, s, ps, skeys);
			if (ret)
				return ret;
			io = jiommu_ref(c, s, ps);
			if (io < 0)
				return io;
			ret = jint(c, s, ps, "id", true, UINT32_MAX, &id);
			if (!ret)
				ret = jint(c, s, ps, "mask", false, UINT32_MAX,
					   &mask);
			if (ret)
				return ret;
			ret = pl_topo_add_spec(c->b, (unsigned int)ep,
					       (unsigned int)io, (uint32_t)id,
					       (uint32_t)mask, ps);
			if (ret == -E2BIG)
				return jfail(c, ret, ps,
					     "more than %u specifiers in all",
					     PROBELAB_FW_MAX_SPECS);
			if (ret < 0)
				return jfail(c, ret, ps,
					     "cannot add specifier: %s",
					     strerror(-ret));
		}
	}
	return 0;
}

static int jidmaps(struct jctx *c, json_object *arr, const char *path,
		   unsigned int rc)
{
	static const char *const keys[] = { "rid_base", "length", "iommu",
		"output_base", "single", NULL };
	size_t i, n = json_object_array_length(arr);
	char p[JPATH_LEN];
	int ret, io;

	for (i = 0; i < n; i++) {
		json_object *o = json_object_array_get_idx(arr, i);
		uint64_t base = 0, len = 0, out = 0;
		struct probelab_fw_idmap m;
		bool single = false;

		jpath_idx(p, path, (unsigned int)i);
		ret = jobject(c, o, p);
		if (!ret)
			ret = jkeys(c, o, p, keys);
		if (!ret)
			ret = jbool(c, o, p, "single", &single);
		if (ret)
			return ret;
		io = jiommu_ref(c, o, p);
		if (io < 0)
			return io;
		ret = jint(c, o, p, "rid_base", !single, UINT32_MAX, &base);
		if (!ret)
			ret = jint(c, o, p, "length", !single, UINT32_MAX, &len);
		if (!ret)
			ret = jint(c, o, p, "output_base", true, UINT32_MAX,
				   &out);
		if (ret)
			return ret;
		memset(&m, 0, sizeof(m));
		m.rc = (uint16_t)rc;
		m.iommu = (uint16_t)io;
		m.flags = single ? PROBELAB_FW_IDMAP_SINGLE : 0;
		m.rid_base = (uint32_t)base;
		m.length = (uint32_t)len;
		m.output_base = (uint32_t)out;
		ret = pl_topo_add_idmap(c->b, &m, p);
		if (ret == -E2BIG)
			return jfail(c, ret, p, "more than %u ID maps in all",
				     PROBELAB_FW_MAX_IDMAPS);
		if (ret < 0)
			return jfail(c, ret, p, "cannot add ID map: %s",
				     strerror(-ret));
	}
	return 0;
}

static int jrcs(struct jctx *c, json_object *arr)
{
	static const char *const keys[] = { "name", "segment", "bus_start",
		"bus_end", "rid_mask", "id_maps", NULL };
	char p[JPATH_LEN], pp[JPATH_LEN];
	size_t i, n = json_object_array_length(arr);
	int ret, rc;

	for (i = 0; i < n; i++) {
		json_object *o = json_object_array_get_idx(arr, i), *maps;
		uint64_t seg = 0, bs = 0, be = 0xff, mask = 0xffff;
		struct probelab_fw_rc r;

		jpath_idx(p, "root_complexes", (unsigned int)i);
		ret = jobject(c, o, p);
		if (!ret)
			ret = jkeys(c, o, p, keys);
		if (ret)
			return ret;
		memset(&r, 0, sizeof(r));
		ret = jname(c, o, p, false, r.name);
		if (!ret)
			ret = jint(c, o, p, "segment", false, 0xffff, &seg);
		if (!ret)
			ret = jint(c, o, p, "bus_start", false, 0xff, &bs);
		if (!ret)
			ret = jint(c, o, p, "bus_end", false, 0xff, &be);
		if (!ret)
			ret = jint(c, o, p, "rid_mask", false, UINT32_MAX,
				   &mask);
		if (!ret)
			ret = jarray(c, o, p, "id_maps", false, &maps);
		if (ret)
			return ret;
		r.segment = (uint16_t)seg;
		r.bus_start = (uint8_t)bs;
		r.bus_end = (uint8_t)be;
		r.rid_mask = (uint32_t)mask;
		rc = pl_topo_add_rc(c->b, &r, p);
		if (rc == -E2BIG)
			return jfail(c, rc, p, "more than %u root complexes",
				     PROBELAB_FW_MAX_RCS);
		if (rc < 0)
			return jfail(c, rc, p, "cannot add root complex: %s",
				     strerror(-rc));
		if (maps) {
			jpath_key(pp, p, "id_maps");
			ret = jidmaps(c, maps, pp, (unsigned int)rc);
			if (ret)
				return ret;
		}
	}
	return 0;
}

static int jbridges(struct jctx *c, json_object *arr)
{
	static const char *const keys[] = { "segment", "bdf", "bus", "dev",
		"fn", "secondary", "subordinate", "pcie_to_pci", NULL };
	size_t i, n = json_object_array_length(arr);
	char p[JPATH_LEN];
	int ret;

	for (i = 0; i < n; i++) {
		json_object *o = json_object_array_get_idx(arr, i);
		struct probelab_fw_bridge br;
		uint64_t sec = 0, sub = 0;
		bool p2p = false;

		jpath_idx(p, "bridges", (unsigned int)i);
		ret = jobject(c, o, p);
		if (!ret)
			ret = jkeys(c, o, p, keys);
		if (ret)
			return ret;
		memset(&br, 0, sizeof(br));
		ret = jpci(c, o, p, &br.segment, &br.bus, &br.devfn);
		if (!ret)
			ret = jint(c, o, p, "secondary", true, 0xff, &sec);
		sub = sec;
		if (!ret)
			ret = jint(c, o, p, "subordinate", false, 0xff, &sub);
		if (!ret)
			ret = jbool(c, o, p, "pcie_to_pci", &p2p);
		if (ret)
			return ret;
		br.secondary = (uint8_t)sec;
		br.subordinate = (uint8_t)sub;
		br.flags = p2p ? PROBELAB_FW_BRIDGE_PCIE_TO_PCI : 0;
		ret = pl_topo_add_bridge(c->b, &br, p);
		if (ret == -E2BIG)
			return jfail(c, ret, p, "more than %u bridges",
				     PROBELAB_FW_MAX_BRIDGES);
		if (ret < 0)
			return jfail(c, ret, p, "cannot add bridge: %s",
				     strerror(-ret));
	}
	return 0;
}

static int jaliases(struct jctx *c, json_object *o, const char *path,
		    struct pl_topo_device *dev)
{
	char p[JPATH_LEN], pa[JPATH_LEN];
	json_object *arr;
	size_t i, n;
	int ret;

	ret = jarray(c, o, path, "aliases", false, &arr);
	if (ret || !arr)
		return ret;
	jpath_key(p, path, "aliases");
	n = json_object_array_length(arr);
	if (n > PL_TOPO_MAX_ALIASES)
		return jfail(c, -E2BIG, p, "%zu aliases, at most %u", n,
			     PL_TOPO_MAX_ALIASES);
	for (i = 0; i < n; i++) {
		json_object *v = json_object_array_get_idx(arr, i);
		uint16_t seg = dev->segment;
		uint8_t bus, devfn;
		bool has_seg = false;
		unsigned int k;
		uint16_t rid;

		jpath_idx(pa, p, (unsigned int)i);
		if (json_object_is_type(v, json_type_string)) {
			if (!parse_bdf(json_object_get_string(v), &has_seg,
				       &seg, &bus, &devfn))
				return jfail(c, -EINVAL, pa,
					     "\"%s\" is not \"bb:dd.f\" or \"ssss:bb:dd.f\"",
					     json_object_get_string(v));
		} else if (json_object_is_type(v, json_type_object)) {
			static const char *const keys[] = { "bus", "dev", "fn",
							    NULL };

			ret = jkeys(c, v, pa, keys);
			if (!ret)
				ret = jpci(c, v, pa, &seg, &bus, &devfn);
			if (ret)
				return ret;
			seg = dev->segment;
		} else {
			return jfail(c, -EINVAL, pa,
				     "expected a \"bb:dd.f\" string or an object, not %s",
				     jtype_name(v));
		}
		if (has_seg && seg != dev->segment)
			return jfail(c, -EINVAL, pa,
				     "segment %04x differs from the device's segment %04x",
				     seg, dev->segment);
		rid = (uint16_t)(bus << 8 | devfn);
		if (rid == (uint16_t)(dev->bus << 8 | dev->devfn))
			return jfail(c, -EINVAL, pa,
				     "the device's own requester ID");
		for (k = 0; k < dev->nr_aliases; k++)
			if (dev->aliases[k] == rid)
				return jfail(c, -EEXIST, pa,
					     "duplicates aliases[%u]", k);
		dev->aliases[dev->nr_aliases++] = rid;
	}
	return 0;
}

static int jdevices(struct jctx *c, json_object *arr)
{
	static const char *const pkeys[] = { "type", "name", "segment", "bdf",
		"bus", "dev", "fn", "aliases", NULL };
	static const char *const nkeys[] = { "type", "name", NULL };
	char p[JPATH_LEN], pp[JPATH_LEN];
	size_t i, n = json_object_array_length(arr);
	struct pl_topo *t = c->t;
	unsigned int k;
	int ret;

	if (n > PL_TOPO_MAX_DEVICES)
		return jfail(c, -E2BIG, "devices", "%zu devices, at most %u",
			     n, PL_TOPO_MAX_DEVICES);
	t->devices = calloc(n ? n : 1, sizeof(*t->devices));
	if (!t->devices)
		return jfail(c, -ENOMEM, "devices", "out of memory");
	for (i = 0; i < n; i++) {
		json_object *o = json_object_array_get_idx(arr, i);
		struct pl_topo_device *dev = &t->devices[i];
		const char *type;

		jpath_idx(p, "devices", (unsigned int)i);
		ret = jobject(c, o, p);
		if (!ret)
			ret = jstring(c, o, p, "type", true, &type);
		if (ret)
			return ret;
		if (!strcmp(type, "pci")) {
			dev->kind = PL_TOPO_DEV_PCI;
			ret = jkeys(c, o, p, pkeys);
			if (!ret)
				ret = jname(c, o, p, false, dev->name);
			if (!ret)
				ret = jpci(c, o, p, &dev->segment, &dev->bus,
					   &dev->devfn);
			if (!ret)
				ret = jaliases(c, o, p, dev);
		} else if (!strcmp(type, "platform")) {
			dev->kind = PL_TOPO_DEV_PLATFORM;
			ret = jkeys(c, o, p, nkeys);
			if (!ret)
				ret = jname(c, o, p, true, dev->name);
		} else {
			jpath_key(pp, p, "type");
			return jfail(c, -EINVAL, pp,
				     "\"%s\" is not \"pci\" or \"platform\"",
				     type);
		}
		if (ret)
			return ret;
		if (dev->name[0] && !pl_fw_name_valid(dev->name)) {
			jpath_key(pp, p, "name");
			return jfail(c, -EINVAL, pp,
				     "\"%s\" is not 1..31 characters of [A-Za-z0-9._-]",
				     dev->name);
		}
		for (k = 0; k < i; k++) {
			const struct pl_topo_device *o2 = &t->devices[k];

			if (o2->kind != dev->kind)
				continue;
			if (dev->kind == PL_TOPO_DEV_PLATFORM &&
			    !strcmp(o2->name, dev->name))
				return jfail(c, -EEXIST, p,
					     "platform device \"%s\" is also devices[%u]",
					     dev->name, k);
			if (dev->kind == PL_TOPO_DEV_PCI &&
			    o2->segment == dev->segment &&
			    o2->bus == dev->bus && o2->devfn == dev->devfn)
				return jfail(c, -EEXIST, p,
					     "PCI device %04x:%02x:%02x.%u is also devices[%u]",
					     dev->segment, dev->bus,
					     dev->devfn >> 3, dev->devfn & 7, k);
		}
		t->nr_devices++;
	}
	return 0;
}

/* core field names to JSON keys; "" where the JSON has no such key */
static void json_field_map(unsigned int type, const char *field,
			   unsigned int body_off, char *buf, size_t len)
{
	static const struct {
		unsigned int type;
		const char *field;
		const char *json;
	} tab[] = {
		{ PROBELAB_FW_REC_IOMMU, "model", "type" },
		{ PROBELAB_FW_REC_IOMMU, "flags", "include_pci_all" },
		{ PROBELAB_FW_REC_IOMMU, "__reserved", "" },
		{ PROBELAB_FW_REC_ENDPOINT, "nr_specs", "iommus" },
		{ PROBELAB_FW_REC_ENDPOINT, "flags", "" },
		{ PROBELAB_FW_REC_SPEC, "endpoint", "" },
		{ PROBELAB_FW_REC_SPEC, "flags", "" },
		{ PROBELAB_FW_REC_ROOT_COMPLEX, "nr_idmaps", "id_maps" },
		{ PROBELAB_FW_REC_ROOT_COMPLEX, "flags", "" },
		{ PROBELAB_FW_REC_IDMAP, "rc", "" },
		{ PROBELAB_FW_REC_IDMAP, "flags", "single" },
		{ PROBELAB_FW_REC_IDMAP, "__reserved", "" },
		{ PROBELAB_FW_REC_BRIDGE, "bus", "bdf" },
		{ PROBELAB_FW_REC_BRIDGE, "devfn", "bdf" },
		{ PROBELAB_FW_REC_BRIDGE, "flags", "pcie_to_pci" },
		{ PROBELAB_FW_REC_SCOPE, "iommu", "" },
		{ PROBELAB_FW_REC_SCOPE, "nr_hops", "path" },
		{ PROBELAB_FW_REC_SCOPE, "__reserved", "" },
	};
	size_t i;

	if (type == PROBELAB_FW_REC_SCOPE && !strcmp(field, "hops")) {
		unsigned int h = body_off -
			(unsigned int)offsetof(struct probelab_fw_scope, hops);

		if (body_off >= offsetof(struct probelab_fw_scope, hops) &&
		    h < PROBELAB_FW_MAX_HOPS) {
			snprintf(buf, len, "path[%u]", h);
			return;
		}
		snprintf(buf, len, "path");
		return;
	}
	for (i = 0; i < ARRAY_SIZE(tab); i++) {
		if (tab[i].type == type && !strcmp(tab[i].field, field)) {
			snprintf(buf, len, "%s", tab[i].json);
			return;
		}
	}
	snprintf(buf, len, "%s", field);
}

static int read_text(const char *path, char **out, char *err, size_t errlen)
{
	size_t cap = 65536, n = 0, r;
	char *buf, *nb;
	FILE *f;
	int ret;

	f = fopen(path, "re");
	if (!f) {
		ret = -errno;
		errmsg(err, errlen, "%s: %s", path, strerror(-ret));
		return ret;
	}
	buf = malloc(cap + 1);
	if (!buf) {
		fclose(f);
		return -ENOMEM;
	}
	while ((r = fread(buf + n, 1, cap - n, f)) > 0) {
		n += r;
		if (n < cap)
			continue;
		if (cap >= PL_TOPO_MAX_JSON) {
			free(buf);
			fclose(f);
			errmsg(err, errlen, "%s: larger than %u bytes", path,
			       PL_TOPO_MAX_JSON);
			return -E2BIG;
		}
		cap *= 2;
		nb = realloc(buf, cap + 1);
		if (!nb) {
			free(buf);
			fclose(f);
			return -ENOMEM;
		}
		buf = nb;
	}
	if (ferror(f)) {
		ret = -EIO;
		errmsg(err, errlen, "%s: read error", path);
		free(buf);
		fclose(f);
		return ret;
	}
	fclose(f);
	buf[n] = 0;
	if (strlen(buf) != n) {
		free(buf);
		errmsg(err, errlen, "%s: contains a NUL byte", path);
		return -EINVAL;
	}
	*out = buf;
	return 0;
}

static int jparse_text(struct jctx *c, const char *text, json_object **out)
{
	size_t len = strlen(text), end, i, line = 1, col = 1;
	enum json_tokener_error jerr;
	struct json_tokener *tok;
	json_object *root;

	if (len > PL_TOPO_MAX_JSON)
		return jfail(c, -E2BIG, NULL, "larger than %u bytes",
			     PL_TOPO_MAX_JSON);
	tok = json_tokener_new();
	if (!tok)
		return jfail(c, -ENOMEM, NULL, "out of memory");
	root = json_tokener_parse_ex(tok, text, (int)len);
	jerr = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	if (!root && jerr == json_tokener_continue)
		jerr = json_tokener_error_parse_eof;
	json_tokener_free(tok);
	if (root) {
		for (i = end; i < len; i++)
			if (!strchr(" \t\r\n", text[i]))
				break;
		if (i < len) {
			json_object_put(root);
			end = i;
			jerr = json_tokener_error_parse_unexpected;
			root = NULL;
		}
	}
	if (!root) {
		for (i = 0; i < end && i < len; i++) {
			if (text[i] == '\n') {
				line++;
				col = 1;
			} else {
				col++;
			}
		}
		return jfail(c, -EINVAL, NULL,
			     "line %zu column %zu: JSON syntax error: %s", line,
			     col, json_tokener_error_desc(jerr));
	}
	*out = root;
	return 0;
}

static int jtop(struct jctx *c, json_object *root)
{
	static const char *const keys[] = { "version", "description", "policy",
		"default_domain", "iommus", "endpoints", "root_complexes",
		"bridges", "devices", NULL };
	json_object *arr;
	const char *s;
	uint64_t ver = 1;
	int ret;

	ret = jobject(c, root, "(top level)");
	if (!ret)
		ret = jkeys(c, root, "", keys);
	if (!ret)
		ret = jint(c, root, "", "version", false, UINT32_MAX, &ver);
	if (ret)
		return ret;
	if (ver != 1)
		return jfail(c, -EOPNOTSUPP, "version",
			     "%llu is not supported (1 is)",
			     (unsigned long long)ver);
	ret = jstring(c, root, "", "description", false, &s);
	if (!ret)
		ret = jstring(c, root, "", "policy", false, &s);
	if (ret)
		return ret;
	if (s) {
		c->t->policy = pl_policy_from_name(s);
		if (c->t->policy < 0)
			return jfail(c, -EINVAL, "policy",
				     "\"%s\" is not \"fixed\", \"linux-6.1\" or \"mainline\"",
				     s);
	}
	ret = jstring(c, root, "", "default_domain", false, &s);
	if (ret)
		return ret;
	if (s) {
		if (!strcmp(s, "dma"))
			c->t->default_domain = PL_TOPO_DOMAIN_DMA;
		else if (!strcmp(s, "identity"))
			c->t->default_domain = PL_TOPO_DOMAIN_IDENTITY;
		else
			return jfail(c, -EINVAL, "default_domain",
				     "\"%s\" is not \"dma\" or \"identity\"",
				     s);
	}
	ret = jarray(c, root, "", "iommus", false, &arr);
	if (!ret && arr)
		ret = jiommus(c, arr);
	if (!ret)
		ret = jarray(c, root, "", "endpoints", false, &arr);
	if (!ret && arr)
		ret = jendpoints(c, arr);
	if (!ret)
		ret = jarray(c, root, "", "root_complexes", false, &arr);
	if (!ret && arr)
		ret = jrcs(c, arr);
	if (!ret)
		ret = jarray(c, root, "", "bridges", false, &arr);
	if (!ret && arr)
		ret = jbridges(c, arr);
	if (!ret)
		ret = jarray(c, root, "", "devices", false, &arr);
	if (!ret && arr)
		ret = jdevices(c, arr);
	return ret;
}

void pl_topo_free(struct pl_topo *t)
{
	if (!t)
		return;
	free(t->blob);
	free(t->devices);
	free(t);
}

int pl_topo_load(const char *path, const char *text, struct pl_topo **out,
		 char *errbuf, size_t errlen)
{
	struct jctx c = { .file = path, .err = errbuf, .errlen = errlen };
	char *owned = NULL, msg[512];
	json_object *root = NULL;
	int ret;

	if (errbuf && errlen)
		errbuf[0] = 0;
	if (!out || (!path && !text)) {
		errmsg(errbuf, errlen, "no topology text or file");
		return -EINVAL;
	}
	*out = NULL;
	if (!text) {
		ret = read_text(path, &owned, errbuf, errlen);
		if (ret)
			return ret;
		text = owned;
	}
	c.t = calloc(1, sizeof(*c.t));
	c.b = pl_topo_builder_new();
	if (!c.t || !c.b) {
		ret = jfail(&c, -ENOMEM, NULL, "out of memory");
		goto out;
	}
	c.t->policy = -1;
	pl_topo_builder_set_field_map(c.b, json_field_map);
	ret = jparse_text(&c, text, &root);
	if (ret)
		goto out;
	ret = jtop(&c, root);
	if (ret)
		goto out;
	ret = pl_topo_builder_finish(c.b, &c.t->blob, &c.t->len, msg,
				     sizeof(msg));
	if (ret) {
		jfail(&c, ret, NULL, "%s", msg);
		goto out;
	}
	*out = c.t;
	c.t = NULL;
out:
	json_object_put(root);
	pl_topo_builder_free(c.b);
	pl_topo_free(c.t);
	free(owned);
	return ret;
}

int pl_topo_from_json(const char *path_or_NULL, const char *text, void **blob,
		      size_t *len, char *errbuf, size_t errlen)
{
	struct pl_topo *t;
	int ret;

	if (!blob || !len)
		return -EINVAL;
	ret = pl_topo_load(path_or_NULL, text, &t, errbuf, errlen);
	if (ret)
		return ret;
	*blob = t->blob;
	*len = t->len;
	t->blob = NULL;
	pl_topo_free(t);
	return 0;
}

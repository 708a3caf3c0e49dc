// SPDX-License-Identifier: GPL-2.0
/*
 * Flattened device tree parser (libfdt): IOMMU nodes (#iommu-cells), their
 * users through "iommus" (specifiers split by the target's #iommu-cells)
 * and "iommu-map" / "iommu-map-mask" (PCI and fsl-mc style ID maps: four
 * cells rid-base, iommu-phandle, iommu-base, length per entry).
 *
 * The blob is copied into an 8-byte aligned buffer (libfdt requires it),
 * validated whole with fdt_check_header() and fdt_check_full(), and every
 * property value is then read through the bounds-checked cursor.
 * Diagnostics carry offsets into the .dtb: the header field, the node's
 * structure-block tag, or the property value (cell) at fault.
 */
#include "fw_int.h"

#include <libfdt.h>
#include <stdlib.h>
#include <string.h>

#define PL_DT_MAX_DEPTH 64

struct dt_node {
	int off;		/* libfdt structure offset */
	long parent;		/* node index, -1 for the root */
	const char *name;	/* in the blob copy, not NUL-terminated */
	uint32_t namelen;
	uint32_t pathlen;	/* length of the full path */
	uint32_t phandle;	/* 0 if none */
	long iommu;		/* index into pl_dt.iommus or -1 */
};

struct ph_node {
	uint32_t phandle;
	size_t node;
};

struct dt_ctx {
	const uint8_t *fdt;
	size_t len;
	struct pl_fw_diag *diag;
	struct dt_node *nodes;
	size_t nnodes, cap;
	struct ph_node *by_phandle;	/* sorted by phandle */
	size_t nphandles;
	size_t nspecs;			/* all iommus specifiers so far */
	struct pl_dt *dt;
	char path[2][PL_DT_MAX_PATH + 1];	/* node_path() scratch */
};

static void strv_free(char **v, size_t n)
{
	size_t i;

	for (i = 0; v && i < n; i++)
		free(v[i]);
	free(v);
}

void pl_dt_free(struct pl_dt *dt)
{
	size_t i;

	if (!dt)
		return;
	free(dt->model);
	strv_free(dt->compat, dt->ncompat);
	for (i = 0; dt->iommus && i < dt->niommus; i++) {
		free(dt->iommus[i].path);
		strv_free(dt->iommus[i].compat, dt->iommus[i].ncompat);
		free(dt->iommus[i].status);
	}
	free(dt->iommus);
	for (i = 0; dt->users && i < dt->nusers; i++) {
		free(dt->users[i].path);
		free(dt->users[i].status);
		free(dt->users[i].specs);
		free(dt->users[i].maps);
	}
	free(dt->users);
	free(dt);
}

static size_t node_abs(const struct dt_ctx *c, int off)
{
	return (size_t)fdt_off_dt_struct(c->fdt) + (size_t)off;
}

/* The full path of node @i, built in scratch buffer @slot (0 or 1). */
static const char *node_path_in(struct dt_ctx *c, size_t i, int slot)
{
	char *buf = c->path[slot];
	size_t end = c->nodes[i].pathlen;
	long k = (long)i;

	buf[end] = '\0';
	if (c->nodes[i].parent < 0) {
		buf[0] = '/';
		return buf;
	}
	while (k > 0 && c->nodes[k].parent >= 0) {
		const struct dt_node *n = &c->nodes[k];

		end -= n->namelen;
		memcpy(buf + end, n->name, n->namelen);
		buf[--end] = '/';
		k = n->parent;
	}
	return buf;
}

static const char *node_path(struct dt_ctx *c, size_t i)
{
	return node_path_in(c, i, 0);
}

/*
 * Property @name of node @i: NULL when absent (@pc then an empty cursor at
 * 0), else its value, with @pc a cursor over it.
 */
static const void *prop_get(struct dt_ctx *c, size_t i, const char *name,
			    struct plfw_cur *pc)
{
	const uint8_t *p;
	int len;

	pc->base = c->fdt;
	pc->start = pc->end = 0;
	pc->what = name;
	pc->diag = c->diag;
	p = fdt_getprop(c->fdt, c->nodes[i].off, name, &len);
	if (!p || len < 0)
		return NULL;
	pc->start = (size_t)(p - c->fdt);
	pc->end = pc->start + (size_t)len;
	return p;
}

/* A u32 property that must be exactly one cell. */
static int prop_u32(struct dt_ctx *c, size_t i, const char *name,
		    bool *present, uint32_t *v)
{
	struct plfw_cur pc;

	*present = prop_get(c, i, name, &pc) != NULL;
	if (!*present)
		return 0;
	if (plfw_cur_len(&pc) != 4)
		return plfw_fail(c->diag, -EINVAL, pc.start, name,
				 "%s of %s is %zu bytes, not one 4-byte cell",
				 name, node_path(c, i), plfw_cur_len(&pc));
	return plfw_cur_be32(&pc, 0, name, v);
}

/* A string list property: every string NUL-terminated.  Absent: n = 0. */
static int prop_strv(struct dt_ctx *c, size_t i, const char *name,
		     char ***v, size_t *n)
{
	struct plfw_cur pc;
	size_t pos, cnt = 0, k;
	const char *s;

	*v = NULL;
	*n = 0;
	if (!prop_get(c, i, name, &pc))
		return 0;
	s = (const char *)c->fdt + pc.start;
	if (plfw_cur_len(&pc) && s[plfw_cur_len(&pc) - 1] != '\0')
		return plfw_fail(c->diag, -EINVAL, pc.start, name,
				 "%s of %s is not NUL-terminated", name,
				 node_path(c, i));
	for (pos = 0; pos < plfw_cur_len(&pc); pos += strlen(s + pos) + 1)
		cnt++;
	*v = plfw_calloc(cnt, sizeof(char *));
	if (!*v)
		return plfw_fail(c->diag, -ENOMEM, pc.start, name, "out of memory");
	for (pos = 0, k = 0; k < cnt; k++) {
		int rc = plfw_cur_cstr(&pc, pos, name, true, &(*v)[k]);

		if (rc) {
			strv_free(*v, k);
			*v = NULL;
			return rc;
		}
		*n = k + 1;
		pos += strlen((*v)[k]) + 1;
	}
	return 0;
}

/* The node's own status: "okay" when absent. */
static int prop_status(struct dt_ctx *c, size_t i, char **status,
		       bool *present)
{
	char **v;
	size_t n;
	int rc;

	rc = prop_strv(c, i, "status", &v, &n);
	if (rc)
		return rc;
	*present = v != NULL;
	if (!v) {
		*status = plfw_strdup("okay");
	} else if (n != 1) {
		struct plfw_cur pc;

		prop_get(c, i, "status", &pc);
		strv_free(v, n);
		return plfw_fail(c->diag, -EINVAL, pc.start, "status",
				 "status of %s holds %zu strings, not one",
				 node_path(c, i), n);
	} else {
		*status = v[0];
		free(v);
		return 0;
	}
	if (!*status)
		return plfw_fail(c->diag, -ENOMEM, 0, "status", "out of memory");
	return 0;
}

static int fdt_err(const struct dt_ctx *c, int err, size_t off,
		   const char *field, const char *what)
{
	return plfw_fail(c->diag, -EINVAL, off, field, "%s: libfdt: %s", what,
			 fdt_strerror(err));
}

/* Walk every node: names, parents, path lengths, phandles. */
static int walk_nodes(struct dt_ctx *c)
{
	long stack[PL_DT_MAX_DEPTH + 1];
	int off, depth = 0, rc;

	off = fdt_path_offset(c->fdt, "/");
	if (off < 0)
		return fdt_err(c, off, node_abs(c, 0), "fdt.structure",
			       "no root node");
	for (; off >= 0; off = fdt_next_node(c->fdt, off, &depth)) {
		struct dt_node *n;
		const char *name;
		size_t i, plen;
		int namelen;
		bool p1, p2;
		uint32_t ph1 = 0, ph2 = 0;

		if (depth < 0)
			break;
		if (depth > PL_DT_MAX_DEPTH)
			return plfw_fail(c->diag, -EINVAL, node_abs(c, off),
					 "fdt.structure",
					 "node nesting deeper than %d levels",
					 PL_DT_MAX_DEPTH);
		name = fdt_get_name(c->fdt, off, &namelen);
		if (!name || namelen < 0)
			return fdt_err(c, namelen, node_abs(c, off),
				       "fdt.structure", "bad node name");
		if (c->nnodes == c->cap) {
			size_t cap = c->cap ? 2 * c->cap : 256;
			struct dt_node *nn = realloc(c->nodes, cap * sizeof(*nn));

			if (!nn)
				return plfw_fail(c->diag, -ENOMEM, 0, "fdt",
						 "out of memory");
			c->nodes = nn;
			c->cap = cap;
		}
		i = c->nnodes;
		n = &c->nodes[i];
		n->off = off;
		n->iommu = -1;
		n->name = name;
		n->namelen = (uint32_t)namelen;
		n->parent = depth ? stack[depth - 1] : -1;
		if (depth == 0) {
			plen = 1;			/* "/" */
		} else {
			const struct dt_node *p = &c->nodes[n->parent];

			plen = (p->parent < 0 ? 0 : p->pathlen) + 1 +
			       (size_t)namelen;
		}
		if (plen > PL_DT_MAX_PATH)
			return plfw_fail(c->diag, -E2BIG, node_abs(c, off),
					 "fdt.structure",
					 "node path longer than %d bytes",
					 PL_DT_MAX_PATH);
		n->pathlen = (uint32_t)plen;
		stack[depth] = (long)i;
		c->nnodes++;

		rc = prop_u32(c, i, "phandle", &p1, &ph1);
		if (!rc)
			rc = prop_u32(c, i, "linux,phandle", &p2, &ph2);
		if (rc)
			return rc;
		if (p1 && p2 && ph1 != ph2) {
			struct plfw_cur pc;

			prop_get(c, i, "linux,phandle", &pc);
			return plfw_fail(c->diag, -EINVAL, pc.start,
					 "linux,phandle",
					 "%s has phandle 0x%X and linux,phandle 0x%X",
					 node_path(c, i), ph1, ph2);
		}
		c->nodes[i].phandle = p1 ? ph1 : ph2;
		if ((p1 || p2) && (c->nodes[i].phandle == 0 ||
				   c->nodes[i].phandle == 0xffffffffu)) {
			struct plfw_cur pc;

			prop_get(c, i, p1 ? "phandle" : "linux,phandle", &pc);
			return plfw_fail(c->diag, -EINVAL, pc.start,
					 p1 ? "phandle" : "linux,phandle",
					 "%s has the invalid phandle 0x%X",
					 node_path(c, i), c->nodes[i].phandle);
		}
	}
	if (off < 0 && off != -FDT_ERR_NOTFOUND)
		return fdt_err(c, off, node_abs(c, 0), "fdt.structure",
			       "walking the nodes");
	return 0;
}

static int cmp_phandle(const void *a, const void *b)
{
	const struct ph_node *x = a, *y = b;

	if (x->phandle != y->phandle)
		return x->phandle < y->phandle ? -1 : 1;
	return x->node < y->node ? -1 : x->node > y->node;
}

static int index_phandles(struct dt_ctx *c)
{
	size_t i, k = 0;

	c->by_phandle = plfw_calloc(c->nnodes, sizeof(*c->by_phandle));
	if (!c->by_phandle)
		return plfw_fail(c->diag, -ENOMEM, 0, "fdt", "out of memory");
	for (i = 0; i < c->nnodes; i++) {
		if (c->nodes[i].phandle) {
			c->by_phandle[k].phandle = c->nodes[i].phandle;
			c->by_phandle[k++].node = i;
		}
	}
	c->nphandles = k;
	qsort(c->by_phandle, k, sizeof(*c->by_phandle), cmp_phandle);
	for (i = 1; i < k; i++) {
		if (c->by_phandle[i].phandle == c->by_phandle[i - 1].phandle) {
			size_t first = c->by_phandle[i - 1].node;
			size_t later = c->by_phandle[i].node;

			return plfw_fail(c->diag, -EINVAL,
					 node_abs(c, c->nodes[later].off), "phandle",
					 "%s repeats phandle 0x%X of %s",
					 node_path_in(c, later, 0),
					 c->by_phandle[i].phandle,
					 node_path_in(c, first, 1));
		}
	}
	return 0;
}

static long find_phandle(const struct dt_ctx *c, uint32_t ph)
{
	size_t lo = 0, hi = c->nphandles;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (c->by_phandle[mid].phandle < ph)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < c->nphandles && c->by_phandle[lo].phandle == ph)
		return (long)c->by_phandle[lo].node;
	return -1;
}

/* The IOMMU a phandle cell refers to, or a diagnostic. */
static int resolve_iommu(struct dt_ctx *c, size_t user, uint32_t ph,
			 size_t abs, const char *field, size_t *iommu)
{
	long k = find_phandle(c, ph);

	if (k < 0)
		return plfw_fail(c->diag, -EINVAL, abs, field,
				 "%s of %s: phandle 0x%X refers to no node",
				 field, node_path(c, user), ph);
	if (c->nodes[k].iommu < 0)
		return plfw_fail(c->diag, -EINVAL, abs, field,
				 "%s of %s: phandle 0x%X refers to %s, which has no #iommu-cells",
				 field, node_path_in(c, user, 0), ph,
				 node_path_in(c, (size_t)k, 1));
	*iommu = (size_t)c->nodes[k].iommu;
	return 0;
}

static const struct {
	const char *compat;
	int model;
} smmu_compat[] = {
	{ "arm,smmu-v1", 0 },
	{ "arm,smmu-v2", 1 },
	{ "arm,mmu-400", 2 },
	{ "arm,mmu-500", 3 },
	{ "arm,mmu-401", 4 },
	{ "cavium,smmu-v2", 5 },
	{ "qcom,smmu-v2", 1 },
	{ "qcom,adreno-smmu", 1 },
	{ "qcom,smmu-500", 3 },
	{ "nvidia,smmu-500", 3 },
	{ "marvell,ap806-smmu-500", 3 },
};

static void classify(struct pl_dt_iommu *io)
{
	size_t i, k;

	io->kind = PL_DT_IOMMU_OTHER;
	io->smmu_model = -1;
	for (i = 0; i < io->ncompat; i++) {
		const char *s = io->compat[i];
		size_t l = strlen(s);

		if (strcmp(s, "arm,smmu-v3") == 0) {
			io->kind = PL_DT_IOMMU_SMMUV3;
			return;
		}
		for (k = 0; k < PLFW_ARRAY_SIZE(smmu_compat); k++) {
			if (strcmp(s, smmu_compat[k].compat) == 0) {
				io->kind = PL_DT_IOMMU_SMMUV1V2;
				io->smmu_model = smmu_compat[k].model;
				return;
			}
		}
		/* SoC-specific MMU-500 integrations, e.g. qcom,sm8250-smmu-500 */
		if (l > 9 && strcmp(s + l - 9, "-smmu-500") == 0) {
			io->kind = PL_DT_IOMMU_SMMUV1V2;
			io->smmu_model = 3;
			return;
		}
	}
}

static int collect_iommus(struct dt_ctx *c)
{
	struct pl_dt *dt = c->dt;
	size_t i, n = 0;
	int rc;

	for (i = 0; i < c->nnodes; i++) {
		uint32_t cells;
		bool present;
		struct plfw_cur pc;

		rc = prop_u32(c, i, "#iommu-cells", &present, &cells);
		if (rc)
			return rc;
		if (!present)
			continue;
		prop_get(c, i, "#iommu-cells", &pc);
		if (cells > PL_DT_MAX_IOMMU_CELLS)
			return plfw_fail(c->diag, -EINVAL, pc.start, "#iommu-cells",
					 "#iommu-cells of %s is %u, above %d",
					 node_path(c, i), cells,
					 PL_DT_MAX_IOMMU_CELLS);
		if (n == PL_DT_MAX_ITEMS)
			return plfw_fail(c->diag, -E2BIG, pc.start, "#iommu-cells",
					 "more than %u IOMMU nodes",
					 PL_DT_MAX_ITEMS);
		c->nodes[i].iommu = (long)n++;
	}
	dt->iommus = plfw_calloc(n, sizeof(*dt->iommus));
	if (!dt->iommus)
		return plfw_fail(c->diag, -ENOMEM, 0, "fdt", "out of memory");
	for (i = 0; i < c->nnodes; i++) {
		struct pl_dt_iommu *io;
		bool present;

		if (c->nodes[i].iommu < 0)
			continue;
		io = &dt->iommus[dt->niommus++];
		io->path = plfw_strdup(node_path(c, i));
		if (!io->path)
			return plfw_fail(c->diag, -ENOMEM, 0, "fdt", "out of memory");
		rc = prop_u32(c, i, "#iommu-cells", &present, &io->iommu_cells);
		if (!rc)
			rc = prop_strv(c, i, "compatible", &io->compat, &io->ncompat);
		if (!rc)
			rc = prop_status(c, i, &io->status, &io->status_present);
		if (rc)
			return rc;
		io->phandle = c->nodes[i].phandle;
		classify(io);
	}
	return 0;
}

static int user_iommus(struct dt_ctx *c, size_t i, struct pl_dt_user *u)
{
	struct plfw_cur pc;
	size_t ncells, pos, n = 0;
	int pass, rc;

	if (!prop_get(c, i, "iommus", &pc))
		return 0;
	u->has_iommus = true;
	if (plfw_cur_len(&pc) == 0 || plfw_cur_len(&pc) % 4)
		return plfw_fail(c->diag, -EINVAL, pc.start, "iommus",
				 "iommus of %s is %zu bytes, not a non-empty list of cells",
				 node_path(c, i), plfw_cur_len(&pc));
	ncells = plfw_cur_len(&pc) / 4;
	/* pass 0 counts and checks, pass 1 fills */
	for (pass = 0; pass < 2; pass++) {
		for (pos = 0, n = 0; pos < ncells; n++) {
			uint32_t ph;
			size_t io, k, cells;

			rc = plfw_cur_be32(&pc, 4 * pos, "iommus", &ph);
			if (!rc)
				rc = resolve_iommu(c, i, ph, pc.start + 4 * pos,
						   "iommus", &io);
			if (rc)
				return rc;
			cells = c->dt->iommus[io].iommu_cells;
			if (cells > ncells - pos - 1)
				return plfw_fail(c->diag, -EINVAL,
						 pc.start + 4 * pos, "iommus",
						 "iommus of %s: specifier %zu for %s needs %zu cells, only %zu left",
						 node_path(c, i), n,
						 c->dt->iommus[io].path, cells,
						 ncells - pos - 1);
			if (pass) {
				struct pl_dt_spec *s = &u->specs[n];

				s->iommu = io;
				s->ncells = (uint32_t)cells;
				for (k = 0; k < cells; k++) {
					rc = plfw_cur_be32(&pc, 4 * (pos + 1 + k),
							   "iommus", &s->cells[k]);
					if (rc)
						return rc;
				}
			}
			pos += 1 + cells;
		}
		if (!pass) {
			if (n > PL_DT_MAX_ITEMS - c->nspecs)
				return plfw_fail(c->diag, -E2BIG, pc.start, "iommus",
						 "more than %u iommus specifiers in the tree",
						 PL_DT_MAX_ITEMS);
			c->nspecs += n;
			u->specs = plfw_calloc(n, sizeof(*u->specs));
			if (!u->specs)
				return plfw_fail(c->diag, -ENOMEM, pc.start, "iommus",
						 "out of memory");
		}
	}
	u->nspecs = n;
	c->dt->iommus_users++;
	return 0;
}

static int user_map(struct dt_ctx *c, size_t i, struct pl_dt_user *u)
{
	struct plfw_cur pc;
	size_t k, n;
	bool present;
	int rc;

	if (!prop_get(c, i, "iommu-map", &pc))
		return 0;
	u->has_map = true;
	rc = prop_u32(c, i, "iommu-map-mask", &present, &u->map_mask);
	if (rc)
		return rc;
	u->has_map_mask = present;
	if (!present)
		u->map_mask = 0xffffffffu;
	if (plfw_cur_len(&pc) == 0 || plfw_cur_len(&pc) % 16)
		return plfw_fail(c->diag, -EINVAL, pc.start, "iommu-map",
				 "iommu-map of %s is %zu bytes, not a non-empty list of 4-cell entries",
				 node_path(c, i), plfw_cur_len(&pc));
	n = plfw_cur_len(&pc) / 16;
	u->maps = plfw_calloc(n, sizeof(*u->maps));
	if (!u->maps)
		return plfw_fail(c->diag, -ENOMEM, pc.start, "iommu-map",
				 "out of memory");
	for (k = 0; k < n; k++) {
		struct pl_dt_map *m = &u->maps[k];
		size_t at = 16 * k;

		rc = plfw_cur_be32(&pc, at, "iommu-map", &m->rid_base);
		if (!rc)
			rc = plfw_cur_be32(&pc, at + 4, "iommu-map",
					   &m->iommu_phandle);
		if (!rc)
			rc = plfw_cur_be32(&pc, at + 8, "iommu-map", &m->iommu_base);
		if (!rc)
			rc = plfw_cur_be32(&pc, at + 12, "iommu-map", &m->length);
		if (!rc)
			rc = resolve_iommu(c, i, m->iommu_phandle, pc.start + at + 4,
					   "iommu-map", &m->iommu);
		if (rc)
			return rc;
		if ((uint64_t)m->rid_base + m->length > 0x100000000ull ||
		    (uint64_t)m->iommu_base + m->length > 0x100000000ull)
			return plfw_fail(c->diag, -EINVAL, pc.start + at + 12,
					 "iommu-map",
					 "iommu-map of %s: entry %zu (rid 0x%X, iommu 0x%X, length 0x%X) wraps past 32 bits",
					 node_path(c, i), k, m->rid_base,
					 m->iommu_base, m->length);
		if (m->rid_base & ~u->map_mask)
			return plfw_fail(c->diag, -EINVAL, pc.start + at,
					 "iommu-map",
					 "iommu-map of %s: entry %zu rid-base 0x%X has bits outside iommu-map-mask 0x%X",
					 node_path(c, i), k, m->rid_base,
					 u->map_mask);
		u->nmaps = k + 1;
	}
	c->dt->map_entries += n;
	return 0;
}

static int collect_users(struct dt_ctx *c)
{
	struct pl_dt *dt = c->dt;
	size_t i, n = 0;
	int rc;

	for (i = 0; i < c->nnodes; i++) {
		int l1, l2;

		if (!fdt_getprop(c->fdt, c->nodes[i].off, "iommus", &l1) &&
		    !fdt_getprop(c->fdt, c->nodes[i].off, "iommu-map", &l2))
			continue;
		if (n == PL_DT_MAX_ITEMS)
			return plfw_fail(c->diag, -E2BIG,
					 node_abs(c, c->nodes[i].off), "fdt.structure",
					 "more than %u nodes use an IOMMU",
					 PL_DT_MAX_ITEMS);
		n++;
	}
	dt->users = plfw_calloc(n, sizeof(*dt->users));
	if (!dt->users)
		return plfw_fail(c->diag, -ENOMEM, 0, "fdt", "out of memory");
	for (i = 0; i < c->nnodes && dt->nusers < n; i++) {
		struct pl_dt_user *u;
		int l1, l2;

		if (!fdt_getprop(c->fdt, c->nodes[i].off, "iommus", &l1) &&
		    !fdt_getprop(c->fdt, c->nodes[i].off, "iommu-map", &l2))
			continue;
		u = &dt->users[dt->nusers++];
		u->path = plfw_strdup(node_path(c, i));
		if (!u->path)
			return plfw_fail(c->diag, -ENOMEM, 0, "fdt", "out of memory");
		rc = prop_status(c, i, &u->status, &u->status_present);
		if (!rc)
			rc = user_iommus(c, i, u);
		if (!rc)
			rc = user_map(c, i, u);
		if (rc)
			return rc;
	}
	return 0;
}

static int check_blob(struct dt_ctx *c, const uint8_t *b, size_t len)
{
	uint32_t total, version;
	int err;

	if (len > PL_FW_MAX_SIZE)
		return plfw_fail(c->diag, -EOVERFLOW, 4, "fdt.totalsize",
				 "input of %zu bytes exceeds the %u-byte limit",
				 len, PL_FW_MAX_SIZE);
	if (len < 4 || b[0] != 0xd0 || b[1] != 0x0d || b[2] != 0xfe ||
	    b[3] != 0xed)
		return plfw_fail(c->diag, -ENOTSUP, 0, "fdt.magic",
				 "not a flattened device tree (magic 0xd00dfeed)");
	if (len < 40)
		return plfw_fail(c->diag, -EOVERFLOW, 4, "fdt.totalsize",
				 "%zu bytes cannot hold the 40-byte FDT header", len);
	total = (uint32_t)b[4] << 24 | (uint32_t)b[5] << 16 |
		(uint32_t)b[6] << 8 | b[7];
	if (total != len)
		return plfw_fail(c->diag, -EOVERFLOW, 4, "fdt.totalsize",
				 "totalsize 0x%X differs from the %zu (0x%zX) bytes given",
				 total, len, len);
	/*
	 * Versions before 16 (full-path node names, no size_dt_struct) are
	 * refused before libfdt sees them: libfdt 1.6.1's fdt_check_full()
	 * dereferences NULL on some of them (found by fuzz_dt).
	 */
	version = (uint32_t)b[20] << 24 | (uint32_t)b[21] << 16 |
		  (uint32_t)b[22] << 8 | b[23];
	if (version < 16)
		return plfw_fail(c->diag, -EINVAL, 20, "fdt.version",
				 "FDT version %u is older than 16, the oldest supported",
				 version);
	err = fdt_check_header(c->fdt);
	if (err) {
		size_t off = 0;
		const char *field = "fdt.header";

		if (err == -FDT_ERR_BADVERSION) {
			off = 20;
			field = "fdt.version";
		}
		return fdt_err(c, err, off, field, "bad FDT header");
	}
	err = fdt_check_full(c->fdt, len);
	if (err)
		return fdt_err(c, err, fdt_off_dt_struct(c->fdt),
			       "fdt.structure", "the tree does not validate");
	return 0;
}

int pl_dt_parse(const void *buf, size_t len, struct pl_dt **out,
		struct pl_fw_diag *diag)
{
	struct dt_ctx c = { 0 };
	void *copy = NULL;
	int rc;

	plfw_diag_clear(diag);
	*out = NULL;
	if (!buf)
		len = 0;
	c.diag = diag;
	c.len = len;
	if (len <= PL_FW_MAX_SIZE && len >= 40) {
		/* libfdt needs 8-byte alignment: work on a malloc'ed copy */
		copy = malloc(len);
		if (!copy)
			return plfw_fail(diag, -ENOMEM, 0, "fdt", "out of memory");
		memcpy(copy, buf, len);
	}
	c.fdt = copy ? copy : buf;
	rc = check_blob(&c, buf, len);
	if (rc)
		goto out;
	c.dt = calloc(1, sizeof(*c.dt));
	if (!c.dt) {
		rc = plfw_fail(diag, -ENOMEM, 0, "fdt", "out of memory");
		goto out;
	}
	rc = walk_nodes(&c);
	if (!rc)
		rc = index_phandles(&c);
	if (!rc) {
		struct plfw_cur pc;
		char **model;
		size_t nmodel;

		rc = prop_strv(&c, 0, "model", &model, &nmodel);
		if (!rc && model) {
			if (nmodel != 1) {
				prop_get(&c, 0, "model", &pc);
				rc = plfw_fail(diag, -EINVAL, pc.start, "model",
					       "model of / holds %zu strings, not one",
					       nmodel);
				strv_free(model, nmodel);
			} else {
				c.dt->model = model[0];
				free(model);
			}
		}
	}
	if (!rc)
		rc = prop_strv(&c, 0, "compatible", &c.dt->compat, &c.dt->ncompat);
	if (!rc)
		rc = collect_iommus(&c);
	if (!rc)
		rc = collect_users(&c);
	if (!rc) {
		*out = c.dt;
		c.dt = NULL;
	}
out:
	pl_dt_free(c.dt);
	free(c.nodes);
	free(c.by_phandle);
	free(copy);
	return rc;
}

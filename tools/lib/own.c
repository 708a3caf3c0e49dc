// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libprobelab: DMA ownership (OWNER_CLAIM_GROUP/DEVICE, OWNER_RELEASE),
 * domains (DOMAIN_ALLOC/FREE, ATTACH/DETACH), page tables (MAP, UNMAP,
 * IOVA_TO_PHYS), the invariant checker (CHECK) and the injection points
 * (INJECT, debugfs inject/).
 *
 * The owner token is the open /dev/probelab file, that is the handle:
 * its claims last while it is open and its domains are freed when it is
 * closed.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probelab.h"

#define ARRAY_LEN(a)	(sizeof(a) / sizeof((a)[0]))

int pl_has_op(struct pl_handle *h, unsigned int op)
{
	struct probelab_info info;
	int ret;

	if (op >= 64)
		return 0;
	ret = pl_get_info(h, &info);
	if (ret)
		return ret;
	return (info.ops >> op) & 1 ? 1 : 0;
}

/* ---- ownership -------------------------------------------------------- */

static int owner_op(struct pl_handle *h, unsigned int op, unsigned int flags,
		    uint32_t id)
{
	struct probelab_owner c;

	memset(&c, 0, sizeof(c));
	c.size = sizeof(c);
	c.op = op;
	c.flags = flags;
	c.id = id;
	return pl_cmd(h, &c);
}

int pl_claim_group(struct pl_handle *h, uint32_t group_id)
{
	return owner_op(h, PROBELAB_OP_OWNER_CLAIM_GROUP, 0, group_id);
}

int pl_claim_device(struct pl_handle *h, uint32_t dev_id)
{
	return owner_op(h, PROBELAB_OP_OWNER_CLAIM_DEVICE, 0, dev_id);
}

int pl_release_group(struct pl_handle *h, uint32_t group_id)
{
	return owner_op(h, PROBELAB_OP_OWNER_RELEASE, 0, group_id);
}

int pl_release_device(struct pl_handle *h, uint32_t dev_id)
{
	return owner_op(h, PROBELAB_OP_OWNER_RELEASE, PROBELAB_OWNER_DEVICE,
			dev_id);
}

enum pl_owner_kind pl_group_owner(const struct probelab_group_info *g)
{
	if (g->owned)
		return PL_OWNER_CLAIMED;
	return g->owner_cnt ? PL_OWNER_DMA_API : PL_OWNER_NONE;
}

const char *pl_owner_kind_name(enum pl_owner_kind kind)
{
	switch (kind) {
	case PL_OWNER_NONE:
		return "none";
	case PL_OWNER_DMA_API:
		return "dma-api";
	case PL_OWNER_CLAIMED:
		return "claimed";
	}
	return NULL;
}

/* ---- domains ---------------------------------------------------------- */

int pl_domain_alloc(struct pl_handle *h, uint32_t dev_id, unsigned int type,
		    uint32_t *domain_id)
{
	struct probelab_domain_alloc c;
	int ret;

	memset(&c, 0, sizeof(c));
	c.size = sizeof(c);
	c.op = PROBELAB_OP_DOMAIN_ALLOC;
	c.dev_id = dev_id;
	c.type = type;
	ret = pl_cmd(h, &c);
	if (!ret && domain_id)
		*domain_id = c.domain_id;
	return ret;
}

int pl_domain_free(struct pl_handle *h, uint32_t domain_id)
{
	struct probelab_domain_ref c;

	memset(&c, 0, sizeof(c));
	c.size = sizeof(c);
	c.op = PROBELAB_OP_DOMAIN_FREE;
	c.domain_id = domain_id;
	return pl_cmd(h, &c);
}

static int attach_op(struct pl_handle *h, unsigned int op, uint32_t target,
		     int is_device, uint32_t domain_id)
{
	struct probelab_attach c;

	memset(&c, 0, sizeof(c));
	c.size = sizeof(c);
	c.op = op;
	c.flags = is_device ? PROBELAB_ATTACH_DEVICE : 0;
	c.target = target;
	c.domain_id = domain_id;
	return pl_cmd(h, &c);
}

int pl_attach(struct pl_handle *h, uint32_t target, int is_device,
	      uint32_t domain_id)
{
	return attach_op(h, PROBELAB_OP_ATTACH, target, is_device, domain_id);
}

int pl_detach(struct pl_handle *h, uint32_t target, int is_device)
{
	return attach_op(h, PROBELAB_OP_DETACH, target, is_device, 0);
}

/* ---- page tables ------------------------------------------------------ */

/* MAP or UNMAP (struct probelab_map both); UNMAP passes paddr and prot 0. */
static int map_op(struct pl_handle *h, unsigned int op, uint32_t domain_id,
		  uint64_t iova, uint64_t paddr, uint64_t length,
		  unsigned int prot, uint64_t *done)
{
	struct probelab_map c;
	int ret;

	if (done)
		*done = 0;
	memset(&c, 0, sizeof(c));
	c.size = sizeof(c);
	c.op = op;
	c.domain_id = domain_id;
	c.prot = prot;
	c.iova = iova;
	c.paddr = paddr;
	c.length = length;
	ret = pl_cmd(h, &c);
	if (done)
		*done = c.done;
	return ret;
}

int pl_map(struct pl_handle *h, uint32_t domain_id, uint64_t iova,
	   uint64_t paddr, uint64_t length, unsigned int prot,
	   uint64_t *done)
{
	return map_op(h, PROBELAB_OP_MAP, domain_id, iova, paddr, length, prot,
		      done);
}

int pl_unmap(struct pl_handle *h, uint32_t domain_id, uint64_t iova,
	     uint64_t length, uint64_t *done)
{
	return map_op(h, PROBELAB_OP_UNMAP, domain_id, iova, 0, length, 0,
		      done);
}

int pl_iova_to_phys(struct pl_handle *h, uint32_t domain_id, uint64_t iova,
		    uint64_t *paddr)
{
	struct probelab_iova c;
	int ret;

	memset(&c, 0, sizeof(c));
	c.size = sizeof(c);
	c.op = PROBELAB_OP_IOVA_TO_PHYS;
	c.domain_id = domain_id;
	c.iova = iova;
	ret = pl_cmd(h, &c);
	if (!ret && paddr)
		*paddr = c.paddr;
	return ret;
}

/* ---- the invariant checker -------------------------------------------- */

int pl_check(struct pl_handle *h, unsigned int flags, unsigned int max,
	     struct pl_check_result *r)
{
	struct probelab_check c;
	int ret;

	memset(r, 0, sizeof(*r));
	if (max > PL_CHECK_MAX_ENTRIES)
		max = PL_CHECK_MAX_ENTRIES;
	if (max) {
		r->v = calloc(max, sizeof(*r->v));
		if (!r->v)
			return -ENOMEM;
	}
	memset(&c, 0, sizeof(c));
	c.size = sizeof(c);
	c.op = PROBELAB_OP_CHECK;
	c.flags = flags;
	c.entries_uptr = (uint64_t)(uintptr_t)r->v;
	c.nr_entries = max;
	c.entry_size = sizeof(struct probelab_violation);
	ret = pl_cmd(h, &c);
	if (ret) {
		free(r->v);
		r->v = NULL;
		return ret;
	}
	r->found = c.nr_entries;
	r->nr = c.nr_entries < max ? c.nr_entries : max;
	r->auto_check = c.auto_check ? 1 : 0;
	r->total = c.total;
	for (unsigned int i = 0; i < r->nr; i++) {
		/* never trust the kernel's strings or counts blindly */
		r->v[i].what[sizeof(r->v[i].what) - 1] = 0;
		if (r->v[i].nr_seqs > PROBELAB_VIOLATION_SEQS)
			r->v[i].nr_seqs = PROBELAB_VIOLATION_SEQS;
	}
	if (!r->nr) {
		free(r->v);
		r->v = NULL;
	}
	return 0;
}

void pl_check_result_free(struct pl_check_result *r)
{
	if (!r)
		return;
	free(r->v);
	r->v = NULL;
	r->nr = 0;
}

static const char *const invariant_names[] = {
	[1] = "dev_iommu/fwspec lifetime",
	[2] = "one IOMMU probe per device",
	[3] = "default domain before a DMA-API bind",
	[4] = "owner_cnt",
	[5] = "a claimed group's domain",
	[6] = "hardware model agrees with software",
	[7] = "dma_ops and mappings",
	[8] = "page-table walks against unmap",
	[9] = "every instance ready",
};

const char *pl_invariant_name(unsigned int invariant)
{
	return invariant < ARRAY_LEN(invariant_names) ?
	       invariant_names[invariant] : NULL;
}

/* ---- injection points ------------------------------------------------- */

/* The points of module/inject.c at the time of writing, in its order. */
static const char *const inject_points[] = {
	"probe.xlate", "probe.group", "probe.unlocked", "probe.default_domain",
	"release.group", "fwspec.free", "fwspec.use", "dma_configure",
	"dma_ops.install", "dma_cleanup", "iommu.register", "iommu.unregister",
	"owner.claim", "domain.attach", "hw.step", "dev.visible",
	"configure.replay", "pool.release", "domain.map", "domain.unmap",
	"fw.load", "domain.alloc",
};

const char *pl_inject_point_name(unsigned int i)
{
	return i < ARRAY_LEN(inject_points) ? inject_points[i] : NULL;
}

static const char *const inject_actions[] = {
	[PROBELAB_INJECT_OFF] = "off",
	[PROBELAB_INJECT_DELAY] = "delay",
	[PROBELAB_INJECT_FAIL] = "fail",
};

const char *pl_inject_action_name(unsigned int action)
{
	return action < ARRAY_LEN(inject_actions) ? inject_actions[action] :
						    NULL;
}

static int inject_point_set(struct probelab_inject *c, const char *point)
{
	size_t n = point ? strlen(point) : 0;

	if (!n || n >= sizeof(c->point))
		return -EINVAL;
	memcpy(c->point, point, n);
	return 0;
}

int pl_inject(struct pl_handle *h, struct probelab_inject *c)
{
	/* a point, or none for the global fail-nth counter */
	if (!memchr(c->point, 0, sizeof(c->point)) ||
	    !c->point[0] != !!(c->flags & PROBELAB_INJECT_FAIL_NTH))
		return -EINVAL;
	c->size = sizeof(*c);
	c->op = PROBELAB_OP_INJECT;
	c->__reserved = 0;
	c->__reserved2 = 0;
	return pl_cmd(h, c);
}

int pl_inject_query(struct pl_handle *h, const char *point,
		    struct probelab_inject *out)
{
	memset(out, 0, sizeof(*out));
	if (inject_point_set(out, point))
		return -EINVAL;
	out->flags = PROBELAB_INJECT_QUERY;
	return pl_inject(h, out);
}

int pl_inject_off(struct pl_handle *h, const char *point)
{
	struct probelab_inject c;

	memset(&c, 0, sizeof(c));
	if (inject_point_set(&c, point))
		return -EINVAL;
	c.action = PROBELAB_INJECT_OFF;
	return pl_inject(h, &c);
}

/* Value of "key: value" line @key in @text, trimmed, into @out. */
static int text_field(const char *text, const char *key, char *out,
		      size_t len)
{
	size_t klen = strlen(key);
	const char *p = text;

	while (p && *p) {
		if (!strncmp(p, key, klen) && p[klen] == ':') {
			const char *v = p + klen + 1, *e;

			while (*v == ' ')
				v++;
			e = strchr(v, '\n');
			if (!e)
				e = v + strlen(v);
			snprintf(out, len, "%.*s", (int)(e - v), v);
			return 0;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return -ENOENT;
}

static char *slurp_small(const char *path)
{
	char *buf = malloc(4096);
	size_t n;
	FILE *f;

	if (!buf)
		return NULL;
	f = fopen(path, "re");
	if (!f) {
		free(buf);
		return NULL;
	}
	n = fread(buf, 1, 4095, f);
	fclose(f);
	buf[n] = 0;
	return buf;
}

static int point_known(const struct pl_inject_point *v, unsigned int n,
		       const char *name)
{
	for (unsigned int i = 0; i < n; i++)
		if (!strcmp(v[i].name, name))
			return 1;
	return 0;
}

#define PL_INJECT_MAX_POINTS	64

int pl_inject_list(struct pl_handle *h, const char *debugfs_dir,
		   struct pl_inject_point **out, unsigned int *nr)
{
	const char *names[PL_INJECT_MAX_POINTS];
	char dnames[PL_INJECT_MAX_POINTS][PROBELAB_NAME_LEN];
	unsigned int nd = 0, nn = 0, n = 0, i, j;
	struct pl_inject_point *v;
	int from_debugfs = 0;
	DIR *d = NULL;

	*out = NULL;
	*nr = 0;
	if (debugfs_dir)
		d = opendir(debugfs_dir);
	if (d) {
		struct dirent *de;

		from_debugfs = 1;
		while ((de = readdir(d)) && nd < PL_INJECT_MAX_POINTS) {
			if (de->d_name[0] == '.' ||
			    strlen(de->d_name) >= PROBELAB_NAME_LEN)
				continue;
			snprintf(dnames[nd], sizeof(dnames[nd]), "%s",
				 de->d_name);
			nd++;
		}
		closedir(d);
	}
	/* the known points in the module's order, then any others */
	for (i = 0; i < ARRAY_LEN(inject_points); i++)
		names[nn++] = inject_points[i];
	for (j = 0; j < nd && nn < PL_INJECT_MAX_POINTS; j++) {
		for (i = 0; i < ARRAY_LEN(inject_points) &&
			    strcmp(dnames[j], inject_points[i]); i++)
			;
		if (i == ARRAY_LEN(inject_points))
			names[nn++] = dnames[j];
	}
	v = calloc(nn ? nn : 1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (i = 0; i < nn; i++) {
		struct pl_inject_point *p = &v[n];
		int ret;

		if (point_known(v, n, names[i]))
			continue;
		ret = pl_inject_query(h, names[i], &p->state);
		if (ret == -ENOENT)
			continue;	/* a module without this point */
		if (ret) {
			free(v);
			return ret;
		}
		snprintf(p->name, sizeof(p->name), "%s", names[i]);
		p->can_fail = -1;
		if (from_debugfs) {
			char path[512], val[16], *text;

			snprintf(path, sizeof(path), "%s/%s", debugfs_dir,
				 names[i]);
			text = slurp_small(path);
			if (text) {
				p->has_debugfs = 1;
				text_field(text, "step", p->step,
					   sizeof(p->step));
				text_field(text, "context", p->context,
					   sizeof(p->context));
				if (!text_field(text, "can_fail", val,
						sizeof(val)))
					p->can_fail = !strcmp(val, "1");
				free(text);
			}
		}
		n++;
	}
	if (!n) {
		free(v);
		v = NULL;
	}
	*out = v;
	*nr = n;
	return 0;
}

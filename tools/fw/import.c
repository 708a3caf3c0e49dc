// SPDX-License-Identifier: GPL-2.0
/*
 * probelab firmware import, the common part: parse the firmware, run the
 * DMAR / IORT / DT importer (import_dmar.c, import_iort.c, import_dt.c),
 * add the host's bridges and PCI functions in host mode (import_host.c),
 * validate the description with the core, then resolve every lab device
 * the way the module will and work out the groups that implies.
 */
#define PL_IMPORT_INTERNAL
#include "import.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scope.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

int plimp_fail(struct plimp_ctx *c, int err, const char *fmt, ...)
{
	va_list ap;

	if (c->err && c->errlen) {
		va_start(ap, fmt);
		vsnprintf(c->err, c->errlen, fmt, ap);
		va_end(ap);
	}
	return err;
}

int plimp_note(struct pl_import *imp, const char *fmt, ...)
{
	char line[512], **n;
	va_list ap;

	if (imp->nr_notes >= PL_IMPORT_MAX_NOTES) {
		imp->notes_dropped++;
		return 0;
	}
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	n = realloc(imp->notes, (imp->nr_notes + 1) * sizeof(*n));
	if (!n)
		return -ENOMEM;
	imp->notes = n;
	n[imp->nr_notes] = strdup(line);
	if (!n[imp->nr_notes])
		return -ENOMEM;
	imp->nr_notes++;
	return 0;
}

static bool name_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	       (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' ||
	       ch == '-';
}

static bool name_used(const struct plimp_ctx *c, unsigned int ns,
		      const char *name)
{
	for (unsigned int i = 0; i < c->nr_names[ns]; i++)
		if (!strcmp(c->names[ns][i], name))
			return true;
	return false;
}

int plimp_name(struct plimp_ctx *c, unsigned int ns, const char *in,
	       char out[PROBELAB_FW_NAME_LEN])
{
	char base[PROBELAB_FW_NAME_LEN], cand[PROBELAB_FW_NAME_LEN];
	size_t n = 0;

	while (*in == '\\' || *in == '/')
		in++;
	for (; *in && n < PROBELAB_FW_NAME_LEN - 1; in++)
		base[n++] = name_char(*in) ? *in : '-';
	base[n] = '\0';
	if (!n)
		snprintf(base, sizeof(base), "unnamed");
	snprintf(cand, sizeof(cand), "%s", base);
	for (unsigned int k = 2; name_used(c, ns, cand); k++) {
		char suf[16];
		size_t sl, keep;

		if (k > 9999)
			return -EEXIST;
		sl = (size_t)snprintf(suf, sizeof(suf), "-%u", k);
		keep = strlen(base);
		if (keep + sl > PROBELAB_FW_NAME_LEN - 1)
			keep = PROBELAB_FW_NAME_LEN - 1 - sl;
		memcpy(cand, base, keep);
		memcpy(cand + keep, suf, sl + 1);
	}
	if (c->nr_names[ns] == c->cap_names[ns]) {
		unsigned int cap = c->cap_names[ns] ? 2 * c->cap_names[ns] : 16;
		void *p = realloc(c->names[ns], cap * sizeof(*c->names[ns]));

		if (!p)
			return -ENOMEM;
		c->names[ns] = p;
		c->cap_names[ns] = cap;
	}
	/* NUL-padded: the description compares names with memcmp */
	strncpy(c->names[ns][c->nr_names[ns]++], cand, PROBELAB_FW_NAME_LEN);
	strncpy(out, cand, PROBELAB_FW_NAME_LEN);
	return 0;
}

void plimp_seg_add(struct plimp_ctx *c, uint16_t segment)
{
	if (plimp_seg_described(c, segment) || c->nr_segs >= ARRAY_SIZE(c->segs))
		return;
	c->segs[c->nr_segs++] = segment;
}

void plimp_rc_range_add(struct plimp_ctx *c, uint16_t segment, uint8_t start,
			uint8_t end)
{
	if (c->nr_rcr >= ARRAY_SIZE(c->rcr))
		return;
	c->rcr[c->nr_rcr].segment = segment;
	c->rcr[c->nr_rcr].start = start;
	c->rcr[c->nr_rcr].end = end;
	c->nr_rcr++;
}

bool plimp_seg_described(const struct plimp_ctx *c, uint16_t segment)
{
	for (unsigned int i = 0; i < c->nr_segs; i++)
		if (c->segs[i] == segment)
			return true;
	return false;
}

static int dev_push(struct pl_import *imp, const struct pl_import_device *d)
{
	struct pl_import_device *n;

	if (imp->nr_devices >= PL_IMPORT_MAX_DEVICES) {
		plimp_note(imp, "more than %u lab devices: the rest are not created",
			   PL_IMPORT_MAX_DEVICES);
		return -E2BIG;
	}
	n = realloc(imp->devices, (imp->nr_devices + 1) * sizeof(*n));
	if (!n)
		return -ENOMEM;
	imp->devices = n;
	n[imp->nr_devices] = *d;
	return (int)imp->nr_devices++;
}

int plimp_add_pci(struct pl_import *imp, uint16_t segment, uint8_t bus,
		  uint8_t devfn, const char *why)
{
	struct pl_import_device d;

	for (unsigned int i = 0; i < imp->nr_devices; i++) {
		const struct pl_import_device *o = &imp->devices[i];

		if (o->kind == PL_TOPO_DEV_PCI && o->segment == segment &&
		    o->bus == bus && o->devfn == devfn)
			return (int)i;
	}
	memset(&d, 0, sizeof(d));
	d.kind = PL_TOPO_DEV_PCI;
	d.segment = segment;
	d.bus = bus;
	d.devfn = devfn;
	snprintf(d.why, sizeof(d.why), "%s", why);
	return dev_push(imp, &d);
}

int plimp_add_named(struct pl_import *imp, const char *name, const char *why)
{
	struct pl_import_device d;

	for (unsigned int i = 0; i < imp->nr_devices; i++)
		if (imp->devices[i].kind == PL_TOPO_DEV_PLATFORM &&
		    !strcmp(imp->devices[i].name, name))
			return (int)i;
	memset(&d, 0, sizeof(d));
	d.kind = PL_TOPO_DEV_PLATFORM;
	snprintf(d.name, sizeof(d.name), "%s", name);
	snprintf(d.why, sizeof(d.why), "%s", why);
	return dev_push(imp, &d);
}

uint8_t plimp_sid_bits(uint64_t max_id)
{
	uint8_t bits = 16;

	while (bits < 32 && (max_id >> bits))
		bits++;
	return bits;
}

int plimp_claim(struct plimp_claims *cl, uint32_t start, uint32_t end,
		struct plimp_range **pieces, unsigned int *nr_pieces)
{
	struct plimp_range *out = NULL;
	unsigned int n = 0;
	uint32_t cur = start;

	*pieces = NULL;
	*nr_pieces = 0;
	/* claims are kept sorted and disjoint */
	for (unsigned int i = 0; i <= cl->nr && cur < end; i++) {
		uint32_t gap_end = i < cl->nr ? cl->r[i].start : end;

		if (i < cl->nr && cl->r[i].end <= cur)
			continue;
		if (gap_end > end)
			gap_end = end;
		if (gap_end > cur) {
			void *p = realloc(out, (n + 1) * sizeof(*out));

			if (!p) {
				free(out);
				return -ENOMEM;
			}
			out = p;
			out[n].start = cur;
			out[n].end = gap_end;
			n++;
		}
		if (i < cl->nr && cl->r[i].end > cur)
			cur = cl->r[i].end;
	}
	/* merge the new pieces into the claims */
	for (unsigned int k = 0; k < n; k++) {
		unsigned int pos = 0;

		if (cl->nr == cl->cap) {
			unsigned int cap = cl->cap ? 2 * cl->cap : 8;
			void *p = realloc(cl->r, cap * sizeof(*cl->r));

			if (!p) {
				free(out);
				return -ENOMEM;
			}
			cl->r = p;
			cl->cap = cap;
		}
		while (pos < cl->nr && cl->r[pos].start < out[k].start)
			pos++;
		memmove(&cl->r[pos + 1], &cl->r[pos],
			(cl->nr - pos) * sizeof(*cl->r));
		cl->r[pos] = out[k];
		cl->nr++;
	}
	*pieces = out;
	*nr_pieces = n;
	return 0;
}

void plimp_claims_free(struct plimp_claims *cl)
{
	free(cl->r);
	memset(cl, 0, sizeof(*cl));
}

const char *pl_import_iommu_name(const struct pl_import *imp, uint32_t i)
{
	if (!imp->desc || i >= imp->desc->nr_iommus)
		return "?";
	return imp->desc->iommus[i].name;
}

const char *pl_import_rec_origin(const struct pl_import *imp,
				 uint32_t rec_index)
{
	return imp->builder ? pl_topo_builder_origin(imp->builder, rec_index) :
			      NULL;
}

const char *pl_import_dev_name(const struct pl_import_device *d, char *buf,
			       size_t len)
{
	if (d->kind == PL_TOPO_DEV_PLATFORM)
		snprintf(buf, len, "%s", d->name);
	else
		snprintf(buf, len, "%04x:%02x:%02x.%u", d->segment, d->bus,
			 d->devfn >> 3, d->devfn & 7);
	return buf;
}

/* The module's of_xlate step (module/probe.c pl_xlate()) for @d. */
static int dev_xlate(const struct pl_fwdesc *desc,
		     const struct pl_import_device *d, bool with_group,
		     struct pl_fw_ref *refs, unsigned int *n)
{
	uint16_t rids[PL_FW_MAX_ALIASES + 1];
	unsigned int nr, i;
	int ret;

	*n = 0;
	if (d->kind == PL_TOPO_DEV_PLATFORM)
		return pl_fwdesc_xlate_named(desc, d->name, refs,
					     PL_IMPORT_MAX_REFS, n);
	ret = pl_fwdesc_pci_dma_aliases(desc, d->segment, d->bus, d->devfn,
					rids, ARRAY_SIZE(rids) - d->nr_aliases,
					&nr);
	if (ret)
		return ret;
	for (i = 0; i < d->nr_aliases; i++) {
		bool group = false;

		for (unsigned int k = 0; k < d->nr_group_aliases; k++)
			if (d->group_aliases[k] == d->aliases[i])
				group = true;
		if (group && !with_group)
			continue;
		rids[nr++] = d->aliases[i];
	}
	return pl_fwdesc_xlate_pci_aliases(desc, d->segment, rids[0],
					   rids + 1, nr - 1, refs,
					   PL_IMPORT_MAX_REFS, n);
}

static bool fwspec0_share(const struct pl_import_device *a,
			  const struct pl_import_device *b)
{
	uint32_t ia = a->refs[0].iommu;

	if (b->refs[0].iommu != ia)
		return false;
	for (unsigned int i = 0; i < a->nr_refs; i++) {
		if (a->refs[i].iommu != ia)
			continue;
		for (unsigned int j = 0; j < b->nr_refs; j++)
			if (b->refs[j].iommu == ia &&
			    b->refs[j].id == a->refs[i].id)
				return true;
	}
	return false;
}

/*
 * Resolve every device and assign the groups the module will form: a
 * device joins the first group one of whose members shares an ID with it
 * on its first instance (module/group.c pl_group_find_shared()), in the
 * order the devices are added.
 */
static int resolve_devices(struct pl_import *imp)
{
	unsigned int ngroups = 0;

	for (unsigned int i = 0; i < imp->nr_devices; i++) {
		struct pl_import_device *d = &imp->devices[i];
		struct pl_fw_ref plain[PL_IMPORT_MAX_REFS];
		unsigned int np = 0;
		int ret;

		d->group = 0;
		d->group_only = 0;
		ret = dev_xlate(imp->desc, d, true, d->refs, &d->nr_refs);
		d->xlate = ret;
		if (ret == -ENOSPC) {
			char name[40];

			plimp_note(imp, "%s resolves to %u (IOMMU, ID) pairs; the module resolves at most %u per device, so its IOMMU probe will fail",
				   pl_import_dev_name(d, name, sizeof(name)),
				   d->nr_refs, PL_IMPORT_MAX_REFS);
		}
		if (ret == -ENODEV || ret == -ENOSPC) {
			d->nr_refs = 0;
			continue;
		}
		if (ret)
			return ret;
		if (d->nr_group_aliases) {
			ret = dev_xlate(imp->desc, d, false, plain, &np);
			if (ret && ret != -ENODEV && ret != -ENOSPC)
				return ret;
			if (ret)
				np = 0;
			for (unsigned int k = 0; k < d->nr_refs; k++) {
				bool found = false;

				for (unsigned int m = 0; m < np; m++)
					if (plain[m].iommu == d->refs[k].iommu &&
					    plain[m].id == d->refs[k].id)
						found = true;
				if (!found)
					d->group_only |= 1u << k;
			}
		}
		/*
		 * The module searches its groups in creation order: the
		 * earliest (lowest numbered) group with a sharing member.
		 */
		for (unsigned int k = 0; k < i; k++) {
			const struct pl_import_device *o = &imp->devices[k];

			if (o->group && (!d->group || o->group < d->group) &&
			    fwspec0_share(d, o))
				d->group = o->group;
		}
		if (!d->group)
			d->group = ++ngroups;
	}
	imp->nr_groups = ngroups;
	return 0;
}

static int finish(struct plimp_ctx *c)
{
	struct pl_import *imp = c->imp;
	struct pl_fw_err fe;
	char msg[768];
	int ret;

	ret = pl_topo_builder_finish(imp->builder, &imp->blob, &imp->len, msg,
				     sizeof(msg));
	if (ret)
		return plimp_fail(c, ret, "%s: the description the firmware gives is refused: %s",
				  imp->source, msg);
	ret = pl_fwdesc_parse(imp->blob, imp->len, &imp->desc, &fe);
	if (ret)
		return plimp_fail(c, ret, "%s: description: %s", imp->source,
				  fe.msg);
	if (c->post) {
		ret = c->post(imp, c->post_ctx);
		if (ret)
			return plimp_fail(c, ret, "%s: choosing sample devices: %s",
					  imp->source, strerror(-ret));
	}
	if (c->host) {
		ret = plimp_host_devices(c);
		if (ret)
			return ret;
	}
	ret = resolve_devices(imp);
	if (ret)
		return plimp_fail(c, ret, "%s: resolving the lab devices: %s",
				  imp->source, strerror(-ret));
	return 0;
}

int pl_import_buf(const void *buf, size_t len, const char *source,
		  const struct pl_import_opts *opts, struct pl_import **out,
		  char *err, size_t errlen)
{
	static const struct pl_import_opts none;
	struct plimp_ctx c;
	struct pl_fw_diag diag;
	struct pl_import *imp;
	void *model = NULL;
	int ret;

	*out = NULL;
	if (err && errlen)
		err[0] = '\0';
	memset(&c, 0, sizeof(c));
	c.opts = opts ? opts : &none;
	c.buf = buf;
	c.len = len;
	c.err = err;
	c.errlen = errlen;
	imp = calloc(1, sizeof(*imp));
	if (!imp)
		return plimp_fail(&c, -ENOMEM, "out of memory");
	c.imp = imp;
	snprintf(imp->source, sizeof(imp->source), "%s",
		 source ? source : "(buffer)");
	imp->host = c.opts->host;
	imp->kind = pl_fw_detect(buf, len);
	imp->builder = pl_topo_builder_new();
	if (!imp->builder) {
		ret = plimp_fail(&c, -ENOMEM, "out of memory");
		goto fail;
	}
	switch (imp->kind) {
	case PL_FW_DMAR:
		ret = pl_dmar_parse(buf, len, (struct pl_dmar **)&model, &diag);
		break;
	case PL_FW_IORT:
		ret = pl_iort_parse(buf, len, (struct pl_iort **)&model, &diag);
		break;
	case PL_FW_FDT:
		ret = pl_dt_parse(buf, len, (struct pl_dt **)&model, &diag);
		break;
	default:
		ret = plimp_fail(&c, -ENOTSUP, "%s: not an ACPI DMAR, an ACPI IORT or a flattened device tree",
				 imp->source);
		goto fail;
	}
	if (ret) {
		ret = plimp_fail(&c, ret, "%s (%s): offset 0x%zx, field %s: %s",
				 imp->source, pl_fw_kind_name(imp->kind),
				 diag.offset, diag.field[0] ? diag.field : "-",
				 diag.msg);
		goto fail;
	}
	if (c.opts->host) {
		ret = plimp_host_scan(&c);
		if (ret)
			goto fail;
	}
	switch (imp->kind) {
	case PL_FW_DMAR:
		ret = plimp_dmar(&c, model);
		break;
	case PL_FW_IORT:
		ret = plimp_iort(&c, model);
		break;
	default:
		ret = plimp_dt(&c, model);
		break;
	}
	if (!ret && c.host)
		ret = plimp_host_bridges(&c);
	if (!ret)
		ret = finish(&c);
fail:
	if (model) {
		if (imp->kind == PL_FW_DMAR)
			pl_dmar_free(model);
		else if (imp->kind == PL_FW_IORT)
			pl_iort_free(model);
		else
			pl_dt_free(model);
	}
	free(c.post_ctx);
	for (unsigned int i = 0; i < ARRAY_SIZE(c.names); i++)
		free(c.names[i]);
	if (c.host)
		plimp_host_free(c.host);
	if (ret) {
		if (err && errlen && !err[0])
			snprintf(err, errlen, "%s: %s", imp->source,
				 strerror(-ret));
		pl_import_free(imp);
		return ret;
	}
	*out = imp;
	return 0;
}

static const char *const host_tables[] = {
	"firmware/acpi/tables/DMAR",
	"firmware/acpi/tables/IORT",
	"firmware/fdt",
};

const char *pl_import_host_table(const char *sysfs, char *buf, size_t len)
{
	for (size_t i = 0; i < ARRAY_SIZE(host_tables); i++) {
		snprintf(buf, len, "%s/%s", sysfs ? sysfs : "/sys",
			 host_tables[i]);
		if (access(buf, R_OK) == 0)
			return buf;
	}
	return NULL;
}

int pl_import_path(const char *path, const struct pl_import_opts *opts,
		   struct pl_import **out, char *err, size_t errlen)
{
	struct pl_fw_diag diag;
	char host[600];
	size_t len;
	void *buf;
	int ret;

	*out = NULL;
	if (!path) {
		if (!opts || !opts->host) {
			if (err && errlen)
				snprintf(err, errlen, "no firmware file given");
			return -EINVAL;
		}
		path = pl_import_host_table(opts->sysfs, host, sizeof(host));
		if (!path) {
			if (err && errlen)
				snprintf(err, errlen, "no DMAR, IORT or flattened device tree in %s/firmware",
					 opts->sysfs ? opts->sysfs : "/sys");
			return -ENOENT;
		}
	}
	ret = pl_fw_read_file(path, 0, &buf, &len, &diag);
	if (ret) {
		if (err && errlen)
			snprintf(err, errlen, "%s: %s", path,
				 diag.msg[0] ? diag.msg : strerror(-ret));
		return ret;
	}
	ret = pl_import_buf(buf, len, path, opts, out, err, errlen);
	free(buf);
	return ret;
}

void pl_import_free(struct pl_import *imp)
{
	if (!imp)
		return;
	free(imp->blob);
	pl_fwdesc_free(imp->desc);
	pl_topo_builder_free(imp->builder);
	free(imp->devices);
	for (unsigned int i = 0; i < imp->nr_notes; i++)
		free(imp->notes[i]);
	free(imp->notes);
	free(imp);
}

/* Smallest x >= @a whose bits lie in @mask, or -1 above 0xffff. */
static long submask_ge(uint32_t a, uint32_t mask)
{
	uint64_t x = a;

	while (x <= 0xffff && (x & ~(uint64_t)mask)) {
		unsigned int b = 31 - (unsigned int)__builtin_clz((uint32_t)(x & ~(uint64_t)mask));

		x = ((x >> b) + 1) << b;
	}
	return x <= 0xffff ? (long)x : -1;
}

/* Largest x <= @a whose bits lie in @mask (0 always qualifies). */
static uint32_t submask_le(uint32_t a, uint32_t mask)
{
	uint32_t x = a;

	if (x & ~mask) {
		unsigned int b = 31 - (unsigned int)__builtin_clz(x & ~mask);
		uint32_t low = (1u << b) - 1;

		x = (x & ~((low << 1) | 1)) | (low & mask);
	}
	return x;
}

int plimp_rc_samples(struct pl_import *imp, uint16_t segment,
		     uint8_t bus_start, uint8_t bus_end, uint16_t rid_mask,
		     const struct probelab_fw_idmap *map, const char *rc_name)
{
	static const char *const which[] = { "first", "middle", "last" };
	long rid[4] = { -1, -1, -1, -1 };
	char why[96];

	if (map->flags & PROBELAB_FW_IDMAP_SINGLE) {
		rid[0] = (long)bus_start << 8;
		rid[1] = (long)((bus_start + bus_end) / 2) << 8;
		rid[2] = (long)bus_end << 8 | 0xff;
	} else {
		uint32_t last = map->rid_base + map->length - 1;
		long first = submask_ge(map->rid_base, rid_mask);
		long mid = submask_ge(map->rid_base + (map->length - 1) / 2,
				      rid_mask);
		uint32_t le = submask_le(last, rid_mask);

		rid[0] = first;
		rid[1] = mid >= 0 && (uint32_t)mid <= last ? mid : -1;
		rid[2] = le >= map->rid_base ? (long)le : -1;
		if (first >= 0 && (uint32_t)first <= last && rid_mask != 0xffff)
			rid[3] = first | (~rid_mask & 0xffff);
		if (first < 0 || (uint32_t)first > last)
			rid[0] = -1;
	}
	for (unsigned int i = 0; i < 4; i++) {
		int ret;

		if (rid[i] < 0 || (rid[i] >> 8) < bus_start ||
		    (rid[i] >> 8) > bus_end)
			continue;
		if (i < 3)
			snprintf(why, sizeof(why), "%s RID of a map of %s",
				 which[i], rc_name);
		else
			snprintf(why, sizeof(why), "masks to the first RID of a map of %s",
				 rc_name);
		ret = plimp_add_pci(imp, segment, (uint8_t)(rid[i] >> 8),
				    (uint8_t)rid[i], why);
		if (ret == -E2BIG)
			return 0;
		if (ret < 0)
			return ret;
	}
	return 0;
}

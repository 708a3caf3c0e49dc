// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libprobelab: the lab operations of /dev/probelab (FW_LOAD, LAB_RESET,
 * DEV_ADD/REMOVE, IOMMU_REGISTER/UNREGISTER, DRV_BIND/UNBIND, QUERY,
 * STATS) and the name tables of their enums.
 */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "probelab.h"

#define ARRAY_LEN(a)	(sizeof(a) / sizeof((a)[0]))

/* ---- names ------------------------------------------------------------ */

static const char *const driver_names[] = {
	[PROBELAB_DRV_DMA] = "dma",
	[PROBELAB_DRV_USER] = "user",
	[PROBELAB_DRV_OWNOPS] = "ownops",
	[PROBELAB_DRV_POOL] = "pool",
};

static const char *const driver_knames[] = {
	[PROBELAB_DRV_DMA] = "probelab-dma",
	[PROBELAB_DRV_USER] = "probelab-user",
	[PROBELAB_DRV_OWNOPS] = "probelab-ownops",
	[PROBELAB_DRV_POOL] = "probelab-pool",
};

static const char *name_of(const char *const *tab, size_t n, unsigned int v)
{
	return v < n ? tab[v] : NULL;
}

static int name_find(const char *const *tab, size_t n, const char *name)
{
	if (!name)
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		if (tab[i] && !strcmp(tab[i], name))
			return (int)i;
	return -EINVAL;
}

const char *pl_driver_name(unsigned int driver)
{
	return name_of(driver_names, ARRAY_LEN(driver_names), driver);
}

const char *pl_driver_kname(unsigned int driver)
{
	return name_of(driver_knames, ARRAY_LEN(driver_knames), driver);
}

int pl_driver_from_name(const char *name)
{
	int d = name_find(driver_names, ARRAY_LEN(driver_names), name);

	return d >= 0 ? d : name_find(driver_knames, ARRAY_LEN(driver_knames),
				      name);
}

static const char *const state_names[] = {
	[PROBELAB_DEV_WAITING] = "waiting",
	[PROBELAB_DEV_PROBED] = "probed",
	[PROBELAB_DEV_NO_IOMMU] = "no-iommu",
	[PROBELAB_DEV_FAILED] = "failed",
	[PROBELAB_DEV_BARE] = "bare",
};

const char *pl_dev_state_name(unsigned int state)
{
	return name_of(state_names, ARRAY_LEN(state_names), state);
}

static const char *const kind_names[] = {
	[PROBELAB_DEV_PCI] = "pci",
	[PROBELAB_DEV_NAMED] = "named",
};

const char *pl_dev_kind_name(unsigned int kind)
{
	return name_of(kind_names, ARRAY_LEN(kind_names), kind);
}

static const char *const domain_names[] = {
	[0] = "none",
	[PROBELAB_DOMAIN_IDENTITY] = "identity",
	[PROBELAB_DOMAIN_DMA] = "dma",
	[PROBELAB_DOMAIN_BLOCKED] = "blocked",
	[PROBELAB_DOMAIN_UNMANAGED] = "unmanaged",
};

const char *pl_domain_type_name(unsigned int type)
{
	return name_of(domain_names, ARRAY_LEN(domain_names), type);
}

int pl_domain_type_from_name(const char *name)
{
	int t = name_find(domain_names, ARRAY_LEN(domain_names), name);

	return t > 0 ? t : -EINVAL;
}

static const char *const model_names[] = {
	[PROBELAB_FW_IOMMU_SMMUV3] = "smmuv3",
	[PROBELAB_FW_IOMMU_VTD] = "vtd",
};

const char *pl_iommu_model_name(unsigned int model)
{
	return name_of(model_names, ARRAY_LEN(model_names), model);
}

static const char *const bind_names[] = {
	[PROBELAB_BIND_BOUND] = "bound",
	[PROBELAB_BIND_DEFERRED] = "deferred",
};

const char *pl_bind_result_name(unsigned int result)
{
	return name_of(bind_names, ARRAY_LEN(bind_names), result);
}

static const char *const event_names[] = {
	[PROBELAB_EV_FW_LOAD] = "FW_LOAD",
	[PROBELAB_EV_DEV_ADD] = "DEV_ADD",
	[PROBELAB_EV_DEV_REMOVE] = "DEV_REMOVE",
	[PROBELAB_EV_IOMMU_REGISTER] = "IOMMU_REGISTER",
	[PROBELAB_EV_IOMMU_UNREGISTER] = "IOMMU_UNREGISTER",
	[PROBELAB_EV_IOMMU_PROBE] = "IOMMU_PROBE",
	[PROBELAB_EV_IOMMU_WAIT] = "IOMMU_WAIT",
	[PROBELAB_EV_IOMMU_RELEASE] = "IOMMU_RELEASE",
	[PROBELAB_EV_BIND] = "BIND",
	[PROBELAB_EV_DEFER] = "DEFER",
	[PROBELAB_EV_RETRIGGER] = "RETRIGGER",
	[PROBELAB_EV_UNBIND] = "UNBIND",
	[PROBELAB_EV_GROUP_ALLOC] = "GROUP_ALLOC",
	[PROBELAB_EV_GROUP_FREE] = "GROUP_FREE",
	[PROBELAB_EV_DOMAIN_ATTACH] = "DOMAIN_ATTACH",
	[PROBELAB_EV_DMA_OPS] = "DMA_OPS",
	[PROBELAB_EV_VIOLATION] = "VIOLATION",
	[PROBELAB_EV_CLAIM] = "CLAIM",
	[PROBELAB_EV_RELEASE] = "RELEASE",
	[PROBELAB_EV_DOMAIN_ALLOC] = "DOMAIN_ALLOC",
	[PROBELAB_EV_DOMAIN_FREE] = "DOMAIN_FREE",
	[PROBELAB_EV_HW_WRITE] = "HW_WRITE",
};

const char *pl_event_name(unsigned int event)
{
	return name_of(event_names, ARRAY_LEN(event_names), event);
}

int pl_event_from_name(const char *name)
{
	return name_find(event_names, ARRAY_LEN(event_names), name);
}

static const char *const rec_names[] = {
	[PROBELAB_FW_REC_IOMMU] = "IOMMU",
	[PROBELAB_FW_REC_ENDPOINT] = "ENDPOINT",
	[PROBELAB_FW_REC_SPEC] = "SPEC",
	[PROBELAB_FW_REC_ROOT_COMPLEX] = "ROOT_COMPLEX",
	[PROBELAB_FW_REC_IDMAP] = "IDMAP",
	[PROBELAB_FW_REC_BRIDGE] = "BRIDGE",
	[PROBELAB_FW_REC_SCOPE] = "SCOPE",
};

const char *pl_fw_rec_type_name(unsigned int type)
{
	return name_of(rec_names, ARRAY_LEN(rec_names), type);
}

/* The kernel-internal probe deferral errno (include/linux/errno.h). */
#define PL_EPROBE_DEFER	517

const char *pl_errno_name(int err)
{
	if (err < 0)
		err = -err;
	if (err == 0)
		return "0";
	if (err == PL_EPROBE_DEFER)
		return "EPROBE_DEFER";
	return strerrorname_np(err);
}

/* ---- PCI addresses ---------------------------------------------------- */

/* Exactly 1..@max hex digits from *s up to @stop; advances *s. */
static int hex_field(const char **s, unsigned int max, char stop,
		     unsigned int *out)
{
	unsigned int v = 0, n = 0;
	const char *p = *s;

	while (*p && *p != stop) {
		if (!isxdigit((unsigned char)*p) || ++n > max)
			return -EINVAL;
		v = v * 16 + (unsigned int)(isdigit((unsigned char)*p) ?
			*p - '0' : tolower((unsigned char)*p) - 'a' + 10);
		p++;
	}
	if (!n || *p != stop)
		return -EINVAL;
	*s = stop ? p + 1 : p;
	*out = v;
	return 0;
}

int pl_parse_bdf(const char *s, uint16_t *segment, uint8_t *bus,
		 uint8_t *devfn)
{
	unsigned int seg = 0, b, d, f, colons = 0;
	bool has_seg;

	if (!s)
		return -EINVAL;
	for (const char *p = s; *p; p++)
		colons += *p == ':';
	if (colons != 1 && colons != 2)
		return -EINVAL;
	has_seg = colons == 2;
	if (has_seg && hex_field(&s, 4, ':', &seg))
		return -EINVAL;
	if (hex_field(&s, 2, ':', &b) || hex_field(&s, 2, '.', &d) ||
	    hex_field(&s, 1, 0, &f) || d > 0x1f || f > 7)
		return -EINVAL;
	if (has_seg && segment)
		*segment = (uint16_t)seg;
	if (bus)
		*bus = (uint8_t)b;
	if (devfn)
		*devfn = (uint8_t)(d << 3 | f);
	return 0;
}

/* ---- operations ------------------------------------------------------- */

int pl_fw_load(struct pl_handle *h, const void *blob, size_t len,
	       unsigned int policy, unsigned int default_domain,
	       struct pl_fw_reject *rej)
{
	return pl_fw_load_flags(h, blob, len, policy, default_domain, 0, rej);
}

int pl_fw_load_flags(struct pl_handle *h, const void *blob, size_t len,
		     unsigned int policy, unsigned int default_domain,
		     uint32_t flags, struct pl_fw_reject *rej)
{
	struct probelab_fw_load c;
	int ret;

	if (rej)
		memset(rej, 0, sizeof(*rej));
	if (!blob || !len || len > UINT32_MAX)
		return -EINVAL;
	memset(&c, 0, sizeof(c));
	c.size = sizeof(c);
	c.op = PROBELAB_OP_FW_LOAD;
	c.flags = flags;
	c.policy = policy;
	c.default_domain = default_domain;
	c.desc_uptr = (uint64_t)(uintptr_t)blob;
	c.desc_len = (uint32_t)len;
	ret = pl_cmd(h, &c);
	/*
	 * A rejected description comes back with its location.  Record 0
	 * starts past the header, so (0, 0) names nothing: the operation
	 * failed before or after validation.
	 */
	if (ret && rej && (c.err_record || c.err_offset)) {
		rej->valid = 1;
		rej->record = c.err_record;
		rej->offset = c.err_offset;
	}
	return ret;
}

int pl_fw_blob_locate(const void *blob, size_t len, uint32_t index,
		      unsigned int *type, unsigned int *ordinal,
		      size_t *offset)
{
	unsigned int counts[16] = { 0 };
	const unsigned char *b = blob;
	struct probelab_fw_hdr hdr;
	size_t off;

	if (!blob || len < sizeof(hdr))
		return -ENOENT;
	memcpy(&hdr, b, sizeof(hdr));
	if (hdr.hdr_len < sizeof(hdr) || hdr.hdr_len % 8 || hdr.hdr_len > len)
		return -ENOENT;
	off = hdr.hdr_len;
	for (uint32_t i = 0; off + sizeof(struct probelab_fw_rec) <= len; i++) {
		struct probelab_fw_rec r;

		memcpy(&r, b + off, sizeof(r));
		if (i == index) {
			if (type)
				*type = r.type;
			if (ordinal)
				*ordinal = r.type < ARRAY_LEN(counts) ?
					   counts[r.type] : 0;
			if (offset)
				*offset = off;
			return 0;
		}
		if (r.len < sizeof(r) || r.len % 8 || r.len > len - off)
			return -ENOENT;
		if (r.type < ARRAY_LEN(counts))
			counts[r.type]++;
		off += r.len;
	}
	return -ENOENT;
}

static int simple_op(struct pl_handle *h, unsigned int op)
{
	struct probelab_simple c = { .size = sizeof(c), .op = op };

	return pl_cmd(h, &c);
}

int pl_lab_reset(struct pl_handle *h)
{
	return simple_op(h, PROBELAB_OP_LAB_RESET);
}

int pl_dev_add_pci(struct pl_handle *h, uint16_t segment, uint8_t bus,
		   uint8_t devfn, const uint16_t *aliases,
		   unsigned int nr_aliases, uint32_t *dev_id)
{
	struct probelab_dev_add c;
	int ret;

	if (nr_aliases > PROBELAB_MAX_ALIASES)
		return -E2BIG;
	if (nr_aliases && !aliases)
		return -EINVAL;
	memset(&c, 0, sizeof(c));
	c.size = sizeof(c);
	c.op = PROBELAB_OP_DEV_ADD;
	c.kind = PROBELAB_DEV_PCI;
	c.segment = segment;
	c.bus = bus;
	c.devfn = devfn;
	c.nr_aliases = nr_aliases;
	for (unsigned int i = 0; i < nr_aliases; i++)
		c.aliases[i] = aliases[i];
	ret = pl_cmd(h, &c);
	if (!ret && dev_id)
		*dev_id = c.dev_id;
	return ret;
}

int pl_dev_add_named(struct pl_handle *h, const char *name, uint32_t *dev_id)
{
	return pl_dev_add_named_flags(h, name, 0, dev_id);
}

int pl_dev_add_named_flags(struct pl_handle *h, const char *name,
			   uint32_t flags, uint32_t *dev_id)
{
	struct probelab_dev_add c;
	int ret;

	if (!name || !name[0] || strlen(name) >= sizeof(c.name))
		return -EINVAL;
	memset(&c, 0, sizeof(c));
	c.size = sizeof(c);
	c.op = PROBELAB_OP_DEV_ADD;
	c.flags = flags;
	c.kind = PROBELAB_DEV_NAMED;
	memcpy(c.name, name, strlen(name));
	ret = pl_cmd(h, &c);
	if (!ret && dev_id)
		*dev_id = c.dev_id;
	return ret;
}

static int dev_ref_op(struct pl_handle *h, unsigned int op, uint32_t dev_id)
{
	struct probelab_dev_ref c;

	memset(&c, 0, sizeof(c));
	c.size = sizeof(c);
	c.op = op;
	c.dev_id = dev_id;
	return pl_cmd(h, &c);
}

int pl_dev_remove(struct pl_handle *h, uint32_t dev_id)
{
	return dev_ref_op(h, PROBELAB_OP_DEV_REMOVE, dev_id);
}

static int iommu_ref_op(struct pl_handle *h, unsigned int op,
			const char *name)
{
	struct probelab_iommu_ref c;

	if (!name || !name[0] || strlen(name) >= sizeof(c.name))
		return -EINVAL;
	memset(&c, 0, sizeof(c));
	c.size = sizeof(c);
	c.op = op;
	memcpy(c.name, name, strlen(name));
	return pl_cmd(h, &c);
}

int pl_iommu_register(struct pl_handle *h, const char *name)
{
	return iommu_ref_op(h, PROBELAB_OP_IOMMU_REGISTER, name);
}

int pl_iommu_unregister(struct pl_handle *h, const char *name)
{
	return iommu_ref_op(h, PROBELAB_OP_IOMMU_UNREGISTER, name);
}

int pl_drv_bind(struct pl_handle *h, uint32_t dev_id, unsigned int driver,
		uint32_t *result)
{
	struct probelab_drv_bind c;
	int ret;

	memset(&c, 0, sizeof(c));
	c.size = sizeof(c);
	c.op = PROBELAB_OP_DRV_BIND;
	c.dev_id = dev_id;
	c.driver = driver;
	ret = pl_cmd(h, &c);
	if (!ret && result)
		*result = c.result;
	return ret;
}

int pl_drv_unbind(struct pl_handle *h, uint32_t dev_id)
{
	return dev_ref_op(h, PROBELAB_OP_DRV_UNBIND, dev_id);
}

int pl_stats(struct pl_handle *h, struct probelab_stats *st, int reset)
{
	memset(st, 0, sizeof(*st));
	st->size = sizeof(*st);
	st->op = PROBELAB_OP_STATS;
	st->flags = reset ? PROBELAB_STATS_RESET : 0;
	return pl_cmd(h, st);
}

int pl_query(struct pl_handle *h, unsigned int what, void *entries,
	     size_t entry_size, unsigned int cap, unsigned int *nr)
{
	struct probelab_query c;
	int ret;

	if ((cap && !entries) || entry_size > UINT32_MAX)
		return -EINVAL;
	memset(&c, 0, sizeof(c));
	c.size = sizeof(c);
	c.op = PROBELAB_OP_QUERY;
	c.what = what;
	c.entry_size = (uint32_t)entry_size;
	c.entries_uptr = (uint64_t)(uintptr_t)entries;
	c.nr_entries = cap;
	ret = pl_cmd(h, &c);
	if (!ret && nr)
		*nr = c.nr_entries;
	return ret;
}

/* Objects may appear between two calls: retry with room to spare. */
static int query_all(struct pl_handle *h, unsigned int what, size_t esize,
		     void **out, unsigned int *nr)
{
	unsigned int cap = 0, n = 0;
	void *buf = NULL;
	int ret;

	*out = NULL;
	*nr = 0;
	for (int tries = 0; tries < 16; tries++) {
		ret = pl_query(h, what, buf, esize, cap, &n);
		if (ret) {
			free(buf);
			return ret;
		}
		if (n <= cap) {
			if (!n) {
				free(buf);
				buf = NULL;
			}
			*out = buf;
			*nr = n;
			return 0;
		}
		free(buf);
		if (n > UINT32_MAX / 2 - 64)
			return -EOVERFLOW;
		cap = n + n / 4 + 16;
		buf = calloc(cap, esize);
		if (!buf)
			return -ENOMEM;
	}
	free(buf);
	return -EAGAIN;
}

int pl_query_devices(struct pl_handle *h, struct probelab_dev_info **out,
		     unsigned int *nr)
{
	return query_all(h, PROBELAB_QUERY_DEVICES, sizeof(**out),
			 (void **)out, nr);
}

int pl_query_iommus(struct pl_handle *h, struct probelab_iommu_info **out,
		    unsigned int *nr)
{
	return query_all(h, PROBELAB_QUERY_IOMMUS, sizeof(**out),
			 (void **)out, nr);
}

int pl_query_groups(struct pl_handle *h, struct probelab_group_info **out,
		    unsigned int *nr)
{
	return query_all(h, PROBELAB_QUERY_GROUPS, sizeof(**out),
			 (void **)out, nr);
}

static int parse_id(const char *s, uint32_t *id)
{
	char *end;
	unsigned long v;

	if (!s || !isdigit((unsigned char)s[0]))
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v == 0 || v > UINT32_MAX)
		return -EINVAL;
	*id = (uint32_t)v;
	return 0;
}

int pl_dev_lookup(struct pl_handle *h, const char *ref, uint32_t *dev_id,
		  struct probelab_dev_info *info)
{
	struct probelab_dev_info *devs;
	uint16_t seg = 0;
	uint8_t bus, devfn;
	unsigned int n, i;
	bool by_id, by_bdf;
	uint32_t id = 0;
	int ret;

	if (!ref || !ref[0])
		return -EINVAL;
	by_id = !parse_id(ref, &id);
	by_bdf = !by_id && !pl_parse_bdf(ref, &seg, &bus, &devfn);
	ret = pl_query_devices(h, &devs, &n);
	if (ret)
		return ret;
	ret = -ENOENT;
	for (i = 0; i < n; i++) {
		const struct probelab_dev_info *d = &devs[i];
		char name[sizeof(d->name) + 1];

		memcpy(name, d->name, sizeof(d->name));
		name[sizeof(d->name)] = 0;
		if (by_id ? d->dev_id == id :
		    by_bdf ? d->kind == PROBELAB_DEV_PCI &&
			     d->segment == seg && d->bus == bus &&
			     d->devfn == devfn :
		    !strcmp(name, ref)) {
			if (dev_id)
				*dev_id = d->dev_id;
			if (info)
				*info = *d;
			ret = 0;
			break;
		}
	}
	free(devs);
	return ret;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Guest test: FW_LOAD refuses every kind of bad description with its errno
 * and the record at fault, and leaves the lab exactly as it was (the
 * previous description, its instances, devices and groups); FW_LOAD while
 * lab devices exist or an instance is registered is EBUSY.  TAP output.
 */
#include <dirent.h>

#include "probe_util_tap.h"

/* What QUERY and debugfs show of the lab. */
struct snap {
	struct probelab_iommu_info *iommus;
	unsigned int ni;
	struct probelab_dev_info *devs;
	unsigned int nd;
	struct probelab_group_info *groups;
	unsigned int ng;
	char dirs[512];
};

static void snap_take(struct snap *s)
{
	struct dirent *de;
	DIR *d;

	memset(s, 0, sizeof(*s));
	must(pl_query_iommus(lab, &s->iommus, &s->ni), "QUERY iommus");
	must(pl_query_devices(lab, &s->devs, &s->nd), "QUERY devices");
	must(pl_query_groups(lab, &s->groups, &s->ng), "QUERY groups");
	d = opendir(DEBUGFS "/iommus");
	while (d && (de = readdir(d)))
		if (de->d_name[0] != '.')
			snprintf(s->dirs + strlen(s->dirs),
				 sizeof(s->dirs) - strlen(s->dirs), "%s ",
				 de->d_name);
	if (d)
		closedir(d);
}

static void snap_free(struct snap *s)
{
	free(s->iommus);
	free(s->devs);
	free(s->groups);
}

static bool snap_same(const struct snap *a, const struct snap *b)
{
	return a->ni == b->ni && a->nd == b->nd && a->ng == b->ng &&
	       (!a->ni || !memcmp(a->iommus, b->iommus, a->ni * sizeof(*a->iommus))) &&
	       (!a->nd || !memcmp(a->devs, b->devs, a->nd * sizeof(*a->devs))) &&
	       (!a->ng || !memcmp(a->groups, b->groups, a->ng * sizeof(*a->groups))) &&
	       !strcmp(a->dirs, b->dirs);
}

/* The lab before every refused load: instance "old0" behind bus 0. */
static void load_previous(void)
{
	struct pl_topo_builder *b = topo_new();
	int s = topo_smmu(b, "old0", 16);
	int rc = topo_rc(b, 0, 0, 0);

	topo_map(b, rc, s, 0, 0x100, 0x4000);
	must(topo_load(b, PROBELAB_POLICY_FIXED, PROBELAB_DOMAIN_DMA),
	     "FW_LOAD (previous)");
}

enum bad {
	BAD_NONE, BAD_SPEC_IOMMU, BAD_OVERLAP, BAD_SID, BAD_BUS,
};

/*
 * A new description, unvalidated: smmu0 (8-bit stream IDs), endpoint ep0
 * with one specifier, root complex with one or two ID maps.  Records:
 * 0 IOMMU, 1 ENDPOINT, 2 SPEC, 3 ROOT_COMPLEX, 4 (5) IDMAP.
 */
static void *new_blob(enum bad bad, size_t *len)
{
	struct pl_topo_builder *b = topo_new();
	struct probelab_fw_rc rc;
	void *blob;
	int s, ep, r;

	s = topo_smmu(b, "smmu0", 8);
	ep = topo_endpoint(b, "ep0");
	if (pl_topo_add_spec(b, (unsigned int)ep,
			     bad == BAD_SPEC_IOMMU ? 7 : (unsigned int)s,
			     bad == BAD_SID ? 0x100 : 0x10, 0, "spec") < 0)
		bail("add specifier");
	memset(&rc, 0, sizeof(rc));
	rc.bus_start = bad == BAD_BUS ? 5 : 0;
	rc.bus_end = bad == BAD_BUS ? 2 : 0xff;
	rc.rid_mask = 0xffff;
	r = pl_topo_add_rc(b, &rc, "rc");
	if (r < 0)
		bail("add root complex");
	topo_map(b, r, s, 0, 0x100, 0);
	if (bad == BAD_OVERLAP)
		topo_map(b, r, s, 0x80, 0x10, 0x80);
	must(pl_topo_builder_emit(b, &blob, len), "emit");
	pl_topo_builder_free(b);
	return blob;
}

static size_t rec_offset(const void *blob, size_t len, uint32_t rec)
{
	size_t off = 0;

	if (pl_fw_blob_locate(blob, len, rec, NULL, NULL, &off))
		bail("no record %u", rec);
	return off;
}

/*
 * One refused load: errno, the record at fault (~0U header, ~1U "not
 * reported", otherwise the record, with its offset range), lab unchanged.
 */
static void refuse(const char *what, const void *blob, size_t len,
		   unsigned int policy, unsigned int domain, int want,
		   uint32_t want_rec, const struct snap *before)
{
	struct pl_fw_reject rej;
	struct snap after;
	bool where;
	int ret;

	ret = pl_fw_load(lab, blob, len, policy, domain, &rej);
	if (want_rec == ~1U) {
		where = !rej.valid;
	} else if (want_rec == ~0U) {
		where = rej.valid && rej.record == ~0U && rej.offset < 48;
	} else {
		size_t off = rec_offset(blob, len, want_rec);

		where = rej.valid && rej.record == want_rec &&
			rej.offset >= off;
	}
	tap_ok(ret == want && where,
	       "%s: FW_LOAD refused with %s (got %s), at %s%u (got %s, record %d offset %u)",
	       what, pl_errno_name(want), ret ? pl_errno_name(ret) : "success",
	       want_rec == ~0U ? "the header " : want_rec == ~1U ?
	       "no record " : "record ", want_rec >= ~1U ? 0 : want_rec,
	       rej.valid ? "a location" : "no location", (int)rej.record,
	       rej.offset);
	snap_take(&after);
	tap_ok(snap_same(before, &after),
	       "%s: the lab is unchanged (instances %u->%u, devices %u->%u, groups %u->%u, debugfs iommus '%s' -> '%s')",
	       what, before->ni, after.ni, before->nd, after.nd, before->ng,
	       after.ng, before->dirs, after.dirs);
	snap_free(&after);
}

int main(void)
{
	struct probelab_fw_hdr *hdr;
	struct probelab_fw_rec *r;
	struct snap before;
	size_t len, off;
	uint32_t id;
	void *blob;
	char *big;

	lab_open();
	load_previous();
	snap_take(&before);
	if (before.ni != 1)
		bail("the previous description has %u instances", before.ni);

	blob = new_blob(BAD_NONE, &len);
	hdr = blob;
	hdr->magic ^= 1;
	refuse("bad magic", blob, len, 0, PROBELAB_DOMAIN_DMA, -EINVAL, ~0U,
	       &before);
	hdr->magic ^= 1;
	hdr->version = 2;
	refuse("header version 2", blob, len, 0, PROBELAB_DOMAIN_DMA,
	       -EOPNOTSUPP, ~0U, &before);
	hdr->version = PROBELAB_FW_VERSION;
	refuse("a length other than total_len", blob, len - 8, 0,
	       PROBELAB_DOMAIN_DMA, -EINVAL, ~0U, &before);
	off = rec_offset(blob, len, 4);
	r = (struct probelab_fw_rec *)((char *)blob + off);
	r->type = 99;
	refuse("unknown record type", blob, len, 0, PROBELAB_DOMAIN_DMA,
	       -EOPNOTSUPP, 4, &before);
	r->type = PROBELAB_FW_REC_IDMAP;
	r->__reserved = 1;
	refuse("record reserved field set", blob, len, 0, PROBELAB_DOMAIN_DMA,
	       -EINVAL, 4, &before);
	r->__reserved = 0;
	refuse("unknown policy 9", blob, len, 9, PROBELAB_DOMAIN_DMA, -EINVAL,
	       ~1U, &before);
	refuse("default domain 'blocked'", blob, len, 0,
	       PROBELAB_DOMAIN_BLOCKED, -EINVAL, ~1U, &before);
	free(blob);

	blob = new_blob(BAD_SPEC_IOMMU, &len);
	refuse("dangling IOMMU reference", blob, len, 0, PROBELAB_DOMAIN_DMA,
	       -EINVAL, 2, &before);
	free(blob);
	blob = new_blob(BAD_OVERLAP, &len);
	refuse("overlapping ID maps", blob, len, 0, PROBELAB_DOMAIN_DMA,
	       -EINVAL, 5, &before);
	free(blob);
	blob = new_blob(BAD_SID, &len);
	refuse("stream ID beyond sid_bits", blob, len, 0, PROBELAB_DOMAIN_DMA,
	       -ERANGE, 2, &before);
	free(blob);
	blob = new_blob(BAD_BUS, &len);
	refuse("bus range end < start", blob, len, 0, PROBELAB_DOMAIN_DMA,
	       -EINVAL, 3, &before);
	free(blob);

	big = calloc(1, PROBELAB_FW_MAX_LEN + 8);
	if (!big)
		bail("out of memory");
	refuse("description over 1 MiB", big, PROBELAB_FW_MAX_LEN + 8, 0,
	       PROBELAB_DOMAIN_DMA, -E2BIG, ~1U, &before);
	free(big);

	/* the previous description still resolves devices */
	id = add_pci(0, 0, 3, 0);
	{
		struct probelab_dev_info d = dev_get(id);

		tap_ok(d.state == PROBELAB_DEV_WAITING && d.nr_iommus == 1 &&
		       d.iommus[0] == 0 && d.ids[0] == 0x4018,
		       "the previous description is still in use (stream ID 0x%x, expected 0x4018)",
		       d.ids[0]);
	}
	snap_free(&before);

	/* a valid description while a lab device exists: EBUSY */
	snap_take(&before);
	blob = new_blob(BAD_NONE, &len);
	refuse("valid description while a lab device exists", blob, len, 0,
	       PROBELAB_DOMAIN_DMA, -EBUSY, ~1U, &before);
	snap_free(&before);
	must(pl_dev_remove(lab, id), "DEV_REMOVE");
	must(pl_iommu_register(lab, "old0"), "IOMMU_REGISTER");
	snap_take(&before);
	refuse("valid description while an instance is registered", blob, len,
	       0, PROBELAB_DOMAIN_DMA, -EBUSY, ~1U, &before);
	snap_free(&before);
	must(pl_iommu_unregister(lab, "old0"), "IOMMU_UNREGISTER");
	tap_ok(pl_fw_load(lab, blob, len, 0, PROBELAB_DOMAIN_DMA, NULL) == 0 &&
	       iommu_get("smmu0").model == PROBELAB_FW_IOMMU_SMMUV3,
	       "once the lab is idle the valid description loads");
	free(blob);
	tap_ok(stats(false).violations == 0, "no violation reported");
	tap_plan(tap_n);
	return lab_close();
}

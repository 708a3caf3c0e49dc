// SPDX-License-Identifier: GPL-2.0
/*
 * Guest test: FW_LOAD refuses every kind of bad description with its errno
 * and the record at fault, and leaves the lab exactly as it was (the
 * previous description, its instances, devices and groups); FW_LOAD while
 * lab devices exist or an instance is registered is EBUSY.
 */
#include <dirent.h>

#include "probe_util.h"

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
static void refuse(struct __test_metadata *_metadata, const char *what,
		   const void *blob, size_t len, unsigned int policy,
		   unsigned int domain, int want, uint32_t want_rec,
		   const struct snap *before)
{
	struct pl_fw_reject rej;
	struct snap after;
	bool where;
	int ret;

	memset(&rej, 0, sizeof(rej));
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
	EXPECT_EQ(want, ret)
		TH_LOG("%s: FW_LOAD refused with %s (got %s)", what,
		       pl_errno_name(want), ret ? pl_errno_name(ret) : "success");
	EXPECT_TRUE(where)
		TH_LOG("%s: at %s%u (got %s, record %d offset %u)", what,
		       want_rec == ~0U ? "the header " : want_rec == ~1U ?
		       "no record " : "record ", want_rec >= ~1U ? 0 : want_rec,
		       rej.valid ? "a location" : "no location",
		       (int)rej.record, rej.offset);
	snap_take(&after);
	EXPECT_TRUE(snap_same(before, &after))
		TH_LOG("%s: the lab changed (instances %u->%u, devices %u->%u, groups %u->%u, debugfs iommus '%s' -> '%s')",
		       what, before->ni, after.ni, before->nd, after.nd,
		       before->ng, after.ng, before->dirs, after.dirs);
	snap_free(&after);
}

/* The previous description loaded ("old0"), and what the lab showed then. */
FIXTURE(fwload) {
	struct snap before;
};

FIXTURE_SETUP(fwload)
{
	lab_setup(_metadata, false);
	load_previous();
	snap_take(&self->before);
	ASSERT_EQ(1, self->before.ni) TH_LOG("the previous description");
}

FIXTURE_TEARDOWN(fwload)
{
	snap_free(&self->before);
	lab_teardown(_metadata);
}

/*
 * The header and the records' framing: bad magic, version 2, a length
 * other than total_len, an unknown record type, a reserved field set; an
 * unknown policy; a blocked default domain.
 */
TEST_F(fwload, header_and_records)
{
	const struct snap *before = &self->before;
	struct probelab_fw_hdr *hdr;
	struct probelab_fw_rec *r;
	size_t len, off;
	void *blob;

	blob = new_blob(BAD_NONE, &len);
	hdr = blob;
	hdr->magic ^= 1;
	refuse(_metadata, "bad magic", blob, len, 0, PROBELAB_DOMAIN_DMA,
	       -EINVAL, ~0U, before);
	hdr->magic ^= 1;
	hdr->version = 2;
	refuse(_metadata, "header version 2", blob, len, 0,
	       PROBELAB_DOMAIN_DMA, -EOPNOTSUPP, ~0U, before);
	hdr->version = PROBELAB_FW_VERSION;
	refuse(_metadata, "a length other than total_len", blob, len - 8, 0,
	       PROBELAB_DOMAIN_DMA, -EINVAL, ~0U, before);
	off = rec_offset(blob, len, 4);
	r = (struct probelab_fw_rec *)((char *)blob + off);
	r->type = 99;
	refuse(_metadata, "unknown record type", blob, len, 0,
	       PROBELAB_DOMAIN_DMA, -EOPNOTSUPP, 4, before);
	r->type = PROBELAB_FW_REC_IDMAP;
	r->__reserved = 1;
	refuse(_metadata, "record reserved field set", blob, len, 0,
	       PROBELAB_DOMAIN_DMA, -EINVAL, 4, before);
	r->__reserved = 0;
	refuse(_metadata, "unknown policy 9", blob, len, 9,
	       PROBELAB_DOMAIN_DMA, -EINVAL, ~1U, before);
	refuse(_metadata, "default domain 'blocked'", blob, len, 0,
	       PROBELAB_DOMAIN_BLOCKED, -EINVAL, ~1U, before);
	free(blob);
	EXPECT_EQ(0, stats(false).violations);
}

/*
 * What the records say: a dangling IOMMU reference, overlapping ID maps,
 * a stream ID beyond sid_bits, a bus range ending before it starts; a
 * description over 1 MiB.  The previous description still resolves
 * devices afterwards.
 */
TEST_F(fwload, contents)
{
	const struct snap *before = &self->before;
	struct probelab_dev_info d;
	size_t len;
	void *blob;
	char *big;

	blob = new_blob(BAD_SPEC_IOMMU, &len);
	refuse(_metadata, "dangling IOMMU reference", blob, len, 0,
	       PROBELAB_DOMAIN_DMA, -EINVAL, 2, before);
	free(blob);
	blob = new_blob(BAD_OVERLAP, &len);
	refuse(_metadata, "overlapping ID maps", blob, len, 0,
	       PROBELAB_DOMAIN_DMA, -EINVAL, 5, before);
	free(blob);
	blob = new_blob(BAD_SID, &len);
	refuse(_metadata, "stream ID beyond sid_bits", blob, len, 0,
	       PROBELAB_DOMAIN_DMA, -ERANGE, 2, before);
	free(blob);
	blob = new_blob(BAD_BUS, &len);
	refuse(_metadata, "bus range end < start", blob, len, 0,
	       PROBELAB_DOMAIN_DMA, -EINVAL, 3, before);
	free(blob);

	big = calloc(1, PROBELAB_FW_MAX_LEN + 8);
	ASSERT_NE(NULL, big);
	refuse(_metadata, "description over 1 MiB", big,
	       PROBELAB_FW_MAX_LEN + 8, 0, PROBELAB_DOMAIN_DMA, -E2BIG, ~1U,
	       before);
	free(big);

	/* the previous description is still in use: stream ID 0x4018 */
	d = dev_get(add_pci(0, 0, 3, 0));
	EXPECT_EQ(PROBELAB_DEV_WAITING, d.state);
	EXPECT_EQ(1, d.nr_iommus);
	EXPECT_EQ(0, d.iommus[0]);
	EXPECT_EQ(0x4018, d.ids[0]);
	EXPECT_EQ(0, stats(false).violations);
}

/*
 * A valid description while a lab device exists, or while an instance is
 * registered: EBUSY, nothing changed; once the lab is idle it loads.
 */
TEST_F(fwload, busy)
{
	struct snap before;
	size_t len;
	uint32_t id;
	void *blob;

	id = add_pci(0, 0, 3, 0);
	snap_take(&before);
	blob = new_blob(BAD_NONE, &len);
	refuse(_metadata, "valid description while a lab device exists", blob,
	       len, 0, PROBELAB_DOMAIN_DMA, -EBUSY, ~1U, &before);
	snap_free(&before);
	ASSERT_EQ(0, pl_dev_remove(lab, id));
	ASSERT_EQ(0, pl_iommu_register(lab, "old0"));
	snap_take(&before);
	refuse(_metadata, "valid description while an instance is registered",
	       blob, len, 0, PROBELAB_DOMAIN_DMA, -EBUSY, ~1U, &before);
	snap_free(&before);
	ASSERT_EQ(0, pl_iommu_unregister(lab, "old0"));
	EXPECT_EQ(0, pl_fw_load(lab, blob, len, 0, PROBELAB_DOMAIN_DMA, NULL))
		TH_LOG("once the lab is idle the valid description loads");
	EXPECT_EQ(PROBELAB_FW_IOMMU_SMMUV3, iommu_get("smmu0").model);
	free(blob);
	EXPECT_EQ(0, stats(false).violations);
}

TEST_HARNESS_MAIN

// SPDX-License-Identifier: GPL-2.0
/*
 * Guest test (policy "fixed"), on a VT-d DRHD and on an SMMUv3: group DMA
 * ownership and the owner's domains, one rule at a time -
 *  - a claim fails with EBUSY while a DMA-API driver is bound in the
 *    group, or while another token owns it;
 *  - a DMA-API bind into an explicitly owned group fails with EBUSY,
 *    probelab-user (driver_managed_dma) binds;
 *  - claiming moves the group to its blocking domain (STE abort, no
 *    context entry), the last release restores the default domain;
 *  - device claims by one token are counted (two claims, two releases);
 *  - ATTACH and DETACH only by the owner (EPERM), DETACH goes back to
 *    blocking; the STE / context entry after every domain change (abort,
 *    bypass, translate through the domain's CD; absent, pass-through,
 *    second level with the domain's DID);
 *  - a device hot-added into a claimed group gets its current domain;
 *  - a group that loses its last device takes its claims with it;
 *  - closing the token releases its claims and frees its domains.
 * The invariant checker runs after every op (PROBELAB_CHECK_AUTO_ON) and
 * at the end of every test: no violation anywhere.
 */
#include "probe_util.h"

/* 00:02.0 alone; 05:01.0 and 05:02.0 share the alias 05:00.0 */
#define RID_A		0x0010
#define RID_ALIAS	0x0500
#define RID_B1		0x0508
#define RID_B2		0x0510
#define RID_B3		0x0518
#define RID_B4		0x0520

/* the instance registered, DMA default domains, the checker on */
FIXTURE(owner) {};
FIXTURE_VARIANTS_IOMMU(owner);
LAB_SETUP_TEARDOWN(owner, true,
		   load_one(variant->iommu, PROBELAB_POLICY_FIXED,
			    PROBELAB_DOMAIN_DMA, true));

static uint32_t add_b(unsigned int dev)
{
	return add_pci_alias(0, 5, dev, 0, 5, 0, 0);
}

/*
 * Every ID in @rids has the entry of domain type @type on @k's instance
 * and, for paging domains, signature @sig (0: any, reported in *@got).
 */
static bool hw_all(const struct iommu_kind *k, const unsigned int *rids,
		   unsigned int n, unsigned int type, unsigned long long sig,
		   unsigned long long *got, char *why, size_t len)
{
	const char *want = hw_want(k->vtd, type);
	unsigned long long first = 0;

	why[0] = 0;
	for (unsigned int i = 0; i < n; i++) {
		struct hw_entry e = hw_get(k->vtd, k->inst, rids[i]);

		if (strcmp(e.state, want) ||
		    (sig && e.sig != sig) || (i && e.sig != first)) {
			snprintf(why, len, "ID 0x%04x: %s sig 0x%llx, want %s sig 0x%llx",
				 rids[i], e.state, e.sig, want, sig ? sig : first);
			return false;
		}
		if (!i)
			first = e.sig;
	}
	if (got)
		*got = first;
	snprintf(why, len, "%s", want);
	return true;
}

static const unsigned int rids_b[] = { RID_B1, RID_B2, RID_ALIAS };

static struct probelab_group_info grp(uint32_t dev)
{
	return group_get(dev_get(dev).group_id);
}

/* What the paging domains' signature is called in the model's entries. */
static const char *sig_name(const struct iommu_kind *k)
{
	return k->vtd ? "DID" : "CD";
}

/* ---- the rules ---------------------------------------------------------- */

/*
 * Claims of a group with a bound DMA-API driver fail with EBUSY and
 * change nothing; once the driver is unbound the group claim succeeds:
 * owner_cnt 1, blocking domain, QUERY's owned=1.
 */
TEST_F(owner, busy_dma_api)
{
	struct probelab_group_info g;
	uint32_t a;

	a = add_pci(0, 0, 2, 0);
	drv_bind(a, PROBELAB_DRV_DMA);
	g = grp(a);
	EXPECT_EQ(-EBUSY, pl_claim_group(lab, g.group_id));
	EXPECT_EQ(-EBUSY, pl_claim_device(lab, a));
	EXPECT_EQ(1, grp(a).owner_cnt);
	EXPECT_EQ(g.default_domain_id, grp(a).domain_id);

	ASSERT_EQ(0, pl_drv_unbind(lab, a));
	ASSERT_EQ(0, pl_claim_group(lab, g.group_id));
	g = grp(a);
	EXPECT_EQ(1, g.owner_cnt);
	EXPECT_EQ(PROBELAB_DOMAIN_BLOCKED, g.domain_type);
	EXPECT_EQ(PL_OWNER_CLAIMED, pl_group_owner(&g));
	EXPECT_EQ(1, g.owned);
	ASSERT_EQ(0, pl_release_group(lab, g.group_id));
	expect_check_clean(_metadata, "claim vs DMA-API driver");
}

/*
 * Another token's group and device claims fail with EBUSY, its release
 * with EINVAL; a second group claim by the owner fails with EBUSY (a
 * group claim is one claim); after the release the other token claims
 * the device and the first is refused.
 */
TEST_F(owner, busy_other_token)
{
	struct pl_handle *t2 = token_open();
	struct probelab_group_info g;
	uint32_t a;

	a = add_pci(0, 0, 2, 0);
	g = grp(a);
	ASSERT_EQ(0, pl_claim_group(lab, g.group_id));
	EXPECT_EQ(-EBUSY, pl_claim_group(t2, g.group_id));
	EXPECT_EQ(-EBUSY, pl_claim_device(t2, a));
	EXPECT_EQ(-EINVAL, pl_release_group(t2, g.group_id));
	EXPECT_EQ(1, grp(a).owner_cnt);
	EXPECT_EQ(-EBUSY, pl_claim_group(lab, g.group_id));
	EXPECT_EQ(1, grp(a).owner_cnt);

	ASSERT_EQ(0, pl_release_group(lab, g.group_id));
	ASSERT_EQ(0, pl_claim_device(t2, a));
	EXPECT_EQ(-EBUSY, pl_claim_group(lab, g.group_id));
	EXPECT_EQ(1, grp(a).owner_cnt);
	ASSERT_EQ(0, pl_release_device(t2, a));
	pl_close(t2);
	expect_check_clean(_metadata, "claims by two tokens");
}

/*
 * A DMA-API bind into a group claimed as a whole fails with EBUSY,
 * probelab-user (driver_managed_dma) binds and the group stays blocked
 * with owner_cnt 1; the same with a device claim on the other member;
 * released, the group takes a DMA-API driver again.
 */
TEST_F(owner, bind_into_owned)
{
	struct probelab_group_info g;
	uint32_t b1, b2, res = 0;

	b1 = add_b(1);
	b2 = add_b(2);
	g = grp(b1);
	ASSERT_EQ(0, pl_claim_group(lab, g.group_id));
	EXPECT_EQ(-EBUSY, pl_drv_bind(lab, b1, PROBELAB_DRV_DMA, &res));
	EXPECT_EQ(0, dev_get(b1).driver);
	EXPECT_EQ(1, grp(b1).owner_cnt);
	EXPECT_EQ(0, pl_drv_bind(lab, b1, PROBELAB_DRV_USER, &res));
	EXPECT_EQ(PROBELAB_BIND_BOUND, res);
	EXPECT_EQ(PROBELAB_DRV_USER, dev_get(b1).driver);
	EXPECT_EQ(1, grp(b1).owner_cnt);
	EXPECT_EQ(PROBELAB_DOMAIN_BLOCKED, grp(b1).domain_type);
	ASSERT_EQ(0, pl_drv_unbind(lab, b1));
	ASSERT_EQ(0, pl_release_group(lab, g.group_id));

	/* a device claim on 05:02.0; binds of 05:01.0 */
	ASSERT_EQ(0, pl_claim_device(lab, b2));
	EXPECT_EQ(-EBUSY, pl_drv_bind(lab, b1, PROBELAB_DRV_DMA, &res));
	EXPECT_EQ(0, pl_drv_bind(lab, b1, PROBELAB_DRV_USER, &res));
	EXPECT_EQ(1, grp(b1).owner_cnt);
	ASSERT_EQ(0, pl_drv_unbind(lab, b1));
	ASSERT_EQ(0, pl_release_device(lab, b2));

	drv_bind(b1, PROBELAB_DRV_DMA);
	g = grp(b1);
	EXPECT_EQ(1, g.owner_cnt);
	EXPECT_EQ(PL_OWNER_DMA_API, pl_group_owner(&g));
	EXPECT_EQ(g.default_domain_id, g.domain_id);
	ASSERT_EQ(0, pl_drv_unbind(lab, b1));
	expect_check_clean(_metadata, "binds into owned groups");
}

/*
 * The first claim moves the whole group (05:01.0, 05:02.0 and the alias)
 * from its default DMA domain to its blocking domain; device claims by
 * one token are counted (two on 05:01.0, one on 05:02.0: owner_cnt 3);
 * a group release without a group claim and a release too many fail with
 * EINVAL; the last release restores the default domain through the same
 * DID / CD as before.
 */
TEST_F(owner, claim_release_counting)
{
	const struct iommu_kind *k = variant->iommu;
	unsigned long long s_def = 0, s = 0;
	struct probelab_group_info g, g0;
	char why[160];
	uint32_t b1, b2;

	b1 = add_b(1);
	b2 = add_b(2);
	g0 = grp(b1);
	EXPECT_TRUE(hw_all(k, rids_b, 3, PROBELAB_DOMAIN_DMA, 0, &s_def, why,
			   sizeof(why))) TH_LOG("before any claim: %s", why);
	EXPECT_NE(0, s_def);
	EXPECT_EQ(g0.default_domain_id, g0.domain_id);

	ASSERT_EQ(0, pl_claim_device(lab, b1));
	g = grp(b1);
	EXPECT_TRUE(hw_all(k, rids_b, 3, PROBELAB_DOMAIN_BLOCKED, 0, NULL, why,
			   sizeof(why))) TH_LOG("claimed: %s", why);
	EXPECT_EQ(PROBELAB_DOMAIN_BLOCKED, g.domain_type);
	EXPECT_NE(g.default_domain_id, g.domain_id);
	EXPECT_EQ(1, g.owner_cnt);
	EXPECT_EQ(PROBELAB_DOMAIN_BLOCKED, dev_get(b1).domain_type);
	EXPECT_EQ(PROBELAB_DOMAIN_BLOCKED, dev_get(b2).domain_type);

	ASSERT_EQ(0, pl_claim_device(lab, b1));
	ASSERT_EQ(0, pl_claim_device(lab, b2));
	EXPECT_EQ(3, grp(b1).owner_cnt);
	EXPECT_EQ(-EINVAL, pl_release_group(lab, g.group_id));
	ASSERT_EQ(0, pl_release_device(lab, b1));
	ASSERT_EQ(0, pl_release_device(lab, b1));
	g = grp(b1);
	EXPECT_TRUE(hw_all(k, rids_b, 3, PROBELAB_DOMAIN_BLOCKED, 0, NULL, why,
			   sizeof(why))) TH_LOG("05:02.0 still claimed: %s", why);
	EXPECT_EQ(-EINVAL, pl_release_device(lab, b1));
	EXPECT_EQ(1, g.owner_cnt);
	EXPECT_EQ(PROBELAB_DOMAIN_BLOCKED, g.domain_type);

	ASSERT_EQ(0, pl_release_device(lab, b2));
	g = grp(b1);
	EXPECT_TRUE(hw_all(k, rids_b, 3, PROBELAB_DOMAIN_DMA, s_def, &s, why,
			   sizeof(why)))
		TH_LOG("released: %s (%s 0x%llx)", why, sig_name(k), s);
	EXPECT_EQ(0, g.owner_cnt);
	EXPECT_EQ(g0.default_domain_id, g.domain_id);
	EXPECT_EQ(g0.default_domain_id, dev_get(b2).domain_id);
	EXPECT_EQ(PL_OWNER_NONE, pl_group_owner(&g));
	EXPECT_EQ(-EINVAL, pl_release_device(lab, b2));
	expect_check_clean(_metadata, "claim, count, release");
}

/*
 * ATTACH and DETACH by a token that does not own the group: EPERM; the
 * owner cannot attach another token's domain (ENOENT).  The entries after
 * every domain change: an unmanaged domain translates through its own
 * DID / CD (the same again when reattached through a device, another one
 * for a second unmanaged domain), identity and blocked domains; an
 * attached domain cannot be freed (EBUSY); DETACH goes back to the
 * blocking domain; detached domains free once (then ENOENT); the release
 * restores the default domain.
 */
TEST_F(owner, attach_detach)
{
	const struct iommu_kind *k = variant->iommu;
	unsigned long long s_def = 0, s1 = 0, s4 = 0, s = 0;
	struct pl_handle *t2 = token_open();
	uint32_t b1, b2, d1, d2, d3, d4, e1, blk;
	struct probelab_group_info g;
	char why[160];

	b1 = add_b(1);
	b2 = add_b(2);
	hw_all(k, rids_b, 3, PROBELAB_DOMAIN_DMA, 0, &s_def, why, sizeof(why));
	g = grp(b1);
	ASSERT_EQ(0, pl_claim_group(lab, g.group_id));
	blk = grp(b1).domain_id;
	ASSERT_EQ(0, pl_domain_alloc(lab, b1, PROBELAB_DOMAIN_UNMANAGED, &d1));
	ASSERT_EQ(0, pl_domain_alloc(lab, b1, PROBELAB_DOMAIN_IDENTITY, &d2));
	ASSERT_EQ(0, pl_domain_alloc(lab, b2, PROBELAB_DOMAIN_BLOCKED, &d3));
	ASSERT_EQ(0, pl_domain_alloc(lab, b2, PROBELAB_DOMAIN_UNMANAGED, &d4));
	ASSERT_EQ(0, pl_domain_alloc(t2, b1, PROBELAB_DOMAIN_UNMANAGED, &e1));

	EXPECT_EQ(-EPERM, pl_attach(t2, g.group_id, 0, e1));
	EXPECT_EQ(-EPERM, pl_attach(t2, b1, 1, e1));
	EXPECT_EQ(-EPERM, pl_detach(t2, g.group_id, 0));
	EXPECT_EQ(blk, grp(b1).domain_id);
	EXPECT_EQ(-ENOENT, pl_attach(lab, g.group_id, 0, e1));

	ASSERT_EQ(0, pl_attach(lab, g.group_id, 0, d1));
	g = grp(b1);
	EXPECT_TRUE(hw_all(k, rids_b, 3, PROBELAB_DOMAIN_UNMANAGED, 0, &s1,
			   why, sizeof(why))) TH_LOG("domain %u: %s", d1, why);
	EXPECT_NE(s_def, s1) TH_LOG("the default domain's %s", sig_name(k));
	EXPECT_EQ(d1, g.domain_id);
	EXPECT_EQ(PROBELAB_DOMAIN_UNMANAGED, g.domain_type);
	EXPECT_EQ(d1, dev_get(b2).domain_id);
	EXPECT_EQ(-EBUSY, pl_domain_free(lab, d1));

	ASSERT_EQ(0, pl_attach(lab, g.group_id, 0, d2));
	EXPECT_TRUE(hw_all(k, rids_b, 3, PROBELAB_DOMAIN_IDENTITY, 0, NULL,
			   why, sizeof(why))) TH_LOG("domain %u: %s", d2, why);
	EXPECT_EQ(d2, grp(b1).domain_id);
	ASSERT_EQ(0, pl_attach(lab, g.group_id, 0, d3));
	EXPECT_TRUE(hw_all(k, rids_b, 3, PROBELAB_DOMAIN_BLOCKED, 0, NULL,
			   why, sizeof(why))) TH_LOG("domain %u: %s", d3, why);
	EXPECT_EQ(d3, grp(b1).domain_id);
	ASSERT_EQ(0, pl_attach(lab, b2, 1, d1));
	EXPECT_TRUE(hw_all(k, rids_b, 3, PROBELAB_DOMAIN_UNMANAGED, s1, &s,
			   why, sizeof(why)))
		TH_LOG("domain %u again: %s (%s 0x%llx)", d1, why,
		       sig_name(k), s);
	EXPECT_EQ(d1, grp(b1).domain_id);
	ASSERT_EQ(0, pl_attach(lab, g.group_id, 0, d4));
	EXPECT_TRUE(hw_all(k, rids_b, 3, PROBELAB_DOMAIN_UNMANAGED, 0, &s4,
			   why, sizeof(why))) TH_LOG("domain %u: %s", d4, why);
	EXPECT_NE(s1, s4);
	EXPECT_NE(s_def, s4);
	EXPECT_EQ(d4, grp(b1).domain_id);

	ASSERT_EQ(0, pl_detach(lab, g.group_id, 0));
	g = grp(b1);
	EXPECT_TRUE(hw_all(k, rids_b, 3, PROBELAB_DOMAIN_BLOCKED, 0, NULL, why,
			   sizeof(why))) TH_LOG("detached: %s", why);
	EXPECT_EQ(blk, g.domain_id);
	EXPECT_EQ(PROBELAB_DOMAIN_BLOCKED, g.domain_type);
	EXPECT_EQ(1, g.owner_cnt);
	EXPECT_EQ(0, pl_domain_free(lab, d1));
	EXPECT_EQ(0, pl_domain_free(lab, d2));
	EXPECT_EQ(0, pl_domain_free(lab, d3));
	EXPECT_EQ(0, pl_domain_free(lab, d4));
	EXPECT_EQ(-ENOENT, pl_domain_free(lab, d1));

	ASSERT_EQ(0, pl_release_group(lab, g.group_id));
	EXPECT_TRUE(hw_all(k, rids_b, 3, PROBELAB_DOMAIN_DMA, s_def, NULL, why,
			   sizeof(why))) TH_LOG("released: %s", why);
	g = grp(b1);
	EXPECT_EQ(g.default_domain_id, g.domain_id);
	ASSERT_EQ(0, pl_domain_free(t2, e1));
	pl_close(t2);
	expect_check_clean(_metadata, "attach and detach");
}

/*
 * 05:03.0 hot-added into the claimed group gets its current domain (the
 * same DID / CD), cannot take a DMA-API driver, probelab-user binds;
 * 05:04.0 hot-added while the group is detached gets the blocking domain;
 * the release puts all four devices on the default domain.
 */
TEST_F(owner, hot_add)
{
	static const unsigned int rids4[] = { RID_B1, RID_B2, RID_ALIAS,
					      RID_B3, RID_B4 };
	const struct iommu_kind *k = variant->iommu;
	unsigned long long s_def = 0, s1 = 0;
	struct probelab_dev_info i3, i4;
	uint32_t b1, b3, b4, d1;
	struct probelab_group_info g;
	char why[160];

	b1 = add_b(1);
	add_b(2);
	hw_all(k, rids_b, 3, PROBELAB_DOMAIN_DMA, 0, &s_def, why, sizeof(why));
	g = grp(b1);
	ASSERT_EQ(0, pl_claim_group(lab, g.group_id));
	ASSERT_EQ(0, pl_domain_alloc(lab, b1, PROBELAB_DOMAIN_UNMANAGED, &d1));
	ASSERT_EQ(0, pl_attach(lab, g.group_id, 0, d1));
	hw_all(k, rids_b, 3, PROBELAB_DOMAIN_UNMANAGED, 0, &s1, why,
	       sizeof(why));

	b3 = add_b(3);
	i3 = dev_get(b3);
	EXPECT_TRUE(hw_all(k, rids4, 4, PROBELAB_DOMAIN_UNMANAGED, s1, NULL,
			   why, sizeof(why))) TH_LOG("05:03.0 added: %s", why);
	EXPECT_EQ(g.group_id, i3.group_id);
	EXPECT_EQ(d1, i3.domain_id);
	EXPECT_EQ(3, grp(b1).nr_devices);
	EXPECT_EQ(-EBUSY, pl_drv_bind(lab, b3, PROBELAB_DRV_DMA, NULL));
	EXPECT_EQ(0, pl_drv_bind(lab, b3, PROBELAB_DRV_USER, NULL));
	EXPECT_EQ(1, grp(b1).owner_cnt);

	ASSERT_EQ(0, pl_detach(lab, g.group_id, 0));
	b4 = add_b(4);
	i4 = dev_get(b4);
	EXPECT_TRUE(hw_all(k, rids4, 5, PROBELAB_DOMAIN_BLOCKED, 0, NULL, why,
			   sizeof(why))) TH_LOG("05:04.0 added: %s", why);
	EXPECT_EQ(g.group_id, i4.group_id);
	EXPECT_EQ(PROBELAB_DOMAIN_BLOCKED, i4.domain_type);

	ASSERT_EQ(0, pl_release_group(lab, g.group_id));
	EXPECT_TRUE(hw_all(k, rids4, 5, PROBELAB_DOMAIN_DMA, s_def, NULL, why,
			   sizeof(why))) TH_LOG("released: %s", why);
	EXPECT_EQ(g.default_domain_id, dev_get(b4).domain_id);
	ASSERT_EQ(0, pl_drv_unbind(lab, b3));
	ASSERT_EQ(0, pl_domain_free(lab, d1));
	expect_check_clean(_metadata, "hot-add into a claimed group");
}

static bool group_exists(uint32_t gid)
{
	return group_get(gid).group_id == gid;
}

/*
 * A group goes away with its last device, claims and all: device-claimed
 * (a release afterwards: ENOENT), claimed as a whole, or with a bound
 * DMA-API driver.  A departing device takes its claim with it (the group
 * back on its default domain); the last member leaving a claimed group
 * frees it.
 */
TEST_F(owner, empty_group)
{
	const struct iommu_kind *k = variant->iommu;
	struct probelab_group_info g;
	unsigned long long s_def = 0;
	uint32_t a, b1, b2, gid;
	char why[160];
	int ret;

	a = add_pci(0, 0, 2, 0);
	gid = dev_get(a).group_id;
	ASSERT_EQ(0, pl_claim_device(lab, a));
	ASSERT_EQ(0, pl_claim_device(lab, a));
	ASSERT_EQ(0, pl_dev_remove(lab, a));
	ret = pl_release_device(lab, a);
	EXPECT_FALSE(group_exists(gid)) TH_LOG("device-claimed group %u", gid);
	EXPECT_EQ(-ENOENT, ret);

	a = add_pci(0, 0, 2, 0);
	gid = dev_get(a).group_id;
	ASSERT_EQ(0, pl_claim_group(lab, gid));
	ASSERT_EQ(0, pl_dev_remove(lab, a));
	ret = pl_release_group(lab, gid);
	EXPECT_FALSE(group_exists(gid)) TH_LOG("group %u claimed whole", gid);
	EXPECT_EQ(-ENOENT, ret);

	a = add_pci(0, 0, 2, 0);
	gid = dev_get(a).group_id;
	drv_bind(a, PROBELAB_DRV_DMA);
	ASSERT_EQ(0, pl_dev_remove(lab, a));
	EXPECT_FALSE(group_exists(gid)) TH_LOG("group %u with a driver", gid);

	b1 = add_b(1);
	b2 = add_b(2);
	hw_all(k, rids_b, 3, PROBELAB_DOMAIN_DMA, 0, &s_def, why, sizeof(why));
	gid = dev_get(b1).group_id;
	ASSERT_EQ(0, pl_claim_device(lab, b1));
	ASSERT_EQ(0, pl_dev_remove(lab, b1));
	g = group_get(gid);
	EXPECT_EQ(0, g.owner_cnt);
	EXPECT_EQ(g.default_domain_id, g.domain_id);
	EXPECT_TRUE(hw_all(k, rids_b + 1, 2, PROBELAB_DOMAIN_DMA, s_def, NULL,
			   why, sizeof(why))) TH_LOG("%s", why);
	EXPECT_EQ(PL_OWNER_NONE, pl_group_owner(&g));
	ASSERT_EQ(0, pl_claim_device(lab, b2));
	ASSERT_EQ(0, pl_dev_remove(lab, b2));
	EXPECT_FALSE(group_exists(gid));
	EXPECT_EQ(0, nr_groups());
	expect_check_clean(_metadata, "groups that lose their devices");
}

/* Events of the closing token's release, collected by a monitor. */
struct seen {
	unsigned int releases_a, releases_b, domain_frees;
	uint32_t ga, gb, dom;
};

static int on_event(const struct pl_event *ev, void *arg)
{
	struct seen *s = arg;

	if (ev->event == PROBELAB_EV_RELEASE && (ev->has & PL_EV_HAS_GROUP)) {
		s->releases_a += ev->group == s->ga;
		s->releases_b += ev->group == s->gb;
	}
	if (ev->event == PROBELAB_EV_DOMAIN_FREE &&
	    (ev->has & PL_EV_HAS_DOMAIN) && ev->domain == s->dom)
		s->domain_frees++;
	return 0;
}

/*
 * Closing the token releases its group claim and both device claims
 * (default domains again, another token can claim the group) and frees
 * its domain; a monitor sees RELEASE events of both groups and one
 * DOMAIN_FREE naming the domain.
 */
TEST_F(owner, close_releases)
{
	const struct iommu_kind *k = variant->iommu;
	struct pl_handle *t2 = token_open();
	unsigned long long s_def = 0;
	struct pl_monitor *m = NULL;
	struct probelab_group_info ga, gb;
	struct seen seen = { 0 };
	char err[128], why[160];
	uint32_t a, b1, d;
	int ret;

	a = add_pci(0, 0, 2, 0);
	b1 = add_b(1);
	add_b(2);
	hw_all(k, rids_b, 3, PROBELAB_DOMAIN_DMA, 0, &s_def, why, sizeof(why));
	ga = grp(a);
	gb = grp(b1);
	ASSERT_EQ(0, pl_claim_group(t2, ga.group_id));
	ASSERT_EQ(0, pl_claim_device(t2, b1));
	ASSERT_EQ(0, pl_claim_device(t2, b1));
	ASSERT_EQ(0, pl_domain_alloc(t2, b1, PROBELAB_DOMAIN_UNMANAGED, &d));
	ASSERT_EQ(0, pl_attach(t2, gb.group_id, 0, d));
	ASSERT_EQ(0, pl_monitor_open(&m, err, sizeof(err))) TH_LOG("%s", err);
	seen.ga = ga.group_id;
	seen.gb = gb.group_id;
	seen.dom = d;
	pl_close(t2);

	ga = grp(a);
	gb = grp(b1);
	EXPECT_EQ(0, ga.owner_cnt);
	EXPECT_EQ(ga.default_domain_id, ga.domain_id);
	EXPECT_EQ(0, gb.owner_cnt);
	EXPECT_EQ(gb.default_domain_id, gb.domain_id);
	EXPECT_TRUE(hw_all(k, rids_b, 3, PROBELAB_DOMAIN_DMA, s_def, NULL, why,
			   sizeof(why))) TH_LOG("%s", why);
	ret = pl_claim_group(lab, ga.group_id);
	EXPECT_EQ(0, ret) TH_LOG("another token claims the group afterwards");
	if (!ret) {
		ASSERT_EQ(0, pl_release_group(lab, ga.group_id));
	}
	pl_monitor_poll(m, 500, on_event, &seen, NULL);
	pl_monitor_close(m);
	EXPECT_GE(seen.releases_a, 1);
	EXPECT_GE(seen.releases_b, 1);
	EXPECT_EQ(1, seen.domain_frees)
		TH_LOG("DOMAIN_FREE events naming domain %u", d);
	expect_check_clean(_metadata, "closing the owner token");
}

/*
 * Under an identity default domain: pass-through / bypass, blocked once
 * claimed, translating once an unmanaged domain is attached, identity
 * again after the release.
 */
TEST_F(owner, identity_default)
{
	static const unsigned int rid_a[] = { RID_A };
	const struct iommu_kind *k = variant->iommu;
	char w1[160], w2[160], w3[160], w4[160];
	struct probelab_group_info g;
	bool ok1, ok2, ok3, ok4;
	uint32_t a, d;

	ASSERT_EQ(0, pl_lab_reset(lab));
	load_one(k, PROBELAB_POLICY_FIXED, PROBELAB_DOMAIN_IDENTITY, true);
	a = add_pci(0, 0, 2, 0);
	g = grp(a);
	ok1 = hw_all(k, rid_a, 1, PROBELAB_DOMAIN_IDENTITY, 0, NULL, w1,
		     sizeof(w1));
	ASSERT_EQ(0, pl_claim_device(lab, a));
	ok2 = hw_all(k, rid_a, 1, PROBELAB_DOMAIN_BLOCKED, 0, NULL, w2,
		     sizeof(w2));
	ASSERT_EQ(0, pl_domain_alloc(lab, a, PROBELAB_DOMAIN_UNMANAGED, &d));
	ASSERT_EQ(0, pl_attach(lab, a, 1, d));
	ok3 = hw_all(k, rid_a, 1, PROBELAB_DOMAIN_UNMANAGED, 0, NULL, w3,
		     sizeof(w3));
	ASSERT_EQ(0, pl_release_device(lab, a));
	ok4 = hw_all(k, rid_a, 1, PROBELAB_DOMAIN_IDENTITY, 0, NULL, w4,
		     sizeof(w4));
	EXPECT_TRUE(ok1) TH_LOG("probed: %s", w1);
	EXPECT_TRUE(ok2) TH_LOG("claimed: %s", w2);
	EXPECT_TRUE(ok3) TH_LOG("attached: %s", w3);
	EXPECT_TRUE(ok4) TH_LOG("released: %s", w4);
	EXPECT_EQ(g.default_domain_id, grp(a).domain_id);
	EXPECT_EQ(PROBELAB_DOMAIN_IDENTITY, g.default_domain_type);
	ASSERT_EQ(0, pl_domain_free(lab, d));
	expect_check_clean(_metadata, "identity default domain");
}

TEST_HARNESS_MAIN

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
 * at the end of every part: no violation anywhere.  TAP output.
 */
#include "probe_util_tap.h"

static bool vtd;
static const char *inst, *model;

/* 00:02.0 alone; 05:01.0 and 05:02.0 share the alias 05:00.0 */
#define RID_A		0x0010
#define RID_ALIAS	0x0500
#define RID_B1		0x0508
#define RID_B2		0x0510
#define RID_B3		0x0518
#define RID_B4		0x0520

static void load(unsigned int default_domain)
{
	struct pl_topo_builder *b = topo_new();

	must(pl_lab_reset(lab), "LAB_RESET");
	if (vtd) {
		topo_vtd(b, "dmar0", 0, true);
	} else {
		int s = topo_smmu(b, "smmu0", 16);
		int rc = topo_rc(b, 0, 0, 0xff);

		topo_map(b, rc, s, 0, 0x10000, 0);
	}
	must(topo_load(b, PROBELAB_POLICY_FIXED, default_domain), "FW_LOAD");
	must(pl_iommu_register(lab, inst), "IOMMU_REGISTER");
}

static uint32_t add_b(unsigned int dev)
{
	return add_pci_alias(0, 5, dev, 0, 5, 0, 0);
}

static struct hw_entry hw(unsigned int rid)
{
	return hw_get(vtd, inst, rid);
}

/*
 * Every ID in @rids has the entry of domain type @type and, for paging
 * domains, signature @sig (0: any, reported in *@got).
 */
static bool hw_all(const unsigned int *rids, unsigned int n,
		   unsigned int type, unsigned long long sig,
		   unsigned long long *got, char *why, size_t len)
{
	const char *want = hw_want(vtd, type);
	unsigned long long first = 0;

	why[0] = 0;
	for (unsigned int i = 0; i < n; i++) {
		struct hw_entry e = hw(rids[i]);

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

/* ---- the rules ---------------------------------------------------------- */

static void test_busy_dma_api(void)
{
	uint32_t a;
	struct probelab_group_info g;
	int r1, r2, r3;

	load(PROBELAB_DOMAIN_DMA);
	a = add_pci(0, 0, 2, 0);
	drv_bind(a, PROBELAB_DRV_DMA);
	g = grp(a);
	r1 = pl_claim_group(lab, g.group_id);
	r2 = pl_claim_device(lab, a);
	tap_ok(r1 == -EBUSY && r2 == -EBUSY && grp(a).owner_cnt == 1 &&
	       grp(a).domain_id == g.default_domain_id,
	       "%s: claims of a group with a bound DMA-API driver fail with EBUSY (group %d, device %d), owner_cnt stays 1 on the default domain",
	       model, r1, r2);
	must(pl_drv_unbind(lab, a), "DRV_UNBIND");
	r3 = pl_claim_group(lab, g.group_id);
	g = grp(a);
	tap_ok(r3 == 0 && g.owner_cnt == 1 &&
	       g.domain_type == PROBELAB_DOMAIN_BLOCKED &&
	       pl_group_owner(&g) == PL_OWNER_CLAIMED,
	       "%s: once the driver is unbound the group claim succeeds (%d): owner_cnt 1, blocking domain", model, r3);
	tap_ok(g.owned == 1,
	       "%s: QUERY reports owned=1 for the claimed group (owned %u)",
	       model, g.owned);
	must(pl_release_group(lab, g.group_id), "OWNER_RELEASE");
	check_clean("claim vs DMA-API driver");
}

static void test_busy_other_token(void)
{
	struct pl_handle *t2 = token_open();
	struct probelab_group_info g;
	int r1, r2, r3, r4, r5, r6;
	uint32_t a;

	load(PROBELAB_DOMAIN_DMA);
	a = add_pci(0, 0, 2, 0);
	g = grp(a);
	must(pl_claim_group(lab, g.group_id), "OWNER_CLAIM_GROUP");
	r1 = pl_claim_group(t2, g.group_id);
	r2 = pl_claim_device(t2, a);
	r3 = pl_release_group(t2, g.group_id);
	tap_ok(r1 == -EBUSY && r2 == -EBUSY && r3 == -EINVAL &&
	       grp(a).owner_cnt == 1,
	       "%s: another token's group and device claims fail with EBUSY (%d, %d), its release with EINVAL (%d); owner_cnt 1",
	       model, r1, r2, r3);
	r4 = pl_claim_group(lab, g.group_id);
	tap_ok(r4 == -EBUSY && grp(a).owner_cnt == 1,
	       "%s: a second group claim by the owner fails with EBUSY (%d): a group claim is one claim",
	       model, r4);
	must(pl_release_group(lab, g.group_id), "OWNER_RELEASE");
	r5 = pl_claim_device(t2, a);
	r6 = pl_claim_group(lab, g.group_id);
	tap_ok(r5 == 0 && r6 == -EBUSY && grp(a).owner_cnt == 1,
	       "%s: after the release the other token claims the device (%d) and the first is refused (%d)",
	       model, r5, r6);
	must(pl_release_device(t2, a), "OWNER_RELEASE device");
	pl_close(t2);
	check_clean("claims by two tokens");
}

static void test_bind_into_owned(void)
{
	struct probelab_group_info g;
	uint32_t b1, b2, res = 0;
	int r1, r2, r3, r4;

	load(PROBELAB_DOMAIN_DMA);
	b1 = add_b(1);
	b2 = add_b(2);
	g = grp(b1);
	must(pl_claim_group(lab, g.group_id), "OWNER_CLAIM_GROUP");
	r1 = pl_drv_bind(lab, b1, PROBELAB_DRV_DMA, &res);
	tap_ok(r1 == -EBUSY && dev_get(b1).driver == 0 && grp(b1).owner_cnt == 1,
	       "%s: DMA-API bind into a group claimed as a whole fails with EBUSY (%d), nothing bound, owner_cnt 1",
	       model, r1);
	r2 = pl_drv_bind(lab, b1, PROBELAB_DRV_USER, &res);
	tap_ok(r2 == 0 && res == PROBELAB_BIND_BOUND &&
	       dev_get(b1).driver == PROBELAB_DRV_USER && grp(b1).owner_cnt == 1 &&
	       grp(b1).domain_type == PROBELAB_DOMAIN_BLOCKED,
	       "%s: probelab-user (driver_managed_dma) binds into the claimed group (%d), owner_cnt stays 1, still blocked",
	       model, r2);
	must(pl_drv_unbind(lab, b1), "DRV_UNBIND");
	must(pl_release_group(lab, g.group_id), "OWNER_RELEASE");

	must(pl_claim_device(lab, b2), "OWNER_CLAIM_DEVICE");
	r3 = pl_drv_bind(lab, b1, PROBELAB_DRV_DMA, &res);
	r4 = pl_drv_bind(lab, b1, PROBELAB_DRV_USER, &res);
	tap_ok(r3 == -EBUSY && r4 == 0 && grp(b1).owner_cnt == 1,
	       "%s: with a device claim on 05:02.0, a DMA-API bind of 05:01.0 fails with EBUSY (%d), probelab-user binds (%d)",
	       model, r3, r4);
	must(pl_drv_unbind(lab, b1), "DRV_UNBIND");
	must(pl_release_device(lab, b2), "OWNER_RELEASE device");
	drv_bind(b1, PROBELAB_DRV_DMA);
	g = grp(b1);
	tap_ok(g.owner_cnt == 1 && pl_group_owner(&g) == PL_OWNER_DMA_API &&
	       g.domain_id == g.default_domain_id,
	       "%s: released, the group takes a DMA-API driver again (owner_cnt %u, default domain)",
	       model, g.owner_cnt);
	must(pl_drv_unbind(lab, b1), "DRV_UNBIND");
	check_clean("binds into owned groups");
}

static void test_claim_release_counting(void)
{
	unsigned long long s_def = 0, s;
	struct probelab_group_info g, g0;
	char why[160];
	uint32_t b1, b2;
	int r1, r2, r3;
	bool ok;

	load(PROBELAB_DOMAIN_DMA);
	b1 = add_b(1);
	b2 = add_b(2);
	g0 = grp(b1);
	ok = hw_all(rids_b, 3, PROBELAB_DOMAIN_DMA, 0, &s_def, why, sizeof(why));
	tap_ok(ok && s_def && g0.domain_id == g0.default_domain_id,
	       "%s: before any claim the group's IDs translate through its default DMA domain (%s, sig 0x%llx)",
	       model, why, s_def);

	must(pl_claim_device(lab, b1), "OWNER_CLAIM_DEVICE");
	g = grp(b1);
	ok = hw_all(rids_b, 3, PROBELAB_DOMAIN_BLOCKED, 0, NULL, why, sizeof(why));
	tap_ok(ok && g.domain_type == PROBELAB_DOMAIN_BLOCKED &&
	       g.domain_id != g.default_domain_id && g.owner_cnt == 1 &&
	       dev_get(b1).domain_type == PROBELAB_DOMAIN_BLOCKED &&
	       dev_get(b2).domain_type == PROBELAB_DOMAIN_BLOCKED,
	       "%s: the first claim moves the whole group to its blocking domain %u: %s for 05:01.0, 05:02.0 and the alias",
	       model, g.domain_id, why);

	must(pl_claim_device(lab, b1), "OWNER_CLAIM_DEVICE (again)");
	must(pl_claim_device(lab, b2), "OWNER_CLAIM_DEVICE");
	tap_ok(grp(b1).owner_cnt == 3,
	       "%s: device claims by one token are counted: two on 05:01.0, one on 05:02.0 give owner_cnt %u",
	       model, grp(b1).owner_cnt);
	r1 = pl_release_group(lab, g.group_id);
	tap_ok(r1 == -EINVAL, "%s: a group release without a group claim fails with EINVAL (%d)",
	       model, r1);
	must(pl_release_device(lab, b1), "OWNER_RELEASE device");
	must(pl_release_device(lab, b1), "OWNER_RELEASE device (again)");
	g = grp(b1);
	ok = hw_all(rids_b, 3, PROBELAB_DOMAIN_BLOCKED, 0, NULL, why, sizeof(why));
	r2 = pl_release_device(lab, b1);
	tap_ok(g.owner_cnt == 1 && g.domain_type == PROBELAB_DOMAIN_BLOCKED && ok &&
	       r2 == -EINVAL,
	       "%s: two releases of 05:01.0 leave owner_cnt %u and the group blocked (%s); a third fails with EINVAL (%d)",
	       model, g.owner_cnt, why, r2);
	must(pl_release_device(lab, b2), "OWNER_RELEASE device");
	g = grp(b1);
	ok = hw_all(rids_b, 3, PROBELAB_DOMAIN_DMA, s_def, &s, why, sizeof(why));
	tap_ok(ok && g.owner_cnt == 0 && g.domain_id == g0.default_domain_id &&
	       dev_get(b2).domain_id == g0.default_domain_id &&
	       pl_group_owner(&g) == PL_OWNER_NONE,
	       "%s: the last release restores the default domain %u: %s through the same %s as before (0x%llx)",
	       model, g.domain_id, why, vtd ? "DID" : "CD", s);
	r3 = pl_release_device(lab, b2);
	tap_ok(r3 == -EINVAL, "%s: releasing an unclaimed device fails with EINVAL (%d)",
	       model, r3);
	check_clean("claim, count, release");
}

static void test_attach_detach(void)
{
	uint32_t b1, b2, d1, d2, d3, d4, e1, blk;
	unsigned long long s_def = 0, s1 = 0, s4 = 0, s;
	struct pl_handle *t2 = token_open();
	struct probelab_group_info g;
	int r1, r2, r3, r4, r5;
	char why[160];
	bool ok;

	load(PROBELAB_DOMAIN_DMA);
	b1 = add_b(1);
	b2 = add_b(2);
	hw_all(rids_b, 3, PROBELAB_DOMAIN_DMA, 0, &s_def, why, sizeof(why));
	g = grp(b1);
	must(pl_claim_group(lab, g.group_id), "OWNER_CLAIM_GROUP");
	blk = grp(b1).domain_id;
	must(pl_domain_alloc(lab, b1, PROBELAB_DOMAIN_UNMANAGED, &d1), "DOMAIN_ALLOC");
	must(pl_domain_alloc(lab, b1, PROBELAB_DOMAIN_IDENTITY, &d2), "DOMAIN_ALLOC");
	must(pl_domain_alloc(lab, b2, PROBELAB_DOMAIN_BLOCKED, &d3), "DOMAIN_ALLOC");
	must(pl_domain_alloc(lab, b2, PROBELAB_DOMAIN_UNMANAGED, &d4), "DOMAIN_ALLOC");
	must(pl_domain_alloc(t2, b1, PROBELAB_DOMAIN_UNMANAGED, &e1), "DOMAIN_ALLOC");

	r1 = pl_attach(t2, g.group_id, 0, e1);
	r2 = pl_attach(t2, b1, 1, e1);
	r3 = pl_detach(t2, g.group_id, 0);
	tap_ok(r1 == -EPERM && r2 == -EPERM && r3 == -EPERM &&
	       grp(b1).domain_id == blk,
	       "%s: ATTACH (by group %d, by device %d) and DETACH (%d) by a token that does not own the group: EPERM, group stays blocked",
	       model, r1, r2, r3);
	r4 = pl_attach(lab, g.group_id, 0, e1);
	tap_ok(r4 == -ENOENT, "%s: the owner cannot attach another token's domain (ENOENT: %d)",
	       model, r4);

	must(pl_attach(lab, g.group_id, 0, d1), "ATTACH d1");
	g = grp(b1);
	ok = hw_all(rids_b, 3, PROBELAB_DOMAIN_UNMANAGED, 0, &s1, why, sizeof(why));
	tap_ok(ok && s1 != s_def && g.domain_id == d1 &&
	       g.domain_type == PROBELAB_DOMAIN_UNMANAGED &&
	       dev_get(b2).domain_id == d1,
	       "%s: ATTACH of unmanaged domain %u: %s, %s 0x%llx (default's 0x%llx)",
	       model, d1, why, vtd ? "DID" : "STE word 0", s1, s_def);
	r5 = pl_domain_free(lab, d1);
	tap_ok(r5 == -EBUSY, "%s: DOMAIN_FREE of the attached domain fails with EBUSY (%d)",
	       model, r5);

	must(pl_attach(lab, g.group_id, 0, d2), "ATTACH d2");
	ok = hw_all(rids_b, 3, PROBELAB_DOMAIN_IDENTITY, 0, NULL, why, sizeof(why));
	tap_ok(ok && grp(b1).domain_id == d2, "%s: ATTACH of identity domain %u: %s",
	       model, d2, why);
	must(pl_attach(lab, g.group_id, 0, d3), "ATTACH d3");
	ok = hw_all(rids_b, 3, PROBELAB_DOMAIN_BLOCKED, 0, NULL, why, sizeof(why));
	tap_ok(ok && grp(b1).domain_id == d3, "%s: ATTACH of blocked domain %u: %s",
	       model, d3, why);
	must(pl_attach(lab, b2, 1, d1), "ATTACH d1 by device");
	ok = hw_all(rids_b, 3, PROBELAB_DOMAIN_UNMANAGED, s1, &s, why, sizeof(why));
	tap_ok(ok && grp(b1).domain_id == d1,
	       "%s: ATTACH of domain %u again (through device 05:02.0): %s with the same %s 0x%llx",
	       model, d1, why, vtd ? "DID" : "CD", s);
	must(pl_attach(lab, g.group_id, 0, d4), "ATTACH d4");
	ok = hw_all(rids_b, 3, PROBELAB_DOMAIN_UNMANAGED, 0, &s4, why, sizeof(why));
	tap_ok(ok && s4 != s1 && s4 != s_def && grp(b1).domain_id == d4,
	       "%s: ATTACH of a second unmanaged domain %u: %s with its own %s 0x%llx",
	       model, d4, why, vtd ? "DID" : "CD", s4);

	must(pl_detach(lab, g.group_id, 0), "DETACH");
	g = grp(b1);
	ok = hw_all(rids_b, 3, PROBELAB_DOMAIN_BLOCKED, 0, NULL, why, sizeof(why));
	tap_ok(ok && g.domain_id == blk && g.domain_type == PROBELAB_DOMAIN_BLOCKED &&
	       g.owner_cnt == 1,
	       "%s: DETACH puts the group back on its blocking domain %u: %s", model,
	       g.domain_id, why);
	r1 = pl_domain_free(lab, d1);
	r2 = pl_domain_free(lab, d2);
	r3 = pl_domain_free(lab, d3);
	r4 = pl_domain_free(lab, d4);
	r5 = pl_domain_free(lab, d1);
	tap_ok(!r1 && !r2 && !r3 && !r4 && r5 == -ENOENT,
	       "%s: detached domains are freed (%d %d %d %d); freeing one twice fails with ENOENT (%d)",
	       model, r1, r2, r3, r4, r5);
	must(pl_release_group(lab, g.group_id), "OWNER_RELEASE");
	ok = hw_all(rids_b, 3, PROBELAB_DOMAIN_DMA, s_def, NULL, why, sizeof(why));
	tap_ok(ok && grp(b1).domain_id == grp(b1).default_domain_id,
	       "%s: the release restores the default domain: %s through its own %s",
	       model, why, vtd ? "DID" : "CD");
	must(pl_domain_free(t2, e1), "DOMAIN_FREE");
	pl_close(t2);
	check_clean("attach and detach");
}

static void test_hot_add(void)
{
	static const unsigned int rids4[] = { RID_B1, RID_B2, RID_ALIAS, RID_B3,
					      RID_B4 };
	unsigned long long s_def = 0, s1 = 0, s;
	struct probelab_dev_info i3, i4;
	uint32_t b1, b3, b4, d1;
	struct probelab_group_info g;
	char why[160];
	int r1, r2;
	bool ok;

	load(PROBELAB_DOMAIN_DMA);
	b1 = add_b(1);
	add_b(2);
	hw_all(rids_b, 3, PROBELAB_DOMAIN_DMA, 0, &s_def, why, sizeof(why));
	g = grp(b1);
	must(pl_claim_group(lab, g.group_id), "OWNER_CLAIM_GROUP");
	must(pl_domain_alloc(lab, b1, PROBELAB_DOMAIN_UNMANAGED, &d1), "DOMAIN_ALLOC");
	must(pl_attach(lab, g.group_id, 0, d1), "ATTACH");
	hw_all(rids_b, 3, PROBELAB_DOMAIN_UNMANAGED, 0, &s1, why, sizeof(why));

	b3 = add_b(3);
	i3 = dev_get(b3);
	ok = hw_all(rids4, 4, PROBELAB_DOMAIN_UNMANAGED, s1, NULL, why, sizeof(why));
	tap_ok(ok && i3.group_id == g.group_id && i3.domain_id == d1 &&
	       grp(b1).nr_devices == 3,
	       "%s: 05:03.0 hot-added into the claimed group gets its current domain %u (domain %u, group %u): %s with the same %s",
	       model, d1, i3.domain_id, i3.group_id, why, vtd ? "DID" : "CD");
	r1 = pl_drv_bind(lab, b3, PROBELAB_DRV_DMA, NULL);
	r2 = pl_drv_bind(lab, b3, PROBELAB_DRV_USER, NULL);
	tap_ok(r1 == -EBUSY && r2 == 0 && grp(b1).owner_cnt == 1,
	       "%s: the hot-added device cannot take a DMA-API driver (%d), probelab-user binds (%d)",
	       model, r1, r2);
	must(pl_detach(lab, g.group_id, 0), "DETACH");
	b4 = add_b(4);
	i4 = dev_get(b4);
	ok = hw_all(rids4, 5, PROBELAB_DOMAIN_BLOCKED, 0, NULL, why, sizeof(why));
	tap_ok(ok && i4.group_id == g.group_id &&
	       i4.domain_type == PROBELAB_DOMAIN_BLOCKED,
	       "%s: 05:04.0 hot-added while the group is detached gets the blocking domain: %s on all five IDs",
	       model, why);
	must(pl_release_group(lab, g.group_id), "OWNER_RELEASE");
	ok = hw_all(rids4, 5, PROBELAB_DOMAIN_DMA, s_def, &s, why, sizeof(why));
	tap_ok(ok && dev_get(b4).domain_id == g.default_domain_id,
	       "%s: the release puts all four devices on the default domain: %s",
	       model, why);
	must(pl_drv_unbind(lab, b3), "DRV_UNBIND");
	must(pl_domain_free(lab, d1), "DOMAIN_FREE");
	check_clean("hot-add into a claimed group");
}

static bool group_exists(uint32_t gid)
{
	return group_get(gid).group_id == gid;
}

static void test_empty_group(void)
{
	struct probelab_group_info g;
	unsigned long long s_def = 0;
	uint32_t a, b1, b2, gid;
	char why[160];
	int r1, r2;
	bool ok;

	load(PROBELAB_DOMAIN_DMA);
	a = add_pci(0, 0, 2, 0);
	gid = dev_get(a).group_id;
	must(pl_claim_device(lab, a), "OWNER_CLAIM_DEVICE");
	must(pl_claim_device(lab, a), "OWNER_CLAIM_DEVICE (again)");
	must(pl_dev_remove(lab, a), "DEV_REMOVE");
	r1 = pl_release_device(lab, a);
	tap_ok(!group_exists(gid) && r1 == -ENOENT,
	       "%s: a device-claimed group goes away with its last device, claims and all (group %u gone, release ENOENT: %d)",
	       model, gid, r1);
	a = add_pci(0, 0, 2, 0);
	gid = dev_get(a).group_id;
	must(pl_claim_group(lab, gid), "OWNER_CLAIM_GROUP");
	must(pl_dev_remove(lab, a), "DEV_REMOVE");
	r2 = pl_release_group(lab, gid);
	tap_ok(!group_exists(gid) && r2 == -ENOENT,
	       "%s: so does a group claimed as a whole (group %u gone, release ENOENT: %d)",
	       model, gid, r2);
	a = add_pci(0, 0, 2, 0);
	gid = dev_get(a).group_id;
	drv_bind(a, PROBELAB_DRV_DMA);
	must(pl_dev_remove(lab, a), "DEV_REMOVE");
	tap_ok(!group_exists(gid), "%s: and a group with a bound DMA-API driver (group %u gone)",
	       model, gid);

	b1 = add_b(1);
	b2 = add_b(2);
	hw_all(rids_b, 3, PROBELAB_DOMAIN_DMA, 0, &s_def, why, sizeof(why));
	gid = dev_get(b1).group_id;
	must(pl_claim_device(lab, b1), "OWNER_CLAIM_DEVICE");
	must(pl_dev_remove(lab, b1), "DEV_REMOVE");
	g = group_get(gid);
	ok = hw_all(rids_b + 1, 2, PROBELAB_DOMAIN_DMA, s_def, NULL, why, sizeof(why));
	tap_ok(g.owner_cnt == 0 && g.domain_id == g.default_domain_id && ok &&
	       pl_group_owner(&g) == PL_OWNER_NONE,
	       "%s: a departing device takes its claim with it: owner_cnt %u, group back on its default domain (%s)",
	       model, g.owner_cnt, why);
	must(pl_claim_device(lab, b2), "OWNER_CLAIM_DEVICE");
	must(pl_dev_remove(lab, b2), "DEV_REMOVE");
	tap_ok(!group_exists(gid) && nr_groups() == 0,
	       "%s: the last member leaving a claimed group frees it (%u groups left)",
	       model, nr_groups());
	check_clean("groups that lose their devices");
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

static void test_close_releases(void)
{
	struct pl_handle *t2 = token_open();
	unsigned long long s_def = 0;
	struct pl_monitor *m = NULL;
	struct probelab_group_info ga, gb;
	struct seen seen = { 0 };
	uint32_t a, b1, d;
	char err[128], why[160];
	int r1;
	bool ok;

	load(PROBELAB_DOMAIN_DMA);
	a = add_pci(0, 0, 2, 0);
	b1 = add_b(1);
	add_b(2);
	hw_all(rids_b, 3, PROBELAB_DOMAIN_DMA, 0, &s_def, why, sizeof(why));
	ga = grp(a);
	gb = grp(b1);
	must(pl_claim_group(t2, ga.group_id), "OWNER_CLAIM_GROUP");
	must(pl_claim_device(t2, b1), "OWNER_CLAIM_DEVICE");
	must(pl_claim_device(t2, b1), "OWNER_CLAIM_DEVICE");
	must(pl_domain_alloc(t2, b1, PROBELAB_DOMAIN_UNMANAGED, &d), "DOMAIN_ALLOC");
	must(pl_attach(t2, gb.group_id, 0, d), "ATTACH");
	must(pl_monitor_open(&m, err, sizeof(err)), err);
	seen.ga = ga.group_id;
	seen.gb = gb.group_id;
	seen.dom = d;
	pl_close(t2);
	ga = grp(a);
	gb = grp(b1);
	ok = hw_all(rids_b, 3, PROBELAB_DOMAIN_DMA, s_def, NULL, why, sizeof(why));
	tap_ok(ga.owner_cnt == 0 && ga.domain_id == ga.default_domain_id &&
	       gb.owner_cnt == 0 && gb.domain_id == gb.default_domain_id && ok,
	       "%s: closing the token releases its group claim and both device claims: owner_cnt %u and %u, default domains (%s)",
	       model, ga.owner_cnt, gb.owner_cnt, why);
	r1 = pl_claim_group(lab, ga.group_id);
	tap_ok(r1 == 0, "%s: another token can claim the group afterwards (%d)",
	       model, r1);
	if (!r1)
		must(pl_release_group(lab, ga.group_id), "OWNER_RELEASE");
	pl_monitor_poll(m, 500, on_event, &seen, NULL);
	pl_monitor_close(m);
	tap_ok(seen.releases_a >= 1 && seen.releases_b >= 1,
	       "%s: the close is seen as RELEASE events of both groups (%u, %u)",
	       model, seen.releases_a, seen.releases_b);
	tap_ok(seen.domain_frees == 1,
	       "%s: the closed token's domain %u is freed: one DOMAIN_FREE event names it (%u seen)",
	       model, d, seen.domain_frees);
	check_clean("closing the owner token");
}

static void test_identity_default(void)
{
	static const unsigned int rid_a[] = { RID_A };
	struct probelab_group_info g;
	char w1[160], w2[160], w3[160], w4[160];
	bool ok1, ok2, ok3, ok4;
	uint32_t a, d;

	load(PROBELAB_DOMAIN_IDENTITY);
	a = add_pci(0, 0, 2, 0);
	g = grp(a);
	ok1 = hw_all(rid_a, 1, PROBELAB_DOMAIN_IDENTITY, 0, NULL, w1, sizeof(w1));
	must(pl_claim_device(lab, a), "OWNER_CLAIM_DEVICE");
	ok2 = hw_all(rid_a, 1, PROBELAB_DOMAIN_BLOCKED, 0, NULL, w2, sizeof(w2));
	must(pl_domain_alloc(lab, a, PROBELAB_DOMAIN_UNMANAGED, &d), "DOMAIN_ALLOC");
	must(pl_attach(lab, a, 1, d), "ATTACH");
	ok3 = hw_all(rid_a, 1, PROBELAB_DOMAIN_UNMANAGED, 0, NULL, w3, sizeof(w3));
	must(pl_release_device(lab, a), "OWNER_RELEASE");
	ok4 = hw_all(rid_a, 1, PROBELAB_DOMAIN_IDENTITY, 0, NULL, w4, sizeof(w4));
	tap_ok(ok1 && ok2 && ok3 && ok4 &&
	       grp(a).domain_id == g.default_domain_id &&
	       g.default_domain_type == PROBELAB_DOMAIN_IDENTITY,
	       "%s, identity default domain: %s, claimed %s, attached %s, released %s",
	       model, w1, w2, w3, w4);
	must(pl_domain_free(lab, d), "DOMAIN_FREE");
	check_clean("identity default domain");
}

int main(void)
{
	struct pl_check_result r;

	lab_open();
	r = check_run(PROBELAB_CHECK_AUTO_ON);
	pl_check_result_free(&r);
	for (int m = 0; m < 2; m++) {
		vtd = m == 0;
		inst = vtd ? "dmar0" : "smmu0";
		model = vtd ? "VT-d" : "SMMUv3";
		test_busy_dma_api();
		test_busy_other_token();
		test_bind_into_owned();
		test_claim_release_counting();
		test_attach_detach();
		test_hot_add();
		test_empty_group();
		test_close_releases();
		test_identity_default();
	}
	r = check_run(PROBELAB_CHECK_AUTO_OFF);
	pl_check_result_free(&r);
	tap_plan(tap_n);
	return lab_close();
}

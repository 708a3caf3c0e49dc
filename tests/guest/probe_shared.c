// SPDX-License-Identifier: GPL-2.0
/*
 * Guest test: IDs shared between devices (issue 11, D2-D4).
 *  - grouping is the union over every instance and every ID, with the
 *    specifiers' masks: 0x40/0x1 and 0x41 share a group (D4); a stream
 *    shared on a device's second instance joins the groups (D3); a
 *    device sharing with two groups merges them (transitive), and is
 *    refused when both are in use;
 *  - an entry several devices use (a stream named by two endpoints,
 *    functions folded by an ID-map mask, a PCIe-to-PCI bridge alias) is
 *    the group's: removing one member leaves it on the group's domain,
 *    the last one clears it (D2).
 * Under "fixed", "mainline" and (VT-d) "linux-6.1"; a stream shared on a
 * second instance and the refused merge under "fixed" only (the kernel
 * policies keep Linux's one fwspec per device and its groups).
 */
#include "probe_util.h"

/* CHECK now finds nothing (earlier steps may have found something). */
static void expect_found_none(struct __test_metadata *_metadata,
			      const char *what)
{
	struct pl_check_result r = check_run(0);

	EXPECT_EQ(0, r.found)
		TH_LOG("%s: CHECK found %u violations; first: %s", what,
		       r.found, r.nr ? r.v[0].what : "");
	pl_check_result_free(&r);
}

static void spec(struct pl_topo_builder *b, int ep, int iommu, uint32_t id,
		 uint32_t mask)
{
	if (pl_topo_add_spec(b, (unsigned int)ep, (unsigned int)iommu, id,
			     mask, "spec") < 0)
		bail("add specifier");
}

/* ---- named endpoints on two SMMUv3 instances ---------------------------- */

/* smmu-a and smmu-b registered, the checker on after every op */
static void load_named(unsigned int policy)
{
	struct pl_topo_builder *b = topo_new();
	int a = topo_smmu(b, "smmu-a", 16);
	int s = topo_smmu(b, "smmu-b", 16);
	int ep;

	spec(b, topo_endpoint(b, "m40"), a, 0x40, 0x1);
	spec(b, topo_endpoint(b, "m41"), a, 0x41, 0);
	spec(b, topo_endpoint(b, "m42"), a, 0x42, 0);
	ep = topo_endpoint(b, "xa");
	spec(b, ep, a, 0x1, 0);
	spec(b, ep, s, 0x5, 0);
	spec(b, topo_endpoint(b, "xb"), s, 0x5, 0);
	spec(b, topo_endpoint(b, "tc"), a, 0x70, 0);
	spec(b, topo_endpoint(b, "td"), a, 0x72, 0);
	ep = topo_endpoint(b, "tbr");
	spec(b, ep, a, 0x70, 0);
	spec(b, ep, a, 0x72, 0);
	spec(b, topo_endpoint(b, "s1"), a, 0x20, 0);
	spec(b, topo_endpoint(b, "s2"), a, 0x20, 0);
	spec(b, topo_endpoint(b, "be"), a, 0x100, 0);
	spec(b, topo_endpoint(b, "bf"), s, 0x101, 0);
	ep = topo_endpoint(b, "bg");
	spec(b, ep, a, 0x100, 0);
	spec(b, ep, s, 0x101, 0);
	must(topo_load(b, policy, PROBELAB_DOMAIN_DMA), "FW_LOAD");
	must(pl_iommu_register(lab, "smmu-a"), "IOMMU_REGISTER");
	must(pl_iommu_register(lab, "smmu-b"), "IOMMU_REGISTER");
}

FIXTURE(named) {};
FIXTURE_VARIANTS_POLICY(named);
LAB_SETUP_TEARDOWN(named, true, load_named(variant->policy));

/* D4: 0x40 mask 0x1 and 0x41 share a group, 0x42 does not */
TEST_F(named, masks)
{
	struct probelab_dev_info m40, m41, m42;

	m40 = dev_get(add_named("m40"));
	m41 = dev_get(add_named("m41"));
	m42 = dev_get(add_named("m42"));
	EXPECT_NE(0, m40.group_id);
	EXPECT_EQ(m40.group_id, m41.group_id);
	EXPECT_NE(0, m42.group_id);
	EXPECT_NE(m40.group_id, m42.group_id);
	expect_found_none(_metadata, "masked specifiers");
}

/*
 * tbr shares with tc and with td: a device sharing with two groups merges
 * them; the merged group stays when the device that joined it goes.
 */
TEST_F(named, merge)
{
	struct probelab_dev_info tc, td, tbr;
	unsigned int before;

	tc = dev_get(add_named("tc"));
	td = dev_get(add_named("td"));
	before = nr_groups();
	tbr = dev_get(add_named("tbr"));
	tc = dev_get(tc.dev_id);
	td = dev_get(td.dev_id);
	EXPECT_NE(0, tc.group_id);
	EXPECT_EQ(tc.group_id, td.group_id);
	EXPECT_EQ(tc.group_id, tbr.group_id);
	EXPECT_EQ(before - 1, nr_groups());
	EXPECT_EQ(3, group_get(tc.group_id).nr_devices);
	expect_found_none(_metadata, "after a merge");
	ASSERT_EQ(0, pl_dev_remove(lab, tbr.dev_id));
	tc = dev_get(tc.dev_id);
	td = dev_get(td.dev_id);
	EXPECT_NE(0, tc.group_id);
	EXPECT_EQ(tc.group_id, td.group_id);
	expect_found_none(_metadata, "after the merging device left");
}

/*
 * D2: two endpoints naming stream 0x20 share a group; the stream still
 * translates after one of them left, and aborts after the last.
 */
TEST_F(named, shared_stream)
{
	struct hw_entry e;
	uint32_t s1, s2;

	s1 = add_named("s1");
	s2 = add_named("s2");
	EXPECT_EQ(dev_get(s1).group_id, dev_get(s2).group_id);
	ASSERT_EQ(0, pl_dev_remove(lab, s1));
	e = hw_get(false, "smmu-a", 0x20);
	EXPECT_STREQ("translate", e.state);
	expect_found_none(_metadata, "one of two devices sharing a stream removed");
	ASSERT_EQ(0, pl_dev_remove(lab, s2));
	e = hw_get(false, "smmu-a", 0x20);
	EXPECT_STREQ("abort", e.state);
	expect_found_none(_metadata, "both devices sharing a stream removed");
}

/* What the kernel policies do not model: fixed only. */
FIXTURE(named_fixed) {};
LAB_SETUP_TEARDOWN(named_fixed, true, load_named(PROBELAB_POLICY_FIXED));

/* D3: smmu-a:1 + smmu-b:5 and smmu-b:5 share a group */
TEST_F(named_fixed, second_instance)
{
	struct probelab_dev_info xa, xb;

	xa = dev_get(add_named("xa"));
	xb = dev_get(add_named("xb"));
	EXPECT_NE(0, xa.group_id);
	EXPECT_EQ(xa.group_id, xb.group_id);
	expect_found_none(_metadata, "a stream shared on a second instance");
}

/*
 * A device sharing with two groups that have DMA-API drivers is refused
 * (failed, no group) and the two groups stay as they were.
 */
TEST_F(named_fixed, refused_merge)
{
	struct probelab_dev_info be, bf, bg;

	be = dev_get(add_named("be"));
	bf = dev_get(add_named("bf"));
	drv_bind(be.dev_id, PROBELAB_DRV_DMA);
	drv_bind(bf.dev_id, PROBELAB_DRV_DMA);
	bg = dev_get(add_named("bg"));
	EXPECT_EQ(PROBELAB_DEV_FAILED, bg.state);
	EXPECT_EQ(0, bg.group_id);
	EXPECT_EQ(be.group_id, dev_get(be.dev_id).group_id);
	EXPECT_EQ(bf.group_id, dev_get(bf.dev_id).group_id);
	EXPECT_NE(be.group_id, bf.group_id);
	expect_found_none(_metadata, "refused merge");
}

/* ---- PCI functions: a PCIe-to-PCI bridge alias, an ID-map mask ---------- */

/*
 * The one instance of @k, registered, behind root port 00:1c.0 (buses
 * 2-3) and PCIe-to-PCI bridge 02:00.0 (bus 3); on an SMMUv3 the ID map
 * folds the functions of a device (requester ID mask 0xfff8).
 */
static void load_pci(const struct iommu_kind *k, unsigned int policy)
{
	struct pl_topo_builder *b = topo_one_mask(k, 0xfff8);

	topo_bridge(b, 0, 0x00, 0x1c, 0, 2, 3, false);
	topo_bridge(b, 0, 0x02, 0x00, 0, 3, 3, true);
	must(topo_load(b, policy, PROBELAB_DOMAIN_DMA), "FW_LOAD");
	must(pl_iommu_register(lab, k->inst), "IOMMU_REGISTER");
}

FIXTURE(pci) {};

FIXTURE_VARIANT(pci) {
	const struct iommu_kind *iommu;
	unsigned int policy;
};

FIXTURE_VARIANT_ADD(pci, fixed_vtd) {
	.iommu = &iommu_vtd, .policy = PROBELAB_POLICY_FIXED,
};

FIXTURE_VARIANT_ADD(pci, fixed_smmuv3) {
	.iommu = &iommu_smmuv3, .policy = PROBELAB_POLICY_FIXED,
};

FIXTURE_VARIANT_ADD(pci, mainline_vtd) {
	.iommu = &iommu_vtd, .policy = PROBELAB_POLICY_MAINLINE,
};

FIXTURE_VARIANT_ADD(pci, mainline_smmuv3) {
	.iommu = &iommu_smmuv3, .policy = PROBELAB_POLICY_MAINLINE,
};

FIXTURE_VARIANT_ADD(pci, linux_6_1_vtd) {
	.iommu = &iommu_vtd, .policy = PROBELAB_POLICY_LINUX_6_1,
};

LAB_SETUP_TEARDOWN(pci, true, load_pci(variant->iommu, variant->policy));

/*
 * 03:01.0 and 03:02.0 behind the bridge (their DMA carries 03:00.0) share
 * a group; removing 03:01.0 keeps the alias's entry on the group's domain
 * and blocks its own; the alias's entry is cleared with its last user.
 */
TEST_F(pci, bridge_alias)
{
	const struct iommu_kind *k = variant->iommu;
	struct hw_entry alias, own, other;
	struct probelab_dev_info f1, f2;

	f1 = dev_get(add_pci(0, 3, 1, 0));
	f2 = dev_get(add_pci(0, 3, 2, 0));
	EXPECT_NE(0, f1.group_id);
	EXPECT_EQ(f1.group_id, f2.group_id);
	ASSERT_EQ(0, pl_dev_remove(lab, f1.dev_id));
	alias = hw_get(k->vtd, k->inst, 0x0300);
	own = hw_get(k->vtd, k->inst, 0x0308);
	other = hw_get(k->vtd, k->inst, 0x0310);
	EXPECT_STREQ(hw_want(k->vtd, PROBELAB_DOMAIN_DMA), alias.state);
	EXPECT_EQ(other.sig, alias.sig) TH_LOG("the alias's and 03:02.0's");
	EXPECT_STREQ(hw_want(k->vtd, PROBELAB_DOMAIN_BLOCKED), own.state);
	expect_found_none(_metadata, "a function sharing a bridge alias removed");
	ASSERT_EQ(0, pl_dev_remove(lab, f2.dev_id));
	alias = hw_get(k->vtd, k->inst, 0x0300);
	EXPECT_STREQ(hw_want(k->vtd, PROBELAB_DOMAIN_BLOCKED), alias.state);
}

/* Functions folded by an ID map: the SMMUv3 only (VT-d has no ID map). */
FIXTURE(fold) {};
FIXTURE_VARIANTS_POLICY(fold);
LAB_SETUP_TEARDOWN(fold, true, load_pci(&iommu_smmuv3, variant->policy));

/*
 * Requester ID mask 0xfff8: 00:02.0 and 00:02.1 both use stream 0x10 and
 * share a group; the folded stream still translates for 00:02.1 after
 * 00:02.0 left.
 */
TEST_F(fold, functions)
{
	struct probelab_dev_info g0, g1;
	struct hw_entry fold;

	g0 = dev_get(add_pci(0, 0, 2, 0));
	g1 = dev_get(add_pci(0, 0, 2, 1));
	EXPECT_NE(0, g0.group_id);
	EXPECT_EQ(g0.group_id, g1.group_id);
	ASSERT_EQ(0, pl_dev_remove(lab, g0.dev_id));
	fold = hw_get(false, iommu_smmuv3.inst, 0x10);
	EXPECT_STREQ("translate", fold.state);
	expect_found_none(_metadata, "one of two folded functions removed");
}

TEST_HARNESS_MAIN

// SPDX-License-Identifier: GPL-2.0
/*
 * Guest test (policy "fixed"): IOMMU groups from PCI DMA aliases, on a
 * VT-d DRHD and on an SMMUv3 - functions sharing an explicit alias share a
 * group, so do functions behind a PCIe-to-PCI bridge record (DMA from
 * behind it carries the bridge's requester ID), unrelated functions do
 * not; owner_cnt counts bound DMA-API drivers.
 */
#include "probe_util.h"

FIXTURE(groups) {};
FIXTURE_VARIANTS_IOMMU(groups);

/*
 * The one instance, registered, and on segment 0 root port 00:1c.0
 * (buses 2-3) with PCIe-to-PCI bridge 02:00.0 (bus 3).
 */
FIXTURE_SETUP(groups)
{
	struct pl_topo_builder *b;

	lab_setup(_metadata, false);
	b = topo_one(variant->iommu);
	topo_bridge(b, 0, 0x00, 0x1c, 0, 2, 3, false);
	topo_bridge(b, 0, 0x02, 0x00, 0, 3, 3, true);
	ASSERT_EQ(0, topo_load(b, PROBELAB_POLICY_FIXED, PROBELAB_DOMAIN_DMA));
	ASSERT_EQ(0, pl_iommu_register(lab, variant->iommu->inst));
}

FIXTURE_TEARDOWN(groups)
{
	lab_teardown(_metadata);
}

TEST_F(groups, from_aliases)
{
	struct probelab_dev_info a1, a2, b1, b2, u1, u2;

	/* two functions with the quirk alias 05:00.0 */
	a1 = dev_get(add_pci_alias(0, 5, 1, 0, 5, 0, 0));
	a2 = dev_get(add_pci_alias(0, 5, 2, 0, 5, 0, 0));
	/* two functions behind the PCIe-to-PCI bridge, no explicit alias */
	b1 = dev_get(add_pci(0, 3, 1, 0));
	b2 = dev_get(add_pci(0, 3, 2, 0));
	/* two unrelated functions */
	u1 = dev_get(add_pci(0, 0, 2, 0));
	u2 = dev_get(add_pci(0, 0, 3, 0));

	/* the two sharing the alias 05:00.0 share a group */
	EXPECT_NE(0, a1.group_id);
	EXPECT_EQ(a1.group_id, a2.group_id);
	EXPECT_EQ(2, group_get(a1.group_id).nr_devices);
	/* 03:01.0 and 03:02.0 behind the PCIe-to-PCI bridge share one */
	EXPECT_NE(0, b1.group_id);
	EXPECT_EQ(b1.group_id, b2.group_id)
		TH_LOG("ids 0x%x/%u and 0x%x/%u", b1.ids[0], b1.nr_ids,
		       b2.ids[0], b2.nr_ids);
	EXPECT_EQ(2, group_get(b1.group_id).nr_devices);
	/* unrelated functions get groups of their own */
	EXPECT_NE(0, u1.group_id);
	EXPECT_NE(0, u2.group_id);
	EXPECT_NE(u1.group_id, u2.group_id);
	EXPECT_NE(a1.group_id, u1.group_id);
	EXPECT_NE(b1.group_id, u1.group_id);
	EXPECT_NE(a1.group_id, u2.group_id);
	EXPECT_NE(b1.group_id, u2.group_id);
}

/* owner_cnt: DMA-API drivers count, probelab-user does not */
TEST_F(groups, owner_cnt)
{
	struct probelab_dev_info a1, a2;
	struct probelab_group_info g;

	a1 = dev_get(add_pci_alias(0, 5, 1, 0, 5, 0, 0));
	a2 = dev_get(add_pci_alias(0, 5, 2, 0, 5, 0, 0));
	drv_bind(a1.dev_id, PROBELAB_DRV_DMA);
	drv_bind(a2.dev_id, PROBELAB_DRV_DMA);
	g = group_get(a1.group_id);
	EXPECT_EQ(2, g.owner_cnt)
		TH_LOG("two bound DMA-API drivers make owner_cnt 2");
	EXPECT_EQ(0, g.owned);

	ASSERT_EQ(0, pl_drv_unbind(lab, a2.dev_id));
	drv_bind(a2.dev_id, PROBELAB_DRV_USER);
	g = group_get(a1.group_id);
	EXPECT_EQ(1, g.owner_cnt)
		TH_LOG("a driver_managed_dma driver does not count");
	EXPECT_EQ(PROBELAB_DRV_USER, dev_get(a2.dev_id).driver);

	ASSERT_EQ(0, pl_drv_unbind(lab, a1.dev_id));
	ASSERT_EQ(0, pl_drv_unbind(lab, a2.dev_id));
	g = group_get(a1.group_id);
	/* after both unbinds: no owner, the group on its default domain */
	EXPECT_EQ(0, g.owner_cnt);
	EXPECT_EQ(g.default_domain_id, g.domain_id);
}

TEST_HARNESS_MAIN

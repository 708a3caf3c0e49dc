// SPDX-License-Identifier: GPL-2.0
/*
 * Guest test (policy "fixed"): a device's dma_ops across deferral, bind,
 * unbind and unregistration, as debugfs devices shows their owner
 * (direct: none installed, lab: the lab's IOMMU dma_ops, driver: the
 * driver's own); a driver installing its own dma_ops is not clobbered
 * and nothing of it is left behind.
 */
#include "probe_util.h"

LAB_FIXTURE(dmaops, false);

static void load(unsigned int domain)
{
	struct pl_topo_builder *b = topo_new();
	int s = topo_smmu(b, "smmu0", 16);
	int rc = topo_rc(b, 0, 0, 0xff);

	topo_map(b, rc, s, 0, 0x100, 0x100);
	must(topo_load(b, PROBELAB_POLICY_FIXED, domain), "FW_LOAD");
}

/*
 * Bound to probelab-dma: no dma_ops while the bind is deferred, the lab's
 * once bound on a DMA domain, restored at unbind and when the instance's
 * unregistration unbinds the driver.
 */
TEST_F(dmaops, dma_driver)
{
	uint32_t id, res;
	char o[32];

	load(PROBELAB_DOMAIN_DMA);
	id = add_pci(0, 0, 1, 0);
	EXPECT_STREQ("direct", dma_ops_owner(id, o, sizeof(o)))
		TH_LOG("a new device");
	res = drv_bind(id, PROBELAB_DRV_DMA);
	EXPECT_EQ(PROBELAB_BIND_DEFERRED, res);
	EXPECT_STREQ("direct", dma_ops_owner(id, o, sizeof(o)))
		TH_LOG("after a deferred bind");
	ASSERT_EQ(0, pl_iommu_register(lab, "smmu0"));
	EXPECT_EQ(PROBELAB_DRV_DMA, dev_get(id).driver);
	EXPECT_STREQ("lab", dma_ops_owner(id, o, sizeof(o)))
		TH_LOG("bound on a DMA domain");
	ASSERT_EQ(0, pl_drv_unbind(lab, id));
	EXPECT_STREQ("direct", dma_ops_owner(id, o, sizeof(o)))
		TH_LOG("after unbind");
	drv_bind(id, PROBELAB_DRV_DMA);
	ASSERT_EQ(0, pl_iommu_unregister(lab, "smmu0"));
	EXPECT_EQ(0, dev_get(id).driver);
	EXPECT_STREQ("direct", dma_ops_owner(id, o, sizeof(o)))
		TH_LOG("after the instance's unregistration unbound it");
	EXPECT_EQ(0, stats(false).violations);
}

/*
 * probelab-ownops installs its own dma_ops: they stay while it is bound
 * (bound at once, or deferred and retriggered by the registration) and
 * the device's are restored at unbind.
 */
TEST_F(dmaops, ownops)
{
	uint32_t id, id2, res;
	char o[32];

	load(PROBELAB_DOMAIN_DMA);
	stats(true);
	ASSERT_EQ(0, pl_iommu_register(lab, "smmu0"));
	id = add_pci(0, 0, 2, 0);
	res = drv_bind(id, PROBELAB_DRV_OWNOPS);
	EXPECT_EQ(PROBELAB_BIND_BOUND, res);
	EXPECT_EQ(PROBELAB_DRV_OWNOPS, dev_get(id).driver);
	EXPECT_STREQ("driver", dma_ops_owner(id, o, sizeof(o)));
	ASSERT_EQ(0, pl_drv_unbind(lab, id));
	EXPECT_STREQ("direct", dma_ops_owner(id, o, sizeof(o)))
		TH_LOG("probelab-ownops unbound");

	/* deferred first, then retriggered by the registration */
	ASSERT_EQ(0, pl_iommu_unregister(lab, "smmu0"));
	id2 = add_pci(0, 0, 3, 0);
	res = drv_bind(id2, PROBELAB_DRV_OWNOPS);
	ASSERT_EQ(0, pl_iommu_register(lab, "smmu0"));
	EXPECT_EQ(PROBELAB_BIND_DEFERRED, res);
	EXPECT_EQ(PROBELAB_DRV_OWNOPS, dev_get(id2).driver);
	EXPECT_STREQ("driver", dma_ops_owner(id2, o, sizeof(o)))
		TH_LOG("deferred then retriggered");
	ASSERT_EQ(0, pl_drv_unbind(lab, id2));
	EXPECT_STREQ("direct", dma_ops_owner(id2, o, sizeof(o)))
		TH_LOG("deferred, retriggered, unbound");
	EXPECT_EQ(0, stats(false).violations);
}

/* An identity default domain: bound with direct DMA, no lab dma_ops. */
TEST_F(dmaops, identity)
{
	uint32_t id;
	char o[32];

	load(PROBELAB_DOMAIN_IDENTITY);
	ASSERT_EQ(0, pl_iommu_register(lab, "smmu0"));
	id = add_pci(0, 0, 4, 0);
	drv_bind(id, PROBELAB_DRV_DMA);
	EXPECT_EQ(PROBELAB_DRV_DMA, dev_get(id).driver);
	EXPECT_EQ(PROBELAB_DOMAIN_IDENTITY, dev_get(id).domain_type);
	EXPECT_STREQ("direct", dma_ops_owner(id, o, sizeof(o)));
}

TEST_HARNESS_MAIN

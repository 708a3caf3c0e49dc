// SPDX-License-Identifier: GPL-2.0
/*
 * Guest test (issue 11, D7): an instance's unregistration never releases
 * the IOMMU state of a device whose driver is still bound.  LAB_RESET
 * skips devices another DEV_REMOVE has claimed and then unregisters the
 * instances; a device whose unbind is still in progress (dma_cleanup
 * delayed) was released under its DMA-API driver: "empty group has
 * owner_cnt 1" (invariant 4), then an unbind with no group.  Under
 * "fixed" and "mainline", SMMUv3 and VT-d.
 */
#include <pthread.h>

#include "probe_util.h"

struct remover {
	uint32_t dev_id;
	int ret;
};

/* DEV_REMOVE on a handle of its own */
static void *remove_thread(void *arg)
{
	struct remover *r = arg;
	struct pl_handle *h;

	r->ret = pl_open(&h);
	if (r->ret)
		return NULL;
	r->ret = pl_dev_remove(h, r->dev_id);
	pl_close(h);
	return NULL;
}

FIXTURE(release_bound) {};

/* each model under each policy */
FIXTURE_VARIANT(release_bound) {
	const struct iommu_kind *iommu;
	unsigned int policy;
};

FIXTURE_VARIANT_ADD(release_bound, fixed_smmuv3) {
	.iommu = &iommu_smmuv3, .policy = PROBELAB_POLICY_FIXED,
};

FIXTURE_VARIANT_ADD(release_bound, fixed_vtd) {
	.iommu = &iommu_vtd, .policy = PROBELAB_POLICY_FIXED,
};

FIXTURE_VARIANT_ADD(release_bound, mainline_smmuv3) {
	.iommu = &iommu_smmuv3, .policy = PROBELAB_POLICY_MAINLINE,
};

FIXTURE_VARIANT_ADD(release_bound, mainline_vtd) {
	.iommu = &iommu_vtd, .policy = PROBELAB_POLICY_MAINLINE,
};

LAB_SETUP_TEARDOWN(release_bound, false,
		   load_one(variant->iommu, variant->policy,
			    PROBELAB_DOMAIN_DMA, true));

/*
 * LAB_RESET during a DEV_REMOVE's unbind (dma_cleanup delayed 0.8 s):
 * both succeed, no device is released under its bound driver (no
 * violation), and the lab is empty after the reset.
 */
TEST_F(release_bound, reset_during_unbind)
{
	struct probelab_inject c;
	struct remover r = { 0, 0 };
	uint64_t before;
	pthread_t t;
	int ret;

	r.dev_id = add_pci(0, 0, 2, 0);
	drv_bind(r.dev_id, PROBELAB_DRV_DMA);
	before = stats(false).violations;

	/* the unbind of DEV_REMOVE stays in dma_cleanup for 0.8 s */
	memset(&c, 0, sizeof(c));
	snprintf(c.point, sizeof(c.point), "dma_cleanup");
	c.action = PROBELAB_INJECT_DELAY;
	c.delay_us = 800000;
	c.dev_id = r.dev_id;
	ASSERT_EQ(0, pl_inject(lab, &c));
	ASSERT_EQ(0, pthread_create(&t, NULL, remove_thread, &r));
	usleep(300000);
	ret = pl_lab_reset(lab);
	pthread_join(t, NULL);

	EXPECT_EQ(0, ret) TH_LOG("LAB_RESET");
	EXPECT_EQ(0, r.ret) TH_LOG("DEV_REMOVE");
	EXPECT_EQ(before, stats(false).violations);
	EXPECT_EQ(0, nr_devices());
	EXPECT_EQ(0, nr_groups());
}

TEST_HARNESS_MAIN

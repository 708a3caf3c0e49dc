// SPDX-License-Identifier: GPL-2.0
/*
 * Guest test (policy "fixed"): the order of device add, driver bind and
 * instance registration - devices added before and after their instance,
 * deferral and its retrigger counted through STATS, unregistration while
 * bound, a device behind two instances.
 */
#include "probe_util.h"

#define SMMU_A	"smmuA"
#define SMMU_B	"smmuB"

/* smmuA: PCI bus 0 (stream ID = devfn); smmuB; "dual" behind both. */
static void load_smmu(void)
{
	struct pl_topo_builder *b = topo_new();
	int a, bb, rc, ep;

	a = topo_smmu(b, SMMU_A, 16);
	bb = topo_smmu(b, SMMU_B, 8);
	rc = topo_rc(b, 0, 0, 0xff);
	topo_map(b, rc, a, 0x0000, 0x100, 0x0);
	ep = topo_endpoint(b, "dual");
	topo_spec(b, ep, a, 0x500);
	topo_spec(b, ep, bb, 0x5);
	ep = topo_endpoint(b, "solo");
	topo_spec(b, ep, bb, 0x7);
	must(topo_load(b, PROBELAB_POLICY_FIXED, PROBELAB_DOMAIN_DMA),
	     "FW_LOAD");
}

/* smmuA and smmuB loaded, nothing registered */
FIXTURE(order) {};
LAB_SETUP_TEARDOWN(order, false, load_smmu());

/*
 * A device added before its instance waits (no group, its fwspec there)
 * and is IOMMU-probed when the instance registers; one added after is
 * probed during the add.
 */
TEST_F(order, add_order)
{
	struct probelab_dev_info d;
	uint32_t before, after;

	before = add_pci(0, 0, 1, 0);
	d = dev_get(before);
	EXPECT_EQ(PROBELAB_DEV_WAITING, d.state);
	EXPECT_EQ(0, d.group_id);
	EXPECT_EQ(1, d.nr_iommus);
	EXPECT_EQ(1, d.nr_ids);
	EXPECT_EQ(0x08, d.ids[0]);
	ASSERT_EQ(0, pl_iommu_register(lab, SMMU_A));
	d = dev_get(before);
	EXPECT_EQ(PROBELAB_DEV_PROBED, d.state);
	EXPECT_NE(0, d.group_id);
	EXPECT_EQ(PROBELAB_DOMAIN_DMA, d.domain_type);
	after = add_pci(0, 0, 2, 0);
	d = dev_get(after);
	EXPECT_EQ(PROBELAB_DEV_PROBED, d.state);
	EXPECT_NE(0, d.group_id);
	EXPECT_EQ(PROBELAB_DOMAIN_DMA, d.domain_type);
}

#define NDEV 3

/* On each model: smmuA of the two-SMMU description, or dmar0. */
FIXTURE(defer) {
	const char *inst;
};
FIXTURE_VARIANTS_IOMMU(defer);

FIXTURE_SETUP(defer)
{
	lab_setup(_metadata, false);
	if (variant->iommu->vtd) {
		load_one(variant->iommu, PROBELAB_POLICY_FIXED,
			 PROBELAB_DOMAIN_DMA, false);
		self->inst = variant->iommu->inst;
	} else {
		load_smmu();
		self->inst = SMMU_A;
	}
}

FIXTURE_TEARDOWN(defer)
{
	lab_teardown(_metadata);
}

/*
 * Binds before the instance registers are deferred, the devices stay
 * unbound and waiting; the registration retriggers and binds every one:
 * exactly one deferral, one retrigger, one IOMMU probe and two bind
 * attempts per device.  Unregistering while bound unbinds them, frees
 * their groups and takes them back to waiting; registering again rebinds
 * them.
 */
TEST_F(defer, retrigger)
{
	const char *inst = self->inst;
	struct probelab_stats st;
	uint32_t id[NDEV], res[NDEV];
	unsigned int i, ok;

	for (i = 0; i < NDEV; i++)
		id[i] = add_pci(0, 0, 4 + i, 0);
	for (i = 0, ok = 0; i < NDEV; i++) {
		res[i] = drv_bind(id[i], PROBELAB_DRV_DMA);
		ok += res[i] == PROBELAB_BIND_DEFERRED;
	}
	EXPECT_EQ(NDEV, ok) TH_LOG("binds deferred");
	for (i = 0, ok = 0; i < NDEV; i++) {
		struct probelab_dev_info d = dev_get(id[i]);

		ok += !d.driver && d.state == PROBELAB_DEV_WAITING;
	}
	EXPECT_EQ(NDEV, ok) TH_LOG("deferred devices unbound and waiting");
	ASSERT_EQ(0, pl_iommu_register(lab, inst));
	for (i = 0, ok = 0; i < NDEV; i++) {
		struct probelab_dev_info d = dev_get(id[i]);

		ok += d.driver == PROBELAB_DRV_DMA &&
		      d.state == PROBELAB_DEV_PROBED;
	}
	EXPECT_EQ(NDEV, ok) TH_LOG("retriggered and bound by the registration");
	st = stats(false);
	EXPECT_EQ(NDEV, st.deferrals);
	EXPECT_EQ(NDEV, st.retriggers);
	EXPECT_EQ(2 * NDEV, st.bind_attempts);
	EXPECT_EQ(NDEV, st.iommu_probes);
	EXPECT_EQ(0, st.violations);

	/* unregister while bound: unbound, back to waiting; re-register rebinds */
	stats(true);
	ASSERT_EQ(0, pl_iommu_unregister(lab, inst));
	for (i = 0, ok = 0; i < NDEV; i++) {
		struct probelab_dev_info d = dev_get(id[i]);

		ok += !d.driver && d.state == PROBELAB_DEV_WAITING &&
		      !d.group_id && !d.domain_id;
	}
	EXPECT_EQ(NDEV, ok)
		TH_LOG("unbound, waiting without group after the unregistration");
	st = stats(false);
	EXPECT_FALSE(iommu_get(inst).registered);
	EXPECT_EQ(0, nr_groups());
	EXPECT_EQ(NDEV, st.releases);
	ASSERT_EQ(0, pl_iommu_register(lab, inst));
	for (i = 0, ok = 0; i < NDEV; i++) {
		struct probelab_dev_info d = dev_get(id[i]);

		ok += d.driver == PROBELAB_DRV_DMA &&
		      d.state == PROBELAB_DEV_PROBED && d.group_id;
	}
	st = stats(false);
	EXPECT_EQ(NDEV, ok) TH_LOG("rebound by the second registration");
	EXPECT_EQ(NDEV, st.retriggers);
	EXPECT_EQ(NDEV, st.iommu_probes);
	EXPECT_EQ(0, st.violations);
}

/* "dual" behind smmuA and smmuB, registered in either order */
FIXTURE(two_instances) {};

FIXTURE_VARIANT(two_instances) {
	const char *first, *second;
};

FIXTURE_VARIANT_ADD(two_instances, a_first) {
	.first = SMMU_A, .second = SMMU_B,
};

FIXTURE_VARIANT_ADD(two_instances, b_first) {
	.first = SMMU_B, .second = SMMU_A,
};

LAB_SETUP_TEARDOWN(two_instances, false, load_smmu());

/*
 * Neither probed nor bound while the second instance is missing; probed
 * once and bound after it registered (one deferral, one retrigger).
 */
TEST_F(two_instances, probed_once)
{
	struct probelab_stats st;
	struct probelab_dev_info d;
	uint32_t id, res;

	id = add_named("dual");
	res = drv_bind(id, PROBELAB_DRV_DMA);
	ASSERT_EQ(0, pl_iommu_register(lab, variant->first));
	d = dev_get(id);
	EXPECT_EQ(PROBELAB_BIND_DEFERRED, res);
	EXPECT_EQ(PROBELAB_DEV_WAITING, d.state);
	EXPECT_EQ(0, d.driver);
	EXPECT_EQ(0, d.group_id);
	EXPECT_EQ(2, d.nr_iommus);
	ASSERT_EQ(0, pl_iommu_register(lab, variant->second));
	d = dev_get(id);
	st = stats(false);
	EXPECT_EQ(PROBELAB_DEV_PROBED, d.state);
	EXPECT_EQ(PROBELAB_DRV_DMA, d.driver);
	EXPECT_NE(0, d.group_id);
	EXPECT_EQ(1, st.iommu_probes);
	EXPECT_EQ(1, st.deferrals);
	EXPECT_EQ(1, st.retriggers);
}

/* QUERY iommus: nr_waiting counts the devices waiting for that instance. */
TEST_F(order, waiting_counts)
{
	add_pci(0, 0, 1, 0);	/* smmuA */
	add_named("solo");	/* smmuB */
	add_named("dual");	/* both */
	add_pci(0, 5, 0, 0);	/* no IOMMU (bus 5 has no map) */
	EXPECT_EQ(2, iommu_get(SMMU_A).nr_waiting);
	EXPECT_EQ(2, iommu_get(SMMU_B).nr_waiting);
}

/*
 * A second DRV_BIND of a bound device fails with EBUSY and changes
 * nothing: the refused request does not become the driver a rebind uses;
 * unbound, the group's owner_cnt is 0.
 */
TEST_F(order, bind_bound)
{
	struct probelab_dev_info d;
	uint32_t id;

	ASSERT_EQ(0, pl_iommu_register(lab, SMMU_A));
	id = add_pci(0, 0, 3, 0);
	drv_bind(id, PROBELAB_DRV_DMA);
	EXPECT_EQ(-EBUSY, pl_drv_bind(lab, id, PROBELAB_DRV_USER, NULL));
	EXPECT_EQ(PROBELAB_DRV_DMA, dev_get(id).driver);
	ASSERT_EQ(0, pl_iommu_unregister(lab, SMMU_A));
	ASSERT_EQ(0, pl_iommu_register(lab, SMMU_A));
	d = dev_get(id);
	EXPECT_EQ(PROBELAB_DRV_DMA, d.driver) TH_LOG("the driver after a rebind");
	ASSERT_EQ(0, pl_drv_unbind(lab, id));
	EXPECT_EQ(0, group_get(d.group_id).owner_cnt);
}

TEST_HARNESS_MAIN

// SPDX-License-Identifier: GPL-2.0
/*
 * Guest test: the bare lab (FW_LOAD's PROBELAB_FW_LOAD_BARE), the
 * baseline of `probelab bench cycle`.  Unknown FW_LOAD flags are refused
 * with EINVAL and a kernel log line; a bare lab's devices, under every
 * policy and on both models, get no IOMMU state (no fwspec, no group, no
 * IOMMU probe, dma-direct) and still bind and unbind through the driver
 * core; what needs the layer (IOMMU_REGISTER, RACE, platform dma_ops) is
 * refused; the next FW_LOAD without the flag brings the layer back.
 */
#include <fcntl.h>

#include "probe_util.h"

LAB_FIXTURE(bare, true);
FIXTURE_VARIANTS_IOMMU(bare);

static const unsigned int policies[] = {
	PROBELAB_POLICY_FIXED, PROBELAB_POLICY_LINUX_6_1,
	PROBELAB_POLICY_MAINLINE,
};

/* FW_LOAD of the variant's one-instance description with @flags. */
static int load_flags(const struct iommu_kind *k, unsigned int policy,
		      uint32_t flags)
{
	size_t len;
	void *blob;
	int ret;

	topo_finish(topo_one(k), &blob, &len);
	ret = pl_fw_load_flags(lab, blob, len, policy, PROBELAB_DOMAIN_DMA,
			       flags, NULL);
	free(blob);
	return ret;
}

/* An unknown flag, alone or beside BARE: EINVAL, logged, nothing loaded. */
TEST_F(bare, unknown_flags_refused)
{
	static const uint32_t bad[] = {
		0x2, PROBELAB_FW_LOAD_BARE | 0x2, 0x80000000u,
		PROBELAB_FW_LOAD_BARE | 0x80000000u,
	};
	uint32_t id;
	int fd;

	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
		char line[64];

		snprintf(line, sizeof(line), "FW_LOAD: unknown flags 0x%x",
			 bad[i] & ~(uint32_t)PROBELAB_FW_LOAD_BARE);
		fd = kmsg_open();
		EXPECT_EQ(-EINVAL, load_flags(variant->iommu,
					      PROBELAB_POLICY_FIXED, bad[i]))
			TH_LOG("flags 0x%x", bad[i]);
		EXPECT_TRUE(kmsg_seen(fd, line))
			TH_LOG("no kernel log line '%s'", line);
	}
	/* nothing was loaded */
	EXPECT_EQ(-ENODATA, pl_dev_add_pci(lab, 0, 0, 8, NULL, 0, &id));
}

/*
 * Under every policy: the flag is accepted (and logged), the device has
 * no IOMMU state and binds with dma-direct through the driver core; the
 * layer's counters stay at zero but for the bind attempt.
 */
TEST_F(bare, no_iommu_state_and_binds)
{
	for (unsigned int p = 0; p < ARRAY_SIZE(policies); p++) {
		struct probelab_dev_info d;
		struct probelab_stats st;
		uint32_t id, named;
		char o[32], key[16];
		int fd;

		ASSERT_EQ(0, pl_lab_reset(lab));
		stats(true);
		fd = kmsg_open();
		ASSERT_EQ(0, load_flags(variant->iommu, policies[p],
					PROBELAB_FW_LOAD_BARE))
			TH_LOG("policy %s", pl_policy_name(policies[p]));
		EXPECT_TRUE(kmsg_seen(fd, "bare (no IOMMU layer)"))
			TH_LOG("policy %s: no log line of the bare load",
			       pl_policy_name(policies[p]));

		id = add_pci(0, 0, 2, 0);
		/* a named device the description does not know: no xlate */
		named = add_named("bare-ep");
		d = dev_get(id);
		EXPECT_EQ(PROBELAB_DEV_BARE, d.state);
		EXPECT_EQ(0, d.group_id);
		EXPECT_EQ(0, d.nr_iommus);
		EXPECT_EQ(0, d.nr_ids);
		EXPECT_EQ(0, d.domain_id);
		EXPECT_EQ(PROBELAB_DEV_BARE, dev_get(named).state);
		snprintf(key, sizeof(key), "%u", id);
		EXPECT_STREQ("bare", debugfs_field(DEBUGFS "/devices", key, 2,
						   o, sizeof(o)));

		EXPECT_EQ(PROBELAB_BIND_BOUND, drv_bind(id, PROBELAB_DRV_DMA));
		EXPECT_EQ(PROBELAB_BIND_BOUND, drv_bind(named, PROBELAB_DRV_DMA));
		d = dev_get(id);
		EXPECT_EQ(PROBELAB_DRV_DMA, d.driver);
		EXPECT_EQ(0, d.group_id);
		EXPECT_STREQ("direct", dma_ops_owner(id, o, sizeof(o)))
			TH_LOG("policy %s: a bare device maps through dma-direct",
			       pl_policy_name(policies[p]));
		EXPECT_EQ(0, nr_groups());

		ASSERT_EQ(0, pl_drv_unbind(lab, id));
		EXPECT_EQ(0, dev_get(id).driver);
		ASSERT_EQ(0, pl_dev_remove(lab, id));
		ASSERT_EQ(0, pl_dev_remove(lab, named));

		st = stats(false);
		EXPECT_EQ(0, st.iommu_probes);
		EXPECT_EQ(0, st.fwspec_allocs);
		EXPECT_EQ(0, st.fwspec_frees);
		EXPECT_EQ(0, st.releases);
		EXPECT_EQ(0, st.deferrals);
		EXPECT_EQ(2, st.bind_attempts);
		EXPECT_EQ(0, st.violations);
		expect_check_clean(_metadata, "bare lab");
	}
}

/* What needs the layer is refused in a bare lab, with a log line. */
TEST_F(bare, layer_ops_refused)
{
	struct probelab_race rc;
	uint32_t id, other;
	int fd;

	ASSERT_EQ(0, load_flags(variant->iommu, PROBELAB_POLICY_FIXED,
				PROBELAB_FW_LOAD_BARE));
	fd = kmsg_open();
	EXPECT_EQ(-EINVAL, pl_iommu_register(lab, variant->iommu->inst));
	EXPECT_TRUE(kmsg_seen(fd, "IOMMU_REGISTER: a bare lab"));
	EXPECT_EQ(0, iommu_get(variant->iommu->inst).registered);

	fd = kmsg_open();
	EXPECT_EQ(-EINVAL, pl_dev_add_named_flags(lab, "bare-ops",
						  PROBELAB_DEV_ADD_PLATFORM_OPS,
						  &other));
	EXPECT_TRUE(kmsg_seen(fd, "DEV_ADD: PLATFORM_OPS in a bare lab"));

	id = add_pci(0, 0, 3, 0);
	memset(&rc, 0, sizeof(rc));
	rc.size = sizeof(rc);
	rc.op = PROBELAB_OP_RACE;
	rc.actor = PROBELAB_RACE_OF_CONFIGURE;
	rc.dev_id = id;
	rc.threads = 1;
	rc.duration_ms = 10;
	fd = kmsg_open();
	EXPECT_EQ(-EINVAL, pl_cmd(lab, &rc));
	EXPECT_TRUE(kmsg_seen(fd, "RACE: a bare lab"));
	EXPECT_EQ(1, nr_devices());
}

/* The next FW_LOAD without the flag: the layer probes devices again. */
TEST_F(bare, next_load_ends_it)
{
	struct probelab_dev_info d;
	uint32_t id;

	ASSERT_EQ(0, load_flags(variant->iommu, PROBELAB_POLICY_FIXED,
				PROBELAB_FW_LOAD_BARE));
	id = add_pci(0, 0, 4, 0);
	EXPECT_EQ(PROBELAB_DEV_BARE, dev_get(id).state);
	/* refused while a device exists, as every FW_LOAD */
	EXPECT_EQ(-EBUSY, load_flags(variant->iommu, PROBELAB_POLICY_FIXED, 0));
	ASSERT_EQ(0, pl_dev_remove(lab, id));

	ASSERT_EQ(0, load_flags(variant->iommu, PROBELAB_POLICY_FIXED, 0));
	ASSERT_EQ(0, pl_iommu_register(lab, variant->iommu->inst));
	id = add_pci(0, 0, 4, 0);
	d = dev_get(id);
	EXPECT_EQ(PROBELAB_DEV_PROBED, d.state);
	EXPECT_NE(0, d.group_id);
	EXPECT_EQ(1, d.nr_iommus);
	EXPECT_EQ(PROBELAB_BIND_BOUND, drv_bind(id, PROBELAB_DRV_DMA));
	EXPECT_EQ(1, stats(false).iommu_probes);
}

TEST_HARNESS_MAIN

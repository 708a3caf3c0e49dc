// SPDX-License-Identifier: GPL-2.0
/*
 * Guest test (policy "fixed"): the hardware models after the IOMMU probe,
 * as debugfs iommus/<name>/ste and /context show them - an SMMUv3 STE
 * translates for a DMA default domain and bypasses for identity; a VT-d
 * context entry is second-level / pass-through; releasing the device
 * blocks it again (abort STE, no context entry).
 */
#include "probe_util.h"

FIXTURE(hw) {};

/* each model with each default domain type */
FIXTURE_VARIANT(hw) {
	const struct iommu_kind *iommu;
	unsigned int domain;
};

FIXTURE_VARIANT_ADD(hw, smmuv3_dma) {
	.iommu = &iommu_smmuv3, .domain = PROBELAB_DOMAIN_DMA,
};

FIXTURE_VARIANT_ADD(hw, smmuv3_identity) {
	.iommu = &iommu_smmuv3, .domain = PROBELAB_DOMAIN_IDENTITY,
};

FIXTURE_VARIANT_ADD(hw, vtd_dma) {
	.iommu = &iommu_vtd, .domain = PROBELAB_DOMAIN_DMA,
};

FIXTURE_VARIANT_ADD(hw, vtd_identity) {
	.iommu = &iommu_vtd, .domain = PROBELAB_DOMAIN_IDENTITY,
};

/* the instance loaded, not registered */
LAB_SETUP_TEARDOWN(hw, false,
		   load_one(variant->iommu, PROBELAB_POLICY_FIXED,
			    variant->domain, false));

/* Config (STE) or translation type (context) of one entry, "" if absent */
static const char *entry(const struct iommu_kind *k, unsigned int id,
			 char *out, size_t len)
{
	char path[128], key[32];

	if (k->vtd) {
		snprintf(path, sizeof(path), DEBUGFS "/iommus/%s/context",
			 k->inst);
		snprintf(key, sizeof(key), "%02x:%02x.%u", id >> 8,
			 (id >> 3) & 0x1f, id & 7);
	} else {
		snprintf(path, sizeof(path), DEBUGFS "/iommus/%s/ste", k->inst);
		snprintf(key, sizeof(key), "0x%x", id);
	}
	return debugfs_field(path, key, 1, out, len);
}

/* The entry the default domain gives: translate/bypass, second-level/pass-through. */
static const char *want(const FIXTURE_VARIANT(hw) *v)
{
	return hw_want(v->iommu->vtd, v->domain);
}

/*
 * A device probed in the default domain (requester ID 0x0010): its entry
 * is what the domain type gives; before the probe there is none (VT-d)
 * or an aborting one (SMMUv3).
 */
TEST_F(hw, probed)
{
	char e1[32], e2[32];
	uint32_t id;

	id = add_pci(0, 0, 2, 0);
	entry(variant->iommu, 0x10, e1, sizeof(e1));
	ASSERT_EQ(0, pl_iommu_register(lab, variant->iommu->inst));
	entry(variant->iommu, 0x10, e2, sizeof(e2));
	/* (an SMMUv3 STE never written shows no line) */
	EXPECT_STREQ(variant->iommu->vtd || !e1[0] ? "" : "abort", e1)
		TH_LOG("the entry before the probe");
	EXPECT_STREQ(want(variant), e2);
	EXPECT_EQ(variant->domain, dev_get(id).domain_type);
	EXPECT_EQ(0, stats(false).violations);
}

/* A function with a DMA alias: every ID it uses gets the entry. */
TEST_F(hw, alias)
{
	uint16_t alias = 0x0300;
	char e1[32], e2[32];
	uint32_t id;

	ASSERT_EQ(0, pl_iommu_register(lab, variant->iommu->inst));
	/* 03:01.0 and its alias 03:00.0 */
	ASSERT_EQ(0, pl_dev_add_pci(lab, 0, 3, 1 << 3, &alias, 1, &id));
	EXPECT_STREQ(want(variant),
		     entry(variant->iommu, 0x0308, e1, sizeof(e1)));
	EXPECT_STREQ(want(variant),
		     entry(variant->iommu, 0x0300, e2, sizeof(e2)));
	EXPECT_EQ(0, stats(false).violations);
}

/*
 * The instance's unregistration releases a bound device: its entry
 * blocks again (VT-d: no context entry, SMMUv3: an aborting STE).
 */
TEST_F(hw, released)
{
	char e[32];
	uint32_t id;

	ASSERT_EQ(0, pl_iommu_register(lab, variant->iommu->inst));
	id = add_pci(0, 0, 2, 0);
	drv_bind(id, PROBELAB_DRV_DMA);
	ASSERT_EQ(0, pl_iommu_unregister(lab, variant->iommu->inst));
	EXPECT_STREQ(variant->iommu->vtd ? "" : "abort",
		     entry(variant->iommu, 0x10, e, sizeof(e)));
	EXPECT_EQ(0, stats(false).violations);
}

TEST_HARNESS_MAIN

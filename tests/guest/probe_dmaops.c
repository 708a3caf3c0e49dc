// SPDX-License-Identifier: GPL-2.0
/*
 * Guest test (policy "fixed"): a device's dma_ops across deferral, bind,
 * unbind and unregistration, as debugfs devices shows their owner
 * (direct: none installed, lab: the lab's IOMMU dma_ops, driver: the
 * driver's own); a driver installing its own dma_ops is not clobbered
 * and nothing of it is left behind.  TAP output.
 */
#include "probe_util_tap.h"

static void load(unsigned int domain)
{
	struct pl_topo_builder *b = topo_new();
	int s = topo_smmu(b, "smmu0", 16);
	int rc = topo_rc(b, 0, 0, 0xff);

	topo_map(b, rc, s, 0, 0x100, 0x100);
	must(topo_load(b, PROBELAB_POLICY_FIXED, domain), "FW_LOAD");
}

static bool owner_is(uint32_t id, const char *want, char *got, size_t len)
{
	return !strcmp(dma_ops_owner(id, got, len), want);
}

static void test_dma_driver(void)
{
	char o1[32], o2[32], o3[32], o4[32], o5[32];
	uint32_t id, res;

	must(pl_lab_reset(lab), "LAB_RESET");
	load(PROBELAB_DOMAIN_DMA);
	id = add_pci(0, 0, 1, 0);
	tap_ok(owner_is(id, "direct", o1, sizeof(o1)),
	       "a new device has no dma_ops (debugfs: %s)", o1);
	res = drv_bind(id, PROBELAB_DRV_DMA);
	tap_ok(res == PROBELAB_BIND_DEFERRED && owner_is(id, "direct", o2, sizeof(o2)),
	       "after a deferred bind the dma_ops are what they were (bind %u, debugfs: %s)",
	       res, o2);
	must(pl_iommu_register(lab, "smmu0"), "IOMMU_REGISTER");
	tap_ok(dev_get(id).driver == PROBELAB_DRV_DMA &&
	       owner_is(id, "lab", o3, sizeof(o3)),
	       "bound to probelab-dma on a DMA domain: the lab's dma_ops (debugfs: %s)",
	       o3);
	must(pl_drv_unbind(lab, id), "DRV_UNBIND");
	tap_ok(owner_is(id, "direct", o4, sizeof(o4)),
	       "after unbind the dma_ops are restored (debugfs: %s)", o4);
	drv_bind(id, PROBELAB_DRV_DMA);
	must(pl_iommu_unregister(lab, "smmu0"), "IOMMU_UNREGISTER");
	tap_ok(!dev_get(id).driver && owner_is(id, "direct", o5, sizeof(o5)),
	       "after the instance's unregistration unbound it the dma_ops are restored (debugfs: %s)",
	       o5);
	tap_ok(stats(false).violations == 0, "no violation reported");
}

static void test_ownops(void)
{
	char o1[32], o2[32], o3[32], o4[32];
	uint32_t id, id2, res;

	must(pl_lab_reset(lab), "LAB_RESET");
	load(PROBELAB_DOMAIN_DMA);
	stats(true);
	must(pl_iommu_register(lab, "smmu0"), "IOMMU_REGISTER");
	id = add_pci(0, 0, 2, 0);
	res = drv_bind(id, PROBELAB_DRV_OWNOPS);
	tap_ok(res == PROBELAB_BIND_BOUND &&
	       dev_get(id).driver == PROBELAB_DRV_OWNOPS &&
	       owner_is(id, "driver", o1, sizeof(o1)),
	       "probelab-ownops bound: its own dma_ops stay installed (bind %u, debugfs: %s)",
	       res, o1);
	must(pl_drv_unbind(lab, id), "DRV_UNBIND");
	tap_ok(owner_is(id, "direct", o2, sizeof(o2)),
	       "probelab-ownops unbound: the dma_ops are restored (debugfs: %s)",
	       o2);

	/* deferred first, then retriggered by the registration */
	must(pl_iommu_unregister(lab, "smmu0"), "IOMMU_UNREGISTER");
	id2 = add_pci(0, 0, 3, 0);
	res = drv_bind(id2, PROBELAB_DRV_OWNOPS);
	must(pl_iommu_register(lab, "smmu0"), "IOMMU_REGISTER");
	tap_ok(res == PROBELAB_BIND_DEFERRED &&
	       dev_get(id2).driver == PROBELAB_DRV_OWNOPS &&
	       owner_is(id2, "driver", o3, sizeof(o3)),
	       "probelab-ownops deferred then retriggered: its own dma_ops (bind %u, debugfs: %s)",
	       res, o3);
	must(pl_drv_unbind(lab, id2), "DRV_UNBIND");
	tap_ok(owner_is(id2, "direct", o4, sizeof(o4)) &&
	       stats(false).violations == 0,
	       "and restored at unbind, with no violation (debugfs: %s)", o4);
}

static void test_identity(void)
{
	char o1[32];
	uint32_t id;

	must(pl_lab_reset(lab), "LAB_RESET");
	load(PROBELAB_DOMAIN_IDENTITY);
	must(pl_iommu_register(lab, "smmu0"), "IOMMU_REGISTER");
	id = add_pci(0, 0, 4, 0);
	drv_bind(id, PROBELAB_DRV_DMA);
	tap_ok(dev_get(id).driver == PROBELAB_DRV_DMA &&
	       dev_get(id).domain_type == PROBELAB_DOMAIN_IDENTITY &&
	       owner_is(id, "direct", o1, sizeof(o1)),
	       "identity default domain: bound with direct DMA, no lab dma_ops (debugfs: %s)",
	       o1);
}

int main(void)
{
	lab_open();
	test_dma_driver();
	test_ownops();
	test_identity();
	tap_plan(tap_n);
	return lab_close();
}

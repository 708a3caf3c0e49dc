// SPDX-License-Identifier: GPL-2.0
/*
 * Guest test (policy "fixed"): IOMMU groups from PCI DMA aliases, on a
 * VT-d DRHD and on an SMMUv3 - functions sharing an explicit alias share a
 * group, so do functions behind a PCIe-to-PCI bridge record (DMA from
 * behind it carries the bridge's requester ID), unrelated functions do
 * not; owner_cnt counts bound DMA-API drivers.  TAP output.
 */
#include "probe_util_tap.h"

/*
 * Segment 0: root port 00:1c.0 (buses 2-3), PCIe-to-PCI bridge 02:00.0
 * (bus 3).  VT-d: one INCLUDE_PCI_ALL DRHD; SMMUv3: stream ID = RID.
 */
static const char *load(bool vtd)
{
	struct pl_topo_builder *b = topo_new();

	if (vtd) {
		topo_vtd(b, "dmar0", 0, true);
	} else {
		int s = topo_smmu(b, "smmu0", 16);
		int rc = topo_rc(b, 0, 0, 0xff);

		topo_map(b, rc, s, 0, 0x10000, 0);
	}
	topo_bridge(b, 0, 0x00, 0x1c, 0, 2, 3, false);
	topo_bridge(b, 0, 0x02, 0x00, 0, 3, 3, true);
	must(topo_load(b, PROBELAB_POLICY_FIXED, PROBELAB_DOMAIN_DMA),
	     "FW_LOAD");
	return vtd ? "dmar0" : "smmu0";
}

static void test_model(bool vtd)
{
	const char *m = vtd ? "VT-d" : "SMMUv3";
	struct probelab_dev_info a1, a2, b1, b2, u1, u2;
	struct probelab_group_info g;
	const char *inst;

	must(pl_lab_reset(lab), "LAB_RESET");
	inst = load(vtd);
	must(pl_iommu_register(lab, inst), "IOMMU_REGISTER");
	/* two functions with the quirk alias 05:00.0 */
	a1 = dev_get(add_pci_alias(0, 5, 1, 0, 5, 0, 0));
	a2 = dev_get(add_pci_alias(0, 5, 2, 0, 5, 0, 0));
	/* two functions behind the PCIe-to-PCI bridge, no explicit alias */
	b1 = dev_get(add_pci(0, 3, 1, 0));
	b2 = dev_get(add_pci(0, 3, 2, 0));
	/* two unrelated functions */
	u1 = dev_get(add_pci(0, 0, 2, 0));
	u2 = dev_get(add_pci(0, 0, 3, 0));

	g = group_get(a1.group_id);
	tap_ok(a1.group_id && a1.group_id == a2.group_id && g.nr_devices == 2,
	       "%s: two functions sharing the alias 05:00.0 share a group (groups %u and %u, %u members)",
	       m, a1.group_id, a2.group_id, g.nr_devices);
	g = group_get(b1.group_id);
	tap_ok(b1.group_id && b1.group_id == b2.group_id && g.nr_devices == 2,
	       "%s: 03:01.0 and 03:02.0 behind the PCIe-to-PCI bridge share a group (groups %u and %u, ids 0x%x/%u and 0x%x/%u)",
	       m, b1.group_id, b2.group_id, b1.ids[0], b1.nr_ids,
	       b2.ids[0], b2.nr_ids);
	tap_ok(u1.group_id && u2.group_id && u1.group_id != u2.group_id &&
	       u1.group_id != a1.group_id && u1.group_id != b1.group_id &&
	       u2.group_id != a1.group_id && u2.group_id != b1.group_id,
	       "%s: unrelated functions get groups of their own (00:02.0 in %u, 00:03.0 in %u)",
	       m, u1.group_id, u2.group_id);

	/* owner_cnt: DMA-API drivers count, probelab-user does not */
	drv_bind(a1.dev_id, PROBELAB_DRV_DMA);
	drv_bind(a2.dev_id, PROBELAB_DRV_DMA);
	g = group_get(a1.group_id);
	tap_ok(g.owner_cnt == 2 && !g.owned,
	       "%s: two bound DMA-API drivers make owner_cnt 2 (%u)", m,
	       g.owner_cnt);
	must(pl_drv_unbind(lab, a2.dev_id), "DRV_UNBIND");
	drv_bind(a2.dev_id, PROBELAB_DRV_USER);
	g = group_get(a1.group_id);
	tap_ok(g.owner_cnt == 1 && dev_get(a2.dev_id).driver == PROBELAB_DRV_USER,
	       "%s: a driver_managed_dma driver does not count (owner_cnt %u)",
	       m, g.owner_cnt);
	must(pl_drv_unbind(lab, a1.dev_id), "DRV_UNBIND");
	must(pl_drv_unbind(lab, a2.dev_id), "DRV_UNBIND");
	g = group_get(a1.group_id);
	tap_ok(g.owner_cnt == 0 && g.domain_id == g.default_domain_id,
	       "%s: after both unbinds owner_cnt is 0 and the group is on its default domain (%u, domain %u/%u)",
	       m, g.owner_cnt, g.domain_id, g.default_domain_id);
}

int main(void)
{
	lab_open();
	test_model(true);
	test_model(false);
	tap_plan(tap_n);
	return lab_close();
}

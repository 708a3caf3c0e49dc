// SPDX-License-Identifier: GPL-2.0
/*
 * Guest test (policy "fixed"): the hardware models after the IOMMU probe,
 * as debugfs iommus/<name>/ste and /context show them - an SMMUv3 STE
 * translates for a DMA default domain and bypasses for identity; a VT-d
 * context entry is second-level / pass-through; releasing the device
 * blocks it again (abort STE, no context entry).  TAP output.
 */
#include "probe_util_tap.h"

static void load(bool vtd, unsigned int domain)
{
	struct pl_topo_builder *b = topo_new();

	if (vtd) {
		topo_vtd(b, "dmar0", 0, true);
	} else {
		int s = topo_smmu(b, "smmu0", 16);
		int rc = topo_rc(b, 0, 0, 0xff);

		topo_map(b, rc, s, 0, 0x10000, 0);
	}
	must(topo_load(b, PROBELAB_POLICY_FIXED, domain), "FW_LOAD");
}

/* Config (STE) or translation type (context) of one entry, "" if absent */
static const char *entry(bool vtd, unsigned int id, char *out, size_t len)
{
	char key[32];

	if (vtd) {
		snprintf(key, sizeof(key), "%02x:%02x.%u", id >> 8,
			 (id >> 3) & 0x1f, id & 7);
		return debugfs_field(DEBUGFS "/iommus/dmar0/context", key, 1,
				     out, len);
	}
	snprintf(key, sizeof(key), "0x%x", id);
	return debugfs_field(DEBUGFS "/iommus/smmu0/ste", key, 1, out, len);
}

static void test(bool vtd, unsigned int domain)
{
	const char *m = vtd ? "VT-d context" : "SMMUv3 STE";
	const char *want = vtd ? (domain == PROBELAB_DOMAIN_DMA ?
				  "second-level" : "pass-through") :
			   (domain == PROBELAB_DOMAIN_DMA ? "translate" :
			    "bypass");
	const char *dname = domain == PROBELAB_DOMAIN_DMA ? "DMA" : "identity";
	char e1[32], e2[32], e3[32], e4[32], e5[32];
	uint16_t alias = 0x0300;
	uint32_t id, id2;

	must(pl_lab_reset(lab), "LAB_RESET");
	load(vtd, domain);
	id = add_pci(0, 0, 2, 0);	/* requester ID 0x0010 */
	entry(vtd, 0x10, e1, sizeof(e1));
	must(pl_iommu_register(lab, vtd ? "dmar0" : "smmu0"), "IOMMU_REGISTER");
	entry(vtd, 0x10, e2, sizeof(e2));
	tap_ok(!strcmp(e2, want) && dev_get(id).domain_type == domain &&
	       (vtd ? !e1[0] : !e1[0] || !strcmp(e1, "abort")),
	       "%s of a device probed in a %s default domain: %s (before the probe: '%s', after: '%s')",
	       m, dname, want, e1, e2);
	/* a function with an alias: every ID it uses gets the entry */
	must(pl_dev_add_pci(lab, 0, 3, 1 << 3, &alias, 1, &id2), "DEV_ADD");
	entry(vtd, 0x0308, e3, sizeof(e3));
	entry(vtd, 0x0300, e4, sizeof(e4));
	tap_ok(!strcmp(e3, want) && !strcmp(e4, want),
	       "%s of a function and of its DMA alias: %s (03:01.0 '%s', alias 03:00.0 '%s')",
	       m, want, e3, e4);
	drv_bind(id, PROBELAB_DRV_DMA);
	must(pl_iommu_unregister(lab, vtd ? "dmar0" : "smmu0"),
	     "IOMMU_UNREGISTER");
	entry(vtd, 0x10, e5, sizeof(e5));
	tap_ok(vtd ? !e5[0] : !strcmp(e5, "abort"),
	       "%s after the instance released the device: %s ('%s')", m,
	       vtd ? "absent" : "abort", e5);
}

int main(void)
{
	lab_open();
	test(false, PROBELAB_DOMAIN_DMA);
	test(false, PROBELAB_DOMAIN_IDENTITY);
	test(true, PROBELAB_DOMAIN_DMA);
	test(true, PROBELAB_DOMAIN_IDENTITY);
	tap_ok(stats(false).violations == 0, "no violation reported");
	tap_plan(tap_n);
	return lab_close();
}

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
 * Under "fixed", "mainline" and (VT-d) "linux-6.1".  TAP output.
 */
#include "probe_util_tap.h"

static const char *pol_name(unsigned int policy)
{
	return policy == PROBELAB_POLICY_FIXED ? "fixed" :
	       policy == PROBELAB_POLICY_MAINLINE ? "mainline" : "linux-6.1";
}

/* CHECK now finds nothing (earlier steps may have found something). */
static void clean(const char *pol, const char *what)
{
	struct pl_check_result r = check_run(0);

	tap_ok(r.found == 0, "%s: %s: CHECK finds no violation (found %u)%s%s",
	       pol, what, r.found, r.nr ? ": first: " : "",
	       r.nr ? r.v[0].what : "");
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
}

static void test_named(unsigned int policy)
{
	const char *pol = pol_name(policy);
	struct probelab_dev_info m40, m41, m42, xa, xb, tc, td, tbr, be, bf, bg;
	struct hw_entry e1, e2;
	unsigned int before;
	uint32_t s1, s2;

	must(pl_lab_reset(lab), "LAB_RESET");
	load_named(policy);
	check_run(PROBELAB_CHECK_AUTO_ON);
	must(pl_iommu_register(lab, "smmu-a"), "IOMMU_REGISTER");
	must(pl_iommu_register(lab, "smmu-b"), "IOMMU_REGISTER");

	/* D4: masks */
	m40 = dev_get(add_named("m40"));
	m41 = dev_get(add_named("m41"));
	m42 = dev_get(add_named("m42"));
	tap_ok(m40.group_id && m40.group_id == m41.group_id &&
	       m42.group_id && m42.group_id != m40.group_id,
	       "%s: 0x40 mask 0x1 and 0x41 share a group, 0x42 does not (groups %u, %u, %u)",
	       pol, m40.group_id, m41.group_id, m42.group_id);
	clean(pol, "masked specifiers");

	/* D3: a stream shared on the second instance (one fwspec per instance) */
	if (policy == PROBELAB_POLICY_FIXED) {
		xa = dev_get(add_named("xa"));
		xb = dev_get(add_named("xb"));
		tap_ok(xa.group_id && xa.group_id == xb.group_id,
		       "%s: smmu-a:1 + smmu-b:5 and smmu-b:5 share a group (groups %u and %u)",
		       pol, xa.group_id, xb.group_id);
		clean(pol, "a stream shared on a second instance");
	}

	/* transitive: tbr shares with tc and with td, which merge */
	tc = dev_get(add_named("tc"));
	td = dev_get(add_named("td"));
	before = nr_groups();
	tbr = dev_get(add_named("tbr"));
	tc = dev_get(tc.dev_id);
	td = dev_get(td.dev_id);
	tap_ok(tc.group_id && tc.group_id == td.group_id &&
	       tbr.group_id == tc.group_id && nr_groups() == before - 1 &&
	       group_get(tc.group_id).nr_devices == 3,
	       "%s: a device sharing with two groups merges them (tc %u, td %u, tbr %u, %u groups before, %u after)",
	       pol, tc.group_id, td.group_id, tbr.group_id, before,
	       nr_groups());
	clean(pol, "after a merge");
	must(pl_dev_remove(lab, tbr.dev_id), "DEV_REMOVE");
	tc = dev_get(tc.dev_id);
	td = dev_get(td.dev_id);
	tap_ok(tc.group_id && tc.group_id == td.group_id,
	       "%s: the merged group stays when the device that joined it goes (%u, %u)",
	       pol, tc.group_id, td.group_id);
	clean(pol, "after the merging device left");

	/* D2: a stream two endpoints name */
	s1 = add_named("s1");
	s2 = add_named("s2");
	tap_ok(dev_get(s1).group_id == dev_get(s2).group_id,
	       "%s: two endpoints naming stream 0x20 share a group", pol);
	must(pl_dev_remove(lab, s1), "DEV_REMOVE");
	e1 = hw_get(false, "smmu-a", 0x20);
	tap_ok(!strcmp(e1.state, "translate"),
	       "%s: stream 0x20 still translates after one of its two devices left (%s)",
	       pol, e1.state);
	clean(pol, "one of two devices sharing a stream removed");
	must(pl_dev_remove(lab, s2), "DEV_REMOVE");
	e2 = hw_get(false, "smmu-a", 0x20);
	tap_ok(!strcmp(e2.state, "abort"),
	       "%s: stream 0x20 aborts after its last device left (%s)", pol,
	       e2.state);
	clean(pol, "both devices sharing a stream removed");

	/* a merge of two groups in use is refused */
	if (policy == PROBELAB_POLICY_FIXED) {
		be = dev_get(add_named("be"));
		bf = dev_get(add_named("bf"));
		drv_bind(be.dev_id, PROBELAB_DRV_DMA);
		drv_bind(bf.dev_id, PROBELAB_DRV_DMA);
		bg = dev_get(add_named("bg"));
		tap_ok(bg.state == PROBELAB_DEV_FAILED && !bg.group_id &&
		       dev_get(be.dev_id).group_id == be.group_id &&
		       dev_get(bf.dev_id).group_id == bf.group_id &&
		       be.group_id != bf.group_id,
		       "%s: a device sharing with two groups that have DMA-API drivers is refused (state %u, group %u)",
		       pol, bg.state, bg.group_id);
		clean(pol, "refused merge");
	}
}

/* ---- PCI functions: a PCIe-to-PCI bridge alias, an ID-map mask ---------- */

static void load_pci(unsigned int policy, bool vtd)
{
	struct pl_topo_builder *b = topo_new();

	if (vtd) {
		topo_vtd(b, "iommu0", 0, true);
	} else {
		struct probelab_fw_rc rc;
		int s = topo_smmu(b, "iommu0", 16), r;

		memset(&rc, 0, sizeof(rc));
		rc.bus_end = 0xff;
		rc.rid_mask = 0xfff8;	/* the functions of a device fold */
		r = pl_topo_add_rc(b, &rc, "rc");
		if (r < 0)
			bail("add root complex: %d", r);
		topo_map(b, r, s, 0, 0x10000, 0);
	}
	topo_bridge(b, 0, 0x00, 0x1c, 0, 2, 3, false);
	topo_bridge(b, 0, 0x02, 0x00, 0, 3, 3, true);
	must(topo_load(b, policy, PROBELAB_DOMAIN_DMA), "FW_LOAD");
}

static void test_pci(unsigned int policy, bool vtd)
{
	char pol[64];
	struct probelab_dev_info f1, f2, g0, g1;
	struct hw_entry alias, own, other, fold;

	snprintf(pol, sizeof(pol), "%s %s", pol_name(policy),
		 vtd ? "VT-d" : "SMMUv3");
	must(pl_lab_reset(lab), "LAB_RESET");
	load_pci(policy, vtd);
	check_run(PROBELAB_CHECK_AUTO_ON);
	must(pl_iommu_register(lab, "iommu0"), "IOMMU_REGISTER");

	/* 03:01.0 and 03:02.0 behind the bridge: DMA carries 03:00.0 */
	f1 = dev_get(add_pci(0, 3, 1, 0));
	f2 = dev_get(add_pci(0, 3, 2, 0));
	tap_ok(f1.group_id && f1.group_id == f2.group_id,
	       "%s: functions behind a PCIe-to-PCI bridge share a group (%u, %u)",
	       pol, f1.group_id, f2.group_id);
	must(pl_dev_remove(lab, f1.dev_id), "DEV_REMOVE");
	alias = hw_get(vtd, "iommu0", 0x0300);
	own = hw_get(vtd, "iommu0", 0x0308);
	other = hw_get(vtd, "iommu0", 0x0310);
	tap_ok(!strcmp(alias.state, hw_want(vtd, PROBELAB_DOMAIN_DMA)) &&
	       alias.sig == other.sig &&
	       !strcmp(own.state, hw_want(vtd, PROBELAB_DOMAIN_BLOCKED)),
	       "%s: removing 03:01.0 keeps the alias 03:00.0's entry (%s) and blocks its own (%s)",
	       pol, alias.state, own.state);
	clean(pol, "a function sharing a bridge alias removed");
	must(pl_dev_remove(lab, f2.dev_id), "DEV_REMOVE");
	alias = hw_get(vtd, "iommu0", 0x0300);
	tap_ok(!strcmp(alias.state, hw_want(vtd, PROBELAB_DOMAIN_BLOCKED)),
	       "%s: the alias's entry is cleared with its last user (%s)",
	       pol, alias.state);
	if (vtd)
		return;

	/* rid_mask 0xfff8: 00:02.0 and 00:02.1 both use stream 0x10 */
	g0 = dev_get(add_pci(0, 0, 2, 0));
	g1 = dev_get(add_pci(0, 0, 2, 1));
	tap_ok(g0.group_id && g0.group_id == g1.group_id,
	       "%s: functions folded by the ID-map mask share a group (%u, %u)",
	       pol, g0.group_id, g1.group_id);
	must(pl_dev_remove(lab, g0.dev_id), "DEV_REMOVE");
	fold = hw_get(vtd, "iommu0", 0x10);
	tap_ok(!strcmp(fold.state, "translate"),
	       "%s: the folded stream still translates for 00:02.1 (%s)", pol,
	       fold.state);
	clean(pol, "one of two folded functions removed");
}

int main(void)
{
	lab_open();
	test_named(PROBELAB_POLICY_FIXED);
	test_named(PROBELAB_POLICY_MAINLINE);
	test_pci(PROBELAB_POLICY_FIXED, true);
	test_pci(PROBELAB_POLICY_FIXED, false);
	test_pci(PROBELAB_POLICY_MAINLINE, true);
	test_pci(PROBELAB_POLICY_MAINLINE, false);
	test_pci(PROBELAB_POLICY_LINUX_6_1, true);
	tap_plan(tap_n);
	return lab_close();
}

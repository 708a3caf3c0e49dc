// SPDX-License-Identifier: GPL-2.0
/*
 * Guest test (policy "fixed"): the order of device add, driver bind and
 * instance registration - devices added before and after their instance,
 * deferral and its retrigger counted through STATS, unregistration while
 * bound, a device behind two instances.  TAP output.
 */
#include "probe_util_tap.h"

#define SMMU_A	"smmuA"
#define SMMU_B	"smmuB"
#define DMAR	"dmar0"

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

/* dmar0: every function of segment 0 */
static void load_vtd(void)
{
	struct pl_topo_builder *b = topo_new();

	topo_vtd(b, DMAR, 0, true);
	must(topo_load(b, PROBELAB_POLICY_FIXED, PROBELAB_DOMAIN_DMA),
	     "FW_LOAD");
}

static void test_add_order(void)
{
	struct probelab_dev_info d;
	uint32_t before, after;

	must(pl_lab_reset(lab), "LAB_RESET");
	load_smmu();
	before = add_pci(0, 0, 1, 0);
	d = dev_get(before);
	tap_ok(d.state == PROBELAB_DEV_WAITING && !d.group_id &&
	       d.nr_iommus == 1 && d.nr_ids == 1 && d.ids[0] == 0x08,
	       "device added before its instance waits (state %u, group %u, fwspec %u ids, id 0x%x)",
	       d.state, d.group_id, d.nr_ids, d.ids[0]);
	must(pl_iommu_register(lab, SMMU_A), "IOMMU_REGISTER");
	d = dev_get(before);
	tap_ok(d.state == PROBELAB_DEV_PROBED && d.group_id &&
	       d.domain_type == PROBELAB_DOMAIN_DMA,
	       "it is IOMMU-probed when its instance registers (state %u, group %u, domain type %u)",
	       d.state, d.group_id, d.domain_type);
	after = add_pci(0, 0, 2, 0);
	d = dev_get(after);
	tap_ok(d.state == PROBELAB_DEV_PROBED && d.group_id &&
	       d.domain_type == PROBELAB_DOMAIN_DMA,
	       "device added after its instance is probed during the add (state %u, group %u)",
	       d.state, d.group_id);
}

#define NDEV 3

static void test_defer_retrigger(bool vtd)
{
	const char *inst = vtd ? DMAR : SMMU_A;
	const char *m = vtd ? "VT-d" : "SMMUv3";
	struct probelab_stats st;
	uint32_t id[NDEV], res[NDEV];
	unsigned int i, ok;

	must(pl_lab_reset(lab), "LAB_RESET");
	if (vtd)
		load_vtd();
	else
		load_smmu();
	stats(true);
	for (i = 0; i < NDEV; i++)
		id[i] = add_pci(0, 0, 4 + i, 0);
	for (i = 0, ok = 0; i < NDEV; i++) {
		res[i] = drv_bind(id[i], PROBELAB_DRV_DMA);
		ok += res[i] == PROBELAB_BIND_DEFERRED;
	}
	tap_ok(ok == NDEV, "%s: %u of %u binds before the instance registered were deferred",
	       m, ok, NDEV);
	for (i = 0, ok = 0; i < NDEV; i++) {
		struct probelab_dev_info d = dev_get(id[i]);

		ok += !d.driver && d.state == PROBELAB_DEV_WAITING;
	}
	tap_ok(ok == NDEV, "%s: deferred devices stay unbound and waiting (%u of %u)",
	       m, ok, NDEV);
	must(pl_iommu_register(lab, inst), "IOMMU_REGISTER");
	for (i = 0, ok = 0; i < NDEV; i++) {
		struct probelab_dev_info d = dev_get(id[i]);

		ok += d.driver == PROBELAB_DRV_DMA &&
		      d.state == PROBELAB_DEV_PROBED;
	}
	tap_ok(ok == NDEV, "%s: the registration retriggered and bound every deferred device (%u of %u)",
	       m, ok, NDEV);
	st = stats(false);
	tap_ok(st.deferrals == NDEV && st.retriggers == NDEV,
	       "%s: exactly one deferral and one retrigger per device (deferrals %llu, retriggers %llu, devices %u)",
	       m, (unsigned long long)st.deferrals,
	       (unsigned long long)st.retriggers, NDEV);
	tap_ok(st.bind_attempts == 2 * NDEV && st.iommu_probes == NDEV &&
	       !st.violations,
	       "%s: two bind attempts and one IOMMU probe per device (bind_attempts %llu, iommu_probes %llu, violations %llu)",
	       m, (unsigned long long)st.bind_attempts,
	       (unsigned long long)st.iommu_probes,
	       (unsigned long long)st.violations);

	if (vtd)
		return;
	/* unregister while bound: unbound, back to waiting; re-register rebinds */
	stats(true);
	must(pl_iommu_unregister(lab, inst), "IOMMU_UNREGISTER");
	for (i = 0, ok = 0; i < NDEV; i++) {
		struct probelab_dev_info d = dev_get(id[i]);

		ok += !d.driver && d.state == PROBELAB_DEV_WAITING &&
		      !d.group_id && !d.domain_id;
	}
	tap_ok(ok == NDEV, "unregister while bound: drivers unbound, devices back to waiting without group (%u of %u)",
	       ok, NDEV);
	st = stats(false);
	tap_ok(!iommu_get(inst).registered && nr_groups() == 0 &&
	       st.releases == NDEV,
	       "unregister while bound: instance unregistered, groups freed, %llu releases",
	       (unsigned long long)st.releases);
	must(pl_iommu_register(lab, inst), "IOMMU_REGISTER");
	for (i = 0, ok = 0; i < NDEV; i++) {
		struct probelab_dev_info d = dev_get(id[i]);

		ok += d.driver == PROBELAB_DRV_DMA &&
		      d.state == PROBELAB_DEV_PROBED && d.group_id;
	}
	st = stats(false);
	tap_ok(ok == NDEV && st.retriggers == NDEV && st.iommu_probes == NDEV &&
	       !st.violations,
	       "re-registering rebinds them (%u of %u bound, retriggers %llu, iommu_probes %llu)",
	       ok, NDEV, (unsigned long long)st.retriggers,
	       (unsigned long long)st.iommu_probes);
}

static void test_two_instances(bool a_first)
{
	const char *first = a_first ? SMMU_A : SMMU_B;
	const char *second = a_first ? SMMU_B : SMMU_A;
	struct probelab_stats st;
	struct probelab_dev_info d;
	uint32_t id, res;

	must(pl_lab_reset(lab), "LAB_RESET");
	load_smmu();
	stats(true);
	id = add_named("dual");
	res = drv_bind(id, PROBELAB_DRV_DMA);
	must(pl_iommu_register(lab, first), "IOMMU_REGISTER");
	d = dev_get(id);
	tap_ok(res == PROBELAB_BIND_DEFERRED && d.state == PROBELAB_DEV_WAITING &&
	       !d.driver && !d.group_id && d.nr_iommus == 2,
	       "two instances, %s first: not probed nor bound while %s is missing (bind %u, state %u, driver %u, group %u, %u fwspecs)",
	       first, second, res, d.state, d.driver, d.group_id, d.nr_iommus);
	must(pl_iommu_register(lab, second), "IOMMU_REGISTER");
	d = dev_get(id);
	st = stats(false);
	tap_ok(d.state == PROBELAB_DEV_PROBED && d.driver == PROBELAB_DRV_DMA &&
	       d.group_id && st.iommu_probes == 1 && st.deferrals == 1 &&
	       st.retriggers == 1,
	       "two instances, %s first: probed once and bound after %s registered (state %u, driver %u, probes %llu, deferrals %llu, retriggers %llu)",
	       first, second, d.state, d.driver,
	       (unsigned long long)st.iommu_probes,
	       (unsigned long long)st.deferrals,
	       (unsigned long long)st.retriggers);
}

/* QUERY iommus: nr_waiting counts the devices waiting for that instance. */
static void test_waiting_counts(void)
{
	struct probelab_iommu_info a, b;

	must(pl_lab_reset(lab), "LAB_RESET");
	load_smmu();
	add_pci(0, 0, 1, 0);	/* smmuA */
	add_named("solo");	/* smmuB */
	add_named("dual");	/* both */
	add_pci(0, 5, 0, 0);	/* no IOMMU (bus 5 has no map) */
	a = iommu_get(SMMU_A);
	b = iommu_get(SMMU_B);
	tap_ok(a.nr_waiting == 2 && b.nr_waiting == 2,
	       "QUERY iommus: nr_waiting counts the devices waiting for each instance (smmuA %u, smmuB %u, expected 2 and 2)",
	       a.nr_waiting, b.nr_waiting);
}

/* A second DRV_BIND of a bound device fails and changes nothing. */
static void test_bind_bound(void)
{
	struct probelab_dev_info d;
	uint32_t id;
	int ret;

	must(pl_lab_reset(lab), "LAB_RESET");
	load_smmu();
	must(pl_iommu_register(lab, SMMU_A), "IOMMU_REGISTER");
	id = add_pci(0, 0, 3, 0);
	drv_bind(id, PROBELAB_DRV_DMA);
	ret = pl_drv_bind(lab, id, PROBELAB_DRV_USER, NULL);
	d = dev_get(id);
	tap_ok(ret == -EBUSY && d.driver == PROBELAB_DRV_DMA,
	       "DRV_BIND of a bound device: EBUSY and the bound driver unchanged (ret %d, QUERY driver %u, expected %u)",
	       ret, d.driver, PROBELAB_DRV_DMA);
	/* the refused request must not become the driver a rebind uses */
	must(pl_iommu_unregister(lab, SMMU_A), "IOMMU_UNREGISTER");
	must(pl_iommu_register(lab, SMMU_A), "IOMMU_REGISTER");
	d = dev_get(id);
	tap_ok(d.driver == PROBELAB_DRV_DMA,
	       "after unregister + register the device is rebound to the driver it had, not to the refused one (driver %u, expected %u)",
	       d.driver, PROBELAB_DRV_DMA);
	must(pl_drv_unbind(lab, id), "DRV_UNBIND");
	tap_ok(group_get(d.group_id).owner_cnt == 0,
	       "after unbinding it the group's owner_cnt is 0 (%u)",
	       group_get(d.group_id).owner_cnt);
}

int main(void)
{
	lab_open();
	test_add_order();
	test_defer_retrigger(false);
	test_defer_retrigger(true);
	test_two_instances(true);
	test_two_instances(false);
	test_waiting_counts();
	test_bind_bound();
	tap_plan(tap_n);
	return lab_close();
}

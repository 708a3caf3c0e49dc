// SPDX-License-Identifier: GPL-2.0
/*
 * Guest test (issue 11, D7): an instance's unregistration never releases
 * the IOMMU state of a device whose driver is still bound.  LAB_RESET
 * skips devices another DEV_REMOVE has claimed and then unregisters the
 * instances; a device whose unbind is still in progress (dma_cleanup
 * delayed) was released under its DMA-API driver: "empty group has
 * owner_cnt 1" (invariant 4), then an unbind with no group.  Under
 * "fixed" and "mainline", SMMUv3 and VT-d.  TAP output.
 */
#include <pthread.h>
#include <unistd.h>

#include "probe_util_tap.h"

struct remover {
	uint32_t dev_id;
	int ret;
};

static void *remove_thread(void *arg)
{
	struct remover *r = arg;
	struct pl_handle *h = token_open();

	r->ret = pl_dev_remove(h, r->dev_id);
	pl_close(h);
	return NULL;
}

static void load(bool vtd, unsigned int policy)
{
	struct pl_topo_builder *b = topo_new();

	if (vtd) {
		topo_vtd(b, "iommu0", 0, true);
	} else {
		int s = topo_smmu(b, "iommu0", 16);
		int rc = topo_rc(b, 0, 0, 0xff);

		topo_map(b, rc, s, 0, 0x10000, 0);
	}
	must(topo_load(b, policy, PROBELAB_DOMAIN_DMA), "FW_LOAD");
}

static void test(bool vtd, unsigned int policy)
{
	const char *m = vtd ? "VT-d" : "SMMUv3";
	const char *pol = policy == PROBELAB_POLICY_FIXED ? "fixed" : "mainline";
	struct probelab_inject c;
	struct remover r = { 0, 0 };
	uint64_t before;
	pthread_t t;
	int ret;

	must(pl_lab_reset(lab), "LAB_RESET");
	load(vtd, policy);
	must(pl_iommu_register(lab, "iommu0"), "IOMMU_REGISTER");
	r.dev_id = add_pci(0, 0, 2, 0);
	drv_bind(r.dev_id, PROBELAB_DRV_DMA);
	before = stats(false).violations;

	/* the unbind of DEV_REMOVE stays in dma_cleanup for 0.8 s */
	memset(&c, 0, sizeof(c));
	snprintf(c.point, sizeof(c.point), "dma_cleanup");
	c.action = PROBELAB_INJECT_DELAY;
	c.delay_us = 800000;
	c.dev_id = r.dev_id;
	must(pl_inject(lab, &c), "INJECT");
	if (pthread_create(&t, NULL, remove_thread, &r))
		bail("pthread_create");
	usleep(300000);
	ret = pl_lab_reset(lab);
	pthread_join(t, NULL);

	tap_ok(ret == 0 && r.ret == 0,
	       "%s %s: LAB_RESET during a DEV_REMOVE's unbind: both succeed (reset %d, remove %d)",
	       pol, m, ret, r.ret);
	tap_ok(stats(false).violations == before,
	       "%s %s: no device released under its bound driver (%llu violations)",
	       pol, m, (unsigned long long)(stats(false).violations - before));
	tap_ok(nr_devices() == 0 && nr_groups() == 0,
	       "%s %s: the lab is empty after the reset (%u devices, %u groups)",
	       pol, m, nr_devices(), nr_groups());
}

int main(void)
{
	lab_open();
	test(false, PROBELAB_POLICY_FIXED);
	test(true, PROBELAB_POLICY_FIXED);
	test(false, PROBELAB_POLICY_MAINLINE);
	test(true, PROBELAB_POLICY_MAINLINE);
	tap_plan(tap_n);
	return lab_close();
}

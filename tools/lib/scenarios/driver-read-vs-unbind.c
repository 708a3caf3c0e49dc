// SPDX-License-Identifier: GPL-2.0
/*
 * libprobelab: race scenario driver-read-vs-unbind (10 in docs/races.md): its lab, its
 * seeded choices per cycle (the plan) and the roles that drive it.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "race_scenario_util.h"

#define REPRO	RACE_EXPECT_REPRODUCE
#define HOLD	RACE_EXPECT_HOLD

/* smmu0 fronts none of the devices: the walk at its registration still
 * replays dma_configure for every device on the bus without a group. */
static const char s10_topo[] =
	"{ \"version\": 1,"
	"  \"iommus\": [ { \"name\": \"smmu0\", \"type\": \"smmuv3\", \"sid_bits\": 16 } ] }";

#define S10_RELAB	500

struct s10 {
	uint32_t ids[RACE_MAX_THREADS];
	struct rs_crew crew;
};

struct s10_choice {
	unsigned int lead_us;			/* before IOMMU_REGISTER */
	unsigned int pause_us[RACE_MAX_THREADS];	/* bound, before unbind */
};

static void s10_choose(uint64_t seed, uint64_t k, unsigned int n,
		       struct s10_choice *c)
{
	uint64_t s = race_rng_for(seed, 10, k);

	c->lead_us = (unsigned int)race_rng_range(&s, 0, 300);
	for (unsigned int i = 0; i < n; i++)
		c->pause_us[i] = (unsigned int)race_rng_range(&s, 0, 100);
}

static unsigned int s10_injections(uint64_t seed, struct probelab_inject *o,
				   unsigned int max)
{
	uint64_t s = race_rng_for(seed, 110, 0);

	if (!max)
		return 0;
	rs_inject_delay(&o[0], "configure.replay",
		     (uint32_t)race_rng_range(&s, 100, 300), 200,
		     race_rng_next(&s));
	return 1;
}

static void s10_plan(uint64_t seed, uint64_t k, unsigned int threads,
		     char *buf, size_t len)
{
	struct s10_choice c;
	size_t n;

	s10_choose(seed, k, threads, &c);
	n = (size_t)snprintf(buf, len, "pause %u us, IOMMU_REGISTER smmu0",
			     c.lead_us);
	for (unsigned int i = 0; i < threads && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n,
				      " || until registered: DRV_BIND aux%u probelab-dma, pause %u us, DRV_UNBIND",
				      i, c.pause_us[i]);
	if (n < len)
		snprintf(buf + n, len - n, "; DRV_UNBIND each; IOMMU_UNREGISTER smmu0");
}

static int s10_setup(struct race_run *r)
{
	struct s10 *p = rs_priv_get(r, sizeof(*p));
	char name[16];
	int ret;

	if (!p)
		return -ENOMEM;
	ret = race_load_topology(r, s10_topo);
	if (!ret)
		ret = race_arm_injections(r);
	/* the description names no "auxN": no IOMMU in front of them */
	for (unsigned int i = 0; !ret && i < race_threads(r); i++) {
		snprintf(name, sizeof(name), "aux%u", i);
		ret = rs_add_named(r, name, &p->ids[i]);
	}
	return ret;
}

static void s10_job(struct rs_crew *cw, unsigned int i, uint64_t k)
{
	struct race_run *r = cw->r;
	struct s10 *p = cw->arg;
	struct s10_choice c;
	uint32_t result;
	int ret;

	s10_choose(race_opts(r)->seed, k, race_threads(r), &c);
	if (i == 0) {
		race_sleep_us(c.lead_us);
		rs_reg(r, "smmu0");
		atomic_store(&cw->registered, true);
		return;
	}
	i--;
	while (!atomic_load(&cw->registered) && !race_stopping(r)) {
		ret = pl_drv_bind(race_handle(r), p->ids[i], PROBELAB_DRV_DMA,
				  &result);
		if (!ret && result != PROBELAB_BIND_BOUND)
			ret = -EPROTO;
		if (ret) {
			race_fail(r, ret, "cycle %" PRIu64 ": DRV_BIND aux%u (no IOMMU in front): %s",
				  k, i, strerror(-ret));
			return;
		}
		race_sleep_us(c.pause_us[i]);
		ret = pl_drv_unbind(race_handle(r), p->ids[i]);
		if (ret) {
			race_fail(r, ret, "cycle %" PRIu64 ": DRV_UNBIND aux%u: %s",
				  k, i, strerror(-ret));
			return;
		}
	}
}

static int s10_after(struct race_run *r, void *arg, uint64_t k)
{
	(void)arg;
	(void)k;
	return rs_unreg(r, "smmu0");
}

static int s10_role(struct race_run *r, unsigned int role)
{
	struct s10 *p = race_priv(r);

	(void)role;
	return rs_crew_role(r, &p->crew, race_threads(r) + 1, s10_job, p,
			 S10_RELAB, NULL, s10_after);
}

const struct race_scenario race_sc_driver_read_vs_unbind = {
	.name = "driver-read-vs-unbind",
	.summary = "the IOMMU probe at instance registration replaying the bus's dma_configure, which reads dev->driver twice, against DRV_BIND/UNBIND of the same devices",
	.mirrors = "Android reports: __iommu_probe_device() replays bus->dma_configure() without the device lock; platform_dma_configure() converted dev->driver before testing it and a concurrent bind made it dereference a pointer derived from NULL (\"platform: Fix race condition during DMA configure at IOMMU probe time\", then fsl-mc; the same fix for amba posted in August 2026)",
	.expect = { [PROBELAB_POLICY_FIXED] = HOLD,
		    [PROBELAB_POLICY_LINUX_6_1] = HOLD,
		    [PROBELAB_POLICY_MAINLINE] = REPRO },
	.invariant = 4,
	.implemented = true,
	.note = "SMMUv3 smmu0 and N named devices no IOMMU fronts (bus_iommu_probe() walks them all the same); per cycle IOMMU_REGISTER smmu0 after 0..300 us while one binder per device binds probelab-dma and unbinds it; configure.replay delayed 100..300 us + 0..200 us; IOMMU_UNREGISTER. linux-6.1 has no replay from the IOMMU probe (its dma_configure runs only under the device lock); the lab bus's dma_configure under mainline is modelled on amba's, before its fix",
	.threads_what = "devices (one binder each)",
	.threads_def = 2, .threads_min = 1, .threads_max = 8,
	.nr_roles = rs_one_role,
	.setup = s10_setup,
	.role = s10_role,
	.cleanup = rs_priv_free,
	.plan = s10_plan,
	.injections = s10_injections,
};

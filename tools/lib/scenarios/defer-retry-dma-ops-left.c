// SPDX-License-Identifier: GPL-2.0
/*
 * libprobelab: race scenario defer-retry-dma-ops-left (9 in docs/races.md): its lab, its
 * seeded choices per cycle (the plan) and the roles that drive it.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "race_scenario_util.h"

#define REPRO	RACE_EXPECT_REPRODUCE
#define HOLD	RACE_EXPECT_HOLD

static const char s9_topo[] =
	"{ \"version\": 1,"
	"  \"iommus\": [ { \"name\": \"smmu0\", \"type\": \"smmuv3\", \"sid_bits\": 16 } ],"
	"  \"endpoints\": [ { \"name\": \"dev0\","
	"                   \"iommus\": [ { \"iommu\": \"smmu0\", \"id\": 64 } ] } ] }";

#define S9_RELAB	1000
#define S9_BOUND_MS	5000

struct s9 {
	uint32_t dev;
};

struct s9_choice {
	unsigned int driver;	/* probelab-dma, or probelab-ownops */
	unsigned int binds;	/* deferred binds before the registration */
	unsigned int gap_us;	/* between the last of them and it */
};

static void s9_choose(uint64_t seed, uint64_t k, struct s9_choice *c)
{
	uint64_t s = race_rng_for(seed, 9, k);

	c->driver = race_rng_range(&s, 0, 3) ? PROBELAB_DRV_DMA :
					       PROBELAB_DRV_OWNOPS;
	c->binds = (unsigned int)race_rng_range(&s, 1, 3);
	c->gap_us = (unsigned int)race_rng_range(&s, 0, 500);
}

static void s9_plan(uint64_t seed, uint64_t k, unsigned int threads,
		    char *buf, size_t len)
{
	struct s9_choice c;

	(void)threads;
	s9_choose(seed, k, &c);
	snprintf(buf, len, "DRV_BIND dev0 %s x%u (each defers: smmu0 unregistered), pause %u us, IOMMU_REGISTER smmu0, wait for dev0 bound, DRV_UNBIND dev0, IOMMU_UNREGISTER smmu0",
		 pl_driver_name(c.driver), c.binds, c.gap_us);
}

static int s9_setup(struct race_run *r)
{
	struct s9 *p = rs_priv_get(r, sizeof(*p));
	int ret;

	if (!p)
		return -ENOMEM;
	ret = race_load_topology(r, s9_topo);
	if (!ret) {
		/* dev0 starts with its platform's dma_ops (as swiotlb-xen) */
		ret = pl_dev_add_named_flags(race_handle(r), "dev0",
					     PROBELAB_DEV_ADD_PLATFORM_OPS,
					     &p->dev);
		if (ret)
			race_fail(r, ret, "DEV_ADD dev0 (platform dma_ops): %s",
				  strerror(-ret));
	}
	return ret;
}

static int s9_cycle(struct race_run *r, struct s9 *p, uint64_t k)
{
	struct s9_choice c;
	uint32_t result;
	int ret;

	s9_choose(race_opts(r)->seed, k, &c);
	for (unsigned int i = 0; i < c.binds; i++) {
		ret = pl_drv_bind(race_handle(r), p->dev, c.driver, &result);
		if (ret)
			return race_fail(r, ret, "cycle %" PRIu64 ": DRV_BIND dev0 %s: %s",
					 k, pl_driver_name(c.driver),
					 strerror(-ret));
		if (result != PROBELAB_BIND_DEFERRED)
			return race_fail(r, -EPROTO, "cycle %" PRIu64 ": DRV_BIND dev0 bound, expected a deferral (smmu0 is not registered)",
					 k);
	}
	race_sleep_us(c.gap_us);
	ret = rs_reg(r, "smmu0");
	if (ret)
		return ret;
	ret = rs_await_dev0_bound(r, k, p->dev, c.driver, S9_BOUND_MS,
			       "smmu0 registered");
	if (ret <= 0)
		return ret;
	ret = pl_drv_unbind(race_handle(r), p->dev);
	if (ret)
		return race_fail(r, ret, "cycle %" PRIu64 ": DRV_UNBIND dev0: %s",
				 k, strerror(-ret));
	return rs_unreg(r, "smmu0");
}

static int s9_role(struct race_run *r, unsigned int role)
{
	uint64_t k;
	int ret = 0;

	(void)role;
	while (!ret && race_cycle_begin(r, &k)) {
		ret = rs_maybe_relab(r, k, S9_RELAB);
		if (!ret)
			ret = s9_cycle(r, race_priv(r), k);
		race_cycle_end(r);
	}
	return ret;
}

const struct race_scenario race_sc_defer_retry_dma_ops_left = {
	.name = "defer-retry-dma-ops-left",
	.summary = "DRV_BIND deferrals and the retry at instance registration of a device that starts with its platform's dma_ops",
	.mirrors = "ARM, 2017: arch_setup_dma_ops()/arch_teardown_dma_ops() asymmetric across -EPROBE_DEFER; a deferred probe's teardown drops ops it did not install (swiotlb-xen's, a driver's own: ipmmu-vmsa, mtk-iommu-v1, exynos DRM, omap3isp)",
	.expect = { [PROBELAB_POLICY_FIXED] = HOLD,
		    [PROBELAB_POLICY_LINUX_6_1] = REPRO,
		    [PROBELAB_POLICY_MAINLINE] = HOLD },
	.invariant = 7,
	.implemented = true,
	.note = "SMMUv3 smmu0 and dev0 behind it, added with platform dma_ops (DEV_ADD_PLATFORM_OPS); per cycle 1..3 DRV_BINDs of probelab-dma (3 in 4) or probelab-ownops that defer, IOMMU_REGISTER smmu0, wait for the retry to bind dev0, DRV_UNBIND, IOMMU_UNREGISTER; deterministic",
	.threads_what = "one: the scenario is sequential",
	.threads_def = 1, .threads_min = 1, .threads_max = 1,
	.deterministic = true,
	.nr_roles = rs_one_role,
	.setup = s9_setup,
	.role = s9_role,
	.cleanup = rs_priv_free,
	.plan = s9_plan,
};

// SPDX-License-Identifier: GPL-2.0
/*
 * libprobelab: race scenario two-instances (5 in docs/races.md): its lab, its
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

static const char s5_topo[] =
	"{ \"version\": 1,"
	"  \"iommus\": [ { \"name\": \"smmu0\", \"type\": \"smmuv3\", \"sid_bits\": 16 },"
	"              { \"name\": \"smmu1\", \"type\": \"smmuv3\", \"sid_bits\": 16 } ],"
	"  \"endpoints\": [ { \"name\": \"dev0\","
	"                   \"iommus\": [ { \"iommu\": \"smmu0\", \"id\": 48 },"
	"                                 { \"iommu\": \"smmu1\", \"id\": 49 } ] } ] }";

#define S5_RELAB	1000
#define S5_BOUND_MS	5000

struct s5 {
	uint32_t dev;
	struct rs_crew crew;
};

struct s5_choice {
	unsigned int first;	/* instance registered first */
	unsigned int gap_us;	/* before the other one */
	unsigned int unreg_first;
	unsigned int unreg_gap_us;
};

static void s5_choose(uint64_t seed, uint64_t k, struct s5_choice *c)
{
	uint64_t s = race_rng_for(seed, 5, k);

	c->first = (unsigned int)race_rng_range(&s, 0, 1);
	c->gap_us = (unsigned int)race_rng_range(&s, 2000, 10000);
	c->unreg_first = (unsigned int)race_rng_range(&s, 0, 1);
	c->unreg_gap_us = (unsigned int)race_rng_range(&s, 0, 2000);
}

static void s5_plan(uint64_t seed, uint64_t k, unsigned int threads,
		    char *buf, size_t len)
{
	struct s5_choice c;

	(void)threads;
	s5_choose(seed, k, &c);
	snprintf(buf, len, "IOMMU_REGISTER smmu%u || (%u us) IOMMU_REGISTER smmu%u (dev0 deferred, behind both); wait for dev0 bound; IOMMU_UNREGISTER smmu%u, %u us, smmu%u",
		 c.first, c.gap_us, 1 - c.first, c.unreg_first,
		 c.unreg_gap_us, 1 - c.unreg_first);
}

static int s5_setup(struct race_run *r)
{
	struct s5 *p = rs_priv_get(r, sizeof(*p));
	int ret;

	if (!p)
		return -ENOMEM;
	ret = race_load_topology(r, s5_topo);
	if (!ret)
		ret = rs_add_named(r, "dev0", &p->dev);
	if (!ret)
		ret = rs_bind_deferred(r, p->dev, "dev0");
	return ret;
}

static void s5_job(struct rs_crew *cw, unsigned int i, uint64_t k)
{
	struct race_run *r = cw->r;
	struct s5_choice c;

	s5_choose(race_opts(r)->seed, k, &c);
	if (i != c.first)
		race_sleep_us(c.gap_us);
	rs_reg(r, i ? "smmu1" : "smmu0");
}

static int s5_after(struct race_run *r, void *arg, uint64_t k)
{
	struct s5 *p = arg;
	struct s5_choice c;
	int ret = 0;

	if (!race_stopping(r))
		ret = rs_await_dev0_bound(r, k, p->dev, PROBELAB_DRV_DMA,
				       S5_BOUND_MS,
				       "both instances registered");
	if (ret < 0 || race_stopping(r))
		return ret < 0 ? ret : 0;
	s5_choose(race_opts(r)->seed, k, &c);
	ret = rs_unreg(r, c.unreg_first ? "smmu1" : "smmu0");
	race_sleep_us(c.unreg_gap_us);
	if (!ret)
		ret = rs_unreg(r, c.unreg_first ? "smmu0" : "smmu1");
	return ret;
}

static int s5_role(struct race_run *r, unsigned int role)
{
	struct s5 *p = race_priv(r);

	(void)role;
	return rs_crew_role(r, &p->crew, 2, s5_job, p, S5_RELAB, NULL,
			 s5_after);
}

const struct race_scenario race_sc_two_instances = {
	.name = "two-instances",
	.summary = "a device behind two SMMUv3 instances that register (and unregister) in parallel, in a seeded order",
	.mirrors = "Exynos report, 2026: the kernels keep one fwspec (the first instance, with the IDs of both) and probe the device once that instance is ready",
	.expect = { [PROBELAB_POLICY_FIXED] = HOLD,
		    [PROBELAB_POLICY_LINUX_6_1] = REPRO,
		    [PROBELAB_POLICY_MAINLINE] = REPRO },
	.invariant = 9,
	.implemented = true,
	.note = "smmu0, smmu1 and dev0 with a specifier on each, bound first (deferred); per cycle both register from two threads (seeded order, 2..10 ms apart), wait for dev0 bound, unregister both in a seeded order",
	.threads_what = "registration threads",
	.threads_def = 2, .threads_min = 2, .threads_max = 2,
	.deterministic = true,
	.nr_roles = rs_one_role,
	.setup = s5_setup,
	.role = s5_role,
	.cleanup = rs_priv_free,
	.plan = s5_plan,
};

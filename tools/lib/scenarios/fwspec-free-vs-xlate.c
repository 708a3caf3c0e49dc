// SPDX-License-Identifier: GPL-2.0
/*
 * libprobelab: race scenario fwspec-free-vs-xlate (1 in docs/races.md): its lab, its
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
#define OP(x)	(1ull << PROBELAB_OP_##x)

static const char s1_topo[] =
	"{ \"version\": 1,"
	"  \"iommus\": [ { \"name\": \"smmu0\", \"type\": \"smmuv3\", \"sid_bits\": 16 } ],"
	"  \"endpoints\": [ { \"name\": \"dev0\","
	"                   \"iommus\": [ { \"iommu\": \"smmu0\", \"id\": 16 } ] } ] }";

#define S1_KTHREADS	2
#define S1_RACE_MS	200

struct s1 {
	uint32_t dev;
};

struct s1_choice {
	bool unbind_first;
	unsigned int pause_us;
};

static void s1_choose(uint64_t seed, uint64_t k, struct s1_choice *c)
{
	uint64_t s = race_rng_for(seed, 1, k);

	c->unbind_first = race_rng_range(&s, 0, 3) == 0;
	c->pause_us = (unsigned int)race_rng_range(&s, 0, 100);
}

static unsigned int s1_injections(uint64_t seed, struct probelab_inject *o,
				  unsigned int max)
{
	uint64_t s = race_rng_for(seed, 101, 0);

	if (!max)
		return 0;
	rs_inject_delay(&o[0], "fwspec.use",
		     (uint32_t)race_rng_range(&s, 25, 75), 50,
		     race_rng_next(&s));
	return 1;
}

static void s1_plan(uint64_t seed, uint64_t k, unsigned int threads,
		    char *buf, size_t len)
{
	struct s1_choice c;

	(void)threads;
	s1_choose(seed, k, &c);
	snprintf(buf, len, "%sDRV_BIND dev0 probelab-dma (defers: smmu0 is not registered), pause %u us; alongside: RACE of_configure, %u kthreads",
		 c.unbind_first ? "DRV_UNBIND dev0, " : "", c.pause_us,
		 S1_KTHREADS);
}

static unsigned int s1_nr_roles(const struct race_scenario *sc,
				unsigned int threads)
{
	(void)sc;
	return threads + 1;
}

static int s1_setup(struct race_run *r)
{
	struct s1 *p = rs_priv_get(r, sizeof(*p));
	int ret;

	if (!p)
		return -ENOMEM;
	ret = race_load_topology(r, s1_topo);
	if (!ret)
		ret = race_arm_injections(r);
	if (!ret)
		ret = rs_add_named(r, "dev0", &p->dev);
	return ret;
}

/* Role 0: the kernel threads, in RACE ops of S1_RACE_MS each. */
static int s1_kernel(struct race_run *r, struct s1 *p)
{
	while (!race_stopping(r)) {
		struct probelab_race rc;
		int ret;

		memset(&rc, 0, sizeof(rc));
		rc.size = sizeof(rc);
		rc.op = PROBELAB_OP_RACE;
		rc.actor = PROBELAB_RACE_OF_CONFIGURE;
		rc.dev_id = p->dev;
		rc.threads = S1_KTHREADS;
		rc.duration_ms = S1_RACE_MS;
		ret = pl_cmd(race_handle(r), &rc);
		if (ret)
			return race_fail(r, ret, "RACE of_configure dev0: %s",
					 strerror(-ret));
		race_add_kernel_cycles(r, rc.cycles);
	}
	return 0;
}

static int s1_role(struct race_run *r, unsigned int role)
{
	struct s1 *p = race_priv(r);
	struct s1_choice c;
	uint64_t k;
	int ret;

	if (!role)
		return s1_kernel(r, p);
	while (race_cycle_begin(r, &k)) {
		uint32_t result = 0;

		s1_choose(race_opts(r)->seed, k, &c);
		if (c.unbind_first) {
			ret = pl_drv_unbind(race_handle(r), p->dev);
			if (ret && ret != -ENODEV)
				return race_fail(r, ret, "cycle %" PRIu64 ": DRV_UNBIND dev0: %s",
						 k, strerror(-ret));
		}
		ret = pl_drv_bind(race_handle(r), p->dev, PROBELAB_DRV_DMA,
				  &result);
		/*
		 * Two DRV_BINDs of one device at once: the module keeps the
		 * last probe's result per device (bind_err), so a deferral
		 * can come back as EAGAIN (the driver core's answer) instead
		 * of result DEFERRED.  It is a deferral all the same.
		 */
		if (ret == -EAGAIN)
			ret = 0;
		/*
		 * Another binder's DRV_UNBIND withdrew the request (the
		 * driver core found no driver to match): nothing bound.
		 */
		if (ret == -ENODEV)
			ret = 0;
		if (ret == -EBUSY) {
			/*
			 * A bind that got through (the 6.1 path ignores a
			 * failed fwspec step): unbind, go on.
			 */
			ret = pl_drv_unbind(race_handle(r), p->dev);
			if (ret == -ENODEV)
				ret = 0;
		}
		if (ret)
			return race_fail(r, ret, "cycle %" PRIu64 ": DRV_BIND dev0: %s",
					 k, strerror(-ret));
		race_sleep_us(c.pause_us);
		race_cycle_end(r);
	}
	return 0;
}

const struct race_scenario race_sc_fwspec_free_vs_xlate = {
	.name = "fwspec-free-vs-xlate",
	.summary = "a driver's own of_dma_configure() (kernel threads, no device lock) against DRV_BIND of the same device, whose instance is not registered",
	.mirrors = "Asahi DART crash and Qualcomm report, Nov 2023: fwspec freed \"in the deferred case\" while another path still uses it; fixed by \"iommu: Avoid more races around device probe\" (6.7, backported to 6.1.y and 6.6.y)",
	.expect = { [PROBELAB_POLICY_FIXED] = HOLD,
		    [PROBELAB_POLICY_LINUX_6_1] = REPRO,
		    [PROBELAB_POLICY_MAINLINE] = HOLD },
	.invariant = 1,
	.implemented = true,
	.note = "one SMMUv3 instance (never registered) and dev0 behind it; userspace threads DRV_BIND dev0 (every attempt defers) while a RACE op runs the policy's firmware step in 2 kernel threads; fwspec.use delayed 25..75 us + 0..50 us; a cycle is one DRV_BIND",
	.threads_what = "binder threads",
	.threads_def = 2, .threads_min = 1, .threads_max = 8,
	.kthreads = S1_KTHREADS,
	.needs_op = OP(RACE),
	.nr_roles = s1_nr_roles,
	.setup = s1_setup,
	.role = s1_role,
	.cleanup = rs_priv_free,
	.plan = s1_plan,
	.injections = s1_injections,
};

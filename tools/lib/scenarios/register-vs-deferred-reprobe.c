// SPDX-License-Identifier: GPL-2.0
/*
 * libprobelab: race scenario register-vs-deferred-reprobe (3 in docs/races.md): its lab, its
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

static const char s3_topo[] =
	"{ \"version\": 1,"
	"  \"iommus\": [ { \"name\": \"smmu0\", \"type\": \"smmuv3\", \"sid_bits\": 16 } ],"
	"  \"endpoints\": [ { \"name\": \"dev0\","
	"                   \"iommus\": [ { \"iommu\": \"smmu0\", \"id\": 32 } ] } ] }";

#define S3_RELAB	500
#define S3_BOUND_MS	5000

struct s3 {
	uint32_t dev;
	uint32_t aux[RACE_MAX_THREADS];
	struct rs_crew crew;
};

/* Per cycle and binder: the driver of the unrelated device and pauses. */
struct s3_choice {
	unsigned int driver[RACE_MAX_THREADS];
	unsigned int pause_us[RACE_MAX_THREADS];
};

static void s3_choose(uint64_t seed, uint64_t k, unsigned int n,
		      struct s3_choice *c)
{
	uint64_t s = race_rng_for(seed, 3, k);

	for (unsigned int i = 0; i < n; i++) {
		c->driver[i] = race_rng_range(&s, 0, 3) ? PROBELAB_DRV_DMA :
							  PROBELAB_DRV_USER;
		c->pause_us[i] = (unsigned int)race_rng_range(&s, 0, 300);
	}
}

static unsigned int s3_injections(uint64_t seed, struct probelab_inject *o,
				  unsigned int max)
{
	uint64_t s = race_rng_for(seed, 103, 0);

	if (!max)
		return 0;
	rs_inject_delay(&o[0], "iommu.register",
		     (uint32_t)race_rng_range(&s, 4000, 6000), 4000,
		     race_rng_next(&s));
	return 1;
}

static void s3_plan(uint64_t seed, uint64_t k, unsigned int threads,
		    char *buf, size_t len)
{
	struct s3_choice c;
	size_t n;

	s3_choose(seed, k, threads, &c);
	n = (size_t)snprintf(buf, len, "IOMMU_REGISTER smmu0 (dev0 deferred)");
	for (unsigned int i = 0; i < threads && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n,
				      " || loop: DRV_BIND aux%u %s, pause %u us, DRV_UNBIND aux%u",
				      i, pl_driver_name(c.driver[i]),
				      c.pause_us[i], i);
	if (n < len)
		snprintf(buf + n, len - n, "; wait for dev0 bound; IOMMU_UNREGISTER smmu0");
}

static int s3_setup(struct race_run *r)
{
	struct s3 *p = rs_priv_get(r, sizeof(*p));
	char name[16];
	int ret;

	if (!p)
		return -ENOMEM;
	ret = race_load_topology(r, s3_topo);
	if (!ret)
		ret = race_arm_injections(r);
	if (!ret)
		ret = rs_add_named(r, "dev0", &p->dev);
	/* devices no IOMMU stands in front of: the description names no
	 * endpoint "auxN" */
	for (unsigned int i = 0; !ret && i < race_threads(r); i++) {
		snprintf(name, sizeof(name), "aux%u", i);
		ret = rs_add_named(r, name, &p->aux[i]);
	}
	if (!ret)
		ret = rs_bind_deferred(r, p->dev, "dev0");
	return ret;
}

static void s3_job(struct rs_crew *cw, unsigned int i, uint64_t k)
{
	struct race_run *r = cw->r;
	struct s3 *p = cw->arg;
	struct s3_choice c;
	uint32_t result;
	int ret;

	if (i == 0) {
		rs_reg(r, "smmu0");
		atomic_store(&cw->registered, true);
		return;
	}
	i--;
	s3_choose(race_opts(r)->seed, k, race_threads(r), &c);
	while (!atomic_load(&cw->registered) && !race_stopping(r)) {
		ret = pl_drv_bind(race_handle(r), p->aux[i], c.driver[i],
				  &result);
		if (ret) {
			race_fail(r, ret, "cycle %" PRIu64 ": DRV_BIND aux%u: %s",
				  k, i, strerror(-ret));
			return;
		}
		race_sleep_us(c.pause_us[i]);
		ret = pl_drv_unbind(race_handle(r), p->aux[i]);
		if (ret) {
			race_fail(r, ret, "cycle %" PRIu64 ": DRV_UNBIND aux%u: %s",
				  k, i, strerror(-ret));
			return;
		}
	}
}

static int s3_after(struct race_run *r, void *arg, uint64_t k)
{
	struct s3 *p = arg;
	int ret = 0;

	if (!race_stopping(r))
		ret = rs_await_dev0_bound(r, k, p->dev, PROBELAB_DRV_DMA,
				       S3_BOUND_MS, "smmu0 registered");
	if (ret < 0)
		return ret;
	return race_stopping(r) ? 0 : rs_unreg(r, "smmu0");
}

static int s3_role(struct race_run *r, unsigned int role)
{
	struct s3 *p = race_priv(r);

	(void)role;
	return rs_crew_role(r, &p->crew, race_threads(r) + 1, s3_job, p,
			 S3_RELAB, NULL, s3_after);
}

const struct race_scenario race_sc_register_vs_deferred_reprobe = {
	.name = "register-vs-deferred-reprobe",
	.summary = "IOMMU_REGISTER (instance published, its tables not yet reset) against the driver core's deferred-probe retries, fired by binds of unrelated devices",
	.mirrors = "the window 6.16 closed with iommu->ready: a deferred client re-probed between iommu_device_register() and the end of the driver's setup gets its STE wiped",
	.expect = { [PROBELAB_POLICY_FIXED] = HOLD,
		    [PROBELAB_POLICY_LINUX_6_1] = REPRO,
		    [PROBELAB_POLICY_MAINLINE] = HOLD },
	.invariant = 6,
	.implemented = true,
	.note = "smmu0 and dev0 behind it, bound first (deferred); per cycle IOMMU_REGISTER smmu0 with iommu.register delayed 4..6 ms + 0..4 ms while threads bind/unbind devices no IOMMU stands in front of; wait for dev0 bound; IOMMU_UNREGISTER",
	.threads_what = "binder threads of unrelated devices",
	.threads_def = 1, .threads_min = 1, .threads_max = 4,
	.nr_roles = rs_one_role,
	.setup = s3_setup,
	.role = s3_role,
	.cleanup = rs_priv_free,
	.plan = s3_plan,
	.injections = s3_injections,
};

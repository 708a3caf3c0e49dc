// SPDX-License-Identifier: GPL-2.0
/*
 * libprobelab: race scenario unmap-after-unbind-stale-ops (12 in docs/races.md): its lab, its
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

static const char s12_topo[] =
	"{ \"version\": 1,"
	"  \"iommus\": [ { \"name\": \"smmu0\", \"type\": \"smmuv3\", \"sid_bits\": 16 },"
	"              { \"name\": \"dmar0\", \"type\": \"vtd\", \"segment\": 0,"
	"                \"include_pci_all\": true } ],"
	"  \"endpoints\": [ { \"name\": \"dev0\","
	"                   \"iommus\": [ { \"iommu\": \"smmu0\", \"id\": 96 } ] } ] }";

#define S12_RELAB	1000

enum s12_after {
	S12_NOTHING,		/* the device stays, unbound */
	S12_CLAIM,		/* a VFIO-style owner claims its group */
	S12_REMOVE,		/* the device is hot-removed (and added back) */
};

struct s12 {
	uint32_t ids[2];	/* dev0 (SMMUv3), 00:05.0 (VT-d) */
};

struct s12_choice {
	unsigned int which;	/* 0 dev0, 1 00:05.0 */
	unsigned int pause_us;	/* bound, before the unbind */
	enum s12_after after;
};

static const char *const s12_names[] = { "dev0", "00:05.0" };
static const char *const s12_afters[] = {
	[S12_NOTHING] = "nothing",
	[S12_CLAIM] = "OWNER_CLAIM_GROUP + OWNER_RELEASE",
	[S12_REMOVE] = "DEV_REMOVE + DEV_ADD",
};

static void s12_choose(uint64_t seed, uint64_t k, struct s12_choice *c)
{
	uint64_t s = race_rng_for(seed, 12, k);

	c->which = (unsigned int)race_rng_range(&s, 0, 1);
	c->pause_us = (unsigned int)race_rng_range(&s, 0, 200);
	c->after = (enum s12_after)race_rng_range(&s, 0, 2);
}

static unsigned int s12_injections(uint64_t seed, struct probelab_inject *o,
				   unsigned int max)
{
	uint64_t s = race_rng_for(seed, 112, 0);

	if (!max)
		return 0;
	rs_inject_delay(&o[0], "pool.release",
		     (uint32_t)race_rng_range(&s, 200, 600), 400,
		     race_rng_next(&s));
	return 1;
}

static void s12_plan(uint64_t seed, uint64_t k, unsigned int threads,
		     char *buf, size_t len)
{
	struct s12_choice c;

	(void)threads;
	s12_choose(seed, k, &c);
	snprintf(buf, len, "DRV_BIND %s probelab-pool (4 pages mapped), pause %u us, DRV_UNBIND (its pages still in flight), then %s while they come back",
		 s12_names[c.which], c.pause_us, s12_afters[c.after]);
}

static int s12_add(struct race_run *r, struct s12 *p, unsigned int which)
{
	if (which == 0)
		return rs_add_named(r, "dev0", &p->ids[0]);
	return rs_add_pci(r, 0, 5, 0, -1, &p->ids[1]);
}

static int s12_setup(struct race_run *r)
{
	struct s12 *p = rs_priv_get(r, sizeof(*p));
	int ret;

	if (!p)
		return -ENOMEM;
	ret = race_load_topology(r, s12_topo);
	if (!ret)
		ret = race_arm_injections(r);
	if (!ret)
		ret = rs_reg(r, "smmu0");
	if (!ret)
		ret = rs_reg(r, "dmar0");
	if (!ret)
		ret = s12_add(r, p, 0);
	if (!ret)
		ret = s12_add(r, p, 1);
	return ret;
}

static int s12_cycle(struct race_run *r, struct s12 *p, uint64_t k)
{
	struct pl_handle *h = race_handle(r);
	struct probelab_dev_info info;
	struct s12_choice c;
	uint32_t result, id;
	const char *name;
	int ret;

	s12_choose(race_opts(r)->seed, k, &c);
	id = p->ids[c.which];
	name = s12_names[c.which];
	ret = pl_drv_bind(h, id, PROBELAB_DRV_POOL, &result);
	if (ret)
		return race_fail(r, ret, "cycle %" PRIu64 ": DRV_BIND %s probelab-pool: %s",
				 k, name, strerror(-ret));
	if (result != PROBELAB_BIND_BOUND)
		return race_fail(r, -EPROTO, "cycle %" PRIu64 ": DRV_BIND %s probelab-pool deferred behind a registered instance",
				 k, name);
	race_sleep_us(c.pause_us);
	ret = pl_drv_unbind(h, id);
	if (ret)
		return race_fail(r, ret, "cycle %" PRIu64 ": DRV_UNBIND %s: %s",
				 k, name, strerror(-ret));
	switch (c.after) {
	case S12_NOTHING:
		break;
	case S12_CLAIM:
		ret = rs_dev_query(r, id, &info);
		if (!ret)
			ret = pl_claim_group(h, info.group_id);
		if (!ret)
			ret = pl_release_group(h, info.group_id);
		if (ret)
			return race_fail(r, ret, "cycle %" PRIu64 ": claiming the group of %s: %s",
					 k, name, strerror(-ret));
		break;
	case S12_REMOVE:
		ret = pl_dev_remove(h, id);
		if (ret)
			return race_fail(r, ret, "cycle %" PRIu64 ": DEV_REMOVE %s: %s",
					 k, name, strerror(-ret));
		ret = s12_add(r, p, c.which);
		break;
	}
	return ret;
}

static int s12_role(struct race_run *r, unsigned int role)
{
	uint64_t k;
	int ret = 0;

	(void)role;
	while (!ret && race_cycle_begin(r, &k)) {
		ret = rs_maybe_relab(r, k, S12_RELAB);
		if (!ret)
			ret = s12_cycle(r, race_priv(r), k);
		race_cycle_end(r);
	}
	return ret;
}

const struct race_scenario race_sc_unmap_after_unbind_stale_ops = {
	.name = "unmap-after-unbind-stale-ops",
	.summary = "DMA unmaps of a page_pool-like driver's in-flight pages after it unbound, racing a group claim or the device's removal",
	.mirrors = "page_pool crashes, 2024: pages returned after their driver unbound were unmapped through DMA state that no longer belonged to them (iommu_dma_unmap_page() on a removed device); fixed in 6.15 by \"page_pool: Track DMA-mapped pages and unmap them when destroying the pool\"",
	.expect = { [PROBELAB_POLICY_FIXED] = HOLD,
		    [PROBELAB_POLICY_LINUX_6_1] = REPRO,
		    [PROBELAB_POLICY_MAINLINE] = HOLD },
	.invariant = 7,
	.implemented = true,
	.note = "SMMUv3 smmu0 with dev0 and VT-d dmar0 with 00:05.0, both registered; per cycle DRV_BIND probelab-pool (4 pages mapped) to one of them, DRV_UNBIND, then nothing, a group claim and release, or DEV_REMOVE + DEV_ADD while the pages come back (pool.release delayed 200..600 us + 0..400 us)",
	.threads_what = "one: the scenario is sequential (the page returns race it)",
	.threads_def = 1, .threads_min = 1, .threads_max = 1,
	.nr_roles = rs_one_role,
	.setup = s12_setup,
	.role = s12_role,
	.cleanup = rs_priv_free,
	.plan = s12_plan,
	.injections = s12_injections,
};

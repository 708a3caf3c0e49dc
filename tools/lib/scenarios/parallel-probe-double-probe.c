// SPDX-License-Identifier: GPL-2.0
/*
 * libprobelab: race scenario parallel-probe-double-probe (2 in docs/races.md): its lab, its
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

static const char s2_topo[] =
	"{ \"version\": 1,"
	"  \"iommus\": [ { \"name\": \"dmar0\", \"type\": \"vtd\", \"segment\": 0,"
	"                \"include_pci_all\": true },"
	"              { \"name\": \"dmar1\", \"type\": \"vtd\", \"segment\": 1,"
	"                \"include_pci_all\": true } ] }";

#define S2_RELAB	1000

struct s2 {
	uint32_t ids[RACE_MAX_THREADS];
	struct rs_crew crew;
};

/*
 * Per cycle: the order the devices are added in, who starts first (the
 * adds or the registrations) and by how much, and dmar1's offset.
 */
struct s2_choice {
	unsigned int order[RACE_MAX_THREADS];
	bool adds_first;
	unsigned int lead_us;
	unsigned int dmar1_us;
};

static void s2_choose(uint64_t seed, uint64_t k, unsigned int n,
		      struct s2_choice *c)
{
	uint64_t s = race_rng_for(seed, 2, k);
	unsigned int i;

	for (i = 0; i < n; i++)
		c->order[i] = i;
	for (i = n; i > 1; i--) {
		unsigned int j = (unsigned int)race_rng_range(&s, 0, i - 1);
		unsigned int t = c->order[i - 1];

		c->order[i - 1] = c->order[j];
		c->order[j] = t;
	}
	c->adds_first = race_rng_range(&s, 0, 1);
	c->lead_us = (unsigned int)race_rng_range(&s, 0, 400);
	c->dmar1_us = (unsigned int)race_rng_range(&s, 0, 200);
}

static unsigned int s2_injections(uint64_t seed, struct probelab_inject *o,
				  unsigned int max)
{
	uint64_t s = race_rng_for(seed, 102, 0);

	if (!max)
		return 0;
	rs_inject_delay(&o[0], "probe.unlocked",
		     (uint32_t)race_rng_range(&s, 100, 200), 200,
		     race_rng_next(&s));
	return 1;
}

static void s2_plan(uint64_t seed, uint64_t k, unsigned int threads,
		    char *buf, size_t len)
{
	struct s2_choice c;
	size_t n = 0;

	s2_choose(seed, k, threads, &c);
	n += (size_t)snprintf(buf + n, len - n, "DEV_ADD");
	for (unsigned int i = 0; i < threads && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n, " 00:%02x.0",
				      c.order[i] + 1);
	if (n < len)
		snprintf(buf + n, len - n, " || IOMMU_REGISTER dmar0 || IOMMU_REGISTER dmar1 (+%u us); %s first by %u us; then DEV_REMOVE all, IOMMU_UNREGISTER dmar0 dmar1",
			 c.dmar1_us, c.adds_first ? "adds" : "registrations",
			 c.lead_us);
}

static int s2_setup(struct race_run *r)
{
	struct s2 *p = rs_priv_get(r, sizeof(*p));
	int ret;

	if (!p)
		return -ENOMEM;
	ret = race_load_topology(r, s2_topo);
	if (!ret)
		ret = race_arm_injections(r);
	return ret;
}

static void s2_job(struct rs_crew *cw, unsigned int i, uint64_t k)
{
	struct race_run *r = cw->r;
	struct s2 *p = cw->arg;
	unsigned int n = race_threads(r);
	struct s2_choice c;

	s2_choose(race_opts(r)->seed, k, n, &c);
	if (i == 0) {		/* the adds */
		if (!c.adds_first)
			race_sleep_us(c.lead_us);
		for (unsigned int j = 0; j < n && !race_stopping(r); j++)
			if (rs_add_pci(r, 0, c.order[j] + 1, 0, -1,
				    &p->ids[c.order[j]]))
				break;
		return;
	}
	if (c.adds_first)
		race_sleep_us(c.lead_us);
	if (i == 2)
		race_sleep_us(c.dmar1_us);
	rs_reg(r, i == 1 ? "dmar0" : "dmar1");
}

static void s2_before(void *arg)
{
	struct s2 *p = arg;

	memset(p->ids, 0, sizeof(p->ids));
}

static int s2_after(struct race_run *r, void *arg, uint64_t k)
{
	struct s2 *p = arg;
	int ret = 0;

	for (unsigned int i = 0; i < race_threads(r) && !ret; i++) {
		if (!p->ids[i])
			continue;
		ret = pl_dev_remove(race_handle(r), p->ids[i]);
		if (ret)
			race_fail(r, ret, "cycle %" PRIu64 ": DEV_REMOVE %u: %s",
				  k, p->ids[i], strerror(-ret));
	}
	if (!ret)
		ret = rs_unreg(r, "dmar0");
	if (!ret)
		ret = rs_unreg(r, "dmar1");
	return ret;
}

static int s2_role(struct race_run *r, unsigned int role)
{
	struct s2 *p = race_priv(r);

	(void)role;
	return rs_crew_role(r, &p->crew, 3, s2_job, p, S2_RELAB, s2_before,
			 s2_after);
}

const struct race_scenario race_sc_parallel_probe_double_probe = {
	.name = "parallel-probe-double-probe",
	.summary = "DEV_ADD of PCI devices against two VT-d DRHDs registering in parallel (the bus notifier's probe and two bus_iommu_probe() walks)",
	.mirrors = "\"iommu: Avoid races around device probe\" (Robin Murphy, reported by Brian Norris, Linux 6.2): parallel bus_iommu_probe() calls could probe one device twice",
	.expect = { [PROBELAB_POLICY_FIXED] = HOLD,
		    [PROBELAB_POLICY_LINUX_6_1] = REPRO,
		    [PROBELAB_POLICY_MAINLINE] = HOLD },
	.invariant = 2,
	.implemented = true,
	.note = "DRHDs dmar0 (segment 0) and dmar1 (segment 1); each cycle adds N devices on segment 0 while both register, then removes them and unregisters both; probe.unlocked delayed 100..200 us + 0..200 us; a cycle is one add/register round",
	.threads_what = "devices added per cycle",
	.threads_def = 4, .threads_min = 1, .threads_max = 8,
	.nr_roles = rs_one_role,
	.setup = s2_setup,
	.role = s2_role,
	.cleanup = rs_priv_free,
	.plan = s2_plan,
	.injections = s2_injections,
};

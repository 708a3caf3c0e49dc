// SPDX-License-Identifier: GPL-2.0
/*
 * libprobelab: race scenario bus-notifier-vs-registration (11 in docs/races.md): its lab, its
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

static const char s11_topo[] =
	"{ \"version\": 1,"
	"  \"iommus\": [ { \"name\": \"dmar0\", \"type\": \"vtd\", \"segment\": 0,"
	"                \"include_pci_all\": true } ] }";

#define S11_RELAB	500

struct s11 {
	uint32_t ids[RACE_MAX_THREADS];
	struct rs_crew crew;
};

struct s11_choice {
	unsigned int reg_lead_us;		/* before IOMMU_REGISTER */
	unsigned int add_lead_us[RACE_MAX_THREADS];	/* before DEV_ADD */
};

static void s11_choose(uint64_t seed, uint64_t k, unsigned int n,
		       struct s11_choice *c)
{
	uint64_t s = race_rng_for(seed, 11, k);

	c->reg_lead_us = (unsigned int)race_rng_range(&s, 0, 300);
	for (unsigned int i = 0; i < n; i++)
		c->add_lead_us[i] = (unsigned int)race_rng_range(&s, 0, 300);
}

static unsigned int s11_injections(uint64_t seed, struct probelab_inject *o,
				   unsigned int max)
{
	uint64_t s = race_rng_for(seed, 111, 0);
	unsigned int n = 0;

	if (max > n) {
		rs_inject_delay(&o[n++], "dev.visible",
			     (uint32_t)race_rng_range(&s, 200, 400), 200,
			     race_rng_next(&s));
	}
	if (max > n) {
		rs_inject_delay(&o[n++], "probe.unlocked",
			     (uint32_t)race_rng_range(&s, 50, 150), 100,
			     race_rng_next(&s));
	}
	return n;
}

static void s11_plan(uint64_t seed, uint64_t k, unsigned int threads,
		     char *buf, size_t len)
{
	struct s11_choice c;
	size_t n;

	s11_choose(seed, k, threads, &c);
	n = (size_t)snprintf(buf, len, "pause %u us, IOMMU_REGISTER dmar0",
			     c.reg_lead_us);
	for (unsigned int i = 0; i < threads && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n,
				      " || pause %u us, DEV_ADD 00:%02x.0",
				      c.add_lead_us[i], 4 + i);
	if (n < len)
		snprintf(buf + n, len - n, "; DEV_REMOVE each; IOMMU_UNREGISTER dmar0");
}

static int s11_setup(struct race_run *r)
{
	struct s11 *p = rs_priv_get(r, sizeof(*p));
	int ret;

	if (!p)
		return -ENOMEM;
	ret = race_load_topology(r, s11_topo);
	if (!ret)
		ret = race_arm_injections(r);
	return ret;
}

static void s11_job(struct rs_crew *cw, unsigned int i, uint64_t k)
{
	struct race_run *r = cw->r;
	struct s11 *p = cw->arg;
	struct s11_choice c;

	s11_choose(race_opts(r)->seed, k, race_threads(r), &c);
	if (i == 0) {
		race_sleep_us(c.reg_lead_us);
		rs_reg(r, "dmar0");
		return;
	}
	i--;
	race_sleep_us(c.add_lead_us[i]);
	p->ids[i] = 0;
	rs_add_pci(r, 0, 4 + i, 0, -1, &p->ids[i]);
}

static int s11_after(struct race_run *r, void *arg, uint64_t k)
{
	struct s11 *p = arg;
	int ret = 0;

	for (unsigned int i = 0; !ret && i < race_threads(r); i++) {
		if (!p->ids[i])
			continue;	/* its DEV_ADD failed (reported) */
		ret = pl_dev_remove(race_handle(r), p->ids[i]);
		if (ret)
			race_fail(r, ret, "cycle %" PRIu64 ": DEV_REMOVE 00:%02x.0: %s",
				  k, 4 + i, strerror(-ret));
	}
	if (!ret && !race_stopping(r))
		ret = rs_unreg(r, "dmar0");
	return ret;
}

static int s11_role(struct race_run *r, unsigned int role)
{
	struct s11 *p = race_priv(r);

	(void)role;
	return rs_crew_role(r, &p->crew, race_threads(r) + 1, s11_job, p,
			 S11_RELAB, NULL, s11_after);
}

const struct race_scenario race_sc_bus_notifier_vs_registration = {
	.name = "bus-notifier-vs-registration",
	.summary = "DEV_ADD (device on the bus before its add notifier's IOMMU probe) against IOMMU_REGISTER, whose bus_iommu_probe() walk already sees the device",
	.mirrors = "device_add() puts a device on the bus's klist - visible to bus_for_each_dev() - before BUS_NOTIFY_ADD_DEVICE runs (still so upstream); 6.1's unserialised __iommu_probe_device() lets the walk and the notifier both probe it; mainline's iommu_probe_device_lock and group check make the second a no-op",
	.expect = { [PROBELAB_POLICY_FIXED] = HOLD,
		    [PROBELAB_POLICY_LINUX_6_1] = REPRO,
		    [PROBELAB_POLICY_MAINLINE] = HOLD },
	.invariant = 2,
	.implemented = true,
	.note = "VT-d dmar0; per cycle IOMMU_REGISTER dmar0 after 0..300 us while N threads DEV_ADD a PCI function each after 0..300 us; dev.visible delayed 200..400 us + 0..200 us, probe.unlocked 50..150 us + 0..100 us; DEV_REMOVE each, IOMMU_UNREGISTER",
	.threads_what = "devices added per cycle",
	.threads_def = 2, .threads_min = 1, .threads_max = 8,
	.nr_roles = rs_one_role,
	.setup = s11_setup,
	.role = s11_role,
	.cleanup = rs_priv_free,
	.plan = s11_plan,
	.injections = s11_injections,
};

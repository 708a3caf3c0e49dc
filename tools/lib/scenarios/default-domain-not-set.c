// SPDX-License-Identifier: GPL-2.0
/*
 * libprobelab: race scenario default-domain-not-set (8 in docs/races.md): its lab, its
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

static const char s8_topo[] =
	"{ \"version\": 1,"
	"  \"iommus\": [ { \"name\": \"dmar0\", \"type\": \"vtd\", \"segment\": 0,"
	"                \"include_pci_all\": true } ] }";

#define S8_RELAB	500

struct s8 {
	uint32_t ids[RACE_MAX_THREADS];
	struct rs_crew crew;
};

/* Per cycle and binder: its pause between two QUERYs of its device. */
struct s8_choice {
	unsigned int poll_us[RACE_MAX_THREADS];
};

static void s8_choose(uint64_t seed, uint64_t k, unsigned int n,
		      struct s8_choice *c)
{
	uint64_t s = race_rng_for(seed, 8, k);

	for (unsigned int i = 0; i < n; i++)
		c->poll_us[i] = (unsigned int)race_rng_range(&s, 0, 50);
}

static unsigned int s8_injections(uint64_t seed, struct probelab_inject *o,
				  unsigned int max)
{
	uint64_t s = race_rng_for(seed, 108, 0);

	if (!max)
		return 0;
	rs_inject_delay(&o[0], "probe.default_domain",
		     (uint32_t)race_rng_range(&s, 300, 600), 400,
		     race_rng_next(&s));
	return 1;
}

static void s8_plan(uint64_t seed, uint64_t k, unsigned int threads,
		    char *buf, size_t len)
{
	struct s8_choice c;
	size_t n;

	s8_choose(seed, k, threads, &c);
	n = (size_t)snprintf(buf, len, "IOMMU_REGISTER dmar0 (%u devices waiting)",
			     threads);
	for (unsigned int i = 0; i < threads && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n,
				      " || QUERY 00:%02x.0 every %u us until probed, DRV_BIND probelab-dma",
				      2 + i, c.poll_us[i]);
	if (n < len)
		snprintf(buf + n, len - n, "; DRV_UNBIND each; IOMMU_UNREGISTER dmar0");
}

static int s8_setup(struct race_run *r)
{
	struct s8 *p = rs_priv_get(r, sizeof(*p));
	int ret;

	if (!p)
		return -ENOMEM;
	ret = race_load_topology(r, s8_topo);
	if (!ret)
		ret = race_arm_injections(r);
	/* added while dmar0 is not registered: they wait for it */
	for (unsigned int i = 0; !ret && i < race_threads(r); i++)
		ret = rs_add_pci(r, 0, 2 + i, 0, -1, &p->ids[i]);
	return ret;
}

/*
 * Job 0 registers dmar0; job i+1 binds device i as soon as QUERY says the
 * layer probed it - under linux-6.1 that is before its group's default
 * domain is there (pl_l61_vtd_probe(): group join, probe lock dropped,
 * iommu_alloc_default_domain()).
 */
static void s8_job(struct rs_crew *cw, unsigned int i, uint64_t k)
{
	struct race_run *r = cw->r;
	struct s8 *p = cw->arg;
	struct probelab_dev_info info;
	struct s8_choice c;
	uint32_t result;
	bool done;
	int ret;

	if (i == 0) {
		rs_reg(r, "dmar0");
		atomic_store(&cw->registered, true);
		return;
	}
	i--;
	s8_choose(race_opts(r)->seed, k, race_threads(r), &c);
	for (;;) {
		done = atomic_load(&cw->registered);
		ret = rs_dev_query(r, p->ids[i], &info);
		if (ret) {
			race_fail(r, ret, "cycle %" PRIu64 ": QUERY 00:%02x.0: %s",
				  k, 2 + i, strerror(-ret));
			return;
		}
		if (info.state == PROBELAB_DEV_PROBED)
			break;
		if (done) {
			race_fail(r, -EPROTO, "cycle %" PRIu64 ": 00:%02x.0 not probed after dmar0 registered (state %u)",
				  k, 2 + i, info.state);
			return;
		}
		if (race_stopping(r))
			return;
		race_sleep_us(c.poll_us[i]);
	}
	ret = pl_drv_bind(race_handle(r), p->ids[i], PROBELAB_DRV_DMA, &result);
	if (ret)
		race_fail(r, ret, "cycle %" PRIu64 ": DRV_BIND 00:%02x.0: %s",
			  k, 2 + i, strerror(-ret));
	else if (result != PROBELAB_BIND_BOUND)
		race_fail(r, -EPROTO, "cycle %" PRIu64 ": DRV_BIND 00:%02x.0 of a probed device: not bound",
			  k, 2 + i);
}

static int s8_after(struct race_run *r, void *arg, uint64_t k)
{
	struct s8 *p = arg;
	int ret = 0;

	for (unsigned int i = 0; !ret && i < race_threads(r); i++) {
		ret = pl_drv_unbind(race_handle(r), p->ids[i]);
		if (ret == -ENODEV && race_stopping(r))
			ret = 0;
		else if (ret)
			race_fail(r, ret, "cycle %" PRIu64 ": DRV_UNBIND 00:%02x.0: %s",
				  k, 2 + i, strerror(-ret));
	}
	return ret ? ret : rs_unreg(r, "dmar0");
}

static int s8_role(struct race_run *r, unsigned int role)
{
	struct s8 *p = race_priv(r);

	(void)role;
	return rs_crew_role(r, &p->crew, race_threads(r) + 1, s8_job, p,
			 S8_RELAB, NULL, s8_after);
}

const struct race_scenario race_sc_default_domain_not_set = {
	.name = "default-domain-not-set",
	.summary = "DRV_BIND of a DMA-API driver against the IOMMU probe at instance registration, between the group add and the group's default domain",
	.mirrors = "Qualcomm report, Linux 6.6: a client probed in the gap between its group's creation and its default domain (iommu_probe_device() drops the probe lock before iommu_alloc_default_domain() / the group's domain setup)",
	.expect = { [PROBELAB_POLICY_FIXED] = HOLD,
		    [PROBELAB_POLICY_LINUX_6_1] = REPRO,
		    [PROBELAB_POLICY_MAINLINE] = HOLD },
	.invariant = 3,
	.implemented = true,
	.note = "VT-d dmar0, N PCI devices added while it is unregistered; per cycle IOMMU_REGISTER dmar0 (its walk probes each device) while one binder per device polls QUERY and binds probelab-dma the moment the device is probed; probe.default_domain delayed 300..600 us + 0..400 us; then unbind all, IOMMU_UNREGISTER",
	.threads_what = "devices (one binder each)",
	.threads_def = 4, .threads_min = 1, .threads_max = 8,
	.nr_roles = rs_one_role,
	.setup = s8_setup,
	.role = s8_role,
	.cleanup = rs_priv_free,
	.plan = s8_plan,
	.injections = s8_injections,
};

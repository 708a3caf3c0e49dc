// SPDX-License-Identifier: GPL-2.0
/*
 * libprobelab: race scenario claim-vs-sibling-bind (7 in docs/races.md): its lab, its
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

static const char s7_topo[] =
	"{ \"version\": 1,"
	"  \"iommus\": [ { \"name\": \"dmar0\", \"type\": \"vtd\", \"segment\": 0,"
	"                \"include_pci_all\": true } ] }";

struct s7 {
	uint32_t a, b;		/* 00:01.0 and 00:01.1 (alias 00:01.0) */
	uint32_t group;
	struct pl_handle *owner;	/* the claimer's token */
	uint32_t domain;
};

enum s7_kind { S7_GROUP, S7_DEV_A, S7_DEV_B, S7_DEV_AB };

struct s7_choice {
	enum s7_kind kind;
	bool attach;
	unsigned int hold_us;
};

static void s7_choose(uint64_t seed, uint64_t k, struct s7_choice *c)
{
	uint64_t s = race_rng_for(seed, 7, k);

	c->kind = (enum s7_kind)race_rng_range(&s, 0, 3);
	c->attach = race_rng_range(&s, 0, 1);
	c->hold_us = (unsigned int)race_rng_range(&s, 0, 200);
}

/* A binder's iteration @i: its driver and its pause. */
static void s7_bind_choose(uint64_t seed, unsigned int binder, uint64_t i,
			   unsigned int *driver, unsigned int *pause_us)
{
	uint64_t s = race_rng_for(seed, 700 + binder, i);

	*driver = race_rng_range(&s, 0, 3) ? PROBELAB_DRV_DMA :
					     PROBELAB_DRV_USER;
	*pause_us = (unsigned int)race_rng_range(&s, 0, 200);
}

static unsigned int s7_injections(uint64_t seed, struct probelab_inject *o,
				  unsigned int max)
{
	uint64_t s = race_rng_for(seed, 107, 0);

	if (!max)
		return 0;
	rs_inject_delay(&o[0], "owner.claim", (uint32_t)race_rng_range(&s, 10, 40),
		     40, race_rng_next(&s));
	return 1;
}

static const char *const s7_kind_names[] = {
	[S7_GROUP] = "OWNER_CLAIM_GROUP",
	[S7_DEV_A] = "OWNER_CLAIM_DEVICE 00:01.0",
	[S7_DEV_B] = "OWNER_CLAIM_DEVICE 00:01.1",
	[S7_DEV_AB] = "OWNER_CLAIM_DEVICE 00:01.0 + 00:01.1",
};

static void s7_plan(uint64_t seed, uint64_t k, unsigned int threads,
		    char *buf, size_t len)
{
	struct s7_choice c;
	unsigned int drv, pause;
	size_t n;

	s7_choose(seed, k, &c);
	n = (size_t)snprintf(buf, len, "claimer: %s%s, hold %u us, %sRELEASE (EBUSY allowed)",
			     s7_kind_names[c.kind],
			     c.attach ? ", ATTACH unmanaged" : "", c.hold_us,
			     c.attach ? "DETACH, " : "");
	for (unsigned int b = 0; b < threads && n < len; b++) {
		s7_bind_choose(seed, b, k, &drv, &pause);
		n += (size_t)snprintf(buf + n, len - n,
				      "; binder %u (its round %" PRIu64 "): DRV_BIND 00:01.1 %s, pause %u us, DRV_UNBIND",
				      b, k, pl_driver_name(drv), pause);
	}
}

static int s7_setup(struct race_run *r)
{
	struct s7 *p = rs_priv_get(r, sizeof(*p));
	struct probelab_dev_info ia, ib;
	int ret;

	if (!p)
		return -ENOMEM;
	ret = race_load_topology(r, s7_topo);
	if (!ret)
		ret = race_arm_injections(r);
	if (!ret)
		ret = rs_reg(r, "dmar0");
	if (!ret)
		ret = rs_add_pci(r, 0, 1, 0, -1, &p->a);
	if (!ret)
		ret = rs_add_pci(r, 0, 1, 1, 0x0008, &p->b);
	if (ret)
		return ret;
	ret = rs_dev_query(r, p->a, &ia);
	if (!ret)
		ret = rs_dev_query(r, p->b, &ib);
	if (ret)
		return race_fail(r, ret, "QUERY: %s", strerror(-ret));
	if (!ia.group_id || ia.group_id != ib.group_id)
		return race_fail(r, -EPROTO, "00:01.0 (group %u) and 00:01.1 alias 00:01.0 (group %u) should share a group",
				 ia.group_id, ib.group_id);
	p->group = ia.group_id;
	if (!p->owner) {
		ret = pl_open(&p->owner);
		if (ret)
			return race_fail(r, ret, "a second %s: %s",
					 PL_DEVICE_PATH, strerror(-ret));
	}
	ret = pl_domain_alloc(p->owner, p->a, PROBELAB_DOMAIN_UNMANAGED,
			      &p->domain);
	if (ret)
		return race_fail(r, ret, "DOMAIN_ALLOC: %s", strerror(-ret));
	return 0;
}

static void s7_cleanup(struct race_run *r)
{
	struct s7 *p = race_priv(r);

	if (p && p->owner)
		pl_close(p->owner);
	rs_priv_free(r);
}

/* A claim or a release: 0, 1 when refused with EBUSY, -errno otherwise. */
static int s7_ok(int ret)
{
	return ret == -EBUSY ? 1 : ret;
}

static int s7_claimer(struct race_run *r, struct s7 *p)
{
	struct pl_handle *h = p->owner;
	struct s7_choice c;
	uint64_t k;
	int ret;

	while (race_cycle_begin(r, &k)) {
		bool got_a = false, got_b = false, got_g = false;

		s7_choose(race_opts(r)->seed, k, &c);
		ret = 0;
		if (c.kind == S7_GROUP) {
			ret = s7_ok(pl_claim_group(h, p->group));
			got_g = !ret;
		}
		if (c.kind == S7_DEV_A || c.kind == S7_DEV_AB) {
			ret = s7_ok(pl_claim_device(h, p->a));
			got_a = !ret;
		}
		if (ret >= 0 && (c.kind == S7_DEV_B || c.kind == S7_DEV_AB)) {
			int r2 = s7_ok(pl_claim_device(h, p->b));

			got_b = !r2;
			ret = r2 < 0 ? r2 : ret;
		}
		if (ret < 0)
			return race_fail(r, ret, "cycle %" PRIu64 ": %s: %s", k,
					 s7_kind_names[c.kind], strerror(-ret));
		if ((got_a || got_b || got_g) && c.attach) {
			ret = pl_attach(h, p->group, 0, p->domain);
			if (ret)
				return race_fail(r, ret, "cycle %" PRIu64 ": ATTACH: %s",
						 k, strerror(-ret));
			race_sleep_us(c.hold_us);
			ret = pl_detach(h, p->group, 0);
			if (ret)
				return race_fail(r, ret, "cycle %" PRIu64 ": DETACH: %s",
						 k, strerror(-ret));
		} else if (got_a || got_b || got_g) {
			race_sleep_us(c.hold_us);
		}
		ret = 0;
		if (got_g)
			ret = pl_release_group(h, p->group);
		if (!ret && got_a)
			ret = pl_release_device(h, p->a);
		if (!ret && got_b)
			ret = pl_release_device(h, p->b);
		if (ret)
			return race_fail(r, ret, "cycle %" PRIu64 ": OWNER_RELEASE: %s",
					 k, strerror(-ret));
		race_cycle_end(r);
	}
	return 0;
}

static int s7_binder(struct race_run *r, struct s7 *p, unsigned int b)
{
	struct pl_handle *h = race_handle(r);
	unsigned int drv, pause;
	uint32_t result;
	int ret;

	for (uint64_t i = 0; !race_stopping(r); i++) {
		s7_bind_choose(race_opts(r)->seed, b, i, &drv, &pause);
		ret = pl_drv_bind(h, p->b, drv, &result);
		if (ret == -EBUSY) {
			/* the group is claimed, or a sibling binder is bound */
			race_sleep_us(pause);
			continue;
		}
		if (ret)
			return race_fail(r, ret, "binder %u: DRV_BIND 00:01.1 %s: %s",
					 b, pl_driver_name(drv), strerror(-ret));
		race_sleep_us(pause);
		ret = pl_drv_unbind(h, p->b);
		if (ret && ret != -ENODEV)
			return race_fail(r, ret, "binder %u: DRV_UNBIND 00:01.1: %s",
					 b, strerror(-ret));
	}
	return 0;
}

static int s7_role(struct race_run *r, unsigned int role)
{
	struct s7 *p = race_priv(r);

	return role ? s7_binder(r, p, role - 1) : s7_claimer(r, p);
}

const struct race_scenario race_sc_claim_vs_sibling_bind = {
	.name = "claim-vs-sibling-bind",
	.summary = "group and device claims (with attach/detach) against DRV_BIND/UNBIND of the sibling in the same group - a control",
	.mirrors = "no bug: DMA ownership is taken and dropped atomically under the group's lock in every kernel modelled; any claim or bind may fail with EBUSY, owner_cnt and the domain must stay right",
	.expect = { [PROBELAB_POLICY_FIXED] = HOLD,
		    [PROBELAB_POLICY_LINUX_6_1] = HOLD,
		    [PROBELAB_POLICY_MAINLINE] = HOLD },
	.invariant = 4,
	.implemented = true,
	.note = "VT-d dmar0, 00:01.0 and 00:01.1 aliasing it (one group); the claimer (its own owner token) claims and releases, binders bind probelab-dma or probelab-user to 00:01.1; owner.claim delayed 10..40 us + 0..40 us; a cycle is one claim round",
	.threads_what = "binder threads",
	.threads_def = 1, .threads_min = 1, .threads_max = 4,
	.needs_op = OP(OWNER_CLAIM_GROUP) | OP(OWNER_CLAIM_DEVICE) |
		    OP(OWNER_RELEASE) | OP(DOMAIN_ALLOC) | OP(ATTACH) |
		    OP(DETACH),
	.nr_roles = rs_plus_one_role,
	.setup = s7_setup,
	.role = s7_role,
	.cleanup = s7_cleanup,
	.plan = s7_plan,
	.injections = s7_injections,
};

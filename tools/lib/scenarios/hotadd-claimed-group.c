// SPDX-License-Identifier: GPL-2.0
/*
 * libprobelab: race scenario hotadd-claimed-group (4 in docs/races.md): its lab, its
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

static const char s4_topo[] =
	"{ \"version\": 1,"
	"  \"iommus\": [ { \"name\": \"dmar0\", \"type\": \"vtd\", \"segment\": 0,"
	"                \"include_pci_all\": true } ] }";

#define S4_RELAB	2000

struct s4 {
	uint32_t a;
	uint32_t group;
};

struct s4_choice {
	bool claim_device;	/* iommufd style, else VFIO style */
	bool attach_device;
	unsigned int pages;	/* 4K pages mapped before the hot-add */
	unsigned int b_dev, b_fn;	/* the newcomer, aliasing 00:01.0 */
};

static void s4_choose(uint64_t seed, uint64_t k, struct s4_choice *c)
{
	uint64_t s = race_rng_for(seed, 4, k);

	c->claim_device = race_rng_range(&s, 0, 1);
	c->attach_device = race_rng_range(&s, 0, 1);
	c->pages = (unsigned int)race_rng_range(&s, 0, 3);
	if (race_rng_range(&s, 0, 1)) {
		c->b_dev = 1;
		c->b_fn = 1;
	} else {
		c->b_dev = (unsigned int)race_rng_range(&s, 2, 31);
		c->b_fn = 0;
	}
}

static void s4_plan(uint64_t seed, uint64_t k, unsigned int threads,
		    char *buf, size_t len)
{
	struct s4_choice c;

	(void)threads;
	s4_choose(seed, k, &c);
	snprintf(buf, len, "%s; DOMAIN_ALLOC unmanaged; ATTACH %s; MAP %u x 4K; DEV_ADD 00:%02x.%u alias 00:01.0 (joins the claimed group); UNMAP; DETACH; DOMAIN_FREE; RELEASE; IOMMU_UNREGISTER dmar0; DEV_REMOVE the newcomer; IOMMU_REGISTER dmar0",
		 c.claim_device ? "OWNER_CLAIM_DEVICE 00:01.0" :
		 "OWNER_CLAIM_GROUP", c.attach_device ? "device 00:01.0" :
		 "group", c.pages, c.b_dev, c.b_fn);
}

/* 00:01.0's group now (it changes at every registration). */
static int s4_group(struct race_run *r, struct s4 *p)
{
	struct probelab_dev_info info;
	int ret = rs_dev_query(r, p->a, &info);

	if (ret)
		return race_fail(r, ret, "QUERY 00:01.0: %s", strerror(-ret));
	if (info.state != PROBELAB_DEV_PROBED || !info.group_id)
		return race_fail(r, -EPROTO, "00:01.0 is %s with no group behind a registered DRHD",
				 pl_dev_state_name(info.state) ?
				 pl_dev_state_name(info.state) : "?");
	p->group = info.group_id;
	return 0;
}

static int s4_setup(struct race_run *r)
{
	struct s4 *p = rs_priv_get(r, sizeof(*p));
	int ret;

	if (!p)
		return -ENOMEM;
	ret = race_load_topology(r, s4_topo);
	if (!ret)
		ret = rs_reg(r, "dmar0");
	if (!ret)
		ret = rs_add_pci(r, 0, 1, 0, -1, &p->a);
	return ret;
}

#define S4_STEP(expr, ...)						\
	do {								\
		ret = (expr);						\
		if (ret)						\
			return race_fail(r, ret, "cycle %" PRIu64 ": " __VA_ARGS__); \
	} while (0)

/*
 * The hot-add, then back to one device: the newcomer shares 00:01.0's
 * requester ID, and the module blocks every ID of a device it releases,
 * so removing one member of the pair would block the other's entry too
 * (see docs/races.md).  Unregistering the DRHD releases both under one
 * lock hold; the newcomer then goes without a group to undo.
 */
static int s4_cycle(struct race_run *r, struct s4 *p, uint64_t k)
{
	struct pl_handle *h = race_handle(r);
	struct probelab_dev_info info;
	struct s4_choice c;
	uint32_t domain, b = 0;
	uint64_t done;
	int ret;

	s4_choose(race_opts(r)->seed, k, &c);
	ret = s4_group(r, p);
	if (ret)
		return ret;
	if (c.claim_device)
		S4_STEP(pl_claim_device(h, p->a), "OWNER_CLAIM_DEVICE 00:01.0: %s",
			k, strerror(-ret));
	else
		S4_STEP(pl_claim_group(h, p->group), "OWNER_CLAIM_GROUP %u: %s",
			k, p->group, strerror(-ret));
	S4_STEP(pl_domain_alloc(h, p->a, PROBELAB_DOMAIN_UNMANAGED, &domain),
		"DOMAIN_ALLOC: %s", k, strerror(-ret));
	S4_STEP(pl_attach(h, c.attach_device ? p->a : p->group,
			  c.attach_device, domain),
		"ATTACH domain %u: %s", k, domain, strerror(-ret));
	for (unsigned int i = 0; i < c.pages; i++)
		S4_STEP(pl_map(h, domain, 0x100000ull + i * 0x1000ull,
			       0x4000000ull + i * 0x1000ull, 0x1000,
			       PROBELAB_PROT_READ | PROBELAB_PROT_WRITE, &done),
			"MAP: %s", k, strerror(-ret));
	/* the hot-add into the claimed group */
	ret = rs_add_pci(r, 0, c.b_dev, c.b_fn, 0x0008, &b);
	if (ret)
		return ret;
	S4_STEP(rs_dev_query(r, b, &info), "QUERY the newcomer: %s", k,
		strerror(-ret));
	if (info.group_id != p->group)
		return race_fail(r, -EPROTO, "cycle %" PRIu64 ": 00:%02x.%u (alias 00:01.0) joined group %u, not the claimed group %u",
				 k, c.b_dev, c.b_fn, info.group_id, p->group);
	if (c.pages)
		S4_STEP(pl_unmap(h, domain, 0x100000ull, c.pages * 0x1000ull,
				 &done), "UNMAP: %s", k, strerror(-ret));
	S4_STEP(pl_detach(h, c.attach_device ? p->a : p->group,
			  c.attach_device), "DETACH: %s", k, strerror(-ret));
	S4_STEP(pl_domain_free(h, domain), "DOMAIN_FREE %u: %s", k, domain,
		strerror(-ret));
	if (c.claim_device)
		S4_STEP(pl_release_device(h, p->a), "OWNER_RELEASE device: %s",
			k, strerror(-ret));
	else
		S4_STEP(pl_release_group(h, p->group), "OWNER_RELEASE group: %s",
			k, strerror(-ret));
	ret = rs_unreg(r, "dmar0");
	if (!ret)
		S4_STEP(pl_dev_remove(h, b), "DEV_REMOVE the newcomer: %s", k,
			strerror(-ret));
	if (!ret)
		ret = rs_reg(r, "dmar0");
	return ret;
}

static int s4_role(struct race_run *r, unsigned int role)
{
	uint64_t k;
	int ret = 0;

	(void)role;
	while (!ret && race_cycle_begin(r, &k)) {
		ret = rs_maybe_relab(r, k, S4_RELAB);
		if (!ret)
			ret = s4_cycle(r, race_priv(r), k);
		race_cycle_end(r);
	}
	return ret;
}

const struct race_scenario race_sc_hotadd_claimed_group = {
	.name = "hotadd-claimed-group",
	.summary = "a device hot-added into a group an owner claimed and attached to an UNMANAGED domain",
	.mirrors = "Debian 6.1's iommu_probe_device() attaches a newcomer to the default domain only, and to nothing when the group is owned: its entries block while the group translates",
	.expect = { [PROBELAB_POLICY_FIXED] = HOLD,
		    [PROBELAB_POLICY_LINUX_6_1] = REPRO,
		    [PROBELAB_POLICY_MAINLINE] = HOLD },
	.invariant = 6,
	.implemented = true,
	.note = "VT-d dmar0, 00:01.0 probed; per cycle claim (group or device), DOMAIN_ALLOC + ATTACH, MAP, DEV_ADD of a function aliasing 00:01.0, undo, and IOMMU_UNREGISTER / DEV_REMOVE / IOMMU_REGISTER to get back to one device; deterministic",
	.threads_what = "one: the scenario is sequential",
	.threads_def = 1, .threads_min = 1, .threads_max = 1,
	.needs_op = OP(OWNER_CLAIM_GROUP) | OP(OWNER_CLAIM_DEVICE) |
		    OP(OWNER_RELEASE) | OP(DOMAIN_ALLOC) |
		    OP(DOMAIN_FREE) | OP(ATTACH) | OP(DETACH) |
		    OP(MAP) | OP(UNMAP),
	.deterministic = true,
	.nr_roles = rs_one_role,
	.setup = s4_setup,
	.role = s4_role,
	.cleanup = rs_priv_free,
	.plan = s4_plan,
};

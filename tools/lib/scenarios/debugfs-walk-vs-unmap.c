// SPDX-License-Identifier: GPL-2.0
/*
 * libprobelab: race scenario debugfs-walk-vs-unmap (6 in docs/races.md): its lab, its
 * seeded choices per cycle (the plan) and the roles that drive it.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "race_scenario_util.h"

#define REPRO	RACE_EXPECT_REPRODUCE
#define HOLD	RACE_EXPECT_HOLD
#define OP(x)	(1ull << PROBELAB_OP_##x)

static const char s6_topo_smmu[] =
	"{ \"version\": 1,"
	"  \"iommus\": [ { \"name\": \"smmu0\", \"type\": \"smmuv3\", \"sid_bits\": 16 } ],"
	"  \"endpoints\": [ { \"name\": \"dev0\","
	"                   \"iommus\": [ { \"iommu\": \"smmu0\", \"id\": 1 } ] } ] }";
static const char s6_topo_vtd[] =
	"{ \"version\": 1,"
	"  \"iommus\": [ { \"name\": \"dmar0\", \"type\": \"vtd\", \"segment\": 0,"
	"                \"include_pci_all\": true } ] }";

#define S6_MAX_REGIONS	8

struct s6 {
	bool vtd;
	uint32_t dev;
	uint32_t domain;
	char path[128];
};

struct s6_choice {
	unsigned int regions;	/* 2M regions of 4K pages */
	bool reverse;		/* unmap order */
};

/* The page-table format is chosen once per seed. */
static bool s6_vtd(uint64_t seed)
{
	return race_rng_for(seed, 600, 0) & 1;
}

static void s6_choose(uint64_t seed, uint64_t k, struct s6_choice *c)
{
	uint64_t s = race_rng_for(seed, 6, k);

	c->regions = (unsigned int)race_rng_range(&s, 4, S6_MAX_REGIONS);
	c->reverse = race_rng_range(&s, 0, 1);
}

static void s6_plan(uint64_t seed, uint64_t k, unsigned int threads,
		    char *buf, size_t len)
{
	struct s6_choice c;

	s6_choose(seed, k, &c);
	snprintf(buf, len, "%s domain: MAP %u x 2M of 4K pages at 0x40000000.., UNMAP them %s; alongside: %u debugfs pgtable walker(s)",
		 s6_vtd(seed) ? "VT-d second-level" : "SMMUv3 LPAE",
		 c.regions, c.reverse ? "last first" : "first first",
		 threads);
}

static int s6_setup(struct race_run *r)
{
	struct s6 *p = rs_priv_get(r, sizeof(*p));
	struct pl_handle *h = race_handle(r);
	uint32_t result = 0;
	int ret;

	if (!p)
		return -ENOMEM;
	p->vtd = s6_vtd(race_opts(r)->seed);
	ret = race_load_topology(r, p->vtd ? s6_topo_vtd : s6_topo_smmu);
	if (!ret)
		ret = rs_reg(r, p->vtd ? "dmar0" : "smmu0");
	if (!ret)
		ret = p->vtd ? rs_add_pci(r, 0, 1, 0, -1, &p->dev) :
			       rs_add_named(r, "dev0", &p->dev);
	if (ret)
		return ret;
	/* as VFIO: the driver-managed-DMA driver, then the claim (under
	 * linux-6.1 an SMMUv3 device is IOMMU-probed at its driver bind) */
	ret = pl_drv_bind(h, p->dev, PROBELAB_DRV_USER, &result);
	if (!ret && result != PROBELAB_BIND_BOUND)
		ret = -EPROTO;
	if (ret)
		return race_fail(r, ret, "DRV_BIND probelab-user: %s",
				 ret == -EPROTO ? "deferred" : strerror(-ret));
	ret = pl_claim_device(h, p->dev);
	if (ret)
		return race_fail(r, ret, "OWNER_CLAIM_DEVICE: %s", strerror(-ret));
	ret = pl_domain_alloc(h, p->dev, PROBELAB_DOMAIN_UNMANAGED, &p->domain);
	if (ret)
		return race_fail(r, ret, "DOMAIN_ALLOC: %s", strerror(-ret));
	ret = pl_attach(h, p->dev, 1, p->domain);
	if (ret)
		return race_fail(r, ret, "ATTACH: %s", strerror(-ret));
	snprintf(p->path, sizeof(p->path), RS_DEBUGFS_DOMAINS "/%u/pgtable",
		 p->domain);
	if (access(p->path, R_OK))
		return race_fail(r, -errno, "%s: %s (is debugfs mounted?)",
				 p->path, strerror(errno));
	return 0;
}

static int s6_walker(struct race_run *r, struct s6 *p)
{
	static char buf[65536];

	while (!race_stopping(r)) {
		int fd = open(p->path, O_RDONLY | O_CLOEXEC);

		if (fd < 0)
			return race_fail(r, -errno, "%s: %s", p->path,
					 strerror(errno));
		/* the contents do not matter: the walk does */
		while (read(fd, buf, sizeof(buf)) > 0)
			;
		close(fd);
	}
	return 0;
}

static int s6_role(struct race_run *r, unsigned int role)
{
	struct pl_handle *h = race_handle(r);
	struct s6 *p = race_priv(r);
	struct s6_choice c;
	uint64_t k, done;
	int ret;

	if (role)
		return s6_walker(r, p);
	while (race_cycle_begin(r, &k)) {
		s6_choose(race_opts(r)->seed, k, &c);
		for (unsigned int i = 0; i < c.regions; i++) {
			/* paddr 4K off a 2M boundary: 512 4K pages, one table */
			ret = pl_map(h, p->domain, 0x40000000ull + i * 0x200000ull,
				     0x80001000ull + i * 0x200000ull, 0x200000,
				     PROBELAB_PROT_READ | PROBELAB_PROT_WRITE,
				     &done);
			if (ret)
				return race_fail(r, ret, "cycle %" PRIu64 ": MAP region %u: %s",
						 k, i, strerror(-ret));
		}
		for (unsigned int j = 0; j < c.regions; j++) {
			unsigned int i = c.reverse ? c.regions - 1 - j : j;

			ret = pl_unmap(h, p->domain, 0x40000000ull + i * 0x200000ull,
				       0x200000, &done);
			if (ret)
				return race_fail(r, ret, "cycle %" PRIu64 ": UNMAP region %u: %s",
						 k, i, strerror(-ret));
		}
		race_cycle_end(r);
	}
	return 0;
}

const struct race_scenario race_sc_debugfs_walk_vs_unmap = {
	.name = "debugfs-walk-vs-unmap",
	.summary = "debugfs domains/<id>/pgtable walks against MAP/UNMAP of 2M regions of 4K pages in an UNMANAGED domain",
	.mirrors = "VT-d debugfs page-table dump racing unmap; the driver's own comment: \"could be solved by RCU-freeing\" - still open upstream",
	.expect = { [PROBELAB_POLICY_FIXED] = HOLD,
		    [PROBELAB_POLICY_LINUX_6_1] = REPRO,
		    [PROBELAB_POLICY_MAINLINE] = REPRO },
	.invariant = 8,
	.implemented = true,
	.note = "SMMUv3 (LPAE) or VT-d (second level), chosen by the seed; a cycle maps 4..8 regions and unmaps them (every unmap frees a last-level table) while walker threads read the debugfs dump",
	.threads_what = "debugfs walker threads",
	.threads_def = 1, .threads_min = 1, .threads_max = 8,
	.needs_op = OP(OWNER_CLAIM_DEVICE) | OP(DOMAIN_ALLOC) |
		    OP(ATTACH) | OP(MAP) | OP(UNMAP),
	.nr_roles = rs_plus_one_role,
	.setup = s6_setup,
	.role = s6_role,
	.cleanup = rs_priv_free,
	.plan = s6_plan,
	.known_bug = "debugfs-walk-freed-table",
};

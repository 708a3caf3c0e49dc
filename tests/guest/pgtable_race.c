// SPDX-License-Identifier: GPL-2.0
/*
 * Guest test: page-table walks racing unmap (DESIGN.md invariant 8).
 *
 * One process maps and unmaps 2 MiB regions of 4K pages in an UNMANAGED
 * domain for a few seconds (every unmap frees the region's last-level
 * table); another reads debugfs domains/<id>/pgtable in a loop (the walk
 * runs under RCU, without the lab lock).  Expected outcome per policy:
 *   fixed      holds: table levels are RCU-freed, zero violations
 *   linux-6.1  reproduces: levels are freed at once, the walk reports
 *              reaching a freed level (invariant 8) at least once
 *   mainline   reproduces: upstream still frees at once (the VT-d
 *              debugfs comment: "could be solved by RCU-freeing")
 * Both IOMMU formats: an SMMUv3 (LPAE) and a VT-d (second-level) domain:
 * one variant per format and policy.  PGTABLE_RACE_SECONDS overrides the
 * 5 s per run (less than the test's 600 s timeout).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "probelab.h"
#include "topo.h"

static const char topo_smmu[] =
	"{ \"version\": 1, \"iommus\": [ { \"name\": \"smmu0\", \"type\": \"smmuv3\", \"sid_bits\": 16 } ],"
	"  \"endpoints\": [ { \"name\": \"dev0\", \"iommus\": [ { \"iommu\": \"smmu0\", \"id\": 1 } ] } ] }";
static const char topo_vtd[] =
	"{ \"version\": 1, \"iommus\": [ { \"name\": \"dmar0\", \"type\": \"vtd\", \"segment\": 0,"
	"  \"include_pci_all\": true } ] }";

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void walker(unsigned int domain, double until)
{
	char path[96], buf[65536];

	snprintf(path, sizeof(path), "/sys/kernel/debug/probelab/domains/%u/pgtable",
		 domain);
	while (now() < until) {
		int fd = open(path, O_RDONLY);

		if (fd < 0)
			_exit(2);
		while (read(fd, buf, sizeof(buf)) > 0)
			;
		close(fd);
	}
	_exit(0);
}

struct outcome {
	int setup;		/* 0 or the failing step's errno */
	unsigned long cycles;
	unsigned long long violations;
};

static int run(struct pl_handle *h, int policy, int vtd, double seconds,
	       struct outcome *o)
{
	struct probelab_simple rs = { .size = sizeof(rs),
		.op = PROBELAB_OP_LAB_RESET };
	struct probelab_fw_load fl = { .size = sizeof(fl),
		.op = PROBELAB_OP_FW_LOAD, .policy = policy,
		.default_domain = PROBELAB_DOMAIN_DMA };
	struct probelab_iommu_ref ir = { .size = sizeof(ir),
		.op = PROBELAB_OP_IOMMU_REGISTER };
	struct probelab_dev_add da = { .size = sizeof(da),
		.op = PROBELAB_OP_DEV_ADD };
	struct probelab_owner cl = { .size = sizeof(cl),
		.op = PROBELAB_OP_OWNER_CLAIM_DEVICE };
	struct probelab_domain_alloc dal = { .size = sizeof(dal),
		.op = PROBELAB_OP_DOMAIN_ALLOC, .type = PROBELAB_DOMAIN_UNMANAGED };
	struct probelab_attach at = { .size = sizeof(at), .op = PROBELAB_OP_ATTACH,
		.flags = PROBELAB_ATTACH_DEVICE };
	struct probelab_check ck = { .size = sizeof(ck), .op = PROBELAB_OP_CHECK };
	struct probelab_drv_bind bd = { .size = sizeof(bd),
		.op = PROBELAB_OP_DRV_BIND, .driver = PROBELAB_DRV_USER };
	struct pl_topo *t;
	char err[256];
	double until;
	pid_t pid;
	int ret, status;

	memset(o, 0, sizeof(*o));
	if (pl_topo_load("inline", vtd ? topo_vtd : topo_smmu, &t, err,
			 sizeof(err))) {
		fprintf(stderr, "# topology: %s\n", err);
		return o->setup = -EINVAL;
	}
	fl.desc_uptr = (uintptr_t)t->blob;
	fl.desc_len = t->len;
	strcpy(ir.name, vtd ? "dmar0" : "smmu0");
	if (vtd) {
		da.kind = PROBELAB_DEV_PCI;
		da.devfn = 8;
	} else {
		da.kind = PROBELAB_DEV_NAMED;
		strcpy(da.name, "dev0");
	}
	if ((ret = pl_cmd(h, &rs)) || (ret = pl_cmd(h, &fl)) ||
	    (ret = pl_cmd(h, &ir)) || (ret = pl_cmd(h, &da)))
		goto out;
	/*
	 * As VFIO: bind the driver-managed-DMA driver, then claim.  (Under
	 * linux-6.1 an SMMUv3 device is IOMMU-probed only at driver bind.)
	 */
	bd.dev_id = da.dev_id;
	if ((ret = pl_cmd(h, &bd)))
		goto out;
	cl.id = da.dev_id;
	dal.dev_id = da.dev_id;
	if ((ret = pl_cmd(h, &cl)) || (ret = pl_cmd(h, &dal)))
		goto out;
	at.target = da.dev_id;
	at.domain_id = dal.domain_id;
	if ((ret = pl_cmd(h, &at)))
		goto out;

	until = now() + seconds;
	pid = fork();
	if (pid == 0)
		walker(dal.domain_id, until);
	while (now() < until) {
		for (unsigned int r = 0; r < 8; r++) {
			/* paddr 4K off a 2M boundary: 512 4K pages, one table */
			struct probelab_map m = { .size = sizeof(m),
				.op = PROBELAB_OP_MAP, .domain_id = dal.domain_id,
				.prot = PROBELAB_PROT_READ | PROBELAB_PROT_WRITE,
				.iova = 0x40000000ull + r * 0x200000ull,
				.paddr = 0x80001000ull + r * 0x200000ull,
				.length = 0x200000 };

			if ((ret = pl_cmd(h, &m)))
				break;
		}
		for (unsigned int r = 0; r < 8 && !ret; r++) {
			struct probelab_map u = { .size = sizeof(u),
				.op = PROBELAB_OP_UNMAP, .domain_id = dal.domain_id,
				.iova = 0x40000000ull + r * 0x200000ull,
				.length = 0x200000 };

			ret = pl_cmd(h, &u);
		}
		if (ret)
			break;
		o->cycles++;
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	if (ret)
		goto out;
	ret = pl_cmd(h, &ck);
	o->violations = ck.total;
out:
	if (ret)
		fprintf(stderr, "# setup or map/unmap failed: %s\n",
			strerror(-ret));
	pl_cmd(h, &rs);
	pl_topo_free(t);
	return o->setup = ret;
}

FIXTURE(pgtable_race) {
	struct pl_handle *h;
};

/* each format under each policy, and whether the policy reproduces */
FIXTURE_VARIANT(pgtable_race) {
	bool vtd;
	int policy;
	bool reproduces;
};

FIXTURE_VARIANT_ADD(pgtable_race, smmuv3_fixed) {
	.vtd = false, .policy = PROBELAB_POLICY_FIXED, .reproduces = false,
};

FIXTURE_VARIANT_ADD(pgtable_race, smmuv3_linux_6_1) {
	.vtd = false, .policy = PROBELAB_POLICY_LINUX_6_1, .reproduces = true,
};

FIXTURE_VARIANT_ADD(pgtable_race, smmuv3_mainline) {
	.vtd = false, .policy = PROBELAB_POLICY_MAINLINE, .reproduces = true,
};

FIXTURE_VARIANT_ADD(pgtable_race, vtd_fixed) {
	.vtd = true, .policy = PROBELAB_POLICY_FIXED, .reproduces = false,
};

FIXTURE_VARIANT_ADD(pgtable_race, vtd_linux_6_1) {
	.vtd = true, .policy = PROBELAB_POLICY_LINUX_6_1, .reproduces = true,
};

FIXTURE_VARIANT_ADD(pgtable_race, vtd_mainline) {
	.vtd = true, .policy = PROBELAB_POLICY_MAINLINE, .reproduces = true,
};

FIXTURE_SETUP(pgtable_race)
{
	struct probelab_info info;

	ASSERT_EQ(0, pl_open(&self->h)) TH_LOG("cannot open " PL_DEVICE_PATH);
	ASSERT_EQ(0, pl_get_info(self->h, &info));
}

FIXTURE_TEARDOWN(pgtable_race)
{
	if (self->h)
		pl_close(self->h);
}

/*
 * A walk racing unmap: under "fixed" it holds (no violation, some map/
 * unmap cycles); under the kernel policies it reproduces the
 * use-after-free at least once.
 */
TEST_F_TIMEOUT(pgtable_race, walk_vs_unmap, 600)
{
	const char *env = getenv("PGTABLE_RACE_SECONDS");
	double seconds = env ? atof(env) : 5.0;
	struct outcome o;

	run(self->h, variant->policy, variant->vtd, seconds, &o);
	ASSERT_EQ(0, o.setup) TH_LOG("setup failed");
	fprintf(stderr, "# %llu violations in %lu map/unmap cycles\n",
		o.violations, o.cycles);
	if (variant->reproduces) {
		EXPECT_GE(o.violations, 1);
	} else {
		EXPECT_EQ(0, o.violations);
		EXPECT_GT(o.cycles, 0);
	}
}

TEST_HARNESS_MAIN

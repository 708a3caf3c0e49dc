// SPDX-License-Identifier: GPL-2.0
/*
 * Guest test: the fail_nth sweep (iommufd_fail_nth.c's idea), policy
 * "fixed", on a VT-d DRHD and on an SMMUv3.  One operation sequence -
 * FW_LOAD, DEV_ADD before and after IOMMU_REGISTER, DMA-API bind and
 * unbind, group claim, DOMAIN_ALLOC, ATTACH, MAP, UNMAP, DETACH,
 * DOMAIN_FREE, release, a device claim left to the token's close, a
 * probelab-user bind, DEV_REMOVE, IOMMU_UNREGISTER, LAB_RESET - runs with
 * the global fail-nth counter armed (INJECT PROBELAB_INJECT_FAIL_NTH) at
 * n = 1, 2, ...: the nth hit of any fail-capable point fails, until a run
 * completes without reaching its nth hit.  After every run:
 *  - no violation was reported (automatic CHECK after every op) and a
 *    final CHECK finds none;
 *  - LAB_RESET succeeds and leaves no lab device, group, domain or
 *    dev_iommu in memory (debugfs stats live_*);
 *  - the module unloads and loads again.  A failed op
 * is expected (it is what was injected, or follows from it); an op that
 * fails with a warning in the kernel log fails the guest run (vm-run).
 */
#include "probe_util.h"

#define MAX_N		200
#define MODULE_PATH	"/opt/probelab/probelab.ko"

static int fail_nth(unsigned int action, uint32_t n, struct probelab_inject *out)
{
	struct probelab_inject c;
	int ret;

	memset(&c, 0, sizeof(c));
	c.flags = PROBELAB_INJECT_FAIL_NTH;
	c.action = action;
	c.every_nth = n;
	c.error = action == PROBELAB_INJECT_FAIL ? -ENOMEM : 0;
	ret = pl_inject(lab, &c);
	if (out)
		*out = c;
	return ret;
}

static uint32_t group_of(uint32_t id)
{
	struct probelab_dev_info info;
	char ref[16];

	snprintf(ref, sizeof(ref), "%u", id);
	return pl_dev_lookup(lab, ref, NULL, &info) ? 0 : info.group_id;
}

static long live(const char *key)
{
	char v[32];

	debugfs_field(DEBUGFS "/stats", key, 1, v, sizeof(v));
	return v[0] ? strtol(v, NULL, 10) : -1;
}

/* The sequence on @k; every op may fail, the next ones go on regardless. */
static void sequence(const struct iommu_kind *k, unsigned int *nfail)
{
	uint32_t a = 0, b1 = 0, b2 = 0, c = 0, g, dom = 0, result;
	const char *inst = k->inst;
	struct pl_handle *tok;
	int ret;

#define OP(x) do { if ((x)) (*nfail)++; } while (0)
	ret = topo_load(topo_one(k), PROBELAB_POLICY_FIXED,
			PROBELAB_DOMAIN_DMA);
	OP(ret);
	if (ret)
		return;
	/* waiting devices, probed at registration; one probed at add */
	OP(pl_dev_add_pci(lab, 0, 0, 2 << 3, NULL, 0, &a));
	{
		uint16_t alias = 5 << 8;

		OP(pl_dev_add_pci(lab, 0, 5, 1 << 3, &alias, 1, &b1));
		OP(pl_dev_add_pci(lab, 0, 5, 2 << 3, &alias, 1, &b2));
	}
	OP(pl_iommu_register(lab, inst));
	OP(pl_dev_add_pci(lab, 0, 0, 3 << 3, NULL, 0, &c));
	/* DMA-API bind and unbind */
	OP(pl_drv_bind(lab, a, PROBELAB_DRV_DMA, &result));
	OP(pl_drv_unbind(lab, a));
	/* VFIO style: claim, an owner's domain, map, back */
	g = group_of(a);
	OP(pl_claim_group(lab, g));
	OP(pl_domain_alloc(lab, a, PROBELAB_DOMAIN_UNMANAGED, &dom));
	OP(pl_attach(lab, g, 0, dom));
	OP(pl_map(lab, dom, 0x100000, 0x40000000, 0x200000,
		  PROBELAB_PROT_READ | PROBELAB_PROT_WRITE, NULL));
	OP(pl_unmap(lab, dom, 0x100000, 0x200000, NULL));
	OP(pl_detach(lab, g, 0));
	OP(pl_domain_free(lab, dom));
	OP(pl_release_group(lab, g));
	/* iommufd style, released by the token's close */
	if (pl_open(&tok) == 0) {
		OP(pl_claim_device(tok, b1));
		OP(pl_claim_device(tok, b2));
		pl_close(tok);
	}
	OP(pl_drv_bind(lab, b1, PROBELAB_DRV_USER, &result));
	OP(pl_drv_bind(lab, b2, PROBELAB_DRV_DMA, &result));
	OP(pl_dev_remove(lab, c));
	OP(pl_iommu_unregister(lab, inst));
	OP(pl_dev_remove(lab, b1));
	OP(pl_lab_reset(lab));
#undef OP
}

/* The module goes and comes back, and the lab is opened again: 0 or the errno, @err says why. */
static int reload(char *err, size_t len)
{
	int ret;

	pl_close(lab);
	lab = NULL;
	ret = pl_module_unload(3000, NULL, err, len);
	if (!ret)
		ret = pl_module_load(MODULE_PATH, NULL, err, len);
	if (!ret) {
		ret = pl_open(&lab);
		if (ret)
			snprintf(err, len, "open %s: %s", PL_DEVICE_PATH,
				 strerror(-ret));
	}
	return ret;
}

FIXTURE(fail_nth) {};
FIXTURE_VARIANTS_IOMMU(fail_nth);

FIXTURE_SETUP(fail_nth)
{
	lab_setup(_metadata, false);
}

FIXTURE_TEARDOWN(fail_nth)
{
	lab_teardown(_metadata);
}

/*
 * The sweep: n = 1, 2, ... until a run completes without reaching its
 * nth hit (at most MAX_N runs); after every run no violation, LAB_RESET
 * succeeds and leaves nothing in memory, the module unloads and loads.
 */
TEST_F_TIMEOUT(fail_nth, sweep, 600)
{
	const struct iommu_kind *k = variant->iommu;
	unsigned int n, bad_check = 0, bad_reset = 0, bad_leak = 0, runs = 0;
	struct probelab_inject q;
	bool done = false;
	char err[256];
	int ret;

	for (n = 1; n <= MAX_N && !done; n++) {
		struct pl_check_result r;
		unsigned int nfail = 0;
		long lg, ld, li, lv;
		uint64_t v0, v1;

		ASSERT_EQ(0, pl_lab_reset(lab));
		r = check_run(PROBELAB_CHECK_AUTO_ON);
		pl_check_result_free(&r);
		/* STATS counts across LAB_RESET, which ends the sequence */
		v0 = stats(false).violations;
		ASSERT_EQ(0, fail_nth(PROBELAB_INJECT_FAIL, n, NULL));
		sequence(k, &nfail);
		memset(&q, 0, sizeof(q));
		q.flags = PROBELAB_INJECT_FAIL_NTH | PROBELAB_INJECT_QUERY;
		ASSERT_EQ(0, pl_inject(lab, &q));
		ASSERT_EQ(0, fail_nth(PROBELAB_INJECT_OFF, 0, NULL));
		runs++;
		done = !q.fired;
		if (done && nfail)
			ksft_print_msg("n=%u: nothing injected, yet %u ops failed\n",
				       n, nfail);

		r = check_run(0);
		v1 = stats(false).violations;
		if (r.found || v1 != v0) {
			bad_check++;
			ksft_print_msg("n=%u (%llu hits): %u violations now, %llu during the run%s%s\n",
				       n, (unsigned long long)q.hits, r.found,
				       (unsigned long long)(v1 - v0),
				       r.nr ? ": " : "", r.nr ? r.v[0].what : "");
		}
		pl_check_result_free(&r);
		ret = pl_lab_reset(lab);
		if (ret) {
			bad_reset++;
			ksft_print_msg("n=%u: LAB_RESET: %s\n", n, strerror(-ret));
		}
		lg = live("live_groups:");
		ld = live("live_domains:");
		li = live("live_dev_iommus:");
		lv = live("lab_devices:");
		if (lg || ld || li || lv) {
			bad_leak++;
			ksft_print_msg("n=%u: after reset: %ld groups, %ld domains, %ld dev_iommus, %ld lab devices\n",
				       n, lg, ld, li, lv);
		}
		ASSERT_EQ(0, reload(err, sizeof(err)))
			TH_LOG("n=%u: module unload/reload: %s", n, err);
	}
	ksft_print_msg("%s: %u runs, the sequence's %u fail-capable hits\n",
		       k->inst, runs, runs ? runs - 1 : 0);
	EXPECT_TRUE(done) TH_LOG("the sequence still hit its nth at n=%u", MAX_N);
	EXPECT_EQ(0, bad_check) TH_LOG("runs with a violation");
	EXPECT_EQ(0, bad_reset) TH_LOG("runs whose LAB_RESET failed");
	EXPECT_EQ(0, bad_leak) TH_LOG("runs that leaked");
}

TEST_HARNESS_MAIN

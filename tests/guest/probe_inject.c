// SPDX-License-Identifier: GPL-2.0
/*
 * Guest test (policy "fixed", SMMUv3): the injection points through
 * libprobelab - every point is listed (debugfs inject/) and QUERYable; a
 * DELAY on dma_configure every 2nd hit delays exactly those binds (hits,
 * fired, bind times); a FAIL on dma_configure for one device makes its
 * bind fail with that errno while another device binds, and disarming
 * lets it bind; a FAIL with a probability repeats with the same seed;
 * LAB_RESET disarms; bad arguments get their errno.  The checker runs
 * after every op.
 */
#include "probe_util.h"

LAB_FIXTURE(inject, true);

static struct probelab_inject arm(const char *point, uint32_t action,
				  int32_t error, uint32_t delay,
				  uint32_t jitter, uint32_t every, uint32_t ppm,
				  uint32_t dev, uint64_t seed, int *ret)
{
	struct probelab_inject c;

	memset(&c, 0, sizeof(c));
	snprintf(c.point, sizeof(c.point), "%s", point);
	c.action = action;
	c.error = error;
	c.delay_us = delay;
	c.jitter_us = jitter;
	c.every_nth = every;
	c.ppm = ppm;
	c.dev_id = dev;
	c.seed = seed;
	*ret = pl_inject(lab, &c);
	return c;
}

static struct probelab_inject query(const char *point)
{
	struct probelab_inject q;

	must(pl_inject_query(lab, point, &q), "INJECT query");
	return q;
}

/*
 * The 22 known injection points are listed and QUERYable, all described
 * in debugfs inject/ and off after LAB_RESET.
 */
TEST_F(inject, list)
{
	struct pl_inject_point *v;
	unsigned int n, known = 0, dbg = 0, off = 0;

	ASSERT_EQ(0, pl_inject_list(lab, PL_INJECT_DEBUGFS, &v, &n));
	for (unsigned int i = 0; pl_inject_point_name(i); i++)
		for (unsigned int j = 0; j < n; j++)
			known += !strcmp(v[j].name, pl_inject_point_name(i));
	for (unsigned int j = 0; j < n; j++) {
		dbg += v[j].has_debugfs && v[j].context[0] && v[j].step[0];
		off += v[j].state.action == PROBELAB_INJECT_OFF;
	}
	EXPECT_EQ(22, n) TH_LOG("listed");
	EXPECT_EQ(22, known) TH_LOG("known to libprobelab");
	EXPECT_EQ(n, dbg) TH_LOG("described in debugfs inject/");
	EXPECT_EQ(n, off) TH_LOG("off after LAB_RESET");
	free(v);
}

/*
 * DELAY 30 ms on every 2nd dma_configure: QUERY reads it back; four
 * binds give 4 hits, 2 fired, and the 2nd and 4th binds take at least
 * the delay; debugfs inject/dma_configure agrees.
 */
TEST_F(inject, delay)
{
	struct probelab_inject q;
	uint64_t t[4];
	uint32_t d[4];
	char key[64], hits[16], fired[16];
	int ret;

	load_fixed_smmuv3();
	for (int i = 0; i < 4; i++)
		d[i] = add_pci(0, 0, 2 + i, 0);
	arm("dma_configure", PROBELAB_INJECT_DELAY, 0, 30000, 0, 2, 0, 0, 0,
	    &ret);
	ASSERT_EQ(0, ret);
	q = query("dma_configure");
	EXPECT_EQ(PROBELAB_INJECT_DELAY, q.action);
	EXPECT_EQ(30000, q.delay_us);
	EXPECT_EQ(2, q.every_nth);
	EXPECT_EQ(0, q.hits);
	EXPECT_EQ(0, q.fired);
	for (int i = 0; i < 4; i++) {
		uint64_t t0 = now_us();

		drv_bind(d[i], PROBELAB_DRV_DMA);
		t[i] = now_us() - t0;
	}
	q = query("dma_configure");
	EXPECT_EQ(4, q.hits);
	EXPECT_EQ(2, q.fired);
	EXPECT_GE(t[1], 30000)
		TH_LOG("the 2nd bind took %llu us (unfired: %llu, %llu us)",
		       (unsigned long long)t[1], (unsigned long long)t[0],
		       (unsigned long long)t[2]);
	EXPECT_GE(t[3], 30000)
		TH_LOG("the 4th bind took %llu us", (unsigned long long)t[3]);
	snprintf(key, sizeof(key), "%s", DEBUGFS "/inject/dma_configure");
	debugfs_field(key, "hits:", 1, hits, sizeof(hits));
	debugfs_field(key, "fired:", 1, fired, sizeof(fired));
	EXPECT_STREQ("4", hits);
	EXPECT_STREQ("2", fired);
	ASSERT_EQ(0, pl_inject_off(lab, "dma_configure"));
	expect_check_clean(_metadata, "delayed binds");
}

/*
 * FAIL EIO on dma_configure for one device: its bind fails with EIO (no
 * driver, dma_ops direct); another device binds and is not counted;
 * disarmed, the first binds.
 */
TEST_F(inject, fail_one_device)
{
	struct probelab_inject q;
	uint32_t x, y, res = 0;
	char ops[16];
	int ret;

	load_fixed_smmuv3();
	x = add_pci(0, 0, 2, 0);
	y = add_pci(0, 0, 3, 0);
	arm("dma_configure", PROBELAB_INJECT_FAIL, -EIO, 0, 0, 0, 0, x, 0, &ret);
	ASSERT_EQ(0, ret);
	EXPECT_EQ(-EIO, pl_drv_bind(lab, x, PROBELAB_DRV_DMA, &res));
	EXPECT_EQ(0, dev_get(x).driver);
	EXPECT_STREQ("direct", dma_ops_owner(x, ops, sizeof(ops)));
	EXPECT_EQ(0, pl_drv_bind(lab, y, PROBELAB_DRV_DMA, &res));
	EXPECT_EQ(PROBELAB_BIND_BOUND, res);
	q = query("dma_configure");
	EXPECT_EQ(1, q.hits);
	EXPECT_EQ(1, q.fired);
	ASSERT_EQ(0, pl_inject_off(lab, "dma_configure"));
	EXPECT_EQ(0, pl_drv_bind(lab, x, PROBELAB_DRV_DMA, &res));
	EXPECT_EQ(PROBELAB_BIND_BOUND, res);
	EXPECT_EQ(PROBELAB_DRV_DMA, dev_get(x).driver);
	expect_check_clean(_metadata, "a failed bind");
}

/* 64 group claims with owner.claim armed; bit i set when claim i failed. */
static uint64_t claim_pattern(uint32_t gid, uint64_t seed, uint64_t *fired,
			      uint64_t *hits)
{
	struct probelab_inject q;
	uint64_t pattern = 0;
	int ret;

	arm("owner.claim", PROBELAB_INJECT_FAIL, -ENOMEM, 0, 0, 0, 500000, 0,
	    seed, &ret);
	must(ret, "INJECT owner.claim");
	for (int i = 0; i < 64; i++) {
		ret = pl_claim_group(lab, gid);
		if (ret == -ENOMEM)
			pattern |= 1ULL << i;
		else
			must(ret ? ret : pl_release_group(lab, gid), "claim/release");
	}
	q = query("owner.claim");
	*fired = q.fired;
	*hits = q.hits;
	must(pl_inject_off(lab, "owner.claim"), "INJECT off");
	return pattern;
}

/*
 * FAIL ENOMEM on owner.claim at 500000 ppm: as many claims fail as fired
 * (between 10 and 54 of 64); re-armed with the same seed the same claims
 * fail, another seed fails others.
 */
TEST_F(inject, seeded_probability)
{
	uint64_t p1, p2, p3, f1, f2, f3, h1, h2, h3;
	uint32_t gid;
	int n1;

	load_fixed_smmuv3();
	gid = dev_get(add_pci(0, 0, 2, 0)).group_id;
	p1 = claim_pattern(gid, 42, &f1, &h1);
	p2 = claim_pattern(gid, 42, &f2, &h2);
	p3 = claim_pattern(gid, 43, &f3, &h3);
	n1 = __builtin_popcountll(p1);
	EXPECT_EQ(64, h1);
	EXPECT_EQ(n1, f1) TH_LOG("failed claims vs fired");
	EXPECT_GE(n1, 10);
	EXPECT_LE(n1, 54);
	EXPECT_EQ(p1, p2)
		TH_LOG("patterns %016llx and %016llx", (unsigned long long)p1,
		       (unsigned long long)p2);
	EXPECT_EQ(f1, f2);
	EXPECT_EQ(64, h2);
	EXPECT_NE(p1, p3) TH_LOG("another seed, pattern %016llx",
				 (unsigned long long)p3);
	EXPECT_EQ(64, h3);
	expect_check_clean(_metadata, "seeded failures");
}

/*
 * INJECT refuses: an unknown point ENOENT, FAIL on a delay-only point
 * EOPNOTSUPP, a delay above 1 s or above 1 ms on an atomic point ERANGE,
 * ppm above 10^6, errno 0 or below -4095, no delay, an unknown action or
 * an unterminated name EINVAL; a refused INJECT leaves the point off;
 * LAB_RESET disarms armed points.
 */
TEST_F(inject, errors_and_reset)
{
	struct probelab_inject c;
	int ret, r2;

	arm("no.such.point", PROBELAB_INJECT_DELAY, 0, 10, 0, 0, 0, 0, 0, &ret);
	EXPECT_EQ(-ENOENT, ret);
	arm("hw.step", PROBELAB_INJECT_FAIL, -EIO, 0, 0, 0, 0, 0, 0, &ret);
	EXPECT_EQ(-EOPNOTSUPP, ret);
	arm("probe.xlate", PROBELAB_INJECT_DELAY, 0,
	    PROBELAB_INJECT_MAX_DELAY_US + 1, 0, 0, 0, 0, 0, &ret);
	EXPECT_EQ(-ERANGE, ret);
	arm("hw.step", PROBELAB_INJECT_DELAY, 0, 900, 101, 0, 0, 0, 0, &ret);
	EXPECT_EQ(-ERANGE, ret);
	arm("probe.xlate", PROBELAB_INJECT_DELAY, 0, 10, 0, 0,
	    PROBELAB_INJECT_PPM + 1, 0, 0, &ret);
	EXPECT_EQ(-EINVAL, ret);
	arm("probe.xlate", PROBELAB_INJECT_FAIL, 0, 0, 0, 0, 0, 0, 0, &ret);
	EXPECT_EQ(-EINVAL, ret);
	arm("probe.xlate", PROBELAB_INJECT_FAIL, -4096, 0, 0, 0, 0, 0, 0, &ret);
	EXPECT_EQ(-EINVAL, ret);
	arm("probe.xlate", PROBELAB_INJECT_DELAY, 0, 0, 0, 0, 0, 0, 0, &ret);
	EXPECT_EQ(-EINVAL, ret);
	arm("probe.xlate", 7, 0, 10, 0, 0, 0, 0, 0, &ret);
	EXPECT_EQ(-EINVAL, ret);
	/* a name without its NUL, straight to the kernel */
	memset(&c, 'x', sizeof(c));
	memset(&c, 0, offsetof(struct probelab_inject, point));
	c.size = sizeof(c);
	c.op = PROBELAB_OP_INJECT;
	memset((char *)&c + offsetof(struct probelab_inject, action), 0,
	       sizeof(c) - offsetof(struct probelab_inject, action));
	EXPECT_EQ(-EINVAL, pl_cmd(lab, &c));
	EXPECT_EQ(PROBELAB_INJECT_OFF, query("probe.xlate").action);

	arm("hw.step", PROBELAB_INJECT_DELAY, 0, 500, 500, 3, 0, 0, 7, &ret);
	arm("probe.xlate", PROBELAB_INJECT_FAIL, -ENODEV, 0, 0, 0, 0, 0, 0, &r2);
	EXPECT_EQ(0, ret);
	EXPECT_EQ(0, r2);
	ASSERT_EQ(0, pl_lab_reset(lab));
	EXPECT_EQ(PROBELAB_INJECT_OFF, query("hw.step").action);
	EXPECT_EQ(PROBELAB_INJECT_OFF, query("probe.xlate").action);
}

TEST_HARNESS_MAIN

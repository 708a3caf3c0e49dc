// SPDX-License-Identifier: GPL-2.0
/*
 * Guest test (policy "fixed", SMMUv3): the injection points through
 * libprobelab - every point is listed (debugfs inject/) and QUERYable; a
 * DELAY on dma_configure every 2nd hit delays exactly those binds (hits,
 * fired, bind times); a FAIL on dma_configure for one device makes its
 * bind fail with that errno while another device binds, and disarming
 * lets it bind; a FAIL with a probability repeats with the same seed;
 * LAB_RESET disarms; bad arguments get their errno.  TAP output.
 */
#include <time.h>

#include "probe_util_tap.h"

static void load(void)
{
	struct pl_topo_builder *b = topo_new();
	int s = topo_smmu(b, "smmu0", 16);
	int rc = topo_rc(b, 0, 0, 0xff);

	must(pl_lab_reset(lab), "LAB_RESET");
	topo_map(b, rc, s, 0, 0x10000, 0);
	must(topo_load(b, PROBELAB_POLICY_FIXED, PROBELAB_DOMAIN_DMA), "FW_LOAD");
	must(pl_iommu_register(lab, "smmu0"), "IOMMU_REGISTER");
}

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

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

static void test_list(void)
{
	struct pl_inject_point *v;
	unsigned int n, known = 0, dbg = 0, off = 0;

	must(pl_inject_list(lab, PL_INJECT_DEBUGFS, &v, &n), "inject list");
	for (unsigned int i = 0; pl_inject_point_name(i); i++)
		for (unsigned int j = 0; j < n; j++)
			known += !strcmp(v[j].name, pl_inject_point_name(i));
	for (unsigned int j = 0; j < n; j++) {
		dbg += v[j].has_debugfs && v[j].context[0] && v[j].step[0];
		off += v[j].state.action == PROBELAB_INJECT_OFF;
	}
	tap_ok(n == 22 && known == 22 && dbg == n && off == n,
	       "the 22 known injection points are listed and QUERYable, all described in debugfs inject/ and off after LAB_RESET (%u listed, %u known, %u in debugfs, %u off)",
	       n, known, dbg, off);
	free(v);
}

static void test_delay(void)
{
	struct probelab_inject q;
	uint64_t t[4];
	uint32_t d[4];
	char key[64], hits[16], fired[16];
	int ret;

	load();
	for (int i = 0; i < 4; i++)
		d[i] = add_pci(0, 0, 2 + i, 0);
	arm("dma_configure", PROBELAB_INJECT_DELAY, 0, 30000, 0, 2, 0, 0, 0,
	    &ret);
	q = query("dma_configure");
	tap_ok(!ret && q.action == PROBELAB_INJECT_DELAY && q.delay_us == 30000 &&
	       q.every_nth == 2 && q.hits == 0 && q.fired == 0,
	       "DELAY 30 ms on every 2nd dma_configure armed (%d) and QUERY reads it back (action %u, %u us, every %u)",
	       ret, q.action, q.delay_us, q.every_nth);
	for (int i = 0; i < 4; i++) {
		uint64_t t0 = now_us();

		drv_bind(d[i], PROBELAB_DRV_DMA);
		t[i] = now_us() - t0;
	}
	q = query("dma_configure");
	tap_ok(q.hits == 4 && q.fired == 2,
	       "four binds: 4 hits, 2 fired (%llu, %llu)",
	       (unsigned long long)q.hits, (unsigned long long)q.fired);
	tap_ok(t[1] >= 30000 && t[3] >= 30000,
	       "the 2nd and 4th binds took at least the 30 ms delay (%llu us, %llu us; unfired: %llu us, %llu us)",
	       (unsigned long long)t[1], (unsigned long long)t[3],
	       (unsigned long long)t[0], (unsigned long long)t[2]);
	snprintf(key, sizeof(key), "%s", DEBUGFS "/inject/dma_configure");
	debugfs_field(key, "hits:", 1, hits, sizeof(hits));
	debugfs_field(key, "fired:", 1, fired, sizeof(fired));
	tap_ok(!strcmp(hits, "4") && !strcmp(fired, "2"),
	       "debugfs inject/dma_configure agrees (hits: %s, fired: %s)", hits,
	       fired);
	must(pl_inject_off(lab, "dma_configure"), "INJECT off");
	check_clean("delayed binds");
}

static void test_fail_one_device(void)
{
	struct probelab_inject q;
	uint32_t x, y, res = 0;
	char ops[16];
	int ret, r1, r2, r3;

	load();
	x = add_pci(0, 0, 2, 0);
	y = add_pci(0, 0, 3, 0);
	arm("dma_configure", PROBELAB_INJECT_FAIL, -EIO, 0, 0, 0, 0, x, 0, &ret);
	r1 = pl_drv_bind(lab, x, PROBELAB_DRV_DMA, &res);
	dma_ops_owner(x, ops, sizeof(ops));
	tap_ok(!ret && r1 == -EIO && dev_get(x).driver == 0 &&
	       !strcmp(ops, "direct"),
	       "FAIL EIO on dma_configure for device %u: its bind fails with EIO (%d), no driver, dma_ops %s",
	       x, r1, ops);
	r2 = pl_drv_bind(lab, y, PROBELAB_DRV_DMA, &res);
	q = query("dma_configure");
	tap_ok(r2 == 0 && res == PROBELAB_BIND_BOUND && q.hits == 1 && q.fired == 1,
	       "another device binds (%d) and is not counted: hits %llu, fired %llu",
	       r2, (unsigned long long)q.hits, (unsigned long long)q.fired);
	must(pl_inject_off(lab, "dma_configure"), "INJECT off");
	r3 = pl_drv_bind(lab, x, PROBELAB_DRV_DMA, &res);
	tap_ok(r3 == 0 && res == PROBELAB_BIND_BOUND &&
	       dev_get(x).driver == PROBELAB_DRV_DMA,
	       "disarmed, device %u binds (%d)", x, r3);
	check_clean("a failed bind");
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

static void test_seeded_probability(void)
{
	uint64_t p1, p2, p3, f1, f2, f3, h1, h2, h3;
	uint32_t gid;
	int n1;

	load();
	gid = dev_get(add_pci(0, 0, 2, 0)).group_id;
	p1 = claim_pattern(gid, 42, &f1, &h1);
	p2 = claim_pattern(gid, 42, &f2, &h2);
	p3 = claim_pattern(gid, 43, &f3, &h3);
	n1 = __builtin_popcountll(p1);
	tap_ok(h1 == 64 && f1 == (uint64_t)n1 && n1 >= 10 && n1 <= 54,
	       "FAIL ENOMEM on owner.claim at 500000 ppm: %llu of %llu claims failed, as many as fired (%d)",
	       (unsigned long long)f1, (unsigned long long)h1, n1);
	tap_ok(p1 == p2 && f1 == f2 && h2 == 64,
	       "re-armed with the same seed, the same claims fail (pattern %016llx and %016llx)",
	       (unsigned long long)p1, (unsigned long long)p2);
	tap_ok(p3 != p1 && h3 == 64,
	       "another seed fails other claims (pattern %016llx)",
	       (unsigned long long)p3);
	check_clean("seeded failures");
}

static void test_errors_and_reset(void)
{
	struct probelab_inject c, q;
	int r[10];

	arm("no.such.point", PROBELAB_INJECT_DELAY, 0, 10, 0, 0, 0, 0, 0, &r[0]);
	arm("hw.step", PROBELAB_INJECT_FAIL, -EIO, 0, 0, 0, 0, 0, 0, &r[1]);
	arm("probe.xlate", PROBELAB_INJECT_DELAY, 0, PROBELAB_INJECT_MAX_DELAY_US + 1,
	    0, 0, 0, 0, 0, &r[2]);
	arm("hw.step", PROBELAB_INJECT_DELAY, 0, 900, 101, 0, 0, 0, 0, &r[3]);
	arm("probe.xlate", PROBELAB_INJECT_DELAY, 0, 10, 0, 0,
	    PROBELAB_INJECT_PPM + 1, 0, 0, &r[4]);
	arm("probe.xlate", PROBELAB_INJECT_FAIL, 0, 0, 0, 0, 0, 0, 0, &r[5]);
	arm("probe.xlate", PROBELAB_INJECT_FAIL, -4096, 0, 0, 0, 0, 0, 0, &r[6]);
	arm("probe.xlate", PROBELAB_INJECT_DELAY, 0, 0, 0, 0, 0, 0, 0, &r[7]);
	arm("probe.xlate", 7, 0, 10, 0, 0, 0, 0, 0, &r[8]);
	/* a name without its NUL, straight to the kernel */
	memset(&c, 'x', sizeof(c));
	memset(&c, 0, offsetof(struct probelab_inject, point));
	c.size = sizeof(c);
	c.op = PROBELAB_OP_INJECT;
	memset((char *)&c + offsetof(struct probelab_inject, action), 0,
	       sizeof(c) - offsetof(struct probelab_inject, action));
	r[9] = pl_cmd(lab, &c);
	tap_ok(r[0] == -ENOENT && r[1] == -EOPNOTSUPP && r[2] == -ERANGE &&
	       r[3] == -ERANGE && r[4] == -EINVAL && r[5] == -EINVAL &&
	       r[6] == -EINVAL && r[7] == -EINVAL && r[8] == -EINVAL &&
	       r[9] == -EINVAL,
	       "INJECT refuses: unknown point ENOENT (%d), FAIL on a delay-only point EOPNOTSUPP (%d), delay above 1 s ERANGE (%d), above 1 ms on an atomic point ERANGE (%d), ppm above 10^6 (%d), errno 0 (%d) or below -4095 (%d), no delay (%d), unknown action (%d), unterminated name (%d): EINVAL",
	       r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9]);
	q = query("probe.xlate");
	tap_ok(q.action == PROBELAB_INJECT_OFF,
	       "a refused INJECT leaves the point off (action %u)", q.action);
	arm("hw.step", PROBELAB_INJECT_DELAY, 0, 500, 500, 3, 0, 0, 7, &r[0]);
	arm("probe.xlate", PROBELAB_INJECT_FAIL, -ENODEV, 0, 0, 0, 0, 0, 0, &r[1]);
	must(pl_lab_reset(lab), "LAB_RESET");
	tap_ok(!r[0] && !r[1] && query("hw.step").action == PROBELAB_INJECT_OFF &&
	       query("probe.xlate").action == PROBELAB_INJECT_OFF,
	       "LAB_RESET disarms armed points (armed: %d %d)", r[0], r[1]);
}

int main(void)
{
	struct pl_check_result r;

	lab_open();
	r = check_run(PROBELAB_CHECK_AUTO_ON);
	pl_check_result_free(&r);
	test_list();
	test_delay();
	test_fail_one_device();
	test_seeded_probability();
	test_errors_and_reset();
	r = check_run(PROBELAB_CHECK_AUTO_OFF);
	pl_check_result_free(&r);
	tap_plan(tap_n);
	return lab_close();
}

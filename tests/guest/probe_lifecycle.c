// SPDX-License-Identifier: GPL-2.0
/*
 * Guest test (policy "fixed", SMMUv3): the lifecycle of lab objects under
 * hostile use (issue 11).
 *  - D1: a device is findable only once DEV_ADD has built it: with
 *    dev.visible delayed, DEV_REMOVE and DRV_BIND of its id get ENOENT,
 *    LAB_RESET waits for the add and removes the device (no half-added
 *    device reaches device_del()).
 *  - D6: lab devices sit under their own parent: named devices called
 *    "virtual", "platform" or "system" are added; a name taken by an
 *    instance device (iommu-NAME) or another named device is EEXIST;
 *    "." and ".." are EINVAL.
 *  - D5: a DRV_BIND refused with EBUSY (group claimed) leaves no wish
 *    behind: unregistering and registering the instance binds nothing.
 *  - FW_LOAD with desc_len 0 is EINVAL.
 *  - LAB_RESET waits for RACE threads working on a device it removes.
 *  - A short multi-threaded hammer of the lifecycle operations leaves a
 *    clean lab that resets.
 * TAP output.
 */
#include <pthread.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "probe_util_tap.h"

#define SLOW_US		800000	/* dev.visible delay */

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

static void slow_visible(void)
{
	struct probelab_inject c;

	memset(&c, 0, sizeof(c));
	snprintf(c.point, sizeof(c.point), "dev.visible");
	c.action = PROBELAB_INJECT_DELAY;
	c.delay_us = SLOW_US;
	must(pl_inject(lab, &c), "INJECT dev.visible");
}

/* DEV_ADD of PCI 00:03.0 on a handle of its own (a background thread) */
struct adder {
	pthread_t thread;
	int ret;
	uint32_t id;
};

static void *adder_run(void *arg)
{
	struct adder *a = arg;
	struct pl_handle *h;

	a->ret = pl_open(&h);
	if (a->ret)
		return NULL;
	a->ret = pl_dev_add_pci(h, 0, 0, 3 << 3, NULL, 0, &a->id);
	pl_close(h);
	return NULL;
}

static void adder_start(struct adder *a)
{
	memset(a, 0, sizeof(*a));
	if (pthread_create(&a->thread, NULL, adder_run, a))
		bail("pthread_create");
	usleep(SLOW_US / 4);	/* the add is inside its delay now */
}

/* The id the next DEV_ADD gets (ids are handed out in order). */
static uint32_t next_id(void)
{
	uint32_t id = add_pci(0, 0, 2, 0);

	must(pl_dev_remove(lab, id), "DEV_REMOVE");
	return id + 1;
}

static void test_remove_while_adding(void)
{
	struct adder a;
	uint32_t id, result = 0;
	int rm, bind;

	load();
	id = next_id();
	slow_visible();
	adder_start(&a);
	rm = pl_dev_remove(lab, id);
	bind = pl_drv_bind(lab, id, PROBELAB_DRV_DMA, &result);
	pthread_join(a.thread, NULL);
	tap_ok(rm == -ENOENT && bind == -ENOENT,
	       "D1: DEV_REMOVE and DRV_BIND of a device still being added: ENOENT (%s, %s)",
	       pl_errno_name(rm), pl_errno_name(bind));
	tap_ok(a.ret == 0 && a.id == id && dev_get(id).state == PROBELAB_DEV_PROBED,
	       "D1: the add completes (%s, id %u, expected %u) and the device is probed",
	       pl_errno_name(a.ret), a.id, id);
	tap_ok(pl_dev_remove(lab, id) == 0 && nr_devices() == 0,
	       "D1: once added it is removed normally");
}

static void test_reset_while_adding(void)
{
	struct adder a;
	uint64_t t0, t;
	int ret;

	load();
	slow_visible();
	adder_start(&a);
	t0 = now_us();
	ret = pl_lab_reset(lab);
	t = now_us() - t0;
	pthread_join(a.thread, NULL);
	tap_ok(ret == 0 && a.ret == 0,
	       "D1: LAB_RESET during DEV_ADD succeeds (%s), so does the add (%s)",
	       pl_errno_name(ret), pl_errno_name(a.ret));
	tap_ok(t >= SLOW_US / 2 && nr_devices() == 0,
	       "D1: the reset waited for the add (%llu us) and removed the device (%u left)",
	       (unsigned long long)t, nr_devices());
}

static int add_named_ret(const char *name)
{
	uint32_t id;

	return pl_dev_add_named(lab, name, &id);
}

static void test_names(void)
{
	static const char *const kernel_names[] = {
		"virtual", "platform", "system", "probelab",
	};
	char path[128];
	struct stat st;
	unsigned int i;
	int ret;

	load();
	for (i = 0; i < sizeof(kernel_names) / sizeof(kernel_names[0]); i++) {
		ret = add_named_ret(kernel_names[i]);
		snprintf(path, sizeof(path), "/sys/bus/probelab/devices/%s",
			 kernel_names[i]);
		tap_ok(ret == 0 && !stat(path, &st),
		       "D6: a named device '%s' is added (%s) and in sysfs",
		       kernel_names[i], pl_errno_name(ret));
	}
	ret = add_named_ret("iommu-smmu0");
	tap_ok(ret == -EEXIST,
	       "D6: a named device 'iommu-smmu0' (the instance device's name): EEXIST (%s)",
	       pl_errno_name(ret));
	ret = add_named_ret("virtual");
	tap_ok(ret == -EEXIST, "D6: 'virtual' a second time: EEXIST (%s)",
	       pl_errno_name(ret));
	ret = add_named_ret(".");
	tap_ok(ret == -EINVAL, "D6: a named device '.': EINVAL (%s)",
	       pl_errno_name(ret));
	ret = add_named_ret("..");
	tap_ok(ret == -EINVAL, "D6: a named device '..': EINVAL (%s)",
	       pl_errno_name(ret));
	ret = add_named_ret("a/b");
	tap_ok(ret == -EINVAL, "D6: a named device 'a/b': EINVAL (%s)",
	       pl_errno_name(ret));
	tap_ok(nr_devices() == 4, "D6: four devices in the lab (%u)",
	       nr_devices());
	must(pl_lab_reset(lab), "LAB_RESET");
}

static void test_refused_bind(void)
{
	struct probelab_dev_info d;
	uint32_t id, result = 0;
	int ret;

	load();
	id = add_pci(0, 0, 4, 0);
	d = dev_get(id);
	must(pl_claim_group(lab, d.group_id), "OWNER_CLAIM_GROUP");
	ret = pl_drv_bind(lab, id, PROBELAB_DRV_DMA, &result);
	tap_ok(ret == -EBUSY,
	       "D5: DRV_BIND dma in a claimed group is refused with EBUSY (%s)",
	       pl_errno_name(ret));
	must(pl_iommu_unregister(lab, "smmu0"), "IOMMU_UNREGISTER");
	must(pl_iommu_register(lab, "smmu0"), "IOMMU_REGISTER");
	d = dev_get(id);
	tap_ok(d.state == PROBELAB_DEV_PROBED && d.driver == 0,
	       "D5: after unregister and register the device is probed and bound to nothing (driver %u)",
	       d.driver);
	ret = pl_drv_bind(lab, id, PROBELAB_DRV_USER, &result);
	tap_ok(ret == 0 && result == PROBELAB_BIND_BOUND,
	       "D5: a later DRV_BIND user binds (%s)", pl_errno_name(ret));
}

static void test_fw_load_empty(void)
{
	struct probelab_fw_load c;
	static char blob[8];
	int ret;

	must(pl_lab_reset(lab), "LAB_RESET");
	memset(&c, 0, sizeof(c));
	c.size = sizeof(c);
	c.op = PROBELAB_OP_FW_LOAD;
	c.default_domain = PROBELAB_DOMAIN_DMA;
	c.desc_uptr = (uint64_t)(uintptr_t)blob;
	c.desc_len = 0;
	ret = pl_cmd(lab, &c);
	tap_ok(ret == -EINVAL, "FW_LOAD with desc_len 0: EINVAL (%s)",
	       pl_errno_name(ret));
	c.desc_len = sizeof(blob);
	ret = pl_cmd(lab, &c);
	tap_ok(ret == -EINVAL,
	       "FW_LOAD of 8 bytes (shorter than the header): EINVAL (%s)",
	       pl_errno_name(ret));
}

/* RACE of_configure on device @id for RACE_MS, on a handle of its own */
#define RACE_MS		1500

struct racer {
	pthread_t thread;
	uint32_t id;
	int ret;
	uint64_t cycles;
};

static void *racer_run(void *arg)
{
	struct racer *rc = arg;
	struct probelab_race c;
	struct pl_handle *h;

	rc->ret = pl_open(&h);
	if (rc->ret)
		return NULL;
	memset(&c, 0, sizeof(c));
	c.size = sizeof(c);
	c.op = PROBELAB_OP_RACE;
	c.actor = PROBELAB_RACE_OF_CONFIGURE;
	c.dev_id = rc->id;
	c.threads = 2;
	c.duration_ms = RACE_MS;
	rc->ret = pl_cmd(h, &c);
	rc->cycles = c.cycles;
	pl_close(h);
	return NULL;
}

static void test_reset_while_racing(void)
{
	struct racer rc;
	uint64_t t0, t;
	int ret;

	load();
	memset(&rc, 0, sizeof(rc));
	rc.id = add_pci(0, 0, 5, 0);
	if (pthread_create(&rc.thread, NULL, racer_run, &rc))
		bail("pthread_create");
	usleep(RACE_MS * 1000 / 5);
	t0 = now_us();
	ret = pl_lab_reset(lab);
	t = now_us() - t0;
	pthread_join(rc.thread, NULL);
	tap_ok(ret == 0 && rc.ret == 0 && rc.cycles > 0,
	       "RACE during LAB_RESET: both succeed (%s, %s, %llu cycles)",
	       pl_errno_name(ret), pl_errno_name(rc.ret),
	       (unsigned long long)rc.cycles);
	tap_ok(t >= RACE_MS * 1000ULL / 2,
	       "the reset waited for the RACE threads before dropping the description (%llu us)",
	       (unsigned long long)t);
}

/*
 * A short hammer: threads on handles of their own FW_LOAD, LAB_RESET,
 * DEV_ADD, DEV_REMOVE, IOMMU_REGISTER/UNREGISTER and DRV_BIND/UNBIND at
 * random for HAMMER_MS; errors are expected, a crash, a hang or a dirty
 * lab afterwards are not.
 */
#define HAMMER_THREADS	4
#define HAMMER_MS	3000

static void *hammer_blob;
static size_t hammer_len;
static uint64_t hammer_end;

struct hammer {
	pthread_t thread;
	unsigned int seed;
	unsigned long ops, ok, ebusy;
	int bad;		/* an errno outside the expected ones */
};

static void *hammer_run(void *arg)
{
	struct hammer *hm = arg;
	struct pl_handle *h;
	uint32_t id, result;
	int ret;

	if (pl_open(&h))
		return NULL;
	while (now_us() < hammer_end) {
		unsigned int r = (unsigned int)rand_r(&hm->seed);
		uint32_t dev = 1 + r / 16 % 64;

		switch (r % 9) {
		case 0:
			ret = pl_fw_load(h, hammer_blob, hammer_len,
					 PROBELAB_POLICY_FIXED,
					 PROBELAB_DOMAIN_DMA, NULL);
			break;
		case 1:
			ret = r / 16 % 8 ? 0 : pl_lab_reset(h);
			break;
		case 2:
		case 3:
			ret = pl_dev_add_pci(h, 0, 0, (uint8_t)(r / 16 % 32 << 3),
					     NULL, 0, &id);
			break;
		case 4:
			ret = pl_dev_remove(h, dev);
			break;
		case 5:
			ret = pl_iommu_register(h, "smmu0");
			break;
		case 6:
			ret = pl_iommu_unregister(h, "smmu0");
			break;
		case 7:
			ret = pl_drv_bind(h, dev, PROBELAB_DRV_DMA, &result);
			break;
		default:
			ret = pl_drv_unbind(h, dev);
			break;
		}
		hm->ops++;
		if (!ret)
			hm->ok++;
		else if (ret == -EBUSY)
			hm->ebusy++;
		else if (ret != -ENOENT && ret != -ENODATA && ret != -EEXIST &&
			 ret != -EINVAL && ret != -ENODEV && ret != -EAGAIN)
			hm->bad = ret;
	}
	pl_close(h);
	return NULL;
}

static void test_hammer(void)
{
	struct pl_topo_builder *b = topo_new();
	struct hammer hm[HAMMER_THREADS];
	struct pl_check_result cr;
	unsigned long ops = 0, ok = 0, ebusy = 0;
	char err[256];
	int s, rc, bad = 0, ret;
	unsigned int i;

	s = topo_smmu(b, "smmu0", 16);
	rc = topo_rc(b, 0, 0, 0xff);
	topo_map(b, rc, s, 0, 0x10000, 0);
	if (pl_topo_builder_finish(b, &hammer_blob, &hammer_len, err,
				   sizeof(err)))
		bail("description: %s", err);
	pl_topo_builder_free(b);
	must(pl_lab_reset(lab), "LAB_RESET");
	hammer_end = now_us() + HAMMER_MS * 1000ULL;
	for (i = 0; i < HAMMER_THREADS; i++) {
		memset(&hm[i], 0, sizeof(hm[i]));
		hm[i].seed = 0x5eed + i;
		if (pthread_create(&hm[i].thread, NULL, hammer_run, &hm[i]))
			bail("pthread_create");
	}
	for (i = 0; i < HAMMER_THREADS; i++) {
		pthread_join(hm[i].thread, NULL);
		ops += hm[i].ops;
		ok += hm[i].ok;
		ebusy += hm[i].ebusy;
		if (hm[i].bad)
			bad = hm[i].bad;
	}
	free(hammer_blob);
	tap_ok(ops > 0 && !bad,
	       "hammer: %lu ops in %u threads for %u ms (%lu succeeded, %lu EBUSY), no unexpected errno (%s)",
	       ops, HAMMER_THREADS, HAMMER_MS, ok, ebusy,
	       bad ? pl_errno_name(bad) : "none");
	ret = pl_check(lab, 0, 4, &cr);
	tap_ok(!ret && cr.found == 0,
	       "hammer: CHECK afterwards finds no violation (%s, %u found)",
	       pl_errno_name(ret), ret ? 0 : cr.found);
	if (!ret)
		pl_check_result_free(&cr);
	ret = pl_lab_reset(lab);
	tap_ok(ret == 0 && nr_devices() == 0 && nr_groups() == 0,
	       "hammer: LAB_RESET afterwards succeeds (%s) and empties the lab",
	       pl_errno_name(ret));
}

int main(void)
{
	lab_open();
	test_fw_load_empty();
	test_names();
	test_refused_bind();
	test_reset_while_adding();
	test_remove_while_adding();
	test_reset_while_racing();
	test_hammer();
	tap_ok(stats(false).violations == 0, "no violation reported");
	tap_plan(tap_n);
	return lab_close();
}

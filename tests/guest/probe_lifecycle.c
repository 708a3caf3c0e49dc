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
 *  - FW_LOAD is EBUSY while RACE threads run, even once their device is
 *    removed: they read the description without the lab lock.
 *  - A short multi-threaded hammer of the lifecycle operations leaves a
 *    clean lab that resets.
 * No test reports a violation.
 */
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>

#include "probe_util.h"

#define SLOW_US		800000	/* dev.visible delay */

FIXTURE(lifecycle) {};

FIXTURE_SETUP(lifecycle)
{
	lab_setup(_metadata, false);
}

FIXTURE_TEARDOWN(lifecycle)
{
	expect_no_violations(_metadata);
	lab_teardown(_metadata);
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

/* LAB_RESET, its result in @ret; how long it took (µs). */
static uint64_t reset_timed(int *ret)
{
	uint64_t t0 = now_us();

	*ret = pl_lab_reset(lab);
	return now_us() - t0;
}

/* The id the next DEV_ADD gets (ids are handed out in order). */
static uint32_t next_id(void)
{
	uint32_t id = add_pci(0, 0, 2, 0);

	must(pl_dev_remove(lab, id), "DEV_REMOVE");
	return id + 1;
}

/*
 * D1: DEV_REMOVE and DRV_BIND of a device still being added (dev.visible
 * delayed): ENOENT; the add completes with the id expected and the device
 * is probed; once added it is removed normally.
 */
TEST_F(lifecycle, remove_while_adding)
{
	struct adder a;
	uint32_t id, result = 0;
	int rm, bind;

	load_fixed_smmuv3();
	id = next_id();
	slow_visible();
	adder_start(&a);
	rm = pl_dev_remove(lab, id);
	bind = pl_drv_bind(lab, id, PROBELAB_DRV_DMA, &result);
	pthread_join(a.thread, NULL);
	EXPECT_EQ(-ENOENT, rm) TH_LOG("DEV_REMOVE: %s", pl_errno_name(rm));
	EXPECT_EQ(-ENOENT, bind) TH_LOG("DRV_BIND: %s", pl_errno_name(bind));
	EXPECT_EQ(0, a.ret) TH_LOG("the add: %s", pl_errno_name(a.ret));
	EXPECT_EQ(id, a.id);
	EXPECT_EQ(PROBELAB_DEV_PROBED, dev_get(id).state);
	EXPECT_EQ(0, pl_dev_remove(lab, id));
	EXPECT_EQ(0, nr_devices());
}

/* D1: LAB_RESET during DEV_ADD waits for the add, then removes the device. */
TEST_F(lifecycle, reset_while_adding)
{
	struct adder a;
	uint64_t t;
	int ret;

	load_fixed_smmuv3();
	slow_visible();
	adder_start(&a);
	t = reset_timed(&ret);
	pthread_join(a.thread, NULL);
	EXPECT_EQ(0, ret) TH_LOG("LAB_RESET: %s", pl_errno_name(ret));
	EXPECT_EQ(0, a.ret) TH_LOG("DEV_ADD: %s", pl_errno_name(a.ret));
	EXPECT_GE(t, SLOW_US / 2) TH_LOG("the reset waited for the add");
	EXPECT_EQ(0, nr_devices());
}

static int add_named_ret(const char *name)
{
	uint32_t id;

	return pl_dev_add_named(lab, name, &id);
}

/*
 * D6: named devices called "virtual", "platform", "system", "probelab"
 * are added and in sysfs; the instance device's name (iommu-smmu0) or a
 * name taken is EEXIST; ".", ".." and "a/b" are EINVAL.
 */
TEST_F(lifecycle, names)
{
	static const char *const kernel_names[] = {
		"virtual", "platform", "system", "probelab",
	};
	char path[128];
	struct stat st;
	unsigned int i;
	int ret;

	load_fixed_smmuv3();
	for (i = 0; i < sizeof(kernel_names) / sizeof(kernel_names[0]); i++) {
		ret = add_named_ret(kernel_names[i]);
		snprintf(path, sizeof(path), "/sys/bus/probelab/devices/%s",
			 kernel_names[i]);
		EXPECT_EQ(0, ret) TH_LOG("'%s': %s", kernel_names[i],
					 pl_errno_name(ret));
		EXPECT_EQ(0, stat(path, &st)) TH_LOG("%s", path);
	}
	EXPECT_EQ(-EEXIST, add_named_ret("iommu-smmu0"));
	EXPECT_EQ(-EEXIST, add_named_ret("virtual"));
	EXPECT_EQ(-EINVAL, add_named_ret("."));
	EXPECT_EQ(-EINVAL, add_named_ret(".."));
	EXPECT_EQ(-EINVAL, add_named_ret("a/b"));
	EXPECT_EQ(4, nr_devices());
	ASSERT_EQ(0, pl_lab_reset(lab));
}

/*
 * D5: a DRV_BIND refused with EBUSY (group claimed) leaves no wish behind:
 * after unregister and register the device is probed and bound to
 * nothing; a later DRV_BIND user binds.
 */
TEST_F(lifecycle, refused_bind)
{
	struct probelab_dev_info d;
	uint32_t id, result = 0;
	int ret;

	load_fixed_smmuv3();
	id = add_pci(0, 0, 4, 0);
	d = dev_get(id);
	ASSERT_EQ(0, pl_claim_group(lab, d.group_id));
	ret = pl_drv_bind(lab, id, PROBELAB_DRV_DMA, &result);
	EXPECT_EQ(-EBUSY, ret) TH_LOG("%s", pl_errno_name(ret));
	ASSERT_EQ(0, pl_iommu_unregister(lab, "smmu0"));
	ASSERT_EQ(0, pl_iommu_register(lab, "smmu0"));
	d = dev_get(id);
	EXPECT_EQ(PROBELAB_DEV_PROBED, d.state);
	EXPECT_EQ(0, d.driver);
	ret = pl_drv_bind(lab, id, PROBELAB_DRV_USER, &result);
	EXPECT_EQ(0, ret) TH_LOG("%s", pl_errno_name(ret));
	EXPECT_EQ(PROBELAB_BIND_BOUND, result);
}

/* FW_LOAD with desc_len 0, or of 8 bytes (shorter than the header): EINVAL */
TEST_F(lifecycle, fw_load_empty)
{
	struct probelab_fw_load c;
	static char blob[8];

	memset(&c, 0, sizeof(c));
	c.size = sizeof(c);
	c.op = PROBELAB_OP_FW_LOAD;
	c.default_domain = PROBELAB_DOMAIN_DMA;
	c.desc_uptr = (uint64_t)(uintptr_t)blob;
	c.desc_len = 0;
	EXPECT_EQ(-EINVAL, pl_cmd(lab, &c));
	c.desc_len = sizeof(blob);
	EXPECT_EQ(-EINVAL, pl_cmd(lab, &c));
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

/* RACE on a new device PCI 00:05.0, started and running for a while */
static void racer_start(struct racer *rc)
{
	memset(rc, 0, sizeof(*rc));
	rc->id = add_pci(0, 0, 5, 0);
	if (pthread_create(&rc->thread, NULL, racer_run, rc))
		bail("pthread_create");
	usleep(RACE_MS * 1000 / 5);
}

/*
 * RACE of_configure during LAB_RESET: both succeed, and the reset waited
 * for the RACE threads before dropping the description.
 */
TEST_F(lifecycle, reset_while_racing)
{
	struct racer rc;
	uint64_t t;
	int ret;

	load_fixed_smmuv3();
	racer_start(&rc);
	t = reset_timed(&ret);
	pthread_join(rc.thread, NULL);
	EXPECT_EQ(0, ret) TH_LOG("LAB_RESET: %s", pl_errno_name(ret));
	EXPECT_EQ(0, rc.ret) TH_LOG("RACE: %s", pl_errno_name(rc.ret));
	EXPECT_GT(rc.cycles, 0);
	EXPECT_GE(t, RACE_MS * 1000ULL / 2) TH_LOG("the reset's wait");
}

/*
 * RACE threads keep working on a device removed under them; the
 * description they read (pl_xlate()) must stay: FW_LOAD with no device
 * and no registered instance left is still EBUSY until they end.
 */
TEST_F(lifecycle, fw_load_while_racing)
{
	struct racer rc;
	size_t len;
	void *blob;
	int ret, removed, unreg;

	topo_finish(topo_one(&iommu_smmuv3), &blob, &len);
	load_fixed_smmuv3();
	racer_start(&rc);
	removed = pl_dev_remove(lab, rc.id);
	unreg = pl_iommu_unregister(lab, "smmu0");
	ret = pl_fw_load(lab, blob, len, PROBELAB_POLICY_FIXED,
			 PROBELAB_DOMAIN_DMA, NULL);
	pthread_join(rc.thread, NULL);
	EXPECT_EQ(0, removed) TH_LOG("DEV_REMOVE: %s", pl_errno_name(removed));
	EXPECT_EQ(0, unreg) TH_LOG("IOMMU_UNREGISTER: %s", pl_errno_name(unreg));
	EXPECT_EQ(-EBUSY, ret) TH_LOG("FW_LOAD while RACE threads run on a removed device: %s",
				      pl_errno_name(ret));
	ret = pl_fw_load(lab, blob, len, PROBELAB_POLICY_FIXED,
			 PROBELAB_DOMAIN_DMA, NULL);
	EXPECT_EQ(0, rc.ret) TH_LOG("RACE: %s", pl_errno_name(rc.ret));
	EXPECT_EQ(0, ret) TH_LOG("FW_LOAD after the RACE: %s", pl_errno_name(ret));
	free(blob);
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

/*
 * The hammer: no unexpected errno; CHECK afterwards finds no violation;
 * LAB_RESET afterwards succeeds and empties the lab.
 */
TEST_F(lifecycle, hammer)
{
	struct hammer hm[HAMMER_THREADS];
	struct pl_check_result cr;
	unsigned long ops = 0, ok = 0, ebusy = 0;
	int bad = 0, ret;
	unsigned int i;

	topo_finish(topo_one(&iommu_smmuv3), &hammer_blob, &hammer_len);
	ASSERT_EQ(0, pl_lab_reset(lab));
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
	ksft_print_msg("hammer: %lu ops in %u threads for %u ms (%lu succeeded, %lu EBUSY)\n",
		       ops, HAMMER_THREADS, HAMMER_MS, ok, ebusy);
	EXPECT_GT(ops, 0);
	EXPECT_EQ(0, bad) TH_LOG("an unexpected errno: %s", pl_errno_name(bad));
	ret = pl_check(lab, 0, 4, &cr);
	EXPECT_EQ(0, ret) TH_LOG("CHECK: %s", pl_errno_name(ret));
	if (!ret) {
		EXPECT_EQ(0, cr.found) TH_LOG("first: %s",
					      cr.nr ? cr.v[0].what : "");
		pl_check_result_free(&cr);
	}
	ret = pl_lab_reset(lab);
	EXPECT_EQ(0, ret) TH_LOG("LAB_RESET: %s", pl_errno_name(ret));
	EXPECT_EQ(0, nr_devices());
	EXPECT_EQ(0, nr_groups());
}

TEST_HARNESS_MAIN

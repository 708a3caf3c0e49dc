// SPDX-License-Identifier: GPL-2.0
/*
 * probelab: the probe layer - the steps every policy is made of, and the
 * policy "fixed", probelab's own layer.
 *
 * Policy "fixed" (the end state Robin Murphy described):
 *  - The IOMMU probe of a device runs when the device is added (bus
 *    notifier) and, for a device still waiting, when one of its instances
 *    registers - never at driver bind.
 *  - The probe resolves the device's firmware node and requester ID
 *    through the description (the of_xlate step: specifiers, ID maps or
 *    DRHD scopes) into one fwspec per instance; dev_iommu has a trivial
 *    lifecycle: built once, freed only when the device is released.
 *  - Once every instance in front of it is registered the device joins
 *    its group, whose default domain is written to the instances'
 *    hardware models.  Until then it waits.
 *  - Driver bind (bus->dma_configure) only checks: a waiting device
 *    defers (-EPROBE_DEFER through the real driver core) and is retried
 *    by the registration of its instance - exactly those devices, not the
 *    driver core's global deferred list.  A probed device gets the lab
 *    dma_ops; bus->dma_cleanup restores exactly what was there before.
 *  - Every step runs under pl_lab.lock (the lock order is in probelab.h).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/dma-map-ops.h>
#include <linux/slab.h>

#include "probelab.h"
#include "core/idmap.h"
#include "core/scope.h"

const struct pl_policy *pl_policy(void)
{
	switch (READ_ONCE(pl_lab.policy)) {
	case PROBELAB_POLICY_LINUX_6_1:
		return &pl_policy_linux61;
	case PROBELAB_POLICY_MAINLINE:
		return &pl_policy_mainline;
	}
	return &pl_policy_fixed;
}

/* Present for the policy: ready (or, for linux-6.1, registered). */
static bool pl_iommu_ready(const struct pl_iommu *iommu)
{
	if (READ_ONCE(iommu->going))
		return false;
	if (pl_policy()->ready_flag)
		return READ_ONCE(iommu->ready);
	return READ_ONCE(iommu->registered);
}

/* Every instance of the device's fwspecs is present (and staying). */
bool pl_fwspecs_ready(const struct pl_dev_iommu *di)
{
	u32 i;

	for (i = 0; i < di->nr_fwspecs; i++)
		if (!pl_iommu_ready(di->fwspecs[i].iommu))
			return false;
	return true;
}

bool pl_dev_ready(struct pl_dev *pdev)
{
	lockdep_assert_held(&pl_lab.lock);
	if (pdev->state == PROBELAB_DEV_NO_IOMMU)
		return true;
	return pdev->state == PROBELAB_DEV_PROBED && pdev->di &&
	       pl_fwspecs_ready(pdev->di);
}

/*
 * A batch of devices taken off the lab list under the lab lock (each with
 * a reference), to be worked on after the lock is dropped.
 */
int pl_batch_alloc(struct pl_dev_batch *b)
{
	lockdep_assert_held(&pl_lab.lock);
	b->n = 0;
	b->devs = kcalloc(max_t(u32, pl_lab.nr_devices, 1), sizeof(*b->devs),
			  GFP_KERNEL);
	return b->devs ? 0 : -ENOMEM;
}

void pl_batch_add(struct pl_dev_batch *b, struct pl_dev *pdev)
{
	lockdep_assert_held(&pl_lab.lock);
	get_device(&pdev->dev);
	b->devs[b->n++] = pdev;
}

void pl_batch_put(struct pl_dev_batch *b)
{
	u32 i;

	for (i = 0; i < b->n; i++)
		put_device(&b->devs[i]->dev);
	kfree(b->devs);
}

/**
 * pl_xlate() - the of_xlate step: resolve a device into (instance, ID) pairs
 * @pdev: the device
 * @n: receives the number of pairs
 *
 * A PCI function's DMA carries its own requester ID, those the topology
 * adds (PCIe-to-PCI bridges above it, pci_for_each_dma_alias()) and the
 * quirk aliases the device lists.  No lock is needed: the description and
 * the instances stay while a lab device exists or a RACE runs (FW_LOAD
 * refuses then, reset removes the devices and waits for the RACE threads
 * first).  May sleep.
 * Return: the pairs (PL_MAX_REFS entries at most, kfree() them), or an
 * ERR_PTR(): -ENODEV when no IOMMU is in front of the device, -ENOSPC
 * above PL_MAX_REFS, or another error.
 */
struct pl_fw_ref *pl_xlate(struct pl_dev *pdev, unsigned int *n)
{
	const struct pl_fwdesc *fw = pl_lab.fw;
	u16 rids[PL_FW_MAX_ALIASES + 1];
	struct pl_fw_ref *refs;
	unsigned int nr, i;
	int ret;

	refs = kmalloc_array(PL_MAX_REFS, sizeof(*refs), GFP_KERNEL);
	if (!refs)
		return ERR_PTR(-ENOMEM);
	if (pdev->kind == PROBELAB_DEV_NAMED) {
		ret = pl_fwdesc_xlate_named(fw, pdev->name, refs, PL_MAX_REFS,
					    n);
		goto out;
	}
	ret = pl_fwdesc_pci_dma_aliases(fw, pdev->segment, pdev->bus,
					pdev->devfn, rids,
					ARRAY_SIZE(rids) - pdev->nr_aliases,
					&nr);
	if (ret)
		goto out;
	for (i = 0; i < pdev->nr_aliases; i++)
		rids[nr++] = pdev->aliases[i];
	ret = pl_fwdesc_xlate_pci_aliases(fw, pdev->segment, rids[0],
					  rids + 1, nr - 1, refs, PL_MAX_REFS,
					  n);
out:
	if (ret) {
		kfree(refs);
		return ERR_PTR(ret);
	}
	return refs;
}

/**
 * pl_build_fwspecs() - build a device's dev_iommu (the fwspecs)
 * @pdev: the device
 * @out: receives the new dev_iommu
 *
 * One fwspec per instance, in the order the instances are first named.
 * No lock needed, and none taken: it reads what pl_xlate() reads and
 * builds a dev_iommu no one else sees yet.  Publishing it is the caller's:
 * under the lab lock ("fixed", mainline, linux-6.1's VT-d probe), or with
 * WRITE_ONCE() and no lock in linux-6.1's of_iommu_configure(), as 6.1
 * set dev->iommu.  May sleep.
 * Return: 0, -ENODEV when no IOMMU is in front of the device, or an error.
 */
int pl_build_fwspecs(struct pl_dev *pdev, struct pl_dev_iommu **out)
{
	struct pl_iommu *iommus[PROBELAB_DEV_MAX_IOMMUS];
	u32 count[PROBELAB_DEV_MAX_IOMMUS] = {};
	u8 slot[PL_MAX_REFS];
	struct pl_dev_iommu *di;
	struct pl_fw_ref *refs;
	unsigned int n, nr = 0, i, j;
	u32 *buf;
	int ret;

	ret = pl_inject(PL_INJ_PROBE_XLATE, pdev);
	if (ret)
		return ret;
	refs = pl_xlate(pdev, &n);
	if (IS_ERR(refs))
		return PTR_ERR(refs);
	/* which fwspec each ID goes to, so that the IDs are stored once */
	for (i = 0; i < n; i++) {
		struct pl_iommu *iommu = &pl_lab.iommus[refs[i].iommu];

		for (j = 0; j < nr; j++)
			if (iommus[j] == iommu)
				break;
		/* iommu_fwspec_add_ids() into the one fwspec there is */
		if (j == nr && nr && pl_policy()->one_fwspec)
			j = 0;
		if (j == nr) {
			if (nr == PROBELAB_DEV_MAX_IOMMUS) {
				kfree(refs);
				return -E2BIG;
			}
			iommus[nr++] = iommu;
		}
		slot[i] = j;
		count[j]++;
	}
	/* IDs and masks live behind the dev_iommu: no room for 128 of each */
	di = kzalloc(struct_size(di, idbuf, 2 * (size_t)n), GFP_KERNEL);
	if (!di) {
		kfree(refs);
		return -ENOMEM;
	}
	atomic_inc(&pl_lab.objs.dev_iommus);
	di->state = PL_OBJ_LIVE;
	di->gen = READ_ONCE(pdev->gen);
	INIT_LIST_HEAD(&di->qnode);
	di->nr_fwspecs = nr;
	buf = di->idbuf;
	for (j = 0; j < nr; j++) {
		di->fwspecs[j].iommu = iommus[j];
		di->fwspecs[j].ids = buf;
		di->fwspecs[j].masks = buf + count[j];
		buf += 2 * count[j];
	}
	for (i = 0; i < n; i++) {
		struct pl_fwspec *fs = &di->fwspecs[slot[i]];

		fs->ids[fs->nr_ids] = refs[i].id;
		fs->masks[fs->nr_ids++] = refs[i].mask;
	}
	kfree(refs);
	atomic64_inc(&pl_lab.stats.fwspec_allocs);
	*out = di;
	return 0;
}

void pl_set_state(struct pl_dev *pdev, u32 state, int err)
{
	static const u32 events[] = {
		[PROBELAB_DEV_WAITING] = PROBELAB_EV_IOMMU_WAIT,
		[PROBELAB_DEV_PROBED] = PROBELAB_EV_IOMMU_PROBE,
		[PROBELAB_DEV_NO_IOMMU] = PROBELAB_EV_IOMMU_PROBE,
		[PROBELAB_DEV_FAILED] = PROBELAB_EV_IOMMU_PROBE,
	};

	lockdep_assert_held(&pl_lab.lock);
	pdev->state = state;
	if (state == PROBELAB_DEV_PROBED)
		pl_ev_group(events[state], pdev, pdev->group);
	else
		pl_ev_dev(events[state], pdev, err,
			  state == PROBELAB_DEV_NO_IOMMU ?
			  "no IOMMU in front of the device" : NULL);
}

static int __pl_iommu_probe(struct pl_dev *pdev, bool late_default)
{
	int ret;

	lockdep_assert_held(&pl_lab.lock);
	if (pdev->state == PROBELAB_DEV_PROBED) {
		pl_violation(2, pdev, "IOMMU probe of a device already probed (gen %u)",
			     pdev->gen);
		return -EEXIST;
	}
	if (!pdev->di || pdev->di->state != PL_OBJ_LIVE) {
		pl_violation(1, pdev, "IOMMU probe with a %s dev_iommu",
			     pdev->di ? "freed" : "missing");
		return -EFAULT;
	}
	ret = pl_inject(PL_INJ_PROBE_GROUP, pdev);
	if (!ret)
		ret = pl_group_join(pdev, late_default);
	if (ret) {
		dev_err(&pdev->dev, "cannot join an IOMMU group: %d\n", ret);
		pl_set_state(pdev, PROBELAB_DEV_FAILED, ret);
		return ret;
	}
	pdev->gen++;
	pdev->probes++;
	atomic64_inc(&pl_lab.stats.iommu_probes);
	pl_set_state(pdev, PROBELAB_DEV_PROBED, 0);
	return 0;
}

/**
 * pl_iommu_probe() - put a device with complete fwspecs in its group
 * @pdev: the device; its dev_iommu is built and every instance ready
 *
 * Linux's __iommu_probe_device(): group, default domain, attach.  A
 * device already probed is a double probe: reported, not repeated.
 * Return: 0 or a negative errno (the device is then FAILED).
 */
int pl_iommu_probe(struct pl_dev *pdev)
{
	return __pl_iommu_probe(pdev, false);
}

/*
 * pl_iommu_probe() without the default domain of a new group, which the
 * caller sets up later (linux-6.1: __iommu_probe_device() under the probe
 * lock, iommu_alloc_default_domain() afterwards under group->mutex).
 */
int pl_iommu_probe_late_default(struct pl_dev *pdev)
{
	return __pl_iommu_probe(pdev, true);
}

/* fixed: build the fwspecs once, probe when every instance is ready. */
static void pl_fixed_probe(struct pl_dev *pdev)
{
	int ret;

	lockdep_assert_held(&pl_lab.lock);
	if (!pdev->di) {
		ret = pl_build_fwspecs(pdev, &pdev->di);
		if (ret == -ENODEV) {
			pl_set_state(pdev, PROBELAB_DEV_NO_IOMMU, 0);
			return;
		}
		if (ret) {
			dev_err(&pdev->dev, "IOMMU probe failed: %d\n", ret);
			pl_set_state(pdev, PROBELAB_DEV_FAILED, ret);
			return;
		}
	}
	if (pdev->di->state != PL_OBJ_LIVE) {
		pl_violation(1, pdev, "IOMMU probe uses a freed dev_iommu (gen %u)",
			     pdev->di->gen);
		return;
	}
	if (!pl_fwspecs_ready(pdev->di)) {
		pl_set_state(pdev, PROBELAB_DEV_WAITING, 0);
		return;
	}
	pl_iommu_probe(pdev);
}

/**
 * pl_release_device() - undo the IOMMU probe (BUS_NOTIFY_REMOVED_DEVICE,
 *	instance unregistration)
 * @pdev: the device; its driver, if any, was unbound before
 *
 * Leaves the group, frees dev_iommu (into the quarantine) and returns the
 * device to waiting.  Linux's iommu_release_device().
 */
void pl_release_device(struct pl_dev *pdev)
{
	lockdep_assert_held(&pl_lab.lock);
	pl_inject(PL_INJ_RELEASE, pdev);
	if (pdev->group)
		pl_group_remove_device(pdev);
	if (pdev->di) {
		pl_quarantine_dev_iommu(pdev->di);
		pdev->di = NULL;
	}
	/*
	 * dma_ops that followed the IOMMU probe (not a driver bind).  No
	 * device lock here: dev->driver is read once, as it is at that moment.
	 */
	if (pdev->ops_installed && !READ_ONCE(pdev->dev.driver)) {
		set_dma_ops(&pdev->dev, pdev->saved_ops);
		pdev->ops_installed = false;
		WRITE_ONCE(pdev->dma_domain, NULL);
	}
	if (pdev->state == PROBELAB_DEV_PROBED) {
		atomic64_inc(&pl_lab.stats.releases);
		pdev->gen++;
		pdev->probes = 0;
		pl_ev_dev(PROBELAB_EV_IOMMU_RELEASE, pdev, 0, NULL);
	}
	pdev->state = PROBELAB_DEV_WAITING;
}

/* fixed: the probe at device add runs entirely under the lab lock. */
static void pl_fixed_device_added(struct pl_dev *pdev)
{
	mutex_lock(&pl_lab.lock);
	pl_fixed_probe(pdev);
	mutex_unlock(&pl_lab.lock);
}

/* fixed: an instance is ready - probe the devices waiting for it. */
static void pl_fixed_iommu_registered(struct pl_iommu *iommu)
{
	struct pl_dev *pdev;
	u32 i;

	mutex_lock(&pl_lab.lock);
	list_for_each_entry(pdev, &pl_lab.devices, node) {
		if (pdev->state != PROBELAB_DEV_WAITING || pdev->removing)
			continue;
		if (pdev->di) {
			for (i = 0; i < pdev->di->nr_fwspecs; i++)
				if (pdev->di->fwspecs[i].iommu == iommu)
					break;
			if (i == pdev->di->nr_fwspecs)
				continue;
		}
		pl_fixed_probe(pdev);
	}
	mutex_unlock(&pl_lab.lock);
}

/*
 * A driver probe is deferred: counted, remembered, announced.  From
 * bus->dma_configure (the device lock, for @bind_err), with the lab lock
 * held (for @bind_pending).
 */
void pl_defer(struct pl_dev *pdev)
{
	device_lock_assert(&pdev->dev);
	lockdep_assert_held(&pl_lab.lock);
	pdev->bind_pending = true;
	atomic64_inc(&pl_lab.stats.deferrals);
	pdev->bind_err = -EPROBE_DEFER;
	pl_ev_dev(PROBELAB_EV_DEFER, pdev, -EPROBE_DEFER, NULL);
}

/* Installs the lab dma_ops when the group sits on a DMA domain. */
void pl_dma_ops_install(struct pl_dev *pdev)
{
	struct pl_group *group = pdev->group;

	lockdep_assert_held(&pl_lab.lock);
	if (!group || !group->domain ||
	    group->domain->type != PROBELAB_DOMAIN_DMA)
		return;
	pl_inject(PL_INJ_DMA_OPS, pdev);
	if (pdev->bound)
		pl_violation(7, pdev, "dma_ops replaced under a bound driver");
	WRITE_ONCE(pdev->dma_domain, group->domain);
	set_dma_ops(&pdev->dev, &pl_dma_ops);
	pdev->ops_installed = true;
	pl_ev_dev(PROBELAB_EV_DMA_OPS, pdev, 0, "lab dma_ops installed");
}

static int pl_fixed_dma_configure(struct pl_dev *pdev)
{
	struct pl_group *group;
	int ret;

	mutex_lock(&pl_lab.lock);
	if (pdev->state == PROBELAB_DEV_FAILED) {
		mutex_unlock(&pl_lab.lock);
		dev_notice(&pdev->dev, "bind refused: its IOMMU probe failed\n");
		return -ENODEV;
	}
	if (!pl_dev_ready(pdev)) {
		pl_defer(pdev);
		mutex_unlock(&pl_lab.lock);
		return -EPROBE_DEFER;
	}
	pdev->bind_pending = false;
	pdev->saved_ops = get_dma_ops(&pdev->dev);
	group = pdev->group;
	if (group && (!group->default_domain || !group->domain)) {
		mutex_unlock(&pl_lab.lock);
		pl_violation(3, pdev, "driver bind before the group has a default domain");
		return -ENODEV;
	}
	ret = pl_owner_get(pdev);
	if (!ret)
		pl_dma_ops_install(pdev);
	mutex_unlock(&pl_lab.lock);
	return ret;
}

/*
 * fixed: restore exactly the dma_ops that were there before configure,
 * under the lab lock, as they were installed (the checker and
 * pl_dma_unmap_late() see the ops and @ops_installed change together).
 */
static void pl_fixed_dma_cleanup(struct pl_dev *pdev)
{
	const struct dma_map_ops *ops, *expect;

	mutex_lock(&pl_lab.lock);
	ops = get_dma_ops(&pdev->dev);
	expect = pdev->ops_installed ? &pl_dma_ops : pdev->saved_ops;
	if (ops != expect)
		pl_violation(7, pdev, "driver left its own dma_ops installed at unbind");
	if (ops != pdev->saved_ops) {
		set_dma_ops(&pdev->dev, pdev->saved_ops);
		pl_ev_dev(PROBELAB_EV_DMA_OPS, pdev, 0, "dma_ops restored");
	}
	pdev->ops_installed = false;
	WRITE_ONCE(pdev->dma_domain, NULL);
	pl_owner_put(pdev);
	mutex_unlock(&pl_lab.lock);
}

/*
 * fixed: the firmware step belongs to the probe at device add; a driver
 * calling of_dma_configure() itself only reads, under the device lock the
 * layer's rules require of every dma_configure.
 */
static int pl_fixed_of_configure(struct pl_dev *pdev)
{
	int ret;

	device_lock(&pdev->dev);
	mutex_lock(&pl_lab.lock);
	ret = pl_dev_ready(pdev) ? 0 : -EPROBE_DEFER;
	mutex_unlock(&pl_lab.lock);
	device_unlock(&pdev->dev);
	return ret;
}

static bool pl_fixed_match_ready(struct pl_dev *pdev)
{
	lockdep_assert_held(&pl_lab.lock);
	return pl_dev_ready(pdev);
}

const struct pl_policy pl_policy_fixed = {
	.name = "fixed",
	.device_added = pl_fixed_device_added,
	.iommu_registered = pl_fixed_iommu_registered,
	.match_ready = pl_fixed_match_ready,
	.dma_configure = pl_fixed_dma_configure,
	.dma_cleanup = pl_fixed_dma_cleanup,
	.of_configure = pl_fixed_of_configure,
	.deferred_list = false,
	.ready_flag = true,
	.one_fwspec = false,
	.pool_unmap_at_destroy = true,
};

/*
 * The host's driver core ends every unbind and every failed or deferred
 * bind with device_unbind_cleanup(): devres_release_all(), then
 * arch_teardown_dma_ops() - which on an arm64 host with IOMMU_DMA sets
 * dev->dma_ops = NULL, whatever the kernel the policy models would have
 * left.  The devres action below notes the dma_ops just before that
 * teardown; the lab devices' dev_pm_domain->dismiss(), which the same
 * function calls right after it, puts them back (device lock held).
 * What a policy itself does to the ops (linux-6.1 models arm64's
 * teardown) happened before the note, so it stays.
 */
static void pl_note_ops(void *data)
{
	struct pl_dev *pdev = data;

	/* device_unbind_cleanup(): every bind attempt ends in it, locked */
	device_lock_assert(&pdev->dev);
	pdev->ops_at_cleanup = get_dma_ops(&pdev->dev);
	WRITE_ONCE(pdev->host_cleanup, true);
	/* the checker sees the flag before the teardown's NULL */
	smp_wmb();
}

void pl_host_teardown_undo(struct pl_dev *pdev)
{
	device_lock_assert(&pdev->dev);
	if (!pdev->host_cleanup)
		return;
	if (get_dma_ops(&pdev->dev) != pdev->ops_at_cleanup) {
		set_dma_ops(&pdev->dev, pdev->ops_at_cleanup);
		pl_ev_dev(PROBELAB_EV_DMA_OPS, pdev, 0,
			  "the host's arch_teardown_dma_ops() undone");
	}
	/* pairs with pl_in_host_cleanup(): the ops are back first */
	smp_wmb();
	WRITE_ONCE(pdev->host_cleanup, false);
}

/*
 * The checker (lab lock, not the device lock) must not judge a device's
 * dma_ops between the host's teardown and pl_host_teardown_undo().
 */
bool pl_in_host_cleanup(struct pl_dev *pdev, const struct dma_map_ops **ops)
{
	bool before, after;

	before = READ_ONCE(pdev->host_cleanup);
	/* pairs with the smp_wmb() in pl_host_teardown_undo() */
	smp_rmb();
	*ops = get_dma_ops(&pdev->dev);
	/* pairs with the smp_wmb() in pl_note_ops() */
	smp_rmb();
	after = READ_ONCE(pdev->host_cleanup);
	return before || after;
}

/*
 * bus->dma_configure: really_probe(), device lock held.  A bare lab's
 * devices are only counted: no IOMMU layer, dma-direct.
 */
int pl_dma_configure(struct device *dev)
{
	struct pl_dev *pdev = to_pl_dev(dev);
	int ret;

	if (pdev->iommu)
		return 0;
	device_lock_assert(dev);
	if (pl_lab_bare()) {
		atomic64_inc(&pl_lab.stats.bind_attempts);
		return 0;
	}
	ret = devm_add_action(dev, pl_note_ops, pdev);
	if (ret)
		return ret;
	atomic64_inc(&pl_lab.stats.bind_attempts);
	ret = pl_inject(PL_INJ_DMA_CONFIGURE, pdev);
	if (ret)
		return ret;
	return pl_policy()->dma_configure(pdev);
}

/* bus->dma_cleanup: after remove, or after a failed driver probe. */
void pl_dma_cleanup(struct device *dev)
{
	struct pl_dev *pdev = to_pl_dev(dev);

	if (pdev->iommu || pl_lab_bare())
		return;
	device_lock_assert(dev);
	pl_inject(PL_INJ_DMA_CLEANUP, pdev);
	pl_policy()->dma_cleanup(pdev);
}

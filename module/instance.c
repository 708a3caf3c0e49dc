// SPDX-License-Identifier: GPL-2.0
/*
 * probelab: the IOMMU instances' devices - one lab device per instance
 * ("iommu-<instance>"), created and destroyed with the description - and
 * registration: IOMMU_REGISTER binds the device to probelab-iommu, whose
 * probe registers the instance, IOMMU_UNREGISTER unbinds it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>
#include <linux/string.h>

#include "probelab.h"
#include "core/fwdesc.h"

/* an instance's device is named "iommu-<instance>" */
#define PL_IOMMU_DEV_PREFIX	"iommu-"

/*
 * The instance driver's probe, in two steps as real drivers register:
 * iommu_device_register() publishes the instance (registered), then the
 * driver finishes its setup - here, resetting its stream or context
 * tables - and marks it ready (6.16's iommu->ready).  Probing the devices
 * behind it comes last, through the policy.
 */
int pl_iommu_drv_probe(struct pl_dev *pdev)
{
	struct pl_iommu *iommu = pdev->iommu;

	mutex_lock(&pl_lab.lock);
	WRITE_ONCE(iommu->registered, true);
	WRITE_ONCE(iommu->ready, false);
	WRITE_ONCE(iommu->going, false);
	mutex_unlock(&pl_lab.lock);
	pl_ev_iommu(PROBELAB_EV_IOMMU_REGISTER, iommu, NULL);

	pl_inject(PL_INJ_REGISTER, NULL);
	pl_hw_setup(iommu);
	mutex_lock(&pl_lab.lock);
	WRITE_ONCE(iommu->ready, true);
	mutex_unlock(&pl_lab.lock);

	pl_policy()->iommu_registered(iommu);
	return 0;
}

/* @pdev is IOMMU-probed and one of its fwspecs is behind @iommu. */
static bool pl_dev_probed_behind(struct pl_dev *pdev, struct pl_iommu *iommu)
{
	u32 i;

	lockdep_assert_held(&pl_lab.lock);
	if (!pdev->di || pdev->state != PROBELAB_DEV_PROBED)
		return false;
	for (i = 0; i < pdev->di->nr_fwspecs; i++)
		if (pdev->di->fwspecs[i].iommu == iommu)
			return true;
	return false;
}

void pl_iommu_drv_remove(struct pl_dev *ipdev)
{
	struct pl_iommu *iommu = ipdev->iommu;
	struct pl_dev *pdev;

	mutex_lock(&pl_lab.lock);
	list_for_each_entry(pdev, &pl_lab.devices, node)
		if (pl_dev_probed_behind(pdev, iommu))
			pl_release_device(pdev);
	WRITE_ONCE(iommu->registered, false);
	WRITE_ONCE(iommu->ready, false);
	WRITE_ONCE(iommu->going, false);
	pl_lab_settled();
	mutex_unlock(&pl_lab.lock);
	pl_ev_iommu(PROBELAB_EV_IOMMU_UNREGISTER, iommu, NULL);
}

/*
 * Creates one instance (and its lab device) per description IOMMU, off
 * the lab: the caller publishes them.  No lock held: device_add() runs
 * the bus notifier (the lock order in probelab.h).
 */
int pl_instances_create(const struct pl_fwdesc *fw, struct pl_iommu **out)
{
	struct pl_iommu *iommus;
	u32 i;
	int ret;

	iommus = kcalloc(fw->nr_iommus, sizeof(*iommus), GFP_KERNEL);
	if (!iommus)
		return -ENOMEM;
	for (i = 0; i < fw->nr_iommus; i++) {
		struct pl_iommu *iommu = &iommus[i];
		struct pl_dev *ipdev;

		iommu->ordinal = i;
		iommu->model = fw->iommus[i].model;
		strscpy(iommu->name, fw->iommus[i].name, sizeof(iommu->name));
		spin_lock_init(&iommu->hw_lock);
		pl_hw_init(iommu);
		ipdev = pl_dev_alloc();
		if (!ipdev) {
			ret = -ENOMEM;
			goto err_destroy_instances;
		}
		ipdev->iommu = iommu;
		iommu->dev = ipdev;
		ret = dev_set_name(&ipdev->dev, PL_IOMMU_DEV_PREFIX "%s",
				   iommu->name);
		if (!ret)
			ret = device_add(&ipdev->dev);
		if (ret)
			goto err_put_dev;
	}
	*out = iommus;
	return 0;

err_put_dev:
	put_device(&iommus[i].dev->dev);
	iommus[i].dev = NULL;
err_destroy_instances:
	/* instances 0..i, the last with its hardware model but no device */
	pl_instances_destroy(iommus, i + 1);
	return ret;
}

/*
 * Removes instances and their devices, taken off the lab or never put
 * there.  No lock held: an instance device has no driver here (FW_LOAD
 * and reset refuse or wait while any instance is registered), but
 * device_unregister() runs the bus notifier and takes the device lock.
 */
void pl_instances_destroy(struct pl_iommu *iommus, u32 nr)
{
	u32 i;

	for (i = 0; i < nr; i++) {
		struct pl_iommu *iommu = &iommus[i];

		if (iommu->dev)
			device_unregister(&iommu->dev->dev);
		pl_hw_destroy(iommu);
	}
	kfree(iommus);
}

static struct pl_iommu *pl_iommu_find(const char *name)
{
	int i;

	lockdep_assert_held(&pl_lab.lock);
	if (!pl_lab.fw)
		return NULL;
	i = pl_fwdesc_find_iommu(pl_lab.fw, name);
	return i < 0 ? NULL : &pl_lab.iommus[i];
}

/*
 * @name is an instance's device's ("iommu-<instance>"), which no lab
 * device may take.  Lab lock held.
 */
bool pl_iommu_dev_name_taken(const char *name)
{
	lockdep_assert_held(&pl_lab.lock);
	return !strncmp(name, PL_IOMMU_DEV_PREFIX,
			strlen(PL_IOMMU_DEV_PREFIX)) &&
	       pl_iommu_find(name + strlen(PL_IOMMU_DEV_PREFIX));
}

static int pl_iommu_ref_name(struct probelab_iommu_ref *cmd)
{
	if (!memchr(cmd->name, 0, sizeof(cmd->name)) || !cmd->name[0]) {
		pr_notice_ratelimited("IOMMU: name is empty or not terminated\n");
		return -EINVAL;
	}
	return 0;
}

int pl_op_iommu_register(struct probelab_ucmd *ucmd)
{
	struct probelab_iommu_ref *cmd = &ucmd->cmd->iommu_ref;
	struct pl_dev_batch batch;
	struct pl_iommu *iommu;
	struct pl_dev *pdev;
	int ret;
	u32 i;

	ret = pl_iommu_ref_name(cmd);
	if (ret)
		return ret;
	mutex_lock(&pl_lab.lock);
	if (pl_lab.changing) {
		mutex_unlock(&pl_lab.lock);
		pr_notice_ratelimited("IOMMU_REGISTER: refused while FW_LOAD or LAB_RESET runs\n");
		return -EBUSY;
	}
	if (pl_lab.bare) {
		mutex_unlock(&pl_lab.lock);
		pr_notice_ratelimited("IOMMU_REGISTER: a bare lab (FW_LOAD_BARE) has no IOMMU layer\n");
		return -EINVAL;
	}
	iommu = pl_iommu_find(cmd->name);
	if (!iommu) {
		mutex_unlock(&pl_lab.lock);
		pr_notice_ratelimited("IOMMU_REGISTER: no IOMMU named '%s' in the description\n",
				      cmd->name);
		return -ENOENT;
	}
	if (iommu->registered || iommu->going || iommu->registering) {
		mutex_unlock(&pl_lab.lock);
		return -EBUSY;
	}
	iommu->registering = true;
	pdev = iommu->dev;
	WRITE_ONCE(pdev->want_driver, 1);
	get_device(&pdev->dev);
	mutex_unlock(&pl_lab.lock);

	/* The instance driver's bind registers it (and triggers the core). */
	ret = device_attach(&pdev->dev);
	put_device(&pdev->dev);
	mutex_lock(&pl_lab.lock);
	iommu->registering = false;
	pl_lab_settled();
	mutex_unlock(&pl_lab.lock);
	if (ret <= 0) {
		WRITE_ONCE(pdev->want_driver, 0);
		return ret < 0 ? ret : -EIO;
	}
	/* kernel policies: driver_bound() triggered the global retry */
	if (pl_policy()->deferred_list)
		return 0;

	/* Retrigger exactly the deferred devices this registration readied. */
	mutex_lock(&pl_lab.lock);
	ret = pl_batch_alloc(&batch);
	if (ret) {
		mutex_unlock(&pl_lab.lock);
		return ret;
	}
	list_for_each_entry(pdev, &pl_lab.devices, node)
		if (pdev->bind_pending && pdev->want_driver &&
		    pl_dev_ready(pdev))
			pl_batch_add(&batch, pdev);
	mutex_unlock(&pl_lab.lock);

	for (i = 0; i < batch.n; i++) {
		bool deferred;
		u32 driver;

		pdev = batch.devs[i];
		/* a DRV_UNBIND since the list was made withdrew the bind */
		driver = READ_ONCE(pdev->want_driver);
		if (!driver)
			continue;
		atomic64_inc(&pl_lab.stats.retriggers);
		pl_ev_iommu(PROBELAB_EV_RETRIGGER, iommu, pdev);
		pl_bind(pdev, driver, &deferred);
	}
	pl_batch_put(&batch);
	return 0;
}

/*
 * Unregistration, under the lab lock: no new probe may use @iommu, and
 * the devices probed behind it are collected (referenced) in @batch.
 * @rebind: a bound driver is wanted again once the instance is back.
 */
static void pl_iommu_going(struct pl_iommu *iommu, struct pl_dev_batch *batch,
			   bool rebind)
{
	struct pl_dev *pdev;

	lockdep_assert_held(&pl_lab.lock);
	WRITE_ONCE(iommu->going, true);
	list_for_each_entry(pdev, &pl_lab.devices, node) {
		/* a device still being added has no driver to unbind */
		if (pdev->adding || !pl_dev_probed_behind(pdev, iommu))
			continue;
		if (rebind && pdev->want_driver)
			pdev->bind_pending = true;
		pl_batch_add(batch, pdev);
	}
}

/*
 * Unregistration, no lock held: the drivers of the devices in @batch are
 * unbound first - a device's IOMMU state is never released under its
 * bound driver - then the instance driver, whose remove releases them
 * (pl_iommu_drv_remove()).  Drops the reference on @ipdev.
 */
static void pl_iommu_release(struct pl_dev *ipdev, struct pl_dev_batch *batch)
{
	u32 i;

	for (i = 0; i < batch->n; i++)
		device_release_driver(&batch->devs[i]->dev);
	pl_inject(PL_INJ_UNREGISTER, NULL);
	WRITE_ONCE(ipdev->want_driver, 0);
	device_release_driver(&ipdev->dev);
	put_device(&ipdev->dev);
}

int pl_op_iommu_unregister(struct probelab_ucmd *ucmd)
{
	struct probelab_iommu_ref *cmd = &ucmd->cmd->iommu_ref;
	struct pl_dev_batch batch;
	struct pl_iommu *iommu;
	struct pl_dev *pdev, *ipdev;
	int ret;
	u32 i;

	ret = pl_iommu_ref_name(cmd);
	if (ret)
		return ret;
	mutex_lock(&pl_lab.lock);
	iommu = pl_iommu_find(cmd->name);
	if (iommu && iommu->registering) {
		mutex_unlock(&pl_lab.lock);
		pr_notice_ratelimited("IOMMU_UNREGISTER: %s is still registering\n",
				      cmd->name);
		return -EBUSY;
	}
	if (!iommu || !iommu->registered || iommu->going) {
		mutex_unlock(&pl_lab.lock);
		return iommu ? -EINVAL : -ENOENT;
	}
	ret = pl_batch_alloc(&batch);
	if (ret) {
		mutex_unlock(&pl_lab.lock);
		return ret;
	}
	pl_iommu_going(iommu, &batch, true);
	ipdev = iommu->dev;
	get_device(&ipdev->dev);
	mutex_unlock(&pl_lab.lock);

	pl_iommu_release(ipdev, &batch);

	/*
	 * Kernel policies: a driver that was bound waits on the driver core's
	 * deferred list, where the instance's next registration finds it: its
	 * bind is attempted again now and defers.  ("fixed" retriggers the
	 * bind_pending devices itself.)
	 */
	for (i = 0; pl_policy()->deferred_list && i < batch.n; i++) {
		pdev = batch.devs[i];
		if (!READ_ONCE(pdev->want_driver))
			continue;
		ret = device_attach(&pdev->dev);
		if (ret < 0 && ret != -EPROBE_DEFER)
			dev_info(&pdev->dev, "rebind after unregistration: %d\n",
				 ret);
	}
	pl_batch_put(&batch);
	return 0;
}

/*
 * Unregisters every registered instance (reset, module exit), after
 * waiting for the registrations and unregistrations under way, unbinding
 * the drivers behind each first: a device added or bound since the
 * devices were removed, or one whose removal is still in progress, may
 * be behind it.  Without memory for that list the instance stays
 * registered (LAB_RESET then refuses with EBUSY).
 */
void pl_instances_unregister_all(void)
{
	struct pl_dev_batch batch;
	struct pl_dev *ipdev;
	bool under_way;
	u32 i, seq;

	for (;;) {
		ipdev = NULL;
		under_way = false;
		mutex_lock(&pl_lab.lock);
		for (i = 0; i < pl_lab.nr_iommus && !ipdev; i++) {
			struct pl_iommu *iommu = &pl_lab.iommus[i];

			if (iommu->registering || iommu->going) {
				under_way = true;
				continue;
			}
			if (!iommu->registered)
				continue;
			if (pl_batch_alloc(&batch)) {
				mutex_unlock(&pl_lab.lock);
				pr_warn("no memory to unregister instance %s\n",
					iommu->name);
				return;
			}
			pl_iommu_going(iommu, &batch, false);
			ipdev = iommu->dev;
			get_device(&ipdev->dev);
		}
		seq = pl_lab.settle_seq;
		mutex_unlock(&pl_lab.lock);
		if (ipdev) {
			pl_iommu_release(ipdev, &batch);
			pl_batch_put(&batch);
		} else if (under_way) {
			pl_lab_wait_settled(seq);
		} else {
			return;
		}
	}
}

// SPDX-License-Identifier: GPL-2.0
/*
 * probelab: policy "mainline" - the probe ordering of Linux 6.16 and later.
 * Each step names the kernel function it mirrors; against probe.c the
 * differences are the single global probe lock, firmware parsing retried
 * at every probe attempt, and the replay from dma_configure.
 *
 *  device add	iommu_bus_notifier() -> iommu_probe_device(): takes
 *		iommu_probe_device_lock (here: the lab lock) ->
 *		__iommu_probe_device() -> iommu_init_device(): with no fwspec
 *		the firmware is parsed in the probe path (of_iommu_configure()
 *		/ acpi_iommu_configure_id() called from the core); an instance
 *		that is not registered and `ready` -> the fwspec is freed
 *		(dev_iommu_free()), nothing is probed.
 *  register	iommu_device_register(): the instance is marked ready, then
 *		bus_iommu_probe() on every bus probes each device that has no
 *		group, through the same path.  The instance driver's bind ends
 *		in driver_deferred_probe_trigger(): the global retry.
 *  driver bind	really_probe() -> of_dma_configure_id() ->
 *		of_iommu_configure(): the replay - under
 *		iommu_probe_device_lock, a device not in a group is probed
 *		again (-EPROBE_DEFER while an instance is missing); after the
 *		lock is dropped, device_iommu_mapped() is checked again before
 *		the DMA setup; iommu_device_use_default_domain().
 *  dma_ops	since 6.10 iommu-dma is chosen at IOMMU probe
 *		(iommu_setup_dma_ops() sets dev->dma_iommu) and undone at
 *		release: here the lab dma_ops follow the IOMMU probe, not the
 *		driver bind.
 *  unbind	bus->dma_cleanup() -> iommu_device_unuse_default_domain().
 *
 * DRV_BIND goes through device_attach(): retries come from the driver
 * core's deferred list.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/dma-map-ops.h>

#include "probelab.h"

/* __iommu_probe_device() with firmware parsing in the probe path */
static int pl_ml_probe(struct pl_dev *pdev)
{
	struct pl_dev_iommu *di;
	int ret;

	lockdep_assert_held(&pl_lab.lock);
	if (pdev->state == PROBELAB_DEV_PROBED)
		return 0;	/* device_iommu_mapped() */
	ret = pl_build_fwspecs(pdev, &di);
	if (ret == -ENODEV) {
		pl_set_state(pdev, PROBELAB_DEV_NO_IOMMU, 0);
		return 0;
	}
	if (ret) {
		pl_set_state(pdev, PROBELAB_DEV_FAILED, ret);
		return ret;
	}
	if (!pl_fwspecs_ready(di)) {
		/* dev_iommu_free(): the next attempt parses again */
		pl_quarantine_dev_iommu(di);
		pl_set_state(pdev, PROBELAB_DEV_WAITING, 0);
		return -EPROBE_DEFER;
	}
	if (pdev->di)
		pl_quarantine_dev_iommu(pdev->di);
	pdev->di = di;
	ret = pl_iommu_probe(pdev);
	if (ret)
		return ret;
	/* iommu_setup_dma_ops() at probe time */
	pdev->saved_ops = get_dma_ops(&pdev->dev);
	pl_dma_ops_install(pdev);
	return 0;
}

/* iommu_probe_device() under iommu_probe_device_lock */
static void pl_ml_device_added(struct pl_dev *pdev)
{
	mutex_lock(&pl_lab.lock);
	pl_ml_probe(pdev);
	mutex_unlock(&pl_lab.lock);
}

/*
 * __iommu_probe_device() replays the bus's dma_configure for a device with
 * no driver ("the common firmware parsing is buried in the bus
 * dma_configure path"), without the device lock and with the probe lock
 * dropped.  The lab bus's dma_configure is modelled on amba_dma_configure()
 * before the fix posted in August 2026 (platform and fsl-mc were fixed
 * before: "platform: Fix race condition during DMA configure at IOMMU
 * probe time"): it converts dev->driver to its driver before parsing the
 * firmware and tests dev->driver again afterwards.  A bind that sets
 * dev->driver in between makes it read driver_managed_dma through a
 * pointer derived from NULL - an oops in the kernel, a report here - and
 * iommu_device_use_default_domain() would count the binding driver a
 * second time in owner_cnt.
 */
static void pl_ml_dma_configure_replay(struct pl_dev *pdev)
{
	/* the core's !dev->driver, and to_amba_driver(dev->driver) */
	if (READ_ONCE(pdev->dev.driver))
		return;
	pl_inject(PL_INJ_CONFIGURE_REPLAY, pdev);	/* of_dma_configure() */
	if (READ_ONCE(pdev->dev.driver))
		pl_violation(4, pdev,
			     "dma_configure replayed by the IOMMU probe: dev->driver NULL when converted, set when tested (a bind in progress): driver_managed_dma read through a pointer derived from NULL, the binding driver counted twice in owner_cnt");
}

static void pl_ml_iommu_registered(struct pl_iommu *iommu)
{
	struct pl_dev_batch batch;
	struct pl_dev *pdev;
	u32 i;

	/*
	 * bus_iommu_probe(): every device on the bus without a group (also
	 * those no IOMMU fronts, and those whose add notifier has not run
	 * yet), each in probe_iommu_group() under iommu_probe_device_lock.
	 */
	mutex_lock(&pl_lab.lock);
	if (pl_batch_alloc(&batch)) {
		mutex_unlock(&pl_lab.lock);
		return;
	}
	list_for_each_entry(pdev, &pl_lab.devices, node)
		if (!pdev->removing && pdev->state != PROBELAB_DEV_PROBED)
			pl_batch_add(&batch, pdev);
	mutex_unlock(&pl_lab.lock);
	for (i = 0; i < batch.n; i++) {
		pdev = batch.devs[i];
		pl_ml_dma_configure_replay(pdev);
		mutex_lock(&pl_lab.lock);
		if (!pdev->removing)
			pl_ml_probe(pdev);
		mutex_unlock(&pl_lab.lock);
	}
	pl_batch_put(&batch);
}

static bool pl_ml_match_ready(struct pl_dev *pdev)
{
	lockdep_assert_held(&pl_lab.lock);
	return true;
}

static int pl_ml_dma_configure(struct pl_dev *pdev)
{
	int ret;

	/* of_iommu_configure(): the replay, under the global probe lock */
	mutex_lock(&pl_lab.lock);
	ret = pl_ml_probe(pdev);
	if (ret == -EPROBE_DEFER)
		pl_defer(pdev);
	mutex_unlock(&pl_lab.lock);
	if (ret == -EPROBE_DEFER)
		return ret;
	if (ret) {
		/* of_dma_configure_id(): "continue without IOMMU" */
		dev_dbg(&pdev->dev, "Adding to IOMMU failed: %d\n", ret);
		return 0;
	}

	/* lock dropped: check device_iommu_mapped() again */
	mutex_lock(&pl_lab.lock);
	if (pdev->state != PROBELAB_DEV_PROBED &&
	    pdev->state != PROBELAB_DEV_NO_IOMMU) {
		pl_defer(pdev);
		mutex_unlock(&pl_lab.lock);
		return -EPROBE_DEFER;
	}
	pdev->bind_pending = false;
	ret = pl_owner_get(pdev);
	mutex_unlock(&pl_lab.lock);
	return ret;
}

/* of_iommu_configure(): the replay under iommu_probe_device_lock */
static int pl_ml_of_configure(struct pl_dev *pdev)
{
	int ret;

	mutex_lock(&pl_lab.lock);
	ret = pdev->removing ? -ENODEV : pl_ml_probe(pdev);
	mutex_unlock(&pl_lab.lock);
	return ret;
}

static void pl_ml_dma_cleanup(struct pl_dev *pdev)
{
	mutex_lock(&pl_lab.lock);
	pl_owner_put(pdev);
	mutex_unlock(&pl_lab.lock);
}

const struct pl_policy pl_policy_mainline = {
	.name = "mainline",
	.device_added = pl_ml_device_added,
	.iommu_registered = pl_ml_iommu_registered,
	.match_ready = pl_ml_match_ready,
	.dma_configure = pl_ml_dma_configure,
	.dma_cleanup = pl_ml_dma_cleanup,
	.of_configure = pl_ml_of_configure,
	.deferred_list = true,
	.ready_flag = true,
	.one_fwspec = true,
	.pool_unmap_at_destroy = true,
};

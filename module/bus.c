// SPDX-License-Identifier: GPL-2.0
/*
 * probelab: the lab bus - a real bus_type whose devices (endpoints and
 * one device per IOMMU instance) sit under the lab's root device, and
 * what it hooks into the driver core: match, probe and remove, the bus
 * notifier (where the IOMMU probe layer runs on device add and remove),
 * bus->dma_configure/dma_cleanup and the devices' PM domain.  Binding
 * goes through the real driver core.  Module init and exit of the bus,
 * its notifier, the lab's drivers (drivers.c) and the root device.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/dma-mapping.h>
#include <linux/pm_domain.h>
#include <linux/slab.h>

#include "compat.h"
#include "probelab.h"

/*
 * An instance device matches only the instance driver, and only while its
 * registration is wanted.  An endpoint matches the driver DRV_BIND asked
 * for; under "fixed" only once the IOMMU probe completed, so that the
 * driver core's global deferred-probe retries never start a probe that
 * can only defer again.  In a bare lab the layer is not asked.
 */
static int pl_bus_match(struct device *dev, pl_bus_match_drv_t *drv)
{
	const struct pl_driver *pdrv = to_pl_driver(drv);
	struct pl_dev *pdev = to_pl_dev(dev);
	int ret;

	if (pdev->iommu)
		return pdrv->id == 0 && READ_ONCE(pdev->want_driver);
	mutex_lock(&pl_lab.lock);
	ret = pdrv->id && pdrv->id == pdev->want_driver &&
	      (pl_lab_bare() || pl_policy()->match_ready(pdev));
	mutex_unlock(&pl_lab.lock);
	return ret;
}

static int pl_bus_probe(struct device *dev)
{
	struct pl_driver *pdrv = to_pl_driver(dev->driver);
	struct pl_dev *pdev = to_pl_dev(dev);
	int ret;

	ret = pdrv->probe(pdev);
	pdev->bind_err = ret;
	if (pdev->iommu)
		return ret;
	if (!ret) {
		mutex_lock(&pl_lab.lock);
		pdev->bound = true;
		mutex_unlock(&pl_lab.lock);
	}
	pl_ev_driver(PROBELAB_EV_BIND, pdev, pdrv->id, ret);
	return ret;
}

static void pl_bus_remove(struct device *dev)
{
	struct pl_driver *pdrv = to_pl_driver(dev->driver);
	struct pl_dev *pdev = to_pl_dev(dev);

	if (!pdev->iommu) {
		mutex_lock(&pl_lab.lock);
		pdev->bound = false;
		mutex_unlock(&pl_lab.lock);
	}
	pdrv->remove(pdev);
	if (!pdev->iommu)
		pl_ev_driver(PROBELAB_EV_UNBIND, pdev, pdrv->id, 0);
}

struct bus_type pl_bus_type = {
	.name = "probelab",
	.match = pl_bus_match,
	.probe = pl_bus_probe,
	.remove = pl_bus_remove,
	.dma_configure = pl_dma_configure,
	.dma_cleanup = pl_dma_cleanup,
};

/*
 * The IOMMU probe runs when a device is added and is released when it is
 * removed, from the bus notifier: where mainline calls
 * iommu_probe_device() / iommu_release_device().  Not in a bare lab.
 */
static int pl_bus_notify(struct notifier_block *nb, unsigned long action,
			 void *data)
{
	struct pl_dev *pdev = to_pl_dev(data);

	if (pdev->iommu || pl_lab_bare())
		return NOTIFY_DONE;
	switch (action) {
	case BUS_NOTIFY_ADD_DEVICE:
		pl_policy()->device_added(pdev);
		break;
	case BUS_NOTIFY_REMOVED_DEVICE:
		mutex_lock(&pl_lab.lock);
		pl_release_device(pdev);
		mutex_unlock(&pl_lab.lock);
		break;
	}
	return NOTIFY_DONE;
}

static struct notifier_block pl_bus_nb = {
	.notifier_call = pl_bus_notify,
};

/*
 * The parent of every lab device (/sys/devices/probelab/): lab device
 * names cannot collide with the kernel's own under /sys/devices.
 */
static struct device *pl_lab_root;

/*
 * Lab devices sit in a PM domain with one callback: dismiss(), which the
 * driver core calls at the end of device_unbind_cleanup() (every unbind,
 * failed or deferred bind), after the host's arch_teardown_dma_ops().
 */
static void pl_pm_dismiss(struct device *dev)
{
	struct pl_dev *pdev = to_pl_dev(dev);

	if (!pdev->iommu)
		pl_host_teardown_undo(pdev);
}

static struct dev_pm_domain pl_pm_domain = {
	.dismiss = pl_pm_dismiss,
};

static void pl_dev_release(struct device *dev)
{
	kfree(to_pl_dev(dev));
}

/* lockdep class of lab devices' dev->mutex (pl_dev_alloc()) */
static struct lock_class_key pl_dev_mutex_key;

/*
 * A device on the lab bus, initialized, under the lab's root device: an
 * endpoint (DEV_ADD) or an instance's device.  put_device() frees it.
 */
struct pl_dev *pl_dev_alloc(void)
{
	struct pl_dev *pdev = kzalloc(sizeof(*pdev), GFP_KERNEL);

	if (!pdev)
		return NULL;
	device_initialize(&pdev->dev);
	/*
	 * The driver core puts every dev->mutex in lockdep's novalidate
	 * class; lab devices get a class of their own, so that lockdep checks
	 * the lock order of probelab.h (device lock, then the lab lock; never
	 * two device locks nested).
	 */
	lockdep_set_class(&pdev->dev.mutex, &pl_dev_mutex_key);
	pdev->dev.bus = &pl_bus_type;
	pdev->dev.parent = pl_lab_root;
	pdev->dev.release = pl_dev_release;
	dev_pm_domain_set(&pdev->dev, &pl_pm_domain);
	pdev->dma_mask = DMA_BIT_MASK(64);
	pdev->dev.dma_mask = &pdev->dma_mask;
	pdev->dev.coherent_dma_mask = DMA_BIT_MASK(64);
	INIT_LIST_HEAD(&pdev->node);
	INIT_LIST_HEAD(&pdev->group_node);
	return pdev;
}

/* ---- init ---------------------------------------------------------------- */

int pl_bus_init(void)
{
	int ret;

	ret = bus_register(&pl_bus_type);
	if (ret)
		return ret;
	ret = bus_register_notifier(&pl_bus_type, &pl_bus_nb);
	if (ret)
		goto err_unregister_bus;
	ret = pl_drivers_register();
	if (ret)
		goto err_unregister_notifier;
	pl_lab_root = root_device_register("probelab");
	if (IS_ERR(pl_lab_root)) {
		ret = PTR_ERR(pl_lab_root);
		goto err_unregister_drivers;
	}
	return 0;

err_unregister_drivers:
	pl_drivers_unregister();
err_unregister_notifier:
	bus_unregister_notifier(&pl_bus_type, &pl_bus_nb);
err_unregister_bus:
	bus_unregister(&pl_bus_type);
	return ret;
}

void pl_bus_exit(void)
{
	root_device_unregister(pl_lab_root);
	pl_drivers_unregister();
	bus_unregister_notifier(&pl_bus_type, &pl_bus_nb);
	bus_unregister(&pl_bus_type);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * probelab: the lab bus - a real bus_type with PCI-like and named devices,
 * one device per IOMMU instance, and the lab's drivers.  Binding goes
 * through the real driver core; the IOMMU probe layer hooks in through
 * the bus notifier (device add/remove) and bus->dma_configure/dma_cleanup.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/dma-map-ops.h>
#include <linux/dma-mapping.h>
#include <linux/pm_domain.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "compat.h"
#include "probelab.h"
#include "core/fwdesc.h"

/* ---- the lab's drivers ------------------------------------------------- */

/* probelab-dma keeps one streaming mapping for as long as it is bound. */
struct pl_dma_client {
	void *buf;
	dma_addr_t handle;
};

static int pl_dma_drv_probe(struct pl_dev *pdev)
{
	struct pl_dma_client *c;

	c = devm_kzalloc(&pdev->dev, sizeof(*c), GFP_KERNEL);
	if (!c)
		return -ENOMEM;
	/* a page, not devm_kzalloc(PAGE_SIZE): that is 8K with its header */
	c->buf = (void *)devm_get_free_pages(&pdev->dev,
					     GFP_KERNEL | __GFP_ZERO, 0);
	if (!c->buf)
		return -ENOMEM;
	c->handle = dma_map_single(&pdev->dev, c->buf, PAGE_SIZE,
				   DMA_BIDIRECTIONAL);
	if (dma_mapping_error(&pdev->dev, c->handle)) {
		dev_err(&pdev->dev, "dma_map_single failed\n");
		return -EIO;
	}
	dev_set_drvdata(&pdev->dev, c);
	return 0;
}

static void pl_dma_drv_remove(struct pl_dev *pdev)
{
	struct pl_dma_client *c = dev_get_drvdata(&pdev->dev);

	dma_unmap_single(&pdev->dev, c->handle, PAGE_SIZE, DMA_BIDIRECTIONAL);
}

/* probelab-user: DMA is managed by its user (VFIO-like), not the DMA API. */
static int pl_user_drv_probe(struct pl_dev *pdev)
{
	dev_dbg(&pdev->dev, "bound for user-managed DMA\n");
	return 0;
}

static void pl_user_drv_remove(struct pl_dev *pdev)
{
	dev_dbg(&pdev->dev, "user-managed DMA released\n");
}

/*
 * probelab-ownops installs dma_map_ops of its own in probe and puts the
 * previous ones back in remove, as exynos DRM or omap3isp do: the layer
 * must neither clobber them while bound nor leave them behind.
 */
static dma_addr_t pl_ownops_map_page(struct device *dev, struct page *page,
				     unsigned long offset, size_t size,
				     enum dma_data_direction dir,
				     unsigned long attrs)
{
	return page_to_phys(page) + offset;
}

static void pl_ownops_unmap_page(struct device *dev, dma_addr_t addr,
				 size_t size, enum dma_data_direction dir,
				 unsigned long attrs)
{
}

static const struct dma_map_ops pl_ownops_ops = {
	.map_page = pl_ownops_map_page,
	.unmap_page = pl_ownops_unmap_page,
};

struct pl_ownops_client {
	const struct dma_map_ops *prev;
};

static int pl_ownops_drv_probe(struct pl_dev *pdev)
{
	struct pl_ownops_client *c;

	c = devm_kzalloc(&pdev->dev, sizeof(*c), GFP_KERNEL);
	if (!c)
		return -ENOMEM;
	c->prev = get_dma_ops(&pdev->dev);
	set_dma_ops(&pdev->dev, &pl_ownops_ops);
	dev_set_drvdata(&pdev->dev, c);
	return 0;
}

static void pl_ownops_drv_remove(struct pl_dev *pdev)
{
	struct pl_ownops_client *c = dev_get_drvdata(&pdev->dev);

	set_dma_ops(&pdev->dev, c->prev);
}

/*
 * probelab-pool, a page_pool-like client: it maps PL_POOL_PAGES pages at
 * probe, which the "stack" may still hold when the driver goes.  Before
 * 6.15 page_pool unmapped such a page when it came back - after the
 * driver left, through whatever DMA state the device had by then (the
 * 2024 crashes in iommu_dma_unmap_page()); since "page_pool: Track
 * DMA-mapped pages and unmap them when destroying the pool" the pool's
 * destruction unmaps them.  The policy says which page_pool this is.
 * In-flight pages come back from a work item (after the injection point
 * pool.release), holding a reference on the device.
 */
#define PL_POOL_PAGES	4

struct pl_pool {
	struct pl_dev *pdev;
	struct work_struct release;
	unsigned int nr;
	struct page *pages[PL_POOL_PAGES];
	dma_addr_t handles[PL_POOL_PAGES];
};

static atomic_t pl_pool_inflight = ATOMIC_INIT(0);
static DECLARE_WAIT_QUEUE_HEAD(pl_pool_wq);

static void pl_pool_free_pages(struct pl_pool *pool)
{
	unsigned int i;

	for (i = 0; i < pool->nr; i++)
		__free_page(pool->pages[i]);
	kfree(pool);
}

static void pl_pool_unmap_all(struct pl_pool *pool)
{
	unsigned int i;

	for (i = 0; i < pool->nr; i++)
		dma_unmap_page(&pool->pdev->dev, pool->handles[i], PAGE_SIZE,
			       DMA_BIDIRECTIONAL);
}

static void pl_pool_release(struct work_struct *work)
{
	struct pl_pool *pool = container_of(work, struct pl_pool, release);
	struct pl_dev *pdev = pool->pdev;
	unsigned int i;

	pl_inject(PL_INJ_POOL_RELEASE, pdev);
	for (i = 0; i < pool->nr; i++)
		pl_dma_unmap_late(pdev, pool->handles[i], PAGE_SIZE);
	pl_pool_free_pages(pool);
	put_device(&pdev->dev);
	if (atomic_dec_and_test(&pl_pool_inflight))
		wake_up_all(&pl_pool_wq);
}

/* Waits for every in-flight pool page to come back (no lab lock held). */
void pl_pool_drain(void)
{
	wait_event(pl_pool_wq, !atomic_read(&pl_pool_inflight));
}

static int pl_pool_drv_probe(struct pl_dev *pdev)
{
	struct pl_pool *pool;
	struct page *page;
	dma_addr_t handle;

	pool = kzalloc(sizeof(*pool), GFP_KERNEL);
	if (!pool)
		return -ENOMEM;
	pool->pdev = pdev;
	while (pool->nr < PL_POOL_PAGES) {
		page = alloc_page(GFP_KERNEL);
		if (!page)
			goto err_unmap;
		handle = dma_map_page(&pdev->dev, page, 0, PAGE_SIZE,
				      DMA_BIDIRECTIONAL);
		if (dma_mapping_error(&pdev->dev, handle)) {
			__free_page(page);
			goto err_unmap;
		}
		pool->pages[pool->nr] = page;
		pool->handles[pool->nr++] = handle;
	}
	dev_set_drvdata(&pdev->dev, pool);
	return 0;

err_unmap:
	dev_err(&pdev->dev, "pool: mapping page %u failed\n", pool->nr);
	pl_pool_unmap_all(pool);
	pl_pool_free_pages(pool);
	return -ENOMEM;
}

static void pl_pool_drv_remove(struct pl_dev *pdev)
{
	struct pl_pool *pool = dev_get_drvdata(&pdev->dev);

	if (pl_policy()->pool_unmap_at_destroy) {
		pl_pool_unmap_all(pool);
		pl_pool_free_pages(pool);
		return;
	}
	/* the pages are still in flight: they come back later */
	get_device(&pdev->dev);
	atomic_inc(&pl_pool_inflight);
	INIT_WORK(&pool->release, pl_pool_release);
	schedule_work(&pool->release);
}

static int pl_iommu_drv_probe(struct pl_dev *pdev);
static void pl_iommu_drv_remove(struct pl_dev *pdev);

static struct pl_driver pl_drivers[] = {
	[PROBELAB_DRV_DMA] = {
		.id = PROBELAB_DRV_DMA,
		.drv.name = "probelab-dma",
		.probe = pl_dma_drv_probe,
		.remove = pl_dma_drv_remove,
	},
	[PROBELAB_DRV_USER] = {
		.id = PROBELAB_DRV_USER,
		.drv.name = "probelab-user",
		.driver_managed_dma = true,
		.probe = pl_user_drv_probe,
		.remove = pl_user_drv_remove,
	},
	[PROBELAB_DRV_OWNOPS] = {
		.id = PROBELAB_DRV_OWNOPS,
		.drv.name = "probelab-ownops",
		.probe = pl_ownops_drv_probe,
		.remove = pl_ownops_drv_remove,
	},
	[PROBELAB_DRV_POOL] = {
		.id = PROBELAB_DRV_POOL,
		.drv.name = "probelab-pool",
		.probe = pl_pool_drv_probe,
		.remove = pl_pool_drv_remove,
	},
	[0] = {
		.id = 0,
		.drv.name = "probelab-iommu",
		.probe = pl_iommu_drv_probe,
		.remove = pl_iommu_drv_remove,
	},
};

const char *pl_driver_name(u32 driver)
{
	if (driver >= ARRAY_SIZE(pl_drivers) || !driver)
		return NULL;
	return pl_drivers[driver].drv.name;
}

/* ---- the bus ------------------------------------------------------------ */

/*
 * An instance device matches only the instance driver, and only while its
 * registration is wanted.  An endpoint matches the driver DRV_BIND asked
 * for; under "fixed" only once the IOMMU probe completed, so that the
 * driver core's global deferred-probe retries never start a probe that
 * can only defer again.
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
	      pl_policy()->match_ready(pdev);
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
 * iommu_probe_device() / iommu_release_device().
 */
static int pl_bus_notify(struct notifier_block *nb, unsigned long action,
			 void *data)
{
	struct pl_dev *pdev = to_pl_dev(data);

	if (pdev->iommu)
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

static struct pl_dev *pl_dev_alloc(void)
{
	struct pl_dev *pdev = kzalloc(sizeof(*pdev), GFP_KERNEL);

	if (!pdev)
		return NULL;
	device_initialize(&pdev->dev);
	pdev->dev.bus = &pl_bus_type;
	pdev->dev.release = pl_dev_release;
	dev_pm_domain_set(&pdev->dev, &pl_pm_domain);
	pdev->dma_mask = DMA_BIT_MASK(64);
	pdev->dev.dma_mask = &pdev->dma_mask;
	pdev->dev.coherent_dma_mask = DMA_BIT_MASK(64);
	INIT_LIST_HEAD(&pdev->node);
	INIT_LIST_HEAD(&pdev->group_node);
	return pdev;
}

/*
 * The parent of every lab device (/sys/devices/probelab/): lab device
 * names cannot collide with the kernel's own under /sys/devices.
 */
static struct device *pl_lab_root;

/* an instance's device is named "iommu-<instance>" */
#define PL_IOMMU_DEV_PREFIX	"iommu-"

/* ---- instances ---------------------------------------------------------- */

/*
 * The instance driver's probe, in two steps as real drivers register:
 * iommu_device_register() publishes the instance (registered), then the
 * driver finishes its setup - here, resetting its stream or context
 * tables - and marks it ready (6.16's iommu->ready).  Probing the devices
 * behind it comes last, through the policy.
 */
static int pl_iommu_drv_probe(struct pl_dev *pdev)
{
	struct pl_iommu *iommu = pdev->iommu;

	mutex_lock(&pl_lab.lock);
	iommu->registered = true;
	iommu->ready = false;
	iommu->going = false;
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

static void pl_iommu_drv_remove(struct pl_dev *ipdev)
{
	struct pl_iommu *iommu = ipdev->iommu;
	struct pl_dev *pdev;

	mutex_lock(&pl_lab.lock);
	list_for_each_entry(pdev, &pl_lab.devices, node)
		if (pl_dev_probed_behind(pdev, iommu))
			pl_release_device(pdev);
	iommu->registered = false;
	iommu->ready = false;
	iommu->going = false;
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
			goto err_destroy_hw;
		}
		ipdev->iommu = iommu;
		ipdev->dev.parent = pl_lab_root;
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
err_destroy_hw:
	pl_hw_destroy(&iommus[i]);
	pl_instances_destroy(iommus, i);
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

static int pl_iommu_ref_name(struct probelab_iommu_ref *cmd)
{
	if (!memchr(cmd->name, 0, sizeof(cmd->name)) || !cmd->name[0]) {
		pr_notice_ratelimited("IOMMU: name is empty or not terminated\n");
		return -EINVAL;
	}
	return 0;
}

static int pl_bind(struct pl_dev *pdev, u32 driver);

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
		u32 driver;

		pdev = batch.devs[i];
		/* a DRV_UNBIND since the list was made withdrew the bind */
		driver = READ_ONCE(pdev->want_driver);
		if (!driver)
			continue;
		atomic64_inc(&pl_lab.stats.retriggers);
		pl_ev_iommu(PROBELAB_EV_RETRIGGER, iommu, pdev);
		pl_bind(pdev, driver);
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
	iommu->going = true;
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

/* ---- endpoints ---------------------------------------------------------- */

struct pl_dev *pl_dev_find_get(u32 id)
{
	struct pl_dev *pdev;

	mutex_lock(&pl_lab.lock);
	list_for_each_entry(pdev, &pl_lab.devices, node) {
		if (pdev->id == id && !pdev->adding && !pdev->removing) {
			get_device(&pdev->dev);
			mutex_unlock(&pl_lab.lock);
			return pdev;
		}
	}
	mutex_unlock(&pl_lab.lock);
	return NULL;
}

static bool pl_dev_same(const struct pl_dev *a, const struct pl_dev *b)
{
	if (a->kind != b->kind)
		return false;
	if (a->kind == PROBELAB_DEV_NAMED)
		return !strcmp(a->name, b->name);
	return a->segment == b->segment && a->bus == b->bus &&
	       a->devfn == b->devfn;
}

static int pl_dev_add_check(const struct probelab_dev_add *cmd)
{
	u32 i;

	if (cmd->__reserved2 || cmd->__reserved3 || cmd->dev_id) {
		pr_notice_ratelimited("DEV_ADD: reserved or output field is not zero\n");
		return -EINVAL;
	}
	switch (cmd->kind) {
	case PROBELAB_DEV_PCI:
		if (memchr_inv(cmd->name, 0, sizeof(cmd->name))) {
			pr_notice_ratelimited("DEV_ADD: a PCI device takes no name\n");
			return -EINVAL;
		}
		if (cmd->nr_aliases > PROBELAB_MAX_ALIASES) {
			pr_notice_ratelimited("DEV_ADD: %u aliases, at most %u\n",
					      cmd->nr_aliases, PROBELAB_MAX_ALIASES);
			return -E2BIG;
		}
		for (i = cmd->nr_aliases; i < PROBELAB_MAX_ALIASES; i++)
			if (cmd->aliases[i]) {
				pr_notice_ratelimited("DEV_ADD: alias %u beyond nr_aliases is not zero\n",
						      i);
				return -EINVAL;
			}
		return 0;
	case PROBELAB_DEV_NAMED:
		if (!memchr(cmd->name, 0, sizeof(cmd->name)) ||
		    !pl_fw_name_valid(cmd->name)) {
			pr_notice_ratelimited("DEV_ADD: name must be 1..31 of [A-Za-z0-9._-]\n");
			return -EINVAL;
		}
		/* the device's name is its sysfs directory's */
		if (!strcmp(cmd->name, ".") || !strcmp(cmd->name, "..")) {
			pr_notice_ratelimited("DEV_ADD: '%s' cannot name a device\n",
					      cmd->name);
			return -EINVAL;
		}
		if (cmd->segment || cmd->bus || cmd->devfn || cmd->nr_aliases ||
		    memchr_inv(cmd->aliases, 0, sizeof(cmd->aliases))) {
			pr_notice_ratelimited("DEV_ADD: a named device takes no PCI fields\n");
			return -EINVAL;
		}
		return 0;
	}
	pr_notice_ratelimited("DEV_ADD: unknown device kind %u\n", cmd->kind);
	return -EINVAL;
}

int pl_op_dev_add(struct probelab_ucmd *ucmd)
{
	struct probelab_dev_add *cmd = &ucmd->cmd->dev_add;
	struct pl_dev *pdev, *other;
	int ret;

	ret = pl_dev_add_check(cmd);
	if (ret)
		return ret;
	pdev = pl_dev_alloc();
	if (!pdev)
		return -ENOMEM;
	pdev->kind = cmd->kind;
	pdev->segment = cmd->segment;
	pdev->bus = cmd->bus;
	pdev->devfn = cmd->devfn;
	pdev->nr_aliases = cmd->nr_aliases;
	memcpy(pdev->aliases, cmd->aliases, sizeof(pdev->aliases));
	strscpy(pdev->name, cmd->name, sizeof(pdev->name));
	if (cmd->flags & PROBELAB_DEV_ADD_PLATFORM_OPS) {
		pdev->base_ops = &pl_platform_ops;
		set_dma_ops(&pdev->dev, pdev->base_ops);
	}
	if (pdev->kind == PROBELAB_DEV_PCI)
		ret = dev_set_name(&pdev->dev, "pci-%04x:%02x:%02x.%u",
				   pdev->segment, pdev->bus, pdev->devfn >> 3,
				   pdev->devfn & 7);
	else
		ret = dev_set_name(&pdev->dev, "%s", pdev->name);
	if (ret)
		goto err_put;

	pdev->dev.parent = pl_lab_root;

	mutex_lock(&pl_lab.lock);
	if (pl_lab.changing) {
		mutex_unlock(&pl_lab.lock);
		pr_notice_ratelimited("DEV_ADD: refused while FW_LOAD or LAB_RESET runs\n");
		ret = -EBUSY;
		goto err_put;
	}
	if (!pl_lab.fw) {
		mutex_unlock(&pl_lab.lock);
		pr_notice_ratelimited("DEV_ADD: no description loaded\n");
		ret = -ENODATA;
		goto err_put;
	}
	/* instance devices are lab devices too: "iommu-<instance>" */
	if (pdev->kind == PROBELAB_DEV_NAMED &&
	    !strncmp(pdev->name, PL_IOMMU_DEV_PREFIX,
		     strlen(PL_IOMMU_DEV_PREFIX)) &&
	    pl_iommu_find(pdev->name + strlen(PL_IOMMU_DEV_PREFIX))) {
		mutex_unlock(&pl_lab.lock);
		pr_notice_ratelimited("DEV_ADD: %s is the name of an instance's device\n",
				      pdev->name);
		ret = -EEXIST;
		goto err_put;
	}
	list_for_each_entry(other, &pl_lab.devices, node) {
		if (pl_dev_same(pdev, other)) {
			mutex_unlock(&pl_lab.lock);
			pr_notice_ratelimited("DEV_ADD: %s exists\n",
					      dev_name(&pdev->dev));
			ret = -EEXIST;
			goto err_put;
		}
	}
	ret = pl_limit_check(PL_LIMIT_DEVICES, pl_lab.nr_devices, 1, "DEV_ADD");
	if (ret) {
		mutex_unlock(&pl_lab.lock);
		goto err_put;
	}
	pdev->id = pl_lab.next_dev_id++;
	pdev->adding = true;
	list_add_tail(&pdev->node, &pl_lab.devices);
	pl_lab.nr_devices++;
	mutex_unlock(&pl_lab.lock);

	/*
	 * On the list, the device is on "the bus" for the registration
	 * walks (device_add() puts it on the bus's klist before it calls
	 * the BUS_NOTIFY_ADD_DEVICE notifier, which runs the IOMMU probe),
	 * but not findable by id until device_add() returned (LIFECYCLE in
	 * probelab.h).
	 */
	pl_inject(PL_INJ_DEV_VISIBLE, pdev);
	ret = device_add(&pdev->dev);
	if (ret)
		goto err_unlist;
	/*
	 * Last use of @pdev: once findable, a DEV_REMOVE may drop the
	 * reference this function holds.
	 */
	pl_ev_dev(PROBELAB_EV_DEV_ADD, pdev, 0, NULL);
	cmd->dev_id = pdev->id;
	mutex_lock(&pl_lab.lock);
	pdev->adding = false;
	pl_lab_settled();
	mutex_unlock(&pl_lab.lock);
	return probelab_respond(ucmd, sizeof(*cmd));

err_unlist:
	mutex_lock(&pl_lab.lock);
	/*
	 * A registration walk may have probed the device while it was on
	 * the list (the kernels' policies take devices whose add notifier
	 * has not run): nothing else would release it now.
	 */
	if (pdev->state)
		pl_release_device(pdev);
	list_del_init(&pdev->node);
	pl_lab.nr_devices--;
	pl_lab_settled();
	mutex_unlock(&pl_lab.lock);
err_put:
	put_device(&pdev->dev);
	return ret;
}

/* Removes @pdev (a reference held by the caller is dropped). */
static void pl_dev_remove(struct pl_dev *pdev)
{
	pl_ev_dev(PROBELAB_EV_DEV_REMOVE, pdev, 0, NULL);
	/* Unbinds the driver; the notifier releases the IOMMU state. */
	device_del(&pdev->dev);
	mutex_lock(&pl_lab.lock);
	list_del_init(&pdev->node);
	pl_lab.nr_devices--;
	pl_lab_settled();
	mutex_unlock(&pl_lab.lock);
	put_device(&pdev->dev);	/* the caller's reference */
	put_device(&pdev->dev);	/* the lab's, from device_initialize() */
}

static int pl_dev_claim_removal(struct pl_dev *pdev)
{
	int ret = 0;

	mutex_lock(&pl_lab.lock);
	if (pdev->removing)
		ret = -ENOENT;
	pdev->removing = true;
	mutex_unlock(&pl_lab.lock);
	return ret;
}

int pl_op_dev_remove(struct probelab_ucmd *ucmd)
{
	struct probelab_dev_ref *cmd = &ucmd->cmd->dev_ref;
	struct pl_dev *pdev;

	if (cmd->__reserved2)
		return -EINVAL;
	pdev = pl_dev_find_get(cmd->dev_id);
	if (!pdev)
		return -ENOENT;
	if (pl_dev_claim_removal(pdev)) {
		put_device(&pdev->dev);
		return -ENOENT;
	}
	pl_dev_remove(pdev);
	return 0;
}

/*
 * Removes every lab device (reset, module exit), after waiting for the
 * devices still being added or removed by someone else.  No lock held.
 */
void pl_devices_remove_all(void)
{
	struct pl_dev *pdev, *found;
	u32 seq;

	for (;;) {
		found = NULL;
		mutex_lock(&pl_lab.lock);
		list_for_each_entry(pdev, &pl_lab.devices, node) {
			if (!pdev->adding && !pdev->removing) {
				found = pdev;
				break;
			}
		}
		if (found) {
			found->removing = true;
			get_device(&found->dev);
		}
		seq = pl_lab.settle_seq;
		pdev = list_first_entry_or_null(&pl_lab.devices, struct pl_dev,
						node);
		mutex_unlock(&pl_lab.lock);
		if (found)
			pl_dev_remove(found);
		else if (pdev)
			pl_lab_wait_settled(seq);
		else
			return;
	}
}

/*
 * Binds @pdev to @driver through the driver core: really_probe() runs
 * bus->dma_configure (where a policy defers a device), then the driver's
 * probe.  Returns 0 when bound, -EAGAIN when deferred, or the error.
 *
 * "fixed": device_driver_attach(); the layer retriggers the devices an
 * instance readied.  Kernel policies: device_attach() (bus->match selects
 * the requested driver), so that driver_probe_device() puts a deferred
 * device on the driver core's deferred list for its global retries.
 */
static int pl_bind(struct pl_dev *pdev, u32 driver)
{
	int ret;

	/* pl_drivers[0] is the instance driver, never an endpoint's */
	if (!pl_driver_name(driver))
		return -EINVAL;

	if (!pl_policy()->deferred_list)
		return device_driver_attach(&pl_drivers[driver].drv, &pdev->dev);
	pdev->bind_err = 0;
	ret = device_attach(&pdev->dev);
	if (ret == 1)
		return 0;
	/* -EPROBE_DEFER is kernel-internal: never returned to userspace */
	if (ret == -EPROBE_DEFER || pdev->bind_err == -EPROBE_DEFER)
		return -EAGAIN;
	if (ret < 0)
		return ret;
	return pdev->bind_err ? pdev->bind_err : -ENODEV;
}

int pl_op_drv_bind(struct probelab_ucmd *ucmd)
{
	struct probelab_drv_bind *cmd = &ucmd->cmd->drv_bind;
	bool prev_pending;
	struct pl_dev *pdev;
	u32 prev_driver;
	int ret;

	if (cmd->__reserved2 || cmd->result)
		return -EINVAL;
	if (!pl_driver_name(cmd->driver)) {
		pr_notice_ratelimited("DRV_BIND: unknown driver %u\n", cmd->driver);
		return -EINVAL;
	}
	pdev = pl_dev_find_get(cmd->dev_id);
	if (!pdev)
		return -ENOENT;

	mutex_lock(&pl_lab.lock);
	if (pdev->bound) {
		mutex_unlock(&pl_lab.lock);
		put_device(&pdev->dev);
		return -EBUSY;
	}
	prev_driver = pdev->want_driver;
	prev_pending = pdev->bind_pending;
	pdev->want_driver = cmd->driver;
	pdev->bind_pending = false;
	mutex_unlock(&pl_lab.lock);

	pdev->bind_err = 0;
	ret = pl_bind(pdev, cmd->driver);
	if (ret && ret != -EAGAIN) {
		/*
		 * Refused or failed, not deferred: this DRV_BIND leaves no
		 * wish behind (a later registration must not bind it), and
		 * what was wished before stays - unless a DRV_UNBIND or
		 * another DRV_BIND changed it meanwhile.
		 */
		mutex_lock(&pl_lab.lock);
		if (pdev->want_driver == cmd->driver && !pdev->bound) {
			pdev->want_driver = prev_driver;
			pdev->bind_pending = prev_pending;
		}
		mutex_unlock(&pl_lab.lock);
	}
	if (ret == -EAGAIN && pdev->bind_err == -EPROBE_DEFER) {
		/* deferred: dma_configure recorded the pending bind */
		cmd->result = PROBELAB_BIND_DEFERRED;
		ret = 0;
	} else if (!ret) {
		cmd->result = PROBELAB_BIND_BOUND;
	}
	put_device(&pdev->dev);
	if (ret)
		return ret;
	return probelab_respond(ucmd, sizeof(*cmd));
}

int pl_op_drv_unbind(struct probelab_ucmd *ucmd)
{
	struct probelab_dev_ref *cmd = &ucmd->cmd->dev_ref;
	struct pl_dev *pdev;
	bool bound;

	if (cmd->__reserved2)
		return -EINVAL;
	pdev = pl_dev_find_get(cmd->dev_id);
	if (!pdev)
		return -ENOENT;
	mutex_lock(&pl_lab.lock);
	pdev->want_driver = 0;
	pdev->bind_pending = false;
	mutex_unlock(&pl_lab.lock);

	device_lock(&pdev->dev);
	bound = pdev->dev.driver;
	device_unlock(&pdev->dev);
	if (bound)
		device_release_driver(&pdev->dev);
	put_device(&pdev->dev);
	return bound ? 0 : -ENODEV;
}

/* ---- init ---------------------------------------------------------------- */

int pl_bus_init(void)
{
	int ret;
	u32 i;

	ret = bus_register(&pl_bus_type);
	if (ret)
		return ret;
	ret = bus_register_notifier(&pl_bus_type, &pl_bus_nb);
	if (ret)
		goto err_unregister_bus;
	for (i = 0; i < ARRAY_SIZE(pl_drivers); i++) {
		pl_drivers[i].drv.bus = &pl_bus_type;
		pl_drivers[i].drv.owner = THIS_MODULE;
		pl_drivers[i].drv.suppress_bind_attrs = true;
		ret = driver_register(&pl_drivers[i].drv);
		if (ret)
			goto err_unregister_drivers;
	}
	pl_lab_root = root_device_register("probelab");
	if (IS_ERR(pl_lab_root)) {
		ret = PTR_ERR(pl_lab_root);
		goto err_unregister_drivers;
	}
	return 0;

err_unregister_drivers:
	while (i--)
		driver_unregister(&pl_drivers[i].drv);
	bus_unregister_notifier(&pl_bus_type, &pl_bus_nb);
err_unregister_bus:
	bus_unregister(&pl_bus_type);
	return ret;
}

void pl_bus_exit(void)
{
	u32 i = ARRAY_SIZE(pl_drivers);

	root_device_unregister(pl_lab_root);
	while (i--)
		driver_unregister(&pl_drivers[i].drv);
	bus_unregister_notifier(&pl_bus_type, &pl_bus_nb);
	bus_unregister(&pl_bus_type);
}

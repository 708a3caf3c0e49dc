// SPDX-License-Identifier: GPL-2.0
/*
 * probelab: the lab's drivers - probelab-dma, -user, -ownops and -pool,
 * which endpoints bind to, and the table that also holds probelab-iommu,
 * the instance devices' driver (its probe and remove are instance.c's) -
 * and their registration on the lab bus.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/dma-map-ops.h>
#include <linux/dma-mapping.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include "probelab.h"

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

/* Unmaps and frees the pool's pages, and the pool. */
static void pl_pool_destroy(struct pl_pool *pool)
{
	unsigned int i;

	for (i = 0; i < pool->nr; i++)
		dma_unmap_page(&pool->pdev->dev, pool->handles[i], PAGE_SIZE,
			       DMA_BIDIRECTIONAL);
	pl_pool_free_pages(pool);
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
			goto err_destroy_pool;
		handle = dma_map_page(&pdev->dev, page, 0, PAGE_SIZE,
				      DMA_BIDIRECTIONAL);
		if (dma_mapping_error(&pdev->dev, handle))
			goto err_free_page;
		pool->pages[pool->nr] = page;
		pool->handles[pool->nr++] = handle;
	}
	dev_set_drvdata(&pdev->dev, pool);
	return 0;

err_free_page:
	__free_page(page);
err_destroy_pool:
	dev_err(&pdev->dev, "pool: mapping page %u failed\n", pool->nr);
	pl_pool_destroy(pool);
	return -ENOMEM;
}

static void pl_pool_drv_remove(struct pl_dev *pdev)
{
	struct pl_pool *pool = dev_get_drvdata(&pdev->dev);

	if (pl_policy()->pool_unmap_at_destroy) {
		pl_pool_destroy(pool);
		return;
	}
	/* the pages are still in flight: they come back later */
	get_device(&pdev->dev);
	atomic_inc(&pl_pool_inflight);
	INIT_WORK(&pool->release, pl_pool_release);
	schedule_work(&pool->release);
}

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

/*
 * The driver core's driver for the endpoint driver @driver
 * (PROBELAB_DRV_*); NULL for an unknown one and for 0, the instance
 * driver, which is never an endpoint's.
 */
struct device_driver *pl_endpoint_driver(u32 driver)
{
	if (driver >= ARRAY_SIZE(pl_drivers) || !driver)
		return NULL;
	return &pl_drivers[driver].drv;
}

const char *pl_driver_name(u32 driver)
{
	struct device_driver *drv = pl_endpoint_driver(driver);

	return drv ? drv->name : NULL;
}

/* Registers every lab driver on the lab bus (module init). */
int pl_drivers_register(void)
{
	int ret;
	u32 i;

	for (i = 0; i < ARRAY_SIZE(pl_drivers); i++) {
		pl_drivers[i].drv.bus = &pl_bus_type;
		pl_drivers[i].drv.owner = THIS_MODULE;
		pl_drivers[i].drv.suppress_bind_attrs = true;
		ret = driver_register(&pl_drivers[i].drv);
		if (ret)
			goto err_unregister_drivers;
	}
	return 0;

err_unregister_drivers:
	while (i--)
		driver_unregister(&pl_drivers[i].drv);
	return ret;
}

void pl_drivers_unregister(void)
{
	u32 i = ARRAY_SIZE(pl_drivers);

	while (i--)
		driver_unregister(&pl_drivers[i].drv);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * probelab: the lab's dma_map_ops, installed on a device bound in a group
 * whose domain is a DMA domain.  IOVAs come from the kernel's own
 * allocator, the domain's iova_domain, as in dma-iommu; but through
 * alloc_iova()/free_iova(), without the per-CPU caches of
 * alloc_iova_fast(): iova_domain_init_rcaches() costs 2 magazines of 1 KiB
 * per CPU and size class (12 KiB per CPU) for every DMA domain, which
 * was most of a lab device's memory, and the lab's DMA is not hot.
 * Every live mapping is counted in its domain, so that one outliving its
 * binding is seen when the domain goes away.  What these ops mapped is
 * what the iova_domain's own tree holds (find_iova(), as intel-iommu's
 * unmap once looked it up): no second index of the handles.
 *
 * The ops run in any context: they touch only the domain, which stays
 * valid while the device is bound (pl_dev.dma_domain, read without the
 * lab lock it is written under).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/dma-map-ops.h>
#include <linux/dma-mapping.h>
#include <linux/gfp.h>
#include <linux/iova.h>
#include <linux/scatterlist.h>

#include "probelab.h"
#include "pgtable.h"

#define PL_IOVA_SHIFT		PAGE_SHIFT

/*
 * The kernel's cache of struct iova, held for the module's life rather
 * than per DMA domain: iova_cache_get() takes a global mutex, which every
 * lab device's IOMMU probe and release paid.
 */
int __init pl_dma_iova_init(void)
{
	return iova_cache_get();
}

void pl_dma_iova_exit(void)
{
	iova_cache_put();
}

int pl_domain_dma_init(struct pl_domain *domain)
{
	spin_lock_init(&domain->unmap_lock);
	init_iova_domain(&domain->iovad, PAGE_SIZE, 1);
	return 0;
}

void pl_domain_dma_destroy(struct pl_domain *domain)
{
	put_iova_domain(&domain->iovad);
}

/*
 * Stable while a DMA-API driver is bound, but for the kernels' policies
 * that replace the ops under a bound driver (invariant 7, reported): one
 * READ_ONCE(), paired with the WRITE_ONCE()s under the lab lock.
 */
static struct pl_domain *pl_dev_domain(struct device *dev)
{
	return READ_ONCE(to_pl_dev(dev)->dma_domain);
}

static dma_addr_t pl_map_phys(struct device *dev, phys_addr_t phys,
			      size_t size, enum dma_data_direction dir)
{
	struct pl_domain *domain = pl_dev_domain(dev);
	unsigned long offset = phys & ~PAGE_MASK;
	unsigned long npages = PAGE_ALIGN(offset + size) >> PL_IOVA_SHIFT;
	u64 limit = min_not_zero(*dev->dma_mask, dev->bus_dma_limit);
	int prot = PL_PROT_READ;
	struct iova *iova;
	unsigned long pfn;

	if (!domain || !size)
		return DMA_MAPPING_ERROR;
	/* the page tables translate 48-bit IOVAs */
	limit = min_t(u64, limit, BIT_ULL(48) - 1);
	if (dir != DMA_TO_DEVICE)
		prot |= PL_PROT_WRITE;
	iova = alloc_iova(&domain->iovad, npages, limit >> PL_IOVA_SHIFT, true);
	if (!iova)
		return DMA_MAPPING_ERROR;
	pfn = iova->pfn_lo;
	if (pl_pgtable_map(domain->pgt, (u64)pfn << PL_IOVA_SHIFT,
			   phys & PAGE_MASK, npages << PL_IOVA_SHIFT, prot,
			   GFP_ATOMIC)) {
		__free_iova(&domain->iovad, iova);
		return DMA_MAPPING_ERROR;
	}
	atomic_inc(&domain->mappings);
	return ((dma_addr_t)pfn << PL_IOVA_SHIFT) + offset;
}

static void pl_unmap_iova(struct device *dev, dma_addr_t addr, size_t size)
{
	struct pl_domain *domain = pl_dev_domain(dev);
	unsigned long offset = addr & ~PAGE_MASK;
	unsigned long npages = PAGE_ALIGN(offset + size) >> PL_IOVA_SHIFT;
	unsigned long pfn = addr >> PL_IOVA_SHIFT, flags;
	struct iova *iova;

	if (!domain)
		return;
	/*
	 * Only what these ops mapped goes back to the allocator: an IOVA
	 * range of the domain that starts at the handle's page and is as
	 * long as the unmap says.  A handle made through other dma_ops (ops
	 * replaced under a bound driver) is reported, never fed to
	 * __free_iova().  The unmap lock makes lookup and free one step, so
	 * that two unmaps of one handle cannot both free it.
	 */
	spin_lock_irqsave(&domain->unmap_lock, flags);
	iova = find_iova(&domain->iovad, pfn);
	if (!iova || iova->pfn_lo != pfn || iova_size(iova) != npages) {
		spin_unlock_irqrestore(&domain->unmap_lock, flags);
		pl_report_atomic(7, to_pl_dev(dev),
				 "unmap of 0x%llx+0x%zx, which the lab dma_ops did not map",
				 (u64)addr, size);
		return;
	}
	pl_pgtable_unmap(domain->pgt, addr & PAGE_MASK,
			 npages << PL_IOVA_SHIFT);
	__free_iova(&domain->iovad, iova);
	atomic_dec(&domain->mappings);
	spin_unlock_irqrestore(&domain->unmap_lock, flags);
}

/**
 * pl_dma_unmap_late() - dma_unmap_page() of a handle whose driver is gone
 * @pdev: the device the handle was mapped for
 * @handle: what the lab dma_ops returned
 * @size: its size
 *
 * As the DMA API dispatches it: through the device's dma_ops as they are
 * now.  The lab dma_ops with the domain still there take it back (the
 * mapping outlived its binding meanwhile, which the checker reports);
 * anything else would be handed an IOVA it never made - dma-direct would
 * "unmap" (and on arm64 cache-maintain) a bus address that is no
 * physical address - so it is reported instead (invariant 7).  The lab
 * lock keeps the device's domain from going away meanwhile.
 */
void pl_dma_unmap_late(struct pl_dev *pdev, dma_addr_t handle, size_t size)
{
	const struct dma_map_ops *ops;

	mutex_lock(&pl_lab.lock);
	ops = get_dma_ops(&pdev->dev);
	if (ops == &pl_dma_ops && pdev->dma_domain)
		pl_unmap_iova(&pdev->dev, handle, size);
	else
		pl_violation(7, pdev,
			     "unmap of 0x%llx after its driver left, through %s: the lab dma_ops that made it are gone",
			     (u64)handle,
			     ops == &pl_dma_ops ? "the lab dma_ops with no domain" :
			     ops == &pl_platform_ops ? "the platform's dma_ops" :
			     ops ? "a driver's dma_ops" : "dma-direct");
	mutex_unlock(&pl_lab.lock);
}

static dma_addr_t pl_dma_map_page(struct device *dev, struct page *page,
				  unsigned long offset, size_t size,
				  enum dma_data_direction dir,
				  unsigned long attrs)
{
	return pl_map_phys(dev, page_to_phys(page) + offset, size, dir);
}

static void pl_dma_unmap_page(struct device *dev, dma_addr_t addr,
			      size_t size, enum dma_data_direction dir,
			      unsigned long attrs)
{
	pl_unmap_iova(dev, addr, size);
}

static void pl_dma_unmap_sg(struct device *dev, struct scatterlist *sgl,
			    int nents, enum dma_data_direction dir,
			    unsigned long attrs)
{
	struct scatterlist *sg;
	int i;

	for_each_sg(sgl, sg, nents, i) {
		if (!sg_dma_len(sg))
			break;
		pl_unmap_iova(dev, sg_dma_address(sg), sg_dma_len(sg));
	}
}

static int pl_dma_map_sg(struct device *dev, struct scatterlist *sgl,
			 int nents, enum dma_data_direction dir,
			 unsigned long attrs)
{
	struct scatterlist *sg;
	int i;

	for_each_sg(sgl, sg, nents, i) {
		sg_dma_address(sg) = pl_map_phys(dev, sg_phys(sg), sg->length,
						 dir);
		if (sg_dma_address(sg) == DMA_MAPPING_ERROR)
			goto err_unmap;
		sg_dma_len(sg) = sg->length;
	}
	return nents;

err_unmap:
	if (i)
		pl_dma_unmap_sg(dev, sgl, i, dir, attrs);
	return -ENOMEM;
}

static void *pl_dma_alloc(struct device *dev, size_t size, dma_addr_t *handle,
			  gfp_t gfp, unsigned long attrs)
{
	unsigned int order = get_order(size);
	struct page *page;

	page = alloc_pages(gfp | __GFP_ZERO, order);
	if (!page)
		return NULL;
	*handle = pl_map_phys(dev, page_to_phys(page), size,
			      DMA_BIDIRECTIONAL);
	if (*handle == DMA_MAPPING_ERROR) {
		__free_pages(page, order);
		return NULL;
	}
	return page_address(page);
}

static void pl_dma_free(struct device *dev, size_t size, void *vaddr,
			dma_addr_t handle, unsigned long attrs)
{
	pl_unmap_iova(dev, handle, size);
	__free_pages(virt_to_page(vaddr), get_order(size));
}

/*
 * The dma_ops a device may start with, of its platform rather than of an
 * IOMMU (as swiotlb-xen installs): a plain physical mapping.  Unbinds and
 * deferrals must leave them in place (invariant 7).
 */
static dma_addr_t pl_platform_map_page(struct device *dev, struct page *page,
				       unsigned long offset, size_t size,
				       enum dma_data_direction dir,
				       unsigned long attrs)
{
	return page_to_phys(page) + offset;
}

static void pl_platform_unmap_page(struct device *dev, dma_addr_t addr,
				   size_t size, enum dma_data_direction dir,
				   unsigned long attrs)
{
}

const struct dma_map_ops pl_platform_ops = {
	.map_page = pl_platform_map_page,
	.unmap_page = pl_platform_unmap_page,
};

const struct dma_map_ops pl_dma_ops = {
	.alloc = pl_dma_alloc,
	.free = pl_dma_free,
	.map_page = pl_dma_map_page,
	.unmap_page = pl_dma_unmap_page,
	.map_sg = pl_dma_map_sg,
	.unmap_sg = pl_dma_unmap_sg,
};

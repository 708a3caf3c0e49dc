// SPDX-License-Identifier: GPL-2.0
/*
 * probelab: IOMMU groups and their default domains.
 *
 * A device joins the group of a device it shares an ID with on its first
 * instance: a stream ID (SMMUv3) or a source ID (VT-d) - the requester IDs
 * of PCI DMA aliases, including those a PCIe-to-PCI bridge adds, resolve
 * to shared IDs, so aliased functions share a group as with
 * pci_device_group().  A new group gets a default domain of the lab's
 * default type and is attached to it on every instance in front of the
 * device.  All of it runs under pl_lab.lock.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/gfp.h>
#include <linux/slab.h>

#include "probelab.h"

static bool pl_fwspecs_share_id(const struct pl_fwspec *a,
				const struct pl_fwspec *b)
{
	u32 i, j;

	if (a->iommu != b->iommu)
		return false;
	for (i = 0; i < a->nr_ids; i++)
		for (j = 0; j < b->nr_ids; j++)
			if (a->ids[i] == b->ids[j])
				return true;
	return false;
}

static struct pl_group *pl_group_find(const struct pl_dev *pdev)
{
	const struct pl_fwspec *fs = &pdev->di->fwspecs[0];
	struct pl_group *group;
	struct pl_dev *member;

	lockdep_assert_held(&pl_lab.lock);
	list_for_each_entry(group, &pl_lab.groups, node) {
		if (group->iommu != fs->iommu)
			continue;
		list_for_each_entry(member, &group->devices, group_node)
			if (pl_fwspecs_share_id(fs, &member->di->fwspecs[0]))
				return group;
	}
	return NULL;
}

static struct pl_domain *pl_domain_alloc(struct pl_iommu *iommu, u32 type)
{
	struct pl_domain *domain;
	int ret;

	lockdep_assert_held(&pl_lab.lock);
	domain = kzalloc(sizeof(*domain), GFP_KERNEL);
	if (!domain)
		return ERR_PTR(-ENOMEM);
	domain->type = type;
	domain->iommu = iommu;
	atomic_set(&domain->mappings, 0);
	if (type == PROBELAB_DOMAIN_DMA || type == PROBELAB_DOMAIN_UNMANAGED) {
		domain->did = ++iommu->next_did;
		domain->pgd = (void *)get_zeroed_page(GFP_KERNEL);
		domain->cd = kzalloc(8 * sizeof(*domain->cd), GFP_KERNEL);
		if (!domain->pgd || !domain->cd) {
			ret = -ENOMEM;
			goto err_free_tables;
		}
		/* CD word 0: V, T0SZ 16 (48-bit), 4K granule, ASID in [63:48] */
		domain->cd[0] = cpu_to_le64(BIT_ULL(31) | 16ULL |
					    ((u64)domain->did << 48));
		domain->cd[1] = cpu_to_le64(virt_to_phys(domain->pgd));
	}
	if (type == PROBELAB_DOMAIN_DMA) {
		ret = pl_domain_dma_init(domain);
		if (ret)
			goto err_free_tables;
	}
	domain->id = pl_lab.next_domain_id++;
	list_add_tail(&domain->node, &pl_lab.domains);
	return domain;

err_free_tables:
	kfree(domain->cd);
	free_page((unsigned long)domain->pgd);
	kfree(domain);
	return ERR_PTR(ret);
}

static void pl_domain_free(struct pl_domain *domain)
{
	lockdep_assert_held(&pl_lab.lock);
	if (atomic_read(&domain->mappings))
		pl_violation(NULL, "domain %u freed with %d live mappings",
			     domain->id, atomic_read(&domain->mappings));
	if (domain->type == PROBELAB_DOMAIN_DMA)
		pl_domain_dma_destroy(domain);
	list_del(&domain->node);
	kfree(domain->cd);
	free_page((unsigned long)domain->pgd);
	kfree(domain);
}

static void pl_attach_dev(struct pl_dev *pdev, struct pl_domain *domain)
{
	u32 i;

	lockdep_assert_held(&pl_lab.lock);
	for (i = 0; i < pdev->di->nr_fwspecs; i++)
		pl_hw_attach(pdev->di->fwspecs[i].iommu, &pdev->di->fwspecs[i],
			     domain);
}

int pl_group_add_device(struct pl_dev *pdev)
{
	struct pl_group *group;
	struct pl_domain *domain;

	lockdep_assert_held(&pl_lab.lock);
	group = pl_group_find(pdev);
	if (!group) {
		group = kzalloc(sizeof(*group), GFP_KERNEL);
		if (!group)
			return -ENOMEM;
		domain = pl_domain_alloc(pdev->di->fwspecs[0].iommu,
					 pl_lab.default_domain);
		if (IS_ERR(domain)) {
			kfree(group);
			return PTR_ERR(domain);
		}
		group->state = PL_OBJ_LIVE;
		group->id = pl_lab.next_group_id++;
		group->iommu = pdev->di->fwspecs[0].iommu;
		INIT_LIST_HEAD(&group->devices);
		INIT_LIST_HEAD(&group->qnode);
		group->default_domain = domain;
		group->domain = domain;
		list_add_tail(&group->node, &pl_lab.groups);
		pl_ev_group(PROBELAB_EV_GROUP_ALLOC, NULL, group);
	}
	list_add_tail(&pdev->group_node, &group->devices);
	group->nr_devices++;
	pdev->group = group;
	/* a device joining a group gets the group's current domain */
	pl_attach_dev(pdev, group->domain);
	pl_ev_group(PROBELAB_EV_DOMAIN_ATTACH, pdev, group);
	return 0;
}

void pl_group_remove_device(struct pl_dev *pdev)
{
	struct pl_group *group = pdev->group;
	u32 i;

	lockdep_assert_held(&pl_lab.lock);
	for (i = 0; i < pdev->di->nr_fwspecs; i++)
		pl_hw_detach(pdev->di->fwspecs[i].iommu, &pdev->di->fwspecs[i]);
	list_del_init(&pdev->group_node);
	group->nr_devices--;
	pdev->group = NULL;
	if (group->nr_devices)
		return;

	if (group->owner_cnt)
		pl_violation(NULL, "empty group %u has owner_cnt %u", group->id,
			     group->owner_cnt);
	pl_ev_group(PROBELAB_EV_GROUP_FREE, NULL, group);
	if (group->domain != group->default_domain)
		pl_domain_free(group->domain);
	pl_domain_free(group->default_domain);
	group->domain = NULL;
	group->default_domain = NULL;
	list_del(&group->node);
	group->state = PL_OBJ_FREED;
	list_add_tail(&group->qnode, &pl_lab.quarantine_groups);
}

void pl_groups_free_quarantine(void)
{
	struct pl_group *group, *tmp;

	lockdep_assert_held(&pl_lab.lock);
	list_for_each_entry_safe(group, tmp, &pl_lab.quarantine_groups, qnode) {
		list_del(&group->qnode);
		kfree(group);
	}
}

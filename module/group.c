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

static struct pl_group *pl_group_find_shared(const struct pl_dev *pdev)
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

static void pl_attach_dev(struct pl_dev *pdev, struct pl_domain *domain)
{
	u32 i;

	lockdep_assert_held(&pl_lab.lock);
	for (i = 0; i < pdev->di->nr_fwspecs; i++)
		pl_hw_attach(pdev->di->fwspecs[i].iommu, &pdev->di->fwspecs[i],
			     domain);
}

/**
 * pl_group_setup_default() - give a group its default domain
 * @group: the group
 *
 * iommu_alloc_default_domain(): allocated once; attached unless the group
 * is claimed (the owner's domain stays).
 * Return: 0 or a negative errno.
 */
int pl_group_setup_default(struct pl_group *group)
{
	struct pl_domain *domain;

	lockdep_assert_held(&pl_lab.lock);
	if (group->default_domain)
		return 0;
	domain = pl_domain_alloc(group->iommu, pl_lab.default_domain);
	if (IS_ERR(domain))
		return PTR_ERR(domain);
	group->default_domain = domain;
	if (!group->own.owner)
		pl_group_set_domain(group, domain);
	return 0;
}

/**
 * pl_group_join() - put a device in its group
 * @pdev: the device, with its fwspecs
 * @late_default: a new group gets no default domain yet: the caller gives
 *	it one later (linux-6.1's iommu_probe_device() order)
 *
 * Return: 0 or a negative errno.
 */
int pl_group_join(struct pl_dev *pdev, bool late_default)
{
	struct pl_group *group;
	int ret;

	lockdep_assert_held(&pl_lab.lock);
	group = pl_group_find_shared(pdev);
	if (!group) {
		group = kzalloc(sizeof(*group), GFP_KERNEL);
		if (!group)
			return -ENOMEM;
		group->state = PL_OBJ_LIVE;
		group->iommu = pdev->di->fwspecs[0].iommu;
		INIT_LIST_HEAD(&group->devices);
		INIT_LIST_HEAD(&group->qnode);
		group->id = pl_lab.next_group_id++;
		if (!late_default) {
			ret = pl_group_setup_default(group);
			if (ret) {
				kfree(group);
				return ret;
			}
		}
		list_add_tail(&group->node, &pl_lab.groups);
		pl_ev_group(PROBELAB_EV_GROUP_ALLOC, NULL, group);
	}
	list_add_tail(&pdev->group_node, &group->devices);
	group->nr_devices++;
	pdev->group = group;
	/*
	 * A device joining a group gets the group's current domain - except
	 * with 6.1's iommu_probe_device(), which attaches only the default
	 * domain, and nothing when the group is claimed.
	 */
	if (group->domain && !(group->own.owner && pl_policy()->hotadd_no_attach))
		pl_attach_dev(pdev, group->domain);
	pl_ev_group(PROBELAB_EV_DOMAIN_ATTACH, pdev, group);
	return 0;
}

int pl_group_add_device(struct pl_dev *pdev)
{
	return pl_group_join(pdev, false);
}

void pl_group_remove_device(struct pl_dev *pdev)
{
	struct pl_group *group = pdev->group;
	enum pl_own_action act;
	u32 i;

	lockdep_assert_held(&pl_lab.lock);
	for (i = 0; i < pdev->di->nr_fwspecs; i++)
		pl_hw_detach(pdev->di->fwspecs[i].iommu, &pdev->di->fwspecs[i]);
	list_del_init(&pdev->group_node);
	group->nr_devices--;
	pdev->group = NULL;
	/* a departing device takes its device claims with it */
	while (pdev->dev_claims &&
	       !pl_own_release_device(&group->own, group->own.owner,
				      &pdev->dev_claims, &act)) {
		if (act == PL_OWN_TO_DEFAULT && group->nr_devices) {
			pl_group_set_domain(group, group->default_domain);
			pl_ev_group(PROBELAB_EV_RELEASE, NULL, group);
		}
	}
	pdev->dev_claims = 0;
	if (group->nr_devices)
		return;

	/* the group goes away: a group claim on it ends with it */
	pl_own_release_all(&group->own, group->own.owner);
	if (group->own.owner_cnt)
		pl_violation(4, NULL, "empty group %u has owner_cnt %u", group->id,
			     group->own.owner_cnt);
	group->own.owner_cnt = 0;
	pl_ev_group(PROBELAB_EV_GROUP_FREE, NULL, group);
	if (group->domain)
		group->domain->nr_attached--;
	if (group->default_domain)
		pl_domain_free(group->default_domain);
	if (group->blocking_domain)
		pl_domain_free(group->blocking_domain);
	group->domain = NULL;
	group->default_domain = NULL;
	group->blocking_domain = NULL;
	list_del(&group->node);
	group->state = PL_OBJ_FREED;
	list_add_tail(&group->qnode, &pl_lab.quarantine_groups);
}

/**
 * pl_group_set_domain() - attach every device of a group to a domain
 * @group: the group
 * @domain: the new domain (of the group's instance format)
 *
 * Rewrites the devices' STEs or context entries (hitlessly, hw.c).
 */
void pl_group_set_domain(struct pl_group *group, struct pl_domain *domain)
{
	struct pl_dev *pdev;

	lockdep_assert_held(&pl_lab.lock);
	if (group->domain == domain)
		return;
	pl_inject(PL_INJ_ATTACH, NULL);
	list_for_each_entry(pdev, &group->devices, group_node)
		pl_attach_dev(pdev, domain);
	if (group->domain)
		group->domain->nr_attached--;
	domain->nr_attached++;
	group->domain = domain;
	pl_ev_group(PROBELAB_EV_DOMAIN_ATTACH, NULL, group);
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

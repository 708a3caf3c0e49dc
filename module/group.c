// SPDX-License-Identifier: GPL-2.0
/*
 * probelab: IOMMU groups and their default domains.
 *
 * Groups are the union of the devices that share an ID: a stream ID
 * (SMMUv3) or a source ID (VT-d) on any instance in front of them, with
 * the specifiers' masks - the requester IDs of PCI DMA aliases, including
 * those a PCIe-to-PCI bridge adds, resolve to shared IDs, so aliased
 * functions share a group as with pci_device_group().  Sharing is
 * transitive: a device that shares with two groups merges them.  A new
 * group gets a default domain of the lab's default type and is attached
 * to it on every instance in front of the device.  A hardware entry
 * (STE, context entry) several members use is the group's: it is written
 * for the group's domain and cleared only when its last user leaves.
 * All of it runs under pl_lab.lock.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>

#include "probelab.h"
#include "core/idset.h"

/* Do two devices share a stream or source ID on some instance? */
static bool pl_devs_share_id(const struct pl_dev_iommu *a,
			     const struct pl_dev_iommu *b)
{
	const struct pl_fwspec *fa, *fb;
	u32 i, j;

	for (i = 0; i < a->nr_fwspecs; i++) {
		fa = &a->fwspecs[i];
		for (j = 0; j < b->nr_fwspecs; j++) {
			fb = &b->fwspecs[j];
			if (fa->iommu == fb->iommu &&
			    pl_ids_overlap(fa->ids, fa->masks, fa->nr_ids,
					   fb->ids, fb->masks, fb->nr_ids))
				return true;
		}
	}
	return false;
}

/* What a device whose fwspec is gone has: no instance, no ID. */
static const struct pl_dev_iommu pl_no_fwspecs = { .state = PL_OBJ_LIVE };

/*
 * The fwspecs of @pdev, a member of a group (or joining one).  Under
 * "fixed" and "mainline" a probed device keeps them until it leaves its
 * group; linux-6.1's of_iommu_configure() frees them without regard for
 * the group (the bug it models, policy_linux61.c), and the kernel then
 * uses freed memory.  The lab reports that (invariant 1) and goes on as
 * if the device had no IDs.
 */
static const struct pl_dev_iommu *pl_member_fwspecs(struct pl_dev *pdev)
{
	const struct pl_dev_iommu *di = pdev->di;

	lockdep_assert_held(&pl_lab.lock);
	if (likely(di && di->state == PL_OBJ_LIVE))
		return di;
	pl_violation(1, pdev, "grouped device's fwspec %s: used after iommu_fwspec_free()",
		     di ? "freed" : "gone");
	return &pl_no_fwspecs;
}

static bool pl_group_shares_id(const struct pl_group *group,
			       struct pl_dev *pdev)
{
	struct pl_dev *member;

	lockdep_assert_held(&pl_lab.lock);
	list_for_each_entry(member, &group->devices, group_node)
		if (member != pdev &&
		    pl_devs_share_id(pl_member_fwspecs(pdev),
				     pl_member_fwspecs(member)))
			return true;
	return false;
}

/*
 * Is (@iommu, @id) an entry of a member of @group other than @leaving?
 * Then it is the group's, written for its domain, and stays.
 */
static bool pl_group_entry_used(const struct pl_group *group,
				const struct pl_dev *leaving,
				const struct pl_iommu *iommu, u32 id)
{
	const struct pl_dev_iommu *di;
	const struct pl_fwspec *fs;
	struct pl_dev *member;
	u32 i;

	lockdep_assert_held(&pl_lab.lock);
	list_for_each_entry(member, &group->devices, group_node) {
		if (member == leaving)
			continue;
		di = pl_member_fwspecs(member);
		for (i = 0; i < di->nr_fwspecs; i++) {
			fs = &di->fwspecs[i];
			if (fs->iommu == iommu &&
			    pl_ids_contain(fs->ids, fs->nr_ids, id))
				return true;
		}
	}
	return false;
}

/*
 * A group whose devices cannot move to another group's domain: owned,
 * counted by DMA-API drivers, off its default domain, or with DMA-API
 * mappings still live in its default domain.
 */
static bool pl_group_busy(const struct pl_group *group)
{
	lockdep_assert_held(&pl_lab.lock);
	return group->own.owner || group->own.owner_cnt ||
	       group->domain != group->default_domain ||
	       (group->default_domain &&
		atomic_read(&group->default_domain->mappings));
}

static void pl_attach_dev(struct pl_dev *pdev, struct pl_domain *domain)
{
	const struct pl_dev_iommu *di;
	u32 i;

	lockdep_assert_held(&pl_lab.lock);
	di = pl_member_fwspecs(pdev);
	for (i = 0; i < di->nr_fwspecs; i++)
		pl_hw_attach(di->fwspecs[i].iommu, &di->fwspecs[i], domain);
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

/* The group is empty or merged away: it ends, into the quarantine. */
static void pl_group_free(struct pl_group *group)
{
	lockdep_assert_held(&pl_lab.lock);
	/* a group claim on it ends with it */
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
	pl_lab.nr_quarantined_groups++;
}

/*
 * @joining shares IDs with @group and @from: @from's devices (none of them a
 * DMA-API user, pl_group_busy()) move to @group and its domain, then
 * @from ends.
 */
static void pl_group_absorb(struct pl_dev *joining, struct pl_group *group,
			    struct pl_group *from)
{
	struct pl_dev *pdev, *tmp;

	lockdep_assert_held(&pl_lab.lock);
	list_for_each_entry_safe(pdev, tmp, &from->devices, group_node) {
		list_move_tail(&pdev->group_node, &group->devices);
		from->nr_devices--;
		group->nr_devices++;
		pdev->group = group;
		/* lab dma_ops of an IOMMU probe (kernel policies), unbound */
		if (pdev->dma_domain && pdev->dma_domain == from->default_domain)
			WRITE_ONCE(pdev->dma_domain, group->default_domain);
		if (group->domain)
			pl_attach_dev(pdev, group->domain);
		pl_ev_group(PROBELAB_EV_DOMAIN_ATTACH, pdev, group);
	}
	dev_dbg(&joining->dev, "shares IDs with groups %u and %u: merged\n",
		group->id, from->id);
	pl_group_free(from);
}

/*
 * The group a device joins: the union of every group it shares an ID
 * with, on any of its instances (masks included).  Groups it bridges are
 * merged into one; that is refused (-EBUSY) when more than one of them
 * is in use (pl_group_busy()), since a DMA-API user or owner would lose
 * its domain.  NULL when it shares nothing.
 */
static struct pl_group *pl_group_find_shared(struct pl_dev *pdev)
{
	struct pl_group *group = NULL, *busy = NULL, *g, *tmp;
	bool any_domain = false;
	u32 nr_shared = 0;

	lockdep_assert_held(&pl_lab.lock);
	list_for_each_entry(g, &pl_lab.groups, node) {
		if (!pl_group_shares_id(g, pdev))
			continue;
		nr_shared++;
		any_domain |= !!g->domain;
		if (pl_group_busy(g)) {
			if (busy) {
				dev_warn(&pdev->dev, "shares IDs with groups %u and %u, both in use: they cannot be merged\n",
					 busy->id, g->id);
				return ERR_PTR(-EBUSY);
			}
			busy = g;
		}
		if (!group || (!group->domain && g->domain))
			group = g;
	}
	if (busy)
		group = busy;
	if (nr_shared > 1 && any_domain && !group->domain) {
		dev_warn(&pdev->dev, "shares IDs with group %u, which has no domain yet, and with groups that have one\n",
			 group->id);
		return ERR_PTR(-EBUSY);
	}
	if (nr_shared > 1)
		list_for_each_entry_safe(g, tmp, &pl_lab.groups, node)
			if (g != group && pl_group_shares_id(g, pdev))
				pl_group_absorb(pdev, group, g);
	return group;
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
	if (IS_ERR(group))
		return PTR_ERR(group);
	if (!group) {
		group = kzalloc(sizeof(*group), GFP_KERNEL);
		if (!group)
			return -ENOMEM;
		atomic_inc(&pl_lab.objs.groups);
		group->state = PL_OBJ_LIVE;
		group->iommu = pdev->di->fwspecs[0].iommu;
		INIT_LIST_HEAD(&group->devices);
		INIT_LIST_HEAD(&group->qnode);
		group->id = pl_lab.next_group_id++;
		if (!late_default) {
			ret = pl_group_setup_default(group);
			if (ret) {
				kfree(group);
				atomic_dec(&pl_lab.objs.groups);
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

/*
 * A device leaves its group.  The entries it shares with the other
 * members are the group's: they keep the group's domain; the others
 * block its DMA again.  The last member's departure ends the group.
 */
void pl_group_remove_device(struct pl_dev *pdev)
{
	struct pl_group *group = pdev->group;
	const struct pl_dev_iommu *di;
	const struct pl_fwspec *fs;
	enum pl_own_action act;
	u32 i, j;

	lockdep_assert_held(&pl_lab.lock);
	di = pl_member_fwspecs(pdev);
	for (i = 0; i < di->nr_fwspecs; i++) {
		fs = &di->fwspecs[i];
		for (j = 0; j < fs->nr_ids; j++)
			if (!pl_group_entry_used(group, pdev, fs->iommu,
						 fs->ids[j]))
				pl_hw_detach_id(fs->iommu, fs->ids[j]);
	}
	list_del_init(&pdev->group_node);
	group->nr_devices--;
	pdev->group = NULL;
	/* a departing device takes its device claims with it */
	while (pdev->dev_claims &&
	       !pl_own_release_device(&group->own, group->own.owner,
				      &pdev->dev_claims, &act)) {
		if (act == PL_OWN_TO_DEFAULT && group->nr_devices) {
			pl_group_restore_default(group);
			pl_ev_group(PROBELAB_EV_RELEASE, NULL, group);
		}
	}
	pdev->dev_claims = 0;
	if (!group->nr_devices)
		pl_group_free(group);
}

/**
 * pl_group_set_domain() - attach every device of a group to a domain
 * @group: the group
 * @domain: the new domain (of the group's instance format), never NULL:
 *	pl_group_restore_default() handles a group with no default domain
 *
 * Rewrites the devices' STEs or context entries (hitlessly, hw.c).
 */
void pl_group_set_domain(struct pl_group *group, struct pl_domain *domain)
{
	struct pl_dev *pdev;

	lockdep_assert_held(&pl_lab.lock);
	if (group->domain == domain)
		return;
	if (!domain) {
		/* a path of the layer lost its domain: detected, not an oops */
		pl_report(5, NULL, group->id, group->domain->id,
			  "group %u: attach to no domain refused", group->id);
		return;
	}
	pl_inject(PL_INJ_ATTACH, NULL);
	list_for_each_entry(pdev, &group->devices, group_node)
		pl_attach_dev(pdev, domain);
	if (group->domain)
		group->domain->nr_attached--;
	domain->nr_attached++;
	group->domain = domain;
	pl_ev_group(PROBELAB_EV_DOMAIN_ATTACH, NULL, group);
}

/**
 * pl_group_restore_default() - the last claim is gone: back to the default
 *	domain (__iommu_release_dma_ownership())
 * @group: the group
 *
 * A group claimed in linux-6.1's window between the group add and
 * iommu_alloc_default_domain() (probe.default_domain) has no default
 * domain to go back to.  6.1 then calls __iommu_group_set_domain(group,
 * NULL): VT-d's detach_dev() takes every device off the claimed domain and
 * the group is left on none, its DMA blocked, until the probe allocates
 * and attaches the default domain.  The lab does the same and reports
 * it: a release must restore the default domain (invariant 5).
 */
void pl_group_restore_default(struct pl_group *group)
{
	const struct pl_dev_iommu *di;
	const struct pl_fwspec *fs;
	struct pl_dev *pdev;
	u32 i, j;

	lockdep_assert_held(&pl_lab.lock);
	if (group->default_domain) {
		pl_group_set_domain(group, group->default_domain);
		return;
	}
	pl_report(5, NULL, group->id, group->domain ? group->domain->id : 0,
		  "group %u released before it has a default domain: detached from every domain",
		  group->id);
	if (!group->domain)
		return;
	list_for_each_entry(pdev, &group->devices, group_node) {
		di = pl_member_fwspecs(pdev);
		for (i = 0; i < di->nr_fwspecs; i++) {
			fs = &di->fwspecs[i];
			for (j = 0; j < fs->nr_ids; j++)
				pl_hw_detach_id(fs->iommu, fs->ids[j]);
		}
	}
	group->domain->nr_attached--;
	group->domain = NULL;
	pl_ev_group(PROBELAB_EV_DOMAIN_ATTACH, NULL, group);
}

void pl_groups_free_quarantine(void)
{
	struct pl_group *group, *tmp;

	lockdep_assert_held(&pl_lab.lock);
	list_for_each_entry_safe(group, tmp, &pl_lab.quarantine_groups, qnode) {
		list_del(&group->qnode);
		kfree(group);
		atomic_dec(&pl_lab.objs.groups);
	}
	pl_lab.nr_quarantined_groups = 0;
}

/* Frees the oldest quarantined groups beyond @max; true if any went. */
bool pl_groups_trim_quarantine(u32 max)
{
	struct pl_group *group;
	bool trimmed = false;

	lockdep_assert_held(&pl_lab.lock);
	while (pl_lab.nr_quarantined_groups > max) {
		group = list_first_entry(&pl_lab.quarantine_groups,
					 struct pl_group, qnode);
		list_del(&group->qnode);
		pl_lab.nr_quarantined_groups--;
		kfree(group);
		atomic_dec(&pl_lab.objs.groups);
		trimmed = true;
	}
	return trimmed;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * probelab: group DMA ownership, with mainline iommu.c's rules.
 *
 *  - A bound DMA-API driver is an implicit owner: owner NULL, owner_cnt
 *    counts such drivers (iommu_device_use_default_domain()).
 *  - An explicit owner claims a whole group (VFIO:
 *    iommu_group_claim_dma_owner()) or devices one by one, counted under
 *    one token (iommufd: iommu_device_claim_dma_owner()).  The token is the
 *    open file of /dev/probelab; closing it releases its claims.
 *  - A claim fails with -EBUSY while a DMA-API driver is bound in the
 *    group, while another token owns it, or while the group is off its
 *    default domain; a DMA-API bind into an owned group fails with -EBUSY.
 *    A group without a default domain yet (only linux-6.1 has such a
 *    window) is refused too, except under linux-6.1, whose claim looked
 *    only at group->domain: there the release finds no default domain
 *    and is reported (pl_group_restore_default()).
 *  - The first claim moves the group to its blocking domain
 *    (__iommu_take_dma_ownership()); the last release restores the
 *    default domain (__iommu_release_dma_ownership()).
 *
 * Every function runs under pl_lab.lock (the lab lock protects the group
 * fields; probelab has no per-group mutex).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>

#include "probelab.h"

struct pl_group *pl_group_find(u32 id)
{
	struct pl_group *group;

	lockdep_assert_held(&pl_lab.lock);
	list_for_each_entry(group, &pl_lab.groups, node)
		if (group->id == id)
			return group;
	return NULL;
}

/* The driver binding @pdev (the driver core holds its device lock). */
static bool pl_driver_dma_api(struct pl_dev *pdev)
{
	device_lock_assert(&pdev->dev);
	return !to_pl_driver(pdev->dev.driver)->driver_managed_dma;
}

/**
 * pl_owner_get() - a DMA-API driver is binding: it owns its group
 * @pdev: the device being bound (device lock held by the driver core)
 *
 * Return: 0, or -EBUSY when the group is owned explicitly or off its
 * default domain.
 */
int pl_owner_get(struct pl_dev *pdev)
{
	struct pl_group *group = pdev->group;
	int ret;

	lockdep_assert_held(&pl_lab.lock);
	if (!group || !pl_driver_dma_api(pdev))
		return 0;
	ret = pl_own_use(&group->own, group->domain == group->default_domain);
	if (ret) {
		dev_notice(&pdev->dev, "DMA-API bind refused: group %u is owned\n",
			   group->id);
		return ret;
	}
	pdev->dma_owner = true;
	return 0;
}

/* iommu_device_unuse_default_domain() */
void pl_owner_put(struct pl_dev *pdev)
{
	struct pl_group *group = pdev->group;

	lockdep_assert_held(&pl_lab.lock);
	if (!pdev->dma_owner)
		return;
	pdev->dma_owner = false;
	if (!group || pl_own_unuse(&group->own))
		pl_violation(4, pdev, "DMA-API unbind with owner_cnt %u, owner %s",
			     group ? group->own.owner_cnt : 0,
			     group && group->own.owner ? "set" : "none");
}

static void pl_ev_claim(u32 event, struct pl_dev *pdev, struct pl_group *group)
{
	char detail[48];
	struct pl_ev ev = { .event = event, .dev = pdev, .group = group->id,
			    .iommu = group->iommu, .detail = detail };

	lockdep_assert_held(&pl_lab.lock);
	if (group->domain) {
		ev.domain = group->domain->id;
		ev.domain_type = group->domain->type;
	}

	snprintf(detail, sizeof(detail), "owner_cnt %u", group->own.owner_cnt);
	pl_event(&ev);
}

/* Carries out the domain change the ownership state machine asks for. */
static int pl_own_apply(struct pl_group *group, enum pl_own_action act)
{
	lockdep_assert_held(&pl_lab.lock);
	switch (act) {
	case PL_OWN_TO_BLOCKING:
		if (!group->blocking_domain) {
			struct pl_domain *blocking;

			blocking = pl_domain_alloc(group->iommu,
						   PROBELAB_DOMAIN_BLOCKED);
			if (IS_ERR(blocking))
				return PTR_ERR(blocking);
			group->blocking_domain = blocking;
		}
		pl_group_set_domain(group, group->blocking_domain);
		break;
	case PL_OWN_TO_DEFAULT:
		pl_group_restore_default(group);
		break;
	case PL_OWN_KEEP:
		break;
	}
	return 0;
}

/* The first claim could not get its blocking domain: undo it. */
static void pl_own_undo_take(struct pl_group *group)
{
	lockdep_assert_held(&pl_lab.lock);
	group->own.owner = NULL;
	group->own.owner_cnt = 0;
	group->own.group_claimed = false;
}

/* A probed device of the lab, lab lock held. */
static struct pl_dev *pl_dev_find_probed(u32 id, int *err)
{
	struct pl_dev *pdev;

	lockdep_assert_held(&pl_lab.lock);
	list_for_each_entry(pdev, &pl_lab.devices, node) {
		if (pdev->id != id || pdev->removing)
			continue;
		*err = pdev->group ? 0 : -ENODEV;
		return pdev->group ? pdev : NULL;
	}
	*err = -ENOENT;
	return NULL;
}

/*
 * OWNER_CLAIM_GROUP (iommu_group_claim_dma_owner(), VFIO) and
 * OWNER_CLAIM_DEVICE (iommu_device_claim_dma_owner(), iommufd): the state
 * machine decides, the first claim moves the group to its blocking domain.
 */
static int pl_owner_claim(struct probelab_ucmd *ucmd, bool device)
{
	struct probelab_owner *cmd = &ucmd->cmd->owner;
	bool on_default;
	enum pl_own_action act;
	struct pl_group *group;
	struct pl_dev *pdev = NULL;
	int ret;

	if (cmd->__reserved2)
		return -EINVAL;
	ret = pl_inject(PL_INJ_CLAIM, NULL);
	if (ret)
		return ret;
	mutex_lock(&pl_lab.lock);
	if (device) {
		pdev = pl_dev_find_probed(cmd->id, &ret);
		group = pdev ? pdev->group : NULL;
	} else {
		group = pl_group_find(cmd->id);
		ret = group ? 0 : -ENOENT;
	}
	if (ret)
		goto out_unlock;
	if (!group->default_domain && !pl_policy()->claim_no_default) {
		pr_notice_ratelimited("OWNER_CLAIM: group %u has no default domain yet\n",
				      group->id);
		ret = -EBUSY;
		goto out_unlock;
	}
	on_default = group->domain == group->default_domain;
	if (device)
		ret = pl_own_claim_device(&group->own, ucmd->pf, on_default,
					  &act);
	else
		ret = pl_own_claim_group(&group->own, ucmd->pf, on_default,
					 &act);
	if (ret)
		goto out_unlock;
	ret = pl_own_apply(group, act);
	if (ret) {
		pl_own_undo_take(group);
		goto out_unlock;
	}
	if (pdev)
		pdev->dev_claims++;
	pl_ev_claim(PROBELAB_EV_CLAIM, pdev, group);
out_unlock:
	mutex_unlock(&pl_lab.lock);
	return ret;
}

int pl_op_owner_claim_group(struct probelab_ucmd *ucmd)
{
	return pl_owner_claim(ucmd, false);
}

int pl_op_owner_claim_device(struct probelab_ucmd *ucmd)
{
	return pl_owner_claim(ucmd, true);
}

int pl_op_owner_release(struct probelab_ucmd *ucmd)
{
	struct probelab_owner *cmd = &ucmd->cmd->owner;
	enum pl_own_action act = PL_OWN_KEEP;
	struct pl_dev *pdev = NULL;
	struct pl_group *group;
	int ret = 0;

	if (cmd->__reserved2)
		return -EINVAL;
	mutex_lock(&pl_lab.lock);
	if (cmd->flags & PROBELAB_OWNER_DEVICE) {
		pdev = pl_dev_find_probed(cmd->id, &ret);
		if (!pdev)
			goto out_unlock;
		group = pdev->group;
		ret = pl_own_release_device(&group->own, ucmd->pf,
					    &pdev->dev_claims, &act);
	} else {
		group = pl_group_find(cmd->id);
		if (!group) {
			ret = -ENOENT;
			goto out_unlock;
		}
		ret = pl_own_release_group(&group->own, ucmd->pf, &act);
	}
	if (ret)
		goto out_unlock;
	pl_own_apply(group, act);
	pl_ev_claim(PROBELAB_EV_RELEASE, pdev, group);
out_unlock:
	mutex_unlock(&pl_lab.lock);
	return ret;
}

struct pl_file *pl_file_open(void)
{
	struct pl_file *pf = kzalloc(sizeof(*pf), GFP_KERNEL);

	if (pf)
		INIT_LIST_HEAD(&pf->domains);
	return pf;
}

/* Closing the token releases its claims, then frees its domains. */
void pl_file_release(struct pl_file *pf)
{
	struct pl_domain *domain, *tmp;
	struct pl_group *group;
	struct pl_dev *pdev;

	mutex_lock(&pl_lab.lock);
	list_for_each_entry(group, &pl_lab.groups, node) {
		if (pl_own_release_all(&group->own, pf) == PL_OWN_KEEP)
			continue;
		list_for_each_entry(pdev, &group->devices, group_node)
			pdev->dev_claims = 0;
		pl_own_apply(group, PL_OWN_TO_DEFAULT);
		pl_ev_claim(PROBELAB_EV_RELEASE, NULL, group);
	}
	list_for_each_entry_safe(domain, tmp, &pf->domains, fnode) {
		if (domain->nr_attached) {
			pl_violation(5, NULL, "closed file's domain %u still on %u groups",
				     domain->id, domain->nr_attached);
			list_del_init(&domain->fnode);
			domain->owner = NULL;
			continue;
		}
		pl_domain_free(domain);
	}
	mutex_unlock(&pl_lab.lock);
	kfree(pf);
	pl_check_auto();
}

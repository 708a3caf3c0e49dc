// SPDX-License-Identifier: GPL-2.0
/*
 * probelab: IOMMU domains - allocation in an instance's format, the
 * DOMAIN_ALLOC / DOMAIN_FREE / ATTACH / DETACH operations of explicit
 * owners.  Default and blocking domains belong to their group; domains
 * allocated through /dev/probelab belong to the file (the owner token)
 * and are freed when it closes.  Everything runs under pl_lab.lock.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/gfp.h>
#include <linux/slab.h>

#include "probelab.h"

/**
 * pl_domain_alloc() - allocate a domain in an instance's format
 * @iommu: the instance
 * @type: enum probelab_domain_type
 *
 * Paging domains (DMA, UNMANAGED) get a page-table root and, for
 * SMMUv3, a context descriptor; DMA domains an IOVA space.
 * Return: the domain or an ERR_PTR().
 */
struct pl_domain *pl_domain_alloc(struct pl_iommu *iommu, u32 type)
{
	struct pl_domain *domain;
	int ret;

	lockdep_assert_held(&pl_lab.lock);
	domain = kzalloc(sizeof(*domain), GFP_KERNEL);
	if (!domain)
		return ERR_PTR(-ENOMEM);
	domain->type = type;
	domain->iommu = iommu;
	INIT_LIST_HEAD(&domain->fnode);
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
	pl_ev_dev(PROBELAB_EV_DOMAIN_ALLOC, NULL, 0, NULL);
	return domain;

err_free_tables:
	kfree(domain->cd);
	free_page((unsigned long)domain->pgd);
	kfree(domain);
	return ERR_PTR(ret);
}

/* Frees an unattached domain (and unlinks it from its owner). */
void pl_domain_free(struct pl_domain *domain)
{
	lockdep_assert_held(&pl_lab.lock);
	if (domain->nr_attached)
		pl_violation(5, NULL, "domain %u freed while attached to %u groups",
			     domain->id, domain->nr_attached);
	if (atomic_read(&domain->mappings))
		pl_violation(7, NULL, "domain %u freed with %d live DMA-API mappings",
			     domain->id, atomic_read(&domain->mappings));
	if (domain->type == PROBELAB_DOMAIN_DMA)
		pl_domain_dma_destroy(domain);
	list_del(&domain->node);
	list_del(&domain->fnode);
	kfree(domain->cd);
	free_page((unsigned long)domain->pgd);
	kfree(domain);
}

/*
 * The description goes away (reset, new FW_LOAD): the domains owners still
 * hold refer to its instances, so they go too.  No group exists any more.
 */
void pl_domains_free_all(void)
{
	struct pl_domain *domain, *tmp;

	lockdep_assert_held(&pl_lab.lock);
	list_for_each_entry_safe(domain, tmp, &pl_lab.domains, node)
		pl_domain_free(domain);
}

static struct pl_domain *pl_domain_find(u32 id, struct pl_file *pf)
{
	struct pl_domain *domain;

	lockdep_assert_held(&pl_lab.lock);
	list_for_each_entry(domain, &pf->domains, fnode)
		if (domain->id == id)
			return domain;
	return NULL;
}

int pl_op_domain_alloc(struct probelab_ucmd *ucmd)
{
	struct probelab_domain_alloc *cmd = &ucmd->cmd->domain_alloc;
	struct pl_domain *domain;
	struct pl_dev *pdev;
	int ret = -ENOENT;

	if (cmd->__reserved2 || cmd->domain_id)
		return -EINVAL;
	if (cmd->type != PROBELAB_DOMAIN_UNMANAGED &&
	    cmd->type != PROBELAB_DOMAIN_IDENTITY &&
	    cmd->type != PROBELAB_DOMAIN_BLOCKED) {
		pr_notice_ratelimited("DOMAIN_ALLOC: type %u cannot be allocated\n",
				      cmd->type);
		return -EINVAL;
	}
	mutex_lock(&pl_lab.lock);
	list_for_each_entry(pdev, &pl_lab.devices, node) {
		if (pdev->id != cmd->dev_id || pdev->removing)
			continue;
		ret = pdev->group ? 0 : -ENODEV;
		break;
	}
	if (ret)
		goto out_unlock;
	domain = pl_domain_alloc(pdev->group->iommu, cmd->type);
	if (IS_ERR(domain)) {
		ret = PTR_ERR(domain);
		goto out_unlock;
	}
	domain->owner = ucmd->pf;
	list_add_tail(&domain->fnode, &ucmd->pf->domains);
	cmd->domain_id = domain->id;
out_unlock:
	mutex_unlock(&pl_lab.lock);
	return ret ? ret : probelab_respond(ucmd, sizeof(*cmd));
}

int pl_op_domain_free(struct probelab_ucmd *ucmd)
{
	struct probelab_domain_ref *cmd = &ucmd->cmd->domain_ref;
	struct pl_domain *domain;
	int ret = 0;

	if (cmd->__reserved2)
		return -EINVAL;
	mutex_lock(&pl_lab.lock);
	domain = pl_domain_find(cmd->domain_id, ucmd->pf);
	if (!domain)
		ret = -ENOENT;
	else if (domain->nr_attached)
		ret = -EBUSY;
	else
		pl_domain_free(domain);
	mutex_unlock(&pl_lab.lock);
	return ret;
}

/* The group an ATTACH/DETACH names, which @pf must own. */
static struct pl_group *pl_attach_group(struct probelab_attach *cmd,
					struct pl_file *pf, int *err)
{
	struct pl_group *group = NULL;
	struct pl_dev *pdev;

	lockdep_assert_held(&pl_lab.lock);
	if (cmd->flags & PROBELAB_ATTACH_DEVICE) {
		list_for_each_entry(pdev, &pl_lab.devices, node)
			if (pdev->id == cmd->target && !pdev->removing)
				group = pdev->group;
	} else {
		group = pl_group_find(cmd->target);
	}
	*err = group ? (group->owner == pf ? 0 : -EPERM) : -ENOENT;
	return *err ? NULL : group;
}

int pl_op_attach(struct probelab_ucmd *ucmd)
{
	struct probelab_attach *cmd = &ucmd->cmd->attach;
	struct pl_domain *domain;
	struct pl_group *group;
	int ret;

	mutex_lock(&pl_lab.lock);
	group = pl_attach_group(cmd, ucmd->pf, &ret);
	if (!group)
		goto out_unlock;
	domain = pl_domain_find(cmd->domain_id, ucmd->pf);
	if (!domain) {
		ret = -ENOENT;
		goto out_unlock;
	}
	if (domain->iommu->model != group->iommu->model) {
		pr_notice_ratelimited("ATTACH: domain %u is not in group %u's format\n",
				      domain->id, group->id);
		ret = -EINVAL;
		goto out_unlock;
	}
	pl_group_set_domain(group, domain);
out_unlock:
	mutex_unlock(&pl_lab.lock);
	return ret;
}

int pl_op_detach(struct probelab_ucmd *ucmd)
{
	struct probelab_attach *cmd = &ucmd->cmd->attach;
	struct pl_group *group;
	int ret;

	if (cmd->domain_id)
		return -EINVAL;
	mutex_lock(&pl_lab.lock);
	group = pl_attach_group(cmd, ucmd->pf, &ret);
	if (group)
		pl_group_set_domain(group, group->blocking_domain);
	mutex_unlock(&pl_lab.lock);
	return ret;
}

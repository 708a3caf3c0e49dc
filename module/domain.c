// SPDX-License-Identifier: GPL-2.0
/*
 * probelab: IOMMU domains - allocation in an instance's format, the
 * DOMAIN_ALLOC / DOMAIN_FREE / ATTACH / DETACH operations of explicit
 * owners.  Default and blocking domains belong to their group; domains
 * allocated through /dev/probelab belong to the file (the owner token)
 * and are freed when it closes.  Everything runs under pl_lab.lock.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitfield.h>
#include <linux/slab.h>

#include "probelab.h"
#include "pgtable.h"

/* Context descriptor fields (arm-smmu-v3.h, CTXDESC_CD_*) */
#define CD0_T0SZ		GENMASK_ULL(5, 0)
#define CD0_IRGN0		GENMASK_ULL(9, 8)
#define CD0_ORGN0		GENMASK_ULL(11, 10)
#define CD0_SH0			GENMASK_ULL(13, 12)
#define CD0_EPD1		BIT_ULL(30)
#define CD0_V			BIT_ULL(31)
#define CD0_IPS			GENMASK_ULL(34, 32)
#define CD0_AA64		BIT_ULL(41)
#define CD0_R			BIT_ULL(45)
#define CD0_A			BIT_ULL(46)
#define CD0_ASET		BIT_ULL(47)
#define CD0_ASID		GENMASK_ULL(63, 48)
#define CD1_TTB0		GENMASK_ULL(51, 4)
#define CD_MAIR			0x0004ff44ULL	/* attr 1: WBWA, as the PTEs use */

/* Page-table errors a walker meets: any context, so reported deferred. */
static void pl_domain_pgtable_violation(void *cookie, const char *what)
{
	struct pl_domain *domain = cookie;

	pl_report_atomic(8, NULL, "domain %u: %s", domain->id, what);
}

/* A paging domain's page table and, for SMMUv3, its context descriptor. */
static int pl_domain_paging_init(struct pl_domain *domain)
{
	bool smmu = domain->iommu->model == PROBELAB_FW_IOMMU_SMMUV3;

	/* the VT-d debugfs race is open upstream: only "fixed" RCU-frees */
	domain->pgt = pl_pgtable_alloc(smmu ? PL_PGTABLE_LPAE_S1_4K :
					      PL_PGTABLE_VTD_SL4,
				       pl_lab.policy == PROBELAB_POLICY_FIXED,
				       GFP_KERNEL);
	domain->cd = kzalloc(8 * sizeof(*domain->cd), GFP_KERNEL);
	if (!domain->pgt || !domain->cd)
		return -ENOMEM;
	pl_pgtable_set_violation(domain->pgt, pl_domain_pgtable_violation,
				 domain);
	domain->cd[0] = cpu_to_le64(FIELD_PREP(CD0_T0SZ, 16) |
				    FIELD_PREP(CD0_IRGN0, 1) |
				    FIELD_PREP(CD0_ORGN0, 1) |
				    FIELD_PREP(CD0_SH0, 3) | CD0_EPD1 | CD0_V |
				    FIELD_PREP(CD0_IPS, 5) | CD0_AA64 | CD0_R |
				    CD0_A | CD0_ASET |
				    FIELD_PREP(CD0_ASID, domain->did));
	domain->cd[1] = cpu_to_le64(pl_pgtable_root_phys(domain->pgt) &
				    CD1_TTB0);
	domain->cd[3] = cpu_to_le64(CD_MAIR);
	return 0;
}

static void pl_domain_paging_destroy(struct pl_domain *domain)
{
	kfree(domain->cd);
	if (domain->pgt)
		pl_pgtable_free(domain->pgt);
}

static bool pl_domain_paging(const struct pl_domain *domain)
{
	return domain->type == PROBELAB_DOMAIN_DMA ||
	       domain->type == PROBELAB_DOMAIN_UNMANAGED;
}

/*
 * Domains come from a cache of their own: a struct pl_domain (an
 * iova_domain inside) is a little over half of kmalloc-512, and every lab
 * device has one.
 */
static struct kmem_cache *pl_domain_cache;

int __init pl_domain_cache_init(void)
{
	pl_domain_cache = KMEM_CACHE(pl_domain, 0);
	return pl_domain_cache ? 0 : -ENOMEM;
}

void pl_domain_cache_exit(void)
{
	kmem_cache_destroy(pl_domain_cache);
}

/**
 * pl_domain_alloc() - allocate a domain in an instance's format
 * @iommu: the instance
 * @type: enum probelab_domain_type
 *
 * Paging domains (DMA, UNMANAGED) get a page table in the instance's
 * format and, for SMMUv3, a context descriptor; DMA domains an IOVA space.
 * Return: the domain or an ERR_PTR().
 */
struct pl_domain *pl_domain_alloc(struct pl_iommu *iommu, u32 type)
{
	struct pl_domain *domain;
	int ret;

	lockdep_assert_held(&pl_lab.lock);
	ret = pl_limit_check(PL_LIMIT_DOMAINS, pl_lab.nr_domains, 1,
			     "domain allocation");
	if (!ret)
		ret = pl_inject(PL_INJ_DOMAIN_ALLOC, NULL);
	if (ret)
		return ERR_PTR(ret);
	domain = kmem_cache_zalloc(pl_domain_cache, GFP_KERNEL);
	if (!domain)
		return ERR_PTR(-ENOMEM);
	atomic_inc(&pl_lab.objs.domains);
	domain->type = type;
	domain->iommu = iommu;
	INIT_LIST_HEAD(&domain->fnode);
	atomic_set(&domain->mappings, 0);
	if (pl_domain_paging(domain)) {
		domain->did = ++iommu->next_did;
		ret = pl_domain_paging_init(domain);
		if (ret)
			goto err_destroy_paging;
	}
	if (type == PROBELAB_DOMAIN_DMA) {
		ret = pl_domain_dma_init(domain);
		if (ret)
			goto err_destroy_paging;
	}
	domain->id = pl_lab.next_domain_id++;
	list_add_tail(&domain->node, &pl_lab.domains);
	pl_lab.nr_domains++;
	pl_debugfs_add_domain(domain);
	pl_ev_domain(PROBELAB_EV_DOMAIN_ALLOC, domain);
	return domain;

err_destroy_paging:
	pl_domain_paging_destroy(domain);
	kmem_cache_free(pl_domain_cache, domain);
	atomic_dec(&pl_lab.objs.domains);
	return ERR_PTR(ret);
}

/* What pl_domain_alloc() made goes: the domain is on no list any more. */
static void pl_domain_destroy(struct pl_domain *domain)
{
	lockdep_assert_held(&pl_lab.lock);
	if (domain->type == PROBELAB_DOMAIN_DMA)
		pl_domain_dma_destroy(domain);
	pl_domain_paging_destroy(domain);
	kmem_cache_free(pl_domain_cache, domain);
	atomic_dec(&pl_lab.objs.domains);
}

/*
 * A lab device whose dma_domain is @domain: its bound driver's lab dma_ops
 * still map into it (a kernel policy released the device under its
 * driver, or moved it away, and the group's default domain went).
 */
static struct pl_dev *pl_domain_user(struct pl_domain *domain)
{
	struct pl_dev *pdev;

	lockdep_assert_held(&pl_lab.lock);
	list_for_each_entry(pdev, &pl_lab.devices, node)
		if (READ_ONCE(pdev->dma_domain) == domain)
			return pdev;
	return NULL;
}

/*
 * Frees an unattached domain (and unlinks it from its owner).  A DMA
 * domain a device's lab dma_ops still use leaves the lab's lists but is
 * kept whole until the description goes (pl_domains_free_all()), so that
 * a late map or unmap finds its IOVA tree and page table, not memory a
 * new domain reuses.
 */
void pl_domain_free(struct pl_domain *domain)
{
	struct pl_dev *user;

	lockdep_assert_held(&pl_lab.lock);
	if (domain->nr_attached)
		pl_violation(5, NULL, "domain %u freed while attached to %u groups",
			     domain->id, domain->nr_attached);
	if (atomic_read(&domain->mappings))
		pl_violation(7, NULL, "domain %u freed with %d live DMA-API mappings",
			     domain->id, atomic_read(&domain->mappings));
	pl_ev_domain(PROBELAB_EV_DOMAIN_FREE, domain);
	/* no reader may be left in its debugfs walk when the table goes */
	pl_debugfs_remove_domain(domain);
	list_del(&domain->node);
	list_del(&domain->fnode);
	pl_lab.nr_domains--;
	pl_lab.mapped_bytes -= domain->map_bytes;
	pl_lab.pgtable_pages -= domain->map_levels;
	user = domain->type == PROBELAB_DOMAIN_DMA ? pl_domain_user(domain) :
						     NULL;
	if (user) {
		dev_notice_ratelimited(&user->dev,
				       "DMA domain %u freed while this device's lab dma_ops use it: kept until the lab is reset\n",
				       domain->id);
		list_add_tail(&domain->node, &pl_lab.kept_domains);
		return;
	}
	pl_domain_destroy(domain);
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
	/* no device is left to map into the kept ones */
	list_for_each_entry_safe(domain, tmp, &pl_lab.kept_domains, node) {
		list_del(&domain->node);
		pl_domain_destroy(domain);
	}
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
	*err = group ? (group->own.owner == pf ? 0 : -EPERM) : -ENOENT;
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

/* The paging domain a MAP/UNMAP names: this file's, UNMANAGED. */
static struct pl_domain *pl_map_domain(u32 id, struct pl_file *pf, int *err)
{
	struct pl_domain *domain = pl_domain_find(id, pf);

	lockdep_assert_held(&pl_lab.lock);
	*err = !domain ? -ENOENT :
	       domain->type != PROBELAB_DOMAIN_UNMANAGED ? -EINVAL : 0;
	return *err ? NULL : domain;
}

/*
 * Charges what MAP/UNMAP changed in @domain's table to the lab's bounds
 * (max_mapped_bytes, max_pgtable_pages): the table's own counters, so a
 * partial map or unmap is charged for what it did.
 */
static void pl_map_account(struct pl_domain *domain)
{
	struct pl_pgtable_stats st;
	u64 levels;

	lockdep_assert_held(&pl_lab.lock);
	pl_pgtable_get_stats(domain->pgt, &st);
	levels = st.levels_alloc - st.levels_freed - 1;	/* not the root */
	pl_lab.mapped_bytes += st.mapped_bytes - domain->map_bytes;
	pl_lab.pgtable_pages += levels - domain->map_levels;
	domain->map_bytes = st.mapped_bytes;
	domain->map_levels = levels;
}

/*
 * May a MAP of @length bytes go ahead: the bytes, and the table levels it
 * may need at most (one per 2 MiB of 4K pages, plus one per level above).
 */
static int pl_map_bound(u64 length)
{
	int ret;

	lockdep_assert_held(&pl_lab.lock);
	ret = pl_limit_check(PL_LIMIT_MAPPED, pl_lab.mapped_bytes, length,
			     "MAP");
	if (!ret)
		ret = pl_limit_check(PL_LIMIT_PGTABLE, pl_lab.pgtable_pages,
				     DIV_ROUND_UP_ULL(length, SZ_2M) + 3,
				     "MAP");
	return ret;
}

static int pl_map_check(const struct probelab_map *cmd)
{
	u64 end;

	if ((cmd->iova | cmd->paddr | cmd->length) & (SZ_4K - 1) ||
	    !cmd->length || check_add_overflow(cmd->iova, cmd->length, &end) ||
	    end > BIT_ULL(48) || cmd->done) {
		pr_notice_ratelimited("MAP/UNMAP: iova 0x%llx paddr 0x%llx length 0x%llx: not 4K aligned, empty, or beyond 2^48\n",
				      cmd->iova, cmd->paddr, cmd->length);
		return -EINVAL;
	}
	return 0;
}

int pl_op_map(struct probelab_ucmd *ucmd)
{
	struct probelab_map *cmd = &ucmd->cmd->map;
	struct pl_domain *domain;
	int ret, prot = 0;

	ret = pl_map_check(cmd);
	if (ret)
		return ret;
	if (cmd->prot & PROBELAB_PROT_READ)
		prot |= PL_PROT_READ;
	if (cmd->prot & PROBELAB_PROT_WRITE)
		prot |= PL_PROT_WRITE;
	/* stage-1 LPAE has no write-only mapping */
	if (cmd->prot & ~(PROBELAB_PROT_READ | PROBELAB_PROT_WRITE) ||
	    !(prot & PL_PROT_READ))
		return -EINVAL;
	ret = pl_inject(PL_INJ_MAP, NULL);
	if (ret)
		return ret;
	mutex_lock(&pl_lab.lock);
	domain = pl_map_domain(cmd->domain_id, ucmd->pf, &ret);
	if (domain)
		ret = pl_map_bound(cmd->length);
	if (domain && !ret) {
		ret = pl_pgtable_map(domain->pgt, cmd->iova, cmd->paddr,
				     cmd->length, prot, GFP_KERNEL);
		pl_map_account(domain);
	}
	mutex_unlock(&pl_lab.lock);
	if (ret)
		return ret;
	cmd->done = cmd->length;
	return probelab_respond(ucmd, sizeof(*cmd));
}

int pl_op_unmap(struct probelab_ucmd *ucmd)
{
	struct probelab_map *cmd = &ucmd->cmd->map;
	struct pl_domain *domain;
	int ret;

	ret = pl_map_check(cmd);
	if (ret)
		return ret;
	if (cmd->prot || cmd->paddr)
		return -EINVAL;
	pl_inject(PL_INJ_UNMAP, NULL);
	mutex_lock(&pl_lab.lock);
	domain = pl_map_domain(cmd->domain_id, ucmd->pf, &ret);
	if (domain) {
		cmd->done = pl_pgtable_unmap(domain->pgt, cmd->iova,
					     cmd->length);
		pl_map_account(domain);
	}
	mutex_unlock(&pl_lab.lock);
	if (ret)
		return ret;
	return probelab_respond(ucmd, sizeof(*cmd));
}

/* Any paging domain: the owner's, or a group's DMA domain. */
int pl_op_iova_to_phys(struct probelab_ucmd *ucmd)
{
	struct probelab_iova *cmd = &ucmd->cmd->iova;
	struct pl_domain *domain;
	unsigned int lvl;
	int ret = -ENOENT;

	if (cmd->__reserved2 || cmd->paddr)
		return -EINVAL;
	mutex_lock(&pl_lab.lock);
	list_for_each_entry(domain, &pl_lab.domains, node) {
		if (domain->id != cmd->domain_id)
			continue;
		if (!pl_domain_paging(domain)) {
			ret = -EINVAL;
			break;
		}
		if (cmd->iova < BIT_ULL(48) &&
		    pl_pgtable_leaf(domain->pgt, cmd->iova, &lvl)) {
			cmd->paddr = pl_pgtable_iova_to_phys(domain->pgt,
							     cmd->iova);
			ret = 0;
		}
		break;
	}
	mutex_unlock(&pl_lab.lock);
	return ret ? ret : probelab_respond(ucmd, sizeof(*cmd));
}

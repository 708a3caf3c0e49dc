// SPDX-License-Identifier: GPL-2.0
/*
 * probelab: resource bounds.  Everything userspace can make the module
 * allocate is counted against a module parameter whose default follows
 * the machine's memory (totalram_pages()), so that no sequence of
 * operations can take the machine's memory: past a bound the operation
 * fails with ENOSPC and a log line naming the bound, before it changed
 * anything.  The parameters are read-only (0444, shown in
 * /sys/module/probelab/parameters/ and by "probelab info"); a value given
 * at load time outside its range refuses the load.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/probelab_fw.h>

#include "probelab.h"

/*
 * What one object costs, measured in the guests (docs/topology.md,
 * "Resource bounds"): a PCI lab device with its group, DMA default domain
 * (page-table root, IOVA space, debugfs folder), fwspecs, STE and sysfs
 * folder; a paging domain alone; a quarantined dev_iommu or group.
 */
#define PL_DEV_COST		(16 * 1024)
#define PL_DOMAIN_COST		(8 * 1024)
#define PL_QUARANTINE_COST	1024

/* 0 at load time: derived from the memory in pl_limits_init() */
static unsigned int max_devices;
module_param(max_devices, uint, 0444);
MODULE_PARM_DESC(max_devices,
		 "lab endpoint devices (DEV_ADD); 0: a quarter of RAM / 16 KiB");

static unsigned int max_domains;
module_param(max_domains, uint, 0444);
MODULE_PARM_DESC(max_domains,
		 "domains: default, blocking and owners' (DOMAIN_ALLOC); 0: an eighth of RAM / 8 KiB");

static unsigned long long max_mapped_bytes;
module_param(max_mapped_bytes, ullong, 0444);
MODULE_PARM_DESC(max_mapped_bytes,
		 "bytes mapped by MAP in owners' domains, all together; 0: 4 x RAM");

static unsigned long max_pgtable_pages;
module_param(max_pgtable_pages, ulong, 0444);
MODULE_PARM_DESC(max_pgtable_pages,
		 "page-table levels of owners' domains (MAP), all together; 0: a sixteenth of RAM");

static unsigned int max_desc_bytes;
module_param(max_desc_bytes, uint, 0444);
MODULE_PARM_DESC(max_desc_bytes,
		 "FW_LOAD description length; 0: RAM / 256, at most 1 MiB");

static unsigned int max_quarantine;
module_param(max_quarantine, uint, 0444);
MODULE_PARM_DESC(max_quarantine,
		 "freed dev_iommus and groups kept until reset (oldest freed beyond); 0: RAM / 64 KiB");

struct pl_limit {
	const char *name;
	const char *what;
	u64 min;
	u64 max;
};

static const struct pl_limit pl_limits[PL_NR_LIMITS] = {
	[PL_LIMIT_DEVICES] = { "max_devices", "lab devices", 1, 1U << 20 },
	[PL_LIMIT_DOMAINS] = { "max_domains", "domains", 2, 1U << 22 },
	[PL_LIMIT_MAPPED] = { "max_mapped_bytes", "mapped bytes", SZ_4K,
			      BIT_ULL(48) },
	[PL_LIMIT_PGTABLE] = { "max_pgtable_pages", "page-table levels", 4,
			       1U << 30 },
	[PL_LIMIT_DESC] = { "max_desc_bytes", "description bytes", 4096,
			    PROBELAB_FW_MAX_LEN },
	[PL_LIMIT_QUARANTINE] = { "max_quarantine", "quarantined objects", 16,
				  1U << 24 },
};

u64 pl_limit(enum pl_limit_id id)
{
	switch (id) {
	case PL_LIMIT_DEVICES:
		return max_devices;
	case PL_LIMIT_DOMAINS:
		return max_domains;
	case PL_LIMIT_MAPPED:
		return max_mapped_bytes;
	case PL_LIMIT_PGTABLE:
		return max_pgtable_pages;
	case PL_LIMIT_DESC:
		return max_desc_bytes;
	case PL_LIMIT_QUARANTINE:
		return max_quarantine;
	case PL_NR_LIMITS:
		break;
	}
	return 0;
}

/**
 * pl_limit_check() - may @more be added to @used under bound @id
 * @id: the bound
 * @used: what is in use now
 * @more: what the operation would add
 * @op: the operation, for the log line
 *
 * Return: 0, or -ENOSPC with a ratelimited log line naming the bound and
 * its module parameter.
 */
int pl_limit_check(enum pl_limit_id id, u64 used, u64 more, const char *op)
{
	const struct pl_limit *l = &pl_limits[id];
	u64 max = pl_limit(id);

	if (used <= max && more <= max - used)
		return 0;
	pr_warn_ratelimited("%s: bound of %llu %s reached (%llu in use, %llu more asked): module parameter %s\n",
			    op, max, l->what, used, more, l->name);
	return -ENOSPC;
}

static int __init pl_limit_set(enum pl_limit_id id, u64 *val, u64 dflt)
{
	const struct pl_limit *l = &pl_limits[id];

	if (!*val) {
		*val = clamp(dflt, l->min, l->max);
		return 0;
	}
	if (*val < l->min || *val > l->max) {
		pr_err("module parameter %s=%llu outside %llu..%llu\n",
		       l->name, *val, l->min, l->max);
		return -EINVAL;
	}
	return 0;
}

int __init pl_limits_init(void)
{
	u64 ram = (u64)totalram_pages() << PAGE_SHIFT;
	u64 v[PL_NR_LIMITS];
	int ret = 0;
	int i;

	for (i = 0; i < PL_NR_LIMITS; i++)
		v[i] = pl_limit(i);
	ret |= pl_limit_set(PL_LIMIT_DEVICES, &v[PL_LIMIT_DEVICES],
			    ram / 4 / PL_DEV_COST);
	ret |= pl_limit_set(PL_LIMIT_DOMAINS, &v[PL_LIMIT_DOMAINS],
			    ram / 8 / PL_DOMAIN_COST);
	ret |= pl_limit_set(PL_LIMIT_MAPPED, &v[PL_LIMIT_MAPPED], 4 * ram);
	ret |= pl_limit_set(PL_LIMIT_PGTABLE, &v[PL_LIMIT_PGTABLE],
			    ram / 16 / PAGE_SIZE);
	ret |= pl_limit_set(PL_LIMIT_DESC, &v[PL_LIMIT_DESC], ram / 256);
	ret |= pl_limit_set(PL_LIMIT_QUARANTINE, &v[PL_LIMIT_QUARANTINE],
			    ram / 64 / PL_QUARANTINE_COST);
	if (ret)
		return -EINVAL;
	max_devices = v[PL_LIMIT_DEVICES];
	max_domains = v[PL_LIMIT_DOMAINS];
	max_mapped_bytes = v[PL_LIMIT_MAPPED];
	max_pgtable_pages = v[PL_LIMIT_PGTABLE];
	max_desc_bytes = v[PL_LIMIT_DESC];
	max_quarantine = v[PL_LIMIT_QUARANTINE];
	pr_info("bounds: %u devices, %u domains, %llu mapped bytes, %lu page-table levels, %u description bytes, %u quarantined\n",
		max_devices, max_domains, max_mapped_bytes, max_pgtable_pages,
		max_desc_bytes, max_quarantine);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * probelab: /sys/kernel/debug/probelab/
 *
 *	info		module and uapi version, policies, kernels
 *	devices		lab devices: fw node, fwspec per instance, state,
 *			group, driver, dma_ops owner
 *	groups		groups: instance, devices, domains, owner_cnt
 *	stats		probe-layer counters
 *	check		runs the invariant checker and prints its findings
 *	inject/<point>	one injection point: its step, arming and counts
 *	domains/<id>/pgtable	an UNMANAGED domain's page table, walked under
 *			RCU
 *	domains/dma	every DMA domain's page table (the groups' default
 *			domains), walked under the lab lock
 *	pgtable_selftest	write N: page-table self-test, N ms of stress
 *	host/pci	the real PCI devices' groups and fwspec IDs (host.c)
 *	iommus/<name>/ste	SMMUv3 stream table (SMMUv3 instances)
 *	iommus/<name>/context	VT-d root/context tables (VT-d instances)
 *
 * The instance files exist while a description is loaded; they read only
 * the hardware model under its hw_lock, never the lab lock (they are
 * removed with the lab lock held).
 */
#include <linux/debugfs.h>
#include <linux/dma-map-ops.h>
#include <linux/seq_file.h>

#include "probelab.h"
#include "pgtable.h"

static struct dentry *probelab_debugfs_root;
static struct dentry *probelab_debugfs_iommus;

static int info_show(struct seq_file *m, void *unused)
{
	struct probelab_info info = {};

	probelab_fill_info(&info);
	seq_printf(m, "module_version: %s\n", info.module_version);
	seq_printf(m, "uapi_version: %u\n", info.uapi_version);
	seq_printf(m, "policies: 0x%x\n", info.policies);
	seq_printf(m, "ops: 0x%llx\n", (unsigned long long)info.ops);
	seq_printf(m, "kernel_built: %s\n", info.kernel_built);
	seq_printf(m, "kernel_running: %s\n", info.kernel_running);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(info);

static const char *const pl_state_names[] = {
	[PROBELAB_DEV_WAITING] = "waiting",
	[PROBELAB_DEV_PROBED] = "probed",
	[PROBELAB_DEV_NO_IOMMU] = "no-iommu",
	[PROBELAB_DEV_FAILED] = "failed",
	[PROBELAB_DEV_BARE] = "bare",
};

/* Who owns the device's dma_ops, for display. */
static const char *pl_ops_owner(struct pl_dev *pdev)
{
	const struct dma_map_ops *ops;

	/*
	 * A snapshot: the lab lock does not keep them still, a driver with
	 * its own ops and the host's teardown set them under the device lock
	 * alone (pl_dev.saved_ops).
	 */
	ops = data_race(get_dma_ops(&pdev->dev));

	if (!ops)
		return "direct";
	if (ops == &pl_dma_ops)
		return "lab";
	if (ops == &pl_platform_ops)
		return "platform";
	return "driver";
}

static int devices_show(struct seq_file *m, void *unused)
{
	struct pl_dev *pdev;
	u32 i, j;

	seq_puts(m, "# id name state group driver dma_ops fwspecs(instance:ids, id/mask when masked)\n");
	mutex_lock(&pl_lab.lock);
	list_for_each_entry(pdev, &pl_lab.devices, node) {
		/* binds and unbinds change it under the device lock alone */
		struct device_driver *driver = READ_ONCE(pdev->dev.driver);
		/* read once: linux-6.1's of_iommu_configure() stores it unordered */
		const struct pl_dev_iommu *di = READ_ONCE(pdev->di);
		const char *drv = driver ? driver->name : "-";

		seq_printf(m, "%u %s %s %u %s %s", pdev->id, dev_name(&pdev->dev),
			   pdev->state < ARRAY_SIZE(pl_state_names) &&
			   pl_state_names[pdev->state] ?
			   pl_state_names[pdev->state] : "new",
			   pdev->group ? pdev->group->id : 0, drv,
			   pl_ops_owner(pdev));
		for (i = 0; di && i < di->nr_fwspecs; i++) {
			const struct pl_fwspec *fs = &di->fwspecs[i];

			seq_printf(m, " %s:", fs->iommu->name);
			for (j = 0; j < fs->nr_ids; j++) {
				seq_printf(m, "%s0x%x", j ? "," : "", fs->ids[j]);
				if (fs->masks[j])
					seq_printf(m, "/0x%x", fs->masks[j]);
			}
		}
		seq_putc(m, '\n');
	}
	mutex_unlock(&pl_lab.lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(devices);

static const char *pl_domain_type_name(u32 type)
{
	switch (type) {
	case PROBELAB_DOMAIN_IDENTITY:
		return "identity";
	case PROBELAB_DOMAIN_DMA:
		return "dma";
	case PROBELAB_DOMAIN_BLOCKED:
		return "blocked";
	case PROBELAB_DOMAIN_UNMANAGED:
		return "unmanaged";
	}
	return "none";
}

static int groups_show(struct seq_file *m, void *unused)
{
	struct pl_group *group;
	struct pl_dev *pdev;

	seq_puts(m, "# group instance default_domain domain owner_cnt devices\n");
	mutex_lock(&pl_lab.lock);
	list_for_each_entry(group, &pl_lab.groups, node) {
		const struct pl_domain *dd = group->default_domain;
		const struct pl_domain *d = group->domain;

		seq_printf(m, "%u %s %u:%s %u:%s %u", group->id,
			   group->iommu->name, dd ? dd->id : 0,
			   pl_domain_type_name(dd ? dd->type : 0),
			   d ? d->id : 0, pl_domain_type_name(d ? d->type : 0),
			   group->own.owner_cnt);
		list_for_each_entry(pdev, &group->devices, group_node)
			seq_printf(m, " %s", dev_name(&pdev->dev));
		seq_putc(m, '\n');
	}
	mutex_unlock(&pl_lab.lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(groups);

static int stats_show(struct seq_file *m, void *unused)
{
	struct pl_stats *s = &pl_lab.stats;

	seq_printf(m, "iommu_probes: %lld\n", atomic64_read(&s->iommu_probes));
	seq_printf(m, "bind_attempts: %lld\n", atomic64_read(&s->bind_attempts));
	seq_printf(m, "deferrals: %lld\n", atomic64_read(&s->deferrals));
	seq_printf(m, "retriggers: %lld\n", atomic64_read(&s->retriggers));
	seq_printf(m, "releases: %lld\n", atomic64_read(&s->releases));
	seq_printf(m, "fwspec_allocs: %lld\n", atomic64_read(&s->fwspec_allocs));
	seq_printf(m, "fwspec_frees: %lld\n", atomic64_read(&s->fwspec_frees));
	seq_printf(m, "violations: %lld\n", atomic64_read(&s->violations));
	seq_printf(m, "live_groups: %d\n", atomic_read(&pl_lab.objs.groups));
	seq_printf(m, "live_domains: %d\n", atomic_read(&pl_lab.objs.domains));
	seq_printf(m, "live_dev_iommus: %d\n",
		   atomic_read(&pl_lab.objs.dev_iommus));
	/* a snapshot: the count changes under the lab lock, not taken here */
	seq_printf(m, "lab_devices: %u\n", data_race(pl_lab.nr_devices));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(stats);

static int check_show(struct seq_file *m, void *unused)
{
	return pl_check_show(m);
}
DEFINE_SHOW_ATTRIBUTE(check);

static int hw_show(struct seq_file *m, void *unused)
{
	pl_hw_show(m, m->private);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(hw);

static void pl_domain_show(struct seq_file *m, struct pl_domain *domain)
{
	seq_printf(m, "# domain %u (%s) of %s\n", domain->id,
		   pl_domain_type_name(domain->type), domain->iommu->name);
	pl_pgtable_show(m, domain->pgt);
}

static int pgtable_show(struct seq_file *m, void *unused)
{
	pl_domain_show(m, m->private);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(pgtable);

static struct dentry *probelab_debugfs_domains;

/*
 * domains/dma: the groups' DMA domains, one after the other, under the lab
 * lock (they are freed under it).  One file for all of them, as VT-d's
 * domain_translation_struct: a folder per default domain cost every lab
 * device an inode and two dentries.
 */
static int dma_domains_show(struct seq_file *m, void *unused)
{
	struct pl_domain *domain;

	mutex_lock(&pl_lab.lock);
	list_for_each_entry(domain, &pl_lab.domains, node) {
		if (domain->type != PROBELAB_DOMAIN_DMA)
			continue;
		pl_domain_show(m, domain);
	}
	mutex_unlock(&pl_lab.lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(dma_domains);

/*
 * domains/<id>/pgtable walks an UNMANAGED domain's page table under RCU,
 * without the lab lock: it runs concurrently with MAP and UNMAP (the
 * debugfs walk races read it).  Other domains have no folder.
 */
void pl_debugfs_add_domain(struct pl_domain *domain)
{
	char name[16];

	lockdep_assert_held(&pl_lab.lock);
	if (domain->type != PROBELAB_DOMAIN_UNMANAGED)
		return;
	snprintf(name, sizeof(name), "%u", domain->id);
	domain->debugfs = debugfs_create_dir(name, probelab_debugfs_domains);
	debugfs_create_file("pgtable", 0400, domain->debugfs, domain,
			    &pgtable_fops);
}

/* Waits for readers still in the walk: call before freeing the table. */
void pl_debugfs_remove_domain(struct pl_domain *domain)
{
	lockdep_assert_held(&pl_lab.lock);
	if (!domain->debugfs)
		return;
	debugfs_remove_recursive(domain->debugfs);
	domain->debugfs = NULL;
}

/* Writing N runs the page-table self-test with an N ms stress phase. */
static ssize_t pgtable_selftest_write(struct file *file,
				      const char __user *ubuf, size_t count,
				      loff_t *ppos)
{
	unsigned int ms;
	int ret;

	ret = kstrtouint_from_user(ubuf, count, 0, &ms);
	if (ret)
		return ret;
	if (ms > 60000)
		return -ERANGE;
	ret = pl_pgtable_selftest(ms);
	return ret ? ret : count;
}

static const struct file_operations pgtable_selftest_fops = {
	.owner = THIS_MODULE,
	.write = pgtable_selftest_write,
	.llseek = noop_llseek,
};

void pl_debugfs_add_iommu(struct pl_iommu *iommu)
{
	struct dentry *dir;

	lockdep_assert_held(&pl_lab.lock);
	dir = debugfs_create_dir(iommu->name, probelab_debugfs_iommus);
	debugfs_create_file(iommu->model == PROBELAB_FW_IOMMU_SMMUV3 ?
			    "ste" : "context", 0400, dir, iommu, &hw_fops);
}

void pl_debugfs_remove_iommus(void)
{
	lockdep_assert_held(&pl_lab.lock);
	debugfs_remove_recursive(probelab_debugfs_iommus);
	probelab_debugfs_iommus = debugfs_create_dir("iommus",
						     probelab_debugfs_root);
}

/*
 * debugfs failures are not fatal (debugfs_create_* handle an error parent),
 * as everywhere in the kernel: the module works without its debug files.
 */
void __init probelab_debugfs_init(void)
{
	probelab_debugfs_root = debugfs_create_dir("probelab", NULL);
	debugfs_create_file("info", 0400, probelab_debugfs_root, NULL,
			    &info_fops);
	debugfs_create_file("devices", 0400, probelab_debugfs_root, NULL,
			    &devices_fops);
	debugfs_create_file("groups", 0400, probelab_debugfs_root, NULL,
			    &groups_fops);
	debugfs_create_file("stats", 0400, probelab_debugfs_root, NULL,
			    &stats_fops);
	debugfs_create_file("check", 0400, probelab_debugfs_root, NULL,
			    &check_fops);
	probelab_debugfs_iommus = debugfs_create_dir("iommus",
						     probelab_debugfs_root);
	pl_inject_debugfs(probelab_debugfs_root);
	pl_host_debugfs(probelab_debugfs_root);
	probelab_debugfs_domains = debugfs_create_dir("domains",
						      probelab_debugfs_root);
	debugfs_create_file("dma", 0400, probelab_debugfs_domains, NULL,
			    &dma_domains_fops);
	debugfs_create_file("pgtable_selftest", 0200, probelab_debugfs_root,
			    NULL, &pgtable_selftest_fops);
}

void probelab_debugfs_exit(void)
{
	debugfs_remove_recursive(probelab_debugfs_root);
	probelab_debugfs_root = NULL;
	probelab_debugfs_iommus = NULL;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * probelab: debugfs host/ - a read-only look at the real machine's IOMMU
 * state, so that a topology imported from the host's own firmware can be
 * checked against what its kernel did.
 *
 *	host/pci	one line per PCI function:
 *			<seg:bus:dev.fn> group=<id|-> ids=<hex,...|-> iommu=<name|->
 *
 * ids are the fwspec IDs (stream IDs on Arm; VT-d has no fwspec: "-"),
 * iommu the firmware node of the IOMMU the fwspec names.  Each device is
 * read under its device lock, so that no bind or unbind changes its
 * dev->iommu meanwhile; nothing is written.
 */
#include <linux/debugfs.h>
#include <linux/device.h>
#include <linux/fwnode.h>
#include <linux/iommu.h>
#include <linux/pci.h>
#include <linux/seq_file.h>

#include "probelab.h"

static int pl_host_pci_one(struct device *dev, void *data)
{
	struct seq_file *m = data;
	struct iommu_fwspec *fwspec;
	struct iommu_group *group;
	unsigned int i;

	device_lock(dev);
	seq_printf(m, "%s group=", dev_name(dev));
	group = iommu_group_get(dev);
	if (group) {
		seq_printf(m, "%d", iommu_group_id(group));
		iommu_group_put(group);
	} else {
		seq_putc(m, '-');
	}
	seq_puts(m, " ids=");
	fwspec = dev_iommu_fwspec_get(dev);
	if (fwspec && fwspec->num_ids) {
		for (i = 0; i < fwspec->num_ids; i++)
			seq_printf(m, "%s0x%x", i ? "," : "", fwspec->ids[i]);
	} else {
		seq_putc(m, '-');
	}
	seq_puts(m, " iommu=");
	if (fwspec && fwspec->iommu_fwnode)
		seq_printf(m, "%pfw", fwspec->iommu_fwnode);
	else
		seq_putc(m, '-');
	seq_putc(m, '\n');
	device_unlock(dev);
	return 0;
}

static int host_pci_show(struct seq_file *m, void *unused)
{
	return bus_for_each_dev(&pci_bus_type, NULL, m, pl_host_pci_one);
}
DEFINE_SHOW_ATTRIBUTE(host_pci);

void pl_host_debugfs(struct dentry *root)
{
	struct dentry *dir = debugfs_create_dir("host", root);

	debugfs_create_file("pci", 0400, dir, NULL, &host_pci_fops);
}

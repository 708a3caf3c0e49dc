// SPDX-License-Identifier: GPL-2.0
/*
 * probelab: /sys/kernel/debug/probelab/
 *
 *	info	module and uapi version, policies, kernels (as PROBELAB_OP_GET_INFO)
 */
#include <linux/debugfs.h>
#include <linux/seq_file.h>

#include "probelab.h"

static struct dentry *probelab_debugfs_root;

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

/*
 * debugfs failures are not fatal (debugfs_create_* handle an error parent),
 * as everywhere in the kernel: the module works without its debug files.
 */
void __init probelab_debugfs_init(void)
{
	probelab_debugfs_root = debugfs_create_dir("probelab", NULL);
	debugfs_create_file("info", 0400, probelab_debugfs_root, NULL,
			    &info_fops);
}

void probelab_debugfs_exit(void)
{
	debugfs_remove_recursive(probelab_debugfs_root);
	probelab_debugfs_root = NULL;
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * probelab: internal interfaces between the module's files.
 *
 * Lock order (the one place it is written down; every later lock is added
 * here in its position):
 *
 *	(no module-level locks yet: the ioctl dispatcher, debugfs and the
 *	 netlink family keep no shared mutable state)
 */
#ifndef _PROBELAB_H
#define _PROBELAB_H

#include <linux/types.h>
#include <linux/probelab.h>

struct dentry;

/* events.c: the "probelab" generic netlink family */
int probelab_genl_init(void);
void probelab_genl_exit(void);

/* debugfs.c: /sys/kernel/debug/probelab/ */
void probelab_debugfs_init(void);
void probelab_debugfs_exit(void);

/* main.c */
void probelab_fill_info(struct probelab_info *info);

#endif /* _PROBELAB_H */

/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * probelab: user/kernel ABI of /dev/probelab and the "probelab" generic
 * netlink family.
 *
 * One ioctl, PROBELAB_IOCTL, multiplexes every operation.  Its argument is a
 * pointer to an operation structure that always starts with the same four
 * fields:
 *
 *	__u32 size;		sizeof the structure as userspace knows it
 *	__u32 op;		enum probelab_op
 *	__u32 flags;		operation flags, unknown bits are rejected
 *	__u32 __reserved;	must be zero
 *
 * Extensibility follows iommufd (copy_struct_from_user() semantics):
 *  - op unknown to the running module: -EOPNOTSUPP;
 *  - size smaller than the first version of that structure: -EINVAL;
 *  - size larger than the module knows: accepted when every byte past the
 *    module's structure is zero, -E2BIG otherwise;
 *  - unknown flag bits or a non-zero reserved field: -EINVAL.
 * Output is written back for min(size, kernel size) bytes.  Every field is
 * naturally aligned with explicit padding; pointers are carried as __u64.
 * Every operation requires CAP_SYS_ADMIN (-EPERM otherwise).
 */
#ifndef _UAPI_LINUX_PROBELAB_H
#define _UAPI_LINUX_PROBELAB_H

#include <linux/types.h>
#include <linux/ioctl.h>

#define PROBELAB_UAPI_VERSION		1

#define PROBELAB_DEVICE_NAME		"probelab"	/* /dev/probelab */

/* ioctl magic 0xB9 is not assigned in ioctl-number.rst */
#define PROBELAB_IOCTL_TYPE		0xB9
#define PROBELAB_IOCTL			_IO(PROBELAB_IOCTL_TYPE, 0x00)

/**
 * enum probelab_op - operations multiplexed through PROBELAB_IOCTL
 * @PROBELAB_OP_GET_INFO: struct probelab_info
 */
enum probelab_op {
	PROBELAB_OP_GET_INFO = 1,
};

/**
 * enum probelab_policy - probe-layer orderings
 * @PROBELAB_POLICY_FIXED: probelab's own layer (probe at device add)
 * @PROBELAB_POLICY_LINUX_6_1: fwspec built at driver bind, as Linux 6.1
 * @PROBELAB_POLICY_MAINLINE: global probe lock and replay, as Linux >= 6.16
 */
enum probelab_policy {
	PROBELAB_POLICY_FIXED = 0,
	PROBELAB_POLICY_LINUX_6_1 = 1,
	PROBELAB_POLICY_MAINLINE = 2,
};

#define PROBELAB_STR_LEN		64

/**
 * struct probelab_info - PROBELAB_OP_GET_INFO
 * @size: sizeof(struct probelab_info)
 * @op: PROBELAB_OP_GET_INFO
 * @flags: must be 0
 * @__reserved: must be 0
 * @uapi_version: out: PROBELAB_UAPI_VERSION of the running module
 * @policies: out: bit (1 << enum probelab_policy) set for each policy the
 *	running module implements
 * @ops: out: bit (1 << enum probelab_op) set for each operation the running
 *	module implements
 * @module_version: out: NUL-terminated module version
 * @kernel_built: out: NUL-terminated release of the kernel headers the
 *	module was built against
 * @kernel_running: out: NUL-terminated release of the running kernel
 */
struct probelab_info {
	__u32 size;
	__u32 op;
	__u32 flags;
	__u32 __reserved;
	__u32 uapi_version;
	__u32 policies;
	__u64 ops;
	char module_version[PROBELAB_STR_LEN];
	char kernel_built[PROBELAB_STR_LEN];
	char kernel_running[PROBELAB_STR_LEN];
};

/* Generic netlink: family PROBELAB_GENL_NAME, multicast group "events". */
#define PROBELAB_GENL_NAME		"probelab"
#define PROBELAB_GENL_VERSION		1
#define PROBELAB_GENL_MCGRP_EVENTS	"events"

#endif /* _UAPI_LINUX_PROBELAB_H */

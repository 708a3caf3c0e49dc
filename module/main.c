// SPDX-License-Identifier: GPL-2.0
/*
 * probelab: module init/exit, /dev/probelab and the operation dispatcher.
 *
 * The dispatcher follows iommufd: one ioctl, a per-operation table giving
 * the kernel structure size, the minimum size userspace may pass (the first
 * version of the structure) and the accepted flags; the structure is copied
 * in with copy_struct_from_user() and copied back truncated to what
 * userspace knows.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/build_bug.h>
#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/stddef.h>
#include <linux/uaccess.h>
#include <linux/utsname.h>
#include <generated/utsrelease.h>

#include "probelab.h"

#define PROBELAB_ASSERT_HDR(type)					\
	static_assert(offsetof(type, size) == 0 &&			\
		      offsetof(type, op) == 4 &&			\
		      offsetof(type, flags) == 8 &&			\
		      offsetof(type, __reserved) == 12)

PROBELAB_ASSERT_HDR(struct probelab_info);
PROBELAB_ASSERT_HDR(struct probelab_simple);
PROBELAB_ASSERT_HDR(struct probelab_fw_load);
PROBELAB_ASSERT_HDR(struct probelab_dev_add);
PROBELAB_ASSERT_HDR(struct probelab_dev_ref);
PROBELAB_ASSERT_HDR(struct probelab_iommu_ref);
PROBELAB_ASSERT_HDR(struct probelab_drv_bind);
PROBELAB_ASSERT_HDR(struct probelab_query);
PROBELAB_ASSERT_HDR(struct probelab_stats);
PROBELAB_ASSERT_HDR(struct probelab_check);
PROBELAB_ASSERT_HDR(struct probelab_inject);
PROBELAB_ASSERT_HDR(struct probelab_race);
PROBELAB_ASSERT_HDR(struct probelab_iova);
PROBELAB_ASSERT_HDR(struct probelab_map);
PROBELAB_ASSERT_HDR(struct probelab_attach);
PROBELAB_ASSERT_HDR(struct probelab_domain_ref);
PROBELAB_ASSERT_HDR(struct probelab_domain_alloc);
PROBELAB_ASSERT_HDR(struct probelab_owner);

struct probelab_op_desc {
	const char *name;
	unsigned int size;	/* sizeof the kernel's structure */
	unsigned int min_size;	/* first version of the structure */
	u32 valid_flags;
	int (*execute)(struct probelab_ucmd *ucmd);
};

/* Policies whose probe path is implemented by this module. */
#define PROBELAB_POLICIES_IMPLEMENTED	(BIT(PROBELAB_POLICY_FIXED) |	\
					 BIT(PROBELAB_POLICY_LINUX_6_1) |	\
					 BIT(PROBELAB_POLICY_MAINLINE))

int probelab_respond(struct probelab_ucmd *ucmd, size_t kernel_size)
{
	if (copy_to_user(ucmd->ubuffer, ucmd->cmd,
			 min_t(size_t, ucmd->user_size, kernel_size)))
		return -EFAULT;
	return 0;
}

static int probelab_op_get_info(struct probelab_ucmd *ucmd)
{
	probelab_fill_info(&ucmd->cmd->info);
	return probelab_respond(ucmd, sizeof(ucmd->cmd->info));
}

#define PROBELAB_OP(_op, _fn, _struct, _last, _flags)			\
	[_op] = {							\
		.name = #_op,						\
		.size = sizeof(_struct),				\
		.min_size = offsetofend(_struct, _last),		\
		.valid_flags = (_flags),				\
		.execute = (_fn),					\
	}

static const struct probelab_op_desc probelab_ops[] = {
	PROBELAB_OP(PROBELAB_OP_GET_INFO, probelab_op_get_info,
		    struct probelab_info, kernel_running, 0),
	PROBELAB_OP(PROBELAB_OP_FW_LOAD, pl_op_fw_load,
		    struct probelab_fw_load, __reserved2, PROBELAB_FW_LOAD_BARE),
	PROBELAB_OP(PROBELAB_OP_LAB_RESET, pl_op_lab_reset,
		    struct probelab_simple, __reserved, 0),
	PROBELAB_OP(PROBELAB_OP_DEV_ADD, pl_op_dev_add,
		    struct probelab_dev_add, __reserved2,
		    PROBELAB_DEV_ADD_PLATFORM_OPS),
	PROBELAB_OP(PROBELAB_OP_DEV_REMOVE, pl_op_dev_remove,
		    struct probelab_dev_ref, __reserved2, 0),
	PROBELAB_OP(PROBELAB_OP_IOMMU_REGISTER, pl_op_iommu_register,
		    struct probelab_iommu_ref, name, 0),
	PROBELAB_OP(PROBELAB_OP_IOMMU_UNREGISTER, pl_op_iommu_unregister,
		    struct probelab_iommu_ref, name, 0),
	PROBELAB_OP(PROBELAB_OP_DRV_BIND, pl_op_drv_bind,
		    struct probelab_drv_bind, __reserved2, 0),
	PROBELAB_OP(PROBELAB_OP_DRV_UNBIND, pl_op_drv_unbind,
		    struct probelab_dev_ref, __reserved2, 0),
	PROBELAB_OP(PROBELAB_OP_QUERY, pl_op_query,
		    struct probelab_query, __reserved2, 0),
	PROBELAB_OP(PROBELAB_OP_STATS, pl_op_stats,
		    struct probelab_stats, violations, PROBELAB_STATS_RESET),
	PROBELAB_OP(PROBELAB_OP_OWNER_CLAIM_GROUP, pl_op_owner_claim_group,
		    struct probelab_owner, __reserved2, 0),
	PROBELAB_OP(PROBELAB_OP_OWNER_CLAIM_DEVICE, pl_op_owner_claim_device,
		    struct probelab_owner, __reserved2, 0),
	PROBELAB_OP(PROBELAB_OP_OWNER_RELEASE, pl_op_owner_release,
		    struct probelab_owner, __reserved2, PROBELAB_OWNER_DEVICE),
	PROBELAB_OP(PROBELAB_OP_DOMAIN_ALLOC, pl_op_domain_alloc,
		    struct probelab_domain_alloc, __reserved2, 0),
	PROBELAB_OP(PROBELAB_OP_DOMAIN_FREE, pl_op_domain_free,
		    struct probelab_domain_ref, __reserved2, 0),
	PROBELAB_OP(PROBELAB_OP_ATTACH, pl_op_attach,
		    struct probelab_attach, domain_id, PROBELAB_ATTACH_DEVICE),
	PROBELAB_OP(PROBELAB_OP_DETACH, pl_op_detach,
		    struct probelab_attach, domain_id, PROBELAB_ATTACH_DEVICE),
	PROBELAB_OP(PROBELAB_OP_MAP, pl_op_map,
		    struct probelab_map, done, 0),
	PROBELAB_OP(PROBELAB_OP_UNMAP, pl_op_unmap,
		    struct probelab_map, done, 0),
	PROBELAB_OP(PROBELAB_OP_IOVA_TO_PHYS, pl_op_iova_to_phys,
		    struct probelab_iova, paddr, 0),
	PROBELAB_OP(PROBELAB_OP_CHECK, pl_op_check,
		    struct probelab_check, total,
		    PROBELAB_CHECK_AUTO_ON | PROBELAB_CHECK_AUTO_OFF),
	PROBELAB_OP(PROBELAB_OP_INJECT, pl_op_inject,
		    struct probelab_inject, fired,
		    PROBELAB_INJECT_QUERY | PROBELAB_INJECT_FAIL_NTH),
	PROBELAB_OP(PROBELAB_OP_RACE, pl_op_race,
		    struct probelab_race, violations, 0),
};

void probelab_fill_info(struct probelab_info *info)
{
	unsigned int i;

	info->uapi_version = PROBELAB_UAPI_VERSION;
	info->policies = PROBELAB_POLICIES_IMPLEMENTED;
	info->ops = 0;
	for (i = 0; i < ARRAY_SIZE(probelab_ops); i++)
		if (probelab_ops[i].execute)
			info->ops |= 1ULL << i;
	strscpy(info->module_version, PROBELAB_VERSION,
		sizeof(info->module_version));
	strscpy(info->kernel_built, UTS_RELEASE, sizeof(info->kernel_built));
	strscpy(info->kernel_running, init_utsname()->release,
		sizeof(info->kernel_running));
}

static long probelab_fops_ioctl(struct file *filp, unsigned int cmd,
				unsigned long arg)
{
	u32 __user *uptr = (u32 __user *)arg;
	const struct probelab_op_desc *desc;
	union probelab_cmd_buffer buf;
	struct probelab_ucmd ucmd;
	u32 size, op;
	int ret;

	if (cmd != PROBELAB_IOCTL)
		return -ENOTTY;
	if (!capable(CAP_SYS_ADMIN)) {
		pr_notice_ratelimited("pid %d: operations need CAP_SYS_ADMIN\n",
				      task_pid_nr(current));
		return -EPERM;
	}
	if (get_user(size, uptr) || get_user(op, uptr + 1))
		return -EFAULT;

	if (op >= ARRAY_SIZE(probelab_ops) || !probelab_ops[op].execute) {
		pr_notice_ratelimited("unknown op %u\n", op);
		return -EOPNOTSUPP;
	}
	desc = &probelab_ops[op];
	if (size < desc->min_size) {
		pr_notice_ratelimited("%s: size %u is below the minimum %u\n",
				      desc->name, size, desc->min_size);
		return -EINVAL;
	}
	ret = copy_struct_from_user(&buf, desc->size, uptr, size);
	if (ret) {
		if (ret == -E2BIG)
			pr_notice_ratelimited("%s: bytes past the known size %u are not zero\n",
					      desc->name, desc->size);
		return ret;
	}
	/* The header may have changed under us: trust only what was checked. */
	buf.hdr.size = size;
	buf.hdr.op = op;
	if (buf.hdr.flags & ~desc->valid_flags) {
		pr_notice_ratelimited("%s: unknown flags 0x%x\n", desc->name,
				      buf.hdr.flags & ~desc->valid_flags);
		return -EINVAL;
	}
	if (buf.hdr.__reserved) {
		pr_notice_ratelimited("%s: reserved field is not zero\n",
				      desc->name);
		return -EINVAL;
	}

	ucmd.pf = filp->private_data;
	ucmd.ubuffer = uptr;
	ucmd.user_size = size;
	ucmd.cmd = &buf;
	ret = desc->execute(&ucmd);
	if (op != PROBELAB_OP_CHECK)
		pl_check_auto();
	return ret;
}

static int probelab_fops_open(struct inode *inode, struct file *filp)
{
	struct pl_file *pf = pl_file_open();

	if (!pf)
		return -ENOMEM;
	filp->private_data = pf;
	return nonseekable_open(inode, filp);
}

/* Closing the owner token releases its claims and domains. */
static int probelab_fops_release(struct inode *inode, struct file *filp)
{
	pl_file_release(filp->private_data);
	return 0;
}

static const struct file_operations probelab_fops = {
	.owner = THIS_MODULE,
	.open = probelab_fops_open,
	.release = probelab_fops_release,
	.llseek = noop_llseek,
	.unlocked_ioctl = probelab_fops_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

static struct miscdevice probelab_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = PROBELAB_DEVICE_NAME,
	.fops = &probelab_fops,
	.mode = 0600,
};

static int __init probelab_init(void)
{
	int ret;

	ret = pl_limits_init();
	if (ret)
		return ret;
	ret = pl_domain_cache_init();
	if (ret)
		return ret;
	ret = pl_dma_iova_init();
	if (ret)
		goto err_destroy_domain_cache;
	/*
	 * Then debugfs, which cannot fail, and whose files read a lab that
	 * only operations build, so they need neither the bus nor genl yet.
	 * Each later step's failure undoes the steps before.
	 */
	probelab_debugfs_init();
	ret = pl_bus_init();
	if (ret) {
		pr_err("cannot register the lab bus: %d\n", ret);
		goto err_remove_debugfs;
	}
	ret = probelab_genl_init();
	if (ret) {
		pr_err("cannot register the generic netlink family: %d\n", ret);
		goto err_unregister_bus;
	}

	/* Last: once /dev/probelab exists, operations may arrive. */
	ret = misc_register(&probelab_misc);
	if (ret) {
		pr_err("cannot register /dev/%s: %d\n", PROBELAB_DEVICE_NAME,
		       ret);
		goto err_unregister_genl;
	}
	pr_info("version %s (uapi %u) loaded\n", PROBELAB_VERSION,
		PROBELAB_UAPI_VERSION);
	return 0;

err_unregister_genl:
	probelab_genl_exit();
err_unregister_bus:
	pl_bus_exit();
err_remove_debugfs:
	probelab_debugfs_exit();
	pl_dma_iova_exit();
err_destroy_domain_cache:
	pl_domain_cache_exit();
	return ret;
}

/* The reverse of probelab_init(), once the lab is cleared. */
static void __exit probelab_exit(void)
{
	misc_deregister(&probelab_misc);
	pl_lab_exit();
	probelab_genl_exit();
	pl_bus_exit();
	probelab_debugfs_exit();
	pl_dma_iova_exit();
	pl_domain_cache_exit();
	pr_info("unloaded\n");
}

module_init(probelab_init);
module_exit(probelab_exit);

MODULE_DESCRIPTION("probelab: IOMMU fwspec/probe layer laboratory");
MODULE_AUTHOR("probelab developers");
MODULE_LICENSE("GPL");
MODULE_VERSION(PROBELAB_VERSION);

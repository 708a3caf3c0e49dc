// SPDX-License-Identifier: GPL-2.0
/* libprobelab: /dev/probelab and the ioctl operations */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "probelab.h"

struct pl_handle {
	int fd;
};

int pl_open(struct pl_handle **out)
{
	struct pl_handle *h = calloc(1, sizeof(*h));

	if (!h)
		return -ENOMEM;
	h->fd = open(PL_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	if (h->fd < 0) {
		int err = -errno;

		free(h);
		return err;
	}
	*out = h;
	return 0;
}

void pl_close(struct pl_handle *h)
{
	if (!h)
		return;
	close(h->fd);
	free(h);
}

int pl_fd(const struct pl_handle *h)
{
	return h->fd;
}

int pl_cmd(struct pl_handle *h, void *cmd)
{
	if (ioctl(h->fd, PROBELAB_IOCTL, cmd) < 0)
		return -errno;
	return 0;
}

int pl_get_info(struct pl_handle *h, struct probelab_info *info)
{
	memset(info, 0, sizeof(*info));
	info->size = sizeof(*info);
	info->op = PROBELAB_OP_GET_INFO;
	return pl_cmd(h, info);
}

static const char *const policy_names[PL_NR_POLICIES] = {
	[PROBELAB_POLICY_FIXED] = "fixed",
	[PROBELAB_POLICY_LINUX_6_1] = "linux-6.1",
	[PROBELAB_POLICY_MAINLINE] = "mainline",
};

const char *pl_policy_name(unsigned int policy)
{
	return policy < PL_NR_POLICIES ? policy_names[policy] : NULL;
}

int pl_policy_from_name(const char *name)
{
	for (unsigned int i = 0; i < PL_NR_POLICIES; i++)
		if (!strcmp(name, policy_names[i]))
			return (int)i;
	return -EINVAL;
}

int pl_policies_from_list(const char *arg, unsigned int *pol,
			  unsigned int *nr)
{
	char buf[128], *tok, *save = NULL;

	*nr = 0;
	if (!strcmp(arg, "all")) {
		for (unsigned int p = 0; p < PL_NR_POLICIES; p++)
			pol[(*nr)++] = p;
		return 0;
	}
	if (strlen(arg) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, arg);
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		int p = pl_policy_from_name(tok);

		if (p < 0 || *nr == PL_NR_POLICIES)
			return -EINVAL;
		for (unsigned int i = 0; i < *nr; i++)
			if (pol[i] == (unsigned int)p)
				return -EINVAL;
		pol[(*nr)++] = (unsigned int)p;
	}
	return *nr ? 0 : -EINVAL;
}

static const char *const op_names[] = {
	[PROBELAB_OP_GET_INFO] = "GET_INFO",
	[PROBELAB_OP_FW_LOAD] = "FW_LOAD",
	[PROBELAB_OP_LAB_RESET] = "LAB_RESET",
	[PROBELAB_OP_DEV_ADD] = "DEV_ADD",
	[PROBELAB_OP_DEV_REMOVE] = "DEV_REMOVE",
	[PROBELAB_OP_IOMMU_REGISTER] = "IOMMU_REGISTER",
	[PROBELAB_OP_IOMMU_UNREGISTER] = "IOMMU_UNREGISTER",
	[PROBELAB_OP_DRV_BIND] = "DRV_BIND",
	[PROBELAB_OP_DRV_UNBIND] = "DRV_UNBIND",
	[PROBELAB_OP_QUERY] = "QUERY",
	[PROBELAB_OP_STATS] = "STATS",
	[PROBELAB_OP_OWNER_CLAIM_GROUP] = "OWNER_CLAIM_GROUP",
	[PROBELAB_OP_OWNER_CLAIM_DEVICE] = "OWNER_CLAIM_DEVICE",
	[PROBELAB_OP_OWNER_RELEASE] = "OWNER_RELEASE",
	[PROBELAB_OP_DOMAIN_ALLOC] = "DOMAIN_ALLOC",
	[PROBELAB_OP_DOMAIN_FREE] = "DOMAIN_FREE",
	[PROBELAB_OP_ATTACH] = "ATTACH",
	[PROBELAB_OP_DETACH] = "DETACH",
	[PROBELAB_OP_MAP] = "MAP",
	[PROBELAB_OP_UNMAP] = "UNMAP",
	[PROBELAB_OP_IOVA_TO_PHYS] = "IOVA_TO_PHYS",
	[PROBELAB_OP_CHECK] = "CHECK",
	[PROBELAB_OP_INJECT] = "INJECT",
	[PROBELAB_OP_RACE] = "RACE",
};

const char *pl_op_name(unsigned int op)
{
	if (op >= sizeof(op_names) / sizeof(op_names[0]))
		return NULL;
	return op_names[op];
}

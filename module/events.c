// SPDX-License-Identifier: GPL-2.0
/*
 * probelab: the "probelab" generic netlink family and its "events" multicast
 * group.  Userspace (probelab monitor, libprobelab) resolves the family and
 * group by name with the generic netlink controller.
 */
#include <net/genetlink.h>

#include "probelab.h"

static const struct genl_multicast_group probelab_mcgrps[] = {
	{ .name = PROBELAB_GENL_MCGRP_EVENTS, },
};

static struct genl_family probelab_genl_family __ro_after_init = {
	.name = PROBELAB_GENL_NAME,
	.version = PROBELAB_GENL_VERSION,
	.module = THIS_MODULE,
	.mcgrps = probelab_mcgrps,
	.n_mcgrps = ARRAY_SIZE(probelab_mcgrps),
};

int __init probelab_genl_init(void)
{
	return genl_register_family(&probelab_genl_family);
}

void probelab_genl_exit(void)
{
	genl_unregister_family(&probelab_genl_family);
}

// SPDX-License-Identifier: GPL-2.0
/* probelab iommu register / unregister: lab IOMMU instances */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "probelab.h"

static int iommu_run(struct cli *cli, int argc, char **argv)
{
	struct pl_handle *h;
	const char *name;
	bool reg;
	char e[96];
	int ret;

	if (argc != 3)
		return cli_usage(cli, "iommu takes register|unregister NAME");
	if (!strcmp(argv[1], "register"))
		reg = true;
	else if (!strcmp(argv[1], "unregister"))
		reg = false;
	else
		return cli_usage(cli, "unknown subcommand '%s' (register or unregister)",
				 argv[1]);
	name = argv[2];
	if (!name[0] || strlen(name) >= PROBELAB_NAME_LEN)
		return cli_usage(cli, "an instance name has 1..%u characters",
				 PROBELAB_NAME_LEN - 1);
	ret = cli_open(cli, &h);
	if (ret)
		return ret;
	ret = reg ? pl_iommu_register(h, name) : pl_iommu_unregister(h, name);
	pl_close(h);
	if (ret == -ENOENT)
		return cli_fail(cli, ret, "%s: no instance '%s' in the loaded description",
				reg ? "IOMMU_REGISTER" : "IOMMU_UNREGISTER",
				name);
	if (ret == -EBUSY && reg)
		return cli_fail(cli, ret, "IOMMU_REGISTER %s: already registered (or being registered or unregistered)",
				name);
	if (ret == -EINVAL && !reg)
		return cli_fail(cli, ret, "IOMMU_UNREGISTER %s: not registered",
				name);
	if (ret)
		return cli_fail(cli, ret, "%s %s: %s",
				reg ? "IOMMU_REGISTER" : "IOMMU_UNREGISTER",
				name, cli_errstr(ret, e, sizeof(e)));
	if (cli->json) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "iommu", json_object_new_string(name));
		json_object_object_add(o, "registered",
				       json_object_new_boolean(reg));
		cli_json_print(o);
	} else {
		printf("%s %s\n", reg ? "registered" : "unregistered", name);
	}
	return CLI_OK;
}

const struct cli_cmd cli_cmd_iommu = {
	.name = "iommu",
	.args = "register|unregister NAME",
	.summary = "register an instance (probes and retriggers its waiting devices) or unregister it",
	.run = iommu_run,
};

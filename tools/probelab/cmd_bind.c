// SPDX-License-Identifier: GPL-2.0
/* probelab bind / unbind: lab drivers through the driver core */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "probelab.h"

/* The JSON document of bind and unbind: the device's id and name first. */
static json_object *bind_json(const struct probelab_dev_info *info,
			     const char *name)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "dev_id", json_object_new_int64(info->dev_id));
	json_object_object_add(o, "name", json_object_new_string(name));
	return o;
}

static int bind_run(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "driver", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct probelab_dev_info info;
	char name[PROBELAB_NAME_LEN + 1], e[96];
	int c, ret, driver = PROBELAB_DRV_DMA;
	struct pl_handle *h;
	uint32_t result = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "d:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			driver = pl_driver_from_name(optarg);
			if (driver < 0)
				return cli_usage(cli, "unknown driver '%s' (dma, user, ownops or pool)",
						 optarg);
			break;
		default:
			return cli_usage(cli, "bad option");
		}
	}
	if (argc - optind != 1)
		return cli_usage(cli, "bind takes one ID|NAME");
	ret = cli_dev_open(cli, argv[optind], &h, &info, name);
	if (ret)
		return ret;
	ret = pl_drv_bind(h, info.dev_id, (unsigned int)driver, &result);
	pl_close(h);
	if (ret == -EBUSY)
		return cli_fail(cli, ret, "DRV_BIND %s to %s: busy (a driver is bound already, or DMA ownership refused it)",
				name, pl_driver_kname((unsigned int)driver));
	if (ret)
		return cli_fail(cli, ret, "DRV_BIND %s to %s: %s", name,
				pl_driver_kname((unsigned int)driver),
				cli_errstr(ret, e, sizeof(e)));
	if (cli->json) {
		json_object *o = bind_json(&info, name);

		json_object_object_add(o, "driver", json_object_new_string(
			pl_driver_name((unsigned int)driver)));
		json_object_object_add(o, "result", json_object_new_string(
			pl_bind_result_name(result) ?
			pl_bind_result_name(result) : "?"));
		json_object_object_add(o, "state", json_object_new_string(
			pl_dev_state_name(info.state) ?
			pl_dev_state_name(info.state) : "new"));
		cli_json_print(o);
	} else if (result == PROBELAB_BIND_DEFERRED &&
		   info.state == PROBELAB_DEV_FAILED) {
		printf("%s (device %u): deferred - but its IOMMU probe failed (see the IOMMU_PROBE event or dmesg): no registration will retrigger it\n",
		       name, info.dev_id);
	} else if (result == PROBELAB_BIND_DEFERRED) {
		printf("%s (device %u): deferred - %s waits for its IOMMU instance(s); registering them retriggers the bind\n",
		       name, info.dev_id, pl_driver_kname((unsigned int)driver));
	} else {
		printf("%s (device %u): bound to %s\n", name, info.dev_id,
		       pl_driver_kname((unsigned int)driver));
	}
	return CLI_OK;
}

static int unbind_run(struct cli *cli, int argc, char **argv)
{
	struct probelab_dev_info info;
	char name[PROBELAB_NAME_LEN + 1], e[96];
	struct pl_handle *h;
	int ret;

	if (argc != 2)
		return cli_usage(cli, "unbind takes one ID|NAME");
	ret = cli_dev_open(cli, argv[1], &h, &info, name);
	if (ret)
		return ret;
	ret = pl_drv_unbind(h, info.dev_id);
	pl_close(h);
	if (ret == -ENODEV)
		return cli_fail(cli, ret, "DRV_UNBIND %s: no driver is bound (a pending deferred bind, if any, is cancelled)",
				name);
	if (ret)
		return cli_fail(cli, ret, "DRV_UNBIND %s: %s", name,
				cli_errstr(ret, e, sizeof(e)));
	if (cli->json) {
		json_object *o = bind_json(&info, name);

		json_object_object_add(o, "unbound", json_object_new_boolean(1));
		cli_json_print(o);
	} else {
		printf("%s (device %u): unbound\n", name, info.dev_id);
	}
	return CLI_OK;
}

const struct cli_cmd cli_cmd_bind = {
	.name = "bind",
	.args = "ID|NAME [--driver dma|user|ownops|pool]",
	.summary = "bind a lab driver (default dma); prints bound or deferred",
	.run = bind_run,
};

const struct cli_cmd cli_cmd_unbind = {
	.name = "unbind",
	.args = "ID|NAME",
	.summary = "unbind the device's driver",
	.run = unbind_run,
};

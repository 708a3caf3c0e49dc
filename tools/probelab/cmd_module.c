// SPDX-License-Identifier: GPL-2.0
/* probelab load / unload: probelab.ko through libkmod */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "probelab.h"

static int load_run(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "module", required_argument, NULL, 'm' },
		{ "params", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	const char *path = NULL, *params = NULL;
	char err[512] = "";
	int c, ret;

	optind = 1;
	while ((c = getopt_long(argc, argv, "m:p:h", opts, NULL)) != -1) {
		switch (c) {
		case 'm':
			path = optarg;
			break;
		case 'p':
			params = optarg;
			break;
		default:
			return cli_usage(cli, "bad option");
		}
	}
	if (optind != argc)
		return cli_usage(cli, "unexpected argument '%s'", argv[optind]);

	ret = pl_module_load(path, params, err, sizeof(err));
	if (ret < 0)
		return cli_fail(cli, ret, "%s", err);
	if (cli->json) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "loaded", json_object_new_boolean(1));
		json_object_object_add(o, "module", path ?
			json_object_new_string(path) :
			json_object_new_string(PL_MODULE_NAME));
		cli_json_print(o);
	} else {
		printf("loaded %s\n", path ? path : PL_MODULE_NAME);
	}
	return CLI_OK;
}

static int unload_run(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "wait", required_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	unsigned int wait_ms = 5000, attempts = 0;
	char err[512] = "", *end;
	int c, ret;

	optind = 1;
	while ((c = getopt_long(argc, argv, "w:h", opts, NULL)) != -1) {
		switch (c) {
		case 'w':
			errno = 0;
			wait_ms = (unsigned int)strtoul(optarg, &end, 10);
			if (errno || *end || wait_ms > 600000)
				return cli_usage(cli, "--wait takes milliseconds, 0 to 600000");
			break;
		default:
			return cli_usage(cli, "bad option");
		}
	}
	if (optind != argc)
		return cli_usage(cli, "unexpected argument '%s'", argv[optind]);

	ret = pl_module_unload(wait_ms, &attempts, err, sizeof(err));
	if (ret < 0)
		return cli_fail(cli, ret, "%s", err);
	if (cli->json) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "unloaded", json_object_new_boolean(1));
		json_object_object_add(o, "attempts",
				       json_object_new_int((int)attempts));
		cli_json_print(o);
	} else {
		printf("unloaded %s%s\n", PL_MODULE_NAME,
		       attempts > 1 ? " (after waiting for users)" : "");
	}
	return CLI_OK;
}

const struct cli_cmd cli_cmd_load = {
	.name = "load",
	.args = "[--module PATH] [--params STR]",
	.summary = "load probelab.ko (libkmod)",
	.run = load_run,
};

const struct cli_cmd cli_cmd_unload = {
	.name = "unload",
	.args = "[--wait MS]",
	.summary = "unload probelab.ko, retrying while in use",
	.run = unload_run,
};

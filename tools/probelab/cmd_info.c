// SPDX-License-Identifier: GPL-2.0
/* probelab info: what the loaded module is and what it implements */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "probelab.h"

/* The module's resource bounds (limits.c), read-only module parameters. */
static const char *const info_bounds[] = {
	"max_devices", "max_domains", "max_mapped_bytes",
	"max_pgtable_pages", "max_desc_bytes", "max_quarantine",
};

#define INFO_NR_BOUNDS	(sizeof(info_bounds) / sizeof(info_bounds[0]))

/* Returns 0 and the value, or -1 when the parameter cannot be read. */
static int info_bound(const char *name, uint64_t *val)
{
	char path[128], buf[32], *end;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/module/probelab/parameters/%s",
		 name);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (!fgets(buf, sizeof(buf), f)) {
		fclose(f);
		return -1;
	}
	fclose(f);
	*val = strtoull(buf, &end, 10);
	return end == buf ? -1 : 0;
}

static int info_run(struct cli *cli, int argc, char **argv)
{
	struct probelab_info info;
	struct pl_handle *h;
	int ret;

	(void)argv;
	ret = cli_open_noargs(cli, argc, &h);
	if (ret)
		return ret;
	ret = pl_get_info(h, &info);
	pl_close(h);
	if (ret < 0)
		return cli_fail(cli, ret, "GET_INFO: %s", strerror(-ret));

	if (cli->json) {
		json_object *o = json_object_new_object();
		json_object *pol = json_object_new_array();
		json_object *ops = json_object_new_array();

		for (unsigned int p = 0; p < PL_NR_POLICIES; p++)
			if (info.policies & (1u << p))
				json_object_array_add(pol,
					json_object_new_string(pl_policy_name(p)));
		for (unsigned int op = 0; op < 64; op++)
			if (info.ops & (1ull << op)) {
				const char *name = pl_op_name(op);

				json_object_array_add(ops, name ?
					json_object_new_string(name) :
					json_object_new_int((int)op));
			}
		json_object_object_add(o, "module_version",
			json_object_new_string(info.module_version));
		json_object_object_add(o, "uapi_version",
			json_object_new_int((int)info.uapi_version));
		json_object_object_add(o, "tool_version",
			json_object_new_string(PROBELAB_VERSION));
		json_object_object_add(o, "tool_uapi_version",
			json_object_new_int(PROBELAB_UAPI_VERSION));
		json_object_object_add(o, "kernel_built",
			json_object_new_string(info.kernel_built));
		json_object_object_add(o, "kernel_running",
			json_object_new_string(info.kernel_running));
		json_object_object_add(o, "policies", pol);
		json_object_object_add(o, "ops", ops);
		json_object *b = json_object_new_object();

		for (unsigned int i = 0; i < INFO_NR_BOUNDS; i++) {
			uint64_t v;

			if (!info_bound(info_bounds[i], &v))
				json_object_object_add(b, info_bounds[i],
					json_object_new_int64((int64_t)v));
		}
		json_object_object_add(o, "bounds", b);
		cli_json_print(o);
		return CLI_OK;
	}

	printf("probelab.ko %s, uapi %u (this tool: %s, uapi %d)\n",
	       info.module_version, info.uapi_version, PROBELAB_VERSION,
	       PROBELAB_UAPI_VERSION);
	printf("  built for kernel: %s\n", info.kernel_built);
	printf("  running kernel:   %s%s\n", info.kernel_running,
	       strcmp(info.kernel_built, info.kernel_running) ?
	       "  (differs from the build)" : "");
	printf("  policies:        ");
	if (!info.policies)
		printf(" none yet (the probe layer is not in this module)");
	for (unsigned int p = 0; p < PL_NR_POLICIES; p++)
		if (info.policies & (1u << p))
			printf(" %s", pl_policy_name(p));
	printf("\n  operations:      ");
	for (unsigned int op = 0; op < 64; op++)
		if (info.ops & (1ull << op)) {
			const char *name = pl_op_name(op);

			if (name)
				printf(" %s", name);
			else
				printf(" op%u(unknown to this tool)", op);
		}
	printf("\n  bounds:          ");
	for (unsigned int i = 0; i < INFO_NR_BOUNDS; i++) {
		uint64_t v;

		if (!info_bound(info_bounds[i], &v))
			printf(" %s=%" PRIu64, info_bounds[i], v);
	}
	printf("\n");
	if (info.uapi_version != PROBELAB_UAPI_VERSION)
		fprintf(stderr, "probelab: note: module uapi %u, tool uapi %d\n",
			info.uapi_version, PROBELAB_UAPI_VERSION);
	return CLI_OK;
}

const struct cli_cmd cli_cmd_info = {
	.name = "info",
	.args = "",
	.summary = "module and uapi version, kernels, policies, operations, bounds",
	.run = info_run,
};

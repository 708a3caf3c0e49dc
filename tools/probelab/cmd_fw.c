// SPDX-License-Identifier: GPL-2.0
/*
 * probelab fw dump FILE|--host: the firmware's IOMMU topology as canonical
 * records (docs/fw-dump-format.md), from an ACPI DMAR or IORT table or a
 * flattened device tree.  --host reads the running machine's own
 * /sys/firmware/acpi/tables/DMAR, .../IORT or /sys/firmware/fdt.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "fw.h"
#include "probelab.h"

static const char *const host_tables[] = {
	"/sys/firmware/acpi/tables/DMAR",
	"/sys/firmware/acpi/tables/IORT",
	"/sys/firmware/fdt",
};

/* The firmware --host means: the first of DMAR, IORT, FDT that exists. */
static const char *fw_host_path(void)
{
	for (size_t i = 0; i < sizeof(host_tables) / sizeof(host_tables[0]); i++)
		if (access(host_tables[i], R_OK) == 0)
			return host_tables[i];
	return NULL;
}

static int fw_dump(struct cli *cli, const char *path)
{
	struct pl_fw_diag diag = { 0 };
	enum pl_fw_kind kind;
	char *text = NULL;
	size_t len, tlen;
	void *buf;
	FILE *mem;
	int ret;

	ret = pl_fw_read_file(path, 0, &buf, &len, &diag);
	if (ret)
		return cli_fail(cli, ret, "%s: %s", path, diag.msg[0] ?
				diag.msg : strerror(-ret));
	kind = pl_fw_detect(buf, len);
	mem = open_memstream(&text, &tlen);
	if (!mem) {
		free(buf);
		return cli_fail(cli, -errno, "open_memstream: %s", strerror(errno));
	}
	ret = pl_fw_dump(buf, len, mem, &diag);
	fclose(mem);
	free(buf);
	if (ret) {
		free(text);
		return cli_fail(cli, ret, "%s (%s): offset 0x%zx, field %s: %s",
				path, pl_fw_kind_name(kind), diag.offset,
				diag.field[0] ? diag.field : "-", diag.msg);
	}
	if (cli->json) {
		json_object *o = json_object_new_object();
		json_object *recs = json_object_new_array();
		char *save = NULL;

		for (char *l = strtok_r(text, "\n", &save); l;
		     l = strtok_r(NULL, "\n", &save))
			json_object_array_add(recs, json_object_new_string(l));
		json_object_object_add(o, "file", json_object_new_string(path));
		json_object_object_add(o, "kind",
				       json_object_new_string(pl_fw_kind_name(kind)));
		json_object_object_add(o, "records", recs);
		cli_json_print(o);
	} else {
		fputs(text, stdout);
	}
	free(text);
	return CLI_OK;
}

static int fw_run(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "host", no_argument, NULL, 'H' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	const char *path = NULL;
	bool host = false;
	int c;

	if (argc < 2 || strcmp(argv[1], "dump"))
		return cli_usage(cli, "only 'fw dump' exists in this version");
	optind = 1;
	while ((c = getopt_long(argc - 1, argv + 1, "Hh", opts, NULL)) != -1) {
		if (c != 'H')
			return cli_usage(cli, "bad option");
		host = true;
	}
	if (host == (optind < argc - 1))
		return cli_usage(cli, "give a FILE or --host");
	if (host) {
		path = fw_host_path();
		if (!path)
			return cli_fail(cli, -ENOENT,
					"no DMAR, IORT or flattened device tree in /sys/firmware");
	} else {
		path = argv[optind + 1];
	}
	return fw_dump(cli, path);
}

const struct cli_cmd cli_cmd_fw = {
	.name = "fw",
	.args = "dump FILE|--host",
	.summary = "firmware IOMMU topology as canonical records (DMAR, IORT, DTB)",
	.run = fw_run,
};

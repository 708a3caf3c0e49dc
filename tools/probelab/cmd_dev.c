// SPDX-License-Identifier: GPL-2.0
/* probelab dev add / remove: lab devices (DEV_ADD, DEV_REMOVE) */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "probelab.h"

/* Prints the device just added or found; its QUERY entry when available. */
static int dev_report(struct cli *cli, struct pl_handle *h, uint32_t id,
		      const char *verb)
{
	struct probelab_iommu_info *iommus = NULL;
	struct probelab_dev_info info;
	char ref[16], name[PROBELAB_NAME_LEN + 1];
	unsigned int ni = 0;

	snprintf(ref, sizeof(ref), "%u", id);
	if (pl_dev_lookup(h, ref, NULL, &info)) {
		/* removed again already (a concurrent user): say what we know */
		if (cli->json) {
			json_object *o = json_object_new_object();

			json_object_object_add(o, "dev_id",
					       json_object_new_int64(id));
			cli_json_print(o);
		} else {
			printf("%s device %u\n", verb, id);
		}
		return CLI_OK;
	}
	if (cli->json) {
		if (pl_query_iommus(h, &iommus, &ni))
			ni = 0;
		cli_json_print(cli_dev_json(&info, iommus, ni));
		free(iommus);
		return CLI_OK;
	}
	cli_name(name, info.name, sizeof(info.name));
	printf("%s device %u: %s, %s\n", verb, id, name,
	       pl_dev_state_name(info.state) ? pl_dev_state_name(info.state) :
	       "new");
	return CLI_OK;
}

static int dev_add(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "alias", required_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	uint16_t aliases[PROBELAB_MAX_ALIASES], alias_seg[PROBELAB_MAX_ALIASES];
	unsigned int nr_aliases = 0;
	const char *kind, *what;
	struct pl_handle *h;
	uint16_t seg = 0;
	uint8_t bus = 0, devfn = 0;
	uint32_t id = 0;
	char e[96];
	int c, ret;

	/* argv: add KIND WHAT [--alias BB:DD.F]... */
	optind = 1;
	while ((c = getopt_long(argc, argv, "a:h", opts, NULL)) != -1) {
		uint16_t aseg = 0xffff;
		uint8_t abus, adevfn;

		switch (c) {
		case 'a':
			if (pl_parse_bdf(optarg, &aseg, &abus, &adevfn))
				return cli_usage(cli, "--alias '%s' is not BB:DD.F",
						 optarg);
			if (nr_aliases == PROBELAB_MAX_ALIASES)
				return cli_usage(cli, "at most %u --alias",
						 PROBELAB_MAX_ALIASES);
			alias_seg[nr_aliases] = aseg;
			aliases[nr_aliases++] = (uint16_t)(abus << 8 | adevfn);
			break;
		default:
			return cli_usage(cli, "bad option");
		}
	}
	if (argc - optind != 2)
		return cli_usage(cli, "dev add takes 'pci SEG:BUS:DEV.FN' or 'named NAME'");
	kind = argv[optind];
	what = argv[optind + 1];
	if (!strcmp(kind, "pci")) {
		if (pl_parse_bdf(what, &seg, &bus, &devfn))
			return cli_usage(cli, "'%s' is not a PCI address SEG:BUS:DEV.FN (hex)",
					 what);
		for (unsigned int i = 0; i < nr_aliases; i++) {
			if (alias_seg[i] != 0xffff && alias_seg[i] != seg)
				return cli_usage(cli, "--alias %04x:%02x:%02x.%u: an alias is in the device's segment %04x",
						 alias_seg[i], aliases[i] >> 8,
						 (aliases[i] >> 3) & 0x1f,
						 aliases[i] & 7, seg);
			if (aliases[i] == (uint16_t)(bus << 8 | devfn))
				return cli_usage(cli, "--alias %02x:%02x.%u is the device itself",
						 bus, devfn >> 3, devfn & 7);
			for (unsigned int j = 0; j < i; j++)
				if (aliases[j] == aliases[i])
					return cli_usage(cli, "--alias %02x:%02x.%u given twice",
							 aliases[i] >> 8,
							 (aliases[i] >> 3) & 0x1f,
							 aliases[i] & 7);
		}
	} else if (!strcmp(kind, "named")) {
		if (nr_aliases)
			return cli_usage(cli, "--alias is for PCI devices");
		if (!what[0] || strlen(what) >= PROBELAB_NAME_LEN)
			return cli_usage(cli, "a device name has 1..%u characters",
					 PROBELAB_NAME_LEN - 1);
	} else {
		return cli_usage(cli, "unknown device kind '%s' (pci or named)",
				 kind);
	}

	ret = cli_open(cli, &h);
	if (ret)
		return ret;
	if (!strcmp(kind, "pci"))
		ret = pl_dev_add_pci(h, seg, bus, devfn, aliases, nr_aliases,
				     &id);
	else
		ret = pl_dev_add_named(h, what, &id);
	if (ret) {
		pl_close(h);
		if (ret == -ENODATA)
			return cli_fail(cli, ret, "DEV_ADD %s: no description is loaded (probelab topo load FILE)",
					what);
		if (ret == -EEXIST && !strcmp(kind, "named"))
			return cli_fail(cli, ret, "DEV_ADD %s: the lab already has a device of that name (a named device, or the device iommu-NAME of an instance)",
					what);
		if (ret == -EEXIST)
			return cli_fail(cli, ret, "DEV_ADD %s: the lab already has this device",
					what);
		if (ret == -EBUSY)
			return cli_fail(cli, ret, "DEV_ADD %s: a description is being loaded or the lab reset (EBUSY); try again",
					what);
		return cli_fail(cli, ret, "DEV_ADD %s: %s%s", what,
				cli_errstr(ret, e, sizeof(e)),
				ret == -EINVAL ? " (the kernel log says why)" : "");
	}
	ret = dev_report(cli, h, id, "added");
	pl_close(h);
	return ret;
}

static int dev_remove(struct cli *cli, int argc, char **argv)
{
	struct probelab_dev_info info;
	char name[PROBELAB_NAME_LEN + 1], e[96];
	struct pl_handle *h;
	int ret;

	if (argc != 2)
		return cli_usage(cli, "dev remove takes one ID|NAME");
	ret = cli_dev_open(cli, argv[1], &h, &info, name);
	if (ret)
		return ret;
	ret = pl_dev_remove(h, info.dev_id);
	pl_close(h);
	if (ret)
		return cli_fail(cli, ret, "DEV_REMOVE %s (device %u): %s", name,
				info.dev_id, cli_errstr(ret, e, sizeof(e)));
	if (cli->json) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "removed", json_object_new_boolean(1));
		json_object_object_add(o, "dev_id",
				       json_object_new_int64(info.dev_id));
		json_object_object_add(o, "name", json_object_new_string(name));
		cli_json_print(o);
	} else {
		printf("removed device %u: %s\n", info.dev_id, name);
	}
	return CLI_OK;
}

static int dev_run(struct cli *cli, int argc, char **argv)
{
	if (argc < 2)
		return cli_usage(cli, "missing subcommand (add or remove)");
	if (!strcmp(argv[1], "add"))
		return dev_add(cli, argc - 1, argv + 1);
	if (!strcmp(argv[1], "remove"))
		return dev_remove(cli, argc - 1, argv + 1);
	return cli_usage(cli, "unknown subcommand '%s' (add or remove)",
			 argv[1]);
}

const struct cli_cmd cli_cmd_dev = {
	.name = "dev",
	.args = "add pci SEG:BUS:DEV.FN [--alias BB:DD.F]... | add named NAME | remove ID|NAME",
	.summary = "add a lab device (IOMMU-probed at once under fixed) or remove one",
	.run = dev_run,
};

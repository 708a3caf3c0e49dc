// SPDX-License-Identifier: GPL-2.0
/*
 * probelab fw: the firmware's IOMMU topology, from an ACPI DMAR or IORT
 * table or a flattened device tree; --host reads the running machine's own
 * /sys/firmware/acpi/tables/DMAR, .../IORT or /sys/firmware/fdt.
 *
 *   fw dump    the canonical records (docs/fw-dump-format.md)
 *   fw show    the normalized description the firmware gives, the lab
 *              devices it implies and their groups, for people
 *   fw import  that description loaded (FW_LOAD) and its devices created
 *              (DEV_ADD); docs/fw-import.md
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "fw.h"
#include "import.h"
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

static int dump_run(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "host", no_argument, NULL, 'H' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	const char *path = NULL;
	bool host = false;
	int c;

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

/* Options of fw show / fw import. */
struct fw_args {
	const char *file;
	struct pl_import_opts opts;
	int policy;
	int domain;
	bool reg;
};

static int fw_parse(struct cli *cli, int argc, char **argv, bool import,
		    struct fw_args *a)
{
	static const struct option opts[] = {
		{ "host", no_argument, NULL, 'H' },
		{ "sysfs", required_argument, NULL, 's' },
		{ "policy", required_argument, NULL, 'p' },
		{ "default-domain", required_argument, NULL, 'd' },
		{ "register", no_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	int c;

	memset(a, 0, sizeof(*a));
	a->policy = -1;
	a->domain = -1;
	optind = 1;
	while ((c = getopt_long(argc, argv, "Hs:p:d:rh", opts, NULL)) != -1) {
		switch (c) {
		case 'H':
			a->opts.host = true;
			break;
		case 's':
			a->opts.sysfs = optarg;
			break;
		case 'p':
			if (!import)
				return cli_usage(cli, "--policy is an option of fw import");
			a->policy = pl_policy_from_name(optarg);
			if (a->policy < 0)
				return cli_usage(cli, "unknown policy '%s' (fixed, linux-6.1, mainline)",
						 optarg);
			break;
		case 'd':
			if (!import)
				return cli_usage(cli, "--default-domain is an option of fw import");
			if (!strcmp(optarg, "dma"))
				a->domain = PROBELAB_DOMAIN_DMA;
			else if (!strcmp(optarg, "identity"))
				a->domain = PROBELAB_DOMAIN_IDENTITY;
			else
				return cli_usage(cli, "--default-domain is dma or identity, not '%s'",
						 optarg);
			break;
		case 'r':
			if (!import)
				return cli_usage(cli, "--register is an option of fw import");
			a->reg = true;
			break;
		default:
			return cli_usage(cli, "bad option");
		}
	}
	if (a->opts.sysfs && !a->opts.host)
		return cli_usage(cli, "--sysfs goes with --host");
	if (a->opts.host == (optind < argc))
		return cli_usage(cli, "give a FILE or --host");
	if (argc - optind > 1)
		return cli_usage(cli, "one FILE only");
	a->file = a->opts.host ? NULL : argv[optind];
	if (a->policy < 0)
		a->policy = PROBELAB_POLICY_FIXED;
	if (a->domain < 0)
		a->domain = PROBELAB_DOMAIN_DMA;
	return CLI_OK;
}

static int fw_import_load(struct cli *cli, const struct fw_args *a,
			  struct pl_import **imp)
{
	char err[1024];
	int ret;

	ret = pl_import_path(a->file, &a->opts, imp, err, sizeof(err));
	if (ret)
		return cli_fail(cli, ret, "%s", err);
	return CLI_OK;
}

static int show_run(struct cli *cli, int argc, char **argv)
{
	struct pl_import *imp;
	struct fw_args a;
	int ret;

	ret = fw_parse(cli, argc, argv, false, &a);
	if (ret)
		return ret;
	ret = fw_import_load(cli, &a, &imp);
	if (ret)
		return ret;
	if (cli->json) {
		json_object *o = pl_import_json(imp);

		pl_import_free(imp);
		if (!o)
			return cli_fail(cli, -ENOMEM, "out of memory");
		cli_json_print(o);
		return CLI_OK;
	}
	ret = pl_import_print(imp, stdout);
	pl_import_free(imp);
	if (ret)
		return cli_fail(cli, ret, "writing the topology: %s",
				strerror(-ret));
	return CLI_OK;
}

/* Explains a refused FW_LOAD; returns CLI_FAIL. */
static int import_load_fail(struct cli *cli, struct pl_handle *h, int err,
			    const struct pl_import *imp, unsigned int policy,
			    const struct pl_fw_reject *rej)
{
	struct probelab_info info;
	const char *where = NULL;
	char e[96], loc[160] = "";
	unsigned int type, ord;
	size_t off;

	if (err == -EOPNOTSUPP && !pl_get_info(h, &info) &&
	    !(info.policies & (1u << policy)))
		return cli_fail(cli, err, "FW_LOAD: policy %s is not implemented by the loaded probelab.ko (EOPNOTSUPP)",
				pl_policy_name(policy));
	if (err == -EBUSY)
		return cli_fail(cli, err, "FW_LOAD: the lab has devices or registered instances (EBUSY); probelab reset first");
	if (!rej->valid)
		return cli_fail(cli, err, "FW_LOAD %s: %s", imp->source,
				cli_errstr(err, e, sizeof(e)));
	if (rej->record == ~0U) {
		snprintf(loc, sizeof(loc), "the header, field at offset %u",
			 rej->offset);
	} else {
		where = pl_import_rec_origin(imp, rej->record);
		if (!pl_fw_blob_locate(imp->blob, imp->len, rej->record, &type,
				       &ord, &off))
			snprintf(loc, sizeof(loc), "record %u (%s #%u at offset %zu), field at offset %u",
				 rej->record, pl_fw_rec_type_name(type) ?
				 pl_fw_rec_type_name(type) : "?", ord, off,
				 rej->offset);
		else
			snprintf(loc, sizeof(loc), "record %u, field at offset %u",
				 rej->record, rej->offset);
	}
	return cli_fail(cli, err, "FW_LOAD %s: the kernel rejected the description: %s at %s%s%s (dmesg | grep FW_LOAD names the field)",
			imp->source, cli_errstr(err, e, sizeof(e)), loc,
			where ? ", from " : "", where ? where : "");
}

static const char *dev_state(const struct probelab_dev_info *devs,
			     unsigned int nd, uint32_t id,
			     const struct probelab_dev_info **info)
{
	*info = NULL;
	for (unsigned int k = 0; k < nd; k++)
		if (devs[k].dev_id == id) {
			*info = &devs[k];
			return pl_dev_state_name(devs[k].state) ?
			       pl_dev_state_name(devs[k].state) : "?";
		}
	return "?";
}

static void import_print(const struct pl_import *imp, const struct fw_args *a,
			 const uint32_t *ids, const struct probelab_dev_info *devs,
			 unsigned int nd, const bool *registered)
{
	const struct pl_fwdesc *d = imp->desc;
	unsigned int waiting = 0;

	printf("imported %s (%s%s): %u IOMMUs, %u endpoints, %u root complexes, %u ID maps, %u bridges, %u scopes (%zu bytes); policy %s, default domain %s\n",
	       imp->source, pl_fw_kind_name(imp->kind),
	       imp->host ? ", this machine's PCI functions" : "",
	       d->nr_iommus, d->nr_endpoints, d->nr_rcs, d->nr_idmaps,
	       d->nr_bridges, d->nr_scopes, imp->len,
	       pl_policy_name((unsigned int)a->policy),
	       pl_domain_type_name((unsigned int)a->domain));
	printf("added %u devices:\n", imp->nr_devices);
	printf("  %-5s %-24s %-9s %-5s %-26s %s\n", "ID", "NAME", "STATE",
	       "GROUP", "IOMMU", "IDS (firmware)");
	for (unsigned int i = 0; i < imp->nr_devices; i++) {
		const struct pl_import_device *dv = &imp->devices[i];
		const struct probelab_dev_info *info;
		char name[PROBELAB_NAME_LEN + 1] = "", grp[12] = "-";
		char idbuf[160] = "";
		const char *st = dev_state(devs, nd, ids[i], &info);
		size_t o = 0;

		if (info) {
			cli_name(name, info->name, sizeof(info->name));
			if (info->group_id)
				snprintf(grp, sizeof(grp), "%u", info->group_id);
			waiting += info->state == PROBELAB_DEV_WAITING;
		}
		for (unsigned int k = 0; k < dv->nr_refs && o < sizeof(idbuf); k++)
			o += (size_t)snprintf(idbuf + o, sizeof(idbuf) - o,
					      "%s0x%x%s", k ? "," : "",
					      dv->refs[k].id,
					      (dv->group_only >> k) & 1 ? "*" : "");
		printf("  %-5u %-24s %-9s %-5s %-26s %s\n", ids[i], name, st,
		       grp, dv->nr_refs ?
		       pl_import_iommu_name(imp, dv->refs[0].iommu) : "-",
		       dv->nr_refs ? idbuf : "no IOMMU");
	}
	printf("instances:");
	for (uint32_t i = 0; i < d->nr_iommus; i++)
		printf(" %s%s", d->iommus[i].name,
		       registered[i] ? " (registered)" : "");
	printf("\n");
	if (waiting)
		for (uint32_t i = 0; i < d->nr_iommus; i++)
			if (!registered[i])
				printf("  probelab iommu register %s\n",
				       d->iommus[i].name);
	if (imp->nr_notes) {
		printf("notes:\n");
		for (unsigned int i = 0; i < imp->nr_notes; i++)
			printf("  - %s\n", imp->notes[i]);
	}
}

static json_object *import_json(const struct pl_import *imp,
				const struct fw_args *a, const uint32_t *ids,
				const struct probelab_dev_info *devs,
				unsigned int nd, const bool *registered)
{
	const struct pl_fwdesc *d = imp->desc;
	json_object *o = json_object_new_object(), *arr, *c;

	json_object_object_add(o, "source", json_object_new_string(imp->source));
	json_object_object_add(o, "kind",
			       json_object_new_string(pl_fw_kind_name(imp->kind)));
	json_object_object_add(o, "host", json_object_new_boolean(imp->host));
	json_object_object_add(o, "policy", json_object_new_string(
		pl_policy_name((unsigned int)a->policy)));
	json_object_object_add(o, "default_domain", json_object_new_string(
		pl_domain_type_name((unsigned int)a->domain)));
	c = json_object_new_object();
	json_object_object_add(c, "bytes", json_object_new_int64((int64_t)imp->len));
	json_object_object_add(c, "iommus", json_object_new_int64(d->nr_iommus));
	json_object_object_add(c, "endpoints",
			       json_object_new_int64(d->nr_endpoints));
	json_object_object_add(c, "root_complexes",
			       json_object_new_int64(d->nr_rcs));
	json_object_object_add(c, "idmaps", json_object_new_int64(d->nr_idmaps));
	json_object_object_add(c, "bridges", json_object_new_int64(d->nr_bridges));
	json_object_object_add(c, "scopes", json_object_new_int64(d->nr_scopes));
	json_object_object_add(o, "description", c);
	arr = json_object_new_array();
	for (uint32_t i = 0; i < d->nr_iommus; i++) {
		json_object *io = json_object_new_object();

		json_object_object_add(io, "name",
				       json_object_new_string(d->iommus[i].name));
		json_object_object_add(io, "model", json_object_new_string(
			d->iommus[i].model == PROBELAB_FW_IOMMU_VTD ? "vtd" :
			"smmuv3"));
		json_object_object_add(io, "registered",
				       json_object_new_boolean(registered[i]));
		json_object_object_add(io, "origin", json_object_new_string(
			pl_import_rec_origin(imp, d->iommus[i].rec) ?
			pl_import_rec_origin(imp, d->iommus[i].rec) : ""));
		json_object_array_add(arr, io);
	}
	json_object_object_add(o, "instances", arr);
	arr = json_object_new_array();
	for (unsigned int i = 0; i < imp->nr_devices; i++) {
		const struct probelab_dev_info *info;
		json_object *dv = pl_import_dev_json(imp, &imp->devices[i]);
		const char *st = dev_state(devs, nd, ids[i], &info);
		char name[PROBELAB_NAME_LEN + 1] = "";

		if (info)
			cli_name(name, info->name, sizeof(info->name));
		json_object_object_add(dv, "dev_id", json_object_new_int64(ids[i]));
		json_object_object_add(dv, "name", json_object_new_string(name));
		json_object_object_add(dv, "state", json_object_new_string(st));
		json_object_object_add(dv, "lab_group", info && info->group_id ?
				       json_object_new_int64(info->group_id) : NULL);
		json_object_array_add(arr, dv);
	}
	json_object_object_add(o, "devices", arr);
	arr = json_object_new_array();
	for (unsigned int i = 0; i < imp->nr_notes; i++)
		json_object_array_add(arr, json_object_new_string(imp->notes[i]));
	json_object_object_add(o, "notes", arr);
	return o;
}

static int import_run(struct cli *cli, int argc, char **argv)
{
	struct probelab_dev_info *devs = NULL;
	struct pl_import *imp = NULL;
	struct pl_fw_reject rej;
	struct pl_handle *h = NULL;
	unsigned int nd = 0;
	uint32_t *ids = NULL;
	bool *registered = NULL;
	struct fw_args a;
	int ret, status = CLI_OK;
	char e[96], name[40];

	ret = fw_parse(cli, argc, argv, true, &a);
	if (ret)
		return ret;
	ret = fw_import_load(cli, &a, &imp);
	if (ret)
		return ret;
	ids = calloc(imp->nr_devices + 1, sizeof(*ids));
	registered = calloc(imp->desc->nr_iommus + 1, sizeof(*registered));
	if (!ids || !registered) {
		status = cli_fail(cli, -ENOMEM, "out of memory");
		goto out;
	}
	ret = cli_open(cli, &h);
	if (ret) {
		status = ret;
		goto out;
	}
	ret = pl_fw_load(h, imp->blob, imp->len, (unsigned int)a.policy,
			 (unsigned int)a.domain, &rej);
	if (ret) {
		status = import_load_fail(cli, h, ret, imp,
					  (unsigned int)a.policy, &rej);
		goto out;
	}
	for (unsigned int i = 0; i < imp->nr_devices; i++) {
		const struct pl_import_device *d = &imp->devices[i];

		if (d->kind == PL_TOPO_DEV_PCI)
			ret = pl_dev_add_pci(h, d->segment, d->bus, d->devfn,
					     d->aliases, d->nr_aliases, &ids[i]);
		else
			ret = pl_dev_add_named(h, d->name, &ids[i]);
		if (ret) {
			status = cli_fail(cli, ret, "%s: DEV_ADD %s (%s): %s; the description is loaded and the %u devices before it were added",
					  imp->source,
					  pl_import_dev_name(d, name, sizeof(name)),
					  d->why, cli_errstr(ret, e, sizeof(e)), i);
			goto out;
		}
	}
	if (a.reg)
		for (uint32_t i = 0; i < imp->desc->nr_iommus; i++) {
			const char *n = imp->desc->iommus[i].name;

			ret = pl_iommu_register(h, n);
			if (ret) {
				status = cli_fail(cli, ret, "IOMMU_REGISTER %s: %s; the description is loaded and its devices added",
						  n, cli_errstr(ret, e, sizeof(e)));
				goto out;
			}
			registered[i] = true;
		}
	if (pl_query_devices(h, &devs, &nd))
		nd = 0;
	if (cli->json)
		cli_json_print(import_json(imp, &a, ids, devs, nd, registered));
	else
		import_print(imp, &a, ids, devs, nd, registered);
out:
	free(devs);
	free(ids);
	free(registered);
	if (h)
		pl_close(h);
	pl_import_free(imp);
	return status;
}

static int fw_run(struct cli *cli, int argc, char **argv)
{
	if (argc < 2)
		return cli_usage(cli, "missing subcommand (dump, show, import)");
	if (!strcmp(argv[1], "dump"))
		return dump_run(cli, argc, argv);
	if (!strcmp(argv[1], "show"))
		return show_run(cli, argc - 1, argv + 1);
	if (!strcmp(argv[1], "import"))
		return import_run(cli, argc - 1, argv + 1);
	return cli_usage(cli, "unknown subcommand '%s' (dump, show, import)",
			 argv[1]);
}

const struct cli_cmd cli_cmd_fw = {
	.name = "fw",
	.args = "dump|show FILE|--host | import FILE|--host [--policy P] [--default-domain dma|identity] [--register]",
	.summary = "firmware IOMMU topology (DMAR, IORT, DTB): dump its records, show or import (FW_LOAD + devices) its description",
	.run = fw_run,
};

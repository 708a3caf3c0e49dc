// SPDX-License-Identifier: GPL-2.0
/*
 * probelab topo load: a JSON topology (docs/topology.md) -> FW_LOAD
 * description -> FW_LOAD, then DEV_ADD of the devices it lists.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "probelab.h"
#include "topo.h"

/*
 * The JSON path of the record a kernel refusal names.  The JSON loader
 * adds records type by type in array order, nested arrays (scopes of an
 * IOMMU, specifiers of an endpoint, ID maps of a root complex) flattened
 * in file order, and the builder emits them in that order: the record's
 * (type, ordinal) is a position in those arrays.
 */
static int nested_path(json_object *root, const char *outer,
		       const char *inner, unsigned int ordinal, char *buf,
		       size_t len)
{
	json_object *arr, *o, *in;
	size_t i, n;

	if (!json_object_object_get_ex(root, outer, &arr) ||
	    !json_object_is_type(arr, json_type_array))
		return -ENOENT;
	n = json_object_array_length(arr);
	for (i = 0; i < n; i++) {
		size_t m;

		o = json_object_array_get_idx(arr, i);
		if (!json_object_object_get_ex(o, inner, &in) ||
		    !json_object_is_type(in, json_type_array))
			continue;
		m = json_object_array_length(in);
		if (ordinal < m) {
			snprintf(buf, len, "%s[%zu].%s[%u]", outer, i, inner,
				 ordinal);
			return 0;
		}
		ordinal -= (unsigned int)m;
	}
	return -ENOENT;
}

static int json_record_path(const char *file, unsigned int type,
			    unsigned int ordinal, char *buf, size_t len)
{
	json_object *root = json_object_from_file(file);
	int ret = 0;

	if (!root)
		return -ENOENT;
	switch (type) {
	case PROBELAB_FW_REC_IOMMU:
		snprintf(buf, len, "iommus[%u]", ordinal);
		break;
	case PROBELAB_FW_REC_ENDPOINT:
		snprintf(buf, len, "endpoints[%u]", ordinal);
		break;
	case PROBELAB_FW_REC_ROOT_COMPLEX:
		snprintf(buf, len, "root_complexes[%u]", ordinal);
		break;
	case PROBELAB_FW_REC_BRIDGE:
		snprintf(buf, len, "bridges[%u]", ordinal);
		break;
	case PROBELAB_FW_REC_SPEC:
		ret = nested_path(root, "endpoints", "iommus", ordinal, buf,
				  len);
		break;
	case PROBELAB_FW_REC_IDMAP:
		ret = nested_path(root, "root_complexes", "id_maps", ordinal,
				  buf, len);
		break;
	case PROBELAB_FW_REC_SCOPE:
		ret = nested_path(root, "iommus", "scopes", ordinal, buf, len);
		break;
	default:
		ret = -ENOENT;
	}
	json_object_put(root);
	return ret;
}

/* Explains a refused FW_LOAD; returns CLI_FAIL. */
static int fw_load_fail(struct cli *cli, struct pl_handle *h, int err,
			const char *file, const struct pl_topo *t,
			unsigned int policy, const struct pl_fw_reject *rej)
{
	struct probelab_info info;
	char e[96], where[160] = "", path[160] = "";
	unsigned int type, ord;
	size_t off;

	if (err == -EOPNOTSUPP && !pl_get_info(h, &info) &&
	    !(info.policies & (1u << policy))) {
		char have[64] = "";

		for (unsigned int p = 0; p < PL_NR_POLICIES; p++)
			if (info.policies & (1u << p))
				snprintf(have + strlen(have),
					 sizeof(have) - strlen(have), "%s%s",
					 have[0] ? ", " : "", pl_policy_name(p));
		return cli_fail(cli, err, "FW_LOAD: policy %s is not implemented by the loaded probelab.ko (EOPNOTSUPP); it implements: %s",
				pl_policy_name(policy), have[0] ? have : "none");
	}
	if (err == -EBUSY)
		return cli_fail(cli, err, "FW_LOAD: the lab has devices or registered instances (EBUSY); probelab reset first");
	if (!rej->valid)
		return cli_fail(cli, err, "FW_LOAD %s: %s", file,
				cli_errstr(err, e, sizeof(e)));
	if (rej->record == ~0U) {
		snprintf(where, sizeof(where), "the header, field at offset %u",
			 rej->offset);
	} else if (!pl_fw_blob_locate(t->blob, t->len, rej->record, &type,
				      &ord, &off)) {
		snprintf(where, sizeof(where),
			 "record %u (%s #%u at offset %zu), field at offset %u",
			 rej->record, pl_fw_rec_type_name(type) ?
			 pl_fw_rec_type_name(type) : "?", ord, off,
			 rej->offset);
		if (json_record_path(file, type, ord, path, sizeof(path)))
			path[0] = 0;
	} else {
		snprintf(where, sizeof(where), "record %u, field at offset %u",
			 rej->record, rej->offset);
	}
	if (cli->json) {
		json_object *o = json_object_new_object();
		const char *name = pl_errno_name(err);

		json_object_object_add(o, "error", json_object_new_string(
			"FW_LOAD: the kernel rejected the description"));
		json_object_object_add(o, "errno", json_object_new_string(
			name ? name : "?"));
		json_object_object_add(o, "err_record", rej->record == ~0U ?
			json_object_new_string("header") :
			json_object_new_int64(rej->record));
		json_object_object_add(o, "err_offset",
				       json_object_new_int64(rej->offset));
		if (path[0])
			json_object_object_add(o, "json_path",
					       json_object_new_string(path));
		cli_json_print(o);
		return CLI_FAIL;
	}
	fprintf(stderr, "probelab topo: FW_LOAD %s: the kernel rejected the description: %s\n"
		"  at %s%s%s\n  (the kernel log names the field: dmesg | grep FW_LOAD)\n",
		file, cli_errstr(err, e, sizeof(e)), where,
		path[0] ? "\n  JSON: " : "", path);
	return CLI_FAIL;
}

static int topo_load(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "policy", required_argument, NULL, 'p' },
		{ "default-domain", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	int c, ret, policy = -1, domain = -1, status = CLI_OK;
	struct probelab_dev_info *devs = NULL;
	struct probelab_fw_hdr hdr;
	struct pl_fw_reject rej;
	json_object *doc = NULL, *jdevs = NULL;
	struct pl_topo *t = NULL;
	unsigned int nd = 0, i;
	uint32_t *ids = NULL;
	char err[1024], e[96];
	struct pl_handle *h;
	const char *file;

	optind = 1;
	while ((c = getopt_long(argc, argv, "p:d:h", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			policy = pl_policy_from_name(optarg);
			if (policy < 0)
				return cli_usage(cli, "unknown policy '%s' (fixed, linux-6.1, mainline)",
						 optarg);
			break;
		case 'd':
			if (!strcmp(optarg, "dma"))
				domain = PROBELAB_DOMAIN_DMA;
			else if (!strcmp(optarg, "identity"))
				domain = PROBELAB_DOMAIN_IDENTITY;
			else
				return cli_usage(cli, "--default-domain is dma or identity, not '%s'",
						 optarg);
			break;
		default:
			return cli_usage(cli, "bad option");
		}
	}
	if (argc - optind != 1)
		return cli_usage(cli, "topo load takes one FILE");
	file = argv[optind];

	ret = pl_topo_load(file, NULL, &t, err, sizeof(err));
	if (ret)
		return cli_fail(cli, ret, "%s", err);
	if (policy < 0)
		policy = t->policy >= 0 ? t->policy : PROBELAB_POLICY_FIXED;
	if (domain < 0)
		domain = t->default_domain == PL_TOPO_DOMAIN_IDENTITY ?
			 PROBELAB_DOMAIN_IDENTITY : PROBELAB_DOMAIN_DMA;
	for (i = 0; i < t->nr_devices; i++)
		if (t->devices[i].nr_aliases > PROBELAB_MAX_ALIASES) {
			ret = cli_fail(cli, -E2BIG, "%s: devices[%u].aliases: %u aliases; a lab device takes at most %u",
				       file, i, t->devices[i].nr_aliases,
				       PROBELAB_MAX_ALIASES);
			pl_topo_free(t);
			return ret;
		}

	ret = cli_open(cli, &h);
	if (ret) {
		pl_topo_free(t);
		return ret;
	}
	ret = pl_fw_load(h, t->blob, t->len, (unsigned int)policy,
			 (unsigned int)domain, &rej);
	if (ret) {
		status = fw_load_fail(cli, h, ret, file, t,
				      (unsigned int)policy, &rej);
		goto out;
	}

	ids = calloc(t->nr_devices ? t->nr_devices : 1, sizeof(*ids));
	if (!ids) {
		status = cli_fail(cli, -ENOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < t->nr_devices; i++) {
		const struct pl_topo_device *d = &t->devices[i];

		if (d->kind == PL_TOPO_DEV_PCI)
			ret = pl_dev_add_pci(h, d->segment, d->bus, d->devfn,
					     d->aliases, d->nr_aliases, &ids[i]);
		else
			ret = pl_dev_add_named(h, d->name, &ids[i]);
		if (ret) {
			char what[64];

			if (d->kind == PL_TOPO_DEV_PCI)
				snprintf(what, sizeof(what), "%04x:%02x:%02x.%u",
					 d->segment, d->bus, d->devfn >> 3,
					 d->devfn & 7);
			else
				snprintf(what, sizeof(what), "%s", d->name);
			status = cli_fail(cli, ret, "%s: devices[%u] (%s): DEV_ADD: %s; the description is loaded and the %u devices before it were added",
					  file, i, what,
					  cli_errstr(ret, e, sizeof(e)), i);
			goto out;
		}
	}
	if (pl_query_devices(h, &devs, &nd))
		nd = 0;

	memcpy(&hdr, t->blob, sizeof(hdr));
	if (cli->json) {
		json_object *o = json_object_new_object(), *d;

		doc = o;
		json_object_object_add(o, "file", json_object_new_string(file));
		json_object_object_add(o, "policy", json_object_new_string(
			pl_policy_name((unsigned int)policy)));
		json_object_object_add(o, "default_domain",
			json_object_new_string(pl_domain_type_name(
				(unsigned int)domain)));
		d = json_object_new_object();
		json_object_object_add(d, "bytes", json_object_new_int64(
			(int64_t)t->len));
		json_object_object_add(d, "iommus",
				       json_object_new_int64(hdr.nr_iommus));
		json_object_object_add(d, "endpoints",
				       json_object_new_int64(hdr.nr_endpoints));
		json_object_object_add(d, "specs",
				       json_object_new_int64(hdr.nr_specs));
		json_object_object_add(d, "root_complexes",
				       json_object_new_int64(hdr.nr_rcs));
		json_object_object_add(d, "idmaps",
				       json_object_new_int64(hdr.nr_idmaps));
		json_object_object_add(d, "bridges",
				       json_object_new_int64(hdr.nr_bridges));
		json_object_object_add(d, "scopes",
				       json_object_new_int64(hdr.nr_scopes));
		json_object_object_add(o, "description", d);
		jdevs = json_object_new_array();
		json_object_object_add(o, "devices", jdevs);
	} else {
		printf("loaded %s: %u IOMMUs, %u endpoints, %u root complexes, %u bridges, %u scopes (%zu bytes); policy %s, default domain %s\n",
		       file, hdr.nr_iommus, hdr.nr_endpoints, hdr.nr_rcs,
		       hdr.nr_bridges, hdr.nr_scopes, t->len,
		       pl_policy_name((unsigned int)policy),
		       pl_domain_type_name((unsigned int)domain));
		if (t->nr_devices)
			printf("added %u devices:\n", t->nr_devices);
	}
	for (i = 0; i < t->nr_devices; i++) {
		const struct probelab_dev_info *info = NULL;
		char name[PROBELAB_NAME_LEN + 1] = "";
		const char *state = "?";

		for (unsigned int k = 0; k < nd; k++)
			if (devs[k].dev_id == ids[i])
				info = &devs[k];
		if (info) {
			cli_name(name, info->name, sizeof(info->name));
			if (pl_dev_state_name(info->state))
				state = pl_dev_state_name(info->state);
		}
		if (jdevs) {
			json_object *o = json_object_new_object();

			json_object_object_add(o, "dev_id",
					       json_object_new_int64(ids[i]));
			json_object_object_add(o, "name",
					       json_object_new_string(name));
			if (t->devices[i].kind == PL_TOPO_DEV_PCI &&
			    t->devices[i].name[0])
				json_object_object_add(o, "label",
					json_object_new_string(t->devices[i].name));
			json_object_object_add(o, "state",
					       json_object_new_string(state));
			json_object_array_add(jdevs, o);
		} else {
			printf("  %-5u %-24s %-9s %s\n", ids[i], name, state,
			       t->devices[i].kind == PL_TOPO_DEV_PCI ?
			       t->devices[i].name : "");
		}
	}
	if (doc)
		cli_json_print(doc);
out:
	free(devs);
	free(ids);
	pl_close(h);
	pl_topo_free(t);
	return status;
}

static int topo_run(struct cli *cli, int argc, char **argv)
{
	if (argc < 2)
		return cli_usage(cli, "missing subcommand (load)");
	if (!strcmp(argv[1], "load"))
		return topo_load(cli, argc - 1, argv + 1);
	return cli_usage(cli, "unknown subcommand '%s' (load)", argv[1]);
}

const struct cli_cmd cli_cmd_topo = {
	.name = "topo",
	.args = "load FILE [--policy fixed|linux-6.1|mainline] [--default-domain dma|identity]",
	.summary = "load a JSON topology (FW_LOAD) and add the devices it lists",
	.run = topo_run,
};

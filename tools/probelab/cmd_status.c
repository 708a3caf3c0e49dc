// SPDX-License-Identifier: GPL-2.0
/*
 * probelab status / reset / stats: what the lab holds (QUERY), LAB_RESET,
 * the probe-layer counters (STATS); and the helpers the lab commands share.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "probelab.h"

void cli_name(char *dst, const char *src, unsigned long srclen)
{
	memcpy(dst, src, srclen);
	dst[srclen] = 0;
}

const char *cli_errstr(int err, char *buf, unsigned long len)
{
	const char *name = pl_errno_name(err);

	snprintf(buf, len, "%s (%s)", name ? name : "?",
		 err == -517 || err == 517 ? "probe deferred" :
		 strerror(err < 0 ? -err : err));
	return buf;
}

int cli_dev_ref(struct cli *cli, struct pl_handle *h, const char *ref,
		struct probelab_dev_info *info)
{
	char e[96];
	int ret = pl_dev_lookup(h, ref, NULL, info);

	if (ret == -ENOENT)
		return cli_fail(cli, ret, "no lab device '%s' (give an id, a name or a PCI address; see probelab status)",
				ref);
	if (ret == -EINVAL)
		return cli_fail(cli, ret, "'%s' is not a device id, name or PCI address",
				ref);
	if (ret)
		return cli_fail(cli, ret, "QUERY devices: %s",
				cli_errstr(ret, e, sizeof(e)));
	return CLI_OK;
}

int cli_dev_open(struct cli *cli, const char *ref, struct pl_handle **h,
		 struct probelab_dev_info *info, char *name)
{
	int ret = cli_open(cli, h);

	if (ret)
		return ret;
	ret = cli_dev_ref(cli, *h, ref, info);
	if (ret) {
		pl_close(*h);
		*h = NULL;
		return ret;
	}
	cli_name(name, info->name, sizeof(info->name));
	return CLI_OK;
}

static const char *iommu_name(const struct probelab_iommu_info *iommus,
			      unsigned int n, unsigned int ordinal,
			      char *buf, size_t len)
{
	for (unsigned int i = 0; i < n; i++)
		if (iommus[i].ordinal == ordinal) {
			cli_name(buf, iommus[i].name, sizeof(iommus[i].name));
			return buf;
		}
	snprintf(buf, len, "#%u", ordinal);
	return buf;
}

static json_object *domain_json(unsigned int id, unsigned int type)
{
	json_object *o;

	if (!id)
		return NULL;
	o = json_object_new_object();
	json_object_object_add(o, "id", json_object_new_int64(id));
	json_object_object_add(o, "type", json_object_new_string(
		pl_domain_type_name(type) ? pl_domain_type_name(type) : "?"));
	return o;
}

static void bdf_str(char *buf, size_t len, unsigned int seg, unsigned int bus,
		    unsigned int devfn)
{
	snprintf(buf, len, "%04x:%02x:%02x.%u", seg, bus, devfn >> 3,
		 devfn & 7);
}

json_object *cli_dev_json(const struct probelab_dev_info *d,
			  const struct probelab_iommu_info *iommus,
			  unsigned int nr_iommus)
{
	json_object *o = json_object_new_object(), *a;
	char name[PROBELAB_NAME_LEN + 1], buf[48];
	unsigned int i, n;

	cli_name(name, d->name, sizeof(d->name));
	json_object_object_add(o, "dev_id", json_object_new_int64(d->dev_id));
	json_object_object_add(o, "name", json_object_new_string(name));
	json_object_object_add(o, "kind", json_object_new_string(
		pl_dev_kind_name(d->kind) ? pl_dev_kind_name(d->kind) : "?"));
	if (d->kind == PROBELAB_DEV_PCI) {
		bdf_str(buf, sizeof(buf), d->segment, d->bus, d->devfn);
		json_object_object_add(o, "bdf", json_object_new_string(buf));
		a = json_object_new_array();
		n = d->nr_aliases < PROBELAB_MAX_ALIASES ? d->nr_aliases :
							    PROBELAB_MAX_ALIASES;
		for (i = 0; i < n; i++) {
			snprintf(buf, sizeof(buf), "%02x:%02x.%u",
				 d->aliases[i] >> 8, (d->aliases[i] >> 3) & 0x1f,
				 d->aliases[i] & 7);
			json_object_array_add(a, json_object_new_string(buf));
		}
		json_object_object_add(o, "aliases", a);
	}
	json_object_object_add(o, "state", json_object_new_string(
		pl_dev_state_name(d->state) ? pl_dev_state_name(d->state) :
		"new"));
	json_object_object_add(o, "group", d->group_id ?
			       json_object_new_int64(d->group_id) : NULL);
	json_object_object_add(o, "driver", d->driver && pl_driver_name(d->driver) ?
			       json_object_new_string(pl_driver_name(d->driver)) :
			       NULL);
	json_object_object_add(o, "domain", domain_json(d->domain_id,
							d->domain_type));
	a = json_object_new_array();
	n = d->nr_iommus < PROBELAB_DEV_MAX_IOMMUS ? d->nr_iommus :
						     PROBELAB_DEV_MAX_IOMMUS;
	for (i = 0; i < n; i++) {
		char in[PROBELAB_NAME_LEN + 1];

		json_object_array_add(a, json_object_new_string(
			iommu_name(iommus, nr_iommus, d->iommus[i], in,
				   sizeof(in))));
	}
	json_object_object_add(o, "iommus", a);
	a = json_object_new_array();
	for (i = 0; d->nr_iommus && i < d->nr_ids && i < 4; i++)
		json_object_array_add(a, json_object_new_int64(d->ids[i]));
	json_object_object_add(o, "ids", a);
	json_object_object_add(o, "nr_ids", json_object_new_int64(
		d->nr_iommus ? d->nr_ids : 0));
	return o;
}

json_object *cli_iommu_json(const struct probelab_iommu_info *i)
{
	json_object *o = json_object_new_object();
	char name[PROBELAB_NAME_LEN + 1];

	cli_name(name, i->name, sizeof(i->name));
	json_object_object_add(o, "name", json_object_new_string(name));
	json_object_object_add(o, "ordinal", json_object_new_int64(i->ordinal));
	json_object_object_add(o, "model", json_object_new_string(
		pl_iommu_model_name(i->model) ? pl_iommu_model_name(i->model) :
		"?"));
	json_object_object_add(o, "registered",
			       json_object_new_boolean(i->registered));
	json_object_object_add(o, "nr_devices",
			       json_object_new_int64(i->nr_devices));
	json_object_object_add(o, "nr_waiting",
			       json_object_new_int64(i->nr_waiting));
	return o;
}

json_object *cli_group_json(const struct probelab_group_info *g,
			    const struct probelab_iommu_info *iommus,
			    unsigned int nr_iommus)
{
	json_object *o = json_object_new_object();
	char in[PROBELAB_NAME_LEN + 1];

	json_object_object_add(o, "group_id", json_object_new_int64(g->group_id));
	json_object_object_add(o, "iommu", json_object_new_string(
		iommu_name(iommus, nr_iommus, g->iommu, in, sizeof(in))));
	json_object_object_add(o, "nr_devices",
			       json_object_new_int64(g->nr_devices));
	json_object_object_add(o, "default_domain",
			       domain_json(g->default_domain_id,
					   g->default_domain_type));
	json_object_object_add(o, "domain", domain_json(g->domain_id,
							g->domain_type));
	json_object_object_add(o, "owner_cnt",
			       json_object_new_int64(g->owner_cnt));
	json_object_object_add(o, "owner", json_object_new_string(
		pl_owner_kind_name(pl_group_owner(g))));
	json_object_object_add(o, "owned", json_object_new_boolean(
		pl_group_owner(g) == PL_OWNER_CLAIMED));
	return o;
}

const char *cli_owner_str(const struct probelab_group_info *g, char *buf,
			  unsigned long len)
{
	switch (pl_group_owner(g)) {
	case PL_OWNER_DMA_API:
		snprintf(buf, len, "DMA-API (%u)", g->owner_cnt);
		break;
	case PL_OWNER_CLAIMED:
		if (g->group_claimed && g->owner_cnt == 1)
			snprintf(buf, len, "claimed (group)");
		else if (g->group_claimed)
			snprintf(buf, len, "claimed (group + %u device claim%s)",
				 g->owner_cnt - 1, g->owner_cnt == 2 ? "" : "s");
		else
			snprintf(buf, len, "claimed (%u device claim%s)",
				 g->owner_cnt, g->owner_cnt == 1 ? "" : "s");
		break;
	default:
		snprintf(buf, len, "none");
	}
	return buf;
}

int cli_group_ref(struct cli *cli, struct pl_handle *h, const char *ref,
		  struct probelab_group_info *info)
{
	struct probelab_group_info *v;
	unsigned int n, i;
	uint64_t id;
	char e[96];
	int ret;

	if (pl_parse_u64(ref, &id) || !id || id > UINT32_MAX)
		return cli_fail(cli, -EINVAL, "'%s' is not a group id (a decimal number, see probelab status)",
				ref);
	ret = pl_query_groups(h, &v, &n);
	if (ret)
		return cli_fail(cli, ret, "QUERY groups: %s",
				cli_errstr(ret, e, sizeof(e)));
	for (i = 0; i < n && v[i].group_id != id; i++)
		;
	if (i == n) {
		free(v);
		return cli_fail(cli, -ENOENT, "no group %s (see probelab status)",
				ref);
	}
	if (info)
		*info = v[i];
	free(v);
	return CLI_OK;
}

/* "smmu0:0x10,0x11 smmu1" - IDs are known for the first instance only */
static void fwspec_str(const struct probelab_dev_info *d,
		       const struct probelab_iommu_info *iommus,
		       unsigned int nr_iommus, char *buf, size_t len)
{
	unsigned int i, n = d->nr_iommus < PROBELAB_DEV_MAX_IOMMUS ?
			    d->nr_iommus : PROBELAB_DEV_MAX_IOMMUS;
	char in[PROBELAB_NAME_LEN + 1];
	size_t o = 0;

	buf[0] = 0;
	for (i = 0; i < n && o < len; i++) {
		o += (size_t)snprintf(buf + o, len - o, "%s%s", i ? " " : "",
			iommu_name(iommus, nr_iommus, d->iommus[i], in,
				   sizeof(in)));
		for (unsigned int j = 0; !i && j < d->nr_ids && j < 4 && o < len; j++)
			o += (size_t)snprintf(buf + o, len - o, "%s0x%x",
					      j ? "," : ":", d->ids[j]);
		if (!i && d->nr_ids > 4 && o < len)
			o += (size_t)snprintf(buf + o, len - o, ",+%u",
					      d->nr_ids - 4);
	}
	if (!n)
		snprintf(buf, len, "-");
}

static void domain_str(char *buf, size_t len, unsigned int id,
		       unsigned int type)
{
	if (!id)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%u/%s", id, pl_domain_type_name(type) ?
			 pl_domain_type_name(type) : "?");
}

static int status_run(struct cli *cli, int argc, char **argv)
{
	struct probelab_iommu_info *iommus = NULL;
	struct probelab_group_info *groups = NULL;
	struct probelab_dev_info *devs = NULL;
	unsigned int ni = 0, ng = 0, nd = 0, i;
	struct pl_handle *h;
	char e[96];
	int ret;

	(void)argv;
	ret = cli_open_noargs(cli, argc, &h);
	if (ret)
		return ret;
	ret = pl_query_iommus(h, &iommus, &ni);
	if (!ret)
		ret = pl_query_groups(h, &groups, &ng);
	if (!ret)
		ret = pl_query_devices(h, &devs, &nd);
	pl_close(h);
	if (ret) {
		free(iommus);
		free(groups);
		return cli_fail(cli, ret, "QUERY: %s",
				cli_errstr(ret, e, sizeof(e)));
	}

	if (cli->json) {
		json_object *o = json_object_new_object(), *a;

		a = json_object_new_array();
		for (i = 0; i < ni; i++)
			json_object_array_add(a, cli_iommu_json(&iommus[i]));
		json_object_object_add(o, "iommus", a);
		a = json_object_new_array();
		for (i = 0; i < ng; i++)
			json_object_array_add(a, cli_group_json(&groups[i],
								iommus, ni));
		json_object_object_add(o, "groups", a);
		a = json_object_new_array();
		for (i = 0; i < nd; i++)
			json_object_array_add(a, cli_dev_json(&devs[i], iommus,
							      ni));
		json_object_object_add(o, "devices", a);
		cli_json_print(o);
		goto out;
	}

	if (!ni && !nd)
		printf("the lab is empty (no description loaded: probelab topo load FILE)\n");
	printf("instances: %u\n", ni);
	if (ni)
		printf("  %-20s %-7s %-12s %7s %7s\n", "NAME", "MODEL", "STATE",
		       "PROBED", "WAITING");
	for (i = 0; i < ni; i++) {
		char name[PROBELAB_NAME_LEN + 1];

		cli_name(name, iommus[i].name, sizeof(iommus[i].name));
		printf("  %-20s %-7s %-12s %7u %7u\n", name,
		       pl_iommu_model_name(iommus[i].model) ?
		       pl_iommu_model_name(iommus[i].model) : "?",
		       iommus[i].registered ? "registered" : "unregistered",
		       iommus[i].nr_devices, iommus[i].nr_waiting);
	}
	printf("groups: %u\n", ng);
	if (ng)
		printf("  %-6s %-20s %-14s %-14s %7s %9s %s\n", "GROUP",
		       "INSTANCE", "DOMAIN", "DEFAULT", "DEVICES",
		       "OWNER_CNT", "OWNER");
	for (i = 0; i < ng; i++) {
		char in[PROBELAB_NAME_LEN + 1], d1[32], d2[32], own[48];

		domain_str(d1, sizeof(d1), groups[i].domain_id,
			   groups[i].domain_type);
		domain_str(d2, sizeof(d2), groups[i].default_domain_id,
			   groups[i].default_domain_type);
		printf("  %-6u %-20s %-14s %-14s %7u %9u %s\n",
		       groups[i].group_id,
		       iommu_name(iommus, ni, groups[i].iommu, in, sizeof(in)),
		       d1, d2, groups[i].nr_devices, groups[i].owner_cnt,
		       cli_owner_str(&groups[i], own, sizeof(own)));
	}
	printf("devices: %u\n", nd);
	if (nd)
		printf("  %-5s %-24s %-9s %-5s %-7s %-12s %s\n", "ID", "NAME",
		       "STATE", "GROUP", "DRIVER", "DOMAIN", "FWSPECS");
	for (i = 0; i < nd; i++) {
		char name[PROBELAB_NAME_LEN + 1], dom[32], fw[160], grp[12];
		const struct probelab_dev_info *d = &devs[i];

		cli_name(name, d->name, sizeof(d->name));
		domain_str(dom, sizeof(dom), d->domain_id, d->domain_type);
		fwspec_str(d, iommus, ni, fw, sizeof(fw));
		if (d->group_id)
			snprintf(grp, sizeof(grp), "%u", d->group_id);
		else
			snprintf(grp, sizeof(grp), "-");
		printf("  %-5u %-24s %-9s %-5s %-7s %-12s %s\n", d->dev_id, name,
		       pl_dev_state_name(d->state) ?
		       pl_dev_state_name(d->state) : "new", grp,
		       d->driver && pl_driver_name(d->driver) ?
		       pl_driver_name(d->driver) : "-", dom, fw);
	}
out:
	free(iommus);
	free(groups);
	free(devs);
	return CLI_OK;
}

static int reset_run(struct cli *cli, int argc, char **argv)
{
	struct pl_handle *h;
	char e[96];
	int ret;

	(void)argv;
	ret = cli_open_noargs(cli, argc, &h);
	if (ret)
		return ret;
	ret = pl_lab_reset(h);
	pl_close(h);
	if (ret)
		return cli_fail(cli, ret, "LAB_RESET: %s",
				cli_errstr(ret, e, sizeof(e)));
	if (cli->json) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "reset", json_object_new_boolean(1));
		cli_json_print(o);
	} else {
		printf("lab reset: devices removed, instances unregistered, description dropped\n");
	}
	return CLI_OK;
}

static const struct {
	const char *name;
	size_t off;
} stat_fields[] = {
	{ "iommu_probes", offsetof(struct probelab_stats, iommu_probes) },
	{ "bind_attempts", offsetof(struct probelab_stats, bind_attempts) },
	{ "deferrals", offsetof(struct probelab_stats, deferrals) },
	{ "retriggers", offsetof(struct probelab_stats, retriggers) },
	{ "releases", offsetof(struct probelab_stats, releases) },
	{ "fwspec_allocs", offsetof(struct probelab_stats, fwspec_allocs) },
	{ "fwspec_frees", offsetof(struct probelab_stats, fwspec_frees) },
	{ "violations", offsetof(struct probelab_stats, violations) },
};

static uint64_t stat_get(const struct probelab_stats *st, size_t i)
{
	uint64_t v;

	memcpy(&v, (const char *)st + stat_fields[i].off, sizeof(v));
	return v;
}

static int stats_run(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "reset", no_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct probelab_stats st;
	struct pl_handle *h;
	int c, ret, reset = 0;
	char e[96];

	optind = 1;
	while ((c = getopt_long(argc, argv, "rh", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			reset = 1;
			break;
		default:
			return cli_usage(cli, "bad option");
		}
	}
	if (optind != argc)
		return cli_usage(cli, "unexpected argument '%s'", argv[optind]);
	ret = cli_open(cli, &h);
	if (ret)
		return ret;
	ret = pl_stats(h, &st, reset);
	pl_close(h);
	if (ret)
		return cli_fail(cli, ret, "STATS: %s",
				cli_errstr(ret, e, sizeof(e)));
	if (cli->json) {
		json_object *o = json_object_new_object();

		for (size_t i = 0; i < sizeof(stat_fields) / sizeof(stat_fields[0]); i++)
			json_object_object_add(o, stat_fields[i].name,
				json_object_new_int64((int64_t)stat_get(&st, i)));
		json_object_object_add(o, "reset", json_object_new_boolean(reset));
		cli_json_print(o);
		return CLI_OK;
	}
	for (size_t i = 0; i < sizeof(stat_fields) / sizeof(stat_fields[0]); i++)
		printf("%-14s %" PRIu64 "\n", stat_fields[i].name,
		       stat_get(&st, i));
	if (reset)
		printf("(counters reset to 0 after reading)\n");
	return CLI_OK;
}

const struct cli_cmd cli_cmd_status = {
	.name = "status",
	.args = "",
	.summary = "instances, groups and devices of the lab (QUERY)",
	.run = status_run,
};

const struct cli_cmd cli_cmd_reset = {
	.name = "reset",
	.args = "",
	.summary = "remove every lab device, unregister instances, drop the description",
	.run = reset_run,
};

const struct cli_cmd cli_cmd_stats = {
	.name = "stats",
	.args = "[--reset]",
	.summary = "probe-layer counters; --reset zeroes them after reading",
	.run = stats_run,
};

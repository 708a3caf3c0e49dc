// SPDX-License-Identifier: GPL-2.0
/*
 * probelab check: run the module's invariant checker (CHECK) and print
 * what it found, with the trace of event sequence numbers that led to
 * each violation; --auto switches checking after every op on or off.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "probelab.h"

static json_object *id_or_null(uint32_t id)
{
	return id ? json_object_new_int64(id) : NULL;
}

static json_object *violation_json(const struct probelab_violation *v)
{
	json_object *o = json_object_new_object(), *obj, *a;

	json_object_object_add(o, "invariant",
			       json_object_new_int64(v->invariant));
	json_object_object_add(o, "invariant_name",
			       pl_invariant_name(v->invariant) ?
			       json_object_new_string(pl_invariant_name(v->invariant)) :
			       NULL);
	obj = json_object_new_object();
	json_object_object_add(obj, "dev_id", id_or_null(v->dev_id));
	json_object_object_add(obj, "group_id", id_or_null(v->group_id));
	json_object_object_add(obj, "domain_id", id_or_null(v->domain_id));
	json_object_object_add(o, "objects", obj);
	json_object_object_add(o, "seq", json_object_new_uint64(v->seq));
	a = json_object_new_array();
	for (uint32_t i = 0; i < v->nr_seqs; i++)
		json_object_array_add(a, json_object_new_uint64(v->seqs[i]));
	json_object_object_add(o, "seqs", a);
	json_object_object_add(o, "text", json_object_new_string(v->what));
	return o;
}

static void violation_print(const struct probelab_violation *v)
{
	const char *name = pl_invariant_name(v->invariant);

	printf("  invariant %u (%s):", v->invariant, name ? name : "?");
	if (v->dev_id)
		printf(" dev %u", v->dev_id);
	if (v->group_id)
		printf(" group %u", v->group_id);
	if (v->domain_id)
		printf(" domain %u", v->domain_id);
	printf(": %s\n    detected at event seq %" PRIu64, v->what,
	       (uint64_t)v->seq);
	if (v->nr_seqs) {
		printf("; events before:");
		for (uint32_t i = 0; i < v->nr_seqs; i++)
			printf(" %" PRIu64, (uint64_t)v->seqs[i]);
	}
	printf("\n");
}

static int check_run(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "auto", required_argument, NULL, 'a' },
		{ "max", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	unsigned int flags = 0, max = PL_CHECK_MAX_ENTRIES;
	struct pl_check_result r;
	struct pl_handle *h;
	uint64_t v;
	char e[96];
	int c, ret;

	optind = 1;
	while ((c = getopt_long(argc, argv, "a:m:h", opts, NULL)) != -1) {
		switch (c) {
		case 'a':
			if (!strcmp(optarg, "on"))
				flags = PROBELAB_CHECK_AUTO_ON;
			else if (!strcmp(optarg, "off"))
				flags = PROBELAB_CHECK_AUTO_OFF;
			else
				return cli_usage(cli, "--auto takes on or off, not '%s'",
						 optarg);
			break;
		case 'm':
			if (pl_parse_u64(optarg, &v) || v > PL_CHECK_MAX_ENTRIES)
				return cli_usage(cli, "--max takes 0..%u, not '%s'",
						 PL_CHECK_MAX_ENTRIES, optarg);
			max = (unsigned int)v;
			break;
		default:
			return cli_usage(cli, "bad option");
		}
	}
	if (optind != argc)
		return cli_usage(cli, "unexpected argument '%s'", argv[optind]);
	ret = cli_token_open(cli, &h);
	if (ret)
		return ret;
	ret = pl_check(h, flags, max, &r);
	cli_token_close(cli, h);
	if (ret)
		return cli_fail(cli, ret, "CHECK: %s",
				cli_errstr(ret, e, sizeof(e)));
	if (cli->json) {
		json_object *o = json_object_new_object(), *a;

		a = json_object_new_array();
		for (unsigned int i = 0; i < r.nr; i++)
			json_object_array_add(a, violation_json(&r.v[i]));
		json_object_object_add(o, "violations", a);
		json_object_object_add(o, "found", json_object_new_int64(r.found));
		json_object_object_add(o, "total", json_object_new_uint64(r.total));
		json_object_object_add(o, "auto_check",
				       json_object_new_boolean(r.auto_check));
		cli_json_print(o);
	} else {
		printf("invariant checker: %u violation%s (since the lab was reset: %" PRIu64 "; checking after every op: %s)\n",
		       r.found, r.found == 1 ? "" : "s", r.total,
		       r.auto_check ? "on" : "off");
		for (unsigned int i = 0; i < r.nr; i++)
			violation_print(&r.v[i]);
		if (r.found > r.nr)
			printf("  ... %u more not shown (--max)\n", r.found - r.nr);
	}
	ret = r.found ? CLI_FAIL : CLI_OK;
	pl_check_result_free(&r);
	return ret;
}

const struct cli_cmd cli_cmd_check = {
	.name = "check",
	.args = "[--auto on|off] [--max N]",
	.summary = "run the invariant checker; exit 1 when it finds violations",
	.run = check_run,
};

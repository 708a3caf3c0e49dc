// SPDX-License-Identifier: GPL-2.0
/*
 * probelab inject: arm, disarm and read the module's injection points
 * (INJECT), and list them (debugfs inject/, else a QUERY of each point
 * the library knows).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "probelab.h"

/* "fail EIO", "delay 500+0..100 us", "off" */
static const char *action_str(const struct probelab_inject *c, char *buf,
			      size_t len)
{
	const char *en;

	switch (c->action) {
	case PROBELAB_INJECT_DELAY:
		if (c->jitter_us)
			snprintf(buf, len, "delay %u+0..%u us", c->delay_us,
				 c->jitter_us);
		else
			snprintf(buf, len, "delay %u us", c->delay_us);
		break;
	case PROBELAB_INJECT_FAIL:
		en = cli_errno_name(c->error);
		if (en)
			snprintf(buf, len, "fail %s", en);
		else
			snprintf(buf, len, "fail %d", c->error);
		break;
	case PROBELAB_INJECT_OFF:
		snprintf(buf, len, "off");
		break;
	default:
		snprintf(buf, len, "action %u", c->action);
	}
	return buf;
}

/* "every hit", "every 3rd hit, 50% of them, device 4" */
static const char *when_str(const struct probelab_inject *c, char *buf,
			    size_t len)
{
	size_t o;

	if (c->every_nth > 1)
		o = (size_t)snprintf(buf, len, "every %u%s hit", c->every_nth,
				     c->every_nth % 10 == 2 && c->every_nth % 100 != 12 ? "nd" :
				     c->every_nth % 10 == 3 && c->every_nth % 100 != 13 ? "rd" :
				     c->every_nth % 10 == 1 && c->every_nth % 100 != 11 ? "st" : "th");
	else
		o = (size_t)snprintf(buf, len, "every hit");
	if (c->ppm && o < len)
		o += (size_t)snprintf(buf + o, len - o, ", %u ppm of %s",
				      c->ppm, c->every_nth > 1 ? "those" : "them");
	if (o < len)
		o += (size_t)snprintf(buf + o, len - o, c->dev_id ?
				      ", device %u only" : ", any device",
				      c->dev_id);
	if (c->seed && o < len)
		snprintf(buf + o, len - o, ", seed %" PRIu64, (uint64_t)c->seed);
	return buf;
}

static json_object *point_json(const char *name, const struct probelab_inject *c,
			       const struct pl_inject_point *p)
{
	json_object *o = json_object_new_object();
	const char *an = pl_inject_action_name(c->action);

	json_object_object_add(o, "point", json_object_new_string(name));
	json_object_object_add(o, "action", an ? json_object_new_string(an) :
			       json_object_new_int64(c->action));
	json_object_object_add(o, "error", c->action == PROBELAB_INJECT_FAIL ?
			       json_object_new_int64(c->error) : NULL);
	json_object_object_add(o, "errno_name", c->action == PROBELAB_INJECT_FAIL &&
			       cli_errno_name(c->error) ?
			       json_object_new_string(cli_errno_name(c->error)) :
			       NULL);
	json_object_object_add(o, "delay_us", json_object_new_int64(c->delay_us));
	json_object_object_add(o, "jitter_us", json_object_new_int64(c->jitter_us));
	json_object_object_add(o, "every_nth", json_object_new_int64(c->every_nth));
	json_object_object_add(o, "ppm", json_object_new_int64(c->ppm));
	json_object_object_add(o, "dev_id", c->dev_id ?
			       json_object_new_int64(c->dev_id) : NULL);
	json_object_object_add(o, "hits", json_object_new_uint64(c->hits));
	json_object_object_add(o, "fired", json_object_new_uint64(c->fired));
	if (p) {
		json_object_object_add(o, "context", p->context[0] ?
				       json_object_new_string(p->context) : NULL);
		json_object_object_add(o, "can_fail", p->can_fail < 0 ? NULL :
				       json_object_new_boolean(p->can_fail));
		json_object_object_add(o, "step", p->step[0] ?
				       json_object_new_string(p->step) : NULL);
	}
	return o;
}

static int inject_list(struct cli *cli, struct pl_handle *h)
{
	struct pl_inject_point *v;
	unsigned int n, i;
	char e[96], a[48];
	int ret, dbg = 0;

	ret = pl_inject_list(h, PL_INJECT_DEBUGFS, &v, &n);
	if (ret)
		return cli_fail(cli, ret, "INJECT (query): %s",
				cli_errstr(ret, e, sizeof(e)));
	for (i = 0; i < n; i++)
		dbg |= v[i].has_debugfs;
	if (cli->json) {
		json_object *o = json_object_new_object(), *arr;

		arr = json_object_new_array();
		for (i = 0; i < n; i++)
			json_object_array_add(arr, point_json(v[i].name,
							      &v[i].state,
							      &v[i]));
		json_object_object_add(o, "points", arr);
		json_object_object_add(o, "source", json_object_new_string(
			dbg ? "debugfs+query" : "query"));
		cli_json_print(o);
	} else {
		printf("%u injection points%s\n", n, dbg ? "" :
		       " (debugfs not mounted: names this tool knows, QUERYed)");
		printf("  %-18s %-24s %8s %8s %-7s %s\n", "POINT", "ARMED",
		       "HITS", "FIRED", "CONTEXT", "STEP");
		for (i = 0; i < n; i++)
			printf("  %-18s %-24s %8" PRIu64 " %8" PRIu64 " %-7s %s%s\n",
			       v[i].name, action_str(&v[i].state, a, sizeof(a)),
			       (uint64_t)v[i].state.hits,
			       (uint64_t)v[i].state.fired,
			       v[i].context[0] ? v[i].context : "-",
			       v[i].step[0] ? v[i].step : "-",
			       v[i].can_fail == 0 ? " (delay only)" : "");
	}
	free(v);
	return CLI_OK;
}

static int inject_run(struct cli *cli, int argc, char **argv)
{
	struct probelab_inject before;
	struct pl_inject_args a;
	char err[256], e[96], s1[64], s2[128];
	struct pl_handle *h;
	int ret;

	if (pl_inject_parse_args(argc - 1, argv + 1, &a, err, sizeof(err)))
		return cli_usage(cli, "%s", err);
	ret = cli_open(cli, &h);
	if (ret)
		return ret;
	if (a.list) {
		ret = inject_list(cli, h);
		goto out;
	}
	if (a.dev) {
		struct probelab_dev_info info;

		ret = cli_dev_ref(cli, h, a.dev, &info);
		if (ret)
			goto out;
		a.cmd.dev_id = info.dev_id;
	}
	/* what the point had, for --off (arming zeroes the counts) */
	ret = pl_inject_query(h, a.point, &before);
	if (!ret && !a.query)
		ret = pl_inject(h, &a.cmd);
	if (ret == -ENOENT) {
		ret = cli_fail(cli, ret, "ENOENT: no injection point '%s' (probelab inject --list)",
			       a.point);
		goto out;
	}
	if (ret == -EOPNOTSUPP) {
		ret = cli_fail(cli, ret, "EOPNOTSUPP: %s cannot fail, only delay (probelab inject --list)",
			       a.point);
		goto out;
	}
	if (ret == -ERANGE) {
		ret = cli_fail(cli, ret, "ERANGE: %s: delay %u + jitter %u us is above the point's limit (%u us; %u us for points in atomic context, which spin)",
			       a.point, a.cmd.delay_us, a.cmd.jitter_us,
			       PROBELAB_INJECT_MAX_DELAY_US,
			       PROBELAB_INJECT_MAX_ATOMIC_US);
		goto out;
	}
	if (ret) {
		ret = cli_fail(cli, ret, "INJECT %s: %s", a.point,
			       cli_errstr(ret, e, sizeof(e)));
		goto out;
	}
	if (a.query)
		a.cmd = before;
	if (cli->json) {
		json_object *o = point_json(a.point, &a.cmd, NULL);

		if (a.cmd.action == PROBELAB_INJECT_OFF && !a.query) {
			json_object_object_add(o, "hits_before",
					       json_object_new_uint64(before.hits));
			json_object_object_add(o, "fired_before",
					       json_object_new_uint64(before.fired));
		}
		cli_json_print(o);
	} else if (a.query) {
		printf("%s: %s", a.point, action_str(&a.cmd, s1, sizeof(s1)));
		if (a.cmd.action != PROBELAB_INJECT_OFF)
			printf(", %s", when_str(&a.cmd, s2, sizeof(s2)));
		printf("; %" PRIu64 " hits, %" PRIu64 " fired\n",
		       (uint64_t)a.cmd.hits, (uint64_t)a.cmd.fired);
	} else if (a.cmd.action == PROBELAB_INJECT_OFF) {
		printf("%s: off (it had %" PRIu64 " hits, %" PRIu64 " fired)\n",
		       a.point, (uint64_t)before.hits, (uint64_t)before.fired);
	} else {
		printf("%s: armed: %s, %s\n", a.point,
		       action_str(&a.cmd, s1, sizeof(s1)),
		       when_str(&a.cmd, s2, sizeof(s2)));
	}
out:
	pl_close(h);
	return ret;
}

const struct cli_cmd cli_cmd_inject = {
	.name = "inject",
	.args = "POINT (--delay US [--jitter US] | --fail ERRNO | --off) [--every N]\n"
		"           [--ppm P] [--dev ID|NAME] [--seed S] | POINT | --list",
	.summary = "arm, disarm or show an injection point; --list shows them all",
	.run = inject_run,
};

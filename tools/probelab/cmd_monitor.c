// SPDX-License-Identifier: GPL-2.0
/*
 * probelab monitor: print the lab's events live (generic netlink
 * multicast, libprobelab's monitor), one line per event, or one JSON
 * object per line with --json; sequence gaps are reported.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "probelab.h"

static volatile sig_atomic_t mon_stop;

static void mon_signal(int sig)
{
	(void)sig;
	mon_stop = 1;
}

struct mon {
	struct cli *cli;
	unsigned long count;	/* 0: unlimited */
	unsigned long seen;
};

static void print_gap(const struct mon *m, const struct pl_event *ev)
{
	uint64_t first = ev->seq - ev->missed, last = ev->seq - 1;

	if (m->cli->json) {
		json_object *o = json_object_new_object(), *g;

		g = json_object_new_object();
		json_object_object_add(g, "missed",
				       json_object_new_int64((int64_t)ev->missed));
		json_object_object_add(g, "first_seq",
				       json_object_new_int64((int64_t)first));
		json_object_object_add(g, "last_seq",
				       json_object_new_int64((int64_t)last));
		json_object_object_add(o, "gap", g);
		puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
						    JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(o);
	} else {
		if (first == last)
			printf("-- sequence gap: 1 event missed (seq %" PRIu64
			       ") --\n", first);
		else
			printf("-- sequence gap: %" PRIu64 " events missed (seq %"
			       PRIu64 "..%" PRIu64 ") --\n", ev->missed, first,
			       last);
	}
}

static json_object *event_json(const struct pl_event *ev)
{
	json_object *o = json_object_new_object();
	const char *name = pl_event_name(ev->event);

	json_object_object_add(o, "seq", json_object_new_int64((int64_t)ev->seq));
	json_object_object_add(o, "timestamp_ns",
			       json_object_new_int64((int64_t)ev->timestamp_ns));
	json_object_object_add(o, "event", name ?
			       json_object_new_string(name) :
			       json_object_new_int64(ev->event));
	if (ev->has & PL_EV_HAS_DEV) {
		json_object_object_add(o, "dev_id",
				       json_object_new_int64(ev->dev_id));
		json_object_object_add(o, "dev_name",
				       json_object_new_string(ev->dev_name));
	}
	if (ev->has & PL_EV_HAS_IOMMU)
		json_object_object_add(o, "iommu",
				       json_object_new_string(ev->iommu));
	if (ev->has & PL_EV_HAS_GROUP)
		json_object_object_add(o, "group",
				       json_object_new_int64(ev->group));
	if (ev->has & PL_EV_HAS_DOMAIN) {
		const char *t = pl_domain_type_name(ev->domain_type);

		json_object_object_add(o, "domain",
				       json_object_new_int64(ev->domain));
		json_object_object_add(o, "domain_type", t ?
				       json_object_new_string(t) :
				       json_object_new_int64(ev->domain_type));
	}
	if (ev->has & PL_EV_HAS_DRIVER) {
		const char *d = pl_driver_name(ev->driver);

		json_object_object_add(o, "driver", d ?
				       json_object_new_string(d) :
				       json_object_new_int64(ev->driver));
	}
	if (ev->has & PL_EV_HAS_ERRNO) {
		json_object_object_add(o, "errno", json_object_new_int(ev->err));
		if (ev->err)
			json_object_object_add(o, "errno_name",
				json_object_new_string(pl_errno_name(ev->err) ?
						       pl_errno_name(ev->err) : "?"));
	}
	if (ev->has & PL_EV_HAS_POLICY) {
		const char *p = pl_policy_name(ev->policy);

		json_object_object_add(o, "policy", p ?
				       json_object_new_string(p) :
				       json_object_new_int64(ev->policy));
	}
	if (ev->has & PL_EV_HAS_INVARIANT)
		json_object_object_add(o, "invariant",
				       json_object_new_int64(ev->invariant));
	if (ev->has & PL_EV_HAS_DETAIL)
		json_object_object_add(o, "detail",
				       json_object_new_string(ev->detail));
	if (ev->late)
		json_object_object_add(o, "late", json_object_new_boolean(1));
	return o;
}

static void print_event(const struct mon *m, const struct pl_event *ev)
{
	const char *name = pl_event_name(ev->event);

	if (m->cli->json) {
		json_object *o = event_json(ev);

		puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
						    JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(o);
		return;
	}
	printf("%8" PRIu64 " %6" PRIu64 ".%09" PRIu64 " ", ev->seq,
	       ev->timestamp_ns / 1000000000u, ev->timestamp_ns % 1000000000u);
	if (name)
		printf("%-16s", name);
	else
		printf("event%-11u", ev->event);
	if (ev->has & PL_EV_HAS_DEV)
		printf(" dev %u %s", ev->dev_id, ev->dev_name);
	if (ev->has & PL_EV_HAS_IOMMU)
		printf(" iommu %s", ev->iommu);
	if (ev->has & PL_EV_HAS_GROUP)
		printf(" group %u", ev->group);
	if (ev->has & PL_EV_HAS_DOMAIN)
		printf(" domain %u/%s", ev->domain,
		       pl_domain_type_name(ev->domain_type) ?
		       pl_domain_type_name(ev->domain_type) : "?");
	if (ev->has & PL_EV_HAS_DRIVER)
		printf(" driver %s", pl_driver_name(ev->driver) ?
		       pl_driver_name(ev->driver) : "?");
	if ((ev->has & PL_EV_HAS_ERRNO) && ev->err)
		printf(" err %s", pl_errno_name(ev->err) ?
		       pl_errno_name(ev->err) : "?");
	if (ev->has & PL_EV_HAS_INVARIANT)
		printf(" invariant %u", ev->invariant);
	if (ev->has & PL_EV_HAS_DETAIL)
		printf(" \"%s\"", ev->detail);
	if (ev->late)
		printf(" (late: delivered out of order)");
	putchar('\n');
}

static int on_event(const struct pl_event *ev, void *arg)
{
	struct mon *m = arg;

	if (ev->missed)
		print_gap(m, ev);
	print_event(m, ev);
	fflush(stdout);
	m->seen++;
	return m->count && m->seen >= m->count;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int monitor_run(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "count", required_argument, NULL, 'c' },
		{ "timeout", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct mon m = { .cli = cli };
	struct pl_monitor_stats st;
	struct sigaction sa;
	struct pl_monitor *mon;
	double timeout = -1, deadline = 0;
	int c, ret, status = CLI_OK;
	char err[256], *end;

	optind = 1;
	while ((c = getopt_long(argc, argv, "c:t:h", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			errno = 0;
			m.count = strtoul(optarg, &end, 10);
			if (errno || *end || !m.count || optarg[0] == '-')
				return cli_usage(cli, "--count takes a number of events >= 1");
			break;
		case 't':
			errno = 0;
			timeout = strtod(optarg, &end);
			if (errno || *end || !(timeout > 0) || timeout > 1e7)
				return cli_usage(cli, "--timeout takes seconds > 0");
			break;
		default:
			return cli_usage(cli, "bad option");
		}
	}
	if (optind != argc)
		return cli_usage(cli, "unexpected argument '%s'", argv[optind]);

	ret = pl_monitor_open(&mon, err, sizeof(err));
	if (ret)
		return cli_fail(cli, ret, "%s", err);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = mon_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	fprintf(stderr, "probelab monitor: listening to %s/%s%s\n",
		PROBELAB_GENL_NAME, PROBELAB_GENL_MCGRP_EVENTS,
		m.count || timeout > 0 ? "" : " (Ctrl-C ends)");
	if (timeout > 0)
		deadline = now_s() + timeout;

	while (!mon_stop) {
		int wait_ms = -1;

		if (timeout > 0) {
			double left = deadline - now_s();

			if (left <= 0)
				break;
			wait_ms = (int)(left * 1000) + 1;
		}
		ret = pl_monitor_poll(mon, wait_ms, on_event, &m, NULL);
		if (ret == 1)
			break;
		if (ret == -EINTR)
			continue;
		if (ret < 0) {
			status = cli_fail(cli, ret, "receiving events: %s",
					  strerror(-ret));
			break;
		}
	}
	pl_monitor_get_stats(mon, &st);
	pl_monitor_close(mon);
	fprintf(stderr, "probelab monitor: %" PRIu64 " events; %" PRIu64
		" missing in %" PRIu64 " gaps, %" PRIu64
		" of them delivered late (out of order): %" PRIu64
		" lost; %" PRIu64 " receive buffer overruns\n", st.events,
		st.missed, st.gaps, st.late,
		st.missed > st.late ? st.missed - st.late : 0, st.overruns);
	if (status == CLI_OK && m.count && m.seen < m.count && !mon_stop) {
		fprintf(stderr, "probelab monitor: timeout after %g s with %lu of %lu events\n",
			timeout, m.seen, m.count);
		status = CLI_FAIL;
	}
	return status;
}

const struct cli_cmd cli_cmd_monitor = {
	.name = "monitor",
	.args = "[--count N] [--timeout S]",
	.summary = "print lab events live (generic netlink); reports sequence gaps",
	.run = monitor_run,
};

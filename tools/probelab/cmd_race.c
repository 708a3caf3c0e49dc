// SPDX-License-Identifier: GPL-2.0
/*
 * probelab race: run one scenario of the race engine under one policy
 * (tools/lib/race.c; the scenarios in tools/lib/scenarios/ and the scenario
 * files, race_file.h); probelab scenarios: the catalogue.
 * docs/races.md describes both.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "known_bugs.h"
#include "probelab.h"
#include "race.h"
#include "race_file.h"

/* SIGINT/SIGTERM: the run stops; a campaign runs no more */
static volatile sig_atomic_t campaign_stop;

static void on_signal(int sig)
{
	(void)sig;
	campaign_stop = 1;
	race_interrupt();
}

static void progress(const struct race_opts *o, uint64_t elapsed_ns,
		     uint64_t cycles, uint64_t violations, void *arg)
{
	(void)arg;
	fprintf(stderr, "probelab race: %s %s: %.1f s, %" PRIu64 " cycles, %" PRIu64 " violations\n",
		o->scenario->name, pl_policy_name(o->policy),
		(double)elapsed_ns / 1e9, cycles, violations);
}

/* {id: count} of a run's classified violations ("new" for the rest). */
json_object *cli_race_budget_json(const struct race_opts *o)
{
	json_object *b = json_object_new_object();

	if (o->iterations)
		json_object_object_add(b, "iterations",
				       json_object_new_uint64(o->iterations));
	else
		json_object_object_add(b, "seconds",
				       json_object_new_double(o->seconds));
	return b;
}

static json_object *by_bug_json(const struct race_result *res)
{
	json_object *o = json_object_new_object();

	for (unsigned int i = 0; i < known_bug_count() && i < RACE_MAX_BUGS; i++)
		if (res->by_bug[i])
			json_object_object_add(o, known_bug_at(i)->id,
					       json_object_new_uint64(res->by_bug[i]));
	if (res->by_bug_new)
		json_object_object_add(o, "new",
				       json_object_new_uint64(res->by_bug_new));
	return o;
}

/* "id (kind)" of a bug for people */
static void print_by_bug(const struct race_result *res)
{
	bool any = false;

	for (unsigned int i = 0; i < known_bug_count() && i < RACE_MAX_BUGS; i++) {
		if (!res->by_bug[i])
			continue;
		printf("%s%s %" PRIu64, any ? ", " : "  by bug:     ",
		       known_bug_at(i)->id, res->by_bug[i]);
		any = true;
	}
	if (res->by_bug_new) {
		printf("%snew (no catalogued bug) %" PRIu64, any ? ", " :
		       "  by bug:     ", res->by_bug_new);
		any = true;
	}
	if (any)
		putchar('\n');
}

static json_object *event_json(const struct race_event *e)
{
	json_object *o = json_object_new_object();
	const char *name = pl_event_name(e->event);
	char line[512];

	json_object_object_add(o, "seq", json_object_new_uint64(e->seq));
	json_object_object_add(o, "timestamp_ns",
			       json_object_new_uint64(e->timestamp_ns));
	json_object_object_add(o, "event", name ? json_object_new_string(name) :
			       json_object_new_int64(e->event));
	if (e->has & PL_EV_HAS_DEV) {
		json_object_object_add(o, "dev_id",
				       json_object_new_int64(e->dev_id));
		json_object_object_add(o, "dev_name",
				       json_object_new_string(e->dev_name));
	}
	if (e->has & PL_EV_HAS_IOMMU)
		json_object_object_add(o, "iommu",
				       json_object_new_string(e->iommu));
	if (e->has & PL_EV_HAS_GROUP)
		json_object_object_add(o, "group", json_object_new_int64(e->group));
	if (e->has & PL_EV_HAS_DOMAIN) {
		json_object_object_add(o, "domain",
				       json_object_new_int64(e->domain));
		json_object_object_add(o, "domain_type", json_object_new_string(
			pl_domain_type_name(e->domain_type) ?
			pl_domain_type_name(e->domain_type) : "?"));
	}
	if (e->has & PL_EV_HAS_DRIVER)
		json_object_object_add(o, "driver", json_object_new_string(
			pl_driver_name(e->driver) ? pl_driver_name(e->driver) :
			"?"));
	if ((e->has & PL_EV_HAS_ERRNO) && e->err)
		json_object_object_add(o, "errno_name", json_object_new_string(
			pl_errno_name(e->err) ? pl_errno_name(e->err) : "?"));
	if (e->has & PL_EV_HAS_INVARIANT)
		json_object_object_add(o, "invariant",
				       json_object_new_int64(e->invariant));
	if (e->has & PL_EV_HAS_DETAIL)
		json_object_object_add(o, "detail",
				       json_object_new_string(e->detail));
	race_event_format(e, line, sizeof(line));
	json_object_object_add(o, "line", json_object_new_string(line));
	return o;
}

static json_object *violation_json(const struct race_violation *v)
{
	json_object *o = json_object_new_object(), *a;
	const char *iname = pl_invariant_name(v->invariant);

	json_object_object_add(o, "invariant", json_object_new_int64(v->invariant));
	json_object_object_add(o, "invariant_name", iname ?
			       json_object_new_string(iname) : NULL);
	json_object_object_add(o, "dev_id", v->dev_id ?
			       json_object_new_int64(v->dev_id) : NULL);
	json_object_object_add(o, "dev_name", v->dev_name[0] ?
			       json_object_new_string(v->dev_name) : NULL);
	json_object_object_add(o, "group_id", v->group_id ?
			       json_object_new_int64(v->group_id) : NULL);
	json_object_object_add(o, "domain_id", v->domain_id ?
			       json_object_new_int64(v->domain_id) : NULL);
	json_object_object_add(o, "text", json_object_new_string(v->text));
	json_object_object_add(o, "seq", v->seq ?
			       json_object_new_uint64(v->seq) : NULL);
	json_object_object_add(o, "source", json_object_new_string(
		v->source ? v->source : "?"));
	json_object_object_add(o, "cycle", json_object_new_uint64(v->cycle));
	json_object_object_add(o, "elapsed_ns",
			       json_object_new_uint64(v->elapsed_ns));
	a = json_object_new_array();
	for (unsigned int i = 0; i < v->nr_seqs; i++)
		json_object_array_add(a, json_object_new_uint64(v->seqs[i]));
	json_object_object_add(o, "seqs", a);
	a = json_object_new_array();
	for (unsigned int i = 0; i < v->nr_trace; i++)
		json_object_array_add(a, event_json(&v->trace[i]));
	json_object_object_add(o, "trace", a);
	json_object_object_add(o, "known_bug", v->classified && v->bug ?
			       json_object_new_string(v->bug->id) : NULL);
	return o;
}

static void print_violation(const struct race_violation *v)
{
	const char *iname = pl_invariant_name(v->invariant);
	char line[512];

	if (v->invariant)
		printf("first violation: invariant %u (%s)", v->invariant,
		       iname ? iname : "?");
	else
		printf("first violation: invariant unknown");
	if (v->dev_id)
		printf(", device %u%s%s", v->dev_id, v->dev_name[0] ? " " : "",
		       v->dev_name);
	if (v->group_id)
		printf(", group %u", v->group_id);
	if (v->domain_id)
		printf(", domain %u", v->domain_id);
	printf("\n  %s\n", v->text);
	if (!v->classified)
		printf("  bug: unclassified (its event was lost)\n");
	else if (v->bug)
		printf("  bug: %s (%s%s): %s\n", v->bug->id,
		       v->bug->kind[0] == 'l' ? "a gap of the lab, " : "",
		       v->bug->fixed_by ? v->bug->fixed_by : v->bug->fixed_in,
		       v->bug->title);
	else
		printf("  bug: new - no catalogued bug has this signature (probelab bugs)\n");
	printf("  seen after %" PRIu64 " cycles begun, %.3f s; reported by %s\n",
	       v->cycle, (double)v->elapsed_ns / 1e9,
	       !v->source ? "?" : !strcmp(v->source, "check") ?
	       "the engine's CHECK" : !strcmp(v->source, "event") ?
	       "a VIOLATION event" : "the module's count only");
	if (v->nr_seqs) {
		printf("  trace (sequence numbers");
		for (unsigned int i = 0; i < v->nr_seqs; i++)
			printf(" %" PRIu64, v->seqs[i]);
		printf("%s):\n", v->seq ? ", then the violation" : "");
	} else {
		printf("  trace: no earlier event names the device\n");
	}
	for (unsigned int i = 0; i < v->nr_trace; i++) {
		race_event_format(&v->trace[i], line, sizeof(line));
		printf("  %s\n", line);
	}
	if (v->nr_trace < v->nr_seqs + (v->seq ? 1 : 0))
		printf("  (%u of these events were not in the recorded stream: lost or older than the %u kept)\n",
		       v->nr_seqs + (v->seq ? 1 : 0) - v->nr_trace,
		       RACE_EVENT_RING);
}

static int print_plan(struct cli *cli, const struct race_opts *o)
{
	const struct race_scenario *sc = o->scenario;
	unsigned int threads = o->threads ? o->threads : sc->threads_def;
	uint64_t n = o->iterations ? o->iterations : 10;
	struct probelab_inject inj[RACE_MAX_INJECT];
	unsigned int ni = 0;
	char line[1024];
	json_object *root = NULL, *a = NULL;

	if (n > 10000)
		return cli_usage(cli, "--plan prints at most 10000 cycles");
	if (sc->file)
		ni = race_file_injections(sc->file, o->seed, threads, inj,
					  RACE_MAX_INJECT);
	else if (sc->injections)
		ni = sc->injections(o->seed, inj, RACE_MAX_INJECT);
	if (cli->json) {
		root = json_object_new_object();
		json_object_object_add(root, "scenario",
				       json_object_new_string(sc->name));
		json_object_object_add(root, "seed",
				       json_object_new_uint64(o->seed));
		json_object_object_add(root, "threads",
				       json_object_new_int64(threads));
		a = json_object_new_array();
		for (unsigned int i = 0; i < ni; i++) {
			json_object *e = json_object_new_object();

			json_object_object_add(e, "point",
					       json_object_new_string(inj[i].point));
			json_object_object_add(e, "delay_us",
					       json_object_new_int64(inj[i].delay_us));
			json_object_object_add(e, "jitter_us",
					       json_object_new_int64(inj[i].jitter_us));
			json_object_object_add(e, "seed",
					       json_object_new_uint64((uint64_t)inj[i].seed));
			json_object_array_add(a, e);
		}
		json_object_object_add(root, "injections", a);
		a = json_object_new_array();
	} else {
		printf("plan of %s, seed %" PRIu64 ", --threads %u (%s)\n",
		       sc->name, o->seed, threads, sc->threads_what);
		for (unsigned int i = 0; i < ni; i++)
			printf("  inject %s: delay %u us + 0..%u us, seed 0x%016" PRIx64 "\n",
			       inj[i].point, inj[i].delay_us, inj[i].jitter_us,
			       (uint64_t)inj[i].seed);
		if (!ni)
			printf("  no injection\n");
	}
	for (uint64_t k = 0; k < n; k++) {
		if (sc->file)
			race_file_plan(sc->file, o->seed, k, threads, line,
				       sizeof(line));
		else
			sc->plan(o->seed, k, threads, line, sizeof(line));
		if (a) {
			json_object *e = json_object_new_object();

			json_object_object_add(e, "cycle", json_object_new_uint64(k));
			json_object_object_add(e, "plan", json_object_new_string(line));
			json_object_array_add(a, e);
		} else {
			printf("  cycle %" PRIu64 ": %s\n", k, line);
		}
	}
	if (root) {
		json_object_object_add(root, "cycles", a);
		cli_json_print(root);
	}
	return CLI_OK;
}

/*
 * --ktap: every scenario × policy of @o, one after the other; stdout gets
 * the KTAP document only (progress goes to stderr).  CLI_OK when every
 * test is ok or skipped.
 */
static int race_ktap(const struct race_opts *o)
{
	struct race_result *res;
	struct race_opts run;
	struct sigaction sa, old_int, old_term;
	unsigned int n = 0;
	int status = CLI_OK, ret;
	char buf[4096];

	res = calloc(1, sizeof(*res));
	if (!res) {
		fprintf(stderr, "probelab race: out of memory\n");
		return CLI_FAIL;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	campaign_stop = 0;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	if (race_ktap_header(o, buf, sizeof(buf)))
		goto nospc;
	fputs(buf, stdout);
	fflush(stdout);
	for (unsigned int s = 0; s < o->nr_scenarios; s++) {
		for (unsigned int p = 0; p < o->nr_policies; p++) {
			run = *o;
			run.scenario = o->scenarios[s];
			run.policy = o->policies[p];
			n++;
			if (!run.scenario->implemented) {
				ret = race_ktap_skip(&run, n, "not implemented in this version",
						     buf, sizeof(buf));
			} else if (campaign_stop) {
				ret = race_ktap_skip(&run, n, "the campaign was interrupted",
						     buf, sizeof(buf));
			} else {
				int expected = race_expected(&run);

				if (!o->quiet)
					fprintf(stderr, "probelab race: %u of %u: %s under %s, seed %" PRIu64 "\n",
						n, o->nr_scenarios * o->nr_policies,
						run.scenario->name,
						pl_policy_name(run.policy), run.seed);
				ret = race_run(&run, res, o->quiet ? NULL : progress,
					       NULL);
				if (race_verdict(expected, ret, res) ==
				    RACE_VERDICT_NOT_OK)
					status = CLI_FAIL;
				ret = race_ktap_result(&run, n, expected, ret, res,
						       buf, sizeof(buf));
			}
			if (ret)
				goto nospc;
			fputs(buf, stdout);
			fflush(stdout);
		}
	}
	if (campaign_stop)
		status = CLI_FAIL;
	goto out;
nospc:
	/* the lines are bounded well below the buffer: a bug */
	fprintf(stderr, "probelab race: a KTAP line of test %u did not fit in %zu bytes\n",
		n, sizeof(buf));
	status = CLI_FAIL;
out:
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	free(res);
	return status;
}

static int race_cmd(struct cli *cli, int argc, char **argv)
{
	struct race_opts o;
	struct race_result *res;
	struct sigaction sa, old_int, old_term;
	enum race_outcome outcome;
	enum race_expect expected;
	bool met;
	char err[512], repro[512];
	int ret, status;

	ret = race_opts_parse(argc, argv, &o, err, sizeof(err));
	if (ret == -EOPNOTSUPP) {
		if (cli->json) {
			json_object *j = json_object_new_object();

			json_object_object_add(j, "error", json_object_new_string(err));
			json_object_object_add(j, "scenario", json_object_new_string(
				o.scenario->name));
			json_object_object_add(j, "implemented",
					       json_object_new_boolean(0));
			cli_json_print(j);
		} else {
			fprintf(stderr, "probelab race: %s\n", err);
		}
		return CLI_USAGE;
	}
	if (ret)
		return cli_usage(cli, "%s", err);
	if (o.ktap && cli->json)
		return cli_usage(cli, "--ktap and --json are two output formats: give one");
	if (!o.seeded)
		o.seed = (uint64_t)time(NULL) * 1000003u ^
			 ((uint64_t)getpid() << 20);
	if (o.plan)
		return print_plan(cli, &o);
	if (o.ktap)
		return race_ktap(&o);
	if (o.sweep)
		return cli_race_sweep(cli, &o);
	if (o.minimize)
		return cli_race_minimize(cli, &o);

	res = calloc(1, sizeof(*res));
	if (!res)
		return cli_fail(cli, -ENOMEM, "out of memory");
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	if (!o.quiet && !cli->json)
		fprintf(stderr, "probelab race: %s under %s, seed %" PRIu64 "\n",
			o.scenario->name, pl_policy_name(o.policy), o.seed);
	ret = race_run(&o, res, o.quiet ? NULL : progress, NULL);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	if (ret) {
		status = cli_fail(cli, ret, "%s", res->errmsg[0] ? res->errmsg :
				  strerror(-ret));
		free(res);
		return status;
	}

	outcome = race_outcome(res);
	expected = (enum race_expect)o.scenario->expect[o.policy];
	met = race_outcome_meets(outcome, expected);
	repro[0] = 0;
	if (res->have_first)
		race_reproducer(&o, res, repro, sizeof(repro));
	if (res->err)
		status = CLI_FAIL;
	else if (o.expect >= 0)
		status = race_outcome_meets(outcome, (enum race_expect)o.expect) ?
			 CLI_OK : CLI_FAIL;
	else
		status = outcome == RACE_HELD ? CLI_OK : CLI_FAIL;

	if (cli->json) {
		json_object *j = json_object_new_object();

		json_object_object_add(j, "scenario",
				       json_object_new_string(o.scenario->name));
		json_object_object_add(j, "file", o.file ?
				       json_object_new_string(o.file) : NULL);
		json_object_object_add(j, "policy",
				       json_object_new_string(pl_policy_name(o.policy)));
		json_object_object_add(j, "seed", json_object_new_uint64(o.seed));
		json_object_object_add(j, "threads",
				       json_object_new_int64(res->threads));
		json_object_object_add(j, "kernel_threads",
				       json_object_new_int64(o.scenario->kthreads));
		json_object_object_add(j, "budget", cli_race_budget_json(&o));
		json_object_object_add(j, "cycles", json_object_new_uint64(res->cycles));
		json_object_object_add(j, "kernel_cycles",
				       json_object_new_uint64(res->kernel_cycles));
		json_object_object_add(j, "violations",
				       json_object_new_uint64(res->violations));
		json_object_object_add(j, "violation_events",
				       json_object_new_uint64(res->violation_events));
		json_object_object_add(j, "first_violation", res->have_first ?
				       violation_json(&res->first) : NULL);
		json_object_object_add(j, "elapsed_ns",
				       json_object_new_uint64(res->elapsed_ns));
		json_object_object_add(j, "outcome", json_object_new_string(
			race_outcome_name(outcome)));
		json_object_object_add(j, "outcome_bug", res->outcome_bug ?
				       json_object_new_string(res->outcome_bug->id) :
				       NULL);
		json_object_object_add(j, "scenario_bug", o.scenario->known_bug ?
				       json_object_new_string(o.scenario->known_bug) :
				       NULL);
		json_object_object_add(j, "violations_by_bug", by_bug_json(res));
		json_object_object_add(j, "expected", json_object_new_string(
			race_expect_name(expected)));
		json_object_object_add(j, "as_expected",
				       json_object_new_boolean(met));
		json_object_object_add(j, "expected_invariant",
				       json_object_new_int64(o.scenario->invariant));
		json_object_object_add(j, "reproducer", repro[0] ?
				       json_object_new_string(repro) : NULL);
		json_object_object_add(j, "stopped",
				       json_object_new_string(res->stopped));
		json_object_object_add(j, "error", res->err ?
				       json_object_new_string(res->errmsg) : NULL);
		json_object_object_add(j, "lab_resets",
				       json_object_new_uint64(res->relabs));
		json_object_object_add(j, "events",
				       json_object_new_uint64(res->events));
		json_object_object_add(j, "events_missed",
				       json_object_new_uint64(res->events_missed));
		cli_json_print(j);
		free(res);
		return status;
	}

	printf("race %s under %s, seed %" PRIu64 ": --threads %u (%s)",
	       o.scenario->name, pl_policy_name(o.policy), o.seed,
	       res->threads, o.scenario->threads_what);
	if (o.scenario->kthreads)
		printf(" + %u kernel threads", o.scenario->kthreads);
	putchar('\n');
	if (o.iterations)
		printf("  budget:     %" PRIu64 " cycles\n", o.iterations);
	else
		printf("  budget:     %g s\n", o.seconds);
	printf("  cycles:     %" PRIu64, res->cycles);
	if (o.scenario->kthreads)
		printf(" (kernel-thread steps: %" PRIu64 ")", res->kernel_cycles);
	printf(" in %.3f s", (double)res->elapsed_ns / 1e9);
	if (res->relabs)
		printf(", %" PRIu64 " lab resets", res->relabs);
	putchar('\n');
	printf("  violations: %" PRIu64 "\n", res->violations);
	print_by_bug(res);
	printf("  outcome:    %s%s%s (expected under %s: %s%s%s)%s\n",
	       race_outcome_name(outcome), res->outcome_bug ? " " : "",
	       res->outcome_bug ? res->outcome_bug->id : "",
	       pl_policy_name(o.policy),
	       expected == RACE_EXPECT_REPRODUCE ? "reproduces" : "holds",
	       expected == RACE_EXPECT_REPRODUCE && o.scenario->known_bug ? " " : "",
	       expected == RACE_EXPECT_REPRODUCE && o.scenario->known_bug ?
	       o.scenario->known_bug : "",
	       met ? "" : "  <-- NOT AS EXPECTED");
	if (!strcmp(res->stopped, "interrupted"))
		printf("  interrupted\n");
	if (res->events_missed)
		printf("  note: %" PRIu64 " events were lost by the monitor\n",
		       res->events_missed);
	if (res->err)
		printf("  a scenario step failed: %s\n", res->errmsg);
	if (res->have_first) {
		print_violation(&res->first);
		if (o.scenario->invariant &&
		    res->first.invariant != o.scenario->invariant)
			printf("  (the scenario mirrors invariant %u; this is another one)\n",
			       o.scenario->invariant);
		printf("reproducer: %s\n", repro);
	}
	free(res);
	return status;
}

const struct cli_cmd cli_cmd_race = {
	.name = "race",
	.args = "--scenario NAME | --file FILE --policy fixed|linux-6.1|mainline [--threads N] [--iterations N | --seconds S] [--seed S] [--keep-going] [--expect reproduce|hold] [--quiet] [--plan] | --minimize --scenario NAME | --file FILE --policy P --seed S [--threads N] [--iterations N | --seconds S] | --ktap --scenario NAME,...|all --policy P,...|all [...] | --seeds A-B --scenario NAME,...|all --policy P,...|all [...]",
	.summary = "run a race scenario; stops at the first invariant violation (exit 1), names its known bug, prints its trace and a reproducer; --ktap: a campaign, one KTAP test per scenario x policy; --seeds: a sweep, a table per pair; --minimize: the smallest scenario file that still reproduces the run's bug",
	.run = race_cmd,
};

/* ---- probelab scenarios ------------------------------------------------ */

static int scenarios_cmd(struct cli *cli, int argc, char **argv)
{
	unsigned int i, n = race_nr_scenarios();

	(void)argv;
	if (argc > 1)
		return cli_usage(cli, "unexpected argument '%s'", argv[1]);
	if (cli->json) {
		json_object *root = json_object_new_object();
		json_object *a = json_object_new_array();

		for (i = 0; i < n; i++) {
			const struct race_scenario *s = race_scenario_at(i);
			json_object *o = json_object_new_object(), *e, *t;
			const char *iname = pl_invariant_name(s->invariant);

			json_object_object_add(o, "name", json_object_new_string(s->name));
			json_object_object_add(o, "kind", json_object_new_string(
				s->file ? "file" : "c"));
			json_object_object_add(o, "file", s->file ?
				json_object_new_string(race_file_path(s->file)) : NULL);
			json_object_object_add(o, "known_bug", s->known_bug ?
				json_object_new_string(s->known_bug) : NULL);
			json_object_object_add(o, "implemented",
					       json_object_new_boolean(s->implemented));
			json_object_object_add(o, "summary",
					       json_object_new_string(s->summary));
			json_object_object_add(o, "mirrors",
					       json_object_new_string(s->mirrors));
			json_object_object_add(o, "invariant",
					       json_object_new_int64(s->invariant));
			json_object_object_add(o, "invariant_name", iname ?
					       json_object_new_string(iname) : NULL);
			if (s->implemented) {
				e = json_object_new_object();
				for (unsigned int p = 0; p < PL_NR_POLICIES; p++)
					json_object_object_add(e, pl_policy_name(p),
						json_object_new_string(race_expect_name(
							(enum race_expect)s->expect[p])));
				json_object_object_add(o, "expected", e);
				t = json_object_new_object();
				json_object_object_add(t, "what",
						       json_object_new_string(s->threads_what));
				json_object_object_add(t, "default",
						       json_object_new_int64(s->threads_def));
				json_object_object_add(t, "min",
						       json_object_new_int64(s->threads_min));
				json_object_object_add(t, "max",
						       json_object_new_int64(s->threads_max));
				json_object_object_add(o, "threads", t);
				json_object_object_add(o, "kernel_threads",
						       json_object_new_int64(s->kthreads));
				json_object_object_add(o, "deterministic",
						       json_object_new_boolean(s->deterministic));
				json_object_object_add(o, "cycle",
						       json_object_new_string(s->note));
			} else {
				json_object_object_add(o, "expected", NULL);
				json_object_object_add(o, "missing",
						       json_object_new_string(s->note));
			}
			json_object_array_add(a, o);
		}
		json_object_object_add(root, "scenarios", a);
		a = json_object_new_array();
		for (i = 0; race_catalog_error(i); i++)
			json_object_array_add(a, json_object_new_string(
				race_catalog_error(i)));
		json_object_object_add(root, "scenario_dir",
				       json_object_new_string(race_scenario_dir()));
		json_object_object_add(root, "errors", a);
		cli_json_print(root);
		return race_catalog_error(0) ? CLI_FAIL : CLI_OK;
	}
	printf("%-30s %-10s %-10s %-10s %-5s %s\n", "SCENARIO", "FIXED",
	       "LINUX-6.1", "MAINLINE", "KIND", "INVARIANT");
	for (i = 0; i < n; i++) {
		const struct race_scenario *s = race_scenario_at(i);
		const char *iname = pl_invariant_name(s->invariant);

		if (s->implemented)
			printf("%-30s %-10s %-10s %-10s %-5s %u (%s)\n", s->name,
			       race_expect_name(s->expect[0]),
			       race_expect_name(s->expect[1]),
			       race_expect_name(s->expect[2]),
			       s->file ? "file" : "C", s->invariant,
			       iname ? iname : "?");
		else
			printf("%-30s %-32s %u (%s)\n", s->name,
			       "(not implemented in this version)", s->invariant,
			       iname ? iname : "?");
	}
	for (i = 0; i < n; i++) {
		const struct race_scenario *s = race_scenario_at(i);

		printf("\n%s%s\n", s->name, s->implemented ? "" :
		       " - not implemented in this version");
		printf("  races:    %s\n", s->summary);
		printf("  mirrors:  %s\n", s->mirrors);
		if (s->known_bug)
			printf("  bug:      %s\n", s->known_bug);
		printf("  written:  %s\n", s->file ? race_file_path(s->file) :
		       "in C (tools/lib/scenarios/)");
		if (s->implemented) {
			printf("  expected: fixed %s, linux-6.1 %s, mainline %s\n",
			       s->expect[0] ? "reproduces" : "holds",
			       s->expect[1] ? "reproduces" : "holds",
			       s->expect[2] ? "reproduces" : "holds");
			printf("  lab:      %s\n", s->note);
			printf("  threads:  --threads counts %s (default %u, %u..%u)%s\n",
			       s->threads_what, s->threads_def, s->threads_min,
			       s->threads_max, s->kthreads ?
			       "; plus kernel threads of RACE ops" : "");
		} else {
			printf("  missing:  %s\n", s->note);
		}
	}
	printf("\nscenario files: %s\n", race_scenario_dir());
	for (i = 0; race_catalog_error(i); i++)
		printf("  not listed: %s\n", race_catalog_error(i));
	return race_catalog_error(0) ? CLI_FAIL : CLI_OK;
}

const struct cli_cmd cli_cmd_scenarios = {
	.name = "scenarios",
	.args = "",
	.summary = "the race scenarios (written in C, and the files of the scenario directory): the bug each mirrors and its expected outcome per policy",
	.run = scenarios_cmd,
};

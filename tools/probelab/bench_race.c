// SPDX-License-Identifier: GPL-2.0
/*
 * probelab bench race: the race engine's throughput - cycles per second
 * of each scenario under each policy, every run on the same seed and the
 * same time budget, with --keep-going (a reproduction does not end the
 * run: the whole budget is cycles).  With --profile, where the time went:
 * the phases of a cycle, the engine's own steps and each statement of a
 * scenario file (race_opts.profile).  docs/cli.md, "bench race".
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "cli.h"
#include "probelab.h"
#include "race.h"

#define BENCH_RACE_DEFAULT_SECONDS	5.0

static volatile sig_atomic_t bench_race_stop;

static void on_signal(int sig)
{
	(void)sig;
	bench_race_stop = 1;
	race_interrupt();
}

/* One scenario × policy: what race_run() answered. */
struct brun {
	const struct race_scenario *sc;
	unsigned int policy;
	int ret;
	struct race_result res;
	double load0, load1;
};

static double per_s(const struct brun *b)
{
	return b->res.elapsed_ns ?
	       (double)b->res.cycles * 1e9 / (double)b->res.elapsed_ns : 0;
}

static const char *brun_outcome(const struct brun *b)
{
	if (b->ret || b->res.err)
		return "error";
	return race_outcome_name(race_outcome(&b->res));
}

/* The profile's entries, most time first (an index array). */
static void prof_order(const struct race_result *res, unsigned int *idx)
{
	for (unsigned int i = 0; i < res->nr_prof; i++)
		idx[i] = i;
	for (unsigned int i = 1; i < res->nr_prof; i++) {
		unsigned int v = idx[i], j = i;

		while (j && res->prof[idx[j - 1]].ns < res->prof[v].ns) {
			idx[j] = idx[j - 1];
			j--;
		}
		idx[j] = v;
	}
}

static json_object *brun_json(const struct brun *b, bool profile)
{
	json_object *o = json_object_new_object(), *a;
	const struct race_result *res = &b->res;
	unsigned int idx[RACE_PROF_MAX];

	json_object_object_add(o, "scenario", json_object_new_string(b->sc->name));
	json_object_object_add(o, "policy",
			       json_object_new_string(pl_policy_name(b->policy)));
	json_object_object_add(o, "threads", json_object_new_int64(res->threads));
	json_object_object_add(o, "cycles", json_object_new_uint64(res->cycles));
	json_object_object_add(o, "elapsed_ns",
			       json_object_new_uint64(res->elapsed_ns));
	json_object_object_add(o, "cycles_per_s", json_object_new_double(per_s(b)));
	json_object_object_add(o, "kernel_cycles",
			       json_object_new_uint64(res->kernel_cycles));
	json_object_object_add(o, "lab_resets", json_object_new_uint64(res->relabs));
	json_object_object_add(o, "events", json_object_new_uint64(res->events));
	json_object_object_add(o, "violations",
			       json_object_new_uint64(res->violations));
	json_object_object_add(o, "outcome", json_object_new_string(brun_outcome(b)));
	json_object_object_add(o, "error", b->ret || res->err ?
			       json_object_new_string(res->errmsg) : NULL);
	json_object_object_add(o, "loadavg_start", json_object_new_double(b->load0));
	json_object_object_add(o, "loadavg_end", json_object_new_double(b->load1));
	if (!profile)
		return o;
	prof_order(res, idx);
	a = json_object_new_array();
	for (unsigned int i = 0; i < res->nr_prof; i++) {
		const struct race_prof_entry *e = &res->prof[idx[i]];
		json_object *p = json_object_new_object();

		json_object_object_add(p, "line", json_object_new_int64(e->line));
		json_object_object_add(p, "what", json_object_new_string(e->what));
		json_object_object_add(p, "count", json_object_new_uint64(e->count));
		json_object_object_add(p, "ns", json_object_new_uint64(e->ns));
		json_object_array_add(a, p);
	}
	json_object_object_add(o, "profile", a);
	return o;
}

static void print_profile(const struct brun *b)
{
	const struct race_result *res = &b->res;
	unsigned int idx[RACE_PROF_MAX];
	uint64_t cyc = res->cycles ? res->cycles : 1;

	printf("\n%s %s: %" PRIu64 " cycles in %.3f s (%.3f ms a cycle)\n",
	       b->sc->name, pl_policy_name(b->policy), res->cycles,
	       (double)res->elapsed_ns / 1e9,
	       (double)res->elapsed_ns / 1e6 / (double)cyc);
	printf("  %5s %-26s %10s %12s %12s %10s\n", "LINE", "STEP", "COUNT",
	       "TOTAL ms", "MEAN us", "ms/CYCLE");
	prof_order(res, idx);
	for (unsigned int i = 0; i < res->nr_prof; i++) {
		const struct race_prof_entry *e = &res->prof[idx[i]];
		char line[12];

		snprintf(line, sizeof(line), "%u", e->line);
		printf("  %5s %-26s %10" PRIu64 " %12.1f %12.1f %10.3f\n",
		       e->line ? line : "-", e->what, e->count,
		       (double)e->ns / 1e6,
		       e->count ? (double)e->ns / 1e3 / (double)e->count : 0,
		       (double)e->ns / 1e6 / (double)cyc);
	}
}

/*
 * --scenario: the library's list (race_scenario_list_parse()); `all`
 * keeps the implemented scenarios, a named one not implemented is refused.
 */
static int scenarios_from_list(struct cli *cli, const char *arg,
			       const struct race_scenario **out,
			       unsigned int *nr)
{
	char err[256];
	unsigned int n = 0;

	*nr = 0;
	if (race_scenario_list_parse(arg, out, &n, err, sizeof(err)))
		return cli_usage(cli, "%s", err);
	for (unsigned int i = 0; i < n; i++) {
		if (out[i]->implemented)
			out[(*nr)++] = out[i];
		else if (strcmp(arg, "all"))
			return cli_usage(cli, "scenario '%s' is not implemented in this version",
					 out[i]->name);
	}
	return 0;
}

int bench_race(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "seconds", required_argument, NULL, 's' },
		{ "scenario", required_argument, NULL, 'S' },
		{ "policy", required_argument, NULL, 'p' },
		{ "seed", required_argument, NULL, 'r' },
		{ "profile", no_argument, NULL, 'P' },
		{ "quiet", no_argument, NULL, 'q' },
		{ 0 }
	};
	const struct race_scenario *scs[RACE_MAX_SCENARIOS];
	unsigned int pols[PL_NR_POLICIES], nr_sc = 0, nr_pol = 1, nr = 0;
	const char *sc_arg = "all";
	struct sigaction sa, old_int, old_term;
	double seconds = BENCH_RACE_DEFAULT_SECONDS;
	bool profile = false, quiet = false;
	uint64_t seed = 1;
	struct brun *runs;
	int c, status = CLI_OK;
	char *end;

	pols[0] = PROBELAB_POLICY_FIXED;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			errno = 0;
			seconds = strtod(optarg, &end);
			if (errno || *end || !optarg[0] || !(seconds > 0) ||
			    seconds > RACE_MAX_SECONDS)
				return cli_usage(cli, "--seconds takes a number of seconds above 0, at most %g, not '%s'",
						 RACE_MAX_SECONDS, optarg);
			break;
		case 'S':
			sc_arg = optarg;
			break;
		case 'p':
			if (pl_policies_from_list(optarg, pols, &nr_pol))
				return cli_usage(cli, "--policy takes fixed, linux-6.1, mainline, a comma-separated list of them, or all, not '%s'",
						 optarg);
			break;
		case 'r':
			if (pl_parse_u64(optarg, &seed))
				return cli_usage(cli, "--seed takes an unsigned 64-bit number, not '%s'",
						 optarg);
			break;
		case 'P':
			profile = true;
			break;
		case 'q':
			quiet = true;
			break;
		case ':':
			return cli_usage(cli, "%s needs a value", argv[optind - 1]);
		default:
			return cli_usage(cli, "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind != argc)
		return cli_usage(cli, "unexpected argument '%s'", argv[optind]);
	c = scenarios_from_list(cli, sc_arg, scs, &nr_sc);
	if (c)
		return c;
	runs = calloc((size_t)nr_sc * nr_pol, sizeof(*runs));
	if (!runs)
		return cli_fail(cli, -ENOMEM, "out of memory");

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	bench_race_stop = 0;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	for (unsigned int s = 0; s < nr_sc && !bench_race_stop; s++) {
		for (unsigned int p = 0; p < nr_pol && !bench_race_stop; p++) {
			struct brun *b = &runs[nr];
			struct race_opts o;

			memset(&o, 0, sizeof(o));
			o.scenario = scs[s];
			o.scenarios[0] = scs[s];
			o.nr_scenarios = 1;
			o.policy = pols[p];
			o.policies[0] = pols[p];
			o.nr_policies = 1;
			o.seconds = seconds;
			o.seed = seed;
			o.seeded = true;
			o.keep_going = true;
			o.expect = -1;
			o.quiet = true;
			o.profile = profile;
			b->sc = scs[s];
			b->policy = pols[p];
			if (!quiet)
				fprintf(stderr, "probelab bench race: %s %s (%u of %u, %g s)\n",
					b->sc->name, pl_policy_name(b->policy),
					nr + 1, nr_sc * nr_pol, seconds);
			b->load0 = bench_loadavg();
			b->ret = race_run(&o, &b->res, NULL, NULL);
			b->load1 = bench_loadavg();
			nr++;
			if (b->ret || b->res.err) {
				status = CLI_FAIL;
				if (!quiet)
					fprintf(stderr, "probelab bench race: %s %s: %s\n",
						b->sc->name,
						pl_policy_name(b->policy),
						b->res.errmsg);
			}
		}
	}
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	if (bench_race_stop)
		status = CLI_FAIL;

	if (cli->json) {
		json_object *o = json_object_new_object(), *a;

		json_object_object_add(o, "bench", json_object_new_string("race"));
		json_object_object_add(o, "seconds", json_object_new_double(seconds));
		json_object_object_add(o, "seed", json_object_new_uint64(seed));
		json_object_object_add(o, "interrupted",
				       json_object_new_boolean(bench_race_stop));
		a = json_object_new_array();
		for (unsigned int i = 0; i < nr; i++)
			json_object_array_add(a, brun_json(&runs[i], profile));
		json_object_object_add(o, "runs", a);
		cli_json_print(o);
	} else {
		printf("bench race: %g s per run, seed %" PRIu64 ", --keep-going\n",
		       seconds, seed);
		printf("%-29s %-9s %3s %9s %8s %10s %6s %5s %-11s %s\n",
		       "SCENARIO", "POLICY", "THR", "CYCLES", "SECONDS",
		       "CYCLES/S", "RESETS", "VIOL", "OUTCOME", "LOAD");
		for (unsigned int i = 0; i < nr; i++) {
			const struct brun *b = &runs[i];

			printf("%-29s %-9s %3u %9" PRIu64 " %8.3f %10.1f %6" PRIu64 " %5" PRIu64 " %-11s %.2f->%.2f\n",
			       b->sc->name, pl_policy_name(b->policy),
			       b->res.threads, b->res.cycles,
			       (double)b->res.elapsed_ns / 1e9, per_s(b),
			       b->res.relabs, b->res.violations,
			       brun_outcome(b), b->load0, b->load1);
		}
		if (profile)
			for (unsigned int i = 0; i < nr; i++)
				print_profile(&runs[i]);
	}
	free(runs);
	return status;
}

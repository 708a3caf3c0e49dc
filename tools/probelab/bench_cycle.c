// SPDX-License-Identifier: GPL-2.0
/*
 * probelab bench cycle: the cost of one device's life - DEV_ADD (with
 * the IOMMU probe where the policy runs it), DRV_BIND of probelab-dma
 * (one streaming mapping), DRV_UNBIND, DEV_REMOVE - under each policy and
 * model, beside the same cycle in a bare lab (FW_LOAD_BARE: the lab bus
 * and the real driver core, no IOMMU layer, DRV_BIND entering the driver
 * core as the policy does).  Runs alternate bare and layered, are
 * repeated, and each figure is the median of its repeats.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "bench_stats.h"
#include "cli.h"
#include "probelab.h"

#define CYCLE_MAX		1000000
#define CYCLE_MAX_REPEAT	50
/* distinct device addresses the cycles go round (one instance) */
#define CYCLE_ADDRS		256
#define CYCLE_GOAL_RATIO	1.5

enum { PH_ADD, PH_BIND, PH_UNBIND, PH_REMOVE, PH_NR };
static const char *const phase_names[PH_NR] = {
	"add", "bind", "unbind", "remove",
};

struct cycle_opts {
	struct cli *cli;
	unsigned int cycles, warmup, repeat;
	unsigned int pol[PL_NR_POLICIES], npol;
	unsigned int models[2], nmodels;
	bool quiet;
};

/* One run: @cycles cycles in one lab. */
struct cycle_sample {
	uint64_t total_ns;
	uint64_t phase_ns[PH_NR];
	struct probelab_stats st;
};

/* The repeats of one (model, policy, bare or not). */
struct cycle_series {
	unsigned int model, policy;
	bool bare;
	struct cycle_sample s[CYCLE_MAX_REPEAT];
	unsigned int n;
};

static int one_cycle(struct cycle_opts *o, struct pl_handle *h,
		     const struct bench_topo *t, unsigned int i,
		     uint64_t *ph)
{
	uint16_t seg;
	uint8_t bus, devfn;
	uint32_t id, result = 0;
	uint64_t t0, t1;
	char e[96];
	int ret;

	bench_topo_dev_addr(t, i % t->n, &seg, &bus, &devfn);
	t0 = bench_now_ns();
	ret = pl_dev_add_pci(h, seg, bus, devfn, NULL, 0, &id);
	if (ret)
		return cli_fail(o->cli, ret, "DEV_ADD %04x:%02x:%02x.%u: %s",
				seg, bus, devfn >> 3, devfn & 7,
				cli_errstr(ret, e, sizeof(e)));
	t1 = bench_now_ns();
	ph[PH_ADD] += t1 - t0;
	ret = pl_drv_bind(h, id, PROBELAB_DRV_DMA, &result);
	if (!ret && result != PROBELAB_BIND_BOUND)
		ret = -EAGAIN;
	if (ret)
		return cli_fail(o->cli, ret, "DRV_BIND device %u: %s", id,
				ret == -EAGAIN ? "deferred (the instance is registered: it must bind)" :
				cli_errstr(ret, e, sizeof(e)));
	t0 = bench_now_ns();
	ph[PH_BIND] += t0 - t1;
	ret = pl_drv_unbind(h, id);
	if (ret)
		return cli_fail(o->cli, ret, "DRV_UNBIND device %u: %s", id,
				cli_errstr(ret, e, sizeof(e)));
	t1 = bench_now_ns();
	ph[PH_UNBIND] += t1 - t0;
	ret = pl_dev_remove(h, id);
	if (ret)
		return cli_fail(o->cli, ret, "DEV_REMOVE device %u: %s", id,
				cli_errstr(ret, e, sizeof(e)));
	ph[PH_REMOVE] += bench_now_ns() - t1;
	return CLI_OK;
}

/*
 * One run: reset, FW_LOAD (bare or not), register the instance, warm up,
 * STATS reset, @cycles timed cycles, STATS.  CLI_OK or CLI_FAIL.
 */
static int run_cycles(struct cycle_opts *o, struct pl_handle *h,
		      const struct bench_topo *t, const void *blob, size_t len,
		      const struct cycle_series *se, struct cycle_sample *out)
{
	uint64_t ph[PH_NR] = { 0 }, t0;
	unsigned int i;
	char e[96], name[32];
	int ret, st;

	ret = pl_lab_reset(h);
	if (ret)
		return cli_fail(o->cli, ret, "LAB_RESET: %s",
				cli_errstr(ret, e, sizeof(e)));
	ret = pl_fw_load_flags(h, blob, len, se->policy, PROBELAB_DOMAIN_DMA,
			       se->bare ? PROBELAB_FW_LOAD_BARE : 0, NULL);
	if (ret)
		return cli_fail(o->cli, ret, "FW_LOAD (policy %s%s): %s%s",
				pl_policy_name(se->policy),
				se->bare ? ", bare" : "",
				cli_errstr(ret, e, sizeof(e)),
				se->bare && ret == -EINVAL ?
				" (a probelab.ko without FW_LOAD_BARE? see dmesg)" : "");
	if (!se->bare) {
		bench_topo_iommu_name(t, 0, name, sizeof(name));
		ret = pl_iommu_register(h, name);
		if (ret)
			return cli_fail(o->cli, ret, "IOMMU_REGISTER %s: %s", name,
					cli_errstr(ret, e, sizeof(e)));
	}
	for (i = 0; i < o->warmup; i++) {
		st = one_cycle(o, h, t, i, ph);
		if (st != CLI_OK)
			return st;
	}
	ret = pl_stats(h, &out->st, 1);
	if (ret)
		return cli_fail(o->cli, ret, "STATS: %s",
				cli_errstr(ret, e, sizeof(e)));
	memset(ph, 0, sizeof(ph));
	t0 = bench_now_ns();
	for (i = 0; i < o->cycles; i++) {
		st = one_cycle(o, h, t, o->warmup + i, ph);
		if (st != CLI_OK)
			return st;
	}
	out->total_ns = bench_now_ns() - t0;
	memcpy(out->phase_ns, ph, sizeof(ph));
	ret = pl_stats(h, &out->st, 0);
	if (ret)
		return cli_fail(o->cli, ret, "STATS: %s",
				cli_errstr(ret, e, sizeof(e)));
	if (out->st.violations)
		return cli_fail(o->cli, 0, "policy %s%s, %s: %llu invariant violations (dmesg)",
				pl_policy_name(se->policy),
				se->bare ? " (bare)" : "",
				pl_iommu_model_name(se->model),
				(unsigned long long)out->st.violations);
	/* the bare lab must really have bypassed the layer */
	if (se->bare && (out->st.iommu_probes || out->st.fwspec_allocs))
		return cli_fail(o->cli, 0, "bare lab, policy %s: %llu IOMMU probes, %llu fwspecs: the layer was not bypassed",
				pl_policy_name(se->policy),
				(unsigned long long)out->st.iommu_probes,
				(unsigned long long)out->st.fwspec_allocs);
	if (out->st.bind_attempts != o->cycles)
		return cli_fail(o->cli, 0, "policy %s%s: %llu bind attempts for %u cycles",
				pl_policy_name(se->policy),
				se->bare ? " (bare)" : "",
				(unsigned long long)out->st.bind_attempts,
				o->cycles);
	return CLI_OK;
}

static double series_ns(const struct cycle_series *se, const struct cycle_opts *o)
{
	uint64_t v[CYCLE_MAX_REPEAT];

	for (unsigned int i = 0; i < se->n; i++)
		v[i] = se->s[i].total_ns;
	return pl_bench_median(v, se->n) / o->cycles;
}

static double series_phase(const struct cycle_series *se,
			   const struct cycle_opts *o, unsigned int p)
{
	uint64_t v[CYCLE_MAX_REPEAT];

	for (unsigned int i = 0; i < se->n; i++)
		v[i] = se->s[i].phase_ns[p];
	return pl_bench_median(v, se->n) / o->cycles;
}

/* A series' repeats and its per-operation medians. */
static json_object *series_json(const struct cycle_series *se,
				const struct cycle_opts *o)
{
	json_object *r = json_object_new_object(),
		    *ph = json_object_new_object(),
		    *a = json_object_new_array();

	for (unsigned int p = 0; p < PH_NR; p++)
		json_object_object_add(ph, phase_names[p], json_object_new_double(
			series_phase(se, o, p)));
	for (unsigned int i = 0; i < se->n; i++)
		json_object_array_add(a, json_object_new_double(
			(double)se->s[i].total_ns / o->cycles));
	json_object_object_add(r, "samples_ns_per_cycle", a);
	json_object_object_add(r, "phases_ns", ph);
	return r;
}

static void print_json(const struct cycle_opts *o,
		       const struct cycle_series *all, unsigned int nser,
		       double load0, double load1)
{
	json_object *top = json_object_new_object(), *runs, *goal;
	bool any_fixed = false, met = true;

	json_object_object_add(top, "bench", json_object_new_string("cycle"));
	json_object_object_add(top, "cycles", json_object_new_int64(o->cycles));
	json_object_object_add(top, "warmup", json_object_new_int64(o->warmup));
	json_object_object_add(top, "repeat", json_object_new_int64(o->repeat));
	json_object_object_add(top, "loadavg_start", json_object_new_double(load0));
	json_object_object_add(top, "loadavg_end", json_object_new_double(load1));
	runs = json_object_new_array();
	/* series come in pairs: bare, then the layer */
	for (unsigned int i = 0; i + 1 < nser; i += 2) {
		const struct cycle_series *bare = &all[i], *lay = &all[i + 1];
		double ns = series_ns(lay, o), bns = series_ns(bare, o);
		double ratio = pl_bench_ratio(ns, bns);
		json_object *r = json_object_new_object(), *d;

		json_object_object_add(r, "policy", json_object_new_string(
			pl_policy_name(lay->policy)));
		json_object_object_add(r, "model", json_object_new_string(
			pl_iommu_model_name(lay->model)));
		json_object_object_add(r, "ns_per_cycle", json_object_new_double(ns));
		json_object_object_add(r, "ratio_vs_bare", json_object_new_double(ratio));
		json_object_object_add(r, "bare_ns_per_cycle", json_object_new_double(bns));
		d = series_json(lay, o);
		json_object_object_foreach(d, k, v)
			json_object_object_add(r, k, json_object_get(v));
		json_object_put(d);
		d = series_json(bare, o);
		json_object_object_add(r, "bare", d);
		json_object_object_add(r, "iommu_probes", json_object_new_uint64(
			lay->s[lay->n - 1].st.iommu_probes));
		json_object_object_add(r, "bind_attempts", json_object_new_uint64(
			lay->s[lay->n - 1].st.bind_attempts));
		json_object_array_add(runs, r);
		if (lay->policy == PROBELAB_POLICY_FIXED) {
			any_fixed = true;
			met &= ratio <= CYCLE_GOAL_RATIO;
		}
	}
	json_object_object_add(top, "runs", runs);
	goal = json_object_new_object();
	json_object_object_add(goal, "policy", json_object_new_string("fixed"));
	json_object_object_add(goal, "max_ratio_vs_bare",
			       json_object_new_double(CYCLE_GOAL_RATIO));
	json_object_object_add(goal, "met", any_fixed ?
			       json_object_new_boolean(met) : NULL);
	json_object_object_add(top, "goal", goal);
	cli_json_print(top);
}

static void print_table(const struct cycle_opts *o,
			const struct cycle_series *all, unsigned int nser,
			double load0, double load1)
{
	printf("bench cycle: add, bind (probelab-dma), unbind, remove; %u cycles a run after %u warm-up, median of %u runs; load average %.2f -> %.2f\n",
	       o->cycles, o->warmup, o->repeat, load0, load1);
	printf("  %-7s %-10s %12s %12s %6s   %s\n", "model", "policy",
	       "bare ns", "layer ns", "ratio",
	       "layer add/bind/unbind/remove ns (bare)");
	for (unsigned int i = 0; i + 1 < nser; i += 2) {
		const struct cycle_series *bare = &all[i], *lay = &all[i + 1];
		double ns = series_ns(lay, o), bns = series_ns(bare, o);

		printf("  %-7s %-10s %12.0f %12.0f %6.2f  ",
		       pl_iommu_model_name(lay->model),
		       pl_policy_name(lay->policy), bns, ns,
		       pl_bench_ratio(ns, bns));
		for (unsigned int p = 0; p < PH_NR; p++)
			printf(" %.0f (%.0f)", series_phase(lay, o, p),
			       series_phase(bare, o, p));
		putchar('\n');
	}
	for (unsigned int i = 0; i + 1 < nser; i += 2) {
		const struct cycle_series *bare = &all[i], *lay = &all[i + 1];
		double r = pl_bench_ratio(series_ns(lay, o), series_ns(bare, o));

		if (lay->policy == PROBELAB_POLICY_FIXED)
			printf("  goal fixed <= %.1fx bare (%s): %.2fx, %s\n",
			       CYCLE_GOAL_RATIO, pl_iommu_model_name(lay->model),
			       r, r <= CYCLE_GOAL_RATIO ? "met" : "NOT met");
	}
}

static int parse_count(struct cli *cli, const char *opt, const char *arg,
		       unsigned int min, unsigned int max, unsigned int *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(arg, &end, 10);
	if (errno || *end || arg[0] == '-' || !arg[0] || v < min || v > max)
		return cli_usage(cli, "%s takes %u..%u", opt, min, max);
	*out = (unsigned int)v;
	return CLI_OK;
}

int bench_cycle(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "cycles", required_argument, NULL, 'n' },
		{ "warmup", required_argument, NULL, 'w' },
		{ "repeat", required_argument, NULL, 'r' },
		{ "policy", required_argument, NULL, 'p' },
		{ "model", required_argument, NULL, 'm' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct cycle_opts o = {
		.cli = cli, .cycles = 2000, .warmup = 100, .repeat = 3,
		.pol = { PROBELAB_POLICY_FIXED, PROBELAB_POLICY_LINUX_6_1,
			 PROBELAB_POLICY_MAINLINE },
		.npol = PL_NR_POLICIES,
		.models = { PROBELAB_FW_IOMMU_SMMUV3, PROBELAB_FW_IOMMU_VTD },
		.nmodels = 2,
	};
	struct cycle_series *all = NULL;
	struct bench_progress pr = { 0 };
	unsigned int nser, m, p, rep, k;
	struct pl_handle *h;
	double load0, load1;
	int c, ret, status = CLI_OK;
	char err[512], e[96];

	optind = 1;
	while ((c = getopt_long(argc, argv, "n:w:r:p:m:qh", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			if (parse_count(cli, "--cycles", optarg, 1, CYCLE_MAX, &o.cycles))
				return CLI_USAGE;
			break;
		case 'w':
			if (parse_count(cli, "--warmup", optarg, 0, CYCLE_MAX, &o.warmup))
				return CLI_USAGE;
			break;
		case 'r':
			if (parse_count(cli, "--repeat", optarg, 1, CYCLE_MAX_REPEAT,
					&o.repeat))
				return CLI_USAGE;
			break;
		case 'p':
			if (pl_policies_from_list(optarg, o.pol, &o.npol))
				return cli_usage(cli, "--policy takes fixed, linux-6.1, mainline, a comma-separated list of them, or all");
			break;
		case 'm':
			if (!strcmp(optarg, "smmuv3")) {
				o.models[0] = PROBELAB_FW_IOMMU_SMMUV3;
				o.nmodels = 1;
			} else if (!strcmp(optarg, "vtd")) {
				o.models[0] = PROBELAB_FW_IOMMU_VTD;
				o.nmodels = 1;
			} else if (strcmp(optarg, "all")) {
				return cli_usage(cli, "--model is smmuv3, vtd or all");
			}
			break;
		case 'q':
			o.quiet = true;
			break;
		default:
			return cli_usage(cli, "bad option");
		}
	}
	if (optind != argc)
		return cli_usage(cli, "unexpected argument '%s'", argv[optind]);

	nser = 2 * o.nmodels * o.npol;
	all = calloc(nser, sizeof(*all));
	if (!all)
		return cli_fail(cli, -ENOMEM, "out of memory");
	ret = cli_open(cli, &h);
	if (ret) {
		free(all);
		return ret;
	}
	pr.quiet = o.quiet || cli->json;
	bench_progress_start(&pr);
	load0 = bench_loadavg();
	for (m = 0; m < o.nmodels && status == CLI_OK; m++) {
		struct bench_topo t = {
			.n = CYCLE_ADDRS, .k = 1, .model = o.models[m],
		};
		void *blob = NULL;
		size_t len;

		ret = bench_topo_build(&t, &blob, &len, err, sizeof(err));
		if (ret) {
			status = cli_fail(cli, ret, "%s", err);
			break;
		}
		for (p = 0; p < o.npol; p++) {
			struct cycle_series *b = &all[2 * (m * o.npol + p)];

			b[0].model = b[1].model = t.model;
			b[0].policy = b[1].policy = o.pol[p];
			b[0].bare = true;
		}
		/* repeats outermost, bare and layer alternating first */
		for (rep = 0; rep < o.repeat && status == CLI_OK; rep++) {
			for (p = 0; p < o.npol && status == CLI_OK; p++) {
				struct cycle_series *b = &all[2 * (m * o.npol + p)];

				for (k = 0; k < 2 && status == CLI_OK; k++) {
					struct cycle_series *se = &b[(k + rep) % 2];

					status = run_cycles(&o, h, &t, blob, len, se,
							    &se->s[se->n]);
					if (status == CLI_OK)
						se->n++;
					bench_progress(&pr, "runs done",
						       (m * o.repeat + rep) * o.npol * 2 +
						       p * 2 + k + 1, nser * o.repeat);
				}
			}
		}
		free(blob);
	}
	load1 = bench_loadavg();
	ret = pl_lab_reset(h);
	if (ret && status == CLI_OK)
		status = cli_fail(cli, ret, "LAB_RESET after the runs: %s",
				  cli_errstr(ret, e, sizeof(e)));
	pl_close(h);
	if (status == CLI_OK) {
		if (cli->json)
			print_json(&o, all, nser, load0, load1);
		else
			print_table(&o, all, nser, load0, load1);
	}
	free(all);
	return status;
}

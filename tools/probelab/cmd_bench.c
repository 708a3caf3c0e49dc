// SPDX-License-Identifier: GPL-2.0
/*
 * probelab bench: the command's dispatcher, and bench deferral - how many
 * IOMMU probes and driver bind attempts it takes to bring N devices up
 * when every driver is bound before any of the K IOMMU instances
 * registers (the worst case of probe deferral).  Unstaggered, the K
 * registrations follow one another at once (the kernels' deferred-probe
 * work then coalesces them); staggered (--stagger), each waits until the
 * driver core's deferred probing has gone idle after the one before, as
 * when IOMMU drivers probe one by one with other probes in between.
 *
 * The topology (bench_topo.c): K SMMUv3 instances behind one PCI root
 * complex or K VT-d DRHDs; the N PCI devices are spread round-robin.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "bench_stats.h"
#include "cli.h"
#include "probelab.h"

#define BENCH_MAX_DEVICES	32768

/* debugfs of the driver core: its deferred-probe pending list */
#define DEVICES_DEFERRED	"/sys/kernel/debug/devices_deferred"

struct bench {
	struct cli *cli;
	struct bench_topo t;
	uint64_t seed;
	double timeout;
	bool keep;
	unsigned int settle_ms;
	struct bench_progress pr;
};

/* splitmix64: a small, well-mixed, portable PRNG (seeded runs repeat). */
static uint64_t rnd_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* The outcome of one run under one policy, staggered or not. */
struct run {
	unsigned int policy;
	bool stagger;
	bool done;		/* the run happened (policy implemented) */
	bool unsupported;	/* FW_LOAD answered EOPNOTSUPP */
	struct probelab_stats st;
	uint64_t t_add, t_bind, t_reg, t_wait;	/* phase durations */
	uint64_t t_settle;	/* staggered: the quiet windows waited out */
	unsigned int quiet_regs;	/* staggered: nothing moved after these */
	unsigned int deferred;	/* DRV_BIND results "deferred" */
	unsigned int bound;
	double load0, load1;	/* the load average before and after */
};

/*
 * The driver core's deferred-probe pending list as a digest (0 when it
 * cannot be read: no debugfs, an older kernel).
 */
static uint64_t deferred_digest(void)
{
	FILE *f = fopen(DEVICES_DEFERRED, "r");
	uint64_t h = PL_FNV1A_INIT;
	char buf[4096];
	size_t n;

	if (!f)
		return 0;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		h = pl_bench_fnv1a(h, buf, n);
	fclose(f);
	return h;
}

/* The counters a deferred-probe pass moves. */
static unsigned int stat_values(const struct probelab_stats *st,
				uint64_t *v)
{
	v[0] = st->iommu_probes;
	v[1] = st->bind_attempts;
	v[2] = st->deferrals;
	v[3] = st->retriggers;
	v[4] = st->releases;
	return 5;
}

/*
 * Staggered: waits until deferred probing has gone idle - the STATS
 * counters unchanged for settle_ms, then the driver core's pending list
 * (debugfs devices_deferred, read only then: reading it takes the lock
 * the deferred-probe work takes) unchanged across another settle_ms in
 * which the counters stayed still too.  Polls every millisecond.
 * Sets *@moved when any counter moved after the registration.
 */
static int wait_idle(struct bench *b, struct pl_handle *h, bool *moved)
{
	uint64_t v[PL_IDLE_MAX_VALUES], quiet = b->settle_ms * 1000000ull;
	struct probelab_stats st;
	struct pl_idle w;
	uint64_t d0 = 0;
	unsigned int nr;
	bool confirming = false;
	char e[96];
	int ret;

	ret = pl_stats(h, &st, 0);
	if (ret)
		return cli_fail(b->cli, ret, "STATS: %s",
				cli_errstr(ret, e, sizeof(e)));
	nr = stat_values(&st, v);
	pl_idle_start(&w, quiet, bench_now_ns(), v, nr);
	*moved = false;
	for (;;) {
		usleep(1000);
		ret = pl_stats(h, &st, 0);
		if (ret)
			return cli_fail(b->cli, ret, "STATS: %s",
					cli_errstr(ret, e, sizeof(e)));
		stat_values(&st, v);
		if (!pl_idle_sample(&w, bench_now_ns(), v)) {
			/* a counter moved: the pending list is noted anew */
			if (w.moved)
				confirming = false;
			continue;
		}
		*moved |= w.moved;
		if (!confirming) {
			/* quiet once: note the pending list, watch again */
			d0 = deferred_digest();
			confirming = true;
			pl_idle_start(&w, quiet, bench_now_ns(), v, nr);
			continue;
		}
		if (deferred_digest() == d0)
			return CLI_OK;
		pl_idle_start(&w, quiet, bench_now_ns(), v, nr);
		confirming = false;
	}
}

/*
 * One run: reset, FW_LOAD, STATS reset, add N, bind N, register K in
 * @order (staggered: waiting for idle after each), wait until all are
 * bound (or the timeout), STATS.  Returns CLI_OK, or CLI_FAIL after
 * reporting an operation that failed.
 */
static int run_one(struct bench *b, struct pl_handle *h, const void *blob,
		   size_t len, const unsigned int *order, uint32_t *ids,
		   struct run *r)
{
	struct probelab_dev_info *devs = NULL;
	struct pl_fw_reject rej;
	uint64_t t0, t1;
	unsigned int i, nd;
	char e[96];
	int ret;

	r->load0 = bench_loadavg();
	ret = pl_lab_reset(h);
	if (ret)
		return cli_fail(b->cli, ret, "LAB_RESET: %s",
				cli_errstr(ret, e, sizeof(e)));
	ret = pl_fw_load(h, blob, len, r->policy, PROBELAB_DOMAIN_DMA, &rej);
	if (ret == -EOPNOTSUPP) {
		r->unsupported = true;
		if (!b->pr.quiet)
			fprintf(stderr, "probelab bench: policy %s: the loaded probelab.ko does not implement it (FW_LOAD answered EOPNOTSUPP)\n",
				pl_policy_name(r->policy));
		return CLI_OK;
	}
	if (ret)
		return cli_fail(b->cli, ret, "FW_LOAD (policy %s): %s%s",
				pl_policy_name(r->policy),
				cli_errstr(ret, e, sizeof(e)),
				rej.valid ? " (the description was rejected: see dmesg)" : "");
	ret = pl_stats(h, &r->st, 1);
	if (ret)
		return cli_fail(b->cli, ret, "STATS: %s",
				cli_errstr(ret, e, sizeof(e)));

	bench_progress_start(&b->pr);
	t0 = b->pr.t_start;
	for (i = 0; i < b->t.n; i++) {
		uint16_t seg;
		uint8_t bus, devfn;

		bench_topo_dev_addr(&b->t, i, &seg, &bus, &devfn);
		ret = pl_dev_add_pci(h, seg, bus, devfn, NULL, 0, &ids[i]);
		if (ret)
			return cli_fail(b->cli, ret, "DEV_ADD %04x:%02x:%02x.%u: %s",
					seg, bus, devfn >> 3, devfn & 7,
					cli_errstr(ret, e, sizeof(e)));
		bench_progress(&b->pr, "devices added", i + 1, b->t.n);
	}
	t1 = bench_now_ns();
	r->t_add = t1 - t0;
	t0 = t1;
	for (i = 0; i < b->t.n; i++) {
		uint32_t result = 0;

		ret = pl_drv_bind(h, ids[i], PROBELAB_DRV_DMA, &result);
		if (ret)
			return cli_fail(b->cli, ret, "DRV_BIND device %u: %s",
					ids[i], cli_errstr(ret, e, sizeof(e)));
		r->deferred += result == PROBELAB_BIND_DEFERRED;
		bench_progress(&b->pr, "drivers bound (deferred)", i + 1, b->t.n);
	}
	t1 = bench_now_ns();
	r->t_bind = t1 - t0;
	t0 = t1;
	for (i = 0; i < b->t.k; i++) {
		char name[32];

		bench_topo_iommu_name(&b->t, order[i], name, sizeof(name));
		ret = pl_iommu_register(h, name);
		if (ret)
			return cli_fail(b->cli, ret, "IOMMU_REGISTER %s: %s", name,
					cli_errstr(ret, e, sizeof(e)));
		if (r->stagger) {
			uint64_t ts = bench_now_ns();
			bool moved = false;

			ret = wait_idle(b, h, &moved);
			if (ret != CLI_OK)
				return ret;
			/* at least the two quiet windows were waiting only */
			r->t_settle += bench_now_ns() - ts;
			r->quiet_regs += !moved;
		}
		bench_progress(&b->pr, "instances registered", i + 1, b->t.k);
	}
	t1 = bench_now_ns();
	r->t_reg = t1 - t0;
	t0 = t1;
	for (;;) {
		ret = pl_query_devices(h, &devs, &nd);
		if (ret)
			return cli_fail(b->cli, ret, "QUERY devices: %s",
					cli_errstr(ret, e, sizeof(e)));
		r->bound = 0;
		for (i = 0; i < nd; i++)
			r->bound += devs[i].driver == PROBELAB_DRV_DMA;
		free(devs);
		if (r->bound >= b->t.n ||
		    (double)(bench_now_ns() - t0) / 1e9 > b->timeout)
			break;
		bench_progress(&b->pr, "devices bound", r->bound, b->t.n);
		usleep(10000);
	}
	r->t_wait = bench_now_ns() - t0;
	ret = pl_stats(h, &r->st, 0);
	if (ret)
		return cli_fail(b->cli, ret, "STATS: %s",
				cli_errstr(ret, e, sizeof(e)));
	r->load1 = bench_loadavg();
	r->done = true;
	if (r->bound != b->t.n)
		fprintf(stderr, "probelab bench: policy %s: only %u of %u devices bound after %g s\n",
			pl_policy_name(r->policy), r->bound, b->t.n, b->timeout);
	if (r->st.violations)
		fprintf(stderr, "probelab bench: policy %s: %llu invariant violations (dmesg)\n",
			pl_policy_name(r->policy),
			(unsigned long long)r->st.violations);
	return CLI_OK;
}

static uint64_t run_elapsed(const struct run *r)
{
	return r->t_add + r->t_bind + r->t_reg + r->t_wait;
}

static json_object *run_json(const struct bench *b, const struct run *r)
{
	json_object *o = json_object_new_object(), *p;

	json_object_object_add(o, "policy", json_object_new_string(
		pl_policy_name(r->policy)));
	json_object_object_add(o, "stagger", json_object_new_boolean(r->stagger));
	json_object_object_add(o, "implemented",
			       json_object_new_boolean(!r->unsupported));
	if (!r->done)
		return o;
	json_object_object_add(o, "iommu_probes",
			       json_object_new_uint64(r->st.iommu_probes));
	json_object_object_add(o, "bind_attempts",
			       json_object_new_uint64(r->st.bind_attempts));
	json_object_object_add(o, "deferrals",
			       json_object_new_uint64(r->st.deferrals));
	json_object_object_add(o, "retriggers",
			       json_object_new_uint64(r->st.retriggers));
	json_object_object_add(o, "violations",
			       json_object_new_uint64(r->st.violations));
	json_object_object_add(o, "elapsed_ns",
			       json_object_new_uint64(run_elapsed(r)));
	p = json_object_new_object();
	json_object_object_add(p, "add", json_object_new_uint64(r->t_add));
	json_object_object_add(p, "bind", json_object_new_uint64(r->t_bind));
	json_object_object_add(p, "register", json_object_new_uint64(r->t_reg));
	json_object_object_add(p, "wait", json_object_new_uint64(r->t_wait));
	json_object_object_add(o, "phases_ns", p);
	if (r->stagger) {
		json_object_object_add(o, "settle_ns",
				       json_object_new_uint64(r->t_settle));
		json_object_object_add(o, "quiet_registrations",
				       json_object_new_int64(r->quiet_regs));
	}
	json_object_object_add(o, "deferred_at_bind",
			       json_object_new_int64(r->deferred));
	json_object_object_add(o, "bound", json_object_new_int64(r->bound));
	json_object_object_add(o, "all_bound",
			       json_object_new_boolean(r->bound == b->t.n));
	json_object_object_add(o, "loadavg_start", json_object_new_double(r->load0));
	json_object_object_add(o, "loadavg_end", json_object_new_double(r->load1));
	return o;
}

/* One row of the human table: a counter under every run. */
static void row(const char *name, const struct run *runs, unsigned int nr,
		int which)
{
	printf("  %-14s", name);
	for (unsigned int i = 0; i < nr; i++) {
		const struct run *r = &runs[i];
		unsigned long long v = 0;

		if (!r->done) {
			printf(" %16s", r->unsupported ? "n/a" : "-");
			continue;
		}
		switch (which) {
		case 0: v = r->st.iommu_probes; break;
		case 1: v = r->st.bind_attempts; break;
		case 2: v = r->st.deferrals; break;
		case 3: v = r->st.retriggers; break;
		case 4: v = r->st.violations; break;
		case 5: v = run_elapsed(r); break;
		case 6: v = r->bound; break;
		case 7: v = r->t_settle; break;
		}
		printf(" %16llu", v);
	}
	putchar('\n');
}

static void print_table(const struct bench *b, const unsigned int *order,
			const struct run *runs, unsigned int nr, bool staggered)
{
	unsigned int i;

	printf("bench deferral: %u devices over %u %s instances, seed %" PRIu64 "\n",
	       b->t.n, b->t.k, pl_iommu_model_name(b->t.model), b->seed);
	printf("  register order:");
	for (i = 0; i < b->t.k; i++) {
		char name[32];

		bench_topo_iommu_name(&b->t, order[i], name, sizeof(name));
		printf(" %s", name);
	}
	printf("\n  %-14s", "policy");
	for (i = 0; i < nr; i++) {
		char col[40];

		snprintf(col, sizeof(col), "%s%s", pl_policy_name(runs[i].policy),
			 runs[i].stagger ? "/stagger" : "");
		printf(" %16s", col);
	}
	putchar('\n');
	row("iommu_probes", runs, nr, 0);
	row("bind_attempts", runs, nr, 1);
	row("deferrals", runs, nr, 2);
	row("retriggers", runs, nr, 3);
	row("violations", runs, nr, 4);
	row("elapsed_ns", runs, nr, 5);
	if (staggered)
		row("settle_ns", runs, nr, 7);
	row("bound", runs, nr, 6);
	for (i = 0; i < nr; i++) {
		const struct run *r = &runs[i];

		if (r->unsupported)
			printf("  %s: not implemented by the loaded probelab.ko (FW_LOAD: EOPNOTSUPP)\n",
			       pl_policy_name(r->policy));
		else if (r->done)
			printf("  %s%s: %u of %u binds deferred at DRV_BIND; add %.3f s, bind %.3f s, register %.3f s, wait %.3f s; load %.2f -> %.2f%s\n",
			       pl_policy_name(r->policy),
			       r->stagger ? " (staggered)" : "", r->deferred,
			       b->t.n, (double)r->t_add / 1e9,
			       (double)r->t_bind / 1e9, (double)r->t_reg / 1e9,
			       (double)r->t_wait / 1e9, r->load0, r->load1,
			       r->bound == b->t.n ? "" : "; NOT ALL BOUND");
		if (r->done && r->stagger && r->quiet_regs)
			printf("  %s (staggered): nothing moved after %u of %u registrations\n",
			       pl_policy_name(r->policy), r->quiet_regs, b->t.k);
	}
}

static void print_json(const struct bench *b, const unsigned int *order,
		       const struct run *runs, unsigned int nr, bool staggered)
{
	json_object *o = json_object_new_object(), *a;
	unsigned int i;

	json_object_object_add(o, "bench", json_object_new_string("deferral"));
	json_object_object_add(o, "devices", json_object_new_int64(b->t.n));
	json_object_object_add(o, "instances", json_object_new_int64(b->t.k));
	json_object_object_add(o, "model", json_object_new_string(
		pl_iommu_model_name(b->t.model)));
	json_object_object_add(o, "seed", json_object_new_uint64(b->seed));
	if (staggered)
		json_object_object_add(o, "settle_ms",
				       json_object_new_int64(b->settle_ms));
	a = json_object_new_array();
	for (i = 0; i < b->t.k; i++) {
		char name[32];

		bench_topo_iommu_name(&b->t, order[i], name, sizeof(name));
		json_object_array_add(a, json_object_new_string(name));
	}
	json_object_object_add(o, "register_order", a);
	if (nr == 1) {
		/* one run: its figures at the top level */
		json_object *r = run_json(b, &runs[0]);

		json_object_object_foreach(r, key, val)
			json_object_object_add(o, key, json_object_get(val));
		json_object_put(r);
	} else {
		a = json_object_new_array();
		for (i = 0; i < nr; i++)
			json_object_array_add(a, run_json(b, &runs[i]));
		json_object_object_add(o, "runs", a);
	}
	cli_json_print(o);
}

int bench_deferral(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "devices", required_argument, NULL, 'n' },
		{ "instances", required_argument, NULL, 'k' },
		{ "policy", required_argument, NULL, 'p' },
		{ "seed", required_argument, NULL, 's' },
		{ "model", required_argument, NULL, 'm' },
		{ "timeout", required_argument, NULL, 't' },
		{ "stagger", optional_argument, NULL, 'S' },
		{ "settle-ms", required_argument, NULL, 'M' },
		{ "keep", no_argument, NULL, 'K' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct bench b = {
		.cli = cli, .t = { .n = 100, .k = 4,
				   .model = PROBELAB_FW_IOMMU_SMMUV3 },
		.timeout = 120, .settle_ms = 100,
	};
	unsigned int pol[PL_NR_POLICIES] = { PROBELAB_POLICY_FIXED }, npol = 1;
	struct run runs[2 * PL_NR_POLICIES];
	unsigned int *order = NULL, i, nr = 0;
	bool modes[2] = { true, false };	/* unstaggered, staggered */
	int c, ret, status = CLI_OK;
	struct pl_handle *h;
	uint32_t *ids = NULL;
	bool seeded = false;
	char err[512], e[96], *end;
	unsigned long v;
	void *blob = NULL;
	uint64_t rs;
	size_t len;

	optind = 1;
	while ((c = getopt_long(argc, argv, "n:k:p:s:m:t:S::M:Kqh", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
		case 'k':
			errno = 0;
			v = strtoul(optarg, &end, 10);
			if (errno || *end || optarg[0] == '-' || !v ||
			    v > (c == 'n' ? BENCH_MAX_DEVICES :
				 PROBELAB_FW_MAX_IOMMUS))
				return cli_usage(cli, c == 'n' ?
					"--devices takes 1..%u" :
					"--instances takes 1..%u",
					c == 'n' ? BENCH_MAX_DEVICES :
					PROBELAB_FW_MAX_IOMMUS);
			if (c == 'n')
				b.t.n = (unsigned int)v;
			else
				b.t.k = (unsigned int)v;
			break;
		case 'p':
			if (pl_policies_from_list(optarg, pol, &npol))
				return cli_usage(cli, "--policy takes fixed, linux-6.1, mainline, a comma-separated list of them, or all");
			break;
		case 's':
			errno = 0;
			b.seed = strtoull(optarg, &end, 0);
			if (errno || *end || optarg[0] == '-' || !optarg[0])
				return cli_usage(cli, "--seed takes an unsigned 64-bit number");
			seeded = true;
			break;
		case 'm':
			if (!strcmp(optarg, "smmuv3"))
				b.t.model = PROBELAB_FW_IOMMU_SMMUV3;
			else if (!strcmp(optarg, "vtd"))
				b.t.model = PROBELAB_FW_IOMMU_VTD;
			else
				return cli_usage(cli, "--model is smmuv3 or vtd");
			break;
		case 't':
			errno = 0;
			b.timeout = strtod(optarg, &end);
			if (errno || *end || !(b.timeout > 0) || b.timeout > 1e6)
				return cli_usage(cli, "--timeout takes seconds > 0");
			break;
		case 'S':
			if (!optarg) {
				modes[0] = false;
				modes[1] = true;
			} else if (!strcmp(optarg, "both")) {
				modes[0] = modes[1] = true;
			} else {
				return cli_usage(cli, "--stagger takes no value, or =both");
			}
			break;
		case 'M':
			errno = 0;
			v = strtoul(optarg, &end, 10);
			if (errno || *end || optarg[0] == '-' || !v || v > 60000)
				return cli_usage(cli, "--settle-ms takes 1..60000");
			b.settle_ms = (unsigned int)v;
			break;
		case 'K':
			b.keep = true;
			break;
		case 'q':
			b.pr.quiet = true;
			break;
		default:
			return cli_usage(cli, "bad option");
		}
	}
	if (optind != argc)
		return cli_usage(cli, "unexpected argument '%s'", argv[optind]);
	if (!seeded)
		b.seed = bench_now_ns() ^ ((uint64_t)getpid() << 32);

	ret = bench_topo_build(&b.t, &blob, &len, err, sizeof(err));
	if (ret)
		return cli_fail(cli, ret, "%s", err);
	ids = calloc(b.t.n, sizeof(*ids));
	order = calloc(b.t.k, sizeof(*order));
	if (!ids || !order) {
		free(blob);
		free(ids);
		free(order);
		return cli_fail(cli, -ENOMEM, "out of memory");
	}
	/* Fisher-Yates over the instances, from the seed */
	rs = b.seed;
	for (i = 0; i < b.t.k; i++)
		order[i] = i;
	for (i = b.t.k; i > 1; i--) {
		unsigned int j = (unsigned int)(rnd_next(&rs) % i), tmp;

		tmp = order[i - 1];
		order[i - 1] = order[j];
		order[j] = tmp;
	}

	ret = cli_open(cli, &h);
	if (ret) {
		free(blob);
		free(ids);
		free(order);
		return ret;
	}
	memset(runs, 0, sizeof(runs));
	for (i = 0; i < npol; i++)
		for (unsigned int m = 0; m < 2; m++)
			if (modes[m]) {
				runs[nr].policy = pol[i];
				runs[nr++].stagger = m;
			}
	for (i = 0; i < nr && status == CLI_OK; i++) {
		status = run_one(&b, h, blob, len, order, ids, &runs[i]);
		/* the last run stays with --keep; the others never do */
		if (!b.keep || i + 1 < nr || status != CLI_OK) {
			ret = pl_lab_reset(h);
			if (ret && status == CLI_OK)
				status = cli_fail(cli, ret, "LAB_RESET after the run: %s",
						  cli_errstr(ret, e, sizeof(e)));
		}
	}
	pl_close(h);
	if (status != CLI_OK)
		goto out;
	for (i = 0; i < nr; i++)
		if (runs[i].unsupported ||
		    (runs[i].done && (runs[i].bound != b.t.n ||
				      runs[i].st.violations)))
			status = CLI_FAIL;
	if (cli->json)
		print_json(&b, order, runs, nr, modes[1]);
	else
		print_table(&b, order, runs, nr, modes[1]);
out:
	free(blob);
	free(ids);
	free(order);
	return status;
}

static int bench_run(struct cli *cli, int argc, char **argv)
{
	if (argc < 2)
		return cli_usage(cli, "missing benchmark (deferral, cycle, mem, map, race)");
	if (!strcmp(argv[1], "deferral"))
		return bench_deferral(cli, argc - 1, argv + 1);
	if (!strcmp(argv[1], "cycle"))
		return bench_cycle(cli, argc - 1, argv + 1);
	if (!strcmp(argv[1], "mem"))
		return bench_mem(cli, argc - 1, argv + 1);
	if (!strcmp(argv[1], "map"))
		return bench_map(cli, argc - 1, argv + 1);
	if (!strcmp(argv[1], "race"))
		return bench_race(cli, argc - 1, argv + 1);
	return cli_usage(cli, "unknown benchmark '%s' (deferral, cycle, mem, map, race)", argv[1]);
}

const struct cli_cmd cli_cmd_bench = {
	.name = "bench",
	.args = "deferral [--devices N] [--instances K] [--policy P[,P..]|all] [--seed S] [--model smmuv3|vtd] [--timeout S] [--stagger[=both]] [--settle-ms MS] [--keep] [--quiet]"
		" | cycle [--cycles N] [--warmup N] [--repeat R] [--policy P[,P..]|all] [--model smmuv3|vtd|all] [--quiet]"
		" | mem [--devices N] [--policy P[,P..]|all] [--model smmuv3|vtd|all] [--host|--host-only] [--host-id VVVV:DDDD] [--rounds R]"
		" | map [--paths ioctl,dma_ops,dma_ops_shared,vfio,syscall,cpu|all] [--sizes 4K,2M] [--threads 1,2,4] [--seconds S] [--repeat R] [--model smmuv3|vtd] [--quiet]"
		" | race [--seconds S] [--scenario A[,B..]|all] [--policy P[,P..]|all] [--seed S] [--profile] [--quiet]",
	.summary = "benchmarks: deferral (N drivers bound before K instances register, staggered or not: probes and bind attempts); cycle (add, bind, unbind, remove per device, against a bare lab); mem (kernel memory per lab device, and the guest kernel's own per PCI function); map (map+unmap pairs per second: MAP/UNMAP, the lab dma_ops from kernel threads, VFIO type1 on the guest's own IOMMU); race (race-engine cycles/s per scenario, --profile: where a cycle's time goes)",
	.run = bench_run,
};

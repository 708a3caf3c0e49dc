// SPDX-License-Identifier: GPL-2.0
/*
 * probelab bench deferral: how many IOMMU probes and driver bind attempts
 * it takes to bring N devices up when every driver is bound before any of
 * the K IOMMU instances registers (the worst case of probe deferral).
 *
 * The topology is built in memory with the description builder: K SMMUv3
 * instances behind one PCI root complex (one ID map per instance) or K
 * VT-d DRHDs (INCLUDE_PCI_ALL, one PCI segment each); the N PCI devices
 * are spread round-robin over them.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "probelab.h"
#include "topo.h"

#define BENCH_MAX_DEVICES	32768

struct bench {
	struct cli *cli;
	unsigned int n, k;
	unsigned int model;
	uint64_t seed;
	double timeout;
	bool quiet, keep;
	uint64_t last_progress;
	uint64_t t_start;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* splitmix64: a small, well-mixed, portable PRNG (seeded runs repeat). */
static uint64_t rnd_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* At most one progress line a second, once the run took a second. */
static void progress(struct bench *b, const char *what, unsigned int done,
		     unsigned int total)
{
	uint64_t t = now_ns();

	if (b->quiet || t - b->t_start < 1000000000u ||
	    t - b->last_progress < 1000000000u)
		return;
	b->last_progress = t;
	fprintf(stderr, "probelab bench: %s %u/%u (%.1f s)\n", what, done,
		total, (double)(t - b->t_start) / 1e9);
}

static void iommu_name(const struct bench *b, unsigned int i, char *buf,
		       size_t len)
{
	snprintf(buf, len, "%s%u",
		 b->model == PROBELAB_FW_IOMMU_SMMUV3 ? "smmu" : "dmar", i);
}

/* Device @idx: instance idx % K, position idx / K among its devices. */
static void dev_addr(const struct bench *b, unsigned int idx, uint16_t *seg,
		     uint8_t *bus, uint8_t *devfn)
{
	unsigned int i = idx % b->k, j = idx / b->k;
	unsigned int per = (b->n + b->k - 1) / b->k;
	unsigned int rid;

	if (b->model == PROBELAB_FW_IOMMU_SMMUV3) {
		*seg = 0;
		rid = i * per + j;
	} else {
		*seg = (uint16_t)i;
		rid = j;
	}
	*bus = (uint8_t)(rid >> 8);
	*devfn = (uint8_t)(rid & 0xff);
}

static int build(const struct bench *b, void **blob, size_t *len, char *err,
		 size_t errlen)
{
	unsigned int per = (b->n + b->k - 1) / b->k, i;
	struct pl_topo_builder *tb = pl_topo_builder_new();
	char origin[48];
	int ret = 0, rc = 0;

	if (!tb)
		return -ENOMEM;
	for (i = 0; i < b->k && ret >= 0; i++) {
		struct probelab_fw_iommu io;

		memset(&io, 0, sizeof(io));
		io.model = (uint16_t)b->model;
		iommu_name(b, i, io.name, sizeof(io.name));
		if (b->model == PROBELAB_FW_IOMMU_SMMUV3) {
			io.sid_bits = 16;
			io.base = 0x40000000ull + (uint64_t)i * 0x20000;
		} else {
			io.segment = (uint16_t)i;
			io.flags = PROBELAB_FW_VTD_INCLUDE_PCI_ALL;
			io.base = 0xfed00000ull + (uint64_t)i * 0x1000;
		}
		snprintf(origin, sizeof(origin), "bench:%s", io.name);
		ret = pl_topo_add_iommu(tb, &io, origin);
	}
	if (ret >= 0 && b->model == PROBELAB_FW_IOMMU_SMMUV3) {
		struct probelab_fw_rc r;

		memset(&r, 0, sizeof(r));
		r.bus_start = 0;
		r.bus_end = 0xff;
		r.rid_mask = 0xffff;
		snprintf(r.name, sizeof(r.name), "pcie0");
		rc = ret = pl_topo_add_rc(tb, &r, "bench:pcie0");
		for (i = 0; i < b->k && ret >= 0; i++) {
			unsigned int cnt = b->n / b->k + (i < b->n % b->k);
			struct probelab_fw_idmap m;

			if (!cnt)
				continue;
			memset(&m, 0, sizeof(m));
			m.rc = (uint16_t)rc;
			m.iommu = (uint16_t)i;
			m.rid_base = i * per;
			m.length = cnt;
			m.output_base = 0;
			snprintf(origin, sizeof(origin), "bench:pcie0.map%u", i);
			ret = pl_topo_add_idmap(tb, &m, origin);
		}
	}
	if (ret >= 0)
		ret = pl_topo_builder_finish(tb, blob, len, err, errlen);
	else
		snprintf(err, errlen, "building the description: %s",
			 strerror(-ret));
	pl_topo_builder_free(tb);
	return ret < 0 ? ret : 0;
}

/* The outcome of one run under one policy. */
struct run {
	unsigned int policy;
	bool done;		/* the run happened (policy implemented) */
	bool unsupported;	/* FW_LOAD answered EOPNOTSUPP */
	struct probelab_stats st;
	uint64_t t_add, t_bind, t_reg, t_wait;	/* phase durations */
	unsigned int deferred;	/* DRV_BIND results "deferred" */
	unsigned int bound;
};

/*
 * One run: reset, FW_LOAD, STATS reset, add N, bind N, register K in
 * @order, wait until all are bound (or the timeout), STATS.  Returns
 * CLI_OK, or CLI_FAIL after reporting an operation that failed.
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

	ret = pl_lab_reset(h);
	if (ret)
		return cli_fail(b->cli, ret, "LAB_RESET: %s",
				cli_errstr(ret, e, sizeof(e)));
	ret = pl_fw_load(h, blob, len, r->policy, PROBELAB_DOMAIN_DMA, &rej);
	if (ret == -EOPNOTSUPP) {
		r->unsupported = true;
		if (!b->quiet)
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

	b->t_start = now_ns();
	b->last_progress = b->t_start;
	t0 = b->t_start;
	for (i = 0; i < b->n; i++) {
		uint16_t seg;
		uint8_t bus, devfn;

		dev_addr(b, i, &seg, &bus, &devfn);
		ret = pl_dev_add_pci(h, seg, bus, devfn, NULL, 0, &ids[i]);
		if (ret)
			return cli_fail(b->cli, ret, "DEV_ADD %04x:%02x:%02x.%u: %s",
					seg, bus, devfn >> 3, devfn & 7,
					cli_errstr(ret, e, sizeof(e)));
		progress(b, "devices added", i + 1, b->n);
	}
	t1 = now_ns();
	r->t_add = t1 - t0;
	t0 = t1;
	for (i = 0; i < b->n; i++) {
		uint32_t result = 0;

		ret = pl_drv_bind(h, ids[i], PROBELAB_DRV_DMA, &result);
		if (ret)
			return cli_fail(b->cli, ret, "DRV_BIND device %u: %s",
					ids[i], cli_errstr(ret, e, sizeof(e)));
		r->deferred += result == PROBELAB_BIND_DEFERRED;
		progress(b, "drivers bound (deferred)", i + 1, b->n);
	}
	t1 = now_ns();
	r->t_bind = t1 - t0;
	t0 = t1;
	for (i = 0; i < b->k; i++) {
		char name[32];

		iommu_name(b, order[i], name, sizeof(name));
		ret = pl_iommu_register(h, name);
		if (ret)
			return cli_fail(b->cli, ret, "IOMMU_REGISTER %s: %s", name,
					cli_errstr(ret, e, sizeof(e)));
		progress(b, "instances registered", i + 1, b->k);
	}
	t1 = now_ns();
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
		if (r->bound >= b->n ||
		    (double)(now_ns() - t0) / 1e9 > b->timeout)
			break;
		progress(b, "devices bound", r->bound, b->n);
		usleep(10000);
	}
	r->t_wait = now_ns() - t0;
	ret = pl_stats(h, &r->st, 0);
	if (ret)
		return cli_fail(b->cli, ret, "STATS: %s",
				cli_errstr(ret, e, sizeof(e)));
	r->done = true;
	if (r->bound != b->n)
		fprintf(stderr, "probelab bench: policy %s: only %u of %u devices bound after %g s\n",
			pl_policy_name(r->policy), r->bound, b->n, b->timeout);
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
	json_object_object_add(o, "deferred_at_bind",
			       json_object_new_int64(r->deferred));
	json_object_object_add(o, "bound", json_object_new_int64(r->bound));
	json_object_object_add(o, "all_bound",
			       json_object_new_boolean(r->bound == b->n));
	return o;
}

/* One row of the human table: a counter under every policy. */
static void row(const char *name, const struct run *runs, unsigned int nr,
		int which)
{
	printf("  %-14s", name);
	for (unsigned int i = 0; i < nr; i++) {
		const struct run *r = &runs[i];
		unsigned long long v = 0;

		if (!r->done) {
			printf(" %14s", r->unsupported ? "n/a" : "-");
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
		}
		printf(" %14llu", v);
	}
	putchar('\n');
}

static int bench_deferral(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "devices", required_argument, NULL, 'n' },
		{ "instances", required_argument, NULL, 'k' },
		{ "policy", required_argument, NULL, 'p' },
		{ "seed", required_argument, NULL, 's' },
		{ "model", required_argument, NULL, 'm' },
		{ "timeout", required_argument, NULL, 't' },
		{ "keep", no_argument, NULL, 'K' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct bench b = {
		.cli = cli, .n = 100, .k = 4,
		.model = PROBELAB_FW_IOMMU_SMMUV3, .timeout = 120,
	};
	unsigned int pol[PL_NR_POLICIES] = { PROBELAB_POLICY_FIXED }, npol = 1;
	struct run runs[PL_NR_POLICIES];
	unsigned int *order = NULL, i;
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
	while ((c = getopt_long(argc, argv, "n:k:p:s:m:t:Kqh", opts, NULL)) != -1) {
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
				b.n = (unsigned int)v;
			else
				b.k = (unsigned int)v;
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
				b.model = PROBELAB_FW_IOMMU_SMMUV3;
			else if (!strcmp(optarg, "vtd"))
				b.model = PROBELAB_FW_IOMMU_VTD;
			else
				return cli_usage(cli, "--model is smmuv3 or vtd");
			break;
		case 't':
			errno = 0;
			b.timeout = strtod(optarg, &end);
			if (errno || *end || !(b.timeout > 0) || b.timeout > 1e6)
				return cli_usage(cli, "--timeout takes seconds > 0");
			break;
		case 'K':
			b.keep = true;
			break;
		case 'q':
			b.quiet = true;
			break;
		default:
			return cli_usage(cli, "bad option");
		}
	}
	if (optind != argc)
		return cli_usage(cli, "unexpected argument '%s'", argv[optind]);
	if (!seeded)
		b.seed = now_ns() ^ ((uint64_t)getpid() << 32);

	ret = build(&b, &blob, &len, err, sizeof(err));
	if (ret)
		return cli_fail(cli, ret, "%s", err);
	ids = calloc(b.n, sizeof(*ids));
	order = calloc(b.k, sizeof(*order));
	if (!ids || !order) {
		free(blob);
		free(ids);
		free(order);
		return cli_fail(cli, -ENOMEM, "out of memory");
	}
	/* Fisher-Yates over the instances, from the seed */
	rs = b.seed;
	for (i = 0; i < b.k; i++)
		order[i] = i;
	for (i = b.k; i > 1; i--) {
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
	for (i = 0; i < npol && status == CLI_OK; i++) {
		runs[i].policy = pol[i];
		status = run_one(&b, h, blob, len, order, ids, &runs[i]);
		/* the last run stays with --keep; the others never do */
		if (!b.keep || i + 1 < npol || status != CLI_OK) {
			ret = pl_lab_reset(h);
			if (ret && status == CLI_OK)
				status = cli_fail(cli, ret, "LAB_RESET after the run: %s",
						  cli_errstr(ret, e, sizeof(e)));
		}
	}
	pl_close(h);
	if (status != CLI_OK)
		goto out;
	for (i = 0; i < npol; i++)
		if (runs[i].unsupported ||
		    (runs[i].done && (runs[i].bound != b.n ||
				      runs[i].st.violations)))
			status = CLI_FAIL;

	if (cli->json) {
		json_object *o = json_object_new_object(), *a;

		json_object_object_add(o, "bench", json_object_new_string("deferral"));
		json_object_object_add(o, "devices", json_object_new_int64(b.n));
		json_object_object_add(o, "instances", json_object_new_int64(b.k));
		json_object_object_add(o, "model", json_object_new_string(
			pl_iommu_model_name(b.model)));
		json_object_object_add(o, "seed",
				       json_object_new_uint64(b.seed));
		a = json_object_new_array();
		for (i = 0; i < b.k; i++) {
			char name[32];

			iommu_name(&b, order[i], name, sizeof(name));
			json_object_array_add(a, json_object_new_string(name));
		}
		json_object_object_add(o, "register_order", a);
		if (npol == 1) {
			/* one policy: its figures at the top level */
			json_object *r = run_json(&b, &runs[0]);

			json_object_object_foreach(r, key, val)
				json_object_object_add(o, key, json_object_get(val));
			json_object_put(r);
		} else {
			a = json_object_new_array();
			for (i = 0; i < npol; i++)
				json_object_array_add(a, run_json(&b, &runs[i]));
			json_object_object_add(o, "runs", a);
		}
		cli_json_print(o);
		goto out;
	}

	printf("bench deferral: %u devices over %u %s instances, seed %" PRIu64 "\n",
	       b.n, b.k, pl_iommu_model_name(b.model), b.seed);
	printf("  register order:");
	for (i = 0; i < b.k; i++) {
		char name[32];

		iommu_name(&b, order[i], name, sizeof(name));
		printf(" %s", name);
	}
	printf("\n  %-14s", "policy");
	for (i = 0; i < npol; i++)
		printf(" %14s", pl_policy_name(runs[i].policy));
	putchar('\n');
	row("iommu_probes", runs, npol, 0);
	row("bind_attempts", runs, npol, 1);
	row("deferrals", runs, npol, 2);
	row("retriggers", runs, npol, 3);
	row("violations", runs, npol, 4);
	row("elapsed_ns", runs, npol, 5);
	row("bound", runs, npol, 6);
	for (i = 0; i < npol; i++) {
		const struct run *r = &runs[i];

		if (r->unsupported)
			printf("  %s: not implemented by the loaded probelab.ko (FW_LOAD: EOPNOTSUPP)\n",
			       pl_policy_name(r->policy));
		else if (r->done)
			printf("  %s: %u of %u binds deferred at DRV_BIND; add %.3f s, bind %.3f s, register %.3f s, wait %.3f s%s\n",
			       pl_policy_name(r->policy), r->deferred, b.n,
			       (double)r->t_add / 1e9, (double)r->t_bind / 1e9,
			       (double)r->t_reg / 1e9, (double)r->t_wait / 1e9,
			       r->bound == b.n ? "" : "; NOT ALL BOUND");
	}
out:
	free(blob);
	free(ids);
	free(order);
	return status;
}

static int bench_run(struct cli *cli, int argc, char **argv)
{
	if (argc < 2)
		return cli_usage(cli, "missing benchmark (deferral)");
	if (!strcmp(argv[1], "deferral"))
		return bench_deferral(cli, argc - 1, argv + 1);
	return cli_usage(cli, "unknown benchmark '%s' (deferral)", argv[1]);
}

const struct cli_cmd cli_cmd_bench = {
	.name = "bench",
	.args = "deferral [--devices N] [--instances K] [--policy P[,P..]|all] [--seed S] [--model smmuv3|vtd] [--timeout S] [--keep] [--quiet]",
	.summary = "bind N drivers before K instances register (random order); count probes and bind attempts",
	.run = bench_run,
};

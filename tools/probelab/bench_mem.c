// SPDX-License-Identifier: GPL-2.0
/*
 * probelab bench mem: kernel memory per lab device, under each policy and
 * model and in a bare lab (the driver core's own cost on the lab bus):
 * /proc/meminfo's Slab and MemFree before and after adding N devices and
 * after binding probelab-dma to them (the instance registered first), and
 * the slab caches that grew most beyond the bare lab's growth
 * (/proc/slabinfo, when readable): where the layer's bytes go.  The
 * page cache is dropped and the slab caches shrunk before each snapshot,
 * so that what is left is live objects; the figures are still those of a
 * whole machine: other activity shows in them (so the load average is
 * reported beside them).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"
#include "bench_mem_host.h"
#include "cli.h"
#include "meminfo.h"
#include "probelab.h"

#define MEM_MAX_DEVICES		32768
#define MEM_TOP_CACHES		6

enum { SNAP_BEFORE, SNAP_ADDED, SNAP_BOUND, SNAP_NR };

struct mem_run {
	unsigned int model, policy;
	bool bare;
	struct pl_meminfo mi[SNAP_NR];
	struct pl_slabinfo si[SNAP_NR];
	struct pl_slab_delta top[MEM_TOP_CACHES];
	size_t ntop;
	uint64_t iommu_probes;
	double load;
};

/* Drops the page cache and shrinks the slabs (root; best effort). */
void bench_mem_settle(void)
{
	FILE *f;

	sync();
	f = fopen("/proc/sys/vm/drop_caches", "we");
	if (f) {
		fputs("3\n", f);
		fclose(f);
	}
}

static int snapshot(struct cli *cli, struct mem_run *r, unsigned int s)
{
	int ret;

	bench_mem_settle();
	ret = pl_meminfo_read(&r->mi[s]);
	if (ret)
		return cli_fail(cli, ret, "reading /proc/meminfo");
	/* absent or unreadable slabinfo: no per-cache figures */
	pl_slabinfo_read(&r->si[s]);
	return CLI_OK;
}

static int run_mem(struct cli *cli, struct pl_handle *h, unsigned int n,
		   const struct bench_topo *t, const void *blob, size_t len,
		   struct mem_run *r)
{
	struct probelab_stats st;
	uint32_t *ids = calloc(n, sizeof(*ids));
	unsigned int i;
	char e[96], name[32];
	int ret, status = CLI_OK;

	if (!ids)
		return cli_fail(cli, -ENOMEM, "out of memory");
	ret = pl_lab_reset(h);
	if (!ret)
		ret = pl_fw_load_flags(h, blob, len, r->policy,
				       PROBELAB_DOMAIN_DMA,
				       r->bare ? PROBELAB_FW_LOAD_BARE : 0, NULL);
	if (!ret && !r->bare) {
		bench_topo_iommu_name(t, 0, name, sizeof(name));
		ret = pl_iommu_register(h, name);
	}
	if (!ret)
		ret = pl_stats(h, &st, 1);
	if (ret) {
		status = cli_fail(cli, ret, "setting up the lab (policy %s%s): %s",
				  pl_policy_name(r->policy),
				  r->bare ? ", bare" : "",
				  cli_errstr(ret, e, sizeof(e)));
		goto out;
	}
	r->load = bench_loadavg();
	status = snapshot(cli, r, SNAP_BEFORE);
	for (i = 0; i < n && status == CLI_OK; i++) {
		uint16_t seg;
		uint8_t bus, devfn;

		bench_topo_dev_addr(t, i, &seg, &bus, &devfn);
		ret = pl_dev_add_pci(h, seg, bus, devfn, NULL, 0, &ids[i]);
		if (ret)
			status = cli_fail(cli, ret, "DEV_ADD: %s",
					  cli_errstr(ret, e, sizeof(e)));
	}
	if (status == CLI_OK)
		status = snapshot(cli, r, SNAP_ADDED);
	for (i = 0; i < n && status == CLI_OK; i++) {
		uint32_t result = 0;

		ret = pl_drv_bind(h, ids[i], PROBELAB_DRV_DMA, &result);
		if (!ret && result != PROBELAB_BIND_BOUND)
			ret = -EAGAIN;
		if (ret)
			status = cli_fail(cli, ret, "DRV_BIND device %u: %s",
					  ids[i], cli_errstr(ret, e, sizeof(e)));
	}
	if (status == CLI_OK)
		status = snapshot(cli, r, SNAP_BOUND);
	if (status == CLI_OK) {
		r->ntop = pl_slabinfo_diff(&r->si[SNAP_BEFORE], &r->si[SNAP_BOUND],
					   r->top, MEM_TOP_CACHES);
		ret = pl_stats(h, &st, 0);
		if (ret)
			status = cli_fail(cli, ret, "STATS: %s",
					  cli_errstr(ret, e, sizeof(e)));
		else if (st.violations)
			status = cli_fail(cli, 0, "%llu invariant violations (dmesg)",
					  (unsigned long long)st.violations);
		r->iommu_probes = st.iommu_probes;
	}
out:
	free(ids);
	return status;
}

/* Bytes per device from snapshot @a to @b: slab, and MemFree's drop. */
static double per_dev_slab(const struct mem_run *r, unsigned int a,
			   unsigned int b, unsigned int n)
{
	return ((double)r->mi[b].slab - (double)r->mi[a].slab) / n;
}

static double per_dev_used(const struct mem_run *r, unsigned int a,
			   unsigned int b, unsigned int n)
{
	return ((double)r->mi[a].mem_free - (double)r->mi[b].mem_free) / n;
}

static const char *run_label(const struct mem_run *r, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s", r->bare ? "bare/" : "",
		 pl_policy_name(r->policy));
	return buf;
}

static json_object *run_json(const struct mem_run *r, unsigned int n,
			     const struct mem_run *bare)
{
	json_object *o = json_object_new_object(), *a;

	json_object_object_add(o, "policy", json_object_new_string(
		pl_policy_name(r->policy)));
	json_object_object_add(o, "model", json_object_new_string(
		pl_iommu_model_name(r->model)));
	json_object_object_add(o, "bare", json_object_new_boolean(r->bare));
	json_object_object_add(o, "iommu_probes",
			       json_object_new_uint64(r->iommu_probes));
	json_object_object_add(o, "added_slab_bytes_per_device",
			       json_object_new_double(per_dev_slab(r, 0, 1, n)));
	json_object_object_add(o, "added_memfree_drop_per_device",
			       json_object_new_double(per_dev_used(r, 0, 1, n)));
	json_object_object_add(o, "bound_slab_bytes_per_device",
			       json_object_new_double(per_dev_slab(r, 0, 2, n)));
	json_object_object_add(o, "bound_memfree_drop_per_device",
			       json_object_new_double(per_dev_used(r, 0, 2, n)));
	if (bare) {
		json_object_object_add(o, "layer_slab_bytes_per_device",
			json_object_new_double(per_dev_slab(r, 0, 2, n) -
					       per_dev_slab(bare, 0, 2, n)));
		json_object_object_add(o, "layer_memfree_drop_per_device",
			json_object_new_double(per_dev_used(r, 0, 2, n) -
					       per_dev_used(bare, 0, 2, n)));
	}
	a = json_object_new_array();
	for (size_t i = 0; i < r->ntop; i++) {
		json_object *c = json_object_new_object();

		json_object_object_add(c, "cache",
				       json_object_new_string(r->top[i].name));
		json_object_object_add(c, "bytes_per_device", json_object_new_double(
			(double)r->top[i].bytes / n));
		json_object_object_add(c, "objects_per_device", json_object_new_double(
			(double)r->top[i].objs / n));
		json_object_array_add(a, c);
	}
	/* layered runs: beyond the bare lab; bare runs: all their growth */
	json_object_object_add(o, "top_caches", a);
	json_object_object_add(o, "loadavg", json_object_new_double(r->load));
	return o;
}

static void print_table(const struct mem_run *runs, unsigned int nr,
			unsigned int n, bool slabinfo)
{
	char lbl[40];

	printf("bench mem: %u devices; bytes per device after add and after bind (probelab-dma), from /proc/meminfo\n",
	       n);
	printf("  %-7s %-16s %10s %10s %10s %10s %10s\n", "model", "lab",
	       "add slab", "add used", "bind slab", "bind used", "layer");
	for (unsigned int i = 0; i < nr; i++) {
		const struct mem_run *r = &runs[i], *bare = NULL;

		for (unsigned int j = 0; j < nr; j++)
			if (runs[j].bare && runs[j].model == r->model &&
			    runs[j].policy == r->policy)
				bare = &runs[j];
		printf("  %-7s %-16s %10.0f %10.0f %10.0f %10.0f",
		       pl_iommu_model_name(r->model),
		       run_label(r, lbl, sizeof(lbl)),
		       per_dev_slab(r, 0, 1, n), per_dev_used(r, 0, 1, n),
		       per_dev_slab(r, 0, 2, n), per_dev_used(r, 0, 2, n));
		if (!r->bare && bare)
			printf(" %10.0f", per_dev_used(r, 0, 2, n) -
			       per_dev_used(bare, 0, 2, n));
		putchar('\n');
		if (!slabinfo || r->bare)
			continue;
		printf("    caches grown beyond the bare lab's (bytes/device):");
		for (size_t k = 0; k < r->ntop; k++)
			printf(" %s %.0f", r->top[k].name,
			       (double)r->top[k].bytes / n);
		putchar('\n');
	}
	if (!slabinfo)
		printf("  /proc/slabinfo was not readable: no per-cache figures\n");
	printf("  used = MemFree's drop (slab, pages, page tables ...); layer = used - the bare lab's used\n");
}

int bench_mem(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "devices", required_argument, NULL, 'n' },
		{ "policy", required_argument, NULL, 'p' },
		{ "model", required_argument, NULL, 'm' },
		{ "host", no_argument, NULL, 'H' },
		{ "host-only", no_argument, NULL, 'O' },
		{ "host-id", required_argument, NULL, 'I' },
		{ "rounds", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	unsigned int pol[PL_NR_POLICIES] = { PROBELAB_POLICY_FIXED,
		PROBELAB_POLICY_LINUX_6_1, PROBELAB_POLICY_MAINLINE };
	unsigned int npol = PL_NR_POLICIES, n = 1000, nmodels = 2, nr = 0;
	unsigned int models[2] = { PROBELAB_FW_IOMMU_SMMUV3,
				   PROBELAB_FW_IOMMU_VTD };
	struct host_mem *hm = NULL;
	bool host = false, host_only = false;
	char trail;
	unsigned int vendor = 0x1234, device = 0x11e8, rounds = 5;
	struct mem_run *runs;
	struct pl_handle *h;
	bool slabinfo = false;
	int c, ret, status = CLI_OK;
	char err[512], e[96], *end;
	unsigned long v;

	optind = 1;
	while ((c = getopt_long(argc, argv, "n:p:m:h", opts, NULL)) != -1) {
		switch (c) {
		case 'H':
			host = true;
			break;
		case 'O':
			host = host_only = true;
			break;
		case 'I':
			if (sscanf(optarg, "%4x:%4x%c", &vendor, &device,
				   &trail) != 2)
				return cli_usage(cli, "--host-id takes VVVV:DDDD (hex)");
			break;
		case 'r':
			errno = 0;
			v = strtoul(optarg, &end, 10);
			if (errno || *end || optarg[0] == '-' || !v ||
			    v > HOST_MAX_ROUNDS)
				return cli_usage(cli, "--rounds takes 1..%u",
						 HOST_MAX_ROUNDS);
			rounds = (unsigned int)v;
			break;
		case 'n':
			errno = 0;
			v = strtoul(optarg, &end, 10);
			if (errno || *end || optarg[0] == '-' || !v ||
			    v > MEM_MAX_DEVICES)
				return cli_usage(cli, "--devices takes 1..%u",
						 MEM_MAX_DEVICES);
			n = (unsigned int)v;
			break;
		case 'p':
			if (pl_policies_from_list(optarg, pol, &npol))
				return cli_usage(cli, "--policy takes fixed, linux-6.1, mainline, a comma-separated list of them, or all");
			break;
		case 'm':
			if (!strcmp(optarg, "smmuv3")) {
				nmodels = 1;
			} else if (!strcmp(optarg, "vtd")) {
				models[0] = PROBELAB_FW_IOMMU_VTD;
				nmodels = 1;
			} else if (strcmp(optarg, "all")) {
				return cli_usage(cli, "--model is smmuv3, vtd or all");
			}
			break;
		default:
			return cli_usage(cli, "bad option");
		}
	}
	if (optind != argc)
		return cli_usage(cli, "unexpected argument '%s'", argv[optind]);

	if (host_only)
		nmodels = 0;
	runs = calloc(2 * nmodels * npol + 1, sizeof(*runs));
	if (host)
		hm = calloc(1, sizeof(*hm));
	if (!runs || (host && !hm)) {
		free(runs);
		free(hm);
		return cli_fail(cli, -ENOMEM, "out of memory");
	}
	ret = cli_open(cli, &h);
	if (ret) {
		free(runs);
		free(hm);
		return ret;
	}
	if (host) {
		hm->vendor = vendor;
		hm->device = device;
		hm->rounds = rounds;
		status = bench_mem_host_run(cli, hm);
	}
	for (unsigned int m = 0; m < nmodels && status == CLI_OK; m++) {
		struct bench_topo t = { .n = n, .k = 1, .model = models[m] };
		void *blob = NULL;
		size_t len;

		ret = bench_topo_build(&t, &blob, &len, err, sizeof(err));
		if (ret) {
			status = cli_fail(cli, ret, "%s", err);
			break;
		}
		for (unsigned int p = 0; p < npol && status == CLI_OK; p++) {
			for (unsigned int b = 0; b < 2 && status == CLI_OK; b++) {
				struct mem_run *r = &runs[nr++];

				r->model = models[m];
				r->policy = pol[p];
				r->bare = !b;
				status = run_mem(cli, h, n, &t, blob, len, r);
				slabinfo |= r->si[SNAP_BEFORE].nr > 0;
				/* the layered run: its caches beyond the bare lab's */
				if (b && status == CLI_OK)
					r->ntop = pl_slabinfo_diff_over(
						&r->si[SNAP_BEFORE], &r->si[SNAP_BOUND],
						&r[-1].si[SNAP_BEFORE],
						&r[-1].si[SNAP_BOUND], r->top,
						MEM_TOP_CACHES);
			}
		}
		free(blob);
	}
	ret = pl_lab_reset(h);
	if (ret && status == CLI_OK)
		status = cli_fail(cli, ret, "LAB_RESET after the runs: %s",
				  cli_errstr(ret, e, sizeof(e)));
	pl_close(h);
	if (status == CLI_OK && cli->json) {
		json_object *o = json_object_new_object(), *a;

		json_object_object_add(o, "bench", json_object_new_string("mem"));
		json_object_object_add(o, "devices", json_object_new_int64(n));
		json_object_object_add(o, "slabinfo",
				       json_object_new_boolean(slabinfo));
		a = json_object_new_array();
		for (unsigned int i = 0; i < nr; i++) {
			const struct mem_run *bare = NULL;

			for (unsigned int j = 0; j < nr && !runs[i].bare; j++)
				if (runs[j].bare && runs[j].model == runs[i].model &&
				    runs[j].policy == runs[i].policy)
					bare = &runs[j];
			json_object_array_add(a, run_json(&runs[i], n, bare));
		}
		json_object_object_add(o, "runs", a);
		if (host)
			json_object_object_add(o, "host",
					       bench_mem_host_json(hm));
		cli_json_print(o);
	} else if (status == CLI_OK) {
		if (nr)
			print_table(runs, nr, n, slabinfo);
		if (host)
			bench_mem_host_print(hm);
	}
	if (hm) {
		bench_mem_host_free(hm);
		free(hm);
	}
	for (unsigned int i = 0; i < nr; i++)
		for (unsigned int s = 0; s < SNAP_NR; s++)
			pl_slabinfo_free(&runs[i].si[s]);
	free(runs);
	return status;
}

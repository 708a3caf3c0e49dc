/* SPDX-License-Identifier: GPL-2.0 */
/*
 * probelab bench: what the benchmarks share - the in-memory topology of
 * K instances and N PCI devices (bench_topo.c), the clock, the progress
 * line and the load average - and the benchmarks' entry points
 * (cmd_bench.c dispatches).
 */
#ifndef PROBELAB_BENCH_H
#define PROBELAB_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cli;

/*
 * The bench topology: @k instances of @model (SMMUv3 instances behind one
 * PCI root complex, one ID map each, or VT-d DRHDs with INCLUDE_PCI_ALL,
 * one PCI segment each); @n PCI devices spread round-robin over them.
 */
struct bench_topo {
	unsigned int n, k;
	unsigned int model;	/* PROBELAB_FW_IOMMU_SMMUV3 or _VTD */
};

/* The description blob (free() it): 0, or a negative errno with @err set. */
int bench_topo_build(const struct bench_topo *t, void **blob, size_t *len,
		     char *err, size_t errlen);
/* Instance @i's name: "smmu<i>" or "dmar<i>". */
void bench_topo_iommu_name(const struct bench_topo *t, unsigned int i,
			   char *buf, size_t len);
/* Device @idx: instance idx % K, position idx / K among its devices. */
void bench_topo_dev_addr(const struct bench_topo *t, unsigned int idx,
			 uint16_t *seg, uint8_t *bus, uint8_t *devfn);

uint64_t bench_now_ns(void);
/* The 1-minute load average of /proc/loadavg, -1 when unreadable. */
double bench_loadavg(void);

/* At most one progress line a second on stderr, once a run took 1 s. */
struct bench_progress {
	bool quiet;
	uint64_t t_start, last;
};

void bench_progress_start(struct bench_progress *p);
void bench_progress(struct bench_progress *p, const char *what,
		    unsigned int done, unsigned int total);

/* The benchmarks (argv[0] is the benchmark's name). */
int bench_deferral(struct cli *cli, int argc, char **argv);
int bench_cycle(struct cli *cli, int argc, char **argv);
int bench_mem(struct cli *cli, int argc, char **argv);
int bench_map(struct cli *cli, int argc, char **argv);
int bench_race(struct cli *cli, int argc, char **argv);

#endif /* PROBELAB_BENCH_H */

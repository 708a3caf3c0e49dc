/* SPDX-License-Identifier: GPL-2.0 */
/*
 * probelab bench mem --host: the guest kernel's own per-function cost on
 * its real PCI functions (bench_mem_host.c), beside the lab's figures.
 */
#ifndef PROBELAB_BENCH_MEM_HOST_H
#define PROBELAB_BENCH_MEM_HOST_H

#include <stdbool.h>
#include <stdint.h>

#include <json-c/json.h>

#include "meminfo.h"

struct cli;

#define HOST_MAX_FUNCS		64
#define HOST_MAX_ROUNDS		50
#define HOST_TOP_CACHES		6

struct host_mem {
	unsigned int vendor, device;	/* the functions' ID */
	unsigned int rounds;		/* counted rounds, 1..HOST_MAX_ROUNDS */
	unsigned int n;			/* functions found */
	char bdf[HOST_MAX_FUNCS][32];
	unsigned int groups;		/* with an iommu_group after the rescan */
	/* per round: after the remove, after the rescan */
	struct pl_meminfo mi[HOST_MAX_ROUNDS][2];
	/* per round: growth of the live slab objects' bytes, every cache */
	int64_t obj_bytes[HOST_MAX_ROUNDS];
	/* per round: time of the removes and of the rescan, ns */
	uint64_t remove_ns[HOST_MAX_ROUNDS], rescan_ns[HOST_MAX_ROUNDS];
	/* ... and of the IOMMU's named caches */
	int64_t iommu_obj_bytes[HOST_MAX_ROUNDS];
	/* the last round's slabinfo, after the remove and after the rescan */
	struct pl_slabinfo si[2];
	struct pl_slab_delta top[HOST_TOP_CACHES];
	size_t ntop;
	double load;
};

/* bench_mem.c: drop the page cache (root; best effort). */
void bench_mem_settle(void);
/* A cache of the IOMMU code, by name. */
bool bench_mem_iommu_cache(const char *name);

int bench_mem_host_run(struct cli *cli, struct host_mem *hm);
json_object *bench_mem_host_json(const struct host_mem *hm);
void bench_mem_host_print(const struct host_mem *hm);
void bench_mem_host_free(struct host_mem *hm);

#endif /* PROBELAB_BENCH_MEM_HOST_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * probelab bench: the topology every benchmark loads (built in memory
 * with the description builder), device addressing on it, the clock, the
 * progress line and the load average.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "bench.h"
#include "probelab.h"
#include "topo.h"

uint64_t bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

double bench_loadavg(void)
{
	FILE *f = fopen("/proc/loadavg", "r");
	double l = -1;

	if (!f)
		return -1;
	if (fscanf(f, "%lf", &l) != 1)
		l = -1;
	fclose(f);
	return l;
}

void bench_progress_start(struct bench_progress *p)
{
	p->t_start = bench_now_ns();
	p->last = p->t_start;
}

void bench_progress(struct bench_progress *p, const char *what,
		    unsigned int done, unsigned int total)
{
	uint64_t t = bench_now_ns();

	if (p->quiet || t - p->t_start < 1000000000u ||
	    t - p->last < 1000000000u)
		return;
	p->last = t;
	fprintf(stderr, "probelab bench: %s %u/%u (%.1f s)\n", what, done,
		total, (double)(t - p->t_start) / 1e9);
}

void bench_topo_iommu_name(const struct bench_topo *t, unsigned int i,
			   char *buf, size_t len)
{
	snprintf(buf, len, "%s%u",
		 t->model == PROBELAB_FW_IOMMU_SMMUV3 ? "smmu" : "dmar", i);
}

void bench_topo_dev_addr(const struct bench_topo *t, unsigned int idx,
			 uint16_t *seg, uint8_t *bus, uint8_t *devfn)
{
	unsigned int i = idx % t->k, j = idx / t->k;
	unsigned int per = (t->n + t->k - 1) / t->k;
	unsigned int rid;

	if (t->model == PROBELAB_FW_IOMMU_SMMUV3) {
		*seg = 0;
		rid = i * per + j;
	} else {
		*seg = (uint16_t)i;
		rid = j;
	}
	*bus = (uint8_t)(rid >> 8);
	*devfn = (uint8_t)(rid & 0xff);
}

int bench_topo_build(const struct bench_topo *t, void **blob, size_t *len,
		     char *err, size_t errlen)
{
	unsigned int per = (t->n + t->k - 1) / t->k, i;
	struct pl_topo_builder *tb = pl_topo_builder_new();
	char origin[48];
	int ret = 0, rc = 0;

	if (!tb)
		return -ENOMEM;
	for (i = 0; i < t->k && ret >= 0; i++) {
		struct probelab_fw_iommu io;

		memset(&io, 0, sizeof(io));
		io.model = (uint16_t)t->model;
		bench_topo_iommu_name(t, i, io.name, sizeof(io.name));
		if (t->model == PROBELAB_FW_IOMMU_SMMUV3) {
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
	if (ret >= 0 && t->model == PROBELAB_FW_IOMMU_SMMUV3) {
		struct probelab_fw_rc r;

		memset(&r, 0, sizeof(r));
		r.bus_start = 0;
		r.bus_end = 0xff;
		r.rid_mask = 0xffff;
		snprintf(r.name, sizeof(r.name), "pcie0");
		rc = ret = pl_topo_add_rc(tb, &r, "bench:pcie0");
		for (i = 0; i < t->k && ret >= 0; i++) {
			unsigned int cnt = t->n / t->k + (i < t->n % t->k);
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

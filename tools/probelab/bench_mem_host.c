// SPDX-License-Identifier: GPL-2.0
/*
 * probelab bench mem --host: the guest kernel's own cost of a PCI
 * function, measured as bench mem measures the lab's - /proc/meminfo and
 * /proc/slabinfo before and after - on the machine's real functions of one
 * vendor:device ID that no driver holds (QEMU's edu, 1234:11e8, by
 * default): each round removes them all through sysfs ("remove"), takes a
 * snapshot, rescans the bus ("rescan": pci_device_add(), the bus
 * notifiers, the IOMMU probe where the kernel runs one at add) and takes
 * another.  Per function and round: the growth from the first snapshot to
 * the second.  What of it is the IOMMU's shows in the caches the IOMMU
 * code names (iommu_*, iova*, dmar*, *smmu*), and as a whole only beside a
 * boot with the IOMMU off (docs/cli.md).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"
#include "bench_mem_host.h"
#include "cli.h"
#include "probelab.h"

#define PCI_DEVICES	"/sys/bus/pci/devices"

/* The first line of a sysfs file as a number: 0, or -errno. */
static int read_hex(const char *dir, const char *file, unsigned long *v)
{
	char path[600], *text, *end;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	text = pl_read_text(path);
	if (!text)
		return -errno;
	errno = 0;
	*v = strtoul(text, &end, 16);
	if (errno || end == text) {
		free(text);
		return -EINVAL;
	}
	free(text);
	return 0;
}

static bool path_exists(const char *dir, const char *file)
{
	char path[600];

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	return access(path, F_OK) == 0;
}

static int write_one(const char *path)
{
	FILE *f = fopen(path, "we");
	int ret = 0;

	if (!f)
		return -errno;
	if (fputs("1\n", f) < 0)
		ret = -EIO;
	if (fclose(f) && !ret)
		ret = -errno;
	return ret;
}

/* The driverless functions of the ID, in directory order. */
static int host_find(struct host_mem *hm)
{
	struct dirent *de;
	DIR *d = opendir(PCI_DEVICES);

	if (!d)
		return -errno;
	hm->n = 0;
	while ((de = readdir(d)) && hm->n < HOST_MAX_FUNCS) {
		char dir[512];
		unsigned long vendor, device;

		if (de->d_name[0] == '.' ||
		    strlen(de->d_name) >= sizeof(hm->bdf[0]))
			continue;
		snprintf(dir, sizeof(dir), PCI_DEVICES "/%s", de->d_name);
		if (read_hex(dir, "vendor", &vendor) ||
		    read_hex(dir, "device", &device) ||
		    vendor != hm->vendor || device != hm->device ||
		    path_exists(dir, "driver"))
			continue;
		snprintf(hm->bdf[hm->n++], sizeof(hm->bdf[0]), "%s",
			 de->d_name);
	}
	closedir(d);
	return 0;
}

static int host_snapshot(struct cli *cli, struct pl_meminfo *mi,
			 struct pl_slabinfo *si)
{
	int ret;

	bench_mem_settle();
	ret = pl_meminfo_read(mi);
	if (ret)
		return cli_fail(cli, ret, "reading /proc/meminfo");
	if (si)
		pl_slabinfo_read(si);
	return CLI_OK;
}

/* Live object bytes of the caches @pick accepts (NULL: all) from @a to @b. */
static int64_t obj_growth(const struct pl_slabinfo *a,
			  const struct pl_slabinfo *b,
			  bool (*pick)(const char *name))
{
	int64_t sum = 0;

	for (size_t k = 0; k < b->nr; k++)
		if (!pick || pick(b->c[k].name))
			sum += (int64_t)(b->c[k].active_objs * b->c[k].objsize);
	for (size_t k = 0; k < a->nr; k++)
		if (!pick || pick(a->c[k].name))
			sum -= (int64_t)(a->c[k].active_objs * a->c[k].objsize);
	return sum;
}

/* One round: remove every function, snapshot, rescan, snapshot. */
static int host_round(struct cli *cli, struct host_mem *hm, unsigned int r)
{
	struct pl_slabinfo *sa = &hm->si[0], *sb = &hm->si[1];
	char path[512], e[96];
	unsigned int i;
	uint64_t t0;
	int ret;

	t0 = bench_now_ns();
	for (i = 0; i < hm->n; i++) {
		snprintf(path, sizeof(path), PCI_DEVICES "/%s/remove",
			 hm->bdf[i]);
		ret = write_one(path);
		if (ret)
			return cli_fail(cli, ret, "%s: %s", path,
					cli_errstr(ret, e, sizeof(e)));
	}
	hm->remove_ns[r] = bench_now_ns() - t0;
	pl_slabinfo_free(sa);
	pl_slabinfo_free(sb);
	ret = host_snapshot(cli, &hm->mi[r][0], sa);
	if (ret)
		return ret;
	t0 = bench_now_ns();
	ret = write_one("/sys/bus/pci/rescan");
	hm->rescan_ns[r] = bench_now_ns() - t0;
	if (ret)
		return cli_fail(cli, ret, "/sys/bus/pci/rescan: %s",
				cli_errstr(ret, e, sizeof(e)));
	hm->groups = 0;
	for (i = 0; i < hm->n; i++) {
		snprintf(path, sizeof(path), PCI_DEVICES "/%s", hm->bdf[i]);
		if (access(path, F_OK))
			return cli_fail(cli, -ENODEV, "%s did not come back after the rescan",
					hm->bdf[i]);
		hm->groups += path_exists(path, "iommu_group");
	}
	ret = host_snapshot(cli, &hm->mi[r][1], sb);
	if (ret)
		return ret;
	hm->obj_bytes[r] = obj_growth(sa, sb, NULL);
	hm->iommu_obj_bytes[r] = obj_growth(sa, sb, bench_mem_iommu_cache);
	return CLI_OK;
}

int bench_mem_host_run(struct cli *cli, struct host_mem *hm)
{
	unsigned int r;
	int ret;

	ret = host_find(hm);
	if (ret)
		return cli_fail(cli, ret, "reading " PCI_DEVICES);
	if (!hm->n)
		return cli_fail(cli, -ENODEV, "--host: no PCI function %04x:%04x without a driver",
				hm->vendor, hm->device);
	hm->load = bench_loadavg();
	/* a round first that is not counted: one-time allocations */
	for (r = 0; r <= hm->rounds; r++) {
		ret = host_round(cli, hm, r ? r - 1 : 0);
		if (ret)
			return ret;
	}
	hm->ntop = pl_slabinfo_diff(&hm->si[0], &hm->si[1], hm->top,
				    HOST_TOP_CACHES);
	return CLI_OK;
}

bool bench_mem_iommu_cache(const char *name)
{
	return !strncmp(name, "iommu", 5) || !strncmp(name, "iova", 4) ||
	       !strncmp(name, "dmar", 4) || strstr(name, "smmu");
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, unsigned int n)
{
	qsort(v, n, sizeof(v[0]), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Median over the rounds of a per-function figure of a round. */
static double host_median(const struct host_mem *hm,
			  double (*f)(const struct pl_meminfo *before,
				      const struct pl_meminfo *after))
{
	double v[HOST_MAX_ROUNDS];

	for (unsigned int r = 0; r < hm->rounds; r++)
		v[r] = f(&hm->mi[r][0], &hm->mi[r][1]) / hm->n;
	return median(v, hm->rounds);
}

/* Median over the rounds of a time, per function. */
static double host_median_ns(const struct host_mem *hm, const uint64_t *ns)
{
	double v[HOST_MAX_ROUNDS];

	for (unsigned int r = 0; r < hm->rounds; r++)
		v[r] = (double)ns[r] / hm->n;
	return median(v, hm->rounds);
}

/* The same of a slab object figure (@iommu: the IOMMU's caches only). */
static double host_median_obj(const struct host_mem *hm, bool iommu)
{
	double v[HOST_MAX_ROUNDS];

	for (unsigned int r = 0; r < hm->rounds; r++)
		v[r] = (double)(iommu ? hm->iommu_obj_bytes[r] :
				hm->obj_bytes[r]) / hm->n;
	return median(v, hm->rounds);
}

static double f_slab(const struct pl_meminfo *a, const struct pl_meminfo *b)
{
	return (double)b->slab - (double)a->slab;
}

static double f_used(const struct pl_meminfo *a, const struct pl_meminfo *b)
{
	return (double)a->mem_free - (double)b->mem_free;
}

static double f_percpu(const struct pl_meminfo *a,
		       const struct pl_meminfo *b)
{
	return (double)b->percpu - (double)a->percpu;
}

json_object *bench_mem_host_json(const struct host_mem *hm)
{
	json_object *o = json_object_new_object(), *a;
	char id[16];

	snprintf(id, sizeof(id), "%04x:%04x", hm->vendor, hm->device);
	json_object_object_add(o, "id", json_object_new_string(id));
	json_object_object_add(o, "functions", json_object_new_int64(hm->n));
	json_object_object_add(o, "rounds", json_object_new_int64(hm->rounds));
	json_object_object_add(o, "with_iommu_group",
			       json_object_new_int64(hm->groups));
	json_object_object_add(o, "slab_object_bytes_per_device",
			       json_object_new_double(host_median_obj(hm, false)));
	json_object_object_add(o, "slab_bytes_per_device",
			       json_object_new_double(host_median(hm, f_slab)));
	json_object_object_add(o, "memfree_drop_per_device",
			       json_object_new_double(host_median(hm, f_used)));
	json_object_object_add(o, "percpu_bytes_per_device",
			       json_object_new_double(host_median(hm, f_percpu)));
	json_object_object_add(o, "iommu_cache_bytes_per_device",
			       json_object_new_double(host_median_obj(hm, true)));
	json_object_object_add(o, "remove_ns_per_device", json_object_new_double(
		host_median_ns(hm, hm->remove_ns)));
	json_object_object_add(o, "rescan_ns_per_device", json_object_new_double(
		host_median_ns(hm, hm->rescan_ns)));
	a = json_object_new_array();
	for (size_t i = 0; i < hm->ntop; i++) {
		json_object *c = json_object_new_object();

		json_object_object_add(c, "cache",
				       json_object_new_string(hm->top[i].name));
		json_object_object_add(c, "bytes_per_device", json_object_new_double(
			(double)hm->top[i].bytes / hm->n));
		json_object_object_add(c, "objects_per_device", json_object_new_double(
			(double)hm->top[i].objs / hm->n));
		json_object_array_add(a, c);
	}
	json_object_object_add(o, "top_caches", a);
	json_object_object_add(o, "loadavg", json_object_new_double(hm->load));
	return o;
}

void bench_mem_host_print(const struct host_mem *hm)
{
	printf("host: %u PCI functions %04x:%04x without a driver, %u rounds of sysfs remove + rescan (median per function)\n",
	       hm->n, hm->vendor, hm->device, hm->rounds);
	printf("  slab objects %.0f bytes (of them the IOMMU's own caches, iommu* iova* dmar* *smmu*: %.0f); /proc/meminfo: slab %.0f, used %.0f, percpu %.0f\n",
	       host_median_obj(hm, false), host_median_obj(hm, true),
	       host_median(hm, f_slab), host_median(hm, f_used),
	       host_median(hm, f_percpu));
	printf("  %u of %u functions with an IOMMU group after the rescan; time per function: remove %.0f ns, rescan %.0f ns (the whole bus's scan, divided)\n",
	       hm->groups, hm->n, host_median_ns(hm, hm->remove_ns),
	       host_median_ns(hm, hm->rescan_ns));
	printf("  caches grown most, last round (bytes/function):");
	for (size_t k = 0; k < hm->ntop; k++)
		printf(" %s %.0f", hm->top[k].name,
		       (double)hm->top[k].bytes / hm->n);
	putchar('\n');
}

void bench_mem_host_free(struct host_mem *hm)
{
	pl_slabinfo_free(&hm->si[0]);
	pl_slabinfo_free(&hm->si[1]);
}

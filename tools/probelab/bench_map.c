// SPDX-License-Identifier: GPL-2.0
/*
 * probelab bench map: map+unmap pairs per second, by three paths, at each
 * mapping size and thread count asked for:
 *  - ioctl: PROBELAB_OP_MAP / _UNMAP from userspace, each thread on its
 *    own token, device (a group of its own), UNMANAGED domain and IOVA;
 *  - dma_ops: the lab dma_ops from a kernel loop, RACE with the DMA_MAP
 *    actor (dma_map_page() + dma_unmap_page() in a kernel thread, no
 *    syscall per pair), one RACE op of one kernel thread per thread, each
 *    on a device of its own bound to probelab-dma (a DMA domain each, as
 *    vfio's containers);
 *  - dma_ops_shared: one RACE op of T kernel threads on one device: one
 *    DMA domain, whose IOVA allocator and mapping index they share;
 *  - vfio: the guest kernel's own IOMMU (intel-iommu or arm-smmu-v3) on
 *    QEMU's edu functions bound to vfio-pci: VFIO type1 MAP_DMA /
 *    UNMAP_DMA of an mmap()ed buffer, one container per thread on groups
 *    of their own as long as there are enough groups (the output says
 *    how many containers a run used);
 *  - syscall: a control - two GET_INFO ioctls per pair, each thread on
 *    its own /dev/probelab: the ioctl path's syscalls and dispatcher
 *    without the lab lock or a page table;
 *  - cpu: the control - userspace threads doing arithmetic only (no
 *    syscall, nothing shared), whose scaling is the machine's own bound
 *    (vCPUs over host cores) on every other path's.
 * ratio_vs_kernel is a lab path's rate over vfio's at the same size and
 * thread count; scaling_efficiency a path's rate at T threads over T
 * times its rate at one thread.  A benchmark: nothing is asserted.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/vfio.h>

#include "bench.h"
#include "bench_stats.h"
#include "cli.h"
#include "probelab.h"

#define MAP_MAX_THREADS		8
#define MAP_MAX_SIZES		4
#define MAP_MAX_TCOUNTS		4
#define MAP_MAX_SECONDS		60.0
#define MAP_MAX_REPEAT		9
#define MAP_GOAL_RATIO		1.0
#define MAP_GOAL_SCALING	0.7
#define MAP_GOAL_THREADS	4

#define MAP_IOVA_BASE		0x100000000ull	/* 4 GiB: no MSI window */
#define MAP_PADDR_BASE		0x200000000ull	/* ioctl: model addresses */
#define MAP_IOVA_STRIDE		0x400000ull	/* per thread, 2 x 2 MiB */

#define PCI_DEVS		"/sys/bus/pci/devices"
#define VFIO_PCI_DRV		"/sys/bus/pci/drivers/vfio-pci"
#define VFIO_MAX_FNS		32

enum map_path {
	PATH_IOCTL, PATH_DMA_OPS, PATH_DMA_SHARED, PATH_VFIO, PATH_SYSCALL,
	PATH_CPU, PATH_NR
};

static const char *const path_name[PATH_NR] = {
	[PATH_IOCTL] = "ioctl",
	[PATH_DMA_OPS] = "dma_ops",
	[PATH_DMA_SHARED] = "dma_ops_shared",
	[PATH_VFIO] = "vfio",
	[PATH_SYSCALL] = "syscall",
	[PATH_CPU] = "cpu",
};

/* cpu: arithmetic steps per "pair" (about a microsecond under TCG) */
#define CPU_STEPS		256

/* One path at one size and thread count: its repeats, summed. */
struct map_run {
	enum map_path path;
	uint32_t size;
	unsigned int threads;
	bool done;
	uint64_t pairs, errors, elapsed_ns;
	unsigned int containers;	/* vfio */
	double ops;			/* pairs per second: median of repeats */
	uint64_t samples[MAP_MAX_REPEAT];	/* each repeat's pairs/s */
	unsigned int nsamples;
};

/* An edu function and what this bench did to it. */
struct vfio_fn {
	char bdf[16];
	int group;		/* iommu_group number, -1 none */
	bool bound_by_us;
};

struct vfio_env {
	bool available;
	char reason[256];
	struct vfio_fn fns[VFIO_MAX_FNS];
	unsigned int nfns;
	int groups[VFIO_MAX_FNS];	/* distinct viable groups */
	unsigned int ngroups;
	char skipped[1024];	/* groups left out, and why */
};

struct map_opts {
	struct cli *cli;
	bool paths[PATH_NR];
	uint32_t sizes[MAP_MAX_SIZES];
	unsigned int nsizes;
	unsigned int tcounts[MAP_MAX_TCOUNTS];
	unsigned int ntcounts, max_threads;
	double seconds;
	unsigned int repeat;
	unsigned int model;
	bool quiet;
};

/* ---------------------------------------------------------------------
 * Userspace loops: a thread sets up, waits at the gate, then runs
 * map+unmap pairs until the shared deadline.
 * --------------------------------------------------------------------- */

/* The start: threads report ready, then wait for go (deadline set). */
struct gate {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	unsigned int ready;
	bool go;
	uint64_t deadline;
};

struct loop_thread {
	pthread_t tid;
	const struct map_opts *o;
	struct gate *gate;
	enum map_path path;
	uint32_t size;
	unsigned int index;
	/* ioctl */
	uint32_t dev_id;
	/* vfio */
	int container;		/* fd, shared when containers are */
	void *buf;
	/* out */
	uint64_t sink;		/* cpu: keeps the arithmetic */
	int setup_err;
	int err;
	char what[160];
	uint64_t pairs, t0, t1;
};

static int vfio_map(int container, void *buf, uint64_t iova, uint32_t size)
{
	struct vfio_iommu_type1_dma_map m = {
		.argsz = sizeof(m),
		.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
		.vaddr = (uintptr_t)buf,
		.iova = iova,
		.size = size,
	};

	return ioctl(container, VFIO_IOMMU_MAP_DMA, &m) ? -errno : 0;
}

static int vfio_unmap(int container, uint64_t iova, uint32_t size)
{
	struct vfio_iommu_type1_dma_unmap u = {
		.argsz = sizeof(u),
		.iova = iova,
		.size = size,
	};

	if (ioctl(container, VFIO_IOMMU_UNMAP_DMA, &u))
		return -errno;
	return u.size == size ? 0 : -EIO;
}

static void *loop_run(void *arg)
{
	struct loop_thread *t = arg;
	uint64_t iova = MAP_IOVA_BASE + t->index * MAP_IOVA_STRIDE;
	uint64_t paddr = MAP_PADDR_BASE + t->index * MAP_IOVA_STRIDE;
	struct pl_handle *h = NULL;
	uint32_t dom = 0;
	int ret = 0;

	if (t->path == PATH_SYSCALL) {
		ret = pl_open(&h);
		if (ret)
			snprintf(t->what, sizeof(t->what), "open %s",
				 PL_DEVICE_PATH);
	} else if (t->path == PATH_IOCTL) {
		ret = pl_open(&h);
		if (!ret)
			ret = pl_claim_device(h, t->dev_id);
		if (!ret)
			ret = pl_domain_alloc(h, t->dev_id,
					      PROBELAB_DOMAIN_UNMANAGED, &dom);
		if (!ret)
			ret = pl_attach(h, t->dev_id, 1, dom);
		if (ret)
			snprintf(t->what, sizeof(t->what),
				 "setting up device %u (claim, UNMANAGED domain, attach)",
				 t->dev_id);
	}
	t->setup_err = ret;
	pthread_mutex_lock(&t->gate->lock);
	t->gate->ready++;
	pthread_cond_broadcast(&t->gate->cond);
	while (!t->gate->go)
		pthread_cond_wait(&t->gate->cond, &t->gate->lock);
	pthread_mutex_unlock(&t->gate->lock);
	if (ret)
		goto out;
	t->t0 = bench_now_ns();
	do {
		if (t->path == PATH_CPU) {
			uint64_t x = t->pairs | 1;

			for (unsigned int i = 0; i < CPU_STEPS; i++) {
				x ^= x << 13;
				x ^= x >> 7;
				x ^= x << 17;
			}
			t->sink = x;
		} else if (t->path == PATH_SYSCALL) {
			struct probelab_info info;

			ret = pl_get_info(h, &info);
			if (!ret)
				ret = pl_get_info(h, &info);
		} else if (t->path == PATH_IOCTL) {
			ret = pl_map(h, dom, iova, paddr, t->size,
				     PROBELAB_PROT_READ | PROBELAB_PROT_WRITE,
				     NULL);
			if (!ret)
				ret = pl_unmap(h, dom, iova, t->size, NULL);
		} else {
			ret = vfio_map(t->container, t->buf, iova, t->size);
			if (!ret)
				ret = vfio_unmap(t->container, iova, t->size);
		}
		if (ret) {
			snprintf(t->what, sizeof(t->what), "%s pair %llu",
				 t->path == PATH_IOCTL ? "MAP/UNMAP" :
				 t->path == PATH_SYSCALL ? "GET_INFO" :
				 "VFIO_IOMMU_MAP_DMA/UNMAP_DMA",
				 (unsigned long long)t->pairs);
			break;
		}
		t->pairs++;
	} while ((t->t1 = bench_now_ns()) < t->gate->deadline);
	t->t1 = bench_now_ns();
out:
	t->err = ret;
	pl_close(h);	/* frees the domain, releases the claim */
	return NULL;
}

/*
 * Runs @r->threads loop threads (@ts prepared but for the common
 * fields); fills @r.  Returns CLI_OK or CLI_FAIL after saying why.
 */
static int loop_threads(const struct map_opts *o, struct loop_thread *ts,
			struct map_run *r)
{
	struct gate gate = {
		.lock = PTHREAD_MUTEX_INITIALIZER,
		.cond = PTHREAD_COND_INITIALIZER,
	};
	uint64_t t0 = UINT64_MAX, t1 = 0;
	unsigned int i, started = 0;
	int status = CLI_OK;
	char e[96];

	for (i = 0; i < r->threads; i++) {
		ts[i].o = o;
		ts[i].gate = &gate;
		ts[i].path = r->path;
		ts[i].size = r->size;
		ts[i].index = i;
		if (pthread_create(&ts[i].tid, NULL, loop_run, &ts[i])) {
			ts[i].setup_err = -EAGAIN;
			snprintf(ts[i].what, sizeof(ts[i].what), "pthread_create");
			break;
		}
		started++;
	}
	pthread_mutex_lock(&gate.lock);
	while (gate.ready < started)
		pthread_cond_wait(&gate.cond, &gate.lock);
	/* a thread that could not start: the others run one pair */
	gate.deadline = started < r->threads ? 0 :
			bench_now_ns() + (uint64_t)(o->seconds * 1e9);
	gate.go = true;
	pthread_cond_broadcast(&gate.cond);
	pthread_mutex_unlock(&gate.lock);
	for (i = 0; i < started; i++)
		pthread_join(ts[i].tid, NULL);
	for (i = 0; i < r->threads; i++) {
		int err = ts[i].setup_err ? ts[i].setup_err : ts[i].err;

		if (err && status == CLI_OK)
			status = cli_fail(o->cli, err, "%s, %u KiB, thread %u: %s: %s",
					  path_name[r->path], r->size >> 10, i,
					  ts[i].what, cli_errstr(err, e, sizeof(e)));
		r->pairs += ts[i].pairs;
		if (ts[i].t0 && ts[i].t0 < t0)
			t0 = ts[i].t0;
		if (ts[i].t1 > t1)
			t1 = ts[i].t1;
	}
	if (status != CLI_OK)
		return status;
	r->elapsed_ns = t1 > t0 ? t1 - t0 : 0;
	r->ops = r->elapsed_ns ? r->pairs * 1e9 / r->elapsed_ns : 0;
	r->done = true;
	return CLI_OK;
}

/* ---------------------------------------------------------------------
 * The lab: one instance, MAP_MAX_THREADS devices to claim (ioctl), as
 * many bound to probelab-dma (dma_ops).
 * --------------------------------------------------------------------- */

struct lab {
	struct pl_handle *h;
	uint32_t claim_ids[MAP_MAX_THREADS];
	uint32_t dma_ids[MAP_MAX_THREADS];
};

static int lab_setup(const struct map_opts *o, struct lab *lab)
{
	struct bench_topo t = {
		.n = 2 * MAP_MAX_THREADS, .k = 1, .model = o->model,
	};
	void *blob = NULL;
	size_t len;
	uint32_t result = 0;
	char err[512], e[96], name[32];
	int ret;

	ret = bench_topo_build(&t, &blob, &len, err, sizeof(err));
	if (ret)
		return cli_fail(o->cli, ret, "%s", err);
	ret = pl_lab_reset(lab->h);
	if (!ret)
		ret = pl_fw_load(lab->h, blob, len, PROBELAB_POLICY_FIXED,
				 PROBELAB_DOMAIN_DMA, NULL);
	free(blob);
	if (!ret) {
		bench_topo_iommu_name(&t, 0, name, sizeof(name));
		ret = pl_iommu_register(lab->h, name);
	}
	for (unsigned int i = 0; !ret && i < t.n; i++) {
		uint16_t seg;
		uint8_t bus, devfn;

		bench_topo_dev_addr(&t, i, &seg, &bus, &devfn);
		ret = pl_dev_add_pci(lab->h, seg, bus, devfn, NULL, 0,
				     i < MAP_MAX_THREADS ? &lab->claim_ids[i] :
				     &lab->dma_ids[i - MAP_MAX_THREADS]);
	}
	for (unsigned int i = 0; !ret && i < MAP_MAX_THREADS; i++) {
		ret = pl_drv_bind(lab->h, lab->dma_ids[i], PROBELAB_DRV_DMA,
				  &result);
		if (!ret && result != PROBELAB_BIND_BOUND)
			ret = -EAGAIN;
	}
	if (ret)
		return cli_fail(o->cli, ret, "setting up the lab (%s, fixed, %u devices, probelab-dma bound to half): %s",
				pl_iommu_model_name(o->model), t.n,
				cli_errstr(ret, e, sizeof(e)));
	return CLI_OK;
}

static int run_ioctl(const struct map_opts *o, struct lab *lab,
		     struct map_run *r)
{
	struct loop_thread ts[MAP_MAX_THREADS] = { 0 };

	for (unsigned int i = 0; i < r->threads; i++)
		ts[i].dev_id = lab->claim_ids[i];
	return loop_threads(o, ts, r);
}

/* One RACE DMA_MAP op, timed from userspace. */
struct race_call {
	pthread_t tid;
	struct pl_handle *h;
	struct probelab_race c;
	int ret;
	uint64_t t0, t1;
};

static void *race_call_run(void *arg)
{
	struct race_call *rc = arg;

	rc->t0 = bench_now_ns();
	rc->ret = pl_cmd(rc->h, &rc->c);
	rc->t1 = bench_now_ns();
	return NULL;
}

static void race_call_init(struct race_call *rc, const struct map_opts *o,
			   struct pl_handle *h, uint32_t dev,
			   unsigned int threads, uint32_t size)
{
	memset(rc, 0, sizeof(*rc));
	rc->h = h;
	rc->c.size = sizeof(rc->c);
	rc->c.op = PROBELAB_OP_RACE;
	rc->c.actor = PROBELAB_RACE_DMA_MAP;
	rc->c.dev_id = dev;
	rc->c.threads = threads;
	rc->c.duration_ms = (uint32_t)(o->seconds * 1000 + 0.5);
	if (!rc->c.duration_ms)
		rc->c.duration_ms = 1;
	rc->c.map_size = size;
}

/*
 * dma_ops: one RACE op of one kernel thread per thread, each on its own
 * device, issued together from userspace threads; dma_ops_shared: one
 * RACE op of @r->threads kernel threads on one device.
 */
static int run_dma_ops(const struct map_opts *o, struct lab *lab,
		       struct map_run *r)
{
	struct race_call rc[MAP_MAX_THREADS];
	bool shared = r->path == PATH_DMA_SHARED;
	unsigned int i, n = shared ? 1 : r->threads, started = 0;
	uint64_t t0 = UINT64_MAX, t1 = 0;
	char e[96];

	for (i = 0; i < n; i++)
		race_call_init(&rc[i], o, lab->h, lab->dma_ids[i],
			       shared ? r->threads : 1, r->size);
	if (n == 1) {
		race_call_run(&rc[0]);
		started = 1;
	} else {
		for (i = 0; i < n; i++) {
			if (pthread_create(&rc[i].tid, NULL, race_call_run,
					   &rc[i])) {
				rc[i].ret = -EAGAIN;
				break;
			}
			started++;
		}
		for (i = 0; i < started; i++)
			pthread_join(rc[i].tid, NULL);
	}
	for (i = 0; i < n; i++) {
		const struct probelab_race *c = &rc[i].c;
		int ret = i < started ? rc[i].ret : -EAGAIN;

		if (ret)
			return cli_fail(o->cli, ret, "RACE DMA_MAP (%s, %u KiB, %u threads)%s: %s",
					path_name[r->path], r->size >> 10, r->threads,
					ret == -EINVAL ? " (a module without the DMA_MAP actor? see dmesg)" : "",
					cli_errstr(ret, e, sizeof(e)));
		r->errors += c->map_errors;
		if (c->map_errors)
			return cli_fail(o->cli, -EIO, "RACE DMA_MAP (%s, %u KiB, %u threads): %u of %llu dma_map_page() calls failed",
					path_name[r->path], r->size >> 10,
					r->threads, c->map_errors,
					(unsigned long long)c->cycles);
		if (c->violations)
			return cli_fail(o->cli, 0, "RACE DMA_MAP: %llu invariant violations (dmesg)",
					(unsigned long long)c->violations);
		r->pairs += c->cycles;
		if (rc[i].t0 < t0)
			t0 = rc[i].t0;
		if (rc[i].t1 > t1)
			t1 = rc[i].t1;
	}
	r->elapsed_ns = t1 - t0;
	r->ops = r->elapsed_ns ? r->pairs * 1e9 / r->elapsed_ns : 0;
	r->done = true;
	return CLI_OK;
}

/* The controls, cpu and syscall: loop threads with nothing to set up. */
static int run_cpu(const struct map_opts *o, struct map_run *r)
{
	struct loop_thread ts[MAP_MAX_THREADS] = { 0 };

	return loop_threads(o, ts, r);
}

/* ---------------------------------------------------------------------
 * VFIO: edu functions (1234:11e8) bound to vfio-pci for the runs.
 * --------------------------------------------------------------------- */

static int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;
	int ret = 0;

	if (fd < 0)
		return -errno;
	n = write(fd, s, strlen(s));
	if (n < 0)
		ret = -errno;
	close(fd);
	return ret;
}

static bool read_word(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");
	bool ok;

	if (!f)
		return false;
	ok = fgets(buf, (int)len, f) != NULL;
	fclose(f);
	if (ok)
		buf[strcspn(buf, "\n")] = 0;
	return ok;
}

/* The base name of symlink @path ("" when it is no link). */
static void link_base(const char *path, char *out, size_t len)
{
	char t[PATH_MAX];
	ssize_t n = readlink(path, t, sizeof(t) - 1);
	const char *b;

	out[0] = 0;
	if (n <= 0)
		return;
	t[n] = 0;
	b = strrchr(t, '/');
	b = b ? b + 1 : t;
	if (strlen(b) < len)
		memcpy(out, b, strlen(b) + 1);
}

static void fn_path(const struct vfio_fn *f, const char *leaf, char *p,
		    size_t len)
{
	snprintf(p, len, PCI_DEVS "/%s/%s", f->bdf, leaf);
}

/* "group G is not viable: BDF=DRIVER ..." (driver "-": none). */
static void group_members(int g, char *why, size_t len)
{
	char p[PATH_MAX], drv[64];
	struct dirent *de;
	size_t l;
	DIR *d;

	snprintf(why, len, "group %d is not viable (VFIO_GROUP_GET_STATUS); its devices:",
		 g);
	snprintf(p, sizeof(p), "/sys/kernel/iommu_groups/%d/devices", g);
	d = opendir(p);
	while (d && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), PCI_DEVS "/%.32s/driver", de->d_name);
		link_base(p, drv, sizeof(drv));
		l = strlen(why);
		snprintf(why + l, len - l, " %.32s=%s", de->d_name,
			 drv[0] ? drv : "-");
	}
	if (d)
		closedir(d);
}

/* Group @g opened and checked viable: its fd, or a negative errno. */
static int group_open(int g, char *why, size_t len)
{
	struct vfio_group_status st = { .argsz = sizeof(st) };
	char p[64];
	int fd;

	snprintf(p, sizeof(p), "/dev/vfio/%d", g);
	fd = open(p, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		int ret = -errno;

		snprintf(why, len, "open %s: %s", p, strerror(-ret));
		return ret;
	}
	if (ioctl(fd, VFIO_GROUP_GET_STATUS, &st) ||
	    !(st.flags & VFIO_GROUP_FLAGS_VIABLE)) {
		group_members(g, why, len);
		close(fd);
		return -EBUSY;
	}
	return fd;
}

static void vfio_release(struct vfio_env *v)
{
	char p[PATH_MAX];

	for (unsigned int i = 0; i < v->nfns; i++) {
		if (!v->fns[i].bound_by_us)
			continue;
		write_file(VFIO_PCI_DRV "/unbind", v->fns[i].bdf);
		fn_path(&v->fns[i], "driver_override", p, sizeof(p));
		write_file(p, "\n");
		v->fns[i].bound_by_us = false;
	}
}

/*
 * Finds the edu functions, binds the driverless ones to vfio-pci
 * (driver_override, drivers_probe) and notes their viable groups.
 */
static void vfio_prepare(struct vfio_env *v)
{
	DIR *d;
	struct dirent *de;
	char p[PATH_MAX], w[64];
	int fd;

	if (access("/dev/vfio/vfio", R_OK | W_OK)) {
		snprintf(v->reason, sizeof(v->reason),
			 "/dev/vfio/vfio: %s (vfio not loaded?)", strerror(errno));
		return;
	}
	fd = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);
	if (fd < 0 || ioctl(fd, VFIO_GET_API_VERSION) != VFIO_API_VERSION ||
	    ioctl(fd, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU) <= 0) {
		snprintf(v->reason, sizeof(v->reason),
			 "/dev/vfio/vfio: no VFIO API %d with type1v2 (vfio_iommu_type1 not loaded?)",
			 VFIO_API_VERSION);
		if (fd >= 0)
			close(fd);
		return;
	}
	close(fd);
	if (access(VFIO_PCI_DRV, F_OK)) {
		snprintf(v->reason, sizeof(v->reason), "%s absent (vfio-pci not loaded)",
			 VFIO_PCI_DRV);
		return;
	}
	d = opendir(PCI_DEVS);
	if (!d) {
		snprintf(v->reason, sizeof(v->reason), "%s: %s", PCI_DEVS,
			 strerror(errno));
		return;
	}
	while ((de = readdir(d)) && v->nfns < VFIO_MAX_FNS) {
		struct vfio_fn *f = &v->fns[v->nfns];
		char drv[64], grp[32];
		bool seen = false;

		if (de->d_name[0] == '.' || strlen(de->d_name) >= sizeof(f->bdf))
			continue;
		snprintf(f->bdf, sizeof(f->bdf), "%s", de->d_name);
		fn_path(f, "vendor", p, sizeof(p));
		if (!read_word(p, w, sizeof(w)) || strcmp(w, "0x1234"))
			continue;
		fn_path(f, "device", p, sizeof(p));
		if (!read_word(p, w, sizeof(w)) || strcmp(w, "0x11e8"))
			continue;
		fn_path(f, "driver", p, sizeof(p));
		link_base(p, drv, sizeof(drv));
		f->bound_by_us = false;
		if (!drv[0]) {
			fn_path(f, "driver_override", p, sizeof(p));
			if (!write_file(p, "vfio-pci")) {
				write_file("/sys/bus/pci/drivers_probe", f->bdf);
				fn_path(f, "driver", p, sizeof(p));
				link_base(p, drv, sizeof(drv));
				f->bound_by_us = !strcmp(drv, "vfio-pci");
				if (!f->bound_by_us) {
					fn_path(f, "driver_override", p, sizeof(p));
					write_file(p, "\n");
				}
			}
		}
		v->nfns++;
		if (strcmp(drv, "vfio-pci")) {
			/* another driver's (left alone), or the bind failed */
			size_t l = strlen(v->skipped);

			snprintf(v->skipped + l, sizeof(v->skipped) - l,
				 "%s%s %s", l ? "; " : "", f->bdf,
				 drv[0] ? "is bound to another driver" :
				 "did not bind to vfio-pci");
			continue;
		}
		fn_path(f, "iommu_group", p, sizeof(p));
		link_base(p, grp, sizeof(grp));
		f->group = grp[0] ? atoi(grp) : -1;
		if (f->group < 0)
			continue;

		for (unsigned int g = 0; g < v->ngroups; g++)
			seen |= v->groups[g] == f->group;
		if (!seen)
			v->groups[v->ngroups++] = f->group;
	}
	closedir(d);
	/* keep the viable groups only */
	for (unsigned int g = 0; g < v->ngroups;) {
		char why[512];
		int gfd = group_open(v->groups[g], why, sizeof(why));

		size_t l = strlen(v->skipped);

		if (gfd >= 0) {
			close(gfd);
			g++;
			continue;
		}
		snprintf(v->skipped + l, sizeof(v->skipped) - l, "%s%s",
			 l ? "; " : "", why);
		v->groups[g] = v->groups[--v->ngroups];
	}
	if (!v->nfns)
		snprintf(v->reason, sizeof(v->reason),
			 "no edu function (PCI 1234:11e8) in %s", PCI_DEVS);
	else if (!v->ngroups)
		snprintf(v->reason, sizeof(v->reason),
			 "%u edu functions, none in a viable group bound to vfio-pci",
			 v->nfns);
	else
		v->available = true;
	if (!v->available)
		vfio_release(v);
}

/* A container on group @g with type1v2 set: its fd, or -errno. */
static int container_open(int g, int *gfd, char *why, size_t len)
{
	int fd, ret;

	*gfd = group_open(g, why, len);
	if (*gfd < 0)
		return *gfd;
	fd = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		snprintf(why, len, "open /dev/vfio/vfio: %s", strerror(-ret));
		goto err_close_group;
	}
	if (ioctl(*gfd, VFIO_GROUP_SET_CONTAINER, &fd) ||
	    ioctl(fd, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU)) {
		ret = -errno;
		snprintf(why, len, "group %d: VFIO_GROUP_SET_CONTAINER / VFIO_SET_IOMMU(type1v2): %s",
			 g, strerror(-ret));
		close(fd);
		goto err_close_group;
	}
	return fd;

err_close_group:
	close(*gfd);
	*gfd = -1;
	return ret;
}

static int run_vfio(const struct map_opts *o, const struct vfio_env *v,
		    struct map_run *r)
{
	struct loop_thread ts[MAP_MAX_THREADS] = { 0 };
	int cfd[MAP_MAX_THREADS], gfd[MAP_MAX_THREADS];
	unsigned int n = r->threads < v->ngroups ? r->threads : v->ngroups;
	unsigned int i, opened = 0, mapped = 0;
	int status = CLI_OK;
	char why[256];

	for (i = 0; i < n; i++) {
		cfd[i] = container_open(v->groups[i], &gfd[i], why, sizeof(why));
		if (cfd[i] < 0) {
			status = cli_fail(o->cli, cfd[i], "vfio: %s", why);
			goto out;
		}
		opened++;
	}
	r->containers = n;
	for (i = 0; i < r->threads; i++) {
		ts[i].container = cfd[i % n];
		ts[i].buf = mmap(NULL, r->size, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
		if (ts[i].buf == MAP_FAILED) {
			status = cli_fail(o->cli, -errno, "mmap of %u bytes",
					  r->size);
			goto out;
		}
		mapped++;
	}
	status = loop_threads(o, ts, r);
out:
	for (i = 0; i < mapped; i++)
		munmap(ts[i].buf, r->size);
	for (i = 0; i < opened; i++) {
		close(cfd[i]);
		close(gfd[i]);
	}
	return status;
}

/* ---------------------------------------------------------------------
 * Results
 * --------------------------------------------------------------------- */

static const struct map_run *find_run(const struct map_run *runs,
				      unsigned int nr, enum map_path path,
				      uint32_t size, unsigned int threads)
{
	for (unsigned int i = 0; i < nr; i++)
		if (runs[i].done && runs[i].path == path &&
		    runs[i].size == size && runs[i].threads == threads)
			return &runs[i];
	return NULL;
}

/* Rate over vfio's at the same size and threads; < 0: none. */
static double ratio_vs_kernel(const struct map_run *runs, unsigned int nr,
			      const struct map_run *r)
{
	const struct map_run *k;

	if (r->path == PATH_VFIO || r->path == PATH_CPU ||
	    r->path == PATH_SYSCALL)
		return -1;	/* not a lab path */
	k = find_run(runs, nr, PATH_VFIO, r->size, r->threads);
	return k && k->ops > 0 ? r->ops / k->ops : -1;
}

/* Rate over threads x the one-thread rate; < 0: no one-thread run. */
static double scaling(const struct map_run *runs, unsigned int nr,
		      const struct map_run *r)
{
	const struct map_run *one = find_run(runs, nr, r->path, r->size, 1);

	return one && one->ops > 0 ? r->ops / (r->threads * one->ops) : -1;
}

static json_object *num_or_null(double v)
{
	return v < 0 ? NULL : json_object_new_double(v);
}

static const char *size_name(uint32_t size, char *buf, size_t len)
{
	if (size >= 0x100000 && !(size & 0xfffff))
		snprintf(buf, len, "%uM", size >> 20);
	else
		snprintf(buf, len, "%uK", size >> 10);
	return buf;
}

/*
 * The goals: every lab path at >= 1.0 x vfio, and at 4 threads >= 0.7 x
 * 4 x its one-thread rate.  *@any: whether a run could be judged.
 */
static bool goals_met(const struct map_run *runs, unsigned int nr,
		      bool *any_ratio, bool *any_scaling)
{
	bool met = true;

	*any_ratio = *any_scaling = false;
	for (unsigned int i = 0; i < nr; i++) {
		const struct map_run *r = &runs[i];
		double x = ratio_vs_kernel(runs, nr, r), s = scaling(runs, nr, r);

		if (!r->done)
			continue;
		if (x >= 0) {
			*any_ratio = true;
			met &= x >= MAP_GOAL_RATIO;
		}
		if (r->threads == MAP_GOAL_THREADS && s >= 0 &&
		    r->path != PATH_VFIO && r->path != PATH_CPU &&
		    r->path != PATH_SYSCALL) {
			*any_scaling = true;
			met &= s >= MAP_GOAL_SCALING;
		}
	}
	return met;
}

static void print_json(const struct map_opts *o, const struct vfio_env *v,
		       const struct map_run *runs, unsigned int nr,
		       double load0, double load1)
{
	json_object *top = json_object_new_object(), *a, *vj, *g;
	char sz[16];
	bool any_r, any_s, met = goals_met(runs, nr, &any_r, &any_s);

	json_object_object_add(top, "bench", json_object_new_string("map"));
	json_object_object_add(top, "model", json_object_new_string(
		pl_iommu_model_name(o->model)));
	json_object_object_add(top, "seconds", json_object_new_double(o->seconds));
	json_object_object_add(top, "repeat", json_object_new_int((int)o->repeat));
	json_object_object_add(top, "loadavg_start", json_object_new_double(load0));
	json_object_object_add(top, "loadavg_end", json_object_new_double(load1));
	json_object_object_add(top, "online_cpus", json_object_new_int(
		(int)sysconf(_SC_NPROCESSORS_ONLN)));
	vj = json_object_new_object();
	json_object_object_add(vj, "available", json_object_new_boolean(v->available));
	if (!v->available)
		json_object_object_add(vj, "reason", json_object_new_string(v->reason));
	a = json_object_new_array();
	for (unsigned int i = 0; i < v->nfns; i++)
		json_object_array_add(a, json_object_new_string(v->fns[i].bdf));
	json_object_object_add(vj, "functions", a);
	a = json_object_new_array();
	for (unsigned int i = 0; i < v->ngroups; i++)
		json_object_array_add(a, json_object_new_int(v->groups[i]));
	json_object_object_add(vj, "groups", a);
	if (v->skipped[0])
		json_object_object_add(vj, "groups_left_out",
				       json_object_new_string(v->skipped));
	json_object_object_add(top, "vfio", vj);
	a = json_object_new_array();
	for (unsigned int i = 0; i < nr; i++) {
		const struct map_run *r = &runs[i];
		json_object *j, *sj;

		if (!r->done)
			continue;
		j = json_object_new_object();
		json_object_object_add(j, "path", json_object_new_string(path_name[r->path]));
		json_object_object_add(j, "size", json_object_new_int64(r->size));
		json_object_object_add(j, "size_name", json_object_new_string(
			size_name(r->size, sz, sizeof(sz))));
		json_object_object_add(j, "threads", json_object_new_int(r->threads));
		json_object_object_add(j, "pairs", json_object_new_uint64(r->pairs));
		json_object_object_add(j, "elapsed_ns", json_object_new_uint64(r->elapsed_ns));
		json_object_object_add(j, "ops_per_s", json_object_new_double(r->ops));
		json_object_object_add(j, "ratio_vs_kernel",
				       num_or_null(ratio_vs_kernel(runs, nr, r)));
		sj = json_object_new_array();
		for (unsigned int k = 0; k < r->nsamples; k++)
			json_object_array_add(sj, json_object_new_uint64(r->samples[k]));
		json_object_object_add(j, "samples_ops_per_s", sj);
		json_object_object_add(j, "scaling_efficiency",
				       num_or_null(scaling(runs, nr, r)));
		if (r->path == PATH_VFIO)
			json_object_object_add(j, "containers",
					       json_object_new_int(r->containers));
		if (r->path == PATH_DMA_OPS || r->path == PATH_DMA_SHARED)
			json_object_object_add(j, "map_errors",
					       json_object_new_uint64(r->errors));
		json_object_array_add(a, j);
	}
	json_object_object_add(top, "runs", a);
	g = json_object_new_object();
	json_object_object_add(g, "min_ratio_vs_kernel",
			       json_object_new_double_s(MAP_GOAL_RATIO, "1.0"));
	json_object_object_add(g, "min_scaling_efficiency_at_4",
			       json_object_new_double_s(MAP_GOAL_SCALING, "0.7"));
	json_object_object_add(g, "met", any_r || any_s ?
			       json_object_new_boolean(met) : NULL);
	json_object_object_add(top, "goal", g);
	cli_json_print(top);
}

static void print_table(const struct map_opts *o, const struct vfio_env *v,
			const struct map_run *runs, unsigned int nr,
			double load0, double load1)
{
	bool any_r, any_s, met = goals_met(runs, nr, &any_r, &any_s);
	char sz[16];

	printf("bench map: map+unmap pairs per second, median of %u runs of %.1f s, lab model %s, %ld CPUs online; load average %.2f -> %.2f\n",
	       o->repeat, o->seconds, pl_iommu_model_name(o->model),
	       sysconf(_SC_NPROCESSORS_ONLN), load0, load1);
	if (o->paths[PATH_VFIO]) {
		if (v->available) {
			printf("  vfio: %u edu functions, %u viable groups:", v->nfns,
			       v->ngroups);
			for (unsigned int i = 0; i < v->ngroups; i++)
				printf(" %d", v->groups[i]);
			printf(" (one container per group; more threads than groups share containers)\n");
			if (v->skipped[0])
				printf("  vfio: left out: %s\n", v->skipped);
		} else {
			printf("  vfio: not run: %s\n", v->reason);
		}
	}
	printf("  %-14s %5s %7s %12s %12s %10s %8s\n", "path", "size", "threads",
	       "pairs", "ops/s", "vs vfio", "scaling");
	for (unsigned int i = 0; i < nr; i++) {
		const struct map_run *r = &runs[i];
		double x = ratio_vs_kernel(runs, nr, r), s = scaling(runs, nr, r);

		if (!r->done)
			continue;
		printf("  %-14s %5s %7u %12llu %12.0f ", path_name[r->path],
		       size_name(r->size, sz, sizeof(sz)), r->threads,
		       (unsigned long long)r->pairs, r->ops);
		if (x >= 0)
			printf("%9.2fx", x);
		else
			printf("%10s", "-");
		if (s >= 0)
			printf(" %8.2f", s);
		else
			printf(" %8s", "-");
		if (r->path == PATH_VFIO && r->containers < r->threads)
			printf("  (%u containers)", r->containers);
		putchar('\n');
	}
	if (any_r || any_s)
		printf("  goals (lab paths >= %.1fx vfio; at %u threads >= %.1f x %u x one thread): %s\n",
		       MAP_GOAL_RATIO, MAP_GOAL_THREADS, MAP_GOAL_SCALING,
		       MAP_GOAL_THREADS, met ? "met" : "NOT met");
}

/* ---------------------------------------------------------------------
 * Options
 * --------------------------------------------------------------------- */

static int parse_paths(struct map_opts *o, char *arg)
{
	char *save = NULL, *tok;

	memset(o->paths, 0, sizeof(o->paths));
	if (!strcmp(arg, "all")) {
		for (unsigned int p = 0; p < PATH_NR; p++)
			o->paths[p] = true;
		return 0;
	}
	for (tok = strtok_r(arg, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		unsigned int p;

		for (p = 0; p < PATH_NR && strcmp(tok, path_name[p]); p++)
			;
		if (p == PATH_NR || o->paths[p])
			return -EINVAL;
		o->paths[p] = true;
	}
	return 0;
}

static int parse_sizes(struct map_opts *o, char *arg)
{
	char *save = NULL, *tok;

	o->nsizes = 0;
	for (tok = strtok_r(arg, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		uint64_t v;
		char up[32];
		size_t i;

		for (i = 0; tok[i] && i + 1 < sizeof(up); i++)
			up[i] = (char)(tok[i] == 'k' ? 'K' : tok[i] == 'm' ? 'M' : tok[i]);
		up[i] = 0;
		if (o->nsizes == MAP_MAX_SIZES || pl_parse_size(up, &v) ||
		    v < PROBELAB_RACE_MAP_MIN || v > PROBELAB_RACE_MAP_MAX ||
		    (v & (v - 1)))
			return -EINVAL;
		for (i = 0; i < o->nsizes; i++)
			if (o->sizes[i] == v)
				return -EINVAL;
		o->sizes[o->nsizes++] = (uint32_t)v;
	}
	return o->nsizes ? 0 : -EINVAL;
}

static int parse_threads(struct map_opts *o, char *arg)
{
	char *save = NULL, *tok, *end;

	o->ntcounts = 0;
	o->max_threads = 0;
	for (tok = strtok_r(arg, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		unsigned long v;

		errno = 0;
		v = strtoul(tok, &end, 10);
		if (errno || *end || tok[0] == '-' || !v || v > MAP_MAX_THREADS ||
		    o->ntcounts == MAP_MAX_TCOUNTS)
			return -EINVAL;
		for (unsigned int i = 0; i < o->ntcounts; i++)
			if (o->tcounts[i] == v)
				return -EINVAL;
		o->tcounts[o->ntcounts++] = (unsigned int)v;
		if (v > o->max_threads)
			o->max_threads = (unsigned int)v;
	}
	return o->ntcounts ? 0 : -EINVAL;
}

int bench_map(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "paths", required_argument, NULL, 'p' },
		{ "sizes", required_argument, NULL, 's' },
		{ "threads", required_argument, NULL, 't' },
		{ "seconds", required_argument, NULL, 'S' },
		{ "repeat", required_argument, NULL, 'r' },
		{ "model", required_argument, NULL, 'm' },
		{ "quiet", no_argument, NULL, 'q' },
		{ 0 }
	};
	struct map_opts o = {
		.cli = cli,
		.paths = { true, true, true, true, true, true },
		.sizes = { 0x1000, 0x200000 }, .nsizes = 2,
		.tcounts = { 1, 2, 4 }, .ntcounts = 3, .max_threads = 4,
		.seconds = 1.0, .repeat = 3,
#if defined(__aarch64__)
		.model = PROBELAB_FW_IOMMU_SMMUV3,
#else
		.model = PROBELAB_FW_IOMMU_VTD,
#endif
	};
	struct vfio_env v = { 0 };
	struct lab lab = { 0 };
	struct map_run *runs;
	struct bench_progress pr = { 0 };
	unsigned int nr = 0, total, done = 0, nruns = 0;
	uint64_t sorted[MAP_MAX_REPEAT];
	double load0, load1;
	int c, ret, status = CLI_OK;
	char *end, e[96];

	optind = 1;
	while ((c = getopt_long(argc, argv, "p:s:t:S:r:m:q", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			if (parse_paths(&o, optarg))
				return cli_usage(cli, "--paths takes ioctl, dma_ops, dma_ops_shared, vfio, syscall, cpu, a comma-separated list of them, or all");
			break;
		case 's':
			if (parse_sizes(&o, optarg))
				return cli_usage(cli, "--sizes takes up to %u distinct powers of two from 4K to 2M, comma-separated (4K,2M)",
						 MAP_MAX_SIZES);
			break;
		case 't':
			if (parse_threads(&o, optarg))
				return cli_usage(cli, "--threads takes up to %u distinct counts 1..%u, comma-separated (1,2,4)",
						 MAP_MAX_TCOUNTS, MAP_MAX_THREADS);
			break;
		case 'S':
			errno = 0;
			o.seconds = strtod(optarg, &end);
			if (errno || *end || !(o.seconds >= 0.01 &&
					       o.seconds <= MAP_MAX_SECONDS))
				return cli_usage(cli, "--seconds takes 0.01..%.0f",
						 MAP_MAX_SECONDS);
			break;
		case 'r': {
			unsigned long n;

			errno = 0;
			n = strtoul(optarg, &end, 10);
			if (errno || *end || optarg[0] == '-' || !n ||
			    n > MAP_MAX_REPEAT)
				return cli_usage(cli, "--repeat takes 1..%u",
						 MAP_MAX_REPEAT);
			o.repeat = (unsigned int)n;
			break;
		}
		case 'm':
			if (!strcmp(optarg, "smmuv3"))
				o.model = PROBELAB_FW_IOMMU_SMMUV3;
			else if (!strcmp(optarg, "vtd"))
				o.model = PROBELAB_FW_IOMMU_VTD;
			else
				return cli_usage(cli, "--model is smmuv3 or vtd");
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

	total = o.nsizes * o.ntcounts * PATH_NR;
	runs = calloc(total, sizeof(*runs));
	for (unsigned int p = 0; p < PATH_NR; p++)
		nruns += o.paths[p] ? o.nsizes * o.ntcounts : 0;
	if (!runs)
		return cli_fail(cli, -ENOMEM, "out of memory");
	ret = cli_open(cli, &lab.h);
	if (ret) {
		free(runs);
		return ret;
	}
	pr.quiet = o.quiet || cli->json;
	load0 = bench_loadavg();
	if (o.paths[PATH_IOCTL] || o.paths[PATH_DMA_OPS] ||
	    o.paths[PATH_DMA_SHARED]) {
		status = lab_setup(&o, &lab);
		if (status == CLI_OK && o.paths[PATH_IOCTL] &&
		    pl_has_op(lab.h, PROBELAB_OP_MAP) != 1)
			status = cli_fail(cli, -EOPNOTSUPP, "the loaded probelab.ko has no MAP (GET_INFO ops): the ioctl path cannot run");
	}
	if (status == CLI_OK && o.paths[PATH_VFIO]) {
		vfio_prepare(&v);
		if (!v.available && !pr.quiet)
			fprintf(stderr, "probelab bench map: vfio path not run: %s\n",
				v.reason);
	}
	bench_progress_start(&pr);
	/* repeats outermost, so that each path's samples spread over the time */
	for (unsigned int rep = 0; rep < o.repeat && status == CLI_OK; rep++) {
		for (unsigned int i = 0; i < total && status == CLI_OK; i++) {
			unsigned int p = i % PATH_NR, t = i / PATH_NR % o.ntcounts;
			unsigned int s = i / PATH_NR / o.ntcounts;
			struct map_run *r = &runs[i], one = { 0 };

			if (!o.paths[p] || (p == PATH_VFIO && !v.available))
				continue;
			one.path = r->path = p;
			one.size = r->size = o.sizes[s];
			one.threads = r->threads = o.tcounts[t];
			status = p == PATH_IOCTL ? run_ioctl(&o, &lab, &one) :
				 p == PATH_DMA_OPS || p == PATH_DMA_SHARED ?
				 run_dma_ops(&o, &lab, &one) :
				 p == PATH_VFIO ? run_vfio(&o, &v, &one) :
				 run_cpu(&o, &one);	/* cpu, syscall */
			if (status == CLI_OK) {
				r->pairs += one.pairs;
				r->errors += one.errors;
				r->elapsed_ns += one.elapsed_ns;
				r->containers = one.containers;
				r->samples[r->nsamples++] = (uint64_t)(one.ops + 0.5);
				r->ops = pl_bench_median(
					memcpy(sorted, r->samples,
					       r->nsamples * sizeof(*sorted)),
					r->nsamples);
				r->done = true;
			}
			bench_progress(&pr, "runs done", ++done, nruns * o.repeat);
		}
	}
	nr = total;
	load1 = bench_loadavg();
	vfio_release(&v);
	if (o.paths[PATH_IOCTL] || o.paths[PATH_DMA_OPS] ||
	    o.paths[PATH_DMA_SHARED]) {
		ret = pl_lab_reset(lab.h);
		if (ret && status == CLI_OK)
			status = cli_fail(cli, ret, "LAB_RESET after the runs: %s",
					  cli_errstr(ret, e, sizeof(e)));
	}
	pl_close(lab.h);
	if (status == CLI_OK) {
		if (cli->json)
			print_json(&o, &v, runs, nr, load0, load1);
		else
			print_table(&o, &v, runs, nr, load0, load1);
	}
	free(runs);
	return status;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Guest test: `probelab fw import --host` of the guest's own firmware (the
 * DMAR of QEMU's q35 + intel-iommu, the device tree of QEMU's virt +
 * SMMUv3 with its iommu-map), then a cross-check of the lab against the
 * guest kernel's own IOMMU layer:
 *
 *  - show and import run; one lab device per PCI function of the guest,
 *    waiting until the instances are registered (`probelab iommu
 *    register`), probed after;
 *  - for every PCI function that has an IOMMU group in the guest kernel:
 *    the lab puts it behind the instance the kernel uses (same name:
 *    dmar0, smmu3.0x...), with the kernel's IDs (x86_64: VT-d has no
 *    fwspec, the source ID is the requester ID; arm64: the fwspec IDs
 *    that debugfs probelab/host/pci shows), IDs the import added only to
 *    reproduce a group (its "group_only" refs) aside;
 *  - the lab's groups partition those functions exactly as the kernel's.
 *
 * The test knows its kernel: whether a PCI function without a driver has
 * an IOMMU group depends on when the kernel probes the IOMMU.  VT-d
 * kernels do it at device add (the bus notifier); arm64 with a device tree
 * only at driver bind, through of_dma_configure() (measured on 6.1 and
 * 6.12), until 6.15 ("iommu: Get DT/ACPI parsing into the proper probe
 * path") moved the firmware step into the IOMMU probe, at device add.  The
 * test states the behaviour it sees and the one known for the running
 * kernel, and fails on a mismatch, or on a mix that is neither behaviour
 * (a kernel not listed may show either).  Where groups come only
 * at bind, it first binds every driverless function to vfio-pci
 * (driver_override) and unbinds them again at the end; the second of two
 * functions behind the PCIe-to-PCI bridge fails to bind in 6.1 (its alias
 * stream ID is already in the SMMU's tree) and stays without a group.
 * The probe time is read before anything is bound, by the first test of
 * the run; every test binds (where needed) and unbinds again.
 *
 * The variants are the two models; the one the machine's firmware does
 * not describe (SMMUv3 on x86_64 q35, VT-d on arm64 virt) skips.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>
#include <json-c/json.h>

#include "probe_util.h"

#define PCI_DEVS	"/sys/bus/pci/devices"
#define HOST_PCI	DEBUGFS "/host/pci"
#define MAX_FN		256

struct fn {
	char bdf[16];		/* 0000:00:01.0 */
	uint16_t seg;
	uint8_t bus;
	uint8_t devfn;
	int kgroup;		/* kernel group, -1 none */
	bool has_driver;	/* a driver was bound at the scan */
	bool bridge;		/* class 0x0604: PCI-to-PCI bridge */
	char kiommu[64];	/* kernel IOMMU instance name, "" none */
	/* arm64: debugfs host/pci */
	bool has_host;
	int hgroup;
	unsigned int nr_kids;
	uint32_t kids[16];
	char kfwnode[160];
};

static struct fn fns[MAX_FN];
static unsigned int nfns;
/*
 * The functions this test bound to vfio-pci, to unbind at teardown: kept
 * apart from fns[], which every scan_kernel() rebuilds.
 */
static char vfio_bound[MAX_FN][16];
static unsigned int nvfio_bound;
static bool arm;

static int run(const char *cmd, char **out)
{
	char *buf = NULL;
	size_t len = 0, cap = 0;
	FILE *p;
	int st;

	p = popen(cmd, "r");
	if (!p)
		bail("popen %s: %s", cmd, strerror(errno));
	for (;;) {
		size_t n;

		if (len + 4096 + 1 > cap) {
			cap = cap ? 2 * cap : 65536;
			buf = realloc(buf, cap);
			if (!buf)
				bail("out of memory");
		}
		n = fread(buf + len, 1, 4096, p);
		if (!n)
			break;
		len += n;
	}
	buf[len] = '\0';
	st = pclose(p);
	if (out)
		*out = buf;
	else
		free(buf);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 255;
}

static int write_str(const char *path, const char *s)
{
	FILE *f = fopen(path, "w");
	int ret = 0;

	if (!f)
		return -errno;
	if (fputs(s, f) < 0)
		ret = -EIO;
	if (fclose(f))
		ret = -errno;
	return ret;
}

static void link_base(const char *path, char *buf, size_t len)
{
	char t[PATH_MAX];
	ssize_t n = readlink(path, t, sizeof(t) - 1);
	const char *b;

	buf[0] = '\0';
	if (n <= 0)
		return;
	t[n] = '\0';
	b = strrchr(t, '/');
	snprintf(buf, len, "%.63s", b ? b + 1 : t);
}

static int cmp_fn(const void *a, const void *b)
{
	return strcmp(((const struct fn *)a)->bdf, ((const struct fn *)b)->bdf);
}

/* A sysfs class file ("0x060400"): its value, 0 when unreadable. */
static unsigned long read_class(const char *path)
{
	char *t = pl_read_text(path);
	unsigned long v = t ? strtoul(t, NULL, 16) : 0;

	free(t);
	return v;
}

static void scan_kernel(void)
{
	struct dirent *de;
	DIR *d = opendir(PCI_DEVS);

	if (!d)
		bail("%s: %s", PCI_DEVS, strerror(errno));
	nfns = 0;
	while ((de = readdir(d)) != NULL) {
		unsigned int s, b, dv, f;
		struct fn *x;
		char p[PATH_MAX], g[32];

		if (sscanf(de->d_name, "%x:%x:%x.%x", &s, &b, &dv, &f) != 4)
			continue;
		if (nfns == MAX_FN)
			bail("more than %u PCI functions", MAX_FN);
		x = &fns[nfns++];
		memset(x, 0, sizeof(*x));
		snprintf(x->bdf, sizeof(x->bdf), "%.15s", de->d_name);
		x->seg = (uint16_t)s;
		x->bus = (uint8_t)b;
		x->devfn = (uint8_t)(dv << 3 | f);
		snprintf(p, sizeof(p), PCI_DEVS "/%.15s/iommu_group", de->d_name);
		link_base(p, g, sizeof(g));
		x->kgroup = g[0] ? atoi(g) : -1;
		snprintf(p, sizeof(p), PCI_DEVS "/%.15s/iommu", de->d_name);
		link_base(p, x->kiommu, sizeof(x->kiommu));
		snprintf(p, sizeof(p), PCI_DEVS "/%.15s/driver", de->d_name);
		link_base(p, g, sizeof(g));
		x->has_driver = g[0] != 0;
		snprintf(p, sizeof(p), PCI_DEVS "/%.15s/class", de->d_name);
		x->bridge = read_class(p) >> 8 == 0x0604;
	}
	closedir(d);
	qsort(fns, nfns, sizeof(fns[0]), cmp_fn);
}

static struct fn *fn_find(const char *bdf)
{
	for (unsigned int i = 0; i < nfns; i++)
		if (!strcmp(fns[i].bdf, bdf))
			return &fns[i];
	return NULL;
}

/* <bdf> group=<id|-> ids=<hex,..|-> iommu=<name|-> */
static bool read_host_pci(void)
{
	char line[512];
	FILE *f = fopen(HOST_PCI, "r");

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		char bdf[32], grp[32], ids[256], iommu[160];
		struct fn *x;

		if (sscanf(line, "%31s group=%31s ids=%255s iommu=%159s", bdf, grp,
			   ids, iommu) != 4)
			continue;
		x = fn_find(bdf);
		if (!x)
			continue;
		x->has_host = true;
		x->hgroup = strcmp(grp, "-") ? atoi(grp) : -1;
		x->nr_kids = 0;
		if (strcmp(ids, "-"))
			for (char *t = strtok(ids, ","); t && x->nr_kids < 16;
			     t = strtok(NULL, ","))
				x->kids[x->nr_kids++] = (uint32_t)strtoul(t, NULL, 16);
		snprintf(x->kfwnode, sizeof(x->kfwnode), "%s",
			 strcmp(iommu, "-") ? iommu : "");
	}
	fclose(f);
	return true;
}

enum probe_time { PROBE_AT_ADD, PROBE_AT_BIND, PROBE_MIXED, PROBE_UNKNOWN };

static const char *const probe_time_name[] = {
	[PROBE_AT_ADD] = "at device add (driverless functions have groups)",
	[PROBE_AT_BIND] = "at driver bind (driverless functions have no group)",
	[PROBE_MIXED] = "neither (some driverless functions have groups, some not)",
	[PROBE_UNKNOWN] = "not recorded for this kernel",
};

/* When the running kernel is known to probe a PCI function's IOMMU. */
static enum probe_time known_probe_time(const char **rel)
{
	static struct utsname u;
	unsigned int maj = 0, min = 0;

	uname(&u);
	*rel = u.release;
	if (sscanf(u.release, "%u.%u", &maj, &min) != 2)
		return PROBE_UNKNOWN;
	if (!arm)
		return PROBE_AT_ADD;	/* VT-d: bus notifier at device add */
	if (maj == 6 && (min == 1 || min == 12))
		return PROBE_AT_BIND;	/* of_dma_configure() at bind: measured */
	if (maj > 6 || (maj == 6 && min >= 15))
		return PROBE_AT_ADD;	/* the 6.15 change, not measured here */
	return PROBE_UNKNOWN;
}

/*
 * What the kernel did: groups of the functions no driver is bound to.
 * Bridges do not count: pcieport matches every PCI-to-PCI bridge by class
 * and refuses a PCIe-to-PCI one in its probe, after really_probe() ran
 * dma_configure - an IOMMU probe at a bind attempt that leaves a
 * driverless function with a group (seen on the arm64 6.1-lockdep
 * kernel: "pcieport 0000:02:00.0: Adding to iommu group 1", no driver).
 */
static enum probe_time seen_probe_time(unsigned int *with, unsigned int *of)
{
	*with = *of = 0;
	for (unsigned int i = 0; i < nfns; i++) {
		if (fns[i].has_driver || fns[i].bridge)
			continue;
		(*of)++;
		*with += fns[i].kgroup >= 0;
	}
	if (!*of)
		return PROBE_UNKNOWN;
	return *with == *of ? PROBE_AT_ADD : !*with ? PROBE_AT_BIND : PROBE_MIXED;
}

/* Whether the probe time seen is the one known for the running kernel. */
static bool probe_time_ok(enum probe_time seen, unsigned int with,
			  unsigned int of, char *why, size_t len)
{
	const char *rel;
	enum probe_time want = known_probe_time(&rel);

	snprintf(why, len, "kernel %s (%s): IOMMU probe %s: %u of %u driverless functions have a group; known: %s",
		 rel, arm ? "arm64" : "x86_64", probe_time_name[seen], with, of,
		 probe_time_name[want]);
	return seen == want ||
	       (want == PROBE_UNKNOWN &&
		(seen == PROBE_AT_ADD || seen == PROBE_AT_BIND));
}

/* Bind every driverless function to vfio-pci (gives it a group). */
static void bind_vfio(void)
{
	for (unsigned int i = 0; i < nfns; i++) {
		char p[PATH_MAX], drv[64];
		bool bound;
		int ret;

		snprintf(p, sizeof(p), PCI_DEVS "/%.15s/driver", fns[i].bdf);
		link_base(p, drv, sizeof(drv));
		if (drv[0])
			continue;
		snprintf(p, sizeof(p), PCI_DEVS "/%.15s/driver_override", fns[i].bdf);
		if (write_str(p, "vfio-pci"))
			continue;
		ret = write_str("/sys/bus/pci/drivers_probe", fns[i].bdf);
		snprintf(p, sizeof(p), PCI_DEVS "/%.15s/driver", fns[i].bdf);
		link_base(p, drv, sizeof(drv));
		bound = !strcmp(drv, "vfio-pci");
		ksft_print_msg("bind %s to vfio-pci: %s\n", fns[i].bdf,
			       bound ? "bound" :
			       ret ? strerror(-ret) : "not bound");
		if (bound && nvfio_bound < MAX_FN)
			snprintf(vfio_bound[nvfio_bound++], sizeof(vfio_bound[0]),
				 "%s", fns[i].bdf);
		if (!bound) {
			snprintf(p, sizeof(p), PCI_DEVS "/%.15s/driver_override",
				 fns[i].bdf);
			write_str(p, "\n");
		}
	}
}

static void unbind_vfio(void)
{
	for (unsigned int i = 0; i < nvfio_bound; i++) {
		char p[PATH_MAX];

		write_str("/sys/bus/pci/drivers/vfio-pci/unbind", vfio_bound[i]);
		snprintf(p, sizeof(p), PCI_DEVS "/%.15s/driver_override",
			 vfio_bound[i]);
		write_str(p, "\n");
	}
	nvfio_bound = 0;
}

static json_object *jget(json_object *o, const char *k)
{
	json_object *v = NULL;

	json_object_object_get_ex(o, k, &v);
	return v;
}

static json_object *import_dev(json_object *doc, const char *bdf)
{
	json_object *devs = jget(doc, "devices");
	size_t n = devs ? json_object_array_length(devs) : 0;

	for (size_t i = 0; i < n; i++) {
		json_object *d = json_object_array_get_idx(devs, i);
		const char *name = json_object_get_string(jget(d, "device"));

		if (name && !strcmp(name, bdf))
			return d;
	}
	return NULL;
}

static bool ref_group_only(json_object *jd, uint32_t id)
{
	json_object *refs = jget(jd, "refs");
	size_t n = refs ? json_object_array_length(refs) : 0;

	for (size_t i = 0; i < n; i++) {
		json_object *r = json_object_array_get_idx(refs, i);

		if ((uint32_t)json_object_get_int64(jget(r, "id")) == id &&
		    json_object_get_boolean(jget(r, "group_only")))
			return true;
	}
	return false;
}

static bool dma_alias_has(json_object *jd, uint32_t rid)
{
	json_object *a = jget(jd, "dma_aliases");
	size_t n = a ? json_object_array_length(a) : 0;

	for (size_t i = 0; i < n; i++) {
		unsigned int b, d, f;

		if (sscanf(json_object_get_string(json_object_array_get_idx(a, i)),
			   "%x:%x.%x", &b, &d, &f) == 3 &&
		    (b << 8 | d << 3 | f) == rid)
			return true;
	}
	return false;
}

static const struct probelab_dev_info *lab_dev(const struct probelab_dev_info *devs,
					       unsigned int nd, const struct fn *x)
{
	for (unsigned int i = 0; i < nd; i++)
		if (devs[i].kind == PROBELAB_DEV_PCI && devs[i].segment == x->seg &&
		    devs[i].bus == x->bus && devs[i].devfn == x->devfn)
			return &devs[i];
	return NULL;
}

static const char *iommu_name(const struct probelab_iommu_info *io,
			      unsigned int ni, uint32_t ord)
{
	for (unsigned int i = 0; i < ni; i++)
		if (io[i].ordinal == ord)
			return io[i].name;
	return "?";
}

static void ids_str(const uint32_t *ids, unsigned int n, char *buf, size_t len)
{
	size_t o = 0;

	buf[0] = '\0';
	for (unsigned int i = 0; i < n && o < len; i++)
		o += (size_t)snprintf(buf + o, len - o, "%s0x%x", i ? "," : "",
				      ids[i]);
	if (!n)
		snprintf(buf, len, "-");
}

/*
 * Whether the import took instance @name from the firmware node @fwnode
 * the kernel's fwspec names (the origin of a DT IOMMU is "DT <path>").
 */
static bool iommu_from(json_object *doc, const char *name, const char *fwnode)
{
	json_object *arr = jget(doc, "instances");
	size_t n = arr ? json_object_array_length(arr) : 0;
	char want[200];

	snprintf(want, sizeof(want), "DT %s", fwnode);
	for (size_t i = 0; i < n; i++) {
		json_object *o = json_object_array_get_idx(arr, i);
		const char *nm = json_object_get_string(jget(o, "name"));
		const char *org = json_object_get_string(jget(o, "origin"));

		if (nm && !strcmp(nm, name))
			return org && !strcmp(org, want);
	}
	return false;
}

/* One function's cross-check: instance and IDs; @msg says what was seen. */
static bool check_ids(json_object *doc, const struct fn *x,
		      const struct probelab_dev_info *ld,
		      const struct probelab_iommu_info *io, unsigned int ni,
		      char *msg, size_t msglen)
{
	json_object *jd = import_dev(doc, x->bdf);
	uint32_t want[16], lab[4];
	unsigned int nw = 0, nl, extra = 0;
	char ws[128], ls[128], why[200] = "";
	const char *lname;
	bool ok = true;

	if (!ld || ld->state != PROBELAB_DEV_PROBED || !ld->nr_iommus || !jd) {
		snprintf(msg, msglen, "%s (kernel group %d, %s): lab device %s",
			 x->bdf, x->kgroup, x->kiommu, !ld ? "missing" : !jd ?
			 "not in the import" : "not probed");
		return false;
	}
	lname = iommu_name(io, ni, ld->iommus[0]);
	nl = ld->nr_ids < 4 ? ld->nr_ids : 4;
	memcpy(lab, ld->ids, nl * sizeof(lab[0]));
	if (strcmp(lname, x->kiommu)) {
		ok = false;
		snprintf(why, sizeof(why), "; instance %s, the kernel's %s",
			 lname, x->kiommu);
	}
	if (arm) {
		/* the kernel's fwspec IDs from debugfs host/pci */
		if (!x->has_host) {
			ok = false;
			snprintf(why + strlen(why), sizeof(why) - strlen(why),
				 "; no line in " HOST_PCI);
		}
		for (unsigned int i = 0; i < x->nr_kids; i++)
			want[nw++] = x->kids[i];
		if (x->has_host && !iommu_from(doc, lname, x->kfwnode)) {
			ok = false;
			snprintf(why + strlen(why), sizeof(why) - strlen(why),
				 "; the kernel's fwspec names %s, the lab's instance is not from that node",
				 x->kfwnode);
		}
		if (x->has_host && x->hgroup != x->kgroup) {
			ok = false;
			snprintf(why + strlen(why), sizeof(why) - strlen(why),
				 "; host/pci group %d, sysfs %d", x->hgroup,
				 x->kgroup);
		}
	} else {
		/* VT-d: the source ID is the requester ID */
		want[nw++] = (uint32_t)(x->bus << 8 | x->devfn);
	}
	if (!nw || !nl || lab[0] != want[0])
		ok = false;
	for (unsigned int i = 0; i < nw; i++) {
		bool found = false;

		for (unsigned int k = 0; k < nl; k++)
			found |= lab[k] == want[i];
		if (!found)
			ok = false;
	}
	for (unsigned int k = 0; k < nl; k++) {
		bool found = false;

		for (unsigned int i = 0; i < nw; i++)
			found |= lab[k] == want[i];
		if (found)
			continue;
		/*
		 * Not the kernel's: an ID only a group alias gives, or on
		 * VT-d (no fwspec to read) a DMA alias of the topology.
		 */
		if (ref_group_only(jd, lab[k]) ||
		    (!arm && dma_alias_has(jd, lab[k])))
			extra++;
		else
			ok = false;
	}
	ids_str(want, nw, ws, sizeof(ws));
	ids_str(lab, nl, ls, sizeof(ls));
	snprintf(msg, msglen, "%s: kernel %s %s %s, lab %s %s (%u of them group/DMA aliases)%s",
		 x->bdf, x->kiommu, arm ? "fwspec IDs" : "source ID", ws, lname,
		 ls, extra, why);
	return ok;
}

/* Kernel and lab group the functions the kernel grouped the same way. */
static bool same_partition(const struct probelab_dev_info *devs,
			   unsigned int nd)
{
	char ks[1024] = "", lsb[1024] = "";
	bool ok = true;

	for (unsigned int i = 0; i < nfns; i++) {
		const struct probelab_dev_info *a = lab_dev(devs, nd, &fns[i]);

		if (fns[i].kgroup < 0)
			continue;
		snprintf(ks + strlen(ks), sizeof(ks) - strlen(ks), " %s:%d",
			 fns[i].bdf + 5, fns[i].kgroup);
		snprintf(lsb + strlen(lsb), sizeof(lsb) - strlen(lsb), " %s:%u",
			 fns[i].bdf + 5, a ? a->group_id : 0);
		for (unsigned int j = 0; j < nfns; j++) {
			const struct probelab_dev_info *b = lab_dev(devs, nd, &fns[j]);
			bool ksame, lsame;

			if (fns[j].kgroup < 0)
				continue;
			ksame = fns[i].kgroup == fns[j].kgroup;
			lsame = a && b && a->group_id && a->group_id == b->group_id;
			if (ksame != lsame) {
				ok = false;
				ksft_print_msg("%s and %s: kernel groups %d, %d; lab groups %u, %u\n",
					       fns[i].bdf, fns[j].bdf,
					       fns[i].kgroup, fns[j].kgroup,
					       a ? a->group_id : 0,
					       b ? b->group_id : 0);
			}
		}
	}
	ksft_print_msg("kernel groups:%s\n", ks);
	ksft_print_msg("lab groups:   %s\n", lsb);
	return ok;
}

/*
 * The kernel's PCI functions scanned (after binding the driverless ones to
 * vfio-pci where the kernel probes the IOMMU only at bind), the probe
 * time seen before that, and the lab reset.
 */
FIXTURE(host) {
	enum probe_time seen;
	unsigned int with, of, nchk;
};
FIXTURE_VARIANTS_IOMMU(host);

FIXTURE_SETUP(host)
{
	const struct iommu_kind *m = machine_iommu();

	if (variant->iommu != m)
		SETUP_SKIP("%s: the machine's firmware describes %s, not %s",
			   m->vtd ? "x86_64 q35" : "arm64 virt", m->model,
			   variant->iommu->model);
	arm = !variant->iommu->vtd;
	lab_setup(_metadata, false);
	scan_kernel();
	self->seen = seen_probe_time(&self->with, &self->of);
	if (self->seen != PROBE_AT_ADD)
		bind_vfio();
	scan_kernel();
	if (arm && !read_host_pci())
		ksft_print_msg("%s is missing: the module has no host introspection\n",
			       HOST_PCI);
	self->nchk = 0;
	for (unsigned int i = 0; i < nfns; i++)
		self->nchk += fns[i].kgroup >= 0;
}

FIXTURE_TEARDOWN(host)
{
	unbind_vfio();
	lab_teardown(_metadata);
}

/*
 * `probelab fw import --host --json`: the parsed document (its devices
 * and instances arrays there), or the test fails.
 */
static json_object *import_host(struct __test_metadata *_metadata)
{
	json_object *doc;
	char *out = NULL;
	int rc;

	rc = run("probelab fw import --host --json", &out);
	doc = json_tokener_parse(out);
	if (rc || !doc || !jget(doc, "devices") || !jget(doc, "instances")) {
		ksft_print_msg("%s\n", out);
		free(out);
		json_object_put(doc);
		ASSERT_EQ(0, rc) TH_LOG("fw import --host failed");
		ASSERT_TRUE(false) TH_LOG("fw import --host: no devices and instances");
	}
	free(out);
	return doc;
}

/* `probelab iommu register` of every instance of the import */
static bool register_all(json_object *doc)
{
	json_object *insts = jget(doc, "instances");
	char cmd[256], *out = NULL;
	bool ok = true;

	for (size_t i = 0; i < json_object_array_length(insts); i++) {
		const char *n = json_object_get_string(jget(
			json_object_array_get_idx(insts, i), "name"));

		snprintf(cmd, sizeof(cmd), "probelab iommu register %s 2>&1", n);
		if (run(cmd, &out)) {
			ok = false;
			ksft_print_msg("%s: %s\n", cmd, out);
		}
		free(out);
	}
	return ok;
}

/*
 * The kernel probes a PCI function's IOMMU when the running kernel is
 * known to (read before anything is bound: the first test of a run).
 */
TEST_F(host, probe_time)
{
	char why[400];

	EXPECT_TRUE(probe_time_ok(self->seen, self->with, self->of, why,
				  sizeof(why))) TH_LOG("%s", why);
	ksft_print_msg("%s\n", why);
}

/* `probelab fw show --host` shows the instances and the groups */
TEST_F(host, show)
{
	char *out = NULL;
	int rc;

	rc = run("probelab fw show --host 2>&1", &out);
	EXPECT_EQ(0, rc) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "instances:"));
	EXPECT_NE(NULL, strstr(out, "groups these devices form"));
	free(out);
}

/*
 * The import: a lab device for every PCI function of the guest, all
 * waiting for their instance until `probelab iommu register` of the
 * instances, all probed after.
 */
TEST_F(host, import)
{
	unsigned int nd = 0, waiting = 0, probed = 0;
	struct probelab_dev_info *devs = NULL;
	json_object *doc = import_host(_metadata);
	json_object *jdevs = jget(doc, "devices");
	size_t ninst = json_object_array_length(jget(doc, "instances"));

	ksft_print_msg("fw import --host (%s, %s): %zu lab devices for the %u PCI functions\n",
		       json_object_get_string(jget(doc, "kind")),
		       json_object_get_string(jget(doc, "source")),
		       json_object_array_length(jdevs), nfns);
	for (unsigned int i = 0; i < nfns; i++) {
		EXPECT_NE(NULL, import_dev(doc, fns[i].bdf))
			TH_LOG("%s: no lab device", fns[i].bdf);
	}

	ASSERT_EQ(0, pl_query_devices(lab, &devs, &nd));
	for (unsigned int i = 0; i < nd; i++)
		waiting += devs[i].state == PROBELAB_DEV_WAITING;
	free(devs);
	EXPECT_EQ(json_object_array_length(jdevs), nd);
	EXPECT_EQ(nd, waiting) TH_LOG("waiting before registration");

	EXPECT_TRUE(register_all(doc));
	EXPECT_GT(ninst, 0);
	ASSERT_EQ(0, pl_query_devices(lab, &devs, &nd));
	for (unsigned int i = 0; i < nd; i++)
		probed += devs[i].state == PROBELAB_DEV_PROBED;
	free(devs);
	EXPECT_GT(nd, 0);
	EXPECT_EQ(nd, probed) TH_LOG("probed after registration");
	json_object_put(doc);
}

/*
 * Every PCI function that has an IOMMU group in the guest kernel: the lab
 * puts it behind the instance the kernel uses, with the kernel's IDs; the
 * lab's groups partition those functions as the kernel's do.
 */
TEST_F(host, kernel_groups)
{
	struct probelab_dev_info *devs = NULL;
	struct probelab_iommu_info *io = NULL;
	json_object *doc = import_host(_metadata);
	unsigned int nd = 0, ni = 0;
	char msg[400];

	ASSERT_TRUE(register_all(doc));
	ksft_print_msg("%u PCI functions have an IOMMU group in the guest kernel%s\n",
		       self->nchk, self->seen != PROBE_AT_ADD ?
		       " (driverless ones bound to vfio-pci first)" : "");
	ASSERT_GT(self->nchk, 0);
	ASSERT_EQ(0, pl_query_devices(lab, &devs, &nd));
	ASSERT_EQ(0, pl_query_iommus(lab, &io, &ni));
	for (unsigned int i = 0; i < nfns; i++) {
		if (fns[i].kgroup < 0)
			continue;
		EXPECT_TRUE(check_ids(doc, &fns[i], lab_dev(devs, nd, &fns[i]),
				      io, ni, msg, sizeof(msg)))
			TH_LOG("%s", msg);
		ksft_print_msg("%s\n", msg);
	}
	EXPECT_TRUE(same_partition(devs, nd))
		TH_LOG("the lab's groups of the %u functions the kernel grouped",
		       self->nchk);
	free(devs);
	free(io);
	json_object_put(doc);
}

/*
 * The same firmware imported as a file: the sample devices of file mode
 * (one per scope, a few per ID map) load, and probe once the instances
 * are registered (--register).
 */
TEST_F(host, file_mode)
{
	struct probelab_dev_info *devs = NULL;
	json_object *doc = import_host(_metadata);
	unsigned int nd = 0, probed = 0;
	char cmd[600], *out = NULL;
	int rc;

	ASSERT_EQ(0, pl_lab_reset(lab));
	snprintf(cmd, sizeof(cmd), "probelab fw import %.500s --register 2>&1",
		 json_object_get_string(jget(doc, "source")));
	json_object_put(doc);
	rc = run(cmd, &out);
	EXPECT_EQ(0, rc) TH_LOG("%s: %s", cmd, out);
	free(out);
	ASSERT_EQ(0, pl_query_devices(lab, &devs, &nd));
	for (unsigned int i = 0; i < nd; i++)
		probed += devs[i].state == PROBELAB_DEV_PROBED;
	free(devs);
	EXPECT_GT(nd, 0) TH_LOG("sample devices");
	EXPECT_EQ(nd, probed);
}

TEST_HARNESS_MAIN

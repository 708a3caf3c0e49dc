/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers of the guest C tests (the .c files here), on the kernel's
 * kselftest_harness.h (Debian's linux-source, tools/testing/selftests/;
 * the Makefile puts it on the include path): the lab through libprobelab,
 * descriptions through the topology builder, debugfs, and the fixture
 * every lab test uses - the harness forks one process per test, so each
 * test opens /dev/probelab and resets the lab in its FIXTURE_SETUP
 * (lab_setup()) and resets it again in its FIXTURE_TEARDOWN
 * (lab_teardown()); LAB_FIXTURE() and LAB_SETUP_TEARDOWN() write those
 * two, FIXTURE_VARIANTS_IOMMU() and FIXTURE_VARIANTS_POLICY() the usual
 * variants.  The one-instance descriptions (topo_one(), load_one()) take
 * the model from a fixture variant (struct iommu_kind).  Also a monotonic
 * clock in microseconds (now_us()).
 */
#ifndef PROBELAB_PROBE_UTIL_H
#define PROBELAB_PROBE_UTIL_H

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "probelab.h"
#include "topo.h"

#define DEBUGFS		"/sys/kernel/debug/probelab"

static struct pl_handle *lab;

/*
 * The test this process runs (set by lab_setup(), cleared by
 * lab_teardown()): a helper's fatal failure ends it as a failed ASSERT_*()
 * does, through the harness's __bail() (teardown, then the test fails).
 */
static struct __test_metadata *pl_test;

/*
 * Line-buffered stdout: what a test's process prints (ksft_print_msg())
 * survives its _exit() and keeps its place among the harness's lines and
 * TH_LOG()'s (stderr).
 */
static void __attribute__((constructor)) pl_stdout_lines(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
}

static inline void pl_fatal(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4), noreturn));
static inline void pl_fatal(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "# %s:%d:%s:", file, line, pl_test ? pl_test->name : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (pl_test) {
		pl_test->passed = 0;
		__bail(1, pl_test);	/* longjmp()s to the test's wrapper */
	}
	exit(1);
}

/* A fatal failure of the running test, with a reason. */
#define bail(fmt, ...)	pl_fatal(__FILE__, __LINE__, fmt, ##__VA_ARGS__)

static inline void pl_must(int ret, const char *what, const char *file,
			   int line)
{
	if (ret)
		pl_fatal(file, line, "%s: %s (%d)", what,
			 strerror(ret < 0 ? -ret : ret), ret);
}

/* @ret must be 0, else the running test fails (what and errno logged). */
#define must(ret, what)	pl_must((ret), (what), __FILE__, __LINE__)

/*
 * SKIP() from a FIXTURE_SETUP.  The 6.1 harness runs the test body after a
 * setup that skipped (later ones return), so this ends the test's process
 * here as the harness ends a skipped test: exit status 255.  Nothing may
 * need a teardown yet.
 */
#define SETUP_SKIP(fmt, ...) \
	SKIP({ fflush(NULL); _exit(255); }, fmt, ##__VA_ARGS__)

/* ---- fixtures ---------------------------------------------------------- */

/**
 * struct iommu_kind - the IOMMU model a fixture variant runs on
 * @model: "SMMUv3" or "VT-d", for messages
 * @inst: the instance's name in the one-instance descriptions
 * @vtd: VT-d (else SMMUv3)
 */
struct iommu_kind {
	const char *model;
	const char *inst;
	bool vtd;
};

static const struct iommu_kind iommu_smmuv3 __attribute__((unused)) = {
	.model = "SMMUv3", .inst = "smmu0", .vtd = false,
};
static const struct iommu_kind iommu_vtd __attribute__((unused)) = {
	.model = "VT-d", .inst = "dmar0", .vtd = true,
};

/*
 * A fixture's FIXTURE_SETUP, lab_setup() with @auto_check and then the
 * statement @then (which may read variant; empty for none), and its
 * FIXTURE_TEARDOWN, lab_teardown().  After FIXTURE() and the fixture's
 * FIXTURE_VARIANT(), if it has one.
 */
#define LAB_SETUP_TEARDOWN(fixture, auto_check, then)			\
	FIXTURE_SETUP(fixture)						\
	{								\
		lab_setup(_metadata, auto_check);			\
		then;							\
	}								\
	FIXTURE_TEARDOWN(fixture)					\
	{								\
		lab_teardown(_metadata);				\
	}

/* A fixture that is the lab alone (no variant, nothing loaded). */
#define LAB_FIXTURE(fixture, auto_check)				\
	FIXTURE(fixture) {};						\
	LAB_SETUP_TEARDOWN(fixture, auto_check, )

/*
 * A fixture's two variants, one per model: variant->iommu is
 * &iommu_smmuv3 or &iommu_vtd.
 */
#define FIXTURE_VARIANTS_IOMMU(fixture)					\
	FIXTURE_VARIANT(fixture) {					\
		const struct iommu_kind *iommu;				\
	};								\
	FIXTURE_VARIANT_ADD(fixture, smmuv3) { .iommu = &iommu_smmuv3 }; \
	FIXTURE_VARIANT_ADD(fixture, vtd) { .iommu = &iommu_vtd }

/*
 * A fixture's two variants, the lab's policy and mainline's:
 * variant->policy is PROBELAB_POLICY_FIXED or PROBELAB_POLICY_MAINLINE.
 */
#define FIXTURE_VARIANTS_POLICY(fixture)				\
	FIXTURE_VARIANT(fixture) {					\
		unsigned int policy;					\
	};								\
	FIXTURE_VARIANT_ADD(fixture, fixed) {				\
		.policy = PROBELAB_POLICY_FIXED,			\
	};								\
	FIXTURE_VARIANT_ADD(fixture, mainline) {			\
		.policy = PROBELAB_POLICY_MAINLINE,			\
	}

/* The model of the machine's own IOMMU: q35's VT-d, virt's SMMUv3. */
static inline const struct iommu_kind *machine_iommu(void)
{
#if defined(__aarch64__)
	return &iommu_smmuv3;
#else
	return &iommu_vtd;
#endif
}

/* CLOCK_MONOTONIC in microseconds. */
static inline uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/* CHECK with @flags; a failure of the op ends the test. */
static inline struct pl_check_result check_run(unsigned int flags)
{
	struct pl_check_result r;

	must(pl_check(lab, flags, 8, &r), "CHECK");
	return r;
}

/*
 * Every lab test's FIXTURE_SETUP starts here: /dev/probelab opened, the
 * lab reset, its STATS counters zeroed and, with @auto_check, CHECK after
 * every op (lab_teardown() turns it off).
 */
static inline void lab_setup(struct __test_metadata *_metadata,
			     bool auto_check)
{
	struct probelab_stats st;
	int ret;

	pl_test = _metadata;
	ret = pl_open(&lab);
	ASSERT_EQ(0, ret) TH_LOG("cannot open %s: %s", PL_DEVICE_PATH,
				 strerror(-ret));
	ASSERT_EQ(0, pl_lab_reset(lab));
	ASSERT_EQ(0, pl_stats(lab, &st, 1));
	if (auto_check) {
		struct pl_check_result r = check_run(PROBELAB_CHECK_AUTO_ON);

		pl_check_result_free(&r);
	}
}

/* FIXTURE_TEARDOWN: automatic checking off, the lab reset and closed. */
static inline void lab_teardown(struct __test_metadata *_metadata)
{
	struct pl_check_result r;

	pl_test = NULL;		/* a fatal failure from here on just exits */
	if (!lab)
		return;
	EXPECT_EQ(0, pl_check(lab, PROBELAB_CHECK_AUTO_OFF, 0, &r));
	pl_check_result_free(&r);
	EXPECT_EQ(0, pl_lab_reset(lab));
	pl_close(lab);
	lab = NULL;
}

/* ---- descriptions -------------------------------------------------- */

static inline struct pl_topo_builder *topo_new(void)
{
	struct pl_topo_builder *b = pl_topo_builder_new();

	if (!b)
		bail("out of memory");
	return b;
}

static inline int topo_smmu(struct pl_topo_builder *b, const char *name,
			    unsigned int sid_bits)
{
	struct probelab_fw_iommu io;
	int ret;

	memset(&io, 0, sizeof(io));
	io.model = PROBELAB_FW_IOMMU_SMMUV3;
	io.sid_bits = (uint8_t)sid_bits;
	snprintf(io.name, sizeof(io.name), "%s", name);
	ret = pl_topo_add_iommu(b, &io, name);
	if (ret < 0)
		bail("add IOMMU %s: %d", name, ret);
	return ret;
}

static inline int topo_vtd(struct pl_topo_builder *b, const char *name,
			   unsigned int segment, bool include_all)
{
	struct probelab_fw_iommu io;
	int ret;

	memset(&io, 0, sizeof(io));
	io.model = PROBELAB_FW_IOMMU_VTD;
	io.segment = (uint16_t)segment;
	io.flags = include_all ? PROBELAB_FW_VTD_INCLUDE_PCI_ALL : 0;
	snprintf(io.name, sizeof(io.name), "%s", name);
	ret = pl_topo_add_iommu(b, &io, name);
	if (ret < 0)
		bail("add IOMMU %s: %d", name, ret);
	return ret;
}

/* A root complex of segment @seg, buses @bs..@be, requester IDs & @mask. */
static inline int topo_rc_mask(struct pl_topo_builder *b, unsigned int seg,
			       unsigned int bs, unsigned int be,
			       unsigned int mask)
{
	struct probelab_fw_rc rc;
	int ret;

	memset(&rc, 0, sizeof(rc));
	rc.segment = (uint16_t)seg;
	rc.bus_start = (uint8_t)bs;
	rc.bus_end = (uint8_t)be;
	rc.rid_mask = (uint16_t)mask;
	ret = pl_topo_add_rc(b, &rc, "rc");
	if (ret < 0)
		bail("add root complex: %d", ret);
	return ret;
}

/* A root complex of segment @seg, buses @bs..@be, no rid mask. */
static inline int topo_rc(struct pl_topo_builder *b, unsigned int seg,
			  unsigned int bs, unsigned int be)
{
	return topo_rc_mask(b, seg, bs, be, 0xffff);
}

static inline void topo_map(struct pl_topo_builder *b, int rc, int iommu,
			    uint32_t rid_base, uint32_t length, uint32_t out)
{
	struct probelab_fw_idmap m;

	memset(&m, 0, sizeof(m));
	m.rc = (uint16_t)rc;
	m.iommu = (uint16_t)iommu;
	m.rid_base = rid_base;
	m.length = length;
	m.output_base = out;
	if (pl_topo_add_idmap(b, &m, "idmap") < 0)
		bail("add ID map");
}

static inline void topo_bridge(struct pl_topo_builder *b, unsigned int seg,
			       unsigned int bus, unsigned int dev,
			       unsigned int fn, unsigned int sec,
			       unsigned int sub, bool pcie_to_pci)
{
	struct probelab_fw_bridge br;

	memset(&br, 0, sizeof(br));
	br.segment = (uint16_t)seg;
	br.bus = (uint8_t)bus;
	br.devfn = (uint8_t)(dev << 3 | fn);
	br.secondary = (uint8_t)sec;
	br.subordinate = (uint8_t)sub;
	br.flags = pcie_to_pci ? PROBELAB_FW_BRIDGE_PCIE_TO_PCI : 0;
	if (pl_topo_add_bridge(b, &br, "bridge") < 0)
		bail("add bridge");
}

static inline int topo_endpoint(struct pl_topo_builder *b, const char *name)
{
	int ret = pl_topo_add_endpoint(b, name, name);

	if (ret < 0)
		bail("add endpoint %s: %d", name, ret);
	return ret;
}

static inline void topo_spec(struct pl_topo_builder *b, int ep, int iommu,
			     uint32_t id)
{
	if (pl_topo_add_spec(b, (unsigned int)ep, (unsigned int)iommu, id, 0,
			     "spec") < 0)
		bail("add specifier");
}

/* Validates the description into @blob (malloc()ed), frees the builder. */
static inline void topo_finish(struct pl_topo_builder *b, void **blob,
			       size_t *len)
{
	char err[512];
	int ret;

	ret = pl_topo_builder_finish(b, blob, len, err, sizeof(err));
	pl_topo_builder_free(b);
	if (ret)
		bail("description: %s", err);
}

/* Validates, FW_LOADs and frees the builder. */
static inline int topo_load(struct pl_topo_builder *b, unsigned int policy,
			    unsigned int domain)
{
	size_t len;
	void *blob;
	int ret;

	topo_finish(b, &blob, &len);
	ret = pl_fw_load(lab, blob, len, policy, domain, NULL);
	free(blob);
	return ret;
}

/*
 * A description of one instance of @k (not yet loaded): a VT-d DRHD of
 * segment 0 with INCLUDE_PCI_ALL, or an SMMUv3 with 16-bit stream IDs
 * behind root complex 0 (buses 0-255) whose ID map gives stream ID =
 * requester ID & @rid_mask (0xffff: every function a stream of its own).
 * Callers add to it, then topo_load() it.
 */
static inline struct pl_topo_builder *
topo_one_mask(const struct iommu_kind *k, unsigned int rid_mask)
{
	struct pl_topo_builder *b = topo_new();

	if (k->vtd) {
		topo_vtd(b, k->inst, 0, true);
	} else {
		int s = topo_smmu(b, k->inst, 16);
		int rc = topo_rc_mask(b, 0, 0, 0xff, rid_mask);

		topo_map(b, rc, s, 0, 0x10000, 0);
	}
	return b;
}

static inline struct pl_topo_builder *topo_one(const struct iommu_kind *k)
{
	return topo_one_mask(k, 0xffff);
}

/* FW_LOADs topo_one(@k) and, with @reg, registers the instance. */
static inline void load_one(const struct iommu_kind *k, unsigned int policy,
			    unsigned int domain, bool reg)
{
	must(topo_load(topo_one(k), policy, domain), "FW_LOAD");
	if (reg)
		must(pl_iommu_register(lab, k->inst), "IOMMU_REGISTER");
}

/* load_one() of the SMMUv3 under "fixed", DMA default domains, registered. */
static inline void load_fixed_smmuv3(void)
{
	load_one(&iommu_smmuv3, PROBELAB_POLICY_FIXED, PROBELAB_DOMAIN_DMA,
		 true);
}

/* ---- lab objects ---------------------------------------------------- */

static inline uint32_t add_pci(unsigned int seg, unsigned int bus,
			       unsigned int dev, unsigned int fn)
{
	uint32_t id = 0;

	must(pl_dev_add_pci(lab, (uint16_t)seg, (uint8_t)bus,
			    (uint8_t)(dev << 3 | fn), NULL, 0, &id),
	     "DEV_ADD");
	return id;
}

static inline uint32_t add_pci_alias(unsigned int seg, unsigned int bus,
				     unsigned int dev, unsigned int fn,
				     unsigned int abus, unsigned int adev,
				     unsigned int afn)
{
	uint16_t alias = (uint16_t)(abus << 8 | adev << 3 | afn);
	uint32_t id = 0;

	must(pl_dev_add_pci(lab, (uint16_t)seg, (uint8_t)bus,
			    (uint8_t)(dev << 3 | fn), &alias, 1, &id),
	     "DEV_ADD");
	return id;
}

static inline uint32_t add_named(const char *name)
{
	uint32_t id = 0;

	must(pl_dev_add_named(lab, name, &id), "DEV_ADD");
	return id;
}

/* QUERY entry of device @id; bails out when it does not exist. */
static inline struct probelab_dev_info dev_get(uint32_t id)
{
	struct probelab_dev_info info;
	char ref[16];

	snprintf(ref, sizeof(ref), "%u", id);
	must(pl_dev_lookup(lab, ref, NULL, &info), "device lookup");
	return info;
}

static inline struct probelab_iommu_info iommu_get(const char *name)
{
	struct probelab_iommu_info *v, r;
	unsigned int n, i;

	must(pl_query_iommus(lab, &v, &n), "QUERY iommus");
	for (i = 0; i < n; i++)
		if (!strncmp(v[i].name, name, sizeof(v[i].name))) {
			r = v[i];
			free(v);
			return r;
		}
	free(v);
	bail("no instance %s", name);
}

static inline struct probelab_group_info group_get(uint32_t group)
{
	struct probelab_group_info *v, r;
	unsigned int n, i;

	must(pl_query_groups(lab, &v, &n), "QUERY groups");
	for (i = 0; i < n; i++)
		if (v[i].group_id == group) {
			r = v[i];
			free(v);
			return r;
		}
	free(v);
	memset(&r, 0, sizeof(r));
	return r;
}

static inline unsigned int nr_groups(void)
{
	struct probelab_group_info *v;
	unsigned int n;

	must(pl_query_groups(lab, &v, &n), "QUERY groups");
	free(v);
	return n;
}

static inline unsigned int nr_devices(void)
{
	struct probelab_dev_info *v;
	unsigned int n;

	must(pl_query_devices(lab, &v, &n), "QUERY devices");
	free(v);
	return n;
}

static inline uint32_t drv_bind(uint32_t id, unsigned int driver)
{
	uint32_t result = 0;

	must(pl_drv_bind(lab, id, driver, &result), "DRV_BIND");
	return result;
}

static inline struct probelab_stats stats(bool reset)
{
	struct probelab_stats st;

	must(pl_stats(lab, &st, reset), "STATS");
	return st;
}

/* ---- debugfs ---------------------------------------------------------- */

/*
 * Field @field (0-based, space separated) of the line of debugfs file
 * @file whose first field is @key; "" when absent.
 */
static inline const char *debugfs_field(const char *file, const char *key,
					unsigned int field, char *out,
					size_t len)
{
	char path[256], *text, *line, *save = NULL;

	snprintf(path, sizeof(path), "%s", file);
	out[0] = 0;
	text = pl_read_text(path);
	if (!text)
		return out;
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *tok, *s2 = NULL;
		unsigned int i = 0;

		tok = strtok_r(line, " ", &s2);
		if (!tok || strcmp(tok, key))
			continue;
		while (tok && i < field) {
			tok = strtok_r(NULL, " ", &s2);
			i++;
		}
		if (tok)
			snprintf(out, len, "%s", tok);
		break;
	}
	free(text);
	return out;
}

/* dma_ops owner of a lab device in debugfs devices: direct, lab, driver */
static inline const char *dma_ops_owner(uint32_t id, char *out, size_t len)
{
	char key[16];

	snprintf(key, sizeof(key), "%u", id);
	return debugfs_field(DEBUGFS "/devices", key, 5, out, len);
}

/* ---- the hardware models (debugfs iommus/<name>/ste, /context) ---------- */

/**
 * struct hw_entry - one STE or context entry as debugfs shows it
 * @state: SMMUv3 "abort", "bypass", "translate" (a never-written STE:
 *	"abort" too, it aborts); VT-d "absent", "pass-through",
 *	"second-level"
 * @sig: what names the paging domain: the STE's word 0 (S1ContextPtr:
 *	the domain's context descriptor) or the context entry's DID; 0 for
 *	other states
 */
struct hw_entry {
	char state[24];
	unsigned long long sig;
};

/* Entry of requester/stream ID @id on instance @inst. */
static inline struct hw_entry hw_get(bool vtd, const char *inst,
				     unsigned int id)
{
	struct hw_entry e = { "", 0 };
	char path[128], key[32], f[40];

	if (vtd) {
		snprintf(path, sizeof(path), DEBUGFS "/iommus/%s/context", inst);
		snprintf(key, sizeof(key), "%02x:%02x.%u", id >> 8,
			 (id >> 3) & 0x1f, id & 7);
		debugfs_field(path, key, 1, e.state, sizeof(e.state));
		if (!e.state[0]) {
			snprintf(e.state, sizeof(e.state), "absent");
			return e;
		}
		debugfs_field(path, key, 2, f, sizeof(f));
		if (!strcmp(e.state, "second-level"))
			e.sig = strtoull(f, NULL, 10);
		return e;
	}
	snprintf(path, sizeof(path), DEBUGFS "/iommus/%s/ste", inst);
	snprintf(key, sizeof(key), "0x%x", id);
	debugfs_field(path, key, 1, e.state, sizeof(e.state));
	if (!e.state[0] || !strcmp(e.state, "invalid"))
		snprintf(e.state, sizeof(e.state), "abort");
	debugfs_field(path, key, 2, f, sizeof(f));
	if (!strcmp(e.state, "translate"))
		e.sig = strtoull(f, NULL, 16);
	return e;
}

/* The entry state a domain type gives on each model. */
static inline const char *hw_want(bool vtd, unsigned int domain_type)
{
	switch (domain_type) {
	case PROBELAB_DOMAIN_BLOCKED:
		return vtd ? "absent" : "abort";
	case PROBELAB_DOMAIN_IDENTITY:
		return vtd ? "pass-through" : "bypass";
	case PROBELAB_DOMAIN_DMA:
	case PROBELAB_DOMAIN_UNMANAGED:
		return vtd ? "second-level" : "translate";
	}
	return "?";
}

/* ---- the invariant checker ---------------------------------------------- */

/*
 * CHECK finds nothing now, nothing was found since the lab was reset
 * (automatic checking after every op included) and automatic checking is
 * on; @what names the step in a failure's log.
 */
static inline void expect_check_clean(struct __test_metadata *_metadata,
				      const char *what)
{
	struct pl_check_result r = check_run(0);
	const char *first = r.nr ? r.v[0].what : "";

	EXPECT_EQ(0, r.found)
		TH_LOG("%s: CHECK found %u violations; first: %s", what,
		       r.found, first);
	EXPECT_EQ(0, r.total)
		TH_LOG("%s: %llu violations since the lab was reset; first: %s",
		       what, (unsigned long long)r.total, first);
	EXPECT_TRUE(r.auto_check)
		TH_LOG("%s: automatic checking is off", what);
	pl_check_result_free(&r);
}

/*
 * No violation was reported since lab_setup() zeroed the STATS counters
 * (they count across LAB_RESET); safe in a FIXTURE_TEARDOWN.
 */
static inline void expect_no_violations(struct __test_metadata *_metadata)
{
	struct probelab_stats st;

	EXPECT_NE(NULL, lab);
	if (!lab)
		return;
	EXPECT_EQ(0, pl_stats(lab, &st, 0));
	EXPECT_EQ(0, st.violations) TH_LOG("violations reported");
}

/* /dev/kmsg opened at its end: what the kernel logs from now on. */
static inline int kmsg_open(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		bail("open /dev/kmsg: %s", strerror(errno));
	if (lseek(fd, 0, SEEK_END) < 0)
		bail("seek /dev/kmsg: %s", strerror(errno));
	return fd;
}

/* Whether a record logged since kmsg_open() contains @text; closes @fd. */
static inline bool kmsg_seen(int fd, const char *text)
{
	char rec[2048];
	bool seen = false;
	ssize_t n;

	for (;;) {
		n = read(fd, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)
			continue;	/* overwritten records: read on */
		if (n <= 0)
			break;
		rec[n] = 0;
		seen |= strstr(rec, text) != NULL;
	}
	close(fd);
	return seen;
}

/* A second owner token (another open /dev/probelab). */
static inline struct pl_handle *token_open(void)
{
	struct pl_handle *h;
	int ret = pl_open(&h);

	if (ret)
		bail("cannot open a second %s: %s", PL_DEVICE_PATH,
		     strerror(-ret));
	return h;
}

#endif

// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of module/core/fwdesc.c (+ the validation halves of idmap.c
 * and scope.c): the FW_LOAD description blob, its layout, every rejection
 * path with its errno, record index, blob offset and field, and the tables
 * built for a valid description.
 *
 * Blobs are written by hand here (not by the topo builder) so that every
 * byte, length and count can be set wrong on purpose.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fwdesc.h"
#include "idmap.h"
#include "scope.h"

/* ---- uapi layout: sizes and offsets are ABI ---- */

#define OFF(t, f)	offsetof(struct t, f)

_Static_assert(sizeof(struct probelab_fw_hdr) == 48, "hdr");
_Static_assert(PROBELAB_FW_HDR_SIZE_V1 == 48, "hdr v1");
_Static_assert(OFF(probelab_fw_hdr, magic) == 0, "hdr");
_Static_assert(OFF(probelab_fw_hdr, version) == 4, "hdr");
_Static_assert(OFF(probelab_fw_hdr, hdr_len) == 6, "hdr");
_Static_assert(OFF(probelab_fw_hdr, total_len) == 8, "hdr");
_Static_assert(OFF(probelab_fw_hdr, flags) == 12, "hdr");
_Static_assert(OFF(probelab_fw_hdr, nr_records) == 16, "hdr");
_Static_assert(OFF(probelab_fw_hdr, nr_iommus) == 20, "hdr");
_Static_assert(OFF(probelab_fw_hdr, nr_scopes) == 44, "hdr");
_Static_assert(sizeof(struct probelab_fw_rec) == 8, "rec");
_Static_assert(OFF(probelab_fw_rec, len) == 2, "rec");
_Static_assert(OFF(probelab_fw_rec, __reserved) == 4, "rec");
_Static_assert(sizeof(struct probelab_fw_iommu) == 56, "iommu");
_Static_assert(PROBELAB_FW_IOMMU_SIZE_V1 == 56, "iommu v1");
_Static_assert(OFF(probelab_fw_iommu, segment) == 2, "iommu");
_Static_assert(OFF(probelab_fw_iommu, sid_bits) == 4, "iommu");
_Static_assert(OFF(probelab_fw_iommu, __reserved) == 5, "iommu");
_Static_assert(OFF(probelab_fw_iommu, flags) == 8, "iommu");
_Static_assert(OFF(probelab_fw_iommu, features) == 12, "iommu");
_Static_assert(OFF(probelab_fw_iommu, base) == 16, "iommu");
_Static_assert(OFF(probelab_fw_iommu, name) == 24, "iommu");
_Static_assert(sizeof(struct probelab_fw_endpoint) == 40, "endpoint");
_Static_assert(OFF(probelab_fw_endpoint, flags) == 32, "endpoint");
_Static_assert(OFF(probelab_fw_endpoint, nr_specs) == 36, "endpoint");
_Static_assert(sizeof(struct probelab_fw_spec) == 16, "spec");
_Static_assert(OFF(probelab_fw_spec, iommu) == 4, "spec");
_Static_assert(OFF(probelab_fw_spec, flags) == 6, "spec");
_Static_assert(OFF(probelab_fw_spec, id) == 8, "spec");
_Static_assert(OFF(probelab_fw_spec, mask) == 12, "spec");
_Static_assert(sizeof(struct probelab_fw_rc) == 48, "rc");
_Static_assert(OFF(probelab_fw_rc, bus_start) == 2, "rc");
_Static_assert(OFF(probelab_fw_rc, bus_end) == 3, "rc");
_Static_assert(OFF(probelab_fw_rc, rid_mask) == 4, "rc");
_Static_assert(OFF(probelab_fw_rc, flags) == 8, "rc");
_Static_assert(OFF(probelab_fw_rc, nr_idmaps) == 12, "rc");
_Static_assert(OFF(probelab_fw_rc, name) == 16, "rc");
_Static_assert(sizeof(struct probelab_fw_idmap) == 24, "idmap");
_Static_assert(OFF(probelab_fw_idmap, iommu) == 2, "idmap");
_Static_assert(OFF(probelab_fw_idmap, flags) == 4, "idmap");
_Static_assert(OFF(probelab_fw_idmap, rid_base) == 8, "idmap");
_Static_assert(OFF(probelab_fw_idmap, length) == 12, "idmap");
_Static_assert(OFF(probelab_fw_idmap, output_base) == 16, "idmap");
_Static_assert(OFF(probelab_fw_idmap, __reserved) == 20, "idmap");
_Static_assert(sizeof(struct probelab_fw_bridge) == 8, "bridge");
_Static_assert(OFF(probelab_fw_bridge, bus) == 2, "bridge");
_Static_assert(OFF(probelab_fw_bridge, devfn) == 3, "bridge");
_Static_assert(OFF(probelab_fw_bridge, secondary) == 4, "bridge");
_Static_assert(OFF(probelab_fw_bridge, subordinate) == 5, "bridge");
_Static_assert(OFF(probelab_fw_bridge, flags) == 6, "bridge");
_Static_assert(sizeof(struct probelab_fw_scope) == 16, "scope");
_Static_assert(OFF(probelab_fw_scope, type) == 2, "scope");
_Static_assert(OFF(probelab_fw_scope, start_bus) == 3, "scope");
_Static_assert(OFF(probelab_fw_scope, nr_hops) == 4, "scope");
_Static_assert(OFF(probelab_fw_scope, __reserved) == 5, "scope");
_Static_assert(OFF(probelab_fw_scope, hops) == 8, "scope");

/* ---- a hand blob writer ---- */

#define CAP	((1u << 20) + 4096)

static uint64_t tbuf[CAP / 8];
static struct {
	uint8_t *b;
	size_t len;
	uint32_t cnt[8];
	uint32_t nrec;
	uint32_t last;		/* record index of the last record added */
} T;

#define BODY(off, type)	((struct type *)(T.b + (off) + 8))
/* blob offset of a body field of the record at @off */
#define F(off, type, field)	((uint32_t)((off) + 8 + OFF(type, field)))

static void tb_reset(void)
{
	T.b = (uint8_t *)tbuf;
	memset(tbuf, 0, sizeof(tbuf));
	T.len = sizeof(struct probelab_fw_hdr);
	memset(T.cnt, 0, sizeof(T.cnt));
	T.nrec = 0;
}

static size_t tb_rec(uint16_t type, const void *body, size_t blen)
{
	size_t off = T.len, rlen = 8 + ((blen + 7) & ~(size_t)7);
	struct probelab_fw_rec r = { .type = type, .len = (uint16_t)rlen };

	assert_true(off + rlen <= CAP);
	memcpy(T.b + off, &r, sizeof(r));
	memcpy(T.b + off + 8, body, blen);
	T.len += rlen;
	if (type < 8)
		T.cnt[type]++;
	T.last = T.nrec++;
	return off;
}

static struct probelab_fw_hdr *tb_hdr(void)
{
	struct probelab_fw_hdr *h = (struct probelab_fw_hdr *)T.b;

	h->magic = PROBELAB_FW_MAGIC;
	h->version = PROBELAB_FW_VERSION;
	h->hdr_len = sizeof(*h);
	h->total_len = (uint32_t)T.len;
	h->flags = 0;
	h->nr_records = T.nrec;
	h->nr_iommus = T.cnt[PROBELAB_FW_REC_IOMMU];
	h->nr_endpoints = T.cnt[PROBELAB_FW_REC_ENDPOINT];
	h->nr_specs = T.cnt[PROBELAB_FW_REC_SPEC];
	h->nr_rcs = T.cnt[PROBELAB_FW_REC_ROOT_COMPLEX];
	h->nr_idmaps = T.cnt[PROBELAB_FW_REC_IDMAP];
	h->nr_bridges = T.cnt[PROBELAB_FW_REC_BRIDGE];
	h->nr_scopes = T.cnt[PROBELAB_FW_REC_SCOPE];
	return h;
}

static void setname(char *dst, const char *name)
{
	memset(dst, 0, PROBELAB_FW_NAME_LEN);
	memcpy(dst, name, strlen(name));
}

static size_t r_smmu(const char *name, uint8_t sid_bits, uint32_t features)
{
	struct probelab_fw_iommu io = {
		.model = PROBELAB_FW_IOMMU_SMMUV3,
		.sid_bits = sid_bits,
		.features = features,
	};

	setname(io.name, name);
	return tb_rec(PROBELAB_FW_REC_IOMMU, &io, sizeof(io));
}

static size_t r_vtd(const char *name, uint16_t seg, uint32_t flags)
{
	struct probelab_fw_iommu io = {
		.model = PROBELAB_FW_IOMMU_VTD,
		.segment = seg,
		.flags = flags,
	};

	setname(io.name, name);
	return tb_rec(PROBELAB_FW_REC_IOMMU, &io, sizeof(io));
}

static size_t r_ep(const char *name, uint32_t nr_specs)
{
	struct probelab_fw_endpoint ep = { .nr_specs = nr_specs };

	setname(ep.name, name);
	return tb_rec(PROBELAB_FW_REC_ENDPOINT, &ep, sizeof(ep));
}

static size_t r_spec(uint32_t ep, uint16_t io, uint32_t id, uint32_t mask)
{
	struct probelab_fw_spec s = {
		.endpoint = ep, .iommu = io, .id = id, .mask = mask,
	};

	return tb_rec(PROBELAB_FW_REC_SPEC, &s, sizeof(s));
}

static size_t r_rc(const char *name, uint16_t seg, uint8_t bs, uint8_t be,
		   uint32_t mask, uint32_t nmaps)
{
	struct probelab_fw_rc rc = {
		.segment = seg, .bus_start = bs, .bus_end = be,
		.rid_mask = mask, .nr_idmaps = nmaps,
	};

	setname(rc.name, name);
	return tb_rec(PROBELAB_FW_REC_ROOT_COMPLEX, &rc, sizeof(rc));
}

static size_t r_map(uint16_t rc, uint16_t io, uint32_t flags, uint32_t base,
		    uint32_t len, uint32_t out)
{
	struct probelab_fw_idmap m = {
		.rc = rc, .iommu = io, .flags = flags, .rid_base = base,
		.length = len, .output_base = out,
	};

	return tb_rec(PROBELAB_FW_REC_IDMAP, &m, sizeof(m));
}

static size_t r_bridge(uint16_t seg, uint8_t bus, uint8_t devfn, uint8_t sec,
		       uint8_t sub, uint16_t flags)
{
	struct probelab_fw_bridge b = {
		.segment = seg, .bus = bus, .devfn = devfn, .secondary = sec,
		.subordinate = sub, .flags = flags,
	};

	return tb_rec(PROBELAB_FW_REC_BRIDGE, &b, sizeof(b));
}

#define DF(d, f)	((uint8_t)((d) << 3 | (f)))

static size_t r_scope(uint16_t io, uint8_t type, uint8_t start, unsigned int n,
		      ...)
{
	struct probelab_fw_scope s = {
		.iommu = io, .type = type, .start_bus = start,
		.nr_hops = (uint8_t)n,
	};
	unsigned int i;
	va_list ap;

	va_start(ap, n);
	for (i = 0; i < n && i < PROBELAB_FW_MAX_HOPS; i++)
		s.hops[i] = (uint8_t)va_arg(ap, int);
	va_end(ap);
	return tb_rec(PROBELAB_FW_REC_SCOPE, &s, sizeof(s));
}

#define EP	PROBELAB_FW_SCOPE_ENDPOINT
#define BR	PROBELAB_FW_SCOPE_BRIDGE

/* parse T as is (header not rewritten) */
static int parse_raw(struct pl_fwdesc **d, struct pl_fw_err *e)
{
	return pl_fwdesc_parse(T.b, T.len, d, e);
}

static struct pl_fwdesc *parse_ok(void)
{
	struct pl_fwdesc *d = NULL;
	struct pl_fw_err e;
	int ret;

	tb_hdr();
	ret = parse_raw(&d, &e);
	if (ret)
		print_message("# unexpected: %d %s\n", ret, e.msg);
	assert_int_equal(ret, 0);
	assert_int_equal(e.err, 0);
	assert_non_null(d);
	return d;
}

static void check_err(int ret, struct pl_fwdesc *d, const struct pl_fw_err *e,
		      int code, uint32_t rec, uint32_t off, const char *field)
{
	if (ret != code || e->rec_index != rec || e->offset != off ||
	    strcmp(e->field, field))
		print_message("# got %d rec %u off 0x%x field '%s': %s\n",
			      ret, e->rec_index, e->offset, e->field, e->msg);
	assert_int_equal(ret, code);
	assert_int_equal(e->err, code);
	assert_null(d);
	assert_int_equal(e->rec_index, rec);
	assert_int_equal(e->offset, off);
	assert_string_equal(e->field, field);
	assert_true(strlen(e->msg) > 10);
	assert_true(strlen(e->msg) < sizeof(e->msg));
}

/* parse T (header rewritten) and expect a failure */
static void expect(int code, uint32_t rec, uint32_t off, const char *field)
{
	struct pl_fwdesc *d = (struct pl_fwdesc *)&d;
	struct pl_fw_err e;
	int ret;

	tb_hdr();
	ret = parse_raw(&d, &e);
	check_err(ret, d, &e, code, rec, off, field);
}

/* same, header left as the test set it */
static void expect_raw(int code, uint32_t rec, uint32_t off,
		       const char *field)
{
	struct pl_fwdesc *d = (struct pl_fwdesc *)&d;
	struct pl_fw_err e;
	int ret;

	ret = parse_raw(&d, &e);
	check_err(ret, d, &e, code, rec, off, field);
}

#define HDR	PL_FW_NONE

static int setup(void **state)
{
	(void)state;
	tb_reset();
	return 0;
}

/* ---- header ---- */

static void test_empty_description(void **state)
{
	struct pl_fwdesc *d;

	(void)state;
	d = parse_ok();
	assert_int_equal(d->nr_iommus, 0);
	assert_int_equal(d->nr_segs, 0);
	assert_int_equal(pl_fwdesc_find_endpoint(d, "x"), -ENOENT);
	pl_fwdesc_free(d);
}

static void test_args(void **state)
{
	struct pl_fwdesc *d;
	struct pl_fw_err e;

	(void)state;
	tb_hdr();
	assert_int_equal(pl_fwdesc_parse(NULL, 48, &d, &e), -EINVAL);
	assert_int_equal(e.err, -EINVAL);
	assert_int_equal(pl_fwdesc_parse(T.b, T.len, NULL, &e), -EINVAL);
	/* err is optional */
	assert_int_equal(pl_fwdesc_parse(T.b, T.len, &d, NULL), 0);
	pl_fwdesc_free(d);
	assert_int_equal(pl_fwdesc_parse(T.b, 47, &d, NULL), -EINVAL);
	assert_null(d);
	pl_fwdesc_free(NULL);
}

static void test_hdr_len_short(void **state)
{
	struct pl_fwdesc *d;
	struct pl_fw_err e;
	int ret;

	(void)state;
	tb_hdr();
	ret = pl_fwdesc_parse(T.b, 47, &d, &e);
	check_err(ret, d, &e, -EINVAL, HDR, 0, "");
	ret = pl_fwdesc_parse(T.b, 0, &d, &e);
	check_err(ret, d, &e, -EINVAL, HDR, 0, "");
}

static void test_hdr_too_big(void **state)
{
	struct pl_fwdesc *d;
	struct pl_fw_err e;
	int ret;

	(void)state;
	tb_hdr();
	ret = pl_fwdesc_parse(T.b, PROBELAB_FW_MAX_LEN + 1, &d, &e);
	check_err(ret, d, &e, -E2BIG, HDR, 0, "");
}

static void test_hdr_fields(void **state)
{
	struct probelab_fw_hdr *h;

	(void)state;
	tb_hdr()->magic = 0x12345678;
	expect_raw(-EINVAL, HDR, 0, "magic");
	tb_hdr()->version = 2;
	expect_raw(-EOPNOTSUPP, HDR, 4, "version");
	tb_hdr()->version = 0;
	expect_raw(-EOPNOTSUPP, HDR, 4, "version");
	tb_hdr()->hdr_len = 40;
	expect_raw(-EINVAL, HDR, 6, "hdr_len");
	tb_hdr()->hdr_len = 52;
	expect_raw(-EINVAL, HDR, 6, "hdr_len");
	tb_hdr()->hdr_len = 56;		/* beyond the 48-byte blob */
	expect_raw(-EINVAL, HDR, 6, "hdr_len");
	tb_hdr()->total_len = 56;
	expect_raw(-EINVAL, HDR, 8, "total_len");
	tb_hdr()->flags = 1;
	expect_raw(-EINVAL, HDR, 12, "flags");
	tb_hdr()->nr_records = PROBELAB_FW_MAX_RECORDS + 1;
	expect_raw(-E2BIG, HDR, 16, "nr_records");
	h = tb_hdr();
	h->nr_records = 1;		/* sum of the counts is 0 */
	expect_raw(-EINVAL, HDR, 16, "nr_records");
}

static void test_hdr_count_bounds(void **state)
{
	static const struct {
		uint32_t off;
		uint32_t max;
		const char *field;
	} c[] = {
		{ 20, PROBELAB_FW_MAX_IOMMUS, "nr_iommus" },
		{ 24, PROBELAB_FW_MAX_ENDPOINTS, "nr_endpoints" },
		{ 28, PROBELAB_FW_MAX_SPECS, "nr_specs" },
		{ 32, PROBELAB_FW_MAX_RCS, "nr_rcs" },
		{ 36, PROBELAB_FW_MAX_IDMAPS, "nr_idmaps" },
		{ 40, PROBELAB_FW_MAX_BRIDGES, "nr_bridges" },
		{ 44, PROBELAB_FW_MAX_SCOPES, "nr_scopes" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(c); i++) {
		struct probelab_fw_hdr *h = tb_hdr();
		uint32_t v = c[i].max + 1;

		memcpy((uint8_t *)h + c[i].off, &v, 4);
		h->nr_records = v;
		expect_raw(-E2BIG, HDR, c[i].off, c[i].field);
	}
}

static void test_hdr_extended(void **state)
{
	struct probelab_fw_hdr *h;
	struct pl_fwdesc *d;
	size_t off;

	(void)state;
	/* a 56-byte header (a newer writer) with a zero tail is accepted */
	T.len = 56;
	off = r_smmu("smmu0", 16, 0);
	assert_int_equal(off, 56);
	h = tb_hdr();
	h->hdr_len = 56;
	assert_int_equal(parse_raw(&d, NULL), 0);
	assert_int_equal(d->nr_iommus, 1);
	assert_int_equal(d->iommus[0].off, 56);
	pl_fwdesc_free(d);
	/* a non-zero byte in the tail is not understood */
	T.b[53] = 1;
	expect_raw(-E2BIG, HDR, 53, "");
}

/* ---- framing ---- */

static void test_frame_trailing(void **state)
{
	(void)state;
	r_smmu("smmu0", 16, 0);
	T.len += 4;	/* 4 stray bytes: no room for a record header */
	expect(-EINVAL, 1, 48 + 64, "");
}

static void test_frame_len(void **state)
{
	size_t off;

	(void)state;
	off = r_smmu("smmu0", 16, 0);
	((struct probelab_fw_rec *)(T.b + off))->len = 0;
	expect(-EINVAL, 0, off + 2, "len");
	((struct probelab_fw_rec *)(T.b + off))->len = 60;
	expect(-EINVAL, 0, off + 2, "len");
	((struct probelab_fw_rec *)(T.b + off))->len = 72;	/* past end */
	expect(-EINVAL, 0, off + 2, "len");
	/* shorter than the first version of the body */
	((struct probelab_fw_rec *)(T.b + off))->len = 56;
	T.len = off + 56;
	expect(-EINVAL, 0, off + 2, "len");
}

static void test_frame_reserved(void **state)
{
	size_t off;

	(void)state;
	r_smmu("smmu0", 16, 0);
	off = r_smmu("smmu1", 16, 0);
	((struct probelab_fw_rec *)(T.b + off))->__reserved = 1;
	expect(-EINVAL, 1, off + 4, "__reserved");
}

static void test_frame_unknown_type(void **state)
{
	static const uint16_t types[] = { 0, 8, 0x100, 0xffff };
	size_t i, off;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(types); i++) {
		tb_reset();
		r_smmu("smmu0", 16, 0);
		off = r_smmu("smmu1", 16, 0);
		((struct probelab_fw_rec *)(T.b + off))->type = types[i];
		tb_hdr();
		/* counts consistent with two records */
		((struct probelab_fw_hdr *)T.b)->nr_iommus = 2;
		expect_raw(-EOPNOTSUPP, 1, off, "type");
	}
}

static void test_frame_counts(void **state)
{
	struct probelab_fw_hdr *h;
	size_t off;

	(void)state;
	r_smmu("smmu0", 16, 0);
	off = r_smmu("smmu1", 16, 0);
	h = tb_hdr();
	h->nr_iommus = 1;
	h->nr_endpoints = 1;
	/* the second IOMMU record exceeds nr_iommus */
	expect_raw(-EINVAL, 1, off, "");
	h = tb_hdr();
	h->nr_records = 1;
	h->nr_iommus = 1;
	/* the second record exceeds nr_records */
	expect_raw(-EINVAL, 1, off, "");
	h = tb_hdr();
	h->nr_iommus = 3;
	h->nr_records = 3;
	expect_raw(-EINVAL, HDR, 20, "nr_iommus");
}

static void test_frame_long_body(void **state)
{
	struct probelab_fw_iommu io = {
		.model = PROBELAB_FW_IOMMU_SMMUV3, .sid_bits = 8,
	};
	uint8_t body[sizeof(io) + 16];
	struct pl_fwdesc *d;
	size_t off;

	(void)state;
	setname(io.name, "smmu0");
	memset(body, 0, sizeof(body));
	memcpy(body, &io, sizeof(io));
	/* a newer writer's longer body with a zero tail */
	off = tb_rec(PROBELAB_FW_REC_IOMMU, body, sizeof(body));
	r_smmu("smmu1", 16, 0);
	d = parse_ok();
	assert_int_equal(d->nr_iommus, 2);
	assert_string_equal(d->iommus[0].name, "smmu0");
	assert_int_equal(d->iommus[0].sid_bits, 8);
	assert_int_equal(d->iommus[1].off, off + 8 + sizeof(body));
	pl_fwdesc_free(d);
	/* ... but a non-zero byte there is a field this module lacks */
	T.b[off + 8 + sizeof(io) + 9] = 0x80;
	expect(-E2BIG, 0, off + 8 + sizeof(io) + 9, "");
}

/* ---- IOMMU records ---- */

static void test_iommu_name(void **state)
{
	struct probelab_fw_iommu *io;
	size_t off;

	(void)state;
	off = r_smmu("smmu0", 16, 0);
	io = BODY(off, probelab_fw_iommu);
	io->name[0] = 0;
	expect(-EINVAL, 0, F(off, probelab_fw_iommu, name), "name");
	memset(io->name, 'a', sizeof(io->name));
	expect(-EINVAL, 0, F(off, probelab_fw_iommu, name), "name");
	setname(io->name, "smmu 0");
	expect(-EINVAL, 0, F(off, probelab_fw_iommu, name) + 4, "name");
	setname(io->name, "smmu/0");
	expect(-EINVAL, 0, F(off, probelab_fw_iommu, name) + 4, "name");
	setname(io->name, "smmu0");
	io->name[20] = 'x';	/* garbage after the NUL */
	expect(-EINVAL, 0, F(off, probelab_fw_iommu, name) + 20, "name");
	/* 31 characters of every allowed kind are fine */
	setname(io->name, "Az09._-abcdefghijklmnopqrstuvwx");
	pl_fwdesc_free(parse_ok());
}

static void test_iommu_fields(void **state)
{
	struct probelab_fw_iommu *io;
	size_t off;

	(void)state;
	off = r_smmu("smmu0", 16, 0);
	io = BODY(off, probelab_fw_iommu);
	io->__reserved[2] = 1;
	expect(-EINVAL, 0, F(off, probelab_fw_iommu, __reserved), "__reserved");
	io->__reserved[2] = 0;
	io->model = 0;
	expect(-EOPNOTSUPP, 0, F(off, probelab_fw_iommu, model), "model");
	io->model = 3;
	expect(-EOPNOTSUPP, 0, F(off, probelab_fw_iommu, model), "model");
	io->model = PROBELAB_FW_IOMMU_SMMUV3;
	io->segment = 1;
	expect(-EINVAL, 0, F(off, probelab_fw_iommu, segment), "segment");
	io->segment = 0;
	io->sid_bits = 0;
	expect(-EINVAL, 0, F(off, probelab_fw_iommu, sid_bits), "sid_bits");
	io->sid_bits = 33;
	expect(-EINVAL, 0, F(off, probelab_fw_iommu, sid_bits), "sid_bits");
	io->sid_bits = 32;
	pl_fwdesc_free(parse_ok());
	io->flags = PROBELAB_FW_VTD_INCLUDE_PCI_ALL;
	expect(-EINVAL, 0, F(off, probelab_fw_iommu, flags), "flags");
	io->flags = 0;
	io->features = 0x20;
	expect(-EINVAL, 0, F(off, probelab_fw_iommu, features), "features");
	io->features = PROBELAB_FW_SMMUV3_F_PRI;
	expect(-EINVAL, 0, F(off, probelab_fw_iommu, features), "features");
	io->features = PROBELAB_FW_SMMUV3_F_ALL;
	pl_fwdesc_free(parse_ok());
}

static void test_vtd_fields(void **state)
{
	struct probelab_fw_iommu *io;
	struct pl_fwdesc *d;
	size_t off;

	(void)state;
	off = r_vtd("dmar0", 3, PROBELAB_FW_VTD_INCLUDE_PCI_ALL);
	io = BODY(off, probelab_fw_iommu);
	io->sid_bits = 16;
	expect(-EINVAL, 0, F(off, probelab_fw_iommu, sid_bits), "sid_bits");
	io->sid_bits = 0;
	io->flags = 2;
	expect(-EINVAL, 0, F(off, probelab_fw_iommu, flags), "flags");
	io->flags = PROBELAB_FW_VTD_INCLUDE_PCI_ALL;
	io->features = 4;
	expect(-EINVAL, 0, F(off, probelab_fw_iommu, features), "features");
	io->features = PROBELAB_FW_VTD_F_ALL;
	io->base = 0xfed90000;
	d = parse_ok();
	assert_int_equal(d->iommus[0].sid_bits, 16);
	assert_int_equal(d->iommus[0].segment, 3);
	assert_int_equal(d->iommus[0].base, 0xfed90000);
	assert_int_equal(d->nr_segs, 1);
	assert_int_equal(d->segs[0].kind, PL_FW_SEG_VTD);
	assert_int_equal(d->segs[0].include_all, 0);
	pl_fwdesc_free(d);
}

static void test_iommu_duplicates(void **state)
{
	size_t off;

	(void)state;
	r_smmu("smmu0", 16, 0);
	r_smmu("smmu1", 16, 0);
	off = r_smmu("smmu0", 8, 0);
	expect(-EEXIST, 2, F(off, probelab_fw_iommu, name), "name");

	tb_reset();
	off = r_smmu("a", 16, 0);
	BODY(off, probelab_fw_iommu)->base = 0x1000;
	off = r_smmu("b", 16, 0);
	BODY(off, probelab_fw_iommu)->base = 0x2000;
	off = r_smmu("c", 16, 0);
	BODY(off, probelab_fw_iommu)->base = 0x1000;
	expect(-EEXIST, 2, F(off, probelab_fw_iommu, base), "base");
	BODY(off, probelab_fw_iommu)->base = 0;	/* zero: unknown, allowed */
	r_smmu("d", 16, 0);
	pl_fwdesc_free(parse_ok());
}

static void test_include_all_twice(void **state)
{
	size_t off;

	(void)state;
	r_vtd("dmar0", 0, PROBELAB_FW_VTD_INCLUDE_PCI_ALL);
	r_vtd("dmar1", 1, PROBELAB_FW_VTD_INCLUDE_PCI_ALL);
	off = r_vtd("dmar2", 0, PROBELAB_FW_VTD_INCLUDE_PCI_ALL);
	expect(-EINVAL, 2, F(off, probelab_fw_iommu, flags), "flags");
	BODY(off, probelab_fw_iommu)->flags = 0;
	pl_fwdesc_free(parse_ok());
}

/* ---- endpoints and specifiers ---- */

static void test_endpoint_fields(void **state)
{
	struct probelab_fw_endpoint *ep;
	size_t off;

	(void)state;
	r_smmu("smmu0", 16, 0);
	off = r_ep("gpu", 1);
	r_spec(0, 0, 1, 0);
	ep = BODY(off, probelab_fw_endpoint);
	ep->name[3] = '!';
	expect(-EINVAL, 1, F(off, probelab_fw_endpoint, name) + 3, "name");
	ep->name[3] = 0;
	ep->flags = 1;
	expect(-EINVAL, 1, F(off, probelab_fw_endpoint, flags), "flags");
	ep->flags = 0;
	ep->nr_specs = 0;
	expect(-EINVAL, 1, F(off, probelab_fw_endpoint, nr_specs), "nr_specs");
	ep->nr_specs = PROBELAB_FW_MAX_EP_SPECS + 1;
	expect(-E2BIG, 1, F(off, probelab_fw_endpoint, nr_specs), "nr_specs");
	ep->nr_specs = 2;	/* but only one SPEC names it */
	expect(-EINVAL, 1, F(off, probelab_fw_endpoint, nr_specs), "nr_specs");
	ep->nr_specs = 1;
	pl_fwdesc_free(parse_ok());
}

static void test_endpoint_duplicate(void **state)
{
	size_t off;

	(void)state;
	r_smmu("smmu0", 16, 0);
	r_ep("gpu", 1);
	r_ep("dma", 1);
	off = r_ep("gpu", 1);
	r_spec(0, 0, 1, 0);
	r_spec(1, 0, 2, 0);
	r_spec(2, 0, 3, 0);
	expect(-EEXIST, 3, F(off, probelab_fw_endpoint, name), "name");
}

static void test_spec_fields(void **state)
{
	struct probelab_fw_spec *s;
	size_t off;
	uint32_t rec;

	(void)state;
	r_smmu("smmu0", 8, 0);
	r_vtd("dmar0", 0, 0);
	r_ep("gpu", 1);
	off = r_spec(0, 0, 0xff, 0);
	rec = T.last;
	s = BODY(off, probelab_fw_spec);
	pl_fwdesc_free(parse_ok());
	s->flags = 1;
	expect(-EINVAL, rec, F(off, probelab_fw_spec, flags), "flags");
	s->flags = 0;
	s->endpoint = 1;
	expect(-EINVAL, rec, F(off, probelab_fw_spec, endpoint), "endpoint");
	s->endpoint = 0;
	s->iommu = 2;
	expect(-EINVAL, rec, F(off, probelab_fw_spec, iommu), "iommu");
	s->iommu = 0;
	s->id = 0x100;		/* 8 stream ID bits */
	expect(-ERANGE, rec, F(off, probelab_fw_spec, id), "id");
	s->id = 0x10;
	s->mask = 0x100;
	expect(-ERANGE, rec, F(off, probelab_fw_spec, mask), "mask");
	s->mask = 0xf0;
	pl_fwdesc_free(parse_ok());
	/* VT-d: 16-bit source IDs, no mask */
	s->iommu = 1;
	expect(-EINVAL, rec, F(off, probelab_fw_spec, mask), "mask");
	s->mask = 0;
	s->id = 0x10000;
	expect(-ERANGE, rec, F(off, probelab_fw_spec, id), "id");
	s->id = 0xffff;
	pl_fwdesc_free(parse_ok());
}

static void test_spec_sid_bits_32(void **state)
{
	(void)state;
	r_smmu("smmu0", 32, 0);
	r_ep("gpu", 2);
	r_spec(0, 0, 0xffffffff, 0);
	r_spec(0, 0, 0, 0xffffffff);
	pl_fwdesc_free(parse_ok());
}

static void test_spec_duplicate(void **state)
{
	size_t off;

	(void)state;
	r_smmu("smmu0", 16, 0);
	r_smmu("smmu1", 16, 0);
	r_ep("gpu", 3);
	r_ep("dma", 1);
	r_spec(0, 0, 5, 0);
	r_spec(1, 0, 5, 0);	/* another endpoint: sharing is fine */
	r_spec(0, 1, 5, 0);	/* same ID on another IOMMU: fine */
	off = r_spec(0, 0, 5, 0);
	expect(-EEXIST, 7, F(off, probelab_fw_spec, id), "id");
	BODY(off, probelab_fw_spec)->mask = 1;	/* different mask: fine */
	pl_fwdesc_free(parse_ok());
}

static void test_spec_grouping(void **state)
{
	struct pl_fwdesc *d;
	const struct pl_fw_endpoint *ep;

	(void)state;
	r_smmu("smmu0", 16, 0);
	r_smmu("smmu1", 16, 0);
	/* specifiers interleaved, before and after their endpoints */
	r_spec(1, 1, 0x21, 0);
	r_spec(0, 0, 0x10, 0);
	r_ep("zeta", 1);
	r_spec(1, 0, 0x20, 0x3);
	r_ep("alpha", 2);
	d = parse_ok();
	assert_int_equal(d->nr_specs, 3);
	ep = &d->endpoints[0];
	assert_string_equal(ep->name, "zeta");
	assert_int_equal(ep->nr_specs, 1);
	assert_int_equal(d->specs[ep->spec_first].id, 0x10);
	ep = &d->endpoints[1];
	assert_int_equal(ep->nr_specs, 2);
	/* blob order is kept within an endpoint */
	assert_int_equal(d->specs[ep->spec_first].id, 0x21);
	assert_int_equal(d->specs[ep->spec_first].iommu, 1);
	assert_int_equal(d->specs[ep->spec_first + 1].id, 0x20);
	assert_int_equal(d->specs[ep->spec_first + 1].mask, 0x3);
	assert_int_equal(d->specs[ep->spec_first + 1].ordinal, 2);
	/* the name index is sorted */
	assert_string_equal(d->ep_names[0].name, "alpha");
	assert_int_equal(pl_fwdesc_find_endpoint(d, "alpha"), 1);
	assert_int_equal(pl_fwdesc_find_endpoint(d, "zeta"), 0);
	assert_int_equal(pl_fwdesc_find_endpoint(d, "beta"), -ENOENT);
	assert_int_equal(pl_fwdesc_find_iommu(d, "smmu1"), 1);
	assert_int_equal(pl_fwdesc_find_iommu(d, "smmu2"), -ENOENT);
	pl_fwdesc_free(d);
}

/* ---- root complexes and ID maps ---- */

static void test_rc_fields(void **state)
{
	struct probelab_fw_rc *rc;
	size_t off;

	(void)state;
	off = r_rc("pcie0", 0, 0, 0xff, 0xffff, 0);
	rc = BODY(off, probelab_fw_rc);
	rc->bus_start = 0x10;
	rc->bus_end = 0x0f;
	expect(-EINVAL, 0, F(off, probelab_fw_rc, bus_end), "bus_end");
	rc->bus_end = 0x10;
	rc->rid_mask = 0x10000;
	expect(-EINVAL, 0, F(off, probelab_fw_rc, rid_mask), "rid_mask");
	rc->rid_mask = 0;	/* every RID to rid 0 (Tegra) is legal */
	rc->flags = 4;
	expect(-EINVAL, 0, F(off, probelab_fw_rc, flags), "flags");
	rc->flags = 0;
	rc->nr_idmaps = PROBELAB_FW_MAX_IDMAPS + 1;
	expect(-E2BIG, 0, F(off, probelab_fw_rc, nr_idmaps), "nr_idmaps");
	rc->nr_idmaps = 1;
	expect(-EINVAL, 0, F(off, probelab_fw_rc, nr_idmaps), "nr_idmaps");
	rc->nr_idmaps = 0;
	rc->name[0] = 0;	/* "\0cie0": bytes after the NUL */
	expect(-EINVAL, 0, F(off, probelab_fw_rc, name) + 1, "name");
	memset(rc->name, 0, sizeof(rc->name));	/* optional */
	pl_fwdesc_free(parse_ok());
	rc->name[5] = 'x';
	expect(-EINVAL, 0, F(off, probelab_fw_rc, name) + 5, "name");
}

static void test_rc_overlap_and_names(void **state)
{
	size_t off;

	(void)state;
	r_rc("pcie0", 0, 0x00, 0x3f, 0xffff, 0);
	r_rc("pcie1", 1, 0x00, 0xff, 0xffff, 0);
	off = r_rc("pcie2", 0, 0x40, 0x7f, 0xffff, 0);
	pl_fwdesc_free(parse_ok());
	BODY(off, probelab_fw_rc)->bus_start = 0x3f;
	expect(-EINVAL, 2, F(off, probelab_fw_rc, bus_start), "bus_start");
	BODY(off, probelab_fw_rc)->bus_start = 0x40;
	setname(BODY(off, probelab_fw_rc)->name, "pcie1");
	expect(-EEXIST, 2, F(off, probelab_fw_rc, name), "name");
	/* unnamed root complexes do not clash */
	memset(BODY(off, probelab_fw_rc)->name, 0, PROBELAB_FW_NAME_LEN);
	off = r_rc("", 2, 0, 0xff, 0xffff, 0);
	pl_fwdesc_free(parse_ok());
}

static void test_rc_segment_vs_vtd(void **state)
{
	size_t off;

	(void)state;
	r_vtd("dmar0", 2, 0);
	off = r_rc("pcie0", 2, 0, 0xff, 0xffff, 0);
	expect(-EINVAL, 1, F(off, probelab_fw_rc, segment), "segment");
	BODY(off, probelab_fw_rc)->segment = 3;
	pl_fwdesc_free(parse_ok());
}

static void test_idmap_fields(void **state)
{
	struct probelab_fw_idmap *m;
	size_t off;
	uint32_t rec;

	(void)state;
	r_smmu("smmu0", 16, 0);
	r_rc("pcie0", 0, 0, 0xff, 0xffff, 1);
	off = r_map(0, 0, 0, 0x100, 0x100, 0x1000);
	rec = T.last;
	m = BODY(off, probelab_fw_idmap);
	pl_fwdesc_free(parse_ok());
	m->flags = 2;
	expect(-EINVAL, rec, F(off, probelab_fw_idmap, flags), "flags");
	m->flags = 0;
	m->__reserved = 1;
	expect(-EINVAL, rec, F(off, probelab_fw_idmap, __reserved),
	       "__reserved");
	m->__reserved = 0;
	m->length = 0;
	expect(-EINVAL, rec, F(off, probelab_fw_idmap, length), "length");
	m->rid_base = 0xffffff00;
	m->length = 0x100;	/* ends exactly at 2^32: overflow */
	expect(-EOVERFLOW, rec, F(off, probelab_fw_idmap, length), "length");
	m->rid_base = 0x10000;
	m->length = 1;
	expect(-ERANGE, rec, F(off, probelab_fw_idmap, rid_base), "rid_base");
	m->rid_base = 0xff00;
	m->length = 0x101;	/* 0xff00..0x10000 */
	expect(-ERANGE, rec, F(off, probelab_fw_idmap, length), "length");
	m->length = 0x100;	/* 0xff00..0xffff */
	m->output_base = 0xffffff01;
	expect(-EOVERFLOW, rec, F(off, probelab_fw_idmap, output_base),
	       "output_base");
	m->output_base = 0xff01;	/* last stream ID 0x10000 > 16 bits */
	expect(-ERANGE, rec, F(off, probelab_fw_idmap, output_base),
	       "output_base");
	m->output_base = 0xff00;	/* last stream ID exactly 0xffff */
	pl_fwdesc_free(parse_ok());
}

static void test_idmap_refs(void **state)
{
	struct probelab_fw_idmap *m;
	size_t off;
	uint32_t rec;

	(void)state;
	r_smmu("smmu0", 16, 0);
	r_vtd("dmar0", 5, 0);
	r_rc("pcie0", 0, 0, 0xff, 0xffff, 1);
	off = r_map(0, 0, 0, 0, 0x100, 0);
	rec = T.last;
	m = BODY(off, probelab_fw_idmap);
	m->rc = 1;
	expect(-EINVAL, rec, F(off, probelab_fw_idmap, rc), "rc");
	m->rc = 0;
	m->iommu = 2;
	expect(-EINVAL, rec, F(off, probelab_fw_idmap, iommu), "iommu");
	m->iommu = 1;		/* a VT-d DRHD */
	expect(-EINVAL, rec, F(off, probelab_fw_idmap, iommu), "iommu");
	m->iommu = 0;
	pl_fwdesc_free(parse_ok());
}

static void test_idmap_single(void **state)
{
	struct probelab_fw_idmap *m;
	size_t off, off2;

	(void)state;
	r_smmu("smmu0", 8, 0);
	r_rc("pcie0", 0, 0, 0xff, 0xffff, 1);
	off = r_map(0, 0, PROBELAB_FW_IDMAP_SINGLE, 0, 0, 0xff);
	m = BODY(off, probelab_fw_idmap);
	pl_fwdesc_free(parse_ok());
	m->output_base = 0x100;
	expect(-ERANGE, 2, F(off, probelab_fw_idmap, output_base),
	       "output_base");
	m->output_base = 7;
	m->rid_base = 1;
	expect(-EINVAL, 2, F(off, probelab_fw_idmap, rid_base), "rid_base");
	m->rid_base = 0;
	m->length = 1;
	expect(-EINVAL, 2, F(off, probelab_fw_idmap, length), "length");
	m->length = 0;
	/* a SINGLE map must be alone on its root complex */
	BODY(48 + 64, probelab_fw_rc)->nr_idmaps = 2;
	off2 = r_map(0, 0, 0, 0x10, 1, 1);
	expect(-EINVAL, 3, F(off2, probelab_fw_idmap, flags), "flags");
}

static void test_idmap_overlap(void **state)
{
	size_t off;

	(void)state;
	r_smmu("smmu0", 16, 0);
	r_rc("pcie0", 0, 0, 0xff, 0xffff, 3);
	r_rc("pcie1", 1, 0, 0xff, 0xffff, 1);
	r_map(0, 0, 0, 0x200, 0x100, 0x200);
	r_map(1, 0, 0, 0x000, 0x1000, 0);	/* other RC: no clash */
	r_map(0, 0, 0, 0x000, 0x100, 0x000);
	/* adjacent ranges: 0x100..0x1ff touches both neighbours */
	off = r_map(0, 0, 0, 0x100, 0x100, 0x100);
	pl_fwdesc_free(parse_ok());
	BODY(off, probelab_fw_idmap)->length = 0x101;
	expect(-EINVAL, T.last, F(off, probelab_fw_idmap, rid_base), "rid_base");
	BODY(off, probelab_fw_idmap)->length = 0x100;
	BODY(off, probelab_fw_idmap)->rid_base = 0xff;
	expect(-EINVAL, T.last, F(off, probelab_fw_idmap, rid_base), "rid_base");
}

static void test_idmap_overlap_blames_later(void **state)
{
	size_t off;

	(void)state;
	r_smmu("smmu0", 16, 0);
	r_rc("pcie0", 0, 0, 0xff, 0xffff, 2);
	/* the later record has the lower rid_base */
	r_map(0, 0, 0, 0x80, 0x100, 0);
	off = r_map(0, 0, 0, 0x00, 0x81, 0x1000);
	expect(-EINVAL, T.last, F(off, probelab_fw_idmap, rid_base),
	       "rid_base");
}

static void test_idmap_sorted(void **state)
{
	struct pl_fwdesc *d;
	const struct pl_fw_rc *rc;

	(void)state;
	r_smmu("smmu0", 16, 0);
	r_rc("pcie0", 0, 0, 0x7f, 0xffff, 3);
	r_rc("pcie1", 0, 0x80, 0xff, 0xff00, 1);
	r_map(0, 0, 0, 0x300, 0x10, 0x30);
	r_map(1, 0, 0, 0x8000, 0x100, 0x80);
	r_map(0, 0, 0, 0x100, 0x10, 0x10);
	r_map(0, 0, 0, 0x200, 0x10, 0x20);
	d = parse_ok();
	rc = &d->rcs[0];
	assert_int_equal(rc->nr_maps, 3);
	assert_int_equal(d->idmaps[rc->map_first].rid_base, 0x100);
	assert_int_equal(d->idmaps[rc->map_first].ordinal, 2);
	assert_int_equal(d->idmaps[rc->map_first + 2].rid_base, 0x300);
	rc = &d->rcs[1];
	assert_int_equal(rc->nr_maps, 1);
	assert_int_equal(rc->rid_mask, 0xff00);
	assert_int_equal(d->segs[0].bus_rc[0x7f], 0);
	assert_int_equal(d->segs[0].bus_rc[0x80], 1);
	pl_fwdesc_free(d);
}

/* ---- bridges ---- */

static void test_bridge_fields(void **state)
{
	struct probelab_fw_bridge *b;
	size_t off;

	(void)state;
	r_vtd("dmar0", 0, PROBELAB_FW_VTD_INCLUDE_PCI_ALL);
	off = r_bridge(0, 0, DF(0x1c, 0), 2, 3, 0);
	b = BODY(off, probelab_fw_bridge);
	b->secondary = 0;
	expect(-EINVAL, 1, F(off, probelab_fw_bridge, secondary), "secondary");
	b->secondary = 4;
	expect(-EINVAL, 1, F(off, probelab_fw_bridge, subordinate),
	       "subordinate");
	b->secondary = 2;
	b->flags = 2;
	expect(-EINVAL, 1, F(off, probelab_fw_bridge, flags), "flags");
	b->flags = PROBELAB_FW_BRIDGE_PCIE_TO_PCI;
	pl_fwdesc_free(parse_ok());
	b->segment = 1;		/* nothing describes segment 1 */
	expect(-EINVAL, 1, F(off, probelab_fw_bridge, segment), "segment");
}

static void test_bridge_in_rc(void **state)
{
	struct probelab_fw_bridge *b;
	size_t off;

	(void)state;
	r_rc("pcie0", 0, 0x10, 0x1f, 0xffff, 0);
	off = r_bridge(0, 0x10, 0, 0x11, 0x1f, 0);
	b = BODY(off, probelab_fw_bridge);
	pl_fwdesc_free(parse_ok());
	b->subordinate = 0x20;
	expect(-EINVAL, 1, F(off, probelab_fw_bridge, subordinate),
	       "subordinate");
	b->subordinate = 0x1f;
	b->bus = 0x0f;
	expect(-EINVAL, 1, F(off, probelab_fw_bridge, bus), "bus");
}

static void test_bridge_duplicate(void **state)
{
	size_t off;

	(void)state;
	r_vtd("dmar0", 0, PROBELAB_FW_VTD_INCLUDE_PCI_ALL);
	r_bridge(0, 0, DF(0x1c, 0), 2, 2, 0);
	off = r_bridge(0, 0, DF(0x1c, 0), 3, 3, 0);
	expect(-EEXIST, 2, F(off, probelab_fw_bridge, devfn), "devfn");
}

static void test_bridge_tree(void **state)
{
	size_t off;

	(void)state;
	r_vtd("dmar0", 0, PROBELAB_FW_VTD_INCLUDE_PCI_ALL);
	r_bridge(0, 0, DF(1, 0), 1, 4, 0);
	off = r_bridge(0, 0, DF(2, 0), 1, 1, 0);	/* same secondary */
	expect(-EINVAL, 2, F(off, probelab_fw_bridge, secondary), "secondary");
	/* 4..5 overlaps 1..4 partially */
	BODY(off, probelab_fw_bridge)->secondary = 4;
	BODY(off, probelab_fw_bridge)->subordinate = 5;
	expect(-EINVAL, 2, F(off, probelab_fw_bridge, subordinate),
	       "subordinate");
	/* a root bus bridge whose range lies inside another bridge's */
	BODY(off, probelab_fw_bridge)->secondary = 3;
	BODY(off, probelab_fw_bridge)->subordinate = 3;
	expect(-EINVAL, 2, F(off, probelab_fw_bridge, bus), "bus");
	/* on bus 1 (behind 00:01.0): consistent */
	BODY(off, probelab_fw_bridge)->bus = 1;
	pl_fwdesc_free(parse_ok());
	/* on bus 2 (behind 00:01.0), but its range 6 is behind nothing */
	BODY(off, probelab_fw_bridge)->secondary = 6;
	BODY(off, probelab_fw_bridge)->subordinate = 6;
	BODY(off, probelab_fw_bridge)->bus = 2;
	expect(-EINVAL, 2, F(off, probelab_fw_bridge, bus), "bus");
}

static void test_bridge_tree_deeper(void **state)
{
	struct pl_fwdesc *d;
	size_t off;
	uint32_t b;

	(void)state;
	r_vtd("dmar0", 0, PROBELAB_FW_VTD_INCLUDE_PCI_ALL);
	r_bridge(0, 0, DF(1, 0), 1, 8, 0);		/* 0: 1..8 */
	r_bridge(0, 1, DF(0, 0), 2, 4, 0);		/* 1: 2..4 */
	r_bridge(0, 1, DF(1, 0), 5, 8, 0);		/* 2: 5..8 */
	off = r_bridge(0, 5, DF(0, 0), 6, 6, 0);	/* 3: 6, on bus 5 */
	d = parse_ok();
	assert_int_equal(d->bridges[0].parent, PL_FW_NONE);
	assert_int_equal(d->bridges[1].parent, 0);
	assert_int_equal(d->bridges[3].parent, 2);
	assert_int_equal(pl_fwdesc_pci_parent(d, 0, 6, &b), 0);
	assert_int_equal(b, 3);
	assert_int_equal(pl_fwdesc_pci_parent(d, 0, 7, &b), 0);
	assert_int_equal(b, 2);
	assert_int_equal(pl_fwdesc_pci_parent(d, 0, 0, &b), -ENOENT);
	assert_int_equal(pl_fwdesc_pci_parent(d, 9, 1, &b), -ENOENT);
	pl_fwdesc_free(d);
	/* on bus 3, which is behind bridge 1, but range 6 is behind 2 */
	BODY(off, probelab_fw_bridge)->bus = 3;
	expect(-EINVAL, 4, F(off, probelab_fw_bridge, bus), "bus");
}

/* ---- scopes ---- */

static void test_scope_fields(void **state)
{
	struct probelab_fw_scope *s;
	size_t off;

	(void)state;
	r_vtd("dmar0", 0, 0);
	off = r_scope(0, EP, 0, 1, DF(2, 0));
	s = BODY(off, probelab_fw_scope);
	pl_fwdesc_free(parse_ok());
	s->type = 3;		/* IOAPIC in DMAR: not a PCI DMA source */
	expect(-EOPNOTSUPP, 1, F(off, probelab_fw_scope, type), "type");
	s->type = 0;
	expect(-EOPNOTSUPP, 1, F(off, probelab_fw_scope, type), "type");
	s->type = EP;
	s->__reserved[1] = 1;
	expect(-EINVAL, 1, F(off, probelab_fw_scope, __reserved), "__reserved");
	s->__reserved[1] = 0;
	s->nr_hops = 0;
	expect(-EINVAL, 1, F(off, probelab_fw_scope, nr_hops), "nr_hops");
	s->nr_hops = 9;
	expect(-E2BIG, 1, F(off, probelab_fw_scope, nr_hops), "nr_hops");
	s->nr_hops = 1;
	s->hops[5] = 1;
	expect(-EINVAL, 1, F(off, probelab_fw_scope, hops) + 5, "hops");
	s->hops[5] = 0;
	s->iommu = 1;
	expect(-EINVAL, 1, F(off, probelab_fw_scope, iommu), "iommu");
}

static void test_scope_drhd_kind(void **state)
{
	size_t off;

	(void)state;
	r_smmu("smmu0", 16, 0);
	r_vtd("dmar0", 0, PROBELAB_FW_VTD_INCLUDE_PCI_ALL);
	off = r_scope(0, EP, 0, 1, DF(2, 0));
	expect(-EINVAL, 2, F(off, probelab_fw_scope, iommu), "iommu");
	BODY(off, probelab_fw_scope)->iommu = 1;	/* INCLUDE_PCI_ALL */
	expect(-EINVAL, 2, F(off, probelab_fw_scope, iommu), "iommu");
}

static void test_scope_paths(void **state)
{
	struct probelab_fw_scope *s;
	size_t off;

	(void)state;
	r_vtd("dmar0", 0, 0);
	r_vtd("dmar1", 0, PROBELAB_FW_VTD_INCLUDE_PCI_ALL);
	r_bridge(0, 0, DF(0x1c, 4), 4, 5, 0);		/* rec 2 */
	r_bridge(0, 4, DF(0, 0), 5, 5, 0);		/* rec 3 */
	off = r_scope(0, EP, 0, 3, DF(0x1c, 4), DF(0, 0), DF(3, 1));
	s = BODY(off, probelab_fw_scope);
	pl_fwdesc_free(parse_ok());
	/* the second hop is no bridge */
	s->hops[1] = DF(1, 0);
	expect(-EINVAL, 4, F(off, probelab_fw_scope, hops) + 1, "hops");
	/* the first hop is no bridge */
	s->hops[1] = DF(0, 0);
	s->hops[0] = DF(0x1c, 0);
	expect(-EINVAL, 4, F(off, probelab_fw_scope, hops) + 0, "hops");
	s->hops[0] = DF(0x1c, 4);
	/* start_bus must be a root bus */
	s->start_bus = 4;
	expect(-EINVAL, 4, F(off, probelab_fw_scope, start_bus), "start_bus");
	s->start_bus = 0;
	/* an endpoint scope naming a bridge */
	s->nr_hops = 2;
	s->hops[2] = 0;
	expect(-EINVAL, 4, F(off, probelab_fw_scope, type), "type");
	s->type = BR;
	pl_fwdesc_free(parse_ok());
	/* a bridge scope naming a function without bridge record */
	s->nr_hops = 3;
	s->hops[2] = DF(3, 1);
	expect(-EINVAL, 4, F(off, probelab_fw_scope, hops) + 2, "hops");
}

static void test_scope_claims(void **state)
{
	size_t off;

	(void)state;
	r_vtd("dmar0", 0, 0);					/* rec 0 */
	r_vtd("dmar1", 0, 0);					/* rec 1 */
	r_bridge(0, 0, DF(0x1c, 0), 2, 3, 0);			/* rec 2 */
	r_scope(0, BR, 0, 1, DF(0x1c, 0));			/* rec 3 */
	r_scope(0, EP, 0, 2, DF(0x1c, 0), DF(0, 0));		/* rec 4 */
	/* nested claims of one DRHD are fine */
	pl_fwdesc_free(parse_ok());
	/* the same device claimed by another DRHD */
	off = r_scope(1, EP, 0, 2, DF(0x1c, 0), DF(0, 0));	/* rec 5 */
	expect(-EINVAL, 5, F(off, probelab_fw_scope, hops) + 1, "hops");
	/* a device below a bridge scope of another DRHD */
	BODY(off, probelab_fw_scope)->hops[1] = DF(0, 1);
	expect(-EINVAL, 5, F(off, probelab_fw_scope, hops) + 1, "hops");
	/* the bridge itself */
	BODY(off, probelab_fw_scope)->nr_hops = 1;
	BODY(off, probelab_fw_scope)->hops[1] = 0;
	BODY(off, probelab_fw_scope)->type = BR;
	expect(-EINVAL, 5, F(off, probelab_fw_scope, hops), "hops");
	/* the same device twice in one DRHD */
	BODY(off, probelab_fw_scope)->iommu = 0;
	expect(-EEXIST, 5, F(off, probelab_fw_scope, hops), "hops");
	/* elsewhere: fine */
	BODY(off, probelab_fw_scope)->iommu = 1;
	BODY(off, probelab_fw_scope)->type = EP;
	BODY(off, probelab_fw_scope)->hops[0] = DF(2, 0);
	pl_fwdesc_free(parse_ok());
}

static void test_scope_nested_bridges(void **state)
{
	size_t off;

	(void)state;
	r_vtd("dmar0", 0, 0);
	r_vtd("dmar1", 0, 0);
	r_bridge(0, 0, DF(1, 0), 1, 4, 0);
	r_bridge(0, 1, DF(0, 0), 2, 2, 0);
	r_scope(0, BR, 0, 1, DF(1, 0));
	off = r_scope(1, BR, 0, 2, DF(1, 0), DF(0, 0));
	expect(-EINVAL, 5, F(off, probelab_fw_scope, hops) + 1, "hops");
	BODY(off, probelab_fw_scope)->iommu = 0;
	pl_fwdesc_free(parse_ok());
}

/* ---- a complete valid description ---- */

static void test_full_description(void **state)
{
	struct pl_fwdesc *d;
	struct pl_fw_err e;
	uint8_t *copy;
	size_t i;

	(void)state;
	r_smmu("smmu0", 16, PROBELAB_FW_SMMUV3_F_ATS);
	r_vtd("dmar0", 1, 0);
	r_vtd("dmar1", 1, PROBELAB_FW_VTD_INCLUDE_PCI_ALL);
	r_ep("gpu", 2);
	r_spec(0, 0, 0x10, 0);
	r_spec(0, 0, 0x11, 0);
	r_rc("pcie0", 0, 0, 0xff, 0xffff, 1);
	r_map(0, 0, 0, 0, 0x10000, 0);
	r_bridge(1, 0, DF(0x1c, 0), 2, 3, 0);
	r_scope(1, BR, 0, 1, DF(0x1c, 0));
	r_scope(1, EP, 0, 1, DF(2, 0));
	d = parse_ok();
	assert_int_equal(d->nr_iommus, 3);
	assert_int_equal(d->nr_segs, 2);
	assert_int_equal(d->segs[0].segment, 0);
	assert_int_equal(d->segs[0].kind, PL_FW_SEG_RC);
	assert_int_equal(d->segs[1].segment, 1);
	assert_int_equal(d->segs[1].kind, PL_FW_SEG_VTD);
	assert_int_equal(d->segs[1].include_all, 2);
	assert_int_equal(d->nr_points, 2);
	assert_int_equal(d->scopes[0].bridge, 0);
	assert_int_equal(d->scopes[1].bus, 0);
	assert_int_equal(d->scopes[1].devfn, DF(2, 0));
	assert_int_equal(d->blob_len, T.len);
	pl_fwdesc_free(d);

	/* the blob need not be aligned, nor kept */
	copy = malloc(T.len + 1);
	assert_non_null(copy);
	memcpy(copy + 1, T.b, T.len);
	assert_int_equal(pl_fwdesc_parse(copy + 1, T.len, &d, &e), 0);
	memset(copy, 0xa5, T.len + 1);
	assert_int_equal(pl_fwdesc_find_endpoint(d, "gpu"), 0);
	pl_fwdesc_free(d);
	free(copy);

	/* every truncation is refused cleanly */
	for (i = 0; i < T.len; i++) {
		assert_int_not_equal(pl_fwdesc_parse(T.b, i, &d, &e), 0);
		assert_null(d);
	}
}

/* Every allocation failure unwinds completely (ASan builds check leaks). */
static void test_alloc_failures(void **state)
{
	struct pl_fwdesc *d;
	struct pl_fw_err e;
	unsigned int nth;
	int ret;

	(void)state;
	r_smmu("smmu0", 16, 0);
	r_smmu("smmu1", 16, 0);
	r_vtd("dmar0", 1, 0);
	r_ep("gpu", 1);
	r_spec(0, 0, 0x10, 0);
	r_rc("pcie0", 0, 0, 0xff, 0xffff, 1);
	r_map(0, 0, 0, 0, 0x100, 0);
	r_bridge(1, 0, DF(0x1c, 0), 2, 3, 0);
	r_scope(2, BR, 0, 1, DF(0x1c, 0));
	tb_hdr();
	for (nth = 1; nth < 20; nth++) {
		pl_core_fail_nth = nth;
		ret = parse_raw(&d, &e);
		if (!ret)
			break;
		assert_int_equal(ret, -ENOMEM);
		assert_int_equal(e.err, -ENOMEM);
		assert_null(d);
		assert_non_null(strstr(e.msg, "out of memory"));
	}
	/* the description needs 6 allocations: each one failed once */
	assert_int_equal(nth, 7);
	assert_int_equal(pl_core_fail_nth, 1);
	pl_core_fail_nth = 0;
	pl_fwdesc_free(d);
}

/* The largest description the bounds allow parses, and quickly. */
static void test_bounds_max(void **state)
{
	struct pl_fwdesc *d;
	char name[PROBELAB_FW_NAME_LEN];
	unsigned int i;

	(void)state;
	for (i = 0; i < PROBELAB_FW_MAX_IOMMUS; i++) {
		snprintf(name, sizeof(name), "smmu%u", i);
		r_smmu(name, 32, 0);
	}
	for (i = 0; i < PROBELAB_FW_MAX_RCS; i++) {
		snprintf(name, sizeof(name), "rc%u", i);
		r_rc(name, (uint16_t)i, 0, 0xff, 0xffff,
		     PROBELAB_FW_MAX_IDMAPS / PROBELAB_FW_MAX_RCS);
	}
	for (i = 0; i < PROBELAB_FW_MAX_IDMAPS; i++)
		r_map((uint16_t)(i % PROBELAB_FW_MAX_RCS), (uint16_t)(i % 64),
		      0, (i / PROBELAB_FW_MAX_RCS) * 0x100, 0x100, i * 0x100);
	for (i = 0; i < 2048; i++) {
		snprintf(name, sizeof(name), "ep%u", i);
		r_ep(name, 1);
		r_spec(i, (uint16_t)(i % 64), i, 0);
	}
	assert_true(T.len <= PROBELAB_FW_MAX_LEN);
	d = parse_ok();
	assert_int_equal(d->nr_idmaps, PROBELAB_FW_MAX_IDMAPS);
	assert_int_equal(pl_fwdesc_find_endpoint(d, "ep2047"), 2047);
	pl_fwdesc_free(d);
}

/* Max scopes and bridges (the quadratic-looking checks are n log n). */
static void test_bounds_scopes(void **state)
{
	struct pl_fwdesc *d;
	unsigned int i;

	(void)state;
	r_vtd("dmar0", 0, 0);
	r_vtd("dmar1", 0, PROBELAB_FW_VTD_INCLUDE_PCI_ALL);
	for (i = 0; i < 255; i++)
		r_bridge(0, 0, (uint8_t)i, (uint8_t)(i + 1), (uint8_t)(i + 1),
			 0);
	for (i = 0; i < PROBELAB_FW_MAX_SCOPES; i++)
		r_scope(0, EP, 0, 2, i / 256, i % 256);
	d = parse_ok();
	assert_int_equal(d->nr_points, PROBELAB_FW_MAX_SCOPES);
	pl_fwdesc_free(d);
}

/* Deterministic mutation of a valid blob: never crashes, always clean. */
static void test_mutations(void **state)
{
	static uint8_t base[4096];
	uint32_t seed = 0x1234567;
	struct pl_fwdesc *d;
	struct pl_fw_err e;
	size_t len, i, n;
	int ret, ok = 0;

	(void)state;
	r_smmu("smmu0", 16, 0);
	r_vtd("dmar0", 1, 0);
	r_vtd("dmar1", 1, PROBELAB_FW_VTD_INCLUDE_PCI_ALL);
	r_ep("gpu", 1);
	r_spec(0, 0, 0x10, 0);
	r_rc("pcie0", 0, 0, 0xff, 0xffff, 2);
	r_map(0, 0, 0, 0, 0x100, 0);
	r_map(0, 0, 0, 0x100, 0x100, 0x1000);
	r_bridge(1, 0, DF(0x1c, 0), 2, 3, 0);
	r_bridge(1, 2, DF(0, 0), 3, 3, PROBELAB_FW_BRIDGE_PCIE_TO_PCI);
	r_scope(1, BR, 0, 1, DF(0x1c, 0));
	r_scope(1, EP, 0, 1, DF(2, 0));
	tb_hdr();
	len = T.len;
	memcpy(base, T.b, len);
	for (n = 0; n < 20000; n++) {
		memcpy(T.b, base, len);
		for (i = 0; i < 1 + n % 4; i++) {
			seed = seed * 1103515245 + 12345;
			T.b[48 + (seed >> 8) % (len - 48)] ^=
				(uint8_t)(1u << ((seed >> 4) & 7));
		}
		ret = pl_fwdesc_parse(T.b, len, &d, &e);
		if (!ret) {
			ok++;
			pl_fwdesc_free(d);
			continue;
		}
		assert_null(d);
		assert_int_equal(ret, e.err);
		assert_true(ret == -EINVAL || ret == -E2BIG ||
			    ret == -EOPNOTSUPP || ret == -ERANGE ||
			    ret == -EOVERFLOW || ret == -EEXIST);
		assert_true(e.rec_index < 12 || e.rec_index == PL_FW_NONE);
		assert_true(e.offset < len);
		assert_true(e.msg[0]);
	}
	/* some mutations (IDs, bases) stay valid */
	assert_true(ok > 0);
}

#define T_(f)	cmocka_unit_test_setup(f, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T_(test_empty_description),
		T_(test_args),
		T_(test_hdr_len_short),
		T_(test_hdr_too_big),
		T_(test_hdr_fields),
		T_(test_hdr_count_bounds),
		T_(test_hdr_extended),
		T_(test_frame_trailing),
		T_(test_frame_len),
		T_(test_frame_reserved),
		T_(test_frame_unknown_type),
		T_(test_frame_counts),
		T_(test_frame_long_body),
		T_(test_iommu_name),
		T_(test_iommu_fields),
		T_(test_vtd_fields),
		T_(test_iommu_duplicates),
		T_(test_include_all_twice),
		T_(test_endpoint_fields),
		T_(test_endpoint_duplicate),
		T_(test_spec_fields),
		T_(test_spec_sid_bits_32),
		T_(test_spec_duplicate),
		T_(test_spec_grouping),
		T_(test_rc_fields),
		T_(test_rc_overlap_and_names),
		T_(test_rc_segment_vs_vtd),
		T_(test_idmap_fields),
		T_(test_idmap_refs),
		T_(test_idmap_single),
		T_(test_idmap_overlap),
		T_(test_idmap_overlap_blames_later),
		T_(test_idmap_sorted),
		T_(test_bridge_fields),
		T_(test_bridge_in_rc),
		T_(test_bridge_duplicate),
		T_(test_bridge_tree),
		T_(test_bridge_tree_deeper),
		T_(test_scope_fields),
		T_(test_scope_drhd_kind),
		T_(test_scope_paths),
		T_(test_scope_claims),
		T_(test_scope_nested_bridges),
		T_(test_full_description),
		T_(test_alloc_failures),
		T_(test_bounds_max),
		T_(test_bounds_scopes),
		T_(test_mutations),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests: device-tree parser over the .dts fixtures in
 * tests/fixtures/fw (compiled with dtc into PROBELAB_FIXTURES), trees
 * built here with libfdt's sequential-write API for what dtc refuses to
 * emit (duplicate or invalid phandles, deep nesting), and header damage.
 * Rejections assert errno, field and the exact byte offset, located in
 * the blob through libfdt so that the tests do not depend on dtc's layout.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <libfdt.h>

#include "test_fw_util.h"

static struct pl_dt *parse_ok(const void *b, size_t len)
{
	struct pl_fw_diag d;
	struct pl_dt *m = NULL;
	int rc = pl_dt_parse(b, len, &m, &d);

	if (rc)
		fail_msg("parse failed (%d) at 0x%zX %s: %s", rc, d.offset,
			 d.field, d.msg);
	assert_int_equal(d.err, 0);
	return m;
}

/* Byte offset in @fdt of cell @cell of property @prop of node @path. */
static size_t prop_offset(const void *fdt, const char *path, const char *prop,
			  int cell)
{
	int node = fdt_path_offset(fdt, path), len;
	const uint8_t *p;

	assert_true(node >= 0);
	p = fdt_getprop(fdt, node, prop, &len);
	assert_non_null(p);
	return (size_t)(p - (const uint8_t *)fdt) + 4 * (size_t)cell;
}

/* ------------------------------------------------------------ good input */

static void test_fixture_dumps(void **state)
{
	static const char *const names[][2] = {
		{ "dt-full.dtb", "dt-full.expect" },
		{ "dt-minimal.dtb", "dt-minimal.expect" },
	};
	size_t i, len;

	(void)state;
	for (i = 0; i < 2; i++) {
		uint8_t *b = fw_fixture(names[i][0], &len);
		char *dump = fw_dump_str(b, len);

		fw_assert_dump_fixture(dump, names[i][1]);
		free(dump);
		free(b);
	}
}

static void test_full_model(void **state)
{
	size_t len;
	uint8_t *b = fw_fixture("dt-full.dtb", &len);
	struct pl_dt *m = parse_ok(b, len);
	const struct pl_dt_user *u;

	(void)state;
	assert_string_equal(m->model, "probelab fixture board");
	assert_int_equal(m->ncompat, 2);
	assert_string_equal(m->compat[1], "probelab,base");
	assert_int_equal(m->niommus, 6);
	assert_int_equal(m->nusers, 7);
	assert_int_equal(m->iommus_users, 5);
	assert_int_equal(m->map_entries, 5);

	assert_int_equal(m->iommus[0].kind, PL_DT_IOMMU_SMMUV3);
	assert_int_equal(m->iommus[1].kind, PL_DT_IOMMU_SMMUV1V2);
	assert_int_equal(m->iommus[1].smmu_model, 3);	/* SoC MMU-500 */
	assert_int_equal(m->iommus[1].iommu_cells, 2);
	assert_int_equal(m->iommus[2].smmu_model, 4);	/* MMU-401 */
	assert_int_equal(m->iommus[2].phandle, 0);
	assert_true(m->iommus[2].status_present);
	assert_int_equal(m->iommus[3].smmu_model, 2);	/* MMU-400 */
	assert_string_equal(m->iommus[3].status, "ok");
	assert_int_equal(m->iommus[4].smmu_model, 5);	/* Cavium */
	assert_int_equal(m->iommus[5].kind, PL_DT_IOMMU_OTHER);
	assert_int_equal(m->iommus[5].smmu_model, -1);
	assert_int_equal(m->iommus[5].phandle, 0x70);	/* linux,phandle */
	assert_false(m->iommus[5].status_present);
	assert_string_equal(m->iommus[5].status, "okay");

	u = &m->users[2];	/* mixed targets, 0-cell specifier */
	assert_string_equal(u->path, "/soc/multi@c000000");
	assert_int_equal(u->nspecs, 3);
	assert_int_equal(u->specs[1].iommu, 1);
	assert_int_equal(u->specs[1].ncells, 2);
	assert_int_equal(u->specs[1].cells[0], 5);
	assert_int_equal(u->specs[1].cells[1], 0x400);
	assert_int_equal(u->specs[2].iommu, 5);
	assert_int_equal(u->specs[2].ncells, 0);
	assert_false(u->has_map);

	u = &m->users[3];	/* PCI map with mask */
	assert_true(u->has_map_mask);
	assert_int_equal(u->map_mask, 0xffff8);
	assert_int_equal(u->nmaps, 2);
	assert_int_equal(u->maps[1].iommu, 1);
	assert_int_equal(u->maps[1].iommu_phandle, 0x20);
	assert_int_equal(u->maps[1].length, 0x100);

	u = &m->users[4];	/* fsl-mc: no mask, length 0 */
	assert_false(u->has_map_mask);
	assert_int_equal(u->map_mask, 0xffffffffu);
	assert_int_equal(u->maps[0].length, 0);

	u = &m->users[5];	/* both properties */
	assert_true(u->has_iommus);
	assert_true(u->has_map);
	assert_int_equal(u->maps[1].iommu, 4);
	pl_dt_free(m);
	free(b);
}

/* libfdt needs 8-byte alignment: the parser must copy. */
static void test_unaligned_input(void **state)
{
	size_t len;
	uint8_t *b = fw_fixture("dt-full.dtb", &len), *u = malloc(len + 1);
	char *d1, *d2;

	(void)state;
	assert_non_null(u);
	memcpy(u + 1, b, len);
	d1 = fw_dump_str(b, len);
	d2 = fw_dump_str(u + 1, len);
	assert_string_equal(d1, d2);
	free(d1);
	free(d2);
	free(u);
	free(b);
}

/* ------------------------------------------------- fixture rejections */

struct reject_case {
	const char *fixture;
	const char *path;	/* node and property holding the fault */
	const char *prop;
	int cell;
	const char *field;
};

static void run_reject(void **state)
{
	const struct reject_case *c = *state;
	static struct pl_dt dummy;
	struct pl_dt *m = &dummy;
	struct pl_fw_diag d;
	size_t len;
	uint8_t *b = fw_fixture(c->fixture, &len);
	void *al = malloc(len);
	size_t off;
	int rc;

	assert_non_null(al);
	memcpy(al, b, len);	/* aligned copy for libfdt lookups */
	off = prop_offset(al, c->path, c->prop, c->cell);
	rc = pl_dt_parse(b, len, &m, &d);
	fw_assert_reject(rc, &d, -EINVAL, off, c->field);
	assert_null(m);
	free(al);
	free(b);
}

#define U "/user@3000"
static const struct reject_case iommus_phandle = {
	"dt-bad-iommus-phandle.dtb", U, "iommus", 0, "iommus" };
static const struct reject_case iommus_target = {
	"dt-bad-iommus-target.dtb", U, "iommus", 0, "iommus" };
static const struct reject_case iommus_short = {
	"dt-bad-iommus-short.dtb", U, "iommus", 3, "iommus" };
static const struct reject_case iommus_bytes = {
	"dt-bad-iommus-bytes.dtb", U, "iommus", 0, "iommus" };
static const struct reject_case iommus_empty = {
	"dt-bad-iommus-empty.dtb", U, "iommus", 0, "iommus" };
static const struct reject_case iommu_cells = {
	"dt-bad-cells.dtb", "/iommu@1000", "#iommu-cells", 0, "#iommu-cells" };
static const struct reject_case map_len = {
	"dt-bad-map-len.dtb", U, "iommu-map", 0, "iommu-map" };
static const struct reject_case map_phandle = {
	"dt-bad-map-phandle.dtb", U, "iommu-map", 5, "iommu-map" };
static const struct reject_case map_wrap = {
	"dt-bad-map-wrap.dtb", U, "iommu-map", 3, "iommu-map" };
static const struct reject_case map_mask = {
	"dt-bad-map-mask.dtb", U, "iommu-map", 4, "iommu-map" };
static const struct reject_case mask_size = {
	"dt-bad-mask-size.dtb", U, "iommu-map-mask", 0, "iommu-map-mask" };
static const struct reject_case status_nul = {
	"dt-bad-status.dtb", U, "status", 0, "status" };
static const struct reject_case status_two = {
	"dt-bad-status2.dtb", U, "status", 0, "status" };
static const struct reject_case compat_nul = {
	"dt-bad-compat.dtb", "/iommu@1000", "compatible", 0, "compatible" };
static const struct reject_case model_two = {
	"dt-bad-model.dtb", "/", "model", 0, "model" };
#undef U

/* ------------------------------------------------- built rejections */

static uint8_t fdt_buf[8192] __attribute__((aligned(8)));

static void *sw_begin(void)
{
	assert_int_equal(fdt_create(fdt_buf, sizeof(fdt_buf)), 0);
	assert_int_equal(fdt_finish_reservemap(fdt_buf), 0);
	assert_int_equal(fdt_begin_node(fdt_buf, ""), 0);
	return fdt_buf;
}

static size_t sw_finish(void)
{
	assert_int_equal(fdt_end_node(fdt_buf), 0);
	assert_int_equal(fdt_finish(fdt_buf), 0);
	return fdt_totalsize(fdt_buf);
}

static void sw_node_u32(const char *name, const char *prop, uint32_t v)
{
	assert_int_equal(fdt_begin_node(fdt_buf, name), 0);
	assert_int_equal(fdt_property_u32(fdt_buf, prop, v), 0);
	assert_int_equal(fdt_end_node(fdt_buf), 0);
}

static void expect_built(size_t len, int err, size_t off, const char *field)
{
	struct pl_fw_diag d;
	struct pl_dt *m = NULL;

	fw_assert_reject(pl_dt_parse(fdt_buf, len, &m, &d), &d, err, off, field);
	assert_null(m);
}

static void test_reject_duplicate_phandle(void **state)
{
	size_t len;
	int node;

	(void)state;
	sw_begin();
	sw_node_u32("a", "phandle", 5);
	sw_node_u32("b", "phandle", 5);
	len = sw_finish();
	node = fdt_path_offset(fdt_buf, "/b");
	assert_true(node > 0);
	expect_built(len, -EINVAL, fdt_off_dt_struct(fdt_buf) + (size_t)node,
		     "phandle");
}

static void test_reject_invalid_phandle(void **state)
{
	static const uint32_t bad[] = { 0, 0xffffffffu };
	size_t i, len;

	(void)state;
	for (i = 0; i < 2; i++) {
		sw_begin();
		sw_node_u32("a", "phandle", bad[i]);
		len = sw_finish();
		expect_built(len, -EINVAL, prop_offset(fdt_buf, "/a", "phandle", 0),
			     "phandle");
	}
}

static void test_reject_phandle_mismatch(void **state)
{
	size_t len;

	(void)state;
	sw_begin();
	assert_int_equal(fdt_begin_node(fdt_buf, "a"), 0);
	assert_int_equal(fdt_property_u32(fdt_buf, "phandle", 1), 0);
	assert_int_equal(fdt_property_u32(fdt_buf, "linux,phandle", 2), 0);
	assert_int_equal(fdt_end_node(fdt_buf), 0);
	len = sw_finish();
	expect_built(len, -EINVAL,
		     prop_offset(fdt_buf, "/a", "linux,phandle", 0),
		     "linux,phandle");
}

static void test_reject_phandle_size(void **state)
{
	static const uint8_t two[8] = { 0, 0, 0, 1, 0, 0, 0, 2 };
	size_t len;

	(void)state;
	sw_begin();
	assert_int_equal(fdt_begin_node(fdt_buf, "a"), 0);
	assert_int_equal(fdt_property(fdt_buf, "phandle", two, 8), 0);
	assert_int_equal(fdt_end_node(fdt_buf), 0);
	len = sw_finish();
	expect_built(len, -EINVAL, prop_offset(fdt_buf, "/a", "phandle", 0),
		     "phandle");
}

static void test_reject_deep_nesting(void **state)
{
	char path[256] = "";
	size_t len;
	int i, node;

	(void)state;
	sw_begin();
	for (i = 0; i < 70; i++)
		assert_int_equal(fdt_begin_node(fdt_buf, "n"), 0);
	for (i = 0; i < 70; i++)
		assert_int_equal(fdt_end_node(fdt_buf), 0);
	len = sw_finish();
	for (i = 0; i < 65; i++)
		strcat(path, "/n");
	node = fdt_path_offset(fdt_buf, path);
	assert_true(node > 0);
	expect_built(len, -EINVAL, fdt_off_dt_struct(fdt_buf) + (size_t)node,
		     "fdt.structure");
}

/* A node path longer than PL_DT_MAX_PATH: -E2BIG at that node. */
static void test_reject_long_path(void **state)
{
	char name[251], path[1300] = "";
	size_t len;
	int i, node;

	(void)state;
	memset(name, 'x', 250);
	name[250] = '\0';
	sw_begin();
	for (i = 0; i < 5; i++)
		assert_int_equal(fdt_begin_node(fdt_buf, name), 0);
	for (i = 0; i < 5; i++)
		assert_int_equal(fdt_end_node(fdt_buf), 0);
	len = sw_finish();
	for (i = 0; i < 5; i++) {
		strcat(path, "/");
		strcat(path, name);
	}
	node = fdt_path_offset(fdt_buf, path);	/* 5 * 251 > 1024 */
	assert_true(node > 0);
	expect_built(len, -E2BIG, fdt_off_dt_struct(fdt_buf) + (size_t)node,
		     "fdt.structure");
}

/* A quote, a space and a control byte come out escaped. */
static void test_escaping(void **state)
{
	size_t len;
	char *dump;

	(void)state;
	sw_begin();
	assert_int_equal(fdt_property_string(fdt_buf, "model", "a \"b\"\t"), 0);
	assert_int_equal(fdt_begin_node(fdt_buf, "iommu"), 0);
	assert_int_equal(fdt_property_u32(fdt_buf, "#iommu-cells", 1), 0);
	assert_int_equal(fdt_property_u32(fdt_buf, "phandle", 1), 0);
	assert_int_equal(fdt_property_string(fdt_buf, "status", "fail sss"), 0);
	assert_int_equal(fdt_end_node(fdt_buf), 0);
	len = sw_finish();
	dump = fw_dump_str(fdt_buf, len);
	assert_string_equal(dump,
		"dt model=\"a \\x22b\\x22\\x09\" compatible=\"\"\n"
		"counts iommu_nodes=1 iommus_users=0 iommu_map_entries=0\n"
		"iommu path=/iommu compatible=\"\" iommu_cells=1 phandle=0x1 status=fail\\x20sss\n");
	free(dump);
}

static void test_reject_header(void **state)
{
	struct pl_fw_diag d;
	struct pl_dt *m = NULL;
	size_t len;
	uint8_t *b = fw_fixture("dt-full.dtb", &len), *c;

	(void)state;
	fw_assert_reject(pl_dt_parse(b, 39, &m, &d), &d, -EOVERFLOW, 4,
			 "fdt.totalsize");
	fw_assert_reject(pl_dt_parse(b, len - 4, &m, &d), &d, -EOVERFLOW, 4,
			 "fdt.totalsize");
	c = malloc(len);
	assert_non_null(c);

	memcpy(c, b, len);
	c[0] = 0xd1;
	fw_assert_reject(pl_dt_parse(c, len, &m, &d), &d, -ENOTSUP, 0,
			 "fdt.magic");
	fw_assert_reject(pl_fw_dump(c, len, stdout, &d), &d, -ENOTSUP, 0,
			 "signature");

	memcpy(c, b, len);
	c[23] = 1;		/* version 1 */
	fw_assert_reject(pl_dt_parse(c, len, &m, &d), &d, -EINVAL, 20,
			 "fdt.version");

	memcpy(c, b, len);
	c[11] = 0xff;		/* off_dt_struct far outside the blob */
	fw_assert_reject(pl_dt_parse(c, len, &m, &d), &d, -EINVAL, 0,
			 "fdt.header");

	/* the first tag of the root node becomes garbage */
	memcpy(c, b, len);
	c[fdt_off_dt_struct(b) + 3] = 0x7f;
	fw_assert_reject(pl_dt_parse(c, len, &m, &d), &d, -EINVAL,
			 fdt_off_dt_struct(b), "fdt.structure");
	assert_null(m);
	free(c);
	free(b);
}

#define REJECT(c) { #c, run_reject, NULL, NULL, (void *)&(c) }

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixture_dumps),
		cmocka_unit_test(test_full_model),
		cmocka_unit_test(test_unaligned_input),
		cmocka_unit_test(test_escaping),
		REJECT(iommus_phandle),
		REJECT(iommus_target),
		REJECT(iommus_short),
		REJECT(iommus_bytes),
		REJECT(iommus_empty),
		REJECT(iommu_cells),
		REJECT(map_len),
		REJECT(map_phandle),
		REJECT(map_wrap),
		REJECT(map_mask),
		REJECT(mask_size),
		REJECT(status_nul),
		REJECT(status_two),
		REJECT(compat_nul),
		REJECT(model_two),
		cmocka_unit_test(test_reject_duplicate_phandle),
		cmocka_unit_test(test_reject_invalid_phandle),
		cmocka_unit_test(test_reject_phandle_mismatch),
		cmocka_unit_test(test_reject_phandle_size),
		cmocka_unit_test(test_reject_deep_nesting),
		cmocka_unit_test(test_reject_long_path),
		cmocka_unit_test(test_reject_header),
	};

	return cmocka_run_group_tests_name("fw_dt", tests, NULL, NULL);
}

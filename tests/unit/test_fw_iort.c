// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests: ACPI IORT parser over the fixtures in tests/fixtures/fw
 * (compiled with iasl into PROBELAB_FIXTURES), a table built here with
 * the node types and layouts iasl 20200925 cannot compile (RMR, IWB, an
 * unknown type, issue A/B and revision 4 root complexes, a short SMMUv3,
 * node identifiers), and one test per rejection path asserting errno,
 * byte offset and field.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "test_fw_util.h"

/* ------------------------------------------------------------ builders */

static void iort_header(struct fw_tb *t, uint8_t rev, uint32_t count)
{
	tb_acpi_header(t, "IORT", rev);
	tb_le(t, count, 4);
	tb_le(t, 0x30, 4);
	tb_le(t, 0, 4);
}

static size_t node_begin(struct fw_tb *t, uint8_t type, uint8_t rev,
			 uint32_t ident, uint32_t nmaps)
{
	size_t at = tb_u8(t, type);

	tb_le(t, 0, 2);
	tb_u8(t, rev);
	tb_le(t, ident, 4);
	tb_le(t, nmaps, 4);
	tb_le(t, 0, 4);
	return at;
}

/* The ID mappings start here. */
static void node_maps_here(struct fw_tb *t, size_t at)
{
	fw_put_le(t->b, at + 12, t->len - at, 4);
}

static void node_end(struct fw_tb *t, size_t at)
{
	fw_put_le(t->b, at + 1, t->len - at, 2);
}

static void map(struct fw_tb *t, uint32_t in, uint32_t cnt, uint32_t out,
		uint32_t ref, uint32_t flags)
{
	tb_le(t, in, 4);
	tb_le(t, cnt, 4);
	tb_le(t, out, 4);
	tb_le(t, ref, 4);
	tb_le(t, flags, 4);
}

static void its_node(struct fw_tb *t)
{
	size_t at = node_begin(t, 0, 1, 10, 0);	/* 0x30 */

	tb_le(t, 1, 4);
	tb_le(t, 3, 4);
	node_end(t, at);
}

/* The table of test_built_node_types. */
static void build_types(struct fw_tb *t)
{
	size_t at;

	iort_header(t, 6, 8);
	its_node(t);				/* 0x30 */
	at = node_begin(t, 4, 0, 11, 1);	/* 0x48: SMMUv3, issue C size */
	tb_le(t, 0x40000000, 8);
	tb_le(t, 0, 4);
	tb_le(t, 0, 4);
	tb_le(t, 0, 8);
	tb_le(t, 1, 4);
	tb_le(t, 0x20, 4);
	tb_le(t, 0x21, 4);
	tb_le(t, 0x22, 4);
	tb_le(t, 0x23, 4);
	node_maps_here(t, at);
	map(t, 0, 0xFFFF, 0, 0x30, 0);
	node_end(t, at);
	at = node_begin(t, 2, 4, 12, 1);	/* 0x98: RC revision 4 */
	tb_le(t, 1, 4);
	tb_u8(t, 0);
	tb_le(t, 0, 2);
	tb_u8(t, 3);
	tb_le(t, 7, 4);
	tb_le(t, 1, 4);
	tb_u8(t, 52);
	tb_le(t, 0x13, 2);			/* PASID capabilities */
	tb_u8(t, 0);
	tb_le(t, 1, 4);				/* flags */
	node_maps_here(t, at);
	map(t, 0, 0xFFFF, 0x10000, 0x48, 0);
	node_end(t, at);
	at = node_begin(t, 2, 0, 13, 1);	/* 0xD4: RC issue A/B */
	tb_le(t, 0, 8);
	tb_le(t, 0, 4);
	tb_le(t, 2, 4);
	node_maps_here(t, at);
	map(t, 0, 0xFFFF, 0x20000, 0x48, 0);
	node_end(t, at);
	at = node_begin(t, 6, 3, 14, 1);	/* 0x108: RMR */
	tb_le(t, 0x15, 4);
	tb_le(t, 2, 4);
	tb_le(t, 28, 4);
	tb_le(t, 0x80000000, 8);
	tb_le(t, 0x10000, 8);
	tb_le(t, 0, 4);
	tb_le(t, 0x90000000, 8);
	tb_le(t, 0x200000, 8);
	tb_le(t, 0, 4);
	node_maps_here(t, at);
	map(t, 0, 0, 0x30, 0x48, 1);
	node_end(t, at);
	at = node_begin(t, 7, 0, 15, 1);	/* 0x160: IWB */
	tb_le(t, 0x50000000, 8);
	tb_le(t, 5, 2);
	tb_bytes(t, "\\_SB.IWB0", 10);
	node_maps_here(t, at);
	map(t, 0, 0x3F, 0x100, 0x30, 0);
	node_end(t, at);
	at = node_begin(t, 5, 0, 16, 0);	/* 0x198: PMCG issue D size */
	tb_le(t, 0x44000000, 8);
	tb_le(t, 0x30, 4);
	tb_le(t, 0, 4);
	node_end(t, at);
	at = node_begin(t, 9, 2, 17, 1);	/* 0x1B8: unknown type */
	node_maps_here(t, at);
	map(t, 5, 0, 7, 0x30, 0);
	node_end(t, at);
	tb_acpi_finish(t);
}

static struct pl_iort *parse_ok(const void *b, size_t len)
{
	struct pl_fw_diag d;
	struct pl_iort *m = NULL;
	int rc = pl_iort_parse(b, len, &m, &d);

	if (rc)
		fail_msg("parse failed (%d) at 0x%zX %s: %s", rc, d.offset,
			 d.field, d.msg);
	assert_int_equal(d.err, 0);
	return m;
}

/* ------------------------------------------------------------ good input */

static void test_fixture_dumps(void **state)
{
	static const char *const names[][2] = {
		{ "iort-full.aml", "iort-full.expect" },
		{ "iort-rev3.aml", "iort-rev3.expect" },
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
	uint8_t *b = fw_fixture("iort-full.aml", &len);
	struct pl_iort *m = parse_ok(b, len);
	const struct pl_iort_node *n;

	(void)state;
	assert_int_equal(m->nnodes, 6);
	assert_false(m->has_identifiers);
	assert_int_equal(m->nmaps, 8);
	assert_int_equal(pl_iort_node_at(m, 0xCC), 2);
	assert_int_equal(pl_iort_node_at(m, 0xCD), -1);

	n = &m->nodes[0];
	assert_int_equal(n->u.its.count, 2);
	assert_int_equal(n->u.its.ids[1], 7);

	n = &m->nodes[1];	/* MMU-500 with its interrupts */
	assert_int_equal(n->type, PL_IORT_SMMUV1V2);
	assert_int_equal(n->u.smmu.model, 3);
	assert_int_equal(n->u.smmu.nsg_irpt.gsiv, 0x41);
	assert_int_equal(n->u.smmu.nsg_irpt.flags, 1);
	assert_int_equal(n->u.smmu.nsg_cfg_irpt.gsiv, 0x42);
	assert_int_equal(n->u.smmu.ctx_irq_count, 3);
	assert_int_equal(n->u.smmu.ctx_irqs[2].gsiv, 0x92);
	assert_int_equal(n->u.smmu.ctx_irqs[2].flags, 1);
	assert_int_equal(n->u.smmu.pmu_irq_count, 1);
	assert_int_equal(n->u.smmu.pmu_irqs[0].gsiv, 0xa0);
	assert_int_equal(n->maps[0].output_node, 0);

	n = &m->nodes[2];	/* SMMUv3 */
	assert_int_equal(n->u.smmuv3.proximity_domain, 1);
	assert_int_equal(n->u.smmuv3.id_mapping_index, 1);
	assert_int_equal(n->maps[1].flags & PL_IORT_MAP_SINGLE, 1);

	n = &m->nodes[3];	/* RC through both SMMUs */
	assert_int_equal(n->maps[0].output_node, 2);
	assert_int_equal(n->maps[1].output_node, 1);
	assert_int_equal(n->maps[1].offset, 0x138 + 36 + 20);
	assert_true(n->u.rc.has_memory_address_limit);
	assert_false(n->u.rc.has_flags);
	assert_int_equal(n->u.rc.cca, 1);
	assert_int_equal(n->u.rc.mem_flags, 3);

	n = &m->nodes[4];
	assert_string_equal(n->u.nc.device_name, "\\_SB.DMA0");
	assert_int_equal(n->mapping_offset, 39);

	n = &m->nodes[5];
	assert_int_equal(n->u.pmcg.ref_node, 2);
	assert_int_equal(n->u.pmcg.page1_base, 0x2B430000);
	pl_iort_free(m);
	free(b);
}

/* Identifiers and PASID capabilities, zeroed by iasl 20200925. */
static void test_rev3_identifiers(void **state)
{
	size_t len;
	uint8_t *b = fw_fixture("iort-rev3.aml", &len);
	struct pl_iort *m;
	char *dump;

	(void)state;
	fw_put_le(b, 0x4C, 7, 4);	/* SMMUv3 identifier */
	fw_put_le(b, 0xA4, 8, 4);	/* RC identifier */
	fw_put_le(b, 0xA0 + 33, 0x14, 2);	/* RC PASID capabilities */
	fw_acpi_fix_checksum(b, len);
	m = parse_ok(b, len);
	assert_true(m->has_identifiers);
	assert_int_equal(m->nodes[1].identifier, 7);
	assert_true(m->nodes[2].u.rc.has_pasid_capabilities);
	assert_int_equal(m->nodes[2].u.rc.pasid_capabilities, 0x14);
	pl_iort_free(m);
	dump = fw_dump_str(b, len);
	fw_assert_has_line(dump, "node offset=0xA0 type=2(ROOT_COMPLEX) length=0x4C revision=3 identifier=8 mapping_count=2 segment=3 ats_attribute=0x5 memory_size_limit=64");
	free(dump);
	free(b);
}

static void test_built_node_types(void **state)
{
	struct fw_tb t;
	struct pl_iort *m;
	char *dump;

	(void)state;
	build_types(&t);
	dump = fw_dump_str(t.b, t.len);
	assert_string_equal(dump,
		"table IORT revision=6 length=0x1DC oem_id=\"PLAB  \" oem_table_id=\"BUILDER \" node_count=8 node_array_offset=0x30\n"
		"counts ITS_GROUP=1 NAMED_COMPONENT=0 ROOT_COMPLEX=2 SMMUV1V2=0 SMMUV3=1 PMCG=1 RMR=1 id_mappings=6\n"
		"node offset=0x30 type=0(ITS_GROUP) length=0x18 revision=1 identifier=10 mapping_count=0 its_count=1 its_ids=3\n"
		"node offset=0x48 type=4(SMMUV3) length=0x50 revision=0 identifier=11 mapping_count=1 base=0x40000000 flags=0x0 model=1 event_gsiv=0x20 pri_gsiv=0x21 gerr_gsiv=0x22 sync_gsiv=0x23 proximity_domain=0 id_mapping_index=0\n"
		"  map input_base=0x0 id_count=0xFFFF output_base=0x0 output_ref=0x30 flags=0x0 single_mapping=0\n"
		"node offset=0x98 type=2(ROOT_COMPLEX) length=0x3C revision=4 identifier=12 mapping_count=1 segment=1 ats_attribute=0x7 memory_size_limit=52\n"
		"  map input_base=0x0 id_count=0xFFFF output_base=0x10000 output_ref=0x48 flags=0x0 single_mapping=0\n"
		"node offset=0xD4 type=2(ROOT_COMPLEX) length=0x34 revision=0 identifier=13 mapping_count=1 segment=2 ats_attribute=0x0 memory_size_limit=0\n"
		"  map input_base=0x0 id_count=0xFFFF output_base=0x20000 output_ref=0x48 flags=0x0 single_mapping=0\n"
		"node offset=0x108 type=6(RMR) length=0x58 revision=3 identifier=14 mapping_count=1 flags=0x15 rmr_count=2\n"
		"  map input_base=0x0 id_count=0x0 output_base=0x30 output_ref=0x48 flags=0x1 single_mapping=1\n"
		"  rmr base=0x80000000 length=0x10000\n"
		"  rmr base=0x90000000 length=0x200000\n"
		"node offset=0x160 type=7(IWB) length=0x38 revision=0 identifier=15 mapping_count=1 base=0x50000000 iwb_index=5 device_name=\"\\_SB.IWB0\"\n"
		"  map input_base=0x0 id_count=0x3F output_base=0x100 output_ref=0x30 flags=0x0 single_mapping=0\n"
		"node offset=0x198 type=5(PMCG) length=0x20 revision=0 identifier=16 mapping_count=0 page0_base=0x44000000 overflow_gsiv=0x30 node_reference=0x0 page1_base=0x0\n"
		"node offset=0x1B8 type=9(UNKNOWN) length=0x24 revision=2 identifier=17 mapping_count=1\n"
		"  map input_base=0x5 id_count=0x0 output_base=0x7 output_ref=0x30 flags=0x0 single_mapping=0\n");
	free(dump);

	m = parse_ok(t.b, t.len);
	assert_true(m->nodes[2].u.rc.has_flags);
	assert_int_equal(m->nodes[2].u.rc.flags, 1);
	assert_int_equal(m->nodes[2].u.rc.pasid_capabilities, 0x13);
	assert_false(m->nodes[3].u.rc.has_memory_address_limit);
	assert_int_equal(m->nodes[4].u.rmr.descs[1].length, 0x200000);
	assert_int_equal(m->nodes[4].maps[0].output_node, 1);
	assert_int_equal(m->nodes[6].u.pmcg.ref_node, -1);
	assert_int_equal(m->count[PL_IORT_IWB], 1);
	assert_int_equal(m->count[PL_IORT_NTYPES], 1);
	pl_iort_free(m);
}

/* ----------------------------------------------------------- rejections */

struct patch {
	size_t at;
	uint64_t v;
	int n;		/* bytes; 0 ends the list */
};

struct reject_case {
	const char *fixture;
	struct patch patch[3];
	int err;
	size_t offset;
	const char *field;
};

static void run_reject(void **state)
{
	const struct reject_case *c = *state;
	static struct pl_iort dummy;
	struct pl_iort *m = &dummy;
	struct pl_fw_diag d;
	size_t len, i;
	uint8_t *b = fw_fixture(c->fixture, &len);
	FILE *null = fopen("/dev/null", "w");
	int rc;

	assert_non_null(null);
	for (i = 0; i < 3 && c->patch[i].n; i++)
		fw_put_le(b, c->patch[i].at, c->patch[i].v, c->patch[i].n);
	fw_acpi_fix_checksum(b, len);
	rc = pl_iort_parse(b, len, &m, &d);
	fw_assert_reject(rc, &d, c->err, c->offset, c->field);
	assert_null(m);
	rc = pl_fw_dump(b, len, null, &d);
	fw_assert_reject(rc, &d, c->err, c->offset, c->field);
	fclose(null);
	free(b);
}

#define F "iort-full.aml"
static const struct reject_case node_offset_low = {
	F, { { 40, 0x20, 4 } }, -EINVAL, 40, "IORT.node_offset" };
static const struct reject_case node_count_huge = {
	F, { { 36, 0x1000, 4 } }, -EINVAL, 36, "IORT.node_count" };
static const struct reject_case node_count_limit = {
	F, { { 36, PL_IORT_MAX_NODES + 1, 4 } }, -E2BIG, 36, "IORT.node_count" };
static const struct reject_case node_count_short = {
	F, { { 36, 5, 4 } }, -EINVAL, 36, "IORT.node_count" };
static const struct reject_case node_len_small = {
	F, { { 0x31, 8, 2 } }, -EINVAL, 0x31, "node.length" };
static const struct reject_case node_past_end = {
	F, { { 0x1D4, 0x100, 2 } }, -EINVAL, 0x1D4, "node.length" };
static const struct reject_case its_count_zero = {
	F, { { 0x40, 0, 4 } }, -EINVAL, 0x40, "ITS_GROUP.its_count" };
static const struct reject_case its_count_big = {
	F, { { 0x40, 3, 4 } }, -EINVAL, 0x40, "ITS_GROUP.its_count" };
static const struct reject_case its_with_maps = {
	F, { { 0x38, 1, 4 } }, -EINVAL, 0x38, "node.mapping_count" };
static const struct reject_case nc_name_no_nul = {
	F, { { 0x1AA, 'X', 1 } }, -EINVAL, 0x1A1, "NAMED_COMPONENT.device_name" };
static const struct reject_case nc_maps_over_name = {
	F, { { 0x190, 0x1C, 4 } }, -EINVAL, 0x190, "node.mapping_offset" };
static const struct reject_case maps_over_fields = {
	F, { { 0x58, 0x20, 4 } }, -EINVAL, 0x58, "node.mapping_offset" };
static const struct reject_case maps_offset_past_node = {
	F, { { 0x58, 0x200, 4 } }, -EINVAL, 0x58, "node.mapping_offset" };
static const struct reject_case maps_past_node = {
	F, { { 0x54, 2, 4 } }, -EINVAL, 0x54, "node.mapping_count" };
static const struct reject_case smmu_global_irq = {
	F, { { 0x74, 0x1000, 4 } }, -EINVAL, 0x74,
	"SMMUV1V2.global_interrupt_offset" };
static const struct reject_case smmu_ctx_offset = {
	F, { { 0x7C, 0x10, 4 } }, -EINVAL, 0x7C,
	"SMMUV1V2.context_interrupt_offset" };
static const struct reject_case smmu_ctx_count = {
	F, { { 0x78, 0x100, 4 } }, -EINVAL, 0x78,
	"SMMUV1V2.context_interrupt_count" };
static const struct reject_case smmu_pmu_count = {
	F, { { 0x80, 0x100, 4 } }, -EINVAL, 0x80, "SMMUV1V2.pmu_interrupt_count" };
static const struct reject_case smmuv3_index = {
	F, { { 0x10C, 2, 4 } }, -EINVAL, 0x10C, "SMMUV3.id_mapping_index" };
static const struct reject_case map_self = {
	F, { { 0xC4, 0x4C, 4 } }, -EINVAL, 0xC4, "map.output_ref" };
static const struct reject_case map_smmu_to_smmu = {
	F, { { 0xC4, 0xCC, 4 } }, -EINVAL, 0xC4, "map.output_ref" };
static const struct reject_case map_wraps = {
	F, { { 0x15C, 0xFFFFFFF0, 4 } }, -EINVAL, 0x160, "map.id_count" };
static const struct reject_case pmcg_ref = {
	F, { { 0x1EF, 0x1234, 4 } }, -EINVAL, 0x1EF, "PMCG.node_reference" };
static const struct reject_case bad_ref = {
	"iort-bad-ref.aml", { { 0 } }, -EINVAL, 0xD0, "map.output_ref" };
static const struct reject_case bad_target = {
	"iort-bad-target.aml", { { 0 } }, -EINVAL, 0xB3, "map.output_ref" };
#undef F

/* Built tables: an ITS group at 0x30, then the node under test at 0x48. */
static void build_reject(void (*body)(struct fw_tb *t), uint32_t count,
			 int err, size_t offset, const char *field)
{
	struct fw_tb t;
	struct pl_fw_diag d;
	struct pl_iort *m = NULL;
	int rc;

	iort_header(&t, 3, count);
	its_node(&t);
	body(&t);
	tb_acpi_finish(&t);
	rc = pl_iort_parse(t.b, t.len, &m, &d);
	fw_assert_reject(rc, &d, err, offset, field);
	assert_null(m);
}

static void rmr(struct fw_tb *t, uint32_t count, uint32_t off,
		uint64_t base, uint64_t length)
{
	size_t at = node_begin(t, 6, 3, 1, 1);
	uint32_t i;

	tb_le(t, 0, 4);
	tb_le(t, count, 4);
	tb_le(t, off, 4);
	for (i = 0; i < 2; i++) {
		tb_le(t, base, 8);
		tb_le(t, length, 8);
		tb_le(t, 0, 4);
	}
	node_maps_here(t, at);
	map(t, 0, 0, 1, 0x30, 1);
	node_end(t, at);
}

static void body_rmr_none(struct fw_tb *t)
{
	rmr(t, 0, 28, 0x80000000, 0x10000);
}

static void body_rmr_empty(struct fw_tb *t)
{
	rmr(t, 2, 28, 0x80000000, 0);
}

static void body_rmr_wraps(struct fw_tb *t)
{
	rmr(t, 2, 28, 0xFFFFFFFFFFFF0000ull, 0x20000);
}

static void body_rmr_count(struct fw_tb *t)
{
	rmr(t, 4, 28, 0x80000000, 0x10000);
}

static void body_rmr_offset(struct fw_tb *t)
{
	rmr(t, 2, 8, 0x80000000, 0x10000);
}

static void body_iwb_no_nul(struct fw_tb *t)
{
	size_t at = node_begin(t, 7, 0, 1, 0);

	tb_le(t, 0x50000000, 8);
	tb_le(t, 5, 2);
	tb_bytes(t, "\\_SB.IWB0", 9);
	node_end(t, at);
}

static void body_smmu_short(struct fw_tb *t)
{
	size_t at = node_begin(t, 3, 0, 1, 0);

	tb_le(t, 0x5000000, 8);
	tb_le(t, 0x10000, 8);
	tb_le(t, 3, 4);
	tb_le(t, 0, 4);
	node_end(t, at);
}

static void body_truncated_header(struct fw_tb *t)
{
	tb_le(t, 0x18000004, 4);	/* 8 bytes of a node header */
	tb_le(t, 0, 4);
}

static void test_reject_rmr_none(void **state)
{
	(void)state;
	build_reject(body_rmr_none, 2, -EINVAL, 0x48 + 20, "RMR.rmr_count");
}

static void test_reject_rmr_empty(void **state)
{
	(void)state;
	build_reject(body_rmr_empty, 2, -EINVAL, 0x48 + 28 + 8, "RMR.length");
}

static void test_reject_rmr_wraps(void **state)
{
	(void)state;
	build_reject(body_rmr_wraps, 2, -EINVAL, 0x48 + 28 + 8, "RMR.length");
}

static void test_reject_rmr_count(void **state)
{
	(void)state;
	build_reject(body_rmr_count, 2, -EINVAL, 0x48 + 20, "RMR.rmr_count");
}

static void test_reject_rmr_offset(void **state)
{
	(void)state;
	build_reject(body_rmr_offset, 2, -EINVAL, 0x48 + 24, "RMR.rmr_offset");
}

static void test_reject_iwb_name(void **state)
{
	(void)state;
	build_reject(body_iwb_no_nul, 2, -EINVAL, 0x48 + 26, "IWB.device_name");
}

static void test_reject_node_too_short(void **state)
{
	(void)state;
	build_reject(body_smmu_short, 2, -EINVAL, 0x49, "node.length");
}

static void test_reject_truncated_header(void **state)
{
	(void)state;
	build_reject(body_truncated_header, 2, -EINVAL, 0x48, "IORT.node_count");
}

static void test_reject_header(void **state)
{
	struct pl_fw_diag d;
	struct pl_iort *m = NULL;
	size_t len;
	uint8_t *b = fw_fixture("iort-full.aml", &len);

	(void)state;
	fw_assert_reject(pl_iort_parse(b, len - 3, &m, &d), &d, -EOVERFLOW, 4,
			 "header.length");
	b[0x100] ^= 1;
	fw_assert_reject(pl_iort_parse(b, len, &m, &d), &d, -EBADMSG, 9,
			 "header.checksum");
	memcpy(b, "DMAR", 4);
	fw_assert_reject(pl_iort_parse(b, len, &m, &d), &d, -ENOTSUP, 0,
			 "header.signature");
	assert_null(m);
	free(b);
}

#define REJECT(c) { #c, run_reject, NULL, NULL, (void *)&(c) }

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixture_dumps),
		cmocka_unit_test(test_full_model),
		cmocka_unit_test(test_rev3_identifiers),
		cmocka_unit_test(test_built_node_types),
		cmocka_unit_test(test_reject_header),
		REJECT(node_offset_low),
		REJECT(node_count_huge),
		REJECT(node_count_limit),
		REJECT(node_count_short),
		REJECT(node_len_small),
		REJECT(node_past_end),
		REJECT(its_count_zero),
		REJECT(its_count_big),
		REJECT(its_with_maps),
		REJECT(nc_name_no_nul),
		REJECT(nc_maps_over_name),
		REJECT(maps_over_fields),
		REJECT(maps_offset_past_node),
		REJECT(maps_past_node),
		REJECT(smmu_global_irq),
		REJECT(smmu_ctx_offset),
		REJECT(smmu_ctx_count),
		REJECT(smmu_pmu_count),
		REJECT(smmuv3_index),
		REJECT(map_self),
		REJECT(map_smmu_to_smmu),
		REJECT(map_wraps),
		REJECT(pmcg_ref),
		REJECT(bad_ref),
		REJECT(bad_target),
		cmocka_unit_test(test_reject_rmr_none),
		cmocka_unit_test(test_reject_rmr_empty),
		cmocka_unit_test(test_reject_rmr_wraps),
		cmocka_unit_test(test_reject_rmr_count),
		cmocka_unit_test(test_reject_rmr_offset),
		cmocka_unit_test(test_reject_iwb_name),
		cmocka_unit_test(test_reject_node_too_short),
		cmocka_unit_test(test_reject_truncated_header),
	};

	return cmocka_run_group_tests_name("fw_iort", tests, NULL, NULL);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests: ACPI DMAR parser over the fixtures in tests/fixtures/fw
 * (compiled with iasl into PROBELAB_FIXTURES), tables built here for the
 * structures that iasl 20200925 cannot compile (SATC, SIDP, reserved
 * types), and one test per rejection path asserting errno, byte offset and
 * field.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "test_fw_util.h"

/* ------------------------------------------------------------ builders */

static void dmar_header(struct fw_tb *t, uint8_t haw)
{
	int i;

	tb_acpi_header(t, "DMAR", 1);
	tb_u8(t, haw);
	tb_u8(t, 0x05);
	for (i = 0; i < 10; i++)
		tb_u8(t, 0);
}

static size_t sub_begin(struct fw_tb *t, uint16_t type)
{
	size_t at = tb_le(t, type, 2);

	tb_le(t, 0, 2);
	return at;
}

static void sub_end(struct fw_tb *t, size_t at)
{
	fw_put_le(t->b, at + 2, t->len - at, 2);
}

static void scope(struct fw_tb *t, uint8_t type, uint8_t flags,
		  uint8_t enum_id, uint8_t bus, uint8_t dev, uint8_t fn)
{
	tb_u8(t, type);
	tb_u8(t, 8);
	tb_u8(t, flags);
	tb_u8(t, 0);
	tb_u8(t, enum_id);
	tb_u8(t, bus);
	tb_u8(t, dev);
	tb_u8(t, fn);
}

static void drhd_include_all(struct fw_tb *t)
{
	size_t at = sub_begin(t, 0);

	tb_u8(t, 0x01);
	tb_u8(t, 0x00);
	tb_le(t, 0, 2);
	tb_le(t, 0xFED91000, 8);
	scope(t, 3, 0, 2, 0xF0, 0x1f, 0);
	sub_end(t, at);
}

static struct pl_dmar *parse_ok(const void *b, size_t len)
{
	struct pl_fw_diag d;
	struct pl_dmar *m = NULL;
	int rc = pl_dmar_parse(b, len, &m, &d);

	if (rc)
		fail_msg("parse failed (%d) at 0x%zX %s: %s", rc, d.offset,
			 d.field, d.msg);
	assert_int_equal(d.err, 0);
	return m;
}

/* ------------------------------------------------------------ good input */

static void test_full_fixture_dump(void **state)
{
	size_t len;
	uint8_t *b = fw_fixture("dmar-full.aml", &len);
	char *dump = fw_dump_str(b, len);

	(void)state;
	fw_assert_dump_fixture(dump, "dmar-full.expect");
	free(dump);
	free(b);
}

static void test_full_fixture_model(void **state)
{
	size_t len;
	uint8_t *b = fw_fixture("dmar-full.aml", &len);
	struct pl_dmar *m = parse_ok(b, len);
	const struct pl_dmar_unit *u;
	const struct pl_dmar_scope *s;

	(void)state;
	assert_int_equal(m->host_address_width, 39);
	assert_int_equal(m->haw_raw, 0x26);
	assert_int_equal(m->flags, 0x01);
	assert_string_equal(m->hdr.oem_id, "PLAB  ");
	assert_string_equal(m->hdr.creator_id, "INTL");
	assert_int_equal(m->nunits, 10);
	assert_int_equal(m->count[PL_DMAR_DRHD], 3);
	assert_int_equal(m->count[PL_DMAR_ANDD], 2);
	assert_int_equal(m->count[PL_DMAR_NTYPES], 0);

	u = &m->units[0];	/* DRHD 0: multi-hop endpoint */
	assert_int_equal(u->type, PL_DMAR_DRHD);
	assert_int_equal(u->u.drhd.register_base, 0xFED90000);
	assert_int_equal(u->nscopes, 3);
	s = &u->scopes[1];
	assert_int_equal(s->offset, 0x48);
	assert_int_equal(s->length, 10);
	assert_int_equal(s->nhops, 2);
	assert_int_equal(s->hops[0].device, 0x1c);
	assert_int_equal(s->hops[0].function, 4);
	assert_int_equal(s->hops[1].device, 0);
	assert_int_equal(s->andd_unit, -1);

	u = &m->units[1];	/* DRHD 1: namespace scopes resolve to ANDDs */
	assert_int_equal(u->u.drhd.flags & PL_DMAR_DRHD_INCLUDE_PCI_ALL, 1);
	assert_int_equal(u->scopes[2].type, PL_DMAR_SCOPE_ACPI_NAMESPACE);
	assert_int_equal(u->scopes[2].andd_unit, 8);
	assert_int_equal(u->scopes[3].andd_unit, 9);
	assert_string_equal(m->units[9].u.andd.name, "\\_SB.PCI0.I2C1");

	u = &m->units[2];
	assert_int_equal(u->u.drhd.segment, 1);
	assert_int_equal(u->u.drhd.register_base, 0x4FED00000ull);

	u = &m->units[3];	/* RMRR with a three-hop path */
	assert_int_equal(u->type, PL_DMAR_RMRR);
	assert_int_equal(u->u.rmrr.limit, 0x7FFFFFFF);
	assert_int_equal(u->scopes[1].nhops, 3);
	assert_int_equal(u->scopes[1].hops[2].function, 3);

	assert_int_equal(m->units[5].u.atsr.flags, PL_DMAR_ATSR_ALL_PORTS);
	assert_int_equal(m->units[5].nscopes, 0);
	assert_int_equal(m->units[6].u.rhsa.drhd_unit, 0);
	assert_int_equal(m->units[6].u.rhsa.proximity_domain, 1);
	assert_int_equal(m->units[7].u.rhsa.drhd_unit, -1);
	assert_int_equal(m->units[7].index, 1);
	pl_dmar_free(m);
	free(b);
}

/* The DRHD size byte and scope flags (VT-d 4.x+), unknown to iasl 20200925 */
static void test_size_byte_and_scope_flags(void **state)
{
	size_t len;
	uint8_t *b = fw_fixture("dmar-full.aml", &len);
	char *dump;

	(void)state;
	b[0x35] = 0x07;		/* DRHD 0 size: 2^7 pages */
	b[0x42] = 0x1F;		/* first scope's flags byte */
	fw_acpi_fix_checksum(b, len);
	dump = fw_dump_str(b, len);
	fw_assert_has_line(dump, "drhd index=0 offset=0x30 segment=0 register_base=0x00000000FED90000 flags=0x00 include_pci_all=0 size_field=0x07 scopes=3");
	fw_assert_has_line(dump, "  scope type=1(PCI_ENDPOINT) enumeration_id=0 start_bus=0x00 path=02.0 first_hop_bdf=00:02.0 flags=0x1F");
	free(dump);
	free(b);
}

/* SATC, SIDP (with scope flags), a reserved structure and scope type. */
static void test_satc_sidp_reserved(void **state)
{
	struct fw_tb t;
	struct pl_dmar *m;
	size_t at;
	char *dump;

	(void)state;
	dmar_header(&t, 0x29);
	at = sub_begin(&t, 0);		/* 0x30: DRHD, size 2 */
	tb_u8(&t, 0x01);
	tb_u8(&t, 0x02);
	tb_le(&t, 0, 2);
	tb_le(&t, 0xFC801000, 8);
	scope(&t, 3, 0, 2, 0x00, 0x1e, 7);
	scope(&t, 6, 0, 0, 0x00, 0x00, 0);	/* reserved scope type */
	sub_end(&t, at);
	at = sub_begin(&t, 5);		/* 0x50: SATC */
	tb_u8(&t, 0x01);
	tb_u8(&t, 0);
	tb_le(&t, 0, 2);
	scope(&t, 1, 0, 0, 0, 0x02, 0);
	scope(&t, 1, 0, 0, 0, 0x0b, 0);
	sub_end(&t, at);
	at = sub_begin(&t, 6);		/* 0x68: SIDP */
	tb_le(&t, 0, 2);
	tb_le(&t, 0, 2);
	scope(&t, 1, 0x1F, 0, 0, 0x02, 0);
	scope(&t, 1, 0x1C, 0, 0, 0x0b, 0);
	sub_end(&t, at);
	at = sub_begin(&t, 7);		/* 0x80: reserved type, kept */
	tb_le(&t, 0xdeadbeef, 4);
	sub_end(&t, at);
	tb_acpi_finish(&t);

	dump = fw_dump_str(t.b, t.len);
	assert_string_equal(dump,
		"table DMAR revision=1 length=0x88 oem_id=\"PLAB  \" oem_table_id=\"BUILDER \" host_address_width=42 flags=0x05\n"
		"counts DRHD=1 RMRR=0 ATSR=0 RHSA=0 ANDD=0 SATC=1 SIDP=1\n"
		"drhd index=0 offset=0x30 segment=0 register_base=0x00000000FC801000 flags=0x01 include_pci_all=1 size_field=0x02 scopes=2\n"
		"  scope type=3(IOAPIC) enumeration_id=2 start_bus=0x00 path=1e.7 first_hop_bdf=00:1e.7 flags=0x00\n"
		"  scope type=6(RESERVED) enumeration_id=0 start_bus=0x00 path=00.0 first_hop_bdf=00:00.0 flags=0x00\n"
		"satc index=0 offset=0x50 segment=0 flags=0x01 atc_required=1 scopes=2\n"
		"  scope type=1(PCI_ENDPOINT) enumeration_id=0 start_bus=0x00 path=02.0 first_hop_bdf=00:02.0 flags=0x00\n"
		"  scope type=1(PCI_ENDPOINT) enumeration_id=0 start_bus=0x00 path=0b.0 first_hop_bdf=00:0b.0 flags=0x00\n"
		"sidp index=0 offset=0x68 segment=0 scopes=2\n"
		"  scope type=1(PCI_ENDPOINT) enumeration_id=0 start_bus=0x00 path=02.0 first_hop_bdf=00:02.0 flags=0x1F\n"
		"  scope type=1(PCI_ENDPOINT) enumeration_id=0 start_bus=0x00 path=0b.0 first_hop_bdf=00:0b.0 flags=0x1C\n"
		"reserved index=0 offset=0x80 type=7 length=0x8\n");
	free(dump);

	m = parse_ok(t.b, t.len);
	assert_int_equal(m->count[PL_DMAR_NTYPES], 1);
	assert_int_equal(m->units[1].u.satc.flags, PL_DMAR_SATC_ATC_REQUIRED);
	assert_int_equal(m->units[2].scopes[0].flags, 0x1F);
	assert_int_equal(m->units[3].type, 7);
	assert_int_equal(m->units[3].length, 8);
	pl_dmar_free(m);
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
	bool keep_checksum;	/* do not repair the checksum */
	int err;
	size_t offset;
	const char *field;
};

static void run_reject(void **state)
{
	const struct reject_case *c = *state;
	struct pl_fw_diag d;
	static struct pl_dmar dummy;
	struct pl_dmar *m = &dummy;	/* the parser must reset it */
	size_t len, i;
	uint8_t *b = fw_fixture(c->fixture, &len);
	FILE *null = fopen("/dev/null", "w");
	int rc;

	assert_non_null(null);

	for (i = 0; i < 3 && c->patch[i].n; i++)
		fw_put_le(b, c->patch[i].at, c->patch[i].v, c->patch[i].n);
	if (!c->keep_checksum)
		fw_acpi_fix_checksum(b, len);
	rc = pl_dmar_parse(b, len, &m, &d);
	fw_assert_reject(rc, &d, c->err, c->offset, c->field);
	assert_null(m);
	/* the generic entry point reports the same */
	rc = pl_fw_dump(b, len, null, &d);
	fw_assert_reject(rc, &d, c->err, c->offset, c->field);
	fclose(null);
	free(b);
}

#define F "dmar-full.aml"
static const struct reject_case rc_checksum = {
	F, { { 0x20, 0x55, 1 } }, true, -EBADMSG, 9, "header.checksum" };
static const struct reject_case rc_haw = {
	F, { { 36, 0x05, 1 } }, false, -EINVAL, 36, "DMAR.host_address_width" };
static const struct reject_case rc_struct_len_small = {
	F, { { 0x32, 2, 2 } }, false, -EINVAL, 0x32, "remapping.length" };
static const struct reject_case rc_struct_past_end = {
	F, { { 0x12F, 0x20, 2 } }, false, -EINVAL, 0x12F, "remapping.length" };
static const struct reject_case rc_drhd_base_zero = {
	F, { { 0x38, 0, 8 } }, false, -EINVAL, 0x38, "DRHD.register_base" };
static const struct reject_case rc_drhd_base_unaligned = {
	F, { { 0x38, 0xFED90800, 8 } }, false, -EINVAL, 0x38, "DRHD.register_base" };
static const struct reject_case rc_scope_len_odd = {
	F, { { 0x41, 9, 1 } }, false, -EINVAL, 0x41, "scope.length" };
static const struct reject_case rc_scope_len_short = {
	F, { { 0x41, 6, 1 } }, false, -EINVAL, 0x41, "scope.length" };
static const struct reject_case rc_scope_past_struct = {
	F, { { 0x53, 10, 1 } }, false, -EINVAL, 0x53, "scope.length" };
static const struct reject_case rc_scope_function = {
	F, { { 0x47, 8, 1 } }, false, -EINVAL, 0x47, "scope.path" };
static const struct reject_case rc_scope_ioapic_in_rmrr = {
	F, { { 0xBA, 3, 1 } }, false, -EINVAL, 0xBA, "scope.type" };
static const struct reject_case rc_two_include_all = {
	F, { { 0x90, 0, 2 } }, false, -EINVAL, 0x8E, "DRHD.flags" };
static const struct reject_case rc_andd_duplicate = {
	F, { { 0x134, 1, 1 } }, false, -EINVAL, 0x134, "ANDD.device_number" };
static const struct reject_case rc_andd_no_nul = {
	F, { { 0x143, 'X', 1 } }, false, -EINVAL, 0x135, "ANDD.name" };
static const struct reject_case rc_andd_empty = {
	F, { { 0x135, 0, 1 } }, false, -EINVAL, 0x135, "ANDD.name" };
static const struct reject_case rc_bad_rmrr = {
	"dmar-bad-rmrr.aml", { { 0 } }, false, -EINVAL, 0x58, "RMRR.limit" };
static const struct reject_case rc_bad_path = {
	"dmar-bad-path.aml", { { 0 } }, false, -EINVAL, 0x48, "scope.path" };
#undef F

/* Built tables: each ends with the structure under test. */
static void build_reject(void (*body)(struct fw_tb *t), int err,
			 size_t offset, const char *field)
{
	struct fw_tb t;
	struct pl_fw_diag d;
	struct pl_dmar *m = NULL;
	int rc;

	dmar_header(&t, 0x26);
	body(&t);
	tb_acpi_finish(&t);
	rc = pl_dmar_parse(t.b, t.len, &m, &d);
	fw_assert_reject(rc, &d, err, offset, field);
	assert_null(m);
}

static void body_no_drhd(struct fw_tb *t)
{
	size_t at = sub_begin(t, 3);

	tb_le(t, 0, 4);
	tb_le(t, 0xFED90000, 8);
	tb_le(t, 0, 4);
	sub_end(t, at);
}

static void body_rhsa_short(struct fw_tb *t)
{
	size_t at;

	drhd_include_all(t);		/* 0x30..0x48 */
	at = sub_begin(t, 3);		/* 0x48 */
	tb_le(t, 0, 4);
	tb_le(t, 0xFED90000, 8);
	sub_end(t, at);
}

static void body_drhd_short(struct fw_tb *t)
{
	size_t at = sub_begin(t, 0);	/* 0x30, 12 bytes */

	tb_le(t, 0, 4);
	tb_le(t, 0, 4);
	sub_end(t, at);
}

static void body_scope_stray(struct fw_tb *t)
{
	size_t at = sub_begin(t, 0);	/* 0x30 */

	tb_u8(t, 0x01);
	tb_u8(t, 0);
	tb_le(t, 0, 2);
	tb_le(t, 0xFED91000, 8);
	scope(t, 3, 0, 2, 0xF0, 0x1f, 0);	/* 0x40 */
	tb_le(t, 0x0403, 4);			/* 0x48: 4 stray bytes */
	sub_end(t, at);
}

static void body_stray_tail(struct fw_tb *t)
{
	drhd_include_all(t);		/* 0x30..0x48 */
	tb_le(t, 0, 2);			/* 0x48: 2 bytes, no header */
}

static void body_scope_reserved_under_atsr(struct fw_tb *t)
{
	size_t at;

	drhd_include_all(t);
	at = sub_begin(t, 2);		/* 0x48: ATSR with an HPET scope */
	tb_u8(t, 0);
	tb_u8(t, 0);
	tb_le(t, 0, 2);
	scope(t, 4, 0, 0, 0, 0x1f, 0);	/* 0x50 */
	sub_end(t, at);
}

static void test_reject_no_drhd(void **state)
{
	(void)state;
	build_reject(body_no_drhd, -EINVAL, 0x30, "DRHD");
}

static void test_reject_rhsa_short(void **state)
{
	(void)state;
	build_reject(body_rhsa_short, -EINVAL, 0x4A, "remapping.length");
}

static void test_reject_drhd_short(void **state)
{
	(void)state;
	build_reject(body_drhd_short, -EINVAL, 0x32, "remapping.length");
}

static void test_reject_scope_stray(void **state)
{
	(void)state;
	build_reject(body_scope_stray, -EINVAL, 0x48, "scope.length");
}

static void test_reject_stray_tail(void **state)
{
	(void)state;
	build_reject(body_stray_tail, -EINVAL, 0x48, "remapping.length");
}

static void test_reject_hpet_under_atsr(void **state)
{
	(void)state;
	build_reject(body_scope_reserved_under_atsr, -EINVAL, 0x50, "scope.type");
}

/* Header-level rejections shared by every ACPI table. */
static void test_reject_header(void **state)
{
	struct pl_fw_diag d;
	struct pl_dmar *m = NULL;
	size_t len;
	uint8_t *b = fw_fixture("dmar-full.aml", &len), *big;

	(void)state;
	/* truncated: header says more than given */
	fw_assert_reject(pl_dmar_parse(b, len - 1, &m, &d), &d, -EOVERFLOW, 4,
			 "header.length");
	/* trailing bytes: header says less than given */
	big = calloc(1, len + 4);
	assert_non_null(big);
	memcpy(big, b, len);
	fw_assert_reject(pl_dmar_parse(big, len + 4, &m, &d), &d, -EOVERFLOW,
			 4, "header.length");
	free(big);
	/* shorter than an ACPI header */
	fw_assert_reject(pl_dmar_parse(b, 20, &m, &d), &d, -EOVERFLOW, 4,
			 "header.length");
	/* a length field below the DMAR header */
	fw_acpi_set_length(b, 40);
	fw_acpi_fix_checksum(b, 40);
	fw_assert_reject(pl_dmar_parse(b, 40, &m, &d), &d, -EINVAL, 4,
			 "header.length");
	/* another signature */
	memcpy(b, "IORT", 4);
	fw_assert_reject(pl_dmar_parse(b, 40, &m, &d), &d, -ENOTSUP, 0,
			 "header.signature");
	fw_assert_reject(pl_dmar_parse(NULL, 0, &m, &d), &d, -ENOTSUP, 0,
			 "header.signature");
	assert_null(m);
	free(b);
}

/* More structures than PL_DMAR_MAX_UNITS: -E2BIG at the first one over. */
static void test_reject_too_many_units(void **state)
{
	size_t n = PL_DMAR_MAX_UNITS + 1, len = 48 + 24 + 4 * n, i;
	uint8_t *b = calloc(1, len);
	struct pl_fw_diag d;
	struct pl_dmar *m = NULL;
	struct fw_tb t;

	(void)state;
	assert_non_null(b);
	dmar_header(&t, 0x26);
	drhd_include_all(&t);
	memcpy(b, t.b, t.len);
	for (i = 0; i < n; i++) {		/* 4-byte reserved structures */
		fw_put_le(b, t.len + 4 * i, 9, 2);
		fw_put_le(b, t.len + 4 * i + 2, 4, 2);
	}
	fw_acpi_set_length(b, len);
	fw_acpi_fix_checksum(b, len);
	fw_assert_reject(pl_dmar_parse(b, len, &m, &d), &d, -E2BIG,
			 t.len + 4 * (PL_DMAR_MAX_UNITS - 1), "remapping.type");
	assert_null(m);
	free(b);
}

#define REJECT(c) { #c, run_reject, NULL, NULL, (void *)&(c) }

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_fixture_dump),
		cmocka_unit_test(test_full_fixture_model),
		cmocka_unit_test(test_size_byte_and_scope_flags),
		cmocka_unit_test(test_satc_sidp_reserved),
		cmocka_unit_test(test_reject_header),
		REJECT(rc_checksum),
		REJECT(rc_haw),
		REJECT(rc_struct_len_small),
		REJECT(rc_struct_past_end),
		REJECT(rc_drhd_base_zero),
		REJECT(rc_drhd_base_unaligned),
		REJECT(rc_scope_len_odd),
		REJECT(rc_scope_len_short),
		REJECT(rc_scope_past_struct),
		REJECT(rc_scope_function),
		REJECT(rc_scope_ioapic_in_rmrr),
		REJECT(rc_two_include_all),
		REJECT(rc_andd_duplicate),
		REJECT(rc_andd_no_nul),
		REJECT(rc_andd_empty),
		REJECT(rc_bad_rmrr),
		REJECT(rc_bad_path),
		cmocka_unit_test(test_reject_no_drhd),
		cmocka_unit_test(test_reject_rhsa_short),
		cmocka_unit_test(test_reject_drhd_short),
		cmocka_unit_test(test_reject_scope_stray),
		cmocka_unit_test(test_reject_stray_tail),
		cmocka_unit_test(test_reject_hpet_under_atsr),
		cmocka_unit_test(test_reject_too_many_units),
	};

	return cmocka_run_group_tests_name("fw_dmar", tests, NULL, NULL);
}

// SPDX-License-Identifier: GPL-2.0
/* ID sets of one device on one instance (module/core/idset.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "idmap.h"
#include "idset.h"

static void id_overlap_masks(void **state)
{
	(void)state;
	assert_true(pl_id_overlap(0x40, 0, 0x40, 0));
	assert_false(pl_id_overlap(0x40, 0, 0x41, 0));
	/* 0x40 mask 0x1 reaches 0x40 and 0x41, not 0x42 */
	assert_true(pl_id_overlap(0x40, 0x1, 0x41, 0));
	assert_true(pl_id_overlap(0x41, 0, 0x40, 0x1));
	assert_false(pl_id_overlap(0x40, 0x1, 0x42, 0));
	/* masks of both sides count */
	assert_true(pl_id_overlap(0x40, 0x1, 0x42, 0x2));
	assert_true(pl_id_overlap(0, 0xffffffff, 0xdeadbeef, 0));
	assert_false(pl_id_overlap(0x80000000, 0, 0, 0x7fffffff));
}

static void ids_overlap_sets(void **state)
{
	const uint32_t a[] = { 0x1, 0x10, 0x40 }, am[] = { 0, 0, 0x1 };
	const uint32_t b[] = { 0x2, 0x41 }, c[] = { 0x3, 0x42 };
	const uint32_t d[] = { 0x10 };

	(void)state;
	assert_true(pl_ids_overlap(a, am, 3, b, NULL, 2));
	assert_true(pl_ids_overlap(b, NULL, 2, a, am, 3));
	assert_false(pl_ids_overlap(a, am, 3, c, NULL, 2));
	/* without the masks, 0x40 and 0x41 are apart */
	assert_false(pl_ids_overlap(a, NULL, 3, b, NULL, 2));
	/* any pair, not only the first IDs */
	assert_true(pl_ids_overlap(a, NULL, 3, d, NULL, 1));
	assert_false(pl_ids_overlap(a, am, 0, d, NULL, 1));
	assert_false(pl_ids_overlap(a, am, 3, d, NULL, 0));
}

static void ids_contain_exact(void **state)
{
	const uint32_t a[] = { 0x300, 0x308 };

	(void)state;
	assert_true(pl_ids_contain(a, 2, 0x300));
	assert_true(pl_ids_contain(a, 2, 0x308));
	assert_false(pl_ids_contain(a, 2, 0x310));
	assert_false(pl_ids_contain(a, 0, 0x300));
}

/* pl_fw_refs_overlap() is the same rule, with the instance */
static void refs_overlap_same_rule(void **state)
{
	struct pl_fw_ref x = { .iommu = 0, .id = 0x40, .mask = 0x1 };
	struct pl_fw_ref y = { .iommu = 0, .id = 0x41, .mask = 0 };
	struct pl_fw_ref z = { .iommu = 1, .id = 0x41, .mask = 0 };

	(void)state;
	assert_true(pl_fw_refs_overlap(&x, &y));
	assert_false(pl_fw_refs_overlap(&x, &z));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(id_overlap_masks),
		cmocka_unit_test(ids_overlap_sets),
		cmocka_unit_test(ids_contain_exact),
		cmocka_unit_test(refs_overlap_same_rule),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * ABI freeze: the layout of every uapi structure is fixed once released.
 * A change that moves a field or adds an implicit hole fails here.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <linux/probelab.h>

static void info_layout(void **state)
{
	(void)state;
	assert_int_equal(offsetof(struct probelab_info, size), 0);
	assert_int_equal(offsetof(struct probelab_info, op), 4);
	assert_int_equal(offsetof(struct probelab_info, flags), 8);
	assert_int_equal(offsetof(struct probelab_info, __reserved), 12);
	assert_int_equal(offsetof(struct probelab_info, uapi_version), 16);
	assert_int_equal(offsetof(struct probelab_info, policies), 20);
	assert_int_equal(offsetof(struct probelab_info, ops), 24);
	assert_int_equal(offsetof(struct probelab_info, module_version), 32);
	assert_int_equal(offsetof(struct probelab_info, kernel_built), 96);
	assert_int_equal(offsetof(struct probelab_info, kernel_running), 160);
	assert_int_equal(sizeof(struct probelab_info), 224);
}

static void op_layouts(void **state)
{
	(void)state;
	assert_int_equal(sizeof(struct probelab_simple), 16);
	assert_int_equal(offsetof(struct probelab_fw_load, policy), 16);
	assert_int_equal(offsetof(struct probelab_fw_load, desc_uptr), 24);
	assert_int_equal(offsetof(struct probelab_fw_load, desc_len), 32);
	assert_int_equal(offsetof(struct probelab_fw_load, err_offset), 40);
	assert_int_equal(sizeof(struct probelab_fw_load), 48);
	assert_int_equal(offsetof(struct probelab_dev_add, kind), 16);
	assert_int_equal(offsetof(struct probelab_dev_add, name), 24);
	assert_int_equal(offsetof(struct probelab_dev_add, nr_aliases), 56);
	assert_int_equal(offsetof(struct probelab_dev_add, aliases), 60);
	assert_int_equal(offsetof(struct probelab_dev_add, dev_id), 76);
	assert_int_equal(sizeof(struct probelab_dev_add), 88);
	assert_int_equal(sizeof(struct probelab_dev_ref), 24);
	assert_int_equal(offsetof(struct probelab_iommu_ref, name), 16);
	assert_int_equal(sizeof(struct probelab_iommu_ref), 48);
	assert_int_equal(offsetof(struct probelab_drv_bind, result), 24);
	assert_int_equal(sizeof(struct probelab_drv_bind), 32);
	assert_int_equal(offsetof(struct probelab_query, entries_uptr), 24);
	assert_int_equal(offsetof(struct probelab_query, nr_entries), 32);
	assert_int_equal(sizeof(struct probelab_query), 40);
	assert_int_equal(offsetof(struct probelab_stats, iommu_probes), 16);
	assert_int_equal(offsetof(struct probelab_stats, violations), 72);
	assert_int_equal(sizeof(struct probelab_stats), 80);
	assert_int_equal(offsetof(struct probelab_dev_info, state), 16);
	assert_int_equal(offsetof(struct probelab_dev_info, iommus), 40);
	assert_int_equal(offsetof(struct probelab_dev_info, ids), 60);
	assert_int_equal(offsetof(struct probelab_dev_info, aliases), 76);
	assert_int_equal(offsetof(struct probelab_dev_info, name), 92);
	assert_int_equal(sizeof(struct probelab_dev_info), 128);
	assert_int_equal(offsetof(struct probelab_iommu_info, name), 24);
	assert_int_equal(sizeof(struct probelab_iommu_info), 56);
	assert_int_equal(sizeof(struct probelab_group_info), 40);
}

static void ownership_domain_layouts(void **state)
{
	(void)state;
	assert_int_equal(offsetof(struct probelab_owner, id), 16);
	assert_int_equal(sizeof(struct probelab_owner), 24);
	assert_int_equal(offsetof(struct probelab_domain_alloc, dev_id), 16);
	assert_int_equal(offsetof(struct probelab_domain_alloc, domain_id), 24);
	assert_int_equal(sizeof(struct probelab_domain_alloc), 32);
	assert_int_equal(sizeof(struct probelab_domain_ref), 24);
	assert_int_equal(offsetof(struct probelab_attach, target), 16);
	assert_int_equal(sizeof(struct probelab_attach), 24);
	assert_int_equal(offsetof(struct probelab_map, iova), 24);
	assert_int_equal(offsetof(struct probelab_map, paddr), 32);
	assert_int_equal(offsetof(struct probelab_map, length), 40);
	assert_int_equal(offsetof(struct probelab_map, done), 48);
	assert_int_equal(sizeof(struct probelab_map), 56);
	assert_int_equal(offsetof(struct probelab_iova, iova), 24);
	assert_int_equal(offsetof(struct probelab_iova, paddr), 32);
	assert_int_equal(sizeof(struct probelab_iova), 40);
	assert_int_equal(offsetof(struct probelab_violation, seq), 16);
	assert_int_equal(offsetof(struct probelab_violation, seqs), 32);
	assert_int_equal(offsetof(struct probelab_violation, what), 96);
	assert_int_equal(sizeof(struct probelab_violation), 224);
	assert_int_equal(offsetof(struct probelab_check, entries_uptr), 16);
	assert_int_equal(offsetof(struct probelab_check, total), 40);
	assert_int_equal(sizeof(struct probelab_check), 48);
}

static void inject_layout(void **state)
{
	(void)state;
	assert_int_equal(offsetof(struct probelab_inject, point), 16);
	assert_int_equal(offsetof(struct probelab_inject, action), 48);
	assert_int_equal(offsetof(struct probelab_inject, seed), 80);
	assert_int_equal(offsetof(struct probelab_inject, fired), 96);
	assert_int_equal(sizeof(struct probelab_inject), 104);
	assert_int_equal(PROBELAB_OP_INJECT, 23);
	assert_int_equal(offsetof(struct probelab_race, actor), 16);
	assert_int_equal(offsetof(struct probelab_race, iterations), 32);
	assert_int_equal(offsetof(struct probelab_race, violations), 48);
	assert_int_equal(offsetof(struct probelab_race, map_size), 56);
	assert_int_equal(offsetof(struct probelab_race, map_errors), 60);
	assert_int_equal(sizeof(struct probelab_race), 64);
	assert_int_equal(PROBELAB_OP_RACE, 24);
	assert_int_equal(PROBELAB_DEV_ADD_PLATFORM_OPS, 1);
	assert_int_equal(offsetof(struct probelab_group_info, group_claimed), 36);
	assert_int_equal(offsetof(struct probelab_dev_info, claims), 124);
}

static void ioctl_number(void **state)
{
	(void)state;
	/* _IO(0xB9, 0): no size or direction bits, the size lives in the struct */
	assert_int_equal(PROBELAB_IOCTL, 0xB900);
	assert_int_equal(PROBELAB_OP_GET_INFO, 1);
	assert_int_equal(PROBELAB_OP_STATS, 11);
	assert_int_equal(PROBELAB_OP_CHECK, 22);
	assert_int_equal(PROBELAB_EV_VIOLATION, 17);
	assert_int_equal(PROBELAB_EV_HW_WRITE, 22);
	assert_int_equal(PROBELAB_ATTR_DETAIL, 14);
	assert_int_equal(PROBELAB_POLICY_FIXED, 0);
	assert_int_equal(PROBELAB_POLICY_LINUX_6_1, 1);
	assert_int_equal(PROBELAB_POLICY_MAINLINE, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(info_layout),
		cmocka_unit_test(op_layouts),
		cmocka_unit_test(ownership_domain_layouts),
		cmocka_unit_test(inject_layout),
		cmocka_unit_test(ioctl_number),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

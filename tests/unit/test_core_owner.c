// SPDX-License-Identifier: GPL-2.0
/* The DMA ownership state machine (module/core/owner_sm.c). */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "owner_sm.h"

static int vfio, iommufd;	/* two owner tokens */

static void dma_api_owners(void **state)
{
	struct pl_own o = { 0 };

	(void)state;
	assert_int_equal(pl_own_use(&o, true), 0);
	assert_int_equal(pl_own_use(&o, true), 0);
	assert_int_equal(o.owner_cnt, 2);
	assert_null(o.owner);
	assert_int_equal(pl_own_unuse(&o), 0);
	assert_int_equal(pl_own_unuse(&o), 0);
	assert_int_equal(o.owner_cnt, 0);
	/* an unbind with nothing counted is a bug, reported */
	assert_int_equal(pl_own_unuse(&o), -EINVAL);
	assert_int_equal(o.owner_cnt, 0);
}

static void claim_refused_while_dma_api_bound(void **state)
{
	struct pl_own o = { 0 };
	enum pl_own_action act;

	(void)state;
	assert_int_equal(pl_own_use(&o, true), 0);
	assert_int_equal(pl_own_claim_group(&o, &vfio, true, &act), -EBUSY);
	assert_int_equal(act, PL_OWN_KEEP);
	assert_int_equal(pl_own_claim_device(&o, &iommufd, true, &act), -EBUSY);
	assert_int_equal(o.owner_cnt, 1);
	assert_null(o.owner);
}

static void group_claim_and_release(void **state)
{
	struct pl_own o = { 0 };
	enum pl_own_action act;

	(void)state;
	assert_int_equal(pl_own_claim_group(&o, &vfio, true, &act), 0);
	assert_int_equal(act, PL_OWN_TO_BLOCKING);
	assert_ptr_equal(o.owner, &vfio);
	assert_int_equal(o.owner_cnt, 1);
	assert_true(o.group_claimed);
	/* a second group claim, even by the same token, is refused */
	assert_int_equal(pl_own_claim_group(&o, &vfio, false, &act), -EBUSY);
	assert_int_equal(pl_own_claim_group(&o, &iommufd, false, &act), -EBUSY);
	/* DMA-API binds into an owned group are refused */
	assert_int_equal(pl_own_use(&o, false), -EBUSY);
	/* only the owner releases */
	assert_int_equal(pl_own_release_group(&o, &iommufd, &act), -EINVAL);
	assert_int_equal(pl_own_release_group(&o, &vfio, &act), 0);
	assert_int_equal(act, PL_OWN_TO_DEFAULT);
	assert_null(o.owner);
	assert_int_equal(o.owner_cnt, 0);
	assert_int_equal(pl_own_release_group(&o, &vfio, &act), -EINVAL);
}

static void device_claims_are_counted(void **state)
{
	struct pl_own o = { 0 };
	enum pl_own_action act;
	u32 dev_a = 0, dev_b = 0;

	(void)state;
	assert_int_equal(pl_own_claim_device(&o, &iommufd, true, &act), 0);
	assert_int_equal(act, PL_OWN_TO_BLOCKING);
	dev_a++;
	/* the same token again (another device, the group is off default) */
	assert_int_equal(pl_own_claim_device(&o, &iommufd, false, &act), 0);
	assert_int_equal(act, PL_OWN_KEEP);
	dev_b++;
	assert_int_equal(o.owner_cnt, 2);
	assert_int_equal(pl_own_claim_device(&o, &vfio, false, &act), -EBUSY);
	assert_int_equal(pl_own_release_device(&o, &vfio, &dev_a, &act), -EINVAL);
	assert_int_equal(pl_own_release_device(&o, &iommufd, &dev_a, &act), 0);
	assert_int_equal(act, PL_OWN_KEEP);
	assert_int_equal(o.owner_cnt, 1);
	/* a device with no claim left cannot release again */
	assert_int_equal(pl_own_release_device(&o, &iommufd, &dev_a, &act), -EINVAL);
	assert_int_equal(pl_own_release_device(&o, &iommufd, &dev_b, &act), 0);
	assert_int_equal(act, PL_OWN_TO_DEFAULT);
	assert_null(o.owner);
	assert_int_equal(o.owner_cnt, 0);
}

static void claim_refused_off_default_domain(void **state)
{
	struct pl_own o = { 0 };
	enum pl_own_action act;

	(void)state;
	assert_int_equal(pl_own_claim_group(&o, &vfio, false, &act), -EBUSY);
	assert_int_equal(pl_own_claim_device(&o, &vfio, false, &act), -EBUSY);
	assert_int_equal(o.owner_cnt, 0);
	assert_null(o.owner);
	assert_int_equal(pl_own_claim_group(&o, NULL, true, &act), -EINVAL);
}

static void close_releases_everything(void **state)
{
	struct pl_own o = { 0 };
	enum pl_own_action act;

	(void)state;
	assert_int_equal(pl_own_claim_group(&o, &vfio, true, &act), 0);
	assert_int_equal(pl_own_claim_device(&o, &vfio, false, &act), 0);
	assert_int_equal(pl_own_release_all(&o, &iommufd), PL_OWN_KEEP);
	assert_int_equal(o.owner_cnt, 2);
	assert_int_equal(pl_own_release_all(&o, &vfio), PL_OWN_TO_DEFAULT);
	assert_int_equal(o.owner_cnt, 0);
	assert_null(o.owner);
	assert_false(o.group_claimed);
	/* and DMA-API drivers may bind again */
	assert_int_equal(pl_own_use(&o, true), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(dma_api_owners),
		cmocka_unit_test(claim_refused_while_dma_api_bound),
		cmocka_unit_test(group_claim_and_release),
		cmocka_unit_test(device_claims_are_counted),
		cmocka_unit_test(claim_refused_off_default_domain),
		cmocka_unit_test(close_releases_everything),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

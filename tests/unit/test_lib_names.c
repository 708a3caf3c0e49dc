// SPDX-License-Identifier: GPL-2.0
/* libprobelab: policy and operation name tables */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "probelab.h"

static void policy_round_trip(void **state)
{
	(void)state;
	for (unsigned int p = 0; p < PL_NR_POLICIES; p++) {
		const char *name = pl_policy_name(p);

		assert_non_null(name);
		assert_int_equal(pl_policy_from_name(name), (int)p);
	}
	assert_string_equal(pl_policy_name(PROBELAB_POLICY_LINUX_6_1), "linux-6.1");
	assert_null(pl_policy_name(PL_NR_POLICIES));
	assert_int_equal(pl_policy_from_name("linux-6.2"), -EINVAL);
	assert_int_equal(pl_policy_from_name(""), -EINVAL);
}

static void op_names(void **state)
{
	(void)state;
	assert_string_equal(pl_op_name(PROBELAB_OP_GET_INFO), "GET_INFO");
	assert_null(pl_op_name(0));
	assert_null(pl_op_name(1000));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(policy_round_trip),
		cmocka_unit_test(op_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

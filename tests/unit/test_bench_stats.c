// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of tools/lib/bench_stats.c: medians of repeated runs,
 * ratios, FNV-1a, and the idle detector of `bench deferral --stagger`.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "bench_stats.h"

static void median(void **state)
{
	uint64_t odd[] = { 30, 10, 20 }, even[] = { 4, 1, 3, 2 }, one[] = { 7 };

	(void)state;
	assert_true(pl_bench_median(odd, 3) == 20);
	assert_true(pl_bench_median(even, 4) == 2.5);
	assert_true(pl_bench_median(one, 1) == 7);
	assert_true(pl_bench_median(one, 0) == 0);
	/* sorted in place */
	assert_int_equal(odd[0], 10);
	assert_int_equal(odd[2], 30);
}

static void ratio(void **state)
{
	(void)state;
	assert_true(pl_bench_ratio(3, 2) == 1.5);
	assert_true(pl_bench_ratio(3, 0) == 0);
	assert_true(pl_bench_ratio(0, 5) == 0);
}

static void fnv1a(void **state)
{
	uint64_t h;

	(void)state;
	/* the published FNV-1a 64 test vectors */
	assert_true(pl_bench_fnv1a(PL_FNV1A_INIT, "", 0) == 0xcbf29ce484222325ull);
	assert_true(pl_bench_fnv1a(PL_FNV1A_INIT, "a", 1) == 0xaf63dc4c8601ec8cull);
	assert_true(pl_bench_fnv1a(PL_FNV1A_INIT, "foobar", 6) == 0x85944171f73967e8ull);
	/* in pieces as at once */
	h = pl_bench_fnv1a(PL_FNV1A_INIT, "foo", 3);
	assert_true(pl_bench_fnv1a(h, "bar", 3) == 0x85944171f73967e8ull);
}

static void idle_start_bounds(void **state)
{
	uint64_t v[PL_IDLE_MAX_VALUES + 1] = { 0 };
	struct pl_idle w;

	(void)state;
	assert_int_equal(pl_idle_start(&w, 10, 0, v, 0), -EINVAL);
	assert_int_equal(pl_idle_start(&w, 10, 0, v, PL_IDLE_MAX_VALUES + 1),
			 -EINVAL);
	assert_int_equal(pl_idle_start(&w, 10, 0, v, PL_IDLE_MAX_VALUES), 0);
}

/* Idle only once nothing changed for the quiet period after the last change. */
static void idle_quiet_period(void **state)
{
	uint64_t a[2] = { 1, 2 }, b[2] = { 1, 3 }, c[2] = { 2, 3 };
	struct pl_idle w;

	(void)state;
	assert_int_equal(pl_idle_start(&w, 100, 1000, a, 2), 0);
	assert_false(pl_idle_sample(&w, 1050, a));
	assert_false(w.moved);
	assert_false(pl_idle_sample(&w, 1080, b));	/* moved at 1080 */
	assert_true(w.moved);
	assert_int_equal(w.changes, 1);
	assert_false(pl_idle_sample(&w, 1150, b));	/* quiet for 70 */
	assert_false(pl_idle_sample(&w, 1170, c));	/* moved at 1170 */
	assert_false(pl_idle_sample(&w, 1269, c));
	assert_true(pl_idle_sample(&w, 1270, c));	/* quiet for 100 */
	assert_int_equal(w.changes, 2);
	/* nothing moved at all: idle after the quiet period from the start */
	assert_int_equal(pl_idle_start(&w, 100, 0, a, 2), 0);
	assert_false(pl_idle_sample(&w, 99, a));
	assert_true(pl_idle_sample(&w, 100, a));
	assert_false(w.moved);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(median),
		cmocka_unit_test(ratio),
		cmocka_unit_test(fnv1a),
		cmocka_unit_test(idle_start_bounds),
		cmocka_unit_test(idle_quiet_period),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of tools/lib/meminfo.c: /proc/meminfo and /proc/slabinfo
 * text, and the largest growth between two slabinfo snapshots.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "meminfo.h"

static void meminfo(void **state)
{
	struct pl_meminfo mi;

	(void)state;
	assert_int_equal(pl_meminfo_parse(
		"MemTotal:        1000000 kB\n"
		"MemFree:          500000 kB\n"
		"Slab:              20000 kB\n"
		"SReclaimable:       5000 kB\n"
		"SUnreclaim:        15000 kB\n"
		"PageTables:          100 kB\n", &mi), 0);
	assert_true(mi.mem_free == 500000ull * 1024);
	assert_true(mi.slab == 20000ull * 1024);
	assert_true(mi.sunreclaim == 15000ull * 1024);
	assert_true(mi.page_tables == 100ull * 1024);
	assert_true(mi.vmalloc_used == 0);
	/* SReclaimable: does not read as Slab: */
	assert_int_equal(pl_meminfo_parse("MemFree: 1 kB\nSReclaimable: 2 kB\n",
					  &mi), -EINVAL);
	assert_int_equal(pl_meminfo_parse("", &mi), -EINVAL);
}

static const char slab_a[] =
	"slabinfo - version: 2.1\n"
	"# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab> : tunables <limit> <batchcount> <sharedfactor> : slabdata <active_slabs> <num_slabs> <sharedavail>\n"
	"kmalloc-64          100    128     64   64    1 : tunables    0    0    0 : slabdata      2      2      0\n"
	"kmalloc-1k           10     16   1024   16    4 : tunables    0    0    0 : slabdata      1      1      0\n"
	"shrinking            50     64    256   16    1 : tunables    0    0    0 : slabdata      4      4      0\n";
static const char slab_b[] =
	"slabinfo - version: 2.1\n"
	"kmalloc-64          200    256     64   64    1 : tunables    0    0    0 : slabdata      4      4      0\n"
	"kmalloc-1k           30     32   1024   16    4 : tunables    0    0    0 : slabdata      2      2      0\n"
	"shrinking            10     64    256   16    1 : tunables    0    0    0 : slabdata      4      4      0\n"
	"new-cache             3      4    512    8    1 : tunables    0    0    0 : slabdata      1      1      0\n";

static void slabinfo(void **state)
{
	struct pl_slabinfo a, b;
	struct pl_slab_delta d[2];
	size_t n;

	(void)state;
	assert_int_equal(pl_slabinfo_parse(slab_a, &a), 0);
	assert_int_equal(a.nr, 3);
	assert_string_equal(a.c[1].name, "kmalloc-1k");
	assert_true(a.c[1].objsize == 1024 && a.c[1].pages_per_slab == 4);
	assert_int_equal(pl_slabinfo_parse(slab_b, &b), 0);
	/* growth: kmalloc-1k 20 KiB, kmalloc-64 6400, new-cache 1536 */
	n = pl_slabinfo_diff(&a, &b, d, 2);
	assert_int_equal(n, 2);
	assert_string_equal(d[0].name, "kmalloc-1k");
	assert_true(d[0].bytes == 20 * 1024 && d[0].objs == 20);
	assert_string_equal(d[1].name, "kmalloc-64");
	assert_true(d[1].bytes == 6400);
	n = pl_slabinfo_diff(&a, &b, d, 1);
	assert_int_equal(n, 1);
	assert_string_equal(d[0].name, "kmalloc-1k");
	pl_slabinfo_free(&a);
	pl_slabinfo_free(&b);
	assert_int_equal(pl_slabinfo_parse("slabinfo - version: 1.1\n", &a),
			 -EINVAL);
}

static void slabinfo_three(void **state)
{
	struct pl_slabinfo a, b;
	struct pl_slab_delta d[8];

	(void)state;
	assert_int_equal(pl_slabinfo_parse(slab_a, &a), 0);
	assert_int_equal(pl_slabinfo_parse(slab_b, &b), 0);
	/* shrunk caches do not count; a cache absent before counts whole */
	assert_int_equal(pl_slabinfo_diff(&a, &b, d, 8), 3);
	assert_string_equal(d[2].name, "new-cache");
	assert_true(d[2].bytes == 1536 && d[2].objs == 3);
	pl_slabinfo_free(&a);
	pl_slabinfo_free(&b);
}

/* Growth beyond a baseline's: the baseline's growth is taken off. */
static void slabinfo_over(void **state)
{
	struct pl_slabinfo a, b;
	struct pl_slab_delta d[8];

	(void)state;
	assert_int_equal(pl_slabinfo_parse(slab_a, &a), 0);
	assert_int_equal(pl_slabinfo_parse(slab_b, &b), 0);
	/* the same growth as the baseline: nothing beyond it */
	assert_int_equal(pl_slabinfo_diff_over(&a, &b, &a, &b, d, 8), 0);
	/* against no growth at all: the plain difference */
	assert_int_equal(pl_slabinfo_diff_over(&a, &b, &a, &a, d, 8), 3);
	assert_string_equal(d[0].name, "kmalloc-1k");
	/* a baseline that grew kmalloc-1k by 20 KiB too: kmalloc-64 leads */
	{
		struct pl_slabinfo c;

		assert_int_equal(pl_slabinfo_parse(slab_a, &c), 0);
		c.c[1].active_objs = 30;	/* kmalloc-1k +20 in the baseline */
		assert_int_equal(pl_slabinfo_diff_over(&a, &b, &a, &c, d, 8), 2);
		assert_string_equal(d[0].name, "kmalloc-64");
		assert_string_equal(d[1].name, "new-cache");
		pl_slabinfo_free(&c);
	}
	pl_slabinfo_free(&a);
	pl_slabinfo_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(meminfo),
		cmocka_unit_test(slabinfo),
		cmocka_unit_test(slabinfo_three),
		cmocka_unit_test(slabinfo_over),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

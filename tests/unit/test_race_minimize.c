// SPDX-License-Identifier: GPL-2.0
/*
 * `probelab race --minimize` without the module: the ddmin core
 * (tools/lib/race_ddmin.c) against fake tests whose answer is a known
 * function of the configuration - it must find exactly the elements that
 * matter, leave the rest of the configuration alone, stop on an error
 * with a reproducing configuration in hand - and the file side
 * (race_minimize.c, race_file_print.c): the sizes of a scenario file, and
 * a file printed without some actors and statements parses again, or
 * fails to when a statement needs what was removed.  The runs themselves
 * are tested in the guests (docs/races.md, "Minimising").
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "race_file_ast.h"
#include "race_minimize.h"

#define N 16

/* a fake test: which elements must be kept, and how */
struct fake {
	unsigned int need[N];		/* all of these ... */
	unsigned int nneed;
	unsigned int any[N];		/* ... and one of these (when nany) */
	unsigned int nany;
	unsigned int calls;
	unsigned int fail_at;		/* the call that answers -EIO, 0: none */
	const bool *frozen;		/* outside the domain: must not change */
	const bool *in_domain;
};

static bool fake_reproduces(const struct fake *f, const bool *keep)
{
	bool any = !f->nany;

	for (unsigned int i = 0; i < f->nneed; i++)
		if (!keep[f->need[i]])
			return false;
	for (unsigned int i = 0; i < f->nany; i++)
		any |= keep[f->any[i]];
	return any;
}

static int fake_test(const bool *keep, void *arg)
{
	struct fake *f = arg;

	f->calls++;
	if (f->frozen)
		for (unsigned int i = 0; i < N; i++)
			if (!f->in_domain[i])
				assert_int_equal(keep[i], f->frozen[i]);
	if (f->fail_at && f->calls == f->fail_at)
		return -EIO;
	return fake_reproduces(f, keep);
}

static unsigned int all(unsigned int *domain, bool *keep)
{
	for (unsigned int i = 0; i < N; i++) {
		domain[i] = i;
		keep[i] = true;
	}
	return N;
}

static unsigned int count(const bool *keep)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < N; i++)
		n += keep[i];
	return n;
}

/* two elements needed together: exactly those two stay */
static void ddmin_pair(void **state)
{
	struct fake f = { .need = { 3, 7 }, .nneed = 2 };
	unsigned int domain[N];
	bool keep[N];

	(void)state;
	assert_int_equal(race_ddmin(N, domain, all(domain, keep), keep,
				    fake_test, &f), 0);
	assert_int_equal(count(keep), 2);
	assert_true(keep[3] && keep[7]);
	/* far fewer than the 2^16 configurations */
	assert_true(f.calls > 0 && f.calls < 64);
}

static void ddmin_single(void **state)
{
	struct fake f = { .need = { 15 }, .nneed = 1 };
	unsigned int domain[N];
	bool keep[N];

	(void)state;
	assert_int_equal(race_ddmin(N, domain, all(domain, keep), keep,
				    fake_test, &f), 0);
	assert_int_equal(count(keep), 1);
	assert_true(keep[15]);
}

/* nothing needed: everything goes (the empty configuration is tried) */
static void ddmin_nothing_needed(void **state)
{
	struct fake f = { 0 };
	unsigned int domain[N];
	bool keep[N];

	(void)state;
	assert_int_equal(race_ddmin(N, domain, all(domain, keep), keep,
				    fake_test, &f), 0);
	assert_int_equal(count(keep), 0);
}

/* one of two alternatives: 1-minimal is one of them, not both */
static void ddmin_either(void **state)
{
	struct fake f = { .any = { 2, 12 }, .nany = 2, .need = { 9 },
			  .nneed = 1 };
	unsigned int domain[N];
	bool keep[N];

	(void)state;
	assert_int_equal(race_ddmin(N, domain, all(domain, keep), keep,
				    fake_test, &f), 0);
	assert_int_equal(count(keep), 2);
	assert_true(keep[9]);
	assert_true(keep[2] != keep[12]);
}

/* everything needed: nothing goes */
static void ddmin_all_needed(void **state)
{
	struct fake f = { .nneed = N };
	unsigned int domain[N];
	bool keep[N];

	(void)state;
	for (unsigned int i = 0; i < N; i++)
		f.need[i] = i;
	assert_int_equal(race_ddmin(N, domain, all(domain, keep), keep,
				    fake_test, &f), 0);
	assert_int_equal(count(keep), N);
}

/*
 * A domain of the even elements: the odd ones keep their values (some
 * kept, some not) in every configuration tried and at the end.
 */
static void ddmin_domain_only(void **state)
{
	struct fake f = { .need = { 4 }, .nneed = 1 };
	bool keep[N], frozen[N], in_domain[N];
	unsigned int domain[N], nd = 0;

	(void)state;
	for (unsigned int i = 0; i < N; i++) {
		in_domain[i] = !(i % 2);
		keep[i] = in_domain[i] || i % 4 == 1;
		frozen[i] = keep[i];
		if (in_domain[i])
			domain[nd++] = i;
	}
	f.frozen = frozen;
	f.in_domain = in_domain;
	assert_int_equal(race_ddmin(N, domain, nd, keep, fake_test, &f), 0);
	for (unsigned int i = 0; i < N; i++)
		assert_int_equal(keep[i], in_domain[i] ? i == 4 : frozen[i]);
}

/* an error stops the search: the configuration left still reproduces */
static void ddmin_error(void **state)
{
	for (unsigned int at = 1; at < 12; at++) {
		struct fake f = { .need = { 1, 6, 11 }, .nneed = 3,
				  .fail_at = at };
		unsigned int domain[N];
		bool keep[N];

		(void)state;
		assert_int_equal(race_ddmin(N, domain, all(domain, keep), keep,
					    fake_test, &f), -EIO);
		assert_int_equal(f.calls, at);
		assert_true(fake_reproduces(&f, keep));
	}
}

static void ddmin_bad_domain(void **state)
{
	struct fake f = { 0 };
	unsigned int domain[2] = { 1, N };
	bool keep[N] = { [1] = true };

	(void)state;
	assert_int_equal(race_ddmin(N, domain, 2, keep, fake_test, &f), -EINVAL);
	domain[1] = 2;		/* not in the configuration */
	assert_int_equal(race_ddmin(N, domain, 2, keep, fake_test, &f), -EINVAL);
	assert_int_equal(race_ddmin(N, domain, 0, keep, fake_test, &f), 0);
	assert_int_equal(f.calls, 0);
}

/* ---- the file side --------------------------------------------------------- */

static const char file_text[] =
	"scenario t\n"
	"summary a test\n"
	"invariant 4\n"
	"expect fixed=hold linux-6.1=reproduce mainline=hold\n"
	"topology\n"
	"{ \"version\": 1, \"iommus\": [ { \"name\": \"smmu0\", \"type\": \"smmuv3\", \"sid_bits\": 16 } ] }\n"
	"end\n"
	"setup\n"
	"  inject probe.xlate delay 10\n"
	"  add d0\n"
	"end\n"
	"actor a cycles\n"
	"  let pause = rand(0, 10)\n"
	"  register smmu0\n"
	"  if pause > 5\n"
	"    inject fwspec.use delay 20\n"
	"    sleep pause\n"
	"  end\n"
	"  unregister smmu0\n"
	"end\n"
	"actor b background\n"
	"  bind d0 dma allow EBUSY\n"
	"  unbind d0 allow ENODEV\n"
	"end\n";

static struct race_file *parse(const char *text, char *err, size_t len)
{
	struct race_file *f = NULL;

	if (race_file_parse("t.race", text, &f, err, len))
		return NULL;
	return f;
}

/* statements (any depth), actors, injections */
static void file_size(void **state)
{
	struct race_min_size sz;
	struct race_file *f;
	char err[512];

	(void)state;
	f = parse(file_text, err, sizeof(err));
	if (!f)
		fail_msg("%s", err);
	race_file_size(f, &sz);
	assert_int_equal(sz.statements, 10);
	assert_int_equal(sz.actors, 2);
	assert_int_equal(sz.injections, 2);
	race_file_free(f);
}

/* what the filter drops, by pointer */
struct drop {
	const void *v[4];
	unsigned int n;
};

static bool keep_unless_dropped(const void *elem, void *arg)
{
	const struct drop *d = arg;

	for (unsigned int i = 0; i < d->n; i++)
		if (d->v[i] == elem)
			return false;
	return true;
}

static char *print_without(const struct race_file *f, struct drop *d)
{
	struct rf_print_filter flt = { keep_unless_dropped, d };
	char *text = NULL;

	assert_int_equal(race_file_print_filtered(f, &flt, &text), 0);
	assert_non_null(text);
	return text;
}

static void filtered_print(void **state)
{
	struct race_file *f, *g;
	struct race_min_size sz;
	struct drop d = { 0 };
	char err[512], *text;

	(void)state;
	f = parse(file_text, err, sizeof(err));
	if (!f)
		fail_msg("%s", err);
	/* actor b, the setup's inject, the if (with its two statements) */
	d.v[d.n++] = &f->actors[1];
	d.v[d.n++] = &f->setup.body.v[0];
	d.v[d.n++] = &f->actors[0].body.v[2];
	text = print_without(f, &d);
	assert_null(strstr(text, "actor b"));
	assert_null(strstr(text, "inject"));
	assert_null(strstr(text, "sleep"));
	g = parse(text, err, sizeof(err));
	if (!g)
		fail_msg("%s\n%s", err, text);
	race_file_size(g, &sz);
	assert_int_equal(sz.statements, 4);
	assert_int_equal(sz.actors, 1);
	assert_int_equal(sz.injections, 0);
	race_file_free(g);
	free(text);

	/* an if whose body is all gone still parses */
	d.n = 0;
	d.v[d.n++] = &f->actors[0].body.v[2].body.v[0];
	d.v[d.n++] = &f->actors[0].body.v[2].body.v[1];
	text = print_without(f, &d);
	g = parse(text, err, sizeof(err));
	if (!g)
		fail_msg("%s\n%s", err, text);
	race_file_free(g);
	free(text);

	/* the let that the if and the sleep read: the candidate is refused */
	d.n = 0;
	d.v[d.n++] = &f->actors[0].body.v[0];
	text = print_without(f, &d);
	assert_null(parse(text, err, sizeof(err)));
	assert_non_null(strstr(err, "pause"));
	free(text);

	/* nothing dropped: the same as race_file_print(), constants named */
	d.n = 0;
	text = print_without(f, &d);
	assert_non_null(strstr(text, "bind d0 dma allow EBUSY"));
	{
		char *plain = NULL;

		assert_int_equal(race_file_print(f, &plain), 0);
		assert_string_equal(text, plain);
		free(plain);
	}
	free(text);
	race_file_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ddmin_pair),
		cmocka_unit_test(ddmin_single),
		cmocka_unit_test(ddmin_nothing_needed),
		cmocka_unit_test(ddmin_either),
		cmocka_unit_test(ddmin_all_needed),
		cmocka_unit_test(ddmin_domain_only),
		cmocka_unit_test(ddmin_error),
		cmocka_unit_test(ddmin_bad_domain),
		cmocka_unit_test(file_size),
		cmocka_unit_test(filtered_print),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

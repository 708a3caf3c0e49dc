// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests that need no module for the ownership / domain / page-table /
 * checker / injection side of libprobelab and the CLI: errno names,
 * numbers and sizes, MAP protections, `probelab inject` arguments, the
 * owner of a group from its QUERY entry, the name tables, and the usage
 * errors (exit 2) of claim, release, domain, map, unmap, iova, check,
 * inject and session.  The CLI part runs the binary named by
 * PROBELAB_CLI (tests/run-unit.sh sets it) and skips without it.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "probelab.h"

/* ---- errno names -------------------------------------------------------- */

static void errno_names(void **state)
{
	(void)state;
	assert_int_equal(pl_errno_from_name("EIO"), EIO);
	assert_int_equal(pl_errno_from_name("eio"), EIO);
	assert_int_equal(pl_errno_from_name("EBUSY"), EBUSY);
	assert_int_equal(pl_errno_from_name("5"), 5);
	assert_int_equal(pl_errno_from_name("-5"), 5);
	assert_int_equal(pl_errno_from_name("0x10"), 16);
	assert_int_equal(pl_errno_from_name("4095"), 4095);
	assert_int_equal(pl_errno_from_name("EPROBE_DEFER"), 517);
	assert_int_equal(pl_errno_from_name("ENOTSUP"), EOPNOTSUPP);
	assert_int_equal(pl_errno_from_name("EOPNOTSUPP"), EOPNOTSUPP);
	assert_int_equal(pl_errno_from_name("EWOULDBLOCK"), EAGAIN);
	assert_int_equal(pl_errno_from_name("EDEADLOCK"), EDEADLK);
	/* every name the library prints reads back */
	for (int e = 1; e < 134; e++) {
		const char *name = pl_errno_name(e);

		if (name)
			assert_int_equal(pl_errno_from_name(name), e);
	}
	assert_string_equal(pl_errno_name(-517), "EPROBE_DEFER");
}

static void errno_names_refused(void **state)
{
	static const char *const bad[] = {
		"", "E", "EFOO", "0", "-0", "4096", "-4096", "5x", "+5", " 5",
		"5 ", "--5", "E IO", "0x", "99999999999999999999999",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (pl_errno_from_name(bad[i]) != -EINVAL)
			fail_msg("'%s' was accepted as an errno", bad[i]);
	assert_int_equal(pl_errno_from_name(NULL), -EINVAL);
}

/* ---- numbers and sizes -------------------------------------------------- */

static void numbers(void **state)
{
	uint64_t v = 7;

	(void)state;
	assert_int_equal(pl_parse_u64("0", &v), 0);
	assert_true(v == 0);
	assert_int_equal(pl_parse_u64("18446744073709551615", &v), 0);
	assert_true(v == UINT64_MAX);
	assert_int_equal(pl_parse_u64("0xFFFFffffFFFFffff", &v), 0);
	assert_true(v == UINT64_MAX);
	assert_int_equal(pl_parse_u64("0X1f", &v), 0);
	assert_true(v == 0x1f);
	assert_int_equal(pl_parse_u64("18446744073709551616", &v), -ERANGE);
	assert_int_equal(pl_parse_u64("0x10000000000000000", &v), -ERANGE);
	v = 7;
	assert_int_equal(pl_parse_u64("", &v), -EINVAL);
	assert_int_equal(pl_parse_u64("0x", &v), -EINVAL);
	assert_int_equal(pl_parse_u64("-1", &v), -EINVAL);
	assert_int_equal(pl_parse_u64("+1", &v), -EINVAL);
	assert_int_equal(pl_parse_u64("1 ", &v), -EINVAL);
	assert_int_equal(pl_parse_u64("abc", &v), -EINVAL);
	assert_int_equal(pl_parse_u64("0x1g", &v), -EINVAL);
	assert_int_equal(pl_parse_u64("12a", &v), -EINVAL);
	assert_int_equal(pl_parse_u64(NULL, &v), -EINVAL);
	assert_true(v == 7);	/* untouched on failure */
}

static void sizes(void **state)
{
	static const struct {
		const char *s;
		uint64_t v;
	} good[] = {
		{ "4K", 4096 }, { "4k", 4096 }, { "64K", 65536 },
		{ "2M", 2ULL << 20 }, { "1G", 1ULL << 30 }, { "1T", 1ULL << 40 },
		{ "0x1000", 4096 }, { "4096", 4096 }, { "0K", 0 },
		{ "16777215T", 16777215ULL << 40 },
	};
	static const char *const bad[] = {
		"", "K", "4KB", "4Ki", "0x10K", "4Q", "4 K", "-4K", "1.5M",
		"0x",
	};
	uint64_t v;

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		v = 1;
		if (pl_parse_size(good[i].s, &v) || v != good[i].v)
			fail_msg("'%s' gave %llu", good[i].s,
				 (unsigned long long)v);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (pl_parse_size(bad[i], &v) != -EINVAL)
			fail_msg("'%s' was accepted as a size", bad[i]);
	assert_int_equal(pl_parse_size("16777216T", &v), -ERANGE);
	assert_int_equal(pl_parse_size("99999999999999999999", &v), -ERANGE);
	assert_int_equal(pl_parse_size(NULL, &v), -EINVAL);
}

/* ---- MAP protections ------------------------------------------------------ */

static void prots(void **state)
{
	static const struct {
		const char *s;
		unsigned int p;
	} good[] = {
		{ "r", PROBELAB_PROT_READ }, { "w", PROBELAB_PROT_WRITE },
		{ "rw", PROBELAB_PROT_READ | PROBELAB_PROT_WRITE },
		{ "wr", PROBELAB_PROT_READ | PROBELAB_PROT_WRITE },
		{ "read", PROBELAB_PROT_READ }, { "write", PROBELAB_PROT_WRITE },
		{ "read,write", PROBELAB_PROT_READ | PROBELAB_PROT_WRITE },
		{ "write,read", PROBELAB_PROT_READ | PROBELAB_PROT_WRITE },
	};
	static const char *const bad[] = {
		"", "rr", "x", "rwx", "read,read", ",read", "read,", "read,,write",
		"READ", "R", "r,w", "rw,read", " r",
		"read,write,read,write,read,write,read",
	};
	unsigned int p;

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		p = 0;
		if (pl_parse_prot(good[i].s, &p) || p != good[i].p)
			fail_msg("'%s' gave 0x%x", good[i].s, p);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		p = 0x55;
		if (pl_parse_prot(bad[i], &p) != -EINVAL || p != 0x55)
			fail_msg("'%s' was accepted as a protection", bad[i]);
	}
	assert_int_equal(pl_parse_prot(NULL, &p), -EINVAL);
	assert_string_equal(pl_prot_name(PROBELAB_PROT_READ), "r");
	assert_string_equal(pl_prot_name(PROBELAB_PROT_READ | PROBELAB_PROT_WRITE), "rw");
	assert_string_equal(pl_prot_name(0), "-");
	assert_null(pl_prot_name(4));
}

/* ---- probelab inject arguments ------------------------------------------ */

/* Splits @line at blanks into a static argv; returns argc. */
static int words(char *line, char **argv, int max)
{
	int n = 0;

	for (char *t = strtok(line, " "); t && n < max; t = strtok(NULL, " "))
		argv[n++] = t;
	return n;
}

static int parse(const char *args, struct pl_inject_args *a, char *err,
		 size_t len)
{
	static char buf[256];
	static char *argv[32];
	int argc;

	snprintf(buf, sizeof(buf), "%s", args);
	argc = words(buf, argv, 32);
	return pl_inject_parse_args(argc, argv, a, err, len);
}

static void inject_args(void **state)
{
	struct pl_inject_args a;
	char err[256];

	(void)state;
	assert_int_equal(parse("dma_configure --delay 500 --jitter 100 --every 3 --ppm 250000 --dev 4 --seed 0x2a",
			       &a, err, sizeof(err)), 0);
	assert_string_equal(a.point, "dma_configure");
	assert_string_equal(a.cmd.point, "dma_configure");
	assert_int_equal(a.cmd.action, PROBELAB_INJECT_DELAY);
	assert_int_equal(a.cmd.delay_us, 500);
	assert_int_equal(a.cmd.jitter_us, 100);
	assert_int_equal(a.cmd.every_nth, 3);
	assert_int_equal(a.cmd.ppm, 250000);
	assert_string_equal(a.dev, "4");
	assert_true(a.cmd.seed == 42);
	assert_int_equal(a.cmd.flags, 0);
	assert_false(a.list || a.query);

	assert_int_equal(parse("owner.claim --fail=EBUSY --every=2", &a, err,
			       sizeof(err)), 0);
	assert_int_equal(a.cmd.action, PROBELAB_INJECT_FAIL);
	assert_int_equal(a.cmd.error, -EBUSY);
	assert_int_equal(a.cmd.every_nth, 2);
	assert_null(a.dev);

	assert_int_equal(parse("owner.claim --fail 12", &a, err, sizeof(err)), 0);
	assert_int_equal(a.cmd.error, -12);
	assert_int_equal(parse("dma_configure --fail EPROBE_DEFER", &a, err,
			       sizeof(err)), 0);
	assert_int_equal(a.cmd.error, -517);

	assert_int_equal(parse("probe.xlate --delay 0 --jitter 7", &a, err,
			       sizeof(err)), 0);
	assert_int_equal(a.cmd.delay_us, 0);
	assert_int_equal(a.cmd.jitter_us, 7);
	assert_int_equal(parse("probe.xlate --delay 1000000", &a, err,
			       sizeof(err)), 0);

	assert_int_equal(parse("hw.step --off", &a, err, sizeof(err)), 0);
	assert_int_equal(a.cmd.action, PROBELAB_INJECT_OFF);

	assert_int_equal(parse("hw.step", &a, err, sizeof(err)), 0);
	assert_true(a.query);
	assert_int_equal(a.cmd.flags, PROBELAB_INJECT_QUERY);

	assert_int_equal(parse("--list", &a, err, sizeof(err)), 0);
	assert_true(a.list);
	assert_null(a.point);

	/* the longest name that fits, and one character more */
	assert_int_equal(parse("abcdefghijklmnopqrstuvwxyz01234 --off", &a, err,
			       sizeof(err)), 0);
	assert_int_equal(parse("abcdefghijklmnopqrstuvwxyz012345 --off", &a, err,
			       sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "longer than 31"));
}

static void inject_args_refused(void **state)
{
	static const struct {
		const char *args;
		const char *msg;	/* part of the message */
	} bad[] = {
		{ "", "name an injection point" },
		{ "--delay 5", "name an injection point" },
		{ "a b --off", "one injection point at a time" },
		{ "p --delay 5 --fail EIO", "exclude each other" },
		{ "p --delay 5 --off", "exclude each other" },
		{ "p --off --every 2", "--off takes no other option" },
		{ "p --off --dev 1", "--off takes no other option" },
		{ "p --every 2", "--every without --delay or --fail" },
		{ "p --seed 1", "--seed without --delay or --fail" },
		{ "p --jitter 5 --fail EIO", "--jitter goes with --delay" },
		{ "p --delay 0", "needs a --jitter above 0" },
		{ "p --delay 0 --jitter 0", "needs a --jitter above 0" },
		{ "p --delay 1000001", "from 0 to 1000000" },
		{ "p --delay 600000 --jitter 400001", "above the limit" },
		{ "p --delay -1", "expected a number" },
		{ "p --delay 1ms", "expected a number" },
		{ "p --fail EWHAT", "not an errno" },
		{ "p --fail 0", "not an errno" },
		{ "p --fail 4096", "not an errno" },
		{ "p --fail", "needs a value" },
		{ "p --fail= ", "empty value" },
		{ "p --every 0 --fail EIO", "from 1 to" },
		{ "p --every 4294967296 --fail EIO", "from 1 to" },
		{ "p --ppm 0 --fail EIO", "from 1 to 1000000" },
		{ "p --ppm 1000001 --fail EIO", "from 1 to 1000000" },
		{ "p --seed -1 --fail EIO", "--seed -1" },
		{ "p --seed 18446744073709551616 --fail EIO", "--seed" },
		{ "p --fail EIO --fail EIO", "given twice" },
		{ "p --off=1", "takes no value" },
		{ "p --bogus", "unknown option" },
		{ "p -d 5", "unknown option" },
		{ "--list p", "--list takes no point" },
		{ "--list --off", "--list takes no other option" },
		{ "--list --list", "given twice" },
	};
	struct pl_inject_args a;
	char err[256];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = 0;
		if (parse(bad[i].args, &a, err, sizeof(err)) != -EINVAL)
			fail_msg("'%s' was accepted", bad[i].args);
		if (!strstr(err, bad[i].msg))
			fail_msg("'%s': message '%s' lacks '%s'", bad[i].args,
				 err, bad[i].msg);
	}
	/* a NULL message buffer is allowed */
	assert_int_equal(parse("p --delay 0", &a, NULL, 0), -EINVAL);
}

/* ---- owners and names ------------------------------------------------- */

static void owners(void **state)
{
	struct probelab_group_info g;

	(void)state;
	memset(&g, 0, sizeof(g));
	g.group_id = 1;
	g.default_domain_id = 1;
	g.domain_id = 1;
	assert_int_equal(pl_group_owner(&g), PL_OWNER_NONE);
	g.owner_cnt = 2;
	assert_int_equal(pl_group_owner(&g), PL_OWNER_DMA_API);
	g.owned = 1;
	assert_int_equal(pl_group_owner(&g), PL_OWNER_CLAIMED);
	/* the module's owned field is authoritative */
	g.owned = 0;
	g.owner_cnt = 1;
	g.domain_id = 3;
	assert_int_equal(pl_group_owner(&g), PL_OWNER_DMA_API);
	g.owner_cnt = 0;
	assert_int_equal(pl_group_owner(&g), PL_OWNER_NONE);
	assert_string_equal(pl_owner_kind_name(PL_OWNER_NONE), "none");
	assert_string_equal(pl_owner_kind_name(PL_OWNER_DMA_API), "dma-api");
	assert_string_equal(pl_owner_kind_name(PL_OWNER_CLAIMED), "claimed");
}

static void names(void **state)
{
	unsigned int n = 0;

	(void)state;
	for (unsigned int i = 1; i <= 9; i++)
		assert_non_null(pl_invariant_name(i));
	assert_null(pl_invariant_name(0));
	assert_null(pl_invariant_name(10));
	while (pl_inject_point_name(n))
		n++;
	assert_int_equal(n, 22);
	assert_string_equal(pl_inject_point_name(7), "dma_configure");
	assert_string_equal(pl_op_name(PROBELAB_OP_RACE), "RACE");
	assert_string_equal(pl_inject_action_name(PROBELAB_INJECT_FAIL), "fail");
	assert_null(pl_inject_action_name(3));
	assert_string_equal(pl_op_name(PROBELAB_OP_IOVA_TO_PHYS), "IOVA_TO_PHYS");
}

/* ---- the CLI's usage errors ----------------------------------------------- */

static char dir[] = "/tmp/test_cli_own.XXXXXX";
static bool have_dir;
static char out[8192], err_text[8192];

static void slurp(const char *name, char *buf, size_t len)
{
	char path[128];
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	buf[0] = 0;
	f = fopen(path, "r");
	if (!f)
		return;
	n = fread(buf, 1, len - 1, f);
	buf[n] = 0;
	fclose(f);
}

static int cli(const char *args)
{
	char cmd[1024];
	int st;

	snprintf(cmd, sizeof(cmd), "'%s' %s >%s/out 2>%s/err </dev/null",
		 getenv("PROBELAB_CLI"), args, dir, dir);
	st = system(cmd);
	slurp("out", out, sizeof(out));
	slurp("err", err_text, sizeof(err_text));
	assert_true(WIFEXITED(st));
	return WEXITSTATUS(st);
}

static int setup(void **state)
{
	const char *bin = getenv("PROBELAB_CLI");

	(void)state;
	if (!bin || access(bin, X_OK))
		return 0;
	have_dir = mkdtemp(dir) != NULL;
	return have_dir ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	if (!have_dir)
		return 0;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void need_cli(void)
{
	const char *bin = getenv("PROBELAB_CLI");

	if (!bin || access(bin, X_OK) || !have_dir)
		skip();
}

static void help_lists_commands(void **state)
{
	static const char *const cmds[] = { "claim", "release", "domain", "map",
		"unmap", "iova", "check", "inject", "session" };

	(void)state;
	need_cli();
	assert_int_equal(cli("--help"), 0);
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		char key[32];

		snprintf(key, sizeof(key), "\n  %s ", cmds[i]);
		if (!strstr(out, key))
			fail_msg("--help does not list '%s'", cmds[i]);
	}
}

static void usage_errors(void **state)
{
	static const char *const bad[] = {
		"claim", "claim group", "claim 1", "claim grp 1", "claim group 1 2",
		"release", "release device", "release dev 1",
		"domain", "domain bogus", "domain alloc", "domain alloc a b",
		"domain alloc 1 --type dma", "domain alloc 1 --type nope",
		"domain free", "domain free 0", "domain free x", "domain free 1 2",
		"domain attach 1", "domain attach 1 group", "domain attach 0 group 1",
		"domain attach 1 grp 1", "domain detach", "domain detach 1",
		"domain detach grp 1",
		"map", "map 1 2 3", "map 1 0x1000 0x1000 4X",
		"map 1 0x1000 0x1000 4K --prot x", "map 1 0x1000 0x1000 4K --prot rr",
		"map 0 0x1000 0x1000 4K", "map 1 -1 0x1000 4K",
		"map 1 0x1000 0x1000 99999999999999999999",
		"unmap", "unmap 1 2", "unmap 1 0x1000 4Q", "iova", "iova 1",
		"iova 1 2 3", "iova x 1",
		"check extra", "check --auto maybe", "check --max 257",
		"check --max x", "check --bogus",
		"inject", "inject --list foo", "inject p --delay 1 --fail EIO",
		"inject p --fail EWHAT", "inject p --delay 2000000", "inject p --every 2",
		"session a b", "session --bogus",
	};

	(void)state;
	need_cli();
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = cli(bad[i]);

		if (rc != 2)
			fail_msg("'probelab %s' exited %d, not 2 (stderr: %s)",
				 bad[i], rc, err_text);
	}
}

static void session_without_the_module(void **state)
{
	char path[160];
	FILE *f;

	(void)state;
	need_cli();
	assert_int_equal(cli("session /nonexistent/script"), 1);
	assert_non_null(strstr(err_text, "/nonexistent/script"));
	snprintf(path, sizeof(path), "%s/s", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("claim group 1\n", f);
	fclose(f);
	/* no /dev/probelab on the build machine: the session cannot start */
	if (access(PL_DEVICE_PATH, F_OK) == 0)
		skip();
	snprintf(path, sizeof(path), "session %s/s", dir);
	assert_int_equal(cli(path), 1);
	assert_non_null(strstr(err_text, "not loaded"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(errno_names),
		cmocka_unit_test(errno_names_refused),
		cmocka_unit_test(numbers),
		cmocka_unit_test(sizes),
		cmocka_unit_test(prots),
		cmocka_unit_test(inject_args),
		cmocka_unit_test(inject_args_refused),
		cmocka_unit_test(owners),
		cmocka_unit_test(names),
		cmocka_unit_test(help_lists_commands),
		cmocka_unit_test(usage_errors),
		cmocka_unit_test(session_without_the_module),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

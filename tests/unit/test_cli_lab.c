// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the lab commands of the probelab CLI that need no module:
 * usage errors (exit 2) and what is checked before /dev/probelab is
 * opened (a bad JSON topology names its JSON path).  Runs the binary
 * named by PROBELAB_CLI (tests/run-unit.sh sets it); skips without it.
 */
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

static char dir[] = "/tmp/test_cli_lab.XXXXXX";
static bool have_dir;
static char out[8192], err[8192];

static void slurp(const char *name, char *buf, size_t len)
{
	char path[128];
	size_t n = 0;
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

/* Runs "probelab ARGS" (ARGS passed to sh); returns the exit status. */
static int cli(const char *fmt, ...)
{
	const char *bin = getenv("PROBELAB_CLI");
	char args[512], cmd[1024];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	snprintf(cmd, sizeof(cmd), "'%s' %s >%s/out 2>%s/err </dev/null", bin,
		 args, dir, dir);
	st = system(cmd);
	slurp("out", out, sizeof(out));
	slurp("err", err, sizeof(err));
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
	static const char *const cmds[] = { "topo", "dev", "iommu", "bind",
		"unbind", "status", "reset", "stats", "monitor", "bench" };

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
		"dev", "dev add", "dev add pci zz:00.0", "dev add pci 00:20.0",
		"dev add pci 00:01.0 --alias 00:01.0",
		"dev add pci 00:01.0 --alias 00:02.0 --alias 00:02.0",
		"dev add pci 0001:00:01.0 --alias 0002:00:02.0",
		"dev add named ''", "dev add named a --alias 00:01.0",
		"dev add usb 1", "dev remove", "dev frob x",
		"iommu", "iommu register", "iommu enable smmu0",
		"bind", "bind 1 --driver nope", "unbind", "unbind 1 2",
		"status extra", "reset extra", "stats --bogus",
		"monitor --count 0", "monitor --count -1", "monitor --timeout 0",
		"monitor --timeout x", "monitor extra",
		"topo", "topo load", "topo save x", "topo load a b",
		"topo load x --policy bogus", "topo load x --default-domain blocked",
		"bench", "bench other", "bench deferral --devices 0",
		"bench deferral --devices 32769", "bench deferral --instances 0",
		"bench deferral --instances 65", "bench deferral --policy bogus",
		"bench deferral --policy fixed,fixed", "bench deferral --model amd",
		"bench deferral --seed -1", "bench deferral --timeout 0",
		"bench deferral extra", "bench deferral --stagger=no",
		"bench deferral --settle-ms 0", "bench deferral --settle-ms 60001",
		"bench cycle --cycles 0", "bench cycle --cycles x",
		"bench cycle --repeat 0", "bench cycle --repeat 51",
		"bench cycle --warmup -1", "bench cycle --policy bogus",
		"bench cycle --model amd", "bench cycle extra",
		"bench mem --devices 0", "bench mem --devices 32769",
		"bench mem --policy bogus", "bench mem --model amd",
		"bench mem extra",
	};

	(void)state;
	need_cli();
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = cli("%s", bad[i]);

		if (rc != 2)
			fail_msg("'probelab %s' exited %d, not 2 (stderr: %s)",
				 bad[i], rc, err);
	}
}

static void topo_errors_before_the_module(void **state)
{
	char path[128];
	FILE *f;

	(void)state;
	need_cli();
	snprintf(path, sizeof(path), "%s/typo.json", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("{ \"iommus\": [ { \"name\": \"s\", \"type\": \"smmuv3\", \"sid_bits\": 8 },\n"
	      "  { \"name\": \"t\", \"type\": \"smmuv3\", \"sid_bitz\": 8 } ] }\n", f);
	fclose(f);
	assert_int_equal(cli("topo load %s", path), 1);
	assert_non_null(strstr(err, "iommus[1].sid_bitz"));
	assert_int_equal(cli("--json topo load %s", path), 1);
	assert_non_null(strstr(out, "\"error\":"));
	assert_non_null(strstr(out, "\"errno\":\"EINVAL\""));
	assert_int_equal(cli("topo load %s/missing.json", dir), 1);
	assert_non_null(strstr(err, "missing.json"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(help_lists_commands),
		cmocka_unit_test(usage_errors),
		cmocka_unit_test(topo_errors_before_the_module),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

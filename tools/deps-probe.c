// SPDX-License-Identifier: GPL-2.0
/*
 * The toolchain proof of tools/deps.sh --check: compiled and linked for each
 * arch against every library the tools use (libnl-genl, libkmod, libfdt,
 * json-c, cmocka), and with -DPROBE_FUZZER by clang as a libFuzzer target.
 * A package that is "installed" but whose headers, pkg-config file or
 * library for that arch is missing fails here, not halfway through a build.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <setjmp.h>

#ifdef PROBE_FUZZER
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	(void)data;
	(void)size;
	return 0;
}
#else
#include <cmocka.h>
#include <json-c/json.h>
#include <libfdt.h>
#include <libkmod.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>

static void probe_test(void **state)
{
	(void)state;
	assert_true(1);
}

int main(int argc, char **argv)
{
	/* one call into each library, kept alive through argc */
	struct nl_sock *sk = nl_socket_alloc();
	struct json_object *o = json_object_new_object();
	struct kmod_ctx *ctx = argc > 1 ? kmod_new(NULL, NULL) : NULL;
	char fdt[256];
	const struct CMUnitTest tests[] = { cmocka_unit_test(probe_test) };
	int ret = 0;

	(void)argv;
	if (!sk || !o || fdt_create_empty_tree(fdt, sizeof(fdt)) != 0)
		ret = 1;
	if (argc > 2)
		ret |= genl_ctrl_resolve(sk, "probelab") < 0 ||
		       cmocka_run_group_tests(tests, NULL, NULL);
	printf("%s\n", json_object_to_json_string(o));
	kmod_unref(ctx);
	json_object_put(o);
	nl_socket_free(sk);
	return ret;
}
#endif

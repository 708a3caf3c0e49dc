// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests: the parts of the firmware parsers shared by all kinds --
 * detection, the generic dump entry point, the size-capped file reader
 * and the diagnostic printer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sys/wait.h>
#include <unistd.h>

#include "test_fw_util.h"

static void test_detect(void **state)
{
	static const uint8_t fdt[] = { 0xd0, 0x0d, 0xfe, 0xed, 0 };

	(void)state;
	assert_int_equal(pl_fw_detect("DMAR....", 8), PL_FW_DMAR);
	assert_int_equal(pl_fw_detect("IORT", 4), PL_FW_IORT);
	assert_int_equal(pl_fw_detect(fdt, sizeof(fdt)), PL_FW_FDT);
	assert_int_equal(pl_fw_detect("IOR", 3), PL_FW_UNKNOWN);
	assert_int_equal(pl_fw_detect("APIC", 4), PL_FW_UNKNOWN);
	assert_int_equal(pl_fw_detect(NULL, 0), PL_FW_UNKNOWN);
	assert_string_equal(pl_fw_kind_name(PL_FW_DMAR), "DMAR");
	assert_string_equal(pl_fw_kind_name(PL_FW_FDT), "FDT");
	assert_string_equal(pl_fw_kind_name(PL_FW_UNKNOWN), "unknown");
}

static void test_dump_unknown(void **state)
{
	struct pl_fw_diag d;
	FILE *null = fopen("/dev/null", "w");

	(void)state;
	assert_non_null(null);
	fw_assert_reject(pl_fw_dump("APIC\0\0\0\0", 8, null, &d), &d, -ENOTSUP,
			 0, "signature");
	fw_assert_reject(pl_fw_dump("", 0, null, &d), &d, -ENOTSUP, 0,
			 "signature");
	/* a NULL diag is allowed */
	assert_int_equal(pl_fw_dump("xx", 2, null, NULL), -ENOTSUP);
	fclose(null);
}

/* A dump to a stream that cannot be written reports -EIO. */
static void test_dump_write_error(void **state)
{
	struct pl_fw_diag d;
	size_t len;
	uint8_t *b = fw_fixture("dmar-full.aml", &len);
	FILE *ro = fopen("/dev/null", "r");

	(void)state;
	assert_non_null(ro);
	assert_int_equal(pl_fw_dump(b, len, ro, &d), -EIO);
	assert_int_equal(d.err, -EIO);
	fclose(ro);
	free(b);
}

static void test_read_file(void **state)
{
	char dir[] = "/tmp/plfw-test-XXXXXX", path[64];
	struct pl_fw_diag d;
	void *buf;
	size_t len;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/blob", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite("0123456789", 1, 10, f), 10);
	fclose(f);

	assert_int_equal(pl_fw_read_file(path, 0, &buf, &len, &d), 0);
	assert_int_equal(len, 10);
	assert_memory_equal(buf, "0123456789", 10);
	free(buf);
	assert_int_equal(pl_fw_read_file(path, 10, &buf, &len, &d), 0);
	free(buf);
	assert_int_equal(pl_fw_read_file(path, 9, &buf, &len, &d), -EFBIG);
	assert_int_equal(d.err, -EFBIG);
	assert_null(buf);
	assert_int_equal(pl_fw_read_file(dir, 0, &buf, &len, &d), -EISDIR);
	unlink(path);
	assert_int_equal(pl_fw_read_file(path, 0, &buf, &len, &d), -ENOENT);
	assert_string_equal(d.field, "file");
	rmdir(dir);
}

/* A pipe has no size: the cap applies while reading. */
static void test_read_file_stream_cap(void **state)
{
	struct pl_fw_diag d;
	void *buf;
	size_t len;
	char *big = calloc(1, 70000);
	int fds[2], saved;
	pid_t pid;

	(void)state;
	assert_non_null(big);
	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(fds[0]);
		if (write(fds[1], big, 70000) != 70000)
			_exit(1);
		_exit(0);
	}
	close(fds[1]);
	saved = dup(STDIN_FILENO);
	assert_true(dup2(fds[0], STDIN_FILENO) >= 0);
	assert_int_equal(pl_fw_read_file("-", 65536, &buf, &len, &d), -EFBIG);
	assert_true(dup2(saved, STDIN_FILENO) >= 0);
	close(saved);
	close(fds[0]);
	waitpid(pid, NULL, 0);
	free(big);
}

static void test_diag_print(void **state)
{
	struct pl_fw_diag d;
	char *s = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&s, &n);
	struct pl_dmar *m;

	(void)state;
	assert_int_equal(pl_dmar_parse("DMAR", 4, &m, &d), -EOVERFLOW);
	pl_fw_diag_print(&d, f);
	fclose(f);
	assert_string_equal(s, "EOVERFLOW: offset 0x4: header.length: 4 bytes cannot hold the 36-byte ACPI header\n");
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_detect),
		cmocka_unit_test(test_dump_unknown),
		cmocka_unit_test(test_dump_write_error),
		cmocka_unit_test(test_read_file),
		cmocka_unit_test(test_read_file_stream_cap),
		cmocka_unit_test(test_diag_print),
	};

	return cmocka_run_group_tests_name("fw_common", tests, NULL, NULL);
}

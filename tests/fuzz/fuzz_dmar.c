// SPDX-License-Identifier: GPL-2.0
/* libFuzzer harness: ACPI DMAR parser and dump (see fuzz_common.h). */
#include "fuzz_common.h"

static int one(const uint8_t *b, size_t size)
{
	struct pl_fw_diag d;
	struct pl_dmar *m = NULL;
	int rc = pl_dmar_parse(b, size, &m, &d);

	fuzz_check_diag(rc, &d);
	if (rc == 0) {
		if (!m || pl_dmar_print(m, fuzz_sink()) != 0)
			abort();
		pl_dmar_free(m);
	} else if (m) {
		abort();
	}
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *fixed;

	one(data, size);
	fixed = fuzz_fix_acpi(data, size, "DMAR");
	if (fixed) {
		fuzz_dump(fixed, size, one(fixed, size));
		free(fixed);
	}
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/* libFuzzer harness: ACPI IORT parser and dump (see fuzz_common.h). */
#include "fuzz_common.h"

static int one(const uint8_t *b, size_t size)
{
	struct pl_fw_diag d;
	struct pl_iort *m = NULL;
	int rc = pl_iort_parse(b, size, &m, &d);
	size_t i;
	uint32_t j;

	fuzz_check_diag(rc, &d);
	if (rc == 0) {
		if (!m || pl_iort_print(m, fuzz_sink()) != 0)
			abort();
		/* every output reference resolved to the node it names */
		for (i = 0; i < m->nnodes; i++)
			for (j = 0; j < m->nodes[i].mapping_count; j++) {
				const struct pl_iort_map *mp = &m->nodes[i].maps[j];

				if (mp->output_node >= m->nnodes ||
				    m->nodes[mp->output_node].offset != mp->output_ref)
					abort();
			}
		pl_iort_free(m);
	} else if (m) {
		abort();
	}
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *fixed;

	one(data, size);
	fixed = fuzz_fix_acpi(data, size, "IORT");
	if (fixed) {
		fuzz_dump(fixed, size, one(fixed, size));
		free(fixed);
	}
	return 0;
}

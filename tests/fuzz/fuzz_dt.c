// SPDX-License-Identifier: GPL-2.0
/* libFuzzer harness: device tree (libfdt) parser and dump (fuzz_common.h). */
#include "fuzz_common.h"

static int one(const uint8_t *b, size_t size)
{
	struct pl_fw_diag d;
	struct pl_dt *m = NULL;
	int rc = pl_dt_parse(b, size, &m, &d);
	size_t i, j;

	fuzz_check_diag(rc, &d);
	if (rc == 0) {
		if (!m || pl_dt_print(m, fuzz_sink()) != 0)
			abort();
		/* every specifier split by its IOMMU's #iommu-cells */
		for (i = 0; i < m->nusers; i++)
			for (j = 0; j < m->users[i].nspecs; j++) {
				const struct pl_dt_spec *s = &m->users[i].specs[j];

				if (s->iommu >= m->niommus ||
				    s->ncells != m->iommus[s->iommu].iommu_cells)
					abort();
			}
		pl_dt_free(m);
	} else if (m) {
		abort();
	}
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *fixed;

	one(data, size);
	fixed = fuzz_fix_fdt(data, size);
	if (fixed) {
		fuzz_dump(fixed, size, one(fixed, size));
		free(fixed);
	}
	return 0;
}

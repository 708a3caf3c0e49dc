/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared part of the libFuzzer harnesses for the firmware parsers.
 *
 * Each input is fed twice: as is (which mostly exercises the header,
 * length and checksum checks), then as a "repaired" copy whose signature,
 * header length and checksum (ACPI) or magic and totalsize (FDT) are made
 * consistent, so that the fuzzer reaches the structure decoders behind
 * them.  Every successful parse is printed (to /dev/null) and freed; every
 * failure must come with a filled diagnostic.
 */
#ifndef PROBELAB_FUZZ_COMMON_H
#define PROBELAB_FUZZ_COMMON_H

#include "fw.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static inline FILE *fuzz_sink(void)
{
	static FILE *sink;

	if (!sink)
		sink = fopen("/dev/null", "w");
	if (!sink)
		abort();
	return sink;
}

/* A failure must name what failed. */
static inline void fuzz_check_diag(int rc, const struct pl_fw_diag *d)
{
	if (rc == 0) {
		if (d->err != 0)
			abort();
		return;
	}
	if (rc > 0 || d->err != rc || d->field[0] == '\0' || d->msg[0] == '\0')
		abort();
}

/* Copy with "sig", length = size and a zero checksum sum. */
static inline uint8_t *fuzz_fix_acpi(const uint8_t *data, size_t size,
				     const char *sig)
{
	uint8_t *b, sum = 0;
	size_t i;

	if (size < 36)
		return NULL;
	b = malloc(size);
	if (!b)
		abort();
	memcpy(b, data, size);
	memcpy(b, sig, 4);
	b[4] = (uint8_t)size;
	b[5] = (uint8_t)(size >> 8);
	b[6] = (uint8_t)(size >> 16);
	b[7] = (uint8_t)(size >> 24);
	b[9] = 0;
	for (i = 0; i < size; i++)
		sum = (uint8_t)(sum + b[i]);
	b[9] = (uint8_t)(0x100 - sum);
	return b;
}

/* Copy with FDT magic and totalsize = size. */
static inline uint8_t *fuzz_fix_fdt(const uint8_t *data, size_t size)
{
	uint8_t *b;

	if (size < 40)
		return NULL;
	b = malloc(size);
	if (!b)
		abort();
	memcpy(b, data, size);
	b[0] = 0xd0;
	b[1] = 0x0d;
	b[2] = 0xfe;
	b[3] = 0xed;
	b[4] = (uint8_t)(size >> 24);
	b[5] = (uint8_t)(size >> 16);
	b[6] = (uint8_t)(size >> 8);
	b[7] = (uint8_t)size;
	return b;
}

/* The generic entry point must agree with the specific parser. */
static inline void fuzz_dump(const uint8_t *b, size_t size, int parse_rc)
{
	struct pl_fw_diag d;
	int rc = pl_fw_dump(b, size, fuzz_sink(), &d);

	fuzz_check_diag(rc, &d);
	if (rc != parse_rc)
		abort();
}

#endif /* PROBELAB_FUZZ_COMMON_H */

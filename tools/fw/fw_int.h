/* SPDX-License-Identifier: GPL-2.0 */
/*
 * probelab firmware parsers: internal helpers shared by common.c, dmar.c,
 * iort.c, dt.c and dump.c.  Not part of the API.
 */
#ifndef PROBELAB_FW_INT_H
#define PROBELAB_FW_INT_H

#include "fw.h"

#include <errno.h>
#include <stdarg.h>

#define PLFW_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/*
 * Fill @diag (if not NULL) and return @err.  @field is copied (truncated to
 * fit), @fmt is a printf format for the message.
 */
int plfw_fail(struct pl_fw_diag *diag, int err, size_t offset,
	       const char *field, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
void plfw_diag_clear(struct pl_fw_diag *diag);

/*
 * A bounds-checked window on the input: [start, end) absolute offsets into
 * @base.  Every read names its field and fails with -EINVAL (diag filled)
 * when the field does not lie entirely inside the window.  Offsets passed
 * to the readers are relative to the window start.
 */
struct plfw_cur {
	const uint8_t *base;
	size_t start;
	size_t end;
	const char *what;	/* name of the structure, for messages */
	struct pl_fw_diag *diag;
};

/* Window of the whole buffer. */
static inline struct plfw_cur plfw_cur_init(const void *buf, size_t len,
					const char *what,
					struct pl_fw_diag *diag)
{
	struct plfw_cur c = { (const uint8_t *)buf, 0, len, what, diag };

	return c;
}

static inline size_t plfw_cur_len(const struct plfw_cur *c)
{
	return c->end - c->start;
}

/* True when [rel, rel + n) lies in the window (no overflow possible). */
static inline bool plfw_cur_has(const struct plfw_cur *c, size_t rel, size_t n)
{
	size_t len = c->end - c->start;

	return rel <= len && n <= len - rel;
}

/*
 * Sub-window [rel, rel + n) of @c named @what; fails (-EINVAL, diag names
 * @field at the window start) when it does not fit in @c.
 */
int plfw_cur_sub(const struct plfw_cur *c, size_t rel, uint64_t n,
	       const char *what, const char *field, struct plfw_cur *sub);

int plfw_cur_u8(const struct plfw_cur *c, size_t rel, const char *field,
	      uint8_t *v);
int plfw_cur_u16(const struct plfw_cur *c, size_t rel, const char *field,
	       uint16_t *v);
int plfw_cur_u32(const struct plfw_cur *c, size_t rel, const char *field,
	       uint32_t *v);
int plfw_cur_u64(const struct plfw_cur *c, size_t rel, const char *field,
	       uint64_t *v);
/* Big-endian 32-bit read (device trees). */
int plfw_cur_be32(const struct plfw_cur *c, size_t rel, const char *field,
		uint32_t *v);
/* Copy @n bytes into @dst. */
int plfw_cur_bytes(const struct plfw_cur *c, size_t rel, size_t n,
		 const char *field, void *dst);
/*
 * Copy the NUL-terminated string that starts at @rel and must end (NUL
 * included) before the window end.  Fails when there is no NUL, or when it
 * is empty and @allow_empty is false.  *@out is malloc'ed.
 */
int plfw_cur_cstr(const struct plfw_cur *c, size_t rel, const char *field,
		bool allow_empty, char **out);

/* Absolute offset of a relative position, for diagnostics. */
static inline size_t plfw_cur_abs(const struct plfw_cur *c, size_t rel)
{
	return c->start + rel;
}

/*
 * calloc(max(n, 1), size): never NULL for n == 0 on success, NULL on
 * overflow of n * size or when out of memory.
 */
void *plfw_calloc(size_t n, size_t size);
char *plfw_strdup(const char *s);
char *plfw_strndup(const char *s, size_t n);

/*
 * Parse the 36-byte ACPI header of a table with @sig, check that the header
 * length equals @len, that @len is at least @min_len and that the checksum
 * sums to zero.
 */
int plfw_acpi_header_parse(const void *buf, size_t len, const char *sig,
			 size_t min_len, struct pl_acpi_header *hdr,
			 struct pl_fw_diag *diag);

/*
 * Printing helpers.  plfw_put_quoted() writes "..." with bytes outside
 * 0x20..0x7e and the double quote written as \xNN; plfw_put_token()
 * writes an unquoted token, also escaping space and backslash.
 */
void plfw_put_quoted(FILE *out, const char *s);
void plfw_put_token(FILE *out, const char *s);
/* "a;b;c" inside double quotes, each string escaped as above. */
void plfw_put_strlist(FILE *out, char *const *v, size_t n);

#endif /* PROBELAB_FW_INT_H */

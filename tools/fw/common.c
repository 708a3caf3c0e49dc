// SPDX-License-Identifier: GPL-2.0
/*
 * probelab firmware parsers: diagnostics, the bounds-checked cursor, the
 * ACPI header, kind detection, file reading and output escaping.
 */
#include "fw_int.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void plfw_diag_clear(struct pl_fw_diag *diag)
{
	if (diag)
		memset(diag, 0, sizeof(*diag));
}

int plfw_fail(struct pl_fw_diag *diag, int err, size_t offset,
	      const char *field, const char *fmt, ...)
{
	va_list ap;

	if (!diag)
		return err;
	diag->err = err;
	diag->offset = offset;
	snprintf(diag->field, sizeof(diag->field), "%s", field ? field : "");
	va_start(ap, fmt);
	vsnprintf(diag->msg, sizeof(diag->msg), fmt, ap);
	va_end(ap);
	return err;
}

static const char *err_name(int err)
{
	switch (err) {
	case -EINVAL:
		return "EINVAL";
	case -EBADMSG:
		return "EBADMSG";
	case -EOVERFLOW:
		return "EOVERFLOW";
	case -ENOTSUP:
		return "ENOTSUP";
	case -ENOMEM:
		return "ENOMEM";
	case -EFBIG:
		return "EFBIG";
	case -EIO:
		return "EIO";
	case -E2BIG:
		return "E2BIG";
	case -ENOENT:
		return "ENOENT";
	case -EISDIR:
		return "EISDIR";
	default:
		return "error";
	}
}

void pl_fw_diag_print(const struct pl_fw_diag *diag, FILE *out)
{
	if (!diag || !diag->err)
		return;
	fprintf(out, "%s: offset 0x%zX: %s: %s\n", err_name(diag->err),
		diag->offset, diag->field, diag->msg);
}

/* ---------------------------------------------------------------- cursor */

static int cur_short(const struct plfw_cur *c, size_t rel, size_t n,
		     const char *field)
{
	size_t len = c->end - c->start;

	if (rel >= len)
		return plfw_fail(c->diag, -EINVAL, c->start + (rel < len ? rel : len),
				 field,
				 "%zu-byte field at 0x%zX lies past the end 0x%zX of the %s",
				 n, c->start + rel, c->end, c->what);
	return plfw_fail(c->diag, -EINVAL, c->start + rel, field,
			 "%zu-byte field at 0x%zX runs past the end 0x%zX of the %s",
			 n, c->start + rel, c->end, c->what);
}

int plfw_cur_sub(const struct plfw_cur *c, size_t rel, uint64_t n,
		 const char *what, const char *field, struct plfw_cur *sub)
{
	size_t len = c->end - c->start;

	if (rel > len || n > len - rel)
		return plfw_fail(c->diag, -EINVAL, c->start + (rel < len ? rel : len),
				 field,
				 "%s of 0x%llX bytes at 0x%zX exceeds the %s ending at 0x%zX",
				 what, (unsigned long long)n, c->start + rel,
				 c->what, c->end);
	sub->base = c->base;
	sub->start = c->start + rel;
	sub->end = sub->start + (size_t)n;
	sub->what = what;
	sub->diag = c->diag;
	return 0;
}

int plfw_cur_u8(const struct plfw_cur *c, size_t rel, const char *field,
		uint8_t *v)
{
	if (!plfw_cur_has(c, rel, 1))
		return cur_short(c, rel, 1, field);
	*v = c->base[c->start + rel];
	return 0;
}

int plfw_cur_u16(const struct plfw_cur *c, size_t rel, const char *field,
		 uint16_t *v)
{
	const uint8_t *p;

	if (!plfw_cur_has(c, rel, 2))
		return cur_short(c, rel, 2, field);
	p = c->base + c->start + rel;
	*v = (uint16_t)(p[0] | (p[1] << 8));
	return 0;
}

int plfw_cur_u32(const struct plfw_cur *c, size_t rel, const char *field,
		 uint32_t *v)
{
	const uint8_t *p;

	if (!plfw_cur_has(c, rel, 4))
		return cur_short(c, rel, 4, field);
	p = c->base + c->start + rel;
	*v = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	     (uint32_t)p[3] << 24;
	return 0;
}

int plfw_cur_u64(const struct plfw_cur *c, size_t rel, const char *field,
		 uint64_t *v)
{
	const uint8_t *p;
	uint64_t x = 0;
	int i;

	if (!plfw_cur_has(c, rel, 8))
		return cur_short(c, rel, 8, field);
	p = c->base + c->start + rel;
	for (i = 7; i >= 0; i--)
		x = x << 8 | p[i];
	*v = x;
	return 0;
}

int plfw_cur_be32(const struct plfw_cur *c, size_t rel, const char *field,
		  uint32_t *v)
{
	const uint8_t *p;

	if (!plfw_cur_has(c, rel, 4))
		return cur_short(c, rel, 4, field);
	p = c->base + c->start + rel;
	*v = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	     (uint32_t)p[2] << 8 | (uint32_t)p[3];
	return 0;
}

int plfw_cur_bytes(const struct plfw_cur *c, size_t rel, size_t n,
		   const char *field, void *dst)
{
	if (!plfw_cur_has(c, rel, n))
		return cur_short(c, rel, n, field);
	if (n)
		memcpy(dst, c->base + c->start + rel, n);
	return 0;
}

int plfw_cur_cstr(const struct plfw_cur *c, size_t rel, const char *field,
		  bool allow_empty, char **out)
{
	const uint8_t *p, *nul;
	size_t avail;

	if (!plfw_cur_has(c, rel, 1))
		return cur_short(c, rel, 1, field);
	p = c->base + c->start + rel;
	avail = (c->end - c->start) - rel;
	nul = memchr(p, 0, avail);
	if (!nul)
		return plfw_fail(c->diag, -EINVAL, c->start + rel, field,
				 "string at 0x%zX has no NUL before the end 0x%zX of the %s",
				 c->start + rel, c->end, c->what);
	if (nul == p && !allow_empty)
		return plfw_fail(c->diag, -EINVAL, c->start + rel, field,
				 "empty string at 0x%zX in the %s",
				 c->start + rel, c->what);
	*out = plfw_strndup((const char *)p, (size_t)(nul - p));
	if (!*out)
		return plfw_fail(c->diag, -ENOMEM, c->start + rel, field,
				 "out of memory");
	return 0;
}

/* ------------------------------------------------------------ allocation */

void *plfw_calloc(size_t n, size_t size)
{
	if (n == 0)
		n = 1;
	if (size && n > SIZE_MAX / size)
		return NULL;
	return calloc(n, size ? size : 1);
}

char *plfw_strndup(const char *s, size_t n)
{
	char *d = malloc(n + 1);

	if (!d)
		return NULL;
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

char *plfw_strdup(const char *s)
{
	return plfw_strndup(s, strlen(s));
}

/* ----------------------------------------------------------- ACPI header */

static void copy_id(char *dst, const uint8_t *src, size_t n)
{
	size_t i;

	for (i = 0; i < n && src[i]; i++)
		dst[i] = (char)src[i];
	dst[i] = '\0';
}

int plfw_acpi_header_parse(const void *buf, size_t len, const char *sig,
			   size_t min_len, struct pl_acpi_header *hdr,
			   struct pl_fw_diag *diag)
{
	const uint8_t *b = buf;
	uint32_t length;
	uint8_t sum = 0;
	size_t i;

	if (len > PL_FW_MAX_SIZE)
		return plfw_fail(diag, -EOVERFLOW, 0, "header.length",
				 "input of %zu bytes exceeds the %u-byte limit",
				 len, PL_FW_MAX_SIZE);
	if (len < 4 || memcmp(b, sig, 4) != 0)
		return plfw_fail(diag, -ENOTSUP, 0, "header.signature",
				 "not an ACPI %s table", sig);
	if (len < 36)
		return plfw_fail(diag, -EOVERFLOW, 4, "header.length",
				 "%zu bytes cannot hold the 36-byte ACPI header",
				 len);
	length = (uint32_t)b[4] | (uint32_t)b[5] << 8 | (uint32_t)b[6] << 16 |
		 (uint32_t)b[7] << 24;
	if (length != len)
		return plfw_fail(diag, -EOVERFLOW, 4, "header.length",
				 "table length 0x%X differs from the %zu (0x%zX) bytes given",
				 length, len, len);
	if (length < min_len)
		return plfw_fail(diag, -EINVAL, 4, "header.length",
				 "table length 0x%X is below the 0x%zX bytes a %s needs",
				 length, min_len, sig);
	for (i = 0; i < len; i++)
		sum = (uint8_t)(sum + b[i]);
	if (sum != 0)
		return plfw_fail(diag, -EBADMSG, 9, "header.checksum",
				 "bytes sum to 0x%02X, not 0 (checksum byte 0x%02X)",
				 sum, b[9]);

	memset(hdr, 0, sizeof(*hdr));
	memcpy(hdr->signature, b, 4);
	hdr->length = length;
	hdr->revision = b[8];
	hdr->checksum = b[9];
	copy_id(hdr->oem_id, b + 10, 6);
	copy_id(hdr->oem_table_id, b + 16, 8);
	hdr->oem_revision = (uint32_t)b[24] | (uint32_t)b[25] << 8 |
			    (uint32_t)b[26] << 16 | (uint32_t)b[27] << 24;
	copy_id(hdr->creator_id, b + 28, 4);
	hdr->creator_revision = (uint32_t)b[32] | (uint32_t)b[33] << 8 |
				(uint32_t)b[34] << 16 | (uint32_t)b[35] << 24;
	return 0;
}

/* ------------------------------------------------------------- detection */

enum pl_fw_kind pl_fw_detect(const void *buf, size_t len)
{
	const uint8_t *b = buf;

	if (!buf || len < 4)
		return PL_FW_UNKNOWN;
	if (memcmp(b, "DMAR", 4) == 0)
		return PL_FW_DMAR;
	if (memcmp(b, "IORT", 4) == 0)
		return PL_FW_IORT;
	if (b[0] == 0xd0 && b[1] == 0x0d && b[2] == 0xfe && b[3] == 0xed)
		return PL_FW_FDT;
	return PL_FW_UNKNOWN;
}

const char *pl_fw_kind_name(enum pl_fw_kind kind)
{
	switch (kind) {
	case PL_FW_DMAR:
		return "DMAR";
	case PL_FW_IORT:
		return "IORT";
	case PL_FW_FDT:
		return "FDT";
	default:
		return "unknown";
	}
}

/* ----------------------------------------------------------- file reader */

int pl_fw_read_file(const char *path, size_t max, void **bufp, size_t *lenp,
		    struct pl_fw_diag *diag)
{
	size_t cap = 65536, len = 0;
	uint8_t *buf = NULL;
	int fd, rc = 0;
	bool is_stdin;

	plfw_diag_clear(diag);
	*bufp = NULL;
	*lenp = 0;
	if (max == 0 || max > PL_FW_MAX_SIZE)
		max = PL_FW_MAX_SIZE;
	is_stdin = strcmp(path, "-") == 0;
	fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return plfw_fail(diag, -errno, 0, "file", "cannot open %s: %s",
				 path, strerror(errno));
	if (!is_stdin) {
		struct stat st;

		if (fstat(fd, &st) != 0) {
			rc = plfw_fail(diag, -errno, 0, "file", "cannot stat %s: %s",
				       path, strerror(errno));
			goto out_close;
		}
		if (S_ISDIR(st.st_mode)) {
			rc = plfw_fail(diag, -EISDIR, 0, "file",
				       "%s is a directory", path);
			goto out_close;
		}
		if (S_ISREG(st.st_mode) && (uint64_t)st.st_size > max) {
			rc = plfw_fail(diag, -EFBIG, 0, "file",
				       "%s has %lld bytes, more than the %zu allowed",
				       path, (long long)st.st_size, max);
			goto out_close;
		}
	}
	for (;;) {
		ssize_t n;

		if (!buf || len == cap) {
			uint8_t *nb;

			if (buf)
				cap *= 2;
			if (cap > max + 1)
				cap = max + 1;
			nb = realloc(buf, cap);
			if (!nb) {
				rc = plfw_fail(diag, -ENOMEM, len, "file",
					       "out of memory reading %s", path);
				goto out_free;
			}
			buf = nb;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			rc = plfw_fail(diag, -errno, len, "file",
				       "cannot read %s: %s", path,
				       strerror(errno));
			goto out_free;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > max) {
			rc = plfw_fail(diag, -EFBIG, max, "file",
				       "%s is larger than the %zu bytes allowed",
				       path, max);
			goto out_free;
		}
	}
	*bufp = buf;
	*lenp = len;
	buf = NULL;
out_free:
	free(buf);
out_close:
	if (!is_stdin)
		close(fd);
	return rc;
}

/* -------------------------------------------------------------- printing */

static void put_escaped(FILE *out, const char *s, bool quoted)
{
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p; p++) {
		bool esc = *p < 0x20 || *p > 0x7e || *p == '"';

		if (!quoted && (*p == ' ' || *p == '\\'))
			esc = true;
		if (esc)
			fprintf(out, "\\x%02X", *p);
		else
			fputc(*p, out);
	}
}

void plfw_put_quoted(FILE *out, const char *s)
{
	fputc('"', out);
	put_escaped(out, s, true);
	fputc('"', out);
}

void plfw_put_token(FILE *out, const char *s)
{
	put_escaped(out, s, false);
}

void plfw_put_strlist(FILE *out, char *const *v, size_t n)
{
	size_t i;

	fputc('"', out);
	for (i = 0; i < n; i++) {
		if (i)
			fputc(';', out);
		put_escaped(out, v[i], true);
	}
	fputc('"', out);
}

// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libprobelab: reading a whole text file (procfs, sysfs, debugfs), whose
 * size stat() does not tell, into one NUL-terminated string.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "probelab.h"

char *pl_read_text(const char *path)
{
	size_t cap = 4096, n = 0, r;
	FILE *f = fopen(path, "re");
	char *buf, *nb;

	if (!f)
		return NULL;
	buf = malloc(cap + 1);
	if (!buf)
		errno = ENOMEM;
	while (buf && (r = fread(buf + n, 1, cap - n, f)) > 0) {
		n += r;
		if (n < cap)
			continue;
		nb = realloc(buf, 2 * cap + 1);
		if (!nb) {
			free(buf);
			buf = NULL;
			errno = ENOMEM;
			break;
		}
		buf = nb;
		cap *= 2;
	}
	fclose(f);
	if (buf)
		buf[n] = 0;
	return buf;
}

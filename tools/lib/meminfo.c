// SPDX-License-Identifier: GPL-2.0
/*
 * libprobelab: /proc/meminfo and /proc/slabinfo for `bench mem`
 * (meminfo.h).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "meminfo.h"
#include "probelab.h"

int pl_meminfo_parse(const char *text, struct pl_meminfo *mi)
{
	static const struct {
		const char *key;
		size_t off;
	} keys[] = {
		{ "MemFree:", offsetof(struct pl_meminfo, mem_free) },
		{ "Slab:", offsetof(struct pl_meminfo, slab) },
		{ "SUnreclaim:", offsetof(struct pl_meminfo, sunreclaim) },
		{ "PageTables:", offsetof(struct pl_meminfo, page_tables) },
		{ "VmallocUsed:", offsetof(struct pl_meminfo, vmalloc_used) },
		{ "Percpu:", offsetof(struct pl_meminfo, percpu) },
	};
	bool have_free = false, have_slab = false;
	const char *line = text;

	memset(mi, 0, sizeof(*mi));
	while (line && *line) {
		for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
			size_t kl = strlen(keys[i].key);
			uint64_t kb;

			if (strncmp(line, keys[i].key, kl) ||
			    sscanf(line + kl, "%" SCNu64 " kB", &kb) != 1)
				continue;
			*(uint64_t *)((char *)mi + keys[i].off) = kb * 1024;
			have_free |= i == 0;
			have_slab |= i == 1;
		}
		line = strchr(line, '\n');
		if (line)
			line++;
	}
	return have_free && have_slab ? 0 : -EINVAL;
}

int pl_meminfo_read(struct pl_meminfo *mi)
{
	char *text = pl_read_text("/proc/meminfo");
	int ret;

	if (!text)
		return -errno;
	ret = pl_meminfo_parse(text, mi);
	free(text);
	return ret;
}

int pl_slabinfo_parse(const char *text, struct pl_slabinfo *si)
{
	const char *line = text;
	size_t cap = 0;

	si->c = NULL;
	si->nr = 0;
	if (strncmp(text, "slabinfo - version: 2.", 22))
		return -EINVAL;
	while ((line = strchr(line, '\n'))) {
		struct pl_slab_cache c;
		unsigned long long a, n, sz, per, pps, act_slabs, num_slabs;
		char name[PL_SLAB_NAME_LEN];

		line++;
		if (*line == '#' || !*line)
			continue;
		/* name active num objsize objperslab pagesperslab : tunables
		 * l b s : slabdata active_slabs num_slabs sharedavail */
		if (sscanf(line, "%47s %llu %llu %llu %llu %llu : tunables %*u %*u %*u : slabdata %llu %llu",
			   name, &a, &n, &sz, &per, &pps, &act_slabs,
			   &num_slabs) != 8)
			continue;
		if (si->nr == cap) {
			size_t ncap = cap ? 2 * cap : 256;
			struct pl_slab_cache *nc = realloc(si->c, ncap * sizeof(*nc));

			if (!nc) {
				pl_slabinfo_free(si);
				return -ENOMEM;
			}
			si->c = nc;
			cap = ncap;
		}
		memset(&c, 0, sizeof(c));
		snprintf(c.name, sizeof(c.name), "%s", name);
		c.active_objs = a;
		c.objsize = sz;
		c.num_slabs = num_slabs;
		c.pages_per_slab = pps;
		si->c[si->nr++] = c;
	}
	return 0;
}

int pl_slabinfo_read(struct pl_slabinfo *si)
{
	char *text = pl_read_text("/proc/slabinfo");
	int ret;

	si->c = NULL;
	si->nr = 0;
	if (!text)
		return -errno;
	ret = pl_slabinfo_parse(text, si);
	free(text);
	return ret;
}

void pl_slabinfo_free(struct pl_slabinfo *si)
{
	free(si->c);
	si->c = NULL;
	si->nr = 0;
}

static const struct pl_slab_cache *find(const struct pl_slabinfo *si,
					const char *name)
{
	for (size_t i = 0; i < si->nr; i++)
		if (!strcmp(si->c[i].name, name))
			return &si->c[i];
	return NULL;
}

/* A cache's growth from @a to @b: live bytes and objects. */
static void growth(const struct pl_slabinfo *a, const struct pl_slabinfo *b,
		   const char *name, int64_t *bytes, int64_t *objs)
{
	const struct pl_slab_cache *ca = find(a, name), *cb = find(b, name);

	*bytes = (cb ? (int64_t)(cb->active_objs * cb->objsize) : 0) -
		 (ca ? (int64_t)(ca->active_objs * ca->objsize) : 0);
	*objs = (cb ? (int64_t)cb->active_objs : 0) -
		(ca ? (int64_t)ca->active_objs : 0);
}

size_t pl_slabinfo_diff(const struct pl_slabinfo *a,
			const struct pl_slabinfo *b, struct pl_slab_delta *out,
			size_t max)
{
	return pl_slabinfo_diff_over(a, b, NULL, NULL, out, max);
}

size_t pl_slabinfo_diff_over(const struct pl_slabinfo *a,
			     const struct pl_slabinfo *b,
			     const struct pl_slabinfo *base_a,
			     const struct pl_slabinfo *base_b,
			     struct pl_slab_delta *out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < b->nr && max; i++) {
		const struct pl_slab_cache *cb = &b->c[i];
		int64_t bytes, objs, bb = 0, bo = 0;
		size_t j;

		growth(a, b, cb->name, &bytes, &objs);
		if (base_a && base_b)
			growth(base_a, base_b, cb->name, &bb, &bo);
		bytes -= bb;
		objs -= bo;

		if (bytes <= 0)
			continue;
		/* insertion into the sorted top @max */
		for (j = n; j > 0 && out[j - 1].bytes < bytes; j--)
			if (j < max)
				out[j] = out[j - 1];
		if (j >= max)
			continue;
		snprintf(out[j].name, sizeof(out[j].name), "%s", cb->name);
		out[j].bytes = bytes;
		out[j].objs = objs;
		if (n < max)
			n++;
	}
	return n;
}

// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libprobelab: parsers of command-line values shared by the CLI and the
 * tests - errno names, numbers and sizes, MAP protections, and the
 * arguments of `probelab inject`.  Every parser refuses what it does not
 * understand with -EINVAL (-ERANGE when a number does not fit) and never
 * prints; the inject parser writes one line saying what was wrong.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "probelab.h"

#define ARRAY_LEN(a)	(sizeof(a) / sizeof((a)[0]))

/* The kernel-internal probe deferral errno (include/linux/errno.h). */
#define PL_EPROBE_DEFER	517
#define PL_MAX_ERRNO	4095

/* Names glibc does not return from strerrorname_np() (aliases). */
static const struct {
	const char *name;
	int err;
} errno_aliases[] = {
	{ "EPROBE_DEFER", PL_EPROBE_DEFER },
	{ "ENOTSUP", EOPNOTSUPP },
	{ "EWOULDBLOCK", EAGAIN },
	{ "EDEADLOCK", EDEADLK },
};

int pl_errno_from_name(const char *s)
{
	uint64_t v;

	if (!s || !s[0])
		return -EINVAL;
	if (s[0] == '-' || isdigit((unsigned char)s[0])) {
		if (pl_parse_u64(s[0] == '-' ? s + 1 : s, &v) ||
		    v == 0 || v > PL_MAX_ERRNO)
			return -EINVAL;
		return (int)v;
	}
	for (size_t i = 0; i < ARRAY_LEN(errno_aliases); i++)
		if (!strcasecmp(s, errno_aliases[i].name))
			return errno_aliases[i].err;
	for (int e = 1; e <= PL_MAX_ERRNO; e++) {
		const char *name = strerrorname_np(e);

		if (name && !strcasecmp(s, name))
			return e;
	}
	return -EINVAL;
}

int pl_parse_u64(const char *s, uint64_t *out)
{
	unsigned int base = 10;
	uint64_t v = 0;
	const char *p;

	if (!s || !s[0])
		return -EINVAL;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
		if (!s[0])
			return -EINVAL;
	}
	for (p = s; *p; p++) {
		unsigned int d;

		if (isdigit((unsigned char)*p))
			d = (unsigned int)(*p - '0');
		else if (base == 16 && isxdigit((unsigned char)*p))
			d = (unsigned int)(tolower((unsigned char)*p) - 'a' + 10);
		else
			return -EINVAL;
		if (v > (UINT64_MAX - d) / base)
			return -ERANGE;
		v = v * base + d;
	}
	*out = v;
	return 0;
}

int pl_parse_size(const char *s, uint64_t *out)
{
	char num[32];
	size_t n;
	unsigned int shift = 0;
	uint64_t v;
	int ret;

	if (!s || !s[0])
		return -EINVAL;
	n = strlen(s);
	switch (s[n - 1]) {
	case 'k': case 'K':
		shift = 10;
		break;
	case 'm': case 'M':
		shift = 20;
		break;
	case 'g': case 'G':
		shift = 30;
		break;
	case 't': case 'T':
		shift = 40;
		break;
	}
	if (shift) {
		/* a suffix after hex digits would be ambiguous ("0x1b"...) */
		if (n < 2 || n - 1 >= sizeof(num) ||
		    (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')))
			return -EINVAL;
		memcpy(num, s, n - 1);
		num[n - 1] = 0;
		s = num;
	}
	ret = pl_parse_u64(s, &v);
	if (ret)
		return ret;
	if (shift && v > (UINT64_MAX >> shift))
		return -ERANGE;
	*out = v << shift;
	return 0;
}

int pl_parse_prot(const char *s, unsigned int *prot)
{
	unsigned int p = 0;

	if (!s || !s[0])
		return -EINVAL;
	if (strspn(s, "rw") == strlen(s)) {
		for (const char *c = s; *c; c++) {
			unsigned int bit = *c == 'r' ? PROBELAB_PROT_READ :
						       PROBELAB_PROT_WRITE;

			if (p & bit)
				return -EINVAL;
			p |= bit;
		}
	} else {
		char buf[32], *save = NULL, *tok;

		if (strlen(s) >= sizeof(buf) || s[strlen(s) - 1] == ',' ||
		    s[0] == ',' || strstr(s, ",,"))
			return -EINVAL;
		strcpy(buf, s);
		for (tok = strtok_r(buf, ",", &save); tok;
		     tok = strtok_r(NULL, ",", &save)) {
			unsigned int bit;

			if (!strcmp(tok, "read"))
				bit = PROBELAB_PROT_READ;
			else if (!strcmp(tok, "write"))
				bit = PROBELAB_PROT_WRITE;
			else
				return -EINVAL;
			if (p & bit)
				return -EINVAL;
			p |= bit;
		}
	}
	*prot = p;
	return 0;
}

const char *pl_prot_name(unsigned int prot)
{
	switch (prot) {
	case 0:
		return "-";
	case PROBELAB_PROT_READ:
		return "r";
	case PROBELAB_PROT_WRITE:
		return "w";
	case PROBELAB_PROT_READ | PROBELAB_PROT_WRITE:
		return "rw";
	}
	return NULL;
}

/* ---- probelab inject ---------------------------------------------------- */

static int argerr(char *err, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int argerr(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (err && len) {
		va_start(ap, fmt);
		vsnprintf(err, len, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

enum {
	OPT_DELAY, OPT_JITTER, OPT_FAIL, OPT_OFF, OPT_EVERY, OPT_PPM, OPT_DEV,
	OPT_SEED, OPT_LIST, NR_OPTS
};

static const struct {
	const char *name;
	int has_arg;
} inject_opts[NR_OPTS] = {
	[OPT_DELAY] = { "delay", 1 },
	[OPT_JITTER] = { "jitter", 1 },
	[OPT_FAIL] = { "fail", 1 },
	[OPT_OFF] = { "off", 0 },
	[OPT_EVERY] = { "every", 1 },
	[OPT_PPM] = { "ppm", 1 },
	[OPT_DEV] = { "dev", 1 },
	[OPT_SEED] = { "seed", 1 },
	[OPT_LIST] = { "list", 0 },
};

/* A u32 option value in [lo, hi]. */
static int opt_u32(const char *opt, const char *val, uint32_t lo, uint32_t hi,
		   uint32_t *out, char *err, size_t len)
{
	uint64_t v;
	int ret = pl_parse_u64(val, &v);

	if (ret || v < lo || v > hi)
		return argerr(err, len, "--%s %s: expected a number from %u to %u",
			      opt, val, lo, hi);
	*out = (uint32_t)v;
	return 0;
}

int pl_inject_parse_args(int argc, char *const argv[],
			 struct pl_inject_args *a, char *err, size_t errlen)
{
	const char *val[NR_OPTS] = { 0 };
	int given[NR_OPTS] = { 0 };
	struct probelab_inject *c = &a->cmd;
	int actions, i, e;

	memset(a, 0, sizeof(*a));
	for (i = 0; i < argc; i++) {
		const char *arg = argv[i], *eq;
		size_t nlen;
		int o;

		if (strncmp(arg, "--", 2) || !arg[2]) {
			if (arg[0] == '-' && arg[1])
				return argerr(err, errlen, "unknown option '%s'",
					      arg);
			if (a->point)
				return argerr(err, errlen, "one injection point at a time ('%s' and '%s')",
					      a->point, arg);
			a->point = arg;
			continue;
		}
		eq = strchr(arg + 2, '=');
		nlen = eq ? (size_t)(eq - arg - 2) : strlen(arg + 2);
		for (o = 0; o < NR_OPTS; o++)
			if (strlen(inject_opts[o].name) == nlen &&
			    !strncmp(arg + 2, inject_opts[o].name, nlen))
				break;
		if (o == NR_OPTS)
			return argerr(err, errlen, "unknown option '%s'", arg);
		if (given[o])
			return argerr(err, errlen, "--%s given twice",
				      inject_opts[o].name);
		given[o] = 1;
		if (!inject_opts[o].has_arg) {
			if (eq)
				return argerr(err, errlen, "--%s takes no value",
					      inject_opts[o].name);
			continue;
		}
		if (eq) {
			val[o] = eq + 1;
		} else {
			if (i + 1 >= argc)
				return argerr(err, errlen, "--%s needs a value",
					      inject_opts[o].name);
			val[o] = argv[++i];
		}
		if (!val[o][0])
			return argerr(err, errlen, "--%s: empty value",
				      inject_opts[o].name);
	}

	if (given[OPT_LIST]) {
		for (i = 0; i < NR_OPTS; i++)
			if (i != OPT_LIST && given[i])
				return argerr(err, errlen, "--list takes no other option (--%s)",
					      inject_opts[i].name);
		if (a->point)
			return argerr(err, errlen, "--list takes no point ('%s')",
				      a->point);
		a->list = 1;
		return 0;
	}
	if (!a->point)
		return argerr(err, errlen, "name an injection point (probelab inject --list shows them)");
	if (strlen(a->point) >= sizeof(c->point))
		return argerr(err, errlen, "point name '%s' is longer than %zu characters",
			      a->point, sizeof(c->point) - 1);
	memcpy(c->point, a->point, strlen(a->point));

	actions = given[OPT_DELAY] + given[OPT_FAIL] + given[OPT_OFF];
	if (actions > 1)
		return argerr(err, errlen, "--delay, --fail and --off exclude each other");
	if (!actions) {
		for (i = 0; i < NR_OPTS; i++)
			if (given[i])
				return argerr(err, errlen, "--%s without --delay or --fail",
					      inject_opts[i].name);
		a->query = 1;
		c->flags = PROBELAB_INJECT_QUERY;
		return 0;
	}
	if (given[OPT_OFF]) {
		for (i = 0; i < NR_OPTS; i++)
			if (i != OPT_OFF && given[i])
				return argerr(err, errlen, "--off takes no other option (--%s)",
					      inject_opts[i].name);
		c->action = PROBELAB_INJECT_OFF;
		return 0;
	}
	if (given[OPT_JITTER] && !given[OPT_DELAY])
		return argerr(err, errlen, "--jitter goes with --delay");
	if (given[OPT_DELAY]) {
		c->action = PROBELAB_INJECT_DELAY;
		if (opt_u32("delay", val[OPT_DELAY], 0,
			    PROBELAB_INJECT_MAX_DELAY_US, &c->delay_us, err,
			    errlen))
			return -EINVAL;
		if (given[OPT_JITTER] &&
		    opt_u32("jitter", val[OPT_JITTER], 0,
			    PROBELAB_INJECT_MAX_DELAY_US, &c->jitter_us, err,
			    errlen))
			return -EINVAL;
		if (!c->delay_us && !c->jitter_us)
			return argerr(err, errlen, "a delay of 0 us needs a --jitter above 0");
		if ((uint64_t)c->delay_us + c->jitter_us >
		    PROBELAB_INJECT_MAX_DELAY_US)
			return argerr(err, errlen, "--delay %u + --jitter %u us is above the limit of %u us",
				      c->delay_us, c->jitter_us,
				      PROBELAB_INJECT_MAX_DELAY_US);
	} else {
		c->action = PROBELAB_INJECT_FAIL;
		e = pl_errno_from_name(val[OPT_FAIL]);
		if (e < 0)
			return argerr(err, errlen, "--fail %s: not an errno (a name such as EIO, or 1..4095)",
				      val[OPT_FAIL]);
		c->error = -e;
	}
	if (given[OPT_EVERY] &&
	    opt_u32("every", val[OPT_EVERY], 1, UINT32_MAX, &c->every_nth,
		    err, errlen))
		return -EINVAL;
	if (given[OPT_PPM] &&
	    opt_u32("ppm", val[OPT_PPM], 1, PROBELAB_INJECT_PPM, &c->ppm, err,
		    errlen))
		return -EINVAL;
	if (given[OPT_SEED]) {
		uint64_t seed;

		if (pl_parse_u64(val[OPT_SEED], &seed))
			return argerr(err, errlen, "--seed %s: expected a number (decimal or 0x hex) below 2^64",
				      val[OPT_SEED]);
		c->seed = seed;
	}
	a->dev = val[OPT_DEV];
	return 0;
}

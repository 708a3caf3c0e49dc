// SPDX-License-Identifier: GPL-2.0
/*
 * libprobelab: a parsed scenario file (race_file_ast.h) printed back as a
 * scenario file (race_file_print()): canonical spacing, comments gone, the
 * topology inline, every binary expression in parentheses.  Its parse is
 * the same scenario - the same draws too, since the random streams are
 * keyed by names, not lines (race_file_ast.h).  `race --minimize`
 * (race_minimize.c) prints its candidates and its result with
 * race_file_print_filtered(), which leaves actors and statements out.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "race_file_ast.h"

struct out {
	char *buf;
	size_t len, cap;
	int err;
	/* race_file_print_filtered(): what is left out */
	const struct rf_print_filter *flt;
};

static bool kept(const struct out *o, const void *elem)
{
	return !o->flt || o->flt->keep(elem, o->flt->arg);
}

static void put(struct out *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->err)
		return;
	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(o->buf + o->len, o->cap - o->len, fmt, ap);
		va_end(ap);
		if (n < 0) {
			o->err = -EINVAL;
			return;
		}
		if ((size_t)n < o->cap - o->len) {
			o->len += (size_t)n;
			return;
		}
		{
			size_t cap = (o->cap + (size_t)n + 1) * 2;
			char *nb = realloc(o->buf, cap);

			if (!nb) {
				o->err = -ENOMEM;
				return;
			}
			o->buf = nb;
			o->cap = cap;
		}
	}
}

static const char *const binop_text[] = {
	[RFB_ADD] = "+", [RFB_SUB] = "-", [RFB_MUL] = "*", [RFB_DIV] = "/",
	[RFB_MOD] = "%", [RFB_EQ] = "==", [RFB_NE] = "!=", [RFB_LT] = "<",
	[RFB_LE] = "<=", [RFB_GT] = ">", [RFB_GE] = ">=", [RFB_AND] = "&&",
	[RFB_OR] = "||",
};

static void put_expr(struct out *o, const struct rf_expr *e,
		     char (*names)[RF_MAX_NAME])
{
	switch (e->kind) {
	case RFE_NUM:
		if (e->cname[0])	/* a constant as written: dma, EBUSY */
			put(o, "%s", e->cname);
		else if (e->num < 0)
			put(o, "(-%" PRIu64 ")", (uint64_t)0 - (uint64_t)e->num);
		else
			put(o, "%" PRId64, e->num);
		return;
	case RFE_VAR:
		put(o, "%s", names[e->slot]);
		return;
	case RFE_NEG:
	case RFE_NOT:
		put(o, "%c", e->kind == RFE_NEG ? '-' : '!');
		put_expr(o, e->a, names);
		return;
	case RFE_RAND:
	case RFE_PICK:
		put(o, "%s(", e->kind == RFE_RAND ? "rand" : "pick");
		for (unsigned int i = 0; i < e->nargs; i++) {
			if (i)
				put(o, ", ");
			put_expr(o, e->args[i], names);
		}
		put(o, ")");
		return;
	case RFE_BIN:
		put(o, "(");
		put_expr(o, e->a, names);
		put(o, " %s ", binop_text[e->op]);
		put_expr(o, e->b, names);
		put(o, ")");
		return;
	}
}

static void put_e(struct out *o, const char *pre, const struct rf_expr *e,
		  char (*names)[RF_MAX_NAME])
{
	put(o, "%s", pre);
	put_expr(o, e, names);
}

static void put_clauses(struct out *o, const struct race_file *f,
			const struct rf_stmt *s)
{
	for (unsigned int i = 0; i < s->nallow; i++)
		put(o, "%s%s", i ? ", " : " allow ", pl_errno_name(s->allow[i]));
	if (s->handle >= 0)
		put(o, " via %s", f->handles[s->handle]);
}

static void put_block(struct out *o, const struct race_file *f,
		      const struct rf_block *b, char (*names)[RF_MAX_NAME],
		      unsigned int depth);

/* whether any statement of @b is printed */
static bool block_kept(const struct out *o, const struct rf_block *b)
{
	for (unsigned int i = 0; i < b->n; i++)
		if (kept(o, &b->v[i]))
			return true;
	return false;
}

static void put_stmt(struct out *o, const struct race_file *f,
		     const struct rf_stmt *s, char (*names)[RF_MAX_NAME],
		     unsigned int depth)
{
	const char *gd = s->is_device ? "device" : "group";

	put(o, "%*s", (int)depth * 2, "");
	switch (s->op) {
	case RF_ADD_NAMED:
		put(o, "add %s%s", s->name.src, s->platform_ops ? " platform-ops" : "");
		break;
	case RF_ADD_PCI:
		put(o, "add %s pci", s->name.src);
		put_e(o, " ", s->e[0], names);
		put_e(o, " ", s->e[1], names);
		if (s->e[2])
			put_e(o, " seg ", s->e[2], names);
		if (s->has_alias) {
			put_e(o, " alias ", s->e[3], names);
			put_e(o, " ", s->e[4], names);
		}
		break;
	case RF_REMOVE: case RF_REGISTER: case RF_UNREGISTER: case RF_UNBIND:
	case RF_FREE: case RF_WALK:
		put(o, "%s %s", rf_op_name(s->op), s->name.src);
		break;
	case RF_BIND:
		put(o, "bind %s", s->name.src);
		put_e(o, " ", s->e[0], names);
		if (s->expect != RF_BIND_ANY)
			put(o, " expect %s", s->expect == RF_BIND_BOUND ? "bound" :
			    "deferred");
		break;
	case RF_CLAIM: case RF_RELEASE: case RF_DETACH:
		put(o, "%s %s %s", rf_op_name(s->op), gd, s->name.src);
		break;
	case RF_ATTACH:
		put(o, "attach %s %s %s", gd, s->name.src, s->name2.src);
		break;
	case RF_ALLOC:
		put(o, "alloc %s on %s", s->name.src, s->name2.src);
		break;
	case RF_MAP: case RF_UNMAP:
		put(o, "%s %s", rf_op_name(s->op), s->name.src);
		put_e(o, " ", s->e[0], names);
		if (s->op == RF_MAP)
			put_e(o, " ", s->e[1], names);
		put_e(o, " ", s->e[2], names);
		break;
	case RF_RACE:
		put(o, "race of_configure %s", s->name.src);
		put_e(o, " threads ", s->e[0], names);
		put_e(o, " ms ", s->e[1], names);
		break;
	case RF_INJECT:
		put(o, "inject %s", s->point);
		if (s->action == PROBELAB_INJECT_OFF) {
			put(o, " off\n");
			return;
		}
		if (s->action == PROBELAB_INJECT_DELAY)
			put_e(o, " delay ", s->e[0], names);
		else
			put(o, " fail %s", pl_errno_name(s->error));
		if (s->e[1])
			put_e(o, " jitter ", s->e[1], names);
		if (s->e[2])
			put_e(o, " every ", s->e[2], names);
		if (s->e[3])
			put_e(o, " ppm ", s->e[3], names);
		if (s->has_dev)
			put(o, " dev %s", s->name.src);
		put(o, "\n");
		return;
	case RF_SLEEP:
		put_e(o, "sleep ", s->e[0], names);
		put(o, "\n");
		return;
	case RF_WAIT_BOUND:
		put(o, "wait bound %s", s->name.src);
		put_e(o, " ", s->e[0], names);
		put_e(o, " ", s->e[1], names);
		break;
	case RF_WAIT_PROBED:
		put(o, "wait probed %s", s->name.src);
		put_e(o, " ", s->e[1], names);
		if (s->e[2])
			put_e(o, " poll ", s->e[2], names);
		break;
	case RF_SIGNAL:
		put(o, "signal %s\n", f->flags[s->flag]);
		return;
	case RF_LET:
		put(o, "let %s = ", names[s->slot]);
		put_expr(o, s->e[0], names);
		put(o, "\n");
		return;
	case RF_IF:
	case RF_REPEAT:
	case RF_UNTIL:
		if (s->op == RF_UNTIL) {
			put(o, "until %s", f->flags[s->flag]);
		} else {
			put_e(o, s->op == RF_IF ? "if " : "repeat ", s->e[0], names);
			if (s->has_slot)
				put(o, " as %s", names[s->slot]);
		}
		put(o, "\n");
		put_block(o, f, &s->body, names, depth + 1);
		if (s->orelse.n && block_kept(o, &s->orelse)) {
			put(o, "%*selse\n", (int)depth * 2, "");
			put_block(o, f, &s->orelse, names, depth + 1);
		}
		put(o, "%*send\n", (int)depth * 2, "");
		return;
	case RF_NR_OPS:
		break;
	}
	put_clauses(o, f, s);
	put(o, "\n");
}

static void put_block(struct out *o, const struct race_file *f,
		      const struct rf_block *b, char (*names)[RF_MAX_NAME],
		      unsigned int depth)
{
	for (unsigned int i = 0; i < b->n; i++)
		if (kept(o, &b->v[i]))
			put_stmt(o, f, &b->v[i], names, depth);
}

static void put_part(struct out *o, const struct race_file *f,
		     const struct rf_part *part, const char *key)
{
	if (!part->present)
		return;
	put(o, "\n%s\n", key);
	put_block(o, f, &part->body, (char (*)[RF_MAX_NAME])part->var_names, 1);
	put(o, "end\n");
}

int race_file_print(const struct race_file *f, char **out)
{
	return race_file_print_filtered(f, NULL, out);
}

int race_file_print_filtered(const struct race_file *f,
			     const struct rf_print_filter *flt, char **out)
{
	static const char *const kinds[] = {
		[RF_ACTOR_CYCLES] = "cycles", [RF_ACTOR_PER_CYCLE] = "per-cycle",
		[RF_ACTOR_BACKGROUND] = "background",
	};
	struct out o = { .flt = flt };
	const char *t;

	*out = NULL;
	put(&o, "scenario %s\nsummary %s\n", f->name, f->summary);
	if (f->mirrors[0])
		put(&o, "mirrors %s\n", f->mirrors);
	if (f->bug[0])
		put(&o, "bug %s\n", f->bug);
	put(&o, "invariant %u\nexpect", f->sc.invariant);
	for (unsigned int p = 0; p < PL_NR_POLICIES; p++)
		put(&o, " %s=%s", pl_policy_name(p),
		    race_expect_name((enum race_expect)f->sc.expect[p]));
	put(&o, "\nthreads %u %u %u %s\n", f->sc.threads_def, f->sc.threads_min,
	    f->sc.threads_max, f->threads_what);
	if (f->relab)
		put(&o, "relab %" PRIu64 "\n", f->relab);
	if (f->sc.deterministic)
		put(&o, "deterministic\n");
	if (f->note[0])
		put(&o, "note %s\n", f->note);
	for (unsigned int i = 0; i < f->nflags; i++)
		put(&o, "flag %s\n", f->flags[i]);
	for (unsigned int i = 0; i < f->nhandles; i++)
		put(&o, "handle %s\n", f->handles[i]);
	put(&o, "\ntopology\n");
	/* the JSON's lines as they were (trimmed at the left by the parser) */
	for (t = f->topology; *t; ) {
		size_t n = strcspn(t, "\n");

		put(&o, "%.*s\n", (int)n, t);
		t += n + (t[n] == '\n');
	}
	put(&o, "end\n");
	put_part(&o, f, &f->shared, "shared");
	put_part(&o, f, &f->setup, "setup");
	put_part(&o, f, &f->before, "before");
	for (unsigned int i = 0; i < f->nactors; i++) {
		const struct rf_actor *a = &f->actors[i];

		if (!kept(&o, a))
			continue;
		put(&o, "\nactor %s %s", a->name, kinds[a->kind]);
		if (a->count) {
			char builtins[RF_NR_BUILTINS][RF_MAX_NAME] = {
				"i", "k", "threads", "err",
			};

			put_e(&o, " x ", a->count, builtins);
		}
		put(&o, "\n");
		put_block(&o, f, &a->body, (char (*)[RF_MAX_NAME])a->var_names, 1);
		put(&o, "end\n");
	}
	put_part(&o, f, &f->after, "after");
	if (o.err) {
		free(o.buf);
		return o.err;
	}
	*out = o.buf;
	return 0;
}

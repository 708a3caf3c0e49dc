// SPDX-License-Identifier: GPL-2.0
/*
 * libprobelab: the parser of scenario files (docs/scenario-format.md) into
 * the tree of race_file_ast.h.  Line-oriented: a line is a header key, a
 * block opener (setup, before, after, actor, topology, if, repeat, until),
 * "else", "end" or one statement.  Every error names the file and line;
 * every count is bounded (RF_MAX_*); unknown keywords, names and
 * trailing words are refused.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "race_file_ast.h"
#include "topo.h"

/* ---- tokens ------------------------------------------------------------- */

enum tok_kind { TK_END, TK_WORD, TK_NUM, TK_PUNCT };

struct tok {
	enum tok_kind kind;
	char text[RF_MAX_NAME * 2];
	uint64_t num;
};

struct line {
	unsigned int no;
	char *text;		/* the line, comment stripped */
};

/* A frame: the variable names of one actor or block, builtins first. */
struct frame {
	unsigned int n;
	char names[RF_MAX_VARS][RF_MAX_NAME];
};

struct parser {
	struct race_file *f;
	const char *path;
	struct line *lines;
	unsigned int nlines, cur;
	char *err;
	size_t errlen;
	int ret;
	/* the current line's tokens */
	struct tok toks[RF_MAX_TOKENS + 1];
	unsigned int ntoks, pos;
	unsigned int lineno;
	struct frame *frame;
	unsigned int depth;
	unsigned int expr_nodes;
	bool frames_opened;	/* a block with a frame was parsed */
	uint32_t inject_keys[RF_MAX_STMTS];	/* of the points armed so far */
};

static const char *const builtin_names[RF_NR_BUILTINS] = {
	[RF_VAR_I] = "i", [RF_VAR_K] = "k", [RF_VAR_THREADS] = "threads",
	[RF_VAR_ERR] = "err",
};

static int fail(struct parser *p, int ret, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct parser *p, int ret, const char *fmt, ...)
{
	char msg[384];
	va_list ap;

	if (p->ret)
		return p->ret;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (p->err && p->errlen)
		snprintf(p->err, p->errlen, "%s:%u: %s", p->path, p->lineno, msg);
	p->ret = ret;
	return ret;
}

static void *rf_alloc(struct parser *p, size_t size)
{
	struct race_file *f = p->f;
	void *m;

	if (f->nallocs == f->cap_allocs) {
		unsigned int cap = f->cap_allocs ? f->cap_allocs * 2 : 64;
		void **v = realloc(f->allocs, cap * sizeof(*v));

		if (!v) {
			fail(p, -ENOMEM, "out of memory");
			return NULL;
		}
		f->allocs = v;
		f->cap_allocs = cap;
	}
	m = calloc(1, size);
	if (!m) {
		fail(p, -ENOMEM, "out of memory");
		return NULL;
	}
	f->allocs[f->nallocs++] = m;
	return m;
}

static bool is_word_start(int c)
{
	return isalpha(c) || c == '_' || c == '$';
}

static bool is_word_char(int c)
{
	return isalnum(c) || c == '_' || c == '$' || c == '.' || c == '-' ||
	       c == ':';
}

/*
 * Splits @s into p->toks, at most @max of them (the rest of a header's
 * line is text, read by rest_of_line()).  0 or the error.
 */
static int tokenize(struct parser *p, const char *s, unsigned int max)
{
	static const char *const puncts[] = {
		"==", "!=", "<=", ">=", "&&", "||",
		"(", ")", ",", "+", "-", "*", "/", "%", "=", "<", ">", "!",
	};

	p->ntoks = 0;
	p->pos = 0;
	while (*s) {
		struct tok *t;
		size_t n = 0;

		if (*s == ' ' || *s == '\t') {
			s++;
			continue;
		}
		if (p->ntoks == max && max < RF_MAX_TOKENS)
			break;	/* a header's text follows */
		if (p->ntoks == RF_MAX_TOKENS)
			return fail(p, -E2BIG, "more than %u words on one line",
				    RF_MAX_TOKENS);
		t = &p->toks[p->ntoks];
		memset(t, 0, sizeof(*t));
		if (is_word_start((unsigned char)*s)) {
			while (is_word_char((unsigned char)s[n]))
				n++;
			t->kind = TK_WORD;
		} else if (isdigit((unsigned char)*s)) {
			while (isalnum((unsigned char)s[n]))
				n++;
			t->kind = TK_NUM;
		} else {
			for (size_t i = 0; i < sizeof(puncts) / sizeof(puncts[0]); i++) {
				size_t l = strlen(puncts[i]);

				if (!strncmp(s, puncts[i], l)) {
					n = l;
					break;
				}
			}
			if (!n)
				return fail(p, -EINVAL, "unexpected character '%c'",
					    *s);
			t->kind = TK_PUNCT;
		}
		if (n >= sizeof(t->text))
			return fail(p, -E2BIG, "a word longer than %zu characters",
				    sizeof(t->text) - 1);
		memcpy(t->text, s, n);
		t->text[n] = 0;
		if (t->kind == TK_NUM && pl_parse_u64(t->text, &t->num))
			return fail(p, -EINVAL, "'%s' is not a number (decimal or 0x hex)",
				    t->text);
		if (t->kind == TK_NUM && t->num > (uint64_t)INT64_MAX)
			return fail(p, -EINVAL, "%s is too large", t->text);
		s += n;
		p->ntoks++;
	}
	p->toks[p->ntoks].kind = TK_END;
	p->toks[p->ntoks].text[0] = 0;
	return 0;
}

static struct tok *peek(struct parser *p)
{
	return &p->toks[p->pos];
}

static struct tok *next(struct parser *p)
{
	struct tok *t = &p->toks[p->pos];

	if (t->kind != TK_END)
		p->pos++;
	return t;
}

static bool at_word(struct parser *p, const char *w)
{
	struct tok *t = peek(p);

	return t->kind == TK_WORD && !strcmp(t->text, w);
}

static bool accept_word(struct parser *p, const char *w)
{
	if (!at_word(p, w))
		return false;
	p->pos++;
	return true;
}

static bool accept_punct(struct parser *p, const char *s)
{
	struct tok *t = peek(p);

	if (t->kind != TK_PUNCT || strcmp(t->text, s))
		return false;
	p->pos++;
	return true;
}

static const char *tok_desc(const struct tok *t)
{
	return t->kind == TK_END ? "the end of the line" : t->text;
}

static int expect_end(struct parser *p, const char *what)
{
	if (peek(p)->kind != TK_END)
		return fail(p, -EINVAL, "unexpected '%s' after %s", peek(p)->text,
			    what);
	return 0;
}

/* ---- names -------------------------------------------------------------- */

static bool valid_ident(const char *s)
{
	if (!isalpha((unsigned char)*s) && *s != '_')
		return false;
	for (s++; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_')
			return false;
	return true;
}

static int frame_find(const struct frame *fr, const char *name)
{
	for (unsigned int i = 0; i < fr->n; i++)
		if (!strcmp(fr->names[i], name))
			return (int)i;
	return -1;
}

/* A new frame: the builtins, then the shared lets (@f NULL: builtins only). */
static void frame_init(struct frame *fr, const struct race_file *f)
{
	memset(fr, 0, sizeof(*fr));
	for (unsigned int i = 0; i < RF_NR_BUILTINS; i++)
		snprintf(fr->names[i], RF_MAX_NAME, "%s", builtin_names[i]);
	fr->n = RF_NR_BUILTINS;
	if (f && f->shared.present) {
		for (unsigned int i = RF_NR_BUILTINS; i < f->shared.nvars; i++)
			memcpy(fr->names[i], f->shared.var_names[i], RF_MAX_NAME);
		fr->n = f->shared.nvars;
	}
}

/* A constant: a driver ("dma", ...) or an errno name ("EBUSY"). */
static bool constant(const char *w, int64_t *v)
{
	int d;

	if (w[0] == 'E' && isupper((unsigned char)w[1])) {
		d = pl_errno_from_name(w);
		if (d > 0) {
			*v = d;
			return true;
		}
		return false;
	}
	if (!strcmp(w, "dma") || !strcmp(w, "user") || !strcmp(w, "ownops") ||
	    !strcmp(w, "pool")) {
		d = pl_driver_from_name(w);
		if (d >= 0) {
			*v = d;
			return true;
		}
	}
	return false;
}

/* Defines (or finds) the variable @name of the current frame: its slot. */
static int define_var(struct parser *p, const char *name)
{
	int64_t v;
	int s;

	if (!valid_ident(name))
		return fail(p, -EINVAL, "'%s' is not a variable name (letters, digits, _)",
			    name);
	if (constant(name, &v))
		return fail(p, -EINVAL, "'%s' is a constant, not a variable name",
			    name);
	s = frame_find(p->frame, name);
	if (s >= 0 && s < RF_NR_BUILTINS)
		return fail(p, -EINVAL, "'%s' is a builtin variable: it cannot be assigned",
			    name);
	if (s >= 0)
		return s;
	if (p->frame->n == RF_MAX_VARS)
		return fail(p, -E2BIG, "more than %u variables in one actor or block",
			    RF_MAX_VARS - RF_NR_BUILTINS);
	snprintf(p->frame->names[p->frame->n], RF_MAX_NAME, "%s", name);
	return (int)p->frame->n++;
}

static int flag_find(struct parser *p, const char *name)
{
	for (unsigned int i = 0; i < p->f->nflags; i++)
		if (!strcmp(p->f->flags[i], name))
			return (int)i;
	return fail(p, -EINVAL, "no flag named '%s' (declare it: flag %s)", name,
		    name);
}

static int handle_find(struct parser *p, const char *name)
{
	for (unsigned int i = 0; i < p->f->nhandles; i++)
		if (!strcmp(p->f->handles[i], name))
			return (int)i;
	return fail(p, -EINVAL, "no handle named '%s' (declare it: handle %s)",
		    name, name);
}

/*
 * A device, domain or IOMMU name: letters, digits, _ . : - and "$var"
 * parts naming variables of the frame.
 */
static int parse_tmpl(struct parser *p, struct rf_tmpl *t, const char *what)
{
	struct tok *tk = next(p);
	const char *s;
	unsigned int part = 0;
	size_t n = 0;

	memset(t, 0, sizeof(*t));
	if (tk->kind != TK_WORD && tk->kind != TK_NUM)
		return fail(p, -EINVAL, "%s: expected a name, not %s", what,
			    tok_desc(tk));
	snprintf(t->src, sizeof(t->src), "%s", tk->text);
	for (s = tk->text; *s; s++) {
		if (*s == '$') {
			char var[RF_MAX_NAME];
			size_t v = 0;
			int slot;

			s++;
			while ((isalnum((unsigned char)*s) || *s == '_') &&
			       v < sizeof(var) - 1)
				var[v++] = *s++;
			var[v] = 0;
			s--;
			if (!v)
				return fail(p, -EINVAL, "%s '%s': '$' without a variable name",
					    what, t->src);
			slot = frame_find(p->frame, var);
			if (slot < 0)
				return fail(p, -EINVAL, "%s '%s': no variable '%s' here",
					    what, t->src, var);
			if (part == RF_MAX_TMPL_PARTS)
				return fail(p, -E2BIG, "%s '%s': more than %u variables in one name",
					    what, t->src, RF_MAX_TMPL_PARTS);
			t->lit[part][n] = 0;
			t->var[part++] = (unsigned int)slot;
			n = 0;
			continue;
		}
		if (!isalnum((unsigned char)*s) && !strchr("_.:-", *s))
			return fail(p, -EINVAL, "%s '%s': '%c' is not allowed in a name",
				    what, t->src, *s);
		if (n + 1 >= RF_MAX_NAME)
			return fail(p, -E2BIG, "%s '%s' is longer than %u characters",
				    what, t->src, RF_MAX_NAME - 1);
		t->lit[part][n++] = *s;
	}
	t->lit[part][n] = 0;
	t->nvars = part;
	return 0;
}

/* ---- expressions ------------------------------------------------------- */

static struct rf_expr *parse_binary(struct parser *p, int min_prec,
				    unsigned int depth);

static struct rf_expr *new_expr(struct parser *p, enum rf_expr_kind kind)
{
	struct rf_expr *e;

	if (++p->expr_nodes > RF_MAX_EXPR_NODES) {
		fail(p, -E2BIG, "an expression of more than %u terms",
		     RF_MAX_EXPR_NODES);
		return NULL;
	}
	e = rf_alloc(p, sizeof(*e));
	if (e)
		e->kind = kind;
	return e;
}

static struct rf_expr *parse_primary(struct parser *p, unsigned int depth)
{
	struct tok *t = next(p);
	struct rf_expr *e;
	int64_t v;

	if (depth > RF_MAX_EXPR_DEPTH) {
		fail(p, -E2BIG, "an expression nested deeper than %u",
		     RF_MAX_EXPR_DEPTH);
		return NULL;
	}
	if (t->kind == TK_NUM) {
		e = new_expr(p, RFE_NUM);
		if (e)
			e->num = (int64_t)t->num;
		return e;
	}
	if (t->kind == TK_PUNCT && !strcmp(t->text, "(")) {
		e = parse_binary(p, 1, depth + 1);
		if (e && !accept_punct(p, ")")) {
			fail(p, -EINVAL, "expected ')', not %s", tok_desc(peek(p)));
			return NULL;
		}
		return e;
	}
	if (t->kind == TK_PUNCT && (!strcmp(t->text, "-") || !strcmp(t->text, "!"))) {
		e = new_expr(p, t->text[0] == '-' ? RFE_NEG : RFE_NOT);
		if (e)
			e->a = parse_primary(p, depth + 1);
		return e && e->a ? e : NULL;
	}
	if (t->kind != TK_WORD) {
		fail(p, -EINVAL, "expected a number, a variable, rand() or pick(), not %s",
		     tok_desc(t));
		return NULL;
	}
	if (!strcmp(t->text, "rand") || !strcmp(t->text, "pick")) {
		bool is_rand = t->text[0] == 'r';

		e = new_expr(p, is_rand ? RFE_RAND : RFE_PICK);
		if (!e)
			return NULL;
		if (!accept_punct(p, "(")) {
			fail(p, -EINVAL, "%s needs '(' after it", t->text);
			return NULL;
		}
		do {
			struct rf_expr *a;

			if (e->nargs == RF_MAX_PICK) {
				fail(p, -E2BIG, "more than %u arguments", RF_MAX_PICK);
				return NULL;
			}
			a = parse_binary(p, 1, depth + 1);
			if (!a)
				return NULL;
			e->args[e->nargs++] = a;
		} while (accept_punct(p, ","));
		if (!accept_punct(p, ")")) {
			fail(p, -EINVAL, "expected ',' or ')', not %s",
			     tok_desc(peek(p)));
			return NULL;
		}
		if (is_rand) {
			if (e->nargs != 2) {
				fail(p, -EINVAL, "rand takes two arguments (lowest, highest), not %u",
				     e->nargs);
				return NULL;
			}
			e->a = e->args[0];
			e->b = e->args[1];
		}
		return e;
	}
	if (constant(t->text, &v)) {
		e = new_expr(p, RFE_NUM);
		if (e) {
			e->num = v;
			snprintf(e->cname, sizeof(e->cname), "%s", t->text);
		}
		return e;
	}
	{
		int slot = frame_find(p->frame, t->text);

		if (slot < 0) {
			if (strchr(t->text, '-'))
				fail(p, -EINVAL, "no variable or constant '%s' (write a - b with blanks around the minus)",
				     t->text);
			else
				fail(p, -EINVAL, "no variable or constant '%s'",
				     t->text);
			return NULL;
		}
		e = new_expr(p, RFE_VAR);
		if (e)
			e->slot = (unsigned int)slot;
		return e;
	}
}

struct binop_def {
	const char *s;
	enum rf_binop op;
	int prec;
};

static const struct binop_def binops[] = {
	{ "||", RFB_OR, 1 }, { "&&", RFB_AND, 2 },
	{ "==", RFB_EQ, 3 }, { "!=", RFB_NE, 3 }, { "<", RFB_LT, 3 },
	{ "<=", RFB_LE, 3 }, { ">", RFB_GT, 3 }, { ">=", RFB_GE, 3 },
	{ "+", RFB_ADD, 4 }, { "-", RFB_SUB, 4 },
	{ "*", RFB_MUL, 5 }, { "/", RFB_DIV, 5 }, { "%", RFB_MOD, 5 },
};

static const struct binop_def *peek_binop(struct parser *p)
{
	struct tok *t = peek(p);

	if (t->kind != TK_PUNCT)
		return NULL;
	for (size_t i = 0; i < sizeof(binops) / sizeof(binops[0]); i++)
		if (!strcmp(binops[i].s, t->text))
			return &binops[i];
	return NULL;
}

static struct rf_expr *parse_binary(struct parser *p, int min_prec,
				    unsigned int depth)
{
	struct rf_expr *lhs = parse_primary(p, depth);
	const struct binop_def *d;

	while (lhs && (d = peek_binop(p)) && d->prec >= min_prec) {
		struct rf_expr *e;

		p->pos++;
		e = new_expr(p, RFE_BIN);
		if (!e)
			return NULL;
		e->op = d->op;
		e->a = lhs;
		e->b = parse_binary(p, d->prec + 1, depth + 1);
		if (!e->b)
			return NULL;
		lhs = e;
	}
	return lhs;
}


/* An expression of a statement: the node count starts over. */
static struct rf_expr *stmt_expr(struct parser *p, const char *what)
{
	struct rf_expr *e;

	p->expr_nodes = 0;
	if (peek(p)->kind == TK_END) {
		fail(p, -EINVAL, "%s: a number or expression is missing", what);
		return NULL;
	}
	e = parse_binary(p, 1, 0);
	return e;
}

/* ---- statements -------------------------------------------------------- */

static int parse_block(struct parser *p, struct rf_block *b, bool allow_else,
		       bool *saw_else);

/* Trailing "allow E,F" and "via HANDLE" clauses of a lab op. */
static int parse_clauses(struct parser *p, struct rf_stmt *s, bool lab_op)
{
	while (peek(p)->kind != TK_END) {
		if (lab_op && accept_word(p, "allow")) {
			do {
				struct tok *t = next(p);
				int e = t->kind == TK_WORD ? pl_errno_from_name(t->text) : -1;

				if (e <= 0 || t->text[0] != 'E')
					return fail(p, -EINVAL, "allow: '%s' is not an errno name (EBUSY, ...)",
						    tok_desc(t));
				if (s->nallow == RF_MAX_ALLOW)
					return fail(p, -E2BIG, "allow takes at most %u errnos",
						    RF_MAX_ALLOW);
				s->allow[s->nallow++] = e;
			} while (accept_punct(p, ","));
			continue;
		}
		if (lab_op && accept_word(p, "via")) {
			struct tok *t = next(p);
			int h;

			if (t->kind != TK_WORD)
				return fail(p, -EINVAL, "via: expected a handle name, not %s",
					    tok_desc(t));
			h = handle_find(p, t->text);
			if (h < 0)
				return h;
			s->handle = h;
			continue;
		}
		return fail(p, -EINVAL, "unexpected '%s' after %s", peek(p)->text,
			    rf_op_name(s->op));
	}
	return 0;
}

static int parse_group_or_device(struct parser *p, struct rf_stmt *s)
{
	if (accept_word(p, "group"))
		s->is_device = false;
	else if (accept_word(p, "device"))
		s->is_device = true;
	else
		return fail(p, -EINVAL, "%s: expected 'group' or 'device', not %s",
			    rf_op_name(s->op), tok_desc(peek(p)));
	return parse_tmpl(p, &s->name, "device");
}

static int parse_inject(struct parser *p, struct rf_stmt *s)
{
	struct tok *t = next(p);
	bool known = false;
	const char *pt;

	if (t->kind != TK_WORD)
		return fail(p, -EINVAL, "inject: expected an injection point, not %s",
			    tok_desc(t));
	for (unsigned int i = 0; (pt = pl_inject_point_name(i)); i++)
		if (!strcmp(pt, t->text))
			known = true;
	if (!known)
		return fail(p, -EINVAL, "inject: no injection point '%s' (probelab inject --list)",
			    t->text);
	snprintf(s->point, sizeof(s->point), "%s", t->text);
	/* the n-th statement arming this point: its stream's key */
	s->key = rf_name_key(s->point, 0);
	for (unsigned int i = 0; i < p->f->ninjects; i++)
		if (p->inject_keys[i] == rf_name_key(s->point, 0))
			s->key = rf_name_key(s->point, i + 1);
	if (p->f->ninjects < RF_MAX_STMTS)
		p->inject_keys[p->f->ninjects++] = rf_name_key(s->point, 0);
	if (accept_word(p, "delay")) {
		s->action = PROBELAB_INJECT_DELAY;
		s->e[0] = stmt_expr(p, "inject delay");
		if (!s->e[0])
			return p->ret;
	} else if (accept_word(p, "fail")) {
		struct tok *e = next(p);

		s->action = PROBELAB_INJECT_FAIL;
		s->error = e->kind == TK_WORD ? pl_errno_from_name(e->text) : -1;
		if (s->error <= 0 || e->text[0] != 'E')
			return fail(p, -EINVAL, "inject fail: '%s' is not an errno name (EIO, ...)",
				    tok_desc(e));
	} else if (accept_word(p, "off")) {
		s->action = PROBELAB_INJECT_OFF;
		return expect_end(p, "inject off");
	} else {
		return fail(p, -EINVAL, "inject %s: expected delay, fail or off, not %s",
			    s->point, tok_desc(peek(p)));
	}
	while (peek(p)->kind != TK_END) {
		static const char *const opts[] = { "jitter", "every", "ppm" };
		bool done = false;

		for (unsigned int i = 0; i < 3; i++) {
			if (!accept_word(p, opts[i]))
				continue;
			if (i == 0 && s->action != PROBELAB_INJECT_DELAY)
				return fail(p, -EINVAL, "inject: jitter goes with a delay");
			if (s->e[i + 1])
				return fail(p, -EINVAL, "inject: %s given twice",
					    opts[i]);
			s->e[i + 1] = stmt_expr(p, opts[i]);
			if (!s->e[i + 1])
				return p->ret;
			done = true;
		}
		if (done)
			continue;
		if (accept_word(p, "dev")) {
			if (s->has_dev)
				return fail(p, -EINVAL, "inject: dev given twice");
			s->has_dev = true;
			if (parse_tmpl(p, &s->name, "device"))
				return p->ret;
			continue;
		}
		return fail(p, -EINVAL, "inject: unexpected '%s' (jitter, every, ppm or dev)",
			    peek(p)->text);
	}
	return 0;
}

/* Statement keywords and their ops (if, repeat, until open blocks). */
static int parse_stmt(struct parser *p, struct rf_stmt *s)
{
	struct tok *kw = next(p);
	const char *w = kw->text;

	memset(s, 0, sizeof(*s));
	s->line = p->lineno;
	s->handle = -1;
	if (kw->kind != TK_WORD)
		return fail(p, -EINVAL, "expected a statement, not '%s'", w);
	if (++p->f->nstmts > RF_MAX_STMTS)
		return fail(p, -E2BIG, "more than %u statements", RF_MAX_STMTS);

	if (!strcmp(w, "add")) {
		if (parse_tmpl(p, &s->name, "add"))
			return p->ret;
		if (accept_word(p, "pci")) {
			s->op = RF_ADD_PCI;
			if (!(s->e[0] = stmt_expr(p, "add pci DEV")) ||
			    !(s->e[1] = stmt_expr(p, "add pci FN")))
				return p->ret;
			while (peek(p)->kind != TK_END && !at_word(p, "allow") &&
			       !at_word(p, "via")) {
				if (accept_word(p, "seg")) {
					if (!(s->e[2] = stmt_expr(p, "seg")))
						return p->ret;
				} else if (accept_word(p, "alias")) {
					s->has_alias = true;
					if (!(s->e[3] = stmt_expr(p, "alias DEV")) ||
					    !(s->e[4] = stmt_expr(p, "alias FN")))
						return p->ret;
				} else {
					return fail(p, -EINVAL, "add pci: unexpected '%s' (seg, alias)",
						    peek(p)->text);
				}
			}
		} else {
			s->op = RF_ADD_NAMED;
			if (accept_word(p, "platform-ops"))
				s->platform_ops = true;
		}
		return parse_clauses(p, s, true);
	}
	if (!strcmp(w, "remove") || !strcmp(w, "unbind") ||
	    !strcmp(w, "register") || !strcmp(w, "unregister") ||
	    !strcmp(w, "free") || !strcmp(w, "walk")) {
		s->op = w[0] == 'r' ? (w[2] == 'm' ? RF_REMOVE : RF_REGISTER) :
			w[0] == 'u' ? (w[2] == 'b' ? RF_UNBIND : RF_UNREGISTER) :
			w[0] == 'f' ? RF_FREE : RF_WALK;
		if (parse_tmpl(p, &s->name, w))
			return p->ret;
		return parse_clauses(p, s, true);
	}
	if (!strcmp(w, "bind")) {
		s->op = RF_BIND;
		if (parse_tmpl(p, &s->name, "bind") ||
		    !(s->e[0] = stmt_expr(p, "bind DRIVER")))
			return p->ret;
		if (accept_word(p, "expect")) {
			if (accept_word(p, "bound"))
				s->expect = RF_BIND_BOUND;
			else if (accept_word(p, "deferred"))
				s->expect = RF_BIND_DEFERRED;
			else
				return fail(p, -EINVAL, "bind ... expect: bound or deferred, not %s",
					    tok_desc(peek(p)));
		}
		return parse_clauses(p, s, true);
	}
	if (!strcmp(w, "claim") || !strcmp(w, "release") ||
	    !strcmp(w, "detach")) {
		s->op = w[0] == 'c' ? RF_CLAIM : w[0] == 'r' ? RF_RELEASE :
			RF_DETACH;
		if (parse_group_or_device(p, s))
			return p->ret;
		return parse_clauses(p, s, true);
	}
	if (!strcmp(w, "attach")) {
		s->op = RF_ATTACH;
		if (parse_group_or_device(p, s) ||
		    parse_tmpl(p, &s->name2, "attach DOMAIN"))
			return p->ret;
		return parse_clauses(p, s, true);
	}
	if (!strcmp(w, "alloc")) {
		s->op = RF_ALLOC;
		if (parse_tmpl(p, &s->name, "alloc DOMAIN"))
			return p->ret;
		if (!accept_word(p, "on"))
			return fail(p, -EINVAL, "alloc DOMAIN on DEVICE: 'on' is missing");
		if (parse_tmpl(p, &s->name2, "alloc ... on DEVICE"))
			return p->ret;
		return parse_clauses(p, s, true);
	}
	if (!strcmp(w, "map") || !strcmp(w, "unmap")) {
		s->op = w[0] == 'm' ? RF_MAP : RF_UNMAP;
		if (parse_tmpl(p, &s->name, "DOMAIN") ||
		    !(s->e[0] = stmt_expr(p, "IOVA")))
			return p->ret;
		if (s->op == RF_MAP && !(s->e[1] = stmt_expr(p, "map PADDR")))
			return p->ret;
		if (!(s->e[2] = stmt_expr(p, "SIZE")))
			return p->ret;
		return parse_clauses(p, s, true);
	}
	if (!strcmp(w, "race")) {
		s->op = RF_RACE;
		if (!accept_word(p, "of_configure"))
			return fail(p, -EINVAL, "race: the kernel actor: of_configure (the only one), not %s",
				    tok_desc(peek(p)));
		if (parse_tmpl(p, &s->name, "race DEVICE"))
			return p->ret;
		if (!accept_word(p, "threads") ||
		    !(s->e[0] = stmt_expr(p, "race threads")))
			return fail(p, -EINVAL, "race: 'threads N' is missing");
		if (!accept_word(p, "ms") || !(s->e[1] = stmt_expr(p, "race ms")))
			return fail(p, -EINVAL, "race: 'ms N' is missing");
		return parse_clauses(p, s, true);
	}
	if (!strcmp(w, "inject")) {
		s->op = RF_INJECT;
		return parse_inject(p, s);
	}
	if (!strcmp(w, "sleep")) {
		s->op = RF_SLEEP;
		if (!(s->e[0] = stmt_expr(p, "sleep")))
			return p->ret;
		return expect_end(p, "sleep US");
	}
	if (!strcmp(w, "wait")) {
		if (accept_word(p, "bound")) {
			s->op = RF_WAIT_BOUND;
			if (parse_tmpl(p, &s->name, "wait bound") ||
			    !(s->e[0] = stmt_expr(p, "wait bound DRIVER")) ||
			    !(s->e[1] = stmt_expr(p, "wait bound MS")))
				return p->ret;
		} else if (accept_word(p, "probed")) {
			s->op = RF_WAIT_PROBED;
			if (parse_tmpl(p, &s->name, "wait probed") ||
			    !(s->e[1] = stmt_expr(p, "wait probed MS")))
				return p->ret;
			if (accept_word(p, "poll") &&
			    !(s->e[2] = stmt_expr(p, "poll")))
				return p->ret;
		} else {
			return fail(p, -EINVAL, "wait: bound or probed, not %s",
				    tok_desc(peek(p)));
		}
		return parse_clauses(p, s, true);
	}
	if (!strcmp(w, "signal")) {
		struct tok *t = next(p);
		int fl;

		s->op = RF_SIGNAL;
		if (t->kind != TK_WORD)
			return fail(p, -EINVAL, "signal: expected a flag, not %s",
				    tok_desc(t));
		fl = flag_find(p, t->text);
		if (fl < 0)
			return fl;
		s->flag = (unsigned int)fl;
		return expect_end(p, "signal FLAG");
	}
	if (!strcmp(w, "let")) {
		struct tok *t = next(p);
		int slot;

		s->op = RF_LET;
		if (t->kind != TK_WORD)
			return fail(p, -EINVAL, "let: expected a variable name, not %s",
				    tok_desc(t));
		if (!accept_punct(p, "="))
			return fail(p, -EINVAL, "let %s: '=' is missing", t->text);
		/* the value first: "let x = x + 1" reads the old x */
		if (!(s->e[0] = stmt_expr(p, "let")))
			return p->ret;
		if (expect_end(p, "let VAR = EXPR"))
			return p->ret;
		slot = define_var(p, t->text);
		if (slot < 0)
			return slot;
		s->slot = (unsigned int)slot;
		s->has_slot = true;
		return 0;
	}
	if (!strcmp(w, "if") || !strcmp(w, "repeat") || !strcmp(w, "until")) {
		bool saw_else = false;

		if (p->depth == RF_MAX_DEPTH)
			return fail(p, -E2BIG, "blocks nested deeper than %u",
				    RF_MAX_DEPTH);
		if (w[0] == 'u') {
			struct tok *t = next(p);
			int fl;

			s->op = RF_UNTIL;
			if (t->kind != TK_WORD)
				return fail(p, -EINVAL, "until: expected a flag, not %s",
					    tok_desc(t));
			fl = flag_find(p, t->text);
			if (fl < 0)
				return fl;
			s->flag = (unsigned int)fl;
		} else {
			s->op = w[0] == 'i' ? RF_IF : RF_REPEAT;
			if (!(s->e[0] = stmt_expr(p, w)))
				return p->ret;
			if (s->op == RF_REPEAT && accept_word(p, "as")) {
				struct tok *t = next(p);
				int slot;

				if (t->kind != TK_WORD)
					return fail(p, -EINVAL, "repeat ... as: expected a variable name, not %s",
						    tok_desc(t));
				slot = define_var(p, t->text);
				if (slot < 0)
					return slot;
				s->slot = (unsigned int)slot;
				s->has_slot = true;
			}
		}
		if (expect_end(p, w))
			return p->ret;
		p->depth++;
		if (parse_block(p, &s->body, s->op == RF_IF, &saw_else))
			return p->ret;
		if (saw_else && parse_block(p, &s->orelse, false, NULL))
			return p->ret;
		p->depth--;
		return 0;
	}
	return fail(p, -EINVAL, "unknown statement '%s'", w);
}

/* Reads the next line into tokens; false at the end of the file. */
static bool next_line(struct parser *p)
{
	while (p->cur < p->nlines) {
		struct line *l = &p->lines[p->cur++];

		const char *w = l->text;
		unsigned int max = RF_MAX_TOKENS;
		size_t n;

		p->lineno = l->no;
		/* the header keys whose line goes on as free text */
		w += strspn(w, " \t");
		n = strcspn(w, " \t");
		if ((n == 7 && !strncmp(w, "summary", n)) ||
		    (n == 7 && !strncmp(w, "mirrors", n)) ||
		    (n == 4 && !strncmp(w, "note", n)))
			max = 1;
		else if (n == 7 && !strncmp(w, "threads", n))
			max = 4;
		else if (n == 8 && !strncmp(w, "topology", n))
			max = 2;
		if (tokenize(p, l->text, max))
			return false;
		if (p->ntoks)
			return true;
	}
	return false;
}

/*
 * Statements up to "end" (or "else" when @allow_else; *saw_else says
 * which).  The block's statements are kept in an array.
 */
static int parse_block(struct parser *p, struct rf_block *b, bool allow_else,
		       bool *saw_else)
{
	unsigned int opened = p->lineno, cap = 0;
	struct rf_stmt *v = NULL;

	b->n = 0;
	b->v = NULL;
	for (;;) {
		if (!next_line(p)) {
			if (p->ret)
				return p->ret;
			p->lineno = opened;
			return fail(p, -EINVAL, "the block opened here has no 'end'");
		}
		if (at_word(p, "end") || (allow_else && at_word(p, "else"))) {
			if (saw_else)
				*saw_else = at_word(p, "else");
			next(p);
			if (expect_end(p, "end"))
				return p->ret;
			break;
		}
		if (at_word(p, "else"))
			return fail(p, -EINVAL, "'else' outside an if");
		if (b->n == cap) {
			struct rf_stmt *nv;

			cap = cap ? cap * 2 : 8;
			nv = rf_alloc(p, cap * sizeof(*nv));
			if (!nv)
				return p->ret;
			if (b->n)
				memcpy(nv, v, b->n * sizeof(*nv));
			v = nv;
		}
		if (parse_stmt(p, &v[b->n]))
			return p->ret;
		b->n++;
	}
	b->v = v;
	return 0;
}

/* ---- headers ------------------------------------------------------------ */

/* The rest of the current line after its first word, trimmed. */
static const char *rest_of_line(struct parser *p)
{
	const char *s = p->lines[p->cur - 1].text;

	while (*s == ' ' || *s == '\t')
		s++;
	while (*s && *s != ' ' && *s != '\t')
		s++;
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

static int set_text(struct parser *p, char *dst, size_t len, const char *key,
		    bool *seen)
{
	const char *s = rest_of_line(p);
	size_t n = strlen(s);

	if (*seen)
		return fail(p, -EINVAL, "'%s' given twice", key);
	*seen = true;
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (!n)
		return fail(p, -EINVAL, "'%s' needs a text", key);
	if (n >= len)
		return fail(p, -E2BIG, "'%s' is longer than %zu characters", key,
			    len - 1);
	memcpy(dst, s, n);
	dst[n] = 0;
	return 0;
}

static int header_u64(struct parser *p, const char *key, uint64_t lo,
		      uint64_t hi, uint64_t *out)
{
	struct tok *t = next(p);

	if (t->kind != TK_NUM || t->num < lo || t->num > hi)
		return fail(p, -EINVAL, "%s takes a number %llu..%llu, not %s", key,
			    (unsigned long long)lo, (unsigned long long)hi,
			    tok_desc(t));
	*out = t->num;
	return 0;
}

static int read_file(const char *path, size_t max, char **out, char *err,
		     size_t errlen);

/* topology file NAME | topology (inline JSON up to "end") */
static int parse_topology(struct parser *p)
{
	struct race_file *f = p->f;
	char perr[256];
	struct pl_topo *t;
	int ret;

	if (f->topology)
		return fail(p, -EINVAL, "'topology' given twice");
	f->topology_line = p->lineno;
	if (accept_word(p, "file")) {
		const char *rel = rest_of_line(p) + strlen("file");
		char path[1024], rerr[256];
		const char *slash;

		while (*rel == ' ' || *rel == '\t')
			rel++;
		if (!*rel)
			return fail(p, -EINVAL, "topology file: the file name is missing");
		if (strlen(rel) >= sizeof(f->topology_ref))
			return fail(p, -E2BIG, "topology file: the name is too long");
		snprintf(f->topology_ref, sizeof(f->topology_ref), "%s", rel);
		slash = strrchr(p->path, '/');
		if (rel[0] != '/' && slash)
			snprintf(path, sizeof(path), "%.*s/%s",
				 (int)(slash - p->path), p->path, rel);
		else
			snprintf(path, sizeof(path), "%s", rel);
		ret = read_file(path, PL_TOPO_MAX_JSON, &f->topology, rerr,
				sizeof(rerr));
		if (ret)
			return fail(p, ret, "topology file: %s", rerr);
	} else {
		size_t len = 0, cap = 0;
		char *buf = NULL;

		if (expect_end(p, "topology (inline: JSON lines, then 'end')"))
			return p->ret;
		for (;;) {
			const char *s;
			size_t n;

			if (p->cur >= p->nlines) {
				free(buf);
				p->lineno = f->topology_line;
				return fail(p, -EINVAL, "the inline topology has no 'end'");
			}
			s = p->lines[p->cur].text;
			p->lineno = p->lines[p->cur].no;
			p->cur++;
			while (*s == ' ' || *s == '\t')
				s++;
			if (!strncmp(s, "end", 3) && !s[3 + strspn(s + 3, " \t")])
				break;
			n = strlen(s);
			if (len + n + 2 > cap) {
				char *nb;

				cap = (len + n + 2) * 2;
				nb = realloc(buf, cap);
				if (!nb) {
					free(buf);
					return fail(p, -ENOMEM, "out of memory");
				}
				buf = nb;
			}
			memcpy(buf + len, s, n);
			len += n;
			buf[len++] = '\n';
			buf[len] = 0;
		}
		if (!buf) {
			p->lineno = f->topology_line;
			return fail(p, -EINVAL, "the inline topology is empty");
		}
		f->topology = buf;
	}
	ret = pl_topo_load("topology", f->topology, &t, perr, sizeof(perr));
	if (ret) {
		p->lineno = f->topology_line;
		return fail(p, ret == -ENOMEM ? ret : -EINVAL, "topology: %s", perr);
	}
	pl_topo_free(t);
	return 0;
}

/* setup, before, after: a block with a frame of its own */
static int parse_part(struct parser *p, struct rf_part *part, const char *key)
{
	struct frame fr;

	if (part->present)
		return fail(p, -EINVAL, "'%s' given twice", key);
	if (expect_end(p, key))
		return p->ret;
	if (part == &p->f->shared && p->frames_opened)
		return fail(p, -EINVAL, "'shared' comes before setup, before, after and the actors (their frames start with its variables)");
	part->present = true;
	part->line = p->lineno;
	frame_init(&fr, part == &p->f->shared ? NULL : p->f);
	p->frame = &fr;
	p->frames_opened = part != &p->f->shared;
	p->depth = 0;
	if (parse_block(p, &part->body, false, NULL))
		return p->ret;
	if (part == &p->f->shared) {
		for (unsigned int i = 0; i < part->body.n; i++) {
			if (part->body.v[i].op != RF_LET) {
				p->lineno = part->body.v[i].line;
				return fail(p, -EINVAL, "'shared' holds let statements only, not %s",
					    rf_op_name(part->body.v[i].op));
			}
		}
	}
	part->nvars = fr.n;
	memcpy(part->var_names, fr.names, sizeof(fr.names));
	return 0;
}

/* actor NAME cycles|per-cycle|background [x COUNT] */
static int parse_actor(struct parser *p)
{
	struct race_file *f = p->f;
	struct rf_actor *a;
	struct tok *t = next(p);
	struct frame fr, cfr;

	if (f->nactors == RF_MAX_ACTORS)
		return fail(p, -E2BIG, "more than %u actors", RF_MAX_ACTORS);
	a = &f->actors[f->nactors];
	memset(a, 0, sizeof(*a));
	a->line = p->lineno;
	if (t->kind != TK_WORD || !valid_ident(t->text))
		return fail(p, -EINVAL, "actor: expected a name (letters, digits, _), not %s",
			    tok_desc(t));
	if (strlen(t->text) >= sizeof(a->name))
		return fail(p, -E2BIG, "actor name '%s' too long", t->text);
	for (unsigned int i = 0; i < f->nactors; i++)
		if (!strcmp(f->actors[i].name, t->text))
			return fail(p, -EINVAL, "two actors named '%s'", t->text);
	snprintf(a->name, sizeof(a->name), "%s", t->text);
	a->key = rf_name_key(a->name, 0);
	if (accept_word(p, "cycles"))
		a->kind = RF_ACTOR_CYCLES;
	else if (accept_word(p, "per-cycle"))
		a->kind = RF_ACTOR_PER_CYCLE;
	else if (accept_word(p, "background"))
		a->kind = RF_ACTOR_BACKGROUND;
	else
		return fail(p, -EINVAL, "actor %s: cycles, per-cycle or background, not %s",
			    a->name, tok_desc(peek(p)));
	/* the count sees the builtins only ("threads") */
	frame_init(&cfr, NULL);
	p->frame = &cfr;
	p->frames_opened = true;
	if (accept_word(p, "x")) {
		if (!(a->count = stmt_expr(p, "actor x COUNT")))
			return p->ret;
	}
	if (expect_end(p, "the actor's line"))
		return p->ret;
	frame_init(&fr, f);
	p->frame = &fr;
	p->depth = 0;
	if (parse_block(p, &a->body, false, NULL))
		return p->ret;
	a->nvars = fr.n;
	memcpy(a->var_names, fr.names, sizeof(fr.names));
	f->nactors++;
	return 0;
}

/* expect fixed=hold linux-6.1=reproduce mainline=hold (any order) */
static int parse_expect(struct parser *p)
{
	struct race_file *f = p->f;

	if (peek(p)->kind == TK_END)
		return fail(p, -EINVAL, "expect: POLICY=hold|reproduce for each policy");
	while (peek(p)->kind != TK_END) {
		struct tok *t = next(p);
		char pol[32];
		const char *eq;
		int pi, e;

		eq = t->kind == TK_WORD ? strchr(t->text, '=') : NULL;
		if (t->kind == TK_WORD && !eq && accept_punct(p, "=")) {
			struct tok *v = next(p);

			snprintf(pol, sizeof(pol), "%s", t->text);
			pi = pl_policy_from_name(pol);
			e = v->kind == TK_WORD ? race_expect_from_name(v->text) : -EINVAL;
			if (pi < 0)
				return fail(p, -EINVAL, "expect: no policy '%s' (fixed, linux-6.1, mainline)",
					    pol);
			if (e < 0)
				return fail(p, -EINVAL, "expect %s: hold or reproduce, not %s",
					    pol, tok_desc(v));
		} else {
			return fail(p, -EINVAL, "expect: POLICY=hold|reproduce, not %s",
				    tok_desc(t));
		}
		if (f->has_expect[pi])
			return fail(p, -EINVAL, "expect: policy %s given twice", pol);
		f->has_expect[pi] = true;
		f->sc.expect[pi] = (unsigned char)e;
	}
	return 0;
}

/* threads DEFAULT MIN MAX WHAT... */
static int parse_threads(struct parser *p, bool *seen)
{
	struct race_file *f = p->f;
	uint64_t d, lo, hi;
	const char *what;
	unsigned int skip = 0;

	if (*seen)
		return fail(p, -EINVAL, "'threads' given twice");
	*seen = true;
	if (header_u64(p, "threads DEFAULT", 1, RACE_MAX_THREADS, &d) ||
	    header_u64(p, "threads MIN", 1, RACE_MAX_THREADS, &lo) ||
	    header_u64(p, "threads MAX", 1, RACE_MAX_THREADS, &hi))
		return p->ret;
	if (lo > hi || d < lo || d > hi)
		return fail(p, -EINVAL, "threads: MIN <= DEFAULT <= MAX, not %llu %llu %llu",
			    (unsigned long long)d, (unsigned long long)lo,
			    (unsigned long long)hi);
	what = rest_of_line(p);
	/* skip the three numbers */
	while (skip < 3 && *what) {
		while (*what && *what != ' ' && *what != '\t')
			what++;
		while (*what == ' ' || *what == '\t')
			what++;
		skip++;
	}
	if (!*what)
		return fail(p, -EINVAL, "threads: say what --threads counts after the numbers");
	if (strlen(what) >= sizeof(f->threads_what))
		return fail(p, -E2BIG, "threads: the text is longer than %zu characters",
			    sizeof(f->threads_what) - 1);
	snprintf(f->threads_what, sizeof(f->threads_what), "%s", what);
	f->sc.threads_def = (unsigned int)d;
	f->sc.threads_min = (unsigned int)lo;
	f->sc.threads_max = (unsigned int)hi;
	return 0;
}

static int parse_decl(struct parser *p, char (*names)[RF_MAX_NAME],
		      unsigned int *n, unsigned int max, const char *key)
{
	struct tok *t = next(p);

	if (t->kind != TK_WORD || !valid_ident(t->text))
		return fail(p, -EINVAL, "%s: expected a name (letters, digits, _), not %s",
			    key, tok_desc(t));
	if (strlen(t->text) >= RF_MAX_NAME)
		return fail(p, -E2BIG, "%s: name too long", key);
	for (unsigned int i = 0; i < *n; i++)
		if (!strcmp(names[i], t->text))
			return fail(p, -EINVAL, "%s '%s' declared twice", key,
				    t->text);
	if (*n == max)
		return fail(p, -E2BIG, "more than %u %ss", max, key);
	snprintf(names[(*n)++], RF_MAX_NAME, "%s", t->text);
	return expect_end(p, key);
}

/* ---- checks after the parse --------------------------------------------- */

static uint64_t op_bits(enum rf_op op, bool is_device)
{
#define OPB(x) (1ull << PROBELAB_OP_##x)
	switch (op) {
	case RF_CLAIM:
		return is_device ? OPB(OWNER_CLAIM_DEVICE) : OPB(OWNER_CLAIM_GROUP);
	case RF_RELEASE: return OPB(OWNER_RELEASE);
	case RF_ALLOC: return OPB(DOMAIN_ALLOC);
	case RF_FREE: return OPB(DOMAIN_FREE);
	case RF_ATTACH: return OPB(ATTACH);
	case RF_DETACH: return OPB(DETACH);
	case RF_MAP: return OPB(MAP);
	case RF_UNMAP: return OPB(UNMAP);
	case RF_RACE: return OPB(RACE);
	default: return 0;
	}
#undef OPB
}

/* needs_op and the kernel threads of RACE statements (constant counts). */
static void scan_block(struct race_file *f, const struct rf_block *b)
{
	for (unsigned int i = 0; i < b->n; i++) {
		const struct rf_stmt *s = &b->v[i];

		f->sc.needs_op |= op_bits(s->op, s->is_device);
		if (s->op == RF_RACE && s->e[0]->kind == RFE_NUM &&
		    s->e[0]->num > (int64_t)f->sc.kthreads)
			f->sc.kthreads = (unsigned int)s->e[0]->num;
		scan_block(f, &s->body);
		scan_block(f, &s->orelse);
	}
}

static int final_checks(struct parser *p, bool seen_invariant)
{
	struct race_file *f = p->f;
	unsigned int per_cycle = 0, cycles = 0, background = 0;

	p->lineno = p->nlines ? p->lines[p->nlines - 1].no : 1;
	if (!f->name[0])
		return fail(p, -EINVAL, "'scenario NAME' is missing");
	if (!f->summary[0])
		return fail(p, -EINVAL, "'summary' is missing");
	if (!seen_invariant)
		return fail(p, -EINVAL, "'invariant N' is missing");
	for (unsigned int i = 0; i < PL_NR_POLICIES; i++)
		if (!f->has_expect[i])
			return fail(p, -EINVAL, "'expect' says nothing of policy %s",
				    pl_policy_name(i));
	if (!f->topology)
		return fail(p, -EINVAL, "'topology' is missing");
	if (!f->nactors)
		return fail(p, -EINVAL, "no actor");
	for (unsigned int i = 0; i < f->nactors; i++) {
		switch (f->actors[i].kind) {
		case RF_ACTOR_PER_CYCLE: per_cycle++; break;
		case RF_ACTOR_CYCLES: cycles++; break;
		case RF_ACTOR_BACKGROUND: background++; break;
		}
	}
	if (per_cycle && cycles) {
		p->lineno = f->actors[0].line;
		return fail(p, -EINVAL, "per-cycle actors and cycles actors do not mix: per-cycle actors are released together each cycle, cycles actors take cycles alone");
	}
	if (!per_cycle && !cycles) {
		p->lineno = f->actors[0].line;
		return fail(p, -EINVAL, "no actor counts cycles: at least one must be 'cycles' or 'per-cycle'");
	}
	if ((f->before.present || f->after.present) && !per_cycle) {
		p->lineno = f->before.present ? f->before.line : f->after.line;
		return fail(p, -EINVAL, "before and after go with per-cycle actors");
	}
	if (f->relab && background) {
		p->lineno = f->actors[0].line;
		return fail(p, -EINVAL, "relab resets the lab between cycles: a background actor would run into it");
	}
	scan_block(f, &f->setup.body);
	scan_block(f, &f->before.body);
	scan_block(f, &f->after.body);
	for (unsigned int i = 0; i < f->nactors; i++)
		scan_block(f, &f->actors[i].body);
	return 0;
}

/* ---- the file ------------------------------------------------------------ */

static int split_lines(struct parser *p, char *text)
{
	unsigned int no = 0, cap = 0;
	char *s = text;

	while (*s) {
		char *nl = strchr(s, '\n'), *hash;
		size_t len;

		no++;
		p->lineno = no;
		if (nl)
			*nl = 0;
		len = strlen(s);
		if (len && s[len - 1] == '\r')
			s[--len] = 0;
		if (len > RF_MAX_LINE)
			return fail(p, -E2BIG, "a line longer than %u characters",
				    RF_MAX_LINE);
		for (size_t i = 0; i < len; i++)
			if ((unsigned char)s[i] < 0x20 && s[i] != '\t')
				return fail(p, -EINVAL, "a control character (0x%02x) in the line",
					    (unsigned char)s[i]);
		hash = strchr(s, '#');
		if (hash)
			*hash = 0;
		if (p->nlines == cap) {
			struct line *nv;

			cap = cap ? cap * 2 : 128;
			nv = realloc(p->lines, cap * sizeof(*nv));
			if (!nv)
				return fail(p, -ENOMEM, "out of memory");
			p->lines = nv;
		}
		p->lines[p->nlines].no = no;
		p->lines[p->nlines].text = s;
		p->nlines++;
		if (!nl)
			break;
		s = nl + 1;
	}
	return 0;
}

static int parse_file(struct parser *p)
{
	struct race_file *f = p->f;
	bool seen_summary = false, seen_mirrors = false, seen_note = false;
	bool seen_threads = false, seen_invariant = false, seen_bug = false;
	bool seen_relab = false, seen_det = false;

	while (next_line(p)) {
		struct tok *kw = next(p);
		const char *w = kw->text;

		if (kw->kind != TK_WORD)
			return fail(p, -EINVAL, "expected a keyword, not '%s'", w);
		if (!strcmp(w, "scenario")) {
			struct tok *t = next(p);

			if (f->name[0])
				return fail(p, -EINVAL, "'scenario' given twice");
			if (t->kind != TK_WORD)
				return fail(p, -EINVAL, "scenario: expected a name, not %s",
					    tok_desc(t));
			for (const char *c = t->text; *c; c++)
				if (!islower((unsigned char)*c) &&
				    !isdigit((unsigned char)*c) && *c != '-')
					return fail(p, -EINVAL, "scenario name '%s': lower-case letters, digits and '-' only",
						    t->text);
			snprintf(f->name, sizeof(f->name), "%s", t->text);
			if (expect_end(p, "scenario NAME"))
				return p->ret;
		} else if (!strcmp(w, "summary")) {
			if (set_text(p, f->summary, sizeof(f->summary), w,
				     &seen_summary))
				return p->ret;
		} else if (!strcmp(w, "mirrors")) {
			if (set_text(p, f->mirrors, sizeof(f->mirrors), w,
				     &seen_mirrors))
				return p->ret;
		} else if (!strcmp(w, "note")) {
			if (set_text(p, f->note, sizeof(f->note), w, &seen_note))
				return p->ret;
		} else if (!strcmp(w, "bug")) {
			struct tok *t = next(p);

			if (seen_bug)
				return fail(p, -EINVAL, "'bug' given twice");
			seen_bug = true;
			if (t->kind != TK_WORD)
				return fail(p, -EINVAL, "bug: expected a known bug's id, not %s",
					    tok_desc(t));
			snprintf(f->bug, sizeof(f->bug), "%s", t->text);
			if (expect_end(p, "bug ID"))
				return p->ret;
		} else if (!strcmp(w, "invariant")) {
			uint64_t v;

			if (seen_invariant)
				return fail(p, -EINVAL, "'invariant' given twice");
			seen_invariant = true;
			if (header_u64(p, "invariant", 1, 9, &v) ||
			    expect_end(p, "invariant N"))
				return p->ret;
			f->sc.invariant = (unsigned int)v;
		} else if (!strcmp(w, "expect")) {
			if (parse_expect(p))
				return p->ret;
		} else if (!strcmp(w, "threads")) {
			if (parse_threads(p, &seen_threads))
				return p->ret;
		} else if (!strcmp(w, "relab")) {
			if (seen_relab)
				return fail(p, -EINVAL, "'relab' given twice");
			seen_relab = true;
			if (header_u64(p, "relab", 1, RACE_MAX_ITERATIONS,
				       &f->relab) || expect_end(p, "relab N"))
				return p->ret;
		} else if (!strcmp(w, "deterministic")) {
			if (seen_det)
				return fail(p, -EINVAL, "'deterministic' given twice");
			seen_det = true;
			f->sc.deterministic = true;
			if (expect_end(p, "deterministic"))
				return p->ret;
		} else if (!strcmp(w, "flag")) {
			if (parse_decl(p, f->flags, &f->nflags, RF_MAX_FLAGS, "flag"))
				return p->ret;
		} else if (!strcmp(w, "handle")) {
			if (parse_decl(p, f->handles, &f->nhandles,
				       RF_MAX_HANDLES, "handle"))
				return p->ret;
		} else if (!strcmp(w, "topology")) {
			if (parse_topology(p))
				return p->ret;
		} else if (!strcmp(w, "shared")) {
			if (parse_part(p, &f->shared, w))
				return p->ret;
		} else if (!strcmp(w, "setup")) {
			if (parse_part(p, &f->setup, w))
				return p->ret;
		} else if (!strcmp(w, "before")) {
			if (parse_part(p, &f->before, w))
				return p->ret;
		} else if (!strcmp(w, "after")) {
			if (parse_part(p, &f->after, w))
				return p->ret;
		} else if (!strcmp(w, "actor")) {
			if (parse_actor(p))
				return p->ret;
		} else if (!strcmp(w, "end") || !strcmp(w, "else")) {
			return fail(p, -EINVAL, "'%s' without a block", w);
		} else {
			return fail(p, -EINVAL, "unknown keyword '%s'", w);
		}
	}
	if (p->ret)
		return p->ret;
	if (!seen_threads) {
		f->sc.threads_def = f->sc.threads_min = f->sc.threads_max = 1;
		snprintf(f->threads_what, sizeof(f->threads_what),
			 "one: the file does not use --threads");
	}
	return final_checks(p, seen_invariant);
}

void race_file_free(struct race_file *f)
{
	if (!f)
		return;
	for (unsigned int i = 0; i < f->nallocs; i++)
		free(f->allocs[i]);
	free(f->allocs);
	free(f->topology);
	free(f);
}

void race_file_bind_scenario(struct race_file *f);

int race_file_parse(const char *path, const char *text, struct race_file **out,
		    char *err, size_t errlen)
{
	struct parser p = { .path = path ? path : "-", .err = err,
			    .errlen = errlen, .lineno = 1 };
	size_t len = strlen(text);
	char *copy;
	int ret;

	*out = NULL;
	if (err && errlen)
		err[0] = 0;
	if (len > RF_MAX_FILE)
		return fail(&p, -E2BIG, "the file is larger than %u bytes",
			    RF_MAX_FILE);
	p.f = calloc(1, sizeof(*p.f));
	copy = strdup(text);
	if (!p.f || !copy) {
		free(copy);
		free(p.f);
		return fail(&p, -ENOMEM, "out of memory");
	}
	snprintf(p.f->path, sizeof(p.f->path), "%s", p.path);
	ret = split_lines(&p, copy);
	if (!ret)
		ret = parse_file(&p);
	free(p.lines);
	free(copy);
	if (ret) {
		race_file_free(p.f);
		return ret;
	}
	race_file_bind_scenario(p.f);
	*out = p.f;
	return 0;
}

static int read_file(const char *path, size_t max, char **out, char *err,
		     size_t errlen)
{
	FILE *fp = fopen(path, "r");
	size_t n;
	char *buf;

	*out = NULL;
	if (!fp) {
		int e = errno;

		snprintf(err, errlen, "%s: %s", path, strerror(e));
		return -e;
	}
	buf = malloc(max + 2);
	if (!buf) {
		fclose(fp);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	n = fread(buf, 1, max + 1, fp);
	if (ferror(fp)) {
		snprintf(err, errlen, "%s: read error", path);
		fclose(fp);
		free(buf);
		return -EIO;
	}
	fclose(fp);
	if (n > max) {
		snprintf(err, errlen, "%s is larger than %zu bytes", path, max);
		free(buf);
		return -E2BIG;
	}
	if (memchr(buf, 0, n)) {
		snprintf(err, errlen, "%s has a NUL byte: not a text file", path);
		free(buf);
		return -EINVAL;
	}
	buf[n] = 0;
	*out = buf;
	return 0;
}

int race_file_load(const char *path, struct race_file **out, char *err,
		   size_t errlen)
{
	char *text;
	int ret = read_file(path, RF_MAX_FILE, &text, err, errlen);

	*out = NULL;
	if (ret)
		return ret;
	ret = race_file_parse(path, text, out, err, errlen);
	free(text);
	return ret;
}

const char *rf_op_name(enum rf_op op)
{
	static const char *const names[RF_NR_OPS] = {
		[RF_ADD_NAMED] = "add", [RF_ADD_PCI] = "add pci",
		[RF_REMOVE] = "remove", [RF_REGISTER] = "register",
		[RF_UNREGISTER] = "unregister", [RF_BIND] = "bind",
		[RF_UNBIND] = "unbind", [RF_CLAIM] = "claim",
		[RF_RELEASE] = "release", [RF_ALLOC] = "alloc",
		[RF_FREE] = "free", [RF_ATTACH] = "attach",
		[RF_DETACH] = "detach", [RF_MAP] = "map", [RF_UNMAP] = "unmap",
		[RF_WALK] = "walk", [RF_RACE] = "race", [RF_INJECT] = "inject",
		[RF_SLEEP] = "sleep", [RF_WAIT_BOUND] = "wait bound",
		[RF_WAIT_PROBED] = "wait probed", [RF_SIGNAL] = "signal",
		[RF_LET] = "let", [RF_IF] = "if", [RF_REPEAT] = "repeat",
		[RF_UNTIL] = "until",
	};

	return op < RF_NR_OPS && names[op] ? names[op] : "?";
}

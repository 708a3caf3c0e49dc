/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libprobelab: the parsed form of a scenario file (docs/scenario-format.md),
 * shared by its parser (race_file_parse.c), its interpreter (race_file.c)
 * and its printer (race_file_print.c).  Not installed: race_file.h is the
 * interface.
 *
 * Names are resolved at parse time: a variable is a slot of its actor's
 * (or block's) frame, a constant (a driver, an errno) a number, a flag an
 * index; only device, domain and IOMMU names stay text (templates, with
 * "$var" parts filled in at run time).
 */
#ifndef LIBPROBELAB_RACE_FILE_AST_H
#define LIBPROBELAB_RACE_FILE_AST_H

#include <stdbool.h>
#include <stdint.h>

#include "race.h"
#include "race_file.h"

/* ---- bounds (the parser refuses more) ---------------------------------- */
#define RF_MAX_FILE		(64u << 10)	/* bytes of a scenario file */
#define RF_MAX_LINE		1024		/* characters of one line */
#define RF_MAX_TOKENS		64		/* tokens of one line */
#define RF_MAX_STMTS		1024		/* statements of a file */
#define RF_MAX_DEPTH		8		/* nested if/repeat/until */
#define RF_MAX_ACTORS		8
#define RF_MAX_VARS		16		/* slots of one frame */
#define RF_MAX_FLAGS		8
#define RF_MAX_HANDLES		2		/* owner tokens besides the run's */
#define RF_MAX_EXPR_DEPTH	16
#define RF_MAX_EXPR_NODES	48		/* per expression */
#define RF_MAX_PICK		16		/* arguments of pick() */
#define RF_MAX_ALLOW		4		/* errnos of one allow clause */
#define RF_MAX_TMPL_PARTS	4		/* "$var" parts of one name */
#define RF_MAX_NAME		32		/* a name, after expansion */
#define RF_MAX_TEXT		512		/* summary, mirrors, note */
#define RF_MAX_OBJECTS		64		/* devices + domains of a run */
#define RF_MAX_REPEAT		100000		/* iterations of one repeat */
#define RF_MAX_SLEEP_US		1000000		/* one sleep */
#define RF_MAX_WAIT_MS		60000		/* one wait */

/* Builtin variable slots, in every frame (then the shared lets'). */
enum rf_builtin {
	RF_VAR_I = 0,		/* the actor instance (0..count-1) */
	RF_VAR_K,		/* the cycle (background: the iteration) */
	RF_VAR_THREADS,		/* --threads */
	RF_VAR_ERR,		/* errno of the last op with allow, or 0 */
	RF_NR_BUILTINS
};

enum rf_expr_kind {
	RFE_NUM,		/* @num */
	RFE_VAR,		/* frame slot @slot */
	RFE_BIN,		/* @a @op @b */
	RFE_NEG,		/* -@a */
	RFE_NOT,		/* !@a */
	RFE_RAND,		/* rand(@a, @b): inclusive, from the frame's stream */
	RFE_PICK,		/* pick(@args...): one of them, uniformly */
};

enum rf_binop {
	RFB_ADD, RFB_SUB, RFB_MUL, RFB_DIV, RFB_MOD,
	RFB_EQ, RFB_NE, RFB_LT, RFB_LE, RFB_GT, RFB_GE, RFB_AND, RFB_OR,
};

struct rf_expr {
	enum rf_expr_kind kind;
	enum rf_binop op;
	int64_t num;
	char cname[24];		/* RFE_NUM of a constant: its name, for printing */
	unsigned int slot;
	struct rf_expr *a, *b;
	unsigned int nargs;
	struct rf_expr *args[RF_MAX_PICK];
};

/* A name with "$var" parts: lit[0] var[0] lit[1] var[1] ... lit[n]. */
struct rf_tmpl {
	unsigned int nvars;
	char lit[RF_MAX_TMPL_PARTS + 1][RF_MAX_NAME];
	unsigned int var[RF_MAX_TMPL_PARTS];
	char src[RF_MAX_NAME * 2];	/* as written, for messages */
};

enum rf_op {
	RF_ADD_NAMED,		/* add NAME [platform-ops] */
	RF_ADD_PCI,		/* add NAME pci DEV FN [seg S] [bus B] [alias DEV FN] */
	RF_REMOVE,		/* remove NAME */
	RF_REGISTER,		/* register IOMMU */
	RF_UNREGISTER,		/* unregister IOMMU */
	RF_BIND,		/* bind NAME DRIVER [expect bound|deferred] */
	RF_UNBIND,		/* unbind NAME */
	RF_CLAIM,		/* claim group|device NAME */
	RF_RELEASE,		/* release group|device NAME */
	RF_ALLOC,		/* alloc DOMAIN on NAME */
	RF_FREE,		/* free DOMAIN */
	RF_ATTACH,		/* attach group|device NAME DOMAIN */
	RF_DETACH,		/* detach group|device NAME */
	RF_MAP,			/* map DOMAIN IOVA PADDR SIZE */
	RF_UNMAP,		/* unmap DOMAIN IOVA SIZE */
	RF_WALK,		/* walk DOMAIN: read its debugfs pgtable */
	RF_RACE,		/* race of_configure NAME threads N ms M */
	RF_INJECT,		/* inject POINT delay|fail|off ... */
	RF_SLEEP,		/* sleep US */
	RF_WAIT_BOUND,		/* wait bound NAME DRIVER MS */
	RF_WAIT_PROBED,		/* wait probed NAME MS [poll US] */
	RF_SIGNAL,		/* signal FLAG */
	RF_LET,			/* let VAR = EXPR */
	RF_IF,			/* if EXPR ... [else ...] end */
	RF_REPEAT,		/* repeat EXPR [as VAR] ... end */
	RF_UNTIL,		/* until FLAG ... end */
	RF_NR_OPS
};

struct rf_block {
	unsigned int n;
	struct rf_stmt *v;	/* n statements */
};

/* bind's expect clause */
enum rf_bind_expect { RF_BIND_ANY, RF_BIND_BOUND, RF_BIND_DEFERRED };

struct rf_stmt {
	enum rf_op op;
	unsigned int line;
	struct rf_tmpl name;		/* device, IOMMU or domain */
	struct rf_tmpl name2;		/* domain of attach; device of alloc */
	struct rf_expr *e[5];		/* the op's numbers (see race_file.c) */
	bool is_device;			/* claim/release/attach/detach device */
	bool platform_ops;		/* add NAME platform-ops */
	bool has_alias;			/* add pci ... alias */
	enum rf_bind_expect expect;
	unsigned int slot;		/* let, repeat as */
	bool has_slot;
	unsigned int flag;		/* signal, until */
	int handle;			/* via: -1 the run's, else 0.. */
	unsigned int nallow;
	int allow[RF_MAX_ALLOW];	/* positive errnos */
	/* inject */
	char point[PROBELAB_NAME_LEN];
	unsigned int action;		/* PROBELAB_INJECT_* */
	int error;			/* fail: positive errno */
	bool has_dev;			/* inject ... dev NAME (in @name) */
	uint32_t key;			/* inject: RF_STREAM_INJECT's */
	struct rf_block body, orelse;
};

enum rf_actor_kind {
	RF_ACTOR_CYCLES,	/* drives cycles: one body per cycle it takes */
	RF_ACTOR_PER_CYCLE,	/* one body per cycle, all released together */
	RF_ACTOR_BACKGROUND,	/* loops its body until the run stops */
};

struct rf_actor {
	char name[RF_MAX_NAME];
	unsigned int line;
	enum rf_actor_kind kind;
	struct rf_expr *count;		/* instances (of threads) */
	uint32_t key;			/* RF_STREAM_ACTOR's: rf_name_key(name) */
	struct rf_block body;
	unsigned int nvars;		/* slots its frame needs */
	/* leading lets, for the plan: their names */
	char var_names[RF_MAX_VARS][RF_MAX_NAME];
};

/* A block run outside the actors: setup, before, after. */
struct rf_part {
	bool present;
	unsigned int line;
	struct rf_block body;
	unsigned int nvars;
	char var_names[RF_MAX_VARS][RF_MAX_NAME];
};

struct race_file {
	struct race_scenario sc;	/* what the engine runs */
	char path[512];
	char name[RF_MAX_NAME * 2];
	char bug[RF_MAX_NAME * 2];
	char summary[RF_MAX_TEXT];
	char mirrors[RF_MAX_TEXT];
	char note[RF_MAX_TEXT];
	char threads_what[RF_MAX_TEXT / 4];
	char *topology;			/* the JSON text */
	char topology_ref[256];		/* "file X" as written, or "" inline */
	unsigned int topology_line;
	uint64_t relab;
	bool has_expect[PL_NR_POLICIES];
	unsigned int nflags;
	char flags[RF_MAX_FLAGS][RF_MAX_NAME];
	unsigned int nhandles;
	char handles[RF_MAX_HANDLES][RF_MAX_NAME];
	/* shared: lets every frame evaluates first, from RF_STREAM_SHARED */
	struct rf_part shared;
	struct rf_part setup, before, after;
	unsigned int nactors;
	struct rf_actor actors[RF_MAX_ACTORS];
	unsigned int nstmts;
	unsigned int ninjects;		/* inject statements so far (parse) */
	/* every allocation, freed together */
	void **allocs;
	unsigned int nallocs, cap_allocs;
};

/* The run-time stream of one frame: independent per (stream, cycle). */
#define RF_STREAM_SETUP		900
#define RF_STREAM_BEFORE	901
#define RF_STREAM_AFTER		902
/* the shared lets: the same values in every frame of a cycle */
#define RF_STREAM_SHARED	903
/*
 * An actor instance's stream: from a hash of the actor's name, and an
 * inject statement's own from its point and its occurrence among the
 * statements arming that point - so that a file printed again, or shrunk
 * by --minimize, draws the same numbers for what it keeps.
 */
#define RF_STREAM_ACTOR(key, i)	(((uint64_t)(key) << 8) | 0x10000u | (i))
#define RF_STREAM_INJECT(key)	(((uint64_t)(key) << 8) | 0x20000u)

/* FNV-1a of a name: the keys above */
static inline uint32_t rf_name_key(const char *s, unsigned int salt)
{
	uint32_t h = 2166136261u ^ salt;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

const char *rf_op_name(enum rf_op op);

/*
 * race_file_print() leaving elements out: @keep is asked about every
 * actor (a struct rf_actor *) and every statement (a struct rf_stmt *, at
 * any depth; one left out goes with its body) before it is printed.
 * race_minimize.c's candidates.
 */
struct rf_print_filter {
	bool (*keep)(const void *elem, void *arg);
	void *arg;
};

int race_file_print_filtered(const struct race_file *f,
			     const struct rf_print_filter *flt, char **out);

#endif /* LIBPROBELAB_RACE_FILE_AST_H */

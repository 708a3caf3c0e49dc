// SPDX-License-Identifier: GPL-2.0
/*
 * The scenario-file parser (tools/lib/race_file_parse.c) and the parts of
 * the interpreter that need no module (race_file.c): every file of
 * scenarios/ parses, a minimal file gives the scenario the engine runs,
 * plans and injections follow the seed, the shared lets agree, printing
 * gives a file that parses to the same; and every error path of the
 * parser, each with the line it names.  The runs are tested in the guests
 * (tests/guest/race_scenarios.sh).
 */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "race.h"
#include "race_file.h"

/* 7 lines: a file needs an actor after them */
#define HEAD							\
	"scenario t\n"						\
	"summary a test\n"					\
	"invariant 4\n"						\
	"expect fixed=hold linux-6.1=reproduce mainline=hold\n"	\
	"topology\n"						\
	"{ \"version\": 1, \"iommus\": [ { \"name\": \"smmu0\", \"type\": \"smmuv3\", \"sid_bits\": 16 } ] }\n" \
	"end\n"
#define ACTOR "actor a cycles\n  register smmu0\nend\n"

static struct race_file *parse_ok(const char *text)
{
	struct race_file *f = NULL;
	char err[512];
	int ret = race_file_parse("t.race", text, &f, err, sizeof(err));

	if (ret)
		fail_msg("parse failed (%d): %s", ret, err);
	assert_non_null(f);
	return f;
}

/* @text must fail at @line with a message containing @what. */
static void bad_at(const char *text, unsigned int line, const char *what)
{
	struct race_file *f = (struct race_file *)1;
	char err[512], want[32];
	int ret = race_file_parse("t.race", text, &f, err, sizeof(err));

	if (!ret)
		fail_msg("parsed, expected '%s' at line %u:\n%s", what, line, text);
	assert_null(f);
	snprintf(want, sizeof(want), "t.race:%u: ", line);
	if (strncmp(err, want, strlen(want)) || !strstr(err, what))
		fail_msg("got '%s', expected '%s' at line %u", err, what, line);
}

/* HEAD + @body: the error at line 7 + @off */
static void bad_body(const char *body, unsigned int off, const char *what)
{
	char text[8192];

	snprintf(text, sizeof(text), "%s%s", HEAD, body);
	bad_at(text, 7 + off, what);
}

static void repo_files_parse(void **state)
{
	const char *dir = getenv("PROBELAB_REPO_SCENARIOS");
	unsigned int n = 0;
	struct dirent *de;
	DIR *d;

	(void)state;
	if (!dir)
		dir = "scenarios";
	d = opendir(dir);
	assert_non_null(d);
	while ((de = readdir(d))) {
		char path[1024], err[512];
		struct race_file *f;
		const struct race_scenario *sc;
		size_t l = strlen(de->d_name);

		if (l < 6 || strcmp(de->d_name + l - 5, ".race"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (race_file_load(path, &f, err, sizeof(err)))
			fail_msg("%s", err);
		sc = race_file_scenario(f);
		/* named after its file */
		assert_int_equal(strlen(sc->name), l - 5);
		assert_memory_equal(sc->name, de->d_name, l - 5);
		assert_true(sc->implemented);
		assert_ptr_equal(race_scenario_file(sc), f);
		assert_int_equal(sc->expect[PROBELAB_POLICY_FIXED], RACE_EXPECT_HOLD);
		assert_true(sc->nr_roles(sc, sc->threads_max) >= 1);
		assert_true(sc->nr_roles(sc, sc->threads_max) <= RACE_MAX_THREADS + 4);
		race_file_free(f);
		n++;
	}
	closedir(d);
	assert_true(n >= 8);
}

static void minimal_file(void **state)
{
	struct race_file *f = parse_ok(HEAD "bug my-bug\nthreads 2 1 4 binders\n"
				       "actor a cycles x threads\n  bind d$i dma allow EBUSY\nend\n"
				       "setup\n  add d0\n  add d1\nend\n");
	const struct race_scenario *sc = race_file_scenario(f);

	(void)state;
	assert_string_equal(sc->name, "t");
	assert_string_equal(sc->summary, "a test");
	assert_int_equal(sc->invariant, 4);
	assert_int_equal(sc->expect[PROBELAB_POLICY_LINUX_6_1], RACE_EXPECT_REPRODUCE);
	assert_int_equal(sc->expect[PROBELAB_POLICY_MAINLINE], RACE_EXPECT_HOLD);
	assert_string_equal(sc->known_bug, "my-bug");
	assert_string_equal(race_file_bug(f), "my-bug");
	assert_int_equal(sc->threads_def, 2);
	assert_int_equal(sc->threads_min, 1);
	assert_int_equal(sc->threads_max, 4);
	assert_string_equal(sc->threads_what, "binders");
	/* cycles actors: one role per instance */
	assert_int_equal(sc->nr_roles(sc, 3), 3);
	assert_int_equal(sc->needs_op, 0);
	assert_non_null(sc->setup);
	assert_non_null(sc->role);
	assert_null(sc->plan);
	assert_string_equal(race_file_path(f), "t.race");
	race_file_free(f);

	/* no threads line: 1 1 1; ops give needs_op; RACE gives kthreads */
	f = parse_ok(HEAD "handle h\n"
		     "actor k background\n  race of_configure d0 threads 3 ms 100\nend\n"
		     "actor a cycles\n  claim group d0 via h\n  alloc x on d0\n  map x 0 0 4096\nend\n");
	sc = race_file_scenario(f);
	assert_int_equal(sc->threads_def, 1);
	assert_int_equal(sc->kthreads, 3);
	assert_int_equal(sc->nr_roles(sc, 1), 2);
	assert_true(sc->needs_op & (1ull << PROBELAB_OP_RACE));
	assert_true(sc->needs_op & (1ull << PROBELAB_OP_OWNER_CLAIM_GROUP));
	assert_true(sc->needs_op & (1ull << PROBELAB_OP_DOMAIN_ALLOC));
	assert_true(sc->needs_op & (1ull << PROBELAB_OP_MAP));
	assert_false(sc->needs_op & (1ull << PROBELAB_OP_OWNER_CLAIM_DEVICE));
	race_file_free(f);

	/* per-cycle actors: one driver role; comments, blank lines, CRLF */
	f = parse_ok("# a comment\r\n\r\n" HEAD
		     "flag go\n"
		     "actor a per-cycle x threads  # instances\n  signal go\nend\n"
		     "actor b per-cycle\n  until go\n    sleep 1\n  end\nend\n"
		     "before\n  let x = 1\nend\nafter\n  sleep 0\nend\n");
	sc = race_file_scenario(f);
	assert_int_equal(sc->nr_roles(sc, 4), 1);
	race_file_free(f);
}

/* The same seed gives the same plan and injections; another seed another. */
static void plans_follow_the_seed(void **state)
{
	struct race_file *f = parse_ok(HEAD "threads 2 1 4 x\n"
				       "shared\n  let s = rand(0, 1000000)\nend\n"
				       "setup\n  inject probe.unlocked delay rand(100, 200) jitter 50 every 2 ppm 500000\nend\n"
				       "actor a cycles x threads\n  let p = rand(0, 1000000)\n  let q = pick(dma, user) + s * 0\n  sleep p\nend\n");
	struct probelab_inject x[RACE_MAX_INJECT], y[RACE_MAX_INJECT];
	char a[512], b[512];
	unsigned int n;

	(void)state;
	race_file_plan(f, 7, 3, 2, a, sizeof(a));
	race_file_plan(f, 7, 3, 2, b, sizeof(b));
	assert_string_equal(a, b);
	assert_non_null(strstr(a, "shared: s="));
	assert_non_null(strstr(a, "a0: p="));
	assert_non_null(strstr(a, "a1: p="));
	race_file_plan(f, 8, 3, 2, b, sizeof(b));
	assert_string_not_equal(a, b);
	race_file_plan(f, 7, 4, 2, b, sizeof(b));
	assert_string_not_equal(a, b);
	/* cut, never overrun */
	race_file_plan(f, 7, 3, 2, a, 8);
	assert_true(strlen(a) <= 7);

	n = race_file_injections(f, 5, 2, x, RACE_MAX_INJECT);
	assert_int_equal(n, 1);
	assert_int_equal(race_file_injections(f, 5, 2, y, RACE_MAX_INJECT), 1);
	assert_memory_equal(x, y, sizeof(x[0]));
	assert_string_equal(x[0].point, "probe.unlocked");
	assert_int_equal(x[0].action, PROBELAB_INJECT_DELAY);
	assert_true(x[0].delay_us >= 100 && x[0].delay_us <= 200);
	assert_int_equal(x[0].jitter_us, 50);
	assert_int_equal(x[0].every_nth, 2);
	assert_int_equal(x[0].ppm, 500000);
	race_file_injections(f, 6, 2, y, RACE_MAX_INJECT);
	assert_true(x[0].seed != y[0].seed);
	race_file_free(f);
}

/* Every frame of a cycle sees the same shared values. */
static void shared_lets_agree(void **state)
{
	struct race_file *f = parse_ok(HEAD "threads 3 1 3 x\n"
				       "shared\n  let s = rand(0, 1000000000)\nend\n"
				       "actor a per-cycle x threads\n  let v = s\n  sleep 0\nend\n"
				       "after\n  let v = s\nend\n");
	char buf[512], first[64];
	const char *p;
	unsigned int n = 0;

	(void)state;
	race_file_plan(f, 11, 2, 3, buf, sizeof(buf));
	p = strstr(buf, "shared: s=");
	assert_non_null(p);
	snprintf(first, sizeof(first), "v=%s", p + strlen("shared: s="));
	*strchr(first, ';') = 0;
	for (p = buf; (p = strstr(p, first)); p++)
		n++;
	/* a0, a1, a2 and after */
	assert_int_equal(n, 4);
	race_file_free(f);
}

static void print_round_trip(void **state)
{
	struct race_file *f, *g;
	char *a, *b, err[512];
	const char *dir = "scenarios";
	struct dirent *de;
	DIR *d;

	(void)state;
	d = opendir(dir);
	assert_non_null(d);
	while ((de = readdir(d))) {
		char path[1024];
		size_t l = strlen(de->d_name);

		if (l < 6 || strcmp(de->d_name + l - 5, ".race"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		assert_int_equal(race_file_load(path, &f, err, sizeof(err)), 0);
		assert_int_equal(race_file_print(f, &a), 0);
		if (race_file_parse(path, a, &g, err, sizeof(err)))
			fail_msg("%s printed does not parse: %s\n%s", path, err, a);
		assert_int_equal(race_file_print(g, &b), 0);
		assert_string_equal(a, b);
		free(a);
		free(b);
		race_file_free(f);
		race_file_free(g);
	}
	closedir(d);
}

static void topology_file(void **state)
{
	char path[] = "/tmp/test_race_file.XXXXXX", json[600], text[1024];
	struct race_file *f;
	char err[512];
	FILE *fp;
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	fp = fdopen(fd, "w");
	fputs("{ \"version\": 1, \"iommus\": [ { \"name\": \"smmu0\", \"type\": \"smmuv3\", \"sid_bits\": 16 } ] }\n", fp);
	fclose(fp);
	snprintf(text, sizeof(text),
		 "scenario t\nsummary s\ninvariant 1\nexpect fixed=hold linux-6.1=hold mainline=hold\n"
		 "topology file %s\n" ACTOR, path);
	assert_int_equal(race_file_parse("t.race", text, &f, err, sizeof(err)), 0);
	race_file_free(f);
	/* relative to the scenario file's directory */
	snprintf(json, sizeof(json), "/tmp/%s.race", strrchr(path, '/') + 1);
	snprintf(text, sizeof(text),
		 "scenario t\nsummary s\ninvariant 1\nexpect fixed=hold linux-6.1=hold mainline=hold\n"
		 "topology file %s\n" ACTOR, strrchr(path, '/') + 1);
	assert_int_equal(race_file_parse(json, text, &f, err, sizeof(err)), 0);
	race_file_free(f);
	unlink(path);
	assert_int_equal(race_file_parse(json, text, &f, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, ":5: topology file: "));
	assert_int_equal(race_file_load("/nonexistent/x.race", &f, err, sizeof(err)),
			 -ENOENT);
	assert_null(f);
}

static void file_errors(void **state)
{
	char big[70000], text[4096];

	(void)state;
	memset(big, '#', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	bad_at(big, 1, "larger than");
	memset(text, 'x', 1100);
	text[1100] = 0;
	bad_at(text, 1, "longer than 1024");
	bad_at("scenario t\nsummary a\x01b\n", 2, "control character");
	bad_at("", 1, "'scenario NAME' is missing");
	bad_at("scenario t\n", 1, "'summary' is missing");
	bad_at("scenario t\nsummary s\n", 2, "'invariant N' is missing");
	bad_at("scenario t\nsummary s\ninvariant 1\nexpect fixed=hold\n", 4,
	       "says nothing of policy linux-6.1");
	bad_at("scenario t\nsummary s\ninvariant 1\nexpect fixed=hold linux-6.1=hold mainline=hold\n",
	       4, "'topology' is missing");
	bad_body("", 0, "no actor");
}

static void header_errors(void **state)
{
	(void)state;
	bad_at("scenario t x\n", 1, "unexpected 'x'");
	bad_at("scenario T\n", 1, "lower-case letters");
	bad_at("scenario (\n", 1, "expected a name");
	bad_at("scenario t\nscenario t\n", 2, "given twice");
	bad_at("summary\n", 1, "needs a text");
	bad_at("summary a\nsummary b\n", 2, "given twice");
	bad_body("note a\nnote b\n" ACTOR, 2, "'note' given twice");
	bad_body("mirrors x\nmirrors y\n" ACTOR, 2, "'mirrors' given twice");
	{
		char text[1024];

		memset(text, 0, sizeof(text));
		strcpy(text, "summary ");
		memset(text + 8, 'a', 600);
		strcat(text, "\n");
		bad_at(text, 1, "longer than");
	}
	bad_at("bug\n", 1, "known bug's id");
	bad_at("bug a\nbug b\n", 2, "given twice");
	bad_at("bug a b\n", 1, "unexpected 'b'");
	bad_at("invariant 0\n", 1, "invariant takes a number 1..9");
	bad_at("invariant 10\n", 1, "1..9");
	bad_at("invariant x\n", 1, "not x");
	bad_at("invariant 1\ninvariant 2\n", 2, "given twice");
	bad_at("expect\n", 1, "POLICY=hold|reproduce for each");
	bad_at("expect fixed\n", 1, "POLICY=hold|reproduce, not fixed");
	bad_at("expect nope=hold\n", 1, "no policy 'nope'");
	bad_at("expect fixed=maybe\n", 1, "hold or reproduce, not maybe");
	bad_at("expect fixed=hold fixed=hold\n", 1, "policy fixed given twice");
	bad_at("expect 3\n", 1, "POLICY=hold|reproduce, not 3");
	bad_at("threads 0 1 2 x\n", 1, "threads DEFAULT takes a number 1..16");
	bad_at("threads 1 1 17 x\n", 1, "threads MAX takes");
	bad_at("threads 3 1 2 x\n", 1, "MIN <= DEFAULT <= MAX");
	bad_at("threads 1 1 2\n", 1, "say what --threads counts");
	bad_at("threads 1 1 1 x\nthreads 1 1 1 x\n", 2, "'threads' given twice");
	bad_at("relab 0\n", 1, "relab takes a number 1..");
	bad_at("relab 5\nrelab 5\n", 2, "given twice");
	bad_at("relab 5 6\n", 1, "unexpected '6'");
	bad_at("deterministic\ndeterministic\n", 2, "given twice");
	bad_at("deterministic x\n", 1, "unexpected 'x'");
	bad_at("flag\n", 1, "flag: expected a name");
	bad_at("flag a\nflag a\n", 2, "flag 'a' declared twice");
	bad_at("flag a\nflag b\nflag c\nflag d\nflag e\nflag f\nflag g\nflag h\nflag i\n",
	       9, "more than 8 flags");
	bad_at("handle a\nhandle b\nhandle c\n", 3, "more than 2 handles");
	bad_at("handle a x\n", 1, "unexpected 'x'");
	bad_at("frobnicate\n", 1, "unknown keyword 'frobnicate'");
	bad_at("42\n", 1, "expected a keyword");
	bad_at("end\n", 1, "'end' without a block");
	bad_at("else\n", 1, "'else' without a block");
	bad_at("topology\nend\n", 1, "the inline topology is empty");
	bad_at("topology\n{\n", 1, "the inline topology has no 'end'");
	bad_at("topology\n{ \"version\": 2 }\nend\n", 1, "topology: ");
	bad_at("topology\n{ nope\nend\n", 1, "topology: ");
	bad_at("topology x\n", 1, "unexpected 'x'");
	bad_at("topology file\n", 1, "the file name is missing");
	bad_at("topology file /nonexistent.json\n", 1, "/nonexistent.json");
	bad_body("topology\n{}\nend\n", 1, "'topology' given twice");
	bad_at("setup x\n", 1, "unexpected 'x'");
	bad_body("setup\nend\nsetup\nend\n" ACTOR, 3, "'setup' given twice");
	bad_body(ACTOR "shared\n let x = 1\nend\n", 4, "'shared' comes before");
	bad_body("shared\n sleep 1\nend\n" ACTOR, 2, "let statements only");
}

static void actor_errors(void **state)
{
	(void)state;
	bad_body("actor\n", 1, "actor: expected a name");
	bad_body("actor x.y\n", 1, "actor: expected a name");
	bad_body("actor 1x\n", 1, "'1x' is not a number");
	bad_body("actor a\n", 1, "cycles, per-cycle or background, not the end of the line");
	bad_body("actor a sometimes\n", 1, "not sometimes");
	bad_body(ACTOR ACTOR, 4, "two actors named 'a'");
	bad_body("actor a cycles x\n", 1, "a number or expression is missing");
	bad_body("actor a cycles x q\n", 1, "no variable or constant 'q'");
	bad_body("actor a cycles y\n", 1, "unexpected 'y'");
	bad_body("actor a cycles\n", 1, "has no 'end'");
	bad_body("actor a0 cycles\nend\nactor a1 cycles\nend\nactor a2 cycles\nend\n"
		 "actor a3 cycles\nend\nactor a4 cycles\nend\nactor a5 cycles\nend\n"
		 "actor a6 cycles\nend\nactor a7 cycles\nend\nactor a8 cycles\nend\n",
		 17, "more than 8 actors");
	bad_body("actor a cycles\nend\nactor b per-cycle\nend\n", 1,
		 "do not mix");
	bad_body("actor a background\nend\n", 1, "no actor counts cycles");
	bad_body("before\nend\n" ACTOR, 1, "before and after go with per-cycle");
	bad_body("after\nend\n" ACTOR, 1, "before and after go with per-cycle");
	bad_body("relab 10\nactor b background\nend\n" ACTOR, 2,
		 "a background actor would run into it");
}

static void statement_errors(void **state)
{
	(void)state;
#define S(body, off, what) bad_body("actor a cycles\n" body "end\n", off, what)
	S("  frob x\n", 2, "unknown statement 'frob'");
	S("  (\n", 2, "expected a statement, not '('");
	S("  @\n", 2, "unexpected character '@'");
	S("  sleep 12abc\n", 2, "'12abc' is not a number");
	S("  sleep 99999999999999999999\n", 2, "is not a number");
	S("  sleep 0x8000000000000000\n", 2, "is too large");
	S("  add aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n", 2,
	  "a word longer than");
	S("  sleep 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1\n",
	  2, "more than 64 words");
	S("  sleep 1+1+1+1+1+1+1+1+1+1+1+1+1+1+1+1+1+1+1+1+1+1+1+1+1+1\n",
	  2, "more than 48 terms");
	S("  sleep ((((((((((((((((((1))))))))))))))))))\n", 2, "nested deeper than 16");
	S("  sleep (1\n", 2, "expected ')'");
	S("  sleep rand 1\n", 2, "rand needs '('");
	S("  sleep rand(1)\n", 2, "rand takes two arguments");
	S("  sleep rand(1, 2\n", 2, "expected ',' or ')'");
	S("  sleep pick(1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17)\n", 2, "more than 16 arguments");
	S("  sleep )\n", 2, "expected a number, a variable");
	S("  sleep\n", 2, "sleep: a number or expression is missing");
	S("  sleep nope\n", 2, "no variable or constant 'nope'");
	S("  sleep threads-1\n", 2, "with blanks around the minus");
	S("  sleep 1 2\n", 2, "unexpected '2' after sleep US");
	S("  let\n", 2, "let: expected a variable name");
	S("  let x 1\n", 2, "'=' is missing");
	S("  let x = 1 2\n", 2, "unexpected '2'");
	S("  let i = 1\n", 2, "builtin variable");
	S("  let EBUSY = 1\n", 2, "is a constant");
	S("  let dma = 1\n", 2, "is a constant");
	S("  let a.b = 1\n", 2, "not a variable name");
	S("  let v1 = 0\n  let v2 = 0\n  let v3 = 0\n  let v4 = 0\n  let v5 = 0\n  let v6 = 0\n"
	  "  let v7 = 0\n  let v8 = 0\n  let v9 = 0\n  let v10 = 0\n  let v11 = 0\n  let v12 = 0\n"
	  "  let v13 = 0\n", 14, "more than 12 variables");
	S("  let x = y\n", 2, "no variable or constant 'y'");
	S("  add\n", 2, "add: expected a name");
	S("  add d$\n", 2, "'$' without a variable name");
	S("  add d$zz\n", 2, "no variable 'zz' here");
	S("  add d$i$i$i$i$i\n", 2, "more than 4 variables in one name");
	S("  add abcdefghijklmnopqrstuvwxyz0123456789\n", 2, "longer than 31 characters");
	S("  add d pci\n", 2, "add pci DEV: a number or expression is missing");
	S("  add d pci 1\n", 2, "add pci FN: a number");
	S("  add d pci 1 0 bus 2\n", 2, "unexpected 'bus' (seg, alias)");
	S("  add d pci 1 0 alias 1\n", 2, "alias FN: a number");
	S("  add d platform-ops x\n", 2, "unexpected 'x' after add");
	S("  bind d\n", 2, "bind DRIVER: a number");
	S("  bind d dma expect maybe\n", 2, "bound or deferred, not maybe");
	S("  bind d dma allow\n", 2, "allow: 'the end of the line' is not an errno");
	S("  bind d dma allow EBOGUS\n", 2, "'EBOGUS' is not an errno");
	S("  bind d dma allow 5\n", 2, "'5' is not an errno");
	S("  bind d dma allow EBUSY, EIO, EAGAIN, ENODEV, EPERM\n", 2, "at most 4 errnos");
	S("  bind d dma via\n", 2, "via: expected a handle name");
	S("  bind d dma via h\n", 2, "no handle named 'h'");
	S("  unbind d d\n", 2, "unexpected 'd' after unbind");
	S("  claim d\n", 2, "expected 'group' or 'device'");
	S("  attach group d\n", 2, "attach DOMAIN: expected a name");
	S("  alloc x d\n", 2, "'on' is missing");
	S("  alloc x on\n", 2, "expected a name");
	S("  map x 1 2\n", 2, "SIZE: a number");
	S("  unmap x 1\n", 2, "SIZE: a number");
	S("  race other d\n", 2, "of_configure (the only one)");
	S("  race of_configure d\n", 2, "'threads N' is missing");
	S("  race of_configure d threads 1\n", 2, "'ms N' is missing");
	S("  inject\n", 2, "expected an injection point");
	S("  inject no.such.point delay 1\n", 2, "no injection point 'no.such.point'");
	S("  inject probe.unlocked\n", 2, "expected delay, fail or off");
	S("  inject probe.unlocked fail 5\n", 2, "'5' is not an errno name");
	S("  inject probe.unlocked fail EIO jitter 5\n", 2, "jitter goes with a delay");
	S("  inject probe.unlocked delay 5 every 2 every 3\n", 2, "every given twice");
	S("  inject probe.unlocked delay 5 dev a dev b\n", 2, "dev given twice");
	S("  inject probe.unlocked delay 5 often\n", 2, "unexpected 'often'");
	S("  inject probe.unlocked off 5\n", 2, "unexpected '5' after inject off");
	S("  wait\n", 2, "wait: bound or probed");
	S("  wait bound d dma\n", 2, "wait bound MS: a number");
	S("  wait probed d 5 poll\n", 2, "poll: a number");
	S("  signal\n", 2, "signal: expected a flag");
	S("  signal f\n", 2, "no flag named 'f'");
	S("  until\n", 2, "until: expected a flag");
	S("  until f\n", 2, "no flag named 'f'");
	S("  repeat\n", 2, "repeat: a number");
	S("  repeat 2 as\n", 2, "expected a variable name");
	S("  repeat 2 x\n", 2, "unexpected 'x' after repeat");
	S("  if 1\n", 1, "has no 'end'");
	S("  else\n", 2, "'else' outside an if");
	S("  if 1\n  else\n  else\n  end\n", 4, "'else' outside an if");
	S("  end x\n", 2, "unexpected 'x' after end");
	S("  if 1\n if 1\n if 1\n if 1\n if 1\n if 1\n if 1\n if 1\n if 1\n", 10,
	  "nested deeper than 8");
	S("  42\n", 2, "expected a statement");
#undef S
}

static void too_many_statements(void **state)
{
	size_t len = 1100 * 10 + 4096;
	char *text = malloc(len), *p;

	(void)state;
	assert_non_null(text);
	p = text + sprintf(text, "%sactor a cycles\n", HEAD);
	for (int i = 0; i < 1100; i++)
		p += sprintf(p, "  sleep 0\n");
	strcpy(p, "end\n");
	bad_at(text, 7 + 1 + 1025, "more than 1024 statements");
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(repo_files_parse),
		cmocka_unit_test(minimal_file),
		cmocka_unit_test(plans_follow_the_seed),
		cmocka_unit_test(shared_lets_agree),
		cmocka_unit_test(print_round_trip),
		cmocka_unit_test(topology_file),
		cmocka_unit_test(file_errors),
		cmocka_unit_test(header_errors),
		cmocka_unit_test(actor_errors),
		cmocka_unit_test(statement_errors),
		cmocka_unit_test(too_many_statements),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

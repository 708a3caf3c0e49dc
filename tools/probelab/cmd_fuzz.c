// SPDX-License-Identifier: GPL-2.0
/*
 * probelab fuzz: a structure-aware, multi-threaded, seeded ioctl fuzzer of
 * /dev/probelab (fuzz_ops.c has the operations, fuzz_desc.c the
 * descriptions).  Each thread draws its actions from its own generator,
 * seeded from --seed and its index, on a /dev/probelab file of its own
 * that it closes and reopens now and then.  A netlink monitor counts the
 * violations the lab reports while it runs.  Afterwards every injection
 * point is disarmed, CHECK runs (it must be clean under "fixed") and the
 * lab is reset.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <link.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ucontext.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "fuzz.h"
#include "probelab.h"

#define FZ_MAX_THREADS		64
#define FZ_STUCK_GRACE_S	60	/* after the deadline, then a thread is stuck */
#define FZ_MAX_REPORTED		8	/* violations kept for the report */

uint64_t fz_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static volatile sig_atomic_t fz_interrupted;

static void on_signal(int sig)
{
	(void)sig;
	fz_interrupted = 1;
}

/* ---- a crash of the fuzzer itself ----------------------------------------- */

/*
 * A SIGSEGV or SIGBUS in the fuzzer is a bug of the tool (or memory the
 * kernel wrote where it should not): the handler writes which thread, the
 * faulting address, the program counter as an offset into the executable
 * (for addr2line) and the op the thread was issuing, then dies of the
 * signal as before.  Only async-signal-safe calls: write() of a line
 * formatted by hand.
 */
static __thread const struct fz_thread *fz_self;
static uintptr_t fz_exe_base;

static int find_exe_base(struct dl_phdr_info *info, size_t size, void *arg)
{
	(void)size;
	(void)arg;
	fz_exe_base = info->dlpi_addr;	/* the first object is the executable */
	return 1;
}

static char *put_str(char *p, char *end, const char *s)
{
	while (*s && p < end)
		*p++ = *s++;
	return p;
}

static char *put_hex(char *p, char *end, uint64_t v)
{
	char d[16];
	int n = 0;

	p = put_str(p, end, "0x");
	do {
		d[n++] = "0123456789abcdef"[v & 0xf];
		v >>= 4;
	} while (v);
	while (n && p < end)
		*p++ = d[--n];
	return p;
}

static uintptr_t crash_pc(const void *uc_arg)
{
	const ucontext_t *uc = uc_arg;

#if defined(__x86_64__)
	return (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
#elif defined(__aarch64__)
	return (uintptr_t)uc->uc_mcontext.pc;
#else
	(void)uc;
	return 0;
#endif
}

static void on_crash(int sig, siginfo_t *si, void *uc)
{
	char buf[256], *p = buf, *end = buf + sizeof(buf) - 1;
	uintptr_t pc = crash_pc(uc);

	p = put_str(p, end, "fuzz: the fuzzer crashed: ");
	p = put_str(p, end, sig == SIGBUS ? "SIGBUS" : "SIGSEGV");
	p = put_str(p, end, " at ");
	p = put_hex(p, end, (uintptr_t)si->si_addr);
	p = put_str(p, end, ", pc ");
	p = put_hex(p, end, pc);
	p = put_str(p, end, " (executable offset ");
	p = put_hex(p, end, pc - fz_exe_base);
	if (fz_self) {
		p = put_str(p, end, "), thread ");
		p = put_hex(p, end, fz_self->idx);
		p = put_str(p, end, ", op ");
		p = put_hex(p, end, fz_self->cur_op);
	} else {
		p = put_str(p, end, "), not a fuzzing thread");
	}
	*p++ = '\n';
	if (write(STDERR_FILENO, buf, (size_t)(p - buf)) < 0)
		p = buf;
	signal(sig, SIG_DFL);
	raise(sig);
}

static void crash_report_install(void)
{
	struct sigaction sa = {
		.sa_sigaction = on_crash,
		.sa_flags = SA_SIGINFO | SA_RESETHAND,
	};

	dl_iterate_phdr(find_exe_base, NULL);
	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
}

/*
 * The run's seed in the kernel log too (best effort): when the kernel dies
 * under the fuzzer, the console shows which run to replay.
 */
static void kmsg_note(const struct fz_run *r)
{
	char line[160];
	int fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC), n;

	if (fd < 0)
		return;
	n = snprintf(line, sizeof(line),
		     "<5>probelab fuzz: seed %" PRIu64 ", %u threads, %u s, policy %s\n",
		     r->seed, r->threads, r->seconds, pl_policy_name(r->policy));
	if (n > 0 && write(fd, line, (size_t)n) < 0)
		n = 0;
	close(fd);
}

/* ---- threads -------------------------------------------------------------- */

static int thread_setup(struct fz_thread *t)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t sa = page > 16384 ? page : 16384, ba = page > 65536 ? page : 65536;

	t->map_len = sa + page + ba + page + page;
	t->map = mmap(NULL, t->map_len, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (t->map == MAP_FAILED)
		return -errno;
	t->sa = t->map;
	t->sa_len = sa;
	t->ba = t->map + sa + page;
	t->ba_len = ba;
	t->ro = t->ba + ba + page;
	if (mprotect(t->sa + sa, page, PROT_NONE) ||
	    mprotect(t->ba + ba, page, PROT_NONE) ||
	    mprotect(t->ro, page, PROT_READ))
		return -errno;
	return pl_open(&t->h);
}

static void thread_teardown(struct fz_thread *t)
{
	if (t->h)
		pl_close(t->h);
	t->h = NULL;
	if (t->map && t->map != MAP_FAILED)
		munmap(t->map, t->map_len);
	t->map = NULL;
}

static void *thread_main(void *arg)
{
	struct fz_thread *t = arg;
	uint64_t deadline = fz_now_ns() + (uint64_t)t->run->seconds * 1000000000u;

	fz_self = t;
	if (!t->idx)
		fz_reload(t);
	while (!t->run->stop && !fz_interrupted && fz_now_ns() < deadline)
		fz_step(t);
	/* closing the file releases its claims and domains */
	if (t->h)
		pl_close(t->h);
	t->h = NULL;
	t->done = 1;
	return NULL;
}

/* ---- the violation monitor ------------------------------------------------- */

struct fz_monitor {
	struct pl_monitor *m;
	pthread_t thread;
	volatile int stop;
	uint64_t violations;
	unsigned int nr_kept;
	struct pl_event kept[FZ_MAX_REPORTED];
	struct pl_monitor_stats st;
};

static int on_event(const struct pl_event *ev, void *arg)
{
	struct fz_monitor *mon = arg;

	if (ev->event != PROBELAB_EV_VIOLATION)
		return 0;
	mon->violations++;
	if (mon->nr_kept < FZ_MAX_REPORTED)
		mon->kept[mon->nr_kept++] = *ev;
	return 0;
}

static void *monitor_main(void *arg)
{
	struct fz_monitor *mon = arg;

	while (!mon->stop) {
		int ret = pl_monitor_poll(mon->m, 200, on_event, mon, NULL);

		if (ret < 0 && ret != -EINTR && ret != -ENOBUFS)
			break;
	}
	/* what is still queued */
	pl_monitor_poll(mon->m, 0, on_event, mon, NULL);
	pl_monitor_get_stats(mon->m, &mon->st);
	return NULL;
}

/* ---- the report ------------------------------------------------------------ */

struct fz_result {
	double seconds;
	uint64_t calls;
	int check_ret;			/* CHECK after the run: 0 or -errno */
	struct pl_check_result check;
	int reset_ret;			/* LAB_RESET after the run */
	int disarm_ret;
	unsigned int stuck;		/* threads still in an op */
	bool monitored;
	bool pass;
};

static const char *op_label(unsigned int op)
{
	return op < FZ_OP_BAD ? pl_op_name(op) : "bad op/ioctl";
}

static const char *errno_label(unsigned int e, char *buf, size_t len)
{
	const char *n;

	if (!e)
		return "ok";
	n = pl_errno_name((int)e);
	if (n && e < FZ_ERRNO_MAX - 1)
		return n;
	snprintf(buf, len, "%s%u", e == FZ_ERRNO_MAX - 1 ? ">=" : "", e);
	return buf;
}

static uint64_t op_calls(const struct fz_run *r, unsigned int op)
{
	uint64_t n = 0;

	for (unsigned int e = 0; e < FZ_ERRNO_MAX; e++)
		n += r->hist[op][e];
	return n;
}

static void print_people(const struct fz_run *r, const struct fz_result *res,
			 const struct fz_monitor *mon)
{
	char buf[32];

	printf("fuzz: seed %" PRIu64 ", %u threads, policy %s, %.1f s, %" PRIu64
	       " calls (%.0f/s), %" PRIu64 " reopens\n", r->seed, r->threads,
	       pl_policy_name(r->policy), res->seconds, res->calls,
	       res->seconds > 0 ? (double)res->calls / res->seconds : 0.0,
	       r->reopens);
	printf("%-18s %9s  %s\n", "op", "calls", "errno histogram");
	for (unsigned int op = 1; op < FZ_NR_OPS; op++) {
		uint64_t n = op_calls(r, op);

		if (!n)
			continue;
		printf("%-18s %9" PRIu64 " ", op_label(op), n);
		for (unsigned int e = 0; e < FZ_ERRNO_MAX; e++)
			if (r->hist[op][e])
				printf(" %s:%" PRIu64, errno_label(e, buf,
				       sizeof(buf)), r->hist[op][e]);
		printf("\n");
	}
	if (res->monitored)
		printf("violations reported during the run: %" PRIu64
		       " (events %" PRIu64 ", missed %" PRIu64 ")\n",
		       mon->violations, mon->st.events, mon->st.missed);
	for (unsigned int i = 0; res->monitored && i < mon->nr_kept; i++)
		printf("  seq %" PRIu64 " invariant %u: %s\n", mon->kept[i].seq,
		       mon->kept[i].invariant, mon->kept[i].detail);
	if (res->check_ret)
		printf("check: failed: %s\n", strerror(-res->check_ret));
	else
		printf("check: %u violations\n", res->check.found);
	for (unsigned int i = 0; i < res->check.nr; i++)
		printf("  invariant %u (%s): %s\n", res->check.v[i].invariant,
		       pl_invariant_name(res->check.v[i].invariant) ?: "?",
		       res->check.v[i].what);
	printf("reset: %s\n", res->reset_ret ? strerror(-res->reset_ret) : "ok");
	if (res->stuck)
		printf("stuck: %u threads still in an operation %d s after the end\n",
		       res->stuck, FZ_STUCK_GRACE_S);
	printf("result: %s\n", res->pass ? "pass" : "FAIL");
}

static void print_json(const struct fz_run *r, const struct fz_result *res,
		       const struct fz_monitor *mon)
{
	json_object *o = json_object_new_object(), *ops = json_object_new_object();
	json_object *ck = json_object_new_object(), *arr;
	char buf[32];

	json_object_object_add(o, "seed", json_object_new_uint64(r->seed));
	json_object_object_add(o, "threads", json_object_new_int((int)r->threads));
	json_object_object_add(o, "policy",
			       json_object_new_string(pl_policy_name(r->policy)));
	json_object_object_add(o, "seconds", json_object_new_double(res->seconds));
	json_object_object_add(o, "calls", json_object_new_uint64(res->calls));
	json_object_object_add(o, "reopens", json_object_new_uint64(r->reopens));
	for (unsigned int op = 1; op < FZ_NR_OPS; op++) {
		uint64_t n = op_calls(r, op);
		json_object *jo, *h;

		if (!n)
			continue;
		jo = json_object_new_object();
		h = json_object_new_object();
		json_object_object_add(jo, "calls", json_object_new_uint64(n));
		for (unsigned int e = 0; e < FZ_ERRNO_MAX; e++)
			if (r->hist[op][e])
				json_object_object_add(h, errno_label(e, buf,
						       sizeof(buf)),
						       json_object_new_uint64(r->hist[op][e]));
		json_object_object_add(jo, "errno", h);
		json_object_object_add(ops, op < FZ_OP_BAD ? pl_op_name(op) :
				       "BAD", jo);
	}
	json_object_object_add(o, "ops", ops);
	if (res->monitored) {
		arr = json_object_new_array();
		for (unsigned int i = 0; i < mon->nr_kept; i++)
			json_object_array_add(arr,
				json_object_new_string(mon->kept[i].detail));
		json_object_object_add(o, "run_violations",
				       json_object_new_uint64(mon->violations));
		json_object_object_add(o, "run_violation_details", arr);
		json_object_object_add(o, "events_missed",
				       json_object_new_uint64(mon->st.missed));
	}
	arr = json_object_new_array();
	for (unsigned int i = 0; i < res->check.nr; i++)
		json_object_array_add(arr, json_object_new_string(res->check.v[i].what));
	json_object_object_add(ck, "ok", json_object_new_boolean(!res->check_ret));
	json_object_object_add(ck, "violations",
			       json_object_new_int((int)res->check.found));
	json_object_object_add(ck, "details", arr);
	json_object_object_add(o, "check", ck);
	json_object_object_add(o, "reset", json_object_new_string(res->reset_ret ?
			       cli_errno_name(res->reset_ret) ?: "failed" : "ok"));
	json_object_object_add(o, "stuck_threads", json_object_new_int((int)res->stuck));
	json_object_object_add(o, "pass", json_object_new_boolean(res->pass));
	cli_json_print(o);
}

/* ---- options ----------------------------------------------------------------- */

static int parse_known(const char *s, unsigned int *known)
{
	char *dup = strdup(s), *tok, *save = NULL;
	int ret = 0;

	if (!dup)
		return -ENOMEM;
	*known = 0;
	for (tok = strtok_r(dup, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (!strcmp(tok, "d1"))
			*known |= FZ_KNOWN_D1;
		else if (!strcmp(tok, "d6"))
			*known |= FZ_KNOWN_D6;
		else if (!strcmp(tok, "shared"))
			*known |= FZ_KNOWN_SHARED;
		else if (!strcmp(tok, "d7"))
			*known |= FZ_KNOWN_D7;
		else if (!strcmp(tok, "race"))
			*known |= FZ_KNOWN_RACE;
		else if (!strcmp(tok, "all"))
			*known |= FZ_KNOWN_ALL;
		else if (strcmp(tok, "none"))
			ret = -EINVAL;
	}
	free(dup);
	return ret;
}

static void finish(struct fz_run *r, struct fz_result *res, struct cli *cli)
{
	struct pl_handle *h;
	const char *p;
	int ret;

	res->check_ret = res->reset_ret = res->disarm_ret = -ENODEV;
	if (pl_open(&h))
		return;
	res->disarm_ret = 0;
	for (unsigned int i = 0; (p = pl_inject_point_name(i)); i++) {
		ret = pl_inject_off(h, p);
		if (ret && ret != -ENOENT && ret != -EINVAL)
			res->disarm_ret = ret;
	}
	res->check_ret = pl_check(h, PROBELAB_CHECK_AUTO_OFF, FZ_MAX_REPORTED,
				  &res->check);
	res->reset_ret = pl_lab_reset(h);
	pl_close(h);
	(void)cli;
	(void)r;
}

static int cmd_fuzz(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "seconds", required_argument, NULL, 's' },
		{ "threads", required_argument, NULL, 't' },
		{ "seed", required_argument, NULL, 'S' },
		{ "policy", required_argument, NULL, 'p' },
		{ "allow-known", required_argument, NULL, 'k' },
		{ "progress", required_argument, NULL, 'P' },
		{ "trace", no_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct fz_run *r = calloc(1, sizeof(*r));
	struct fz_thread *th = NULL;
	pthread_t *tids = NULL;
	struct fz_monitor mon = { 0 };
	struct fz_result res = { 0 };
	pthread_rwlockattr_t rwa;
	uint64_t v, t0, last, progress = 10;
	char err[160];
	unsigned int i, started = 0;
	int c, ret = CLI_FAIL;

	if (!r)
		return cli_fail(cli, -ENOMEM, "out of memory");
	r->seconds = 60;
	r->threads = 4;
	r->seed = fz_now_ns() ^ ((uint64_t)getpid() << 32);
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			if (pl_parse_u64(optarg, &v) || !v || v > 86400 * 7) {
				free(r);
				return cli_usage(cli, "--seconds: 1..604800, not '%s'", optarg);
			}
			r->seconds = (unsigned int)v;
			break;
		case 't':
			if (pl_parse_u64(optarg, &v) || !v || v > FZ_MAX_THREADS) {
				free(r);
				return cli_usage(cli, "--threads: 1..%d, not '%s'",
						 FZ_MAX_THREADS, optarg);
			}
			r->threads = (unsigned int)v;
			break;
		case 'S':
			if (pl_parse_u64(optarg, &r->seed)) {
				free(r);
				return cli_usage(cli, "--seed: a number, not '%s'", optarg);
			}
			break;
		case 'p':
			if (pl_policy_from_name(optarg) < 0) {
				free(r);
				return cli_usage(cli, "--policy: fixed, linux-6.1 or mainline, not '%s'",
						 optarg);
			}
			r->policy = (unsigned int)pl_policy_from_name(optarg);
			break;
		case 'k':
			if (parse_known(optarg, &r->known)) {
				free(r);
				return cli_usage(cli, "--allow-known: a list of d1, d6, shared, d7, race, all, none; not '%s'",
						 optarg);
			}
			break;
		case 'P':
			if (pl_parse_u64(optarg, &progress) || progress > 86400) {
				free(r);
				return cli_usage(cli, "--progress: seconds, not '%s'", optarg);
			}
			break;
		case 'T':
			r->trace = true;
			break;
		case 'h':
			free(r);
			printf("usage: probelab fuzz %s\n", cli_cmd_fuzz.args);
			return CLI_OK;
		default:
			free(r);
			return cli_usage(cli, "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind != argc) {
		free(r);
		return cli_usage(cli, "unexpected argument '%s'", argv[optind]);
	}

	pthread_rwlockattr_init(&rwa);
	pthread_rwlockattr_setkind_np(&rwa,
				      PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	pthread_rwlock_init(&r->add_lock, &rwa);
	pthread_rwlock_init(&r->race_lock, &rwa);
	pthread_rwlockattr_destroy(&rwa);
	pthread_mutex_init(&r->names_lock, NULL);
	pthread_mutex_init(&r->devs.lock, NULL);
	pthread_mutex_init(&r->groups.lock, NULL);
	pthread_mutex_init(&r->domains.lock, NULL);

	th = calloc(r->threads, sizeof(*th));
	tids = calloc(r->threads, sizeof(*tids));
	if (!th || !tids) {
		cli_fail(cli, -ENOMEM, "out of memory");
		goto out;
	}
	/* start from a known lab: the run's policy, a first description */
	{
		struct pl_handle *h;

		if (cli_open(cli, &h))
			goto out;
		ret = pl_lab_reset(h);
		pl_close(h);
		if (ret) {
			ret = cli_fail(cli, ret, "LAB_RESET before the run: %s",
				       strerror(-ret));
			goto out;
		}
		ret = CLI_FAIL;
	}
	if (!pl_monitor_open(&mon.m, err, sizeof(err)))
		res.monitored = !pthread_create(&mon.thread, NULL, monitor_main,
						&mon);
	else if (!cli->json)
		fprintf(stderr, "probelab fuzz: no violation monitor: %s\n", err);

	crash_report_install();
	kmsg_note(r);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	if (!cli->json)
		fprintf(stderr, "probelab fuzz: seed %" PRIu64 ", %u threads, %u s, policy %s\n",
			r->seed, r->threads, r->seconds, pl_policy_name(r->policy));
	t0 = last = fz_now_ns();
	for (i = 0; i < r->threads; i++) {
		th[i].run = r;
		th[i].idx = i;
		th[i].rng = r->seed ^ (0x9e3779b97f4a7c15ull * (i + 1));
		ret = thread_setup(&th[i]);
		if (ret) {
			cli_fail(cli, ret, "thread %u: %s", i, strerror(-ret));
			ret = CLI_FAIL;
			r->stop = 1;
			break;
		}
		if (pthread_create(&tids[i], NULL, thread_main, &th[i])) {
			r->stop = 1;
			break;
		}
		started++;
	}
	ret = CLI_FAIL;

	/* wait, with progress, for the end; then for stuck threads */
	for (;;) {
		uint64_t now = fz_now_ns(), calls = 0;
		unsigned int done = 0;

		for (i = 0; i < started; i++) {
			done += th[i].done;
			calls += th[i].calls;
		}
		if (done == started)
			break;
		if (now - t0 > ((uint64_t)r->seconds + FZ_STUCK_GRACE_S) * 1000000000u) {
			for (i = 0; i < started; i++) {
				uint64_t s = th[i].op_start_ns;

				if (th[i].done)
					continue;
				res.stuck++;
				fprintf(stderr, "probelab fuzz: thread %u stuck in %s for %.1f s\n",
					i, op_label(th[i].cur_op),
					s ? (double)(now - s) / 1e9 : 0.0);
			}
			break;
		}
		if (progress && now - last >= progress * 1000000000u) {
			last = now;
			fprintf(stderr, "probelab fuzz: %.0f s of %u, %" PRIu64 " calls, %" PRIu64 " violations reported\n",
				(double)(now - t0) / 1e9, r->seconds, calls,
				mon.violations);
		}
		usleep(100000);
	}
	res.seconds = (double)(fz_now_ns() - t0) / 1e9;
	for (i = 0; i < started; i++) {
		res.calls += th[i].calls;
		if (th[i].done) {
			pthread_join(tids[i], NULL);
			thread_teardown(&th[i]);
		}
	}
	if (!res.stuck)
		finish(r, &res, cli);
	if (res.monitored) {
		/* let the events of the final steps arrive */
		usleep(300000);
		mon.stop = 1;
		pthread_join(mon.thread, NULL);
	}
	res.pass = !res.stuck && !res.reset_ret && !res.check_ret;
	if (r->policy == PROBELAB_POLICY_FIXED)
		res.pass = res.pass && !res.check.found && !mon.violations;
	if (cli->json)
		print_json(r, &res, &mon);
	else
		print_people(r, &res, &mon);
	ret = res.pass ? CLI_OK : CLI_FAIL;
	pl_check_result_free(&res.check);
	if (res.stuck)
		/* threads are in the kernel: do not free what they use */
		exit(ret);
	if (mon.m)
		pl_monitor_close(mon.m);
out:
	free(th);
	free(tids);
	free(r);
	return ret;
}

const struct cli_cmd cli_cmd_fuzz = {
	.name = "fuzz",
	.args = "[--seconds S] [--threads N] [--seed N] [--policy P] "
		"[--allow-known d1,d6,shared,d7,race|all] [--progress S] [--trace]",
	.summary = "fuzz /dev/probelab (seeded, multi-threaded); then check and reset",
	.run = cmd_fuzz,
};

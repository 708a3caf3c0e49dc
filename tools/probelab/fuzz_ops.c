// SPDX-License-Identifier: GPL-2.0
/*
 * probelab fuzz: the operations.  Each action builds an operation
 * structure as a careful caller would (structure-aware: ids from what the
 * lab answered, names from the loaded description) and, a quarter of the
 * time, breaks it: the header (size below the minimum, past the structure
 * with a zero or non-zero tail, huge; unknown flags; reserved word; op),
 * the ioctl number, the argument pointer (NULL, unmapped, kernel address,
 * crossing into an unmapped page, read-only), a field set to a value near
 * a boundary (0, 2^31, 2^32 - 1, ...), a byte flipped, and the user
 * pointers inside the structure.  Structures and buffers live in mappings
 * followed by an unmapped page, so a kernel that writes past what it was
 * given faults instead of corrupting the fuzzer.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "fuzz.h"
#include "fwdesc.h"
#include "probelab.h"

#define offsetofend(T, m)	(offsetof(T, m) + sizeof(((T *)0)->m))

struct fz_opsize {
	unsigned int ksize, minsize;
};

#define OPSZ(_op, _t, _last) \
	[_op] = { sizeof(_t), offsetofend(_t, _last) }

/* As module/main.c's table: the structure and its first version. */
static const struct fz_opsize opsizes[FZ_NR_OPS] = {
	OPSZ(PROBELAB_OP_GET_INFO, struct probelab_info, kernel_running),
	OPSZ(PROBELAB_OP_FW_LOAD, struct probelab_fw_load, __reserved2),
	OPSZ(PROBELAB_OP_LAB_RESET, struct probelab_simple, __reserved),
	OPSZ(PROBELAB_OP_DEV_ADD, struct probelab_dev_add, __reserved2),
	OPSZ(PROBELAB_OP_DEV_REMOVE, struct probelab_dev_ref, __reserved2),
	OPSZ(PROBELAB_OP_IOMMU_REGISTER, struct probelab_iommu_ref, name),
	OPSZ(PROBELAB_OP_IOMMU_UNREGISTER, struct probelab_iommu_ref, name),
	OPSZ(PROBELAB_OP_DRV_BIND, struct probelab_drv_bind, __reserved2),
	OPSZ(PROBELAB_OP_DRV_UNBIND, struct probelab_dev_ref, __reserved2),
	OPSZ(PROBELAB_OP_QUERY, struct probelab_query, __reserved2),
	OPSZ(PROBELAB_OP_STATS, struct probelab_stats, violations),
	OPSZ(PROBELAB_OP_OWNER_CLAIM_GROUP, struct probelab_owner, __reserved2),
	OPSZ(PROBELAB_OP_OWNER_CLAIM_DEVICE, struct probelab_owner, __reserved2),
	OPSZ(PROBELAB_OP_OWNER_RELEASE, struct probelab_owner, __reserved2),
	OPSZ(PROBELAB_OP_DOMAIN_ALLOC, struct probelab_domain_alloc, __reserved2),
	OPSZ(PROBELAB_OP_DOMAIN_FREE, struct probelab_domain_ref, __reserved2),
	OPSZ(PROBELAB_OP_ATTACH, struct probelab_attach, domain_id),
	OPSZ(PROBELAB_OP_DETACH, struct probelab_attach, domain_id),
	OPSZ(PROBELAB_OP_MAP, struct probelab_map, done),
	OPSZ(PROBELAB_OP_UNMAP, struct probelab_map, done),
	OPSZ(PROBELAB_OP_IOVA_TO_PHYS, struct probelab_iova, paddr),
	OPSZ(PROBELAB_OP_CHECK, struct probelab_check, total),
	OPSZ(PROBELAB_OP_INJECT, struct probelab_inject, fired),
	OPSZ(PROBELAB_OP_RACE, struct probelab_race, violations),
};

static const uint32_t interesting32[] = {
	0, 1, 2, 3, 4, 7, 8, 0x7f, 0x80, 0xff, 0x100, 0xfff, 0x1000, 0xffff,
	0x10000, 0x7fffffff, 0x80000000u, 0xfffffffeu, 0xffffffffu,
};

static const uint64_t interesting64[] = {
	0, 1, 0xfff, 0x1000, 0x200000, 0x40000000, 0xfffff000ull,
	0x100000000ull, 0x7ffffffff000ull, 0x800000000000ull,
	0xfffffffffffff000ull, ~0ull, 0x8000000000000000ull,
};

/* Addresses no user buffer has: kernel halves, non-canonical. */
static const uint64_t kernel_ptrs[] = {
	0xffff888000000000ull, 0xffffffff81000000ull, 0xffff800010000000ull,
	0xffff000000000000ull, 0x8000000000000000ull, 0x0000800000000000ull,
};

/* ---- random numbers ----------------------------------------------------- */

uint64_t fz_rnd(struct fz_thread *t)
{
	uint64_t z = (t->rng += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

uint32_t fz_below(struct fz_thread *t, uint32_t n)
{
	uint64_t r = fz_rnd(t);

	return n ? (uint32_t)(r % n) : 0;
}

bool fz_chance(struct fz_thread *t, unsigned int pct)
{
	return fz_below(t, 100) < pct;
}

static uint32_t pick32(struct fz_thread *t)
{
	return interesting32[fz_below(t, sizeof(interesting32) /
					 sizeof(interesting32[0]))];
}

static uint64_t pick64(struct fz_thread *t)
{
	return interesting64[fz_below(t, sizeof(interesting64) /
					 sizeof(interesting64[0]))];
}

/* ---- pools ------------------------------------------------------------- */

void fz_pool_add(struct fz_pool *p, uint32_t v)
{
	unsigned int i;

	pthread_mutex_lock(&p->lock);
	for (i = 0; i < p->n; i++)
		if (p->v[i] == v)
			break;
	if (i == p->n) {
		if (p->n < FZ_POOL)
			p->v[p->n++] = v;
		else
			p->v[v % FZ_POOL] = v;
	}
	pthread_mutex_unlock(&p->lock);
}

void fz_pool_del(struct fz_pool *p, uint32_t v)
{
	unsigned int i;

	pthread_mutex_lock(&p->lock);
	for (i = 0; i < p->n; i++)
		if (p->v[i] == v) {
			p->v[i] = p->v[--p->n];
			break;
		}
	pthread_mutex_unlock(&p->lock);
}

uint32_t fz_pool_pick(struct fz_thread *t, struct fz_pool *p)
{
	uint64_t r = fz_rnd(t);
	uint32_t v;

	pthread_mutex_lock(&p->lock);
	if (p->n && (r & 0xff) >= 12)
		v = p->v[(r >> 8) % p->n];
	else
		v = (uint32_t)((r >> 8) % 48);
	pthread_mutex_unlock(&p->lock);
	return v;
}

/* ---- issuing ------------------------------------------------------------ */

/* Ops that name a lab device by id, or remove devices (D1's other side). */
static bool op_takes_dev(unsigned int op)
{
	switch (op) {
	case PROBELAB_OP_LAB_RESET:
	case PROBELAB_OP_DEV_REMOVE:
	case PROBELAB_OP_DRV_BIND:
	case PROBELAB_OP_DRV_UNBIND:
	case PROBELAB_OP_OWNER_CLAIM_GROUP:
	case PROBELAB_OP_OWNER_CLAIM_DEVICE:
	case PROBELAB_OP_OWNER_RELEASE:
	case PROBELAB_OP_DOMAIN_ALLOC:
	case PROBELAB_OP_ATTACH:
	case PROBELAB_OP_DETACH:
	case PROBELAB_OP_RACE:
		return true;
	}
	return false;
}

static bool op_removes(unsigned int op)
{
	return op == PROBELAB_OP_DEV_REMOVE || op == PROBELAB_OP_LAB_RESET;
}

static void lock_for(struct fz_thread *t, unsigned int op)
{
	struct fz_run *r = t->run;

	if (!(r->known & FZ_KNOWN_RACE)) {
		if (op == PROBELAB_OP_RACE)
			pthread_rwlock_rdlock(&r->race_lock);
		else if (op_removes(op))
			pthread_rwlock_wrlock(&r->race_lock);
	}
	if (r->known & FZ_KNOWN_D1)
		return;
	if (op == PROBELAB_OP_DEV_ADD)
		pthread_rwlock_wrlock(&r->add_lock);
	else if (op_takes_dev(op))
		pthread_rwlock_rdlock(&r->add_lock);
}

static void unlock_for(struct fz_thread *t, unsigned int op)
{
	struct fz_run *r = t->run;

	if (!(r->known & FZ_KNOWN_D1) &&
	    (op == PROBELAB_OP_DEV_ADD || op_takes_dev(op)))
		pthread_rwlock_unlock(&r->add_lock);
	if (!(r->known & FZ_KNOWN_RACE) &&
	    (op == PROBELAB_OP_RACE || op_removes(op)))
		pthread_rwlock_unlock(&r->race_lock);
}

static void record(struct fz_thread *t, unsigned int bucket, int err)
{
	if (err >= FZ_ERRNO_MAX)
		err = FZ_ERRNO_MAX - 1;
	__atomic_fetch_add(&t->run->hist[bucket][err], 1, __ATOMIC_RELAXED);
	t->calls++;
}

static int raw_ioctl(struct fz_thread *t, unsigned long cmd, void *arg,
		     unsigned int bucket, unsigned int lock_op)
{
	int ret, err;

	t->cur_op = bucket;
	t->op_start_ns = fz_now_ns();
	lock_for(t, lock_op);
	ret = ioctl(pl_fd(t->h), cmd, arg);
	err = ret < 0 ? errno : 0;
	unlock_for(t, lock_op);
	t->op_start_ns = 0;
	record(t, bucket, err);
	if (t->run->trace)
		fprintf(stderr, "fuzz: T%u %s cmd 0x%lx arg %p -> %s\n",
			t->idx, bucket < FZ_OP_BAD && pl_op_name(bucket) ?
			pl_op_name(bucket) : "BAD", cmd, arg,
			err ? pl_errno_name(err) ?: "?" : "0");
	return -err;
}

enum fz_place {
	FZ_AT_START,	/* start of the area */
	FZ_AT_END,	/* ends where the unmapped page begins */
	FZ_CROSS,	/* its last 8 bytes in the unmapped page */
	FZ_MISALIGNED,	/* start + 1 */
	FZ_NULL,
	FZ_LOW,		/* 1, a page-zero address */
	FZ_KERNEL,
	FZ_UNMAPPED,	/* the unmapped page */
	FZ_READONLY,	/* a read-only page holding a copy */
	FZ_NR_PLACES,
};

static bool place_readable(enum fz_place p)
{
	return p == FZ_AT_START || p == FZ_AT_END || p == FZ_MISALIGNED ||
	       p == FZ_READONLY;
}

/*
 * Put @len bytes of @src in @area (@area_len bytes, an unmapped page after
 * it) at @p; returns the address the kernel gets.  Bytes of @len past the
 * copied ones keep what the area holds.
 */
static uint8_t *place(struct fz_thread *t, enum fz_place p, uint8_t *area,
		      size_t area_len, const void *src, size_t len)
{
	uint8_t *at;
	size_t n = len < area_len ? len : area_len;

	switch (p) {
	case FZ_AT_START:
		at = area;
		break;
	case FZ_AT_END:
		at = area + area_len - n;
		break;
	case FZ_CROSS:
		at = area + area_len - n + (n >= 8 ? 8 : n);
		n -= n >= 8 ? 8 : n;
		break;
	case FZ_MISALIGNED:
		n = n < area_len - 1 ? n : area_len - 1;
		at = area + 1;
		break;
	case FZ_NULL:
		return NULL;
	case FZ_LOW:
		return (uint8_t *)(uintptr_t)(1 + fz_below(t, 4095));
	case FZ_KERNEL:
		return (uint8_t *)(uintptr_t)kernel_ptrs[fz_below(t,
			sizeof(kernel_ptrs) / sizeof(kernel_ptrs[0]))];
	case FZ_UNMAPPED:
		return area + area_len;
	case FZ_READONLY:
		/* the page is read-only: it was filled at setup, as zeros */
		return t->ro;
	default:
		return area;
	}
	if (src)
		memcpy(at, src, n);
	return at;
}

static enum fz_place bad_place(struct fz_thread *t)
{
	return (enum fz_place)(FZ_CROSS + fz_below(t, FZ_NR_PLACES - FZ_CROSS));
}

/*
 * A user buffer for a pointer inside a structure (FW_LOAD's blob, QUERY's
 * and CHECK's arrays): in the buffer area, at its start or ending at the
 * unmapped page; with @bad, anywhere bad_place() goes.
 */
static uint64_t user_buf(struct fz_thread *t, const void *src, size_t len,
			 bool bad)
{
	enum fz_place p = bad ? bad_place(t) :
			  fz_chance(t, 50) ? FZ_AT_START : FZ_AT_END;

	return (uint64_t)(uintptr_t)place(t, p, t->ba, t->ba_len, src, len);
}

static void sanitize(struct fz_thread *t, unsigned int op, uint8_t *s)
{
	unsigned int known = t->run->known;

	if (op == PROBELAB_OP_DEV_ADD) {
		struct probelab_dev_add *c = (void *)s;

		/* D6: only names under fz*, never a /sys/devices entry's */
		if (!(known & FZ_KNOWN_D6) &&
		    memchr(c->name, 0, sizeof(c->name)) && c->name[0] &&
		    strncmp(c->name, "fz", 2)) {
			c->name[0] = 'f';
			c->name[1] = c->name[1] ? 'z' : 0;
		}
		/* D2: no DMA aliases (a rejected alias array may stay) */
		if (!(known & FZ_KNOWN_SHARED) &&
		    c->nr_aliases <= PROBELAB_MAX_ALIASES)
			c->nr_aliases = 0;
	} else if (op == PROBELAB_OP_FW_LOAD) {
		struct probelab_fw_load *c = (void *)s;

		/* never another valid policy than the run's */
		if (c->policy < PL_NR_POLICIES && c->policy != t->run->policy)
			c->policy = PL_NR_POLICIES + c->policy;
	} else if (op == PROBELAB_OP_INJECT && !(known & FZ_KNOWN_D7)) {
		struct probelab_inject *c = (void *)s;

		/* a broken INJECT may still arm: only with valid-looking args */
		if (c->action == PROBELAB_INJECT_FAIL ||
		    c->action == PROBELAB_INJECT_DELAY)
			c->action = PROBELAB_INJECT_OFF;
	}
}

/*
 * Offset of the user pointer in @op's structure, or 0.  Field mutations
 * leave it alone: changed a little it may point into the fuzzer's own
 * memory, which the kernel would then rightly write to.  user_buf() breaks
 * pointers instead, to places that are safe to hand out.
 */
static size_t ptr_offset(unsigned int op)
{
	switch (op) {
	case PROBELAB_OP_FW_LOAD:
		return offsetof(struct probelab_fw_load, desc_uptr);
	case PROBELAB_OP_QUERY:
		return offsetof(struct probelab_query, entries_uptr);
	case PROBELAB_OP_CHECK:
		return offsetof(struct probelab_check, entries_uptr);
	}
	return 0;
}

static bool hits_ptr(unsigned int op, size_t off, size_t len)
{
	size_t p = ptr_offset(op);

	return p && off < p + 8 && off + len > p;
}

/* Header, ioctl number, pointer or field: one thing broken. */
static void malform(struct fz_thread *t, uint8_t *s, unsigned int op,
		    unsigned long *cmd, enum fz_place *p)
{
	struct probelab_simple *hdr = (void *)s;
	const struct fz_opsize *sz = &opsizes[op];

	switch (fz_below(t, 12)) {
	case 0:
		hdr->size = fz_below(t, sz->minsize);
		break;
	case 1:	/* longer, zero tail: accepted */
		hdr->size = sz->ksize + 8 * (1 + fz_below(t, 8));
		break;
	case 2:	/* longer, non-zero tail: E2BIG */
		hdr->size = sz->ksize + 8 * (1 + fz_below(t, 8));
		s[sz->ksize + fz_below(t, hdr->size - sz->ksize)] = 1;
		break;
	case 3:
		hdr->size = pick32(t);
		break;
	case 4:
		hdr->flags |= fz_chance(t, 50) ? 1u << fz_below(t, 32) :
			      pick32(t);
		break;
	case 5:
		hdr->__reserved = pick32(t) | 1;
		break;
	case 6: {
		static const uint32_t bad_ops[] = {
			0, FZ_OP_BAD, 31, 32, 63, 64, 0x80000000u,
			0xffffffffu,
		};

		hdr->op = bad_ops[fz_below(t, 8)];
		break;
	}
	case 7: {
		static const unsigned long cmds[] = {
			_IO(PROBELAB_IOCTL_TYPE, 1), _IO(PROBELAB_IOCTL_TYPE + 1, 0),
			_IOWR(PROBELAB_IOCTL_TYPE, 0, struct probelab_simple),
			0, 0x5401 /* TCGETS */, FIONREAD,
		};

		*cmd = cmds[fz_below(t, 6)];
		break;
	}
	case 8:
		*p = bad_place(t);
		break;
	case 9:
	case 10:
		if (sz->ksize > 16) {
			uint32_t off = 16 + 4 * fz_below(t, (sz->ksize - 16) / 4);
			uint32_t v = pick32(t);

			if (!hits_ptr(op, off, 4))
				memcpy(s + off, &v, 4);
		}
		break;
	default:
		if (sz->ksize > 16) {
			uint32_t off = 16 + fz_below(t, sz->ksize - 16);

			if (!hits_ptr(op, off, 1))
				s[off] ^= (uint8_t)(1u << fz_below(t, 8));
		}
		break;
	}
}

/*
 * Issue operation @s (kernel-sized, its header filled in; at least 1 KiB
 * of buffer); with @bad break one thing of it first.  Outputs are copied
 * back into @s when the kernel could write them.  Returns 0 or -errno.
 */
static int issue(struct fz_thread *t, void *s, bool bad)
{
	struct probelab_simple *hdr = s;
	unsigned int op = hdr->op, bucket;
	unsigned long cmd = PROBELAB_IOCTL;
	enum fz_place p = fz_chance(t, 30) ? FZ_AT_END : FZ_AT_START;
	uint8_t *at;
	size_t len;
	int ret;

	if (bad)
		malform(t, s, op, &cmd, &p);
	sanitize(t, op, s);
	len = hdr->size < 1024 ? hdr->size : 1024;
	if (len < 8)
		len = 8;
	if (hdr->size >= 1024 && p == FZ_AT_END)
		p = FZ_AT_START;
	at = place(t, p, t->sa, t->sa_len, s, len);
	if (hdr->size > 1024 && at == t->sa)
		/* what lies past the 1 KiB we wrote: zero, up to the page */
		memset(t->sa + 1024, 0, t->sa_len - 1024);
	bucket = cmd == PROBELAB_IOCTL && hdr->op >= 1 &&
		 hdr->op < FZ_OP_BAD ? hdr->op : FZ_OP_BAD;
	ret = raw_ioctl(t, cmd, at, bucket, op);
	if (place_readable(p) && p != FZ_READONLY && at)
		memcpy(s, at, len < opsizes[op].ksize ? len :
		       opsizes[op].ksize);
	return ret;
}

#define CMD(var, type, _op)			\
	union {					\
		type c;				\
		uint8_t b[1024];		\
	} var;					\
	memset(&var, 0, sizeof(var));		\
	var.c.size = sizeof(type);		\
	var.c.op = (_op)

static bool bad_call(struct fz_thread *t)
{
	return fz_chance(t, 25);
}

/* ---- the description and names ------------------------------------------ */

static void iommu_name(struct fz_thread *t, char *dst)
{
	struct fz_run *r = t->run;
	uint32_t pick = fz_below(t, 100), i = fz_below(t, FZ_MAX_NAMES);

	pthread_mutex_lock(&r->names_lock);
	if (pick < 90 && r->names.nr_iommus)
		snprintf(dst, PROBELAB_NAME_LEN, "%s",
			 r->names.iommus[i % r->names.nr_iommus]);
	else if (pick < 95)
		snprintf(dst, PROBELAB_NAME_LEN, "fznosuch%u", i);
	else if (pick < 98)
		dst[0] = 0;
	else
		memset(dst, 'a', PROBELAB_NAME_LEN);	/* not terminated */
	pthread_mutex_unlock(&r->names_lock);
}

static int fw_load(struct fz_thread *t, bool bad)
{
	struct fz_desc_names names;
	void *blob = NULL;
	size_t len = 0;
	int ret;
	CMD(c, struct probelab_fw_load, PROBELAB_OP_FW_LOAD);

	ret = fz_desc_build(t, &blob, &len, &names);
	if (ret)
		return ret;
	if (bad && fz_chance(t, 60)) {
		/* a broken blob; the header stays sane */
		uint8_t *m = malloc(len + 64);
		bool keep = true;

		if (!m)
			goto out;
		memcpy(m, blob, len);
		memset(m + len, 0, 64);
		switch (fz_below(t, 4)) {
		case 0:
			m[fz_below(t, (uint32_t)len)] ^= (uint8_t)(1u << fz_below(t, 8));
			break;
		case 1: {
			uint32_t v = pick32(t), off = 4 * fz_below(t, (uint32_t)len / 4);

			memcpy(m + off, &v, 4);
			break;
		}
		case 2:
			len = fz_below(t, (uint32_t)len);
			break;
		default:
			len += 8 * (1 + fz_below(t, 8));
			break;
		}
		/* D2-D4: a blob the validator takes could share IDs */
		if (!(t->run->known & FZ_KNOWN_SHARED)) {
			struct pl_fwdesc *d = NULL;

			if (!pl_fwdesc_parse(m, len, &d, NULL)) {
				pl_fwdesc_free(d);
				keep = false;
			}
		}
		if (keep) {
			free(blob);
			blob = m;
		} else {
			free(m);
		}
		bad = false;
	}
	c.c.policy = t->run->policy;
	c.c.default_domain = fz_chance(t, 70) ? PROBELAB_DOMAIN_DMA :
			     PROBELAB_DOMAIN_IDENTITY;
	c.c.desc_len = (uint32_t)len;
	c.c.desc_uptr = user_buf(t, blob, len, bad && fz_chance(t, 30));
	if (bad && fz_chance(t, 30))
		c.c.desc_len = pick32(t);
	ret = issue(t, &c, bad);
	if (!ret) {
		pthread_mutex_lock(&t->run->names_lock);
		t->run->names = names;
		pthread_mutex_unlock(&t->run->names_lock);
	}
out:
	free(blob);
	return ret;
}

static void pool_clear(struct fz_pool *p)
{
	pthread_mutex_lock(&p->lock);
	p->n = 0;
	pthread_mutex_unlock(&p->lock);
}

static int simple_op(struct fz_thread *t, unsigned int op, bool bad)
{
	int ret;
	CMD(c, struct probelab_simple, op);

	ret = issue(t, &c, bad);
	if (!ret && op == PROBELAB_OP_LAB_RESET) {
		/* stale ids stay possible: other threads add them back */
		pool_clear(&t->run->devs);
		pool_clear(&t->run->groups);
	}
	return ret;
}

static int register_one(struct fz_thread *t, unsigned int op, bool bad)
{
	CMD(c, struct probelab_iommu_ref, op);
	iommu_name(t, c.c.name);
	return issue(t, &c, bad);
}

static int dev_add(struct fz_thread *t, bool bad)
{
	struct fz_run *r = t->run;
	uint32_t pick = fz_below(t, 100), i = fz_below(t, FZ_MAX_NAMES);
	uint32_t bdf = fz_below(t, 0x10000);
	int ret;
	CMD(c, struct probelab_dev_add, PROBELAB_OP_DEV_ADD);

	pthread_mutex_lock(&r->names_lock);
	if (pick < 65) {
		c.c.kind = PROBELAB_DEV_PCI;
		c.c.segment = r->names.nr_segs ?
			      r->names.segs[i % r->names.nr_segs] : 0;
		/* mostly bus 0, and the buses behind the fz bridge */
		c.c.bus = (uint8_t)(pick < 40 ? 0 : pick < 55 ? 1 + (bdf >> 14) :
				    bdf >> 8);
		c.c.devfn = (uint8_t)(pick < 50 ? ((bdf & 7) << 3) : bdf);
		if ((r->known & FZ_KNOWN_SHARED) && fz_chance(t, 20)) {
			c.c.nr_aliases = 1 + fz_below(t, PROBELAB_MAX_ALIASES);
			for (unsigned int a = 0; a < c.c.nr_aliases; a++)
				c.c.aliases[a] = (uint16_t)fz_below(t, 0x400);
		}
	} else {
		c.c.kind = PROBELAB_DEV_NAMED;
		if (pick < 90 && r->names.nr_endpoints)
			snprintf(c.c.name, sizeof(c.c.name), "%s",
				 r->names.endpoints[i % r->names.nr_endpoints]);
		else
			snprintf(c.c.name, sizeof(c.c.name), "fzdev%u", i);
		if ((r->known & FZ_KNOWN_D6) && fz_chance(t, 10)) {
			static const char *const clash[] = {
				"virtual", "platform", "system", "fzsmmu0",
			};

			snprintf(c.c.name, sizeof(c.c.name), "%s",
				 clash[fz_below(t, 4)]);
		}
	}
	pthread_mutex_unlock(&r->names_lock);
	if (fz_chance(t, 15))
		c.c.flags = PROBELAB_DEV_ADD_PLATFORM_OPS;
	ret = issue(t, &c, bad);
	if (!ret && c.c.dev_id)
		fz_pool_add(&r->devs, c.c.dev_id);
	return ret;
}

static int dev_ref(struct fz_thread *t, unsigned int op, uint32_t id, bool bad)
{
	int ret;
	CMD(c, struct probelab_dev_ref, op);

	c.c.dev_id = id;
	ret = issue(t, &c, bad);
	if (!ret && op == PROBELAB_OP_DEV_REMOVE)
		fz_pool_del(&t->run->devs, id);
	return ret;
}

static int drv_bind(struct fz_thread *t, uint32_t id, bool bad)
{
	CMD(c, struct probelab_drv_bind, PROBELAB_OP_DRV_BIND);

	c.c.dev_id = id;
	c.c.driver = 1 + fz_below(t, PROBELAB_DRV_POOL);
	return issue(t, &c, bad);
}

/* QUERY: refreshes the device and group pools when it can. */
static int query(struct fz_thread *t, bool bad)
{
	static const unsigned int esize[] = {
		sizeof(struct probelab_dev_info),
		sizeof(struct probelab_iommu_info),
		sizeof(struct probelab_group_info),
	};
	unsigned int what = 1 + fz_below(t, 3), cap = fz_below(t, 40), i;
	uint8_t *ents;
	int ret;
	CMD(c, struct probelab_query, PROBELAB_OP_QUERY);

	c.c.what = what;
	c.c.entry_size = esize[what - 1];
	c.c.nr_entries = cap;
	c.c.entries_uptr = user_buf(t, NULL, (size_t)cap * c.c.entry_size,
				    bad && fz_chance(t, 30));
	if (bad && fz_chance(t, 40)) {
		if (fz_chance(t, 50))
			c.c.entry_size = pick32(t);
		else
			c.c.nr_entries = pick32(t);
	}
	ents = (uint8_t *)(uintptr_t)c.c.entries_uptr;
	ret = issue(t, &c, bad);
	/*
	 * Only a well-formed call's answer is read back: after a broken one
	 * the array may sit anywhere (a fuzzer thread read past its buffer
	 * into the guard page: SIGSEGV in query(), arm64, make fuzz-soak).
	 */
	if (ret || bad || c.c.what != what || c.c.entry_size != esize[what - 1] ||
	    what == PROBELAB_QUERY_IOMMUS || !ents ||
	    !(ents >= t->ba && ents < t->ba + t->ba_len))
		return ret;
	cap = c.c.nr_entries < cap ? c.c.nr_entries : cap;
	for (i = 0; i < cap; i++) {
		if (what == PROBELAB_QUERY_DEVICES) {
			struct probelab_dev_info d;

			memcpy(&d, ents + (size_t)i * sizeof(d), sizeof(d));
			fz_pool_add(&t->run->devs, d.dev_id);
			if (d.group_id)
				fz_pool_add(&t->run->groups, d.group_id);
		} else {
			struct probelab_group_info g;

			memcpy(&g, ents + (size_t)i * sizeof(g), sizeof(g));
			fz_pool_add(&t->run->groups, g.group_id);
		}
	}
	return ret;
}

static int stats(struct fz_thread *t, bool bad)
{
	CMD(c, struct probelab_stats, PROBELAB_OP_STATS);

	c.c.flags = fz_chance(t, 10) ? PROBELAB_STATS_RESET : 0;
	return issue(t, &c, bad);
}

static int owner(struct fz_thread *t, unsigned int op, uint32_t id,
		 uint32_t flags, bool bad)
{
	CMD(c, struct probelab_owner, op);

	c.c.id = id;
	c.c.flags = flags;
	return issue(t, &c, bad);
}

static uint32_t own_domain(struct fz_thread *t)
{
	uint32_t r = fz_below(t, 100);

	if (r < 75 && t->nr_doms)
		return t->doms[r % t->nr_doms];
	return fz_pool_pick(t, &t->run->domains);
}

static void forget_domain(struct fz_thread *t, uint32_t id)
{
	for (unsigned int i = 0; i < t->nr_doms; i++)
		if (t->doms[i] == id) {
			t->doms[i] = t->doms[--t->nr_doms];
			break;
		}
	fz_pool_del(&t->run->domains, id);
}

static int dom_alloc(struct fz_thread *t, uint32_t dev, uint32_t type,
		     bool bad, uint32_t *out)
{
	int ret;
	CMD(c, struct probelab_domain_alloc, PROBELAB_OP_DOMAIN_ALLOC);

	c.c.dev_id = dev;
	c.c.type = type;
	ret = issue(t, &c, bad);
	if (!ret && c.c.domain_id) {
		if (t->nr_doms < sizeof(t->doms) / sizeof(t->doms[0]))
			t->doms[t->nr_doms++] = c.c.domain_id;
		fz_pool_add(&t->run->domains, c.c.domain_id);
		if (out)
			*out = c.c.domain_id;
	}
	return ret;
}

static uint32_t rnd_dom_type(struct fz_thread *t)
{
	static const uint32_t types[] = {
		PROBELAB_DOMAIN_UNMANAGED, PROBELAB_DOMAIN_UNMANAGED,
		PROBELAB_DOMAIN_UNMANAGED, PROBELAB_DOMAIN_IDENTITY,
		PROBELAB_DOMAIN_BLOCKED, PROBELAB_DOMAIN_DMA, 0, 5,
	};

	return types[fz_below(t, 8)];
}

static int dom_free(struct fz_thread *t, uint32_t id, bool bad)
{
	int ret;
	CMD(c, struct probelab_domain_ref, PROBELAB_OP_DOMAIN_FREE);

	c.c.domain_id = id;
	ret = issue(t, &c, bad);
	if (!ret)
		forget_domain(t, id);
	return ret;
}

static int attach(struct fz_thread *t, unsigned int op, uint32_t target,
		  bool is_dev, uint32_t dom, bool bad)
{
	CMD(c, struct probelab_attach, op);

	c.c.target = target;
	c.c.flags = is_dev ? PROBELAB_ATTACH_DEVICE : 0;
	c.c.domain_id = dom;
	return issue(t, &c, bad);
}

/* An IOVA range: mostly small and aligned, a few at the edges. */
static void rnd_range(struct fz_thread *t, __u64 *iova, __u64 *paddr,
		      __u64 *len)
{
	switch (fz_below(t, 10)) {
	case 0:	/* 2M blocks */
		*iova = (uint64_t)fz_below(t, 1024) << 21;
		*paddr = (uint64_t)fz_below(t, 1024) << 21;
		*len = (uint64_t)(1 + fz_below(t, 4)) << 21;
		break;
	case 1:	/* up to 4G, 1G aligned: blocks, not pages */
		*iova = (uint64_t)fz_below(t, 64) << 30;
		*paddr = (uint64_t)fz_below(t, 64) << 30;
		*len = fz_chance(t, 50) ? 0xfffff000ull : 1ull << 30;
		break;
	case 2:	/* the top of the 48-bit space */
		*len = 0x1000ull * (1 + fz_below(t, 4));
		*iova = (1ull << 48) - *len * fz_below(t, 2);
		*paddr = 0x1000ull * fz_below(t, 1 << 20);
		break;
	default:
		*iova = 0x1000ull * fz_below(t, 1 << 16);
		*paddr = 0x1000ull * fz_below(t, 1 << 20);
		*len = 0x1000ull * (1 + fz_below(t, 16));
		break;
	}
}

static int map_op(struct fz_thread *t, unsigned int op, uint32_t dom,
		  bool bad)
{
	CMD(c, struct probelab_map, op);

	c.c.domain_id = dom;
	rnd_range(t, &c.c.iova, &c.c.paddr, &c.c.length);
	if (op == PROBELAB_OP_MAP)
		c.c.prot = 1 + fz_below(t, 3);
	else
		c.c.paddr = 0;
	if (bad && fz_chance(t, 50)) {
		switch (fz_below(t, 4)) {
		case 0:
			c.c.iova = pick64(t) + fz_below(t, 2) * 0x800;
			break;
		case 1:
			c.c.length = pick64(t);
			/* a 4K-granular length of GiBs is a memory bound test */
			if ((c.c.length & 0xfff) == 0 && c.c.length > (1ull << 32))
				c.c.iova |= 0x800;
			break;
		case 2:
			c.c.paddr = pick64(t);
			break;
		default:
			c.c.prot = pick32(t);
			break;
		}
		bad = false;
	}
	return issue(t, &c, bad);
}

static int iova_op(struct fz_thread *t, uint32_t dom, bool bad)
{
	__u64 paddr, len;
	CMD(c, struct probelab_iova, PROBELAB_OP_IOVA_TO_PHYS);

	c.c.domain_id = dom;
	rnd_range(t, &c.c.iova, &paddr, &len);
	if (bad && fz_chance(t, 50)) {
		c.c.iova = pick64(t);
		bad = false;
	}
	return issue(t, &c, bad);
}

static int check(struct fz_thread *t, bool bad)
{
	static const uint32_t caps[] = { 0, 1, 4, 64, 0xffffffffu };
	uint32_t cap = caps[fz_below(t, 5)];
	size_t bytes;
	CMD(c, struct probelab_check, PROBELAB_OP_CHECK);

	/* auto-checking after every op is costly: on rarely, off often */
	if (fz_chance(t, 3))
		c.c.flags = PROBELAB_CHECK_AUTO_ON;
	else if (fz_chance(t, 10))
		c.c.flags = PROBELAB_CHECK_AUTO_OFF;
	c.c.entry_size = sizeof(struct probelab_violation);
	if (bad && fz_chance(t, 40))
		c.c.entry_size = pick32(t);
	bytes = (size_t)(cap > 64 ? 4 : cap) * sizeof(struct probelab_violation);
	c.c.nr_entries = cap;
	/* a lying capacity points at the end of the area: faults, no overrun */
	c.c.entries_uptr = user_buf(t, NULL, bytes, bad && fz_chance(t, 30));
	return issue(t, &c, bad);
}

static int inject(struct fz_thread *t, bool bad)
{
	static const int errs[] = {
		-EIO, -ENOMEM, -EBUSY, -EAGAIN, -ENODEV, -EINVAL, -517, -ENOSPC,
	};
	unsigned int i = fz_below(t, 24);
	const char *name = pl_inject_point_name(i);
	CMD(c, struct probelab_inject, PROBELAB_OP_INJECT);

	if (name)
		snprintf(c.c.point, sizeof(c.c.point), "%s", name);
	else if (i == 20)
		snprintf(c.c.point, sizeof(c.c.point), "fz.nosuch");
	else if (i == 21)
		memset(c.c.point, 'p', sizeof(c.c.point));
	else
		snprintf(c.c.point, sizeof(c.c.point), "probe.xlate");
	if (fz_chance(t, 15)) {
		c.c.flags = PROBELAB_INJECT_QUERY;
	} else {
		uint32_t a = fz_below(t, 100);

		/* D7: armed points are off by default, OFF still runs */
		if (a < 35 || !(t->run->known & FZ_KNOWN_D7)) {
			c.c.action = PROBELAB_INJECT_OFF;
		} else if (a < 75) {
			c.c.action = PROBELAB_INJECT_DELAY;
			c.c.delay_us = fz_below(t, 300);
			c.c.jitter_us = fz_below(t, 100);
			if (fz_chance(t, 3) && strcmp(c.c.point, "hw.step"))
				c.c.delay_us = 1000 + fz_below(t, 20000);
		} else {
			c.c.action = PROBELAB_INJECT_FAIL;
			c.c.error = errs[fz_below(t, 8)];
		}
		c.c.every_nth = fz_chance(t, 50) ? fz_below(t, 8) : 0;
		c.c.ppm = fz_chance(t, 50) ? fz_below(t, PROBELAB_INJECT_PPM) : 0;
		c.c.dev_id = fz_chance(t, 70) ? 0 :
			     fz_pool_pick(t, &t->run->devs);
		c.c.seed = fz_rnd(t);
	}
	if (bad && fz_chance(t, 50)) {
		switch (fz_below(t, 4)) {
		case 0:
			c.c.delay_us = PROBELAB_INJECT_MAX_DELAY_US + 1 +
				       fz_below(t, 2);
			c.c.action = PROBELAB_INJECT_DELAY;
			break;
		case 1:
			c.c.error = (int32_t)pick32(t);
			c.c.action = PROBELAB_INJECT_FAIL;
			break;
		case 2:
			c.c.ppm = PROBELAB_INJECT_PPM + 1 + pick32(t) % 7;
			break;
		default:
			c.c.action = 3 + fz_below(t, 8);
			break;
		}
		bad = false;
	}
	return issue(t, &c, bad);
}

static int race(struct fz_thread *t, bool bad)
{
	CMD(c, struct probelab_race, PROBELAB_OP_RACE);

	c.c.actor = PROBELAB_RACE_OF_CONFIGURE;
	c.c.dev_id = fz_pool_pick(t, &t->run->devs);
	c.c.threads = 1 + fz_below(t, 4);
	c.c.duration_ms = 1 + fz_below(t, 20);
	c.c.iterations = fz_chance(t, 50) ? fz_below(t, 1000) : 0;
	if (fz_chance(t, 50)) {
		/* 4K, 8K, ... 2M: map and unmap through the lab dma_ops */
		c.c.actor = PROBELAB_RACE_DMA_MAP;
		c.c.map_size = PROBELAB_RACE_MAP_MIN << fz_below(t, 10);
	}
	if (bad && fz_chance(t, 50)) {
		switch (fz_below(t, 6)) {
		case 4:
			/* not a power of two in 4K..2M, or with another actor */
			c.c.map_size = fz_chance(t, 50) ? pick32(t) :
				       PROBELAB_RACE_MAP_MIN;
			if (c.c.map_size == PROBELAB_RACE_MAP_MIN)
				c.c.actor = PROBELAB_RACE_OF_CONFIGURE;
			break;
		case 5:
			c.c.map_errors = 1 + fz_below(t, 100);
			break;
		case 0:
			c.c.threads = fz_chance(t, 50) ? 0 :
				      PROBELAB_RACE_MAX_THREADS + 1;
			break;
		case 1:
			c.c.duration_ms = fz_chance(t, 50) ? 0 :
					  PROBELAB_RACE_MAX_MS + 1;
			break;
		case 2:
			c.c.actor = pick32(t);
			break;
		default:
			c.c.iterations = pick64(t);
			break;
		}
		bad = false;
	}
	return issue(t, &c, bad);
}

/* ---- composite actions ---------------------------------------------------- */

void fz_reload(struct fz_thread *t)
{
	unsigned int i, n;

	simple_op(t, PROBELAB_OP_LAB_RESET, false);
	if (fw_load(t, false))
		return;
	n = 1 + fz_below(t, 4);
	for (i = 0; i < n; i++)
		register_one(t, PROBELAB_OP_IOMMU_REGISTER, false);
	n = 2 + fz_below(t, 8);
	for (i = 0; i < n; i++)
		dev_add(t, false);
}

/* A device claimed, a domain attached, mapped, unmapped, maybe undone. */
static void owner_sequence(struct fz_thread *t)
{
	uint32_t dev = fz_pool_pick(t, &t->run->devs), dom = 0;
	unsigned int i, n;

	if (fz_chance(t, 20))
		dev_ref(t, PROBELAB_OP_DRV_UNBIND, dev, false);
	if (owner(t, PROBELAB_OP_OWNER_CLAIM_DEVICE, dev, 0, false))
		return;
	if (dom_alloc(t, dev, PROBELAB_DOMAIN_UNMANAGED, false, &dom) ||
	    attach(t, PROBELAB_OP_ATTACH, dev, true, dom, false))
		goto release;
	n = 1 + fz_below(t, 4);
	for (i = 0; i < n; i++)
		map_op(t, PROBELAB_OP_MAP, dom, false);
	iova_op(t, dom, false);
	if (fz_chance(t, 60))
		map_op(t, PROBELAB_OP_UNMAP, dom, false);
	if (fz_chance(t, 30))
		return;		/* left for the file's close or others */
	attach(t, PROBELAB_OP_DETACH, dev, true, 0, false);
	dom_free(t, dom, false);
release:
	owner(t, PROBELAB_OP_OWNER_RELEASE, dev, PROBELAB_OWNER_DEVICE, false);
}

int fz_reopen(struct fz_thread *t)
{
	struct pl_handle *h;
	int ret;

	while (t->nr_doms)
		forget_domain(t, t->doms[0]);
	if (t->h)
		pl_close(t->h);
	t->h = NULL;
	ret = pl_open(&h);
	if (ret)
		return ret;
	t->h = h;
	__atomic_fetch_add(&t->run->reopens, 1, __ATOMIC_RELAXED);
	return 0;
}

/* ---- the action table ------------------------------------------------------ */

enum fz_action {
	A_INFO, A_FW_LOAD, A_RELOAD, A_RESET, A_DEV_ADD, A_DEV_REMOVE,
	A_REGISTER, A_UNREGISTER, A_BIND, A_UNBIND, A_QUERY, A_STATS,
	A_CLAIM_GROUP, A_CLAIM_DEVICE, A_RELEASE, A_DOM_ALLOC, A_DOM_FREE,
	A_ATTACH, A_DETACH, A_MAP, A_UNMAP, A_IOVA, A_CHECK, A_INJECT,
	A_RACE, A_OWNER_SEQ, A_REOPEN, A_NR,
};

/* Relative frequencies; resets are rare so that deeper states are reached. */
static const unsigned int weights[A_NR] = {
	[A_INFO] = 20, [A_FW_LOAD] = 20, [A_RELOAD] = 8, [A_RESET] = 2,
	[A_DEV_ADD] = 60, [A_DEV_REMOVE] = 30, [A_REGISTER] = 50,
	[A_UNREGISTER] = 25, [A_BIND] = 70, [A_UNBIND] = 40, [A_QUERY] = 50,
	[A_STATS] = 20, [A_CLAIM_GROUP] = 30, [A_CLAIM_DEVICE] = 30,
	[A_RELEASE] = 30, [A_DOM_ALLOC] = 30, [A_DOM_FREE] = 20,
	[A_ATTACH] = 30, [A_DETACH] = 20, [A_MAP] = 40, [A_UNMAP] = 30,
	[A_IOVA] = 20, [A_CHECK] = 20, [A_INJECT] = 30, [A_RACE] = 10,
	[A_OWNER_SEQ] = 60, [A_REOPEN] = 10,
};

void fz_step(struct fz_thread *t)
{
	struct fz_pool *devs = &t->run->devs, *groups = &t->run->groups;
	unsigned int a, w, total = 0;
	bool bad;

	if (!t->h && fz_reopen(t))
		return;
	for (a = 0; a < A_NR; a++)
		total += weights[a];
	w = fz_below(t, total);
	for (a = 0; a < A_NR - 1 && w >= weights[a]; a++)
		w -= weights[a];
	bad = bad_call(t);

	switch ((enum fz_action)a) {
	case A_INFO: {
		CMD(c, struct probelab_info, PROBELAB_OP_GET_INFO);
		issue(t, &c, bad);
		break;
	}
	case A_FW_LOAD:
		fw_load(t, bad);
		break;
	case A_RELOAD:
		fz_reload(t);
		break;
	case A_RESET:
		simple_op(t, PROBELAB_OP_LAB_RESET, bad);
		break;
	case A_DEV_ADD:
		dev_add(t, bad);
		break;
	case A_DEV_REMOVE:
		dev_ref(t, PROBELAB_OP_DEV_REMOVE, fz_pool_pick(t, devs), bad);
		break;
	case A_REGISTER:
		register_one(t, PROBELAB_OP_IOMMU_REGISTER, bad);
		break;
	case A_UNREGISTER:
		register_one(t, PROBELAB_OP_IOMMU_UNREGISTER, bad);
		break;
	case A_BIND:
		drv_bind(t, fz_pool_pick(t, devs), bad);
		break;
	case A_UNBIND:
		dev_ref(t, PROBELAB_OP_DRV_UNBIND, fz_pool_pick(t, devs), bad);
		break;
	case A_QUERY:
		query(t, bad);
		break;
	case A_STATS:
		stats(t, bad);
		break;
	case A_CLAIM_GROUP:
		owner(t, PROBELAB_OP_OWNER_CLAIM_GROUP,
		      fz_pool_pick(t, groups), 0, bad);
		break;
	case A_CLAIM_DEVICE:
		owner(t, PROBELAB_OP_OWNER_CLAIM_DEVICE,
		      fz_pool_pick(t, devs), 0, bad);
		break;
	case A_RELEASE:
		if (fz_chance(t, 50))
			owner(t, PROBELAB_OP_OWNER_RELEASE,
			      fz_pool_pick(t, groups), 0, bad);
		else
			owner(t, PROBELAB_OP_OWNER_RELEASE,
			      fz_pool_pick(t, devs), PROBELAB_OWNER_DEVICE, bad);
		break;
	case A_DOM_ALLOC:
		dom_alloc(t, fz_pool_pick(t, devs), rnd_dom_type(t), bad, NULL);
		break;
	case A_DOM_FREE:
		dom_free(t, own_domain(t), bad);
		break;
	case A_ATTACH:
	case A_DETACH: {
		bool is_dev = fz_chance(t, 50);
		uint32_t target = fz_pool_pick(t, is_dev ? devs : groups);

		attach(t, a == A_ATTACH ? PROBELAB_OP_ATTACH : PROBELAB_OP_DETACH,
		       target, is_dev, a == A_ATTACH ? own_domain(t) : 0, bad);
		break;
	}
	case A_MAP:
		map_op(t, PROBELAB_OP_MAP, own_domain(t), bad);
		break;
	case A_UNMAP:
		map_op(t, PROBELAB_OP_UNMAP, own_domain(t), bad);
		break;
	case A_IOVA:
		iova_op(t, own_domain(t), bad);
		break;
	case A_CHECK:
		check(t, bad);
		break;
	case A_INJECT:
		inject(t, bad);
		break;
	case A_RACE:
		race(t, bad);
		break;
	case A_OWNER_SEQ:
		owner_sequence(t);
		break;
	case A_REOPEN:
	default:
		fz_reopen(t);
		break;
	}
}

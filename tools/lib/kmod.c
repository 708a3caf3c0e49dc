// SPDX-License-Identifier: GPL-2.0
/* libprobelab: loading and unloading probelab.ko through libkmod */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <libkmod.h>

#include "probelab.h"

static void seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* Quiet libkmod: errors are reported through our return values. */
static void kmod_log_silent(void *data, int priority, const char *file,
			    int line, const char *fn, const char *format,
			    va_list args)
{
	(void)data; (void)priority; (void)file; (void)line; (void)fn;
	(void)format; (void)args;
}

static struct kmod_ctx *pl_kmod_new(char *err, size_t errlen)
{
	struct kmod_ctx *ctx = kmod_new(NULL, NULL);

	if (!ctx) {
		seterr(err, errlen, "libkmod: cannot create a context");
		return NULL;
	}
	kmod_set_log_fn(ctx, kmod_log_silent, NULL);
	return ctx;
}

int pl_module_state(void)
{
	struct kmod_module *mod = NULL;
	struct kmod_ctx *ctx;
	int ret;

	ctx = pl_kmod_new(NULL, 0);
	if (!ctx)
		return -ENOMEM;
	ret = kmod_module_new_from_name(ctx, PL_MODULE_NAME, &mod);
	if (ret == 0) {
		int state = kmod_module_get_initstate(mod);

		/* -ENOENT from sysfs: not loaded */
		ret = state == KMOD_MODULE_LIVE ? 1 :
		      state == -ENOENT ? 0 : state < 0 ? state : 0;
		kmod_module_unref(mod);
	}
	kmod_unref(ctx);
	return ret;
}

int pl_module_load(const char *path, const char *params, char *err,
		   size_t errlen)
{
	struct kmod_module *mod = NULL;
	struct kmod_ctx *ctx;
	int ret;

	ctx = pl_kmod_new(err, errlen);
	if (!ctx)
		return -ENOMEM;

	if (path) {
		ret = kmod_module_new_from_path(ctx, path, &mod);
		if (ret < 0) {
			seterr(err, errlen, "%s: %s", path, strerror(-ret));
			goto out_ctx;
		}
		ret = kmod_module_insert_module(mod, 0, params);
	} else {
		struct kmod_list *list = NULL;

		ret = kmod_module_new_from_lookup(ctx, PL_MODULE_NAME, &list);
		if (ret < 0 || !list) {
			seterr(err, errlen,
			       "%s.ko is not installed for this kernel (make install or dkms install), or pass --module PATH",
			       PL_MODULE_NAME);
			ret = ret < 0 ? ret : -ENOENT;
			goto out_ctx;
		}
		mod = kmod_module_get_module(list);
		kmod_module_unref_list(list);
		ret = kmod_module_probe_insert_module(mod,
				KMOD_PROBE_FAIL_ON_LOADED, params, NULL, NULL,
				NULL);
	}
	if (ret == -EEXIST)
		seterr(err, errlen, "%s is already loaded", PL_MODULE_NAME);
	else if (ret < 0)
		seterr(err, errlen, "cannot load %s: %s",
		       path ? path : PL_MODULE_NAME, strerror(-ret));

	kmod_module_unref(mod);
out_ctx:
	kmod_unref(ctx);
	return ret;
}

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000,
			       .tv_nsec = (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

int pl_module_unload(unsigned int wait_ms, unsigned int *attempts, char *err,
		     size_t errlen)
{
	unsigned int delay = 10, waited = 0, tries = 0;
	struct kmod_module *mod = NULL;
	struct kmod_ctx *ctx;
	int ret;

	ctx = pl_kmod_new(err, errlen);
	if (!ctx)
		return -ENOMEM;
	ret = kmod_module_new_from_name(ctx, PL_MODULE_NAME, &mod);
	if (ret < 0) {
		seterr(err, errlen, "%s: %s", PL_MODULE_NAME, strerror(-ret));
		goto out_ctx;
	}
	if (kmod_module_get_initstate(mod) < 0) {
		seterr(err, errlen, "%s is not loaded", PL_MODULE_NAME);
		ret = -ENOENT;
		goto out_mod;
	}

	/* As kmod's modprobe -r --wait: retry while in use, backing off. */
	for (;;) {
		tries++;
		ret = kmod_module_remove_module(mod, 0);
		if (ret != -EAGAIN || waited >= wait_ms)
			break;
		if (delay > wait_ms - waited)
			delay = wait_ms - waited;
		sleep_ms(delay);
		waited += delay;
		delay = delay * 2 > 1000 ? 1000 : delay * 2;
	}
	if (ret == -EAGAIN)
		seterr(err, errlen, "%s is still in use after %u ms (%u attempts)",
		       PL_MODULE_NAME, waited, tries);
	else if (ret < 0)
		seterr(err, errlen, "cannot unload %s: %s", PL_MODULE_NAME,
		       strerror(-ret));
	if (attempts)
		*attempts = tries;
out_mod:
	kmod_module_unref(mod);
out_ctx:
	kmod_unref(ctx);
	return ret;
}

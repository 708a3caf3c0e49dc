// SPDX-License-Identifier: GPL-2.0
/*
 * Guest test: /dev/probelab, the ioctl dispatcher's size/op/flags rules,
 * CAP_SYS_ADMIN, the generic netlink family and debugfs.  TAP output.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>

#include "probelab.h"
#include "tap.h"

/* A structure larger than the kernel's: tests the copy_struct_from_user tail. */
struct info_plus {
	struct probelab_info info;
	__u64 tail[4];
};

static int do_ioctl(int fd, void *arg)
{
	return ioctl(fd, PROBELAB_IOCTL, arg) < 0 ? -errno : 0;
}

static void init_info(struct probelab_info *i, __u32 size)
{
	memset(i, 0, sizeof(*i));
	i->size = size;
	i->op = PROBELAB_OP_GET_INFO;
}

/* Runs fn in a child that dropped to uid/gid 65534; returns its errno. */
static int as_nobody(int fd, int (*fn)(int fd))
{
	pid_t pid = fork();
	int status;

	if (pid == 0) {
		if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534))
			_exit(255);
		_exit(-fn(fd));
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

static int try_open(int unused)
{
	int fd = open(PL_DEVICE_PATH, O_RDWR);

	(void)unused;
	if (fd >= 0) {
		close(fd);
		return 0;
	}
	return -errno;
}

static int try_get_info(int fd)
{
	struct probelab_info i;

	init_info(&i, sizeof(i));
	return do_ioctl(fd, &i);
}

static void test_netlink(void)
{
	struct nl_sock *sk = nl_socket_alloc();
	int fam = -1, grp = -1;

	if (sk && genl_connect(sk) == 0) {
		fam = genl_ctrl_resolve(sk, PROBELAB_GENL_NAME);
		grp = genl_ctrl_resolve_grp(sk, PROBELAB_GENL_NAME,
					    PROBELAB_GENL_MCGRP_EVENTS);
	}
	tap_ok(fam > 0, "generic netlink family '%s' resolves (id %d)",
	       PROBELAB_GENL_NAME, fam);
	tap_ok(grp > 0, "multicast group '%s' resolves (id %d)",
	       PROBELAB_GENL_MCGRP_EVENTS, grp);
	nl_socket_free(sk);
}

int main(void)
{
	struct probelab_info info;
	struct info_plus plus;
	struct utsname uts;
	struct stat st;
	char buf[1024];
	int fd, ret, n;
	FILE *f;

	tap_plan(21);

	ret = stat(PL_DEVICE_PATH, &st);
	tap_ok(ret == 0 && S_ISCHR(st.st_mode), "%s is a character device",
	       PL_DEVICE_PATH);
	tap_ok(ret == 0 && (st.st_mode & 07777) == 0600 && st.st_uid == 0,
	       "%s is mode 0600 owned by root (mode %04o uid %u)",
	       PL_DEVICE_PATH, st.st_mode & 07777, st.st_uid);

	fd = open(PL_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		tap_diag("cannot open %s: %s", PL_DEVICE_PATH, strerror(errno));
		return 1;
	}

	init_info(&info, sizeof(info));
	ret = do_ioctl(fd, &info);
	uname(&uts);
	tap_ok(ret == 0 && info.uapi_version == PROBELAB_UAPI_VERSION,
	       "GET_INFO succeeds with uapi %u (ret %d)", info.uapi_version, ret);
	tap_ok(ret == 0 && (info.ops & (1ull << PROBELAB_OP_GET_INFO)),
	       "GET_INFO lists itself in ops (0x%llx)",
	       (unsigned long long)info.ops);
	tap_ok(ret == 0 && !strcmp(info.kernel_running, uts.release) &&
	       memchr(info.module_version, 0, sizeof(info.module_version)) &&
	       memchr(info.kernel_built, 0, sizeof(info.kernel_built)) &&
	       info.module_version[0],
	       "GET_INFO strings are terminated, running kernel %s",
	       info.kernel_running);

	/* size rules */
	init_info(&info, offsetof(struct probelab_info, kernel_running));
	tap_ok(do_ioctl(fd, &info) == -EINVAL,
	       "size shorter than the structure: EINVAL");
	init_info(&info, 0);
	tap_ok(do_ioctl(fd, &info) == -EINVAL, "size 0: EINVAL");

	memset(&plus, 0, sizeof(plus));
	plus.info.size = sizeof(plus);
	plus.info.op = PROBELAB_OP_GET_INFO;
	tap_ok(do_ioctl(fd, &plus) == 0 && plus.info.uapi_version ==
	       PROBELAB_UAPI_VERSION && plus.tail[0] == 0,
	       "longer structure with a zero tail: accepted, tail untouched");
	memset(&plus, 0, sizeof(plus));
	plus.info.size = sizeof(plus);
	plus.info.op = PROBELAB_OP_GET_INFO;
	plus.tail[3] = 1;
	tap_ok(do_ioctl(fd, &plus) == -E2BIG,
	       "longer structure with a non-zero tail: E2BIG");

	/* op rules */
	init_info(&info, sizeof(info));
	info.op = 0;
	tap_ok(do_ioctl(fd, &info) == -EOPNOTSUPP, "op 0: EOPNOTSUPP");
	init_info(&info, sizeof(info));
	info.op = 0x7fffffff;
	tap_ok(do_ioctl(fd, &info) == -EOPNOTSUPP, "op 0x7fffffff: EOPNOTSUPP");

	/* flags and reserved */
	init_info(&info, sizeof(info));
	info.flags = 1;
	tap_ok(do_ioctl(fd, &info) == -EINVAL, "unknown flag: EINVAL");
	init_info(&info, sizeof(info));
	info.flags = 0x80000000u;
	tap_ok(do_ioctl(fd, &info) == -EINVAL, "unknown high flag: EINVAL");
	init_info(&info, sizeof(info));
	info.__reserved = 1;
	tap_ok(do_ioctl(fd, &info) == -EINVAL, "non-zero reserved field: EINVAL");

	tap_ok(ioctl(fd, _IO(PROBELAB_IOCTL_TYPE, 0x01), &info) < 0 &&
	       errno == ENOTTY, "another ioctl number: ENOTTY");
	tap_ok(ioctl(fd, PROBELAB_IOCTL, (void *)16) < 0 && errno == EFAULT,
	       "bad pointer: EFAULT");

	/* privilege */
	ret = as_nobody(fd, try_get_info);
	tap_ok(ret == EPERM, "ioctl without CAP_SYS_ADMIN (uid 65534, inherited fd): EPERM (got %d)",
	       ret);
	ret = as_nobody(-1, try_open);
	tap_ok(ret == EACCES, "open by uid 65534: EACCES (got %d)", ret);
	close(fd);

	test_netlink();

	f = fopen("/sys/kernel/debug/probelab/info", "r");
	n = f ? (int)fread(buf, 1, sizeof(buf) - 1, f) : 0;
	buf[n > 0 ? n : 0] = 0;
	if (f)
		fclose(f);
	tap_ok(n > 0 && strstr(buf, "module_version:") &&
	       strstr(buf, uts.release),
	       "debugfs probelab/info reports the module");
	return tap_done();
}

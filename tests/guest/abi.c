// SPDX-License-Identifier: GPL-2.0
/*
 * Guest test: /dev/probelab, the ioctl dispatcher's size/op/flags rules,
 * CAP_SYS_ADMIN, the generic netlink family and debugfs.
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

#include "kselftest_harness.h"
#include "probelab.h"

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

/* /dev/probelab: a character device, mode 0600, owned by root */
TEST(device_node)
{
	struct stat st;

	ASSERT_EQ(0, stat(PL_DEVICE_PATH, &st));
	EXPECT_TRUE(S_ISCHR(st.st_mode));
	EXPECT_EQ(0600, st.st_mode & 07777);
	EXPECT_EQ(0, st.st_uid);
}

/* /dev/probelab open */
FIXTURE(abi) {
	int fd;
};

FIXTURE_SETUP(abi)
{
	self->fd = open(PL_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->fd) TH_LOG("cannot open %s: %s", PL_DEVICE_PATH,
				      strerror(errno));
}

FIXTURE_TEARDOWN(abi)
{
	if (self->fd >= 0)
		close(self->fd);
}

/*
 * GET_INFO: the uapi version, itself in ops, its strings terminated, the
 * running kernel's release.
 */
TEST_F(abi, get_info)
{
	struct probelab_info info;
	struct utsname uts;

	init_info(&info, sizeof(info));
	ASSERT_EQ(0, do_ioctl(self->fd, &info));
	ASSERT_EQ(0, uname(&uts));
	EXPECT_EQ(PROBELAB_UAPI_VERSION, info.uapi_version);
	EXPECT_TRUE(info.ops & (1ull << PROBELAB_OP_GET_INFO));
	EXPECT_NE(NULL, memchr(info.kernel_running, 0,
			       sizeof(info.kernel_running)));
	EXPECT_STREQ(uts.release, info.kernel_running);
	EXPECT_NE(NULL, memchr(info.module_version, 0,
			       sizeof(info.module_version)));
	EXPECT_NE(NULL, memchr(info.kernel_built, 0, sizeof(info.kernel_built)));
	EXPECT_NE(0, info.module_version[0]);
}

/*
 * Size rules: shorter than the structure or 0: EINVAL; longer with a zero
 * tail: accepted, the tail untouched; a non-zero tail: E2BIG.
 */
TEST_F(abi, size_rules)
{
	struct probelab_info info;
	struct info_plus plus;

	init_info(&info, offsetof(struct probelab_info, kernel_running));
	EXPECT_EQ(-EINVAL, do_ioctl(self->fd, &info));
	init_info(&info, 0);
	EXPECT_EQ(-EINVAL, do_ioctl(self->fd, &info));

	memset(&plus, 0, sizeof(plus));
	plus.info.size = sizeof(plus);
	plus.info.op = PROBELAB_OP_GET_INFO;
	EXPECT_EQ(0, do_ioctl(self->fd, &plus));
	EXPECT_EQ(PROBELAB_UAPI_VERSION, plus.info.uapi_version);
	EXPECT_EQ(0, plus.tail[0]);
	memset(&plus, 0, sizeof(plus));
	plus.info.size = sizeof(plus);
	plus.info.op = PROBELAB_OP_GET_INFO;
	plus.tail[3] = 1;
	EXPECT_EQ(-E2BIG, do_ioctl(self->fd, &plus));
}

/* Op 0 and op 0x7fffffff: EOPNOTSUPP */
TEST_F(abi, op_rules)
{
	struct probelab_info info;

	init_info(&info, sizeof(info));
	info.op = 0;
	EXPECT_EQ(-EOPNOTSUPP, do_ioctl(self->fd, &info));
	init_info(&info, sizeof(info));
	info.op = 0x7fffffff;
	EXPECT_EQ(-EOPNOTSUPP, do_ioctl(self->fd, &info));
}

/* An unknown flag, low or high, and a non-zero reserved field: EINVAL */
TEST_F(abi, flags_and_reserved)
{
	struct probelab_info info;

	init_info(&info, sizeof(info));
	info.flags = 1;
	EXPECT_EQ(-EINVAL, do_ioctl(self->fd, &info));
	init_info(&info, sizeof(info));
	info.flags = 0x80000000u;
	EXPECT_EQ(-EINVAL, do_ioctl(self->fd, &info));
	init_info(&info, sizeof(info));
	info.__reserved = 1;
	EXPECT_EQ(-EINVAL, do_ioctl(self->fd, &info));
}

/* Another ioctl number: ENOTTY; a bad pointer: EFAULT */
TEST_F(abi, ioctl_number_and_pointer)
{
	struct probelab_info info;

	init_info(&info, sizeof(info));
	EXPECT_GT(0, ioctl(self->fd, _IO(PROBELAB_IOCTL_TYPE, 0x01), &info));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_GT(0, ioctl(self->fd, PROBELAB_IOCTL, (void *)16));
	EXPECT_EQ(EFAULT, errno);
}

/*
 * Without CAP_SYS_ADMIN (uid 65534): an ioctl on an inherited fd is EPERM,
 * opening the device EACCES.
 */
TEST_F(abi, privilege)
{
	EXPECT_EQ(EPERM, as_nobody(self->fd, try_get_info));
	EXPECT_EQ(EACCES, as_nobody(-1, try_open));
}

/* The generic netlink family and its multicast group resolve. */
TEST(netlink)
{
	struct nl_sock *sk = nl_socket_alloc();
	int fam = -1, grp = -1;

	ASSERT_NE(NULL, sk);
	ASSERT_EQ(0, genl_connect(sk));
	fam = genl_ctrl_resolve(sk, PROBELAB_GENL_NAME);
	grp = genl_ctrl_resolve_grp(sk, PROBELAB_GENL_NAME,
				    PROBELAB_GENL_MCGRP_EVENTS);
	EXPECT_GT(fam, 0) TH_LOG("family '%s'", PROBELAB_GENL_NAME);
	EXPECT_GT(grp, 0) TH_LOG("multicast group '%s'",
				 PROBELAB_GENL_MCGRP_EVENTS);
	nl_socket_free(sk);
}

/* debugfs probelab/info reports the module, built for the running kernel */
TEST(debugfs_info)
{
	struct utsname uts;
	char buf[1024];
	FILE *f;
	int n;

	ASSERT_EQ(0, uname(&uts));
	f = fopen("/sys/kernel/debug/probelab/info", "r");
	ASSERT_NE(NULL, f);
	n = (int)fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n > 0 ? n : 0] = 0;
	EXPECT_GT(n, 0);
	EXPECT_NE(NULL, strstr(buf, "module_version:"));
	EXPECT_NE(NULL, strstr(buf, uts.release)) TH_LOG("%s", buf);
}

TEST_HARNESS_MAIN

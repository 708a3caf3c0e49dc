#!/bin/sh
# board-setup.sh: prepare a Debian 12 board (root, network to its Debian
# mirror) for the guest suite, by the DKMS install path of README.md:
#   - the build packages and the headers of the running kernel;
#   - make dkms-install (module sources to /usr/src/probelab-VERSION,
#     dkms install for the running kernel), then modprobe probelab;
#   - make tools for the board's arch: the CLI and the guest tests in
#     build/ARCH/; the CLI on PATH as /usr/local/bin/probelab, and
#     /opt/probelab/probelab.ko pointing at the installed module (where
#     the QEMU image has it, and the tests look for it).
# Writes the path of the suite's runner to /tmp/probelab-runner.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
case $(uname -m) in
x86_64) arch=x86_64 ;;
aarch64) arch=arm64 ;;
*) echo "board-setup: unsupported machine $(uname -m)" >&2; exit 1 ;;
esac
[ "$(id -u)" = 0 ] || { echo "board-setup: must run as root" >&2; exit 1; }

export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends build-essential pkg-config \
	dkms kmod "linux-headers-$(uname -r)" libnl-genl-3-dev libkmod-dev \
	libjson-c-dev libfdt-dev

cd "$top"
# PROBELAB_NO_DEPS: the board builds for its running kernel only; the QEMU
# lab's cache (tools/deps.sh) is not needed
make PROBELAB_NO_DEPS=1 dkms-install
modprobe probelab
make PROBELAB_NO_DEPS=1 ARCH=$arch tools
install -m 0755 "build/$arch/bin/probelab" /usr/local/bin/probelab
mkdir -p /opt/probelab
ln -sf "$(modinfo -n probelab)" /opt/probelab/probelab.ko
echo "$top/build/$arch/tests/guest/run" >/tmp/probelab-runner

#!/usr/bin/env bash
# make fuzz-soak: boots the QEMU machine of ARCH (and KERNEL) and runs the
# ioctl fuzzer's guest test (tests/guest/ioctl_fuzz.sh) for
# FUZZ_SOAK_SECONDS (default 1800) under "fixed", then a quarter of that
# under each legacy policy; check, reset, unload and reload must succeed
# and the kernel log stay clean.  PROBELAB_FUZZ_SEED and
# PROBELAB_FUZZ_KNOWN pass through (see docs/cli.md, "fuzz").
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
arch=${ARCH:-x86_64}
secs=${FUZZ_SOAK_SECONDS:-1800}
[[ $secs =~ ^[0-9]+$ ]] || { echo "FUZZ_SOAK_SECONDS must be a number" >&2; exit 2; }
exec make -s -C "$top" vm-run ARCH="$arch" \
	VM_TIMEOUT="${VM_TIMEOUT:-$((secs * 2 + 900))}" \
	CMD="PROBELAB_FUZZ_SECONDS=$secs PROBELAB_FUZZ_SEED='${PROBELAB_FUZZ_SEED:-}' PROBELAB_FUZZ_KNOWN='${PROBELAB_FUZZ_KNOWN:-}' /opt/probelab/tests/run ioctl_fuzz.sh"

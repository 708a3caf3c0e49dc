#!/usr/bin/env bash
# make soak: boots the QEMU machine of ARCH (x86_64 or arm64) and runs every
# implemented race scenario under "fixed" for SOAK_ITERATIONS cycles
# (default 100000, seed SOAK_SEED, default 1), expecting zero violations
# and a clean kernel log (tools/soak/guest.sh).  SOAK_SCENARIOS limits the
# run to some scenarios, SOAK_POLICY picks another policy.  The guest gets
# VM_TIMEOUT seconds (default here 14400: the slow scenarios take about
# half an hour each under TCG).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
arch=${ARCH:-x86_64}
exec make -s -C "$top" vm-run ARCH="$arch" VM_SHARE="$top/tools/soak" \
	VM_TIMEOUT="${VM_TIMEOUT:-14400}" \
	CMD="SOAK_ITERATIONS=${SOAK_ITERATIONS:-100000} SOAK_SEED=${SOAK_SEED:-1} SOAK_POLICY=${SOAK_POLICY:-fixed} SOAK_SCENARIOS='${SOAK_SCENARIOS:-}' sh /mnt/share/guest.sh"

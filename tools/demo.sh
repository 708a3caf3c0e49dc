#!/usr/bin/env bash
# make demo: boots the x86_64 VT-d QEMU machine, loads probelab.ko, prints
# the module's info and runs a short race campaign (tools/demo/guest.sh):
# several scenarios under each policy, then a table of outcomes and cycles.
# DEMO_SECONDS and DEMO_SEED pass through to the guest.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
exec make -s -C "$top" vm-run ARCH=x86_64 VM_SHARE="$top/tools/demo" \
	CMD="DEMO_SECONDS=${DEMO_SECONDS:-4} DEMO_SEED=${DEMO_SEED:-2026} sh /mnt/share/guest.sh"

#!/usr/bin/env bash
# make demo: boots the x86_64 VT-d QEMU machine, loads probelab.ko, prints
# the module's info and runs a short race campaign (tools/demo/guest.sh):
# several scenarios under each policy, then a table of outcomes and cycles.
# DEMO_SECONDS and DEMO_SEED pass through to the guest.  DEMO_KTAP=1: the
# campaign prints one KTAP document instead of the table (`probelab race
# --ktap`), kept in build/demo.ktap and read back by kunit.py parse and
# TAP::Parser (tests/race-ktap-check.sh).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cmd="DEMO_SECONDS=${DEMO_SECONDS:-4} DEMO_SEED=${DEMO_SEED:-2026} DEMO_KTAP=${DEMO_KTAP:-0} sh /mnt/share/guest.sh"
if [ "${DEMO_KTAP:-0}" != 1 ]; then
	exec make -s -C "$top" vm-run ARCH=x86_64 VM_SHARE="$top/tools/demo" CMD="$cmd"
fi
mkdir -p "$top/build"
set +e
make -s -C "$top" vm-run ARCH=x86_64 VM_SHARE="$top/tools/demo" CMD="$cmd" |
	tee "$top/build/demo.log"
rc=${PIPESTATUS[0]}
# the document: from its version line, the KTAP lines only (not vm-run's)
awk '/^KTAP version 1$/ { on = 1 }
     on && /^(KTAP version 1|1\.\.[0-9]+|# |(not )?ok [0-9]+ )/' \
	"$top/build/demo.log" >"$top/build/demo.ktap"
echo
echo "== the campaign's KTAP document, build/demo.ktap, read back =="
"$top/tests/race-ktap-check.sh" "$top/build/demo.ktap" || [ "$rc" -ne 0 ] || rc=1
exit "$rc"

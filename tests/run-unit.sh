#!/usr/bin/env bash
# Runs every cmocka unit test binary in DIR with TAP output.  Tests that
# need ../shared/firmware find it through PROBELAB_SHARED, the KTAP reader
# kunit.py through PROBELAB_KUNIT, and skip cleanly when it is absent.
# Exit status 0 only when all passed.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-$top/build/x86_64/tests/unit}
export CMOCKA_MESSAGE_OUTPUT=TAP
export PROBELAB_FIXTURES=${PROBELAB_FIXTURES:-$top/build/fixtures/fw}
if [ -z "${PROBELAB_SHARED:-}" ] && [ -d "$top/../shared/firmware" ]; then
	export PROBELAB_SHARED=$(cd "$top/../shared" && pwd)
fi
# the race scenario files of the repository (the catalogue reads them)
export PROBELAB_SCENARIOS=${PROBELAB_SCENARIOS:-$top/scenarios}
export PROBELAB_CLI=${PROBELAB_CLI:-$top/build/x86_64/bin/probelab}
# the kernel's KTAP reader (tools/deps.sh extracts it), for test_race_ktap
export PROBELAB_KUNIT=${PROBELAB_KUNIT:-${PROBELAB_CACHE:-$top/.cache}/linux-source/tools/testing/kunit/kunit.py}
status=0
cd "$top"
for t in "$dir"/test_*; do
	[ -x "$t" ] || continue
	name=${t##*/}
	echo "# test: $name"
	out=$("$t" 2>&1)
	rc=$?
	printf '%s\n' "$out"
	plan=$(printf '%s\n' "$out" | sed -n 's/^1\.\.\([0-9][0-9]*\).*/\1/p' | head -n1)
	ran=$(printf '%s\n' "$out" | grep -cE '^(not )?ok [0-9]')
	failed=$(printf '%s\n' "$out" | grep -E '^not ok [0-9]' | grep -vciE '# *skip')
	if [ -z "$plan" ] || [ "$plan" -ne "$ran" ]; then
		echo "not ok - $name: planned ${plan:-nothing}, ran $ran (exit $rc)"
		status=1
	elif [ $rc -ne 0 ]; then
		[ "$failed" -gt 0 ] ||
			echo "not ok - $name: exited $rc with no failing test"
		status=1
	fi
done
exit $status

#!/usr/bin/env bash
# Builds the libFuzzer harnesses (clang, ASan + UBSan) and runs each for
# FUZZ_SECONDS (default 30) from a seed corpus of the project's own
# compiled fixtures.  A crash, leak, sanitizer report or timeout fails it.
# TAP output.
#
# Every input libFuzzer saves (crash-*, leak-*, timeout-*, oom-*) is kept
# in build/fuzz-artifacts/ and printed base64-encoded in the TAP comment,
# so that a CI log alone is enough to reproduce it:
#   base64 -d > in && build/fuzz/NAME in
#
# libFuzzer measures a unit's time on the wall clock: a virtual machine
# stopped for FUZZ_TIMEOUT seconds in the middle of one input (or a clock
# step) is reported as "timeout" like a parser that loops.  A timeout input
# is therefore run again on its own, FUZZ_RERUNS (default 20) times under
# the same limit: if that reproduces the timeout, or any single run takes
# more than a second (the inputs are at most a few KiB; a normal unit takes
# well under a millisecond), the test fails; otherwise the report says the
# input ran in normal time and that the earlier timeout was the machine's.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
secs=${FUZZ_SECONDS:-30}
limit=${FUZZ_TIMEOUT:-10}
reruns=${FUZZ_RERUNS:-20}
cd "$top"
mapfile -t srcs < <(ls tests/fuzz/fuzz_*.c 2>/dev/null)
echo "1..$((${#srcs[@]} + 1))"
if make -s fuzz >build/fuzz-build.log 2>&1; then
	echo "ok 1 - make fuzz builds ${#srcs[@]} harnesses"
else
	echo "not ok 1 - make fuzz"
	sed 's/^/# /' build/fuzz-build.log | tail -n 30
	exit 1
fi

# print_artifacts NAME: the saved inputs of NAME's run as TAP comments
print_artifacts() {
	local f
	for f in build/fuzz-artifacts/"$1"-*; do
		[ -f "$f" ] || continue
		echo "# input $f ($(stat -c %s "$f") bytes), base64:"
		base64 -w 76 "$f" | sed 's/^/#   /'
	done
}

# rerun_timeout NAME INPUT: 0 when INPUT runs in normal time, alone
rerun_timeout() {
	local name=$1 in=$2 log=build/$1-rerun.log i t0 t1 ms
	local worst=0
	for ((i = 0; i < reruns; i++)); do
		t0=$(date +%s%N)
		if ! build/fuzz/"$name" -timeout="$limit" -runs=1 "$in" \
			>"$log" 2>&1; then
			echo "# re-run $((i + 1)) of the input failed again:"
			grep -E 'ERROR|SUMMARY' "$log" | head -n 5 | sed 's/^/#   /'
			return 1
		fi
		t1=$(date +%s%N)
		ms=$(((t1 - t0) / 1000000))
		[ "$ms" -gt "$worst" ] && worst=$ms
	done
	echo "# the input alone: $reruns runs, slowest ${worst} ms (process start included)"
	[ "$worst" -le 1000 ]
}

n=1 status=0
rm -rf build/fuzz-artifacts
mkdir -p build/fuzz-artifacts
for src in "${srcs[@]}"; do
	n=$((n + 1))
	name=$(basename "$src" .c)
	corpus=$(mktemp -d)
	cp build/fixtures/fw/*.aml build/fixtures/fw/*.dtb "$corpus/" 2>/dev/null
	if build/fuzz/"$name" -max_total_time="$secs" -timeout="$limit" \
		-rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="build/fuzz-artifacts/$name-" "$corpus" \
		> "build/$name.log" 2>&1; then
		runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "build/$name.log")
		echo "ok $n - $name: ${secs}s, ${runs:-?} runs, no crash"
	else
		timeouts=(build/fuzz-artifacts/"$name"-timeout-*)
		others=$(find build/fuzz-artifacts -name "$name-*" \
			! -name "$name-timeout-*" | wc -l)
		if [ -f "${timeouts[0]}" ] && [ "$others" -eq 0 ] &&
			! grep -qE 'runtime error|AddressSanitizer|LeakSanitizer' \
				"build/$name.log" &&
			rerun_timeout "$name" "${timeouts[0]}" > "build/$name.rerun"; then
			echo "ok $n - $name: one unit passed the ${limit}s wall-clock limit, but the same input alone runs in normal time: a stall of the machine, not of the parser"
			grep -E 'ERROR|SUMMARY' "build/$name.log" | head -n 5 | sed 's/^/# /'
			cat "build/$name.rerun"
		else
			echo "not ok $n - $name"
			grep -E 'ERROR|SUMMARY|runtime error|==[0-9]+==' "build/$name.log" |
				head -n 20 | sed 's/^/# /'
			[ -f "build/$name.rerun" ] && cat "build/$name.rerun"
			status=1
		fi
		print_artifacts "$name"
	fi
	rm -rf "$corpus"
done
exit $status

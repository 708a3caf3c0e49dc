#!/usr/bin/env bash
# Builds the libFuzzer harnesses (clang, ASan + UBSan) and runs each for
# FUZZ_SECONDS (default 60) from a seed corpus of the project's own
# compiled fixtures.  A crash, leak, sanitizer report or timeout fails it.
# TAP output.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
secs=${FUZZ_SECONDS:-60}
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
n=1 status=0
for src in "${srcs[@]}"; do
	n=$((n + 1))
	name=$(basename "$src" .c)
	corpus=$(mktemp -d)
	cp build/fixtures/fw/*.aml build/fixtures/fw/*.dtb "$corpus/" 2>/dev/null
	if build/fuzz/"$name" -max_total_time="$secs" -timeout=10 \
		-rss_limit_mb=2048 -print_final_stats=1 "$corpus" \
		> "build/$name.log" 2>&1; then
		runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "build/$name.log")
		echo "ok $n - $name: ${secs}s, ${runs:-?} runs, no crash"
	else
		echo "not ok $n - $name"
		grep -E 'ERROR|SUMMARY|runtime error|==[0-9]+==' "build/$name.log" |
			head -n 20 | sed 's/^/# /'
		status=1
	fi
	rm -rf "$corpus"
done
exit $status

#!/usr/bin/env bash
# make check: every test of the project, section by section.  Each section
# produces TAP; a section that could not run counts as one failure.  Prints
# per-section results and ends with one line "N passed, N failed".
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
logs=$top/build/check
mkdir -p "$logs"
: "${MAKE:=make}"
total_pass=0 total_fail=0 total_skip=0
summary=()

# count_tap LOG: counts ok / not ok / skip lines of a TAP log
# (cmocka writes a skipped test as "not ok N # SKIP": a skip, not a failure)
count_tap() {
	local log=$1
	p=$(grep -E '^ok [0-9]' "$log" | grep -vciE '# *skip' || true)
	s=$(grep -E '^(not )?ok [0-9]' "$log" | grep -ciE '# *skip' || true)
	f=$(grep -E '^not ok' "$log" | grep -vciE '# *skip' || true)
}

# section NAME CMD...: runs CMD (whose output is TAP), streams it to the
# terminal and to build/check/NAME.log, and adds its counts.
section() {
	local name=$1 rc start
	shift
	start=$(date +%s)
	echo "=== $name: $*"
	"$@" 2>&1 | tee "$logs/$name.log"
	rc=${PIPESTATUS[0]}
	count_tap "$logs/$name.log"
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
		echo "not ok - $name: exited $rc (see $logs/$name.log)"
	elif [ $((p + f + s)) -eq 0 ]; then
		# a section that ran nothing is a failure, unless it said why
		if grep -qE '^1\.\.0 # *SKIP' "$logs/$name.log"; then
			s=1
		else
			f=1
			echo "not ok - $name: ran no test (see $logs/$name.log)"
		fi
	fi
	total_pass=$((total_pass + p))
	total_fail=$((total_fail + f))
	total_skip=$((total_skip + s))
	summary+=("$(printf '%-16s %4d passed, %d failed, %d skipped  (%ds)' \
		"$name:" "$p" "$f" "$s" $(($(date +%s) - start)))")
}

# one_check NAME CMD...: a single pass/fail check from a command's status
one_check() {
	local name=$1
	shift
	if "$@" >"$logs/$name.out" 2>&1; then
		echo "ok 1 - $name"
	else
		echo "not ok 1 - $name"
		sed 's/^/# /' "$logs/$name.out" | tail -n 60
		return 1
	fi
}

build_both() {
	echo "1..2"
	one_check_n 1 "build x86_64 (module + tools)" $MAKE -s all ARCH=x86_64
	one_check_n 2 "build arm64 (module + tools, cross)" $MAKE -s all ARCH=arm64
}
one_check_n() {
	local n=$1 name=$2
	shift 2
	if "$@" >"$logs/build-$n.out" 2>&1; then
		echo "ok $n - $name"
	else
		echo "not ok $n - $name"
		sed 's/^/# /' "$logs/build-$n.out" | tail -n 60
	fi
}

# Kernel-code quality gates: checkpatch --strict, sparse C=2, W=1 warnings.
kernel_gates() {
	echo "1..3"
	if $MAKE -s checkpatch >"$logs/checkpatch.out" 2>&1 &&
	   ! grep -qE '^(ERROR|WARNING|CHECK)' "$logs/checkpatch.out"; then
		echo "ok 1 - checkpatch --strict: 0 errors, 0 warnings, 0 checks"
	else
		echo "not ok 1 - checkpatch --strict"
		sed 's/^/# /' "$logs/checkpatch.out" | head -n 60
	fi
	rm -rf build/x86_64/kmod-sparse
	$MAKE sparse >"$logs/sparse.out" 2>&1
	local rc=$?
	if [ $rc -eq 0 ] && grep -q 'CHECK ' "$logs/sparse.out" &&
	   ! grep -E '^[^ ]*\.[ch]:[0-9]+:[0-9]+: (warning|error)' "$logs/sparse.out" | grep -q .; then
		echo "ok 2 - sparse (C=2): no warnings"
	else
		echo "not ok 2 - sparse (C=2)"
		grep -E '(warning|error)' "$logs/sparse.out" | sed 's/^/# /' | head -n 60
	fi
	rm -rf build/x86_64/kmod-w1
	$MAKE kbuild-w1 >"$logs/w1.out" 2>&1
	rc=$?
	if [ $rc -eq 0 ] && ! grep -qE 'warning:' "$logs/w1.out"; then
		echo "ok 3 - module builds with W=1 and no warnings"
	else
		echo "not ok 3 - W=1 build"
		grep -E 'warning|error' "$logs/w1.out" | sed 's/^/# /' | head -n 60
	fi
}

guest() {
	$MAKE -s vm-run ARCH="$1" CMD='/opt/probelab/tests/run'
}

start_all=$(date +%s)
section build build_both
section unit bash -c "$MAKE -s unit-build && tests/run-unit.sh build/x86_64/tests/unit"
section fw-corpus tests/fw-corpus.sh
section fuzz tests/fuzz-check.sh
section guest-x86_64 guest x86_64
section guest-arm64 guest arm64
section dkms tests/dkms-check.sh
section kernel-gates kernel_gates

echo
echo "=== results ($(($(date +%s) - start_all))s)"
for l in "${summary[@]}"; do echo "  $l"; done
if [ "$total_skip" -gt 0 ]; then
	echo "$total_pass passed, $total_fail failed, $total_skip skipped"
else
	echo "$total_pass passed, $total_fail failed"
fi
[ "$total_fail" -eq 0 ]

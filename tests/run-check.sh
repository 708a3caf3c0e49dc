#!/usr/bin/env bash
# make check: every test of the project, section by section (CHECK_KERNELS,
# default "6.1 6.12": the guest kernels; CHECK_SECTIONS: which sections;
# CHECK_CLEAN_ROOM=1 adds the clean room of tests/clean-room.sh).  Each section
# produces TAP; a section that could not run counts as one failure.  Prints
# per-section results and ends with one line "N passed, N failed".  The
# section debug-guests (make check-debug, CHECK_DEBUG_KERNELS) is not in the
# default list; CHECK_DEBUG=1 adds it after the guests (CI: the x86_64
# lockdep kernel, CHECK_DEBUG_KERNELS=6.1-lockdep:x86_64).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
logs=$top/build/check
mkdir -p "$logs"
: "${MAKE:=make}"
total_pass=0 total_fail=0 total_skip=0
summary=()

# count_tap LOG: counts the results of a TAP or KTAP log.  In a KTAP
# document (a guest run) the nested results (two spaces in) are the tests;
# a top-level result counts itself only when nothing is nested under it, or
# when it fails with no failing nested result (a program that died or ran
# fewer tests than planned).  cmocka writes a skipped test as
# "not ok N # SKIP": a skip, not a failure.
count_tap() {
	read -r p f s < <(awk '
		function skip(l) { return l ~ /# *[Ss][Kk][Ii][Pp]/ }
		/^  (not )?ok [0-9]/ {
			leaves++
			if (skip($0)) s++
			else if ($0 ~ /^  not ok/) { f++; lf++ }
			else p++
			next
		}
		/^(not )?ok( [0-9]| -)/ {
			if (leaves) { if ($0 ~ /^not ok/ && !lf) f++ }
			else if (skip($0)) s++
			else if ($0 ~ /^not ok/) f++
			else if ($0 ~ /^ok [0-9]/) p++
			leaves = 0; lf = 0
		}
		END { print p + 0, f + 0, s + 0 }' "$1")
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
	summary+=("$(printf '%-18s %4d passed, %d failed, %d skipped  (%ds)' \
		"$name:" "$p" "$f" "$s" "${SECTION_SECONDS:-$(($(date +%s) - start))}")")
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

# The guest suites: every kernel of CHECK_KERNELS on both machines.  The
# x86_64 and arm64 guests of one kernel boot at once (two vCPUs each, as
# many as the host's cores: much of the suite waits on wall-clock budgets),
# then each guest's log is read as its own section.
CHECK_KERNELS=${CHECK_KERNELS:-6.1 6.12}
GUEST_SMP=${GUEST_SMP:-2}
# the ioctl fuzzer (tests/guest/ioctl_fuzz.sh) runs CHECK_FUZZ_SECONDS
# under "fixed" in the guests of the first kernel, 20 s in the others
CHECK_FUZZ_SECONDS=${CHECK_FUZZ_SECONDS:-60}
first_kernel=${CHECK_KERNELS%% *}
guest_pair() {	# guest_pair KERNEL: boot both guests, wait for both
	local k=$1 a fs=20
	[ "$k" = "$first_kernel" ] && fs=$CHECK_FUZZ_SECONDS
	echo "=== guests of kernel $k: x86_64 and arm64 at once (logs in $logs/guest-*-$k.raw)"
	for a in x86_64 arm64; do
		# the payloads are built one at a time, the guests run together
		$MAKE -s vm-payload ARCH=$a KERNEL="$k" >"$logs/guest-$a-$k.raw" 2>&1 ||
			echo "$?" >"$logs/guest-$a-$k.rc"
	done
	for a in x86_64 arm64; do
		[ -e "$logs/guest-$a-$k.rc" ] && continue
		(
			s=$(date +%s)
			VM_SMP=$GUEST_SMP $MAKE -s vm-run ARCH=$a KERNEL="$k" \
				CMD="PROBELAB_FUZZ_SECONDS=$fs /opt/probelab/tests/run" \
				>>"$logs/guest-$a-$k.raw" 2>&1
			echo $? >"$logs/guest-$a-$k.rc"
			echo $(($(date +%s) - s)) >"$logs/guest-$a-$k.secs"
		) &
	done
	wait
}
guest_log() {	# guest_log ARCH KERNEL: a finished guest's output, read back
	local rc	# by the KTAP readers, and its status
	cat "$logs/guest-$1-$2.raw"
	rc=$(cat "$logs/guest-$1-$2.rc" 2>/dev/null || echo 2)
	echo "# the KTAP readers on this guest's document:"
	tests/ktap-check.sh "$logs/guest-$1-$2.raw" || [ "$rc" -ne 0 ] || rc=1
	echo "# the race campaign's own KTAP document (race_scenarios.sh):"
	tests/race-ktap-check.sh "$logs/guest-$1-$2.raw" || [ "$rc" -ne 0 ] || rc=1
	return "$rc"
}

# The debug kernels (make check-debug): for each NAME:ARCH of
# CHECK_DEBUG_KERNELS, the debug kernel is built when missing
# (tools/debug-kernel/build.sh), its guest runs the whole suite (every race
# scenario under every policy included), then unloads probelab.ko, scans for
# leaks with kmemleak and reports the checkers' state; the section is the
# suite's results followed by the checkers' verdict
# (tools/debug-kernel/verdict.sh).  Two guests boot at a time.
CHECK_DEBUG_KERNELS=${CHECK_DEBUG_KERNELS:-6.1-lockdep:x86_64 6.1-lockdep:arm64 6.1-kcsan:x86_64}
CHECK_DEBUG_TIMEOUT=${CHECK_DEBUG_TIMEOUT:-7200}
CHECK_DEBUG_FUZZ_SECONDS=${CHECK_DEBUG_FUZZ_SECONDS:-20}
debug_run() {	# debug_run KERNEL ARCH: build, boot, keep the serial log
	local k=$1 a=$2 s epi
	epi=$(tools/debug-kernel/verdict.sh --epilogue)
	s=$(date +%s)
	VM_SMP=$GUEST_SMP VM_TIMEOUT=$CHECK_DEBUG_TIMEOUT $MAKE -s vm-run ARCH=$a KERNEL="$k" \
		CMD="PROBELAB_FUZZ_SECONDS=$CHECK_DEBUG_FUZZ_SECONDS /opt/probelab/tests/run; st=\$?; $epi; exit \$st" \
		>>"$logs/debug-$a-$k.raw" 2>&1
	echo $? >"$logs/debug-$a-$k.rc"
	echo $(($(date +%s) - s)) >"$logs/debug-$a-$k.secs"
	cp "build/$a/guest-$k/vm/last-$a.log" "$logs/debug-$a-$k.serial" 2>/dev/null
}
debug_guests() {	# every NAME:ARCH of CHECK_DEBUG_KERNELS, two at a time
	local ka k a running=0
	for ka in $CHECK_DEBUG_KERNELS; do
		k=${ka%%:*} a=${ka#*:}
		rm -f "$logs/debug-$a-$k".{raw,rc,secs,serial}
		case $k in
		*-lockdep|*-kcsan) ;;
		*) echo "debug kernel '$ka': NAME:ARCH with NAME 6.1-lockdep, 6.12-lockdep, 6.1-kcsan or 6.12-kcsan" \
			>"$logs/debug-$a-$k.raw"; echo 2 >"$logs/debug-$a-$k.rc"; continue ;;
		esac
		echo "=== debug kernel $k ($a): tools/debug-kernel/build.sh builds it unless it is in the cache (a first build: ~18 CPU-minutes)"
		# deps (6.12's source) and the build, its progress also shown
		$MAKE -s deps-check ARCH="$a" KERNEL="$k" 2>&1 >/dev/null |
			tee "$logs/debug-$a-$k.raw"
		if [ "${PIPESTATUS[0]}" -ne 0 ] ||
		   ! $MAKE -s vm-payload ARCH="$a" KERNEL="$k" >>"$logs/debug-$a-$k.raw" 2>&1; then
			echo "not ok - $k ($a): building the debug kernel or the payload failed" |
				tee -a "$logs/debug-$a-$k.raw"
			echo 2 >"$logs/debug-$a-$k.rc"
		fi
	done
	for ka in $CHECK_DEBUG_KERNELS; do
		k=${ka%%:*} a=${ka#*:}
		[ -e "$logs/debug-$a-$k.rc" ] && continue
		echo "=== debug guest $k ($a): the suite, then kmemleak (log in $logs/debug-$a-$k.raw)"
		debug_run "$k" "$a" &
		running=$((running + 1))
		if [ $running -ge 2 ]; then
			wait
			running=0
		fi
	done
	wait
}
debug_log() {	# debug_log ARCH KERNEL: the suite's document and the verdict
	local rc
	cat "$logs/debug-$1-$2.raw"
	rc=$(cat "$logs/debug-$1-$2.rc" 2>/dev/null || echo 2)
	[ -e "$logs/debug-$1-$2.serial" ] || return "$rc"
	echo "# the KTAP readers on this guest's document:"
	tests/ktap-check.sh "$logs/debug-$1-$2.raw" || [ "$rc" -ne 0 ] || rc=1
	echo "# the kernel checkers ($2, serial log $logs/debug-$1-$2.serial):"
	tools/debug-kernel/verdict.sh "${2#*-}" "$logs/debug-$1-$2.serial" || [ "$rc" -ne 0 ] || rc=1
	return "$rc"
}

start_all=$(date +%s)
# CHECK_SECTIONS: the sections to run (default all of them); "guests" is
# every guest section
CHECK_SECTIONS=${CHECK_SECTIONS:-build unit fw-corpus fuzz lava guests dkms kernel-gates}
[ "${CHECK_DEBUG:-0}" = 1 ] && CHECK_SECTIONS="$CHECK_SECTIONS debug-guests"
want() { case " $CHECK_SECTIONS " in *" $1 "*) return 0 ;; esac; return 1; }

want build && section build build_both
want unit && section unit bash -c "$MAKE -s unit-build && tests/run-unit.sh build/x86_64/tests/unit"
want fw-corpus && section fw-corpus tests/fw-corpus.sh
want fuzz && section fuzz tests/fuzz-check.sh
want lava && section lava tests/lava-check.sh
if want guests; then
	for k in $CHECK_KERNELS; do
		rm -f "$logs"/guest-*-"$k".{raw,rc,secs}
		guest_pair "$k"
		for a in x86_64 arm64; do
			SECTION_SECONDS=$(cat "$logs/guest-$a-$k.secs" 2>/dev/null || echo 0) \
				section "guest-$a-$k" guest_log $a "$k"
		done
	done
fi
# only when asked for (make check-debug): not in the default list
if want debug-guests; then
	debug_guests
	for ka in $CHECK_DEBUG_KERNELS; do
		SECTION_SECONDS=$(cat "$logs/debug-${ka#*:}-${ka%%:*}.secs" 2>/dev/null || echo 0) \
			section "debug-${ka#*:}-${ka%%:*}" debug_log "${ka#*:}" "${ka%%:*}"
	done
fi
want dkms && section dkms tests/dkms-check.sh
want kernel-gates && section kernel-gates kernel_gates
# CI (and anyone) proves the install steps with CHECK_CLEAN_ROOM=1
[ "${CHECK_CLEAN_ROOM:-0}" = 1 ] && section clean-room tests/clean-room.sh

echo
echo "=== results ($(($(date +%s) - start_all))s)"
for l in "${summary[@]}"; do echo "  $l"; done
if [ "$total_skip" -gt 0 ]; then
	echo "$total_pass passed, $total_fail failed, $total_skip skipped"
else
	echo "$total_pass passed, $total_fail failed"
fi
[ "$total_fail" -eq 0 ]

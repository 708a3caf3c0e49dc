#!/usr/bin/env bash
# The kernel checkers' verdict on a guest run of a debug kernel (make
# check-debug, tests/run-check.sh).
#
#   tools/debug-kernel/verdict.sh --epilogue
#       prints the guest shell commands to run after the suite: lockdep's
#       state (/proc/lockdep_stats), kmemleak scans (two) with probelab.ko
#       loaded (its functions named), then again after unloading it, KCSAN's and DEBUG_OBJECTS' debugfs state,
#       each as a "# debug..." line of CMD's output
#   tools/debug-kernel/verdict.sh VARIANT SERIAL_LOG
#       reads a guest's serial log (vm-run's, with the epilogue's output and
#       the guest kernel log) and prints TAP results ("ok - ..." lines, no
#       plan, numbered from 1): each checker of VARIANT (lockdep or kcsan) was active, and
#       raised no report.  A failing result lists each report's first line
#       and the probelab functions on its stacks.  Exit status 1 when one
#       failed.
set -u

if [ "${1:-}" = --epilogue ]; then
	# busybox sh in the guest; one line, since it is appended to CMD
	cat <<'EOF' | tr '\n' ' '
echo '# debug: epilogue';
if [ -r /proc/lockdep_stats ]; then echo "# debug: lockdep $(sed -n 's/^ *debug_locks: *\([0-9]*\)$/debug_locks: \1/p' /proc/lockdep_stats)"; else echo '# debug: no /proc/lockdep_stats'; fi;
km=/sys/kernel/debug/kmemleak;
if [ -e $km ]; then if echo scan >$km 2>/dev/null; then sleep 6; echo scan >$km; echo '# debug: kmemleak scanned (probelab.ko loaded)'; sed 's/^/# kmemleak: /' $km; else echo '# debug: kmemleak refused the scan (disabled)'; fi; else echo '# debug: no kmemleak'; fi;
if grep -q '^probelab ' /proc/modules; then echo "# debug: module $(grep '^probelab ' /proc/modules)"; if rmmod probelab 2>/tmp/rmmod.err; then echo '# debug: probelab.ko unloaded'; else echo "# debug: rmmod probelab failed: $(cat /tmp/rmmod.err)"; fi; fi;
if [ -e $km ] && echo scan >$km 2>/dev/null; then sleep 6; echo scan >$km; echo '# debug: kmemleak scanned (probelab.ko unloaded)'; sed 's/^/# kmemleak: /' $km; fi;
[ -r /sys/kernel/debug/kcsan ] && sed -n 's/^enabled: /# debug: kcsan enabled /p' /sys/kernel/debug/kcsan;
[ -r /sys/kernel/debug/debug_objects/stats ] && sed 's/^/# debug_objects: /' /sys/kernel/debug/debug_objects/stats;
echo '# debug: epilogue done'
EOF
	echo
	exit 0
fi

[ $# -eq 2 ] || { sed -n '2,17s/^# \{0,1\}//p' "$0" >&2; exit 2; }
variant=$1 log=$2
case $variant in lockdep|kcsan) ;; *) echo "verdict: VARIANT is lockdep or kcsan" >&2; exit 2 ;; esac
[ -r "$log" ] || { echo "not ok 1 - debug checkers: no serial log $log"; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# the guest kernel log (between the dmesg markers of tools/vm/init), and
# CMD's epilogue lines
awk '/@@PLVM-[0-9a-f]*:dmesg-end/ { on = 0 } on { print } /@@PLVM-[0-9a-f]*:dmesg-begin/ { on = 1 }' \
	"$log" >"$tmp/dmesg"
grep -a -e '^# debug' -e '^# kmemleak: ' "$log" | sed 's/^# //' >"$tmp/epi"
failed=0
nres=0
res() { nres=$((nres + 1)); echo "$1 $nres - $2"; }	# res ok|"not ok" TEXT

# reports RE: each report whose first line matches RE (in the kernel log),
# as "#   FIRST LINE" and "#     probelab: f1 < f2 ..." (the probelab
# functions of the lines up to the next report or end of trace)
reports() {
	awk -v re="$1" '
		function flush() {
			if (head == "") return
			printf "#   %s\n", head
			sub(/ \| $/, "", fns)
			if (fns != "") printf "#     probelab: %s\n", fns
			head = ""; fns = ""; split("", seen)
		}
		$0 ~ re { flush(); head = $0; sub(/^\[[ 0-9.]*\] /, "", head); n = 0; next }
		head != "" {
			n++
			if (/---\[ end trace/ || /^=+$/ && n > 3 || n > 200 ||
			    /^(\[[ 0-9.]*\] )?(WARNING|BUG|ODEBUG|INFO|kernel BUG)[: ]/) { flush(); next }
			# a new stack of the same report: the lockdep chain links,
			# the KASAN allocation and free stacks
			if (/^(-> #[0-9]|Allocated by task|Freed by task|stack backtrace:|Last potentially related|Second to last)/) {
				if (fns != "" && fns !~ / \| $/) fns = fns " | "
				split("", seen)
				next
			}
			if (/^ \? /) next	# an unreliable frame
			if (match($0, /[A-Za-z0-9_.]+\+0x[0-9a-f]+\/0x[0-9a-f]+ \[probelab\]/)) {
				f = substr($0, RSTART, RLENGTH)
				sub(/\+.*/, "", f)
				if (!(f in seen)) { seen[f] = 1; fns = fns (fns == "" || fns ~ / \| $/ ? "" : " < ") f }
			}
		}
		END { flush() }' "$tmp/dmesg" | head -n 80
}

# check NAME RE: no kernel log line matches RE
check() {
	local name=$1 re=$2 n
	n=$(grep -acE "$re" "$tmp/dmesg")
	if [ "$n" -eq 0 ]; then
		res ok "$name: no report"
	else
		res "not ok" "$name: $n report(s)"
		reports "$re"
		failed=1
	fi
}

# active NAME FILE RE WHY: the checker shows in FILE (dmesg or epi)
active() {
	if grep -aqE "$3" "$tmp/$2"; then
		res ok "$1: active ($4)"
	else
		res "not ok" "$1: not active (no /$3/ in the guest's $2)"
		failed=1
	fi
}

if ! grep -aq 'debug: epilogue done' "$tmp/epi"; then
	res "not ok" "debug checkers: the guest did not finish the epilogue (see $log)"
	failed=1
fi

# lockdep: on at boot, still on at the end (a report or a table overflow
# turns it off), no report of its own or of the RCU and sleep checkers
active lockdep dmesg 'Lock dependency validator' 'lockdep initialised at boot'
if grep -aqE 'debug: lockdep debug_locks: 1$' "$tmp/epi"; then
	res ok "lockdep: still validating after the run (debug_locks 1)"
else
	res "not ok" "lockdep: turned off during the run ($(grep -a 'debug: lockdep\|no /proc/lockdep' "$tmp/epi" | head -n 1))"
	failed=1
fi
check lockdep 'possible circular locking|possible recursive locking|inconsistent lock state|possible irq lock inversion|irq lock inversion dependency|suspicious RCU usage|bad unlock balance|held lock freed|lock held when returning to user space|leaked lock|lock held at task exit|Nested lock was not taken|DEBUG_LOCKS_WARN_ON|BUG: MAX_LOCK|BUG: looking up invalid subclass|INFO: trying to register non-static key|BUG: sleeping function called from invalid context|BUG: scheduling while atomic|BUG: Invalid wait context|Invalid wait context'

if [ "$variant" = lockdep ]; then
	active KASAN dmesg 'KernelAddressSanitizer initialized' 'initialised at boot'
	check KASAN 'BUG: KASAN|KASAN: '
else
	active KCSAN epi 'debug: kcsan enabled 1' 'enabled in debugfs at the end'
	check KCSAN 'BUG: KCSAN|KCSAN: '
fi

# kmemleak: scanned after probelab.ko was unloaded, nothing unreferenced
active kmemleak epi 'debug: kmemleak scanned .probelab.ko unloaded' 'scanned with probelab.ko loaded and after unloading it'
# each object once (the listing after the unload repeats the first one's)
nleak=$(grep -a '^kmemleak: unreferenced object' "$tmp/epi" | awk '{ print $4 }' | sort -u | wc -l)
if [ "$nleak" -gt 0 ]; then
	res "not ok" "kmemleak: $nleak unreferenced object(s)"
	# each object's first line and the top of its allocation trace
	awk '/^kmemleak: unreferenced object/ { n = 0; show = !($4 in seen); seen[$4] = 1
			if (show) print "#   " substr($0, 11); next }
	     show && /^kmemleak: +\[</ && n < 8 { n++; sub(/^kmemleak: +/, ""); print "#     " $0 }' \
		"$tmp/epi" | head -n 120
	failed=1
else
	res ok "kmemleak: no unreferenced object"
fi
grep -a 'debug: module\|debug: probelab.ko\|debug: rmmod' "$tmp/epi" | sed 's/^/# /'

# DEBUG_OBJECTS: its statistics are there, no ODEBUG warning
active DEBUG_OBJECTS epi '^debug_objects: pool_used +:[1-9]' 'objects tracked'
check DEBUG_OBJECTS 'ODEBUG:'

# the rest: list corruption, hung tasks, soft lockups, other BUG lines
check 'list/hung/lockup/other BUG' 'list_add corruption|list_del corruption|blocked for more than|BUG: soft lockup|watchdog: BUG|BUG: workqueue lockup|BUG: unable to handle|general protection fault|kernel BUG at'
exit $failed

#!/bin/sh
# Runs inside the QEMU guest for `make soak`: every implemented race
# scenario (or those in SOAK_SCENARIOS) under the policy "fixed" for
# SOAK_ITERATIONS cycles (default 100000) with one seed, expecting it to
# hold; then the kernel log must be clean.  One line per scenario; exit
# status 0 only when every run held and the log is clean.
N=${SOAK_ITERATIONS:-100000}
SEED=${SOAK_SEED:-1}
POLICY=${SOAK_POLICY:-fixed}
T=/tmp/soak
mkdir -p $T
dmesg -n 1 2>/dev/null
dmesg -C 2>/dev/null

if [ -n "${SOAK_SCENARIOS:-}" ]; then
	scenarios=$SOAK_SCENARIOS
else
	scenarios=$(probelab scenarios | awk 'NR > 1 && NF && $2 != "(not" && $1 !~ /^ / { print $1 } /^$/ { exit }')
fi
[ -n "$scenarios" ] || { echo "soak: no scenarios"; exit 1; }

j() { tr -d '\n' <$T/out.json | sed 's/"trace":\[.*\]//' |
      grep -o "\"$1\":[^,}]*" | head -n1 | sed -e "s/^\"$1\"://" -e 's/"//g'; }

echo "== soak on $(uname -m), Linux $(uname -r): $POLICY, $N cycles per scenario, seed $SEED =="
printf '%-30s %-8s %10s %10s %10s %9s\n' SCENARIO OUTCOME CYCLES VIOLATIONS SECONDS CYCLES/S
fail=0
t0=$(date +%s)
for sc in $scenarios; do
	probelab --json race --scenario "$sc" --policy "$POLICY" --seed "$SEED" \
		--iterations "$N" --expect hold --quiet >$T/out.json 2>$T/err
	rc=$?
	cycles=$(j cycles)
	viol=$(j violations)
	ns=$(j elapsed_ns)
	outcome=$(j outcome)
	secs=$(awk -v ns="${ns:-0}" 'BEGIN { printf "%.1f", ns / 1e9 }')
	rate=$(awk -v c="${cycles:-0}" -v ns="${ns:-0}" 'BEGIN { if (ns > 0) printf "%.0f", c / (ns / 1e9); else print "-" }')
	printf '%-30s %-8s %10s %10s %10s %9s\n' "$sc" "${outcome:-error}" \
		"${cycles:--}" "${viol:--}" "$secs" "$rate"
	if [ $rc -ne 0 ] || [ "${viol:-1}" != 0 ] || [ "${cycles:-0}" -lt "$N" ]; then
		fail=$((fail + 1))
		echo "  exit $rc:"
		sed 's/^/  /' $T/err | tail -n 20
	fi
done
bad=$(dmesg | grep -cE 'BUG|WARNING|Oops|Call Trace|probelab: violation|lockdep|KASAN')
echo "kernel log: $bad bad lines ($(dmesg | wc -l) lines)"
[ "$bad" -eq 0 ] || { dmesg | grep -E -B2 -A8 'BUG|WARNING|Oops|Call Trace|violation' | head -n 60; fail=$((fail + 1)); }
echo "soak: $(( $(date +%s) - t0 )) s, $fail failed"
[ $fail -eq 0 ]

#!/bin/sh
# Runs inside the QEMU guest for `make demo`: the loaded probelab module,
# the guest kernel's own IOMMU instances and groups, then a short race
# campaign - scenarios of the race engine under each
# policy, a few seconds each - and a table of the outcomes.  Exit status
# 0 when every outcome is the one the catalogue expects.
#
# DEMO_SECONDS (default 4): budget of a run that holds (a reproduction
# stops at its first violation); DEMO_SEED (default 2026); DEMO_KTAP=1:
# the campaign is one `probelab race --ktap` document (one test per
# scenario x policy) instead of the table, and ends the output.
SECS=${DEMO_SECONDS:-4}
SEED=${DEMO_SEED:-2026}
SCENARIOS="fwspec-free-vs-xlate parallel-probe-double-probe hotadd-claimed-group two-instances debugfs-walk-vs-unmap driver-read-vs-unbind unmap-after-unbind-stale-ops"
T=/tmp/demo
mkdir -p $T
# the module reports every violation in the kernel log too: keep the
# console for the table
dmesg -n 1 2>/dev/null

echo "== probelab demo on $(uname -m), Linux $(uname -r) =="
echo
probelab info || exit 1
echo
printf 'IOMMU instances:'
for i in /sys/class/iommu/*; do [ -e "$i" ] && printf ' %s' "${i##*/}"; done
echo
echo
echo "IOMMU groups of the guest kernel:"
ngroups=0
for g in $(ls /sys/kernel/iommu_groups 2>/dev/null | sort -n); do
	ngroups=$((ngroups + 1))
	type=$(cat /sys/kernel/iommu_groups/$g/type 2>/dev/null || echo '?')
	printf '  group %-3s domain %-9s' "$g" "$type"
	first=1
	for d in /sys/kernel/iommu_groups/$g/devices/*; do
		dev=${d##*/}
		ids=""
		[ -r "$d/vendor" ] && ids="$(sed 's/0x//' "$d/vendor"):$(sed 's/0x//' "$d/device")"
		drv="-"
		[ -L "$d/driver" ] && drv=$(basename "$(readlink "$d/driver")")
		[ $first = 1 ] || printf '%-28s' ""
		printf ' %s %s driver=%s\n' "$dev" "$ids" "$drv"
		first=0
	done
done
echo
npci=$(ls /sys/bus/pci/devices | wc -l)
nogroup=0
for d in /sys/bus/pci/devices/*; do [ -e "$d/iommu_group" ] || nogroup=$((nogroup + 1)); done
echo "$ngroups groups; $npci PCI functions, $nogroup of them without a group"

echo
nsc=$(echo $SCENARIOS | wc -w)
if [ "${DEMO_KTAP:-0}" = 1 ]; then
	echo "== race campaign: $nsc scenarios x 3 policies, seed $SEED, $SECS s for a run that holds, as KTAP =="
	# shellcheck disable=SC2086
	probelab race --ktap --scenario "$(echo $SCENARIOS | tr ' ' ,)" \
		--policy all --seed $SEED --seconds $SECS --quiet
	rc=$?
	probelab reset >/dev/null 2>&1
	exit $rc
fi
echo "== race campaign: $nsc scenarios x 3 policies, seed $SEED, $SECS s for a run that holds =="
echo "   (a run stops at its first invariant violation; probelab scenarios tells what each mirrors)"
echo

# val KEY: first value of "KEY": in the flattened JSON
val() { grep -o "\"$1\":[^,}]*" $T/flat | head -n1 | sed -e "s/^\"$1\"://" -e 's/ *$//' -e 's/^"//' -e 's/"$//'; }
secs() { awk -v ns="$1" 'BEGIN { if (ns == "" || ns == "null") print "-"; else printf "%.2fs", ns / 1e9 }'; }

printf '%-28s %-10s %-10s %-11s %8s %10s %7s  %s\n' SCENARIO POLICY EXPECTED OUTCOME CYCLES VIOLATIONS TIME "FIRST VIOLATION"
runs=0 good=0 example=
for sc in $SCENARIOS; do
	for p in fixed linux-6.1 mainline; do
		probelab --json race --scenario $sc --policy $p --seed $SEED \
			--seconds $SECS --quiet >$T/out.json 2>$T/err
		rc=$?
		tr -d '\n' <$T/out.json | sed 's/"trace":\[.*\]//' >$T/flat
		runs=$((runs + 1))
		out=$(val outcome)
		if [ -z "$out" ]; then
			printf '%-28s %-10s failed to run (exit %s): %s\n' $sc $p $rc \
				"$(cat $T/err $T/out.json | head -n 2 | tr '\n' ' ')"
			continue
		fi
		exp=$(val expected)
		first=-
		inv=$(val invariant)
		if [ -n "$inv" ]; then
			first="invariant $inv ($(val known_bug)) at $(secs "$(sed 's/.*"first_violation":{//' $T/flat | grep -o '"elapsed_ns":[0-9]*' | head -n1 | cut -d: -f2)"), cycle $(val cycle)"
			[ -z "$example" ] && [ "$sc" = hotadd-claimed-group ] &&
				example=$(val reproducer)
		fi
		mark=
		if [ "$(val as_expected)" = true ] && [ "$(val error)" = null ]; then
			good=$((good + 1))
		else
			mark="  <-- not as expected$( [ "$(val error)" != null ] && echo ": $(val error)")"
		fi
		# elapsed_ns of the run: the last one in the object
		el=$(grep -o '"elapsed_ns":[0-9]*' $T/flat | tail -n1 | cut -d: -f2)
		printf '%-28s %-10s %-10s %-11s %8s %10s %7s  %s%s\n' $sc $p "$exp" "$out" \
			"$(val cycles)" "$(val violations)" "$(secs "$el")" "$first" "$mark"
	done
done
echo
echo "$good of $runs runs as expected: \"fixed\" holds every scenario; the kernels' policies"
echo "reproduce the bugs of the kernels they model (and hold where that kernel never had one)."
if [ -n "$example" ]; then
	echo
	echo "== one reproduction in full, from its reproducer line =="
	echo "\$ $example"
	# shellcheck disable=SC2086
	$example --quiet
	echo
fi
probelab reset >/dev/null 2>&1
[ $good -eq $runs ]

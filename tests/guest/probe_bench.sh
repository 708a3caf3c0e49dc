#!/bin/sh
# Guest test: probelab bench deferral - N devices bound before K instances
# register in random order; under "fixed" every device is IOMMU-probed
# once and bound with at most two attempts, staggered or not; bench cycle
# and bench mem run and report their figures (counts and shapes only:
# benchmarks, no time is asserted).  TAP output.
. "$(dirname "$0")/lib.sh"
val() { sed -n "s/.*\"$1\":\([0-9a-z]*\).*/\1/p" /tmp/bench.out | head -n1; }

probelab reset >/dev/null 2>&1
for model in smmuv3 vtd; do
	probelab --json bench deferral --devices 200 --instances 8 --seed 7 \
		--model $model --quiet >/tmp/bench.out 2>/tmp/bench.err
	rc=$?
	p=$(val iommu_probes); a=$(val bind_attempts); b=$(val bound)
	d=$(val deferrals); r=$(val retriggers); all=$(val all_bound)
	if [ $rc -eq 0 ] && [ "$p" = 200 ] && [ -n "$a" ] && [ "$a" -le 400 ] &&
	   [ "$b" = 200 ] && [ "$all" = true ]; then
		ok "$model: 200 devices, 8 instances: iommu_probes $p, bind_attempts $a, deferrals $d, retriggers $r, all bound"
	else
		notok "$model: exit $rc, iommu_probes '$p', bind_attempts '$a', bound '$b'"
		show /tmp/bench.out /tmp/bench.err
	fi
done
probelab status >/tmp/bench.out 2>&1
grep -q "^devices: 0" /tmp/bench.out && ok "the bench leaves the lab reset" ||
	{ notok "lab after the bench"; show /tmp/bench.out; }
probelab bench deferral --devices 20 --instances 3 --seed 5 --quiet >/tmp/bench.out 2>&1
rc=$?
if [ $rc -eq 0 ] && grep -q "register order: smmu. smmu. smmu." /tmp/bench.out &&
   grep -Eq "^  bound +20$" /tmp/bench.out && grep -Eq "^  iommu_probes +20$" /tmp/bench.out; then
	ok "human output: register order and the bound count"
else
	notok "human output (exit $rc)"; show /tmp/bench.out
fi
probelab --json bench deferral --devices 20 --instances 3 --seed 5 --quiet >/tmp/bench2.out 2>&1
if grep '"register_order"' -A4 /tmp/bench2.out | tr -d ' \n' >/tmp/o2 &&
   probelab --json bench deferral --devices 20 --instances 3 --seed 5 --quiet 2>&1 |
	grep '"register_order"' -A4 | tr -d ' \n' >/tmp/o3 && cmp -s /tmp/o2 /tmp/o3 &&
   [ -s /tmp/o2 ]; then
	ok "the same seed gives the same registration order ($(cat /tmp/o2))"
else
	notok "seeded order differs"; show /tmp/o2 /tmp/o3
fi
probelab --json bench deferral --devices 30 --instances 3 --seed 9 --policy all --quiet >/tmp/bench.out 2>/tmp/bench.err
rc=$?
runs=$(grep -c '"policy":' /tmp/bench.out)
if [ $rc -eq 0 ] && [ "$runs" -eq 3 ] && grep -q '"policy":"linux-6.1"' /tmp/bench.out &&
   [ "$(grep -c '"all_bound":true' /tmp/bench.out)" -eq 3 ]; then
	ok "--policy all: one run per policy, all devices bound under each ($(tr -d ' \n' </tmp/bench.out | sed 's/.*"runs"://' | sed 's/"phases_ns":{[^}]*},//g'))"
else
	notok "--policy all: exit $rc, $runs runs"; show /tmp/bench.out /tmp/bench.err
fi
# staggered beside unstaggered: every run binds all; fixed stays at 2 N
probelab --json bench deferral --devices 40 --instances 4 --seed 3 --policy all \
	--stagger=both --settle-ms 20 --quiet >/tmp/bench.out 2>/tmp/bench.err
rc=$?
tr -d ' \n' </tmp/bench.out >/tmp/bench.flat
runs=$(grep -o '"stagger":' /tmp/bench.flat | wc -l)
fixed_st=$(sed 's/.*"policy":"fixed","stagger":true,"implemented":true,"iommu_probes":[0-9]*,"bind_attempts":\([0-9]*\).*/\1/' /tmp/bench.flat)
if [ $rc -eq 0 ] && [ "$runs" -eq 6 ] &&
   [ "$(grep -o '"all_bound":true' /tmp/bench.flat | wc -l)" -eq 6 ] &&
   [ "$(grep -o '"settle_ns":' /tmp/bench.flat | wc -l)" -eq 3 ] &&
   [ -n "$fixed_st" ] && [ "$fixed_st" -le 80 ]; then
	ok "--stagger=both: 6 runs, all bound, fixed staggered bind_attempts $fixed_st <= 2N"
else
	notok "--stagger=both: exit $rc, $runs runs, fixed staggered '$fixed_st'"
	show /tmp/bench.out /tmp/bench.err
fi
# bench cycle: one run per model and policy, each against its bare lab
probelab --json bench cycle --cycles 20 --warmup 2 --repeat 1 --quiet \
	>/tmp/bench.out 2>/tmp/bench.err
rc=$?
tr -d ' \n' </tmp/bench.out >/tmp/bench.flat
runs=$(grep -o '"ratio_vs_bare":[0-9.]*' /tmp/bench.flat | grep -vc ':0$')
probes=$(grep -o '"iommu_probes":20[,}]' /tmp/bench.flat | wc -l)
if [ $rc -eq 0 ] && [ "$runs" -eq 6 ] && [ "$probes" -eq 6 ] &&
   grep -q '"goal":{"policy":"fixed","max_ratio_vs_bare":1.5,"met":' /tmp/bench.flat; then
	ok "bench cycle: 6 runs with ns_per_cycle and ratio_vs_bare, 20 IOMMU probes each"
else
	notok "bench cycle: exit $rc, $runs ratios, $probes runs with 20 probes"
	show /tmp/bench.out /tmp/bench.err
fi
# bench mem: a bare and a layered run per model and policy
probelab --json bench mem --devices 50 --policy fixed >/tmp/bench.out 2>/tmp/bench.err
rc=$?
tr -d ' \n' </tmp/bench.out >/tmp/bench.flat
if [ $rc -eq 0 ] && [ "$(grep -o '"bare":true' /tmp/bench.flat | wc -l)" -eq 2 ] &&
   [ "$(grep -o '"layer_memfree_drop_per_device":' /tmp/bench.flat | wc -l)" -eq 2 ] &&
   [ "$(grep -o '"iommu_probes":50,' /tmp/bench.flat | wc -l)" -eq 2 ] &&
   [ "$(grep -o '"iommu_probes":0,' /tmp/bench.flat | wc -l)" -eq 2 ]; then
	ok "bench mem: bare and fixed per model, probes 0 and 50"
else
	notok "bench mem: exit $rc"; show /tmp/bench.out /tmp/bench.err
fi
# bench mem --host-only: the guest's five edu functions, removed and
# rescanned; x86_64 puts them in IOMMU groups at add, arm64's 6.1 does not
probelab --json bench mem --host-only --rounds 1 >/tmp/bench.out 2>/tmp/bench.err
rc=$?
tr -d ' \n' </tmp/bench.out >/tmp/bench.flat
groups=$(sed -n 's/.*"with_iommu_group":\([0-9]*\).*/\1/p' /tmp/bench.flat)
case $(uname -m) in x86_64) want=5 ;; *) want=0 ;; esac
if [ $rc -eq 0 ] && grep -q '"host":{"id":"1234:11e8","functions":5,"rounds":1,' /tmp/bench.flat &&
   grep -q '"slab_object_bytes_per_device":' /tmp/bench.flat &&
   grep -q '"rescan_ns_per_device":' /tmp/bench.flat && [ "$groups" = "$want" ] &&
   [ "$(ls -d /sys/bus/pci/devices/*/ | wc -l)" -gt 5 ]; then
	ok "bench mem --host-only: 5 edu functions removed and rescanned, $groups in IOMMU groups"
else
	notok "bench mem --host-only: exit $rc, groups '$groups' (want $want)"
	show /tmp/bench.out /tmp/bench.err
fi
probelab --json bench mem --host-only --host-id 1234 >/dev/null 2>&1
[ $? -eq 2 ] && ok "--host-id without a device ID is a usage error" ||
	notok "--host-id 1234 accepted"
probelab status >/tmp/bench.out 2>&1
grep -q "^devices: 0" /tmp/bench.out && ok "the benches leave the lab reset" ||
	{ notok "lab after the benches"; show /tmp/bench.out; }
probelab bench deferral --devices 0 >/dev/null 2>&1
[ $? -eq 2 ] && ok "--devices 0 is a usage error" || notok "--devices 0 accepted"
echo "1..$n"
probelab reset >/dev/null 2>&1
[ $fail -eq 0 ]

#!/bin/sh
# Guest test: probelab bench deferral - N devices bound before K instances
# register in random order; under "fixed" every device is IOMMU-probed
# once and bound with at most two attempts, staggered or not; bench cycle,
# bench mem and bench race run and report their figures; bench map runs
# each path at each size and thread count, the vfio path on the guest's
# edu functions (skipped with its reason without vfio or edu), and leaves
# them as it found them (counts and shapes only: benchmarks, no time is
# asserted).  TAP output.
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
# bench map: a run per path, size and thread count, with pairs done,
# ops_per_s and scaling; vfio beside them when the guest has it
edu_drivers() {
	for d in /sys/bus/pci/devices/*; do
		[ "$(cat $d/vendor 2>/dev/null):$(cat $d/device 2>/dev/null)" = 0x1234:0x11e8 ] || continue
		echo "${d##*/}=$(basename "$(readlink $d/driver 2>/dev/null)" 2>/dev/null)"
	done
}
edu_drivers >/tmp/edu.before
probelab --json bench map --seconds 0.2 --repeat 1 --threads 1,2 --quiet >/tmp/bench.out 2>/tmp/bench.err
rc=$?
tr -d ' \n' </tmp/bench.out >/tmp/bench.flat
lab_runs=$(grep -Eo '"path":"(ioctl|dma_ops|dma_ops_shared|syscall|cpu)","size":(4096|2097152),"size_name":"(4K|2M)","threads":[12],"pairs":[1-9][0-9]*,' /tmp/bench.flat | wc -l)
scal=$(grep -o '"scaling_efficiency":[0-9]' /tmp/bench.flat | wc -l)
errs=$(grep -o '"map_errors":0' /tmp/bench.flat | wc -l)
if [ $rc -eq 0 ] && [ "$lab_runs" -eq 20 ] && [ "$errs" -eq 8 ] &&
   grep -q '"bench":"map"' /tmp/bench.flat &&
   grep -q '"goal":{"min_ratio_vs_kernel":1.0,"min_scaling_efficiency_at_4":0.7,' /tmp/bench.flat; then
	ok "bench map: ioctl, dma_ops, dma_ops_shared, syscall and cpu at 4K and 2M, 1 and 2 threads, pairs done, no dma_map_page() error ($scal runs with scaling_efficiency)"
else
	notok "bench map: exit $rc, $lab_runs lab runs with pairs, $errs without mapping errors"
	show /tmp/bench.out /tmp/bench.err
fi
if grep -q '"vfio":{"available":true' /tmp/bench.flat; then
	vfio_runs=$(grep -Eo '"path":"vfio","size":[0-9]*,"size_name":"[0-9A-Z]*","threads":[12],"pairs":[1-9][0-9]*,' /tmp/bench.flat | wc -l)
	ratios=$(grep -Eo '"path":"(ioctl|dma_ops|dma_ops_shared)"[^}]*"ratio_vs_kernel":[0-9]' /tmp/bench.flat | wc -l)
	conts=$(grep -o '"containers":[1-9]' /tmp/bench.flat | wc -l)
	if [ $rc -eq 0 ] && [ "$vfio_runs" -eq 4 ] && [ "$ratios" -eq 12 ] && [ "$conts" -eq 4 ]; then
		ok "bench map: vfio type1 on the edu functions, 4 runs, ratio_vs_kernel for all 12 lab runs"
	else
		notok "bench map vfio: $vfio_runs runs, $ratios ratios, $conts with containers"
		show /tmp/bench.out /tmp/bench.err
	fi
else
	why=$(sed -n 's/.*"vfio":{"available":false,"reason":"\([^"]*\)".*/\1/p' /tmp/bench.flat)
	if [ $rc -eq 0 ] && [ -n "$why" ] && ! grep -q '"ratio_vs_kernel":[0-9]' /tmp/bench.flat; then
		ok "bench map: vfio # SKIP $why"
	else
		notok "bench map: no vfio, and no reason given or ratios without it"
		show /tmp/bench.out /tmp/bench.err
	fi
fi
edu_drivers >/tmp/edu.after
if cmp -s /tmp/edu.before /tmp/edu.after; then
	ok "bench map leaves the edu functions' drivers as it found them ($(tr '\n' ' ' </tmp/edu.after))"
else
	notok "edu drivers changed by bench map"; show /tmp/edu.before /tmp/edu.after
fi
probelab bench map --sizes 3K >/dev/null 2>&1
[ $? -eq 2 ] && ok "bench map --sizes 3K is a usage error" || notok "--sizes 3K accepted"
# bench race: two scenarios under fixed, one run each, with the profile
probelab --json bench race --seconds 1 --scenario two-instances,hotadd-claimed-group \
	--policy fixed --profile --quiet >/tmp/bench.out 2>/tmp/bench.err
rc=$?
tr -d ' \n' </tmp/bench.out >/tmp/bench.flat
if [ $rc -eq 0 ] && [ "$(grep -o '"cycles_per_s":' /tmp/bench.flat | wc -l)" -eq 2 ] &&
   [ "$(grep -o '"outcome":"held"' /tmp/bench.flat | wc -l)" -eq 2 ] &&
   ! grep -q '"cycles":0,' /tmp/bench.flat &&
   grep -q '"what":"cycle:actors"' /tmp/bench.flat &&
   grep -q '"what":"register"' /tmp/bench.flat &&
   grep -q '"what":"checker:CHECK"' /tmp/bench.flat; then
	ok "bench race: two runs held with cycles, profiles with cycle phases, statements and the checker"
else
	notok "bench race: exit $rc"; show /tmp/bench.out /tmp/bench.err
fi
probelab bench race --scenario no-such-scenario >/dev/null 2>&1
[ $? -eq 2 ] && ok "bench race: an unknown scenario is a usage error" ||
	notok "bench race: an unknown scenario accepted"
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

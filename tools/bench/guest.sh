#!/bin/sh
# Runs inside a probelab guest: every benchmark of `probelab bench` with
# --json, each JSON document framed by marker lines that tools/bench/run.sh
# reads back from the console log.  tools/bench/run.sh hands this file in
# through VM_SHARE (/mnt/share).
#
#   guest.sh [quick|host-only]
#
#   @@PLBENCH info KEY VALUE...          machine facts
#   @@PLBENCH begin NAME                 NAME's JSON document follows
#   @@PLBENCH end NAME STATUS SECONDS    it ended; STATUS is probelab's exit
#   @@PLBENCH err NAME LINE              probelab's stderr, when STATUS != 0
#
# Benchmarks, not tests: nothing here judges a figure.  quick skips the
# 10,000-device deferral run (6 minutes in the x86_64 TCG guest);
# host-only runs `bench mem --host-only` alone (for a boot with the IOMMU
# off: the kernel's own cost of a PCI function without its IOMMU part).
quick=${1:-}
M=@@PLBENCH

echo "$M info kernel $(uname -r)"
echo "$M info machine $(uname -m)"
echo "$M info cpus $(grep -c ^processor /proc/cpuinfo)"
echo "$M info mem_kb $(sed -n 's/^MemTotal: *\([0-9]*\).*/\1/p' /proc/meminfo)"
echo "$M info loadavg $(cut -d' ' -f1-3 /proc/loadavg)"

# bench NAME ARGS...: `probelab --json bench ARGS...`, framed
bench() {
	name=$1
	shift
	echo "$M begin $name"
	t0=$(date +%s)
	probelab --json bench "$@" 2>/tmp/bench.err
	rc=$?
	echo "$M end $name $rc $(($(date +%s) - t0))"
	[ $rc = 0 ] || sed "s/^/$M err $name /" /tmp/bench.err
}

if [ "$quick" = host-only ]; then
	bench mem mem --host-only
	echo "$M done"
	exit 0
fi
probelab reset >/dev/null 2>&1
# bind attempts against N: SMMUv3, K = 16, staggered and not, every policy
for n in 250 500 1000 2000 4000; do
	bench deferral-n$n-k16 deferral --devices $n --instances 16 \
		--policy all --stagger=both --seed 1 --quiet
done
[ "$quick" = quick ] ||
	bench deferral-n10000-k64 deferral --devices 10000 --instances 64 \
		--policy all --stagger --seed 1 --quiet
bench cycle cycle --quiet
# the lab's bytes per device, and the guest kernel's own per edu function
bench mem mem --host
# the lab's map paths against VFIO type1 on the edu functions, 1/2/4 threads
bench map map --quiet
# the race engine: cycles/s per scenario under fixed, with the profile
bench race race --seconds 3 --profile --quiet
probelab reset >/dev/null 2>&1
echo "$M done"

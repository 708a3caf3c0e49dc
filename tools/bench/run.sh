#!/usr/bin/env bash
# make bench: every `probelab bench` in each guest, read back, tabled and
# plotted.
#
#   tools/bench/run.sh --out DIR [--kernel NAME] [--arch A]... [--quick]
#
# For each arch (default x86_64 and arm64) this boots the guest once
# (`make vm-run`, KERNEL NAME, default 6.1) with tools/bench/guest.sh,
# keeps its console in DIR/ARCH/guest.log, and then
# tools/bench/report.py writes DIR/ARCH/NAME.json (one per benchmark),
# the plots' data, DIR/*.svg and DIR/summary.md (every figure and ratio).
# DIR/machine.txt records the host, QEMU and the commit.  --quick skips
# the 10,000-device deferral run.  With x86_64, a second short boot with
# intel_iommu=off (DIR/x86_64-iommu-off) measures the kernel's own cost of
# a PCI function without its IOMMU part.  Benchmarks, not tests: the exit status
# is non-zero only when a guest or a benchmark failed to run.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
prog=bench
say() { printf '%s: %s\n' "$prog" "$*" >&2; }
die() { say "error: $*"; exit 1; }

out='' kernel=6.1 quick='' arches=()
while [ $# -gt 0 ]; do
	case $1 in
	--out) [ $# -ge 2 ] || die "--out needs a folder"; out=$2; shift 2 ;;
	--kernel) [ $# -ge 2 ] || die "--kernel needs a name"; kernel=$2; shift 2 ;;
	--arch) [ $# -ge 2 ] || die "--arch needs x86_64 or arm64"
		case $2 in x86_64|arm64) ;; *) die "unknown arch '$2'" ;; esac
		arches+=("$2"); shift 2 ;;
	--quick) quick=quick; shift ;;
	*) die "unknown argument '$1' (see the comment at the top of $0)" ;;
	esac
done
[ -n "$out" ] || die "--out DIR is required"
[ ${#arches[@]} -gt 0 ] || arches=(x86_64 arm64)
command -v gnuplot >/dev/null || die "gnuplot is missing (make deps installs gnuplot-nox)"
mkdir -p "$out"
out=$(cd "$out" && pwd)

{
	echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "commit: $(git -C "$top" describe --always --dirty 2>/dev/null || echo unknown)"
	echo "host: $(uname -m), $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)"
	echo "host memory: $(free -g | awk '/^Mem:/ { print $2 }') GiB"
	echo "host load at start: $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "qemu: $(qemu-system-x86_64 --version | head -n1)"
	echo "guest kernel: $kernel (Debian), TCG, ${VM_SMP:-4} vCPUs, ${VM_MEM:-1024} MiB"
	echo "command: make bench${quick:+ BENCH_QUICK=1} BENCH_OUT=<dir> (tools/bench/run.sh)"
} > "$out/machine.txt"

status=0
for a in "${arches[@]}"; do
	mkdir -p "$out/$a/share"
	install -m 0644 "$here/guest.sh" "$out/$a/share/guest.sh"
	say "$a: booting the $kernel guest; each benchmark is listed as it ends"
	t0=$(date +%s)
	# progress: each benchmark's end marker, as the console prints it
	if ! VM_SHARE=$out/$a/share VM_TIMEOUT=${VM_TIMEOUT:-5400} \
		make -s -C "$top" vm-run ARCH="$a" KERNEL="$kernel" \
		CMD="sh /mnt/share/guest.sh $quick" 2>&1 |
		tee "$out/$a/guest.log" |
		awk -v a="$a" '/@@PLBENCH end / { printf "bench: %s: %s exit %s, %s s\n", a, $3, $4, $5; fflush() }'
	then
		say "$a: the guest run failed (see $out/$a/guest.log)"
		status=1
	fi
	grep -q '@@PLBENCH done' "$out/$a/guest.log" || {
		say "$a: the guest did not finish its benchmarks"; status=1; }
	say "$a: $(($(date +%s) - t0)) s"
done
# x86_64: a second, short boot with intel_iommu=off, so that the kernel's
# own per-function cost splits into the IOMMU's part and the rest (arm64's
# 6.1 puts a driverless PCI function in no IOMMU group: nothing to split)
reports=("${arches[@]}")
if [[ " ${arches[*]} " == *" x86_64 "* ]]; then
	d=$out/x86_64-iommu-off
	mkdir -p "$d/share"
	install -m 0644 "$here/guest.sh" "$d/share/guest.sh"
	say "x86_64: booting again with intel_iommu=off for bench mem --host-only"
	VM_SHARE=$d/share VM_APPEND=intel_iommu=off make -s -C "$top" vm-run \
		ARCH=x86_64 KERNEL="$kernel" CMD="sh /mnt/share/guest.sh host-only" \
		>"$d/guest.log" 2>&1 || { say "x86_64 (IOMMU off): the guest run failed (see $d/guest.log)"; status=1; }
	reports+=(x86_64-iommu-off)
fi
python3 "$here/report.py" --out "$out" "${reports[@]}" || status=1
# each plot script NAME.gp reads ARCH/NAME.dat and writes NAME-ARCH.svg
for gp in "$here"/*.gp; do
	n=${gp##*/}; n=${n%.gp}
	for a in "${arches[@]}"; do
		[ -s "$out/$a/$n.dat" ] || continue
		gnuplot -e "dir='$out/$a'; arch='$a'; out='$out/$n-$a.svg'" "$gp" ||
			status=1
	done
done
say "figures in $out (summary.md, *.svg)"
exit $status

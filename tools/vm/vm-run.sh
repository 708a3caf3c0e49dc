#!/usr/bin/env bash
# Boot a QEMU virt machine with an IOMMU, load probelab.ko and run one command.
#
# usage: ARCH=x86_64|arm64 CMD='shell command' [VAR=value...] tools/vm/vm-run.sh
#
# Environment (see docs/vm-lab.md):
#   ARCH         x86_64 (q35 + intel-iommu) or arm64 (virt + smmuv3)  required
#   CMD          run in the guest with `sh -c` after probelab.ko is loaded
#                                                                     required
#   BUILD        payload folder, default <top>/build/$ARCH: kmod/probelab.ko
#                (required), bin/* (to /usr/bin), tests/guest/ (to
#                /opt/probelab/tests)
#   CACHE        tools/deps.sh cache, default <top>/.cache
#   VM_SHARE     folder copied into the guest at /mnt/share (one way)
#   VM_SMP       vCPUs, default 4          VM_MEM      MiB, default 1024
#   VM_TIMEOUT   seconds for the whole guest run, default 900
#   VM_ACCEL     tcg (default) or kvm (probed first, falls back to tcg)
#   KERNEL       Debian kernel from tools/deps.sh's cache: 6.1 (default),
#                6.1-rt, 6.12, 6.12-rt (CACHE/kernels/KERNEL/<debarch>)
#   VM_KERNEL    guest kernel image instead of Debian's; its release is read
#                from the image, else VM_MODDIR's name or VM_KDIR's utsrelease.h
#   VM_KDIR      build folder of VM_KERNEL
#   VM_MODDIR    lib/modules/<release> tree of VM_KERNEL (else no modules)
#   VM_HUNG_TASK_SECS  guest hung task timeout, default 120 (then panic)
#   VM_APPEND    more guest kernel parameters, after the script's own (a
#                later one wins: VM_APPEND=intel_iommu=off), default none
#
# Exit status: CMD's own status when the guest ran it and its kernel log is
# clean; 122 guest kernel log shows BUG:/WARNING:/Oops/general protection/
# Call Trace/hung task; 124 timeout; 125 guest ended without reporting (panic,
# crash, QEMU failure); 126 guest setup failed (modprobe, probelab load);
# 128+N QEMU stopped by signal N; 2 usage or host-side error.  The serial log is kept in
# $BUILD/vm/last-$ARCH.log (while another guest of the same ARCH and BUILD
# runs, in $BUILD/vm/run-$ARCH-PID.log instead, so that neither clobbers
# the other's log or its kernel-log check).
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
prog=probelab-vm

say() { printf '%s: %s\n' "$prog" "$*" >&2; }
die() { say "error: $*"; exit 2; }

usage() {
	sed -n '2,36s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2
	exit 2
}

case ${1:-} in
-h|--help) usage ;;
'') ;;
*) say "no arguments are taken; everything comes from the environment"; usage ;;
esac

if [ -z "${ARCH:-}" ] || [ -z "${CMD:-}" ]; then
	[ -n "${ARCH:-}" ] || say "ARCH is not set"
	[ -n "${CMD:-}" ] || say "CMD is not set"
	usage
fi

BUILD=${BUILD:-$top/build/$ARCH}
CACHE=${CACHE:-$top/.cache}
VM_SMP=${VM_SMP:-4}
VM_MEM=${VM_MEM:-1024}
VM_TIMEOUT=${VM_TIMEOUT:-900}
VM_ACCEL=${VM_ACCEL:-tcg}
VM_SHARE=${VM_SHARE:-}
VM_KERNEL=${VM_KERNEL:-}
VM_KDIR=${VM_KDIR:-}
VM_MODDIR=${VM_MODDIR:-}
KERNEL=${KERNEL:-6.1}
VM_HUNG_TASK_SECS=${VM_HUNG_TASK_SECS:-120}
export VM_HUNG_TASK_SECS

isnum() { [[ $1 =~ ^[0-9]+$ ]] && [ "$1" -ge "$2" ] && [ "$1" -le "$3" ]; }
isnum "$VM_SMP" 1 64 || die "VM_SMP must be 1..64, not '$VM_SMP'"
VM_APPEND=${VM_APPEND:-}
case $VM_APPEND in
*[!A-Za-z0-9_.,=:\ -]*) die "VM_APPEND: kernel parameters of [A-Za-z0-9_.,=:-] and spaces only" ;;
esac
isnum "$VM_MEM" 256 65536 || die "VM_MEM must be 256..65536 (MiB), not '$VM_MEM'"
isnum "$VM_TIMEOUT" 1 86400 || die "VM_TIMEOUT must be 1..86400 (seconds), not '$VM_TIMEOUT'"
isnum "$VM_HUNG_TASK_SECS" 10 3600 || die "VM_HUNG_TASK_SECS must be 10..3600, not '$VM_HUNG_TASK_SECS'"
case $VM_ACCEL in tcg|kvm) ;; *) die "VM_ACCEL must be tcg or kvm, not '$VM_ACCEL'" ;; esac

case $ARCH in
x86_64)
	debarch=amd64 qemu_bin=qemu-system-x86_64 console=ttyS0 host_m=x86_64
	;;
arm64)
	debarch=arm64 qemu_bin=qemu-system-aarch64 console=ttyAMA0 host_m=aarch64
	;;
*) die "ARCH must be x86_64 or arm64, not '$ARCH'" ;;
esac
command -v "$qemu_bin" >/dev/null ||
	die "$qemu_bin not found (apt-get install qemu-system-x86 qemu-system-arm)"
[ -f "$BUILD/kmod/probelab.ko" ] ||
	die "$BUILD/kmod/probelab.ko is missing: build it first (make ARCH=$ARCH)"

# Guest kernel ---------------------------------------------------------------

image_release() {	# image_release IMAGE: the kernel release an image reports
	local f=$1 off
	if [ "$ARCH" = x86_64 ]; then
		# bzImage: boot protocol header "HdrS", kernel_version at 0x20e
		[ "$(dd if="$f" bs=1 skip=$((0x202)) count=4 2>/dev/null)" = HdrS ] ||
			return 0
		off=$(od -An -tu2 -j $((0x20e)) -N2 "$f" | tr -d ' ')
		[ -n "$off" ] && [ "$off" -gt 0 ] || return 0
		dd if="$f" bs=1 skip=$((off + 0x200)) count=256 2>/dev/null |
			tr '\0' '\n' | head -n 1 | cut -d' ' -f1
	else
		# arm64 Image or Image.gz: the linux_banner string
		if [ "$(od -An -tx1 -N2 "$f" | tr -d ' ')" = 1f8b ]; then
			gzip -dc "$f" 2>/dev/null
		else
			cat "$f"
		fi | grep -a -m 1 -o 'Linux version [^ ]*' | cut -d' ' -f3
	fi
}

if [ -n "$VM_KERNEL" ]; then
	[ -f "$VM_KERNEL" ] || die "VM_KERNEL $VM_KERNEL does not exist"
	kernel=$VM_KERNEL moddir=
	kver=$(image_release "$VM_KERNEL")
	[[ $kver =~ ^[A-Za-z0-9._+-]+$ ]] || kver=
	if [ -n "$VM_MODDIR" ]; then
		[ -d "$VM_MODDIR" ] || die "VM_MODDIR $VM_MODDIR is not a folder"
		moddir=$(cd "$VM_MODDIR" && pwd)
		if [ -z "$kver" ]; then
			kver=$(basename "$moddir")
		elif [ "$kver" != "$(basename "$moddir")" ]; then
			die "VM_KERNEL is release $kver but VM_MODDIR is $(basename "$moddir")"
		fi
	fi
	if [ -z "$kver" ] && [ -n "$VM_KDIR" ] &&
	   [ -f "$VM_KDIR/include/generated/utsrelease.h" ]; then
		kver=$(sed -n 's/^#define UTS_RELEASE "\(.*\)"$/\1/p' \
			"$VM_KDIR/include/generated/utsrelease.h")
	fi
	[ -n "$kver" ] ||
		die "cannot tell VM_KERNEL's release from the image: set VM_MODDIR (lib/modules/<release>) or VM_KDIR (its build folder)"
	[ -n "$moddir" ] ||
		say "note: no VM_MODDIR: the guest gets no vfio/virtio modules (only what $kver has built in)"
else
	root=$CACHE/kernels/$KERNEL/$debarch
	kver=$(cat "$root/release" 2>/dev/null) ||
		die "kernel $KERNEL ($debarch) is not in $CACHE/kernels: run tools/deps.sh --kernel $KERNEL"
	kernel=$root/boot/vmlinuz-$kver
	moddir=$root/lib/modules/$kver
	[ -f "$kernel" ] || die "guest kernel $kernel is missing: run tools/deps.sh --kernel $KERNEL"
	[ -d "$moddir" ] || die "guest modules $moddir are missing: run tools/deps.sh --kernel $KERNEL"
fi

# Initramfs ------------------------------------------------------------------

mkdir -p "$BUILD/vm" || die "cannot create $BUILD/vm"
work=$(mktemp -d "$BUILD/vm/run.XXXXXX") || die "cannot create a folder in $BUILD/vm"
probe_pid=
# shellcheck disable=SC2317  # called from the EXIT trap
cleanup() {
	rm -rf "$work"
	if [ -n "$probe_pid" ]; then
		kill -KILL "$probe_pid" 2>/dev/null
	fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

nonce=$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
M="@@PLVM-$nonce"
printf '%s' "$CMD" > "$work/cmd"
mkargs=(--arch "$ARCH" --build "$BUILD" --cache "$CACHE" --kver "$kver"
	--cmd-file "$work/cmd" --nonce "$nonce" --out "$work/initramfs.cpio")
[ -n "$moddir" ] && mkargs+=(--moddir "$moddir")
[ -n "$VM_SHARE" ] && mkargs+=(--share "$VM_SHARE")
TMPDIR=$work "$here/mkinitramfs.sh" "${mkargs[@]}" || die "building the initramfs failed"

# QEMU -----------------------------------------------------------------------

append="console=$console quiet panic=-1 oops=panic log_buf_len=4M"

# QEMU options are comma lists, not array separators:
# shellcheck disable=SC2054
qemu_args() {	# qemu_args ACCEL: fill the array `qemu`
	local accel=$1
	qemu=("$qemu_bin")
	if [ "$ARCH" = x86_64 ]; then
		qemu+=(-machine q35,kernel-irqchip=split -accel "$accel")
		# no ACPI hotplug slots on the root bus: their names would
		# collide with the SHPC slots of the PCIe-to-PCI bridge
		qemu+=(-global ICH9-LPC.acpi-pci-hotplug-with-bridge-support=off)
		[ "$accel" = kvm ] && qemu+=(-cpu host)
		# intel-iommu must come before the devices it translates
		qemu+=(-device intel-iommu,intremap=on,caching-mode=on)
		append_arch="intel_iommu=on"
	else
		qemu+=(-machine virt,iommu=smmuv3,gic-version=3 -accel "$accel")
		if [ "$accel" = kvm ]; then
			qemu+=(-cpu host)
		else
			qemu+=(-cpu cortex-a57)
		fi
		append_arch=
	fi
	# Endpoints: two edu and a virtio-rng on the root bus, an edu behind a
	# PCIe root port, two edu behind a PCIe-to-PCI bridge (they share the
	# bridge's requester ID: a DMA alias).
	qemu+=(-device edu -device edu -device virtio-rng-pci
	       -device pcie-root-port,id=rp1,chassis=1,slot=1 -device edu,bus=rp1
	       -device pcie-root-port,id=rp2,chassis=2,slot=2
	       -device pcie-pci-bridge,id=pbr1,bus=rp2
	       -device edu,bus=pbr1,addr=1 -device edu,bus=pbr1,addr=2)
	qemu+=(-smp "$VM_SMP" -m "$VM_MEM" -nodefaults -no-reboot -display none
	       -chardev stdio,id=con0,signal=off -serial chardev:con0
	       -kernel "$kernel" -initrd "$work/initramfs.cpio")
}

accel=tcg
if [ "$VM_ACCEL" = kvm ]; then
	why=
	if [ "$(uname -m)" != "$host_m" ]; then
		why="the host is $(uname -m), the guest $ARCH"
	elif [ ! -r /dev/kvm ] || [ ! -w /dev/kvm ]; then
		why="/dev/kvm is missing or not read-write for $(id -un)"
	else
		qemu_args kvm
		plog=$work/kvm-probe.log
		# QEMU's own timeout kills it after 20 s; the subshell reports
		# how QEMU ended.  A guest stuck in the host kernel may survive
		# even SIGKILL, so this script never waits for it unbounded.
		(
			timeout -k 2 20 "${qemu[@]}" \
				-append "$append $append_arch plvm_probe=1"
			echo "$M:probe-qemu-status $?"
		) </dev/null >"$plog" 2>&1 &
		probe_pid=$!
		ok=0 qst=
		for _ in $(seq 1 100); do	# 25 s
			if grep -aq "$M:exit probe 0" "$plog"; then
				ok=1
				break
			fi
			qst=$(grep -ao "$M:probe-qemu-status [0-9]*" "$plog" | cut -d' ' -f2)
			[ -n "$qst" ] && break
			sleep 0.25
		done
		if [ $ok = 1 ]; then
			# the probe guest powers off by itself
			for _ in $(seq 1 40); do
				kill -0 "$probe_pid" 2>/dev/null || break
				sleep 0.25
			done
		fi
		if kill -0 "$probe_pid" 2>/dev/null; then
			say "warning: the KVM probe (pid $probe_pid) is still running; not waiting for it"
		else
			wait "$probe_pid" 2>/dev/null
			probe_pid=
		fi
		if [ $ok = 1 ]; then
			accel=kvm
		elif [ -n "$qst" ] && [ "$qst" != 124 ] && [ "$qst" != 137 ]; then
			why="the KVM probe QEMU exited with status $qst before the guest reached userspace"
			last=$(grep -av -e "$M:" -e 'vm-run.sh: line' "$plog" |
				tr -d '\r' | grep -v '^$' | tail -n 1)
			[ -n "$last" ] && why="$why (last output: $last)"
		else
			why="a KVM guest did not reach userspace within 20 s"
		fi
	fi
	[ "$accel" = kvm ] || say "KVM not usable: $why; falling back to TCG"
fi

qemu_args "$accel"
qemu+=(-append "$append $append_arch${VM_APPEND:+ $VM_APPEND}")

log=$BUILD/vm/last-$ARCH.log
exec {loglock}>"$BUILD/vm/.last-$ARCH.lock"
if ! flock -n "$loglock"; then
	log=$BUILD/vm/run-$ARCH-$$.log
	say "another $ARCH guest is running from $BUILD: this one logs to $log"
fi
say "booting $ARCH guest: kernel $kver, smp $VM_SMP, ${VM_MEM} MiB, accel $accel, timeout ${VM_TIMEOUT}s"

awk_bin=(awk)
awk -W version 2>&1 | grep -q mawk && awk_bin=(awk -W interactive)

# Serial console -> (\r stripped) log file; CMD's output (between the cmd
# markers) also to stdout as it arrives.  The trailing empty line init adds
# before the end marker is dropped.
start=$(date +%s.%N)
# shellcheck disable=SC2016  # awk program
timeout --foreground -k 10 "$VM_TIMEOUT" "${qemu[@]}" </dev/null 2>"$work/qemu.err" |
	"${awk_bin[@]}" -v M="$M" -v logf="$log" '
	BEGIN { state = 0; pend = 0; printf "" > logf }
	{
		gsub(/\r/, "")
		print > logf
		fflush(logf)
		if (state == 0) {
			if (index($0, M ":cmd-begin"))
				state = 1
			next
		}
		if (state != 1)
			next
		i = index($0, M ":cmd-end")
		if (i) {
			pre = substr($0, 1, i - 1)
			if (pre != "") {
				for (; pend > 0; pend--)
					print ""
				print pre
			} else {
				for (; pend > 1; pend--)
					print ""
			}
			fflush()
			state = 2
			next
		}
		if ($0 == "") {
			pend++
			next
		}
		for (; pend > 0; pend--)
			print ""
		print
		fflush()
	}'
st=("${PIPESTATUS[@]}")
qemu_status=${st[0]}
end=$(date +%s.%N)
elapsed=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')

# Verdict --------------------------------------------------------------------

bad_re='BUG:|WARNING:|Oops|general protection|Call Trace|blocked for more than'

# first_report: the guest kernel's first report (BUG, WARNING, Oops, hung
# task) from its first line through its call trace, at most 50 lines: the
# faulting function and the trace are what a reader of CI's tail needs.
first_report() {
	awk 'n == 0 && /BUG: |WARNING: |Oops: |general protection|blocked for more than/ { n = 1 }
		n { print; n++ }
		n && (/---\[ end trace/ || /Kernel Offset:/ || n > 50) { exit }' "$log"
}

section() {	# section FROM TO: log lines strictly between two markers
	awk -v a="$M:$1" -v b="$M:$2" '
		index($0, b) { on = 0 }
		on { print }
		index($0, a) { on = 1 }' "$log"
}

# QEMU's own messages (errors, "terminating on signal N")
[ -s "$work/qemu.err" ] && cat "$work/qemu.err" >&2
qsig=$(sed -n 's/.*terminating on signal \([0-9]*\).*/\1/p' "$work/qemu.err" | head -n 1)

exitline=$(grep -ao "$M:exit [a-z]* [0-9]*" "$log" | tail -n 1)
if [ -z "$exitline" ]; then
	if [ -n "$qsig" ] && [ "$qemu_status" != 124 ] && [ "$qemu_status" != 137 ]; then
		say "INTERRUPTED: QEMU was stopped by signal $qsig before the guest finished"
		say "full serial log: $log"
		exit $((128 + qsig))
	elif [ "$qemu_status" = 124 ] || [ "$qemu_status" = 137 ]; then
		say "TIMEOUT: the guest did not finish within VM_TIMEOUT=${VM_TIMEOUT}s"
		if grep -aq "$M:cmd-begin" "$log"; then
			say "(CMD was running)"
		else
			say "(CMD had not started yet: still booting or setting up)"
		fi
		code=124
	else
		why=$(grep -ao 'Kernel panic - not syncing: .*' "$log" | head -n 1)
		say "CRASH: the guest ended without reporting CMD's status (QEMU exit status $qemu_status): ${why:-no kernel panic message: QEMU failure, or CMD powered off or killed init}"
		grep -aq 'blocked for more than' "$log" &&
			say "a task was blocked for more than VM_HUNG_TASK_SECS=$VM_HUNG_TASK_SECS s (hung task), which panics the guest"
		code=125
	fi
	hits=$(grep -aE "$bad_re|Kernel panic" "$log" | head -n 20)
	[ -n "$hits" ] && { say "suspicious guest kernel lines:"; printf '%s\n' "$hits" >&2; }
	if grep -aq "$M:cmd-begin" "$log"; then
		say "(the console output since CMD started is shown above)"
	elif [ -s "$log" ]; then
		say "last 60 lines of the serial log:"
		tail -n 60 "$log" >&2
	else
		say "(the guest printed nothing on its console)"
	fi
	report=$(first_report)
	[ -n "$report" ] && { say "the guest kernel's first report:"; printf '%s\n' "$report" >&2; }
	say "full serial log: $log"
	say "$ARCH: failed after ${elapsed}s (exit $code)"
	exit $code
fi

read -r _ kind status <<<"$exitline"
dmesg=$(section dmesg-begin dmesg-end)
if [ "$kind" = setup ]; then
	say "SETUP FAILED: the guest could not get ready to run CMD:"
	grep -a 'probelab-vm(guest):' "$log" >&2
	say "last 40 lines of the guest kernel log (all of it in $log):"
	printf '%s\n' "$dmesg" | tail -n 40 >&2
	say "$ARCH: failed after ${elapsed}s (exit 126)"
	exit 126
fi

hits=$(printf '%s\n' "$dmesg" | grep -aE "$bad_re")
if [ -n "$hits" ]; then
	n=$(printf '%s\n' "$hits" | wc -l)
	say "GUEST KERNEL LOG IS NOT CLEAN: $n line(s) match /$bad_re/ (CMD itself exited $status):"
	printf '%s\n' "$hits" >&2
	say "---- guest kernel log ----"
	printf '%s\n' "$dmesg" >&2
	say "---- end of guest kernel log ----"
	say "$ARCH: failed after ${elapsed}s (exit 122; accel $accel)"
	exit 122
fi
grep -aq 'probelab-vm(guest): note' "$log" &&
	grep -a 'probelab-vm(guest): note' "$log" | sed "s/^/$prog: /" >&2
say "$ARCH: CMD exited $status; boot to exit ${elapsed}s (accel $accel)"
exit "$status"

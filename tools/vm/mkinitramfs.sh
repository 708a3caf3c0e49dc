#!/usr/bin/env bash
# Build the busybox initramfs for a probelab guest (see docs/vm-lab.md).
#
#   tools/vm/mkinitramfs.sh --arch x86_64|arm64 --build DIR --cache DIR
#       --kver RELEASE [--moddir DIR] [--share DIR] --cmd-file FILE
#       --nonce WORD --out FILE
#
# Contents: busybox (applets installed by /init at boot), tools/vm/init as
# /init, $BUILD/kmod/probelab.ko as /opt/probelab/probelab.ko, every executable
# of $BUILD/bin in /usr/bin, $BUILD/tests/guest in /opt/probelab/tests,
# $BUILD/scenarios (the race scenario files) in /opt/probelab/scenarios, the
# --share folder in /mnt/share, the shared libraries and dynamic loader all
# those ELF programs need (DT_NEEDED resolved recursively with readelf), and
# from --moddir (a lib/modules/RELEASE tree) the vfio, vfio_iommu_type1,
# vfio-pci, virtio-pci and virtio-rng modules with their dependencies, plus a
# modules.dep made by depmod.  Without --moddir no kernel module is included.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
prog=mkinitramfs

say() { printf '%s: %s\n' "$prog" "$*" >&2; }
die() { say "error: $*"; exit 1; }

usage() {
	sed -n '2,15s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2
	exit 2
}

arch='' build='' cache='' kver='' moddir='' share='' cmdfile='' nonce='' out=''
while [ $# -gt 0 ]; do
	case $1 in
	--arch) arch=${2-}; shift 2 ;;
	--build) build=${2-}; shift 2 ;;
	--cache) cache=${2-}; shift 2 ;;
	--kver) kver=${2-}; shift 2 ;;
	--moddir) moddir=${2-}; shift 2 ;;
	--share) share=${2-}; shift 2 ;;
	--cmd-file) cmdfile=${2-}; shift 2 ;;
	--nonce) nonce=${2-}; shift 2 ;;
	--out) out=${2-}; shift 2 ;;
	-h|--help) usage ;;
	*) say "unknown argument '$1'"; usage ;;
	esac
done
for v in arch build cache kver cmdfile nonce out; do
	[ -n "${!v}" ] || { say "missing --${v/cmdfile/cmd-file}"; usage; }
done
[[ $nonce =~ ^[A-Za-z0-9]+$ ]] || die "--nonce must be alphanumeric"
[[ $kver =~ ^[A-Za-z0-9._+-]+$ ]] || die "--kver '$kver' is not a kernel release"
[ -f "$cmdfile" ] || die "--cmd-file $cmdfile does not exist"

case $arch in
x86_64)
	elf_machine='Advanced Micro Devices X86-64'
	busybox=/bin/busybox
	libdirs=(/lib/x86_64-linux-gnu:/lib/x86_64-linux-gnu
		 /usr/lib/x86_64-linux-gnu:/usr/lib/x86_64-linux-gnu)
	;;
arm64)
	elf_machine='AArch64'
	busybox=$cache/arm64/bin/busybox
	libdirs=(/lib/aarch64-linux-gnu:/lib/aarch64-linux-gnu
		 /usr/lib/aarch64-linux-gnu:/usr/lib/aarch64-linux-gnu
		 "$cache/arm64/lib/aarch64-linux-gnu:/lib/aarch64-linux-gnu"
		 "$cache/arm64/usr/lib/aarch64-linux-gnu:/usr/lib/aarch64-linux-gnu")
	;;
*) die "--arch must be x86_64 or arm64, not '$arch'" ;;
esac

for t in readelf cpio depmod modinfo; do
	command -v "$t" >/dev/null ||
		die "'$t' not found (apt-get install binutils cpio kmod)"
done

ko=$build/kmod/probelab.ko
[ -f "$ko" ] || die "$ko is missing: build the module first (make ARCH=$arch)"
[ -x "$busybox" ] || die "busybox for $arch not found at $busybox (tools/deps.sh)"

# Payload checks -------------------------------------------------------------

is_elf() { [ "$(head -c 4 "$1" 2>/dev/null | od -An -c | tr -d ' ')" = '177ELF' ]; }

elf_machine_of() { readelf -h "$1" 2>/dev/null | sed -n 's/^ *Machine: *//p'; }

check_machine() {	# check_machine FILE: die unless FILE is for $arch
	local m
	m=$(elf_machine_of "$1")
	[ "$m" = "$elf_machine" ] ||
		die "$1 is built for '${m:-unknown}', not $arch ($elf_machine)"
}

check_machine "$ko"
vermagic=$(modinfo -F vermagic "$ko" 2>/dev/null || true)
ko_rel=${vermagic%% *}
[ "$ko_rel" = "$kver" ] ||
	die "$ko is built for kernel '${ko_rel:-?}' but the guest kernel is $kver (rebuild the module against it)"

# Staging --------------------------------------------------------------------

stage=$(mktemp -d "${TMPDIR:-/tmp}/probelab-initramfs.XXXXXX")
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage"/{bin,sbin,usr/bin,usr/sbin,etc/probelab-vm,proc,sys,dev,tmp,root} \
	"$stage"/{opt/probelab/tests,opt/probelab/scenarios,mnt/share,lib/modules}
cp "$busybox" "$stage/bin/busybox"
ln -s busybox "$stage/bin/sh"
install -m 0755 "$here/init" "$stage/init"
install -m 0644 "$ko" "$stage/opt/probelab/probelab.ko"
install -m 0644 "$cmdfile" "$stage/etc/probelab-vm/cmd"
printf 'root:x:0:0:root:/root:/bin/sh\n' > "$stage/etc/passwd"
printf 'root:x:0:\n' > "$stage/etc/group"

elves=()	# ELF files in the image whose libraries must be present

add_elf() {	# add_elf HOSTFILE: check arch, remember for library resolution
	if is_elf "$1"; then
		check_machine "$1"
		elves+=("$1")
	fi
}

if [ -d "$build/bin" ]; then
	for f in "$build/bin"/*; do
		if [ ! -f "$f" ] || [ ! -x "$f" ]; then
			continue
		fi
		install -m 0755 "$f" "$stage/usr/bin/"
		add_elf "$f"
	done
fi
if [ -d "$build/tests/guest" ]; then
	cp -a "$build/tests/guest/." "$stage/opt/probelab/tests/"
	while IFS= read -r -d '' f; do
		add_elf "$f"
	done < <(find "$build/tests/guest/" -type f -perm -u+x -print0)
fi
if [ -d "$build/scenarios" ]; then
	cp -a "$build/scenarios/." "$stage/opt/probelab/scenarios/"
fi
if [ -n "$share" ]; then
	[ -d "$share" ] || die "VM_SHARE '$share' is not a directory"
	cp -a "$share/." "$stage/mnt/share/"
	# programs in the share get their libraries too, if they are for $arch
	while IFS= read -r -d '' f; do
		is_elf "$f" && [ "$(elf_machine_of "$f")" = "$elf_machine" ] &&
			elves+=("$f")
	done < <(find "$share/" -type f -perm -u+x -print0)
fi
is_elf "$busybox" && elves+=("$busybox")

# Shared libraries -----------------------------------------------------------

declare -A have=()	# guest path -> 1

install_lib() {	# install_lib HOSTFILE GUESTPATH
	[ -n "${have[$2]:-}" ] && return 0
	have[$2]=1
	mkdir -p "$stage$(dirname "$2")"
	cp -L "$1" "$stage$2"
	chmod 0755 "$stage$2"
}

find_lib() {	# find_lib SONAME -> "hostfile guestpath" of the first match
	local d host guest
	for d in "${libdirs[@]}"; do
		host=${d%%:*} guest=${d#*:}
		if [ -f "$host/$1" ] && [ "$(elf_machine_of "$host/$1")" = "$elf_machine" ]; then
			printf '%s\n%s\n' "$host/$1" "$guest/$1"
			return 0
		fi
	done
	return 1
}

declare -A done_elf=()

resolve() {	# resolve ELF [NEEDED_BY]
	local f=$1 interp n found
	[ -n "${done_elf[$f]:-}" ] && return 0
	done_elf[$f]=1
	interp=$(readelf -lW "$f" | sed -n 's/.*\[Requesting program interpreter: \(.*\)\]$/\1/p')
	if [ -n "$interp" ]; then
		if [ -f "$interp" ] && [ "$(elf_machine_of "$interp")" = "$elf_machine" ]; then
			install_lib "$interp" "$interp"
		elif found=$(find_lib "$(basename "$interp")"); then
			install_lib "$(sed -n 1p <<<"$found")" "$interp"
		else
			die "dynamic loader $interp of $f not found for $arch"
		fi
	fi
	for n in $(readelf -dW "$f" | sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p'); do
		found=$(find_lib "$n") ||
			die "$n (needed by $f) not found in: ${libdirs[*]%%:*}"
		install_lib "$(sed -n 1p <<<"$found")" "$(sed -n 2p <<<"$found")"
		resolve "$(sed -n 1p <<<"$found")"
	done
}

for f in ${elves[@]+"${elves[@]}"}; do
	resolve "$f"
done

# Kernel modules -------------------------------------------------------------

want=(vfio vfio_iommu_type1 vfio_pci virtio_pci virtio_rng)
load=()
if [ -n "$moddir" ]; then
	[ -d "$moddir/kernel" ] || die "module tree $moddir has no kernel/ folder"
	gmod=$stage/lib/modules/$kver
	mkdir -p "$gmod"

	declare -A path_of=() builtin=()
	while IFS= read -r p; do
		n=${p##*/}; n=${n%%.ko*}; n=${n//-/_}
		path_of[$n]=${p#"$moddir"/}
	done < <(find "$moddir/kernel/" -name '*.ko' -o -name '*.ko.xz' \
			-o -name '*.ko.zst' -o -name '*.ko.gz')
	if [ -f "$moddir/modules.builtin" ]; then
		while IFS= read -r p; do
			n=${p##*/}; n=${n%.ko}; builtin[${n//-/_}]=1
		done < "$moddir/modules.builtin"
	fi

	declare -A added=()
	add_mod() {	# add_mod NAME: copy the module and, recursively, its deps
		local n=${1//-/_} rel src dst d
		if [ -n "${added[$n]:-}" ] || [ -n "${builtin[$n]:-}" ]; then
			return 0
		fi
		rel=${path_of[$n]:-}
		[ -n "$rel" ] || die "module $n (or a dependency) is neither in $moddir/kernel nor in its modules.builtin"
		added[$n]=1
		src=$moddir/$rel dst=$gmod/${rel%.ko*}.ko
		mkdir -p "$(dirname "$dst")"
		case $src in
		*.ko.xz) xz -dc "$src" > "$dst" ;;
		*.ko.zst) zstd -qdc "$src" > "$dst" ;;
		*.ko.gz) gzip -dc "$src" > "$dst" ;;
		*) cp "$src" "$dst" ;;
		esac
		for d in $(modinfo -F depends "$dst" | tr ',' ' '); do
			add_mod "$d"
		done
	}
	for m in "${want[@]}"; do
		if [ -n "${builtin[$m]:-}" ]; then
			continue
		elif [ -z "${path_of[$m]:-}" ]; then
			say "note: $m is not in $moddir (not built?): skipped"
			continue
		fi
		add_mod "$m"
		load+=("$m")
	done
	for f in modules.builtin modules.builtin.modinfo modules.order; do
		[ -f "$moddir/$f" ] && cp "$moddir/$f" "$gmod/"
	done
	depmod -b "$stage" "$kver" ||
		die "depmod failed for the guest module tree ($kver)"
fi

cat > "$stage/etc/probelab-vm/env" <<EOF
PLVM_NONCE=$nonce
PLVM_ARCH=$arch
PLVM_MODULES="${load[*]}"
PLVM_HUNG_TASK_SECS=${VM_HUNG_TASK_SECS:-120}
EOF

# Archive --------------------------------------------------------------------
# The kernel opens /dev/console before running /init, so the image needs that
# node; a small hand-made newc archive provides it without root rights (mknod)
# and goes first, the cpio(1) archive of the staging tree follows.

newc() {	# newc NAME MODE RDEVMAJOR RDEVMINOR INO: one empty newc entry
	local nsz=$((${#1} + 1)) pad
	printf '070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X' \
		"$5" "$2" 0 0 1 0 0 0 0 "$3" "$4" "$nsz" 0
	printf '%s\0' "$1"
	pad=$(((4 - (110 + nsz) % 4) % 4))
	[ $pad -eq 0 ] || head -c $pad /dev/zero
}

mkdir -p "$(dirname "$out")"
{
	newc dev $((0040755)) 0 0 1
	newc dev/console $((0020600)) 5 1 2
	newc TRAILER!!! 0 0 0 0
	(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort |
		cpio --quiet -o -H newc -R 0:0)
} > "$out.tmp"
mv "$out.tmp" "$out"

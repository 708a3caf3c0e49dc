#!/usr/bin/env bash
# mkimage.sh ARCH OUTDIR: the two artifacts a LAVA QEMU job of probelab
# boots (lava/jobs/qemu-*.yaml.jinja2), written to OUTDIR:
#   OUTDIR/vmlinuz       the guest kernel (Debian's KERNEL from the cache)
#   OUTDIR/initramfs.cpio  one newc archive: the QEMU lab's initramfs
#                        (tools/vm/mkinitramfs.sh: busybox, probelab.ko,
#                        the CLI, the guest tests in /opt/probelab/tests)
#                        whose command is lava/guest/shell.sh, a root shell
#                        on the console with the prompt "probelab-lava:DIR# "
# LAVA adds its test overlay to the initramfs itself (format cpio.newc,
# overlays: lava), so the guest needs no disk and no network.
#
# Environment: KERNEL (default 6.1), PROBELAB_CACHE (default <top>/.cache),
# BUILD the payload folder (default <top>/build/ARCH/guest-KERNEL, made by
# `make vm-payload ARCH=ARCH KERNEL=KERNEL`).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/.." && pwd)
die() { echo "mkimage: error: $*" >&2; exit 1; }

[ $# -eq 2 ] || { sed -n '2,16s/^# \{0,1\}//p' "$0" >&2; exit 2; }
arch=$1 out=$2
case $arch in
x86_64) debarch=amd64 ;;
arm64) debarch=arm64 ;;
*) die "ARCH must be x86_64 or arm64, not '$arch'" ;;
esac
KERNEL=${KERNEL:-6.1}
cache=${PROBELAB_CACHE:-$top/.cache}
build=${BUILD:-$top/build/$arch/guest-$KERNEL}
root=$cache/kernels/$KERNEL/$debarch
kver=$(cat "$root/release" 2>/dev/null) ||
	die "kernel $KERNEL ($debarch) is not in $cache/kernels (tools/deps.sh --kernel $KERNEL)"
[ -f "$build/kmod/probelab.ko" ] ||
	die "$build/kmod/probelab.ko is missing: make vm-payload ARCH=$arch KERNEL=$KERNEL"

mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/share"
install -m 0755 "$here/guest/shell.sh" "$tmp/share/shell.sh"
printf 'exec /mnt/share/shell.sh' >"$tmp/cmd"
nonce=$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
TMPDIR=$tmp "$top/tools/vm/mkinitramfs.sh" --arch "$arch" --build "$build" \
	--cache "$cache" --kver "$kver" --moddir "$root/lib/modules/$kver" \
	--share "$tmp/share" --cmd-file "$tmp/cmd" --nonce "$nonce" \
	--out "$tmp/initramfs.cpio"
python3 "$here/cpio-merge.py" "$tmp/initramfs.cpio" "$out/initramfs.cpio"
cp "$root/boot/vmlinuz-$kver" "$out/vmlinuz"
echo "mkimage: $arch guest $kver: $out/vmlinuz $out/initramfs.cpio ($(du -h "$out/initramfs.cpio" | cut -f1))"

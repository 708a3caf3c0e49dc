#!/usr/bin/env bash
# probelab dependency installer: everything through apt-get, idempotent.
#
# Installs the build/test toolchain for both hosts (amd64 native, arm64 through
# multiarch), finds the current Debian 6.1 kernel ABI (6.1.0-NN) and extracts
# both arches' kernel images, modules, headers and guest userspace into the
# cache folder ($PROBELAB_CACHE, default <project>/.cache).
#
#   tools/deps.sh           install + extract (needs root on Debian 12)
#   tools/deps.sh --check   exit 0 when everything is present, 1 otherwise
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cache=${PROBELAB_CACHE:-$top/.cache}
check_only=0
[ "${1:-}" = "--check" ] && check_only=1

pkgs_amd64=(
	build-essential pkg-config kmod cpio xz-utils zstd git
	linux-headers-amd64 linux-source-6.1
	qemu-system-x86 qemu-system-arm busybox-static
	dkms sparse acpica-tools device-tree-compiler
	gcc-aarch64-linux-gnu clang libclang-rt-14-dev
	libcmocka-dev libkmod-dev libnl-genl-3-dev libfdt-dev libjson-c-dev
)
# libfdt-dev cannot co-install across arches (Conflicts:); its arm64 archive
# is extracted into the cache instead and the runtime library installed.
pkgs_arm64=(
	libnl-genl-3-dev:arm64 libkmod-dev:arm64 libjson-c-dev:arm64
	libcmocka-dev:arm64 libfdt1:arm64 libc6-dev:arm64
)

say() { printf 'deps: %s\n' "$*" >&2; }

missing_pkgs() {
	local p
	for p in "${pkgs_amd64[@]}" "${pkgs_arm64[@]}"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
			grep -q '^install ok installed$' || printf '%s\n' "$p"
	done
}

kabi() {
	# The ABI the linux-headers-amd64 metapackage currently points at.
	dpkg-query -W -f='${Depends}\n' linux-headers-amd64 2>/dev/null |
		grep -o 'linux-headers-6\.1\.0-[0-9]*-amd64' | head -n1 |
		sed -e 's/^linux-headers-//' -e 's/-amd64$//'
}

extracted_ok() {
	local k=$1
	[ -f "$cache/amd64/boot/vmlinuz-$k-amd64" ] &&
	[ -f "$cache/arm64/boot/vmlinuz-$k-arm64" ] &&
	[ -d "$cache/arm64/usr/src/linux-headers-$k-arm64" ] &&
	[ -x "$cache/arm64/bin/busybox" ] &&
	[ -f "$cache/arm64/usr/lib/aarch64-linux-gnu/libfdt.a" ] &&
	[ -f "$cache/linux-source/scripts/checkpatch.pl" ] &&
	[ "$(cat "$cache/kabi" 2>/dev/null)" = "$k" ]
}

if [ ! -r /etc/debian_version ]; then
	say "this script installs through apt-get on Debian 12 (bookworm)."
	say "elsewhere install: kernel headers for your kernel, qemu-system-x86 and -arm,"
	say "busybox-static, cpio, dkms, sparse, acpica-tools, device-tree-compiler,"
	say "gcc-aarch64-linux-gnu, clang, cmocka, libkmod, libnl-genl-3, libfdt, json-c."
	exit 1
fi

if [ -z "$(missing_pkgs)" ] && [ -n "$(kabi)" ] && extracted_ok "$(kabi)"; then
	[ $check_only = 1 ] || say "all dependencies present (kernel ABI $(kabi), cache $cache)"
	exit 0
fi
[ $check_only = 1 ] && exit 1

if [ "$(id -u)" != 0 ]; then
	say "missing dependencies and not root. Run as root: $0"
	say "missing packages: $(missing_pkgs | tr '\n' ' ')"
	exit 1
fi

export DEBIAN_FRONTEND=noninteractive
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
	say "enabling the arm64 architecture (multiarch)"
	dpkg --add-architecture arm64
fi
missing=$(missing_pkgs)
if [ -n "$missing" ]; then
	say "installing: $(echo $missing)"
	apt-get update -q
	# shellcheck disable=SC2086
	apt-get install -y -q --no-install-recommends $missing
fi

k=$(kabi)
[ -n "$k" ] || { say "cannot find the Debian kernel ABI from linux-headers-amd64"; exit 1; }
say "Debian kernel ABI: $k"

mkdir -p "$cache/debs" "$cache/amd64" "$cache/arm64"
# apt-get download drops privileges to _apt: let it write the folder
chown _apt "$cache/debs" 2>/dev/null || true
fetch() {	# fetch PKG...: download into the cache unless already there
	local p f
	for p in "$@"; do
		f=$(ls "$cache/debs/${p%%:*}_"*"_${p##*:}.deb" 2>/dev/null | head -n1 || true)
		[ -n "$f" ] && continue
		(cd "$cache/debs" && apt-get download -q "$p") ||
			{ apt-get update -q && (cd "$cache/debs" && apt-get download -q "$p"); }
	done
}
unpack() {	# unpack ARCH PKG...
	local a=$1 p f
	shift
	for p in "$@"; do
		f=$(ls "$cache/debs/${p%%:*}_"*"_${p##*:}.deb" | head -n1)
		dpkg -x "$f" "$cache/$a"
	done
}

if ! extracted_ok "$k"; then
	rm -rf "$cache/amd64" "$cache/arm64"
	mkdir -p "$cache/amd64" "$cache/arm64"
	fetch "linux-image-$k-amd64:amd64" "linux-image-$k-arm64:arm64" \
	      "linux-headers-$k-arm64:arm64" "busybox-static:arm64" \
	      "libfdt-dev:arm64"
	say "extracting kernel images and arm64 headers into $cache"
	unpack amd64 "linux-image-$k-amd64:amd64"
	unpack arm64 "linux-image-$k-arm64:arm64" "linux-headers-$k-arm64:arm64" \
	             "busybox-static:arm64" "libfdt-dev:arm64"
	# The arm64 headers' scripts/ and the -common half come from the host's
	# arch-independent kbuild and headers of the same version.
	ln -sfn /usr/lib/linux-kbuild-6.1 "$cache/arm64/usr/lib/linux-kbuild-6.1"
	ln -sfn "/usr/src/linux-headers-$k-common" \
		"$cache/arm64/usr/src/linux-headers-$k-common"

	if [ ! -f "$cache/linux-source/scripts/checkpatch.pl" ]; then
		say "extracting checkpatch.pl from linux-source-6.1"
		rm -rf "$cache/linux-source" && mkdir -p "$cache/linux-source"
		tar -xaf /usr/src/linux-source-6.1.tar.xz -C "$cache/linux-source" \
			--strip-components=1 --wildcards \
			'linux-source-6.1/scripts/checkpatch.pl' \
			'linux-source-6.1/scripts/spelling.txt' \
			'linux-source-6.1/scripts/const_structs.checkpatch'
	fi
	echo "$k" > "$cache/kabi"
fi
extracted_ok "$k" || { say "extraction incomplete in $cache"; exit 1; }
say "done: kernel ABI $k, cache $cache"

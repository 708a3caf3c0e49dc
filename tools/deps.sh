#!/usr/bin/env bash
# probelab dependency installer: everything through apt-get, idempotent.
#
# Installs the build/test toolchain for both hosts (amd64 native, arm64 through
# multiarch) and extracts the guest kernels - image, modules and headers of
# both arches - into the cache folder ($PROBELAB_CACHE, default
# <project>/.cache), one folder per kernel:
#
#   kernels/NAME/{amd64,arm64}/   dpkg -x of linux-image + linux-headers
#   kernels/NAME/{amd64,arm64}/release   the kernel release (uname -r)
#   arm64/                        arm64 userland for the guests (busybox,
#                                 libfdt, which cannot co-install)
#   linux-source/                 from linux-source-6.1: checkpatch.pl, the
#                                 KTAP reader kunit.py, kselftest_harness.h
#
# Kernel NAMEs: 6.1, 6.1-rt (Debian 12's own 6.1.0-NN), 6.12, 6.12-rt (the
# 6.12 LTS Debian 12 carries, 6.12.NNN+deb12).  The headers' arch-independent
# halves (-common, linux-kbuild-*) are installed on the host, since the
# headers name them by absolute path.  The debug kernels 6.1-lockdep,
# 6.1-kcsan, 6.12-lockdep, 6.12-kcsan are built from source by
# tools/debug-kernel/build.sh: for them this installs linux-source-SERIES
# and the kernel build tools (flex, bison, bc, libelf-dev, libssl-dev).
#
#   tools/deps.sh [--kernel NAME]...          install + extract (root); the
#                                             kernels named, else 6.1 and 6.12
#   tools/deps.sh --check [--kernel NAME]...  exit 0 when everything is
#                                             there and works, 1 otherwise
#
# --check proves the toolchains: it compiles and links a probe program
# (tools/deps-probe.c) natively and cross for arm64 against every library
# the tools use, and the fuzzers' clang probe; a proof is remembered in the
# cache until the dpkg database changes.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cache=${PROBELAB_CACHE:-$top/.cache}
check_only=0
kernels=()
while [ $# -gt 0 ]; do
	case $1 in
	--check) check_only=1; shift ;;
	--kernel)
		[ $# -ge 2 ] || { echo "deps: --kernel needs a name" >&2; exit 2; }
		kernels+=("$2"); shift 2 ;;
	-h|--help) sed -n '2,29s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) echo "deps: unknown argument '$1' (see --help)" >&2; exit 2 ;;
	esac
done
[ ${#kernels[@]} -gt 0 ] || kernels=(6.1 6.12)
# debug kernels are built from source: their packages, no extraction
stock=() debug_pkgs=()
for k in "${kernels[@]}"; do
	case $k in
	6.1|6.1-rt|6.12|6.12-rt) stock+=("$k") ;;
	6.1-lockdep|6.1-kcsan|6.12-lockdep|6.12-kcsan)
		debug_pkgs+=("linux-source-${k%%-*}" flex bison bc libelf-dev libssl-dev) ;;
	*) echo "deps: unknown kernel '$k' (6.1, 6.1-rt, 6.12, 6.12-rt, 6.1-lockdep, 6.1-kcsan, 6.12-lockdep, 6.12-kcsan; any other through VM_KERNEL/VM_KDIR)" >&2
	   exit 2 ;;
	esac
done
asked=("${kernels[@]}")
kernels=(${stock[@]+"${stock[@]}"})

pkgs_amd64=(
	build-essential pkg-config kmod cpio xz-utils zstd git perl python3
	linux-headers-amd64 linux-source-6.1
	qemu-system-x86 qemu-system-arm busybox-static
	dkms sparse acpica-tools device-tree-compiler debootstrap
	gcc-aarch64-linux-gnu clang libclang-rt-14-dev
	libcmocka-dev libkmod-dev libnl-genl-3-dev libfdt-dev libjson-c-dev
	lava-common python3-jinja2 gnuplot-nox
)
# libfdt-dev cannot co-install across arches (Conflicts:); its arm64 archive
# is extracted into the cache instead and the runtime library installed.
# libc6-dev:arm64 is what nothing pulls in with recommends off: the arm64
# C library headers.
pkgs_arm64=(
	libnl-genl-3-dev:arm64 libkmod-dev:arm64 libjson-c-dev:arm64
	libcmocka-dev:arm64 libfdt1:arm64 libc6-dev:arm64
)

say() { printf 'deps: %s\n' "$*" >&2; }

installed() {	# installed PKG: dpkg has it configured
	dpkg-query -W -f='${Status}\n' "$1" 2>/dev/null |
		grep -q '^install ok installed$'
}

missing_pkgs() {
	local p
	for p in "$@"; do
		installed "$p" || printf '%s\n' "$p"
	done
}

# release NAME DEBARCH: the kernel release apt currently offers for NAME
release() {
	local name=$1 a=$2 flav=
	case $name in *-rt) flav=rt- ;; esac
	case $name in
	6.12*)
		# the metapackage linux-headers-6.12[-rt]-amd64 names the release
		apt-cache show "linux-headers-6.12-${flav}amd64" 2>/dev/null |
			sed -n "s/^Depends:.*linux-headers-\(6\.12\.[0-9]*+deb12\)-${flav}amd64.*/\1/p" |
			sort -V | tail -n1 | sed "s/\$/-$flav$a/"
		;;
	6.1*)
		# the ABI the linux-headers-amd64 metapackage points at (6.1.0-NN)
		local abi
		abi=$(apt-cache show linux-headers-amd64 2>/dev/null |
			sed -n 's/^Depends:.*linux-headers-\(6\.1\.0-[0-9]*\)-amd64.*/\1/p' |
			sort -V | tail -n1)
		[ -n "$abi" ] && echo "$abi-$flav$a"
		;;
	esac
}

kroot() { echo "$cache/kernels/$1/$2"; }

kernel_ok_arch() {	# kernel_ok_arch ROOT RELEASE: image, modules, headers
	[ -f "$1/boot/vmlinuz-$2" ] && [ -d "$1/lib/modules/$2/kernel" ] &&
	[ -f "$1/usr/src/linux-headers-$2/scripts/Makefile.build" ] &&
	[ -f "$(sed -n 's/^include //p' "$1/usr/src/linux-headers-$2/Makefile")" ]
}

# kernel_ok NAME: both arches' image, modules and headers are extracted and
# the headers' host halves installed
kernel_ok() {
	local a root
	for a in amd64 arm64; do
		root=$(kroot "$1" $a)
		kernel_ok_arch "$root" "$(cat "$root/release" 2>/dev/null)" || return 1
	done
}

userland_ok() {
	[ -x "$cache/arm64/bin/busybox" ] &&
	[ -f "$cache/arm64/usr/lib/aarch64-linux-gnu/libfdt.a" ] &&
	[ -f "$cache/linux-source/scripts/checkpatch.pl" ] &&
	[ -f "$cache/linux-source/tools/testing/kunit/kunit.py" ] &&
	[ -f "$cache/linux-source/tools/testing/selftests/kselftest_harness.h" ]
}

# toolchain_ok: compile and link the probe for both arches, and the clang
# fuzzer probe.  A proof is kept until the dpkg database or the probe change.
toolchain_ok() {
	local probe=$top/tools/deps-probe.c stamp=$cache/toolchain.proof key tmp
	key=$(cat /var/lib/dpkg/status "$probe" 2>/dev/null | md5sum | cut -d' ' -f1)
	[ "$(cat "$stamp" 2>/dev/null)" = "$key" ] && return 0
	command -v pkg-config >/dev/null && command -v gcc >/dev/null &&
		command -v aarch64-linux-gnu-gcc >/dev/null &&
		command -v clang >/dev/null || return 1
	tmp=$(mktemp -d)
	local libs='libnl-genl-3.0 libkmod json-c cmocka' ok=1
	# shellcheck disable=SC2046
	gcc -std=gnu11 -Wall -Wextra -Werror -o "$tmp/probe-x86_64" "$probe" \
		$(pkg-config --cflags --libs $libs) -lfdt 2>"$tmp/err" &&
		{ "$tmp/probe-x86_64" >/dev/null 2>>"$tmp/err" ||
		  { echo "the native probe ran and failed ($?)" >>"$tmp/err"; false; }; } || ok=0
	# shellcheck disable=SC2046
	[ $ok = 1 ] && aarch64-linux-gnu-gcc -std=gnu11 -Wall -Wextra -Werror \
		-o "$tmp/probe-arm64" "$probe" \
		$(PKG_CONFIG_LIBDIR=/usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig \
		  pkg-config --cflags --libs $libs) \
		-L"$cache/arm64/usr/lib/aarch64-linux-gnu" -lfdt 2>>"$tmp/err" || ok=0
	[ $ok = 1 ] && clang -fsanitize=fuzzer,address,undefined -DPROBE_FUZZER \
		-o "$tmp/probe-fuzz" "$probe" 2>>"$tmp/err" || ok=0
	if [ $ok = 1 ]; then
		echo "$key" >"$stamp"
	else
		[ $check_only = 1 ] || sed 's/^/deps: probe: /' "$tmp/err" >&2
	fi
	rm -rf "$tmp"
	[ $ok = 1 ]
}

all_ok() {
	local k
	[ -z "$(missing_pkgs "${pkgs_amd64[@]}" "${pkgs_arm64[@]}" ${debug_pkgs[@]+"${debug_pkgs[@]}"})" ] || return 1
	userland_ok || return 1
	for k in ${kernels[@]+"${kernels[@]}"}; do
		kernel_ok "$k" || return 1
	done
	toolchain_ok
}

if [ ! -r /etc/debian_version ]; then
	say "this script installs through apt-get on Debian 12 (bookworm)."
	say "elsewhere install: kernel headers for your kernel, qemu-system-x86 and -arm,"
	say "busybox-static, cpio, dkms, sparse, acpica-tools, device-tree-compiler,"
	say "gcc-aarch64-linux-gnu, clang, cmocka, libkmod, libnl-genl-3, libfdt, json-c."
	exit 1
fi

mkdir -p "$cache" 2>/dev/null || true
if all_ok; then
	[ $check_only = 1 ] ||
		say "all dependencies present and working (kernels ${asked[*]}, cache $cache)"
	exit 0
fi
[ $check_only = 1 ] && exit 1

if [ "$(id -u)" != 0 ]; then
	say "missing dependencies and not root. Run as root: $0"
	say "missing packages: $(missing_pkgs "${pkgs_amd64[@]}" "${pkgs_arm64[@]}" ${debug_pkgs[@]+"${debug_pkgs[@]}"} | tr '\n' ' ')"
	exit 1
fi

export DEBIAN_FRONTEND=noninteractive
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
	say "enabling the arm64 architecture (multiarch)"
	dpkg --add-architecture arm64
fi
updated=0
apt_update() { [ $updated = 1 ] || apt-get update -q; updated=1; }
# apt-cache needs current lists to name the kernel releases
[ -n "$(release 6.1 amd64)" ] || apt_update
missing=$(missing_pkgs "${pkgs_amd64[@]}" "${pkgs_arm64[@]}" ${debug_pkgs[@]+"${debug_pkgs[@]}"})
if [ -n "$missing" ]; then
	say "installing: $(echo $missing)"
	apt_update
	# shellcheck disable=SC2086
	apt-get install -y -q --no-install-recommends $missing
fi

mkdir -p "$cache/debs"
# apt-get download drops privileges to _apt: let it write the folder
chown _apt "$cache/debs" 2>/dev/null || true
fetch() {	# fetch PKG:ARCH...: download into the cache unless already there
	local p f
	for p in "$@"; do
		f=$(ls "$cache/debs/${p%%:*}_"*"_${p##*:}.deb" 2>/dev/null | head -n1 || true)
		[ -n "$f" ] && continue
		(cd "$cache/debs" && apt-get download -q "$p") ||
			{ apt_update && (cd "$cache/debs" && apt-get download -q "$p"); }
	done
}
unpack() {	# unpack DIR PKG:ARCH...
	local d=$1 p f
	shift
	for p in "$@"; do
		f=$(ls "$cache/debs/${p%%:*}_"*"_${p##*:}.deb" | head -n1)
		dpkg -x "$f" "$d"
	done
}

if [ ! -x "$cache/arm64/bin/busybox" ] ||
   [ ! -f "$cache/arm64/usr/lib/aarch64-linux-gnu/libfdt.a" ]; then
	rm -rf "$cache/arm64"
	mkdir -p "$cache/arm64"
	fetch busybox-static:arm64 libfdt-dev:arm64
	unpack "$cache/arm64" busybox-static:arm64 libfdt-dev:arm64
fi
if ! userland_ok; then
	# checkpatch, the KTAP reader and the kselftest harness, from Debian's
	# kernel sources
	say "extracting checkpatch.pl, kunit.py and kselftest_harness.h from linux-source-6.1"
	rm -rf "$cache/linux-source" && mkdir -p "$cache/linux-source"
	tar -xaf /usr/src/linux-source-6.1.tar.xz -C "$cache/linux-source" \
		--strip-components=1 --wildcards \
		'linux-source-6.1/scripts/checkpatch.pl' \
		'linux-source-6.1/scripts/spelling.txt' \
		'linux-source-6.1/scripts/const_structs.checkpatch' \
		'linux-source-6.1/tools/testing/kunit/*' \
		'linux-source-6.1/tools/testing/selftests/kselftest.h' \
		'linux-source-6.1/tools/testing/selftests/kselftest_harness.h'
fi

# get_kernel NAME: image + headers of both arches into kernels/NAME
get_kernel() {
	local name=$1 a r root common kbuild v
	for a in amd64 arm64; do
		r=$(release "$name" $a)
		[ -n "$r" ] || { apt_update; r=$(release "$name" $a); }
		[ -n "$r" ] || { say "apt offers no kernel for $name ($a)"; return 1; }
		root=$(kroot "$name" $a)
		if [ "$(cat "$root/release" 2>/dev/null)" = "$r" ] && kernel_ok_arch "$root" "$r"; then
			continue
		fi
		say "kernel $name ($a): $r"
		fetch "linux-image-$r:$a" "linux-headers-$r:$a"
		# the headers' arch-independent halves, by absolute path
		common=$(dpkg-deb -f "$(ls "$cache/debs/linux-headers-${r}_"*"_$a.deb" | head -n1)" Depends |
			tr ',' '\n' | sed -n 's/^ *\(linux-headers-[^ ]*-common[^ ]*\).*/\1/p' | head -n1)
		kbuild=$(dpkg-deb -f "$(ls "$cache/debs/linux-headers-${r}_"*"_$a.deb" | head -n1)" Depends |
			tr ',' '\n' | sed -n 's/^ *\(linux-kbuild-[^ ]*\).*/\1/p' | head -n1)
		[ -n "$common" ] && [ -n "$kbuild" ] ||
			{ say "cannot tell the -common and kbuild packages of linux-headers-$r"; return 1; }
		missing=$(missing_pkgs "$common" "$kbuild")
		if [ -n "$missing" ]; then
			say "installing: $(echo $missing)"
			apt_update
			# shellcheck disable=SC2086
			apt-get install -y -q --no-install-recommends $missing
		fi
		rm -rf "$root" && mkdir -p "$root"
		unpack "$root" "linux-image-$r:$a" "linux-headers-$r:$a"
		# scripts/ and tools/ point at ../../lib/linux-kbuild-V: the host's
		v=${kbuild#linux-kbuild-}
		mkdir -p "$root/usr/lib"
		ln -sfn "/usr/lib/linux-kbuild-$v" "$root/usr/lib/linux-kbuild-$v"
		echo "$r" >"$root/release"
		kernel_ok_arch "$root" "$r" ||
			{ say "kernel $name ($a): extraction incomplete in $root"; return 1; }
	done
}
for k in ${kernels[@]+"${kernels[@]}"}; do
	get_kernel "$k"
done
# the layout before kernels/ had one kernel in amd64/ and arm64/
rm -rf "$cache/amd64" "$cache/kabi" "$cache/arm64/boot" "$cache/arm64/lib/modules" \
	"$cache/arm64/usr/src"

if ! userland_ok || ! toolchain_ok; then
	say "the toolchain does not work:"
	check_only=0 toolchain_ok || true
	exit 1
fi
for k in ${kernels[@]+"${kernels[@]}"}; do
	kernel_ok "$k" || { say "kernel $k is incomplete in $cache/kernels/$k"; exit 1; }
done
[ ${#debug_pkgs[@]} = 0 ] || say "debug kernels: their source and build tools are installed; tools/debug-kernel/build.sh builds them"
[ ${#kernels[@]} = 0 ] ||
	say "done: kernels ${kernels[*]} ($(for k in "${kernels[@]}"; do cat "$(kroot "$k" amd64)/release"; done | tr '\n' ' ')and arm64), cache $cache"

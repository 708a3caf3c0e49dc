#!/usr/bin/env bash
# Build a probelab debug kernel (lockdep + KASAN, or KCSAN) from Debian's
# kernel sources, into a persistent cache outside the clone.
#
#   tools/debug-kernel/build.sh [--path|--check] NAME ARCH
#
# NAME: 6.1-lockdep, 6.12-lockdep, 6.1-kcsan, 6.12-kcsan; ARCH: x86_64|arm64
# (arm64 is cross-built with aarch64-linux-gnu-).  The source is
# /usr/src/linux-source-SERIES.tar.xz (Debian's linux-source-SERIES, which
# tools/deps.sh --kernel NAME installs).  The configuration is tinyconfig
# plus, through scripts/kconfig/merge_config.sh and olddefconfig, the
# fragments in this folder: base.config, base-ARCH.config, checkers.config
# and VARIANT.config (lockdep.config or kcsan.config).  Every option of the
# fragments is then checked in the final .config: one that did not stick
# (a missing dependency, a renamed symbol) stops the build.  Everything is
# built in: the guest needs no module tree.
#
# Cache: $PROBELAB_DEBUG_CACHE (default /var/cache/probelab/debug-kernels):
#   src/linux-source-SERIES_VERSION/        the extracted source (shared)
#   NAME/VERSION-HASH/ARCH/build/           the O= build folder: the module
#                                           builds against it (VM_KDIR)
#   NAME/VERSION-HASH/ARCH/image            the boot image (VM_KERNEL)
#   NAME/VERSION-HASH/ARCH/release          the kernel release
# VERSION is the source package's version, HASH covers the fragments and the
# compiler, so a changed fragment or a new source package builds anew and a
# later run on the same machine reuses what is there.
#
# Default: build unless built, then print the ARCH folder.  --path prints
# the folder without building; --check exits 0 when it is built, 1 if not.
# The first build of one kernel takes about 18 CPU-minutes (its log is
# build.log beside build/).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
prog=debug-kernel
say() { printf '%s: %s\n' "$prog" "$*" >&2; }
die() { say "error: $*"; exit 1; }

mode=build
case ${1:-} in
--path) mode=path; shift ;;
--check) mode=check; shift ;;
-h|--help) sed -n '2,33s/^# \{0,1\}//p' "$0"; exit 0 ;;
esac
[ $# -eq 2 ] || { sed -n '2,33s/^# \{0,1\}//p' "$0" >&2; exit 2; }
name=$1 arch=$2

case $name in
6.1-lockdep|6.1-kcsan|6.12-lockdep|6.12-kcsan) ;;
*) die "unknown debug kernel '$name' (6.1-lockdep, 6.12-lockdep, 6.1-kcsan, 6.12-kcsan)" ;;
esac
series=${name%%-*} variant=${name#*-}
case $arch in
x86_64) karch=x86_64 cross='' image_rel=arch/x86/boot/bzImage ;;
arm64) karch=arm64 cross=aarch64-linux-gnu- image_rel=arch/arm64/boot/Image ;;
*) die "ARCH must be x86_64 or arm64, not '$arch'" ;;
esac

cache=${PROBELAB_DEBUG_CACHE:-/var/cache/probelab/debug-kernels}
pkg=linux-source-$series
tarball=/usr/src/$pkg.tar.xz
version=$(dpkg-query -W -f='${Version}' "$pkg" 2>/dev/null || true)
if [ -z "$version" ] || [ ! -f "$tarball" ]; then
	[ "$mode" = build ] || { [ "$mode" = check ] && exit 1; }
	die "$pkg is not installed ($tarball): run tools/deps.sh --kernel $name (as root)"
fi

frags=("$here/base.config" "$here/base-$arch.config" "$here/checkers.config"
       "$here/$variant.config")
hash=$( { cat "${frags[@]}"; "${cross}gcc" --version | head -n 1; } |
	sha256sum | cut -c1-12)
dir=$cache/$name/$version-$hash/$arch
built() { [ -f "$dir/.complete" ] && [ -f "$dir/image" ] && [ -f "$dir/build/Module.symvers" ]; }

case $mode in
path) echo "$dir"; exit 0 ;;
check) built; exit ;;
esac
if built; then
	echo "$dir"
	exit 0
fi

mkdir -p "$cache" "$dir" 2>/dev/null ||
	die "cannot create $dir (set PROBELAB_DEBUG_CACHE to a folder you can write)"
# one build of one kernel at a time; a second caller waits, then reuses it
exec {lock}>"$dir/.lock"
if ! flock -n "$lock"; then
	say "another build of $name ($arch) is running in $dir: waiting for it"
	flock "$lock"
fi
if built; then
	echo "$dir"
	exit 0
fi

src=$cache/src/${pkg}_$version
if [ ! -f "$src/Makefile" ]; then
	say "extracting $tarball into $src"
	mkdir -p "$cache/src"
	exec {slock}>"$cache/src/.lock"
	flock "$slock"
	if [ ! -f "$src/Makefile" ]; then
		rm -rf "$src.tmp" && mkdir -p "$src.tmp"
		tar -xJf "$tarball" -C "$src.tmp" --strip-components=1
		mv "$src.tmp" "$src"
	fi
	exec {slock}>&-
fi

jobs=$(nproc)
kmake() { make -C "$src" O="$dir/build" ARCH="$karch" CROSS_COMPILE="$cross" "$@"; }
log=$dir/build.log
rm -rf "$dir/build" "$dir/image" "$dir/release"
mkdir -p "$dir/build"
: >"$log"
say "building $name for $arch from $pkg $version (fragments $hash) in $dir"
say "a first build takes about 18 CPU-minutes (longer on a busy machine), $jobs jobs; log: $log"

kmake tinyconfig >>"$log" 2>&1 || { tail -n 30 "$log" >&2; die "make tinyconfig failed"; }
(cd "$dir/build" && ARCH=$karch CROSS_COMPILE=$cross \
	"$src/scripts/kconfig/merge_config.sh" -m -O "$dir/build" "$dir/build/.config" "${frags[@]}") \
	>>"$log" 2>&1 || { tail -n 30 "$log" >&2; die "merge_config.sh failed"; }
kmake olddefconfig >>"$log" 2>&1 || { tail -n 30 "$log" >&2; die "make olddefconfig failed"; }

# every option of every fragment must be in the final .config as asked
bad=0
for f in "${frags[@]}"; do
	while IFS= read -r line; do
		if [[ $line =~ ^(CONFIG_[A-Za-z0-9_]+)=(.*)$ ]]; then
			sym=${BASH_REMATCH[1]} want=${BASH_REMATCH[2]}
		elif [[ $line =~ ^#\ (CONFIG_[A-Za-z0-9_]+)\ is\ not\ set$ ]]; then
			sym=${BASH_REMATCH[1]} want=n
		else
			continue
		fi
		got=$(sed -n "s/^$sym=\(.*\)$/\1/p" "$dir/build/.config")
		[ -n "$got" ] || got=n
		if [ "$got" != "$want" ]; then
			[ "$got" = n ] && got="it not set" || got="$sym=$got"
			say "${f##*/}: $sym=$want did not stick (the .config has $got)"
			bad=1
		fi
	done <"$f"
done
[ $bad = 0 ] || die "the configuration of $name ($arch) misses fragment options (see above; $dir/build/.config)"
say "configuration checked: every fragment option is set; compiling"

start=$(date +%s)
kmake -j"$jobs" all >>"$log" 2>&1 &
mk=$!
# progress: one line a minute while the compiler runs
while kill -0 "$mk" 2>/dev/null; do
	for _ in $(seq 1 60); do
		kill -0 "$mk" 2>/dev/null || break
		sleep 1
	done
	kill -0 "$mk" 2>/dev/null || break
	say "$name ($arch): $((($(date +%s) - start) / 60)) min, $(find "$dir/build" -name '*.o' | wc -l) objects so far"
done
wait "$mk" || { grep -E 'error|Error' "$log" | head -n 20 >&2; tail -n 20 "$log" >&2; die "building $name ($arch) failed (log: $log)"; }
[ -f "$dir/build/$image_rel" ] || die "no $image_rel after the build (log: $log)"
ln -sfn "build/$image_rel" "$dir/image"
kmake -s kernelrelease 2>/dev/null | tail -n 1 >"$dir/release"
{
	echo "name=$name arch=$arch source=$pkg $version fragments=$hash"
	echo "built=$(date -u +%FT%TZ) seconds=$(($(date +%s) - start)) jobs=$jobs"
} >"$dir/.complete"
say "built $name ($arch), release $(cat "$dir/release"), in $(($(date +%s) - start)) s: $dir"
echo "$dir"

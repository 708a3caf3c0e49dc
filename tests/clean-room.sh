#!/usr/bin/env bash
# make check-clean-room: prove that the project's own files install what it
# needs.  A minimal Debian 12 root (debootstrap --variant=minbase, from the
# Debian mirror apt uses on this machine; cached by date in
# $PROBELAB_CACHE/clean-room/) gets a fresh clone of this repository's HEAD,
# and inside it (chroot) runs what a new user runs:
#   make deps, make all ARCH=x86_64, make all ARCH=arm64, make unit
# Nothing of this machine's installed packages or caches is visible there,
# except the apt download folder (bind-mounted, so packages are not fetched
# twice; each is still installed from scratch).  Prints TAP.  Needs root.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cache=${PROBELAB_CACHE:-$top/.cache}
work=$top/build/clean-room
root=$work/root
log=$work/log
suite=bookworm

say() { printf '# %s\n' "$*"; }

echo "1..6"
n=0
step() {	# step DESC CMD...: one TAP test, output in $log/N.log
	local desc=$1 start rc
	shift
	n=$((n + 1))
	start=$(date +%s)
	"$@" >"$log/$n.log" 2>&1
	rc=$?
	if [ $rc -eq 0 ]; then
		echo "ok $n - $desc ($(($(date +%s) - start))s)"
	else
		echo "not ok $n - $desc (exit $rc after $(($(date +%s) - start))s)"
		sed 's/^/# /' "$log/$n.log" | tail -n 40
	fi
	return $rc
}
skip_rest() {	# skip_rest REASON: the remaining tests fail
	while [ $n -lt 6 ]; do
		n=$((n + 1))
		echo "not ok $n - not run: $1"
	done
	exit 1
}

if [ "$(id -u)" != 0 ]; then
	echo "not ok 1 - clean room needs root (debootstrap, chroot, mount)"
	n=1
	skip_rest "not root"
fi
mkdir -p "$work" "$cache/clean-room"
rm -rf "$log" && mkdir -p "$log"

# The Debian mirror and suites as apt on this machine has them: every
# "URI SUITE/main" of apt-cache policy whose suite is bookworm*.
sources() {
	apt-cache policy 2>/dev/null |
		sed -n "s|^ *[0-9]* \(https\{0,1\}://[^ ]*\) \($suite[a-z-]*\)/main .*|\1 \2|p" |
		sort -u
}
mirror=$(sources | awk -v s=$suite '$2 == s { print $1; exit }')

unmount_all() {
	local m
	for m in var/cache/apt/archives dev/pts dev sys proc; do
		mountpoint -q "$root/$m" 2>/dev/null && umount -l "$root/$m"
	done
	return 0
}
trap unmount_all EXIT

# 1: the base root, made at most once a day
base() {
	[ -n "$mirror" ] || { echo "apt's configuration names no $suite mirror"; return 1; }
	local tar=$cache/clean-room/$suite-minbase-$(date +%Y%m%d).tar.gz tmp
	if [ ! -s "$tar" ]; then
		command -v debootstrap >/dev/null ||
			{ echo "debootstrap is missing (tools/deps.sh installs it)"; return 1; }
		tmp=$(mktemp -d "$work/debootstrap.XXXXXX") || return 1
		echo "debootstrap --variant=minbase $suite from $mirror"
		debootstrap --variant=minbase "$suite" "$tmp" "$mirror" || { rm -rf "$tmp"; return 1; }
		tar -C "$tmp" -czf "$tar.tmp" . && mv "$tar.tmp" "$tar" ||
			{ rm -rf "$tmp" "$tar.tmp"; return 1; }
		rm -rf "$tmp"
		find "$cache/clean-room" -name "$suite-minbase-*.tar.gz" ! -name "${tar##*/}" -delete
	fi
	unmount_all
	rm -rf "$root" && mkdir -p "$root"
	tar -C "$root" -xzf "$tar" || return 1
	# apt's sources: the same mirror and suites as this machine's apt
	sources | while read -r uri s; do
		echo "deb $uri $s main"
	done >"$root/etc/apt/sources.list"
	cat "$root/etc/apt/sources.list"
	cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null
	mkdir -p "$root/var/cache/apt/archives"
	mount --bind /var/cache/apt/archives "$root/var/cache/apt/archives" &&
	mount -t proc proc "$root/proc" &&
	mount -t sysfs sysfs "$root/sys" &&
	mount --bind /dev "$root/dev" &&
	mount --bind /dev/pts "$root/dev/pts"
}
step "a minimal Debian 12 root (debootstrap, $suite)" base || skip_rest "no root"

# 2: the project, as a fresh clone of HEAD
clone() {
	# git itself is not in minbase: clone on the host into the root
	git clone -q --no-local "$top" "$root/root/probelab" &&
		git -C "$root/root/probelab" log --oneline -1
}
step "a fresh clone of $(git -C "$top" rev-parse --short HEAD) in the root" clone ||
	skip_rest "no clone"

in_root() {	# in_root CMD: a login-like shell in the root, in the clone
	chroot "$root" /usr/bin/env -i HOME=/root PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive \
		/bin/bash -c "cd /root/probelab && $1"
}
step "make deps (apt-get update + make, then the project's deps script)" \
	in_root 'apt-get update -q && apt-get install -y -q --no-install-recommends make && make deps' ||
	skip_rest "make deps failed"
step "make all ARCH=x86_64" in_root 'make -s all ARCH=x86_64'
step "make all ARCH=arm64 (cross)" in_root 'make -s all ARCH=arm64'
step "make unit" in_root 'make -s unit'

#!/usr/bin/env bash
# dkms add + build of probelab against each Debian kernel's amd64 headers
# from tools/deps.sh's cache (DKMS_KERNELS, default "6.1 6.12"), in a
# throwaway dkms tree (the machine's /var/lib/dkms is not touched).
# Prints TAP.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cache=${PROBELAB_CACHE:-$top/.cache}
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$top/dkms.conf")
read -r -a kernels <<<"${DKMS_KERNELS:-6.1 6.12}"
tmp=$(mktemp -d /tmp/probelab-dkms.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
src="$tmp/src/probelab-$ver"
mkdir -p "$src"
(cd "$top" && cp -r Kbuild dkms.conf module uapi "$src/")
echo "1..$((3 * ${#kernels[@]}))"
n=0
t() {
	local desc=$1
	shift
	n=$((n + 1))
	if "$@" >"$tmp/out" 2>&1; then
		echo "ok $n - $desc"
	else
		echo "not ok $n - $desc"
		sed 's/^/# /' "$tmp/out" | tail -n 40
		find "$tmp/tree" -name make.log -exec sed 's/^/# make.log: /' {} \; | tail -n 40
	fi
}
for kn in "${kernels[@]}"; do
	root=$cache/kernels/$kn/amd64
	k=$(cat "$root/release" 2>/dev/null || echo "missing-$kn")
	rm -rf "$tmp/tree" "$tmp/install"
	mkdir -p "$tmp/tree" "$tmp/install"
	args=(--dkmstree "$tmp/tree" --sourcetree "$tmp/src" --installtree "$tmp/install"
	      -m probelab -v "$ver" -k "$k" --kernelsourcedir "$root/usr/src/linux-headers-$k")
	t "dkms add probelab/$ver ($kn)" dkms add "${args[@]}"
	t "dkms build probelab/$ver for $k" dkms build "${args[@]}"
	ko=$(find "$tmp/tree/probelab/$ver/$k" -name 'probelab.ko*' 2>/dev/null | head -n1)
	t "dkms built ${ko##*/} $ver for $k" \
		sh -c "[ -n '$ko' ] && [ \"\$(modinfo -F version '$ko')\" = '$ver' ] && [ \"\$(modinfo -F vermagic '$ko' | cut -d' ' -f1)\" = '$k' ]"
done

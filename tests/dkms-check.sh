#!/usr/bin/env bash
# dkms add + build of probelab against the installed Debian amd64 headers,
# in a throwaway dkms tree (the machine's /var/lib/dkms is not touched).
# Prints TAP.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cache=${PROBELAB_CACHE:-$top/.cache}
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$top/dkms.conf")
k="$(cat "$cache/kabi")-amd64"
tmp=$(mktemp -d /tmp/probelab-dkms.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
src="$tmp/src/probelab-$ver"
mkdir -p "$src" "$tmp/tree" "$tmp/install"
(cd "$top" && cp -r Kbuild dkms.conf module uapi "$src/")
args=(--dkmstree "$tmp/tree" --sourcetree "$tmp/src" --installtree "$tmp/install"
      -m probelab -v "$ver" -k "$k" --kernelsourcedir "/usr/src/linux-headers-$k")
echo "1..3"
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
t "dkms add probelab/$ver" dkms add "${args[@]}"
t "dkms build probelab/$ver for $k" dkms build "${args[@]}"
ko=$(find "$tmp/tree/probelab/$ver/$k" -name probelab.ko 2>/dev/null | head -n1)
t "dkms built probelab.ko $ver for $k" \
	sh -c "[ -n '$ko' ] && [ \"\$(modinfo -F version '$ko')\" = '$ver' ] && [ \"\$(modinfo -F vermagic '$ko' | cut -d' ' -f1)\" = '$k' ]"

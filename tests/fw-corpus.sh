#!/usr/bin/env bash
# `probelab fw dump` of every table and device tree in ../shared/firmware
# against its expect.txt (comment lines ignored).  Skipped cleanly when
# ../shared is absent.  TAP output.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cli=${PROBELAB_CLI:-$top/build/x86_64/bin/probelab}
shared=${PROBELAB_SHARED:-$top/../shared}
if [ ! -d "$shared/firmware" ]; then
	echo "1..0 # SKIP no shared firmware at $shared/firmware"
	exit 0
fi
mapfile -t dirs < <({ find "$shared/firmware/acpi" -mindepth 2 -maxdepth 2 -type d
		      find "$shared/firmware/dt" -mindepth 1 -maxdepth 1 -type d; } | sort)
echo "1..${#dirs[@]}"
n=0 status=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for d in "${dirs[@]}"; do
	n=$((n + 1))
	name=${d#"$shared/firmware/"}
	bin=$(find "$d" -maxdepth 1 \( -name '*.bin' -o -name '*.dtb' \) | head -n1)
	if [ -z "$bin" ] || [ ! -f "$d/expect.txt" ]; then
		echo "not ok $n - $name: no table or no expect.txt"
		status=1
		continue
	fi
	grep -v '^#' "$d/expect.txt" > "$tmp/want"
	if "$cli" fw dump "$bin" > "$tmp/got" 2> "$tmp/err" &&
	   diff -u "$tmp/want" "$tmp/got" > "$tmp/diff"; then
		echo "ok $n - $name: $(wc -l < "$tmp/got") records as expect.txt"
	else
		echo "not ok $n - $name"
		sed 's/^/# /' "$tmp/err" "$tmp/diff" | head -n 30
		status=1
	fi
done
exit $status

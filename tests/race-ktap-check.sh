#!/usr/bin/env bash
# race-ktap-check.sh LOG: the `probelab race --ktap` document that
# tests/guest/race_scenarios.sh printed into a guest run's log (as
# "# race-ktap: " lines), or a file that is such a document (its first line
# "KTAP version 1", as `probelab race --ktap >FILE` writes it), read
# back by the kernel's KTAP reader and TAP::Parser (tests/ktap-check.sh:
# as many tests read as ran, no parse error).  Prints TAP.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
log=$1
doc=$(mktemp)
trap 'rm -f "$doc"' EXIT

sed -n 's/^ *# race-ktap: //p' "$log" >"$doc"
[ -s "$doc" ] || [ "$(head -n 1 "$log")" != "KTAP version 1" ] || cp "$log" "$doc"
if ! grep -q '^KTAP version 1$' "$doc"; then
	echo "1..1"
	echo "not ok 1 - $log holds no probelab race --ktap document"
	exit 1
fi
exec "$top/tests/ktap-check.sh" "$doc"

#!/usr/bin/env bash
# ktap-check.sh LOG: read the KTAP document a guest run printed (from its
# first "KTAP version 1" line to its last top-level result) with the two
# standard readers and compare what they read with what ran:
#   - the kernel's KTAP reader, tools/testing/kunit/kunit.py parse (from
#     Debian's linux-source, extracted by tools/deps.sh);
#   - Perl's TAP::Parser (what `prove` uses).
# Prints TAP: one result per reader.  A parse error, or a count that
# differs from the count of results in the document, fails.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cache=${PROBELAB_CACHE:-$top/.cache}
kunit=$cache/linux-source/tools/testing/kunit/kunit.py
log=$1
doc=$(mktemp)
trap 'rm -f "$doc" "$doc.kunit" "$doc.tap"' EXIT

# the document: host-side lines (vm-run's, make's) never start with
# "KTAP", "#", "ok", "not ok" or two spaces
awk '/^KTAP version 1$/ { on = 1 }
     on && /^(KTAP version|#|ok |not ok |  |1\.\.)/ { print }' "$log" |
	awk '{ l[NR] = $0 } /^(not )?ok [0-9]/ { last = NR }
	     END { for (i = 1; i <= last; i++) print l[i] }' >"$doc"

echo "1..2"
# what the document holds: programs (top level) and their results (leaves;
# a program without nested results is a leaf itself)
read -r progs leaves < <(awk '
	/^  (not )?ok [0-9]/ { n++ }
	/^(not )?ok [0-9]/ { progs++; leaves += n ? n : 1; n = 0 }
	END { print progs + 0, leaves + 0 }' "$doc")
plan=$(sed -n 's/^1\.\.\([0-9]*\).*/\1/p' "$doc" | head -n 1)

if [ ! -s "$doc" ] || [ "${plan:-0}" -eq 0 ]; then
	echo "not ok 1 - kunit.py parse: $log holds no KTAP document"
	echo "not ok 2 - TAP::Parser: $log holds no KTAP document"
	exit 1
fi

status=0
if [ ! -f "$kunit" ]; then
	echo "not ok 1 - kunit.py parse: $kunit is missing (tools/deps.sh)"
	status=1
else
	python3 "$kunit" parse "$doc" >"$doc.kunit" 2>&1
	# "Testing complete. Ran N tests: passed: P[, failed: F][, skipped: S]"
	ran=$(sed -n 's/.*Testing complete\. Ran \([0-9]*\) tests.*/\1/p' "$doc.kunit" | tail -n 1)
	errs=$(grep -c '\[ERROR\]' "$doc.kunit")
	if [ "$errs" -eq 0 ] && [ "${ran:-x}" = "$leaves" ]; then
		echo "ok 1 - kunit.py parse: $ran tests read, as many as ran, no error"
	else
		echo "not ok 1 - kunit.py parse: ${ran:-no} tests read, $leaves ran, $errs error(s)"
		grep -E '\[ERROR\]|Testing complete|Traceback|Error' "$doc.kunit" | head -n 20 | sed 's/^/# /'
		status=1
	fi
fi

perl -MTAP::Parser -e '
	open(my $fh, "<", $ARGV[0]) or die "$ARGV[0]: $!";
	my $p = TAP::Parser->new({ tap => do { local $/; <$fh> } });
	while (defined(my $r = $p->next)) { }
	my @e = $p->parse_errors;
	printf "%d %d %d %d\n", scalar($p->tests_run), scalar(@e),
		scalar($p->passed), scalar($p->failed);
	print "error: $_\n" for @e;
' "$doc" >"$doc.tap" 2>&1
read -r tran terr tpass tfail <"$doc.tap"
if [ "${terr:-1}" -eq 0 ] && [ "${tran:-x}" = "$progs" ] && [ "$tran" = "$plan" ]; then
	echo "ok 2 - TAP::Parser: $tran tests read ($tpass passed, $tfail failed), as many as ran, no parse error"
else
	echo "not ok 2 - TAP::Parser: ${tran:-no} tests read, $progs ran (plan $plan), ${terr:-?} parse error(s)"
	sed -n '2,21s/^/# /p' "$doc.tap"
	status=1
fi
exit $status

#!/bin/sh
# ktap2lava.sh [--print] [FILE]: read a KTAP version 1 document (FILE or
# standard input, e.g. the output of tests/guest/run) and record every
# result as a LAVA test case, with the tools lava-test-shell puts in PATH:
#
#   - each top-level test (a guest test program) becomes a test set of
#     that name (lava-test-set start/stop) holding one test case per
#     nested result (deeper levels are flattened into PARENT.CHILD names),
#     then a test case of its own name, outside the set, with the
#     program's verdict (so a program that died is a failure even when
#     none of its results failed);
#   - a last test case "ktap-plan": pass when the top-level plan and the
#     count of top-level results agree, fail otherwise (a truncated
#     document: the guest died, or the run was cut short).
#
# Results: "ok" -> pass, "not ok" -> fail, "# SKIP" (either) -> skip.
# Test case names are the test's description with a trailing "(...)"
# (measured values) dropped and every run of characters other than
# [-_.A-Za-z0-9] made one "_" (and no leading "-", "_" or "."); a name
# met twice in a set gets "_2", "_3".
# A program's results are recorded when its top-level result line
# arrives, so a pipe (run | ktap2lava.sh) records as the run goes.
# Nested results that no top-level line closes (the document ends inside
# a program) are recorded under the name from the last "# Subtest: NAME"
# or "# NAME: starting" line, and that program fails.
#
# --print   print the lava-test-set/lava-test-case commands instead of
#           running them (no LAVA tools needed; used by tests/lava-check.sh)
#
# POSIX sh and awk: runs under busybox (the QEMU guest image) and on a
# Debian board.  Exit status 0 when the document was read (whatever its
# results), 2 on a usage error or missing LAVA tools.
print=0
if [ "${1:-}" = --print ]; then
	print=1
	shift
fi
case ${1:-} in
-h|--help)
	sed -n '2,32s/^# \{0,1\}//p' "$0"
	exit 0
	;;
-*)
	echo "ktap2lava: unknown option '$1' (usage: ktap2lava.sh [--print] [FILE])" >&2
	exit 2
	;;
esac
if [ $# -gt 1 ]; then
	echo "ktap2lava: usage: ktap2lava.sh [--print] [FILE]" >&2
	exit 2
fi
if [ $# -eq 1 ] && [ ! -r "$1" ]; then
	echo "ktap2lava: cannot read '$1'" >&2
	exit 2
fi
if [ $print = 0 ]; then
	for t in lava-test-case lava-test-set; do
		command -v $t >/dev/null 2>&1 || {
			echo "ktap2lava: $t not in PATH (run inside lava-test-shell, or use --print)" >&2
			exit 2
		}
	done
fi

# The awk program prints one line per action: "set NAME", "case NAME
# RESULT", "stop".  Names never contain white space.
# shellcheck disable=SC2016  # awk program
ktap_awk='
function slug(s) {
	sub(/[ \t]*\([^()]*\)[ \t]*$/, "", s)
	gsub(/[^-_.A-Za-z0-9]+/, "_", s)
	sub(/^[-_.]+/, "", s)
	sub(/_+$/, "", s)
	if (length(s) > 200)
		s = substr(s, 1, 200)
	return s
}
# parse(LINE): a result line without its indentation -> rname, rres
function parse(l,    d, dir) {
	rres = (l ~ /^not ok/) ? "fail" : "pass"
	sub(/^(not )?ok[ \t]*/, "", l)
	num = ""
	if (match(l, /^[0-9]+/)) {
		num = substr(l, 1, RLENGTH)
		l = substr(l, RLENGTH + 1)
	}
	sub(/^[ \t]*-?[ \t]*/, "", l)
	d = l
	dir = ""
	if (match(l, /(^|[ \t])#/)) {
		d = substr(l, 1, RSTART - 1)
		dir = substr(l, RSTART + RLENGTH)
	}
	if (dir ~ /^[ \t]*[Ss][Kk][Ii][Pp]/)
		rres = "skip"
	rname = slug(d)
	if (rname == "")
		rname = "test_" (num == "" ? "x" : num)
}
# add(D, NAME, RES): buffer a result at depth D
function add(dd, name, res) {
	nb[dd]++
	bname[dd, nb[dd]] = name
	bres[dd, nb[dd]] = res
}
# close_node(D, NAME, RES): a result at depth D >= 1 closes the results
# buffered at depth D+1 (its children)
function close_node(dd, name, res,    i, k, failed) {
	k = nb[dd + 1] + 0
	if (k == 0) {
		add(dd, name, res)
		return
	}
	failed = 0
	for (i = 1; i <= k; i++) {
		add(dd, name "." bname[dd + 1, i], bres[dd + 1, i])
		if (bres[dd + 1, i] == "fail")
			failed = 1
	}
	if (res == "fail" && !failed)
		add(dd, name, "fail")
	nb[dd + 1] = 0
}
# flush(PROGRAM, RES): record the results buffered at depth 1 as a set
function flush(prog, res,    i, n, k, d) {
	for (d = 2; d in nb; d++)
		nb[d] = 0
	k = nb[1] + 0
	if (k > 0) {
		print "set " prog
		for (i = 1; i <= k; i++) {
			n = bname[1, i]
			if (++seen[prog, n] > 1)
				n = n "_" seen[prog, n]
			print "case " n " " bres[1, i]
		}
		print "stop"
	}
	nb[1] = 0
	n = prog
	if (++seen["", n] > 1)
		n = n "_" seen["", n]
	print "case " n " " res
	fflush()
}
{
	sub(/\r$/, "")
	line = $0
	match(line, /^ */)
	depth = int(RLENGTH / 2)
	body = substr(line, RLENGTH + 1)
	if (depth == 0 && body ~ /^KTAP version /)
		doc = 1
	if (depth == 0 && body ~ /^1\.\.[0-9]+/ && plan == "") {
		plan = body
		sub(/^1\.\./, "", plan)
		sub(/[^0-9].*$/, "", plan)
		next
	}
	if (depth == 0 && body ~ /^# Subtest: /) {
		pending = body
		sub(/^# Subtest: /, "", pending)
		next
	}
	if (depth == 0 && body ~ /^# [^ ]+: starting$/) {
		pending = body
		sub(/^# /, "", pending)
		sub(/: starting$/, "", pending)
		next
	}
	if (body !~ /^(not )?ok([ \t]|$)/)
		next
	parse(body)
	if (depth == 0) {
		top++
		flush(rname, rres)
		pending = ""
	} else {
		close_node(depth, rname, rres)
	}
}
END {
	if (nb[1] + 0 > 0)
		flush(pending == "" ? "unfinished" : slug(pending), "fail")
	if (doc && plan != "" && top == plan + 0)
		print "case ktap-plan pass"
	else
		print "case ktap-plan fail"
}'

awk "$ktap_awk" "$@" | while read -r what name res; do
	case $what in
	set) cmd="lava-test-set start $name" ;;
	stop) cmd="lava-test-set stop" ;;
	case) cmd="lava-test-case $name --result $res" ;;
	*) continue ;;
	esac
	if [ $print = 1 ]; then
		echo "$cmd"
	else
		# shellcheck disable=SC2086  # names hold no white space
		$cmd </dev/null
	fi
done

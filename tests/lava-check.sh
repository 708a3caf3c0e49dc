#!/usr/bin/env bash
# lava-check.sh: the LAVA files under lava/ (docs/lava.md), as TAP:
#   - every job template of lava/jobs/ renders (lava/render.py, sample
#     values) to a job that lava-common's schema accepts, strictly, as
#     lava-server does on submission (lava/validate.py job);
#   - the test definition lava/probelab.yaml passes lava-common's test
#     definition schema and names the scripts it runs;
#   - the device dictionaries of lava/devices/ render with each QEMU job's
#     context to a device configuration lava-common's device schema
#     accepts (needs lava-server's device-type templates: LAVA_DEVICE_TYPES,
#     default /usr/share/lava-server/device-types; skipped without them);
#   - lava/ktap2lava.sh: its commands for a KTAP document of edge cases
#     (failures, skips, a program that died, deeper nesting, a truncated
#     document) are the expected ones, with this shell and awk and with
#     busybox's (the guest's); on a real guest run (x86_64, 6.1) it records
#     one test case per nested result and one per program, with the
#     results the document gives, valid and unique names; without the LAVA
#     tools and without --print it refuses (exit 2);
#   - lava/cpio-merge.py turns concatenated newc archives into one that
#     cpio(1) extracts whole, a later entry replacing an earlier one.
# Needs Debian's lava-common, python3-jinja2, cpio and busybox (tools/deps.sh).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
py=/usr/bin/python3
fix=$top/tests/fixtures/lava
tmp=$(mktemp -d /tmp/probelab-lava-check.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
types=${LAVA_DEVICE_TYPES:-/usr/share/lava-server/device-types}

n=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
notok() { n=$((n + 1)); echo "not ok $n - $*"; }
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }
# t DESC CMD...: one test from a command's status; its output as diagnostics
# when it fails
t() {
	local desc=$1
	shift
	if "$@" >"$tmp/out" 2>&1; then
		ok "$desc"
	else
		notok "$desc"
		sed 's/^/# /' "$tmp/out" | head -n 30
	fi
}

jobs=("$top"/lava/jobs/*.yaml.jinja2)
devices=("$top"/lava/devices/*.jinja2)
qemu_jobs=()
for j in "${jobs[@]}"; do
	case ${j##*/} in qemu-*) qemu_jobs+=("$j") ;; esac
done
echo "1..$((${#jobs[@]} + 2 + ${#devices[@]} * ${#qemu_jobs[@]} + 5))"

if ! "$py" -c 'import lava_common.schemas, jinja2, yaml' 2>"$tmp/err"; then
	echo "# $py cannot import lava_common, jinja2 or yaml (apt-get install lava-common python3-jinja2):"
	sed 's/^/# /' "$tmp/err"
fi

# --- job templates ------------------------------------------------------------
# render_job TEMPLATE OUT: with sample values for every variable
render_job() {
	local name=${1##*/} arch
	arch=${name#qemu-}
	arch=${arch%.yaml.jinja2}
	"$py" "$top/lava/render.py" job "$1" \
		kernel_url="file:///srv/probelab/lava/$arch/vmlinuz" \
		initrd_url="file:///srv/probelab/lava/$arch/initramfs.cpio" \
		repository=file:///srv/probelab.git revision=HEAD tests=abi \
		device_type=sample-board >"$2"
}
for j in "${jobs[@]}"; do
	name=${j##*/}
	if render_job "$j" "$tmp/${name%.jinja2}" 2>"$tmp/out"; then
		t "$name renders to a job lava-common's schema accepts" \
			"$py" "$top/lava/validate.py" job "$tmp/${name%.jinja2}"
	else
		notok "$name renders to a job lava-common's schema accepts"
		sed 's/^/# /' "$tmp/out"
	fi
done

# --- test definition ------------------------------------------------------------
t "lava/probelab.yaml passes lava-common's test definition schema" \
	"$py" "$top/lava/validate.py" testdef "$top/lava/probelab.yaml"
# the scripts its steps name exist and are executable
steps_ok() {
	local s f
	s=$("$py" -c 'import sys, yaml; print("\n".join(yaml.safe_load(open(sys.argv[1]))["run"]["steps"]))' \
		"$top/lava/probelab.yaml") || return 1
	for f in $(printf '%s\n' "$s" | grep -o '\./lava/[A-Za-z0-9_.-]*'); do
		[ -x "$top/$f" ] || { echo "$f (a step of lava/probelab.yaml) is not an executable file"; return 1; }
	done
	printf '%s\n' "$s" | grep -q '\./lava/suite\.sh' || { echo "no step runs ./lava/suite.sh"; return 1; }
}
t "lava/probelab.yaml's steps run lava/suite.sh, and the scripts they name exist" steps_ok

# --- device dictionaries -----------------------------------------------------------
for d in "${devices[@]}"; do
	for j in "${qemu_jobs[@]}"; do
		name=${j##*/}
		desc="${d##*/} with the context of $name renders to a valid device configuration"
		if [ ! -f "$types/qemu.jinja2" ]; then
			skip "$desc" "no lava-server device-type templates in $types (LAVA_DEVICE_TYPES)"
			continue
		fi
		out=$tmp/device-${name%.yaml.jinja2}.yaml
		if "$py" "$top/lava/render.py" device "$d" --types "$types" \
			--job "$tmp/${name%.jinja2}" >"$out" 2>"$tmp/out"; then
			t "$desc" "$py" "$top/lava/validate.py" device "$out"
		else
			notok "$desc"
			sed 's/^/# /' "$tmp/out"
		fi
	done
done

# --- ktap2lava.sh ------------------------------------------------------------------
k2l=$top/lava/ktap2lava.sh
if "$k2l" --print "$fix/edge.ktap" >"$tmp/edge.out" 2>&1 &&
   diff -u "$fix/edge.expected" "$tmp/edge.out" >"$tmp/diff"; then
	ok "ktap2lava.sh: the edge-case document gives the expected test sets and cases"
else
	notok "ktap2lava.sh: the edge-case document gives the expected test sets and cases"
	sed 's/^/# /' "$tmp/diff" "$tmp/edge.out" | head -n 40
fi

if bb=$(command -v busybox); then
	mkdir -p "$tmp/bb"
	ln -s "$bb" "$tmp/bb/awk"
	if PATH=$tmp/bb:$PATH "$bb" sh "$k2l" --print "$fix/edge.ktap" >"$tmp/bb.out" 2>&1 &&
	   diff -u "$fix/edge.expected" "$tmp/bb.out" >"$tmp/diff"; then
		ok "ktap2lava.sh under busybox sh and awk (the guest's) gives the same commands"
	else
		notok "ktap2lava.sh under busybox sh and awk (the guest's) gives the same commands"
		sed 's/^/# /' "$tmp/diff" "$tmp/bb.out" | head -n 40
	fi
else
	skip "ktap2lava.sh under busybox sh and awk" "busybox is not installed"
fi

# real_log LOG: what ktap2lava.sh records for LOG agrees with the document
real_log() {
	local log=$1 want got
	"$k2l" --print "$log" >"$tmp/real.out" || return 1
	# from the document: per program its nested results' verdicts, then
	# the program's own
	want=$(awk '
		function res(l) {
			if (l ~ /#[ \t]*[Ss][Kk][Ii][Pp]/) return "skip"
			return l ~ /^ *not ok/ ? "fail" : "pass"
		}
		/^  (not )?ok / { print "case", res($0); next }
		/^(not )?ok / { print "program", res($0) }' "$log")
	# from the commands: the same shape (names dropped)
	got=$(awk '
		$1 == "lava-test-set" { inset = ($2 == "start"); next }
		$1 == "lava-test-case" && $2 != "ktap-plan" {
			print (inset ? "case" : "program"), $4 }' "$tmp/real.out")
	if [ "$want" != "$got" ]; then
		echo "the recorded results differ from the document's:"
		diff <(printf '%s\n' "$want") <(printf '%s\n' "$got") | head -n 20
		return 1
	fi
	grep -qx 'lava-test-case ktap-plan --result pass' "$tmp/real.out" ||
		{ echo "ktap-plan is not a pass"; return 1; }
	# names: LAVA's characters only, unique within each set and outside
	awk '
		$1 == "lava-test-set" { set = ($2 == "start") ? $3 : ""; next }
		$1 == "lava-test-case" {
			if ($2 !~ /^[-_.A-Za-z0-9]+$/) { print "bad name: " $2; bad = 1 }
			if (seen[set, $2]++) { print "name twice in set \"" set "\": " $2; bad = 1 }
		}
		END { exit bad }' "$tmp/real.out" || return 1
	echo "$(grep -c '^lava-test-case' "$tmp/real.out") test cases"
}
t "ktap2lava.sh on a real guest run (x86_64, 6.1): a case per result, a case per program, the document's results, valid unique names" \
	real_log "$fix/guest-x86_64-6.1.ktap"

refuses() {
	local rc
	PATH=/usr/bin:/bin "$k2l" "$fix/edge.ktap" >"$tmp/refuse.out" 2>&1
	rc=$?
	[ $rc = 2 ] || { echo "exit $rc, not 2"; cat "$tmp/refuse.out"; return 1; }
	grep -q 'lava-test-case not in PATH' "$tmp/refuse.out"
}
t "ktap2lava.sh without the LAVA tools in PATH and without --print exits 2" refuses

# --- cpio-merge.py -----------------------------------------------------------------
merge() {
	local a=$tmp/cpio
	mkdir -p "$a/one/etc" "$a/two/etc" "$a/two/opt" "$a/x"
	echo first >"$a/one/etc/cmd"
	echo kept >"$a/one/etc/only-one"
	echo second >"$a/two/etc/cmd"
	echo new >"$a/two/opt/file"
	(cd "$a/one" && find . -mindepth 1 | LC_ALL=C sort | cpio --quiet -o -H newc) >"$a/cat.cpio"
	(cd "$a/two" && find . -mindepth 1 | LC_ALL=C sort | cpio --quiet -o -H newc) >>"$a/cat.cpio"
	"$py" "$top/lava/cpio-merge.py" "$a/cat.cpio" "$a/one.cpio" || return 1
	(cd "$a/x" && cpio --quiet -id <"$a/one.cpio") || return 1
	[ "$(cat "$a/x/etc/cmd")" = second ] || { echo "etc/cmd: $(cat "$a/x/etc/cmd"), not the later entry"; return 1; }
	[ "$(cat "$a/x/etc/only-one")" = kept ] || { echo "etc/only-one lost"; return 1; }
	[ "$(cat "$a/x/opt/file")" = new ] || { echo "opt/file (second archive) lost"; return 1; }
	# and a cpio reading the concatenation stops after the first part,
	# which is why the merge is needed (the check can fail)
	mkdir "$a/y" && (cd "$a/y" && cpio --quiet -id <"$a/cat.cpio") || return 1
	if [ -e "$a/y/opt/file" ]; then
		echo "cpio read past the first archive: the premise no longer holds"
		return 1
	fi
}
t "cpio-merge.py: concatenated newc archives become one that cpio extracts whole, the later entry winning" merge

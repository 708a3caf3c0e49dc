#!/bin/sh
# Guest test: probelab.ko load/unload cycles through the CLI (libkmod), and
# unload waiting for a user of /dev/probelab.  TAP output.
MOD=${PROBELAB_KO:-/opt/probelab/probelab.ko}
CYCLES=${CYCLES:-20}
n=0
fail=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
notok() { n=$((n + 1)); fail=$((fail + 1)); echo "not ok $n - $*"; }
check() { desc=$1; shift; if "$@" >/tmp/lc.out 2>&1; then ok "$desc"; else notok "$desc"; sed 's/^/# /' /tmp/lc.out; fi; }

echo "1..$((CYCLES + 5))"
i=0
bad=""
while [ $i -lt $CYCLES ]; do
	i=$((i + 1))
	if ! probelab unload >/tmp/lc.out 2>&1 || [ -e /dev/probelab ] ||
	   grep -q '^probelab ' /proc/modules; then
		bad="unload"; break
	fi
	if ! probelab load --module "$MOD" >>/tmp/lc.out 2>&1 || [ ! -c /dev/probelab ] ||
	   ! probelab info --json >>/tmp/lc.out 2>&1; then
		bad="load"; break
	fi
	ok "cycle $i: unloaded, loaded, info answers"
done
while [ $i -lt $CYCLES ]; do
	i=$((i + 1))
	notok "cycle $i: $bad failed"
	sed 's/^/# /' /tmp/lc.out
	probelab load --module "$MOD" >/dev/null 2>&1
done

probelab load --module "$MOD" >/tmp/lc.out 2>&1
rc=$?
if [ $rc -eq 1 ] && grep -q "already loaded" /tmp/lc.out; then
	ok "a second load fails with 'already loaded'"
else
	notok "a second load: exit $rc"; sed 's/^/# /' /tmp/lc.out
fi

# A held /dev/probelab keeps the module: unload waits, then gives up.
sleep 30 </dev/probelab &
holder=$!
sleep 0.2
start=$(date +%s)
if probelab unload --wait 1500 >/tmp/lc.out 2>&1; then
	notok "unload while /dev/probelab is open fails"
else
	grep -q "still in use" /tmp/lc.out && ok "unload while /dev/probelab is open fails: $(cat /tmp/lc.out)" ||
		{ notok "unload while open: unexpected message"; sed 's/^/# /' /tmp/lc.out; }
fi
check "module still loaded after the refused unload" test -c /dev/probelab
kill $holder; wait $holder 2>/dev/null
check "unload succeeds once the holder closed it" probelab unload
check "unload of an unloaded module fails" sh -c "! probelab unload"
probelab load --module "$MOD" >/dev/null 2>&1
[ $fail -eq 0 ]

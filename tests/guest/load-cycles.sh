#!/bin/sh
# Guest test: probelab.ko load/unload cycles through the CLI (libkmod), and
# unload waiting for a user of /dev/probelab.  TAP output.
. "$(dirname "$0")/lib.sh"
MOD=${PROBELAB_KO:-/opt/probelab/probelab.ko}
CYCLES=${CYCLES:-20}
tmpdir /tmp/load-cycles

echo "1..$((CYCLES + 5))"
i=0
bad=""
while [ $i -lt $CYCLES ]; do
	i=$((i + 1))
	if ! probelab unload >$T/out 2>&1 || [ -e /dev/probelab ] ||
	   grep -q '^probelab ' /proc/modules; then
		bad="unload"; break
	fi
	if ! probelab load --module "$MOD" >>$T/out 2>&1 || [ ! -c /dev/probelab ] ||
	   ! probelab info --json >>$T/out 2>&1; then
		bad="load"; break
	fi
	ok "cycle $i: unloaded, loaded, info answers"
done
while [ $i -lt $CYCLES ]; do
	i=$((i + 1))
	notok "cycle $i: $bad failed"
	show $T/out
	probelab load --module "$MOD" >/dev/null 2>&1
done

probelab load --module "$MOD" >$T/out 2>&1
rc=$?
if [ $rc -eq 1 ] && grep -q "already loaded" $T/out; then
	ok "a second load fails with 'already loaded'"
else
	notok "a second load: exit $rc"; show $T/out
fi

# A held /dev/probelab keeps the module: unload waits, then gives up.
sleep 30 </dev/probelab &
holder=$!
sleep 0.2
start=$(date +%s)
if probelab unload --wait 1500 >$T/out 2>&1; then
	notok "unload while /dev/probelab is open fails"
else
	grep -q "still in use" $T/out && ok "unload while /dev/probelab is open fails: $(cat $T/out)" ||
		{ notok "unload while open: unexpected message"; show $T/out; }
fi
check "module still loaded after the refused unload" test -c /dev/probelab
kill $holder; wait $holder 2>/dev/null
check "unload succeeds once the holder closed it" probelab unload
check "unload of an unloaded module fails" sh -c "! probelab unload"
probelab load --module "$MOD" >/dev/null 2>&1
[ $fail -eq 0 ]

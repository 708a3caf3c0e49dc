#!/bin/sh
# Guest test: the probelab CLI's lab commands end to end - topo load,
# status, dev add/remove, iommu register/unregister, bind/unbind, monitor,
# stats, reset - human and --json output and their exit statuses.  TAP.
. "$(dirname "$0")/lib.sh"

tmpdir /tmp/probe_cli
cat >$T/board.json <<'JSON'
{
  "version": 1,
  "policy": "fixed",
  "default_domain": "dma",
  "iommus": [
    { "name": "smmu0", "type": "smmuv3", "sid_bits": 16 },
    { "name": "smmu1", "type": "smmuv3", "sid_bits": 8 }
  ],
  "endpoints": [
    { "name": "gpu", "iommus": [ { "iommu": "smmu1", "id": "0x10" } ] }
  ],
  "root_complexes": [
    { "name": "pcie0", "bus_end": 0,
      "id_maps": [ { "rid_base": 0, "length": "0x100", "iommu": "smmu0",
                     "output_base": "0x1000" } ] }
  ],
  "devices": [
    { "type": "pci", "bdf": "00:01.0", "name": "nic" },
    { "type": "pci", "bdf": "00:02.0" },
    { "type": "platform", "name": "gpu" }
  ]
}
JSON
sed 's/"sid_bits": 8/"sid_bitz": 8/' $T/board.json >$T/typo.json

probelab reset >/dev/null 2>&1
run probelab topo load $T/board.json
if [ $rc -eq 0 ] && grep -q "added 3 devices" $T/out &&
   grep -q "policy fixed, default domain dma" $T/out; then
	ok "topo load: description loaded, 3 devices added"
else
	notok "topo load (exit $rc)"; show $T/out $T/err
fi
run probelab --json status
if [ $rc -eq 0 ] && [ "$(grep -c '"state":"waiting"' $T/out)" -eq 3 ] &&
   grep -q '"name":"pci-0000:00:01.0"' $T/out &&
   grep -q '"name":"gpu"' $T/out && grep -q '"registered":false' $T/out; then
	ok "status --json: three waiting devices, instances unregistered"
else
	notok "status --json (exit $rc)"; show $T/out $T/err
fi
run probelab topo load $T/board.json
if [ $rc -eq 1 ] && grep -q EBUSY $T/err; then
	ok "topo load while devices exist fails with EBUSY"
else
	notok "topo load while devices exist (exit $rc)"; show $T/out $T/err
fi
run probelab topo load $T/typo.json
if [ $rc -eq 1 ] && grep -q 'iommus\[1\]' $T/err && grep -q sid_bitz $T/err; then
	ok "topo load of a bad topology names the JSON path: $(cat $T/err)"
else
	notok "topo load of a bad topology (exit $rc)"; show $T/out $T/err
fi
run probelab topo load $T/board.json --policy nonsense
if [ $rc -eq 2 ]; then ok "an unknown --policy is a usage error"; else notok "--policy nonsense: exit $rc"; fi

# monitor (JSON) around a deferred bind and the registration that retriggers it
probelab --json monitor --timeout 30 >$T/mon.out 2>$T/mon.err &
mon=$!
i=0
while ! grep -q listening $T/mon.err 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
run probelab bind gpu
if [ $rc -eq 0 ] && grep -q "deferred" $T/out; then
	ok "bind before the instance registered: deferred"
else
	notok "bind gpu (exit $rc)"; show $T/out $T/err
fi
check "iommu register smmu1" probelab iommu register smmu1
sleep 0.5
kill -INT $mon
wait $mon
mrc=$?
[ $mrc -eq 0 ] && ok "monitor ends cleanly on SIGINT" || { notok "monitor exit $mrc"; show $T/mon.err; }
line() { grep -n "\"event\":\"$1\"" $T/mon.out | grep '"dev_name":"gpu"' | head -n1 | cut -d: -f1; }
d=$(line DEFER); p=$(line IOMMU_PROBE); r=$(line RETRIGGER); b=$(line BIND)
if [ -n "$d" ] && [ -n "$p" ] && [ -n "$r" ] && [ -n "$b" ] &&
   [ "$d" -lt "$p" ] && [ "$p" -lt "$r" ] && [ "$r" -lt "$b" ]; then
	ok "monitor --json: DEFER, IOMMU_PROBE, RETRIGGER, BIND of gpu in order (lines $d $p $r $b)"
else
	notok "monitor --json order (lines '$d' '$p' '$r' '$b')"; show $T/mon.out $T/mon.err
fi
prev=""
seqok=1
for s in $(sed -n 's/^{"seq":\([0-9]*\),.*/\1/p' $T/mon.out); do
	[ -n "$prev" ] && [ "$s" -ne $((prev + 1)) ] && seqok=0
	prev=$s
done
if [ $seqok -eq 1 ] && [ -n "$prev" ] && ! grep -q '"gap"' $T/mon.out &&
   [ "$(wc -l <$T/mon.out)" -eq "$(grep -c '^{"seq":' $T/mon.out)" ]; then
	ok "monitor --json: one object per line, sequence numbers consecutive"
else
	notok "monitor --json sequence"; show $T/mon.out
fi

# human monitor, --count
probelab monitor --count 1 --timeout 20 >$T/mon2.out 2>$T/mon2.err &
mon=$!
i=0
while ! grep -q listening $T/mon2.err 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
probelab dev add pci 00:05.0 >/dev/null 2>&1
wait $mon
mrc=$?
if [ $mrc -eq 0 ] && [ "$(wc -l <$T/mon2.out)" -eq 1 ] &&
   grep -q "IOMMU_WAIT.*pci-0000:00:05.0" $T/mon2.out; then
	ok "monitor --count 1: one human line: $(cat $T/mon2.out)"
else
	notok "monitor --count 1 (exit $mrc)"; show $T/mon2.out $T/mon2.err
fi
run probelab monitor --count 1 --timeout 0.5
[ $rc -eq 1 ] && grep -q "timeout" $T/err && ok "monitor --count with too few events before --timeout: exit 1" ||
	{ notok "monitor timeout (exit $rc)"; show $T/err; }

run probelab status
if grep -Eq '^ +[0-9]+ +gpu +probed +[0-9]+ +dma +[0-9]+/dma +smmu1:0x10$' $T/out &&
   grep -Eq '^ +smmu1 +smmuv3 +registered +1 +' $T/out; then
	ok "status: gpu probed and bound, smmu1 registered"
else
	notok "status"; show $T/out
fi
check "unbind gpu" probelab unbind gpu
run probelab unbind gpu
[ $rc -eq 1 ] && grep -q "no driver is bound" $T/err && ok "unbind of an unbound device fails" ||
	{ notok "second unbind (exit $rc)"; show $T/err; }
run probelab --json bind nosuchdev
[ $rc -eq 1 ] && grep -q '"error"' $T/out && grep -q '"errno":"ENOENT"' $T/out &&
	ok "--json failure: an error object on stdout, exit 1" || { notok "--json bind nosuchdev (exit $rc)"; show $T/out; }
check "dev remove by PCI address" probelab dev remove 00:01.0
check "dev remove by name" probelab dev remove pci-0000:00:02.0
run probelab --json dev add named foo
[ $rc -eq 0 ] && grep -q '"state":"no-iommu"' $T/out && ok "dev add named (no endpoint): no-iommu" ||
	{ notok "dev add named foo (exit $rc)"; show $T/out $T/err; }
run probelab dev add named virtual
[ $rc -eq 0 ] && [ -d /sys/devices/probelab/virtual ] && ! grep -q EEXIST $T/err &&
	ok "dev add named virtual: under /sys/devices/probelab, no clash with the kernel's" ||
	{ notok "dev add named virtual (exit $rc)"; show $T/out $T/err; }
run probelab dev add named iommu-smmu0
[ $rc -eq 1 ] && grep -q "already has a device of that name" $T/err &&
	ok "dev add named iommu-smmu0 (an instance's device): $(cat $T/err)" ||
	{ notok "dev add named iommu-smmu0 (exit $rc)"; show $T/out $T/err; }
check "dev remove virtual" probelab dev remove virtual
run probelab --json dev add pci 0000:00:07.0 --alias 00:06.0
[ $rc -eq 0 ] && grep -q '"00:06.0"' $T/out && grep -q '"state":"waiting"' $T/out &&
	ok "dev add pci with --alias" || { notok "dev add pci --alias (exit $rc)"; show $T/out $T/err; }
run probelab dev add pci 00:07.0
[ $rc -eq 1 ] && grep -q "already has" $T/err && ok "dev add of an existing device fails" ||
	{ notok "duplicate dev add (exit $rc)"; show $T/err; }
check "iommu unregister smmu1" probelab iommu unregister smmu1
run probelab iommu unregister smmu1
[ $rc -eq 1 ] && grep -q "not registered" $T/err && ok "unregister of an unregistered instance fails" ||
	{ notok "second unregister (exit $rc)"; show $T/err; }
run probelab iommu register nosuch
[ $rc -eq 1 ] && grep -q "no instance" $T/err && ok "register of an unknown instance fails" ||
	{ notok "register nosuch (exit $rc)"; show $T/err; }
run probelab stats --reset
run probelab --json stats
[ $rc -eq 0 ] && grep -q '"iommu_probes":0' $T/out && grep -q '"bind_attempts":0' $T/out &&
	ok "stats --reset zeroes the counters" || { notok "stats after --reset"; show $T/out; }
check "reset" probelab reset
run probelab status
grep -q "^devices: 0" $T/out && grep -q "^instances: 0" $T/out && ok "after reset the lab is empty" ||
	{ notok "status after reset"; show $T/out; }

echo "1..$n"
probelab reset >/dev/null 2>&1
[ $fail -eq 0 ]

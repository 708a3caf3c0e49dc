#!/bin/sh
# Guest test: the module's resource bounds (module parameters, limits.c).
# The module is reloaded with small bounds; past each, the operation fails
# with ENOSPC and a log line naming the parameter, nothing is half done,
# the lab checks clean and resets.  The 10,000-device deferral bench runs
# against max_devices=2000 (the default of a 1 GiB guest lets it fit: 90 s
# under TCG, too long here).  Ends with the module reloaded as it was.  TAP.
. "$(dirname "$0")/lib.sh"
MOD=${PROBELAB_KO:-/opt/probelab/probelab.ko}
# reload PARAMS: the module with these parameters, its log from here in $T/klog
reload() {
	probelab reset >/dev/null 2>&1
	probelab unload >/dev/null 2>&1
	base=$(dmesg | wc -l)
	probelab load --module "$MOD" ${1:+--params "$1"} >$T/load 2>&1
}
klog() { klog_since $base >$T/klog; }
# clean: check has no violation, reset works, nothing left
clean() {
	probelab check >$T/chk 2>&1 && grep -q "invariant checker: 0 violations" $T/chk &&
		probelab reset >/dev/null 2>&1 && [ "$(ndev)" -eq 0 ]
}
# bounded OP KLOG DESC WHAT: the last run failed with ENOSPC at OP (its
# message on stderr) and the kernel log has the line KLOG (a grep pattern)
# naming the parameter: "ok DESC"; else "not ok WHAT", the errors and the
# log's end shown
bounded() {
	klog
	if [ $rc -ne 0 ] && grep -q "$1.*No space left on device" $T/err &&
	   grep -q "$2" $T/klog; then
		ok "$3"
	else
		notok "$4 (exit $rc)"; show $T/err; tail -5 $T/klog | show
	fi
}

tmpdir /tmp/bounds
base0=$(dmesg | wc -l)
board_smmu0_2pci >$T/board.json

# 1. defaults follow the memory and are shown
run probelab --json info
if [ $rc -eq 0 ] && flat | grep -q '"bounds":{"max_devices":[1-9][0-9]*,"max_domains":[1-9]'; then
	ok "info --json shows the bounds"
else
	notok "info --json bounds (exit $rc)"; show $T/out $T/err
fi

# 2. a value out of range refuses the load, with a message
reload "max_desc_bytes=1"
klog
if [ ! -c /dev/probelab ] && grep -q "max_desc_bytes=1 outside 4096..1048576" $T/klog; then
	ok "max_desc_bytes=1 refuses the load, naming the parameter and its range"
else
	notok "out-of-range parameter"; show $T/load $T/klog
fi

# 3. max_devices: the 10,000-device bench stops cleanly at the bound
reload "max_devices=2000"
run probelab info
if [ -c /dev/probelab ] && grep -q " max_devices=2000 " $T/out; then
	ok "loaded with max_devices=2000; info shows it"
else
	notok "load with max_devices=2000"; show $T/load $T/out
fi
run probelab bench deferral --devices 10000 --instances 64 --seed 1 --quiet --keep
bounded "DEV_ADD " \
	"DEV_ADD: bound of 2000 lab devices reached (2000 in use, 1 more asked): module parameter max_devices" \
	"bench --devices 10000: exit $rc, ENOSPC at DEV_ADD, log names max_devices" \
	"bench past max_devices"
clean && ok "check clean, reset empties the lab" || { notok "check/reset after the bound"; show $T/chk; }
run probelab bench deferral --devices 100 --instances 4 --seed 1 --quiet
[ $rc -eq 0 ] && ok "the lab is usable afterwards (bench of 100 devices)" ||
	{ notok "bench after the bound (exit $rc)"; show $T/out $T/err; }

# nothing half done at the bound: the refused device does not exist
reload "max_devices=2"
probelab topo load $T/board.json >/dev/null 2>&1
run probelab dev add pci 00:03.0
if [ $rc -ne 0 ] && grep -q "ENOSPC" $T/err && [ "$(ndev)" -eq 2 ] &&
   ! probelab status | grep -q "00:03.0"; then
	ok "DEV_ADD past max_devices=2: ENOSPC, the two devices stay, no third"
else
	notok "DEV_ADD past max_devices (exit $rc)"; show $T/err; probelab status | show
fi
clean && ok "check clean, reset" || { notok "check/reset after max_devices"; show $T/chk; }

# 4. max_domains: 2 default domains + a blocking domain, then DOMAIN_ALLOC
reload "max_domains=3"
probelab topo load $T/board.json >/dev/null 2>&1
probelab iommu register smmu0 >/dev/null 2>&1
G=$(status_flat | sed -n 's/.*"name":"pci-0000:00:01.0",[^}]*"group":\([0-9]*\).*/\1/p')
printf 'claim group %s\ndomain alloc 00:01.0\n' "$G" >$T/s1
run probelab session $T/s1
klog
if [ $rc -ne 0 ] && grep -q "group $G claimed" $T/out && grep -q "ENOSPC" $T/err &&
   grep -q "domain allocation: bound of 3 domains reached (3 in use, 1 more asked): module parameter max_domains" $T/klog; then
	ok "DOMAIN_ALLOC past max_domains=3: ENOSPC, log names max_domains"
else
	notok "DOMAIN_ALLOC past max_domains (exit $rc)"; show $T/out $T/err; tail -3 $T/klog | show
fi
# a third device's default domain is refused too: its probe fails, cleanly
probelab dev add pci 00:03.0 >$T/out 2>&1
klog
if status_flat | grep -q '"name":"pci-0000:00:03.0","kind":"pci","bdf":"0000:00:03.0","aliases":\[\],"state":"failed"' &&
   grep -q "module parameter max_domains" $T/klog; then
	ok "a device whose default domain is past the bound: probe failed, nothing half done"
else
	notok "device past max_domains"; probelab status | show; tail -3 $T/klog | show
fi
clean && ok "check clean, reset" || { notok "check/reset after max_domains"; show $T/chk; }

# 5. max_mapped_bytes and max_pgtable_pages
reload "max_mapped_bytes=1048576 max_pgtable_pages=8"
probelab topo load $T/board.json >/dev/null 2>&1
probelab iommu register smmu0 >/dev/null 2>&1
cat >$T/s2 <<EOF
claim group $G
domain alloc 00:01.0
domain attach \$1 group $G
map \$1 0x40000000 0x80000000 1M
-map \$1 0x50000000 0x80000000 4K
unmap \$1 0x40000000 1M
map \$1 0x50000000 0x80000000 4K
-map \$1 0x8000000000 0x80000000 4K
-map \$1 0x10000000000 0x80000000 4K
check
EOF
run probelab session --keep-going $T/s2
klog
if grep -q "mapped IOVA 0x40000000 -> 0x80000000, 1048576 bytes" $T/out &&
   grep -q "mapped IOVA 0x50000000 -> 0x80000000, 4096 bytes" $T/out &&
   grep -q "MAP: bound of 1048576 mapped bytes reached (1048576 in use, 4096 more asked): module parameter max_mapped_bytes" $T/klog &&
   grep -q "MAP: bound of 8 page-table levels reached .*module parameter max_pgtable_pages" $T/klog &&
   [ "$(grep -c ENOSPC $T/err)" -ge 2 ] && grep -q "0 violations" $T/out; then
	ok "MAP past max_mapped_bytes and max_pgtable_pages: ENOSPC, logged; unmap gives the bytes back"
else
	notok "MAP bounds (exit $rc)"; show $T/out $T/err; tail -4 $T/klog | show
fi
clean && ok "check clean, reset" || { notok "check/reset after MAP bounds"; show $T/chk; }

# 6. max_desc_bytes: a description longer than the bound
reload "max_desc_bytes=4096"
run probelab bench deferral --devices 1 --instances 64 --quiet
bounded FW_LOAD \
	"FW_LOAD: bound of 4096 description bytes reached .*module parameter max_desc_bytes" \
	"FW_LOAD of a description past max_desc_bytes: ENOSPC, logged" \
	"FW_LOAD past max_desc_bytes"

# 7. max_quarantine: add/remove cycles beyond it free the oldest
reload "max_quarantine=16"
probelab topo load $T/board.json >/dev/null 2>&1
probelab iommu register smmu0 >/dev/null 2>&1
i=0
while [ $i -lt 30 ]; do
	probelab dev remove pci-0000:00:02.0 >/dev/null 2>&1
	probelab dev add pci 00:02.0 >/dev/null 2>&1
	i=$((i + 1))
done
klog
if grep -q "quarantine over its bound of 16 objects (module parameter max_quarantine)" $T/klog &&
   [ "$(ndev)" -eq 2 ]; then
	ok "30 remove/add cycles with max_quarantine=16: the oldest freed, logged"
else
	notok "quarantine bound"; tail -3 $T/klog | show
fi
clean && ok "check clean, reset" || { notok "check/reset after quarantine"; show $T/chk; }

# back to the module as the suite loads it
reload ""
[ -c /dev/probelab ] && ok "reloaded with default bounds" || { notok "reload"; show $T/load; }
kernel_log_clean $base0
echo "1..$n"
exit $((fail != 0))

#!/bin/sh
# Guest test: the in-kernel page-table self-test (both formats, RCU and
# immediate freeing, round trips 4K..1G, level counts, rollback, and a
# concurrent map/unmap/walk stress).  TAP output.
. "$(dirname "$0")/lib.sh"
echo "1..1"
ms=${PGTABLE_SELFTEST_MS:-1000}
if echo "$ms" > /sys/kernel/debug/probelab/pgtable_selftest 2>/tmp/pst.err; then
	ok "page-table self-test passed (stress ${ms} ms per run)"
else
	notok "page-table self-test failed: $(cat /tmp/pst.err)"
	dmesg | grep -i pgtable | tail -n 20 | show
fi

#!/bin/sh
# Guest test: `probelab fw dump --host` of the machine's own firmware:
# QEMU's DMAR on x86_64, QEMU's device tree (SMMUv3, iommu-map) on arm64.
. "$(dirname "$0")/lib.sh"
echo "1..2"
if probelab fw dump --host > /tmp/fwh.out 2>/tmp/fwh.err; then
	ok "fw dump --host: $(head -n1 /tmp/fwh.out | cut -c1-60)"
else
	notok "fw dump --host: $(cat /tmp/fwh.err)"
fi
# the status of the greps themselves, not of the case statement
case $(uname -m) in
x86_64)
	what="a DMAR with a DRHD"
	grep -q '^drhd index=0 ' /tmp/fwh.out && grep -q '^table DMAR ' /tmp/fwh.out
	found=$?;;
*)
	what="an arm,smmu-v3 node and an iommu-map"
	grep -q 'compatible="arm,smmu-v3"' /tmp/fwh.out && grep -q '^iommu-map ' /tmp/fwh.out
	found=$?;;
esac
if [ $found -eq 0 ]; then
	ok "the dump shows $what"
else
	notok "the dump lacks $what"
	show /tmp/fwh.out | head -n 20
fi

#!/bin/sh
# Guest test: `probelab fw dump --host` of the machine's own firmware:
# QEMU's DMAR on x86_64, QEMU's device tree (SMMUv3, iommu-map) on arm64.
echo "1..2"
if probelab fw dump --host > /tmp/fwh.out 2>/tmp/fwh.err; then
	echo "ok 1 - fw dump --host: $(head -n1 /tmp/fwh.out | cut -c1-60)"
else
	echo "not ok 1 - fw dump --host: $(cat /tmp/fwh.err)"
fi
case $(uname -m) in
x86_64)
	grep -q '^drhd index=0 ' /tmp/fwh.out && grep -q '^table DMAR ' /tmp/fwh.out
	what="a DMAR with a DRHD";;
*)
	grep -q 'compatible="arm,smmu-v3"' /tmp/fwh.out && grep -q '^iommu-map ' /tmp/fwh.out
	what="an arm,smmu-v3 node and an iommu-map";;
esac
if [ $? -eq 0 ]; then
	echo "ok 2 - the dump shows $what"
else
	echo "not ok 2 - the dump lacks $what"
	sed 's/^/# /' /tmp/fwh.out | head -n 20
fi

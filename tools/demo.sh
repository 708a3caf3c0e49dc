#!/usr/bin/env bash
# make demo: boots the x86_64 VT-d QEMU machine, loads probelab.ko and prints
# a summary of the module and of the guest's IOMMU groups.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
exec make -s -C "$top" vm-run ARCH=x86_64 VM_SHARE="$top/tools/demo" \
	CMD='sh /mnt/share/guest.sh'

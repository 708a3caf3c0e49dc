#!/bin/sh
# Runs inside the QEMU guest for `make demo`: a readable summary of the
# loaded probelab module and of the guest kernel's own IOMMU state.
echo "== probelab demo on $(uname -m), Linux $(uname -r) =="
echo
probelab info || exit 1
echo
printf 'IOMMU instances:'
for i in /sys/class/iommu/*; do [ -e "$i" ] && printf ' %s' "${i##*/}"; done
echo
echo
echo "IOMMU groups of the guest kernel:"
ngroups=0
for g in $(ls /sys/kernel/iommu_groups 2>/dev/null | sort -n); do
	ngroups=$((ngroups + 1))
	type=$(cat /sys/kernel/iommu_groups/$g/type 2>/dev/null || echo '?')
	printf '  group %-3s domain %-9s' "$g" "$type"
	first=1
	for d in /sys/kernel/iommu_groups/$g/devices/*; do
		dev=${d##*/}
		ids=""
		[ -r "$d/vendor" ] && ids="$(sed 's/0x//' "$d/vendor"):$(sed 's/0x//' "$d/device")"
		drv="-"
		[ -L "$d/driver" ] && drv=$(basename "$(readlink "$d/driver")")
		[ $first = 1 ] || printf '%-28s' ""
		printf ' %s %s driver=%s\n' "$dev" "$ids" "$drv"
		first=0
	done
done
echo
npci=$(ls /sys/bus/pci/devices | wc -l)
nogroup=0
for d in /sys/bus/pci/devices/*; do [ -e "$d/iommu_group" ] || nogroup=$((nogroup + 1)); done
echo "$ngroups groups; $npci PCI functions, $nogroup of them without a group"

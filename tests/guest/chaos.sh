#!/bin/sh
# Guest test: chaos.  CHAOS_WORKERS (4) processes run random CLI operations
# (dev add/remove, iommu register/unregister, bind/unbind, a session that
# claims, allocates and attaches a domain, maps and unmaps, status, check)
# on one topology under policy "fixed" for CHAOS_SECONDS (20), seeded from
# CHAOS_SEED (printed; default from the clock).  Operations may fail, with
# an errno (EBUSY, ENOENT, ...), never by a crash or a usage error; the
# checker runs after every operation.  Afterwards: check clean, status
# consistent (every device in a state, each group's owner_cnt = its bound
# DMA-API drivers, a device's group exists), reset, kernel log clean.  TAP.
. "$(dirname "$0")/lib.sh"
SECS=${CHAOS_SECONDS:-20}
WORKERS=${CHAOS_WORKERS:-4}
SEED=${CHAOS_SEED:-$(($(date +%s) % 100000))}

tmpdir /tmp/chaos
echo "# CHAOS_SEED=$SEED CHAOS_SECONDS=$SECS CHAOS_WORKERS=$WORKERS"
base=$(dmesg | wc -l)
cat >$T/topo.json <<'JSON'
{
  "version": 1,
  "policy": "fixed",
  "default_domain": "dma",
  "iommus": [
    { "name": "smmu0", "type": "smmuv3", "sid_bits": 16 },
    { "name": "smmu1", "type": "smmuv3", "sid_bits": 8 }
  ],
  "endpoints": [
    { "name": "gpu", "iommus": [ { "iommu": "smmu1", "id": "0x10" },
                                 { "iommu": "smmu1", "id": "0x11" } ] },
    { "name": "npu", "iommus": [ { "iommu": "smmu1", "id": "0x11" } ] },
    { "name": "display", "iommus": [ { "iommu": "smmu0", "id": "0x8001" },
                                     { "iommu": "smmu1", "id": "0x30" } ] }
  ],
  "root_complexes": [
    { "name": "pcie0", "segment": 0, "bus_end": "0x7f",
      "id_maps": [ { "rid_base": 0, "length": "0x8000", "iommu": "smmu0",
                     "output_base": 0 } ] },
    { "name": "pcie1", "segment": 1, "bus_end": "0x1f", "rid_mask": "0xfff8",
      "id_maps": [ { "rid_base": 0, "length": "0x2000", "iommu": "smmu0",
                     "output_base": "0x9000" } ] }
  ],
  "devices": [
    { "type": "pci", "bdf": "0000:00:01.0" },
    { "type": "pci", "bdf": "0000:00:02.0" },
    { "type": "pci", "bdf": "0000:01:00.0", "aliases": ["01:01.0"] },
    { "type": "pci", "bdf": "0001:00:02.1" },
    { "type": "pci", "bdf": "0001:00:02.3" },
    { "type": "platform", "name": "gpu" },
    { "type": "platform", "name": "npu" },
    { "type": "platform", "name": "display" }
  ]
}
JSON
# NAME ADD-ARGUMENTS, one device a line (as status names them)
cat >$T/devs <<'EOF'
pci-0000:00:01.0 pci 0000:00:01.0
pci-0000:00:02.0 pci 0000:00:02.0
pci-0000:01:00.0 pci 0000:01:00.0 --alias 01:01.0
pci-0001:00:02.1 pci 0001:00:02.1
pci-0001:00:02.3 pci 0001:00:02.3
gpu named gpu
npu named npu
display named display
EOF
NDEV=$(wc -l <$T/devs)

probelab reset >/dev/null 2>&1
if probelab topo load $T/topo.json >$T/out 2>&1 && probelab check --auto on >>$T/out 2>&1 &&
   [ "$(ndev)" -eq "$NDEV" ]; then
	ok "topology of $NDEV devices, 2 instances loaded under fixed, checker after every op"
else
	notok "topology load"; show $T/out
fi

# worker W: random operations until the deadline, and at least 10 of them
# (a loaded TCG host ran 4 in 20 s) unless four times the deadline passed;
# one line per operation in $T/log.W: "OP EXIT ERRNO"
worker() {
	w=$1
	s=$(((SEED * 7919 + w * 104729) % 2147483648))
	end=$(($(date +%s) + SECS))
	hard=$(($(date +%s) + 4 * SECS))
	done_ops=0
	log=$T/log.$w
	: >$log
	while now=$(date +%s) && { [ $now -lt $end ] ||
	      { [ $done_ops -lt 10 ] && [ $now -lt $hard ]; }; }; do
		done_ops=$((done_ops + 1))
		s=$(((s * 1103515245 + 12345) % 2147483648)); r=$((s / 65536))
		line=$(sed -n "$((r % NDEV + 1))p" $T/devs)
		name=${line%% *}
		add=${line#* }
		inst=smmu$((r / 8 % 2))
		case $((r / 16 % 13)) in
		0|1) op="dev_add"; set -- dev add $add ;;
		2|12) op="dev_remove"; set -- dev remove $name ;;
		3) op="iommu_register"; set -- iommu register $inst ;;
		4) op="iommu_unregister"; set -- iommu unregister $inst ;;
		5|6) drv=dma
		   case $((r / 256 % 4)) in 1) drv=user ;; 2) drv=ownops ;; 3) drv=pool ;; esac
		   op="bind_$drv"; set -- bind $name --driver $drv ;;
		7) op="unbind"; set -- unbind $name ;;
		8|9) op="session"
		   cat >$T/s.$w <<EOF
claim device $name
domain alloc $name
domain attach \$1 device $name
map \$1 0x$(( (r % 64) + 1 ))00000 0x80000000 8K
status
unmap \$1 0x$(( (r % 64) + 1 ))00000 8K
release device $name
EOF
		   set -- session --keep-going $T/s.$w ;;
		10) op="status"; set -- status ;;
		11) op="check"; set -- check ;;
		esac
		probelab "$@" >$T/o.$w 2>$T/e.$w
		rc=$?
		# the errno name the CLI prints (EBUSY ...), not E in "REGISTER"
		e=$(grep -oE '(^|[^A-Za-z0-9_])E[A-Z0-9]{2,}([^A-Za-z0-9_]|$)' $T/e.$w |
		    head -n 1 | tr -cd 'A-Z0-9')
		[ $rc -ne 0 ] && [ -z "$e" ] && e="($(head -n 1 $T/e.$w | cut -c1-60 | tr ' ' '_'))"
		echo "$op $rc ${e:--}" >>$log
		if [ $rc -ge 2 ] || grep -qiE "usage|segmentation|abort|assert" $T/e.$w; then
			echo "BAD probelab $* -> exit $rc" >>$log
			sed 's/^/BAD   /' $T/e.$w >>$log
		fi
	done
}

w=0
pids=
while [ $w -lt $WORKERS ]; do
	worker $w &
	pids="$pids $!"
	w=$((w + 1))
done
wait $pids
cat $T/log.* >$T/all
calls=$(grep -vc '^BAD' $T/all)
echo "# $calls operations in ${SECS} s by $WORKERS workers; per op (exit 0 / failed) and errnos:"
grep -v '^BAD' $T/all | awk '{ t[$1]++; if ($2 == 0) z[$1]++; else e[$1 " " $3]++ }
	END { for (o in t) printf "#   %-18s %5d ok %5d failed\n", o, z[o], t[o] - z[o];
	      for (k in e) printf "#     %s: %d\n", k, e[k] }' | sort
if grep -q '^BAD' $T/all; then
	notok "every CLI operation ended with exit 0 or 1 (an errno), no crash or usage error"
	grep '^BAD' $T/all | head -n 20 | show
else
	ok "$calls operations, each exit 0 or an errno (exit 1); no crash or usage error"
fi
[ "$calls" -ge $((WORKERS * 10)) ] && ok "at least 10 operations per worker ran" ||
	notok "only $calls operations ran"

# the state: checker clean, status consistent
probelab --json check >$T/check 2>&1
if tr -d ' \n' <$T/check | grep -q '"total":0' || probelab check | grep -q "invariant checker: 0 violations (since the lab was reset: 0"; then
	ok "check: no violation since the topology was loaded"
else
	notok "check after chaos"; probelab check --max 10 | show
fi
status_flat >$T/status
# devices: "state":"S","group":G|null,"driver":"D"|null
grep -o '"dev_id":[0-9]*,"name":"[^"]*","kind":"[a-z]*"[^{]*"state":"[a-z-]*","group":[0-9a-z]*,"driver":[^,]*' $T/status |
	sed 's/.*"name":"\([^"]*\)".*"state":"\([a-z-]*\)","group":\([0-9a-z]*\),"driver":\(.*\)$/\1 \2 \3 \4/' >$T/devstate
grep -o '"group_id":[0-9]*,"iommu":"[^"]*","nr_devices":[0-9]*,.*\?"owner_cnt":[0-9]*,"owner":"[^"]*"' $T/status |
	sed 's/},{"group_id"/\n"group_id"/g' |
	sed 's/^"group_id":\([0-9]*\),"iommu":"[^"]*","nr_devices":\([0-9]*\),.*"owner_cnt":\([0-9]*\),"owner":"\([^"]*\)".*/\1 \2 \3 \4/' >$T/groups
ndev=$(grep -o '"dev_id"' $T/status | wc -l)
bad=$(awk 'NF != 4 || $2 == "new" || $2 == "" { print }' $T/devstate)
if [ "$(wc -l <$T/devstate)" -eq "$ndev" ] && [ -z "$bad" ]; then
	ok "status: each of the $ndev devices is in a state"
else
	notok "device states"; show $T/devstate; echo "$bad" | show
fi
# owner_cnt of a group = its devices bound to a DMA-API driver (no claim
# is left: every session closed its file); nr_devices = members listed
bad=$(awk 'NR == FNR { if ($3 != "null") { m[$3]++; if ($4 ~ /dma|ownops|pool/) d[$3]++ } next }
	{ g[$1] = 1; if ($3 != d[$1] + 0 || $2 != m[$1] + 0 || $4 ~ /claimed/)
		print "group " $1 ": owner_cnt " $3 " owner " $4 ", members " $2 " (listed " m[$1] + 0 ", DMA-API bound " d[$1] + 0 ")" }
	END { for (x in m) if (!g[x]) print "device group " x " is not listed" }' $T/devstate $T/groups)
if [ -s $T/groups ] || [ "$(grep -c '"group_id"' $T/status)" -eq 0 ]; then
	if [ -z "$bad" ]; then
		ok "status: every group's owner_cnt = its bound DMA-API drivers, members match, no group missing"
	else
		notok "status groups"; echo "$bad" | show; show $T/groups
	fi
else
	notok "status groups could not be read"; show $T/status
fi
if probelab reset >$T/out 2>&1 && [ "$(ndev)" -eq 0 ]; then
	ok "reset empties the lab"
else
	notok "reset after chaos"; show $T/out
fi
probelab check --auto off >/dev/null 2>&1
kernel_log_clean $base
echo "1..$n"
exit $((fail != 0))

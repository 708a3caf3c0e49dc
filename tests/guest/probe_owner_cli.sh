#!/bin/sh
# Guest test: the probelab CLI's ownership, domain, page-table, checker and
# injection commands end to end - claim/release, domain alloc/free/attach/
# detach and map/unmap/iova inside `probelab session` (one owner token),
# status's owner column and JSON, check --json, inject.  TAP.
. "$(dirname "$0")/lib.sh"

tmpdir /tmp/probe_owner_cli
board_smmu0_2pci >$T/board.json

probelab reset >/dev/null 2>&1
probelab check --auto on >/dev/null 2>&1
if probelab topo load $T/board.json >$T/out 2>&1 && probelab iommu register smmu0 >>$T/out 2>&1; then
	ok "topo load and register smmu0"
else
	notok "topo load / register"; show $T/out
fi
# the group of 00:01.0
G=$(status_flat | sed -n 's/.*"name":"pci-0000:00:01.0","kind":"pci","bdf":"0000:00:01.0","aliases":\[\],"state":"probed","group":\([0-9]*\).*/\1/p')
[ -n "$G" ] && ok "00:01.0 is in group $G" || { notok "no group for 00:01.0"; probelab status | show; }

run probelab --json status
if [ $rc -eq 0 ] && flat | grep -q "\"group_id\":$G,[^}]*}[^}]*},\"owner_cnt\":0,\"owner\":\"none\",\"owned\":false"; then
	ok "status --json: group $G has owner none, owner_cnt 0"
else
	notok "status --json before any owner (exit $rc)"; show $T/out
fi
probelab bind 00:01.0 >/dev/null 2>&1
run probelab status
if grep -Eq "^ +$G +smmu0 +[0-9]+/dma +[0-9]+/dma +1 +1 DMA-API \(1\)$" $T/out; then
	ok "status: a bound DMA-API driver shows as owner 'DMA-API (1)'"
else
	notok "status with a DMA-API driver"; show $T/out
fi
run probelab claim group $G
if [ $rc -eq 1 ] && grep -q "EBUSY" $T/err && grep -q "1 DMA-API driver is bound in group $G" $T/err; then
	ok "claim group with a DMA-API driver bound: exit 1, EBUSY, says why"
else
	notok "claim with a driver bound (exit $rc)"; show $T/out $T/err
fi
run probelab --json claim device 00:01.0
[ $rc -eq 1 ] && flat | grep -q '"errno":"EBUSY"' && ok "claim device --json: error object with errno EBUSY" ||
	{ notok "claim device --json (exit $rc)"; show $T/out; }
probelab unbind 00:01.0 >/dev/null 2>&1
run probelab claim group $G
if [ $rc -eq 0 ] && grep -q "group $G claimed" $T/out &&
   grep -q "blocked" $T/out && grep -q "released when this process exits" $T/err; then
	ok "claim group in a process of its own: claimed, blocked, and the note that it ends with the process"
else
	notok "one-shot claim (exit $rc)"; show $T/out $T/err
fi
run probelab --json status
flat | grep -q "\"group_id\":$G,[^}]*}[^}]*},\"owner_cnt\":0,\"owner\":\"none\"" &&
	ok "after that process exited the group has no owner again" || { notok "owner after a one-shot claim"; show $T/out; }

# a session: one owner token for every line
cat >$T/s1 <<EOF
# claims and domains of this file belong to one /dev/probelab file
claim group $G
domain alloc 00:01.0
domain alloc 00:01.0 --type identity
domain attach \$1 group $G
status
-claim group $G
check
domain attach \$2 device 00:01.0
domain detach group $G
domain free \$1
release group $G
EOF
run probelab session $T/s1
if [ $rc -eq 0 ] && grep -q "group $G claimed" $T/out &&
   grep -q '(\$1 in this session)' $T/out && grep -q '(\$2 in this session)' $T/out &&
   grep -Eq "^ +$G +smmu0 +[0-9]+/unmanaged +[0-9]+/dma +1 +1 claimed \(group\)$" $T/out &&
   grep -Eq "^ +[0-9]+ +pci-0000:00:01.0 +probed +$G +- +[0-9]+/unmanaged " $T/out &&
   grep -q "claimed already" $T/err &&
   grep -q "invariant checker: 0 violations" $T/out &&
   grep -q "detached (back on the blocking domain)" $T/out &&
   grep -q "group $G released" $T/out; then
	ok "session: claim, two domains (\$1, \$2), attach, status (owner, group and device domain), a tolerated EBUSY, check, detach, free, release"
else
	notok "session (exit $rc)"; show $T/out $T/err
fi
run probelab --json session $T/s1
lines=$(wc -l <$T/out)
if [ $rc -eq 0 ] && [ "$lines" -eq 11 ] && grep -q '^{"claimed":"group"' $T/out &&
   grep -q '"violations":\[\],"found":0,"total":0,"auto_check":true' $T/out &&
   grep -q '"errno":"EBUSY"' $T/out && grep -q '^{"released":"group"' $T/out; then
	ok "session --json: one document per line (11), check reports an empty violations array"
else
	notok "session --json (exit $rc, $lines lines)"; show $T/out $T/err
fi
printf 'claim group %s\ndomain attach 999 group %s\nrelease group %s\n' "$G" "$G" "$G" >$T/s2
run probelab session $T/s2
if [ $rc -eq 1 ] && grep -q "line 2 (domain) failed" $T/err && ! grep -q "released" $T/out; then
	ok "session stops at the first failing line (exit 1), later lines do not run"
else
	notok "session failure (exit $rc)"; show $T/out $T/err
fi
printf 'domain attach $3 group %s\n' "$G" >$T/s3
run probelab session $T/s3
[ $rc -eq 1 ] && grep -q '\$3 names no domain of this session' $T/err && ok "an unknown \$N is refused" ||
	{ notok "unknown \$N (exit $rc)"; show $T/err; }
run probelab domain attach 1 group $G
[ $rc -eq 1 ] && grep -q "EPERM" $T/err && grep -q "only the group's owner" $T/err &&
	ok "domain attach without owning the group: EPERM, explained" || { notok "attach by a non-owner (exit $rc)"; show $T/err; }
run probelab release group $G
[ $rc -eq 1 ] && grep -q "holds no group claim" $T/err && ok "release without a claim fails and says why" ||
	{ notok "release without a claim (exit $rc)"; show $T/err; }

# page tables: for real when the module has them, else EOPNOTSUPP
if probelab --json info | tr -d ' \n' | grep -q '"MAP"'; then
	cat >$T/s4 <<EOF
claim device 00:01.0
domain alloc 00:01.0
domain attach \$1 device 00:01.0
map \$1 0x40000000 0x80000000 2M
iova \$1 0x40123000
unmap \$1 0x40000000 2M
-iova \$1 0x40123000
domain detach device 00:01.0
EOF
	run probelab session $T/s4
	if [ $rc -eq 0 ] && grep -q "mapped IOVA 0x40000000 -> 0x80000000, 2097152 bytes (rw)" $T/out &&
	   grep -q "IOVA 0x40123000 -> 0x80123000" $T/out &&
	   grep -q "unmapped 2097152 bytes at IOVA 0x40000000" $T/out &&
	   grep -q "IOVA 0x40123000 is not mapped" $T/err; then
		ok "session: map 2M, iova, unmap, iova again (not mapped)"
	else
		notok "map/iova/unmap session (exit $rc)"; show $T/out $T/err
	fi
else
	printf 'claim device 00:01.0\ndomain alloc 00:01.0\nmap $1 0x40000000 0x80000000 2M\n' >$T/s4
	run probelab session $T/s4
	if [ $rc -eq 1 ] && grep -q "EOPNOTSUPP" $T/err && grep -q "no page tables" $T/err; then
		ok "session: map on a module without page tables fails with EOPNOTSUPP and says so"
	else
		notok "map without page tables (exit $rc)"; show $T/out $T/err
	fi
fi
run probelab map 1 0x1000 0x1000 4X
[ $rc -eq 2 ] && ok "map with a bad LENGTH is a usage error" || { notok "map 4X (exit $rc)"; show $T/err; }

run probelab --json check
if [ $rc -eq 0 ] && flat | grep -q '"violations":\[\],"found":0,"total":0,"auto_check":true'; then
	ok "check --json after all of it: empty violations array, total 0, auto-check on"
else
	notok "check --json (exit $rc)"; show $T/out
fi

# injection
run probelab inject --list
if [ $rc -eq 0 ] && grep -q "^22 injection points" $T/out &&
   grep -Eq "^  dma_configure +off +[0-9]+ +[0-9]+ +sleeps +bus->dma_configure" $T/out &&
   grep -Eq "^  hw.step +off +[0-9]+ +[0-9]+ +atomic .*\(delay only\)$" $T/out; then
	ok "inject --list: 22 points with their state, context and step"
else
	notok "inject --list (exit $rc)"; show $T/out $T/err
fi
run probelab inject dma_configure --fail EIO --dev 00:01.0
[ $rc -eq 0 ] && grep -q "dma_configure: armed: fail EIO, every hit, device [0-9]* only" $T/out &&
	ok "inject dma_configure --fail EIO --dev 00:01.0: $(cat $T/out)" || { notok "arm (exit $rc)"; show $T/out $T/err; }
run probelab bind 00:01.0
b1=$rc
grep -q "EIO" $T/err; e1=$?
run probelab bind 00:02.0
if [ $b1 -eq 1 ] && [ $e1 -eq 0 ] && [ $rc -eq 0 ] && grep -q "bound to probelab-dma" $T/out; then
	ok "the armed device's bind fails with EIO, the other device binds"
else
	notok "binds with dma_configure armed (exit $b1/$rc)"; show $T/out $T/err
fi
run probelab --json inject dma_configure
flat | grep -q '"point":"dma_configure","action":"fail","error":-5,"errno_name":"EIO"' && flat | grep -q '"hits":1,"fired":1' &&
	ok "inject POINT --json shows it: fail EIO, 1 hit, 1 fired" || { notok "inject query --json"; show $T/out; }
run probelab inject dma_configure --off
[ $rc -eq 0 ] && grep -q "off (it had 1 hits, 1 fired)" $T/out && probelab bind 00:01.0 >/dev/null 2>&1 &&
	ok "inject --off disarms (reporting the counts) and the device binds" || { notok "inject --off (exit $rc)"; show $T/out $T/err; }
run probelab inject hw.step --fail EIO
r1=$rc; grep -q "cannot fail" $T/err; e1=$?
run probelab inject nosuch --delay 5
r2=$rc; grep -q "no injection point 'nosuch'" $T/err; e2=$?
run probelab inject dma_configure --delay 5 --fail EIO
r3=$rc
run probelab inject dma_configure --fail EWHAT
r4=$rc
if [ $r1 -eq 1 ] && [ $e1 -eq 0 ] && [ $r2 -eq 1 ] && [ $e2 -eq 0 ] && [ $r3 -eq 2 ] && [ $r4 -eq 2 ]; then
	ok "inject refuses a FAIL on a delay-only point and an unknown point (exit 1), conflicting or bad options (exit 2)"
else
	notok "inject errors ($r1 $e1 $r2 $e2 $r3 $r4)"
fi

probelab check --auto off >/dev/null 2>&1
probelab reset >/dev/null 2>&1
echo "1..$n"
[ $fail -eq 0 ]

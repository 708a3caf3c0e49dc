# Guest shell test library (POSIX sh, busybox): the TAP counters and
# helpers the guest shell tests share.  Not a test: it is not executable
# (tests/guest/run runs every executable file) and is installed with mode
# 0644 next to the tests; a test sources it from its own folder:
#
#   . "$(dirname "$0")/lib.sh"
#
# Owns: the TAP result lines (ok, notok, their count $n and failures
# $fail), diagnostics (show), the scratch folder $T (tmpdir) and the run /
# check wrappers writing into it, the flattened JSON of the lab's status
# (status_flat, ndev, flat), the kernel-log checks (KBUGS, klog_since,
# kernel_log_clean), and the one-SMMUv3, two-PCI-device board several
# tests load (board_smmu0_2pci).
n=0
fail=0
# ok DESC / notok DESC: the next TAP result line
ok() { n=$((n + 1)); echo "ok $n - $*"; }
notok() { n=$((n + 1)); fail=$((fail + 1)); echo "not ok $n - $*"; }
# show FILE...: the files (or standard input) as TAP diagnostics, each line
# ended even when a file's last line is not
show() { awk '{ print "# " $0 }' "$@"; }

# tmpdir DIR: DIR, emptied, is $T, the scratch folder of the test
tmpdir() { T=$1; rm -rf "$T"; mkdir -p "$T"; }
# run CMD...: output in $T/out, errors in $T/err, status in $rc
run() { "$@" >$T/out 2>$T/err; rc=$?; }
# check DESC CMD...: CMD must succeed; its output in $T/out, shown if not
check() {
	desc=$1; shift
	if "$@" >$T/out 2>&1; then ok "$desc"; else notok "$desc"; show $T/out; fi
}
# flat: the JSON of $T/out without blanks and newlines
flat() { tr -d ' \n' <$T/out; }
# status_flat: `probelab --json status` without blanks and newlines
status_flat() { probelab --json status | tr -d ' \n'; }
# ndev: how many lab devices the status lists
ndev() { status_flat | grep -o '"dev_id"' | wc -l; }

# the kernel log lines that mean a kernel bug (grep -E)
KBUGS='BUG:|WARNING:|Oops|Call Trace|general protection|hung_task'
# klog_since BASE: the kernel log after its first BASE lines (BASE from
# `dmesg | wc -l`)
klog_since() { dmesg | tail -n +$(($1 + 1)); }
# kernel_log_clean BASE: a result "kernel log clean": no kernel bug logged
# after the first BASE lines, else the lines around each bug shown
kernel_log_clean() {
	if klog_since "$1" | grep -Eq "$KBUGS"; then
		notok "kernel log clean"
		klog_since "$1" | grep -E -A20 "$KBUGS" | head -40 | show
	else
		ok "kernel log clean"
	fi
}

# board_smmu0_2pci: a topology (JSON on standard output): policy fixed,
# DMA default domains, one SMMUv3 instance smmu0 translating the whole PCI
# segment 0 (stream ID = requester ID), PCI devices 00:01.0 and 00:02.0
board_smmu0_2pci() {
	cat <<'JSON'
{
  "version": 1,
  "policy": "fixed",
  "default_domain": "dma",
  "iommus": [ { "name": "smmu0", "type": "smmuv3", "sid_bits": 16 } ],
  "root_complexes": [
    { "name": "pcie0", "bus_end": 255,
      "id_maps": [ { "rid_base": 0, "length": "0x10000", "iommu": "smmu0",
                     "output_base": 0 } ] }
  ],
  "devices": [ { "type": "pci", "bdf": "00:01.0" }, { "type": "pci", "bdf": "00:02.0" } ]
}
JSON
}

#!/bin/sh
# suite.sh SETUP [PROGRAM]: what the LAVA test definition lava/probelab.yaml
# runs, from the top of the repository, inside lava-test-shell.
#   SETUP none  the QEMU image of lava/mkimage.sh: /init has loaded
#               probelab.ko, the guest tests are in /opt/probelab/tests
#   SETUP dkms  a board running Debian: lava/board-setup.sh installs the
#               module with dkms and builds the CLI and the tests first
#               (recorded as the test case "board-setup")
# Then the guest suite (all programs, or PROGRAM) prints its KTAP document
# (to the job's log, and kept in /tmp/probelab-ktap.log), and
# lava/ktap2lava.sh records every result as a LAVA test case.
here=$(cd "$(dirname "$0")" && pwd)
setup=${1:-}
prog=${2:-}
case $setup in
none)
	runner=/opt/probelab/tests/run
	;;
dkms)
	if "$here/board-setup.sh"; then
		lava-test-case board-setup --result pass
	else
		lava-test-case board-setup --result fail
		exit 1
	fi
	runner=$(cat /tmp/probelab-runner)
	;;
*)
	echo "suite.sh: SETUP must be none or dkms, not '$setup'" >&2
	exit 2
	;;
esac
[ -x "$runner" ] || { echo "suite.sh: $runner is missing" >&2; exit 1; }
# fd 3: the document to the log as well (no /dev/fd in the QEMU image)
exec 3>&1
# shellcheck disable=SC2086  # PROGRAM is one word or nothing
"$runner" $prog 2>&1 | tee /tmp/probelab-ktap.log /proc/self/fd/3 |
	"$here/ktap2lava.sh"

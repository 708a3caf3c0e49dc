#!/bin/sh
# The probelab LAVA image's command (lava/mkimage.sh): /init has set the
# guest up and loaded probelab.ko; this gives LAVA an interactive root
# shell on the console, with the prompt the job templates wait for
# ("probelab-lava:DIR# ": LAVA wants a ":" or a backslash in a prompt).
# When that shell exits, /init powers the guest off.  LAVA ends a job by
# typing "poweroff": with /init a shell script, busybox's signal to init
# would go unheard, so the shell's poweroff is "poweroff -f".
echo "alias poweroff='sync; poweroff -f'" >/etc/probelab-lava.rc
export HOME=/root PS1='probelab-lava:\w# ' ENV=/etc/probelab-lava.rc
cd / || exit 1
echo "probelab LAVA image: probelab.ko loaded; tests in /opt/probelab/tests"
# a session of its own, with the console as its controlling tty
exec setsid cttyhack sh -i

#!/usr/bin/env bash
# Stop the libvirtd that packaging/start-libvirtd.sh started, and only that one: a libvirtd the
# machine was already running (a developer's, a real host's) is left alone.
set -euo pipefail

STARTED_FILE=/run/quantix-started-libvirtd.pid
# libvirtd stops within a second of SIGTERM here; past this it is hung and gets SIGKILL.
STOP_WAIT_S=10

[[ -f $STARTED_FILE ]] || exit 0
pid=$(<"$STARTED_FILE")
rm -f "$STARTED_FILE"
[[ $pid =~ ^[0-9]+$ && -r /proc/$pid/comm && $(<"/proc/$pid/comm") == libvirtd ]] || exit 0

kill -TERM "$pid" 2>/dev/null || exit 0
deadline=$((SECONDS + STOP_WAIT_S))
while [[ -r /proc/$pid/comm ]]; do
    if ((SECONDS >= deadline)); then
        echo "stop-libvirtd: libvirtd (pid $pid) ignored SIGTERM for ${STOP_WAIT_S} s; killing it" >&2
        kill -KILL "$pid" 2>/dev/null || true
        break
    fi
    sleep 0.1
done

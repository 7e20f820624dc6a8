#!/usr/bin/env bash
# Start the console in demo mode: an embedded coordinator, three node daemons on libvirt's
# test driver and one (host-d) on this machine's libvirt, qemu:///session, so images have real
# storage. Without a display (a server, CI, ssh without -X), run on a virtual screen.
set -euo pipefail
cd "$(dirname "$0")/.."
# For a desktop user qemu:///session is a per-user libvirtd that libvirt starts by itself. For
# root it is the system daemon, which nothing starts on a machine without systemd: start it
# (it keeps running after the demo, as a system service would).
if [[ $(id -u) -eq 0 ]]; then
    VENV=.venv ./packaging/start-libvirtd.sh
fi
if [[ -n "${DISPLAY:-}" || -n "${WAYLAND_DISPLAY:-}" ]]; then
    exec .venv/bin/quantix-console --demo "$@"
fi
echo "run-demo: no display found; starting the demo on a virtual X screen (xvfb-run)." >&2
echo "run-demo: set DISPLAY to see the window on your desktop." >&2
exec xvfb-run -a -s "-screen 0 1440x900x24" .venv/bin/quantix-console --demo "$@"

#!/usr/bin/env bash
# Start the console in demo mode: an embedded coordinator and three node daemons on libvirt's
# test driver. Without a display (a server, CI, ssh without -X), run on a virtual screen.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ -n "${DISPLAY:-}" || -n "${WAYLAND_DISPLAY:-}" ]]; then
    exec .venv/bin/quantix-console --demo "$@"
fi
echo "run-demo: no display found; starting the demo on a virtual X screen (xvfb-run)." >&2
echo "run-demo: set DISPLAY to see the window on your desktop." >&2
exec xvfb-run -a -s "-screen 0 1440x900x24" .venv/bin/quantix-console --demo "$@"

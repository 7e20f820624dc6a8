#!/usr/bin/env bash
# The test suite as `make test` runs it: a real libvirtd for the storage tests, started for the
# run and stopped when it ends (pass, fail or Ctrl+C), then the whole suite offscreen.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${VENV:-.venv}"

trap ./packaging/stop-libvirtd.sh EXIT
VENV="$VENV" ./packaging/start-libvirtd.sh
QT_QPA_PLATFORM=offscreen "$VENV/bin/python" -m pytest -q "$@"

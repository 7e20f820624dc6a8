#!/usr/bin/env bash
# Build the console bundle: dist/quantix-console/ (PyInstaller one-dir, packaging/pyinstaller/).
#
# It is built from a venv of its own, build/venv-bundle, holding only what the console runs on
# (packaging/requirements.py console) and PyInstaller: PyInstaller bundles whatever it finds
# imported, so the dev venv (grpcio-tools, pytest, hypothesis, ruff) must not be the one used.
# The venv is made from Debian's python3 by default: its shared libpython is what the bundle
# carries (PyInstaller needs a Python built with --enable-shared, which Debian's is).
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-/usr/bin/python3}"
VENV=build/venv-bundle
# PyInstaller 6 is the line whose hooks know PySide6 6.8-6.11 and Python 3.11; 7 may change
# the spec format.
PYINSTALLER="pyinstaller>=6.10,<7"

stamp="$VENV/.quantix-requirements"
wanted=$("$PYTHON" packaging/requirements.py console; echo "$PYINSTALLER")
if [[ ! -x $VENV/bin/python ]]; then
    "$PYTHON" -m venv "$VENV"
fi
if [[ ! -f $stamp || $(<"$stamp") != "$wanted" ]]; then
    echo "build-bundle: installing the console's runtime requirements and PyInstaller into $VENV"
    "$VENV/bin/python" -m pip install -q --upgrade pip
    # shellcheck disable=SC2086  # one requirement per line
    (IFS=$'\n'; "$VENV/bin/python" -m pip install -q $wanted)
    printf '%s' "$wanted" >"$stamp"
fi

"$VENV/bin/python" -m PyInstaller --noconfirm --log-level WARN \
    --distpath dist --workpath build/pyinstaller packaging/pyinstaller/quantix-console.spec
echo "build-bundle: dist/quantix-console/quantix-console ($(du -sh dist/quantix-console | cut -f1))"

#!/usr/bin/env bash
# Build the macOS console: "Quantix Console.app" from the SAME PyInstaller spec as Linux (its
# BUNDLE step runs on darwin) and a .dmg with hdiutil.
# NOT RUN: written for macOS 13+ with Python 3.11 (python.org). libvirt-python needs
# Homebrew's libvirt (`brew install libvirt pkg-config`) for the demo's node daemons.
set -euo pipefail
cd "$(dirname "$0")/../.."
VENV=build/venv-bundle
[[ -x $VENV/bin/python ]] || python3.11 -m venv "$VENV"
# pyroute2 is Linux netlink: the demo on macOS has no switches (its namespaces need root on Linux).
# A read loop, not mapfile: macOS's own /bin/bash is 3.2, which has no mapfile.
requirements=()
while IFS= read -r requirement; do
    requirements+=("$requirement")
done < <("$VENV/bin/python" packaging/requirements.py console | grep -v '^pyroute2')
"$VENV/bin/python" -m pip install -q "${requirements[@]}" "pyinstaller>=6.10,<7" pillow
mkdir -p build/icon
"$VENV/bin/python" packaging/render_icon.py build/icon/quantix.icns
"$VENV/bin/python" -m PyInstaller --noconfirm --distpath dist --workpath build/pyinstaller \
    packaging/pyinstaller/quantix-console.spec
version=$("$VENV/bin/python" -m domain.version)
hdiutil create -volname "Quantix Console" -srcfolder "dist/Quantix Console.app" -ov -format UDZO \
    "dist/quantix-console-$version.dmg"

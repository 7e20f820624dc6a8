#!/usr/bin/env bash
# Build quantix-console, quantix-coordinator and quantix-node .debs into dist/ with Debian's own
# tools (dpkg-buildpackage + debhelper), from packaging/debian/. The console bundle must be
# built first (packaging/build-bundle.sh; `make packages` does both).
#
# dpkg-buildpackage wants debian/ at the top of a source tree: the tree is staged in
# build/deb/quantix-VERSION/ as debian/ (a copy of packaging/debian with the changelog made
# from domain/version.py) and root/ (a link to this checkout).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

PYTHON=/usr/bin/python3
VERSION=$("$PYTHON" -m domain.version)
[[ -x dist/quantix-console/quantix-console ]] ||
    { echo "build-debs: no console bundle in dist/quantix-console: run packaging/build-bundle.sh first" >&2; exit 1; }

# Quantix itself as one wheel, installed into both daemons' venvs.
rm -rf build/wheels
"$PYTHON" -m venv build/venv-wheel
build/venv-wheel/bin/python -m pip install -q --upgrade pip build
build/venv-wheel/bin/python -m build -q --wheel --outdir build/wheels . >/dev/null

stage=build/deb/quantix-$VERSION
rm -rf build/deb
mkdir -p "$stage"
cp -r packaging/debian "$stage/debian"
rm "$stage/debian/changelog.in"
sed -e "s/@VERSION@/$VERSION/g" -e "s/@DATE@/$(date -R)/" \
    packaging/debian/changelog.in >"$stage/debian/changelog"
ln -s "$ROOT" "$stage/root"

# -b: binary packages only; -us -uc: unsigned (a repository signs what it publishes).
(cd "$stage" && dpkg-buildpackage -b -us -uc) >build/deb/build.log 2>&1 ||
    { tail -n 40 build/deb/build.log >&2; echo "build-debs: dpkg-buildpackage failed (log: build/deb/build.log)" >&2; exit 1; }

rm -f dist/quantix-*.deb
mv build/deb/quantix-*_"$VERSION"-1_*.deb dist/
ls -l dist/*.deb

#!/usr/bin/env bash
# venv.sh PROGRAM PACKAGE_ROOT PREFIX: a venv of Debian's python3 holding Quantix and PROGRAM's
# runtime requirements (packaging/requirements.py), made in PACKAGE_ROOT/PREFIX so that it runs
# once installed at PREFIX:
# - bin/python is a symlink to /usr/bin/python3.X and pyvenv.cfg names /usr/bin: nothing in
#   them depends on where the venv was built;
# - the entry-point scripts' shebangs are rewritten to PREFIX/bin/python; pip, activate and
#   the other build-time tools are removed (a daemon's venv is not for installing into);
# - .pyc files are compiled with PREFIX paths (tracebacks name installed files), and pip
#   compiles nothing with build paths in the first place.
# The Quantix wheel is built from root/ (the checkout) by packaging/build-debs.sh.
set -euo pipefail

program=$1
package_root=$2
prefix=$3
venv="$package_root$prefix"
python=/usr/bin/python3

rm -rf "$venv"
"$python" -m venv "$venv"
"$venv/bin/python" -m pip install -q --no-compile --upgrade pip
mapfile -t requirements < <("$python" root/packaging/requirements.py "$program")
"$venv/bin/python" -m pip install -q --no-compile "${requirements[@]}"
"$venv/bin/python" -m pip install -q --no-compile --no-deps root/build/wheels/quantix-*.whl

# Only the interpreter links and the package's own commands stay in bin/. Both packages carry
# quantixctl (an alternative for /usr/bin/quantixctl, see *.alternatives): the coordinator's
# postinst runs `pki init` where the CA is, and a node's admin reads the fleet's view of the
# host (`quantixctl hosts show`) and its completion on the host itself.
case $program in
    coordinator) commands=(quantix-coordinator quantixctl) ;;
    node) commands=(quantix-node quantixctl) ;;
    *) echo "venv.sh: unknown program $program" >&2; exit 2 ;;
esac
keep=(! -name 'python*')
for command in "${commands[@]}"; do keep+=(! -name "$command"); done
find "$venv/bin" -mindepth 1 -maxdepth 1 "${keep[@]}" -delete
for command in "${commands[@]}"; do
    sed -i "1s|^#!.*$|#!$prefix/bin/python|" "$venv/bin/$command"
done
sed -i "s|$package_root||g" "$venv/pyvenv.cfg"
"$venv/bin/python" -m pip uninstall -q -y pip setuptools
"$python" -m compileall -q -s "$package_root" -p / "$venv/lib"

#!/usr/bin/env bash
# Set up everything Quantix needs on a fresh Debian 12 machine: system packages (with apt when
# run as root, otherwise a list of what is missing), a virtualenv in .venv with Quantix and its
# dev tools. Idempotent: a second run only checks.
set -euo pipefail

cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
VENV="${VENV:-.venv}"

wanted=$(grep -v '^\s*#' packaging/system-packages.txt | grep -v '^\s*$')
missing=()
for pkg in $wanted; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$pkg")
    fi
done

if ((${#missing[@]})); then
    if [[ $(id -u) -eq 0 ]]; then
        echo "bootstrap: installing system packages: ${missing[*]}"
        export DEBIAN_FRONTEND=noninteractive
        # A minimal Debian has no apt-utils: debconf would say so once per run.
        export DEBCONF_NOWARNINGS=yes
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    else
        echo "bootstrap: missing system packages (run as root, or install them):" >&2
        echo "  sudo apt-get install ${missing[*]}" >&2
        exit 1
    fi
fi

# libvirt reads the mount table from /etc/mtab (netfs pools: "cannot read mount list
# '/etc/mtab'" instead of the mount's own error). Debian's init system makes the link; a minimal
# root (debootstrap minbase, a container) has none: make the standard link to the kernel's table.
if [[ ! -e /etc/mtab ]]; then
    if [[ $(id -u) -eq 0 ]]; then
        echo "bootstrap: /etc/mtab is missing; linking it to /proc/self/mounts (as Debian does)"
        ln -s ../proc/self/mounts /etc/mtab
    else
        echo "bootstrap: /etc/mtab is missing: run 'sudo ln -s ../proc/self/mounts /etc/mtab'" >&2
        exit 1
    fi
fi

if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    echo "bootstrap: $PYTHON is $("$PYTHON" --version 2>&1); Quantix needs Python 3.11 or newer" >&2
    exit 1
fi

stamp="$VENV/.quantix-installed"
if [[ ! -x "$VENV/bin/python" ]]; then
    "$PYTHON" -m venv "$VENV"
fi
if [[ ! -f "$stamp" || pyproject.toml -nt "$stamp" ]]; then
    echo "bootstrap: installing Quantix and its dependencies into $VENV"
    "$VENV/bin/python" -m pip install -q --upgrade pip
    # setuptools' editable install prints a notice that is not about this project ("be careful
    # with folders named like your package"); -q does not reach the build backend's warnings.
    PYTHONWARNINGS=ignore "$VENV/bin/python" -m pip install -q -e '.[node,dev]'
    touch "$stamp"
fi

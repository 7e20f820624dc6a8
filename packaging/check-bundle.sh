#!/usr/bin/env bash
# Check a console bundle the way a machine without Python would run it:
#   packaging/check-bundle.sh [BUNDLE_DIR]      (default dist/quantix-console)
# 1. it carries its own libpython and every shared library its Python, Qt platform plugins
#    and libvirt module need resolves (ldd);
# 2. `quantix-console --version` prints this checkout's version in an empty environment
#    (env -i: no PYTHONPATH, no venv, PATH without any Python of ours);
# 3. `quantix-console --demo` offscreen starts its coordinator and node daemons as children of
#    the bundle's own executable (--quantix-run-module), and stops them all on SIGTERM.
set -euo pipefail
cd "$(dirname "$0")/.."

BUNDLE="$(realpath "${1:-dist/quantix-console}")"
EXE="$BUNDLE/quantix-console"
LIBS="$BUNDLE/_internal"
# The demo starts 5 daemons, each importing grpc (and libvirt) first: ~3 s on an idle 2-core
# machine; a loaded CI machine gets ten times that before the check calls it failed.
DEMO_START_S=60
# The console stops its demo fleet on SIGTERM: each daemon has 5 s of graceful stop (plus the
# demo's own 20 s bound on the whole); past this the console is hung.
DEMO_STOP_S=30
VERSION="$(python3 -m domain.version)"
EMPTY_ENV=(env -i PATH=/usr/bin:/bin)

fail() {
    echo "check-bundle: $*" >&2
    exit 1
}

# 1. A Python of its own, and nothing it loads missing.
compgen -G "$LIBS/libpython3*.so*" >/dev/null || fail "$LIBS has no libpython: the bundle needs a Python on the machine"
missing=$(
    for lib in "$LIBS"/libpython3*.so* "$LIBS"/libvirtmod*.so \
        "$LIBS"/PySide6/Qt/plugins/platforms/libq{xcb,offscreen}.so; do
        ldd "$lib" | sed -n "s|^\s*\(.*not found\)|$(basename "$lib"): \1|p"
    done
)
[[ -z $missing ]] || fail "libraries not found (install them, or add them to the package's Depends):"$'\n'"$missing"
echo "check-bundle: own libpython; every library of Python, Qt's xcb/offscreen plugins and libvirt resolves"

# 2. --version with no Python environment at all.
got=$("${EMPTY_ENV[@]}" "$EXE" --version) || fail "$EXE --version failed"
[[ $got == "quantix-console $VERSION" ]] || fail "$EXE --version printed '$got', expected 'quantix-console $VERSION'"
echo "check-bundle: $got"

# 3. The demo, offscreen, its children being the bundle's own executable.
scratch=$(mktemp -d)
demo_pid=""
cleanup() {
    [[ -n $demo_pid ]] && kill -KILL "$demo_pid" 2>/dev/null
    rm -rf "$scratch"
}
trap cleanup EXIT

children_of_bundle() {
    local proc cmdline
    for proc in /proc/[0-9]*; do
        cmdline=$(tr '\0' ' ' <"$proc/cmdline" 2>/dev/null) || continue
        [[ $cmdline == "$EXE --quantix-run-module "* ]] && echo "${proc#/proc/} ${cmdline#"$EXE" }"
    done
    return 0
}

"${EMPTY_ENV[@]}" HOME="$scratch" QT_QPA_PLATFORM=offscreen "$EXE" --demo --verbose \
    >"$scratch/console.log" 2>&1 &
demo_pid=$!
deadline=$((SECONDS + DEMO_START_S))
until grep -q "demo fleet started in" "$scratch/console.log"; do
    kill -0 "$demo_pid" 2>/dev/null || fail "the console exited during the demo's start; its log:"$'\n'"$(tail -n 30 "$scratch/console.log")"
    ((SECONDS < deadline)) || fail "the demo fleet did not start within ${DEMO_START_S} s; the console's log:"$'\n'"$(tail -n 30 "$scratch/console.log")"
    sleep 0.2
done
children=$(children_of_bundle)
for daemon in coordinator node_daemon; do
    grep -q "localfleet.child [0-9]* $daemon " <<<"$children" ||
        fail "no $daemon started by the bundle; its children:"$'\n'"$children"
done
echo "check-bundle: --demo started $(grep -c "localfleet.child" <<<"$children") daemons from the bundle's own executable"

kill -TERM "$demo_pid"
deadline=$((SECONDS + DEMO_STOP_S))
while kill -0 "$demo_pid" 2>/dev/null; do
    ((SECONDS < deadline)) || fail "the console did not stop within ${DEMO_STOP_S} s of SIGTERM"
    sleep 0.2
done
wait "$demo_pid" || fail "the console exited with status $? after SIGTERM; its log:"$'\n'"$(tail -n 30 "$scratch/console.log")"
demo_pid=""
left=$(children_of_bundle)
[[ -z $left ]] || fail "daemons left running after the console stopped:"$'\n'"$left"
echo "check-bundle: SIGTERM stopped the console and every daemon it started"

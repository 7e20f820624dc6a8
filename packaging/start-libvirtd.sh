#!/usr/bin/env bash
# Start a real libvirtd for the storage tests (and a developer's machine) when none runs, and
# wait until qemu:///system answers with the storage backends Quantix uses. Idempotent: with
# libvirtd already answering it only checks.
#
# These machines have no systemd (see ../shared/NOTES.md): libvirtd runs as a plain daemon
# (`libvirtd -d`), after making the directories, the user and the groups that Debian's
# libvirt-daemon-system package would otherwise create. Needs root: qemu:///system is the
# privileged driver, and the storage backends mount file systems and log into iSCSI targets.
set -euo pipefail

cd "$(dirname "$0")/.."
VENV="${VENV:-.venv}"

# How long to wait for qemu:///system to answer after starting libvirtd: it answers in well
# under a second here; 30 s leaves room for a loaded 2-core CI machine loading every storage
# backend, and a daemon that has not answered by then is broken (we print its log).
WAIT_S="${LIBVIRTD_WAIT_S:-30}"
# One question to libvirtd answers in milliseconds; a daemon that is hung must not hang us.
ASK_TIMEOUT_S=10
URI="qemu:///system"
LOG=/var/log/libvirt/quantix-libvirtd.log
# The storage backends the node daemon's tests use. libvirtd loads its backends when it
# starts: one started before their packages were installed lacks them until restarted.
BACKENDS=(dir netfs iscsi iscsi-direct rbd)

if [[ $(id -u) -ne 0 ]]; then
    echo "start-libvirtd: must run as root: the node daemon's storage tests need a real" >&2
    echo "  libvirtd on $URI (they are part of the suite and fail without it)." >&2
    echo "  Run 'sudo make test', or start libvirtd yourself (see ../shared/NOTES.md)." >&2
    exit 1
fi

# libvirt-python from the venv asks (virsh, in libvirt-clients, is not needed otherwise).
ask() {
    timeout "$ASK_TIMEOUT_S" "$VENV/bin/python" - "$URI" "$@"
}

answers() {
    ask >/dev/null 2>&1 <<'PY'
import sys
import libvirt
libvirt.registerErrorHandler(lambda *_: None, None)
libvirt.open(sys.argv[1]).close()
PY
}

missing_backends() {
    ask "${BACKENDS[@]}" <<'PY'
import sys
import xml.etree.ElementTree as ET
import libvirt
libvirt.registerErrorHandler(lambda *_: None, None)
conn = libvirt.open(sys.argv[1])
caps = ET.fromstring(conn.getStoragePoolCapabilities(0))
supported = {pool.get("type") for pool in caps.iter("pool") if pool.get("supported") == "yes"}
print(" ".join(t for t in sys.argv[2:] if t not in supported))
PY
}

check_backends() {
    local missing
    missing=$(missing_backends)
    if [[ -n $missing ]]; then
        echo "start-libvirtd: libvirtd on $URI lacks the storage backends: $missing" >&2
        echo "  install packaging/system-packages.txt, then restart libvirtd" >&2
        exit 1
    fi
}

if answers; then
    check_backends
    exit 0
fi

if ! command -v libvirtd >/dev/null; then
    echo "start-libvirtd: libvirtd not found: install packaging/system-packages.txt first" >&2
    echo "  (make setup, or packaging/bootstrap.sh as root)" >&2
    exit 1
fi

mkdir -p /var/log/libvirt /var/lib/libvirt/images /var/cache/libvirt /run/libvirt /etc/libvirt
# iscsiadm keeps its lock in /run/lock, which a booted Debian makes at start (tmpfiles): a root
# whose /run is a bare tmpfs (a chroot, a container) lacks it and every iSCSI login then fails.
mkdir -p -m 1777 /run/lock
# The QEMU driver refuses to load without the user and group it runs guests as (Debian's
# libvirt runs them as user libvirt-qemu, group libvirt-qemu; /dev/kvm belongs to kvm).
getent group kvm >/dev/null || groupadd -r kvm
getent group libvirt-qemu >/dev/null || groupadd -r libvirt-qemu
getent passwd libvirt-qemu >/dev/null ||
    useradd -r -M -g libvirt-qemu -G kvm -d /var/lib/libvirt -s /usr/sbin/nologin libvirt-qemu
# libvirtd's socket group (libvirt-daemon-system makes it); harmless when unused.
getent group libvirt >/dev/null || groupadd -r libvirt

# libvirtd -d writes its pid here. A minimal Debian has no `ps` (procps), so /proc is read
# directly: a process that has exited but is not yet reaped (state Z, a zombie) is not running.
PID_FILE=/run/libvirtd.pid
# Where this script notes a libvirtd it started, so packaging/stop-libvirtd.sh stops only that
# one and never a daemon the machine was already running.
STARTED_FILE=/run/quantix-started-libvirtd.pid
running() {
    local pid state
    [[ -f $PID_FILE ]] || return 1
    pid=$(<"$PID_FILE")
    [[ $pid =~ ^[0-9]+$ && -r /proc/$pid/stat ]] || return 1
    # The state is the field after the parenthesised command name.
    state=$(sed -E 's/^.*\) ([A-Z]).*$/\1/' "/proc/$pid/stat")
    [[ $state != Z && $(<"/proc/$pid/comm") == libvirtd ]]
}

if ! running; then
    # A stale pid file from a killed libvirtd makes a new one refuse to start.
    rm -f "$PID_FILE"
    # A fresh log, so a failure below shows this start's lines, not an earlier daemon's.
    [[ -f $LOG ]] && mv -f "$LOG" "$LOG.old"
    echo "start-libvirtd: starting libvirtd (log: $LOG)"
    LIBVIRT_LOG_OUTPUTS="3:file:$LOG" libvirtd -d
    started=1
fi

deadline=$((SECONDS + WAIT_S))
until answers; do
    if ((SECONDS >= deadline)); then
        echo "start-libvirtd: libvirtd did not answer on $URI within ${WAIT_S} s; its log:" >&2
        tail -n 30 "$LOG" >&2 || true
        exit 1
    fi
    if ! running; then
        echo "start-libvirtd: libvirtd exited at start-up; its log:" >&2
        tail -n 30 "$LOG" >&2 || true
        exit 1
    fi
    # Short enough to notice at once, long enough not to spin.
    sleep 0.2
done
check_backends
if [[ -n ${started:-} ]]; then
    cp "$PID_FILE" "$STARTED_FILE"
fi
echo "start-libvirtd: libvirtd answers on $URI"

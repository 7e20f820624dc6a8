"""InitStoragePool on this host: secret, define, build, start, autostart, refresh; undo on failure.

``init_pool`` blocks (a step per libvirt call, each through ``LibvirtConnection.call_sync``):
run it in a worker thread. It runs to the end, rollback included, even when the caller has
stopped waiting, so a deadline never leaves a half-made pool behind.

Idempotent: a pool of the same name whose settings (``domain.pool_xml.describe_pool_xml``)
match the spec is reused (started if inactive, secret updated); one whose settings differ is a
CONFLICT that lists the differences, and nothing is changed.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field

import libvirt

from domain.pool_xml import (
    describe_pool_xml,
    libvirt_pool_type,
    needs_secret,
    secret_uuid,
    settings_differences,
)
from domain.pools import PoolSpec
from node_daemon.libvirt_conn import LibvirtCallError, LibvirtConnection
from node_daemon.pool_errors import (
    AUTOSTART,
    AUTOSTART_FAILED,
    BUILD_DIR,
    BUILD_FAILED,
    BUILD_MOUNT_POINT,
    COMPARE,
    CONFLICT,
    DEFINE,
    DEFINE_FAILED,
    LOOKUP,
    POOL_NOT_FOUND,
    READ,
    REFRESH,
    REFRESH_FAILED,
    SECRET,
    SECRET_FAILED,
    PoolOpError,
    libvirt_text,
    run_step,
    start_step,
)
from node_daemon.pool_secrets import secret_exists, secret_label, store_secret, undefine_secret
from node_daemon.pool_settings import pool_xml_for, unkept_settings, unsupported_fields
from node_daemon.pool_teardown import destroy_if_active, undefine_if_defined
from node_daemon.pools import read_pool
from proto.quantix.v1 import common_pb2

log = logging.getLogger(__name__)

# Pool types whose build makes what start needs: the directory (dir) or the mount point (netfs).
# Other types have nothing to build (rbd, iscsi) or would format disks (fs, disk, logical).
_BUILT_TYPES = frozenset({"dir", "netfs"})


@dataclass
class InitResult:
    pool: common_pb2.HostStoragePool
    notes: list[str] = field(default_factory=list)


class _Undo:
    """What this call made, undone newest first when a later step fails."""

    def __init__(self, libvirt_conn: LibvirtConnection, pool_name: str) -> None:
        self._libvirt = libvirt_conn
        self._pool = pool_name
        self._actions: list[tuple[str, Callable[[], object]]] = []

    def libvirt(self, label: str, fn: Callable[[libvirt.virConnect], object]) -> None:
        self._actions.append((label, lambda: self._libvirt.call_sync(label, fn)))

    def local(self, label: str, fn: Callable[[], object]) -> None:
        self._actions.append((label, fn))

    def run(self) -> list[str]:
        """Undo everything; the failures, as "<label> failed: <why>"."""
        failures = []
        for label, action in reversed(self._actions):
            try:
                action()
                log.info("pool %s: undone: %s", self._pool, label, extra={"pool": self._pool})
            except LibvirtCallError as error:
                failures.append(f"{label} failed: {libvirt_text(error.detail)}")
            except OSError as error:
                failures.append(f"{label} failed: {error}")
        for failure in failures:
            log.warning("pool %s: %s", self._pool, failure, extra={"pool": self._pool})
        return failures


def _lookup(conn: libvirt.virConnect, name: str) -> libvirt.virStoragePool:
    return conn.storagePoolLookupByName(name)


def _xml_or_none(conn: libvirt.virConnect, name: str) -> str | None:
    try:
        return _lookup(conn, name).XMLDesc(0)
    except libvirt.libvirtError as error:
        if error.get_error_code() == libvirt.VIR_ERR_NO_STORAGE_POOL:
            return None
        raise


def _start(conn: libvirt.virConnect, name: str) -> None:
    pool = _lookup(conn, name)
    if not pool.isActive():  # replayed after a dropped connection: it may have started
        pool.create(0)


def _read_back(conn: libvirt.virConnect, name: str) -> tuple[str, str, bool]:
    """(driver name, pool XML as libvirt keeps it, active)."""
    pool = _lookup(conn, name)
    return conn.getType(), pool.XMLDesc(0), bool(pool.isActive())


def init_pool(libvirt_conn: LibvirtConnection, spec: PoolSpec, data_dir: str) -> InitResult:
    """Make ``spec`` (validated) an active, autostarted pool on this host."""
    name = spec.name
    xml = pool_xml_for(spec, data_dir)
    wanted = describe_pool_xml(xml)
    existing = run_step(libvirt_conn, LOOKUP, DEFINE_FAILED, lambda c: _xml_or_none(c, name))
    if existing is not None:
        differences = settings_differences(wanted, describe_pool_xml(existing))
        if differences:
            raise PoolOpError(
                CONFLICT,
                COMPARE,
                f"a pool named {name} already exists on this host with other settings: "
                + "; ".join(differences),
            )
    undo = _Undo(libvirt_conn, name)
    try:
        return _make(libvirt_conn, spec, xml, existing is None, undo)
    except PoolOpError as error:
        log.warning("pool %s: %s; undoing what this call made", name, error)
        failures = undo.run()
        if failures:
            raise error.with_note("undoing: " + "; ".join(failures)) from error.__cause__
        raise


def _make(
    libvirt_conn: LibvirtConnection,
    spec: PoolSpec,
    xml: str,
    define: bool,
    undo: _Undo,
) -> InitResult:
    name = spec.name
    notes: list[str] = []
    if needs_secret(spec):
        notes += _store_secret(libvirt_conn, spec, undo)
    if define:
        run_step(libvirt_conn, DEFINE, DEFINE_FAILED, lambda c: c.storagePoolDefineXML(xml, 0))
        undo.libvirt("undefining the pool", lambda c: undefine_if_defined(c, name))
        log.info("pool %s: defined", name, extra={"pool": name})
    driver, kept_xml, active = run_step(
        libvirt_conn, READ, DEFINE_FAILED, lambda c: _read_back(c, name)
    )
    notes += unkept_settings(describe_pool_xml(xml), describe_pool_xml(kept_xml), driver)
    if not active:
        pool_type = libvirt_pool_type(spec)
        if pool_type in _BUILT_TYPES:
            _build(libvirt_conn, name, pool_type, describe_pool_xml(xml).target_path, undo)
        step, reason = start_step(pool_type)
        run_step(libvirt_conn, step, reason, lambda c: _start(c, name))
        undo.libvirt("stopping the pool", lambda c: destroy_if_active(c, name))
        log.info("pool %s: started", name, extra={"pool": name})
    run_step(libvirt_conn, AUTOSTART, AUTOSTART_FAILED, lambda c: _lookup(c, name).setAutostart(1))
    run_step(libvirt_conn, REFRESH, REFRESH_FAILED, lambda c: _lookup(c, name).refresh(0))
    entry = run_step(libvirt_conn, READ, REFRESH_FAILED, lambda c: read_pool(_lookup(c, name)))
    if entry is None:
        raise PoolOpError(POOL_NOT_FOUND, READ, f"pool {name} vanished while it was initialized")
    notes += unsupported_fields(spec)
    log.info(
        "pool %s: initialized, capacity %d bytes",
        name,
        entry.capacity_bytes,
        extra={"pool": name, "notes": notes},
    )
    return InitResult(entry, notes)


def _store_secret(libvirt_conn: LibvirtConnection, spec: PoolSpec, undo: _Undo) -> list[str]:
    """Store the key / CHAP secret; notes when the driver keeps no secrets."""
    exists = run_step(libvirt_conn, SECRET, SECRET_FAILED, lambda c: secret_exists(c, spec))
    if exists is False:
        # Registered before storing: a define that succeeds followed by a setValue that fails
        # still leaves a secret this call made.
        undo.libvirt("deleting the secret it stored", lambda c: undefine_secret(c, spec))
    stored = run_step(libvirt_conn, SECRET, SECRET_FAILED, lambda c: store_secret(c, spec))
    if stored:
        return []
    driver = libvirt_conn.call_sync(SECRET.label, lambda c: c.getType())
    return [
        f"libvirt's {driver} driver keeps no secrets: the {secret_label(spec)} was not stored "
        f"on this host (the pool refers to libvirt secret {secret_uuid(spec)}, which does not "
        "exist here)"
    ]


def _build(
    libvirt_conn: LibvirtConnection, name: str, pool_type: str, target: str, undo: _Undo
) -> None:
    """Create the directory / mount point (libvirt's build; it keeps an existing one as is).

    The node runs on the host libvirt manages, so whether the target existed is checked here:
    a directory this call made is removed again on rollback (only while empty).
    """
    step = BUILD_DIR if pool_type == "dir" else BUILD_MOUNT_POINT
    existed = os.path.lexists(target)
    run_step(libvirt_conn, step, BUILD_FAILED, lambda c: _lookup(c, name).build(0))
    if not existed and os.path.isdir(target):
        undo.local(f"removing the directory {target} it created", lambda: os.rmdir(target))

"""RefreshStoragePool, ListVolumes and GetStoragePoolXml on this host (blocking libvirt calls)."""

from __future__ import annotations

import libvirt

from node_daemon.libvirt_conn import LibvirtConnection
from node_daemon.pool_errors import (
    LIST_VOLUMES,
    NO_REASON,
    POOL_NOT_FOUND,
    READ_XML,
    REFRESH,
    REFRESH_FAILED,
    PoolOpError,
    Step,
    run_step,
)
from node_daemon.pools import read_pool
from node_daemon.volumes import list_volumes
from proto.quantix.v1 import common_pb2


def _not_active(name: str, step: Step, reason: str, what: str) -> PoolOpError:
    return PoolOpError(
        reason,
        step,
        f"{step.label} failed: pool {name} is not active, so its {what}: "
        "initialize it again to start it",
        not_active=True,
    )


def _vanished(name: str, step: Step) -> PoolOpError:
    return PoolOpError(POOL_NOT_FOUND, step, f"{step.label} failed: pool {name} vanished")


def refresh_pool(libvirt_conn: LibvirtConnection, name: str) -> common_pb2.HostStoragePool:
    """Rescan the pool (volumes made outside libvirt appear) and read its capacity."""

    def refresh(conn: libvirt.virConnect) -> tuple[bool, common_pb2.HostStoragePool | None]:
        pool = conn.storagePoolLookupByName(name)
        if not pool.isActive():
            return False, None
        pool.refresh(0)
        return True, read_pool(pool)

    active, entry = run_step(libvirt_conn, REFRESH, REFRESH_FAILED, refresh)
    if not active:
        raise _not_active(name, REFRESH, REFRESH_FAILED, "storage cannot be rescanned")
    if entry is None:
        raise _vanished(name, REFRESH)
    return entry


def pool_volumes(libvirt_conn: LibvirtConnection, name: str) -> list[common_pb2.Volume]:
    """The volumes of an active pool as libvirt last scanned them (RefreshStoragePool rescans)."""

    def volumes(conn: libvirt.virConnect) -> list[common_pb2.Volume] | None:
        pool = conn.storagePoolLookupByName(name)
        return list_volumes(pool) if pool.isActive() else None

    found = run_step(libvirt_conn, LIST_VOLUMES, NO_REASON, volumes)
    if found is None:
        raise _not_active(name, LIST_VOLUMES, NO_REASON, "volumes cannot be listed")
    return found


def pool_xml(libvirt_conn: LibvirtConnection, name: str) -> str:
    """The pool's XML as libvirt has it: secrets appear as <secret uuid=.../> references only."""
    return run_step(
        libvirt_conn,
        READ_XML,
        NO_REASON,
        lambda conn: conn.storagePoolLookupByName(name).XMLDesc(0),
    )

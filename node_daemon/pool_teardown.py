"""DestroyStoragePool on this host: stop (unmounting a netfs pool), undefine, delete its secret.

Blocking (libvirt calls through ``LibvirtConnection.call_sync``): run it in a worker thread.
Volumes are never deleted: a pool that holds some is refused unless forced, and even then its
volumes stay where they are (files in the directory, images in Ceph, LUNs on the target).
"""

from __future__ import annotations

import logging
import os
import posixpath
from dataclasses import dataclass

import libvirt

from node_daemon import xmlutil
from node_daemon.libvirt_conn import LibvirtConnection, error_text, is_connection_error
from node_daemon.pool_errors import (
    CHECK_VOLUMES,
    DELETE_SECRET,
    DESTROY,
    DESTROY_FAILED,
    HAS_VOLUMES,
    LOOKUP,
    SECRET_FAILED,
    UNDEFINE,
    UNDEFINE_FAILED,
    PoolOpError,
    run_step,
)
from node_daemon.pool_secrets import delete_pool_secret
from node_daemon.pool_settings import default_mount_root
from node_daemon.volumes import volume_names

log = logging.getLogger(__name__)

# How many volume names the HAS_VOLUMES message lists before "and N more": enough to recognise
# them, short enough for one line on a pool card.
NAMES_SHOWN = 5


@dataclass(frozen=True)
class _PoolState:
    active: bool
    persistent: bool
    type: str
    target_path: str


def _state_or_none(conn: libvirt.virConnect, name: str) -> _PoolState | None:
    try:
        pool = conn.storagePoolLookupByName(name)
        root = xmlutil.parse(pool.XMLDesc(0))
        return _PoolState(
            bool(pool.isActive()),
            bool(pool.isPersistent()),
            root.get("type", ""),
            xmlutil.text(root, "target/path"),
        )
    except libvirt.libvirtError as error:
        if error.get_error_code() == libvirt.VIR_ERR_NO_STORAGE_POOL:
            return None
        raise


def _volumes_now(conn: libvirt.virConnect, name: str) -> list[str]:
    """The volume names after a refresh (volumes made outside libvirt, e.g. by qemu-img,
    appear only then). A refresh that fails leaves the count libvirt had; libvirt stops a
    pool whose refresh fails, and a stopped pool lists none."""
    pool = conn.storagePoolLookupByName(name)
    try:
        pool.refresh(0)
    except libvirt.libvirtError as error:
        if is_connection_error(error):
            raise
        log.warning("pool %s: refresh before destroying failed: %s", name, error_text(error))
    return volume_names(pool) if pool.isActive() else []


def volumes_message(name: str, names: list[str]) -> str:
    """``pool X holds 3 volumes (a, b, c): delete them or force``."""
    shown = ", ".join(names[:NAMES_SHOWN])
    if len(names) > NAMES_SHOWN:
        shown += f" and {len(names) - NAMES_SHOWN} more"
    noun = "volume" if len(names) == 1 else "volumes"
    return f"pool {name} holds {len(names)} {noun} ({shown}): delete them or force"


def destroy_if_active(conn: libvirt.virConnect, name: str) -> None:
    """Stop the pool if it runs (safe to replay after a dropped connection)."""
    pool = conn.storagePoolLookupByName(name)
    if pool.isActive():
        pool.destroy()


def undefine_if_defined(conn: libvirt.virConnect, name: str) -> None:
    """Undefine the pool if libvirt still keeps its definition (safe to replay)."""
    try:
        pool = conn.storagePoolLookupByName(name)
    except libvirt.libvirtError as error:
        if error.get_error_code() == libvirt.VIR_ERR_NO_STORAGE_POOL:
            return  # a transient pool is gone once stopped; a replayed undefine already ran
        raise
    if pool.isPersistent():
        pool.undefine()


def destroy_pool(libvirt_conn: LibvirtConnection, name: str, data_dir: str, force: bool) -> bool:
    """Stop and undefine pool ``name`` and delete its secret; False when it did not exist.

    Only an active pool can list its volumes, so the volume check applies to active pools.
    """
    state = run_step(libvirt_conn, LOOKUP, DESTROY_FAILED, lambda c: _state_or_none(c, name))
    if state is not None:
        if state.active and not force:
            names = run_step(
                libvirt_conn, CHECK_VOLUMES, DESTROY_FAILED, lambda c: _volumes_now(c, name)
            )
            if names:
                raise PoolOpError(HAS_VOLUMES, CHECK_VOLUMES, volumes_message(name, names))
        run_step(libvirt_conn, DESTROY, DESTROY_FAILED, lambda c: destroy_if_active(c, name))
        _remove_own_mount_point(name, state, data_dir)
        run_step(libvirt_conn, UNDEFINE, UNDEFINE_FAILED, lambda c: undefine_if_defined(c, name))
        log.info("pool %s: stopped and undefined", name, extra={"pool": name, "force": force})
    # Also when the pool is gone: a secret left by an interrupted destroy goes now.
    run_step(libvirt_conn, DELETE_SECRET, SECRET_FAILED, lambda c: delete_pool_secret(c, name))
    return state is not None


def _remove_own_mount_point(name: str, state: _PoolState, data_dir: str) -> None:
    """A netfs pool's default mount point (<data dir>/mnt/<pool>) was made by this node:
    remove it once unmounted. Only while empty (rmdir), so nothing is ever deleted with it."""
    if state.type != "netfs" or not state.target_path:
        return
    if posixpath.dirname(state.target_path) != default_mount_root(data_dir):
        return
    try:
        os.rmdir(state.target_path)
    except FileNotFoundError:
        pass
    except OSError as error:
        log.warning(
            "pool %s: could not remove its mount point %s: %s", name, state.target_path, error
        )

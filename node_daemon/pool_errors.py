"""How a storage pool operation fails: the step, a stable reason, and libvirt's own text.

Every libvirt call of a pool operation runs as a named ``Step`` through ``run_step``, which
turns a libvirt failure into ``PoolOpError`` carrying a ``PoolErrorReason`` name (for scripts
and the console), a step token (``quantix-step``) and a message that names the step and keeps
libvirt's text, e.g. "NFS mount failed: internal error: Child process (/bin/mount ...)
unexpected exit status 32: mount.nfs: No such device". The servicer maps the reason to a gRPC
status code; nothing here knows about gRPC.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import libvirt

from node_daemon.libvirt_conn import LibvirtCallError, LibvirtConnection

T = TypeVar("T")


@dataclass(frozen=True)
class Step:
    """``token`` goes to the ``quantix-step`` metadata (stable); ``label`` into the message."""

    token: str
    label: str


LOOKUP = Step("lookup", "looking up the pool")
COMPARE = Step("compare", "comparing with the existing pool")
SECRET = Step("secret", "storing the secret")
DEFINE = Step("define", "defining the pool")
BUILD_DIR = Step("build", "creating the directory")
BUILD_MOUNT_POINT = Step("build", "creating the mount point")
START_NFS = Step("start", "NFS mount")
START_ISCSI = Step("start", "iSCSI login")
START_CEPH = Step("start", "Ceph connection")
START = Step("start", "starting the pool")
AUTOSTART = Step("autostart", "setting autostart")
REFRESH = Step("refresh", "refreshing the pool")
READ = Step("read", "reading the pool")
READ_XML = Step("read-xml", "reading the pool XML")
CHECK_VOLUMES = Step("check-volumes", "counting the pool's volumes")
LIST_VOLUMES = Step("list-volumes", "listing the pool's volumes")
DESTROY = Step("destroy", "stopping the pool")
UNDEFINE = Step("undefine", "undefining the pool")
DELETE_SECRET = Step("delete-secret", "deleting the pool's secret")

# PoolErrorReason names (quantix.v1.PoolErrorReason), as strings: the servicer sends them in
# the ``quantix-reason`` metadata and maps them to status codes.
INVALID_SPEC = "INVALID_SPEC"
CONFLICT = "CONFLICT"
SECRET_FAILED = "SECRET_FAILED"
DEFINE_FAILED = "DEFINE_FAILED"
BUILD_FAILED = "BUILD_FAILED"
MOUNT_FAILED = "MOUNT_FAILED"
ISCSI_LOGIN_FAILED = "ISCSI_LOGIN_FAILED"
CEPH_CONNECT_FAILED = "CEPH_CONNECT_FAILED"
START_FAILED = "START_FAILED"
AUTOSTART_FAILED = "AUTOSTART_FAILED"
HAS_VOLUMES = "HAS_VOLUMES"
POOL_NOT_FOUND = "POOL_NOT_FOUND"
LIBVIRT_UNAVAILABLE = "LIBVIRT_UNAVAILABLE"
DESTROY_FAILED = "DESTROY_FAILED"
UNDEFINE_FAILED = "UNDEFINE_FAILED"
REFRESH_FAILED = "REFRESH_FAILED"
SOURCE_CONFLICT = "SOURCE_CONFLICT"
NO_REASON = ""  # a failure no PoolErrorReason describes (e.g. reading an inactive pool)

# Starting a pool is where its storage is first reached: say what that means for its type.
_START_BY_TYPE: dict[str, tuple[Step, str]] = {
    "netfs": (START_NFS, MOUNT_FAILED),
    "iscsi": (START_ISCSI, ISCSI_LOGIN_FAILED),
    "iscsi-direct": (START_ISCSI, ISCSI_LOGIN_FAILED),
    "rbd": (START_CEPH, CEPH_CONNECT_FAILED),
}


def start_step(pool_type: str) -> tuple[Step, str]:
    """The step and reason of starting a pool of ``pool_type`` (libvirt's type name)."""
    return _START_BY_TYPE.get(pool_type, (START, START_FAILED))


class PoolOpError(Exception):
    """A pool operation failed; ``str()`` is the message for the user (without the host).

    ``not_active`` marks a request that needs an active pool made on an inactive one
    (libvirt's "storage pool 'x' is not active"): the servicer answers FAILED_PRECONDITION.
    """

    def __init__(self, reason: str, step: Step, message: str, *, not_active: bool = False) -> None:
        super().__init__(message)
        self.reason = reason
        self.step = step
        self.message = message
        self.not_active = not_active

    def with_note(self, note: str) -> PoolOpError:
        """The same failure with ``note`` appended (e.g. what undoing the half-made pool
        could not undo)."""
        error = PoolOpError(
            self.reason, self.step, f"{self.message} ({note})", not_active=self.not_active
        )
        error.__cause__ = self.__cause__
        return error


def libvirt_text(detail: str) -> str:
    """libvirt's message without the trailing newline its command errors end with."""
    return detail.strip()


def run_step(libvirt_conn: LibvirtConnection, step: Step, reason: str, fn: Callable[..., T]) -> T:
    """``fn(conn)`` as ``step`` (blocking: call it from a worker thread).

    A dropped connection that cannot be reopened is LIBVIRT_UNAVAILABLE; a pool that vanished
    is POOL_NOT_FOUND; any other libvirt failure is ``reason`` with libvirt's text.
    """
    try:
        return libvirt_conn.call_sync(step.label, fn)
    except LibvirtCallError as error:
        message = f"{step.label} failed: {libvirt_text(error.detail)}"
        if error.connection:
            raise PoolOpError(LIBVIRT_UNAVAILABLE, step, message) from error
        if error.code == libvirt.VIR_ERR_NO_STORAGE_POOL:
            raise PoolOpError(POOL_NOT_FOUND, step, message) from error
        if is_source_conflict(error.code, error.detail):
            raise PoolOpError(SOURCE_CONFLICT, step, message) from error
        raise PoolOpError(reason, step, message) from error


def is_source_conflict(code: int, detail: str) -> bool:
    """libvirt's "Storage source conflict with pool: 'x'": another pool on this host already
    uses the storage. libvirt gives it no error code of its own (VIR_ERR_OPERATION_FAILED), so
    its fixed wording is what tells it apart (virStoragePoolObjSourceFindDuplicate)."""
    return code == libvirt.VIR_ERR_OPERATION_FAILED and "storage source conflict" in detail.lower()

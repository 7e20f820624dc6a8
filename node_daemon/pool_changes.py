"""When this host's storage pools may have changed, so the node reports them to the
coordinator: libvirt's storage-pool lifecycle events (pools defined, started, stopped or
undefined by anyone: virsh, virt-manager, Quantix) and Quantix's own pool operations.

The coordinator shows the pools it did not create as discovered pools; it learns about them
from these reports, never by polling.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import AsyncIterator, Callable

import libvirt

from node_daemon.libvirt_conn import error_text
from proto.quantix.v1 import common_pb2

log = logging.getLogger(__name__)


class PoolChanges:
    """A flag raised on every change; the registrar waits on it and sends one report for any
    number of changes that happened meanwhile. Create it inside the running loop."""

    def __init__(self) -> None:
        self._loop = asyncio.get_running_loop()
        self.event = asyncio.Event()
        # Every pool operation of this daemon run is numbered; lists of pools are stamped with
        # the highest number up to which every operation has finished (common.proto
        # ChangeStamp), so the coordinator can tell a list read before an operation from
        # one read after it, whatever order they arrive in.
        self.boot_id = uuid.uuid4().hex
        self._started = 0
        self._running: set[int] = set()

    @property
    def settled(self) -> bool:
        """No operation under way: the pools are not half made (defined, not yet started)."""
        return not self._running

    def stamp(self) -> common_pb2.ChangeStamp:
        """What a list of pools read now reflects: every operation up to the first one still
        running (an operation under way may show half made, and is not included)."""
        finished = min(self._running) - 1 if self._running else self._started
        return common_pb2.ChangeStamp(boot_id=self.boot_id, seq=finished)

    @contextlib.asynccontextmanager
    async def operation(self) -> AsyncIterator[common_pb2.ChangeStamp]:
        """Around a Quantix pool operation: its stamp; no report while it runs, one after."""
        self._started += 1
        seq = self._started
        self._running.add(seq)
        try:
            yield common_pb2.ChangeStamp(boot_id=self.boot_id, seq=seq)
        finally:
            self._running.discard(seq)
            self.changed()

    def changed(self) -> None:
        """Raise the flag; safe from any thread (libvirt calls run in worker threads)."""
        self._loop.call_soon_threadsafe(self.event.set)

    def watch(self, conn: libvirt.virConnect) -> Callable[[], None] | None:
        """Listen to the connection's storage-pool lifecycle events (on every (re)open);
        returns how to stop listening, before the connection is closed.

        Events are lost while the connection is down (libvirtd restarted): a new connection
        therefore raises the flag at once, and a connection that closes raises it too, so the
        report that follows reopens it and says what changed meanwhile."""
        self.changed()
        closing = self._watch_close(conn)
        try:
            callback = conn.storagePoolEventRegisterAny(
                None, libvirt.VIR_STORAGE_POOL_EVENT_ID_LIFECYCLE, self._on_event, None
            )
        except libvirt.libvirtError as error:
            # A driver without storage events: pools are still reported at registration and
            # after every Quantix operation, but changes made by others are seen only then.
            log.warning(
                "libvirt storage pool events unavailable (%s): pools made outside Quantix are "
                "reported at the next registration or Quantix operation",
                error_text(error),
            )
            return closing

        def undo() -> None:
            conn.storagePoolEventDeregisterAny(callback)
            if closing is not None:
                closing()

        return undo

    def _watch_close(self, conn: libvirt.virConnect) -> Callable[[], None] | None:
        try:
            conn.registerCloseCallback(self._on_close, None)
        except libvirt.libvirtError as error:
            # Drivers without a close callback (the test driver: it cannot close by itself).
            log.debug("libvirt close callback unavailable: %s", error_text(error))
            return None
        return conn.unregisterCloseCallback

    def _on_close(self, *_args: object) -> None:
        log.warning("the libvirt connection closed; the storage pools are reported again")
        self.changed()

    def _on_event(self, *_args: object) -> None:
        self.changed()

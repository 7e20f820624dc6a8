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
from collections.abc import AsyncIterator, Callable

import libvirt

from node_daemon.libvirt_conn import error_text

log = logging.getLogger(__name__)


class PoolChanges:
    """A flag raised on every change; the registrar waits on it and sends one report for any
    number of changes that happened meanwhile. Create it inside the running loop."""

    def __init__(self) -> None:
        self._loop = asyncio.get_running_loop()
        self.event = asyncio.Event()
        # Quantix pool operations under way on this host. While one runs, the pools are half
        # made (defined, not yet started): a report then would tell the coordinator a pool it
        # is initializing is not running. Reports wait for the operation's end instead.
        self._busy = 0

    @property
    def settled(self) -> bool:
        return self._busy == 0

    @contextlib.asynccontextmanager
    async def operation(self) -> AsyncIterator[None]:
        """Around a Quantix pool operation: no report while it runs, one after it ends."""
        self._busy += 1
        try:
            yield
        finally:
            self._busy -= 1
            self.changed()

    def changed(self) -> None:
        """Raise the flag; safe from any thread (libvirt calls run in worker threads)."""
        self._loop.call_soon_threadsafe(self.event.set)

    def watch(self, conn: libvirt.virConnect) -> Callable[[], None] | None:
        """Listen to the connection's storage-pool lifecycle events (on every (re)open);
        returns how to stop listening, before the connection is closed."""
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
            return None
        return lambda: conn.storagePoolEventDeregisterAny(callback)

    def _on_event(self, *_args: object) -> None:
        self.changed()

"""libvirt's event loop on asyncio, safe for libvirt calls made from worker threads.

libvirt needs an event loop implementation registered before any connection is opened (the
remote driver watches its socket and runs keepalive timers through it). ``libvirtaio``
provides one on asyncio, but it touches the asyncio loop directly from whatever thread libvirt
calls it in. Every libvirt call here runs in a worker thread (``LibvirtConnection.executor``
or a pool thread), and each remote call makes libvirt update its socket watch from that thread:
with plain libvirtaio that is ``loop.add_writer()`` and ``loop.create_task()`` off the loop
thread, which asyncio does not allow (in debug mode it raises "Non-thread-safe operation
invoked on an event loop other than the current one"; otherwise it races with the loop).

``ThreadSafeEventImpl`` keeps libvirtaio's implementation but moves every change onto the loop
thread with ``call_soon_threadsafe``. The watch and timer ids libvirt needs right away are
allocated here, synchronously, and a removed id stops being dispatched at once, as libvirt's
own poll loop guarantees.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import threading
from collections.abc import Callable
from typing import Any

import libvirt
import libvirtaio

log = logging.getLogger(__name__)

_Base = libvirtaio.virEventAsyncIOImpl

# libvirtaio logs every watch and timer change at debug level under this name.
EVENTS_LOGGER = "node_daemon.libvirt_loop.events"


class ThreadSafeEventImpl(libvirtaio.virEventAsyncIOImpl):
    """libvirtaio's event implementation, callable from any thread."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        super().__init__(loop=loop)
        self.log = logging.getLogger(EVENTS_LOGGER)
        self._ids = itertools.count(1)
        # Our id -> libvirtaio's id for the same watch/timer. Only the loop thread touches it.
        self._inner: dict[int, int] = {}
        # Ids libvirt may still be called back for; checked at dispatch (on the loop thread),
        # changed from any thread under _lock.
        self._live: set[int] = set()
        self._lock = threading.Lock()

    def _new_id(self) -> int:
        with self._lock:
            iden = next(self._ids)
            self._live.add(iden)
        return iden

    def _retire(self, iden: int) -> bool:
        with self._lock:
            if iden not in self._live:
                return False
            self._live.discard(iden)
            return True

    def _soon(self, func: Callable[..., None], *args: Any) -> None:
        # Always queue, even on the loop thread: changes then apply in the order libvirt made
        # them, whichever threads made them.
        self.loop.call_soon_threadsafe(func, *args)

    # -- file handles ------------------------------------------------------------------------

    def _add_handle(self, fd: int, event: int, cb: Any, opaque: Any) -> int:
        watch = self._new_id()

        def dispatch(_inner: int, fd: int, events: int, opaque: Any) -> None:
            if watch in self._live:
                cb(watch, fd, events, opaque)

        def apply() -> None:
            self._inner[watch] = _Base._add_handle(self, fd, event, dispatch, opaque)

        self._soon(apply)
        return watch

    def _update_handle(self, watch: int, event: int) -> None:
        self._soon(self._apply_update_handle, watch, event)

    def _apply_update_handle(self, watch: int, event: int) -> None:
        if watch in self._inner:
            _Base._update_handle(self, self._inner[watch], event)

    def _remove_handle(self, watch: int) -> int:
        if not self._retire(watch):
            return -1
        self._soon(self._apply_remove_handle, watch)
        return 0

    def _apply_remove_handle(self, watch: int) -> None:
        _Base._remove_handle(self, self._inner.pop(watch))

    # -- timers ------------------------------------------------------------------------------

    def _add_timeout(self, timeout: int, cb: Any, opaque: Any) -> int:
        timer = self._new_id()

        def dispatch(_inner: int, opaque: Any) -> None:
            if timer in self._live:
                cb(timer, opaque)

        def apply() -> None:
            self._inner[timer] = _Base._add_timeout(self, timeout, dispatch, opaque)

        self._soon(apply)
        return timer

    def _update_timeout(self, timer: int, timeout: int) -> None:
        self._soon(self._apply_update_timeout, timer, timeout)

    def _apply_update_timeout(self, timer: int, timeout: int) -> None:
        if timer in self._inner:
            _Base._update_timeout(self, self._inner[timer], timeout)

    def _remove_timeout(self, timer: int) -> int:
        if not self._retire(timer):
            return -1
        self._soon(self._apply_remove_timeout, timer)
        return 0

    def _apply_remove_timeout(self, timer: int) -> None:
        _Base._remove_timeout(self, self._inner.pop(timer))


def _drop_libvirt_error(_ctx: object, _error: object) -> None:
    """libvirt's default handler prints every error to stderr, including the ones we expect
    and handle (an unsupported call on the test driver, a pool that vanished). The errors
    still raise libvirtError, and we log them as JSON with the host and the step."""


def setup_libvirt() -> ThreadSafeEventImpl:
    """Silence libvirt's stderr printing and register its event loop on the running loop.

    Call once per process, inside the running loop, before opening any connection.
    """
    libvirt.registerErrorHandler(_drop_libvirt_error, None)
    impl = ThreadSafeEventImpl(asyncio.get_running_loop())
    impl.register()
    log.debug("libvirt event loop registered on asyncio")
    return impl

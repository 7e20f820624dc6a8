"""The node's libvirt connection: opened lazily, reopened once when it dropped.

Every call goes through ``LibvirtConnection.call(step, fn)``, which runs ``fn(conn)`` in a
worker thread (libvirt calls block) and turns a failure into ``LibvirtCallError`` naming the
step and carrying libvirt's own message.

The worker threads are the daemon's one libvirt executor, ``LibvirtConnection.executor``
(bounded, ``LIBVIRT_WORKERS``), not asyncio's default one: the job runner
(``node_daemon.jobs``) sends its jobs' libvirt calls through it too, capped at a share of its
threads, so a burst of jobs cannot take every thread from the RPCs and heartbeats.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import libvirt

log = logging.getLogger(__name__)

T = TypeVar("T")

# Error codes that mean "the connection is gone", not "this call failed".
_CONNECTION_CODES = frozenset(
    {libvirt.VIR_ERR_RPC, libvirt.VIR_ERR_NO_CONNECT, libvirt.VIR_ERR_INVALID_CONN}
)
# VIR_ERR_SYSTEM_ERROR is also what a storage backend raises for a real I/O failure ("cannot
# open directory ..."); it means a lost connection only when it comes from the RPC layer
# ("End of file while reading data", "Cannot write data: Broken pipe").
_TRANSPORT_DOMAINS = frozenset({libvirt.VIR_FROM_RPC, libvirt.VIR_FROM_REMOTE})

# Threads of the daemon's libvirt executor. libvirtd serves at most 5 requests of one client at
# a time (max_client_requests = 5 in libvirtd.conf) and queues the rest, so threads beyond that
# would only wait inside libvirtd; 6 keeps one more ready for the call that follows a finished
# one, and equals asyncio's default executor on the 2-core hosts these calls used before
# (min(32, cpus + 4)). Pool operations have threads of their own (``pool_jobs.POOL_WORKERS``).
LIBVIRT_WORKERS = 6


def is_connection_error(error: libvirt.libvirtError) -> bool:
    """Whether ``error`` says the connection to libvirt dropped."""
    code = error.get_error_code()
    if code in _CONNECTION_CODES:
        return True
    return code == libvirt.VIR_ERR_SYSTEM_ERROR and error.get_error_domain() in _TRANSPORT_DOMAINS


def error_text(error: libvirt.libvirtError) -> str:
    """libvirt's own message, e.g. "Storage pool not found: no storage pool with ..."."""
    return error.get_error_message() or str(error)


class LibvirtCallError(Exception):
    """A libvirt step failed: ``str()`` reads "<step> failed: <libvirt's message>".

    ``connection`` is True when libvirt could not be reached at all (the connection could not
    be opened, or dropped and could not be reopened): the servers map that to UNAVAILABLE.
    """

    def __init__(self, step: str, detail: str, *, connection: bool, code: int = 0) -> None:
        super().__init__(f"{step} failed: {detail}")
        self.step = step
        self.detail = detail
        self.connection = connection
        self.code = code


Opener = Callable[[str], libvirt.virConnect]
OpenHook = Callable[[libvirt.virConnect], Callable[[], None] | None]


class LibvirtConnection:
    """One libvirt connection shared by every RPC (libvirt connections are thread-safe)."""

    def __init__(self, uri: str, opener: Opener = libvirt.open) -> None:
        self.uri = uri
        self._opener = opener
        self._conn: libvirt.virConnect | None = None
        # Held while opening or replacing the connection, so two calls that notice the same
        # drop at once open one new connection, not two.
        self._lock = threading.Lock()
        # Called with every connection opened (event registrations live on a connection and
        # must be made again on the one that replaces it). A hook may return an undo, run
        # before that connection is closed: a connection closed with event callbacks still
        # registered makes libvirt's event loop wait for them (seconds at shutdown).
        self._open_hooks: list[OpenHook] = []
        self._undo: list[Callable[[], None]] = []
        # The daemon's one libvirt executor: every ``call`` runs on it, and so do jobs' calls.
        self.executor = ThreadPoolExecutor(LIBVIRT_WORKERS, thread_name_prefix="libvirt")

    def on_open(self, hook: OpenHook) -> None:
        self._open_hooks.append(hook)

    async def call(self, step: str, fn: Callable[[libvirt.virConnect], T]) -> T:
        """``fn(conn)`` in a worker thread; reopen once and retry if the connection dropped.

        Only pass idempotent work (reads): after a drop it runs a second time.
        """
        loop = asyncio.get_running_loop()
        # Context variables travel with the call, as they did with ``asyncio.to_thread``.
        run = functools.partial(contextvars.copy_context().run, self.call_sync, step, fn)
        return await loop.run_in_executor(self.executor, run)

    def call_sync(self, step: str, fn: Callable[[libvirt.virConnect], T]) -> T:
        """The blocking body of ``call``; runs in a worker thread."""
        conn = self._current(step)
        if not _alive(conn):
            log.warning("libvirt connection to %s is no longer alive; reopening", self.uri)
            conn = self._reopen(step, conn)
        try:
            return fn(conn)
        except libvirt.libvirtError as error:
            if not (is_connection_error(error) or not _alive(conn)):
                raise LibvirtCallError(
                    step, error_text(error), connection=False, code=error.get_error_code()
                ) from error
            log.warning(
                "libvirt connection to %s dropped during %s (%s); reopening once",
                self.uri,
                step,
                error_text(error),
            )
        conn = self._reopen(step, conn)
        try:
            return fn(conn)
        except libvirt.libvirtError as error:
            raise LibvirtCallError(
                step,
                error_text(error),
                connection=is_connection_error(error),
                code=error.get_error_code(),
            ) from error

    def _current(self, step: str) -> libvirt.virConnect:
        with self._lock:
            if self._conn is None:
                self._conn = self._open(step)
            return self._conn

    def _reopen(self, step: str, stale: libvirt.virConnect) -> libvirt.virConnect:
        with self._lock:
            if self._conn is not None and self._conn is not stale:
                return self._conn  # another thread already replaced it
            self._conn = None
            self._run_undo()
            _close_quietly(stale)
            self._conn = self._open(step)
            return self._conn

    def _open(self, step: str) -> libvirt.virConnect:
        try:
            conn = self._opener(self.uri)
        except libvirt.libvirtError as error:
            raise LibvirtCallError(
                step,
                f"cannot connect to libvirt at {self.uri}: {error_text(error)}",
                connection=True,
                code=error.get_error_code(),
            ) from error
        log.info("connected to libvirt at %s", self.uri)
        for hook in self._open_hooks:
            undo = hook(conn)
            if undo is not None:
                self._undo.append(undo)
        return conn

    def _run_undo(self) -> None:
        undo, self._undo = self._undo, []
        for action in undo:
            try:
                action()
            except libvirt.libvirtError as error:
                log.debug("undoing a connection hook: %s", error_text(error))

    async def close(self) -> None:
        await asyncio.to_thread(self._close)
        # Calls still queued would only fail on the closed connection; running ones finish.
        self.executor.shutdown(wait=False, cancel_futures=True)

    def _close(self) -> None:
        with self._lock:
            conn, self._conn = self._conn, None
            self._run_undo()
        if conn is not None:
            _close_quietly(conn)
            log.info("closed the libvirt connection to %s", self.uri)


def _alive(conn: libvirt.virConnect) -> bool:
    try:
        return bool(conn.isAlive())
    except libvirt.libvirtError:
        return False


def _close_quietly(conn: libvirt.virConnect) -> None:
    try:
        conn.close()
    except libvirt.libvirtError as error:
        # A dropped connection may refuse to close cleanly; it is being replaced anyway.
        log.debug("closing a stale libvirt connection: %s", error_text(error))

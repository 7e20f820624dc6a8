"""Where pool operations run: threads of their own, one operation per pool name at a time.

A pool operation can block for minutes (``mount.nfs`` retries a foreground mount for two
minutes against a server that does not answer; an iSCSI login waits for its timeouts), so pool
work gets its own small thread pool: heartbeats and the read RPCs use asyncio's default
executor and never queue behind a hung mount.

Operations on the same pool name run one after another (a coordinator retry that arrives while
the first init still runs waits for it, then finds the pool made). The lock is held until the
worker thread is done, not until the caller stops waiting: an RPC whose deadline passed does
not let a second operation start on a half-made pool while the first one still rolls back.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

from domain.pools import PoolSpec
from node_daemon.libvirt_conn import LibvirtConnection
from node_daemon.pool_lifecycle import InitResult, init_pool
from node_daemon.pool_queries import pool_volumes, pool_xml, refresh_pool
from node_daemon.pool_teardown import destroy_pool
from proto.quantix.v1 import common_pb2

log = logging.getLogger(__name__)

T = TypeVar("T")

# Pool work threads: libvirtd serves at most 5 requests of one client at a time
# (max_client_requests = 5 in libvirtd.conf), so more threads would only queue there; 4 leaves
# one for the node's reads and heartbeats, and a host has a handful of pools to work on.
POOL_WORKERS = 4


class PoolWorker:
    """Runs the blocking pool operations for the servicer."""

    def __init__(self, libvirt_conn: LibvirtConnection, data_dir: str) -> None:
        self.libvirt = libvirt_conn
        self.data_dir = data_dir
        self._executor = ThreadPoolExecutor(POOL_WORKERS, thread_name_prefix="pool")
        # Pool name -> (lock, how many operations hold or wait for it); dropped at zero.
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}

    async def init(self, spec: PoolSpec) -> InitResult:
        return await self._run(spec.name, lambda: init_pool(self.libvirt, spec, self.data_dir))

    async def destroy(self, name: str, force: bool) -> bool:
        return await self._run(name, lambda: destroy_pool(self.libvirt, name, self.data_dir, force))

    async def refresh(self, name: str) -> common_pb2.HostStoragePool:
        return await self._run(name, lambda: refresh_pool(self.libvirt, name))

    async def volumes(self, name: str) -> list[common_pb2.Volume]:
        return await self._run(name, lambda: pool_volumes(self.libvirt, name))

    async def xml(self, name: str) -> str:
        return await self._run(name, lambda: pool_xml(self.libvirt, name))

    def close(self) -> None:
        """Drop queued work; running operations finish (they end in a consistent state)."""
        self._executor.shutdown(wait=False, cancel_futures=True)

    async def _run(self, name: str, work: Callable[[], T]) -> T:
        loop = asyncio.get_running_loop()
        lock = self._hold(name)
        try:
            await lock.acquire()
        except BaseException:
            self._release(name, locked=False)
            raise
        # No await between acquiring and submitting: the lock is released by the worker's
        # completion (or by the cancellation of work that never started), whatever the caller
        # does meanwhile.
        try:
            future: Future[T] = self._executor.submit(work)
        except RuntimeError:  # shut down: the daemon is stopping
            self._release(name, locked=True)
            raise
        future.add_done_callback(lambda _f: self._release_soon(loop, name))
        return await asyncio.wrap_future(future)

    def _release_soon(self, loop: asyncio.AbstractEventLoop, name: str) -> None:
        """From the worker thread: release the pool's lock on the loop's thread."""
        # RuntimeError: the loop is closed, the daemon has stopped and nobody waits for it.
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(functools.partial(self._release, name, locked=True))

    def _hold(self, name: str) -> asyncio.Lock:
        lock, users = self._locks.get(name, (None, 0))
        if lock is None:
            lock = asyncio.Lock()
        self._locks[name] = (lock, users + 1)
        return lock

    def _release(self, name: str, *, locked: bool) -> None:
        lock, users = self._locks[name]
        if locked:
            lock.release()
        if users == 1:
            del self._locks[name]
        else:
            self._locks[name] = (lock, users - 1)

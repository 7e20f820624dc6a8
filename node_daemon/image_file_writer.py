"""A file pool's volume (dir, fs, netfs), written by the node itself: the file is created with
O_EXCL (a name that is taken is refused before any byte), data goes in with pwrite at its
offset, holes are never written (the file is extended to its size at the end), so a sparse
image stays sparse. Blocking work runs in worker threads (``asyncio.to_thread``); libvirt is
told of the new file by the pool refresh the upload does afterwards.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable
from typing import Any

from node_daemon.image_writers import VolumeExists, WriteFailed, os_failure, settled
from node_daemon.transfer_journal import TransferEntry, remove_file_if_same

log = logging.getLogger(__name__)

# What libvirt gives a volume it creates in a directory pool: readable by root only (libvirt
# changes the owner when a guest starts, with dynamic_ownership).
VOLUME_MODE = 0o600
_CREATE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC | os.O_NOFOLLOW


class FileWriter:
    def __init__(self, task_id: str, pool: str, path: str) -> None:
        self._task_id = task_id
        self._pool = pool
        self._path = path
        self._fd: int | None = None
        self._identity: tuple[int, int] | None = None  # (device, inode) of the file made

    @property
    def path(self) -> str:
        return self._path

    async def create(self) -> TransferEntry:
        return await settled(asyncio.to_thread(self._create))

    def _create(self) -> TransferEntry:
        try:
            fd = os.open(self._path, _CREATE_FLAGS, VOLUME_MODE)
        except FileExistsError:
            raise VolumeExists(f"{self._path} exists already") from None
        except OSError as error:
            raise os_failure(f"creating {self._path}", error) from error
        self._fd = fd
        stat = os.fstat(fd)
        self._identity = (stat.st_dev, stat.st_ino)
        return TransferEntry(
            self._task_id, self._pool, path=self._path, device=stat.st_dev, inode=stat.st_ino
        )

    async def write(self, offset: int, data: bytes, also: Callable[[bytes], Any]) -> None:
        await settled(asyncio.to_thread(self._write, offset, data, also))

    def _write(self, offset: int, data: bytes, also: Callable[[bytes], Any]) -> None:
        fd = self._open_fd()
        view = memoryview(data)
        try:
            while view:
                written = os.pwrite(fd, view, offset)
                view, offset = view[written:], offset + written
        except OSError as error:
            raise os_failure(f"writing {self._path}", error) from error
        also(data)

    async def hole(self, offset: int, length: int) -> None:
        """Nothing to write: a later pwrite or the final truncate leaves the range a hole."""

    async def finish(self, size: int) -> None:
        await settled(asyncio.to_thread(self._finish, size))

    def _finish(self, size: int) -> None:
        fd = self._open_fd()
        try:
            os.ftruncate(fd, size)
            os.fsync(fd)
        except OSError as error:
            raise os_failure(f"completing {self._path}", error) from error
        finally:
            self._close()

    async def allocated(self) -> int:
        stat = await asyncio.to_thread(os.stat, self._path)
        return stat.st_blocks * 512  # st_blocks counts 512-byte units whatever the block size

    async def remove(self) -> None:
        await asyncio.to_thread(self._remove)

    def _remove(self) -> None:
        self._close()
        if self._identity is None:
            return
        try:
            if remove_file_if_same(self._path, *self._identity):
                log.info("removed the partial volume %s", self._path)
        except OSError as error:
            log.error("could not remove the partial volume %s: %s", self._path, error)

    def _open_fd(self) -> int:
        if self._fd is None:
            raise WriteFailed(f"{self._path} is not open for writing")
        return self._fd

    def _close(self) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            try:
                os.close(fd)
            except OSError as error:
                log.warning("closing %s: %s", self._path, error)

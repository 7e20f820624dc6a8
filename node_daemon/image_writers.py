"""Where an upload's bytes go: one writer per way a pool takes them (``domain.images.
upload_support``): ``image_file_writer`` writes a file pool's volume itself, with holes left
as holes; ``image_stream_writer`` sends through libvirt's volume upload stream.

A writer is used by one job, one call at a time, in order: ``create`` (refusing a name that is
taken, before any byte), ``write``/``hole`` at increasing offsets, ``finish``; ``remove`` at any
point after ``create`` takes the partial volume away again. Its blocking work runs off the
event loop's thread, each writer on the threads it needs.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
from collections.abc import Awaitable, Callable
from typing import Any, Protocol, TypeVar

import libvirt

from node_daemon.transfer_journal import TransferEntry

T = TypeVar("T")

# libvirt calls of a job: ``JobContext.libvirt`` (step, fn(conn)).
LibvirtCaller = Callable[[str, Callable[[libvirt.virConnect], T]], Awaitable[T]]

# What a full disk is called in messages, whichever errno said it.
NO_SPACE = "no space left on the pool's disk"
_NO_SPACE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT})


class VolumeExists(Exception):
    """The volume's name is taken in the pool (by a volume or any file)."""


class WriteFailed(Exception):
    """Storing bytes failed; ``str()`` is the cause as a user reads it after "stopped at ...:".
    ``no_space``: the pool's disk is full."""

    def __init__(self, cause: str, no_space: bool = False) -> None:
        super().__init__(cause)
        self.no_space = no_space


def os_failure(doing: str, error: OSError) -> WriteFailed:
    """``writing /srv/a.iso failed: Input/output error``, or the full disk in plain words."""
    if error.errno in _NO_SPACE_ERRNOS:
        return WriteFailed(NO_SPACE, no_space=True)
    return WriteFailed(f"{doing} failed: {error.strerror or error}")


class VolumeWriter(Protocol):
    @property
    def path(self) -> str:
        """The volume's path on the host (what ImageFacts.path says)."""
        ...

    async def create(self) -> TransferEntry:
        """Make the empty volume (VolumeExists when its name is taken); the journal entry
        that lets a later start remove it."""
        ...

    async def write(self, offset: int, data: bytes, also: Callable[[bytes], Any]) -> None:
        """Store ``data`` at ``offset``; ``also(data)`` runs on the same worker thread (the
        job's hash, so a chunk costs one thread hop). WriteFailed on failure."""
        ...

    async def hole(self, offset: int, length: int) -> None:
        """``length`` zero bytes at ``offset``, kept a hole where the pool can."""
        ...

    async def finish(self, size: int) -> None:
        """Every byte is in: make the volume ``size`` bytes long and durable."""
        ...

    async def allocated(self) -> int:
        """Bytes the finished volume takes on the pool's disk."""
        ...

    async def remove(self) -> None:
        """Take the partial volume away (best effort, logged; never raises)."""
        ...


async def settled(work: Awaitable[T]) -> T:
    """``await work``; when the caller is cancelled meanwhile, wait for ``work`` to end before
    passing the cancellation on. A worker thread cannot be interrupted: returning while it
    still writes would let the cleanup close (and the system reuse) a file descriptor or a
    stream the thread is using."""
    task = asyncio.ensure_future(work)
    try:
        return await asyncio.shield(task)
    except asyncio.CancelledError:
        with contextlib.suppress(Exception, asyncio.CancelledError):
            await task
        raise

"""Sending a file to a node daemon's UploadImage (the console's and quantixctl's uploads).

The file is read in a worker thread, never on the event loop's thread (the console's GUI
thread): ~1 MiB data parts, holes found with SEEK_DATA/SEEK_HOLE sent as their length, and
any all-zero chunk sent as a hole too (an image that was written in full still has its zero
runs skipped). The sha256 covers every byte, holes as zeros, and goes last; the node checks it
against what it received before it answers. ``progress(done, total)`` counts bytes handed to
gRPC (``call.write`` is the back-pressure): the node's answer confirms what was stored.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import hashlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import grpc

from proto.quantix.v1 import common_pb2, node_pb2
from proto.quantix.v1 import node_pb2_grpc as pb_grpc
from wire.metadata import UPLOAD_ACCEPTED, UPLOAD_KEY

MiB = 1024 * 1024

# --- tunables ---------------------------------------------------------------------------------

# Bytes per data part. NOTES.md: 1 MiB parts reach ~1 GB/s on loopback in one stream where
# 64 KiB parts run at half that (per-message costs dominate); 1 MiB is also far under gRPC's
# 4 MiB receive limit and the node's 4 MiB part limit. It is also the unit zero runs are
# detected in: an all-zero chunk of a data extent is sent as a hole.
CHUNK = MiB
# A write gRPC does not take for this long means the node stopped reading (its disk hung, it
# was paused): the upload fails instead of waiting forever.
WRITE_STALL_S = 60.0
# After the last part the node finishes the file (fsync), checks it and reads it with qemu-img:
# seconds for a large image on a slow disk; five minutes bounds a node that never answers.
ANSWER_DEADLINE_S = 300.0
# The node takes bytes once the upload's job starts: at once, or after the uploads ahead of it
# on that host (at most JobLimits.max_running run at a time). An hour covers a queue of large
# uploads; a node that has not started one by then is stuck, and the upload fails saying so.
ACCEPT_DEADLINE_S = 3600.0
# When a write fails, the call's own status (the node's reason) follows within moments.
STATUS_WAIT_S = 10.0
# The first message may wait for the node to accept the call (TLS handshake included).
CONNECT_DEADLINE_S = 30.0

_ZEROS = bytes(CHUNK)


class FileChanged(Exception):
    """The file changed size while it was being read; the upload is abandoned."""


ProgressCallback = Callable[[int, int], None]


class _FileParts:
    """The file's parts in order: ("data", offset, bytes) or ("hole", offset, length), with
    the sha256 of everything read. Blocking: advance it in a worker thread."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
        self.size = os.fstat(self._fd).st_size
        self._hash = hashlib.sha256()
        self._parts = self._merged()

    def close(self) -> None:
        with contextlib.suppress(OSError):
            os.close(self._fd)

    def next_part(self) -> tuple[str, int, bytes | int] | None:
        return next(self._parts, None)

    @property
    def sha256(self) -> str:
        return self._hash.hexdigest()

    def _merged(self) -> Iterator[tuple[str, int, bytes | int]]:
        """Adjacent holes (real ones and all-zero chunks) become one hole part."""
        hole_at, hole_length = 0, 0
        for offset, piece in self._pieces():
            if isinstance(piece, int):
                if hole_length == 0:
                    hole_at = offset
                hole_length += piece
                self._hash_zeros(piece)
                continue
            if hole_length:
                yield "hole", hole_at, hole_length
                hole_length = 0
            self._hash.update(piece)
            yield "data", offset, piece
        if hole_length:
            yield "hole", hole_at, hole_length
        self._check_size()

    def _pieces(self) -> Iterator[tuple[int, bytes | int]]:
        """(offset, data) or (offset, hole length), in order, covering the whole size."""
        position = 0
        while position < self.size:
            data_at, data_end = self._extent(position)
            if data_at > position:
                yield position, data_at - position
            position = data_at
            while position < data_end:
                length = min(CHUNK, data_end - position)
                chunk = os.pread(self._fd, length, position)
                if len(chunk) != length:
                    self._check_size()
                    raise FileChanged(f"{self.path}: a read at {position} came back short")
                yield position, (length if chunk == _ZEROS[:length] else chunk)
                position += length

    def _extent(self, position: int) -> tuple[int, int]:
        """Where the next data starts at or after ``position``, and where it ends."""
        try:
            data_at = os.lseek(self._fd, position, os.SEEK_DATA)
        except OSError as error:
            if error.errno == errno.ENXIO:  # only a hole up to the end
                return self.size, self.size
            if error.errno == errno.EINVAL:  # no hole support: all of it is data
                return position, self.size
            raise
        data_at = min(data_at, self.size)
        try:
            data_end = os.lseek(self._fd, data_at, os.SEEK_HOLE)
        except OSError as error:
            if error.errno != errno.ENXIO:
                raise
            data_end = self.size
        return data_at, min(data_end, self.size)

    def _hash_zeros(self, length: int) -> None:
        whole, rest = divmod(length, CHUNK)
        for _ in range(whole):
            self._hash.update(_ZEROS)
        if rest:
            self._hash.update(_ZEROS[:rest])

    def _check_size(self) -> None:
        now = os.fstat(self._fd).st_size
        if now != self.size:
            raise FileChanged(
                f"{self.path} changed size while it was being read (it was {self.size} bytes, "
                f"now {now}): upload it again once nothing writes to it"
            )


def _message(part: tuple[str, int, bytes | int]) -> tuple[node_pb2.UploadImageRequest, int]:
    kind, offset, payload = part
    if kind == "data":
        assert isinstance(payload, bytes)
        data = node_pb2.UploadData(offset=offset, data=payload)
        return node_pb2.UploadImageRequest(data=data), len(payload)
    assert isinstance(payload, int)
    hole = node_pb2.UploadHole(offset=offset, length=payload)
    return node_pb2.UploadImageRequest(hole=hole), payload


async def _write(
    call: grpc.aio.StreamUnaryCall, message: node_pb2.UploadImageRequest, deadline_s: float
) -> None:
    try:
        await asyncio.wait_for(call.write(message), deadline_s)
    except TimeoutError:
        raise TimeoutError(
            f"the node took no data for {deadline_s:.0f} s: it stopped reading the upload"
        ) from None


async def _status_of(call: grpc.aio.StreamUnaryCall, error: Exception) -> Exception:
    """Why the call ended. A write or half-close on a call the node has ended (a refusal, a
    failed check) fails with gRPC's own words ("Internal error from Core"); the call's status,
    which follows within moments, carries the node's reason."""
    try:
        await asyncio.wait_for(call, STATUS_WAIT_S)
    except grpc.aio.AioRpcError as status:
        return status
    except TimeoutError:
        pass
    return error


def _stub(stub_or_channel: pb_grpc.NodeDaemonStub | grpc.aio.Channel) -> pb_grpc.NodeDaemonStub:
    if isinstance(stub_or_channel, pb_grpc.NodeDaemonStub):
        return stub_or_channel
    return pb_grpc.NodeDaemonStub(stub_or_channel)


async def send_file(
    stub_or_channel: pb_grpc.NodeDaemonStub | grpc.aio.Channel,
    path: Path,
    ticket: str,
    progress: ProgressCallback | None = None,
) -> common_pb2.ImageFacts:
    """Stream ``path`` to the node with ``ticket``; the facts of what the node stored.

    Raises grpc.aio.AioRpcError with the node's status when it refuses or fails the upload,
    FileChanged when the file changes size while being read, OSError when it cannot be read,
    TimeoutError when the node stops taking data or answering."""
    parts = await asyncio.to_thread(_FileParts, path)
    call: grpc.aio.StreamUnaryCall = _stub(stub_or_channel).UploadImage()
    # One part is read ahead while the previous one is handed to gRPC.
    upcoming = asyncio.ensure_future(asyncio.to_thread(parts.next_part))
    try:
        await _write(call, node_pb2.UploadImageRequest(ticket=ticket), CONNECT_DEADLINE_S)
        # The node sends its initial metadata once it takes bytes; until then it may refuse
        # (its status then arrives cleanly, not as a failed write).
        metadata = await asyncio.wait_for(call.initial_metadata(), ACCEPT_DEADLINE_S)
        if (UPLOAD_KEY, UPLOAD_ACCEPTED) not in list(metadata or ()):
            await call  # refused: raises AioRpcError with the node's reason
            raise RuntimeError("the node ended the upload before taking bytes, without a status")
        done = 0
        while (part := await upcoming) is not None:
            upcoming = asyncio.ensure_future(asyncio.to_thread(parts.next_part))
            message, length = _message(part)
            await _write(call, message, WRITE_STALL_S)
            done += length
            if progress is not None:
                progress(done, parts.size)
        await _write(call, node_pb2.UploadImageRequest(sha256=parts.sha256), WRITE_STALL_S)
        await call.done_writing()
        reply: node_pb2.UploadImageResponse = await asyncio.wait_for(call, ANSWER_DEADLINE_S)
    except (grpc.aio.AioRpcError, asyncio.InvalidStateError) as error:
        status = await _status_of(call, error)
        call.cancel()
        raise status from None
    except BaseException:
        call.cancel()
        raise
    finally:
        # The reading thread finishes before its file is closed (a closed descriptor's number
        # may be reused at once by another open).
        with contextlib.suppress(BaseException):
            await upcoming
        await asyncio.to_thread(parts.close)
    return reply.facts

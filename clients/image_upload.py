"""Sending a file to a node daemon's UploadImage (the console's and quantixctl's uploads).

The file is read in a worker thread, never on the event loop's thread (the console's GUI
thread): ~1 MiB data parts, holes found with SEEK_DATA/SEEK_HOLE sent as their length, and
any all-zero chunk sent as a hole too (an image that was written in full still has its zero
runs skipped). The sha256 covers every byte, holes as zeros, and goes last; the node checks it
against what it received before it answers. ``progress(done, total)`` counts bytes handed to
gRPC (``call.write`` is the back-pressure): the node's answer confirms what was stored.

Data parts are encoded in that worker thread too, straight into protobuf's wire format (one
buffer, one copy of the bytes read), and handed to gRPC as they are: building an
UploadImageRequest per MiB and serializing it cost more CPU than the SHA-256 (measured with
bench/image_transfer_bench.py: the sender's CPU for 1 GiB went from ~2.4 s to ~1.4 s, and its
page faults from ~510,000 to ~1,000, as the protobuf runtime took fresh memory for every part).
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import hashlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import grpc

from domain.checksums import hash_zeros
from proto.quantix.v1 import common_pb2, node_pb2
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

# UploadImage as the contract names it, called with a serializer that passes pre-encoded data
# parts through (the generated stub would serialize message objects only).
_SERVICE = node_pb2.DESCRIPTOR.services_by_name["NodeDaemon"]
UPLOAD_METHOD = f"/{_SERVICE.full_name}/{_SERVICE.methods_by_name['UploadImage'].name}"
_LENGTH_DELIMITED = 2  # protobuf's wire type of bytes and embedded messages
_VARINT = 0  # ... and of integers


def _field_key(message: type[Any], field: str, wire_type: int) -> bytes:
    number = message.DESCRIPTOR.fields_by_name[field].number
    return _varint(number << 3 | wire_type)


def _varint(value: int) -> bytes:
    """``value`` (>= 0) as a protobuf varint: 7 bits a byte, low first, high bit = more."""
    out = bytearray()
    while value > 0x7F:
        out.append(value & 0x7F | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


_DATA_KEY = _field_key(node_pb2.UploadImageRequest, "data", _LENGTH_DELIMITED)
_OFFSET_KEY = _field_key(node_pb2.UploadData, "offset", _VARINT)
_PAYLOAD_KEY = _field_key(node_pb2.UploadData, "data", _LENGTH_DELIMITED)


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
        """Adjacent holes (real ones and all-zero chunks) become one hole part.

        A hole's zeros are hashed once the hole has been handed on (when the next part is
        asked for), so the node hashes them while this side does: a 10 GiB image with a few
        MiB of data is mostly hashing zeros at both ends (~2 GB/s each), concurrently instead of
        one after the other."""
        hole_at, hole_length = 0, 0
        for offset, piece in self._pieces():
            if isinstance(piece, int):
                if hole_length == 0:
                    hole_at = offset
                hole_length += piece
                continue
            if hole_length:
                yield "hole", hole_at, hole_length
                hash_zeros(self._hash, hole_length)
                hole_length = 0
            self._hash.update(piece)
            yield "data", offset, piece
        if hole_length:
            yield "hole", hole_at, hole_length
            hash_zeros(self._hash, hole_length)
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

    def _check_size(self) -> None:
        now = os.fstat(self._fd).st_size
        if now != self.size:
            raise FileChanged(
                f"{self.path} changed size while it was being read (it was {self.size} bytes, "
                f"now {now}): upload it again once nothing writes to it"
            )


Message = node_pb2.UploadImageRequest | bytes  # bytes: a data part, already encoded


def encoded_data(offset: int, payload: bytes) -> bytes:
    """UploadImageRequest(data=UploadData(offset=offset, data=payload)) in protobuf's wire
    format, exactly as the protobuf runtime would serialize it (an offset of 0 is left out, as
    proto3 leaves out every default), with a single copy of ``payload``."""
    inner = _OFFSET_KEY + _varint(offset) if offset else b""
    inner += _PAYLOAD_KEY + _varint(len(payload))
    return b"".join((_DATA_KEY, _varint(len(inner) + len(payload)), inner, payload))


def _serialized(message: Message) -> bytes:
    return message if isinstance(message, bytes) else message.SerializeToString()


def _next_message(parts: _FileParts) -> tuple[Message, int] | None:
    """The next part as the message that carries it and its length in the file; None at the
    end. Blocking (it reads and encodes): runs in a worker thread."""
    part = parts.next_part()
    if part is None:
        return None
    kind, offset, payload = part
    if kind == "data":
        assert isinstance(payload, bytes)
        return encoded_data(offset, payload), len(payload)
    assert isinstance(payload, int)
    hole = node_pb2.UploadHole(offset=offset, length=payload)
    return node_pb2.UploadImageRequest(hole=hole), payload


async def _write(call: grpc.aio.StreamUnaryCall, message: Message, deadline_s: float) -> None:
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


def _upload_call(channel: grpc.aio.Channel) -> grpc.aio.StreamUnaryCall:
    method = channel.stream_unary(
        UPLOAD_METHOD,
        request_serializer=_serialized,
        response_deserializer=node_pb2.UploadImageResponse.FromString,
    )
    return method()


async def send_file(
    channel: grpc.aio.Channel,
    path: Path,
    ticket: str,
    progress: ProgressCallback | None = None,
) -> common_pb2.ImageFacts:
    """Stream ``path`` to the node at the other end of ``channel`` with ``ticket``; the facts
    of what the node stored.

    Raises grpc.aio.AioRpcError with the node's status when it refuses or fails the upload,
    FileChanged when the file changes size while being read, OSError when it cannot be read,
    TimeoutError when the node stops taking data or answering."""
    parts = await asyncio.to_thread(_FileParts, path)
    call = _upload_call(channel)
    # One part is read ahead while the previous one is handed to gRPC.
    upcoming = asyncio.ensure_future(asyncio.to_thread(_next_message, parts))
    try:
        await _write(call, node_pb2.UploadImageRequest(ticket=ticket), CONNECT_DEADLINE_S)
        # The node sends its initial metadata once it takes bytes; until then it may refuse
        # (its status then arrives cleanly, not as a failed write).
        metadata = await asyncio.wait_for(call.initial_metadata(), ACCEPT_DEADLINE_S)
        if (UPLOAD_KEY, UPLOAD_ACCEPTED) not in list(metadata or ()):
            await call  # refused: raises AioRpcError with the node's reason
            raise RuntimeError("the node ended the upload before taking bytes, without a status")
        done = 0
        while (next_message := await upcoming) is not None:
            upcoming = asyncio.ensure_future(asyncio.to_thread(_next_message, parts))
            message, length = next_message
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

"""One upload, run as a job of the node's job runner (its id is the task's): the checks that
come before any byte, the bytes in order into the pool's writer, the size and sha256 checks,
the image's facts; on any failure or cancel the partial volume is removed.

The gRPC handler (``image_rpcs``) reads the stream and passes each part through an
``UploadFeed``; the job takes them from there, so a slow disk holds back the sender (the
feed is bounded) and a lost sender reaches the job as "connection lost". The handler answers
once the bytes are verified (``UploadJob.stored``): an OVA goes on to be imported after that,
as the same job, by the injected ``OvaImporter``.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from dataclasses import replace
from pathlib import Path
from typing import Any, Protocol, TypeVar

import grpc

from domain.checksums import hash_zeros
from domain.disk_images import DiskImageRefused, check_disk_image
from domain.errors import ValidationError
from domain.images import (
    ImageKind,
    ImagePhase,
    UploadMode,
    stopped_message,
    supports_templates,
    upload_support,
    validate_image_name,
    validate_sha256,
)
from domain.pools import validate_pool_name
from domain.units import format_bytes
from node_daemon.image_file_writer import FileWriter
from node_daemon.image_pools import PoolTarget, look_up_pool, refresh_pool
from node_daemon.image_stream_writer import StreamWriter
from node_daemon.image_tickets import TransferTicket
from node_daemon.image_writers import VolumeExists, VolumeWriter, WriteFailed
from node_daemon.jobs import Job, JobContext, JobState
from node_daemon.libvirt_conn import LibvirtCallError
from node_daemon.qemu_img import QemuImgFailed, image_info
from node_daemon.transfer_journal import TransferEntry, TransferJournal, remove_work_dir
from proto.quantix.v1 import common_pb2, node_pb2

log = logging.getLogger(__name__)

T = TypeVar("T")

MiB = 1024 * 1024
# A data part larger than this is refused as it is read, before it is queued: the sender's
# parts are ~1 MiB, and the node buffers QUEUE_PARTS of them (gRPC itself takes messages up to
# clients.channels.MAX_MESSAGE_BYTES, 16 MiB).
MAX_DATA_PART = 4 * MiB
# Parts held between the gRPC handler and the job: 8 x ~1 MiB keeps the disk busy while the
# next parts arrive, and bounds what one upload holds in memory (at most 32 MiB of
# MAX_DATA_PART parts; 4 running uploads stay far below the daemon's budget).
QUEUE_PARTS = 8
# No part for this long: the sender is gone (a console whose host lost power never closes its
# connection). Senders hand parts to gRPC continuously, so a minute of silence is no pause;
# gRPC's keepalive would notice a dead peer only after the kernel's much longer TCP timeout.
IDLE_TIMEOUT_S = 60.0
# Checksums are quoted by this many hex digits in messages: enough to tell two apart at a
# glance; the full values are in the node's log.
SHA256_SHOWN = 8
# An OVA archive's name in its work directory.
ARCHIVE_NAME = "upload.ova"

STEP_UPLOADING = "uploading"
STEP_VERIFYING = "verifying the size and sha256"


class OvaImporter(Protocol):
    """Turns a verified OVA archive into a template (node_daemon.ova_import): extracts it in
    ``work_dir``, converts its disks into ``pool_dir`` and returns the template's facts."""

    async def __call__(
        self, ctx: JobContext, archive: Path, work_dir: Path, pool_dir: Path, template: str
    ) -> common_pb2.ImageFacts: ...


class ImportRefused(Exception):
    """What an OvaImporter raises when the archive cannot become a template; ``str()`` says
    why for the user (the step and the cause), without the host, which the upload adds."""


class UploadFailed(Exception):
    """How an upload ended other than by success: the status code the uploader gets and the
    message (which host, which step, the cause) the uploader and the task both show."""

    def __init__(self, code: grpc.StatusCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class _Lost:
    def __init__(self, cause: str) -> None:
        self.cause = cause


_END = object()  # the sender closed its side of the stream


class UploadFeed:
    """The parts of one upload, from the RPC handler to the job, in order; bounded."""

    def __init__(self, capacity: int = QUEUE_PARTS) -> None:
        self._queue: asyncio.Queue[Any] = asyncio.Queue(capacity)
        self.lost_cause = ""

    async def fill(self, requests: Any) -> None:
        """Read ``requests`` (the rest of the RPC's stream) into the feed until it ends."""
        try:
            async for request in requests:
                if request.WhichOneof("part") == "data" and len(request.data.data) > MAX_DATA_PART:
                    self.lost(
                        f"a data part of {format_bytes(len(request.data.data))} is larger than "
                        f"{format_bytes(MAX_DATA_PART)}: send ~1 MiB parts"
                    )
                    return
                await self._queue.put(request)
        except asyncio.CancelledError:
            raise
        except Exception as error:  # the stream broke: grpc's own error, whatever its type
            log.debug("reading an upload stream failed: %r", error)
            self.lost(f"connection lost ({error})" if str(error) else "connection lost")
            return
        await self._queue.put(_END)

    def lost(self, cause: str = "connection lost") -> None:
        """The sender is gone: the job's next ``get`` fails with ``cause``. The producer is
        done, so what is still queued is dropped to make room."""
        if self.lost_cause:
            return
        self.lost_cause = cause
        while not self._queue.empty():
            self._queue.get_nowait()
        self._queue.put_nowait(_Lost(cause))

    async def get(self, timeout_s: float) -> node_pb2.UploadImageRequest | None:
        """The next part; None when the sender closed the stream. ``_Lost``'s cause as
        ConnectionError when it is gone, TimeoutError after ``timeout_s`` of silence."""
        item = await asyncio.wait_for(self._queue.get(), timeout_s)
        if isinstance(item, _Lost):
            raise ConnectionError(item.cause)
        if item is _END:
            return None
        return item


class UploadJob:
    """The work of one upload (a JobWork: ``runner.submit(job, ticket.task_id)``)."""

    def __init__(
        self,
        host: str,
        ticket: TransferTicket,
        feed: UploadFeed,
        journal: TransferJournal,
        data_dir: Path,
        ova_importer: OvaImporter | None,
    ) -> None:
        self.host = host
        self.ticket = ticket
        self.feed = feed
        self._journal = journal
        self._data_dir = data_dir
        self._ova_importer = ova_importer
        # Set once the volume is made and the job takes bytes (every refusal comes before).
        self.accepted: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        # Set with the stored bytes' facts once they are verified (the RPC's answer).
        self.stored: asyncio.Future[common_pb2.ImageFacts] = (
            asyncio.get_running_loop().create_future()
        )
        self.failure: UploadFailed | None = None
        self.received = 0
        self._writer: VolumeWriter | None = None
        self._work_dir: Path | None = None
        self._kept = False  # the volume is complete and verified: never removed

    @property
    def _work_root(self) -> Path:
        return self._data_dir / "work"

    # --- the job ---------------------------------------------------------------------------

    async def __call__(self, ctx: JobContext) -> None:
        try:
            await self._run(ctx)
        except asyncio.CancelledError:
            message = self._stopped("cancelled")
            ctx.stopped(message)
            self.failure = UploadFailed(grpc.StatusCode.CANCELLED, message)
            raise
        except UploadFailed as failure:
            self.failure = failure
            raise
        except Exception as error:  # a bug: still say where and what
            log.exception("upload of task %s failed unexpectedly", self.ticket.task_id)
            self.failure = UploadFailed(
                grpc.StatusCode.INTERNAL, self._stopped(f"unexpected error: {error!r}")
            )
            raise self.failure from error
        finally:
            await self._clean_up()

    async def _run(self, ctx: JobContext) -> None:
        ticket = self.ticket
        self._check_names()
        if ticket.kind is ImageKind.OVA_TEMPLATE and self._ova_importer is None:
            raise UploadFailed(
                grpc.StatusCode.FAILED_PRECONDITION, "OVA import is not available on this node"
            )
        pool = await self._pool(ctx)
        # What the pool's type allows comes first: no start or retry would change it.
        self._writer = self._writer_for(ctx, pool)
        self._check_active(pool)
        if self.feed.lost_cause:  # gone while the job was queued: make nothing
            raise UploadFailed(grpc.StatusCode.UNAVAILABLE, self._stopped(self.feed.lost_cause))
        if self._work_dir is not None:
            await asyncio.to_thread(self._work_dir.mkdir, 0o700, True, True)
        try:
            entry = await self._writer.create()
        except VolumeExists:
            raise self._refused(
                grpc.StatusCode.ALREADY_EXISTS,
                f"pool {ticket.pool} already has a volume or file named {ticket.volume}",
            ) from None
        except WriteFailed as error:
            raise self._refused(_write_code(error), str(error)) from error
        if self._work_dir is not None:
            entry = _with_work_dir(entry, str(self._work_dir))
        self._journal.record(entry)
        self.accepted.set_result(None)
        ctx.phase(ImagePhase.UPLOADING, STEP_UPLOADING)
        ctx.progress(0, ticket.size, STEP_UPLOADING)
        received_sha256 = await self._receive(ctx, self._writer)
        # An OVA's archive is checked as the end of its upload: the import's own VERIFYING (the
        # manifest's digests) comes after EXTRACTING, and the image's phase never goes back.
        checking = ImagePhase.UPLOADING if ticket.kind is ImageKind.OVA_TEMPLATE else None
        ctx.phase(checking or ImagePhase.VERIFYING, STEP_VERIFYING)
        try:
            await self._writer.finish(ticket.size)
        except WriteFailed as error:
            raise UploadFailed(_write_code(error), self._stopped(str(error))) from error
        facts = await self._facts(ctx, self._writer, received_sha256)
        if ticket.kind is ImageKind.OVA_TEMPLATE:
            facts = await self._import(ctx, facts, pool)
        # Complete and verified: it stays whatever happens now, and a cancel that comes during
        # the refresh is too late to undo it (the job then ends SUCCEEDED, with its facts).
        self._kept = True
        try:
            await self._refresh(ctx)
        except asyncio.CancelledError:
            log.info("cancel after the upload was verified: kept", extra={"task": ticket.task_id})
        self._journal.forget(ticket.task_id)
        ctx.succeed(facts)
        if not self.stored.done():
            self.stored.set_result(facts)
        log.info(
            "upload stored",
            extra={"task": ticket.task_id, "pool": ticket.pool, "path": facts.path},
        )

    def _check_names(self) -> None:
        """The ticket's names again, with the same rules (the node never trusts a name it did
        not check itself, whoever sent it)."""
        try:
            validate_pool_name(self.ticket.pool, "pool")
            validate_image_name(self.ticket.volume, "volume")
        except ValidationError as error:
            raise self._refused(grpc.StatusCode.INVALID_ARGUMENT, str(error)) from error

    async def _pool(self, ctx: JobContext) -> PoolTarget:
        name = self.ticket.pool
        try:
            pool = await look_up_pool(ctx, name)
        except LibvirtCallError as error:
            raise self._refused(grpc.StatusCode.UNAVAILABLE, str(error)) from error
        if pool is None:
            raise self._refused(grpc.StatusCode.NOT_FOUND, f"there is no pool named {name}")
        return pool

    def _check_active(self, pool: PoolTarget) -> None:
        if not pool.active:
            raise self._refused(
                grpc.StatusCode.FAILED_PRECONDITION, f"pool {pool.name} is not active on this host"
            )

    def _writer_for(self, ctx: JobContext, pool: PoolTarget) -> VolumeWriter:
        ticket = self.ticket
        if ticket.kind is ImageKind.OVA_TEMPLATE:
            if not supports_templates(pool.type):
                raise self._refused(
                    grpc.StatusCode.FAILED_PRECONDITION,
                    f"an OVA template's disks are qcow2 files, which a {pool.type} pool cannot "
                    "hold; choose a directory or NFS pool",
                )
            self._work_dir = self._work_root / ticket.task_id
            path = self._work_dir / ARCHIVE_NAME
            return FileWriter(ticket.task_id, ticket.pool, str(path))
        support = upload_support(pool.type)
        if support.mode is UploadMode.FILE:
            if not pool.path:
                raise self._refused(
                    grpc.StatusCode.FAILED_PRECONDITION, f"pool {pool.name} has no target path"
                )
            path = str(Path(pool.path) / ticket.volume)
            return FileWriter(ticket.task_id, ticket.pool, path)
        if support.mode is UploadMode.STREAM:
            return StreamWriter(
                ticket.task_id, ticket.pool, ticket.volume, ticket.size, ctx.libvirt, pool.type
            )
        raise self._refused(grpc.StatusCode.FAILED_PRECONDITION, support.reason)

    async def _receive(self, ctx: JobContext, writer: VolumeWriter) -> str:
        """Every part in order into ``writer``; the sender's sha256 once all ``size`` bytes
        arrived. The node's own sha256 is kept in ``self._hash``."""
        size = self.ticket.size
        self._hash = hashlib.sha256()
        while True:
            try:
                request = await self.feed.get(IDLE_TIMEOUT_S)
            except ConnectionError as lost:
                raise UploadFailed(grpc.StatusCode.UNAVAILABLE, self._stopped(str(lost))) from None
            except TimeoutError:
                raise UploadFailed(
                    grpc.StatusCode.DEADLINE_EXCEEDED,
                    self._stopped(f"connection lost: no data for {IDLE_TIMEOUT_S:.0f} s"),
                ) from None
            if request is None:
                raise self._protocol("the stream ended before the sender's sha256")
            part = request.WhichOneof("part")
            if part == "data":
                await self._data(writer, request.data)
            elif part == "hole":
                await self._hole(writer, request.hole)
            elif part == "sha256":
                if self.received != size:
                    raise self._protocol(
                        f"size mismatch: the ticket is for {size} bytes, the sender sent "
                        f"{self.received}"
                    )
                try:
                    sender = validate_sha256(request.sha256, "sha256")
                except ValidationError as error:
                    raise self._protocol(str(error)) from error
                if not sender:
                    raise self._protocol("sha256: the last message must carry the sender's sha256")
                return sender
            elif part == "ticket":
                raise self._protocol("the ticket goes in the first message only")
            else:
                raise self._protocol("a message carried no part")
            ctx.progress(self.received, size, STEP_UPLOADING)

    async def _data(self, writer: VolumeWriter, data: node_pb2.UploadData) -> None:
        # Read once: every read of a bytes field makes a new copy of it (the protobuf runtime's
        # objects are views of its own memory), 1 MiB a part.
        payload = data.data
        length = len(payload)
        self._check_part(data.offset, length, "data")
        if length > MAX_DATA_PART:
            raise self._protocol(
                f"a data part of {format_bytes(length)} is larger than "
                f"{format_bytes(MAX_DATA_PART)}: send ~1 MiB parts"
            )
        try:
            await writer.write(data.offset, payload, self._hash.update)
        except WriteFailed as error:
            raise UploadFailed(_write_code(error), self._stopped(str(error))) from error
        self.received += length

    async def _hole(self, writer: VolumeWriter, hole: node_pb2.UploadHole) -> None:
        self._check_part(hole.offset, hole.length, "hole")
        try:
            await writer.hole(hole.offset, hole.length)
        except WriteFailed as error:
            raise UploadFailed(_write_code(error), self._stopped(str(error))) from error
        await asyncio.to_thread(hash_zeros, self._hash, hole.length)
        self.received += hole.length

    def _check_part(self, offset: int, length: int, what: str) -> None:
        if offset != self.received:
            raise self._protocol(
                f"a {what} part at offset {offset} does not follow the previous part (expected "
                f"offset {self.received})"
            )
        if length == 0:
            raise self._protocol(f"a {what} part at offset {offset} is empty")
        if offset + length > self.ticket.size:
            raise self._protocol(
                f"size mismatch: a {what} part ends at {offset + length}, past the ticket's "
                f"{self.ticket.size} bytes"
            )

    async def _facts(
        self, ctx: JobContext, writer: VolumeWriter, sender_sha256: str
    ) -> common_pb2.ImageFacts:
        ticket = self.ticket
        ours = self._hash.hexdigest()
        if sender_sha256 != ours:
            self._mismatch(sender_sha256, ours, "the sender read")
        if ticket.expected_sha256 and ticket.expected_sha256 != ours:
            self._mismatch(ticket.expected_sha256, ours, "expected")
        facts = common_pb2.ImageFacts(
            size_bytes=ticket.size,
            virtual_size_bytes=ticket.size,
            sha256=ours,
            path=writer.path,
        )
        if ticket.kind is ImageKind.ISO:
            facts.format = "iso"
        elif ticket.kind is ImageKind.OVA_TEMPLATE:
            facts.format = "ova"
        else:
            try:
                info = await image_info(Path(writer.path))
            except QemuImgFailed as error:
                raise UploadFailed(grpc.StatusCode.INTERNAL, self._stopped(str(error))) from None
            try:
                # A backing or data file would have a guest read whatever host file it names.
                check_disk_image(info, None, what="the uploaded file")
            except DiskImageRefused as refused:
                raise UploadFailed(
                    grpc.StatusCode.INVALID_ARGUMENT, self._stopped(str(refused))
                ) from None
            facts.format, facts.virtual_size_bytes = info.format, info.virtual_size
        facts.allocated_bytes = await writer.allocated()
        return facts

    def _mismatch(self, wanted: str, got: str, label: str) -> None:
        log.warning(
            "upload checksum mismatch",
            extra={"task": self.ticket.task_id, "wanted": wanted, "received": got, "as": label},
        )
        raise UploadFailed(
            grpc.StatusCode.DATA_LOSS,
            self._stopped(
                f"checksum mismatch: {label} {wanted[:SHA256_SHOWN]}…, got {got[:SHA256_SHOWN]}…"
            ),
        )

    async def _import(
        self, ctx: JobContext, archive: common_pb2.ImageFacts, pool: PoolTarget
    ) -> common_pb2.ImageFacts:
        assert self._ova_importer is not None and self._work_dir is not None
        self.stored.set_result(archive)  # the uploader is answered; the import goes on
        try:
            template = await self._ova_importer(
                ctx, Path(archive.path), self._work_dir, Path(pool.path), self.ticket.volume
            )
        except ImportRefused as refused:
            raise UploadFailed(
                grpc.StatusCode.FAILED_PRECONDITION,
                f"import of {self.ticket.volume} on {self.host} failed: {refused}",
            ) from None
        # What the user sent and may compare: the archive's size and sha256.
        template.size_bytes, template.sha256 = archive.size_bytes, archive.sha256
        return template

    async def _refresh(self, ctx: JobContext) -> None:
        try:
            await refresh_pool(ctx, self.ticket.pool)
        except LibvirtCallError as error:
            # The volume is complete and verified; the next refresh (any pool report) lists it.
            log.warning("%s: %s; the volume is stored all the same", self.host, error)

    async def _clean_up(self) -> None:
        """Whatever happened: the partial volume goes unless verified, the work directory
        always, and the journal entry with them."""
        if self._writer is not None and not self._kept:
            await self._writer.remove()
        if self._work_dir is not None:
            await asyncio.to_thread(remove_work_dir, str(self._work_dir))
        self._journal.forget(self.ticket.task_id)

    # --- wording ---------------------------------------------------------------------------

    def _stopped(self, cause: str) -> str:
        return stopped_message("upload", self.host, self.received, self.ticket.size, cause)

    def _refused(self, code: grpc.StatusCode, reason: str) -> UploadFailed:
        ticket = self.ticket
        return UploadFailed(
            code,
            f"upload of {ticket.volume} to pool {ticket.pool} on {self.host} refused: {reason}",
        )

    def _protocol(self, cause: str) -> UploadFailed:
        return UploadFailed(grpc.StatusCode.INVALID_ARGUMENT, self._stopped(cause))

    # --- the handler's side ----------------------------------------------------------------

    async def accepted_or_ended(self, job: Job) -> None:
        """Return once the job takes bytes; UploadFailed if it ended before (a refusal)."""
        await self._until(self.accepted, job)

    async def outcome(self, job: Job) -> common_pb2.ImageFacts:
        """The stored bytes' facts once verified, or UploadFailed as the job ended."""
        return await self._until(self.stored, job)

    async def _until(self, wanted: asyncio.Future[T], job: Job) -> T:
        ended = asyncio.ensure_future(job.wait())
        try:
            await asyncio.wait({wanted, ended}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            if not ended.done():
                ended.cancel()
        if wanted.done():
            return wanted.result()
        report = ended.result()
        if self.failure is not None:
            raise self.failure
        if report.state is JobState.CANCELLED:  # cancelled while still queued
            raise UploadFailed(
                grpc.StatusCode.CANCELLED,
                f"upload of {self.ticket.volume} to {self.host} was cancelled before it started",
            )
        raise UploadFailed(grpc.StatusCode.INTERNAL, f"{self.host}: {report.error}")


def _write_code(error: WriteFailed) -> grpc.StatusCode:
    return grpc.StatusCode.RESOURCE_EXHAUSTED if error.no_space else grpc.StatusCode.INTERNAL


def _with_work_dir(entry: TransferEntry, work_dir: str) -> TransferEntry:
    return replace(entry, work_dir=work_dir)

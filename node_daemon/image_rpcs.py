"""The node daemon's image RPCs: tickets, the upload stream, cancelling a job, deleting an
image's volumes; and, at start, removing what uploads a killed daemon left. A part of
NodeDaemonServicer, kept apart so each file holds one concern."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

import grpc
import libvirt

from domain.errors import ValidationError
from domain.images import ImageKind, validate_image_name, validate_sha256, validate_url
from domain.pools import validate_pool_name
from domain.tasks import validate_task_id
from node_daemon.download_job import DownloadJob
from node_daemon.image_stream_writer import delete_volume_by_key
from node_daemon.image_tickets import (
    TicketBook,
    TicketRefused,
    TooManyTickets,
    ticket_from_request,
)
from node_daemon.image_upload import OvaImporter, UploadFailed, UploadFeed, UploadJob
from node_daemon.jobs import JobRunner, JobRunnerClosed
from node_daemon.libvirt_conn import LibvirtCallError, LibvirtConnection
from node_daemon.task_reports import TaskReporter
from node_daemon.transfer_journal import (
    TransferEntry,
    TransferJournal,
    remove_file_if_same,
    remove_work_dir,
)
from proto.quantix.v1 import common_pb2, coordinator_pb2, node_pb2
from serving.access import peer_of
from serving.grpc_server import validated
from wire.image_codec import KIND_OF
from wire.metadata import UPLOAD_ACCEPTED, UPLOAD_KEY

log = logging.getLogger(__name__)

# The first message (the ticket) must come within this long of the call: a sender has it in
# hand before it dials; the bound frees a handler a stuck client opened.
FIRST_MESSAGE_TIMEOUT_S = 30.0
# Volumes one DeleteVolumes names: an image is one volume, a template one per disk (OVF
# exports rarely have more than a handful); 64 covers any real template.
MAX_DELETE_VOLUMES = 64
# What the coordinator's task says after a restart cleaned up its partial volume.
RESTARTED = "the node daemon restarted while it ran; the partial volume was removed"
# Removing what a killed daemon left: a file unlink and a libvirt volume delete per entry take
# milliseconds; the bound keeps a hung pool (an NFS server gone) from holding start-up work.
RECOVERY_DEADLINE_S = 60.0
# How long the start waits for those tasks' FAILED reports to be delivered: a final report is
# retried for up to ~15 s (task_reports.FINAL_ATTEMPTS) when the coordinator is unreachable;
# after this the daemon registers all the same.
RECOVERY_REPORTS_DEADLINE_S = 20.0


class ImageRpcs:
    """Mixed into NodeDaemonServicer, which sets these attributes."""

    name: str
    libvirt: LibvirtConnection
    jobs: JobRunner
    tickets: TicketBook
    journal: TransferJournal
    data_dir: Path
    ova_importer: OvaImporter | None
    reporter: TaskReporter | None

    @validated
    async def AddTransferTicket(
        self, request: node_pb2.AddTransferTicketRequest, context: grpc.aio.ServicerContext
    ) -> node_pb2.AddTransferTicketResponse:
        ticket = ticket_from_request(request)
        try:
            self.tickets.add(ticket)
        except TooManyTickets as error:
            await context.abort(grpc.StatusCode.RESOURCE_EXHAUSTED, f"{self.name}: {error}")
        return node_pb2.AddTransferTicketResponse()

    async def UploadImage(
        self, request_iterator: Any, context: grpc.aio.ServicerContext
    ) -> node_pb2.UploadImageResponse:
        requests = aiter(request_iterator)
        try:
            first = await asyncio.wait_for(anext(requests, None), FIRST_MESSAGE_TIMEOUT_S)
        except TimeoutError:
            await context.abort(
                grpc.StatusCode.DEADLINE_EXCEEDED,
                f"{self.name}: no ticket within {FIRST_MESSAGE_TIMEOUT_S:.0f} s of the start",
            )
            raise AssertionError("abort() returns only by raising") from None
        secret = first.ticket if first is not None and first.WhichOneof("part") == "ticket" else ""
        peer = peer_of(context)
        try:
            ticket = self.tickets.redeem(secret, peer.name if peer is not None else None)
        except TicketRefused as refused:
            message = f"{self.name}: upload refused: {refused}"
            log.warning("%s", message, extra={"caller": peer.name if peer else ""})
            await context.abort(grpc.StatusCode.PERMISSION_DENIED, message)
            raise AssertionError("abort() returns only by raising") from None
        if self.reporter is not None:
            # The coordinator hears at once that the ticket is in use: a transfer waiting here
            # for a free slot is not taken for one that never started.
            self.reporter.send(
                coordinator_pb2.ReportTaskProgressRequest(
                    hostname=self.name,
                    id=ticket.task_id,
                    phase=coordinator_pb2.TASK_PHASE_RUNNING,
                    step="waiting for a transfer slot on this host",
                )
            )
        feed = UploadFeed()
        upload = UploadJob(self.name, ticket, feed, self.journal, self.data_dir, self.ova_importer)
        try:
            job = self.jobs.submit(upload, ticket.task_id)
        except JobRunnerClosed as error:
            await context.abort(grpc.StatusCode.UNAVAILABLE, f"{self.name}: {error}")
            raise AssertionError("abort() returns only by raising") from None
        except ValueError:
            await context.abort(
                grpc.StatusCode.ALREADY_EXISTS,
                f"{self.name}: task {ticket.task_id} already runs on this host",
            )
            raise AssertionError("abort() returns only by raising") from None
        reader: asyncio.Task[None] | None = None
        try:
            # The sender waits for the initial metadata before it sends bytes: a refusal
            # (a taken name, a pool that takes no uploads) then reaches it as this call's
            # status, not as a failed write racing the status.
            await upload.accepted_or_ended(job)
            await context.send_initial_metadata(((UPLOAD_KEY, UPLOAD_ACCEPTED),))
            reader = asyncio.create_task(feed.fill(requests), name=f"upload {ticket.task_id}")
            facts = await upload.outcome(job)
        except asyncio.CancelledError:
            # The caller went away (or its deadline passed): the job stops and cleans up.
            feed.lost("connection lost")
            raise
        except UploadFailed as failure:
            await context.abort(failure.code, failure.message)
            raise AssertionError("abort() returns only by raising") from None
        finally:
            if reader is not None:
                reader.cancel()
        return node_pb2.UploadImageResponse(facts=facts)

    @validated
    async def StartDownload(
        self, request: node_pb2.StartDownloadRequest, context: grpc.aio.ServicerContext
    ) -> node_pb2.StartDownloadResponse:
        """Queue the download as a job and answer at once: its progress and outcome reach the
        coordinator as the task's reports (a refusal found by the job too, worded in full)."""
        task_id = validate_task_id(request.task_id, "task_id")
        kind = KIND_OF.get(request.kind, ImageKind.DISK)
        if kind is ImageKind.OVA_TEMPLATE:
            raise ValidationError("kind", "an OVA is uploaded, then imported; it is not downloaded")
        job = DownloadJob(
            self.name,
            task_id,
            validate_pool_name(request.pool, "pool"),
            validate_image_name(request.volume, "volume"),
            kind,
            validate_url(request.url, "url"),
            validate_sha256(request.sha256, "sha256"),
            validate_url(request.checksum_url, "checksum_url") if request.checksum_url else "",
            request.resume,
            self.journal,
        )
        try:
            self.jobs.submit(job, task_id)
        except JobRunnerClosed as error:
            await context.abort(grpc.StatusCode.UNAVAILABLE, f"{self.name}: {error}")
        except ValueError:
            await context.abort(
                grpc.StatusCode.ALREADY_EXISTS,
                f"{self.name}: task {task_id} already runs on this host",
            )
        return node_pb2.StartDownloadResponse()

    @validated
    async def CancelJob(
        self, request: node_pb2.CancelJobRequest, context: grpc.aio.ServicerContext
    ) -> node_pb2.CancelJobResponse:
        task_id = validate_task_id(request.task_id, "task_id")
        if self.tickets.revoke(task_id):
            log.info("upload ticket revoked before use", extra={"task": task_id})
        if self.jobs.cancel(task_id):
            log.info("job cancelled", extra={"task": task_id})
        return node_pb2.CancelJobResponse()

    @validated
    async def DeleteVolumes(
        self, request: node_pb2.DeleteVolumesRequest, context: grpc.aio.ServicerContext
    ) -> node_pb2.DeleteVolumesResponse:
        pool_name = validate_pool_name(request.pool, "pool")
        if len(request.volumes) > MAX_DELETE_VOLUMES:
            raise ValidationError(
                "volumes", f"at most {MAX_DELETE_VOLUMES} at once (got {len(request.volumes)})"
            )
        volumes = [
            validate_image_name(volume, f"volumes[{index}]")
            for index, volume in enumerate(request.volumes)
        ]

        def delete(conn: libvirt.virConnect) -> str:
            try:
                pool = conn.storagePoolLookupByName(pool_name)
            except libvirt.libvirtError as error:
                if error.get_error_code() == libvirt.VIR_ERR_NO_STORAGE_POOL:
                    return f"there is no pool named {pool_name}"
                raise
            if not pool.isActive():
                return f"pool {pool_name} is not active on this host"
            pool.refresh(0)  # files written since the last scan are volumes too
            for name in volumes:
                try:
                    volume = pool.storageVolLookupByName(name)
                except libvirt.libvirtError as error:
                    if error.get_error_code() == libvirt.VIR_ERR_NO_STORAGE_VOL:
                        continue  # gone already: what the caller wants
                    raise
                volume.delete(0)
                log.info("volume deleted", extra={"pool": pool_name, "volume": name})
            pool.refresh(0)
            return ""

        try:
            refusal = await self.libvirt.call(f"deleting volumes of pool {pool_name}", delete)
        except LibvirtCallError as error:
            code = grpc.StatusCode.UNAVAILABLE if error.connection else grpc.StatusCode.INTERNAL
            await context.abort(code, f"{self.name}: {error}")
            raise AssertionError("abort() returns only by raising") from None
        if refusal:
            code = (
                grpc.StatusCode.NOT_FOUND
                if refusal.startswith("there is no pool")
                else grpc.StatusCode.FAILED_PRECONDITION
            )
            await context.abort(code, f"{self.name}: deleting volumes refused: {refusal}")
        return node_pb2.DeleteVolumesResponse()

    # --- after a restart -------------------------------------------------------------------

    async def recover_transfers(self) -> None:
        """Remove what the uploads a killed daemon left behind, and tell the coordinator
        those tasks FAILED (best effort: each removal and report has a deadline). Returns once
        the reports are delivered (or their deadline passed)."""
        leftovers = self.journal.leftovers()
        if not leftovers:
            return
        log.warning(
            "%d transfers did not finish before the last stop; removing what they left",
            len(leftovers),
        )
        try:
            await asyncio.wait_for(self._remove_leftovers(leftovers), RECOVERY_DEADLINE_S)
        except TimeoutError:
            log.error(
                "removing what interrupted transfers left took over %.0f s; the rest is left "
                "as it is (see the transfer journal %s)",
                RECOVERY_DEADLINE_S,
                self.journal.path,
            )
            return
        self.journal.settle_leftovers()
        if self.reporter is None:
            return
        for entry in leftovers:
            self.reporter.send(
                coordinator_pb2.ReportTaskProgressRequest(
                    hostname=self.name,
                    id=entry.task_id,
                    phase=coordinator_pb2.TASK_PHASE_FAILED,
                    message=RESTARTED,  # the coordinator words it with the host and how far
                    image_phase=common_pb2.IMAGE_PHASE_ERROR,
                )
            )
        await self.reporter.delivered(RECOVERY_REPORTS_DEADLINE_S)

    async def _remove_leftovers(self, leftovers: list[TransferEntry]) -> None:
        for entry in leftovers:
            if entry.path:
                try:
                    await asyncio.to_thread(
                        remove_file_if_same, entry.path, entry.device, entry.inode
                    )
                except OSError as error:
                    log.error("could not remove the partial file %s: %s", entry.path, error)
            if entry.volume_key:
                key = entry.volume_key
                try:
                    await self.libvirt.call(
                        f"removing the partial volume {entry.volume}",
                        lambda conn, key=key: delete_volume_by_key(conn, key),  # type: ignore[misc]
                    )
                except LibvirtCallError as error:
                    log.error("%s", error)
            if entry.work_dir:
                await asyncio.to_thread(remove_work_dir, entry.work_dir)
            log.info("removed what task %s left", entry.task_id, extra={"task": entry.task_id})

"""The transfer driver: starts uploads, downloads and OVA imports, streams this console's
uploads to their hosts, and cancels, retries and deletes through the coordinator.

An upload is two calls. CreateUpload asks the coordinator (it checks the name, the pool and the
room, records the image UPLOADING, starts its task and gives the host a single-use ticket for
this console's identity); then the file is streamed straight to that host's node daemon
(``clients.image_upload.send_file``, client-streaming gRPC over the console's own mutual-TLS
identity, as node reads are), so the bytes never pass through the coordinator. The stream runs
here, on the event loop, held by this object, which lives as long as the window: it goes on
when the user changes page. Progress is what the node reports through the coordinator's task
(on Watch, the same for every console); the bytes handed to gRPC here only word a failure.

Cancel asks the coordinator (CancelTask), whoever started the task, so any console can cancel
any transfer; when the task finishes on Watch (cancelled, failed elsewhere), a stream still
running here is stopped. The ticket is a secret: it is passed to the stream and dropped, never
logged, shown or kept.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import grpc
from PySide6.QtCore import QObject, Signal

from clients import image_upload
from clients.channels import node_endpoint, open_channel
from clients.coordinator import CoordinatorClient
from clients.errors import describe_rpc_error
from console.connection import EndpointSource
from console.images import task_text
from console.images.tasks_model import TasksModel
from console.pool_ops import Failure, call_coordinator
from domain.images import is_worded, stopped_message
from proto.quantix.v1 import common_pb2 as cpb
from proto.quantix.v1 import coordinator_pb2 as pb
from trust.credentials import Identity

log = logging.getLogger(__name__)

# On quit, each of this console's uploads is cancelled at the coordinator first (so its record
# says "cancelled" at once instead of waiting for the host to notice a dead stream). A quit
# must not hang on a coordinator that does not answer: 5 s covers a LAN round trip many times.
QUIT_CANCEL_DEADLINE_S = 5.0

Progress = Callable[[int, int], None]
# clients.image_upload.send_file's shape: (channel, path, ticket, progress) -> what was stored.
SendFile = Callable[[grpc.aio.Channel, Path, str, Progress | None], Awaitable[cpb.ImageFacts]]


class Refused(Exception):
    """The coordinator (or this console) refused to start a transfer; ``failure`` says why."""

    def __init__(self, failure: Failure) -> None:
        super().__init__(failure.text)
        self.failure = failure


@dataclass(frozen=True)
class UploadRequest:
    """A file to upload, as the dialog checked it (domain.images' rules)."""

    path: Path
    pool: str
    host: str
    name: str
    kind: int  # cpb.ImageKind: ISO, DISK, or OVA_TEMPLATE for an .ova to import
    size_bytes: int
    sha256: str = ""

    def message(self) -> pb.CreateUploadRequest:
        return pb.CreateUploadRequest(
            pool=self.pool,
            name=self.name,
            kind=self.kind,
            size_bytes=self.size_bytes,
            sha256=self.sha256,
            host=self.host,
            source=self.path.name,
        )


@dataclass
class _Upload:
    request: UploadRequest
    host: str
    sent: int = 0  # bytes handed to gRPC (words a failure: "stopped at 1.2 GiB of 4.0 GiB")
    job: asyncio.Task[None] | None = None


class TransferManager(QObject):
    # A task this console started (an upload, a download, an import): its id.
    started = Signal(str)
    # A line for the status bar: a transfer started, ended here, or an action failed.
    notice = Signal(str)
    # This console's uploads started or ended (the close question counts them).
    uploads_changed = Signal()

    def __init__(
        self,
        endpoint: EndpointSource,
        tasks: TasksModel,
        parent: QObject | None = None,
        send_file: SendFile | None = None,
    ) -> None:
        super().__init__(parent)
        self._endpoint = endpoint
        self.tasks = tasks
        self._send_file = send_file
        self._uploads: dict[str, _Upload] = {}  # task id -> an upload streaming from here
        # Calls under way (cancel, retry, delete): held because qasync holds tasks weakly.
        self._calls: set[asyncio.Task[None]] = set()
        tasks.batch_applied.connect(self._on_tasks_changed)

    # --- uploads --------------------------------------------------------------------------

    def running_uploads(self) -> list[str]:
        """Task ids of the uploads streaming from this console now."""
        return [task_id for task_id, upload in self._uploads.items() if _running(upload)]

    def is_local(self, task_id: str) -> bool:
        return task_id in self._uploads

    async def begin_upload(self, request: UploadRequest) -> str:
        """CreateUpload, then stream the file in the background; the task's id. Raises Refused
        (nothing was started) with the coordinator's reason, naming the field it named."""
        endpoint = self._endpoint()
        result = await call_coordinator(
            endpoint, lambda client: client.create_upload(request.message()), "starting the upload"
        )
        if result.failure is not None:
            raise Refused(result.failure)
        reply = result.value
        assert reply is not None and endpoint is not None
        task_id = reply.task.id
        upload = _Upload(request, reply.host or request.host)
        self._uploads[task_id] = upload
        upload.job = asyncio.get_running_loop().create_task(
            self._stream(task_id, upload, reply.node_address, reply.ticket, endpoint.identity),
            name=f"upload {task_id}",
        )
        self.uploads_changed.emit()
        self.started.emit(task_id)
        self.notice.emit(
            f"Uploading {request.path.name} to {request.pool} on {upload.host} as {request.name}"
        )
        return task_id

    async def _stream(
        self,
        task_id: str,
        upload: _Upload,
        address: str,
        ticket: str,
        identity: Identity | None,
    ) -> None:
        request = upload.request
        target = f"node daemon of {upload.host} ({address})"

        def progress(done: int, _total: int) -> None:
            upload.sent = done

        try:
            send_file = self._send_file or image_upload.send_file
            channel = open_channel(node_endpoint(address, upload.host, identity))
            try:
                await send_file(channel, request.path, ticket, progress)
            finally:
                await channel.close()
        except asyncio.CancelledError:
            raise
        except Exception as error:
            said = error.details() or "" if isinstance(error, grpc.aio.AioRpcError) else ""
            if is_worded(said):
                text = said  # the node's own account: what, where, how far, why
            else:
                if isinstance(error, grpc.RpcError):
                    cause = describe_rpc_error(error, target)
                else:
                    cause = f"{type(error).__name__}: {error}"
                text = stopped_message(
                    "upload", upload.host, upload.sent, request.size_bytes, cause
                )
                # The node may never have seen a byte (the file could not be read, the node
                # not reached): the coordinator is told now rather than when the ticket expires.
                self.cancel(task_id)
            log.warning("upload of %s (task %s) failed: %s", request.path.name, task_id, text)
            self.tasks.set_note(task_id, f"This console: {text}")
            self.notice.emit(text)
        else:
            self.notice.emit(
                f"Sent {request.path.name} to {upload.host}: {request.name} is checked there "
                "before it is ready"
            )
        finally:
            upload.job = None
            self.uploads_changed.emit()

    def _on_tasks_changed(self) -> None:
        """A task of one of our uploads finished elsewhere (cancelled from another console,
        failed on its host): the stream has nothing left to do."""
        for task_id, upload in list(self._uploads.items()):
            task = self.tasks.task(task_id)
            if task is not None and task_text.is_finished(task):
                if upload.job is not None and not upload.job.done():
                    upload.job.cancel()
                del self._uploads[task_id]
                self.uploads_changed.emit()

    # --- downloads ------------------------------------------------------------------------

    async def begin_download(self, request: pb.CreateDownloadRequest) -> str:
        """CreateDownload (the host fetches the URL); the task's id. Raises Refused."""
        result = await call_coordinator(
            self._endpoint(),
            lambda client: client.create_download(request),
            "starting the download",
        )
        if result.failure is not None:
            raise Refused(result.failure)
        image = result.value
        assert image is not None
        self.started.emit(image.task_id)
        self.notice.emit(
            f"{image.host or 'The host'} is downloading {image.name} into {image.pool}"
        )
        return image.task_id

    # --- any task -------------------------------------------------------------------------

    def cancel(self, task_id: str) -> None:
        """Ask the coordinator to cancel ``task_id`` (whoever started it)."""
        task = self.tasks.task(task_id)
        name = task_text.title(task) if task is not None else f"task {task_id}"
        self._call(
            lambda client: client.cancel_task(task_id),
            f"Cancel requested: {name}",
            f"cancelling {name}",
        )

    def retry(self, pool: str, name: str) -> None:
        """Ask the coordinator to run a failed download again (it resumes where it stopped)."""

        async def retried(client: CoordinatorClient) -> None:
            image = await client.retry_image(pool, name)
            self.started.emit(image.task_id)

        self._call(retried, f"Retrying the download of {name}", f"retrying {name}")

    def delete(self, pool: str, name: str) -> None:
        self._call(
            lambda client: client.delete_image(pool, name),
            f"Deleted {name} from {pool}",
            f"deleting {name}",
        )

    def _call(
        self, call: Callable[[CoordinatorClient], Awaitable[object]], done: str, doing: str
    ) -> None:
        async def run() -> None:
            result = await call_coordinator(self._endpoint(), call, doing)
            self.notice.emit(done if result.failure is None else result.failure.text)

        task = asyncio.get_running_loop().create_task(run(), name=doing)
        self._calls.add(task)
        task.add_done_callback(self._calls.discard)

    # --- shutting down --------------------------------------------------------------------

    async def stop(self) -> None:
        """Cancel this console's uploads (at the coordinator, then here) and any call under
        way: nothing of this object outlives the window."""
        running = self.running_uploads()
        endpoint = self._endpoint()
        if running and endpoint is not None:
            with contextlib.suppress(Exception):  # quitting: the host notices the dead stream
                async with CoordinatorClient(endpoint, QUIT_CANCEL_DEADLINE_S) as client:
                    await asyncio.gather(
                        *(client.cancel_task(task_id) for task_id in running),
                        return_exceptions=True,
                    )
        jobs = [u.job for u in self._uploads.values() if u.job is not None]
        jobs += list(self._calls)
        for job in jobs:
            job.cancel()
        await asyncio.gather(*jobs, return_exceptions=True)
        self._uploads.clear()


def _running(upload: _Upload) -> bool:
    return upload.job is not None and not upload.job.done()

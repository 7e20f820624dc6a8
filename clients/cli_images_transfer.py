"""Moving an image's bytes from quantixctl: an upload streams the file straight to the node the
coordinator names (mutual TLS with the user's own identity, the coordinator's single-use
ticket), with a progress bar; ``--wait`` then follows the image's task until the image is
READY or ERROR.

``clients.image_upload.send_file`` (the console's sender too) is written in another branch;
it is imported when an upload starts, before the coordinator records anything, so quantixctl
runs without it and says so when asked to upload.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import grpc

from clients.channels import node_endpoint, open_channel
from clients.cli_realized import WAIT_POLL_S, WAIT_SLACK_S, NotAsAsked
from clients.cli_tasks_wait import wait_task
from clients.coordinator import CoordinatorClient
from clients.errors import describe_rpc_error
from clients.image_upload import send_file
from clients.present_images import image_phase_key, image_ref, is_busy
from clients.present_tasks import task_phase_text
from clients.progress_bar import Progress, ProgressBar
from domain.errors import ValidationError
from domain.images import ImagePhase, is_worded
from domain.limits import quoted
from domain.tasks import RateWindow, eta_seconds
from proto.quantix.v1 import common_pb2 as cpb
from proto.quantix.v1 import coordinator_pb2 as pb

SendFile = Callable[..., Awaitable[cpb.ImageFacts]]


def file_sender() -> SendFile:
    """What sends the file's bytes to the node (tests may pass another)."""
    return send_file


class UploadProgress:
    """send_file's ``progress(done, total)`` drawn on a bar, with the speed and time left
    measured here by domain.tasks' rate window (the coordinator's rule, not a copy of it)."""

    def __init__(self, bar: ProgressBar, clock: Callable[[], float] = time.monotonic) -> None:
        self._bar = bar
        self._clock = clock
        self._window = RateWindow()

    def __call__(self, done: int, total: int) -> None:
        self._window.add(self._clock(), done)
        rate = self._window.rate()
        phase = ImagePhase.UPLOADING.value
        self._bar.update(Progress(done, total, phase, rate, eta_seconds(done, total, rate)))


async def send_to_node(
    client: CoordinatorClient,
    reply: pb.CreateUploadResponse,
    path: Path,
    bar: ProgressBar,
    send_file: SendFile,
) -> cpb.ImageFacts:
    """Stream ``path`` to the host CreateUpload named, with its ticket (never shown)."""
    host = reply.host or reply.image.host
    where = f"{path.name} to {host}"
    try:
        endpoint = node_endpoint(reply.node_address, host, client.endpoint.identity)
        channel = open_channel(endpoint)
    except ValidationError as error:
        raise NotAsAsked(
            f"upload of {where} cannot start: the coordinator gave its address as "
            f"{quoted(reply.node_address)} ({error})"
        ) from None
    try:
        return await send_file(channel, path, reply.ticket, UploadProgress(bar))
    except grpc.aio.AioRpcError as error:
        bar.interrupt()
        said = error.details() or ""
        if is_worded(said):
            raise NotAsAsked(said) from None  # the node's own account: what, where, why
        await _cancel_quietly(client, reply.task.id)
        node = f"node {host} ({reply.node_address})"
        raise NotAsAsked(f"upload of {where} failed: {describe_rpc_error(error, node)}") from None
    except (OSError, ValueError) as error:
        bar.interrupt()
        await _cancel_quietly(client, reply.task.id)
        cause = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        raise NotAsAsked(f"upload of {where} stopped: reading {path}: {cause}") from None
    finally:
        await channel.close()


async def image_after_task(
    client: CoordinatorClient,
    task: pb.Task,
    pool: str,
    name: str,
    clock: Callable[[], float] = time.monotonic,
) -> pb.Image:
    """The image once its task has finished: read until it is no longer busy (the task's
    last report also settles the image; WAIT_SLACK_S covers a write not yet visible)."""
    give_up = clock() + WAIT_SLACK_S
    while True:
        try:
            image = await client.get_image(pool, name)
        except grpc.aio.AioRpcError as error:
            if error.code() != grpc.StatusCode.NOT_FOUND:
                raise
            raise NotAsAsked(
                f"image {pool}/{name} is gone: its task {task_phase_text(task.phase)}: "
                f"{task.message or 'no message'}"
            ) from None
        if not is_busy(image) or clock() >= give_up:
            return image
        await asyncio.sleep(WAIT_POLL_S)


async def settle(
    client: CoordinatorClient,
    task_id: str,
    pool: str,
    name: str,
    stall_s: float,
    bar: ProgressBar | None = None,
) -> pb.Image:
    """Follow the image's task to its end (a bar on stderr), then read the image."""
    if not task_id:
        raise NotAsAsked(f"image {pool}/{name} has no task to wait for")
    task = await client.get_task(task_id)
    label = f"{_verb(task)} {pool}/{name}"
    task = await wait_task(client, task, stall_s, bar or ProgressBar(sys.stderr, label))
    return await image_after_task(client, task, pool, name)


def _verb(task: pb.Task) -> str:
    return {
        pb.TASK_KIND_UPLOAD: "upload",
        pb.TASK_KIND_DOWNLOAD: "download",
        pb.TASK_KIND_OVA_IMPORT: "import",
    }.get(task.kind, "task")


def require_ready(image: pb.Image) -> None:
    """NotAsAsked with the image's message unless it is READY."""
    if image.phase != cpb.IMAGE_PHASE_READY:
        raise NotAsAsked(
            f"image {image_ref(image)} is {image_phase_key(image.phase)}: "
            f"{image.message or 'no message'}"
        )


async def upload(
    client: CoordinatorClient,
    request: pb.CreateUploadRequest,
    path: Path,
    wait: bool,
    stall_s: float,
    send_file: SendFile,
    stream: Any = None,
) -> pb.Image:
    """Record the upload, stream the file, and (``wait``) follow the image until it settles.
    The image as it is at the end."""
    reply = await client.create_upload(request)
    pool, name = reply.image.pool or request.pool, reply.image.name or request.name
    verb = "import" if request.kind == cpb.IMAGE_KIND_OVA_TEMPLATE else "upload"
    bar = ProgressBar(stream or sys.stderr, f"{verb} {pool}/{name}")
    await send_to_node(client, reply, path, bar, send_file)
    if wait:
        return await settle(client, reply.task.id or reply.image.task_id, pool, name, stall_s, bar)
    bar.finish()
    return await client.get_image(pool, name)


async def _cancel_quietly(client: CoordinatorClient, task_id: str) -> None:
    """Tell the coordinator the upload will not come (the node may never have seen a byte), so
    its task ends now rather than when the ticket expires; a refusal (it ended) is fine."""
    with contextlib.suppress(grpc.aio.AioRpcError):
        await client.cancel_task(task_id)

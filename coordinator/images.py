"""The coordinator's images: ISO media, disk images and OVA templates in managed pools.

An image is a record (``pb.Image``) stored through the inventory as OBJECT_KIND_IMAGE keyed
``domain.images.image_key(pool, name)``, so it is in SQLite and on Watch. Quantix's own images
(``managed``) are moved by a task (coordinator.tasks) on one host: an upload streamed by the
caller straight to the node with a single-use ticket this manager gives that node, or a
download the node runs. The task carries the progress; the image carries its phase, its facts
once READY, and the reason once ERROR. Volumes found in managed pools (coordinator.
image_discovery) are images too, with ``managed`` false.

How a task's end reaches its image: a node's SUCCEEDED report carries the facts
(``task_reported``); every other end, whoever caused it (the node, a cancel while the host is
offline, a restart of the coordinator), arrives through the registry's finish listener and
leaves the image ERROR in the words of ``domain.images.stopped_message``.

Ticket secrets are made here, sent to nobody but the caller (the node gets their SHA-256),
and never kept: not in the store, the record, a log line, the audit log or Watch.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import secrets
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from coordinator.image_codec import KIND_TO_PB, PHASE_OF, PHASE_TO_PB, image_kind
from coordinator.image_placement import Placement, PlacementRefused, place
from coordinator.inventory import Inventory
from coordinator.nodes import NodeRegistry
from coordinator.pools import PoolManager
from coordinator.realize import HostOutcome, Realizer
from coordinator.tasks import CANCEL_ASKED, TaskRegistry, UnknownTask, new_task_id
from coordinator.tasks import PHASE_OF as TASK_PHASE_OF
from domain.errors import ValidationError
from domain.image_catalog import catalog_entry
from domain.images import (
    FOUND_NOT_DELETED,
    ImageKind,
    ImagePhase,
    image_key,
    is_worded,
    stopped_message,
    template_disk_name,
    validate_image_name,
    validate_sha256,
    validate_size,
    validate_url,
)
from domain.limits import PATH_MAX, shortened, validate_text
from domain.pools import validate_pool_name
from domain.tasks import FINISHED, MESSAGE_MAX, TaskKind, TaskPhase
from domain.validation import validate_hostname
from proto.quantix.v1 import common_pb2 as cpb
from proto.quantix.v1 import coordinator_pb2 as pb
from proto.quantix.v1 import node_pb2
from wire.proto_time import timestamp_of

log = logging.getLogger(__name__)

KIND = pb.OBJECT_KIND_IMAGE

# --- tunables (one place) ------------------------------------------------------------------

# A ticket's secret: 32 random bytes (256 bits, 43 URL-safe characters), as secrets' own
# default: nobody guesses one within a ticket's life, however many tries a network allows.
TICKET_BYTES = 32
# How long a ticket waits for its upload to start. The caller streams right after CreateUpload
# answers, but may first read the file once to hash it (a 50 GiB disk image at ~500 MB/s is
# under two minutes) or reconnect after a network blip; 15 minutes covers those, while a ticket
# that leaked somewhere stops being usable the same afternoon.
TICKET_TTL_S = 15 * 60.0
# After the ticket expired, how long an upload that never reported is given before its task is
# failed: a node's first report may be on its way (a report every few seconds at worst).
START_GRACE_S = 60.0


@dataclass(frozen=True)
class ImageSettings:
    ticket_ttl_s: float = TICKET_TTL_S
    start_grace_s: float = START_GRACE_S


# --- refusals ------------------------------------------------------------------------------


class ImageNotFound(LookupError):
    def __init__(self, pool: str, name: str) -> None:
        super().__init__(f"no image named {name!r} in pool {pool!r}")


class ImageExists(Exception):
    """ALREADY_EXISTS: the pool has an image or volume of that name."""


class ImageRefused(Exception):
    """FAILED_PRECONDITION: valid, but not possible now; the message says why."""


@dataclass(frozen=True)
class UploadTicket:
    """What CreateUpload answers: the caller streams to ``node_address`` with ``secret``."""

    image: pb.Image
    task: pb.Task
    host: str
    node_address: str
    secret: str
    expires_at: float


def _verb(task_kind: int, image: pb.Image) -> str:
    if task_kind == pb.TASK_KIND_DOWNLOAD:
        return "download"
    if task_kind == pb.TASK_KIND_OVA_IMPORT and image.phase != cpb.IMAGE_PHASE_UPLOADING:
        return "import"  # the archive arrived; extracting or converting it stopped
    return "upload"


def _cause(message: str) -> str:
    return message or "no reason given"


class ImageManager:
    def __init__(
        self,
        inventory: Inventory,
        pools: PoolManager,
        nodes: NodeRegistry,
        realizer: Realizer,
        tasks: TaskRegistry,
        settings: ImageSettings | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._inventory = inventory
        self._pools = pools
        self._nodes = nodes
        self._realizer = realizer
        self._tasks = tasks
        self._settings = settings or ImageSettings()
        self._clock = clock
        # Task id -> image key, for every image a task is moving.
        self._moving: dict[str, str] = {task_id: key for key, task_id in self._busy_tasks().items()}
        self._preparing: set[str] = set()  # keys of uploads whose ticket is being given
        self._deleting: set[str] = set()
        self._reported: set[str] = set()  # tasks a node has reported on this run
        self._cancelled_by: dict[str, str] = {}
        self._watchdogs: dict[str, asyncio.TimerHandle] = {}
        self._background: set[asyncio.Task[None]] = set()
        # Each host's node daemon run (its pool reports' boot id), and the run each task
        # started under: a daemon that restarted no longer runs what the earlier run did.
        self._boot: dict[str, str] = {}
        self._started_under: dict[str, str] = {}
        # Told after each transfer or delete on a host (coordinator.image_discovery asks it
        # for that pool's volumes again); set by the wiring.
        self.host_changed: Callable[[str, str], None] = lambda host, pool: None
        tasks.on_finish(self._task_finished)
        nodes.add_listener(self)

    # --- reads -------------------------------------------------------------------------------

    def list(self) -> list[pb.Image]:
        return [i for i in self._inventory.list(KIND) if isinstance(i, pb.Image)]

    def get(self, pool: str, name: str) -> pb.Image:
        validate_pool_name(pool, "pool")
        validate_image_name(name, "name")
        image = self._inventory.get(KIND, image_key(pool, name))
        if not isinstance(image, pb.Image):
            raise ImageNotFound(pool, name)
        return image

    def claims(self, pool: str) -> Callable[[str], bool]:
        """Whether a managed image of ``pool`` owns a volume name: its own name, a
        template's disks, or (while it is being moved) a partial file named after it. Built
        once per list a node gives, not per volume."""
        owned: set[str] = set()
        prefixes: list[str] = []
        for image in self.list():
            if not image.managed or image.pool != pool:
                continue
            owned.add(image.name)
            owned.update(image.facts.volumes)
            if PHASE_OF.get(image.phase, ImagePhase.ERROR).busy:
                prefixes += [f"{image.name}.", f"{image.name}-"]
        starts = tuple(prefixes)
        return lambda volume: volume in owned or (bool(starts) and volume.startswith(starts))

    def _busy_tasks(self) -> dict[str, str]:
        return {
            image_key(i.pool, i.name): i.task_id
            for i in self.list()
            if i.managed and i.task_id and PHASE_OF.get(i.phase, ImagePhase.ERROR).busy
        }

    # --- uploads -----------------------------------------------------------------------------

    async def create_upload(self, request: pb.CreateUploadRequest, caller: str) -> UploadTicket:
        name = validate_image_name(request.name, "name")
        validate_pool_name(request.pool, "pool")
        kind = image_kind(request.kind)
        size = validate_size(request.size_bytes, "size_bytes")
        expected = validate_sha256(request.sha256, "sha256")
        host = validate_hostname(request.host, "host") if request.host else ""
        source = validate_text(request.source, "source", PATH_MAX)
        placement = self._placement(request.pool, host, kind, size)
        self._check_free(placement.pool, name, kind)
        key = image_key(placement.pool, name)
        task_id = new_task_id()
        secret = secrets.token_urlsafe(TICKET_BYTES)
        expires_at = self._clock() + self._settings.ticket_ttl_s
        ticket = node_pb2.AddTransferTicketRequest(
            task_id=task_id,
            secret_sha256=hashlib.sha256(secret.encode()).hexdigest(),
            identity=caller,
            pool=placement.pool,
            volume=name,
            kind=KIND_TO_PB[kind],  # type: ignore[arg-type]
            size_bytes=size,
            expected_sha256=expected,
            expires_at=timestamp_of(expires_at),
        )
        # Refused rather than recorded when the host cannot take the ticket: nothing moved,
        # and the user can try again at once under the same name (an ERROR record would hold
        # the name, and an upload cannot be retried from here: the file is on their machine).
        self._preparing.add(key)
        try:
            (outcome,) = await self._realizer.gather(
                [placement.host],
                lambda client, timeout_s: client.add_transfer_ticket(ticket, timeout_s),
            )
        finally:
            self._preparing.discard(key)
        if not outcome.ok:
            raise ImageRefused(
                f"{placement.host}: could not prepare the upload: {self._said(outcome)}"
            )
        self._check_free(placement.pool, name, kind)  # nothing took the name meanwhile
        route = self._nodes.route(placement.host)
        if route is None:
            raise ImageRefused(f"{placement.host} left the fleet while the upload was prepared")
        task_kind = TaskKind.OVA_IMPORT if kind is ImageKind.OVA_TEMPLATE else TaskKind.UPLOAD
        task = self._start_task(task_kind, placement, name, caller, size, task_id)
        image = self._record(
            placement, name, kind, ImagePhase.UPLOADING, task.id, caller, source, expected
        )
        self._watch_start(task.id, expires_at)
        log.info(
            "upload prepared",
            extra={"image": key, "host": placement.host, "task": task.id, "bytes": size},
        )
        return UploadTicket(image, task, placement.host, route.address, secret, expires_at)

    # --- downloads ---------------------------------------------------------------------------

    async def create_download(self, request: pb.CreateDownloadRequest, caller: str) -> pb.Image:
        name = validate_image_name(request.name, "name")
        validate_pool_name(request.pool, "pool")
        kind = ImageKind.DISK if request.kind == cpb.IMAGE_KIND_UNSPECIFIED else None
        kind = kind or image_kind(request.kind)
        if kind is ImageKind.OVA_TEMPLATE:
            raise ValidationError(
                "kind", "a download is a DISK or an ISO; an OVA is imported by uploading it"
            )
        url, checksum_url = self._source_of(request)
        expected = validate_sha256(request.sha256, "sha256")
        host = validate_hostname(request.host, "host") if request.host else ""
        placement = self._placement(request.pool, host, kind, None)
        self._check_free(placement.pool, name, kind)
        task = self._start_task(TaskKind.DOWNLOAD, placement, name, caller, 0)
        image = self._record(
            placement, name, kind, ImagePhase.DOWNLOADING, task.id, caller, url, expected
        )
        if checksum_url:
            image.checksum_url = checksum_url
            self._put(image)
        return await self._start_download(image, resume=False)

    def _source_of(self, request: pb.CreateDownloadRequest) -> tuple[str, str]:
        """(url, checksum_url) from the request, or from the catalog entry it names."""
        if not request.catalog_id:
            url = validate_url(request.url, "url")
            checksum_url = (
                validate_url(request.checksum_url, "checksum_url") if request.checksum_url else ""
            )
            return url, checksum_url
        if request.url or request.checksum_url:
            raise ValidationError("catalog_id", "give a catalog entry or a URL, not both")
        entry = catalog_entry(request.catalog_id, "catalog_id")
        return entry.url, entry.checksum_url

    async def _start_download(self, image: pb.Image, resume: bool) -> pb.Image:
        start = node_pb2.StartDownloadRequest(
            task_id=image.task_id,
            pool=image.pool,
            volume=image.name,
            kind=image.kind,
            url=image.source,
            sha256=image.expected_sha256,
            checksum_url=image.checksum_url,
            resume=resume,
        )
        (outcome,) = await self._realizer.gather(
            [image.host], lambda client, timeout_s: client.start_download(start, timeout_s)
        )
        if outcome.ok:
            log.info("download started", extra={"image": image.source, "task": image.task_id})
            return self.get(image.pool, image.name)
        message = f"{image.host}: could not start the download: {self._said(outcome)}"
        self._fail_unstarted(image.task_id, message)
        raise ImageRefused(message)

    async def retry(self, pool: str, name: str, caller: str) -> pb.Image:
        image = self.get(pool, name)
        self._refuse_if_busy(image, "retried")
        if not image.managed:
            raise ImageRefused(
                f"{name} in pool {pool} is a volume found there, not put there by Quantix: "
                "there is nothing to retry"
            )
        if image.phase == cpb.IMAGE_PHASE_READY:
            raise ImageRefused(f"image {name} in pool {pool} is ready: there is nothing to retry")
        if not self._was_download(image):
            raise ImageRefused(
                f"image {name} in pool {pool} was uploaded from a file, which is on the "
                "uploader's machine: upload it again (delete this one first)"
            )
        kind = image_kind(image.kind)
        placement = self._placement(pool, image.host, kind, None)
        task = self._start_task(TaskKind.DOWNLOAD, placement, name, caller, 0)
        retried = pb.Image()
        retried.CopyFrom(image)
        retried.phase = cpb.IMAGE_PHASE_DOWNLOADING
        retried.message = ""
        retried.task_id = task.id
        retried.updated_at.CopyFrom(timestamp_of(self._clock()))
        # Resumed only onto the file the earlier attempt made; otherwise a fresh start, which
        # the host refuses if a file of that name is there (it is not Quantix's).
        resume = image.volume_made
        retried.volume_made = resume
        self._put(retried)
        return await self._start_download(retried, resume=resume)

    def _was_download(self, image: pb.Image) -> bool:
        try:
            return self._tasks.get(image.task_id).kind == pb.TASK_KIND_DOWNLOAD
        except UnknownTask:
            # Its task has left the history: a download's source is the URL it came from.
            return image.source.startswith(("http://", "https://"))

    # --- delete ------------------------------------------------------------------------------

    async def delete(self, pool: str, name: str) -> None:
        image = self.get(pool, name)
        if not image.managed:
            raise ImageRefused(f"{name} in pool {pool}: {FOUND_NOT_DELETED}")
        self._refuse_if_busy(image, "deleted")
        key = image_key(pool, name)
        if image.phase != cpb.IMAGE_PHASE_READY and not (
            image.volume_made and self._was_download(image)
        ):
            # Nothing of it is on the host: a failed upload's or import's host removed what it
            # made, and a refused one made nothing (a file of that name there is not ours).
            self._inventory.remove(KIND, key)
            log.info("failed image forgotten", extra={"image": key, "host": image.host})
            return
        volumes = list(image.facts.volumes) or [name]
        what = "its volumes" if len(volumes) > 1 else f"volume {name}"
        self._deleting.add(key)
        try:
            (outcome,) = await self._realizer.gather(
                [image.host],
                lambda client, timeout_s: client.delete_volumes(pool, volumes, timeout_s),
            )
        finally:
            self._deleting.discard(key)
        current = self._inventory.get(KIND, key)
        if not outcome.ok:
            message = f"{image.host}: could not delete {what}: {self._said(outcome)}"
            if isinstance(current, pb.Image):
                kept = pb.Image()
                kept.CopyFrom(current)
                kept.message = shortened(message, MESSAGE_MAX)
                kept.updated_at.CopyFrom(timestamp_of(self._clock()))
                self._put(kept)
            raise ImageRefused(message)
        self._inventory.remove(KIND, key)
        log.info("image deleted", extra={"image": key, "host": image.host})
        self.host_changed(image.host, pool)

    def _refuse_if_busy(self, image: pb.Image, done: str) -> None:
        key = image_key(image.pool, image.name)
        if key in self._deleting:
            raise ImageRefused(f"image {image.name} in pool {image.pool} is being deleted")
        phase = PHASE_OF.get(image.phase, ImagePhase.ERROR)
        if image.managed and phase.busy:
            raise ImageRefused(
                f"image {image.name} in pool {image.pool} is {phase.value} (task "
                f"{image.task_id}): it cannot be {done} until the task ends; cancel it first"
            )

    # --- what nodes report -------------------------------------------------------------------

    def volume_made(self, host: str, task_id: str) -> None:
        """``host`` reports that the task made its image's file (see Image.volume_made)."""
        key = self._moving.get(task_id)
        image = self._inventory.get(KIND, key) if key else None
        if not isinstance(image, pb.Image) or image.task_id != task_id or image.volume_made:
            return
        if image.host != host:
            return  # not the task's host: the registry refuses its report
        changed = pb.Image()
        changed.CopyFrom(image)
        changed.volume_made = True
        self._put(changed)

    def task_reported(
        self, task_id: str, image_phase: ImagePhase | None, facts: cpb.ImageFacts
    ) -> None:
        """After the registry took a node's report (so it came from the task's host and
        the change was allowed): the image's phase, or READY with the facts found."""
        self._reported.add(task_id)
        key = self._moving.get(task_id)
        image = self._inventory.get(KIND, key) if key else None
        if not isinstance(image, pb.Image) or image.task_id != task_id:
            return
        task = self._tasks.get(task_id)
        changed = pb.Image()
        changed.CopyFrom(image)
        changed.message = ""  # a report: whatever was said of the host being away is over
        if task.phase == pb.TASK_PHASE_SUCCEEDED:
            self._stop_moving(task_id)
            expected = image.expected_sha256
            if expected and facts.sha256 != expected:
                changed.phase = cpb.IMAGE_PHASE_ERROR
                changed.message = stopped_message(
                    _verb(task.kind, image),
                    task.host,
                    task.bytes_done,
                    task.bytes_total,
                    f"checksum mismatch: expected sha256 {expected}, "
                    f"{task.host} read {facts.sha256 or 'none'}",
                )
            else:
                changed.phase = cpb.IMAGE_PHASE_READY
            changed.facts.CopyFrom(facts)
        elif image_phase is not None and image_phase.busy:
            changed.phase = PHASE_TO_PB[image_phase]  # type: ignore[assignment]
        if changed != image:
            changed.updated_at.CopyFrom(timestamp_of(self._clock()))
            self._put(changed)
        if task.phase == pb.TASK_PHASE_SUCCEEDED:
            log.info("image ready", extra={"image": key, "host": task.host})
            self.host_changed(task.host, image.pool)

    def _task_finished(self, task: pb.Task) -> None:
        """Every end but a success (which ``task_reported`` takes, with its facts)."""
        if task.phase == pb.TASK_PHASE_SUCCEEDED:
            return
        key = self._moving.get(task.id)
        image = self._inventory.get(KIND, key) if key else None
        self._stop_moving(task.id)
        if not isinstance(image, pb.Image) or image.task_id != task.id:
            return
        by = self._cancelled_by.pop(task.id, "")
        if task.phase == pb.TASK_PHASE_FAILED and is_worded(task.message):
            message = task.message  # the host's own account: what, where, how far, why
        else:
            cause = f"cancelled by {by}" if by else _cause(task.message)
            message = stopped_message(
                _verb(task.kind, image), task.host, task.bytes_done, task.bytes_total, cause
            )
        self._set_error(image, message)
        self.host_changed(task.host, image.pool)

    def host_booted(self, host: str, boot_id: str) -> None:
        """A report from ``host``'s node daemon run ``boot_id``: a new run no longer runs the
        tasks an earlier one started (they would never report again)."""
        if not boot_id:
            return
        previous = self._boot.get(host)
        self._boot[host] = boot_id
        if previous is None or previous == boot_id:
            return
        for task_id, run in list(self._started_under.items()):
            if run != previous:
                continue
            try:
                task = self._tasks.get(task_id)
            except UnknownTask:
                continue
            if task.host == host and TASK_PHASE_OF[task.phase] not in FINISHED:
                self._tasks.finish(
                    task_id, TaskPhase.FAILED, f"the node daemon of {host} restarted while it ran"
                )

    # NodeListener
    def node_online(self, node: pb.Node) -> None:
        pass  # the host's next report says how its transfers stand

    def node_offline(self, node: pb.Node) -> None:
        """Transfers there keep their task (the daemon may still be working and report when
        the host is back; a cancel now ends the task at once): the image says the host is
        away, until the next report."""
        for image in self.list():
            if image.host != node.name or image.task_id not in self._moving:
                continue
            changed = pb.Image()
            changed.CopyFrom(image)
            verb = "download" if image.phase == cpb.IMAGE_PHASE_DOWNLOADING else "transfer"
            changed.message = (
                f"{node.name} went offline during the {verb}: it goes on if {node.name} is "
                "still working on it, or cancel its task to give up"
            )
            changed.updated_at.CopyFrom(timestamp_of(self._clock()))
            self._put(changed)

    def recover(self) -> list[str]:
        """At start, after the task registry's own recovery: an image a task was moving when
        the previous run stopped is ERROR (its task has failed, or is gone). Returns their
        keys."""
        failed = []
        for key, task_id in self._busy_tasks().items():
            image = self._inventory.get(KIND, key)
            assert isinstance(image, pb.Image)
            try:
                task = self._tasks.get(task_id)
            except UnknownTask:
                task = pb.Task(host=image.host, message="coordinator restarted while it ran")
            if TASK_PHASE_OF.get(task.phase, TaskPhase.FAILED) not in FINISHED:
                continue  # still running (a recovery out of order): its end will come
            self._moving.pop(task_id, None)
            self._set_error(
                image,
                stopped_message(
                    _verb(task.kind, image),
                    task.host,
                    task.bytes_done,
                    task.bytes_total,
                    _cause(task.message),
                ),
            )
            failed.append(key)
        return failed

    async def close(self) -> None:
        for handle in self._watchdogs.values():
            handle.cancel()
        self._watchdogs.clear()
        for task in list(self._background):
            task.cancel()
        await asyncio.gather(*self._background, return_exceptions=True)

    # --- cancel ------------------------------------------------------------------------------

    def _on_cancel(self, task: pb.Task) -> None:
        """The registry's cancel hook: tell the host to stop the job (in the background)."""
        by = task.message.removeprefix(CANCEL_ASKED)
        self._cancelled_by[task.id] = by
        self._spawn(self._tell_cancel(task.id, task.host, by))

    async def _tell_cancel(self, task_id: str, host: str, by: str) -> None:
        (outcome,) = await self._realizer.gather(
            [host], lambda client, timeout_s: client.cancel_job(task_id, timeout_s)
        )
        try:
            task = self._tasks.get(task_id)
        except UnknownTask:
            return
        if task.phase != pb.TASK_PHASE_CANCELLING:
            return
        if task_id in self._reported or task.kind == pb.TASK_KIND_DOWNLOAD:
            # A job runs there: it confirms, or its next report is told to stop.
            if not outcome.ok:
                log.warning(
                    "could not tell a node to cancel a job: %s",
                    outcome.message,
                    extra={"node": host, "task": task_id},
                )
            return
        # An upload that never started: no job there will ever confirm.
        if outcome.ok:
            self._tasks.finish(task_id, TaskPhase.CANCELLED, f"cancelled by {by}")
        else:
            self._cancelled_by.pop(task_id, None)
            self._tasks.finish(
                task_id,
                TaskPhase.FAILED,
                f"cancelled by {by}, but {host} could not be told: {self._said(outcome)}",
            )

    # --- internals ---------------------------------------------------------------------------

    def _placement(self, pool: str, host: str, kind: ImageKind, size: int | None) -> Placement:
        try:
            return place(self._pools.get(pool), host, kind, size)
        except PlacementRefused as refused:
            raise ImageRefused(str(refused)) from None

    def _check_free(self, pool: str, name: str, kind: ImageKind) -> None:
        names = [name]
        if kind is ImageKind.OVA_TEMPLATE:
            names.append(template_disk_name(name, 1))
        for one in names:
            key = image_key(pool, one)
            if key in self._preparing or self._inventory.get(KIND, key) is not None:
                raise ImageExists(
                    f"pool {pool} already has an image or volume named {one}: choose another name"
                )

    def _start_task(
        self,
        kind: TaskKind,
        placement: Placement,
        name: str,
        caller: str,
        total: int,
        task_id: str = "",
    ) -> pb.Task:
        task = self._tasks.start(
            kind,
            name,
            placement.host,
            placement.pool,
            caller,
            total,
            on_cancel=self._on_cancel,
            task_id=task_id,
        )
        self._moving[task.id] = image_key(placement.pool, name)
        boot = self._boot.get(placement.host)
        if boot:
            self._started_under[task.id] = boot
        return task

    def _record(
        self,
        placement: Placement,
        name: str,
        kind: ImageKind,
        phase: ImagePhase,
        task_id: str,
        caller: str,
        source: str,
        expected: str,
    ) -> pb.Image:
        now = timestamp_of(self._clock())
        image = pb.Image(
            pool=placement.pool,
            name=name,
            kind=KIND_TO_PB[kind],  # type: ignore[arg-type]
            host=placement.host,
            phase=PHASE_TO_PB[phase],  # type: ignore[arg-type]
            task_id=task_id,
            source=source,
            expected_sha256=expected,
            managed=True,
            created_by=caller,
            created_at=now,
            updated_at=now,
        )
        self._put(image)
        return image

    def _put(self, image: pb.Image) -> None:
        self._inventory.put(KIND, image_key(image.pool, image.name), image)

    def _set_error(self, image: pb.Image, message: str) -> None:
        failed = pb.Image()
        failed.CopyFrom(image)
        failed.phase = cpb.IMAGE_PHASE_ERROR
        failed.message = shortened(message, MESSAGE_MAX)
        failed.updated_at.CopyFrom(timestamp_of(self._clock()))
        self._put(failed)
        log.warning(
            "image failed: %s", failed.message, extra={"image": image_key(image.pool, image.name)}
        )

    def _stop_moving(self, task_id: str) -> None:
        self._moving.pop(task_id, None)
        self._reported.discard(task_id)
        self._started_under.pop(task_id, None)
        handle = self._watchdogs.pop(task_id, None)
        if handle is not None:
            handle.cancel()

    def _fail_unstarted(self, task_id: str, message: str) -> None:
        """A task the host never took on: FAILED, its image ERROR with ``message`` as is."""
        key = self._moving.get(task_id)
        self._stop_moving(task_id)  # the finish listener leaves the image to this
        try:
            self._tasks.finish(task_id, TaskPhase.FAILED, message)
        except Exception:
            log.exception("could not fail a task", extra={"task": task_id})
        image = self._inventory.get(KIND, key) if key else None
        if isinstance(image, pb.Image) and image.task_id == task_id:
            self._set_error(image, message)

    def _watch_start(self, task_id: str, expires_at: float) -> None:
        """Nothing waits forever: an upload not begun once its ticket is past fails."""
        delay = max(expires_at - self._clock(), 0.0) + self._settings.start_grace_s
        loop = asyncio.get_running_loop()
        self._watchdogs[task_id] = loop.call_later(delay, self._start_overdue, task_id)

    def _start_overdue(self, task_id: str) -> None:
        self._watchdogs.pop(task_id, None)
        if task_id in self._reported or task_id not in self._moving:
            return
        try:
            task = self._tasks.get(task_id)
        except UnknownTask:
            return
        if task.phase == pb.TASK_PHASE_QUEUED:
            self._tasks.finish(
                task_id, TaskPhase.FAILED, "the upload did not start before its ticket expired"
            )

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(work)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    @staticmethod
    def _said(outcome: HostOutcome[Any]) -> str:
        return outcome.message.removeprefix(f"{outcome.host}: ")

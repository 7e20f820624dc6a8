"""One cloud-image download, run as a job of the node's job runner (its id is the task's): the
checks before any byte, the URL into a new file in a file pool (``image_download``), the image
checked (``qemu-img info`` and the disk-image rule for disks), the pool refreshed.

A broken connection or an HTTP error keeps what arrived, so Retry (``resume``) asks only for
the rest with a Range request; a cancel, a checksum mismatch or an image refused after it
arrived removes the file. A daemon killed mid-download leaves its file to the transfer journal,
which removes it at the next start (a Retry then starts over).
"""

from __future__ import annotations

import asyncio
import errno
import logging
import os
from pathlib import Path

from domain.disk_images import DiskImageRefused, check_disk_image
from domain.errors import ValidationError
from domain.images import (
    IMAGE_SIZE_MAX,
    ImageKind,
    ImagePhase,
    UploadMode,
    stopped_message,
    upload_support,
    validate_image_name,
    validate_sha256,
    validate_url,
)
from domain.pools import validate_pool_name
from node_daemon.image_download import BadDownload, DownloadFailed, download_into
from node_daemon.image_file_writer import VOLUME_MODE
from node_daemon.image_pools import look_up_pool, refresh_pool
from node_daemon.jobs import JobContext
from node_daemon.libvirt_conn import LibvirtCallError
from node_daemon.qemu_img import QemuImgFailed, image_info
from node_daemon.transfer_journal import TransferEntry, TransferJournal, remove_file_if_same
from proto.quantix.v1 import common_pb2

log = logging.getLogger(__name__)

STEP_DOWNLOADING = "downloading"
# A download never takes a pool's last GiB: the pool's disk is shared with the guests' disks,
# and a guest that cannot write pauses. A GiB is a few minutes of a busy guest's writes.
FREE_SPACE_RESERVE = 1 << 30
STEP_CHECKING = "checking the image"


class DownloadStopped(Exception):
    """How a download ended other than by success, in full words (which host, how far, why)."""


class DownloadJob:
    """The work of one download (a JobWork: ``runner.submit(job, task_id)``)."""

    def __init__(
        self,
        host: str,
        task_id: str,
        pool: str,
        volume: str,
        kind: ImageKind,
        url: str,
        sha256: str,
        checksum_url: str,
        resume: bool,
        journal: TransferJournal,
    ) -> None:
        self.host = host
        self.task_id = task_id
        self.pool = pool
        self.volume = volume
        self.kind = kind
        self.url = url
        self.sha256 = sha256
        self.checksum_url = checksum_url
        self.resume = resume
        self._journal = journal
        self._dest: Path | None = None
        self._identity: tuple[int, int] = (0, 0)
        self._done = 0
        self._total = 0
        self._keep_partial = False  # a broken connection: kept for a Retry

    async def __call__(self, ctx: JobContext) -> None:
        try:
            await self._run(ctx)
        except asyncio.CancelledError:
            ctx.stopped(self._stopped("cancelled"))
            await self._remove_partial()
            raise
        except DownloadStopped:
            if not self._keep_partial:
                await self._remove_partial()
            raise
        except Exception as error:  # a bug: still say where and what
            log.exception("download of task %s failed unexpectedly", self.task_id)
            await self._remove_partial()
            raise DownloadStopped(self._stopped(f"unexpected error: {error!r}")) from error
        finally:
            self._journal.forget(self.task_id)

    async def _run(self, ctx: JobContext) -> None:
        dest = await self._destination(ctx)
        created = await asyncio.to_thread(self._open_dest, dest)
        self._dest, self._identity = dest, created  # from here on, ours to remove
        self._journal.record(
            TransferEntry(
                self.task_id, self.pool, path=str(dest), device=created[0], inode=created[1]
            )
        )
        ctx.phase(ImagePhase.DOWNLOADING, STEP_DOWNLOADING)

        def progress(done: int, total: int) -> None:
            self._done, self._total = done, total
            ctx.progress(done, total, STEP_DOWNLOADING)

        try:
            result = await download_into(
                dest,
                self.url,
                expected_sha256=self.sha256,
                checksum_url=self.checksum_url,
                resume=self.resume,
                progress=progress,
                max_bytes=await asyncio.to_thread(_room_for, dest),
            )
        except DownloadFailed as failed:
            # What arrived is kept for a Retry, unless it is no good (wrong checksum, larger
            # than allowed) or the disk is full (guests share it: it is given back at once).
            self._keep_partial = not isinstance(failed, BadDownload)
            raise DownloadStopped(self._stopped(str(failed))) from None
        except ValidationError as error:
            raise DownloadStopped(self._refused(str(error))) from None
        self._done = self._total = result.size
        ctx.phase(ImagePhase.VERIFYING, STEP_CHECKING)
        facts = common_pb2.ImageFacts(
            size_bytes=result.size,
            virtual_size_bytes=result.size,
            sha256=result.sha256,
            path=str(dest),
            format="iso",
        )
        if self.kind is ImageKind.DISK:
            try:
                info = await image_info(dest)
                check_disk_image(info, None, what="the downloaded file")
            except (QemuImgFailed, DiskImageRefused) as error:
                raise DownloadStopped(self._stopped(str(error))) from None
            facts.format, facts.virtual_size_bytes = info.format, info.virtual_size
        facts.allocated_bytes = (await asyncio.to_thread(os.stat, dest)).st_blocks * 512
        try:
            await refresh_pool(ctx, self.pool)
        except LibvirtCallError as error:
            log.warning("%s: %s; the image is stored all the same", self.host, error)
        self._keep_partial = True  # complete: never removed from here on
        ctx.succeed(facts)
        log.info("download stored", extra={"task": self.task_id, "path": str(dest)})

    async def _destination(self, ctx: JobContext) -> Path:
        """The file the image becomes, after every check that needs no byte."""
        try:
            validate_pool_name(self.pool, "pool")
            validate_image_name(self.volume, "volume")
            validate_url(self.url, "url")
            validate_sha256(self.sha256, "sha256")
            if self.checksum_url:
                validate_url(self.checksum_url, "checksum_url")
        except ValidationError as error:
            raise DownloadStopped(self._refused(str(error))) from None
        try:
            pool = await look_up_pool(ctx, self.pool)
        except LibvirtCallError as error:
            raise DownloadStopped(self._refused(str(error))) from None
        if pool is None:
            raise DownloadStopped(self._refused(f"there is no pool named {self.pool}"))
        if upload_support(pool.type).mode is not UploadMode.FILE or not pool.path:
            raise DownloadStopped(
                self._refused(
                    f"a download is written as a file, which a {pool.type} pool cannot hold; "
                    "choose a directory or NFS pool"
                )
            )
        if not pool.active:
            raise DownloadStopped(self._refused(f"pool {self.pool} is not active on this host"))
        return Path(pool.path) / self.volume

    def _open_dest(self, dest: Path) -> tuple[int, int]:
        """Create ``dest`` (a taken name is refused), or with ``resume`` take the partial file
        an earlier attempt left (a new one when it is gone). Its (device, inode)."""
        flags = os.O_WRONLY | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW
        if not self.resume:
            flags |= os.O_EXCL
        try:
            fd = os.open(dest, flags, VOLUME_MODE)
        except FileExistsError:
            raise DownloadStopped(
                self._refused(f"pool {self.pool} already has a volume or file named {self.volume}")
            ) from None
        except OSError as error:
            if error.errno == errno.ELOOP:
                raise DownloadStopped(self._refused(f"{dest} is a symbolic link")) from None
            raise DownloadStopped(self._refused(f"creating {dest}: {error.strerror}")) from None
        try:
            stat = os.fstat(fd)
        finally:
            os.close(fd)
        return stat.st_dev, stat.st_ino

    async def _remove_partial(self) -> None:
        if self._dest is None or self._keep_partial:
            return
        device, inode = self._identity
        try:
            await asyncio.to_thread(remove_file_if_same, str(self._dest), device, inode)
        except OSError as error:
            log.error("could not remove the partial download %s: %s", self._dest, error)

    def _stopped(self, cause: str) -> str:
        return stopped_message("download", self.host, self._done, self._total, cause)

    def _refused(self, reason: str) -> str:
        return f"download of {self.volume} to pool {self.pool} on {self.host} refused: {reason}"


def _room_for(dest: Path) -> int:
    """The most a download into ``dest`` may write: the largest image there is, and no more
    than the pool's free space less FREE_SPACE_RESERVE (what a resumed file holds counts)."""
    stat = os.statvfs(dest.parent)
    have = dest.stat().st_size if dest.exists() else 0
    room = stat.f_bavail * stat.f_frsize - FREE_SPACE_RESERVE + have
    return max(0, min(IMAGE_SIZE_MAX, room))

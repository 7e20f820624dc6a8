"""Importing an uploaded OVA as a template: its disks converted to qcow2 in a pool.

``import_ova`` is the whole import, called by the upload job once the archive has arrived:

EXTRACTING   every member's header checked (ova_extract.scan_ova), the descriptor and manifest
             unpacked and read (domain.ovf), what they name looked for in the archive, the
             template's volume names checked free, then the disks unpacked (hashed as written);
VERIFYING    manifest digests, ovf:size, and each disk's ``qemu-img info`` (ova_verify);
CONVERTING   each disk to ``<template>-diskN.qcow2`` in the pool with qemu-img (qemu_convert),
             progress in bytes of virtual size over all disks ("converting disk 2 of 3");
REGISTERING  each volume read back with ``qemu-img info``; the facts returned.

Refusals (the OVA is malformed or unsafe) raise ``OvaRefused``; failures of the host (qemu-img
crashed, the disk is full, a deadline passed) raise ``OvaImportFailed``; both say the step and
the cause. On any failure or cancellation every volume this import created is removed. The
work directory and the archive are the caller's to remove, and the caller refreshes the
libvirt pool afterwards.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from domain.images import ImagePhase, template_disk_name, validate_image_name
from domain.ovf import ManifestEntry, OvfDescriptor, parse_manifest, parse_ovf
from node_daemon.image_file_writer import VOLUME_MODE
from node_daemon.ova_extract import ExtractedFile, ExtractLimits, OvaIndex, extract, scan_ova
from node_daemon.ova_verify import (
    ALL_ALGORITHMS,
    check_contents,
    check_digests,
    check_disk_image,
    check_sizes,
    digest_algorithms,
    files_to_extract,
)
from node_daemon.qemu_convert import (
    ConvertLimits,
    QemuImgError,
    convert_to_qcow2,
    image_info,
    remove_file,
)
from proto.quantix.v1 import common_pb2

Report = Callable[[ImagePhase, str, int, int], None]
T = TypeVar("T")


class OvaRefused(Exception):
    """The OVA is malformed or unsafe; ``str()`` says what is wrong, for the user."""


class OvaImportFailed(Exception):
    """The host could not finish the import (qemu-img, disk, deadline); ``str()`` says the
    step and the cause."""


@contextlib.contextmanager
def _step(step: str) -> Iterator[None]:
    """Errors inside name the step: 'reading the OVF descriptor: disk vmdisk1 refers ...'."""
    try:
        yield
    except (OvaRefused, OvaImportFailed):
        raise
    except ValueError as error:  # OvfError, ArchiveRefused, VerificationFailed, ValidationError
        raise OvaRefused(f"{step}: {error}") from error
    except (QemuImgError, OSError) as error:
        raise OvaImportFailed(f"{step}: {error}") from error


async def import_ova(
    archive: Path,
    work_dir: Path,
    pool_dir: Path,
    template: str,
    report: Report,
    *,
    extract_limits: ExtractLimits = ExtractLimits(),  # noqa: B008 (frozen: sharing is safe)
    convert_limits: ConvertLimits = ConvertLimits(),  # noqa: B008 (frozen: sharing is safe)
) -> common_pb2.ImageFacts:
    """Import ``archive`` as template ``template`` into ``pool_dir`` (see the module's text);
    ``report(phase, step, done, total)`` on the event loop's thread as it goes."""
    created: list[Path] = []
    try:
        return await _Import(archive, work_dir, pool_dir, template, report, created).run(
            extract_limits, convert_limits
        )
    except BaseException:
        for path in created:
            await remove_file(path)
        raise


class _Import:
    def __init__(
        self,
        archive: Path,
        work_dir: Path,
        pool_dir: Path,
        template: str,
        report: Report,
        created: list[Path],
    ) -> None:
        self.archive = archive
        self.work_dir = work_dir
        self.pool_dir = pool_dir
        self.template = template
        self.report = report
        self.created = created  # volumes this import made: removed if it does not finish

    async def run(
        self, extract_limits: ExtractLimits, convert_limits: ConvertLimits
    ) -> common_pb2.ImageFacts:
        self.report(ImagePhase.EXTRACTING, "reading the archive", 0, 0)
        with _step("reading the archive"):
            index = await _off_loop(
                extract_limits.floor_s, scan_ova, self.archive, self.work_dir, extract_limits
            )
        descriptor, manifest, small = await self._read_descriptor(index, extract_limits)
        with _step("checking the archive's contents"):
            check_contents(descriptor, manifest, index)
        targets = await self._free_volume_names(descriptor)
        extracted = await self._extract_disks(index, descriptor, manifest, extract_limits)
        extracted.update(small)
        virtual_sizes = await self._verify(descriptor, manifest, extracted, convert_limits)
        await self._convert(descriptor, extracted, targets, virtual_sizes, convert_limits)
        return await self._register(descriptor, targets, virtual_sizes, convert_limits)

    async def _read_descriptor(
        self, index: OvaIndex, limits: ExtractLimits
    ) -> tuple[OvfDescriptor, tuple[ManifestEntry, ...] | None, dict[str, ExtractedFile]]:
        names = [index.descriptor] + ([index.manifest] if index.manifest else [])
        with _step("extracting the OVF descriptor"):
            small = await extract(
                index,
                names,
                self.work_dir,
                dict.fromkeys(names, ALL_ALGORITHMS),
                lambda _done, _total: None,  # a few KB: no progress worth showing
                limits,
            )
        with _step(f"reading the OVF descriptor {index.descriptor}"):
            read = small[index.descriptor].path.read_bytes
            descriptor = parse_ovf(await _off_loop(limits.floor_s, read))
        manifest = None
        if index.manifest is not None:
            with _step(f"reading the manifest {index.manifest}"):
                read = small[index.manifest].path.read_bytes
                manifest = parse_manifest(await _off_loop(limits.floor_s, read))
        return descriptor, manifest, small

    async def _free_volume_names(self, descriptor: OvfDescriptor) -> list[Path]:
        with _step("naming the template's volumes"):
            names = [
                validate_image_name(template_disk_name(self.template, index), "template")
                for index in range(1, len(descriptor.disks) + 1)
            ]
            targets = [self.pool_dir / name for name in names]
            taken = await asyncio.to_thread(lambda: [t.name for t in targets if t.exists()])
            if taken:
                raise OvaRefused(
                    f"naming the template's volumes: {', '.join(taken)} already "
                    f"{'exists' if len(taken) == 1 else 'exist'} in the pool; choose another "
                    "template name"
                )
        return targets

    async def _extract_disks(
        self,
        index: OvaIndex,
        descriptor: OvfDescriptor,
        manifest: tuple[ManifestEntry, ...] | None,
        limits: ExtractLimits,
    ) -> dict[str, ExtractedFile]:
        names = files_to_extract(descriptor, manifest, index)
        step = f"extracting {len(names)} file{'s' if len(names) != 1 else ''}"

        def progress(done: int, total: int) -> None:
            self.report(ImagePhase.EXTRACTING, step, done, total)

        total = sum(index.members[name].size for name in names)
        self.report(ImagePhase.EXTRACTING, step, 0, total)
        with _step("extracting the archive"):
            extracted = await extract(
                index, names, self.work_dir, digest_algorithms(manifest), progress, limits
            )
        self.report(ImagePhase.EXTRACTING, step, total, total)
        return extracted

    async def _verify(
        self,
        descriptor: OvfDescriptor,
        manifest: tuple[ManifestEntry, ...] | None,
        extracted: dict[str, ExtractedFile],
        limits: ConvertLimits,
    ) -> list[int]:
        checks = len(descriptor.disks) + 1
        self.report(ImagePhase.VERIFYING, "verifying", 0, checks)
        with _step("checking the files against the manifest and the OVF"):
            if manifest is not None:
                check_digests(manifest, extracted)
            check_sizes(descriptor, extracted)
        self.report(ImagePhase.VERIFYING, "verifying", 1, checks)
        virtual_sizes: list[int] = []
        for number, disk in enumerate(descriptor.disks, start=1):
            path = extracted[disk.file.href].path
            with _step(f"checking disk file {disk.file.href}"):
                try:
                    info = await image_info(path, disk.source_format, limits.info_timeout_s)
                except QemuImgError as error:  # the OVA's disk is damaged: a refusal
                    raise OvaRefused(
                        f"checking disk file {disk.file.href}: it is not a readable "
                        f"{disk.source_format} image: {error}"
                    ) from error
                virtual_sizes.append(check_disk_image(disk, path, info))
            self.report(ImagePhase.VERIFYING, "verifying", 1 + number, checks)
        return virtual_sizes

    async def _convert(
        self,
        descriptor: OvfDescriptor,
        extracted: dict[str, ExtractedFile],
        targets: list[Path],
        virtual_sizes: list[int],
        limits: ConvertLimits,
    ) -> None:
        with _step("creating the template's volumes"):
            for target in targets:
                await asyncio.to_thread(_claim, target)
                self.created.append(target)
        total = sum(virtual_sizes)
        before = 0
        count = len(descriptor.disks)
        for number, (disk, target, size) in enumerate(
            zip(descriptor.disks, targets, virtual_sizes, strict=True), start=1
        ):
            step = f"converting disk {number} of {count}"
            self.report(ImagePhase.CONVERTING, step, before, total)
            on_progress = functools.partial(self._converting, step, before, size, total)
            with _step(f"{step} ({disk.file.href})"):
                await convert_to_qcow2(
                    extracted[disk.file.href].path,
                    disk.source_format,
                    target,
                    size,
                    on_progress,
                    limits,
                )
            before += size
            self.report(ImagePhase.CONVERTING, step, before, total)

    def _converting(self, step: str, before: int, size: int, total: int, fraction: float) -> None:
        self.report(ImagePhase.CONVERTING, step, before + int(size * fraction), total)

    async def _register(
        self,
        descriptor: OvfDescriptor,
        targets: list[Path],
        virtual_sizes: list[int],
        limits: ConvertLimits,
    ) -> common_pb2.ImageFacts:
        count = len(targets)
        step = "registering the template"
        self.report(ImagePhase.REGISTERING, step, 0, count)
        allocated = 0
        for number, (target, size) in enumerate(zip(targets, virtual_sizes, strict=True), 1):
            with _step(f"checking volume {target.name}"):
                info = await image_info(target, "qcow2", limits.info_timeout_s)
                if info.get("virtual-size") != size:
                    raise OvaImportFailed(
                        f"checking volume {target.name}: its virtual size is "
                        f"{info.get('virtual-size')}, the disk's was {size}"
                    )
                allocated += int(info.get("actual-size") or 0)
            self.report(ImagePhase.REGISTERING, step, number, count)
        return common_pb2.ImageFacts(
            format="qcow2",
            virtual_size_bytes=sum(virtual_sizes),
            allocated_bytes=allocated,
            ovf=_ovf_facts(descriptor, targets),
            volumes=[target.name for target in targets],
        )


async def _off_loop(deadline_s: float, fn: Callable[..., T], *args: Any) -> T:
    """``fn(*args)`` on a worker thread, waited for at most ``deadline_s``: reading headers
    or a small file takes milliseconds, unless the disk under the work directory hangs."""
    try:
        async with asyncio.timeout(deadline_s):
            return await asyncio.to_thread(fn, *args)
    except TimeoutError:
        raise OSError(
            f"the work directory's disk did not answer within {deadline_s:.0f} s"
        ) from None


def _claim(target: Path) -> None:
    """Create the volume's file, failing if anything has that name: two imports (or an
    upload) racing for a name cannot overwrite each other; qemu-img then writes into it."""
    try:
        os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, VOLUME_MODE))
    except FileExistsError:
        raise OvaRefused(
            f"creating the template's volumes: {target.name} appeared in the pool meanwhile"
        ) from None


def _ovf_facts(descriptor: OvfDescriptor, targets: list[Path]) -> common_pb2.OvfFacts:
    return common_pb2.OvfFacts(
        name=descriptor.name,
        os=descriptor.os,
        cpus=descriptor.cpus,
        memory_bytes=descriptor.memory_bytes,
        disks=[
            common_pb2.OvfDisk(
                file=disk.file.href, volume=target.name, capacity_bytes=disk.capacity_bytes
            )
            for disk, target in zip(descriptor.disks, targets, strict=True)
        ],
        nics=[
            common_pb2.OvfNic(name=nic.name, network=nic.network, model=nic.model)
            for nic in descriptor.nics
        ],
        producer=descriptor.producer,
    )

"""Checking an OVA's contents against its descriptor and manifest, and its disks' images.

Before the bulk is unpacked: every disk file the OVF names is in the archive, every file the
manifest names is too, and a manifest covers the descriptor and every disk (one that leaves a
disk out proves nothing about it). After: each file's digests (computed while it was written)
match the manifest, its size matches the OVF's ovf:size, and each disk is what its ovf:format
says and reads no other file (no backing file, no extent elsewhere), as ``qemu-img info``
sees it. Every refusal names the file.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from domain.limits import quoted
from domain.ovf import DIGEST_HEX_LENGTH, OVF_MAX_BYTES, ManifestEntry, OvfDescriptor, OvfDisk
from node_daemon.ova_extract import ExtractedFile, OvaIndex

# The descriptor and manifest are hashed with every algorithm a manifest may use: they are
# small, and which ones the manifest uses is known only once it is read.
ALL_ALGORITHMS = tuple(DIGEST_HEX_LENGTH)
# VMDK kinds that are one file: the data is inside it. Others (monolithicFlat, twoGbMaxExtent*,
# vmfs) are a text descriptor naming extent files, which could be any file on the host.
SINGLE_FILE_VMDK = frozenset({"streamOptimized", "monolithicSparse"})
# How much of a digest an error quotes: enough to compare by eye with the publisher's.
_DIGEST_QUOTE = 16


class VerificationFailed(ValueError):
    """A file does not match what the OVA says of it; ``str()`` names the file."""


def check_contents(
    descriptor: OvfDescriptor, manifest: tuple[ManifestEntry, ...] | None, index: OvaIndex
) -> None:
    """What the descriptor and manifest name is in the archive (nothing unpacked yet)."""
    for disk in descriptor.disks:
        if disk.file.href not in index.members:
            raise VerificationFailed(
                f"disk file {disk.file.href} named in the OVF is not in the archive"
            )
    if manifest is None:
        return
    for entry in manifest:
        if entry.path not in index.members:
            raise VerificationFailed(
                f"the manifest names {entry.path}, which is not in the archive"
            )
    covered = {entry.path for entry in manifest}
    if index.descriptor not in covered:
        raise VerificationFailed(
            f"the manifest gives no digest for the OVF descriptor {index.descriptor}"
        )
    for disk in descriptor.disks:
        if disk.file.href not in covered:
            raise VerificationFailed(
                f"the manifest gives no digest for disk file {disk.file.href}, which the OVF "
                f"names for disk {disk.disk_id}"
            )


def files_to_extract(
    descriptor: OvfDescriptor, manifest: tuple[ManifestEntry, ...] | None, index: OvaIndex
) -> list[str]:
    """The disks and every other file the manifest names (its digest must be checked),
    in the archive's order (one pass through it), without the descriptor and manifest."""
    wanted = {disk.file.href for disk in descriptor.disks}
    wanted.update(entry.path for entry in manifest or ())
    wanted.discard(index.descriptor)
    if index.manifest is not None:
        wanted.discard(index.manifest)
    return [name for name in index.members if name in wanted]


def digest_algorithms(manifest: tuple[ManifestEntry, ...] | None) -> dict[str, set[str]]:
    algorithms: dict[str, set[str]] = {}
    for entry in manifest or ():
        algorithms.setdefault(entry.path, set()).add(entry.algorithm)
    return algorithms


def check_digests(
    manifest: tuple[ManifestEntry, ...], extracted: Mapping[str, ExtractedFile]
) -> None:
    for entry in manifest:
        actual = extracted[entry.path].digests[entry.algorithm]
        if actual != entry.digest:
            raise VerificationFailed(
                f"file {entry.path} does not match the manifest: its {entry.algorithm.upper()} "
                f"is {actual[:_DIGEST_QUOTE]}…, the manifest says {entry.digest[:_DIGEST_QUOTE]}… "
                "(the OVA is damaged or was changed after it was made)"
            )


def check_sizes(descriptor: OvfDescriptor, extracted: Mapping[str, ExtractedFile]) -> None:
    for disk in descriptor.disks:
        declared = disk.file.size
        actual = extracted[disk.file.href].size
        if declared is not None and declared != actual:
            raise VerificationFailed(
                f"disk file {disk.file.href} is {actual} bytes, the OVF says {declared} (ovf:size)"
            )


def check_disk_image(disk: OvfDisk, path: Path, info: Mapping[str, Any]) -> int:
    """A disk's ``qemu-img info`` is its ovf:format and reads nothing but itself; returns
    its virtual size."""
    name = disk.file.href
    image_format = info.get("format")
    if image_format != disk.source_format:
        raise VerificationFailed(
            f"disk file {name} reads as {quoted(str(image_format))}, not the "
            f"{disk.source_format} its ovf:format says"
        )
    backing = info.get("backing-filename") or info.get("full-backing-filename")
    if backing:
        raise VerificationFailed(
            f"disk file {name} has a backing file ({quoted(str(backing))}); a template's disk "
            "must hold all its data"
        )
    specific = info.get("format-specific", {}).get("data", {})
    if image_format == "vmdk":
        _check_vmdk(name, path, specific)
    elif data_file := specific.get("data-file"):
        raise VerificationFailed(
            f"disk file {name} keeps its data in another file ({quoted(str(data_file))})"
        )
    virtual_size = info.get("virtual-size")
    if not isinstance(virtual_size, int) or not 0 < virtual_size <= OVF_MAX_BYTES:
        raise VerificationFailed(f"disk file {name} has no usable virtual size ({virtual_size!r})")
    return virtual_size


def _check_vmdk(name: str, path: Path, specific: Mapping[str, Any]) -> None:
    create_type = str(specific.get("create-type", ""))
    if create_type not in SINGLE_FILE_VMDK:
        raise VerificationFailed(
            f"disk file {name} is a {quoted(create_type)} VMDK; only single-file VMDKs "
            f"({', '.join(sorted(SINGLE_FILE_VMDK))}) are imported"
        )
    for extent in specific.get("extents", []):
        if extent.get("filename") != str(path):
            raise VerificationFailed(
                f"disk file {name} reads another file ({quoted(str(extent.get('filename')))})"
            )

"""Unpacking an OVA (a tar archive) into a work directory, safely.

``scan_ova`` reads every member's header and refuses the archive before anything is written:
only regular files (symlinks, hard links, devices and FIFOs refused with their member's name),
no member that could land outside the work directory (absolute paths, '..', anything that
resolves outside), a bounded member count, no member larger than the archive that holds it,
exactly one OVF descriptor, at most one manifest. Python's own tar "data" filter (3.11.4 and
later) then checks each member again, as a second line behind these rules.

``extract_members`` writes the members asked for, each file created exclusively (never
through an existing file or link), hashing them with the manifest's algorithms as they are
written so that verifying costs no second read. (It copies each member itself rather than
calling ``extractall(filter="data")``: that is what lets it hash, report progress per chunk
and stop when cancelled; the filter still vets every member in ``scan_ova``.)

Both run on a worker thread, never on the event loop's; a cancelled extraction stops at its
next chunk and the caller removes the work directory.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import os
import shutil
import tarfile
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from domain.limits import quoted
from domain.ovf import MANIFEST_MAX, OVF_DESCRIPTOR_MAX, OvfError, archive_path
from domain.units import format_bytes


class ArchiveRefused(ValueError):
    """The archive is not a safe, well-formed OVA; ``str()`` says what and names the member."""


class _Stopped(Exception):
    """Raised on the worker thread when its extraction was asked to stop."""


@dataclass(frozen=True)
class ExtractLimits:
    # Members of one OVA: a descriptor, a manifest, a certificate, the disks (an appliance
    # has a handful; domain.ovf takes at most 64) and a few extras (ISO, NVRAM). 256 takes any
    # real export; a tar of a million empty members is refused after 257 headers.
    max_members: int = 256
    # Copying in 1 MiB pieces: large enough for disk speed, small enough that a cancel lands
    # within milliseconds and progress moves smoothly.
    chunk_bytes: int = 1 << 20
    # Unpacking may take at least this long, and beyond it the bytes at min_rate: a local
    # copy runs at 200+ MB/s; 20 MiB/s is a busy spinning disk. Past that the disk is hung.
    floor_s: float = 60.0
    min_rate_bytes_per_s: int = 20 << 20

    def deadline_s(self, total_bytes: int) -> float:
        return max(self.floor_s, total_bytes / self.min_rate_bytes_per_s)


@dataclass(frozen=True)
class OvaIndex:
    """An archive's members, all checked: name -> header."""

    archive: Path
    members: Mapping[str, tarfile.TarInfo]
    descriptor: str  # the .ovf member's name
    manifest: str | None  # the .mf member's name, when there is one


@dataclass(frozen=True)
class ExtractedFile:
    path: Path
    size: int
    digests: Mapping[str, str]  # algorithm (hashlib's name) -> hex digest


# --- scanning --------------------------------------------------------------------------------


# A pax extended header or a GNU long name/link holds a few names and times (a long path is
# ~4 KiB at most): 64 KiB is far above any real one. tarfile reads such a header's whole
# payload into memory before anything here sees the member, so it is checked first, raw.
EXTENDED_HEADER_MAX = 64 * 1024
_BLOCK = 512
_EXTENDED_TYPES = frozenset(b"xgLK")


def _check_extended_headers(archive: Path, max_members: int) -> None:
    """Walk the raw 512-byte headers and refuse an extended header (pax, GNU long name) larger
    than EXTENDED_HEADER_MAX before tarfile reads one; what is not a header is left to tarfile
    to refuse. Each member takes at most a few headers, so the walk is bounded."""
    with archive.open("rb") as raw:
        offset = 0
        for _ in range(4 * max_members + 4):
            raw.seek(offset)
            header = raw.read(_BLOCK)
            if len(header) < _BLOCK or header.count(0) == _BLOCK:
                return  # the end (or something tarfile will refuse)
            size = _header_size(header[124:136])
            if size is None:
                return
            if header[156] in _EXTENDED_TYPES and size > EXTENDED_HEADER_MAX:
                raise ArchiveRefused(
                    f"the archive has an extended tar header of {format_bytes(size)}; real ones "
                    f"are a few KiB (at most {format_bytes(EXTENDED_HEADER_MAX)} is read)"
                )
            offset += _BLOCK + -(-size // _BLOCK) * _BLOCK


def _header_size(field: bytes) -> int | None:
    """A tar header's size field: octal digits, or base-256 when its first bit is set."""
    if field[0] & 0x80:
        return int.from_bytes(field[1:], "big")
    text = field.rstrip(b"\0 ").lstrip(b" ")
    if not text:
        return 0
    try:
        return int(text, 8)
    except ValueError:
        return None


def scan_ova(archive: Path, work_dir: Path, limits: ExtractLimits) -> OvaIndex:
    """Every member's header checked; nothing written. Blocking: run it on a worker thread."""
    archive_size = archive.stat().st_size
    root = work_dir.resolve()
    members: dict[str, tarfile.TarInfo] = {}
    _check_extended_headers(archive, limits.max_members)
    try:
        with tarfile.open(archive, mode="r:") as tar:
            for info in _headers(tar, limits.max_members):
                name = _check_member(info, root, archive_size)
                if name is None:
                    continue  # a directory entry: its files' own paths are what count
                if name in members:
                    raise ArchiveRefused(
                        f"member {quoted(name)} appears twice in the archive (a later copy "
                        "would silently replace the one the manifest describes)"
                    )
                members[name] = info
    except tarfile.TarError as error:
        raise ArchiveRefused(
            f"the file is not a readable tar archive (an OVA is an uncompressed tar): {error}"
        ) from None
    if not members:
        raise ArchiveRefused("the archive holds no files")
    total = sum(info.size for info in members.values())
    if total > archive_size:
        raise ArchiveRefused(
            f"the archive's members add up to {format_bytes(total)}, more than the archive's "
            f"own {format_bytes(archive_size)}: its headers are not true"
        )
    descriptor = _the_one(members, ".ovf", "OVF descriptor", required=True)
    assert descriptor is not None
    manifest = _the_one(members, ".mf", "manifest", required=False)
    _check_small(members[descriptor], "the OVF descriptor", OVF_DESCRIPTOR_MAX)
    if manifest is not None:
        _check_small(members[manifest], "the manifest", MANIFEST_MAX)
    return OvaIndex(archive, members, descriptor, manifest)


def _headers(tar: tarfile.TarFile, max_members: int) -> Iterable[tarfile.TarInfo]:
    count = 0
    while (info := tar.next()) is not None:
        count += 1
        if count > max_members:
            raise ArchiveRefused(
                f"the archive has more than {max_members} members; an OVA holds a descriptor, "
                "a manifest and its disks"
            )
        yield info


def _check_member(info: tarfile.TarInfo, root: Path, archive_size: int) -> str | None:
    """A member's normalised name, or None for a directory entry; refused with its name."""
    shown = quoted(info.name)
    kind = _refused_kind(info)
    if kind:
        raise ArchiveRefused(f"member {shown} is {kind}; an OVA holds regular files only")
    try:
        name = archive_path(info.name, f"member {shown}")
    except OvfError as error:
        raise ArchiveRefused(str(error)) from None
    if not (root / name).resolve().is_relative_to(root):
        raise ArchiveRefused(f"member {shown} resolves outside the work directory")
    if info.isdir():
        return None
    if info.size > archive_size:
        raise ArchiveRefused(
            f"member {shown} claims {format_bytes(info.size)}, but the whole archive is "
            f"{format_bytes(archive_size)}: a member cannot be larger than the archive "
            "holding it"
        )
    # Python's own rules for untrusted archives (PEP 706), behind ours: tarfile has them from
    # 3.11.4 on, and Debian 12's python3 is 3.11.2, where our checks above stand alone (they
    # refuse all the filter would: links, devices, absolute paths, '..', escapes).
    data_filter = getattr(tarfile, "data_filter", None)
    if data_filter is not None:
        try:
            data_filter(info, str(root))
        except tarfile.FilterError as error:
            raise ArchiveRefused(
                f"member {shown} is refused by tar's data filter: {error}"
            ) from None
    return name


def _refused_kind(info: tarfile.TarInfo) -> str:
    if info.issym():
        return f"a symbolic link (to {quoted(info.linkname)})"
    if info.islnk():
        return f"a hard link (to {quoted(info.linkname)})"
    if info.ischr() or info.isblk():
        return "a device node"
    if info.isfifo():
        return "a FIFO"
    if not (info.isreg() or info.isdir()):
        return f"of tar type {info.type!r}"
    return ""


def _the_one(
    members: Mapping[str, tarfile.TarInfo], suffix: str, what: str, *, required: bool
) -> str | None:
    found = [name for name in members if name.lower().endswith(suffix)]
    if len(found) > 1:
        names = ", ".join(quoted(name) for name in found[:3])
        raise ArchiveRefused(
            f"the archive holds {len(found)} {what}s ({names}); an OVA has exactly one"
        )
    if not found:
        if required:
            raise ArchiveRefused(f"the archive holds no {what} (a {suffix} file)")
        return None
    return found[0]


def _check_small(info: tarfile.TarInfo, what: str, limit: int) -> None:
    if info.size > limit:
        raise ArchiveRefused(
            f"{what} {quoted(info.name)} is {format_bytes(info.size)}; at most "
            f"{format_bytes(limit)} is read (real ones are a few KB)"
        )


# --- extracting ------------------------------------------------------------------------------


def extract_members(
    index: OvaIndex,
    names: Iterable[str],
    work_dir: Path,
    algorithms: Mapping[str, Iterable[str]],
    progress: Callable[[int], None],
    stop: threading.Event,
    chunk_bytes: int,
) -> dict[str, ExtractedFile]:
    """Write ``names`` into ``work_dir``, hashing each with ``algorithms[name]``;
    ``progress(bytes written so far)`` after every chunk. Blocking: run it on a worker thread;
    setting ``stop`` ends it at its next chunk."""
    try:
        return _extract_members(index, names, work_dir, algorithms, progress, stop, chunk_bytes)
    except tarfile.TarError as error:  # e.g. the archive was cut short after its headers
        raise ArchiveRefused(f"the archive cannot be read: {error}") from None


def _extract_members(
    index: OvaIndex,
    names: Iterable[str],
    work_dir: Path,
    algorithms: Mapping[str, Iterable[str]],
    progress: Callable[[int], None],
    stop: threading.Event,
    chunk_bytes: int,
) -> dict[str, ExtractedFile]:
    extracted: dict[str, ExtractedFile] = {}
    written = 0
    with tarfile.open(index.archive, mode="r:") as tar:
        for name in names:
            info = index.members[name]
            source = tar.extractfile(info)
            if source is None:  # only for non-files, which scan_ova refused
                raise ArchiveRefused(f"member {quoted(name)} has no data")
            path = work_dir / name
            hashers = {algorithm: hashlib.new(algorithm) for algorithm in algorithms.get(name, ())}
            with source:
                size = _copy(
                    source,
                    path,
                    hashers,
                    chunk_bytes,
                    stop,
                    functools.partial(_offset, progress, written),
                )
            if size != info.size:
                raise ArchiveRefused(
                    f"member {quoted(name)} ends after {size} of its {info.size} bytes: the "
                    "archive is truncated"
                )
            written += size
            digests = {algorithm: hasher.hexdigest() for algorithm, hasher in hashers.items()}
            extracted[name] = ExtractedFile(path, size, digests)
    return extracted


def _offset(progress: Callable[[int], None], before: int, done: int) -> None:
    progress(before + done)


def _copy(
    source: BinaryIO,
    path: Path,
    hashers: Mapping[str, Any],  # hashlib objects (their type is private)
    chunk_bytes: int,
    stop: threading.Event,
    progress: Callable[[int], None],
) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    # O_EXCL | O_NOFOLLOW: a new file, never one that exists (or a link someone placed).
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    size = 0
    with os.fdopen(os.open(path, flags, 0o600), "wb") as target:
        while chunk := source.read(chunk_bytes):
            if stop.is_set():
                raise _Stopped
            target.write(chunk)
            for hasher in hashers.values():
                hasher.update(chunk)
            size += len(chunk)
            progress(size)
    return size


async def extract(
    index: OvaIndex,
    names: list[str],
    work_dir: Path,
    algorithms: Mapping[str, Iterable[str]],
    progress: Callable[[int, int], None],
    limits: ExtractLimits,
) -> dict[str, ExtractedFile]:
    """``extract_members`` on a worker thread, under its deadline; ``progress(done, total)``
    on the event loop's thread. Cancelled, it stops the thread at its next chunk and waits
    for it, so nothing writes into the work directory once this returns."""
    total = sum(index.members[name].size for name in names)
    free = await asyncio.to_thread(lambda: shutil.disk_usage(work_dir).free)
    if total > free:
        raise OSError(
            f"the OVA's files need {format_bytes(total)}, the work directory {work_dir} has "
            f"{format_bytes(free)} free"
        )
    loop = asyncio.get_running_loop()
    stop = threading.Event()
    live = True

    def tell(done: int) -> None:
        if live:  # nothing after extract() ended, e.g. a chunk reported just before a cancel
            progress(done, total)

    def from_thread(done: int) -> None:
        loop.call_soon_threadsafe(tell, done)

    worker = asyncio.ensure_future(
        asyncio.to_thread(
            extract_members,
            index,
            names,
            work_dir,
            algorithms,
            from_thread,
            stop,
            limits.chunk_bytes,
        )
    )
    deadline_s = limits.deadline_s(total)
    try:
        async with asyncio.timeout(deadline_s):
            return await asyncio.shield(worker)
    except TimeoutError:
        raise OSError(
            f"extracting {format_bytes(total)} did not finish within {deadline_s:.0f} s"
        ) from None
    finally:
        live = False
        if not worker.done():
            stop.set()
            # The thread stops at its next chunk; shielded so a second cancel still waits.
            await asyncio.shield(asyncio.wait([worker]))
        if worker.done() and not worker.cancelled():
            worker.exception()  # retrieved: a failure after a cancel is not "never retrieved"

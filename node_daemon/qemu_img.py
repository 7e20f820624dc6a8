"""``qemu-img info`` on a file the node received: its format and sizes, read by the real tool.

The file came from anyone's server or desktop, so qemu-img runs the way OpenStack runs it on
untrusted images (CVE-2015-5162): under ``prlimit`` (address space and CPU time capped), with a
deadline after which it is killed, and with its output read up to a bound. Backing files are
not opened (``qemu-img info`` reads only the named file's header unless asked for the chain),
and ``--force-share`` lets it read an image a running guest holds locked. Nothing here decides
whether the image is acceptable: that is ``domain.disk_images.check_disk_image``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import shutil
from pathlib import Path
from typing import Any

from domain.disk_images import DiskImageInfo

# qemu-img info reads a few headers: milliseconds on a local disk, a second or two on a slow
# NFS pool. 30 s is the bound OpenStack gives it; past it the file (or the storage) is broken.
INFO_TIMEOUT_S = 30.0
# OpenStack's limits for qemu-img on untrusted images: a crafted header can make it allocate
# or loop; 1 GiB of address space and 30 s of CPU are far above what a real image needs.
ADDRESS_SPACE_LIMIT = 1 << 30
CPU_SECONDS_LIMIT = 30
# The JSON of one image is ~1 KB; a qcow2 with thousands of internal snapshots lists each
# (~200 bytes): 4 MiB holds 20,000 of them and bounds what a hostile image can make us parse.
OUTPUT_MAX_BYTES = 4 << 20
# qemu-img's own error is one or two lines; longer stderr is cut for the user's message.
STDERR_SHOWN_MAX = 500


class QemuImgFailed(Exception):
    """qemu-img could not read the file; ``str()`` names the file and carries its stderr."""


def _command(path: Path) -> list[str]:
    qemu_img = shutil.which("qemu-img")
    if qemu_img is None:
        raise QemuImgFailed(
            f"qemu-img info {path}: qemu-img is not installed on this host "
            "(Debian/Ubuntu package qemu-utils, Fedora/RHEL qemu-img)"
        )
    return limited([qemu_img, "info", "--output=json", "--force-share", str(path.absolute())])


def limited(command: list[str]) -> list[str]:
    """``command`` under prlimit's memory and CPU limits: every ``qemu-img info`` of a file
    from outside runs so (a crafted image has made qemu-img's parser run away: CVE-2015-5162)."""
    prlimit = shutil.which("prlimit")  # util-linux: on every Debian and RHEL host
    if prlimit is None:
        return command
    return [prlimit, f"--as={ADDRESS_SPACE_LIMIT}", f"--cpu={CPU_SECONDS_LIMIT}", "--", *command]


async def image_info(path: Path, *, timeout_s: float = INFO_TIMEOUT_S) -> DiskImageInfo:
    """The real ``qemu-img info`` of ``path``; QemuImgFailed with qemu-img's stderr when it
    fails, and when it has not answered within ``timeout_s`` (it is killed)."""
    process = await asyncio.create_subprocess_exec(
        *_command(path),
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        async with asyncio.timeout(timeout_s):
            stdout, stderr = await asyncio.gather(
                _read_bounded(process.stdout), _read_bounded(process.stderr)
            )
            returncode = await process.wait()
    except TimeoutError:
        raise QemuImgFailed(
            f"qemu-img info {path}: no answer within {timeout_s:g} s (killed)"
        ) from None
    except _OutputTooLarge:
        raise QemuImgFailed(
            f"qemu-img info {path}: printed more than {OUTPUT_MAX_BYTES:,} bytes (killed)"
        ) from None
    finally:
        if process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            await process.wait()
    if returncode != 0:
        message = stderr.decode("utf-8", "replace").strip()[:STDERR_SHOWN_MAX]
        raise QemuImgFailed(
            f"qemu-img info {path}: {message or f'exited with status {returncode}'}"
        )
    return _parse(stdout, path)


class _OutputTooLarge(Exception):
    pass


async def _read_bounded(stream: asyncio.StreamReader | None) -> bytes:
    """All of ``stream``, or _OutputTooLarge past OUTPUT_MAX_BYTES."""
    assert stream is not None  # both pipes are asked for
    data = bytearray()
    while chunk := await stream.read(64 << 10):
        data += chunk
        if len(data) > OUTPUT_MAX_BYTES:
            raise _OutputTooLarge
    return bytes(data)


def _parse(stdout: bytes, path: Path) -> DiskImageInfo:
    try:
        report = json.loads(stdout)
        if not isinstance(report, dict):
            raise ValueError("not a JSON object")
        specific = report.get("format-specific", {}).get("data", {})
        return DiskImageInfo(
            format=_text(report, "format"),
            virtual_size=_count(report, "virtual-size"),
            # Absent for some protocols (e.g. an rbd volume); 0 then: unknown.
            actual_size=_count(report, "actual-size") if "actual-size" in report else 0,
            backing_file=_text(report, "backing-filename", ""),
            data_file=_text(specific, "data-file", ""),
            encrypted=report.get("encrypted", False) is True,
            corrupt=specific.get("corrupt", False) is True,
        )
    except (ValueError, AttributeError) as error:
        raise QemuImgFailed(f"qemu-img info {path}: unexpected output ({error})") from None


def _text(report: dict[str, Any], key: str, default: str | None = None) -> str:
    value = report.get(key, default)
    if not isinstance(value, str):
        raise ValueError(f"{key!r} is {type(value).__name__}, not text")
    return value


def _count(report: dict[str, Any], key: str) -> int:
    value = report.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValueError(f"{key!r} is {value!r}, not a byte count")
    return value

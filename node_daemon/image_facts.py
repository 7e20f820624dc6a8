"""What a stored image is, as ``qemu-img info`` reads it: its format, the disk the guest sees,
and whether it points at another file (a backing file, which an uploaded image may not have:
a guest would read whatever host file it names)."""

from __future__ import annotations

import asyncio
import contextlib
import json
from dataclasses import dataclass

from domain.limits import shortened

QEMU_IMG = "/usr/bin/qemu-img"
# qemu-img info reads a header and, for qcow2, its tables: well under a second even for a
# large image on a slow disk; 60 s only matters for a hung NFS mount, which it then reports.
QEMU_IMG_TIMEOUT_S = 60.0
# Bytes of qemu-img's output read at most: its JSON for one image is < 2 KiB.
OUTPUT_MAX = 1 << 20


class ImageInfoFailed(Exception):
    """qemu-img could not read the image; the message is the cause as a user reads it."""


@dataclass(frozen=True)
class DiskInfo:
    format: str  # "raw", "qcow2", ...
    virtual_size: int
    backing_file: str  # "" when none


async def disk_info(path: str) -> DiskInfo:
    """``qemu-img info --output=json`` of ``path`` (the image is ours and not in use:
    ``--force-share`` keeps qemu-img from taking a lock it does not need)."""
    process = await asyncio.create_subprocess_exec(
        QEMU_IMG,
        "info",
        "--output=json",
        "--force-share",
        path,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        out, err = await asyncio.wait_for(process.communicate(), QEMU_IMG_TIMEOUT_S)
    except TimeoutError:
        raise ImageInfoFailed(
            f"qemu-img info did not answer within {QEMU_IMG_TIMEOUT_S:.0f} s"
        ) from None
    finally:
        if process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            await process.wait()
    if process.returncode != 0:
        text = err[:OUTPUT_MAX].decode(errors="replace").strip()
        raise ImageInfoFailed(f"qemu-img info failed: {shortened(text, 300)}")
    try:
        info = json.loads(out[:OUTPUT_MAX])
        return DiskInfo(
            format=str(info["format"]),
            virtual_size=int(info["virtual-size"]),
            backing_file=str(info.get("backing-filename", "")),
        )
    except (ValueError, KeyError, TypeError) as error:
        raise ImageInfoFailed(
            f"qemu-img info gave output it cannot be read from: {error}"
        ) from None

"""qemu-img on the node: what a disk image is (``info``) and converting one to qcow2.

Both run the real ``qemu-img`` as an asyncio child process (the event loop never blocks on
it), each under a deadline. The source format is always given (``-f``): qemu-img's
format probing on an untrusted file is how a "disk" that is really a qcow2 with a backing file
reads host files into a template. A conversion reports its progress from qemu-img's own
``-p`` output; cancelling it (or its deadline) kills qemu-img and removes the partial output.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from node_daemon.qemu_img import limited

QEMU_IMG = "qemu-img"

# qemu-img -p prints "    (12.34/100%)\r" to stdout as it goes (also when stdout is a pipe).
_PROGRESS_RE = re.compile(rb"\((\d{1,3}(?:\.\d+)?)/100%\)")
# What of qemu-img's stderr an error quotes: its last lines, enough for its one-line reason
# ("qemu-img: Could not open 'x': ...") and never a wall of text in a task's message.
STDERR_QUOTE_MAX = 400
# stderr kept while qemu-img runs (it writes a line or two; the bound is for a misbehaving one).
_STDERR_KEEP = 64 << 10
# `qemu-img info --output=json` of one image is ~1 KB (a VMDK lists its extents): 1 MiB is a
# bound, not a size, so a hostile image cannot make the node buffer without end.
_INFO_OUTPUT_MAX = 1 << 20
# Reading qemu-img's stdout in pieces this big: a progress line is ~20 bytes.
_READ_CHUNK = 4096
# Its messages in English whatever the host's locale: they end up in users' task messages.
_ENV = {**os.environ, "LC_ALL": "C"}


class QemuImgError(RuntimeError):
    """qemu-img failed, could not run, or ran out of time; ``str()`` says which and why."""


@dataclass(frozen=True)
class ConvertLimits:
    # A conversion may take at least this long, however small the disk: qemu-img's start-up,
    # a busy host's page cache flush at the end, a loaded CI machine. A minute is far beyond a
    # small disk's real time (well under a second) and still ends a hung qemu-img.
    floor_s: float = 60.0
    # ...and beyond the floor, its virtual size at this rate: qemu-img inflates a
    # streamOptimized VMDK at 100-400 MB/s; 20 MiB/s is a spinning disk shared with running
    # guests. Over that, something is wrong (a hung NFS pool), and the deadline says so.
    min_rate_bytes_per_s: int = 20 << 20
    # qemu-img's -r: a cap on the conversion's I/O so it does not starve guests on the same
    # disk. None runs at disk speed (an import is usually wanted soon); tests set a cap to
    # hold a conversion open.
    rate_limit_bytes_per_s: int | None = None
    # `qemu-img info` reads headers only (a VMDK's footer at most): seconds at worst.
    info_timeout_s: float = 30.0

    def deadline_s(self, virtual_size: int) -> float:
        rate = self.min_rate_bytes_per_s
        if self.rate_limit_bytes_per_s is not None:
            rate = min(rate, self.rate_limit_bytes_per_s)
        return max(self.floor_s, virtual_size / rate)


async def image_info(path: Path, image_format: str, timeout_s: float) -> dict[str, Any]:
    """``qemu-img info --output=json -f FORMAT PATH`` as a dict."""
    args = ["info", "--output=json", "-f", image_format, str(path)]
    process = await _spawn(args)
    try:
        async with asyncio.timeout(timeout_s):
            stdout, stderr = await process.communicate()
    except TimeoutError:
        raise QemuImgError(
            f"qemu-img info {path.name} did not answer within {timeout_s:.0f} s"
        ) from None
    finally:
        await _stop(process)
    if process.returncode != 0:
        raise QemuImgError(f"qemu-img info {path.name} failed: {_tail(stderr)}")
    if len(stdout) > _INFO_OUTPUT_MAX:
        raise QemuImgError(f"qemu-img info {path.name} wrote {len(stdout)} bytes of JSON")
    try:
        info = json.loads(stdout)
    except ValueError as error:
        raise QemuImgError(f"qemu-img info {path.name} wrote no JSON: {error}") from None
    if not isinstance(info, dict):
        raise QemuImgError(f"qemu-img info {path.name} wrote JSON that is not an object")
    return info


async def convert_to_qcow2(
    source: Path,
    source_format: str,
    target: Path,
    virtual_size: int,
    on_progress: Callable[[float], None],
    limits: ConvertLimits,
) -> None:
    """``qemu-img convert -p -f FORMAT -O qcow2 SOURCE TARGET``; ``on_progress(fraction)`` as
    qemu-img reports it (0.0 to 1.0). On failure, timeout or cancellation qemu-img is killed
    and ``target`` removed."""
    args = ["convert", "-p", "-f", source_format, "-O", "qcow2"]
    if limits.rate_limit_bytes_per_s is not None:
        args += ["-r", str(limits.rate_limit_bytes_per_s)]
    args += [str(source), str(target)]
    deadline_s = limits.deadline_s(virtual_size)
    process = await _spawn(args)
    assert process.stdout is not None and process.stderr is not None
    stderr_task = asyncio.create_task(_collect(process.stderr))
    try:
        async with asyncio.timeout(deadline_s):
            await _follow_progress(process.stdout, on_progress)
            returncode = await process.wait()
            stderr = await stderr_task
    except BaseException as error:
        await _stop(process)
        stderr_task.cancel()
        await remove_file(target)
        if isinstance(error, TimeoutError):
            raise QemuImgError(
                f"qemu-img did not finish converting {source.name} within {deadline_s:.0f} s "
                "(it was stopped)"
            ) from None
        raise
    if returncode != 0:
        await remove_file(target)
        raise QemuImgError(f"qemu-img could not convert {source.name}: {_tail(stderr)}")


async def remove_file(path: Path) -> None:
    """Remove a (possibly large) file off the loop; shielded, so a second cancel while it is
    being removed still removes it."""
    await asyncio.shield(asyncio.to_thread(path.unlink, missing_ok=True))


async def _spawn(args: list[str]) -> asyncio.subprocess.Process:
    # info parses an archive's disk headers: under qemu_img's limits. A conversion runs for as
    # long as the disk takes and has its own deadline.
    if shutil.which(QEMU_IMG) is None:  # said here: under prlimit it would be prlimit's error
        raise QemuImgError(
            f"{QEMU_IMG} is not installed on this host (Debian's package qemu-utils)"
        )
    command = limited([QEMU_IMG, *args]) if args[0] == "info" else [QEMU_IMG, *args]
    try:
        return await asyncio.create_subprocess_exec(
            *command,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=_ENV,
        )
    except FileNotFoundError:
        raise QemuImgError(
            f"{QEMU_IMG} is not installed on this host (Debian's package qemu-utils)"
        ) from None


async def _follow_progress(
    stdout: asyncio.StreamReader, on_progress: Callable[[float], None]
) -> None:
    pending = b""
    while chunk := await stdout.read(_READ_CHUNK):
        pending += chunk
        # Only whole reports count; the last, unfinished one waits for its terminator.
        cut = max(pending.rfind(b"\r"), pending.rfind(b"\n"))
        if cut < 0:
            pending = pending[-_READ_CHUNK:]
            continue
        complete, pending = pending[:cut], pending[cut + 1 :]
        reports = _PROGRESS_RE.findall(complete)
        if reports:
            on_progress(min(float(reports[-1]) / 100.0, 1.0))


async def _collect(stream: asyncio.StreamReader) -> bytes:
    kept = b""
    while chunk := await stream.read(_READ_CHUNK):
        kept = (kept + chunk)[-_STDERR_KEEP:]
    return kept


async def _stop(process: asyncio.subprocess.Process) -> None:
    """Kill qemu-img if it still runs and reap it (SIGKILL: nothing it writes is kept)."""
    if process.returncode is None:
        with contextlib.suppress(ProcessLookupError):
            process.kill()
    # Shielded: a second cancel while reaping must not leave a zombie behind.
    await asyncio.shield(process.wait())


def _tail(stderr: bytes) -> str:
    text = " ".join(stderr.decode("utf-8", "replace").split())
    if not text:
        return "no error text (exit status only)"
    return text if len(text) <= STDERR_QUOTE_MAX else "…" + text[-STDERR_QUOTE_MAX:]

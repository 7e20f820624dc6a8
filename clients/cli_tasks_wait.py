"""Waiting for a task to finish, with a progress bar: ``tasks wait`` and every image command's
``--wait``.

The task is read with GetTask at the pace the other ``--wait`` commands read their object
(``cli_realized.WAIT_POLL_S``), each call under the client's deadline. The wait ends when the
task finishes, or when the task has not changed at all for the stall timeout: a host that died
mid-transfer never reports again, and a script must not hang on it. The task goes on; waiting
again is one command.
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Awaitable, Callable

from clients.cli_realized import WAIT_POLL_S, NotAsAsked
from clients.coordinator import CoordinatorClient
from clients.present_tasks import (
    eta_seconds_of,
    is_finished,
    task_phase_text,
    task_status_text,
    task_title,
)
from clients.progress_bar import Progress, ProgressBar
from domain.durations import parse_duration
from domain.errors import ValidationError
from proto.quantix.v1 import coordinator_pb2 as pb

# A wait gives up after the task has not changed for 10 minutes: a running transfer reports
# several times a second while bytes move, and the slowest silent step (hashing or flushing a
# big image on a slow disk) takes minutes. A task queued behind long transfers may sit longer
# unchanged: --stall-timeout raises it. Giving up stops only the waiting, never the task.
DEFAULT_STALL_TIMEOUT = "10m"


def stall_seconds(text: str) -> float:
    """The ``--stall-timeout`` flag's value in seconds (ValidationError naming the flag)."""
    seconds = parse_duration(text, "--stall-timeout")
    if seconds <= 0:
        raise ValidationError("--stall-timeout", "must be more than 0 seconds")
    return float(seconds)


def task_progress(task: pb.Task) -> Progress:
    return Progress(
        task.bytes_done,
        task.bytes_total,
        task_status_text(task),
        task.rate_bytes_per_second or None,
        eta_seconds_of(task),
    )


def _fingerprint(task: pb.Task) -> tuple[object, ...]:
    """What changes when a task moves at all."""
    return (task.phase, task.bytes_done, task.bytes_total, task.step, task.message)


async def wait_task(
    client: CoordinatorClient,
    task: pb.Task,
    stall_s: float,
    bar: ProgressBar | None = None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> pb.Task:
    """``task`` read again until it finishes; its progress drawn on ``bar`` (default: a bar on
    stderr). NotAsAsked when it has not changed for ``stall_s`` seconds."""
    bar = bar or ProgressBar(sys.stderr, task_title(task))
    changed_at = clock()
    seen = _fingerprint(task)
    try:
        while not is_finished(task):
            bar.update(task_progress(task))
            if clock() - changed_at >= stall_s:
                raise NotAsAsked(
                    f"task {task.id} ({task_title(task)}) has not changed for "
                    f"{int(stall_s)} s; it is still {task_phase_text(task.phase)}: "
                    f"stopped waiting (it goes on; `quantixctl tasks wait {task.id}` waits again)"
                )
            await sleep(WAIT_POLL_S)
            task = await client.get_task(task.id)
            if _fingerprint(task) != seen:
                seen, changed_at = _fingerprint(task), clock()
    except BaseException:
        bar.interrupt()
        raise
    bar.update(task_progress(task))
    bar.finish()
    return task


def require_succeeded(task: pb.Task) -> None:
    """NotAsAsked with the task's phase and message unless it SUCCEEDED."""
    if task.phase != pb.TASK_PHASE_SUCCEEDED:
        raise NotAsAsked(
            f"task {task.id} ({task_title(task)}) {task_phase_text(task.phase)}: "
            f"{task.message or 'no message'}"
        )

"""Tasks: long work (upload, download, OVA import) the coordinator tracks for every console.

The rules every task obeys, whoever runs it: which phases are final, what progress may say,
when a cancel is refused, the rate and ETA read from progress samples, and how often a task's
progress may be published (coalescing). Qt-free and gRPC-free: the coordinator maps these to
its messages.
"""

from __future__ import annotations

import enum
import re
from collections import deque
from dataclasses import dataclass

from domain.errors import ValidationError
from domain.limits import DESCRIPTION_MAX, quoted

# A task's id: 16 lowercase hex digits (64 random bits: no two tasks of a fleet's lifetime
# share one, and nobody guesses another's).
TASK_ID_LENGTH = 16
_TASK_ID_RE = re.compile(f"[0-9a-f]{{{TASK_ID_LENGTH}}}")
# A step ("converting disk 2 of 3") is one short line.
STEP_MAX = 128
# A failure's message names host, step and the underlying error: a description's length.
MESSAGE_MAX = DESCRIPTION_MAX


def validate_task_id(task_id: str, field: str = "id") -> str:
    if not _TASK_ID_RE.fullmatch(task_id):
        raise ValidationError(
            field, f"must be a task id ({TASK_ID_LENGTH} hex digits), got {quoted(task_id)}"
        )
    return task_id


class TaskKind(enum.Enum):
    UPLOAD = "upload"
    DOWNLOAD = "download"
    OVA_IMPORT = "OVA import"


class TaskPhase(enum.Enum):
    QUEUED = "queued"
    RUNNING = "running"  # what it is doing now is the task's step text
    CANCELLING = "cancelling"  # asked to stop; the host has not confirmed yet
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"


FINISHED = frozenset({TaskPhase.SUCCEEDED, TaskPhase.FAILED, TaskPhase.CANCELLED})

# Which phase may follow which. A finished task has no successor: it never changes again.
_NEXT: dict[TaskPhase, frozenset[TaskPhase]] = {
    TaskPhase.QUEUED: frozenset(
        {TaskPhase.QUEUED, TaskPhase.RUNNING, TaskPhase.CANCELLING, *FINISHED}
    ),
    TaskPhase.RUNNING: frozenset({TaskPhase.RUNNING, TaskPhase.CANCELLING, *FINISHED}),
    # Work that finished before the cancel reached it may still succeed or fail.
    TaskPhase.CANCELLING: frozenset({TaskPhase.CANCELLING, *FINISHED}),
    TaskPhase.SUCCEEDED: frozenset(),
    TaskPhase.FAILED: frozenset(),
    TaskPhase.CANCELLED: frozenset(),
}


class TaskRefused(Exception):
    """A change a task's rules do not allow; the message says why."""


def check_transition(task: str, current: TaskPhase, new: TaskPhase) -> None:
    """Raise TaskRefused unless ``current`` may become ``new``."""
    if new in _NEXT[current]:
        return
    if current in FINISHED:
        raise TaskRefused(f"task {task} has {current.value}: a finished task never changes")
    raise TaskRefused(f"task {task} is {current.value}: it cannot become {new.value}")


def cancel_refusal(task: str, phase: TaskPhase) -> str | None:
    """Why ``task`` cannot be cancelled in ``phase``, or None when it can."""
    if phase in FINISHED:
        return f"task {task} has already {phase.value}: there is nothing left to cancel"
    if phase is TaskPhase.CANCELLING:
        return f"task {task} is already being cancelled"
    return None


def check_progress(bytes_done: int, bytes_total: int) -> None:
    """Progress a task may report. ``bytes_total`` 0 means the size is not known (yet)."""
    if bytes_done < 0:
        raise ValidationError("bytes_done", "must not be negative")
    if bytes_total < 0:
        raise ValidationError("bytes_total", "must not be negative")
    if bytes_total and bytes_done > bytes_total:
        raise ValidationError(
            "bytes_done", f"{bytes_done} is more than the total of {bytes_total} bytes"
        )


# --- rate and ETA ------------------------------------------------------------------------------

# The rate is measured over the last 10 s: long enough to smooth the bursts of a chunked stream
# (TCP windows, disk flushes, a GC pause) so the ETA does not jump with every sample, short
# enough to follow a real change of speed (another transfer starting on the link) within a few
# seconds. Download managers and rsync use windows of this order.
RATE_WINDOW_S = 10.0
# No rate (and so no ETA) until the samples span 2 s: a first second of a transfer is mostly
# TCP slow start and buffers filling, and an ETA from it would be confidently wrong.
MIN_RATE_SPAN_S = 2.0


@dataclass(frozen=True)
class Sample:
    time: float  # seconds, any monotonic clock
    bytes_done: int


class RateWindow:
    """Progress samples of one task over the last RATE_WINDOW_S seconds."""

    def __init__(
        self, window_s: float = RATE_WINDOW_S, min_span_s: float = MIN_RATE_SPAN_S
    ) -> None:
        self._window_s = window_s
        self._min_span_s = min_span_s
        self._samples: deque[Sample] = deque()

    def add(self, time: float, bytes_done: int) -> None:
        if self._samples and bytes_done < self._samples[-1].bytes_done:
            self._samples.clear()  # restarted from an earlier point (a retry): measure afresh
        self._samples.append(Sample(time, bytes_done))
        # Keep one sample at or before the window's start so the window is always fully spanned.
        while len(self._samples) > 2 and self._samples[1].time <= time - self._window_s:
            self._samples.popleft()

    def rate(self) -> float | None:
        """Bytes per second, or None while the samples span less than the minimum."""
        if len(self._samples) < 2:
            return None
        first, last = self._samples[0], self._samples[-1]
        span = last.time - first.time
        if span < self._min_span_s:
            return None
        return (last.bytes_done - first.bytes_done) / span


def eta_seconds(bytes_done: int, bytes_total: int, rate: float | None) -> float | None:
    """Seconds left at ``rate``; None when the total or the rate is unknown, or nothing moves."""
    if not bytes_total or rate is None or rate <= 0:
        return None
    return max(bytes_total - bytes_done, 0) / rate


# --- coalescing ----------------------------------------------------------------------------

# At most 4 publishes per second per task: a progress bar and a speed redrawn four times a
# second look continuous, and 20 parallel transfers then cost every console 80 Watch events
# a second, not one per 1 MiB chunk (hundreds a second per transfer on a fast link).
PUBLISHES_PER_SECOND = 4.0


def publish_delay(
    last_published: float | None,
    now: float,
    urgent: bool,
    per_second: float = PUBLISHES_PER_SECOND,
) -> float:
    """How long to hold a task's new state before publishing it: 0 means now.

    ``urgent`` (a phase change, a finish) is always published at once. Otherwise a state is
    held until 1/per_second has passed since the last publish; the caller keeps only the latest
    held state and publishes it when the delay is over, so the last value is always published.
    """
    if urgent or last_published is None:
        return 0.0
    wait = 1.0 / per_second - (now - last_published)
    return max(wait, 0.0)

"""How the console words a task (an upload, a download, an OVA import): its progress in bytes,
speed, time left, what it is doing and how it ended. Qt-free.

The rate and the ETA are the coordinator's (domain.tasks measures them over a moving window),
so every console shows the same figures; this module only words them.
"""

from __future__ import annotations

from domain.tasks import FINISHED, TaskPhase
from domain.units import format_bytes
from proto.quantix.v1 import coordinator_pb2 as pb
from wire.image_codec import TASK_KIND_OF, TASK_PHASE_OF


def phase_of(task: pb.Task) -> TaskPhase | None:
    return TASK_PHASE_OF.get(task.phase)


def is_finished(task: pb.Task) -> bool:
    return phase_of(task) in FINISHED


def kind_word(task: pb.Task) -> str:
    kind = TASK_KIND_OF.get(task.kind)
    return kind.value if kind is not None else "task"


def title(task: pb.Task) -> str:
    """``"Upload ubuntu-24.04.iso"``."""
    word = kind_word(task)
    return f"{word[:1].upper()}{word[1:]} {task.object_name}".strip()


def where(task: pb.Task) -> str:
    """``"pool images on host-a"``."""
    pool = f"pool {task.pool}" if task.pool else "no pool"
    return f"{pool} on {task.host}" if task.host else pool


def phase_word(task: pb.Task) -> str:
    phase = phase_of(task)
    if phase is None:
        return f"unknown phase ({task.phase})"
    return phase.value


def fraction(task: pb.Task) -> float | None:
    """How much is done, 0..1; None while the total is unknown (a bar that cannot fill)."""
    if task.bytes_total <= 0:
        return 1.0 if phase_of(task) is TaskPhase.SUCCEEDED else None
    return min(task.bytes_done / task.bytes_total, 1.0)


def bytes_text(task: pb.Task) -> str:
    """``"1.2 GiB of 4.0 GiB"``, ``"310.0 MiB"`` (no total yet) or "" (nothing moved)."""
    if task.bytes_total:
        return f"{format_bytes(task.bytes_done)} of {format_bytes(task.bytes_total)}"
    return format_bytes(task.bytes_done) if task.bytes_done else ""


def speed_text(task: pb.Task) -> str:
    """``"85.3 MiB/s"`` while running; "" when not measured yet (the first seconds) or done."""
    if is_finished(task) or task.rate_bytes_per_second <= 0:
        return ""
    return f"{format_bytes(int(task.rate_bytes_per_second))}/s"


def eta_text(task: pb.Task) -> str:
    """``"2 min 10 s left"`` while running; "" when the coordinator has no estimate."""
    if is_finished(task) or not task.HasField("eta"):
        return ""
    return f"{duration_words(task.eta.ToTimedelta().total_seconds())} left"


def duration_words(seconds: float) -> str:
    """``"45 s"``, ``"2 min 10 s"``, ``"1 h 05 min"``: short enough for a row, exact enough
    to plan by (an hour-long transfer does not need its seconds)."""
    whole = max(round(seconds), 0)
    if whole < 60:
        return f"{whole} s"
    minutes, secs = divmod(whole, 60)
    if minutes < 60:
        return f"{minutes} min {secs:02d} s" if secs else f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


def figures_text(task: pb.Task) -> str:
    """The numbers of a running transfer on one line: ``"1.2 GiB of 4.0 GiB · 85.3 MiB/s ·
    40 s left"`` (each part only when known)."""
    return " · ".join(part for part in (bytes_text(task), speed_text(task), eta_text(task)) if part)


def status_line(task: pb.Task) -> str:
    """What the task is doing, or how it ended, in one sentence."""
    phase = phase_of(task)
    if phase is TaskPhase.SUCCEEDED:
        name = f"{task.pool}/{task.object_name}" if task.pool else task.object_name
        return f"Done: {name} on {task.host}" if task.host else f"Done: {name}"
    if phase is TaskPhase.FAILED:
        return f"Failed: {task.message}" if task.message else "Failed (no reason given)"
    if phase is TaskPhase.CANCELLED:
        return f"Cancelled: {task.message}" if task.message else "Cancelled"
    if phase is TaskPhase.CANCELLING:
        return f"Cancelling… (waiting for {task.host or 'its host'} to stop)"
    if phase is TaskPhase.QUEUED:
        return f"Queued on {task.host}" if task.host else "Queued"
    if phase is TaskPhase.RUNNING:
        return task.step[:1].upper() + task.step[1:] if task.step else "Running"
    return phase_word(task)

"""How a task reads to a user: its kind and phase, progress, speed and time left, in the same
words for quantixctl and the console's transfers panel. Qt-free; the rules (which phases are
final, how rate and ETA are measured) are ``domain.tasks``'."""

from __future__ import annotations

from collections.abc import Sequence

from google.protobuf.duration_pb2 import Duration

from clients.present import timestamp_seconds
from domain.units import format_bytes
from proto.quantix.v1 import coordinator_pb2 as pb
from wire.image_codec import TASK_KIND_OF as KIND_OF
from wire.image_codec import TASK_PHASE_OF as PHASE_OF

FINISHED_PHASES = frozenset(
    {pb.TASK_PHASE_SUCCEEDED, pb.TASK_PHASE_FAILED, pb.TASK_PHASE_CANCELLED}
)

NONE = "—"


def task_kind_key(kind: int) -> str:
    """``UPLOAD`` / ``DOWNLOAD`` / ``OVA_IMPORT``: the stable name used in JSON."""
    return pb.TaskKind.Name(kind).removeprefix("TASK_KIND_") if kind in KIND_OF else "UNKNOWN"


def task_phase_key(phase: int) -> str:
    """``QUEUED`` ... ``CANCELLED``: the stable name used in JSON and tables."""
    return pb.TaskPhase.Name(phase).removeprefix("TASK_PHASE_") if phase in PHASE_OF else "UNKNOWN"


def task_kind_text(kind: int) -> str:
    known = KIND_OF.get(kind)
    return known.value if known else f"unknown kind ({kind})"


def task_phase_text(phase: int) -> str:
    known = PHASE_OF.get(phase)
    return known.value if known else f"unknown phase ({phase})"


def is_finished(task: pb.Task) -> bool:
    return task.phase in FINISHED_PHASES


def task_title(task: pb.Task) -> str:
    """``upload of alpine.iso to isos on host-a``: what the task does, in one phrase."""
    where = f" to {task.pool}" if task.pool else ""
    host = f" on {task.host}" if task.host else ""
    return f"{task_kind_text(task.kind)} of {task.object_name}{where}{host}"


def percent(done: int, total: int) -> float | None:
    """Percent done, or None when the total is not known (yet)."""
    if total <= 0:
        return None
    return min(100.0, 100.0 * done / total)


def percent_text(done: int, total: int) -> str:
    """``42 %``; "—" for an unknown total. Rounded down, so 100 % means every byte."""
    value = percent(done, total)
    return NONE if value is None else f"{int(value)} %"


def bytes_text(done: int, total: int) -> str:
    """``1.2 GiB of 4.0 GiB``; ``1.2 GiB`` when the total is not known."""
    if total <= 0:
        return format_bytes(done)
    return f"{format_bytes(done)} of {format_bytes(total)}"


def rate_text(bytes_per_second: float | None) -> str:
    """``85.3 MiB/s``; "—" while there is no measured rate (see domain.tasks.MIN_RATE_SPAN_S)."""
    if not bytes_per_second or bytes_per_second <= 0:
        return NONE
    return f"{format_bytes(int(bytes_per_second))}/s"


def eta_text(seconds: float | None) -> str:
    """Time left as a clock reads: ``0:42``, ``12:05``, ``1:02:09``; "—" when unknown."""
    if seconds is None:
        return NONE
    whole = max(0, round(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def eta_seconds_of(task: pb.Task) -> float | None:
    """The coordinator's ETA, or None when it has none (unset: not known)."""
    if not task.HasField("eta"):
        return None
    eta: Duration = task.eta
    return eta.seconds + eta.nanos / 1e9


def task_status_text(task: pb.Task) -> str:
    """What the task is doing or how it ended: its step while it runs, its message once it
    failed or was cancelled, otherwise its phase."""
    if task.phase == pb.TASK_PHASE_RUNNING and task.step:
        return task.step
    if task.message and task.phase != pb.TASK_PHASE_SUCCEEDED:
        return task.message
    return task_phase_text(task.phase)


def ordered_tasks(tasks: Sequence[pb.Task]) -> list[pb.Task]:
    """Unfinished tasks first, oldest first (the order they were started in), then finished
    ones, most recently finished first: what is moving now, then what just happened."""
    running = sorted(
        (t for t in tasks if not is_finished(t)),
        key=lambda t: (timestamp_seconds(t.created_at) or 0.0, t.id),
    )
    finished = sorted(
        (t for t in tasks if is_finished(t)),
        key=lambda t: (timestamp_seconds(t.finished_at) or 0.0, t.id),
        reverse=True,
    )
    return running + finished

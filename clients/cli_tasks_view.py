"""How quantixctl shows tasks: a table and full text for people, plain JSON for scripts. The
words are the console's (``clients.present_tasks``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from clients.cli_format import short
from clients.cli_realized import facts_lines
from clients.present import clock_time, iso_time, timestamp_seconds
from clients.present_tasks import (
    NONE,
    bytes_text,
    eta_seconds_of,
    eta_text,
    percent,
    percent_text,
    rate_text,
    task_kind_key,
    task_kind_text,
    task_phase_key,
    task_status_text,
)
from proto.quantix.v1 import coordinator_pb2 as pb

TASK_HEADERS = (
    "ID",
    "KIND",
    "OBJECT",
    "POOL",
    "HOST",
    "PHASE",
    "PROGRESS",
    "BYTES",
    "RATE",
    "ETA",
    "MESSAGE",
)


def task_rows(tasks: Sequence[pb.Task], _now: float) -> list[tuple[str, ...]]:
    return [
        (
            task.id,
            task_kind_text(task.kind),
            task.object_name or NONE,
            task.pool or NONE,
            task.host or NONE,
            task_phase_key(task.phase),
            percent_text(task.bytes_done, task.bytes_total),
            bytes_text(task.bytes_done, task.bytes_total),
            rate_text(task.rate_bytes_per_second),
            eta_text(eta_seconds_of(task)),
            short(task_status_text(task)),
        )
        for task in tasks
    ]


def task_json(task: pb.Task) -> dict[str, Any]:
    """Every field of a task, with stable keys; sizes in bytes, times in RFC 3339 (UTC)."""
    done_share = percent(task.bytes_done, task.bytes_total)
    return {
        "id": task.id,
        "kind": task_kind_key(task.kind),
        "object": task.object_name,
        "pool": task.pool,
        "host": task.host,
        "phase": task_phase_key(task.phase),
        "step": task.step,
        "bytes_done": task.bytes_done,
        "bytes_total": task.bytes_total,
        "percent": None if done_share is None else round(done_share, 1),
        "rate_bytes_per_second": task.rate_bytes_per_second or None,
        "eta_seconds": eta_seconds_of(task),
        "message": task.message,
        "started_by": task.started_by,
        "created_at": iso_time(task.created_at),
        "updated_at": iso_time(task.updated_at),
        "finished_at": iso_time(task.finished_at),
    }


def _moment(stamp: Any, now: float) -> str:
    seconds = timestamp_seconds(stamp)
    return NONE if seconds is None else clock_time(seconds, now)


def task_text(task: pb.Task, now: float) -> str:
    """``tasks show``: every fact, the message in full."""
    return "\n".join(
        facts_lines(
            [
                ("Task", task.id),
                ("Kind", task_kind_text(task.kind)),
                ("Object", task.object_name or NONE),
                ("Pool", task.pool or NONE),
                ("Host", task.host or NONE),
                ("Phase", task_phase_key(task.phase)),
                ("Step", task.step or NONE),
                ("Progress", percent_text(task.bytes_done, task.bytes_total)),
                ("Bytes", bytes_text(task.bytes_done, task.bytes_total)),
                ("Rate", rate_text(task.rate_bytes_per_second)),
                ("ETA", eta_text(eta_seconds_of(task))),
                ("Message", task.message or NONE),
                ("Started by", task.started_by or NONE),
                ("Started", _moment(task.created_at, now)),
                ("Updated", _moment(task.updated_at, now)),
                ("Finished", _moment(task.finished_at, now)),
            ]
        )
    )

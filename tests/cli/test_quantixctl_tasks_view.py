"""How quantixctl (and the console, through clients.present_tasks) words tasks, from real
protobuf messages: the table, the full text, JSON, and the order a list shows them in."""

from __future__ import annotations

import json

from clients.cli_format import format_table
from clients.cli_tasks import RECENT_FINISHED, listed
from clients.cli_tasks_view import TASK_HEADERS, task_json, task_rows, task_text
from clients.present import clock_time
from clients.present_tasks import eta_text, rate_text, task_title
from proto.quantix.v1 import coordinator_pb2 as pb

GIB = 1024**3
NOW = 1_800_000_000.0


def make_task(task_id, phase, created, finished=None, **fields):
    task = pb.Task(
        id=task_id,
        kind=fields.pop("kind", pb.TASK_KIND_UPLOAD),
        object_name=fields.pop("object_name", f"{task_id[:4]}.iso"),
        pool="isos",
        host="host-a",
        phase=phase,
        started_by="local-admin",
        **fields,
    )
    task.created_at.FromSeconds(int(created))
    task.updated_at.FromSeconds(int(finished or created))
    if finished is not None:
        task.finished_at.FromSeconds(int(finished))
    return task


def running_upload():
    task = make_task(
        "a1b2c3d4e5f60718",
        pb.TASK_PHASE_RUNNING,
        NOW - 60,
        step="writing",
        bytes_done=int(1.5 * GIB),
        bytes_total=4 * GIB,
        rate_bytes_per_second=85.3 * 1024 * 1024,
    )
    task.eta.FromSeconds(30)
    return task


def test_a_running_task_reads_as_a_row_with_progress_speed_and_time_left():
    failed = make_task(
        "ffff000011112222",
        pb.TASK_PHASE_FAILED,
        NOW - 300,
        NOW - 200,
        kind=pb.TASK_KIND_DOWNLOAD,
        object_name="noble.img",
        bytes_done=GIB,
        message="download on host-a stopped at 1.0 GiB: HTTP 404 from https://mirror.example.org"
        "/noble/current/noble-server-cloudimg-amd64.img",
    )
    table = format_table(task_rows([running_upload(), failed], NOW), TASK_HEADERS)
    header, first, second = table.splitlines()
    assert header.split() == [*TASK_HEADERS]
    assert first.split("  ")[0] == "a1b2c3d4e5f60718"
    cells = [cell.strip() for cell in first.split("  ") if cell.strip()]
    assert cells == [
        "a1b2c3d4e5f60718",
        "upload",
        "a1b2.iso",
        "isos",
        "host-a",
        "RUNNING",
        "37 %",
        "1.5 GiB of 4.0 GiB",
        "85.3 MiB/s",
        "0:30",
        "writing",
    ]
    # A finished task: no total known, no speed, no time left; its message instead of a step.
    cells = [cell.strip() for cell in second.split("  ") if cell.strip()]
    # The table cuts a long message (`tasks show` prints it whole).
    assert cells[5:] == ["FAILED", "—", "1.0 GiB", "—", "—", failed.message[:71] + "…"]
    assert f"Message     {failed.message}" in task_text(failed, NOW).splitlines()


def test_show_prints_every_fact_and_json_keeps_numbers_and_times():
    task = running_upload()
    text = task_text(task, NOW).splitlines()
    for line in (
        "Task        a1b2c3d4e5f60718",
        "Kind        upload",
        "Object      a1b2.iso",
        "Phase       RUNNING",
        "Step        writing",
        "Progress    37 %",
        "Bytes       1.5 GiB of 4.0 GiB",
        "Rate        85.3 MiB/s",
        "ETA         0:30",
        "Message     —",
        "Started by  local-admin",
        f"Started     {clock_time(NOW - 60, NOW)}",
        "Finished    —",
    ):
        assert line in text, (line, text)

    shown = json.loads(json.dumps(task_json(task)))
    assert shown == {
        "id": "a1b2c3d4e5f60718",
        "kind": "UPLOAD",
        "object": "a1b2.iso",
        "pool": "isos",
        "host": "host-a",
        "phase": "RUNNING",
        "step": "writing",
        "bytes_done": int(1.5 * GIB),
        "bytes_total": 4 * GIB,
        "percent": 37.5,
        "rate_bytes_per_second": 85.3 * 1024 * 1024,
        "eta_seconds": 30.0,
        "message": "",
        "started_by": "local-admin",
        "created_at": "2027-01-15T07:59:00Z",
        "updated_at": "2027-01-15T07:59:00Z",
        "finished_at": "",
    }
    queued = task_json(make_task("0" * 16, pb.TASK_PHASE_QUEUED, NOW))
    assert (queued["percent"], queued["rate_bytes_per_second"], queued["eta_seconds"]) == (
        None,
        None,
        None,
    )


def test_time_left_and_speed_read_like_a_clock_and_a_rate():
    assert [eta_text(s) for s in (None, 0, 5.4, 65, 3599, 3600, 7325)] == [
        "—",
        "0:00",
        "0:05",
        "1:05",
        "59:59",
        "1:00:00",
        "2:02:05",
    ]
    assert [rate_text(r) for r in (None, 0.0, 512.0, 85.3 * 1024 * 1024)] == [
        "—",
        "—",
        "512 B/s",
        "85.3 MiB/s",
    ]
    assert task_title(running_upload()) == "upload of a1b2.iso to isos on host-a"


def test_a_list_shows_running_tasks_first_oldest_first_then_the_most_recently_finished():
    running = [make_task(f"{i:016x}", pb.TASK_PHASE_RUNNING, NOW - 100 + i) for i in (3, 1, 2)]
    queued = make_task("a" * 16, pb.TASK_PHASE_QUEUED, NOW)
    finished = [
        make_task(f"{100 + i:016x}", pb.TASK_PHASE_SUCCEEDED, NOW - 9000, NOW - 5000 + i)
        for i in range(RECENT_FINISHED + 5)
    ]
    tasks = [*finished, queued, *running]
    shown = listed(tasks, show_all=False)
    assert [t.id for t in shown[:4]] == [f"{1:016x}", f"{2:016x}", f"{3:016x}", "a" * 16]
    assert len(shown) == 4 + RECENT_FINISHED
    newest_first = [f"{100 + i:016x}" for i in reversed(range(RECENT_FINISHED + 5))]
    assert [t.id for t in shown[4:]] == newest_first[:RECENT_FINISHED]
    assert [t.id for t in listed(tasks, show_all=True)[4:]] == newest_first

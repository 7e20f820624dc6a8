"""quantixctl tasks as a user runs it: a real quantixctl process against a real coordinator
process whose tasks are started by tests.coordinator.task_harness (the upload and download
managers' call), with a node's progress reports sent over mutual TLS as host-a's daemon sends
them. `tasks wait` is watched on a pipe and on a real pseudo-terminal."""

from __future__ import annotations

import asyncio
import json
import os
import pty
import select
import subprocess
import sys
import time

import pytest

from clients.coordinator import CoordinatorClient
from localfleet.fleet import coordinator_process
from localfleet.trust import FleetTrust
from proto.quantix.v1 import coordinator_pb2 as pb
from tests.cli.test_progress_bar import resize
from tests.cli.test_quantixctl import quantixctl
from tests.cli.test_quantixctl_pools import one_line_error
from tests.coordinator.task_harness import ENV
from tests.coordinator.test_tasks_fleet import HEARTBEAT_S, _start, report, task_named

MIB = 1024 * 1024
TOTAL = 64 * MIB
OBJECTS = ("alpine.iso", "debian.iso", "fedora.iso", "stuck.iso")
# How long a test reads a running quantixctl's output for a line before failing: generous,
# this is about what is shown, not how fast.
READ_TIMEOUT_S = 60.0


@pytest.fixture
def coordinator(tmp_path):
    """A coordinator with one QUEUED upload task per name in OBJECTS, all on host-a."""
    daemon = coordinator_process(tmp_path, HEARTBEAT_S)
    daemon.module = "tests.coordinator.task_harness"
    daemon.env[ENV] = json.dumps(
        [{"object": name, "host": "host-a", "total": TOTAL} for name in OBJECTS]
    )
    asyncio.run(_start(daemon))
    try:
        yield daemon
    finally:
        asyncio.run(daemon.stop())


def command(coordinator, *args, role="admin"):
    identity = coordinator.trust.identity_file(role)
    return [
        sys.executable,
        "-m",
        "clients.cli",
        "--coordinator",
        coordinator.address,
        "--identity",
        str(identity),
        *args,
    ]


def task_of(coordinator, name):
    async def read():
        async with CoordinatorClient(coordinator.endpoint("viewer")) as client:
            return await task_named(client, name)

    return asyncio.run(read())


def node_reports(coordinator, task, *reports):
    """host-a's daemon reporting on ``task``, in order."""

    async def send():
        async with CoordinatorClient(coordinator.node_endpoint("host-a")) as node:
            for done, phase, fields in reports:
                await node.report_task_progress(report(task, done, phase, **fields))

    asyncio.run(send())


def run_cli(coordinator, *args, role="admin"):
    return subprocess.run(
        command(coordinator, *args, role=role),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_list_shows_running_tasks_first_with_their_progress_and_finished_ones_after(coordinator):
    alpine, debian = task_of(coordinator, "alpine.iso"), task_of(coordinator, "debian.iso")
    node_reports(coordinator, alpine, (16 * MIB, pb.TASK_PHASE_RUNNING, {"step": "writing"}))
    node_reports(coordinator, debian, (TOTAL, pb.TASK_PHASE_SUCCEEDED, {}))

    listing = run_cli(coordinator, "tasks", "list")
    assert listing.returncode == 0, listing.stderr
    header, *rows = listing.stdout.splitlines()
    assert header.split() == [
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
    ]
    by_object = {row.split()[2]: row.split() for row in rows}
    assert set(by_object) == set(OBJECTS)
    assert by_object["alpine.iso"][:8] == [
        alpine.id,
        "upload",
        "alpine.iso",
        "vms",
        "host-a",
        "RUNNING",
        "25",
        "%",
    ]
    assert " ".join(by_object["alpine.iso"][8:]) == "16.0 MiB of 64.0 MiB — — writing"
    assert by_object["debian.iso"][5:8] == ["SUCCEEDED", "100", "%"]
    # The finished task comes after every unfinished one.
    assert rows[-1].split()[0] == debian.id

    as_json = json.loads(run_cli(coordinator, "tasks", "list", "--json").stdout)
    assert [t["object"] for t in as_json][-1] == "debian.iso"
    alpine_json = next(t for t in as_json if t["id"] == alpine.id)
    assert (alpine_json["phase"], alpine_json["bytes_done"], alpine_json["percent"]) == (
        "RUNNING",
        16 * MIB,
        25.0,
    )
    shown = run_cli(coordinator, "tasks", "show", alpine.id, "--json")
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout) == alpine_json
    text = run_cli(coordinator, "tasks", "show", alpine.id).stdout.splitlines()
    assert "Object      alpine.iso" in text
    assert "Bytes       16.0 MiB of 64.0 MiB" in text
    assert "Started by  tests" in text  # who the harness says started it


def test_cancel_asks_the_host_to_stop_and_a_finished_task_is_refused_with_the_reason(coordinator):
    fedora = task_of(coordinator, "fedora.iso")
    refused = run_cli(coordinator, "tasks", "cancel", fedora.id, role="viewer")
    one_line_error(refused, 1, f"quantixctl: coordinator {coordinator.address} permission denied")

    cancelled = run_cli(coordinator, "tasks", "cancel", fedora.id, "--json")
    assert cancelled.returncode == 0, cancelled.stderr
    task = json.loads(cancelled.stdout)
    assert (task["phase"], task["message"]) == ("CANCELLING", "cancel asked by local-admin")

    node_reports(coordinator, fedora, (MIB, pb.TASK_PHASE_CANCELLED, {"message": "cancelled"}))
    again = run_cli(coordinator, "tasks", "cancel", fedora.id)
    assert one_line_error(again, 1, "quantixctl: ") == (
        f"quantixctl: coordinator {coordinator.address} refused: task {fedora.id} has already "
        "cancelled: there is nothing left to cancel"
    )
    unknown = run_cli(coordinator, "tasks", "show", "0123456789abcdef")
    one_line_error(unknown, 1, f"quantixctl: coordinator {coordinator.address} not found: ")


def read_until(stream_fd, seen, accept, what):
    """Read ``stream_fd`` into ``seen`` (a list of str) until ``accept(text so far)``."""
    deadline = time.monotonic() + READ_TIMEOUT_S
    while not accept("".join(seen)):
        left = deadline - time.monotonic()
        assert left > 0, f"{what} not shown within {READ_TIMEOUT_S} s: {''.join(seen)!r}"
        ready, _, _ = select.select([stream_fd], [], [], left)
        if ready:
            try:
                chunk = os.read(stream_fd, 65536)
            except OSError:  # a pty whose other side is gone
                chunk = b""
            if not chunk:
                assert accept("".join(seen)), f"{what} never shown: {''.join(seen)!r}"
                return "".join(seen)
            seen.append(chunk.decode())
    return "".join(seen)


def test_wait_on_a_pipe_prints_a_line_per_phase_and_exits_0_when_it_succeeds(coordinator):
    alpine = task_of(coordinator, "alpine.iso")
    label = "upload of alpine.iso to vms on host-a"
    with subprocess.Popen(
        command(coordinator, "tasks", "wait", alpine.id),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as waiting:
        seen: list[str] = []
        fd = waiting.stderr.fileno()
        read_until(fd, seen, lambda text: f"{label}: queued\n" in text, "the queued line")
        node_reports(coordinator, alpine, (32 * MIB, pb.TASK_PHASE_RUNNING, {"step": "writing"}))
        read_until(fd, seen, lambda text: f"{label}: writing\n" in text, "the step line")
        node_reports(coordinator, alpine, (TOTAL, pb.TASK_PHASE_SUCCEEDED, {}))
        stdout, rest = waiting.communicate(timeout=READ_TIMEOUT_S)
    stderr = "".join(seen) + rest.decode()
    assert waiting.returncode == 0, stderr
    assert stderr.splitlines() == [f"{label}: queued", f"{label}: writing", f"{label}: succeeded"]
    assert "Phase       SUCCEEDED" in stdout.decode().splitlines()


def test_wait_on_a_terminal_draws_a_bar_and_a_failure_exits_1_with_the_message(coordinator):
    debian = task_of(coordinator, "debian.iso")
    master, slave = pty.openpty()
    resize(slave, 120)
    try:
        with subprocess.Popen(
            command(coordinator, "tasks", "wait", debian.id, "--json"),
            stdout=subprocess.PIPE,
            stderr=slave,
        ) as waiting:
            os.close(slave)
            slave = -1
            seen: list[str] = []
            read_until(master, seen, lambda text: "queued" in text, "the queued bar")
            node_reports(
                coordinator, debian, (32 * MIB, pb.TASK_PHASE_RUNNING, {"step": "writing"})
            )
            read_until(master, seen, lambda text: "50 %" in text, "the bar at 50 %")
            mismatch = "checksum mismatch: expected 3f2a…, got 9b1c…"
            node_reports(
                coordinator,
                debian,
                (32 * MIB, pb.TASK_PHASE_FAILED, {"message": f"upload to host-a: {mismatch}"}),
            )
            terminal = read_until(
                master,
                seen,
                lambda text: "quantixctl: " in text and text.endswith("\n"),
                "the error line",
            )
            stdout = waiting.stdout.read()
            waiting.wait(timeout=READ_TIMEOUT_S)
    finally:
        os.close(master)
        if slave != -1:
            os.close(slave)
    assert waiting.returncode == 1
    draws = terminal.split("\r")
    bar_at_half = next(d for d in draws if "50 %" in d)
    assert bar_at_half.startswith("upload of debian.iso to vms on host-a [")
    assert "#" * 15 in bar_at_half and "32.0 MiB of 64.0 MiB" in bar_at_half
    assert bar_at_half.rstrip("\r\n").endswith("writing\x1b[K")
    error = terminal.rsplit("\n", 2)[-2].strip("\r")
    assert error == (
        f"quantixctl: task {debian.id} (upload of debian.iso to vms on host-a) failed: "
        f"upload to host-a: {mismatch}"
    )
    # stdout is the task as JSON, nothing else: a script reads it whatever the bar did.
    shown = json.loads(stdout)
    assert (shown["id"], shown["phase"]) == (debian.id, "FAILED")


def test_wait_gives_up_on_a_task_that_does_not_move_and_the_task_goes_on(coordinator):
    stuck = task_of(coordinator, "stuck.iso")
    waited = run_cli(coordinator, "tasks", "wait", stuck.id, "--stall-timeout", "1s")
    assert waited.returncode == 1
    assert waited.stderr.splitlines() == [
        "upload of stuck.iso to vms on host-a: queued",
        f"quantixctl: task {stuck.id} (upload of stuck.iso to vms on host-a) has not changed "
        f"for 1 s; it is still queued: stopped waiting (it goes on; `quantixctl tasks wait "
        f"{stuck.id}` waits again)",
    ]
    assert json.loads(run_cli(coordinator, "tasks", "show", stuck.id, "--json").stdout)[
        "phase"
    ] == ("QUEUED")


def test_a_malformed_id_or_duration_is_refused_before_any_call(tmp_path):
    # Nothing listens at 127.0.0.1:1: any call would fail "unreachable" with exit status 1.
    identity = FleetTrust(tmp_path).identity_file("admin")
    cases = [
        (("tasks", "show", "xyz"), "ID: must be a task id (16 hex digits), got 'xyz'"),
        (("tasks", "cancel", "0123456789ABCDEF"), "ID: must be a task id (16 hex digits)"),
        (("tasks", "wait", "0123456789abcdef0"), "ID: must be a task id (16 hex digits)"),
        (
            ("tasks", "wait", "0123456789abcdef", "--stall-timeout", "soon"),
            "--stall-timeout: must be a number and a unit s, m, h or d",
        ),
        (
            ("tasks", "wait", "0123456789abcdef", "--stall-timeout", "0s"),
            "--stall-timeout: must be more than 0 seconds",
        ),
    ]
    for args, start in cases:
        result = quantixctl(*args, address="127.0.0.1:1", identity=identity)
        one_line_error(result, 2, f"quantixctl: {start}")
        assert result.stdout == ""
    # A well-formed id does reach for the coordinator (which is not there).
    reached = quantixctl(
        "tasks", "show", "0123456789abcdef", address="127.0.0.1:1", identity=identity
    )
    one_line_error(reached, 1, "quantixctl: coordinator 127.0.0.1:1 unreachable:")

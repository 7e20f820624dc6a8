"""Tasks on a real coordinator process over mutual TLS: a node's progress reports land on
Watch coalesced, only the task's own host may report, cancels, and a restart fails what a
previous run left RUNNING. The tasks are started in the process by tests.coordinator.
task_harness (uploads, which will start them, are not built yet)."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Iterator

import grpc
import pytest

from clients.coordinator import CoordinatorClient
from coordinator.tasks import RESTARTED
from domain.tasks import PUBLISHES_PER_SECOND
from localfleet.fleet import CoordinatorDaemon, coordinator_process
from proto.quantix.v1 import common_pb2 as cpb
from proto.quantix.v1 import coordinator_pb2 as pb
from tests.coordinator.task_harness import ENV

TOTAL = 200 * 1024 * 1024
TASKS = [
    {"object": "burst.iso", "host": "host-a", "total": TOTAL},
    {"object": "other.iso", "host": "host-a", "total": TOTAL},
    {"object": "done.iso", "host": "host-a", "total": TOTAL},
    {"object": "away.iso", "host": "host-gone", "total": 0},
]
# Heartbeats are not what these tests are about: host-a stays CONNECTED throughout.
HEARTBEAT_S = 60.0


@pytest.fixture
def coordinator(tmp_path) -> Iterator[CoordinatorDaemon]:
    daemon = coordinator_process(tmp_path, HEARTBEAT_S)
    daemon.module = "tests.coordinator.task_harness"
    daemon.env[ENV] = json.dumps(TASKS)
    asyncio.run(_start(daemon))
    try:
        yield daemon
    finally:
        asyncio.run(daemon.stop())


async def _start(daemon: CoordinatorDaemon) -> None:
    daemon.spawn()
    await daemon.wait_serving()
    async with CoordinatorClient(daemon.node_endpoint("host-a")) as node:
        await node.register_node(
            pb.RegisterNodeRequest(
                hostname="host-a",
                address="127.0.0.1:1",
                host_info=cpb.HostInfo(hostname="host-a"),
            )
        )


async def task_named(client: CoordinatorClient, name: str) -> pb.Task:
    tasks = (await client.list_tasks()).tasks
    return next(t for t in tasks if t.object_name == name)


def report(
    task: pb.Task, done: int, phase: int = pb.TASK_PHASE_RUNNING, **kw
) -> pb.ReportTaskProgressRequest:
    return pb.ReportTaskProgressRequest(
        hostname=task.host, id=task.id, phase=phase, bytes_done=done, **kw
    )


async def _task_events(client: CoordinatorClient, task_id: str) -> AsyncIterator[pb.Task]:
    """The task's states as Watch publishes them, after the snapshot."""
    synced = False
    async for event in client.watch():
        if event.type == pb.WatchEvent.TYPE_SYNCED:
            synced = True
            yield pb.Task()  # a marker: live changes follow
        elif synced and event.kind == pb.OBJECT_KIND_TASK and event.key == task_id:
            yield event.task


def test_a_burst_of_progress_reaches_watch_coalesced_and_ends_on_the_exact_last_value(
    coordinator,
):
    async def run() -> tuple[list[pb.Task], float]:
        async with (
            CoordinatorClient(coordinator.endpoint("viewer")) as viewer,
            CoordinatorClient(coordinator.node_endpoint("host-a")) as node,
        ):
            task = await task_named(viewer, "burst.iso")
            assert task.phase == pb.TASK_PHASE_QUEUED
            events = _task_events(viewer, task.id)
            await anext(events)  # synced
            seen: list[pb.Task] = []
            started = time.monotonic()
            for i in range(1, 201):
                answer = await node.report_task_progress(
                    report(task, i * 1024 * 1024, step="writing")
                )
                assert not answer.cancel
            elapsed = time.monotonic() - started
            async for state in events:
                seen.append(state)
                if state.bytes_done == 200 * 1024 * 1024:
                    break
            await events.aclose()
            return seen, elapsed

    seen, elapsed = asyncio.run(run())
    # The first report (a phase change, QUEUED -> RUNNING) is published at once.
    assert seen[0].phase == pb.TASK_PHASE_RUNNING
    assert seen[0].bytes_done == 1024 * 1024
    # Then at most PUBLISHES_PER_SECOND a second, plus the held last one.
    assert len(seen) <= PUBLISHES_PER_SECOND * elapsed + 3, (len(seen), elapsed)
    assert len(seen) < 200
    last = seen[-1]
    assert (last.bytes_done, last.bytes_total, last.step) == (200 * 1024 * 1024, TOTAL, "writing")
    assert [s.bytes_done for s in seen] == sorted(s.bytes_done for s in seen)


def test_another_hosts_certificate_is_refused_and_the_task_is_unchanged(coordinator):
    async def run() -> None:
        async with (
            CoordinatorClient(coordinator.endpoint("admin")) as admin,
            CoordinatorClient(coordinator.node_endpoint("host-b")) as host_b,
        ):
            task = await task_named(admin, "other.iso")
            # host-b speaking for host-a: refused by the access rule.
            with pytest.raises(grpc.aio.AioRpcError) as refused:
                await host_b.report_task_progress(report(task, 5))
            assert refused.value.code() == grpc.StatusCode.PERMISSION_DENIED
            assert refused.value.details() == "the certificate of host-b cannot speak for host-a"
            # host-b speaking for itself about host-a's task: refused by the registry.
            own = report(task, 5)
            own.hostname = "host-b"
            with pytest.raises(grpc.aio.AioRpcError) as refused:
                await host_b.report_task_progress(own)
            assert refused.value.code() == grpc.StatusCode.PERMISSION_DENIED
            assert refused.value.details() == f"task {task.id} runs on host-a, not on host-b"
            # An admin is no node.
            with pytest.raises(grpc.aio.AioRpcError) as refused:
                await admin.report_task_progress(report(task, 5))
            assert refused.value.code() == grpc.StatusCode.PERMISSION_DENIED
            assert await admin.get_task(task.id) == task

    asyncio.run(run())


def test_cancel_of_a_running_task_then_of_a_finished_one(coordinator):
    async def run() -> None:
        async with (
            CoordinatorClient(coordinator.endpoint("operator")) as operator,
            CoordinatorClient(coordinator.endpoint("viewer")) as viewer,
            CoordinatorClient(coordinator.node_endpoint("host-a")) as node,
        ):
            task = await task_named(viewer, "other.iso")
            await node.report_task_progress(report(task, 10))
            with pytest.raises(grpc.aio.AioRpcError) as refused:
                await viewer.cancel_task(task.id)
            assert refused.value.code() == grpc.StatusCode.PERMISSION_DENIED

            cancelling = await operator.cancel_task(task.id)
            assert cancelling.phase == pb.TASK_PHASE_CANCELLING
            assert cancelling.message == "cancel asked by local-operator"
            # The node's next report is told to stop; the task stays CANCELLING.
            answer = await node.report_task_progress(report(task, 20))
            assert answer.cancel
            assert (await viewer.get_task(task.id)).phase == pb.TASK_PHASE_CANCELLING
            await node.report_task_progress(report(task, 20, pb.TASK_PHASE_CANCELLED))
            cancelled = await viewer.get_task(task.id)
            assert cancelled.phase == pb.TASK_PHASE_CANCELLED
            assert cancelled.HasField("finished_at")

            # A finished task: refused with the reason, and it never changes again.
            with pytest.raises(grpc.aio.AioRpcError) as refused:
                await operator.cancel_task(task.id)
            assert refused.value.code() == grpc.StatusCode.FAILED_PRECONDITION
            assert refused.value.details() == (
                f"task {task.id} has already cancelled: there is nothing left to cancel"
            )
            # A report on a finished task changes nothing and tells its host to stop: whatever
            # still runs there for it is not wanted any more.
            late = await node.report_task_progress(report(task, 30))
            assert late.cancel
            assert await viewer.get_task(task.id) == cancelled

            # Progress above a known total is refused, naming the field.
            done = await task_named(viewer, "done.iso")
            with pytest.raises(grpc.aio.AioRpcError) as refused:
                await node.report_task_progress(report(done, TOTAL + 1))
            assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT
            assert refused.value.details().startswith("bytes_done: ")

            # A host no longer in the fleet cannot confirm: FAILED at once, saying so.
            away = await task_named(viewer, "away.iso")
            failed = await operator.cancel_task(away.id)
            assert failed.phase == pb.TASK_PHASE_FAILED
            assert failed.message == (
                "cancelled by local-operator while host-gone is no longer in the fleet: "
                "whatever it had done there is left as it was"
            )

    asyncio.run(run())


def test_a_restart_fails_what_the_previous_run_left_running(coordinator):
    async def before() -> tuple[str, str]:
        async with (
            CoordinatorClient(coordinator.endpoint("viewer")) as viewer,
            CoordinatorClient(coordinator.node_endpoint("host-a")) as node,
        ):
            running = await task_named(viewer, "burst.iso")
            await node.report_task_progress(report(running, 7))
            done = await task_named(viewer, "done.iso")
            await node.report_task_progress(report(done, TOTAL, pb.TASK_PHASE_SUCCEEDED))
            return running.id, done.id

    running_id, done_id = asyncio.run(before())
    asyncio.run(coordinator.stop())
    coordinator.env.pop(ENV)  # this run starts no tasks of its own
    coordinator.args[1] = coordinator.address
    coordinator.spawn()

    async def after() -> None:
        await coordinator.wait_serving()
        async with CoordinatorClient(coordinator.endpoint("viewer")) as viewer:
            failed = await viewer.get_task(running_id)
            assert failed.phase == pb.TASK_PHASE_FAILED
            assert failed.message == RESTARTED
            assert failed.bytes_done == 7
            assert failed.HasField("finished_at")
            succeeded = await viewer.get_task(done_id)
            assert succeeded.phase == pb.TASK_PHASE_SUCCEEDED
            assert succeeded.bytes_done == TOTAL
            assert len((await viewer.list_tasks()).tasks) == len(TASKS)

    asyncio.run(after())

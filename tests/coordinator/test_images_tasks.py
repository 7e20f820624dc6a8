"""Images moved by tasks, on a real coordinator process over mutual TLS: a node's reports move
the image through its phases to READY with the facts found, or to ERROR in the words of
domain.images.stopped_message; a cancel calls the host; a busy image cannot be deleted; a
restart leaves what was moving ERROR. The uploads are recorded in the process by
tests.coordinator.image_harness, as CreateUpload records them once a host took the ticket."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator

import grpc
import pytest

from clients.coordinator import CoordinatorClient
from localfleet.fleet import CoordinatorDaemon, coordinator_process
from proto.quantix.v1 import common_pb2 as cpb
from proto.quantix.v1 import coordinator_pb2 as pb
from tests.coordinator.image_harness import ENV
from tests.helpers import eventually

MIB = 1024 * 1024
SIZE = 4 * MIB
SHA = "ab" * 32
IMAGES = [
    {"pool": "vms", "name": "ready.iso", "host": "host-a", "size": SIZE, "sha256": SHA},
    {"pool": "vms", "name": "mismatch.iso", "host": "host-a", "size": SIZE, "sha256": SHA},
    {"pool": "vms", "name": "lost.iso", "host": "host-a", "size": SIZE},
    {"pool": "vms", "name": "stopped.iso", "host": "host-a", "size": SIZE},
    {"pool": "vms", "name": "never.iso", "host": "host-a", "size": SIZE},
]
# Heartbeats are not what these tests are about: host-a stays CONNECTED throughout.
HEARTBEAT_S = 60.0
FACTS = cpb.ImageFacts(
    format="iso",
    size_bytes=SIZE,
    virtual_size_bytes=SIZE,
    allocated_bytes=SIZE,
    sha256=SHA,
    path="/srv/vms/ready.iso",
)


@pytest.fixture
def coordinator(tmp_path) -> Iterator[CoordinatorDaemon]:
    daemon = coordinator_process(tmp_path, HEARTBEAT_S)
    daemon.module = "tests.coordinator.image_harness"
    daemon.env[ENV] = json.dumps(IMAGES)
    asyncio.run(_start(daemon))
    try:
        yield daemon
    finally:
        asyncio.run(daemon.stop())


async def _start(daemon: CoordinatorDaemon) -> None:
    daemon.spawn()
    await daemon.wait_serving()
    async with CoordinatorClient(daemon.node_endpoint("host-a")) as node:
        # Nothing listens at port 1: a call to this host fails at once, as to a host that
        # cannot be reached.
        await node.register_node(
            pb.RegisterNodeRequest(
                hostname="host-a", address="127.0.0.1:1", host_info=cpb.HostInfo(hostname="host-a")
            )
        )


def report(image: pb.Image, done: int, phase=pb.TASK_PHASE_RUNNING, **kw):
    return pb.ReportTaskProgressRequest(
        hostname=image.host, id=image.task_id, phase=phase, bytes_done=done, **kw
    )


def test_reports_move_an_image_through_its_phases_to_ready_with_the_facts_found(coordinator):
    async def run():
        async with (
            CoordinatorClient(coordinator.endpoint("viewer")) as viewer,
            CoordinatorClient(coordinator.node_endpoint("host-a")) as node,
        ):
            image = await viewer.get_image("vms", "ready.iso")
            seen = [image.phase]
            await node.report_task_progress(report(image, MIB))
            seen.append((await viewer.get_image("vms", "ready.iso")).phase)
            await node.report_task_progress(
                report(image, SIZE, image_phase=cpb.IMAGE_PHASE_VERIFYING, step="checking")
            )
            seen.append((await viewer.get_image("vms", "ready.iso")).phase)
            # Facts out of bounds are refused naming the field, and change nothing.
            with pytest.raises(grpc.aio.AioRpcError) as refused:
                await node.report_task_progress(
                    report(
                        image,
                        SIZE,
                        pb.TASK_PHASE_SUCCEEDED,
                        image_facts=cpb.ImageFacts(sha256="not hex"),
                    )
                )
            unchanged = await viewer.get_image("vms", "ready.iso")
            task_unchanged = await viewer.get_task(image.task_id)
            await node.report_task_progress(
                report(image, SIZE, pb.TASK_PHASE_SUCCEEDED, image_facts=FACTS)
            )
            return (
                image,
                seen,
                refused.value,
                unchanged,
                task_unchanged,
                await viewer.get_image("vms", "ready.iso"),
            )

    image, seen, refused, unchanged, task_unchanged, ready = asyncio.run(run())
    assert (image.managed, image.created_by, image.expected_sha256) == (
        True,
        "local-operator",
        SHA,
    )
    assert seen == [
        cpb.IMAGE_PHASE_UPLOADING,
        cpb.IMAGE_PHASE_UPLOADING,  # progress alone is the task's, not the image's
        cpb.IMAGE_PHASE_VERIFYING,
    ]
    assert refused.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert refused.details().startswith("image_facts.sha256: ")
    assert unchanged.phase == cpb.IMAGE_PHASE_VERIFYING
    assert task_unchanged.phase == pb.TASK_PHASE_RUNNING
    assert ready.phase == cpb.IMAGE_PHASE_READY
    assert ready.facts == FACTS
    assert ready.message == ""


def test_a_checksum_that_differs_and_a_lost_connection_leave_the_image_error_saying_so(
    coordinator,
):
    async def run():
        async with (
            CoordinatorClient(coordinator.endpoint("viewer")) as viewer,
            CoordinatorClient(coordinator.node_endpoint("host-a")) as node,
        ):
            mismatch = await viewer.get_image("vms", "mismatch.iso")
            wrong = cpb.ImageFacts()
            wrong.CopyFrom(FACTS)
            wrong.sha256 = "cd" * 32
            await node.report_task_progress(
                report(mismatch, SIZE, pb.TASK_PHASE_SUCCEEDED, image_facts=wrong)
            )
            lost = await viewer.get_image("vms", "lost.iso")
            await node.report_task_progress(report(lost, MIB))
            await node.report_task_progress(
                report(lost, 3 * MIB // 2, pb.TASK_PHASE_FAILED, message="connection lost")
            )
            return (
                await viewer.get_image("vms", "mismatch.iso"),
                await viewer.get_image("vms", "lost.iso"),
                await viewer.get_task(lost.task_id),
            )

    mismatch, lost, lost_task = asyncio.run(run())
    assert mismatch.phase == cpb.IMAGE_PHASE_ERROR
    assert mismatch.message == (
        "upload to host-a stopped at 4.0 MiB of 4.0 MiB: checksum mismatch: expected sha256 "
        f"{SHA}, host-a read {'cd' * 32}"
    )
    assert lost.phase == cpb.IMAGE_PHASE_ERROR
    assert lost.message == "upload to host-a stopped at 1.5 MiB of 4.0 MiB: connection lost"
    assert lost_task.phase == pb.TASK_PHASE_FAILED


def test_cancel_calls_the_host_and_a_busy_image_is_not_deleted(coordinator):
    async def run():
        async with (
            CoordinatorClient(coordinator.endpoint("admin")) as admin,
            CoordinatorClient(coordinator.endpoint("operator")) as operator,
            CoordinatorClient(coordinator.node_endpoint("host-a")) as node,
        ):
            stopped = await admin.get_image("vms", "stopped.iso")
            with pytest.raises(grpc.aio.AioRpcError) as busy:
                await admin.delete_image("vms", "stopped.iso")
            # A running upload: the host's next report is told to stop; it confirms.
            await node.report_task_progress(report(stopped, MIB))
            await operator.cancel_task(stopped.task_id)
            answer = await node.report_task_progress(report(stopped, 2 * MIB))
            await node.report_task_progress(report(stopped, 2 * MIB, pb.TASK_PHASE_CANCELLED))
            cancelled = await admin.get_image("vms", "stopped.iso")
            # An upload that never began: the coordinator tells the host itself. This host
            # cannot be reached, and nothing there would ever confirm: the task fails saying so.
            never = await admin.get_image("vms", "never.iso")
            await operator.cancel_task(never.task_id)
            failed = await eventually(
                lambda: admin.get_image("vms", "never.iso"),
                lambda i: i.phase == cpb.IMAGE_PHASE_ERROR,
                what="never.iso ERROR",
            )
            return busy.value, answer, cancelled, failed, await admin.get_task(never.task_id)

    busy, answer, cancelled, failed, never_task = asyncio.run(run())
    assert busy.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert busy.details().startswith("image stopped.iso in pool vms is uploading (task ")
    assert answer.cancel
    assert cancelled.message == (
        "upload to host-a stopped at 2.0 MiB of 4.0 MiB: cancelled by local-operator"
    )
    assert never_task.phase == pb.TASK_PHASE_FAILED
    assert never_task.message.startswith(
        "cancelled by local-operator, but host-a could not be told: host-a unreachable: "
    )
    assert failed.message == f"upload to host-a stopped at 0 B of 4.0 MiB: {never_task.message}"


def test_a_restart_leaves_the_images_that_were_moving_error(coordinator):
    async def before():
        async with (
            CoordinatorClient(coordinator.endpoint("viewer")) as viewer,
            CoordinatorClient(coordinator.node_endpoint("host-a")) as node,
        ):
            image = await viewer.get_image("vms", "lost.iso")
            await node.report_task_progress(report(image, MIB))
            ready = await viewer.get_image("vms", "ready.iso")
            await node.report_task_progress(
                report(ready, SIZE, pb.TASK_PHASE_SUCCEEDED, image_facts=FACTS)
            )

    asyncio.run(before())
    asyncio.run(coordinator.stop())
    coordinator.env.pop(ENV)  # this run records no uploads of its own
    coordinator.args[1] = coordinator.address
    coordinator.spawn()

    async def after():
        await coordinator.wait_serving()
        async with CoordinatorClient(coordinator.endpoint("viewer")) as viewer:
            return (
                await viewer.get_image("vms", "lost.iso"),
                await viewer.get_image("vms", "ready.iso"),
                (await viewer.list_images()).images,
            )

    lost, ready, images = asyncio.run(after())
    assert lost.phase == cpb.IMAGE_PHASE_ERROR
    assert lost.message == (
        "upload to host-a stopped at 1.0 MiB of 4.0 MiB: coordinator restarted while it ran"
    )
    assert ready.phase == cpb.IMAGE_PHASE_READY
    assert {i.name for i in images} == {i["name"] for i in IMAGES}
    assert all(i.phase == cpb.IMAGE_PHASE_ERROR for i in images if i.name != "ready.iso")

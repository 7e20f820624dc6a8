"""The node's TaskReporter against a real coordinator process: reports queued faster than they
are sent lose only figures, never an image phase (Watch shows every phase the job went
through, in order), and the last report always arrives. The upload is recorded on the
coordinator by tests.coordinator.image_harness (test_images_tasks' fixture)."""

from __future__ import annotations

import asyncio

from clients.coordinator import CoordinatorClient
from domain.images import ImagePhase
from node_daemon.task_reports import TaskReporter
from proto.quantix.v1 import common_pb2 as cpb
from proto.quantix.v1 import coordinator_pb2 as pb
from tests.coordinator.test_images_tasks import FACTS, SIZE, coordinator
from tests.coordinator.transfer_site import ImageWatch
from wire.image_codec import PHASE_TO_PB

__all__ = ["coordinator"]  # the fixture, used by name

PHASES = [
    ImagePhase.UPLOADING,
    ImagePhase.EXTRACTING,
    ImagePhase.VERIFYING,
    ImagePhase.CONVERTING,
    ImagePhase.REGISTERING,
]


def running(task_id: str, phase: ImagePhase, done: int) -> pb.ReportTaskProgressRequest:
    return pb.ReportTaskProgressRequest(
        hostname="host-a",
        id=task_id,
        phase=pb.TASK_PHASE_RUNNING,
        step=phase.value,
        bytes_done=done,
        bytes_total=SIZE,
        image_phase=PHASE_TO_PB[phase],  # type: ignore[arg-type]
    )


def test_reports_sent_in_a_burst_keep_every_image_phase_in_order(coordinator) -> None:
    async def run() -> tuple[list[int], pb.Task]:
        async with CoordinatorClient(coordinator.endpoint("viewer")) as viewer:
            image = await viewer.get_image("vms", "ready.iso")
            watch = await ImageWatch(viewer, "vms", "ready.iso").start()
            reporter = TaskReporter(coordinator.node_endpoint("host-a"), "host-a", lambda _: None)
            # All at once, as a fast job's phases come: none is sent before the next is queued.
            for phase in PHASES:
                for done in (SIZE // 4, SIZE // 2, SIZE):
                    reporter.send(running(image.task_id, phase, done))
            reporter.send(
                pb.ReportTaskProgressRequest(
                    hostname="host-a",
                    id=image.task_id,
                    phase=pb.TASK_PHASE_SUCCEEDED,
                    step="registering",
                    bytes_done=SIZE,
                    bytes_total=SIZE,
                    image_phase=cpb.IMAGE_PHASE_READY,
                    image_facts=FACTS,
                )
            )
            await reporter.delivered(30)
            await reporter.close()
            return await watch.ended(), await viewer.get_task(image.task_id)

    phases, task = asyncio.run(run())
    assert [cpb.ImagePhase.Name(p) for p in phases] == [
        "IMAGE_PHASE_UPLOADING",
        "IMAGE_PHASE_EXTRACTING",
        "IMAGE_PHASE_VERIFYING",
        "IMAGE_PHASE_CONVERTING",
        "IMAGE_PHASE_REGISTERING",
        "IMAGE_PHASE_READY",
    ]
    assert (task.phase, task.bytes_done) == (pb.TASK_PHASE_SUCCEEDED, SIZE)

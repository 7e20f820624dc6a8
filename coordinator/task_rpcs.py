"""The Coordinator service's task RPCs: validate, call the task registry (coordinator.tasks),
map its refusals to status codes. A part of CoordinatorServicer, kept apart so each file holds
one concern."""

from __future__ import annotations

import grpc

from coordinator.image_codec import reported_phase, validate_facts
from coordinator.images import ImageManager
from coordinator.tasks import PHASE_OF, NotTheTasksHost, TaskRegistry, UnknownTask
from domain.errors import ValidationError
from domain.tasks import TaskRefused, validate_task_id
from proto.quantix.v1 import coordinator_pb2 as pb
from serving.access import peer_of
from serving.grpc_server import aborts_on, validated

task_errors = aborts_on(
    {
        UnknownTask: grpc.StatusCode.NOT_FOUND,
        NotTheTasksHost: grpc.StatusCode.PERMISSION_DENIED,
        TaskRefused: grpc.StatusCode.FAILED_PRECONDITION,
    }
)


class TaskRpcs:
    _tasks: TaskRegistry
    _images: ImageManager

    async def ListTasks(
        self, request: pb.ListTasksRequest, context: grpc.aio.ServicerContext
    ) -> pb.ListTasksResponse:
        return pb.ListTasksResponse(
            tasks=self._tasks.list(),
            revision=self._inventory.revision,  # type: ignore[attr-defined]
        )

    @validated
    @task_errors
    async def GetTask(
        self, request: pb.GetTaskRequest, context: grpc.aio.ServicerContext
    ) -> pb.Task:
        return self._tasks.get(validate_task_id(request.id))

    @validated
    @task_errors
    async def CancelTask(
        self, request: pb.CancelTaskRequest, context: grpc.aio.ServicerContext
    ) -> pb.Task:
        peer = peer_of(context)
        by = peer.name if peer is not None else "anonymous (--insecure)"
        return self._tasks.cancel(validate_task_id(request.id), by)

    @validated
    @task_errors
    async def ReportTaskProgress(
        self, request: pb.ReportTaskProgressRequest, context: grpc.aio.ServicerContext
    ) -> pb.ReportTaskProgressResponse:
        validate_task_id(request.id)
        if request.phase not in PHASE_OF and request.phase != pb.TASK_PHASE_UNSPECIFIED:
            raise ValidationError("phase", f"unknown task phase {request.phase}")
        # The image's part is checked before anything changes, and taken after the task's.
        image_phase = reported_phase(request.image_phase)
        validate_facts(request.image_facts)
        if image_phase is not None:
            # A host names an image phase only once it has made the image's file; taken before
            # the task's change, which may finish the task and the image with it.
            self._images.volume_made(request.hostname, request.id)
        cancel = self._tasks.report(
            request.hostname,
            request.id,
            PHASE_OF.get(request.phase),
            request.step,
            request.bytes_done,
            request.bytes_total,
            request.message,
        )
        self._images.task_reported(request.id, image_phase, request.image_facts)
        return pb.ReportTaskProgressResponse(cancel=cancel)

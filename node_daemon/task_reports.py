"""The job runner's reports, sent to the coordinator as its tasks' progress.

The runner already coalesces progress (a few reports a second per job). Here each task has at
most one ReportTaskProgress in flight; reports that arrive meanwhile replace each other within
one image phase, and the latest goes next, so a slow coordinator sees fewer, never older,
values, and still every phase the image went through, in order. Every call has a
deadline. A coordinator that cannot be reached never holds up a job: a progress report that
fails is dropped (the next one carries newer figures), logged once per task; a final report
(SUCCEEDED, FAILED, CANCELLED) is tried a few times, with backoff, then dropped with a log
line. When the coordinator answers ``cancel`` the job is cancelled.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

import grpc

from clients.channels import Endpoint
from clients.coordinator import CoordinatorClient
from clients.errors import describe_rpc_error
from domain.images import ImagePhase
from domain.limits import shortened
from domain.tasks import MESSAGE_MAX, STEP_MAX
from node_daemon.jobs import JobReport, JobState
from proto.quantix.v1 import coordinator_pb2 as pb
from wire.image_codec import PHASE_TO_PB

log = logging.getLogger(__name__)

# Deadline of one report: a coordinator answers in milliseconds; 5 s covers a loaded one, and
# a hung one costs a task at most this long before its next (newer) report goes.
REPORT_DEADLINE_S = 5.0
# A final report is tried this many times, 1 s, 2 s, 4 s, 8 s apart (15 s in all): long
# enough for a coordinator restart to come back, short enough that a stopping daemon is not
# held (close() waits at most CLOSE_DEADLINE_S anyway).
FINAL_ATTEMPTS = 5
FIRST_RETRY_S = 1.0
# How long close() waits for final reports still being sent.
CLOSE_DEADLINE_S = 5.0
# Codes that mean "try again later"; anything else (the task is unknown, already finished, the
# report refused) will not change by retrying.
_TRANSIENT = frozenset(
    {grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED, grpc.StatusCode.UNKNOWN}
)

_PHASES = {
    JobState.RUNNING: pb.TASK_PHASE_RUNNING,
    JobState.SUCCEEDED: pb.TASK_PHASE_SUCCEEDED,
    JobState.FAILED: pb.TASK_PHASE_FAILED,
    JobState.CANCELLED: pb.TASK_PHASE_CANCELLED,
}
FINAL_PHASES = frozenset({pb.TASK_PHASE_SUCCEEDED, pb.TASK_PHASE_FAILED, pb.TASK_PHASE_CANCELLED})
# Reports of one task waiting to be sent, one per image phase: a job goes through at most the
# eight ImagePhases, so 16 holds any real job's and bounds a job that flips between phases
# (beyond it the newest replaces the last waiting one, as within a phase).
MAX_WAITING = 16


def report_request(host: str, report: JobReport) -> pb.ReportTaskProgressRequest | None:
    """The ReportTaskProgress for a job report; None for one the coordinator does not take
    (QUEUED: the task is queued there already)."""
    phase = _PHASES.get(report.state)
    if phase is None:
        return None
    request = pb.ReportTaskProgressRequest(hostname=host, id=report.job_id, phase=phase)
    if report.progress is not None:
        request.step = shortened(report.progress.step, STEP_MAX - 1)
        request.bytes_done = report.progress.done
        request.bytes_total = report.progress.total
    image_phase = report.image_phase
    if report.state is JobState.SUCCEEDED:
        image_phase = ImagePhase.READY if image_phase is not None else None
    elif report.state in (JobState.FAILED, JobState.CANCELLED):
        image_phase = ImagePhase.ERROR if image_phase is not None else None
    if image_phase is not None:
        request.image_phase = PHASE_TO_PB[image_phase]  # type: ignore[assignment]
    if report.state is JobState.FAILED:
        request.message = report.error or "failed"
    elif report.state is JobState.CANCELLED:
        request.message = report.error or f"cancelled on {host}"
    request.message = shortened(request.message, MESSAGE_MAX - 1)
    if report.facts is not None:
        request.image_facts.CopyFrom(report.facts)
    return request


@dataclass
class _TaskLine:
    """One task's reports waiting to go (oldest first, the latest of each image phase), and
    the sender working through them."""

    pending: deque[pb.ReportTaskProgressRequest] = field(default_factory=deque)
    sender: asyncio.Task[None] | None = None
    warned: bool = False


class TaskReporter:
    """The runner's listener (call it with each JobReport on the loop's thread)."""

    def __init__(
        self,
        coordinator: Endpoint,
        host: str,
        cancel: Callable[[str], object],
        deadline_s: float = REPORT_DEADLINE_S,
        first_retry_s: float = FIRST_RETRY_S,
    ) -> None:
        self._endpoint = coordinator
        self.host = host
        self._cancel = cancel
        self._deadline_s = deadline_s
        self._first_retry_s = first_retry_s
        self._client: CoordinatorClient | None = None
        self._lines: dict[str, _TaskLine] = {}
        self._closed = False

    def __call__(self, report: JobReport) -> None:
        request = report_request(self.host, report)
        if request is not None:
            self.send(request)

    def send(self, request: pb.ReportTaskProgressRequest) -> None:
        """Queue ``request`` for its task: it replaces the last one still waiting there if
        that is of the same image phase; a new phase waits behind it."""
        if self._closed:
            log.info("not reporting task %s: the daemon is stopping", request.id)
            return
        line = self._lines.setdefault(request.id, _TaskLine())
        waiting = line.pending[-1] if line.pending else None
        if waiting is not None and waiting.phase in FINAL_PHASES:
            return  # a final report is never replaced (nothing follows it)
        if waiting is not None and (
            waiting.image_phase == request.image_phase or len(line.pending) >= MAX_WAITING
        ):
            line.pending[-1] = request
        else:
            line.pending.append(request)
        if line.sender is None:
            line.sender = asyncio.create_task(
                self._send_all(request.id, line), name=f"task report {request.id}"
            )

    async def delivered(self, deadline_s: float) -> None:
        """Wait (bounded) until the reports queued so far are sent or dropped."""
        senders = [line.sender for line in self._lines.values() if line.sender is not None]
        if senders:
            await asyncio.wait(senders, timeout=deadline_s)

    async def close(self, deadline_s: float = CLOSE_DEADLINE_S) -> None:
        """Wait (bounded) for reports still going, then close the channel."""
        self._closed = True
        senders = [line.sender for line in self._lines.values() if line.sender is not None]
        if senders:
            _, pending = await asyncio.wait(senders, timeout=deadline_s)
            for sender in pending:
                sender.cancel()
            if pending:
                log.warning("%d task reports were not delivered before stopping", len(pending))
                await asyncio.gather(*pending, return_exceptions=True)
        if self._client is not None:
            await self._client.close()

    async def _send_all(self, task_id: str, line: _TaskLine) -> None:
        finished = False
        try:
            while line.pending and not finished:
                request = line.pending.popleft()
                finished = request.phase in FINAL_PHASES
                await self._send(request, line, attempts=FINAL_ATTEMPTS if finished else 1)
        finally:
            line.sender = None
            if finished or not line.pending:
                self._lines.pop(task_id, None)

    async def _send(
        self, request: pb.ReportTaskProgressRequest, line: _TaskLine, attempts: int
    ) -> None:
        client = self._coordinator()
        delay = self._first_retry_s
        for attempt in range(1, attempts + 1):
            try:
                answer = await asyncio.wait_for(
                    client.report_task_progress(request), self._deadline_s
                )
            except (grpc.aio.AioRpcError, TimeoutError) as error:
                code = error.code() if isinstance(error, grpc.aio.AioRpcError) else None
                transient = code is None or code in _TRANSIENT
                why = (
                    describe_rpc_error(error, client.target)
                    if isinstance(error, grpc.aio.AioRpcError)
                    else f"{client.target} did not answer within {self._deadline_s:.0f} s"
                )
                if transient and attempt < attempts:
                    log.debug("reporting task %s failed (attempt %d): %s", request.id, attempt, why)
                    await asyncio.sleep(delay)
                    delay *= 2
                    continue
                self._dropped(request, line, why)
                return
            log.debug(
                "reported task %s",
                request.id,
                extra={"phase": request.phase, "bytes_done": request.bytes_done},
            )
            if answer.cancel and request.phase not in FINAL_PHASES:
                log.info("the coordinator cancels task %s", request.id)
                self._cancel(request.id)
            return

    def _dropped(self, request: pb.ReportTaskProgressRequest, line: _TaskLine, why: str) -> None:
        if request.phase in FINAL_PHASES:
            log.warning("the final report of task %s was not delivered: %s", request.id, why)
        elif not line.warned:
            line.warned = True
            log.warning(
                "progress of task %s not delivered (later ones will be tried): %s", request.id, why
            )

    def _coordinator(self) -> CoordinatorClient:
        # Made on first use, inside the running loop (grpc.aio requires it).
        if self._client is None:
            self._client = CoordinatorClient(self._endpoint, self._deadline_s)
        return self._client

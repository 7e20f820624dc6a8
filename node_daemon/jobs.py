"""The node's job runner: long work (upload, download, OVA import) with bounded concurrency,
cancellation and coalesced progress.

A job is a coroutine function given a ``JobContext``. ``JobRunner.submit`` queues it; at most
``JobLimits.max_running`` run at once and the rest wait QUEUED, started in the order submitted.
``cancel`` drops a queued job, or cancels a running one: it gets ``CancelledError`` at its next
await, its ``finally`` blocks run, and it ends CANCELLED (distinct from FAILED). A job that
raises ends FAILED with the error's text. The outcome is how the coroutine ended: one that
catches the cancellation and returns has SUCCEEDED (it did its work after all). Every change
of state and the job's progress (through ``ProgressCoalescer``: a few reports a second) go to
one listener as ``JobReport``s; the daemon passes them to the coordinator as tasks
(``node_daemon.task_reports``).

A job that moves an image also reports the image's phase (``JobContext.phase``: a new phase is
passed on at once, like a new step), says in its own words where it stopped when it is
cancelled (``JobContext.stopped``), and hands over what it found when it succeeds
(``JobContext.succeed``): the final report carries both.

Blocking libvirt calls in a job go through ``JobContext.libvirt``: the daemon's one libvirt
executor (``LibvirtConnection.executor``), of which all jobs together hold at most
``JobLimits.libvirt_threads`` threads. A thread counts as held until its call returns, even when
the job that made it was cancelled meanwhile (the call cannot be interrupted), so the RPCs and
heartbeats always keep the rest.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import functools
import logging
import uuid
from collections import deque
from collections.abc import Callable, Coroutine
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any, TypeVar

import libvirt

from domain.images import ImagePhase
from node_daemon.job_limits import JobLimits
from node_daemon.job_progress import Progress, ProgressCoalescer
from node_daemon.libvirt_conn import LibvirtConnection
from proto.quantix.v1 import common_pb2

log = logging.getLogger(__name__)

T = TypeVar("T")


class JobState(enum.Enum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def finished(self) -> bool:
        return self in (JobState.SUCCEEDED, JobState.FAILED, JobState.CANCELLED)


@dataclass(frozen=True)
class JobReport:
    """What the listener hears: a job's state and its latest progress."""

    job_id: str
    state: JobState
    progress: Progress | None  # None until the job reports any
    error: str = ""  # FAILED: the error's text; CANCELLED: where the job said it stopped
    facts: common_pb2.ImageFacts | None = None  # SUCCEEDED: what the job found, if it said

    @property
    def image_phase(self) -> ImagePhase | None:
        """The image's phase as the job last reported it (None: it moves no image)."""
        return self.progress.image_phase if self.progress is not None else None


JobListener = Callable[[JobReport], None]
JobWork = Callable[["JobContext"], Coroutine[Any, Any, None]]


class JobRunnerClosed(RuntimeError):
    """submit() after close(): the daemon is stopping."""


class JobContext:
    """What a running job uses to report progress and call libvirt."""

    def __init__(self, job_id: str, runner: JobRunner, coalescer: ProgressCoalescer) -> None:
        self.job_id = job_id
        self._runner = runner
        self._coalescer = coalescer
        self.latest: Progress | None = None
        self.image_phase: ImagePhase | None = None
        self.facts: common_pb2.ImageFacts | None = None
        self.stopped_message = ""

    def progress(self, done: int, total: int, step: str) -> None:
        """Report progress as often as convenient (every chunk): the runner coalesces.

        Call it on the event loop's thread (a job's worker threads hand their counts back).
        """
        if done < 0 or total < 0:
            raise ValueError(f"progress cannot be negative (got {done} of {total})")
        self.latest = Progress(done, total, step, self.image_phase)
        self._coalescer.update(self.latest)

    def phase(self, phase: ImagePhase, step: str = "") -> None:
        """The image moved on to ``phase`` (passed on at once, after the last figure of the
        previous one); ``step`` defaults to the phase's own word. The byte counts stay."""
        self.image_phase = phase
        latest = self.latest or Progress(0, 0, "")
        self.progress(latest.done, latest.total, step or phase.value)

    def stopped(self, message: str) -> None:
        """Where the job stopped, in its own words, for the CANCELLED report (e.g. "upload to
        host-b stopped at 1.2 GiB of 4.0 GiB: cancelled")."""
        self.stopped_message = message

    def succeed(self, facts: common_pb2.ImageFacts) -> None:
        """What the job found, sent with its SUCCEEDED report once it returns."""
        self.facts = facts

    async def libvirt(self, step: str, fn: Callable[[libvirt.virConnect], T]) -> T:
        """``fn(conn)`` on the daemon's libvirt executor, as ``LibvirtConnection.call`` runs
        it (idempotent work only: after a dropped connection it runs a second time)."""
        return await self._runner.call_libvirt(step, fn)


class Job:
    """A submitted job: its state, and its final report once finished."""

    def __init__(self, job_id: str, work: JobWork, done: asyncio.Future[JobReport]) -> None:
        self.id = job_id
        self.work = work
        self.state = JobState.QUEUED
        self.context: JobContext | None = None  # made when it starts
        self.task: asyncio.Task[None] | None = None
        self._done = done

    async def wait(self) -> JobReport:
        """The final report (SUCCEEDED, FAILED or CANCELLED)."""
        return await asyncio.shield(self._done)

    def resolve(self, report: JobReport) -> None:
        self._done.set_result(report)

    def report(self, error: str = "") -> JobReport:
        context = self.context
        if context is None:
            return JobReport(self.id, self.state, None, error)
        if self.state is JobState.CANCELLED and not error:
            error = context.stopped_message
        facts = context.facts if self.state is JobState.SUCCEEDED else None
        return JobReport(self.id, self.state, context.latest, error, facts)


class JobRunner:
    def __init__(
        self,
        libvirt_conn: LibvirtConnection,
        listener: JobListener,
        limits: JobLimits = JobLimits(),  # noqa: B008 (frozen: one shared default is safe)
        clock: Callable[[], float] | None = None,  # progress intervals; the loop's by default
    ) -> None:
        self.libvirt = libvirt_conn
        self._listener = listener
        self.limits = limits
        self._clock = clock
        self._jobs: dict[str, Job] = {}  # queued and running; dropped once finished
        self._queue: deque[Job] = deque()
        self._running = 0
        self._libvirt_threads = asyncio.Semaphore(limits.libvirt_threads)
        self._closed = False

    def submit(self, work: JobWork, job_id: str | None = None) -> Job:
        """Queue ``work``; it starts once fewer than ``max_running`` jobs run."""
        if self._closed:
            raise JobRunnerClosed("the job runner is closed: the node daemon is stopping")
        job_id = job_id or uuid.uuid4().hex
        if job_id in self._jobs:
            raise ValueError(f"job {job_id} is already queued or running")
        job = Job(job_id, work, asyncio.get_running_loop().create_future())
        self._jobs[job_id] = job
        self._queue.append(job)
        self._tell(job.report())
        self._start_queued()
        return job

    def get(self, job_id: str) -> Job | None:
        """A queued or running job (finished ones are forgotten)."""
        return self._jobs.get(job_id)

    def cancel(self, job_id: str) -> bool:
        """Cancel a queued or running job; False when there is none by that id."""
        job = self._jobs.get(job_id)
        if job is None:
            return False
        if job.task is None:
            self._queue.remove(job)
            self._finish(job, JobState.CANCELLED)
        else:
            job.task.cancel()  # it finishes in _on_done, after its cleanup
        return True

    async def close(self) -> None:
        """Cancel every job and wait for running ones' cleanups, at most ``close_timeout_s``."""
        self._closed = True
        while self._queue:
            self.cancel(self._queue[0].id)
        tasks = [job.task for job in self._jobs.values() if job.task is not None]
        for task in tasks:
            task.cancel()
        if not tasks:
            return
        _, pending = await asyncio.wait(tasks, timeout=self.limits.close_timeout_s)
        for job in self._jobs.values():
            if job.task in pending:
                log.warning(
                    "job %s did not finish its cleanup within %.0f s of being cancelled",
                    job.id,
                    self.limits.close_timeout_s,
                )

    async def call_libvirt(self, step: str, fn: Callable[[libvirt.virConnect], T]) -> T:
        await self._libvirt_threads.acquire()
        loop = asyncio.get_running_loop()
        try:
            future: Future[T] = self.libvirt.executor.submit(self.libvirt.call_sync, step, fn)
        except RuntimeError:  # the executor is shut down: the daemon is stopping
            self._libvirt_threads.release()
            raise
        # Released when the thread is done with the call, not when the job stops waiting.
        future.add_done_callback(lambda _f: self._release_soon(loop))
        return await asyncio.wrap_future(future)

    def _release_soon(self, loop: asyncio.AbstractEventLoop) -> None:
        # RuntimeError: the loop is closed; nobody waits for the thread any more.
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(self._libvirt_threads.release)

    def _start_queued(self) -> None:
        while self._queue and self._running < self.limits.max_running and not self._closed:
            job = self._queue.popleft()
            self._running += 1
            job.state = JobState.RUNNING
            coalescer = ProgressCoalescer(
                functools.partial(self._progress, job), self.limits.progress_interval_s, self._clock
            )
            job.context = JobContext(job.id, self, coalescer)
            self._tell(job.report())
            job.task = asyncio.create_task(job.work(job.context), name=f"job {job.id}")
            job.task.add_done_callback(functools.partial(self._on_done, job, coalescer))

    def _progress(self, job: Job, progress: Progress) -> None:
        # A report made after the outcome (by a task the job left behind) would reopen it.
        if job.state is JobState.RUNNING:
            self._tell(JobReport(job.id, job.state, progress))

    def _on_done(self, job: Job, coalescer: ProgressCoalescer, task: asyncio.Task[None]) -> None:
        self._running -= 1
        coalescer.flush()  # the last progress always arrives, before the outcome
        if task.cancelled():
            self._finish(job, JobState.CANCELLED)
        elif (error := task.exception()) is not None:
            log.warning("job %s failed", job.id, exc_info=error)
            self._finish(job, JobState.FAILED, str(error) or type(error).__name__)
        else:
            self._finish(job, JobState.SUCCEEDED)
        self._start_queued()

    def _finish(self, job: Job, state: JobState, error: str = "") -> None:
        job.state = state
        del self._jobs[job.id]
        report = job.report(error)
        job.resolve(report)
        self._tell(report)

    def _tell(self, report: JobReport) -> None:
        try:
            self._listener(report)
        except Exception:
            # The listener's own bug must not stop the runner or lose other jobs' reports.
            log.exception("the job listener failed on %s", report)

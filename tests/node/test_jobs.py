"""The node's job runner: bounded concurrency, cancellation, failures, coalesced progress,
close(), and the daemon's one libvirt executor (real test-driver connections).

Real asyncio throughout; jobs are sequenced with events and futures, never with sleeps.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import threading
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import libvirt
import pytest

from node_daemon.job_limits import JobLimits
from node_daemon.job_progress import Progress
from node_daemon.jobs import JobContext, JobReport, JobRunner, JobRunnerClosed, JobState
from node_daemon.libvirt_conn import LIBVIRT_WORKERS, LibvirtConnection

# A worker thread blocked on a gate gives up after this long, so a broken test fails instead of
# hanging; the gates are always opened well before.
GATE_TIMEOUT_S = 30.0


class Recorder:
    """The runner's listener: every report, in order."""

    def __init__(self) -> None:
        self.reports: list[JobReport] = []
        self._waiters: list[tuple[Callable[[JobReport], bool], asyncio.Future[None]]] = []

    def __call__(self, report: JobReport) -> None:
        self.reports.append(report)
        for wanted, arrived in self._waiters:
            if wanted(report) and not arrived.done():
                arrived.set_result(None)

    async def until(self, wanted: Callable[[JobReport], bool]) -> None:
        """Return once a report ``wanted`` accepts arrives."""
        arrived = asyncio.get_running_loop().create_future()
        self._waiters.append((wanted, arrived))
        await arrived

    def of(self, job_id: str) -> list[JobReport]:
        return [report for report in self.reports if report.job_id == job_id]

    def states(self, job_id: str) -> list[JobState]:
        states: list[JobState] = []
        for report in self.of(job_id):
            if not states or states[-1] != report.state:
                states.append(report.state)
        return states


class Gated:
    """A job that says when it started, waits for ``release``, and records its cleanup."""

    def __init__(self, started_order: list[str] | None = None) -> None:
        self.started = asyncio.Event()
        self.release = asyncio.Event()
        self.cleaned_up = False
        self._order = started_order

    async def __call__(self, ctx: JobContext) -> None:
        if self._order is not None:
            self._order.append(ctx.job_id)
        self.started.set()
        try:
            await self.release.wait()
        finally:
            await asyncio.sleep(0)  # a cleanup may await (removing a partial volume does)
            self.cleaned_up = True


def run(
    test: Callable[[JobRunner, Recorder], Coroutine[Any, Any, None]],
    uri: str,
    limits: JobLimits | None = None,
    clock: Callable[[], float] | None = None,
) -> None:
    async def main() -> None:
        connection = LibvirtConnection(uri)
        recorder = Recorder()
        runner = JobRunner(connection, recorder, limits or JobLimits(), clock)
        try:
            await test(runner, recorder)
        finally:
            await runner.close()
            await connection.close()

    asyncio.run(main())


def test_jobs_beyond_the_limit_wait_queued_and_start_in_order(host_uri: str) -> None:
    async def test(runner: JobRunner, recorder: Recorder) -> None:
        order: list[str] = []
        gates = {name: Gated(order) for name in ("a", "b", "c", "d")}
        jobs = {name: runner.submit(gate, job_id=name) for name, gate in gates.items()}
        await gates["a"].started.wait()
        await gates["b"].started.wait()
        assert [jobs[n].state for n in "abcd"] == [JobState.RUNNING] * 2 + [JobState.QUEUED] * 2
        assert order == ["a", "b"]

        gates["b"].release.set()
        assert (await jobs["b"].wait()).state is JobState.SUCCEEDED
        await gates["c"].started.wait()
        assert jobs["d"].state is JobState.QUEUED
        assert order == ["a", "b", "c"]

        for name in "acd":
            gates[name].release.set()
        assert [(await jobs[n].wait()).state for n in "acd"] == [JobState.SUCCEEDED] * 3
        assert order == ["a", "b", "c", "d"]
        assert recorder.states("d") == [JobState.QUEUED, JobState.RUNNING, JobState.SUCCEEDED]

    run(test, host_uri, JobLimits(max_running=2))


def test_cancel_a_queued_job_and_a_running_one(host_uri: str) -> None:
    async def test(runner: JobRunner, recorder: Recorder) -> None:
        first, second, third = Gated(), Gated(), Gated()
        running = runner.submit(first)
        queued = runner.submit(second)
        last = runner.submit(third)
        await first.started.wait()

        # Queued: dropped, never started.
        assert runner.cancel(queued.id)
        report = await queued.wait()
        assert (report.state, report.error) == (JobState.CANCELLED, "")
        assert not second.started.is_set()
        assert runner.get(queued.id) is None
        assert not runner.cancel(queued.id)  # finished jobs are forgotten
        assert recorder.states(queued.id) == [JobState.QUEUED, JobState.CANCELLED]

        # Running: CancelledError at its await, its cleanup ran, then CANCELLED.
        assert runner.cancel(running.id)
        assert (await running.wait()).state is JobState.CANCELLED
        assert first.cleaned_up
        assert recorder.states(running.id) == [
            JobState.QUEUED,
            JobState.RUNNING,
            JobState.CANCELLED,
        ]

        # Its place went to the next job.
        await third.started.wait()
        third.release.set()
        assert (await last.wait()).state is JobState.SUCCEEDED

    run(test, host_uri, JobLimits(max_running=1))


def test_a_failing_job_is_failed_with_its_text_and_the_queue_moves_on(host_uri: str) -> None:
    async def broken(ctx: JobContext) -> None:
        ctx.progress(3, 10, "extracting")
        await asyncio.sleep(0)
        raise ValueError("disk file vm-disk1.vmdk named in the OVF is not in the archive")

    async def test(runner: JobRunner, recorder: Recorder) -> None:
        gate = Gated()
        failed = runner.submit(broken)
        next_job = runner.submit(gate)
        report = await failed.wait()
        assert report.state is JobState.FAILED
        assert report.error == "disk file vm-disk1.vmdk named in the OVF is not in the archive"
        assert report.progress == Progress(3, 10, "extracting")  # where it stopped
        assert recorder.of(failed.id)[-1] == report
        await gate.started.wait()
        gate.release.set()
        assert (await next_job.wait()).state is JobState.SUCCEEDED

    run(test, host_uri, JobLimits(max_running=1))


def test_a_libvirt_error_in_a_job_fails_it_with_the_step_and_libvirts_text(
    host_uri: str,
) -> None:
    async def missing_pool(ctx: JobContext) -> None:
        await ctx.libvirt("looking up pool nope", lambda c: c.storagePoolLookupByName("nope"))

    async def test(runner: JobRunner, recorder: Recorder) -> None:
        report = await runner.submit(missing_pool).wait()
        assert report.state is JobState.FAILED
        assert report.error.startswith("looking up pool nope failed: Storage pool not found")

    run(test, host_uri)


class FrozenClock:
    """A clock that moves only when told (the coalescing interval, without waiting)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def progress_of(recorder: Recorder, job_id: str) -> list[Progress]:
    return [
        r.progress
        for r in recorder.of(job_id)
        if r.state is JobState.RUNNING and r.progress is not None
    ]


def test_ten_thousand_progress_reports_reach_the_listener_as_a_handful(host_uri: str) -> None:
    chunks = 10_000

    contexts: list[JobContext] = []

    async def upload(ctx: JobContext) -> None:
        contexts.append(ctx)
        for done in range(1, chunks + 1):
            ctx.progress(done, chunks, "uploading")
            if done % 1000 == 0:
                await asyncio.sleep(0)  # the loop turns, as between real chunks

    async def test(runner: JobRunner, recorder: Recorder) -> None:
        report = await runner.submit(upload, job_id="up").wait()
        assert report.state is JobState.SUCCEEDED
        # The clock did not move: the first report, then the last one when the job ended.
        assert progress_of(recorder, "up") == [
            Progress(1, chunks, "uploading"),
            Progress(chunks, chunks, "uploading"),
        ]
        assert report.progress == Progress(chunks, chunks, "uploading")
        # A report made after the outcome (by something the job left behind) is not passed on.
        contexts[0].progress(0, 1, "a new step, passed on at once while running")
        assert recorder.of("up")[-1] == report

    run(test, host_uri, clock=FrozenClock())


def test_progress_passes_once_per_interval_and_at_once_on_a_new_step(host_uri: str) -> None:
    clock = FrozenClock()
    interval = JobLimits().progress_interval_s

    async def test(runner: JobRunner, recorder: Recorder) -> None:
        steps = asyncio.Event()
        reported = asyncio.Event()

        async def import_ova(ctx: JobContext) -> None:
            ctx.progress(1, 10, "extracting")  # the first: at once
            ctx.progress(2, 10, "extracting")  # held
            clock.now += interval
            ctx.progress(3, 10, "extracting")  # an interval later: at once, 2 is superseded
            ctx.progress(4, 10, "extracting")  # held, then passed on before the new step
            ctx.progress(0, 5, "verifying")  # a new step: at once
            reported.set()
            await steps.wait()

        job = runner.submit(import_ova, job_id="ova")
        await reported.wait()
        assert progress_of(recorder, "ova") == [
            Progress(1, 10, "extracting"),
            Progress(3, 10, "extracting"),
            Progress(4, 10, "extracting"),
            Progress(0, 5, "verifying"),
        ]
        steps.set()
        assert (await job.wait()).state is JobState.SUCCEEDED

    run(test, host_uri, clock=clock)


def test_a_held_report_is_passed_on_when_its_interval_ends(host_uri: str) -> None:
    async def test(runner: JobRunner, recorder: Recorder) -> None:
        finish = asyncio.Event()

        async def download(ctx: JobContext) -> None:
            ctx.progress(1, 2, "downloading")
            ctx.progress(2, 2, "downloading")  # held until the interval's timer
            await finish.wait()

        job = runner.submit(download)
        # While the job still runs: the timer passed it on.
        await recorder.until(lambda report: report.progress == Progress(2, 2, "downloading"))
        assert job.state is JobState.RUNNING
        finish.set()
        await job.wait()

    run(test, host_uri, JobLimits(progress_interval_s=0.01))


def test_close_cancels_every_job_and_waits_for_their_cleanups(host_uri: str) -> None:
    async def test(runner: JobRunner, recorder: Recorder) -> None:
        gates = [Gated(), Gated(), Gated()]
        jobs = [runner.submit(gate) for gate in gates]
        await gates[0].started.wait()
        await gates[1].started.wait()
        await runner.close()
        # Finished when close() returns, not later.
        assert [job.state for job in jobs] == [JobState.CANCELLED] * 3
        assert [gate.cleaned_up for gate in gates] == [True, True, False]
        assert not gates[2].started.is_set()
        with pytest.raises(JobRunnerClosed):
            runner.submit(Gated())

    run(test, host_uri, JobLimits(max_running=2))


def test_close_gives_up_on_a_job_that_ignores_cancellation(host_uri: str) -> None:
    async def test(runner: JobRunner, recorder: Recorder) -> None:
        started = asyncio.Event()
        let_go = asyncio.Event()

        async def stubborn(ctx: JobContext) -> None:
            started.set()
            while not let_go.is_set():
                with contextlib.suppress(asyncio.CancelledError):
                    await let_go.wait()

        job = runner.submit(stubborn)
        await started.wait()
        await runner.close()  # returns after its bound although the job still runs
        assert job.state is JobState.RUNNING
        let_go.set()
        assert (await job.wait()).state is JobState.SUCCEEDED

    run(test, host_uri, JobLimits(close_timeout_s=0.05))


class CountingExecutor(ThreadPoolExecutor):
    """The daemon's libvirt executor, counting what is submitted to it."""

    def __init__(self) -> None:
        super().__init__(LIBVIRT_WORKERS, thread_name_prefix="libvirt")
        self.submitted = 0

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Any:
        self.submitted += 1
        return super().submit(fn, *args, **kwargs)


def test_jobs_and_the_daemon_share_one_libvirt_executor(host_uri: str) -> None:
    async def main() -> None:
        connection = LibvirtConnection(host_uri)
        connection.executor.shutdown()
        executor = connection.executor = CountingExecutor()
        runner = JobRunner(connection, Recorder())
        threads: list[str] = []

        def host_name(conn: libvirt.virConnect) -> str:
            threads.append(threading.current_thread().name)
            return conn.getHostname()

        async def job(ctx: JobContext) -> None:
            assert await ctx.libvirt("reading the host name", host_name)

        assert await connection.call("reading the host name", host_name)
        assert executor.submitted == 1
        assert (await runner.submit(job).wait()).state is JobState.SUCCEEDED
        assert executor.submitted == 2
        assert [name.startswith("libvirt_") for name in threads] == [True, True]
        await runner.close()
        await connection.close()

    asyncio.run(main())


class BlockingCalls:
    """libvirt calls that block their worker thread until ``gate`` opens, counted as they enter."""

    def __init__(self) -> None:
        self.loop = asyncio.get_running_loop()
        self.gate = threading.Event()
        self.entered: list[str] = []
        self._entries = asyncio.Condition()

    async def job(self, ctx: JobContext) -> None:
        await ctx.libvirt("uploading", functools.partial(self._block, ctx.job_id))

    def _block(self, job_id: str, conn: libvirt.virConnect) -> None:
        self.loop.call_soon_threadsafe(self._enter, job_id)
        assert self.gate.wait(GATE_TIMEOUT_S)

    def _enter(self, job_id: str) -> None:
        self.entered.append(job_id)
        self.loop.create_task(self._notify())

    async def _notify(self) -> None:
        async with self._entries:
            self._entries.notify_all()

    async def until_entered(self, count: int) -> None:
        async with self._entries:
            await self._entries.wait_for(lambda: len(self.entered) >= count)


async def host_name(runner: JobRunner) -> str:
    """The daemon's own libvirt call, as an RPC makes it."""
    return await runner.libvirt.call("reading the host name", lambda c: c.getHostname())


def test_a_burst_of_jobs_leaves_the_daemon_libvirt_threads(host_uri: str) -> None:
    async def test(runner: JobRunner, recorder: Recorder) -> None:
        calls = BlockingCalls()
        jobs = [runner.submit(calls.job) for _ in range(4)]
        await calls.until_entered(2)
        # Two jobs hold their two threads; the daemon's own call still gets one.
        assert await host_name(runner)
        assert all(job.state is JobState.RUNNING for job in jobs)
        assert len(calls.entered) == 2  # the others wait for a job thread, not in the executor
        calls.gate.set()
        assert [(await job.wait()).state for job in jobs] == [JobState.SUCCEEDED] * 4
        assert len(calls.entered) == 4

    run(test, host_uri, JobLimits(max_running=4, libvirt_threads=2))


def test_a_cancelled_job_holds_its_libvirt_thread_until_the_call_returns(host_uri: str) -> None:
    async def test(runner: JobRunner, recorder: Recorder) -> None:
        calls = BlockingCalls()
        first = runner.submit(calls.job, job_id="first")
        await calls.until_entered(1)
        runner.cancel(first.id)
        assert (await first.wait()).state is JobState.CANCELLED  # at once, the thread still busy
        second = runner.submit(calls.job, job_id="second")
        assert await host_name(runner)
        assert second.state is JobState.RUNNING
        assert calls.entered == ["first"]  # its call waits for the cancelled job's thread
        calls.gate.set()
        await calls.until_entered(2)
        assert (await second.wait()).state is JobState.SUCCEEDED

    run(test, host_uri, JobLimits(libvirt_threads=1))


def test_a_failing_listener_does_not_stop_the_runner(host_uri: str) -> None:
    async def main() -> None:
        connection = LibvirtConnection(host_uri)
        heard: list[JobState] = []

        def listener(report: JobReport) -> None:
            heard.append(report.state)
            raise RuntimeError("the coordinator link is down")

        runner = JobRunner(connection, listener)
        gate = Gated()
        job = runner.submit(gate)
        await gate.started.wait()
        gate.release.set()
        assert (await job.wait()).state is JobState.SUCCEEDED
        assert heard == [JobState.QUEUED, JobState.RUNNING, JobState.SUCCEEDED]
        await runner.close()
        await connection.close()

    asyncio.run(main())


@pytest.mark.parametrize(
    "limits",
    [
        {"max_running": 0},
        {"libvirt_threads": 0},
        {"libvirt_threads": LIBVIRT_WORKERS},  # none left for the daemon
        {"progress_interval_s": -1.0},
        {"close_timeout_s": -1.0},
    ],
)
def test_limits_that_cannot_work_are_refused(limits: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        JobLimits(**limits)

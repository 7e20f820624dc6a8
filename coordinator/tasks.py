"""The coordinator's tasks: long work with its progress, stored through the inventory (so in
SQLite and on Watch), its publishes coalesced by domain.tasks' rule.

Managers call ``start`` and ``finish``; nodes report progress (``report``); users cancel.
The latest state of a running task is kept here and published at most PUBLISHES_PER_SECOND
times a second; a phase change or a finish is published at once, and a held state is always
published when its delay is over, so Watch ends on the exact last value.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from coordinator.inventory import Inventory
from coordinator.realize import HostRoute
from domain.limits import validate_text
from domain.tasks import (
    FINISHED,
    MESSAGE_MAX,
    STEP_MAX,
    TASK_ID_LENGTH,
    RateWindow,
    TaskKind,
    TaskPhase,
    TaskRefused,
    cancel_refusal,
    check_progress,
    check_transition,
    eta_seconds,
    publish_delay,
)
from proto.quantix.v1 import coordinator_pb2 as pb
from wire.image_codec import TASK_KIND_TO_PB as KINDS
from wire.image_codec import TASK_PHASE_OF as PHASE_OF
from wire.image_codec import TASK_PHASE_TO_PB as PHASES

log = logging.getLogger(__name__)

KIND = pb.OBJECT_KIND_TASK

# Finished tasks kept: the last 1,000. Every console receives every task in its Watch snapshot,
# so the history must stay bounded (~1,000 x a few hundred bytes); 1,000 covers days of an
# admin's uploads and imports, and older ones live on in the audit log.
HISTORY = 1000

RESTARTED = "coordinator restarted while it ran"
# How a cancel is recorded on the task until its host confirms; managers read who asked from it.
CANCEL_ASKED = "cancel asked by "


CancelHook = Callable[[pb.Task], None]
# Told of every task that finished, however it finished (a node's report, a cancel while its
# host is offline, a restart), after the change is stored: managers keep their objects in step.
FinishListener = Callable[[pb.Task], None]


def new_task_id() -> str:
    return secrets.token_hex(TASK_ID_LENGTH // 2)


class UnknownTask(LookupError):
    def __init__(self, task_id: str) -> None:
        super().__init__(f"no task with id {task_id!r}")


class NotTheTasksHost(PermissionError):
    """A node reported a task another host runs."""


@dataclass
class _Live:
    """What the registry keeps of an unfinished task beside its stored state."""

    task: pb.Task  # the latest state, possibly not yet published
    window: RateWindow = field(default_factory=RateWindow)
    last_published: float | None = None
    flush: asyncio.TimerHandle | None = None
    on_cancel: CancelHook | None = None


class TaskRegistry:
    def __init__(
        self,
        inventory: Inventory,
        route: Callable[[str], HostRoute | None],
        clock: Callable[[], float] = time.time,
        monotonic: Callable[[], float] = time.monotonic,
        history: int = HISTORY,
    ) -> None:
        self._inventory = inventory
        self._route = route
        self._clock = clock
        self._monotonic = monotonic
        self._history = history
        self._live: dict[str, _Live] = {}
        self._finish_listeners: list[FinishListener] = []

    def on_finish(self, listener: FinishListener) -> None:
        self._finish_listeners.append(listener)

    # --- reading -----------------------------------------------------------------------------

    def get(self, task_id: str) -> pb.Task:
        live = self._live.get(task_id)
        if live is not None:
            return live.task
        task = self._inventory.get(KIND, task_id)
        if not isinstance(task, pb.Task):
            raise UnknownTask(task_id)
        return task

    def list(self) -> list[pb.Task]:
        """Every task kept, with running ones' latest state."""
        return [self.get(task.id) for task in self._stored()]

    def _stored(self) -> list[pb.Task]:
        return [task for task in self._inventory.list(KIND) if isinstance(task, pb.Task)]

    # --- the managers' API -------------------------------------------------------------------

    def start(
        self,
        kind: TaskKind,
        object_name: str,
        host: str,
        pool: str,
        started_by: str,
        total: int = 0,
        on_cancel: CancelHook | None = None,
        task_id: str = "",
    ) -> pb.Task:
        """A new QUEUED task; ``on_cancel`` is called when a user cancels it (the caller stops
        the work on the host, which then reports CANCELLED). ``task_id``: one the caller made
        with ``new_task_id`` (it told the host before the task existed)."""
        check_progress(0, total)
        task = pb.Task(
            id=task_id or new_task_id(),
            kind=KINDS[kind],  # type: ignore[arg-type]
            object_name=object_name,
            pool=pool,
            host=host,
            phase=pb.TASK_PHASE_QUEUED,
            bytes_total=total,
            started_by=started_by,
        )
        now = self._clock()
        task.created_at.FromNanoseconds(int(now * 1e9))
        task.updated_at.CopyFrom(task.created_at)
        self._live[task.id] = _Live(task, on_cancel=on_cancel)
        self._publish(task.id)
        log.info("task started", extra={"task": task.id, "host": host, "object": object_name})
        return task

    def finish(self, task_id: str, phase: TaskPhase, message: str = "") -> pb.Task:
        """Mark a task SUCCEEDED, FAILED or CANCELLED (published at once)."""
        if phase not in FINISHED:
            raise ValueError(f"{phase} is not a finish")
        return self._change(task_id, phase, message=message)

    def report(
        self,
        host: str,
        task_id: str,
        phase: TaskPhase | None,
        step: str,
        bytes_done: int,
        bytes_total: int,
        message: str = "",
    ) -> bool:
        """A node's report on a task of its own host; True when the node should stop the work
        (a cancel is under way)."""
        validate_text(step, "step", STEP_MAX)
        validate_text(message, "message", MESSAGE_MAX)
        try:
            task = self.get(task_id)
        except UnknownTask:
            return True  # forgotten here (pruned, or a database replaced): nobody wants it
        if task.host != host:
            raise NotTheTasksHost(f"task {task_id} runs on {task.host}, not on {host}")
        if phase in (TaskPhase.QUEUED, TaskPhase.CANCELLING):
            raise TaskRefused("a node reports RUNNING or how the task finished")
        current = PHASE_OF[task.phase]
        if current in FINISHED:
            # Ended here without its host (failed at a restart, cancelled while the host was
            # away, never started in time): whatever still runs there is stopped, not kept.
            return True
        if phase is TaskPhase.RUNNING and current is TaskPhase.CANCELLING:
            phase = None  # still stopping: it stays CANCELLING
        if phase in FINISHED and not step and not bytes_done:
            # An end without figures (a restarted daemon's account of a job its previous run
            # left): the last figures stay, so "stopped at" says how far it really got.
            self._change(task_id, phase, message=message)
        else:
            self._change(
                task_id,
                phase or current,
                step=step,
                bytes_done=bytes_done,
                bytes_total=bytes_total or task.bytes_total,
                message=message,
            )
        return current is TaskPhase.CANCELLING

    def cancel(self, task_id: str, by: str) -> pb.Task:
        """Ask for a task to stop. Its host offline or gone: FAILED at once, with the reason
        (nothing can stop it there now). Otherwise CANCELLING, and the cancel hook is called."""
        task = self.get(task_id)
        refusal = cancel_refusal(task_id, PHASE_OF[task.phase])
        if refusal is not None:
            raise TaskRefused(refusal)
        route = self._route(task.host)
        if route is None or route.offline:
            state = "is no longer in the fleet" if route is None else "is offline"
            return self._change(
                task_id,
                TaskPhase.FAILED,
                message=f"cancelled by {by} while {task.host} {state}: "
                "whatever it had done there is left as it was",
            )
        task = self._change(task_id, TaskPhase.CANCELLING, message=f"{CANCEL_ASKED}{by}")
        hook = self._live[task_id].on_cancel
        if hook is not None:
            try:
                hook(task)
            except Exception:
                log.exception("task cancel hook failed", extra={"task": task_id})
        return task

    def host_gone(self, host: str, why: str) -> None:
        """A host went offline or was removed: tasks being cancelled there will never confirm."""
        for task_id, live in list(self._live.items()):
            if live.task.host == host and live.task.phase == pb.TASK_PHASE_CANCELLING:
                self._change(task_id, TaskPhase.FAILED, message=f"cancelled, but {host} {why}")

    # NodeListener
    def node_online(self, node: pb.Node) -> None:
        pass

    def node_offline(self, node: pb.Node) -> None:
        self.host_gone(node.name, "went offline before it confirmed")

    def recover(self) -> list[str]:
        """At start: tasks a previous run left unfinished are FAILED (nothing would ever
        finish them). Returns their ids."""
        failed = []
        for task in self._stored():
            if PHASE_OF.get(task.phase) not in FINISHED:
                self._live[task.id] = _Live(pb.Task())
                self._live[task.id].task.CopyFrom(task)
                self._change(task.id, TaskPhase.FAILED, message=RESTARTED)
                failed.append(task.id)
        if failed:
            log.warning("unfinished tasks failed at start", extra={"tasks": failed})
        return failed

    def close(self) -> None:
        """Publish every held state (a stopping coordinator keeps the last values)."""
        for task_id, live in list(self._live.items()):
            if live.flush is not None:
                live.flush.cancel()
                self._publish(task_id)

    # --- changes and publishing --------------------------------------------------------------

    def _change(
        self,
        task_id: str,
        phase: TaskPhase,
        *,
        step: str | None = None,
        bytes_done: int | None = None,
        bytes_total: int | None = None,
        message: str | None = None,
    ) -> pb.Task:
        live = self._live.get(task_id)
        current = PHASE_OF[self.get(task_id).phase]
        check_transition(task_id, current, phase)
        assert live is not None  # only finished tasks have no live state, and they never change
        task = live.task
        done = task.bytes_done if bytes_done is None else bytes_done
        total = task.bytes_total if bytes_total is None else bytes_total
        check_progress(done, total)
        now = self._clock()
        task.phase = PHASES[phase]  # type: ignore[assignment]
        task.bytes_done, task.bytes_total = done, total
        if step is not None:
            task.step = step
        if message is not None:
            task.message = message
        task.updated_at.FromNanoseconds(int(now * 1e9))
        live.window.add(self._monotonic(), done)
        rate = live.window.rate()
        task.rate_bytes_per_second = rate or 0.0
        eta = eta_seconds(done, total, rate)
        if eta is None:
            task.ClearField("eta")
        else:
            task.eta.FromNanoseconds(int(eta * 1e9))
        finished = phase in FINISHED
        if finished:
            task.finished_at.CopyFrom(task.updated_at)
            task.ClearField("eta")
        urgent = phase is not current or finished
        delay = publish_delay(live.last_published, self._monotonic(), urgent)
        if delay == 0:
            self._publish(task_id)
        elif live.flush is None:
            loop = asyncio.get_running_loop()
            live.flush = loop.call_later(delay, self._publish, task_id)
        if finished:
            del self._live[task_id]
            self._prune()
            self._tell_finished(task)
        return task

    def _tell_finished(self, task: pb.Task) -> None:
        for listener in self._finish_listeners:
            try:
                listener(task)
            except Exception:
                log.exception("task finish listener failed", extra={"task": task.id})

    def _publish(self, task_id: str) -> None:
        live = self._live[task_id]
        if live.flush is not None:
            live.flush.cancel()
            live.flush = None
        live.last_published = self._monotonic()
        stored = pb.Task()
        stored.CopyFrom(live.task)
        self._inventory.put(KIND, task_id, stored)

    def _prune(self) -> None:
        finished = [t for t in self._stored() if PHASE_OF.get(t.phase) in FINISHED]
        if len(finished) <= self._history:
            return
        finished.sort(key=lambda t: (t.finished_at.ToNanoseconds(), t.id))
        for task in finished[: len(finished) - self._history]:
            self._inventory.remove(KIND, task.id)

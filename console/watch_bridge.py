"""Qt face of console.watch: runs a CoordinatorWatch as a task and re-emits it as signals.

The window makes its bridge before it is shown; gRPC and the stubs (console.watch) are imported
at the first ``start``, so they cost nothing until there is something to connect to.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from console.connection_state import ConnectionState, Phase
from domain.backoff import Backoff

if TYPE_CHECKING:
    from clients.channels import Endpoint
    from console.watch import CoordinatorWatch
    from proto.quantix.v1 import coordinator_pb2 as pb

log = logging.getLogger(__name__)


class WatchBridge(QObject):
    """One coordinator at a time: ``start(endpoint)`` replaces any earlier watch."""

    event_received = Signal(object)  # pb.WatchEvent
    state_changed = Signal(object)  # ConnectionState

    def __init__(self, parent: QObject | None = None, backoff: Backoff | None = None) -> None:
        super().__init__(parent)
        self._backoff = backoff
        self._watch: CoordinatorWatch | None = None
        # qasync (and asyncio) hold tasks weakly: this reference keeps the stream alive.
        self._task: asyncio.Task[None] | None = None
        self.state = ConnectionState(Phase.IDLE, "")

    @property
    def address(self) -> str:
        return self._watch.address if self._watch else ""

    @property
    def endpoint(self) -> Endpoint | None:
        return self._watch.endpoint if self._watch else None

    @property
    def last_revision(self) -> int:
        return self._watch.last_revision if self._watch else 0

    def start(self, endpoint: Endpoint) -> None:
        """Watch the coordinator at ``endpoint`` from a fresh snapshot."""
        from console.watch import CoordinatorWatch  # gRPC: imported when first needed

        self._cancel()
        watch: CoordinatorWatch

        def on_event(event: pb.WatchEvent) -> None:
            if watch is self._watch:  # a replaced watch's last events are dropped
                self.event_received.emit(event)

        def on_state(state: ConnectionState) -> None:
            if watch is self._watch:
                self._set_state(state)

        watch = CoordinatorWatch(endpoint, on_event, on_state, backoff=self._backoff)
        self._watch = watch
        self._task = asyncio.get_running_loop().create_task(
            watch.run(), name=f"watch {endpoint.address}"
        )
        self._task.add_done_callback(self._on_task_done)

    async def stop(self) -> None:
        address = self.address
        task = self._cancel()
        if task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await task
            self._set_state(ConnectionState(Phase.IDLE, address))

    def _cancel(self) -> asyncio.Task[None] | None:
        task, self._task = self._task, None
        self._watch = None
        if task is not None and not task.done():
            task.cancel()
        return task

    def _set_state(self, state: ConnectionState) -> None:
        self.state = state
        self.state_changed.emit(state)

    @staticmethod
    def _on_task_done(task: asyncio.Task[None]) -> None:
        if not task.cancelled() and task.exception() is not None:
            log.error("watch task ended", exc_info=task.exception())

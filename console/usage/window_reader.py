"""Keeps a longer range's curve read: GetUsageHistory for a graph's hosts and window, off the
GUI thread (a task on the loop, one at a time), read again once per step of the range's tier
while the graph is shown, since the coordinator's figures move no faster than that."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject, QTimer, Signal

from clients.channels import Endpoint
from console.connection import EndpointSource
from console.latest_task import LatestTask
from console.usage.usage_history import HistoryError, read_history
from console.usage.window_series import window_view
from domain.usage import tier_for_window
from proto.quantix.v1 import coordinator_pb2 as pb

log = logging.getLogger(__name__)

NOT_CONNECTED = "Not connected to a coordinator: no usage history to read."


class WindowReader(QObject):
    # SeriesView | None (None: no figures for these hosts), after every read that succeeded
    loaded = Signal(object)
    failed = Signal(str)  # which coordinator, which hosts, the cause

    def __init__(
        self, endpoint: EndpointSource, known: Callable[[str], bool], parent: QObject
    ) -> None:
        super().__init__(parent)
        self._endpoint = endpoint
        self._known = known
        self._hosts: tuple[str, ...] = ()
        self._window_s = 0.0
        self._task = LatestTask()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._read)
        self.reads = 0  # finished reads, successful or not (tests wait on it)

    @property
    def busy(self) -> bool:
        return self._task.busy

    def start(self, hosts: Sequence[str], window_s: float) -> None:
        """Read now, then once per step of the window's tier until ``stop``."""
        self._hosts = tuple(hosts)
        self._window_s = window_s
        self._timer.start(tier_for_window(window_s).step_s * 1000)
        self._read()

    def stop(self) -> None:
        self._timer.stop()
        self._task.cancel()

    def _read(self) -> None:
        endpoint = self._endpoint()
        if endpoint is None:
            self.failed.emit(NOT_CONNECTED)
            return
        self._task.start(
            self._run(endpoint, self._hosts, self._window_s), name="usage range history"
        )

    async def _run(self, endpoint: Endpoint, hosts: tuple[str, ...], window_s: float) -> None:
        replies: list[pb.GetUsageHistoryResponse] = []
        try:
            async for reply in read_history(endpoint, hosts, self._known, window_s):
                replies.append(reply)
        except HistoryError as error:
            log.warning("%s", error)
            self.reads += 1
            self.failed.emit(str(error))
            return
        self.reads += 1
        self.loaded.emit(window_view(replies, hosts, window_s))

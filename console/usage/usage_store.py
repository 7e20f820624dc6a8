"""Every host's recent CPU and memory usage in the console, for graphs and the Hosts table.

API (stable; the Hosts table, the host detail and the clusters feature read it):

- ``UsageStore(parent)`` — registered by ``console.usage.feature`` as the Watch-fed model
  ``"usage"``: a page reaches it with ``context.model("usage", UsageStore)``.
- ``latest(host) -> (cpu, memory) | None`` — the newest fractions (0..1) of a host; None when
  it has none from the last ``STALE_SLOTS`` slots (offline, or not reported yet).
- ``series(host) -> SeriesView | None`` — the last 15 minutes at 5 s (domain.usage.FINEST),
  oldest first, NaN where no sample arrived; None for a host it does not know.
- ``combined(hosts) -> SeriesView | None`` — the curve of a set of hosts (a cluster):
  domain.usage.combine weighted by logical CPUs (CPU) and memory size (memory).
- ``changed(frozenset[str])`` — the hosts whose curves changed, at most every
  ``CHANGED_INTERVAL_MS``; when the time moved to a new slot every host's curve has moved, so
  every host is in it.

Where the figures come from: ``GetUsageHistory`` when the Watch stream is (re)synced (SYNCED
ends every snapshot and every resumed replay, so a reconnect refills what was missed), then
the ``OBJECT_KIND_HOST_USAGE`` events of the same stream (a ``UsageSamples`` batch a second at
most). Host names and sizes (the weights) come from the stream's ``OBJECT_KIND_NODE`` events,
so a removed host is forgotten with its ring. Time is the coordinator's (the samples' and the
history's timestamps), never this machine's: the graphs' "now" is the newest of those.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QObject, QTimer, Signal

from clients.channels import Endpoint
from console.connection import EndpointSource, not_connected
from console.latest_task import LatestTask
from console.usage.usage_history import HistoryError, read_history
from console.usage.usage_ring import UsageRing
from domain.usage import FINEST, combine
from proto.quantix.v1 import common_pb2
from proto.quantix.v1 import coordinator_pb2 as pb

log = logging.getLogger(__name__)

# Listeners (the Hosts table, graphs) hear of changes at most this often: samples arrive in
# one batch a second (domain.usage.PUBLISH_INTERVAL_S), so a quarter of a second delays a
# graph by no more than a person notices, and a burst (a history page after another) is
# one repaint, not one per page.
CHANGED_INTERVAL_MS = 250

# A host's newest sample counts as its current usage for this many slots (15 s at 5 s): a
# host is called offline after 3 missed heartbeats, and a figure older than that is history,
# not "now".
STALE_SLOTS = 3


@dataclass(frozen=True)
class SeriesView:
    """A curve as graphs read it: value i was measured in [start_s + i*step_s, + step_s)."""

    start_s: float  # coordinator clock, seconds since the epoch
    step_s: int
    cpu: Sequence[float]  # 0..1, NaN: no sample
    memory: Sequence[float]
    source: int = common_pb2.USAGE_SOURCE_UNSPECIFIED  # of all hosts in it; else UNSPECIFIED

    @property
    def end_s(self) -> float:
        return self.start_s + len(self.cpu) * self.step_s

    def time_of(self, index: int) -> float:
        """The start of slot ``index``."""
        return self.start_s + index * self.step_s


class _HostFacts:
    """What weighs a host in a combined curve, and where its figures come from."""

    __slots__ = ("logical_cpus", "memory_bytes", "source")

    def __init__(self) -> None:
        self.logical_cpus = 0
        self.memory_bytes = 0
        self.source = common_pb2.USAGE_SOURCE_UNSPECIFIED


class UsageStore(QObject):
    changed = Signal(object)  # frozenset[str]: hosts whose curves changed
    # Reading the history failed (the text names the coordinator, hosts and cause) or
    # succeeded again (""): graphs say it next to what live samples still bring.
    problem_changed = Signal(str)

    def __init__(
        self,
        parent: QObject | None = None,
        capacity: int = FINEST.slots,
        step_s: int = FINEST.step_s,
    ) -> None:
        super().__init__(parent)
        self.capacity = capacity
        self.step_s = step_s
        self._endpoint: EndpointSource = not_connected
        self._hosts: dict[str, _HostFacts] = {}
        self._rings: dict[str, UsageRing] = {}
        self._seen_since_reset: set[str] | None = None
        self._now_s = 0.0  # the coordinator's time of the newest sample or history reply
        self._now_slot = -1
        self._history = LatestTask()
        self.problem = ""
        self.history_reads = 0  # finished reads (tests and the bench wait on it)
        self._pending: set[str] = set()
        self._all_moved = False
        self._changed_timer = QTimer(self)
        self._changed_timer.setSingleShot(True)
        self._changed_timer.setInterval(CHANGED_INTERVAL_MS)
        self._changed_timer.timeout.connect(self.flush)

    # --- the window's hooks -----------------------------------------------------------------

    def bind_endpoint(self, endpoint: EndpointSource) -> None:
        """Where the history is read from (the coordinator the window shows)."""
        self._endpoint = endpoint

    def endpoint(self) -> Endpoint | None:
        """The coordinator the window shows (None: not connected); graphs of a longer range
        read its history themselves."""
        return self._endpoint()

    def knows(self, host: str) -> bool:
        return host in self._hosts

    async def stop(self) -> None:
        await self._history.stop()

    # --- Watch events -----------------------------------------------------------------------

    def apply_event(self, event: pb.WatchEvent) -> None:
        kind = event.type
        if kind == pb.WatchEvent.TYPE_RESET:
            self._seen_since_reset = set()
        elif kind == pb.WatchEvent.TYPE_SYNCED:
            self._on_synced()
        elif event.kind == pb.OBJECT_KIND_NODE:
            self._on_node(event)
        elif event.kind == pb.OBJECT_KIND_HOST_USAGE and event.WhichOneof("object") == "usage":
            self.take_samples(event.usage)

    def clear(self) -> None:
        """Forget every host (the window shows another coordinator)."""
        self._history.cancel()
        self._pending.update(self._hosts)
        self._hosts.clear()
        self._rings.clear()
        self._seen_since_reset = None
        self._now_s, self._now_slot = 0.0, -1
        self._set_problem("")
        self._schedule()

    def _on_node(self, event: pb.WatchEvent) -> None:
        name = event.key
        if event.type == pb.WatchEvent.TYPE_REMOVED:
            self._forget(name)
            if self._seen_since_reset is not None:
                self._seen_since_reset.discard(name)
            return
        if event.WhichOneof("object") != "node":
            return
        facts = self._hosts.get(name)
        if facts is None:
            facts = self._hosts[name] = _HostFacts()
        info = event.node.host_info
        facts.logical_cpus = info.cpu.logical_cpus or facts.logical_cpus
        facts.memory_bytes = info.memory_bytes or facts.memory_bytes
        if self._seen_since_reset is not None:
            self._seen_since_reset.add(name)

    def _forget(self, name: str) -> None:
        if self._hosts.pop(name, None) is not None:
            self._rings.pop(name, None)
            self._pending.add(name)
            self._schedule()

    def _on_synced(self) -> None:
        seen, self._seen_since_reset = self._seen_since_reset, None
        if seen is not None:
            for name in [name for name in self._hosts if name not in seen]:
                self._forget(name)
        endpoint = self._endpoint()
        if endpoint is None or not self._hosts:
            return
        hosts = sorted(self._hosts)
        self._history.start(self._read_history(endpoint, hosts), name="usage history")

    # --- live samples -----------------------------------------------------------------------

    def take_samples(self, batch: pb.UsageSamples) -> None:
        """A Watch batch: each known host's sample lands in the slot of the batch's time.

        The per-sample work is a dict lookup and two stores into the host's C arrays; hosts
        this store does not know (no Node event yet) are skipped, so the rings stay bounded
        by the hosts the coordinator lists.
        """
        now_s = batch.time.seconds + batch.time.nanos / 1e9
        slot = int(now_s // self.step_s)
        self._advance_clock(now_s)
        hosts, rings, pending = self._hosts, self._rings, self._pending
        for sample in batch.samples:
            name = sample.host
            facts = hosts.get(name)
            if facts is None:
                continue
            ring = rings.get(name)
            if ring is None:
                ring = rings[name] = UsageRing(self.capacity)
            if ring.put(slot, sample.cpu, sample.memory):
                facts.source = sample.source
                facts.memory_bytes = sample.memory_total_bytes or facts.memory_bytes
                pending.add(name)
        self._schedule()

    def _advance_clock(self, now_s: float) -> None:
        if now_s <= self._now_s:
            return
        self._now_s = now_s
        slot = int(now_s // self.step_s)
        if slot != self._now_slot:
            self._now_slot = slot
            self._all_moved = True  # every curve shifts left by a slot
            self._schedule()

    # --- history ----------------------------------------------------------------------------

    async def _read_history(self, endpoint: Endpoint, hosts: list[str]) -> None:
        try:
            async for reply in read_history(endpoint, hosts, self._hosts.__contains__):
                self.merge_history(reply)
        except HistoryError as error:
            log.warning("%s", error)
            self._set_problem(str(error))
        else:
            self._set_problem("")
        self.history_reads += 1

    def merge_history(self, reply: pb.GetUsageHistoryResponse) -> None:
        """One page of GetUsageHistory: each known host's ring takes the coordinator's record
        (newer live samples stay)."""
        self._advance_clock(reply.now.seconds + reply.now.nanos / 1e9)
        for series in reply.series:
            facts = self._hosts.get(series.host)
            if facts is None:
                continue  # removed while the reply was on its way
            if series.step_seconds != self.step_s:
                log.warning(
                    "usage history of %s: step %d s, expected %d s; not shown",
                    series.host,
                    series.step_seconds,
                    self.step_s,
                )
                continue
            start_slot = round((series.start.seconds + series.start.nanos / 1e9) / self.step_s)
            ring = self._rings.get(series.host)
            if ring is None:
                ring = self._rings[series.host] = UsageRing(self.capacity)
            ring.load_history(start_slot, series.cpu, series.memory)
            facts.logical_cpus = series.logical_cpus or facts.logical_cpus
            facts.memory_bytes = series.memory_total_bytes or facts.memory_bytes
            facts.source = series.source or facts.source
            self._pending.add(series.host)
        self._schedule()

    def _set_problem(self, text: str) -> None:
        if text != self.problem:
            self.problem = text
            self.problem_changed.emit(text)

    # --- coalesced change signal ------------------------------------------------------------

    def _schedule(self) -> None:
        if not self._changed_timer.isActive() and (self._pending or self._all_moved):
            self._changed_timer.start()

    def flush(self) -> None:
        """Emit ``changed`` now with everything pending (the timer does this on its own)."""
        self._changed_timer.stop()
        hosts = set(self._pending)
        if self._all_moved:
            hosts.update(self._rings)
        self._pending.clear()
        self._all_moved = False
        if hosts:
            self.changed.emit(frozenset(hosts))

    # --- reading ----------------------------------------------------------------------------

    @property
    def now_s(self) -> float:
        """The coordinator's time of the newest figures (0: none yet)."""
        return self._now_s

    def hosts(self) -> list[str]:
        return list(self._hosts)

    def source(self, host: str) -> int:
        facts = self._hosts.get(host)
        return facts.source if facts is not None else common_pb2.USAGE_SOURCE_UNSPECIFIED

    def latest(self, host: str) -> tuple[float, float] | None:
        ring = self._rings.get(host)
        newest = ring.newest() if ring is not None else None
        if newest is None or self._now_slot - newest[0] > STALE_SLOTS:
            return None
        return newest[1], newest[2]

    def series(self, host: str) -> SeriesView | None:
        facts = self._hosts.get(host)
        if facts is None or self._now_slot < 0:
            return None
        ring = self._rings.get(host)
        if ring is None:
            ring = UsageRing(self.capacity)  # known, nothing reported yet: all gaps
        cpu, memory = ring.window(self._now_slot)
        return SeriesView(self._start_s(), self.step_s, cpu, memory, facts.source)

    def combined(self, hosts: Iterable[str]) -> SeriesView | None:
        """The weighted curve of the known ones of ``hosts``; None when it knows none."""
        known = [host for host in dict.fromkeys(hosts) if host in self._hosts]
        if not known or self._now_slot < 0:
            return None
        windows = [self._window(host) for host in known]
        facts = [self._hosts[host] for host in known]
        # A host that has not said its size yet weighs as one CPU / one byte: it still counts.
        cpu = combine([w[0] for w in windows], [max(1, f.logical_cpus) for f in facts])
        memory = combine([w[1] for w in windows], [max(1, f.memory_bytes) for f in facts])
        sources = {f.source for f in facts}
        source = sources.pop() if len(sources) == 1 else common_pb2.USAGE_SOURCE_UNSPECIFIED
        return SeriesView(self._start_s(), self.step_s, cpu, memory, source)

    def _window(self, host: str) -> tuple[Sequence[float], Sequence[float]]:
        ring = self._rings.get(host)
        if ring is None:
            nan = [math.nan] * self.capacity
            return nan, nan
        return ring.window(self._now_slot)

    def _start_s(self) -> float:
        return float((self._now_slot - self.capacity + 1) * self.step_s)

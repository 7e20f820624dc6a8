"""Each host's CPU and memory usage over time, in the fixed rings domain.usage lays out.

A host's rings are made whole at its first sample (``domain.usage.TIERS``: one ring of slots
per tier, array('f') for the CPU and memory fractions, array('H') sample counts for the running
mean of the coarse tiers, NaN where no sample came) and never grow: memory is hosts x slots
x ``BYTES_PER_SLOT`` whatever the heartbeat rate. A sample's slot is taken from the
coordinator's clock when it arrives, never the node's (nodes' clocks disagree; one clock keeps
every host's slots aligned for a cluster's curve).

Not persisted: after a coordinator restart every graph starts empty. Usage is a picture of the
recent past that nothing decides on later; it refills at the heartbeat rate (a 15-minute graph
is whole again 15 minutes after the restart), and writing a sample per host every 5 s would
cost SQLite far more than every other change of the inventory together.

Live samples go to a ``UsagePublisher`` (coordinator.usage_watch), which puts them on Watch.
"""

from __future__ import annotations

import math
import time
from array import array
from collections.abc import Callable, Iterable

from coordinator.usage_watch import UsageListener, UsagePublisher
from domain.usage import TIERS, Tier, tier_for_window
from proto.quantix.v1 import common_pb2
from proto.quantix.v1 import coordinator_pb2 as pb
from wire.proto_time import timestamp_of

NAN = math.nan
# A coarse slot's count stops here (array('H')); the mean then leans a little more on later
# samples, which only a heartbeat faster than 0.005 s could reach in a 5-minute slot.
MAX_COUNT = 0xFFFF


class _Ring:
    """One tier of one host: the fractions per slot, slot ``n`` (time // step) at index
    ``n % slots``; ``newest`` is the newest slot written (-1: none yet)."""

    __slots__ = ("counts", "cpu", "memory", "newest", "tier")

    def __init__(self, tier: Tier, averaged: bool) -> None:
        self.tier = tier
        self.cpu = array("f", [NAN]) * tier.slots
        self.memory = array("f", [NAN]) * tier.slots
        # The finest tier keeps a slot's latest sample; coarser ones the mean of their samples.
        self.counts = array("H", [0]) * tier.slots if averaged else None
        self.newest = -1

    def add(self, at: float, cpu: float, memory: float) -> None:
        # A clock stepped back puts the sample into the newest slot rather than rewrite the past.
        slot = max(int(at // self.tier.step_s), self.newest)
        index = slot % self.tier.slots
        fresh = slot > self.newest
        if fresh:
            self._clear(slot)
        if self.counts is None or fresh:
            self.cpu[index], self.memory[index] = cpu, memory
            if self.counts is not None:
                self.counts[index] = 1
            return
        count = min(self.counts[index] + 1, MAX_COUNT)
        self.counts[index] = count
        self.cpu[index] += (cpu - self.cpu[index]) / count
        self.memory[index] += (memory - self.memory[index]) / count

    def _clear(self, slot: int) -> None:
        """Slots after the newest up to ``slot`` had no sample (the host was away): NaN."""
        if self.newest >= 0:
            for n in range(max(self.newest + 1, slot - self.tier.slots + 1), slot + 1):
                index = n % self.tier.slots
                self.cpu[index] = self.memory[index] = NAN
                if self.counts is not None:
                    self.counts[index] = 0
        self.newest = slot

    def values(self, first: int, count: int) -> tuple[list[float], list[float]]:
        """The fractions of slots ``first`` .. ``first + count - 1``; NaN outside the ring."""
        oldest = self.newest - self.tier.slots + 1
        cpu, memory = [], []
        for n in range(first, first + count):
            if self.newest < 0 or not oldest <= n <= self.newest:
                cpu.append(NAN)
                memory.append(NAN)
            else:
                cpu.append(self.cpu[n % self.tier.slots])
                memory.append(self.memory[n % self.tier.slots])
        return cpu, memory

    def arrays(self) -> list[array]:  # type: ignore[type-arg]
        return [a for a in (self.cpu, self.memory, self.counts) if a is not None]


class _Host:
    __slots__ = ("current", "latest", "rings")

    def __init__(self) -> None:
        self.rings = [_Ring(tier, averaged=i > 0) for i, tier in enumerate(TIERS)]
        self.latest = pb.HostUsageSample()
        # Whether ``latest`` is the host's load now: a heartbeat without usage ends that.
        self.current = False


class UsageHistory:
    def __init__(
        self, publisher: UsagePublisher | None = None, clock: Callable[[], float] = time.time
    ) -> None:
        self._publisher = publisher
        self._clock = clock
        self._hosts: dict[str, _Host] = {}

    def now(self) -> float:
        return self._clock()

    def add_listener(self, listener: UsageListener) -> None:
        """``listener(hosts)`` after each publish of live samples, with the hosts they came
        from: e.g. cluster status, which reads ``latest``."""
        if self._publisher is not None:
            self._publisher.add_listener(listener)

    def record(self, host: str, usage: common_pb2.HostUsage) -> None:
        """A heartbeat's usage (checked before: domain.usage.validate_sample), at the
        coordinator's clock now."""
        at = self._clock()
        cpu = usage.cpu_fraction
        memory = usage.memory_used_bytes / usage.memory_total_bytes
        entry = self._hosts.get(host)
        if entry is None:
            entry = self._hosts[host] = _Host()
        for ring in entry.rings:
            ring.add(at, cpu, memory)
        sample = pb.HostUsageSample(
            host=host,
            cpu=cpu,
            memory=memory,
            memory_total_bytes=usage.memory_total_bytes,
            source=usage.source,
        )
        entry.latest = sample
        entry.current = True
        if self._publisher is not None:
            self._publisher.add(sample, at)

    def unread(self, host: str) -> None:
        """A heartbeat came without usage (the node could not read it, or its reading was
        refused): the last figures are no longer the host's load, so what follows ``latest``
        (a cluster WARNING for a host above 90 %) is told at once rather than kept on them."""
        entry = self._hosts.get(host)
        if entry is None or not entry.current:
            return
        entry.current = False
        if self._publisher is not None:
            self._publisher.tell([host])

    def latest(self, host: str) -> tuple[float, float] | None:
        """The host's newest (CPU, memory) fractions, whenever they came (a host that went
        offline keeps its last); None before its first sample, and after a heartbeat that
        carried none."""
        entry = self._hosts.get(host)
        if entry is None or not entry.current:
            return None
        return entry.latest.cpu, entry.latest.memory

    def forget(self, host: str) -> None:
        """A removed host: its history goes (a host registered again under the name starts
        empty), and so does a sample of it not yet published."""
        self._hosts.pop(host, None)
        if self._publisher is not None:
            self._publisher.forget(host)

    def series(
        self, hosts: Iterable[str], window_s: float, now: float | None = None
    ) -> list[pb.UsageSeries]:
        """Each host's values over the last ``window_s`` (checked before:
        domain.usage.validate_window) at the tier that covers it, ending with the slot of
        ``now``; a host with no sample yet is all NaN."""
        tier = tier_for_window(window_s)
        count = min(tier.slots, max(1, math.ceil(window_s / tier.step_s)))
        last = int((self._clock() if now is None else now) // tier.step_s)
        first = last - count + 1
        start = timestamp_of(first * tier.step_s)
        result = []
        for host in hosts:
            entry = self._hosts.get(host)
            series = pb.UsageSeries(host=host, start=start, step_seconds=tier.step_s)
            if entry is None:
                series.cpu.extend([NAN] * count)
                series.memory.extend([NAN] * count)
            else:
                ring = entry.rings[TIERS.index(tier)]
                cpu, memory = ring.values(first, count)
                series.cpu.extend(cpu)
                series.memory.extend(memory)
                series.memory_total_bytes = entry.latest.memory_total_bytes
                series.source = entry.latest.source
            result.append(series)
        return result

    def held_bytes(self) -> int:
        """The rings' bytes (array buffers): what the bound promises, for tests and the bench."""
        return sum(
            a.buffer_info()[1] * a.itemsize
            for entry in self._hosts.values()
            for ring in entry.rings
            for a in ring.arrays()
        )

"""The coordinator's usage history on its own clock (simulated here: hours of samples in a
moment): slots, tiers, gaps, running means, the memory bound, forgetting a host."""

from __future__ import annotations

import asyncio
import math
import sys
import tracemalloc

import pytest

from coordinator.usage_history import UsageHistory
from coordinator.usage_watch import UsagePublisher
from coordinator.watch import WatchHub
from domain.usage import FINEST, PUBLISH_INTERVAL_S, TIERS, estimated_bytes
from proto.quantix.v1 import common_pb2 as cpb

GiB = 1 << 30
# A moment on a 24-hour boundary, so every tier's slots start together.
T0 = 1_800_000_000.0 - 1_800_000_000.0 % 86400


class Clock:
    def __init__(self, now: float = T0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def usage(cpu: float, used_gib: float = 4, total_gib: int = 16) -> cpb.HostUsage:
    return cpb.HostUsage(
        cpu_fraction=cpu,
        memory_used_bytes=int(used_gib * GiB),
        memory_total_bytes=total_gib * GiB,
        source=cpb.USAGE_SOURCE_KERNEL,
    )


def known(values) -> list[float]:
    return [round(v, 4) for v in values if not math.isnan(v)]


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def history(clock: Clock) -> UsageHistory:
    return UsageHistory(clock=clock)


def test_a_sample_lands_in_the_slot_of_the_coordinators_clock(history, clock):
    history.record("host-a", usage(0.25, used_gib=4))
    clock.now += FINEST.step_s
    history.record("host-a", usage(0.5, used_gib=8))

    [series] = history.series(["host-a"], 60)

    assert series.step_seconds == 5
    assert len(series.cpu) == 12  # 60 s at 5 s
    # The window ends with the slot of now: the two samples are its last two values.
    assert series.cpu[-2:] == [0.25, 0.5]
    assert series.memory[-2:] == [0.25, 0.5]
    assert all(math.isnan(v) for v in series.cpu[:-2])
    assert series.start.ToSeconds() == clock.now - 55
    assert series.memory_total_bytes == 16 * GiB
    assert series.source == cpb.USAGE_SOURCE_KERNEL
    assert history.latest("host-a") == (0.5, 0.5)


def test_a_later_sample_in_the_same_fine_slot_replaces_it_and_coarse_slots_average(history, clock):
    for cpu in (0.2, 0.4, 0.9):
        history.record("host-a", usage(cpu))
        clock.now += 1  # three heartbeats a second apart: one 5 s slot

    assert known(history.series(["host-a"], 60)[0].cpu) == [0.9]
    assert known(history.series(["host-a"], 3600)[0].cpu) == [0.5]  # 1-minute slot: the mean
    assert known(history.series(["host-a"], 86400)[0].cpu) == [0.5]  # 5-minute slot


@pytest.mark.parametrize(
    ("window_s", "step_s", "length"),
    [(0, 5, 180), (900, 5, 180), (3600, 60, 60), (6 * 3600, 60, 360), (86400, 300, 288)],
)
def test_the_tier_is_chosen_by_the_window(history, window_s, step_s, length):
    history.record("host-a", usage(0.5))
    # The RPC turns 0 into the finest span (domain.usage.validate_window) before asking.
    [series] = history.series(["host-a"], window_s or FINEST.span_s)
    assert (series.step_seconds, len(series.cpu), len(series.memory)) == (step_s, length, length)
    assert known(series.cpu) == [0.5]


def test_slots_while_a_host_was_away_are_nan(history, clock):
    history.record("host-a", usage(0.1))
    clock.now += 5
    history.record("host-a", usage(0.2))
    clock.now += 60  # away for a minute: 11 slots without a sample
    history.record("host-a", usage(0.3))

    cpu = history.series(["host-a"], 300)[0].cpu
    tail = cpu[-14:]
    assert tail[:2] == pytest.approx([0.1, 0.2])
    assert all(math.isnan(v) for v in tail[2:13])
    assert tail[13] == pytest.approx(0.3)


def test_a_gap_longer_than_a_ring_leaves_only_what_came_after(history, clock):
    history.record("host-a", usage(0.7))
    clock.now += 2 * 86400  # two days away: longer than every ring
    history.record("host-a", usage(0.1))
    for window in (900, 6 * 3600, 86400):
        assert known(history.series(["host-a"], window)[0].cpu) == [0.1]


def test_a_clock_stepped_back_does_not_rewrite_the_past(history, clock):
    history.record("host-a", usage(0.1))
    clock.now += 10
    history.record("host-a", usage(0.2))
    clock.now -= 30  # NTP stepped the coordinator's clock back
    history.record("host-a", usage(0.9))
    clock.now += 30
    assert known(history.series(["host-a"], 60)[0].cpu) == [0.1, 0.9]


def test_a_host_without_samples_is_all_nan(history):
    [series] = history.series(["host-x"], 900)
    assert len(series.cpu) == 180 and all(math.isnan(v) for v in series.cpu)
    assert history.latest("host-x") is None


def test_a_forgotten_host_starts_empty(history, clock):
    history.record("host-a", usage(0.5))
    history.forget("host-a")
    assert history.latest("host-a") is None
    assert known(history.series(["host-a"], 900)[0].cpu) == []
    assert history.held_bytes() == 0


def test_rings_stay_bounded_whatever_the_heartbeat_rate(history, clock):
    hosts = [f"host-{i}" for i in range(5)]
    for host in hosts:
        history.record(host, usage(0.5))
    held = history.held_bytes()
    sizes = _array_sizes(history)
    # The rings are made whole at the first sample: two float32 a slot, and a uint16 count a
    # coarse slot; within the estimate (which counts a uint16 for the finest slots too).
    coarse = sum(t.slots for t in TIERS[1:])
    assert held == len(hosts) * (sum(t.slots for t in TIERS) * 8 + coarse * 2)
    assert held <= estimated_bytes(len(hosts))

    tracemalloc.start()
    try:
        before, _ = tracemalloc.get_traced_memory()
        # Ten times the finest ring's capacity at a heartbeat of 0.1 s and of 10 s alike...
        for i in range(10 * FINEST.slots):
            clock.now += 0.1 if i % 2 else 9.9
            for host in hosts:
                history.record(host, usage((i % 100) / 100))
        # ...then ten times the coarsest ring's, one sample a slot (ten days).
        longest = TIERS[-1]
        for i in range(10 * longest.slots):
            clock.now += longest.step_s
            for host in hosts:
                history.record(host, usage((i % 100) / 100))
        after, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert history.held_bytes() == held
    assert _array_sizes(history) == sizes
    # What recording allocates is transient: nothing is kept after 10x the capacity.
    assert after - before < 4096, after - before
    for tier in TIERS:
        [series] = history.series(["host-0"], tier.span_s)
        assert len(series.cpu) == tier.slots
    # The coarsest ring is full of the last ten days' samples, one a slot.
    assert len(known(history.series(["host-0"], longest.span_s)[0].cpu)) == longest.slots


def _array_sizes(history: UsageHistory) -> list[int]:
    return [
        sys.getsizeof(a)
        for entry in history._hosts.values()  # the arrays themselves, measured
        for ring in entry.rings
        for a in ring.arrays()
    ]


def test_listeners_hear_which_hosts_each_publish_carried():
    """What a cluster's status follows: after each publish, the hosts whose samples it took
    (a removed host's held sample is not published)."""

    async def run() -> tuple[list[list[str]], tuple[float, float] | None]:
        heard: list[list[str]] = []
        second = asyncio.Event()

        def listener(hosts: list[str]) -> None:
            heard.append(hosts)
            if len(heard) == 2:
                second.set()

        history = UsageHistory(UsagePublisher(WatchHub(), lambda: 7))
        history.add_listener(listener)
        history.record("host-b", usage(0.1))  # the first after a quiet spell: at once
        history.record("host-a", usage(0.2))  # the rest wait for the publish interval
        history.record("host-c", usage(0.3))
        history.record("host-x", usage(0.3))
        history.record("host-a", usage(0.4))
        history.forget("host-x")
        async with asyncio.timeout(10 * PUBLISH_INTERVAL_S):
            await second.wait()
        return heard, history.latest("host-a")

    heard, latest = asyncio.run(run())

    assert heard == [["host-b"], ["host-a", "host-c"]]
    assert latest == pytest.approx((0.4, 0.25))

"""The console's usage store: live samples from Watch batches, the history read at each
(re)connect, bounded rings, a cluster's combined curve, coalesced change signals."""

from __future__ import annotations

import math

from console.usage.usage_store import CHANGED_INTERVAL_MS, STALE_SLOTS, UsageStore
from domain.usage import FINEST
from localfleet.trust import FleetTrust
from proto.quantix.v1 import common_pb2
from proto.quantix.v1 import coordinator_pb2 as pb
from tests.console.messages import event, make_node
from tests.console.scripted_usage import (
    ScriptedUsageServer,
    history_series,
    samples,
    slot_time,
)
from tests.console.scripted_watch import ScriptedWatchServer

ADDED, REMOVED = pb.WatchEvent.TYPE_ADDED, pb.WatchEvent.TYPE_REMOVED
RESET, SYNCED = pb.WatchEvent.TYPE_RESET, pb.WatchEvent.TYPE_SYNCED
NOW_SLOT = 360_000_000  # an absolute 5 s slot (in 2026): the coordinator's clock, not ours
NAN = math.nan


def store_with(*nodes: pb.Node) -> UsageStore:
    store = UsageStore()
    store.apply_event(event(RESET))
    for node in nodes:
        store.apply_event(event(ADDED, node.name, node))
    store.apply_event(event(SYNCED))
    return store


def usage_event(batch: pb.UsageSamples) -> pb.WatchEvent:
    return pb.WatchEvent(
        type=pb.WatchEvent.TYPE_UPDATED, kind=pb.OBJECT_KIND_HOST_USAGE, usage=batch
    )


def feed(store: UsageStore, slot: int, figures: dict[str, tuple[float, float]]) -> None:
    """A batch received 1 s into ``slot``."""
    store.apply_event(usage_event(samples(slot_time(slot) + 1, figures)))


def approx(values: list[float]) -> list[float]:
    return [round(v, 3) if not math.isnan(v) else v for v in values]


def same(actual: list[float], expected: list[float]) -> bool:
    """Equal to 3 decimals (float32), NaN matching NaN."""
    return len(actual) == len(expected) and all(
        (math.isnan(a) and math.isnan(b)) or round(a, 3) == round(b, 3)
        for a, b in zip(actual, expected, strict=True)
    )


def test_live_samples_land_in_their_slots_with_gaps_where_none_came(qtbot):
    store = store_with(make_node("host-a"), make_node("host-b"))
    with qtbot.waitSignal(store.changed, timeout=2_000) as changed:
        feed(store, NOW_SLOT - 3, {"host-a": (0.10, 0.50), "host-b": (0.90, 0.20)})
        feed(store, NOW_SLOT - 2, {"host-a": (0.20, 0.50)})
        feed(store, NOW_SLOT, {"host-a": (0.40, 0.55), "host-z": (1.0, 1.0)})  # z: unknown
    # One signal for the three batches (coalesced), naming every host whose curve moved.
    assert changed.args[0] == frozenset({"host-a", "host-b"})

    series = store.series("host-a")
    assert series is not None
    assert len(series.cpu) == FINEST.slots
    assert series.step_s == FINEST.step_s
    assert series.end_s == slot_time(NOW_SLOT + 1)
    assert same(list(series.cpu[-4:]), [0.10, 0.20, NAN, 0.40])
    assert same(list(series.memory[-4:]), [0.50, 0.50, NAN, 0.55])
    assert all(math.isnan(v) for v in series.cpu[:-4])  # nothing before the first sample
    assert series.source == common_pb2.USAGE_SOURCE_KERNEL
    assert approx(list(store.latest("host-a"))) == [0.4, 0.55]
    # host-b's last sample is 3 slots old: still its current figure, not any later.
    assert approx(list(store.latest("host-b"))) == [0.9, 0.2]
    feed(store, NOW_SLOT + STALE_SLOTS - 2, {"host-a": (0.4, 0.5)})
    assert store.latest("host-b") is None
    # A host the store does not know (no Node event) gets no ring and no figures.
    assert store.series("host-z") is None and store.latest("host-z") is None


def test_a_removed_host_is_forgotten_and_a_resync_drops_hosts_the_snapshot_left_out(qtbot):
    store = store_with(make_node("host-a"), make_node("host-b"), make_node("host-c"))
    feed(store, NOW_SLOT, {"host-a": (0.1, 0.1), "host-b": (0.2, 0.2), "host-c": (0.3, 0.3)})
    store.flush()
    with qtbot.waitSignal(store.changed, timeout=2_000) as changed:
        store.apply_event(event(REMOVED, "host-a"))
    assert changed.args[0] == frozenset({"host-a"})
    assert store.latest("host-a") is None and store.series("host-a") is None

    # A reconnect that starts over: the new snapshot lists host-b only.
    store.apply_event(event(RESET))
    store.apply_event(event(ADDED, "host-b", make_node("host-b")))
    store.apply_event(event(SYNCED))
    assert store.hosts() == ["host-b"]
    assert store.latest("host-c") is None
    assert approx(list(store.latest("host-b"))) == [0.2, 0.2]


def test_memory_is_bounded_feeding_ten_times_the_capacity(qtbot):
    store = store_with(make_node("host-a"))
    slots = FINEST.slots
    for i in range(10 * slots):
        feed(store, NOW_SLOT + i, {"host-a": (i % 100 / 100, 0.5)})
    ring = store._rings["host-a"]
    assert len(ring.cpu) == len(ring.memory) == slots  # the ring never grew
    series = store.series("host-a")
    assert series is not None and len(series.cpu) == slots
    # The newest 180 samples, oldest first, nothing older.
    expected = [i % 100 / 100 for i in range(9 * slots, 10 * slots)]
    assert same(list(series.cpu), expected)


def test_changed_is_emitted_at_most_every_interval(qtbot):
    store = store_with(make_node("host-a"))
    emitted: list[frozenset[str]] = []
    store.changed.connect(emitted.append)
    for i in range(50):  # a burst: 50 batches at once
        feed(store, NOW_SLOT + i, {"host-a": (0.5, 0.5)})
    assert emitted == []  # nothing yet: coalesced until the interval passes
    qtbot.waitUntil(lambda: len(emitted) == 1, timeout=CHANGED_INTERVAL_MS * 10)
    assert emitted == [frozenset({"host-a"})]


def test_a_cluster_curve_is_weighted_by_cpus_and_memory(qtbot):
    # small: 16 CPUs, 64 GiB (the size its samples report); big: 48 CPUs, 192 GiB.
    store = store_with(
        make_node("small", threads=16, memory=64 * 1024**3),
        make_node("big", threads=48, memory=192 * 1024**3),
    )
    batch = samples(slot_time(NOW_SLOT) + 1, {"small": (1.0, 1.0), "big": (0.0, 0.0)})
    batch.samples[1].memory_total_bytes = 192 * 1024**3
    store.apply_event(usage_event(batch))
    feed(store, NOW_SLOT + 1, {"small": (0.5, 0.5)})  # big missed this slot
    combined = store.combined(["small", "big", "not-a-host"])
    assert combined is not None
    # 16 of 64 CPUs busy, 64 of 256 GiB in use: 25 %; where one host reported, its figure.
    assert same(list(combined.cpu[-2:]), [0.25, 0.5])
    assert same(list(combined.memory[-2:]), [0.25, 0.5])
    assert store.combined(["not-a-host"]) is None


def test_history_fills_the_store_at_connect_and_again_after_a_reconnect(
    window, qtbot, run, tmp_path
):
    gap = [NAN] * 3
    server = ScriptedUsageServer(
        [make_node("host-a"), make_node("host-b")],
        FleetTrust(tmp_path),
        history={
            # host-a was offline a while (the NaNs): the graph must show the gap.
            "host-a": history_series("host-a", NOW_SLOT, [0.1, 0.2, *gap, 0.3], [0.4] * 6),
            "host-b": history_series("host-b", NOW_SLOT, [0.7] * 4, [0.6] * 4),
        },
        now_s=slot_time(NOW_SLOT) + 2,
    )
    run(server.start())
    try:
        store = window.context.model("usage", UsageStore)
        window.connect_to(server.endpoint)
        qtbot.waitUntil(lambda: store.history_reads == 1, timeout=10_000)
        assert [list(r.hosts) for r in server.history_requests] == [["host-a", "host-b"]]
        assert server.history_requests[0].window.seconds == FINEST.span_s
        series = store.series("host-a")
        assert series is not None
        assert same(list(series.cpu[-6:]), [0.1, 0.2, NAN, NAN, NAN, 0.3])
        assert series.source == common_pb2.USAGE_SOURCE_LIBVIRT
        assert approx(list(store.latest("host-b"))) == [0.7, 0.6]

        # Live samples follow on the stream.
        server.push(samples(slot_time(NOW_SLOT + 1) + 1, {"host-a": (0.9, 0.5)}))
        qtbot.waitUntil(lambda: approx(list(store.latest("host-a") or ())) == [0.9, 0.5])

        # The stream breaks; meanwhile the coordinator recorded a slot the console missed.
        server.history["host-a"] = history_series(
            "host-a", NOW_SLOT + 2, [0.3, 0.9, 0.8], [0.4, 0.5, 0.5]
        )
        server.now_s = slot_time(NOW_SLOT + 2) + 1
        server.break_stream()
        qtbot.waitUntil(lambda: store.history_reads == 2, timeout=10_000)
        assert server.since_requests[-1] == server.revision  # resumed, not a new snapshot
        series = store.series("host-a")
        assert series is not None
        # Older slots kept, the missed one (NOW_SLOT + 2) filled in.
        assert same(list(series.cpu[-8:]), [0.1, 0.2, NAN, NAN, NAN, 0.3, 0.9, 0.8])
        assert store.problem == ""
    finally:
        run(server.stop())


def test_a_history_that_cannot_be_read_is_said_with_the_hosts_and_the_cause(
    window, qtbot, run, tmp_path
):
    # A coordinator without the usage history (the servicer's default: UNIMPLEMENTED).
    server = ScriptedWatchServer([make_node("host-a")], FleetTrust(tmp_path), None)
    run(server.start())
    try:
        store = window.context.model("usage", UsageStore)
        window.connect_to(server.endpoint)
        qtbot.waitUntil(lambda: store.history_reads == 1, timeout=10_000)
        assert store.problem.startswith("Usage history of host-a (GetUsageHistory): coordinator ")
        assert "Method not implemented" in store.problem
    finally:
        run(server.stop())

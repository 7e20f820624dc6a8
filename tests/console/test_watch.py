"""CoordinatorWatch (Qt-free) and WatchBridge against a real coordinator process.

Nodes are registered with it over RegisterNode, as node daemons do; no node daemon runs, so the
only Watch events are the ones a test makes. One sequence the real coordinator produces only
under a race, a snapshot cut short, comes from tests.console.scripted_watch.
"""

from __future__ import annotations

import asyncio
import contextlib

import pytest

from clients.channels import Endpoint
from clients.coordinator import CoordinatorClient
from console.watch import (
    RECONNECT_INITIAL_S,
    RECONNECT_MAX_S,
    ConnectionState,
    CoordinatorWatch,
    Phase,
    console_backoff,
)
from console.watch_bridge import WatchBridge
from domain.backoff import Backoff
from localfleet.trust import FleetTrust
from proto.quantix.v1 import coordinator_pb2 as pb
from tests.console.daemons import CoordinatorProcess, connections_to
from tests.console.messages import make_node
from tests.console.scripted_watch import ScriptedWatchServer

# Tests retry fast; what is tested is that they retry and resume, not the delays.
FAST = Backoff(initial=0.05, maximum=0.2)


class Recorder:
    def __init__(self) -> None:
        self.events: list[pb.WatchEvent] = []
        self.states: list[ConnectionState] = []

    def on_event(self, event: pb.WatchEvent) -> None:
        # The coordinator's audit entries of these registrations share the stream and its
        # revisions; these tests follow the hosts.
        if event.kind != pb.OBJECT_KIND_AUDIT_ENTRY:
            self.events.append(event)

    def on_state(self, state: ConnectionState) -> None:
        self.states.append(state)

    def types(self) -> list[int]:
        return [event.type for event in self.events]

    @property
    def phase(self) -> Phase | None:
        return self.states[-1].phase if self.states else None


RESET = pb.WatchEvent.TYPE_RESET
ADDED = pb.WatchEvent.TYPE_ADDED
UPDATED = pb.WatchEvent.TYPE_UPDATED
SYNCED = pb.WatchEvent.TYPE_SYNCED


def revision(coordinator: CoordinatorProcess, run) -> int:
    """The coordinator's revision now (its audit entries advance it too)."""

    async def ask() -> int:
        async with CoordinatorClient(coordinator.endpoint) as client:
            return (await client.list_nodes()).revision

    return run(ask())


@pytest.fixture
def coordinator(tmp_path, run):
    """A real coordinator holding host-a and host-b."""
    coordinator = CoordinatorProcess(tmp_path)
    try:
        run(coordinator.start(), 60)
        run(coordinator.register("host-a"))
        run(coordinator.register("host-b"))
        yield coordinator
    finally:
        run(coordinator.stop(), 60)


@pytest.fixture
def watching(coordinator, run, qtbot):
    """A running CoordinatorWatch on the coordinator, cancelled at the end."""
    recorder = Recorder()
    watch = CoordinatorWatch(
        coordinator.endpoint, recorder.on_event, recorder.on_state, backoff=FAST
    )
    task = asyncio.get_running_loop().create_task(watch.run())
    yield watch, recorder
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        run(_wait(task))


async def _wait(task: asyncio.Task[None]) -> None:
    await task


def test_console_backoff_is_capped_low():
    backoff = console_backoff()
    delays = [backoff.next_delay() for _ in range(10)]
    assert delays[0] <= RECONNECT_INITIAL_S * 1.1
    assert max(delays) <= RECONNECT_MAX_S * 1.1


def test_snapshot_then_live_changes(coordinator, watching, qtbot, run):
    watch, recorder = watching
    qtbot.waitUntil(lambda: SYNCED in recorder.types(), timeout=10_000)
    assert recorder.states[0].phase is Phase.CONNECTING
    assert recorder.phase is Phase.CONNECTED
    # The watch's own RESET, the coordinator's RESET, the snapshot, SYNCED.
    assert recorder.types() == [RESET, RESET, ADDED, ADDED, SYNCED]
    assert [event.key for event in recorder.events[2:4]] == ["host-a", "host-b"]
    assert watch.last_revision == recorder.events[-1].revision == revision(coordinator, run)

    run(coordinator.register("host-c"))
    qtbot.waitUntil(lambda: recorder.events[-1].key == "host-c", timeout=10_000)
    assert recorder.events[-1].type == ADDED
    qtbot.waitUntil(lambda: watch.last_revision == revision(coordinator, run), timeout=10_000)


def test_reconnects_and_resumes_from_the_last_revision(coordinator, watching, run, qtbot):
    watch, recorder = watching
    qtbot.waitUntil(lambda: SYNCED in recorder.types(), timeout=10_000)
    before = watch.last_revision
    assert before == revision(coordinator, run)
    address = coordinator.address

    run(coordinator.stop(), 60)
    qtbot.waitUntil(lambda: recorder.phase is Phase.RECONNECTING, timeout=10_000)
    # Changes made while the console is away: the coordinator runs elsewhere for a while, on
    # the same database, where the console cannot follow it. They must be replayed, not
    # re-snapshotted, when it is back at its address.
    run(coordinator.start("127.0.0.1:0"), 60)
    run(coordinator.register("host-c"))
    run(coordinator.set_maintenance("host-a"))
    run(coordinator.stop(), 60)
    qtbot.waitUntil(
        lambda: (
            "unreachable" in recorder.states[-1].detail
            or "ended the Watch stream" in recorder.states[-1].detail
        ),
        timeout=10_000,
    )
    assert f"coordinator {address}" in recorder.states[-1].detail
    assert recorder.states[-1].retry_in_s > 0
    synced_before = recorder.types().count(SYNCED)

    run(coordinator.start(address), 60)
    # The replay ends with SYNCED. (last_revision reaches the end one event earlier, with the
    # replayed maintenance change: waiting for that, not for SYNCED, made this test flaky.)
    qtbot.waitUntil(lambda: recorder.types().count(SYNCED) > synced_before, timeout=20_000)
    assert recorder.phase is Phase.CONNECTED
    assert watch.last_revision == revision(coordinator, run)
    first_synced = recorder.types().index(SYNCED)
    after_outage = recorder.events[first_synced + 1 :]
    # Resumed from where it was: the two changes made meanwhile, in order, then SYNCED; no
    # RESET (a restart from 0 would begin with the console's RESET and the coordinator's,
    # then a snapshot of three hosts).
    assert [(e.type, e.key) for e in after_outage] == [
        (ADDED, "host-c"),
        (UPDATED, "host-a"),
        (SYNCED, ""),
    ]
    revisions = [e.revision for e in after_outage]
    assert before < revisions[0] < revisions[1] <= revisions[2] == watch.last_revision
    assert recorder.events[-2].node.status == pb.NODE_STATUS_MAINTENANCE


def test_a_snapshot_cut_short_starts_over(run, qtbot, tmp_path):
    server = ScriptedWatchServer(
        [make_node("host-a"), make_node("host-b")], FleetTrust(tmp_path), cut_first_snapshot_after=1
    )
    run(server.start())
    recorder = Recorder()
    watch = CoordinatorWatch(server.endpoint, recorder.on_event, recorder.on_state, backoff=FAST)
    task = asyncio.get_running_loop().create_task(watch.run())
    try:
        qtbot.waitUntil(lambda: len(server.since_requests) >= 2, timeout=10_000)
        qtbot.waitUntil(lambda: watch.last_revision == 2, timeout=10_000)
        # The cut stream had given a revision-1 ADDED; resuming from it would lose host-b.
        assert server.since_requests[:2] == [0, 0]
        assert any("snapshot cut by test" in state.detail for state in recorder.states)
        assert [e.key for e in recorder.events if e.type == ADDED] == [
            "host-a",  # the cut snapshot
            "host-a",  # the whole one
            "host-b",
        ]
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            run(_wait(task))
        run(server.stop())


def test_unreachable_coordinator_reports_why_and_keeps_trying(run, qtbot, tmp_path):
    recorder = Recorder()
    nowhere = Endpoint("127.0.0.1:1", FleetTrust(tmp_path).identity())
    watch = CoordinatorWatch(nowhere, recorder.on_event, recorder.on_state, backoff=FAST)
    task = asyncio.get_running_loop().create_task(watch.run())
    try:
        qtbot.waitUntil(
            lambda: sum(s.phase is Phase.RECONNECTING for s in recorder.states) >= 2,
            timeout=10_000,
        )
        state = recorder.states[-1]
        assert state.detail.startswith("coordinator 127.0.0.1:1 unreachable: ")
        assert recorder.events[0].type == pb.WatchEvent.TYPE_RESET
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            run(_wait(task))
    assert recorder.phase is Phase.IDLE


def test_bridge_emits_signals_and_replaces_its_watch(coordinator, run, qtbot):
    bridge = WatchBridge(backoff=FAST)
    events: list[pb.WatchEvent] = []
    states: list[ConnectionState] = []
    bridge.event_received.connect(events.append)
    bridge.state_changed.connect(states.append)

    bridge.start(coordinator.endpoint.with_address("127.0.0.1:1"))
    qtbot.waitUntil(lambda: bridge.state.phase is Phase.RECONNECTING, timeout=10_000)
    bridge.start(coordinator.endpoint)  # switch coordinators
    qtbot.waitUntil(lambda: bridge.state.phase is Phase.CONNECTED, timeout=10_000)
    qtbot.waitUntil(lambda: events and events[-1].type == pb.WatchEvent.TYPE_SYNCED)
    assert bridge.address == coordinator.address
    assert bridge.last_revision == revision(coordinator, run)
    # Nothing from the replaced watch arrives after the switch.
    switched = next(i for i, s in enumerate(states) if s.address == coordinator.address)
    assert all(s.address == coordinator.address for s in states[switched:])

    assert connections_to(coordinator.address) >= 1

    run(bridge.stop())
    assert bridge.state.phase is Phase.IDLE
    # The stream's connection is closed, not left to the garbage collector.
    qtbot.waitUntil(lambda: connections_to(coordinator.address) == 0, timeout=10_000)

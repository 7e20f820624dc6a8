"""CoordinatorWatch (Qt-free) and WatchBridge over real gRPC, against a scripted coordinator."""

from __future__ import annotations

import asyncio
import contextlib

import pytest

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
from proto.quantix.v1 import coordinator_pb2 as pb
from tests.console.fakes import LoopbackServer, ScriptedCoordinator, make_node

# Tests retry fast; what is tested is that they retry and resume, not the delays.
FAST = Backoff(initial=0.05, maximum=0.2)


class Recorder:
    def __init__(self) -> None:
        self.events: list[pb.WatchEvent] = []
        self.states: list[ConnectionState] = []

    def on_event(self, event: pb.WatchEvent) -> None:
        self.events.append(event)

    def on_state(self, state: ConnectionState) -> None:
        self.states.append(state)

    def types(self) -> list[int]:
        return [event.type for event in self.events]

    @property
    def phase(self) -> Phase | None:
        return self.states[-1].phase if self.states else None


@pytest.fixture
def coordinator(run):
    servicer = ScriptedCoordinator()
    for name in ("host-a", "host-b"):
        servicer.put(make_node(name))
    server = LoopbackServer(servicer)
    run(server.start())
    yield server
    run(server.stop())


@pytest.fixture
def watching(coordinator, run, qtbot):
    """A running CoordinatorWatch on the scripted coordinator, cancelled at the end."""
    recorder = Recorder()
    watch = CoordinatorWatch(
        coordinator.address, recorder.on_event, recorder.on_state, backoff=FAST
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


def test_snapshot_then_live_changes(coordinator, watching, qtbot):
    watch, recorder = watching
    servicer: ScriptedCoordinator = coordinator.servicer
    qtbot.waitUntil(lambda: pb.WatchEvent.TYPE_SYNCED in recorder.types(), timeout=10_000)
    assert recorder.states[0].phase is Phase.CONNECTING
    assert recorder.phase is Phase.CONNECTED
    # The watch's own RESET, the coordinator's RESET, the snapshot, SYNCED.
    assert recorder.types() == [
        pb.WatchEvent.TYPE_RESET,
        pb.WatchEvent.TYPE_RESET,
        pb.WatchEvent.TYPE_ADDED,
        pb.WatchEvent.TYPE_ADDED,
        pb.WatchEvent.TYPE_SYNCED,
    ]
    assert watch.last_revision == servicer.revision == 2

    servicer.put(make_node("host-c"))
    qtbot.waitUntil(lambda: recorder.events[-1].key == "host-c", timeout=10_000)
    assert watch.last_revision == 3


def test_reconnects_and_resumes_from_the_last_revision(coordinator, watching, run, qtbot):
    watch, recorder = watching
    servicer: ScriptedCoordinator = coordinator.servicer
    qtbot.waitUntil(lambda: recorder.phase is Phase.CONNECTED, timeout=10_000)
    qtbot.waitUntil(lambda: watch.last_revision == 2, timeout=10_000)

    run(coordinator.stop())
    qtbot.waitUntil(lambda: recorder.phase is Phase.RECONNECTING, timeout=10_000)
    # Changes made while the console is away are replayed, not re-snapshotted.
    servicer.put(make_node("host-c"))
    servicer.remove("host-a")
    qtbot.waitUntil(
        lambda: (
            "unreachable" in recorder.states[-1].detail
            or "ended the Watch stream" in recorder.states[-1].detail
        ),
        timeout=10_000,
    )
    assert f"coordinator {coordinator.address}" in recorder.states[-1].detail
    assert recorder.states[-1].retry_in_s > 0

    run(coordinator.start())
    qtbot.waitUntil(lambda: watch.last_revision == 4, timeout=20_000)
    assert recorder.phase is Phase.CONNECTED
    assert servicer.since_requests[0] == 0
    assert servicer.since_requests[-1] == 2  # resumed, not restarted
    replayed = [(e.type, e.key) for e in recorder.events[-3:]]
    assert replayed == [
        (pb.WatchEvent.TYPE_ADDED, "host-c"),
        (pb.WatchEvent.TYPE_REMOVED, "host-a"),
        (pb.WatchEvent.TYPE_SYNCED, ""),
    ]


def test_a_snapshot_cut_short_starts_over(coordinator, run, qtbot):
    servicer: ScriptedCoordinator = coordinator.servicer
    servicer.cut_next_snapshot_after = 1
    recorder = Recorder()
    watch = CoordinatorWatch(
        coordinator.address, recorder.on_event, recorder.on_state, backoff=FAST
    )
    task = asyncio.get_running_loop().create_task(watch.run())
    try:
        qtbot.waitUntil(lambda: len(servicer.since_requests) >= 2, timeout=10_000)
        qtbot.waitUntil(lambda: watch.last_revision == 2, timeout=10_000)
        # The cut stream had given a revision-2 ADDED; resuming from it would lose host-b.
        assert servicer.since_requests[:2] == [0, 0]
        assert any("snapshot cut by test" in state.detail for state in recorder.states)
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            run(_wait(task))


def test_unreachable_coordinator_reports_why_and_keeps_trying(run, qtbot):
    recorder = Recorder()
    watch = CoordinatorWatch("127.0.0.1:1", recorder.on_event, recorder.on_state, backoff=FAST)
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

    bridge.start("127.0.0.1:1")
    qtbot.waitUntil(lambda: bridge.state.phase is Phase.RECONNECTING, timeout=10_000)
    bridge.start(coordinator.address)  # switch coordinators
    qtbot.waitUntil(lambda: bridge.state.phase is Phase.CONNECTED, timeout=10_000)
    qtbot.waitUntil(lambda: events and events[-1].type == pb.WatchEvent.TYPE_SYNCED)
    assert bridge.address == coordinator.address
    assert bridge.last_revision == 2
    # Nothing from the replaced watch arrives after the switch.
    switched = next(i for i, s in enumerate(states) if s.address == coordinator.address)
    assert all(s.address == coordinator.address for s in states[switched:])

    run(bridge.stop())
    assert bridge.state.phase is Phase.IDLE
    qtbot.waitUntil(lambda: coordinator.servicer.subscriber_count == 0, timeout=10_000)

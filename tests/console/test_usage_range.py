"""The usage graph's Range choice: 6 h and 24 h are read from the coordinator's history
(GetUsageHistory, a real server on loopback with a scripted reply) and drawn at their tier's
step with their own time axis; back to 15 min the live store shows again; a failed read says
which coordinator and why, instead of a blank."""

from __future__ import annotations

import math
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QPoint, Qt

from clients.channels import Endpoint
from console.usage.curve_paths import slot_x
from console.usage.usage_graph import UsageGraph, time_labels
from console.usage.usage_store import UsageStore
from console.usage.window_series import window_view
from domain.usage import GRAPH_WINDOWS
from localfleet.trust import FleetTrust
from proto.quantix.v1 import common_pb2
from proto.quantix.v1 import coordinator_pb2 as pb
from tests.console.conftest import activate
from tests.console.messages import make_node
from tests.console.scripted_usage import ScriptedUsageServer, slot_time
from tests.console.test_usage_store import NOW_SLOT, feed, store_with
from wire.proto_time import timestamp_of

NOW_S = slot_time(NOW_SLOT)  # a whole minute, and a whole 5 minutes
MINUTE = 60
SIX_HOURS = GRAPH_WINDOWS[1].seconds
READ_TIMEOUT_MS = 10_000


def six_hour_series(host: str) -> pb.UsageSeries:
    """360 minutes ending with the minute of NOW_S: CPU 25 % until the last hour, then 75 %;
    memory 50 %; no figures at all between -3 h and -2 h (the host was down)."""
    cpu = [0.25] * 300 + [0.75] * 60
    memory = [0.5] * 360
    for i in range(180, 240):
        cpu[i] = memory[i] = math.nan
    first = int(NOW_S // MINUTE) - 359
    return pb.UsageSeries(
        host=host,
        start=timestamp_of(first * MINUTE),
        step_seconds=MINUTE,
        cpu=cpu,
        memory=memory,
        memory_total_bytes=64 * 1024**3,
        logical_cpus=16,
        source=common_pb2.USAGE_SOURCE_LIBVIRT,
    )


@pytest.fixture
def history_server(tmp_path, run) -> Iterator[ScriptedUsageServer]:
    server = ScriptedUsageServer(
        [make_node("host-a")],
        FleetTrust(tmp_path),
        history={"host-a": six_hour_series("host-a")},
        now_s=NOW_S + 2,
    )
    run(server.start())
    yield server
    run(server.stop())


def live_store(endpoint: Endpoint) -> UsageStore:
    """host-a's live 15 minutes: CPU 10 %, memory 20 % now."""
    store = store_with(make_node("host-a"))
    store.bind_endpoint(lambda: endpoint)
    feed(store, NOW_SLOT, {"host-a": (0.1, 0.2)})
    store.flush()
    return store


def shown_graph(qtbot, store: UsageStore) -> UsageGraph:
    graph = UsageGraph(store)
    qtbot.addWidget(graph)
    graph.resize(760, 320)
    graph.show_hosts(["host-a"])
    graph.show()
    qtbot.waitExposed(graph)
    return graph


def test_six_hours_are_read_from_the_history_and_drawn_at_one_minute(
    qtbot, history_server: ScriptedUsageServer
):
    graph = shown_graph(qtbot, live_store(history_server.endpoint))
    assert graph.view is not None and graph.view.step_s == 5  # the live 15 minutes
    assert [graph.range_choice.itemText(i) for i in range(3)] == ["15 min", "6 h", "24 h"]
    assert graph.range_choice.accessibleName() == "Usage graph range"
    assert graph.range_label.buddy() is graph.range_choice

    # Keyboard: the label's mnemonic reaches the choice, an arrow picks "6 h".
    activate(qtbot, graph)
    qtbot.keyClick(graph, Qt.Key.Key_R, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(graph.range_choice.hasFocus, timeout=2_000)
    qtbot.keyClick(graph.range_choice, Qt.Key.Key_Down)
    assert graph.window().label == "6 h"
    assert graph.status_text() == "Reading…"  # until the reply arrives: never blank

    qtbot.waitUntil(lambda: graph.view is not None, timeout=READ_TIMEOUT_MS)
    request = history_server.history_requests[-1]
    assert list(request.hosts) == ["host-a"] and request.window.seconds == SIX_HOURS
    view = graph.view
    assert view.step_s == MINUTE and len(view.cpu) == 360
    assert view.end_s == (int(NOW_S // MINUTE) + 1) * MINUTE
    assert math.isclose(view.cpu[-1], 0.75) and math.isclose(view.cpu[0], 0.25)
    assert math.isnan(view.cpu[200])  # the gap stays a gap
    labels = [label for _back, label in time_labels(view.end_s - view.start_s)]
    assert labels == ["now", "-1 h", "-2 h", "-3 h", "-4 h", "-5 h", "-6 h"]
    assert graph.accessibleDescription().startswith("Last 6 h. Now: CPU 75 %, memory 50 %")

    # Hovering tells that minute's figures, and a minute of the gap says it had none.
    rect = graph.plot_rect()
    for back, words in ((90, "(-1 h 30 min) · CPU 25 % · Memory 50 %"), (120, "(-2 h) · CPU —")):
        index = 359 - back
        x = round(slot_x(rect, index, 360))
        qtbot.mouseMove(graph, QPoint(x, round(rect.center().y())))
        qtbot.waitUntil(lambda index=index: graph.marker_index() == index, timeout=2_000)
        assert words in graph.marker_text()

    # Back to 15 minutes: the live store's curve again, no further history read.
    reads = len(history_server.history_requests)
    graph.set_window(GRAPH_WINDOWS[0].seconds)
    assert graph.range_choice.currentText() == "15 min"
    view = graph.view
    assert view is not None and view.step_s == 5 and len(view.cpu) == 180
    assert math.isclose(view.cpu[-1], 0.1, abs_tol=1e-6)
    assert len(history_server.history_requests) == reads


def test_a_failed_read_says_which_coordinator_and_why(qtbot, unreachable: Endpoint):
    graph = shown_graph(qtbot, live_store(unreachable))
    graph.set_window(GRAPH_WINDOWS[2].seconds)
    assert graph.range_choice.currentText() == "24 h"
    assert graph.status_text() == "Reading…"
    qtbot.waitUntil(lambda: graph.status_text() != "Reading…", timeout=READ_TIMEOUT_MS)
    text = graph.status_text()
    assert graph.view is None
    assert text.startswith("Usage history of host-a (GetUsageHistory): ")
    assert "127.0.0.1:1" in text
    assert text in graph.accessibleDescription()


def test_a_hidden_graph_does_not_read(qtbot, history_server: ScriptedUsageServer):
    graph = shown_graph(qtbot, live_store(history_server.endpoint))
    graph.hide()
    graph.set_window(SIX_HOURS)
    assert graph.status_text() == "Reading…" and not history_server.history_requests
    graph.show()  # shown again: read at once
    qtbot.waitUntil(lambda: graph.view is not None, timeout=READ_TIMEOUT_MS)
    assert graph.view.step_s == MINUTE


def test_a_clusters_range_curve_weighs_its_hosts_on_one_grid():
    small = six_hour_series("small")
    small.logical_cpus = 4
    big = six_hour_series("big")
    big.logical_cpus = 12
    big.cpu[:] = [1.0] * 360
    # big's reply came a minute earlier: its series ends a slot before small's.
    big.start.CopyFrom(timestamp_of(big.start.seconds - MINUTE))
    reply = pb.GetUsageHistoryResponse(series=[small, big], now=timestamp_of(NOW_S + 2))
    view = window_view([reply], ["small", "big"], SIX_HOURS)
    assert view is not None and len(view.cpu) == 360 and view.step_s == MINUTE
    assert math.isclose(view.cpu[0], (0.25 * 4 + 1.0 * 12) / 16)
    assert math.isclose(view.cpu[-1], 0.75)  # only small has a figure for the newest minute
    assert view.source == common_pb2.USAGE_SOURCE_LIBVIRT
    assert window_view([reply], ["elsewhere"], SIX_HOURS) is None

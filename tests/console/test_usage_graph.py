"""The usage graph: it draws the store's figures where they belong, leaves gaps empty, tells a
point's time and values under the mouse and the arrow keys, and repaints only for its hosts."""

from __future__ import annotations

import math

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QImage

from console.usage.curve_paths import slot_x, value_y
from console.usage.usage_graph import UsageGraph
from console.usage.usage_store import UsageStore
from console.usage.usage_text import CPU_COLOUR, MEMORY_COLOUR, clock
from tests.console.messages import make_node
from tests.console.scripted_usage import slot_time
from tests.console.test_usage_store import NOW_SLOT, feed, store_with


def filled_store() -> UsageStore:
    """host-a: CPU 20 % then 80 %, memory 50 %, a gap of 3 slots, then CPU 60 % now."""
    store = store_with(make_node("host-a"), make_node("host-b"))
    for back in range(20, 10, -1):
        feed(store, NOW_SLOT - back, {"host-a": (0.2 if back > 15 else 0.8, 0.5)})
    # slots NOW-10 .. NOW-1: nothing (host-a was away), then now:
    feed(store, NOW_SLOT, {"host-a": (0.6, 0.5), "host-b": (0.1, 0.1)})
    store.flush()
    return store


def graph_of(qtbot, store: UsageStore, hosts: list[str]) -> UsageGraph:
    graph = UsageGraph(store)
    qtbot.addWidget(graph)
    graph.resize(720, 300)
    graph.show_hosts(hosts)
    graph.show()
    qtbot.waitExposed(graph)
    return graph


def painted(graph: UsageGraph) -> QImage:
    image = QImage(graph.size(), QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    graph.render(image)
    return image


def near(colour: QColor, expected: str, tolerance: int = 80) -> bool:
    """Within ``tolerance`` (summed over R, G, B) of ``expected``: antialiased edges of a
    1.6 px line are lighter than its colour; CPU and memory differ by ~150."""
    target = QColor(expected)
    return (
        abs(colour.red() - target.red())
        + abs(colour.green() - target.green())
        + abs(colour.blue() - target.blue())
        <= tolerance
    )


def colour_near(image: QImage, x: float, y: float, expected: str, radius: int = 2) -> bool:
    """Whether a pixel within ``radius`` of (x, y) has (about) ``expected``'s colour."""
    return any(
        near(image.pixelColor(round(x) + dx, round(y) + dy), expected)
        for dx in range(-radius, radius + 1)
        for dy in range(-radius, radius + 1)
    )


def test_the_curves_are_drawn_where_the_figures_say_and_gaps_stay_empty(qtbot):
    store = filled_store()
    graph = graph_of(qtbot, store, ["host-a"])
    view = graph.view
    assert view is not None and len(view.cpu) == 180
    assert math.isclose(view.cpu[-1], 0.6, abs_tol=1e-6)
    assert graph.accessibleName() == "CPU and memory usage of host-a"
    assert "Now: CPU 60 %, memory 50 %" in graph.accessibleDescription()

    image = painted(graph)
    rect = graph.plot_rect()
    count = len(view.cpu)

    def at(index: int, fraction: float, colour: str) -> bool:
        return colour_near(image, slot_x(rect, index, count), value_y(rect, fraction), colour)

    first = count - 21  # NOW_SLOT - 20
    assert at(first + 2, 0.2, CPU_COLOUR)  # CPU at 20 %
    assert at(first + 7, 0.8, CPU_COLOUR)  # ... then 80 %
    assert at(first + 7, 0.5, MEMORY_COLOUR)  # memory at 50 %
    assert at(count - 1, 0.6, CPU_COLOUR)  # now: a lone point, drawn as a dot
    assert not at(first + 7, 0.6, CPU_COLOUR)  # nothing where no figure is

    # The gap: no curve pixel anywhere in the column of a slot no sample reached.
    gap_x = round(slot_x(rect, count - 5, count))
    for y in range(round(rect.top()) + 1, round(rect.bottom()) - 1):
        colour = image.pixelColor(gap_x, y)
        assert not near(colour, CPU_COLOUR) and not near(colour, MEMORY_COLOUR), y
    # Before the host's first sample: nothing either.
    early_x = round(slot_x(rect, 10, count))
    assert not any(
        near(image.pixelColor(early_x, y), CPU_COLOUR)
        for y in range(round(rect.top()), round(rect.bottom()))
    )


def test_hover_shows_the_time_and_values_of_the_point_under_the_mouse(qtbot):
    store = filled_store()
    graph = graph_of(qtbot, store, ["host-a"])
    rect = graph.plot_rect()
    index = 180 - 21 + 7  # NOW_SLOT - 13: CPU 80 %, memory 50 %
    x = slot_x(rect, index, 180)
    qtbot.mouseMove(graph, QPoint(round(x), round(rect.center().y())))
    qtbot.waitUntil(lambda: graph.marker_index() == index, timeout=2_000)
    moment = slot_time(NOW_SLOT - 13)
    assert graph.marker_text() == (f"{clock(moment)} (-1 min 5 s) · CPU 80 % · Memory 50 %")
    assert graph.toolTip() == graph.marker_text()
    # The marker is drawn: its dot on the CPU curve.
    assert colour_near(painted(graph), x, value_y(rect, 0.8), CPU_COLOUR, radius=1)


def test_arrow_keys_move_the_marker_a_slot_at_a_time(qtbot):
    store = filled_store()
    graph = graph_of(qtbot, store, ["host-a"])
    graph.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(graph.hasFocus, timeout=2_000)
    qtbot.keyClick(graph, Qt.Key.Key_Left)  # the first press shows "now"
    assert graph.marker_index() == 179
    assert graph.marker_text().endswith("(now) · CPU 60 % · Memory 50 %")
    qtbot.keyClick(graph, Qt.Key.Key_Left)
    assert graph.marker_index() == 178
    assert graph.marker_text().endswith("(-5 s) · CPU — · Memory —")  # in the gap
    assert "At the marker:" in graph.accessibleDescription()
    qtbot.keyClick(graph, Qt.Key.Key_Home)
    assert graph.marker_index() == 0
    qtbot.keyClick(graph, Qt.Key.Key_Right)
    assert graph.marker_index() == 1
    qtbot.keyClick(graph, Qt.Key.Key_Escape)
    assert graph.marker_index() is None and graph.marker_text() == ""


def test_it_reloads_only_when_its_own_hosts_changed(qtbot):
    store = filled_store()
    graph = graph_of(qtbot, store, ["host-a"])
    reloads = graph.reloads
    feed(store, NOW_SLOT, {"host-b": (0.3, 0.3)})  # the same slot: only host-b moved
    store.flush()
    assert graph.reloads == reloads
    feed(store, NOW_SLOT, {"host-a": (0.7, 0.5)})
    store.flush()
    assert graph.reloads == reloads + 1
    assert graph.view is not None and math.isclose(graph.view.cpu[-1], 0.7, abs_tol=1e-6)


def test_several_hosts_show_their_combined_curve(qtbot):
    store = filled_store()  # both hosts: 16 CPUs, 64 GiB
    graph = graph_of(qtbot, store, ["host-a", "host-b"])
    assert graph.accessibleName() == "CPU and memory usage of 2 hosts combined"
    view = graph.view
    assert view is not None
    assert math.isclose(view.cpu[-1], (0.6 + 0.1) / 2, abs_tol=1e-6)
    assert math.isclose(view.cpu[-15], 0.8, abs_tol=1e-6)  # host-a alone reported then
    graph.show_hosts([])
    assert graph.view is None


def test_without_figures_it_says_so(qtbot):
    store = store_with(make_node("host-a"))
    graph = graph_of(qtbot, store, ["host-a"])
    assert graph.view is None  # no time from the coordinator yet
    assert graph.status_text() == "No usage figures yet"

"""The Hosts page's usage: the CPU and memory usage columns (the current % as text, a sparkline
painted by a delegate) and the selected host's graphs in its detail, from the usage store."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage

from console.models.hosts_model import Column, HostsModel
from console.pages.hosts_page import HostsPage
from console.usage.sparkline_delegate import Metric
from console.usage.usage_store import UsageStore
from console.usage.usage_text import CPU_COLOUR
from proto.quantix.v1 import coordinator_pb2 as pb
from tests.console.messages import event, make_node
from tests.console.test_usage_graph import near
from tests.console.test_usage_store import NOW_SLOT, feed, store_with

ADDED, SYNCED = pb.WatchEvent.TYPE_ADDED, pb.WatchEvent.TYPE_SYNCED


@pytest.fixture
def usage_page(qtbot, run) -> Iterator[tuple[HostsPage, UsageStore]]:
    """The Hosts page of host-a and host-b with a usage store; its reads stopped at the end."""
    nodes = [make_node("host-a"), make_node("host-b")]
    store = store_with(*nodes)
    model = HostsModel()
    for node in nodes:
        model.apply_event(event(ADDED, node.name, node))
    model.apply_event(event(SYNCED))
    page = HostsPage(model, usage=store)
    qtbot.addWidget(page)
    page.resize(1400, 700)
    page.show()
    qtbot.waitExposed(page)
    yield page, store
    run(page.stop())


def usage_cell(page: HostsPage, host: str, column: Column, role=Qt.ItemDataRole.DisplayRole):
    row = page.model.row_of(host)
    assert row is not None
    return page.proxy.mapFromSource(page.model.index(row, column)).data(role)


def test_the_usage_columns_show_the_current_percent_and_a_sparkline(usage_page, qtbot):
    page, store = usage_page
    for back in range(12, 0, -1):
        feed(store, NOW_SLOT - back, {"host-a": (0.05 * (12 - back), 0.40)})
    feed(store, NOW_SLOT, {"host-a": (0.37, 0.52)})
    qtbot.waitUntil(lambda: usage_cell(page, "host-a", Column.CPU_USAGE) == "37 %", timeout=2_000)
    assert usage_cell(page, "host-a", Column.MEMORY_USAGE) == "52 %"
    assert usage_cell(page, "host-a", Column.CPU_USAGE, Qt.ItemDataRole.ToolTipRole) == (
        "CPU busy: 37 % now; the line: the last 15 minutes (host kernel (/proc))"
    )
    assert usage_cell(page, "host-b", Column.CPU_USAGE) == ""  # nothing reported
    assert page.table.columnWidth(Column.CPU_USAGE) > 0

    # The delegate painted the line: CPU-blue pixels in host-a's cell, none in host-b's.
    image = QImage(page.table.viewport().size(), QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    page.table.viewport().render(image)
    assert page.sparklines[Metric.CPU].paints > 0

    def blue_pixels(host: str) -> int:
        index = page.proxy.mapFromSource(
            page.model.index(page.model.row_of(host), Column.CPU_USAGE)
        )
        cell = page.table.visualRect(index)
        return sum(
            near(image.pixelColor(x, y), CPU_COLOUR)
            for x in range(cell.left(), cell.right())
            for y in range(cell.top(), cell.bottom())
        )

    assert blue_pixels("host-a") > 10
    assert blue_pixels("host-b") == 0

    # Sorting by CPU usage puts the busy host first (descending) by its figure.
    page.table.sortByColumn(Column.CPU_USAGE, Qt.SortOrder.DescendingOrder)
    assert page.proxy.index(0, Column.NAME).data() == "host-a"


def test_the_selected_hosts_detail_graphs_its_usage_and_says_where_it_comes_from(usage_page, qtbot):
    page, store = usage_page
    feed(store, NOW_SLOT, {"host-b": (0.25, 0.75)})
    assert page.select_host("host-b")
    graph = page.detail.usage_graph
    assert graph is not None
    assert graph.hosts() == ("host-b",)
    qtbot.waitUntil(lambda: graph.view is not None and graph.current()[0] == 0.25, timeout=2_000)
    assert page.detail.tabs.tabText(1) == "&Usage"
    assert page.detail.usage_source_label.text() == (
        "Source of the figures: host kernel (/proc) "
        "(read by the host's node daemon before each heartbeat)"
    )
    assert page.select_host("host-a")
    assert graph.hosts() == ("host-a",)

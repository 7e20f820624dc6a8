"""Usage end to end: a real coordinator and a real node daemon (libvirt's test driver, so its
figures come from the host's kernel) whose heartbeats carry the host's usage; the real main
window shows it in the Hosts table's usage columns and the host detail's graph."""

from __future__ import annotations

import math

from console.models.hosts_model import Column
from console.usage.usage_store import UsageStore
from proto.quantix.v1 import common_pb2

# About what happens, not how fast: two 5 s slots with samples take ~10 s at most.
TIMEOUT_MS = 60_000


def cell(window, host: str, column: Column) -> str:
    row = window.model.row_of(host)
    return "" if row is None else str(window.model.index(row, column).data())


def test_heartbeats_fill_the_hosts_usage_columns_and_the_host_detail_graph(
    window, one_host_fleet, qtbot
):
    store = window.context.model("usage", UsageStore)
    window.connect_to(one_host_fleet.coordinator_endpoint())

    # The history is read once the stream is synced (the coordinator has it: no refusal).
    qtbot.waitUntil(lambda: store.history_reads >= 1, timeout=TIMEOUT_MS)
    assert store.problem == ""

    # Live samples from host-a's heartbeats reach the table: "N %" in both usage columns.
    qtbot.waitUntil(
        lambda: cell(window, "host-a", Column.CPU_USAGE).endswith(" %"), timeout=TIMEOUT_MS
    )
    memory = cell(window, "host-a", Column.MEMORY_USAGE)
    assert memory.endswith(" %") and 0 < int(memory.removesuffix(" %")) <= 100
    assert store.source("host-a") == common_pb2.USAGE_SOURCE_KERNEL  # the test driver has none

    # The host detail graphs them: points in two slots at least, and says where they come from.
    page = window.hosts_page
    assert page.select_host("host-a")
    graph = page.detail.usage_graph
    assert graph is not None and graph.hosts() == ("host-a",)

    def points() -> int:
        view = graph.view
        return 0 if view is None else sum(not math.isnan(v) for v in view.memory)

    qtbot.waitUntil(lambda: points() >= 2, timeout=TIMEOUT_MS)
    assert page.detail.usage_source_label.text().startswith(
        "Source of the figures: host kernel (/proc)"
    )
    cpu, memory_now = graph.current()
    assert 0.0 <= cpu <= 1.0 and 0.0 < memory_now <= 1.0

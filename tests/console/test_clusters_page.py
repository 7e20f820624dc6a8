"""The Clusters page on real widgets, fed with scripted Watch events (the coordinator's own
messages): the table's status, badges, counts and bars; updates, removals and a RESET that
drops what the new snapshot lacks; search; the CPU/memory hook; Delete asking how many hosts
it releases; Enter opening the detail, which follows Watch (a host added elsewhere appears)."""

from __future__ import annotations

import pytest
from google.protobuf.timestamp_pb2 import Timestamp
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication, QMainWindow, QMessageBox

from console.clusters import feature
from console.clusters.clusters_model import BADGES_ROLE, ClustersModel, Column
from console.clusters.clusters_page import ClustersPage
from console.kit.pages import PageContext
from console.kit.phase_style import AMBER
from console.models.hosts_model import HostsModel
from console.models.pools_model import PoolsModel
from console.networks.networks_model import NetworksModel
from console.usage.usage_graph import UsageGraph
from console.usage.usage_store import UsageStore
from domain.clusters import (
    ClusterSpec,
    DrsAutomation,
    DrsSettings,
    HaSettings,
)
from proto.quantix.v1 import coordinator_pb2 as pb
from tests.console.cluster_calls import RecordingCalls
from tests.console.cluster_messages import (
    TiB,
    cluster_event,
    make_cluster,
    make_node,
    nodes_snapshot,
    removed,
    snapshot,
)
from tests.console.conftest import activate

ADDED, UPDATED = pb.WatchEvent.TYPE_ADDED, pb.WatchEvent.TYPE_UPDATED
PROD_SPEC = ClusterSpec(
    "prod",
    description="Production",
    labels=(("env", "prod"),),
    ha=HaSettings(enabled=True, host_failures_to_tolerate=1),
    drs=DrsSettings(enabled=True, automation=DrsAutomation.FULLY_AUTOMATED),
)
PROD = make_cluster(
    PROD_SPEC,
    ("host-a", "host-b", "host-c"),
    status=pb.CLUSTER_STATUS_WARNING,
    message="host-c offline",
    online=2,
    storage=(TiB, TiB // 4),
)
LAB = make_cluster(ClusterSpec("lab"))


def usage_store(*hosts: str) -> UsageStore:
    """console.usage's store, knowing ``hosts`` (their Node events, as the Watch brings them)."""
    store = UsageStore()
    for event in nodes_snapshot(*(make_node(host) for host in hosts)):
        store.apply_event(event)
    return store


def feed(store: UsageStore, samples: dict[str, tuple[float, float]]) -> None:
    """A Watch usage batch with these (cpu, memory) samples, taken and announced at once."""
    store.take_samples(
        pb.UsageSamples(
            time=Timestamp(seconds=1_800_000_000),
            samples=[
                pb.HostUsageSample(host=host, cpu=cpu, memory=memory)
                for host, (cpu, memory) in samples.items()
            ],
        )
    )
    store.flush()


@pytest.fixture
def models():
    hosts = HostsModel()
    hosts.apply_events(
        nodes_snapshot(
            make_node("host-a", threads=16),
            make_node("host-b", threads=48),
            make_node("host-c", pb.NODE_STATUS_OFFLINE, last_seen=1.0),
            make_node("host-d"),
        )
    )
    clusters = ClustersModel()
    clusters.apply_events(snapshot([cluster_event(ADDED, PROD), cluster_event(ADDED, LAB)]))
    return clusters, hosts, PoolsModel(), NetworksModel()


@pytest.fixture
def calls(unreachable):
    return RecordingCalls(unreachable)


@pytest.fixture
def page(qtbot, models, calls):
    page = ClustersPage(*models, calls)
    for model in models:
        model.setParent(page)
    qtbot.addWidget(page)
    page.resize(1200, 600)
    page.show()
    qtbot.waitExposed(page)
    return page


def cell(page: ClustersPage, name: str, column: Column, role=Qt.ItemDataRole.DisplayRole):
    row = page.clusters.row_of(name)
    return page.clusters.index(row, column).data(role)


def visible_names(page: ClustersPage) -> list[str]:
    return [page.proxy.index(row, Column.NAME).data() for row in range(page.proxy.rowCount())]


def test_each_cluster_shows_status_with_reason_badges_hosts_and_bars(page):
    assert visible_names(page) == ["lab", "prod"]
    assert cell(page, "prod", Column.STATUS) == "Warning"
    assert cell(page, "prod", Column.STATUS, Qt.ItemDataRole.ForegroundRole) == QColor(AMBER.text)
    assert not cell(page, "prod", Column.STATUS, Qt.ItemDataRole.DecorationRole).isNull()
    assert cell(page, "prod", Column.REASON) == "host-c offline"
    assert cell(page, "prod", Column.STATUS, Qt.ItemDataRole.ToolTipRole) == (
        "Warning — host-c offline"
    )
    assert cell(page, "prod", Column.POLICY, BADGES_ROLE) == (("HA", True), ("DRS auto", True))
    assert cell(page, "prod", Column.HOSTS) == "2/3 online"
    assert cell(page, "prod", Column.STORAGE) == "75 % of 1.0 TiB"
    assert cell(page, "prod", Column.STORAGE, Qt.ItemDataRole.ToolTipRole) == (
        "768.0 GiB of 1.0 TiB used"
    )
    assert cell(page, "prod", Column.CPU) == "no usage yet"
    assert cell(page, "prod", Column.MEMORY) == "no usage yet"
    assert cell(page, "lab", Column.STATUS) == "Empty"
    assert cell(page, "lab", Column.POLICY) == "HA off · DRS off"
    assert cell(page, "lab", Column.HOSTS) == "no hosts"
    assert cell(page, "lab", Column.STORAGE) == "no pools"
    assert page.summary_label.text() == "2 clusters · 3 hosts · 1 needs attention"


def test_updates_removals_and_a_new_snapshot_follow_watch(page, qtbot):
    healthy = make_cluster(PROD_SPEC, ("host-a", "host-b", "host-c"))
    page.clusters.apply_event(cluster_event(UPDATED, healthy))
    qtbot.waitUntil(lambda: cell(page, "prod", Column.STATUS) == "Healthy")
    assert cell(page, "prod", Column.REASON) == "All 3 hosts connected"
    page.clusters.apply_event(removed("prod"))
    qtbot.waitUntil(lambda: visible_names(page) == ["lab"])
    # A reconnect's snapshot without lab: gone once it is complete.
    page.clusters.apply_events(snapshot([cluster_event(ADDED, PROD)]))
    assert visible_names(page) == ["prod"]


def test_search_matches_names_labels_and_hosts_by_keyboard(page, qtbot):
    activate(qtbot, page)
    page.search_edit.setFocus()
    qtbot.keyClicks(page.search_edit, "env=prod")
    assert visible_names(page) == ["prod"]
    page.search_edit.clear()
    qtbot.keyClicks(page.search_edit, "host-b")
    assert visible_names(page) == ["prod"]
    page.search_edit.clear()
    qtbot.keyClicks(page.search_edit, "nothing-like-it")
    assert page.table_stack.message.text() == "No cluster matches the search above."


def test_cpu_and_memory_bars_take_the_members_latest_usage_weighted(page, qtbot):
    store = usage_store("host-a", "host-b", "host-c", "host-d")
    page.set_usage(store)
    assert cell(page, "prod", Column.CPU) == "no usage yet"
    # host-a has 16 CPUs at 50 %, host-b 48 at 10 %: (8 + 4.8) / 64 = 20 % of the cluster.
    feed(store, {"host-a": (0.5, 0.25), "host-b": (0.1, 0.75), "host-d": (1.0, 1.0)})
    # Worded as the Hosts table words a host's usage (console.usage.usage_text.percent).
    assert cell(page, "prod", Column.CPU) == "20 %"
    # Both have 64 GiB: memory is the plain mean.
    assert cell(page, "prod", Column.MEMORY) == "50 %"
    assert cell(page, "lab", Column.CPU) == "no usage yet"  # host-d is in no cluster


def test_delete_asks_how_many_hosts_it_releases_and_sends_release(page, calls, qtbot):
    activate(qtbot, page)
    page.select_cluster("prod")
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), QMessageBox))
    box = QApplication.activeModalWidget()
    assert "Delete cluster prod? Its 3 hosts are released (host-a, host-b, host-c)" in box.text()
    delete = next(b for b in box.buttons() if b.text() == "&Delete")
    delete.click()
    qtbot.waitUntil(lambda: bool(calls.calls))
    assert calls.calls == [("delete", ("prod", True))]


def test_enter_opens_the_detail_which_follows_watch(page, qtbot):
    activate(qtbot, page)
    page.select_cluster("prod")
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.showing_detail)
    detail = page.detail
    assert detail.header.title.text() == "prod"
    assert detail.header.badge.text() == "WARNING"
    assert detail.header.subtitle.text() == "host-c offline"
    members = detail.hosts_tab.table
    assert [members.item(r, 0).text() for r in range(members.rowCount())] == [
        "host-a",
        "host-b",
        "host-c",
    ]
    assert members.item(2, 1).text().startswith("Offline — no heartbeat since")
    assert members.item(0, 4).text() == "Now"
    # host-d added in another console: it arrives as an update of the cluster.
    grown = make_cluster(PROD_SPEC, ("host-a", "host-b", "host-c", "host-d"), online=3)
    page.clusters.apply_event(cluster_event(UPDATED, grown))
    qtbot.waitUntil(lambda: members.rowCount() == 4)
    assert members.item(3, 0).text() == "host-d"
    assert detail.summary.values["Hosts"].text() == "3/4 online"
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not page.showing_detail)


def test_the_feature_plugs_in_the_usage_store(qtbot, models, unreachable):
    """The usage feature registers its store as the Watch-fed model "usage": the page made by
    the feature reads it, and its bars follow the store's samples."""
    window = QMainWindow()
    qtbot.addWidget(window)
    clusters, hosts, pools, networks = models
    keyed = {"clusters": clusters, "hosts": hosts, "pools": pools, "networks": networks}
    store = usage_store("host-a", "host-b", "host-c")
    page = feature.make_page(PageContext(window, lambda: unreachable, {**keyed, "usage": store}))
    assert isinstance(page, ClustersPage) and page.usage is not None
    feed(store, {"host-a": (0.9, 0.9), "host-b": (0.9, 0.9)})
    assert cell(page, "prod", Column.CPU) == "90 %"
    # The detail's summary graphs the members' combined curves from the same store.
    page.open_detail("prod")
    graph = page.detail.summary.graph
    assert isinstance(graph, UsageGraph) and graph.hosts() == ("host-a", "host-b", "host-c")
    assert graph.current() == pytest.approx((0.9, 0.9))
    feed(store, {"host-a": (0.3, 0.5), "host-b": (0.1, 0.5)})
    assert graph.current() == pytest.approx((0.2, 0.5))  # the graph moves with the samples

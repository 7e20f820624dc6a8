"""PoolsModel, its filter proxy and the card grid, fed with real quantix.v1 Pool messages."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from console.kit.card_filter import CardFilterProxy
from console.kit.card_model import CARD_ROLE, KEY_ROLE
from console.kit.card_view import StatusCardView
from console.models.pools_model import POOL_ROLE, FilterTab, PoolsModel
from proto.quantix.v1 import common_pb2 as cpb
from proto.quantix.v1 import coordinator_pb2 as pb
from tests.console.messages import make_node
from tests.console.storage_messages import (
    ADDED,
    REMOVED,
    RESET,
    SYNCED,
    UPDATED,
    error_pool,
    host_status,
    make_pool,
    nfs_spec,
    pool_event,
    pool_snapshot,
    ready_pool,
)


@dataclass
class Spy:
    changed: list[tuple[int, int]] = field(default_factory=list)
    inserted: list[tuple[int, int]] = field(default_factory=list)
    removed: list[tuple[int, int]] = field(default_factory=list)
    resets: int = 0

    def attach(self, model: PoolsModel) -> Spy:
        model.dataChanged.connect(lambda tl, br, _r=None: self.changed.append((tl.row(), br.row())))
        model.rowsInserted.connect(lambda _p, a, b: self.inserted.append((a, b)))
        model.rowsRemoved.connect(lambda _p, a, b: self.removed.append((a, b)))
        model.modelReset.connect(self._reset)
        return self

    def _reset(self) -> None:
        self.resets += 1


@pytest.fixture
def model(qapp) -> PoolsModel:
    return PoolsModel()


def names(model: PoolsModel) -> list[str]:
    return [model.key_at(row) for row in range(model.rowCount())]


def test_snapshot_then_one_update_changes_only_that_row(model, qtbot):
    spy = Spy().attach(model)
    with qtbot.waitSignal(model.synced):
        model.apply_events(pool_snapshot([ready_pool("a"), ready_pool("b"), ready_pool("c")]))
    assert names(model) == ["a", "b", "c"]
    assert spy.inserted == [(0, 2)]  # the whole snapshot in one insertion

    failing = error_pool("b")
    model.apply_event(pool_event(UPDATED, failing, revision=11))
    model.flush()
    assert spy.changed == [(1, 1)]
    index = model.index(1, 0)
    assert index.data(POOL_ROLE).realization.phase == cpb.PHASE_ERROR
    assert index.data(CARD_ROLE).phase_label == "Error"
    assert index.data(KEY_ROLE) == "b"
    assert model.card("a").phase_label == "Ready"


def test_a_burst_of_updates_to_one_pool_is_one_change(model):
    model.apply_events(pool_snapshot([ready_pool("a"), ready_pool("b")]))
    spy = Spy().attach(model)
    for revision in range(20, 40):
        pool = ready_pool("a")
        pool.realization.message = f"revision {revision}"
        model.apply_event(pool_event(UPDATED, pool, revision=revision))
    model.flush()
    assert spy.changed == [(0, 0)]
    assert model.pool("a").realization.message == "revision 39"


def test_removed_pool_goes_and_its_card_with_it(model):
    model.apply_events(pool_snapshot([ready_pool("a"), ready_pool("b"), ready_pool("c")]))
    spy = Spy().attach(model)
    model.apply_event(pool_event(REMOVED, key="b", revision=12))
    model.flush()
    assert names(model) == ["a", "c"]
    assert spy.removed == [(1, 1)]
    assert model.card("b") is None and model.row_of("c") == 1


def test_a_new_snapshot_keeps_rows_and_drops_only_the_missing(model):
    model.apply_events(pool_snapshot([ready_pool("a"), ready_pool("b")]))
    spy = Spy().attach(model)
    model.apply_events(pool_snapshot([ready_pool("b"), ready_pool("d")], revision=30))
    assert names(model) == ["b", "d"]
    assert spy.resets == 0  # changed in place, never wiped


def test_node_events_are_not_pools(model):
    node = make_node("host-a")
    model.apply_event(pool_event(RESET))
    event = pb.WatchEvent(type=ADDED, kind=pb.OBJECT_KIND_NODE, key="host-a", node=node)
    model.apply_event(event)
    model.apply_event(pool_event(SYNCED))
    assert model.rowCount() == 0
    assert model.is_synced


def test_tab_counts_and_the_filter_proxy(model):
    pending = make_pool(
        nfs_spec("nfs-new"),
        cpb.PHASE_PENDING,
        [host_status("host-a", cpb.PHASE_PENDING)],
        message="Initializing on 1 of 1 hosts",
    )
    degraded = make_pool(nfs_spec("nfs-half"), cpb.PHASE_DEGRADED)
    model.apply_events(
        pool_snapshot(
            [ready_pool("nfs-a"), ready_pool("media"), error_pool("nfs-b"), pending, degraded]
        )
    )
    counts = model.tab_counts()
    assert counts == {
        FilterTab.ALL: 5,
        FilterTab.READY: 2,
        FilterTab.DEGRADED: 1,
        FilterTab.ERROR: 1,
        FilterTab.PENDING: 1,
        FilterTab.UNMANAGED: 0,  # pools Quantix did not create are another model's
    }
    assert model.tab_counts("NFS")[FilterTab.ALL] == 4  # case-insensitive name search
    assert model.tab_counts("nfs")[FilterTab.READY] == 1

    proxy = CardFilterProxy(model, FilterTab.ALL)
    shown = lambda: [proxy.index(r, 0).data(KEY_ROLE) for r in range(proxy.rowCount())]  # noqa: E731
    assert shown() == ["media", "nfs-a", "nfs-b", "nfs-half", "nfs-new"]  # sorted by name
    proxy.set_tab(FilterTab.ERROR)
    assert shown() == ["nfs-b"]
    proxy.set_tab(FilterTab.READY)
    proxy.set_search("NFS")
    assert shown() == ["nfs-a"]
    # A live change moves a pool between tabs.
    model.apply_event(pool_event(UPDATED, ready_pool("nfs-b"), revision=20))
    model.flush()
    assert shown() == ["nfs-a", "nfs-b"]


def test_two_thousand_pools_load_in_one_insertion_without_a_widget_per_pool(model, qtbot):
    view = StatusCardView()
    qtbot.addWidget(view)  # closed after the test: a window left on screen takes later hovers
    proxy = CardFilterProxy(model, FilterTab.ALL)
    view.setModel(proxy)
    view.resize(1000, 700)
    view.show()
    qtbot.waitExposed(view)
    widgets_before = len(view.findChildren(QWidget))
    spy = Spy().attach(model)
    pools = [
        error_pool(f"pool-{i:04d}") if i % 7 == 0 else ready_pool(f"pool-{i:04d}")
        for i in range(2000)
    ]
    with qtbot.waitSignal(model.synced):
        model.apply_events(pool_snapshot(pools))
    assert spy.inserted == [(0, 1999)]
    assert proxy.rowCount() == 2000
    view.grab()  # paints every visible card through the delegate
    view.scrollToBottom()
    view.grab()
    assert len(view.findChildren(QWidget)) == widgets_before  # cards are painted, not widgets
    assert view.indexWidget(proxy.index(0, 0)) is None
    assert model.tab_counts()[FilterTab.ERROR] == len(range(0, 2000, 7))


def test_tooltip_and_accessible_text_name_every_host(model):
    pool = make_pool(
        nfs_spec("nfs-media"),
        cpb.PHASE_DEGRADED,
        [
            host_status("host-a"),
            host_status("host-b"),
            host_status("host-c", cpb.PHASE_ERROR, "NFS mount failed: access denied"),
        ],
        message="Ready on 2 of 3 hosts; not on host-c: host-c: NFS mount failed: access denied",
    )
    model.apply_events(pool_snapshot([pool]))
    index = model.index(0, 0)
    tooltip = index.data(Qt.ItemDataRole.ToolTipRole)
    assert "host-c: Error" in tooltip and "host-a: Ready" in tooltip
    assert "access denied" in index.data(Qt.ItemDataRole.AccessibleTextRole)


def test_pools_are_kept_in_name_order_and_new_ones_merge_in(model):
    model.apply_events(pool_snapshot([ready_pool(n) for n in ("delta", "bravo", "Foxtrot")]))
    assert names(model) == ["bravo", "delta", "Foxtrot"]  # case-insensitive
    spy = Spy().attach(model)
    for name in ("charlie", "alpha", "echo", "charlie-2", "golf"):
        model.apply_event(pool_event(ADDED, ready_pool(name), revision=40))
    model.flush()
    assert names(model) == [
        "alpha",
        "bravo",
        "charlie",
        "charlie-2",
        "delta",
        "echo",
        "Foxtrot",
        "golf",
    ]
    # One insertion per run of new neighbours, the last run first (so the row numbers of the
    # runs still to come are those of the list as it was).
    assert spy.inserted == [(3, 3), (2, 2), (1, 2), (0, 0)]
    assert [model.row_of(n) for n in ("alpha", "golf")] == [0, 7]
    assert model.card("charlie-2").name == "charlie-2"

"""HostsModel fed with real quantix.v1 WatchEvent messages."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from PySide6.QtCore import QModelIndex, Qt

from clients import present
from console.models.hosts_model import (
    KEY_ROLE,
    MAX_CHANGED_RANGES,
    NODE_ROLE,
    Column,
    HostsModel,
)
from console.status_colours import STATUS_COLOURS
from proto.quantix.v1 import coordinator_pb2 as pb
from tests.console.messages import event, make_node

RESET = pb.WatchEvent.TYPE_RESET
ADDED = pb.WatchEvent.TYPE_ADDED
UPDATED = pb.WatchEvent.TYPE_UPDATED
REMOVED = pb.WatchEvent.TYPE_REMOVED
SYNCED = pb.WatchEvent.TYPE_SYNCED
NOW = 1_800_000_000.0


@dataclass
class Spy:
    """Every structural signal of a model, in order."""

    changed: list[tuple[int, int, int, int]] = field(default_factory=list)
    inserted: list[tuple[int, int]] = field(default_factory=list)
    removed: list[tuple[int, int]] = field(default_factory=list)
    resets: int = 0

    def attach(self, model: HostsModel) -> Spy:
        model.dataChanged.connect(
            lambda tl, br, _roles=None: self.changed.append(
                (tl.row(), br.row(), tl.column(), br.column())
            )
        )
        model.rowsInserted.connect(lambda _p, a, b: self.inserted.append((a, b)))
        model.rowsRemoved.connect(lambda _p, a, b: self.removed.append((a, b)))
        model.modelReset.connect(self._on_reset)
        return self

    def _on_reset(self) -> None:
        self.resets += 1


def snapshot(model: HostsModel, *nodes: pb.Node, revision: int = 10) -> None:
    model.apply_event(event(RESET, revision=revision))
    for node in nodes:
        model.apply_event(event(ADDED, node.name, node, revision))
    model.apply_event(event(SYNCED, revision=revision))


def keys(model: HostsModel) -> list[str]:
    return [model.key_at(row) for row in range(model.rowCount())]


def cell(model: HostsModel, key: str, column: Column, role: int = Qt.ItemDataRole.DisplayRole):
    row = model.row_of(key)
    assert row is not None, f"{key} not in the model"
    return model.index(row, column).data(role)


@pytest.fixture
def model(qapp) -> HostsModel:
    return HostsModel(clock=lambda: NOW)


def test_snapshot_fills_every_column(model, qtbot):
    with qtbot.waitSignal(model.synced):
        snapshot(
            model,
            make_node("host-a", address="127.0.0.1:7501"),
            make_node(
                "host-b",
                pb.NODE_STATUS_OFFLINE,
                last_seen=NOW - 17,
                threads=8,
                memory=1536 * 1024**2,
            ),
            make_node("host-c", pb.NODE_STATUS_MAINTENANCE, message="Put in maintenance"),
        )
    assert model.is_synced
    assert keys(model) == ["host-a", "host-b", "host-c"]
    assert model.columnCount() == len(Column)
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in Column]
    assert headers == [
        "Name",
        "Address",
        "Status",
        "CPU",
        "Memory",
        "CPU usage",
        "Memory usage",
        "libvirt",
        "Last seen",
    ]
    # No usage source given: no figure, not a made-up 0 %.
    assert cell(model, "host-a", Column.CPU_USAGE) == ""

    assert cell(model, "host-a", Column.NAME) == "host-a"
    assert cell(model, "host-a", Column.ADDRESS) == "127.0.0.1:7501"
    assert cell(model, "host-a", Column.STATUS) == "Connected"
    assert cell(model, "host-a", Column.CPU) == "Intel Xeon · 16 threads"
    assert cell(model, "host-a", Column.MEMORY) == "64.0 GiB"
    assert cell(model, "host-a", Column.LIBVIRT) == "9.0.0"
    assert cell(model, "host-a", Column.LAST_SEEN) == "Now"

    # Offline: status in colour *and* text, the reason visible in the cell and the tooltip.
    offline = f"Offline — no heartbeat since {present.clock_time(NOW - 17, NOW)}, 17 s ago"
    assert cell(model, "host-b", Column.STATUS) == offline
    assert cell(model, "host-b", Column.STATUS, Qt.ItemDataRole.ToolTipRole) == offline
    colour = cell(model, "host-b", Column.STATUS, Qt.ItemDataRole.ForegroundRole)
    assert colour.name() == STATUS_COLOURS[pb.NODE_STATUS_OFFLINE]
    assert cell(model, "host-b", Column.STATUS, Qt.ItemDataRole.DecorationRole) is not None
    assert cell(model, "host-b", Column.LAST_SEEN) == "17 s ago"
    assert cell(model, "host-b", Column.CPU) == "Intel Xeon · 8 threads"
    assert cell(model, "host-b", Column.MEMORY) == "1.5 GiB"
    assert cell(model, "host-c", Column.STATUS) == "Maintenance — Put in maintenance"
    assert cell(model, "host-a", Column.NAME, NODE_ROLE).name == "host-a"
    assert cell(model, "host-a", Column.NAME, KEY_ROLE) == "host-a"
    assert model.status_counts() == {
        pb.NODE_STATUS_CONNECTED: 1,
        pb.NODE_STATUS_OFFLINE: 1,
        pb.NODE_STATUS_MAINTENANCE: 1,
    }


def test_large_snapshot_is_inserted_in_one_batch(model):
    spy = Spy().attach(model)
    nodes = [make_node(f"host-{i:04d}") for i in range(1000)]
    snapshot(model, *nodes)
    assert model.rowCount() == 1000
    assert spy.inserted == [(0, 999)]
    assert spy.resets == 0
    assert model.row_of("host-0500") == 500


def test_snapshot_arriving_slowly_is_flushed_by_the_timer(model, qtbot):
    model.apply_event(event(RESET, revision=3))
    model.apply_event(event(ADDED, "host-a", make_node("host-a"), 3))
    model.apply_event(event(ADDED, "host-b", make_node("host-b"), 3))
    assert model.rowCount() == 0  # buffered
    with qtbot.waitSignal(model.rowsInserted, timeout=5000):
        pass
    assert keys(model) == ["host-a", "host-b"]
    assert not model.is_synced  # rows shown, but the snapshot is not complete yet


def test_update_changes_only_that_row(model, qtbot):
    snapshot(model, make_node("host-a"), make_node("host-b"), make_node("host-c"))
    spy = Spy().attach(model)
    offline = make_node("host-b", pb.NODE_STATUS_OFFLINE, last_seen=NOW - 6)
    model.apply_event(event(UPDATED, "host-b", offline, 11))
    model.flush()
    assert spy.changed == [(1, 1, 0, len(Column) - 1)]
    assert spy.inserted == [] and spy.removed == [] and spy.resets == 0
    assert cell(model, "host-b", Column.STATUS).endswith(", 6 s ago")


def test_update_is_applied_by_the_flush_timer(model, qtbot):
    snapshot(model, make_node("host-a"), make_node("host-b"))
    updated = make_node("host-a", libvirt="10.0.0")

    def is_row_0_update(top_left, bottom_right, _roles=None) -> bool:
        return top_left.row() == bottom_right.row() == 0 and top_left.column() == 0

    with qtbot.waitSignal(model.dataChanged, timeout=5000, check_params_cb=is_row_0_update):
        model.apply_event(event(UPDATED, "host-a", updated, 11))
    assert cell(model, "host-a", Column.LIBVIRT) == "10.0.0"


def test_burst_of_updates_to_one_host_coalesces(model):
    snapshot(model, make_node("host-a"), make_node("host-b"))
    spy = Spy().attach(model)
    for revision in range(11, 111):
        node = make_node("host-b", threads=revision)
        model.apply_event(event(UPDATED, "host-b", node, revision))
    model.flush()
    assert spy.changed == [(1, 1, 0, len(Column) - 1)]
    assert cell(model, "host-b", Column.CPU) == "Intel Xeon · 110 threads"


def test_thousand_updates_make_a_bounded_number_of_signals(model):
    snapshot(model, *(make_node(f"host-{i:04d}") for i in range(1000)))
    spy = Spy().attach(model)
    for i in range(0, 1000, 2):  # every other host: 500 separate ranges
        node = make_node(f"host-{i:04d}", pb.NODE_STATUS_OFFLINE, last_seen=NOW - 20)
        model.apply_event(event(UPDATED, node.name, node, 20 + i))
    model.flush()
    assert 1 <= len(spy.changed) <= MAX_CHANGED_RANGES
    assert spy.resets == 0
    assert model.status_counts()[pb.NODE_STATUS_OFFLINE] == 500


def test_remove(model):
    snapshot(model, *(make_node(name) for name in ("a", "b", "c", "d")))
    spy = Spy().attach(model)
    model.apply_event(event(REMOVED, "b", revision=11))
    model.apply_event(event(REMOVED, "c", revision=12))
    model.flush()
    assert spy.removed == [(1, 2)]  # contiguous rows removed together
    assert spy.resets == 0
    assert keys(model) == ["a", "d"]
    assert model.row_of("d") == 1
    assert model.row_of("b") is None


def test_add_and_remove_in_one_batch_cancel_out(model):
    snapshot(model, make_node("a"))
    spy = Spy().attach(model)
    model.apply_event(event(ADDED, "x", make_node("x"), 11))
    model.apply_event(event(REMOVED, "x", revision=12))
    model.flush()
    assert spy.inserted == [] and spy.removed == []
    assert keys(model) == ["a"]


def test_reset_keeps_rows_until_synced_and_changes_only_the_difference(model):
    snapshot(model, make_node("a"), make_node("b"), make_node("c"))
    spy = Spy().attach(model)
    model.apply_event(event(RESET, revision=50))
    model.apply_event(event(ADDED, "b", make_node("b", pb.NODE_STATUS_OFFLINE), 50))
    model.apply_event(event(ADDED, "d", make_node("d"), 50))
    model.flush()  # a timer flush in the middle of the snapshot
    assert keys(model) == ["a", "b", "c", "d"]  # nothing removed before SYNCED
    model.apply_event(event(SYNCED, revision=50))
    assert keys(model) == ["b", "d"]
    assert spy.resets == 0  # the view (and its selection) survives a RESET
    assert (0, 0) in spy.removed and spy.inserted == [(3, 3)]
    assert cell(model, "b", Column.STATUS) == "Offline"
    assert model.row_of("d") == 1


def test_reset_to_an_empty_fleet(model, qtbot):
    snapshot(model, make_node("a"), make_node("b"))
    snapshot(model, revision=60)
    assert model.rowCount() == 0
    assert model.is_synced


def test_other_kinds_and_bad_events_are_ignored(model):
    snapshot(model, make_node("a"))
    other = pb.WatchEvent(type=ADDED, revision=11, kind=99, key="pool-1")
    model.apply_event(other)
    model.apply_event(pb.WatchEvent(type=UPDATED, revision=12, kind=pb.OBJECT_KIND_NODE, key="a"))
    model.flush()
    assert keys(model) == ["a"]


def test_clear(model):
    snapshot(model, make_node("a"))
    spy = Spy().attach(model)
    model.clear()
    assert model.rowCount() == 0 and spy.resets == 1 and not model.is_synced


def test_age_cells_refresh_every_second_without_reset(qapp, qtbot):
    now = [NOW]
    model = HostsModel(clock=lambda: now[0])
    snapshot(model, make_node("b", pb.NODE_STATUS_OFFLINE, last_seen=NOW - 3))
    assert cell(model, "b", Column.LAST_SEEN) == "3 s ago"
    spy = Spy().attach(model)
    now[0] += 10

    def is_last_seen(top_left, bottom_right, _roles=None) -> bool:
        return top_left.column() == bottom_right.column() == Column.LAST_SEEN

    with qtbot.waitSignal(model.dataChanged, timeout=5000, check_params_cb=is_last_seen):
        pass
    assert cell(model, "b", Column.LAST_SEEN) == "13 s ago"
    assert cell(model, "b", Column.STATUS).endswith(", 13 s ago")
    assert spy.resets == 0 and spy.inserted == [] and spy.removed == []


def test_invalid_index(model):
    assert model.data(QModelIndex()) is None
    assert model.rowCount(model.index(0, 0)) == 0

"""The Hosts table: one row per node, fed by the coordinator's Watch events.

Events are buffered and applied in batches (every ``FLUSH_INTERVAL_MS``, and at once on
SYNCED), so a 1,000-host snapshot becomes a handful of row insertions and a storm of updates
to the same hosts collapses into one ``dataChanged`` per batch, not one per event:

- ADDED / UPDATED of a known host: its row changes in place (``dataChanged`` for that row).
- ADDED of a new host: appended with one ``beginInsertRows`` per batch.
- REMOVED: its row is removed (``beginRemoveRows``, contiguous rows together).
- RESET: the hosts shown so far stay until SYNCED; hosts the new snapshot did not mention are
  then removed. So a reconnect that needs a fresh snapshot keeps the table (and the user's
  selection) in place and changes only what really changed.

Rows stay in arrival order; sorting and filtering are a QSortFilterProxyModel's job.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)

from clients import present
from console.style import status_colour, status_icon
from domain.units import format_bytes
from proto.quantix.v1 import coordinator_pb2 as pb

# Buffering window for Watch events. 50 ms is below what a person notices as lag, and long
# enough that a snapshot of 1,000 hosts (or a burst of 1,000 updates) arrives as a few
# batches instead of 1,000 separate row insertions and repaints.
FLUSH_INTERVAL_MS = 50

# "Last seen" and the offline duration count seconds, so they are redrawn once a second.
AGE_REFRESH_MS = 1000

# Changed rows are announced as contiguous ranges; past this many ranges in one batch a
# single range from the first to the last changed row is cheaper for views than many signals.
MAX_CHANGED_RANGES = 16

AnyIndex = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()


class Column(IntEnum):
    NAME = 0
    ADDRESS = 1
    STATUS = 2
    CPU = 3
    MEMORY = 4
    LIBVIRT = 5
    LAST_SEEN = 6


HEADERS: dict[Column, str] = {
    Column.NAME: "Name",
    Column.ADDRESS: "Address",
    Column.STATUS: "Status",
    Column.CPU: "CPU",
    Column.MEMORY: "Memory",
    Column.LIBVIRT: "libvirt",
    Column.LAST_SEEN: "Last seen",
}

HEADER_TOOLTIPS: dict[Column, str] = {
    Column.ADDRESS: "Where the host's node daemon listens",
    Column.STATUS: "As the coordinator sees the host; hover a cell for the full reason",
    Column.LIBVIRT: "libvirt library version on the host",
    Column.LAST_SEEN: "When the coordinator last heard from a host that is not connected",
}

NODE_ROLE = Qt.ItemDataRole.UserRole + 1  # the pb.Node of the row
KEY_ROLE = Qt.ItemDataRole.UserRole + 2  # the Watch key of the row
SORT_ROLE = Qt.ItemDataRole.UserRole + 3  # a value that sorts naturally (numbers, not text)

# Offline hosts first when sorting by status: they are the ones that need attention.
_STATUS_SORT_ORDER = {
    pb.NODE_STATUS_OFFLINE: 0,
    pb.NODE_STATUS_UNSPECIFIED: 1,
    pb.NODE_STATUS_MAINTENANCE: 2,
    pb.NODE_STATUS_CONNECTED: 3,
}


class HostsModel(QAbstractTableModel):
    # The first snapshot (or the one after a RESET) is complete: an empty table now means
    # "no hosts", not "still loading".
    synced = Signal()

    def __init__(
        self, parent: QObject | None = None, clock: Callable[[], float] = time.time
    ) -> None:
        super().__init__(parent)
        self._clock = clock
        self._nodes: list[pb.Node] = []
        self._keys: list[str] = []
        self._row_of: dict[str, int] = {}
        # Changes not applied yet: key -> new node, or None for a removal. Insertion-ordered,
        # so new hosts are appended in the order the coordinator sent them.
        self._pending: dict[str, pb.Node | None] = {}
        # Between RESET and SYNCED: the keys the new snapshot has mentioned so far.
        self._seen_since_reset: set[str] | None = None
        self.is_synced = False

        self._flush_timer = QTimer(self)
        self._flush_timer.setSingleShot(True)
        self._flush_timer.setInterval(FLUSH_INTERVAL_MS)
        self._flush_timer.timeout.connect(self.flush)

        self._age_timer = QTimer(self)
        self._age_timer.setInterval(AGE_REFRESH_MS)
        self._age_timer.timeout.connect(self._on_age_timer)

    # --- Watch events ---------------------------------------------------------------------

    def apply_event(self, event: pb.WatchEvent) -> None:
        """Take one Watch event; rows change at the next flush (SYNCED flushes at once)."""
        kind = event.type
        if event.kind not in (pb.OBJECT_KIND_NODE, pb.OBJECT_KIND_UNSPECIFIED):
            return  # another kind of object: another model's business
        if kind == pb.WatchEvent.TYPE_RESET:
            self._pending.clear()
            self._seen_since_reset = set()
            self.is_synced = False
        elif kind in (pb.WatchEvent.TYPE_ADDED, pb.WatchEvent.TYPE_UPDATED):
            if not event.HasField("node"):
                return
            self._pending[event.key] = event.node
            if self._seen_since_reset is not None:
                self._seen_since_reset.add(event.key)
            self._schedule_flush()
        elif kind == pb.WatchEvent.TYPE_REMOVED:
            self._pending[event.key] = None
            if self._seen_since_reset is not None:
                self._seen_since_reset.discard(event.key)
            self._schedule_flush()
        elif kind == pb.WatchEvent.TYPE_SYNCED:
            self._on_synced()

    def apply_events(self, events: Iterable[pb.WatchEvent]) -> None:
        for event in events:
            self.apply_event(event)

    def _schedule_flush(self) -> None:
        if not self._flush_timer.isActive():
            self._flush_timer.start()

    def _on_synced(self) -> None:
        seen = self._seen_since_reset
        self._seen_since_reset = None
        if seen is not None:
            for key in self._keys:
                if key not in seen:
                    self._pending[key] = None
        self.flush()
        if not self.is_synced:
            self.is_synced = True
            self.synced.emit()

    def flush(self) -> None:
        """Apply every buffered change now: removals, then in-place updates, then insertions."""
        self._flush_timer.stop()
        if not self._pending:
            return
        pending, self._pending = self._pending, {}
        removed = [key for key, node in pending.items() if node is None and key in self._row_of]
        updated: list[int] = []
        added: list[tuple[str, pb.Node]] = []
        self._remove_keys(removed)
        for key, node in pending.items():
            if node is None:
                continue
            row = self._row_of.get(key)
            if row is None:
                added.append((key, node))
            else:
                self._nodes[row] = node
                updated.append(row)
        self._announce_changed_rows(updated)
        if added:
            first = len(self._nodes)
            self.beginInsertRows(_ROOT, first, first + len(added) - 1)
            for offset, (key, node) in enumerate(added):
                self._keys.append(key)
                self._nodes.append(node)
                self._row_of[key] = first + offset
            self.endInsertRows()
        self._update_age_timer()

    def clear(self) -> None:
        """Forget every host (switching to another coordinator)."""
        self._flush_timer.stop()
        self._pending.clear()
        self._seen_since_reset = None
        self.is_synced = False
        self.beginResetModel()
        self._nodes.clear()
        self._keys.clear()
        self._row_of.clear()
        self.endResetModel()
        self._update_age_timer()

    def _remove_keys(self, keys: list[str]) -> None:
        if not keys:
            return
        rows = sorted((self._row_of[key] for key in keys), reverse=True)
        # Contiguous runs, last first, so earlier row numbers stay valid while removing.
        start = end = rows[0]
        for row in [*rows[1:], None]:
            if row is not None and row == start - 1:
                start = row
                continue
            self.beginRemoveRows(_ROOT, start, end)
            del self._nodes[start : end + 1]
            del self._keys[start : end + 1]
            self.endRemoveRows()
            if row is not None:
                start = end = row
        self._row_of = {key: row for row, key in enumerate(self._keys)}

    def _announce_changed_rows(self, rows: list[int]) -> None:
        if not rows:
            return
        rows.sort()
        ranges: list[tuple[int, int]] = []
        for row in rows:
            if ranges and row <= ranges[-1][1] + 1:
                ranges[-1] = (ranges[-1][0], max(row, ranges[-1][1]))
            else:
                ranges.append((row, row))
        if len(ranges) > MAX_CHANGED_RANGES:
            ranges = [(rows[0], rows[-1])]
        last_column = len(Column) - 1
        for first, last in ranges:
            self.dataChanged.emit(self.index(first, 0), self.index(last, last_column))

    def _update_age_timer(self) -> None:
        if self._nodes and not self._age_timer.isActive():
            self._age_timer.start()
        elif not self._nodes:
            self._age_timer.stop()

    def _on_age_timer(self) -> None:
        """Redraw the time-dependent cells; the rows themselves do not change."""
        if not self._nodes:
            return
        last = len(self._nodes) - 1
        roles = [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, SORT_ROLE]
        for column in (Column.STATUS, Column.LAST_SEEN):
            self.dataChanged.emit(self.index(0, column), self.index(last, column), roles)

    # --- lookups --------------------------------------------------------------------------

    def node_at(self, row: int) -> pb.Node:
        return self._nodes[row]

    def key_at(self, row: int) -> str:
        return self._keys[row]

    def row_of(self, key: str) -> int | None:
        return self._row_of.get(key)

    def node(self, key: str) -> pb.Node | None:
        row = self._row_of.get(key)
        return None if row is None else self._nodes[row]

    def status_counts(self) -> dict[int, int]:
        counts: dict[int, int] = {}
        for node in self._nodes:
            counts[node.status] = counts.get(node.status, 0) + 1
        return counts

    # --- QAbstractTableModel --------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._nodes)

    def columnCount(self, parent: AnyIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(Column)

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(Column):
            return None
        column = Column(section)
        if role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            return HEADER_TOOLTIPS.get(column)
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._nodes):
            return None
        node = self._nodes[index.row()]
        column = Column(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(node, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(node, column)
        if role == SORT_ROLE:
            return self._sort_value(node, column)
        if role == NODE_ROLE:
            return node
        if role == KEY_ROLE:
            return self._keys[index.row()]
        if column == Column.STATUS:
            if role == Qt.ItemDataRole.DecorationRole:
                return status_icon(node.status)
            if role == Qt.ItemDataRole.ForegroundRole:
                return status_colour(node.status)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == Column.MEMORY:
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        return None

    def _display(self, node: pb.Node, column: Column) -> str:
        info = node.host_info
        if column == Column.NAME:
            return node.name
        if column == Column.ADDRESS:
            return node.address
        if column == Column.STATUS:
            return present.node_status_text(node, self._clock())
        if column == Column.CPU:
            return present.cpu_summary(info.cpu) if node.HasField("host_info") else ""
        if column == Column.MEMORY:
            return format_bytes(info.memory_bytes) if info.memory_bytes else ""
        if column == Column.LIBVIRT:
            return info.libvirt_version
        return present.last_seen_text(node, self._clock())

    def _tooltip(self, node: pb.Node, column: Column) -> str | None:
        if column == Column.STATUS:
            return node.status_message or present.status_label(node.status)
        if column == Column.LAST_SEEN:
            seen = present.timestamp_seconds(node.last_seen)
            if node.status == pb.NODE_STATUS_CONNECTED:
                return "Heartbeats are arriving on time"
            if seen is None:
                return "Never heard from"
            return "Last heartbeat: " + time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(seen))
        if column == Column.CPU and node.HasField("host_info"):
            return present.cpu_topology(node.host_info.cpu)
        if column == Column.LIBVIRT and node.host_info.hypervisor:
            info = node.host_info
            return f"Hypervisor: {info.hypervisor} {info.hypervisor_version}".strip()
        return None

    def _sort_value(self, node: pb.Node, column: Column) -> Any:
        if column == Column.STATUS:
            # A plain string so that QSortFilterProxyModel can compare it without Python.
            return f"{_STATUS_SORT_ORDER.get(node.status, 1)}{node.name.casefold()}"
        if column == Column.MEMORY:
            return node.host_info.memory_bytes
        if column == Column.CPU:
            return node.host_info.cpu.logical_cpus
        if column == Column.LAST_SEEN:
            if node.status == pb.NODE_STATUS_CONNECTED:
                return float("inf")
            return present.timestamp_seconds(node.last_seen) or 0.0
        return self._display(node, column).casefold()

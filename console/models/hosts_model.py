"""The Hosts table: one row per node, fed by the coordinator's Watch events.

Batching (a 1,000-host snapshot becomes a handful of row insertions, a storm of updates one
``dataChanged`` per changed row), RESET keeping the rows until SYNCED, and key -> row come from
WatchListModel. Rows stay in arrival order; sorting and filtering are a QSortFilterProxyModel's
job. "Status" and "Last seen" count seconds, so they are redrawn once a second. "CPU usage"
and "Memory usage" are the current % from a usage source (console.usage.usage_store, given
with ``set_usage``), redrawn for the hosts it says changed; a delegate draws their sparklines.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from enum import IntEnum
from typing import Any, Protocol

from PySide6.QtCore import QObject, Qt, QTimer, SignalInstance

from clients import present
from console.models.watch_list_model import (  # the batching constants: still importable here
    FLUSH_INTERVAL_MS,  # noqa: F401
    MAX_CHANGED_RANGES,  # noqa: F401
    ROOT,
    AnyIndex,
    WatchListModel,
)
from console.status_colours import status_colour, status_icon
from console.usage.usage_text import percent, source_text
from domain.units import format_bytes
from proto.quantix.v1 import coordinator_pb2 as pb

# "Last seen" and the offline duration count seconds, so they are redrawn once a second.
AGE_REFRESH_MS = 1000


class Column(IntEnum):
    NAME = 0
    ADDRESS = 1
    STATUS = 2
    CPU = 3
    MEMORY = 4
    CPU_USAGE = 5
    MEMORY_USAGE = 6
    LIBVIRT = 7
    LAST_SEEN = 8


USAGE_COLUMNS = (Column.CPU_USAGE, Column.MEMORY_USAGE)


HEADERS: dict[Column, str] = {
    Column.NAME: "Name",
    Column.ADDRESS: "Address",
    Column.STATUS: "Status",
    Column.CPU: "CPU",
    Column.MEMORY: "Memory",
    Column.CPU_USAGE: "CPU usage",
    Column.MEMORY_USAGE: "Memory usage",
    Column.LIBVIRT: "libvirt",
    Column.LAST_SEEN: "Last seen",
}

HEADER_TOOLTIPS: dict[Column, str] = {
    Column.ADDRESS: "Where the host's node daemon listens",
    Column.STATUS: "As the coordinator sees the host; hover a cell for the full reason",
    Column.CPU_USAGE: "Share of all logical CPUs busy: the last 15 minutes, and now",
    Column.MEMORY_USAGE: "Share of memory in use: the last 15 minutes, and now",
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


class UsageSource(Protocol):
    """What the usage columns read (console.usage.usage_store.UsageStore)."""

    @property
    def changed(self) -> SignalInstance: ...  # frozenset[str] of hosts

    def latest(self, host: str) -> tuple[float, float] | None: ...

    def source(self, host: str) -> int: ...


class HostsModel(WatchListModel[pb.Node]):
    """Hosts in arrival order (no ``sort_key``): sorting and filtering are the proxy's job.

    Batching, key -> row, RESET until SYNCED and per-row ``dataChanged`` come from
    WatchListModel; this model adds the columns and the once-a-second age refresh.
    """

    def __init__(
        self, parent: QObject | None = None, clock: Callable[[], float] = time.time
    ) -> None:
        super().__init__(pb.OBJECT_KIND_NODE, "node", parent)
        self._clock = clock
        self._age_timer = QTimer(self)
        self._age_timer.setInterval(AGE_REFRESH_MS)
        self._age_timer.timeout.connect(self._on_age_timer)
        self.batch_applied.connect(self._update_age_timer)
        self._usage: UsageSource | None = None

    def set_usage(self, usage: UsageSource) -> None:
        """Fill the usage columns from ``usage``; their cells are redrawn for the hosts it
        says changed (only those columns: the proxy does not re-sort by name for them)."""
        self._usage = usage
        usage.changed.connect(self._on_usage_changed)

    def _on_usage_changed(self, hosts: frozenset[str]) -> None:
        row_of = self._row_of
        rows = [row_of[host] for host in hosts if host in row_of]
        roles = [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, SORT_ROLE]
        self._announce_changed_rows(rows, (USAGE_COLUMNS[0], USAGE_COLUMNS[-1]), roles)

    def _update_age_timer(self) -> None:
        if self._items and not self._age_timer.isActive():
            self._age_timer.start()
        elif not self._items:
            self._age_timer.stop()

    def _on_age_timer(self) -> None:
        """Redraw the time-dependent cells; the rows themselves do not change."""
        if not self._items:
            return
        last = len(self._items) - 1
        roles = [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, SORT_ROLE]
        for column in (Column.STATUS, Column.LAST_SEEN):
            self.dataChanged.emit(self.index(0, column), self.index(last, column), roles)

    # --- lookups --------------------------------------------------------------------------

    def node_at(self, row: int) -> pb.Node:
        return self.item_at(row)

    def node(self, key: str) -> pb.Node | None:
        return self.item(key)

    def status_counts(self) -> dict[int, int]:
        counts: dict[int, int] = {}
        for node in self._items:
            counts[node.status] = counts.get(node.status, 0) + 1
        return counts

    # --- QAbstractTableModel --------------------------------------------------------------

    def columnCount(self, parent: AnyIndex = ROOT) -> int:
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
        if not index.isValid() or index.row() >= len(self._items):
            return None
        node = self._items[index.row()]
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
            return self.key_at(index.row())
        if column == Column.STATUS:
            if role == Qt.ItemDataRole.DecorationRole:
                return status_icon(node.status)
            if role == Qt.ItemDataRole.ForegroundRole:
                return status_colour(node.status)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (Column.MEMORY, *USAGE_COLUMNS):
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
        if column in USAGE_COLUMNS:
            figure = self._usage_figure(node.name, column)
            return "" if figure is None else percent(figure)
        return present.last_seen_text(node, self._clock())

    def _usage_figure(self, host: str, column: Column) -> float | None:
        latest = self._usage.latest(host) if self._usage is not None else None
        if latest is None:
            return None
        return latest[0] if column == Column.CPU_USAGE else latest[1]

    def _tooltip(self, node: pb.Node, column: Column) -> str | None:
        if column == Column.STATUS:
            return present.node_status_text(node, self._clock())
        if column == Column.LAST_SEEN:
            seen = present.timestamp_seconds(node.last_seen)
            if node.status == pb.NODE_STATUS_CONNECTED:
                return "Heartbeats are arriving on time"
            if seen is None:
                return "Never heard from"
            return "Last heartbeat: " + time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(seen))
        if column == Column.CPU and node.HasField("host_info"):
            return present.cpu_topology(node.host_info.cpu)
        if column in USAGE_COLUMNS and self._usage is not None:
            figure = self._usage_figure(node.name, column)
            what = "CPU busy" if column == Column.CPU_USAGE else "Memory in use"
            where = source_text(self._usage.source(node.name))
            if figure is None:
                return f"{what}: no figure in the last 15 s (source: {where})"
            return f"{what}: {percent(figure)} now; the line: the last 15 minutes ({where})"
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
        if column in USAGE_COLUMNS:
            figure = self._usage_figure(node.name, column)
            return -1.0 if figure is None else figure  # no figure sorts below 0 %
        if column == Column.LAST_SEEN:
            if node.status == pb.NODE_STATUS_CONNECTED:
                return float("inf")
            return present.timestamp_seconds(node.last_seen) or 0.0
        return self._display(node, column).casefold()

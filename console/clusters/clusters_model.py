"""Clusters, one row each, fed by Watch (``OBJECT_KIND_CLUSTER``, keyed by name), in name
order; and what the page and the detail read from the hosts model about a cluster's members.

Columns: name, status (colour, dot and word), HA/DRS badges, hosts online/total, CPU, memory
and storage bars, and the status's reason. Storage comes from the cluster's figures. CPU and
memory move every few seconds and are not in the cluster: ``set_latest_usage`` is the hook
that takes them per cluster (console.clusters.usage_hook feeds it from a usage store); until
it does, those bars say "no usage yet".
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QColor

from clients import present
from console.clusters import cluster_text
from console.clusters.cluster_style import status_icon, status_tone
from console.models.hosts_model import HostsModel
from console.models.watch_list_model import ROOT, AnyIndex, WatchListModel
from domain.clusters import ClusterSpec
from domain.node_status import NodeStatus
from proto.quantix.v1 import coordinator_pb2 as pb
from wire.cluster_codec import drs_from_pb, ha_from_pb

CLUSTER_ROLE = Qt.ItemDataRole.UserRole + 20  # the pb.Cluster of the row
KEY_ROLE = Qt.ItemDataRole.UserRole + 21  # its name
SORT_ROLE = Qt.ItemDataRole.UserRole + 22  # what a column sorts by (numbers as numbers)
BAR_ROLE = Qt.ItemDataRole.UserRole + 23  # a cluster_text.Bar (CPU, memory, storage)
BADGES_ROLE = Qt.ItemDataRole.UserRole + 24  # ((text, on), ...) for the HA/DRS column
SEARCH_ROLE = Qt.ItemDataRole.UserRole + 25  # the text a search matches: name, labels, ...


class Column(enum.IntEnum):
    NAME = 0
    STATUS = 1
    POLICY = 2
    HOSTS = 3
    CPU = 4
    MEMORY = 5
    STORAGE = 6
    REASON = 7


HEADERS: dict[Column, str] = {
    Column.NAME: "Name",
    Column.STATUS: "Status",
    Column.POLICY: "HA / DRS",
    Column.HOSTS: "Hosts",
    Column.CPU: "CPU",
    Column.MEMORY: "Memory",
    Column.STORAGE: "Storage",
    Column.REASON: "Reason",
}
HEADER_TOOLTIPS: dict[Column, str] = {
    Column.STATUS: "From the members' status and load; the reason is in the last column",
    Column.POLICY: "High availability and load balancing (DRS)",
    Column.HOSTS: "Connected members of all members",
    Column.CPU: "Latest CPU use across the members (weighted by their CPUs)",
    Column.MEMORY: "Latest memory use across the members (weighted by their memory)",
    Column.STORAGE: "Capacity used in the pools on the members (a shared pool counted once)",
}
BAR_COLUMNS = (Column.CPU, Column.MEMORY, Column.STORAGE)


@dataclass(frozen=True)
class UsageFractions:
    """The latest share in use across a cluster's members, 0..1; None: no sample yet."""

    cpu: float | None = None
    memory: float | None = None


def spec_of(cluster: pb.Cluster) -> ClusterSpec:
    """The cluster's settings as the domain has them (enums read with their defaults; the
    coordinator validated them when they were stored)."""
    message = cluster.spec
    return ClusterSpec(
        name=message.name,
        description=message.description,
        labels=tuple(sorted(message.labels.items())),
        ha=ha_from_pb(message.ha),
        drs=drs_from_pb(message.drs),
        default_pool=message.default_pool,
        default_network=message.default_network,
    )


def _name_order(cluster: pb.Cluster) -> tuple[str, str]:
    return (cluster.spec.name.casefold(), cluster.spec.name)


class ClustersModel(WatchListModel[pb.Cluster]):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(pb.OBJECT_KIND_CLUSTER, "cluster", parent, sort_key=_name_order)
        self._usage: dict[str, UsageFractions] = {}
        self._cluster_of: dict[str, str] = {}  # host -> its cluster, kept as clusters change
        self._hosts_of: dict[str, tuple[str, ...]] = {}

    # --- caches ---------------------------------------------------------------------------

    def item_replaced(self, key: str, item: pb.Cluster) -> None:
        self.item_removed(key)
        self._hosts_of[key] = tuple(item.hosts)
        for host in item.hosts:
            self._cluster_of[host] = key

    def item_removed(self, key: str) -> None:
        for host in self._hosts_of.pop(key, ()):
            if self._cluster_of.get(host) == key:
                del self._cluster_of[host]

    def items_cleared(self) -> None:
        self._cluster_of.clear()
        self._hosts_of.clear()
        self._usage.clear()

    # --- the usage hook -------------------------------------------------------------------

    def set_latest_usage(self, fractions: Mapping[str, UsageFractions]) -> None:
        """The latest CPU and memory fractions of the clusters named (others keep theirs):
        their bars are redrawn, nothing else."""
        changed = []
        for name, value in fractions.items():
            if self._usage.get(name) != value:
                self._usage[name] = value
                row = self.row_of(name)
                if row is not None:
                    changed.append(row)
        for row in changed:
            self.dataChanged.emit(self.index(row, Column.CPU), self.index(row, Column.MEMORY))

    def latest_usage(self, name: str) -> UsageFractions:
        return self._usage.get(name, UsageFractions())

    # --- lookups --------------------------------------------------------------------------

    def cluster(self, name: str) -> pb.Cluster | None:
        return self.item(name) if name else None

    def clusters(self) -> list[pb.Cluster]:
        return self.items()

    def names(self) -> set[str]:
        return {cluster.spec.name for cluster in self._items}

    def cluster_of(self) -> dict[str, str]:
        """Every clustered host -> its cluster (for domain.cluster_rules.membership_conflicts)."""
        return dict(self._cluster_of)

    # --- QAbstractTableModel --------------------------------------------------------------

    def columnCount(self, parent: AnyIndex = ROOT) -> int:
        return 0 if parent.isValid() else len(Column)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(Column):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[Column(section)]
        if role == Qt.ItemDataRole.ToolTipRole:
            return HEADER_TOOLTIPS.get(Column(section))
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._items):
            return None
        cluster = self._items[index.row()]
        column = Column(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(cluster, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(cluster, column)
        if role == CLUSTER_ROLE:
            return cluster
        if role == KEY_ROLE:
            return cluster.spec.name
        if role == SORT_ROLE:
            return self._sort_value(cluster, column)
        if role == BAR_ROLE and column in BAR_COLUMNS:
            return self._bar(cluster, column)
        if role == BADGES_ROLE and column == Column.POLICY:
            spec = cluster.spec
            ha, drs = ha_from_pb(spec.ha), drs_from_pb(spec.drs)
            return (
                (cluster_text.ha_badge(ha), ha.enabled),
                (cluster_text.drs_badge(drs), drs.enabled),
            )
        if role == SEARCH_ROLE:
            spec = cluster.spec
            labels = " ".join(f"{k}={v}" for k, v in spec.labels.items())
            return f"{spec.name} {spec.description} {labels} {' '.join(cluster.hosts)}".casefold()
        if column == Column.STATUS:
            status = cluster_text.status_of(cluster)
            if role == Qt.ItemDataRole.DecorationRole:
                return status_icon(status)
            if role == Qt.ItemDataRole.ForegroundRole:
                return QColor(status_tone(status).text)
        return None

    def _bar(self, cluster: pb.Cluster, column: Column) -> cluster_text.Bar:
        if column == Column.STORAGE:
            return cluster_text.storage_bar(cluster.figures)
        usage = self._usage.get(cluster.spec.name, UsageFractions())
        return cluster_text.usage_bar(usage.cpu if column == Column.CPU else usage.memory)

    def _display(self, cluster: pb.Cluster, column: Column) -> str:
        if column == Column.NAME:
            return cluster.spec.name
        if column == Column.STATUS:
            return cluster_text.status_label(cluster)
        if column == Column.POLICY:
            spec = cluster.spec
            return (
                f"{cluster_text.ha_badge(ha_from_pb(spec.ha))} · "
                f"{cluster_text.drs_badge(drs_from_pb(spec.drs))}"
            )
        if column == Column.HOSTS:
            return cluster_text.hosts_count_text(cluster.figures)
        if column in BAR_COLUMNS:
            return self._bar(cluster, column).text
        return cluster.status_message

    def _tooltip(self, cluster: pb.Cluster, column: Column) -> str | None:
        spec = cluster.spec
        if column in (Column.STATUS, Column.REASON):
            return cluster_text.status_line(cluster)
        if column == Column.POLICY:
            return (
                f"HA: {cluster_text.ha_summary(ha_from_pb(spec.ha))}\n"
                f"DRS: {cluster_text.drs_summary(drs_from_pb(spec.drs))}"
            )
        if column == Column.HOSTS:
            return ", ".join(cluster.hosts) or "No hosts in this cluster"
        if column == Column.NAME and spec.description:
            return spec.description
        if column == Column.STORAGE:
            return cluster_text.storage_text(cluster.figures)
        if column in BAR_COLUMNS:
            return self._bar(cluster, column).text
        return None

    def _sort_value(self, cluster: pb.Cluster, column: Column) -> Any:
        if column == Column.STATUS:
            severity = cluster_text.STATUS_SEVERITY[cluster_text.status_of(cluster)]
            return f"{severity}{cluster.spec.name.casefold()}"
        if column == Column.HOSTS:
            return cluster.figures.hosts_total
        if column in BAR_COLUMNS:
            fraction = self._bar(cluster, column).fraction
            return -1.0 if fraction is None else fraction
        return self._display(cluster, column).casefold()


# --- members, from the hosts model ----------------------------------------------------------


@dataclass(frozen=True)
class Member:
    """One member host as the detail shows it, read from the hosts model now."""

    name: str
    status: int  # a pb.NodeStatus; UNSPECIFIED when the console has not seen the host
    status_text: str
    last_seen: str
    logical_cpus: int = 0
    memory_bytes: int = 0

    @property
    def node_status(self) -> NodeStatus | None:
        return _NODE_STATUS.get(self.status)


_NODE_STATUS = {
    pb.NODE_STATUS_CONNECTED: NodeStatus.CONNECTED,
    pb.NODE_STATUS_OFFLINE: NodeStatus.OFFLINE,
    pb.NODE_STATUS_MAINTENANCE: NodeStatus.MAINTENANCE,
}
UNKNOWN_HOST_TEXT = "Not known to this console yet"


def member(name: str, hosts: HostsModel, now: float) -> Member:
    node = hosts.node(name)
    if node is None:
        return Member(name, pb.NODE_STATUS_UNSPECIFIED, UNKNOWN_HOST_TEXT, "—")
    return Member(
        name,
        node.status,
        present.node_status_text(node, now),
        present.last_seen_text(node, now),
        node.host_info.cpu.logical_cpus,
        node.host_info.memory_bytes,
    )


def members(cluster: pb.Cluster, hosts: HostsModel, now: float) -> list[Member]:
    return [member(name, hosts, now) for name in cluster.hosts]

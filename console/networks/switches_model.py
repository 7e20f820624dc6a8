"""The distributed switches the coordinator manages (Watch-fed, one row per switch), and the
matrix of one switch: a row per host, a column per uplink, each cell the NIC as that host
checked it (name, link, speed, MTU), mismatches marked and explained.

The matrix answers ``data()`` from texts made once per change of the switch (never per
repaint): 100 hosts x 4 uplinks is 400 cells, redrawn on every scroll.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from clients.present_switches import (
    uplink_link_text,
    uplink_member_text,
    uplink_mtu_text,
    uplink_speed_text,
)
from console.kit.phase_text import phase_label
from console.models.watch_list_model import WatchListModel
from domain.switches import SwitchSpec
from proto.quantix.v1 import common_pb2 as cpb
from proto.quantix.v1 import coordinator_pb2 as pb
from wire.switch_codec import switch_from_pb

AnyIndex = QModelIndex | QPersistentModelIndex
# A cell that needs attention (missing NIC, link down, MTU mismatch, not in the switch): a
# warm background, and the reason in its tooltip and its text, never by colour alone.
ATTENTION = QColor("#fde7c8")


def _name_order(switch: pb.Switch) -> tuple[str, str]:
    return (switch.spec.name.casefold(), switch.spec.name)


class SwitchesModel(WatchListModel[pb.Switch]):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(pb.OBJECT_KIND_SWITCH, "switch", parent, sort_key=_name_order)

    def switch(self, key: str) -> pb.Switch | None:
        return self.item(key)

    def switches(self) -> list[pb.Switch]:
        return list(self._items)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        switch = self._items[index.row()]
        return f"{switch.spec.name} — {phase_label(switch.realization.phase)}"


@dataclass(frozen=True)
class UplinkCell:
    text: str  # "eth1 · up · 10 Gbit/s · MTU 1500"
    problem: str  # "" when nothing is wrong, else why (shown in the tooltip and the text)


def uplink_cell(
    spec: SwitchSpec, host: str, uplink: str, health: cpb.SwitchHostHealth | None
) -> UplinkCell:
    mapping = spec.host(host)
    nic = mapping.nic_of(uplink) if mapping else ""
    found = next((u for u in health.uplinks if u.uplink == uplink), None) if health else None
    if found is None:
        return UplinkCell(f"{nic or '—'} · not checked yet", "")
    parts = [
        found.nic or nic,
        uplink_link_text(found),
        uplink_speed_text(found),
        f"MTU {uplink_mtu_text(found, spec.mtu)}",
    ]
    problems = []
    if not found.present:
        problems.append(f"{found.nic}: no such interface on {host}")
    else:
        if not found.link_up:
            problems.append(f"{found.nic}: link down")
        if not found.mtu_matches:
            problems.append(f"{found.nic}: MTU {found.mtu}, the switch's is {spec.mtu}")
        if not found.enslaved:
            problems.append(f"{found.nic}: {uplink_member_text(found)}")
    return UplinkCell(" · ".join(parts), "; ".join(problems))


class SwitchMatrixModel(QAbstractTableModel):
    """Hosts x uplinks of one switch."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._uplinks: tuple[str, ...] = ()
        self._hosts: list[str] = []
        self._phases: list[int] = []
        self._cells: list[list[UplinkCell]] = []

    def show_switch(self, switch: pb.Switch | None) -> None:
        self.beginResetModel()
        if switch is None:
            self._uplinks, self._hosts, self._phases, self._cells = (), [], [], []
        else:
            spec = switch_from_pb(switch.spec)
            statuses = {s.host: s for s in switch.realization.hosts}
            self._uplinks = spec.uplinks
            self._hosts = [entry.host for entry in spec.hosts]
            self._phases = [
                statuses[h].phase if h in statuses else cpb.PHASE_UNSPECIFIED for h in self._hosts
            ]
            self._cells = [
                [
                    uplink_cell(
                        spec,
                        host,
                        uplink,
                        statuses[host].switch_health
                        if host in statuses and statuses[host].HasField("switch_health")
                        else None,
                    )
                    for uplink in spec.uplinks
                ]
                for host in self._hosts
            ]
        self.endResetModel()

    def mismatches(self) -> list[str]:
        """Every cell's problem, as "host-b uplink1: eth1: MTU 1400, the switch's is 1500"."""
        return [
            f"{host} {uplink}: {cell.problem}"
            for host, row in zip(self._hosts, self._cells, strict=True)
            for uplink, cell in zip(self._uplinks, row, strict=True)
            if cell.problem
        ]

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._hosts)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._uplinks) + 1

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return "Host" if section == 0 else self._uplinks[section - 1]
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        if column == 0:
            if role == Qt.ItemDataRole.DisplayRole:
                return f"{self._hosts[row]} ({phase_label(self._phases[row])})"
            return None
        cell = self._cells[row][column - 1]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{cell.text} ⚠ {cell.problem}" if cell.problem else cell.text
        if role == Qt.ItemDataRole.ToolTipRole:
            return cell.problem or cell.text
        if role == Qt.ItemDataRole.BackgroundRole and cell.problem:
            return QBrush(ATTENTION)
        return None

    def hosts(self) -> Sequence[str]:
        return tuple(self._hosts)

"""The cluster detail's Pools & networks tab: the managed pools and networks placed on at
least one member (``Cluster.pools`` / ``.networks``, kept by the coordinator), each with its
phase as the Storage and Networks pages show it, and on which members it is."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from console.kit.phase_style import phase_icon, phase_tone
from console.kit.phase_text import phase_label
from console.widgets.tables import Cell, fill_table, make_table
from proto.quantix.v1 import common_pb2 as cpb

HEADERS = ("Name", "Phase", "On members", "Default")
NO_POOLS = "No managed pool is on any member."
NO_NETWORKS = "No managed network is on any member."


def rows(
    names: Sequence[str],
    realizations: dict[str, cpb.Realization],
    members: Collection[str],
    default: str,
) -> list[list[Cell]]:
    result = []
    for name in names:
        realization = realizations.get(name)
        phase = realization.phase if realization is not None else cpb.PHASE_UNSPECIFIED
        on = (
            sorted(s.host for s in realization.hosts if s.host in members)
            if realization is not None
            else []
        )
        missing = sorted(set(members) - set(on))
        where = ", ".join(on) if on else "—"
        if on and missing:
            where += f" (not on {', '.join(missing)})"
        result.append(
            [
                Cell(name),
                Cell(phase_label(phase), phase_tone(phase).text, phase_icon(phase)),
                Cell(where),
                Cell("Default" if name == default else ""),
            ]
        )
    return result


class ResourcesTab(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pools = make_table(self, HEADERS, "Pools")
        self.networks = make_table(self, HEADERS, "Networks")
        for table in (self.pools, self.networks):
            table.setColumnWidth(0, 160)
            table.setColumnWidth(1, 110)
            table.setColumnWidth(2, 260)
        pools_label = QLabel("Storage &pools:", self)
        pools_label.setBuddy(self.pools)
        networks_label = QLabel("&Networks:", self)
        networks_label.setBuddy(self.networks)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(pools_label)
        layout.addWidget(self.pools, 1)
        layout.addWidget(networks_label)
        layout.addWidget(self.networks, 1)

    def show_resources(
        self,
        pools: tuple[Sequence[str], dict[str, cpb.Realization], str],
        networks: tuple[Sequence[str], dict[str, cpb.Realization], str],
        members: Collection[str],
    ) -> None:
        """Each list: the names in the cluster, every managed object's realization by name,
        and the cluster's default."""
        fill_table(self.pools, rows(pools[0], pools[1], members, pools[2]), NO_POOLS)
        fill_table(self.networks, rows(networks[0], networks[1], members, networks[2]), NO_NETWORKS)

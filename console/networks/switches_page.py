"""The Switches page: every distributed switch, and for the one selected a matrix of its hosts
x uplinks (NIC, link, speed, MTU as each host checked them, mismatches marked and explained),
its teaming and port groups, and each host's problems in words."""

from __future__ import annotations

from PySide6.QtCore import QItemSelection, Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListView,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from clients.present_switches import port_group_text, teaming_text
from console.kit.phase_text import phase_label
from console.networks.switches_model import SwitchesModel, SwitchMatrixModel
from proto.quantix.v1 import coordinator_pb2 as pb
from wire.switch_codec import switch_from_pb

EMPTY = (
    "No distributed switches yet. A switch spans hosts: each lends it NICs as uplinks "
    "(quantixctl switches create)."
)


class SwitchesPage(QWidget):
    def __init__(self, switches: SwitchesModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("switchesPage")
        self.switches = switches
        self.matrix = SwitchMatrixModel(self)
        title = QLabel("Distributed switches", self)
        title.setObjectName("pageTitle")

        self.list = QListView(self)
        self.list.setObjectName("switchList")
        self.list.setAccessibleName("Distributed switches")
        self.list.setModel(switches)
        list_label = QLabel("S&witches:", self)
        list_label.setBuddy(self.list)

        self.heading = QLabel(EMPTY, self)
        self.heading.setObjectName("switchHeading")
        self.heading.setWordWrap(True)
        self.facts = QLabel(self)
        self.facts.setObjectName("switchFacts")
        self.facts.setWordWrap(True)
        self.facts.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.table = QTableView(self)
        self.table.setObjectName("switchMatrix")
        self.table.setAccessibleName("Hosts and their uplinks")
        self.table.setModel(self.matrix)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.ResizeToContents
        )
        matrix_label = QLabel("&Uplinks per host:", self)
        matrix_label.setBuddy(self.table)
        self.problems = QLabel(self)
        self.problems.setObjectName("switchProblems")
        self.problems.setWordWrap(True)
        self.problems.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(list_label)
        left_layout.addWidget(self.list, 1)
        right = QWidget(self)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.heading)
        right_layout.addWidget(self.facts)
        right_layout.addWidget(matrix_label)
        right_layout.addWidget(self.table, 1)
        right_layout.addWidget(self.problems)
        splitter = QSplitter(self)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setSizes([220, 900])
        top = QHBoxLayout()
        top.addWidget(title)
        top.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 8)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)

        self.list.selectionModel().selectionChanged.connect(self._on_selection)
        switches.batch_applied.connect(self._refresh)
        switches.modelReset.connect(self._refresh)
        switches.rowsInserted.connect(self._select_first)

    def focus_target(self) -> QWidget:
        return self.list

    def selected(self) -> pb.Switch | None:
        rows = self.list.selectionModel().selectedRows()
        return self.switches.item_at(rows[0].row()) if rows else None

    def show_switch(self, name: str) -> None:
        for row in range(self.switches.rowCount()):
            if self.switches.item_at(row).spec.name == name:
                self.list.setCurrentIndex(self.switches.index(row, 0))
                return

    def _select_first(self, *_args: object) -> None:
        if not self.list.selectionModel().hasSelection() and self.switches.rowCount():
            self.list.setCurrentIndex(self.switches.index(0, 0))

    def _on_selection(self, *_args: QItemSelection) -> None:
        self._refresh()

    def _refresh(self) -> None:
        switch = self.selected()
        self.matrix.show_switch(switch)
        if switch is None:
            self.heading.setText(EMPTY if not self.switches.rowCount() else "Select a switch.")
            self.facts.setText("")
            self.problems.setText("")
            return
        spec = switch_from_pb(switch.spec)
        self.heading.setText(f"<b>{spec.name}</b> — {phase_label(switch.realization.phase)}")
        groups = ", ".join(port_group_text(g) for g in spec.port_groups) or "none"
        self.facts.setText(
            f"MTU {spec.mtu} · teaming: {teaming_text(spec)} · port groups: {groups}"
            + (f"\n{spec.description}" if spec.description else "")
        )
        lines = self.matrix.mismatches()
        lines += [
            f"{s.host}: {s.message}"
            for s in switch.realization.hosts
            if s.message and not s.HasField("switch_health")
        ]
        self.problems.setText(
            "Needs attention:\n" + "\n".join(lines)
            if lines
            else "Every uplink checked: no problem."
        )

"""The Switches page: every distributed switch, and for the one selected a matrix of its hosts
x uplinks (NIC, link, speed, MTU as each host checked them, mismatches marked and explained),
its teaming and port groups, and each host's problems in words. New switch… (Ctrl+N), Map
uplinks… and Add port group… open their dialogs (``open()``, never ``exec()``); each dialog's
call goes to the coordinator on the event loop and a refusal stays in the dialog."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from PySide6.QtCore import QItemSelection, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListView,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from clients.coordinator import CoordinatorClient
from clients.present_switches import port_group_text, teaming_text
from console.connection import EndpointSource
from console.kit.commands import acts_on_selection
from console.kit.list_keys import keyboard_list
from console.kit.palette_items import PaletteObject, model_objects
from console.kit.phase_text import phase_label
from console.kit.tab_order import set_reading_order
from console.models.hosts_model import HostsModel
from console.networks.add_port_group_dialog import AddPortGroupDialog
from console.networks.map_uplinks_dialog import MapUplinksDialog
from console.networks.new_switch_dialog import NewSwitchDialog
from console.networks.switch_dialog import hosts_of
from console.networks.switches_model import SwitchesModel, SwitchMatrixModel
from console.pool_ops import call_coordinator
from console.widgets.detail_parts import action_button
from domain.switches import SwitchSpec
from proto.quantix.v1 import common_pb2 as cpb
from proto.quantix.v1 import coordinator_pb2 as pb
from wire.switch_codec import switch_from_pb, switch_to_pb

EMPTY = (
    "No distributed switches yet. A switch spans hosts: each lends it NICs as uplinks "
    "(quantixctl switches create)."
)


class SwitchesPage(QWidget):
    notice = Signal(str)  # a finished action, for the status bar

    def __init__(
        self,
        switches: SwitchesModel,
        parent: QWidget | None = None,
        *,
        hosts: HostsModel | None = None,
        endpoint: EndpointSource | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("switchesPage")
        self.switches = switches
        self.hosts = hosts
        # Without an endpoint (not wired yet) every call says "Not connected".
        self._endpoint: EndpointSource = endpoint or (lambda: None)
        self.dialog: QDialog | None = None
        self.matrix = SwitchMatrixModel(self)
        title = QLabel("Distributed switches", self)
        title.setObjectName("pageTitle")

        self.list = QListView(self)
        self.list.setObjectName("switchList")
        self.list.setAccessibleName("Distributed switches")
        self.list.setModel(switches)
        keyboard_list(self.list)
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
        keyboard_list(self.table)
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
        self.new_action = QAction("&New switch…", self)
        self.new_action.setShortcut(QKeySequence("Ctrl+N"))
        self.new_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.new_action.triggered.connect(self.open_new_switch)
        self.addAction(self.new_action)
        self.new_button = QPushButton("&New switch…", self)
        self.new_button.setObjectName("primaryButton")
        self.new_button.setToolTip("Create a distributed switch (Ctrl+N)")
        self.new_button.clicked.connect(self.open_new_switch)
        self.map_action = QAction("&Map uplinks…", self)
        self.map_action.setToolTip("Choose a host's NIC for each uplink of the selected switch")
        self.map_action.triggered.connect(self.open_map_uplinks)
        self.addAction(acts_on_selection(self.map_action))
        self.group_action = QAction("Add port &group…", self)
        self.group_action.setToolTip("Add a port group (a VLAN) to the selected switch")
        self.group_action.triggered.connect(self.open_add_port_group)
        self.addAction(acts_on_selection(self.group_action))
        self.map_button = action_button(self.map_action, self)
        self.group_button = action_button(self.group_action, self)
        top = QHBoxLayout()
        top.addWidget(title)
        top.addStretch(1)
        for button in (self.map_button, self.group_button, self.new_button):
            top.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 8)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)
        set_reading_order(layout)  # the top bar's buttons, then the list, then the matrix

        self.list.selectionModel().selectionChanged.connect(self._on_selection)
        switches.batch_applied.connect(self._refresh)
        switches.modelReset.connect(self._refresh)
        switches.rowsInserted.connect(self._select_first)
        self._refresh()

    def focus_target(self) -> QWidget:
        return self.list

    def selected(self) -> pb.Switch | None:
        rows = self.list.selectionModel().selectedRows()
        return self.switches.item_at(rows[0].row()) if rows else None

    def palette_objects(self) -> list[PaletteObject]:
        return model_objects(self.switches, "switch", lambda switch: switch.spec.name)

    def reveal_object(self, key: str) -> bool:
        row = self.switches.row_of(key)
        if row is None:
            return False
        self.list.setCurrentIndex(self.switches.index(row, 0))
        self.list.setFocus(Qt.FocusReason.ShortcutFocusReason)
        return True

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
        self.map_action.setEnabled(switch is not None)
        self.group_action.setEnabled(switch is not None)
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
            if s.message and s.phase != cpb.PHASE_READY
        ]
        self.problems.setText(
            "Needs attention:\n" + "\n".join(lines)
            if lines
            else "Every uplink checked: no problem."
        )

    # --- actions ----------------------------------------------------------------------------

    def open_new_switch(self) -> QDialog:
        return self._open(NewSwitchDialog(hosts_of(self.hosts), self._create, self))

    def open_map_uplinks(self) -> QDialog | None:
        switch = self.selected()
        if switch is None:
            return None
        spec = switch_from_pb(switch.spec)
        return self._open(MapUplinksDialog(spec, hosts_of(self.hosts), self._update, self))

    def open_add_port_group(self) -> QDialog | None:
        switch = self.selected()
        if switch is None:
            return None
        return self._open(AddPortGroupDialog(switch_from_pb(switch.spec), self._update, self))

    def _open(self, dialog: QDialog) -> QDialog:
        if self.dialog is not None:
            dialog.deleteLater()
            self.dialog.raise_()
            return self.dialog
        self.dialog = dialog
        dialog.submitted.connect(self._on_submitted)  # type: ignore[attr-defined]
        dialog.finished.connect(self._on_dialog_closed)
        dialog.open()
        return dialog

    def _on_submitted(self, spec: SwitchSpec) -> None:
        self.notice.emit(f"Switch {spec.name} sent to the coordinator: setting up on its hosts")
        self.show_switch(spec.name)

    def _on_dialog_closed(self, *_args: object) -> None:
        self.dialog = None

    async def _create(self, spec: SwitchSpec) -> None:
        message = switch_to_pb(spec)
        await self._call(lambda client: client.create_switch(message), "creating switch")

    async def _update(self, spec: SwitchSpec) -> None:
        message = switch_to_pb(spec)
        await self._call(lambda client: client.update_switch(message), "updating switch")

    async def _call(
        self, call: Callable[[CoordinatorClient], Awaitable[pb.Switch]], doing: str
    ) -> None:
        result = await call_coordinator(self._endpoint(), call, doing)
        if result.failure is not None:
            raise RuntimeError(result.failure.text)

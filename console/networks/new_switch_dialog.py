"""New switch…: name, MTU, number of uplinks, the standby ones, port groups (name + VLAN or
none) and, per host, which NIC is which uplink; CreateSwitch with the SwitchSpec.

Tables are edited by keyboard alone: typing on a cell edits it, Tab moves to the next cell
while editing, Enter ends editing. Insert adds a port group, Delete removes the current one.
A host whose row is left empty is not on the switch; a host with some NICs must map every
uplink (the domain's rule, shown next to the Create button).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from console.networks.switch_dialog import (
    HostNics,
    NicCompleterDelegate,
    Submit,
    SwitchDialog,
    vlan_of,
)
from console.wizards.field_row import FieldRow
from domain.limits import MAX_SWITCH_UPLINKS
from domain.networks import parse_mtu
from domain.pools import validate_pool_name
from domain.switches import (
    DEFAULT_SWITCH_MTU,
    HostUplinks,
    PortGroup,
    SwitchSpec,
    UplinkNic,
    uplink_names,
    validate_switch_mtu,
)

# Two uplinks: the least that gives a switch a standby path.
DEFAULT_UPLINKS = 2


def editable_table(rows: int, columns: Sequence[str], name: str, parent: QWidget) -> QTableWidget:
    table = QTableWidget(rows, len(columns), parent)
    table.setObjectName(name)
    table.setHorizontalHeaderLabels(list(columns))
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    # Typing on a cell edits it; Tab leaves the table (inside an editor it moves on a cell).
    table.setEditTriggers(
        QAbstractItemView.EditTrigger.AnyKeyPressed
        | QAbstractItemView.EditTrigger.EditKeyPressed
        | QAbstractItemView.EditTrigger.DoubleClicked
    )
    table.setTabKeyNavigation(False)
    return table


def cell(table: QTableWidget, row: int, column: int) -> str:
    item = table.item(row, column)
    return item.text().strip() if item is not None else ""


class NewSwitchDialog(SwitchDialog):
    def __init__(
        self, hosts: Sequence[HostNics], submit: Submit, parent: QWidget | None = None
    ) -> None:
        super().__init__("New Switch", "&Create", submit, parent)
        self.setObjectName("newSwitchDialog")
        self.hosts = tuple(hosts)
        self.name = self.add_row(
            FieldRow(
                self,
                "&Name:",
                QLineEdit(self),
                field="name",
                hint="Letters, digits, '-', '_' or '.'; unique in the fleet",
                validator=lambda text: validate_pool_name(text, "name"),
            )
        )
        mtu_editor = QLineEdit(str(DEFAULT_SWITCH_MTU), self)
        self.mtu = self.add_row(
            FieldRow(
                self,
                "&MTU:",
                mtu_editor,
                field="mtu",
                hint="Every host's uplinks carry this MTU (576-9216)",
                validator=lambda text: validate_switch_mtu(parse_mtu(text)),
            )
        )
        self.uplink_count = QSpinBox(self)
        self.uplink_count.setRange(1, MAX_SWITCH_UPLINKS)
        self.uplink_count.setValue(DEFAULT_UPLINKS)
        count_label = QLabel("&Uplinks:", self)
        count_label.setBuddy(self.uplink_count)
        row = self.form.rowCount()
        self.form.addWidget(count_label, row, 0, Qt.AlignmentFlag.AlignRight)
        self.form.addWidget(self.uplink_count, row, 1)
        self.standby = self.add_row(
            FieldRow(
                self,
                "&Standby uplinks:",
                QLineEdit(self),
                field="standby",
                hint="Used only when every active uplink is down, e.g. uplink2 (comma-separated)",
                required=False,
            )
        )

        self.groups = editable_table(0, ("Port group", "VLAN (none or 1-4094)"), "portGroups", self)
        self.groups.setAccessibleName("Port groups")
        groups_label = QLabel("P&ort groups:", self)
        groups_label.setBuddy(self.groups)
        self.add_group_button = QPushButton("Add port &group", self)
        self.add_group_button.setAutoDefault(False)
        self.add_group_button.clicked.connect(self.add_group)
        QShortcut(
            QKeySequence(Qt.Key.Key_Insert),
            self.groups,
            self.add_group,
            context=Qt.ShortcutContext.WidgetShortcut,
        )
        QShortcut(
            QKeySequence(Qt.Key.Key_Delete),
            self.groups,
            self.remove_group,
            context=Qt.ShortcutContext.WidgetShortcut,
        )

        self.mapping = editable_table(len(self.hosts), ("Host",), "uplinkMapping", self)
        self.mapping.setAccessibleName("Uplink to NIC, per host")
        self.mapping.setItemDelegate(
            NicCompleterDelegate(lambda r: self.hosts[r].nics if r < len(self.hosts) else (), self)
        )
        mapping_label = QLabel(
            "NIC per uplink on each &host (leave a host's row empty to leave it out):", self
        )
        mapping_label.setBuddy(self.mapping)
        for index, host in enumerate(self.hosts):
            item = QTableWidgetItem(host.name)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            item.setToolTip("NICs: " + (", ".join(host.nics) or "not reported"))
            self.mapping.setItem(index, 0, item)
        self._set_uplink_columns()

        self.uplink_count.valueChanged.connect(self._set_uplink_columns)
        self.groups.itemChanged.connect(self.revalidate)
        self.mapping.itemChanged.connect(self.revalidate)
        self.finish_layout(
            groups_label, self.groups, self.add_group_button, mapping_label, self.mapping
        )
        self.name.editor.setFocus()

    # --- tables ---------------------------------------------------------------------------

    def uplinks(self) -> tuple[str, ...]:
        return uplink_names(self.uplink_count.value())

    def _set_uplink_columns(self, *_args: object) -> None:
        uplinks = self.uplinks()
        self.mapping.setColumnCount(1 + len(uplinks))
        self.mapping.setHorizontalHeaderLabels(["Host", *uplinks])
        if self.hosts and self.mapping.currentColumn() < 1:
            self.mapping.setCurrentCell(0, 1)
        self.revalidate()

    def add_group(self) -> None:
        row = self.groups.rowCount()
        self.groups.blockSignals(True)
        self.groups.insertRow(row)
        for column in range(2):
            self.groups.setItem(row, column, QTableWidgetItem(""))
        self.groups.blockSignals(False)
        self.groups.setCurrentCell(row, 0)
        self.groups.setFocus(Qt.FocusReason.OtherFocusReason)
        self.groups.editItem(self.groups.item(row, 0))
        self.revalidate()

    def remove_group(self) -> None:
        row = self.groups.currentRow()
        if row >= 0:
            self.groups.removeRow(row)
            self.revalidate()

    # --- the spec -------------------------------------------------------------------------

    def build(self) -> SwitchSpec:
        uplinks = self.uplinks()
        standby = tuple(p.strip() for p in self.standby.text().split(",") if p.strip())
        groups = tuple(
            PortGroup(
                cell(self.groups, r, 0), vlan_of(cell(self.groups, r, 1), f"port_groups[{r}].vlan")
            )
            for r in range(self.groups.rowCount())
        )
        hosts = []
        for r, host in enumerate(self.hosts):
            nics = tuple(
                UplinkNic(uplink, nic)
                for column, uplink in enumerate(uplinks, start=1)
                if (nic := cell(self.mapping, r, column))
            )
            if nics:
                hosts.append(HostUplinks(host.name, nics))
        return SwitchSpec(
            name=self.name.text().strip(),
            uplinks=uplinks,
            active=tuple(u for u in uplinks if u not in standby),
            standby=standby,
            mtu=int(self.mtu.value) if isinstance(self.mtu.value, int) else 0,
            port_groups=groups,
            hosts=tuple(hosts),
        )

    def show_rule(self, field: str, rule: str) -> bool:
        if field.startswith("active"):
            field = "standby"  # active is what standby leaves: the rule belongs there
        return super().show_rule(field.split("[")[0], rule)

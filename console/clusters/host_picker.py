"""A list of hosts to tick, by keyboard as well as mouse (arrows move, Space ticks, Select all
and Select none), for the wizard's Hosts step and the detail's Add hosts dialog. Connected
hosts come first; others are marked (in words and in italics), never hidden: a host in
maintenance or offline can still join a cluster."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from console.clusters.cluster_inputs import HostChoice

NAME_ROLE = Qt.ItemDataRole.UserRole


class HostPicker(QWidget):
    changed = Signal()  # a tick changed

    def __init__(self, parent: QWidget | None = None, label: str = "&Hosts (Space ticks):") -> None:
        super().__init__(parent)
        self.list = QListWidget(self)
        self.list.setObjectName("clusterHostList")
        self.list.setAccessibleName("Hosts")
        self.label = QLabel(label, self)
        self.label.setBuddy(self.list)
        # "n&one", "&all": N and B belong to the wizard's Next and Back.
        self.all_button = QPushButton("Select &all", self)
        self.none_button = QPushButton("Select n&one", self)
        self.all_button.clicked.connect(lambda: self.set_all(True))
        self.none_button.clicked.connect(lambda: self.set_all(False))
        self.list.itemChanged.connect(lambda _item: self.changed.emit())

        buttons = QHBoxLayout()
        buttons.addWidget(self.label)
        buttons.addStretch(1)
        buttons.addWidget(self.all_button)
        buttons.addWidget(self.none_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(buttons)
        layout.addWidget(self.list, 1)

    def set_hosts(self, hosts: Sequence[HostChoice], empty_text: str) -> None:
        """Show ``hosts`` in this order; ticks of hosts still listed are kept."""
        ticked = set(self.chosen())
        self.list.blockSignals(True)
        self.list.clear()
        for host in hosts:
            text = f"{host.name} — {host.note}" if host.note else host.name
            item = QListWidgetItem(text)
            item.setData(NAME_ROLE, host.name)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(
                Qt.CheckState.Checked if host.name in ticked else Qt.CheckState.Unchecked
            )
            if host.note:
                font = item.font()
                font.setItalic(True)
                item.setFont(font)
                item.setToolTip(f"{host.name} is {host.note}; it can join all the same.")
            self.list.addItem(item)
        if not hosts:
            item = QListWidgetItem(empty_text)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.list.addItem(item)
        self.list.setCurrentRow(0)
        self.list.blockSignals(False)
        self.all_button.setEnabled(bool(hosts))
        self.none_button.setEnabled(bool(hosts))
        self.changed.emit()

    def chosen(self) -> tuple[str, ...]:
        """The ticked hosts, in list order."""
        return tuple(
            str(item.data(NAME_ROLE))
            for item in (self.list.item(row) for row in range(self.list.count()))
            if item.data(NAME_ROLE) and item.checkState() == Qt.CheckState.Checked
        )

    def set_all(self, ticked: bool) -> None:
        state = Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked
        self.list.blockSignals(True)
        for row in range(self.list.count()):
            item = self.list.item(row)
            if item.data(NAME_ROLE):
                item.setCheckState(state)
        self.list.blockSignals(False)
        self.changed.emit()
        self.list.setFocus(Qt.FocusReason.OtherFocusReason)

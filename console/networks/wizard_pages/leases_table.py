"""Static DHCP leases as a table (MAC, IP, name), edited by keyboard alone.

Add lease (Alt+D, or Insert in the table) opens the new row's MAC cell for typing; Tab moves
to the next cell while editing, Enter ends editing; Delete (or Alt+M) removes the current
row. Tab from the table (not editing) moves on to the next field. The rules are the
domain's: the page checks the whole spec and shows a lease's broken rule under the table.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from console.style import set_state_property
from console.wizards.field_row import sentence
from domain.network_addressing import StaticLease

COLUMNS = ("MAC address", "IP address", "Name (optional)")
# The domain's field names of a lease's parts, by column: "leases[1].ip" is row 1, column 1.
PARTS = ("mac", "ip", "name")
HINT = (
    "Optional: a fixed address for a guest's MAC, outside the DHCP range. "
    "Insert adds a lease, Delete removes the selected one."
)
# Rows shown before the table scrolls: enough for a few leases without crowding the page.
VISIBLE_ROWS = 3


class LeasesTable(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setObjectName("leases")
        self.table.setAccessibleName("Static leases")
        self.table.setAccessibleDescription(HINT)
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        # Typing on a cell edits it; Tab leaves the table (inside an editor it moves on a cell).
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.AnyKeyPressed
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.DoubleClicked
        )
        self.table.setTabKeyNavigation(False)
        row_height = self.table.verticalHeader().defaultSectionSize()
        header_height = self.table.horizontalHeader().sizeHint().height()
        self.table.setFixedHeight(header_height + row_height * VISIBLE_ROWS + 4)
        self.table.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

        self.add_button = QPushButton("A&dd lease", self)
        self.add_button.setObjectName("addLease")
        self.remove_button = QPushButton("Re&move lease", self)
        self.remove_button.setObjectName("removeLease")
        for button in (self.add_button, self.remove_button):
            button.setAutoDefault(False)  # Enter goes Next, never adds a lease
        self.add_button.clicked.connect(self.add_lease)
        self.remove_button.clicked.connect(self.remove_lease)
        QShortcut(
            QKeySequence(Qt.Key.Key_Insert),
            self.table,
            self.add_lease,
            context=Qt.ShortcutContext.WidgetShortcut,
        )
        QShortcut(
            QKeySequence(Qt.Key.Key_Delete),
            self.table,
            self.remove_lease,
            context=Qt.ShortcutContext.WidgetShortcut,
        )

        self.rule_label = QLabel(HINT, parent)
        self.rule_label.setObjectName("fieldHint")
        self.rule_label.setWordWrap(True)
        self.rule_label.setTextFormat(Qt.TextFormat.PlainText)

        buttons = QVBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)

        self.table.itemChanged.connect(self._on_changed)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self._update_buttons()

    # --- values ---------------------------------------------------------------------------

    def leases(self) -> tuple[StaticLease, ...]:
        return tuple(
            StaticLease(*(self._cell(row, column) for column in range(len(COLUMNS))))
            for row in range(self.table.rowCount())
        )

    def _cell(self, row: int, column: int) -> str:
        item = self.table.item(row, column)
        return item.text().strip() if item is not None else ""

    # --- editing --------------------------------------------------------------------------

    def add_lease(self) -> None:
        row = self.table.rowCount()
        self.table.blockSignals(True)
        self.table.insertRow(row)
        for column in range(len(COLUMNS)):
            self.table.setItem(row, column, QTableWidgetItem(""))
        self.table.blockSignals(False)
        self.table.setCurrentCell(row, 0)
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)
        self.table.editItem(self.table.item(row, 0))
        self._on_changed()

    def remove_lease(self) -> None:
        row = self.table.currentRow()
        if row < 0:
            return
        self.table.removeRow(row)
        if self.table.rowCount():
            self.table.setCurrentCell(min(row, self.table.rowCount() - 1), 0)
            self.table.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.add_button.setFocus(Qt.FocusReason.OtherFocusReason)
        self._on_changed()

    # --- the rule under the table ---------------------------------------------------------

    def show_error(self, field: str, rule: str) -> None:
        """A lease's broken rule (``leases[1].ip``), worded for the table: "Lease 2, IP
        address: ..."."""
        where = "Leases"
        index, _, part = field.removeprefix("leases").partition(".")
        if index.startswith("[") and index.endswith("]") and index[1:-1].isdigit():
            row = int(index[1:-1])
            column = PARTS.index(part) if part in PARTS else 0
            where = f"Lease {row + 1}, {COLUMNS[column].removesuffix(' (optional)')}"
        self.rule_label.setText(f"{where}: {sentence(rule)}")
        set_state_property(self.rule_label, "state", "error")

    def clear_error(self) -> None:
        self.rule_label.setText(HINT)
        set_state_property(self.rule_label, "state", "hint")

    def _on_changed(self, *_args: object) -> None:
        self._update_buttons()
        self.changed.emit()

    def _update_buttons(self) -> None:
        self.remove_button.setEnabled(self.table.currentRow() >= 0)

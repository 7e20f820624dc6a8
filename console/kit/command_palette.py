"""The command palette (Ctrl+K): type a few letters of any command or object, Enter runs it.

It lists what ``console.kit.palette_items`` made of the window's commands and the live
inventory, filtered and ranked by ``console.kit.palette_search`` on each key press. The field
keeps the focus: Up/Down (and Page Up/Down) move through the results, Enter runs the current
one after the palette has closed (so a wizard it opens is not under it), Esc closes it.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from console.kit.palette_items import PaletteItem
from console.kit.palette_search import rank

# Keys the result list takes while the typing field keeps the focus.
_MOVES = {
    Qt.Key.Key_Up: -1,
    Qt.Key.Key_Down: 1,
    Qt.Key.Key_PageUp: -10,
    Qt.Key.Key_PageDown: 10,
}


class CommandPalette(QDialog):
    chosen = Signal(object)  # the PaletteItem, emitted after the palette has closed

    def __init__(
        self, items: Sequence[PaletteItem], recent: Sequence[str], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("commandPalette")
        self.setWindowTitle("Command Palette")
        self.setAccessibleName("Command palette")
        self.setMinimumWidth(560)
        self._items = list(items)
        self._by_key = {item.entry.key: item for item in self._items}
        self._recent = list(recent)

        self.field = QLineEdit(self)
        self.field.setObjectName("paletteField")
        self.field.setAccessibleName("Command or object")
        self.field.setPlaceholderText("Type a command, a host, a pool, a network…")
        self.field.setClearButtonEnabled(True)
        self.results = QTreeWidget(self)
        self.results.setObjectName("paletteResults")
        self.results.setAccessibleName("Matching commands")
        self.results.setColumnCount(2)
        self.results.setHeaderHidden(True)
        self.results.setRootIsDecorated(False)
        self.results.setUniformRowHeights(True)
        self.results.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.results.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the field keeps the focus
        header = self.results.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.hint = QLabel(self)
        self.hint.setObjectName("paletteHint")

        layout = QVBoxLayout(self)
        layout.addWidget(self.field)
        layout.addWidget(self.results, 1)
        layout.addWidget(self.hint)

        self.field.textChanged.connect(self._refill)
        self.results.itemActivated.connect(lambda _item, _column: self._run_current())
        self._refill("")
        self.resize(640, 420)

    # --- what tests and the window ask ---------------------------------------------------

    def shown_texts(self) -> list[str]:
        return [
            self.results.topLevelItem(row).text(0)
            for row in range(self.results.topLevelItemCount())
        ]

    def current_text(self) -> str:
        item = self.results.currentItem()
        return item.text(0) if item is not None else ""

    # --- behaviour -----------------------------------------------------------------------

    def _refill(self, query: str) -> None:
        self.results.clear()
        entries = rank(query, [item.entry for item in self._items], self._recent)
        for entry in entries:
            item = self._by_key[entry.key]
            row = QTreeWidgetItem([item.entry.text, item.detail])
            row.setData(0, Qt.ItemDataRole.UserRole, item.entry.key)
            row.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if item.detail:
                row.setToolTip(0, f"{item.entry.text} ({item.detail})")
            self.results.addTopLevelItem(row)
        if entries:
            self.results.setCurrentItem(self.results.topLevelItem(0))
            self.hint.setText("Enter runs it · ↑↓ move · Esc closes")
        else:
            self.hint.setText(f"Nothing matches “{query[:40]}”")

    def _move(self, step: int) -> None:
        count = self.results.topLevelItemCount()
        if not count:
            return
        current = self.results.indexOfTopLevelItem(self.results.currentItem())
        row = min(max(current + step, 0), count - 1)
        self.results.setCurrentItem(self.results.topLevelItem(row))

    def _run_current(self) -> None:
        row = self.results.currentItem()
        if row is None:
            return
        item = self._by_key[str(row.data(0, Qt.ItemDataRole.UserRole))]
        self.accept()
        self.chosen.emit(item)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = Qt.Key(event.key())
        if key in _MOVES:
            self._move(_MOVES[key])
            return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._run_current()
            return
        super().keyPressEvent(event)

"""The keyboard cheat sheet (F1, Ctrl+/): every shortcut of the window, made from its commands.

Nothing here lists a command by hand: the rows come from ``MainWindow.commands()`` (the window's
actions and every page's, with the keys that only work in one list), so a shortcut added to a
page appears here by itself. The few keys that belong to Qt's widgets rather than to a command
(Tab, arrows, type-ahead, Alt+letter) are the only fixed rows.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from console.kit.commands import Command

# Keys every list, form and dialog has (Qt's own behaviour, kept working by the pages).
WIDGET_KEYS: tuple[tuple[str, str], ...] = (
    ("Tab, Shift+Tab", "Move to the next or previous control, in reading order"),
    ("Up, Down, Page Up, Page Down", "Move the selection in a list"),
    ("Letters", "In a list: jump to the row whose name starts with them"),
    ("Enter", "Open the selected row; run the focused button"),
    ("Space", "Tick a box, press the focused button"),
    ("Alt+underlined letter", "Go to that field or button of a dialog"),
    ("Esc", "Clear a search field; close a dialog or a palette"),
)
GENERAL = "Lists, forms and dialogs"


def rows(commands: Sequence[Command]) -> list[tuple[str, str, str]]:
    """(keys, command, where) for every command that has a key, then the widget keys."""
    seen: set[tuple[str, str, str]] = set()
    found: list[tuple[str, str, str]] = []
    for command in commands:
        if not command.shortcuts:
            continue
        where = command.scope + (f" ({command.alias_scope})" if command.alias_scope else "")
        row = (", ".join(command.shortcuts), command.text, where)
        if row not in seen:
            seen.add(row)
            found.append(row)
    found.extend((keys, text, GENERAL) for keys, text in WIDGET_KEYS)
    return found


class CheatSheet(QDialog):
    def __init__(self, commands: Sequence[Command], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("cheatSheet")
        self.setWindowTitle("Keyboard Shortcuts")
        self.rows = rows(commands)
        intro = QLabel(
            "Every command is also in the command palette (Ctrl+K): type part of its name.", self
        )
        intro.setWordWrap(True)
        self.filter_edit = QLineEdit(self)
        self.filter_edit.setAccessibleName("Filter shortcuts")
        self.filter_edit.setPlaceholderText("Filter by key or command")
        filter_label = QLabel("&Filter:", self)
        filter_label.setBuddy(self.filter_edit)
        self.table = QTreeWidget(self)
        self.table.setObjectName("cheatSheetTable")
        self.table.setAccessibleName("Shortcuts")
        self.table.setHeaderLabels(["Keys", "Command", "Where"])
        self.table.setRootIsDecorated(False)
        self.table.setAlternatingRowColors(True)
        self.table.header().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        for keys, text, where in self.rows:
            self.table.addTopLevelItem(QTreeWidgetItem([keys, text, where]))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(filter_label)
        layout.addWidget(self.filter_edit)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.filter_edit.textChanged.connect(self._filter)
        self.resize(720, 560)

    def shown_rows(self) -> list[tuple[str, str, str]]:
        shown = []
        for row in range(self.table.topLevelItemCount()):
            item = self.table.topLevelItem(row)
            if not item.isHidden():
                shown.append((item.text(0), item.text(1), item.text(2)))
        return shown

    def _filter(self, text: str) -> None:
        needle = text.strip().lower()
        for row in range(self.table.topLevelItemCount()):
            item = self.table.topLevelItem(row)
            haystack = " ".join(item.text(column) for column in range(3)).lower()
            item.setHidden(bool(needle) and needle not in haystack)

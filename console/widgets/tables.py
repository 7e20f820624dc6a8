"""Read-only detail tables: whole rows selected, full text in each cell's tooltip.

Cells elide long text (a host's error can be a paragraph); the tooltip and the row's
accessible text always carry all of it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QIcon
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from console.kit.list_keys import keyboard_list


@dataclass(frozen=True)
class Cell:
    text: str
    colour: str = ""  # text colour, "" for the default
    icon: QIcon | None = None
    numeric: bool = False  # right-aligned, so that digits line up


def make_table(parent: QWidget, headers: Sequence[str], name: str) -> QTableWidget:
    table = QTableWidget(0, len(headers), parent)
    table.setObjectName(name)
    table.setAccessibleName(name)
    table.setHorizontalHeaderLabels(list(headers))
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setAlternatingRowColors(True)
    keyboard_list(table)  # Tab leaves the table (arrows move in it) and selects a first row
    table.setWordWrap(False)
    table.verticalHeader().setVisible(False)
    header = table.horizontalHeader()
    header.setHighlightSections(False)
    header.setStretchLastSection(True)
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    return table


def fill_table(table: QTableWidget, rows: Sequence[Sequence[Cell | str]], empty: str) -> None:
    """Replace the rows; with none, one row spanning the table says why (``empty``)."""
    table.clearSpans()
    if not rows:
        table.setRowCount(1)
        item = QTableWidgetItem(empty)
        item.setFlags(Qt.ItemFlag.ItemIsEnabled)
        item.setToolTip(empty)
        table.setItem(0, 0, item)
        for column in range(1, table.columnCount()):
            table.setItem(0, column, QTableWidgetItem(""))
        table.setSpan(0, 0, 1, table.columnCount())
        return
    table.setRowCount(len(rows))
    right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
    for row, values in enumerate(rows):
        for column, value in enumerate(values):
            cell = value if isinstance(value, Cell) else Cell(value)
            item = QTableWidgetItem(cell.text)
            item.setToolTip(cell.text)
            if cell.numeric:
                item.setTextAlignment(right)
            if cell.colour:
                item.setForeground(QColor(cell.colour))
            if cell.icon is not None:
                item.setIcon(cell.icon)
            table.setItem(row, column, item)


def column_texts(table: QTableWidget, column: int) -> list[str]:
    return [
        table.item(row, column).text() if table.item(row, column) else ""
        for row in range(table.rowCount())
    ]

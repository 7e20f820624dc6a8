"""Parts every list page shares (Hosts, Audit, ...): the top bar with the page title, a live
summary and a filter field, and a table set up the same way."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QStackedWidget,
    QTableView,
    QWidget,
)

from console.kit.list_keys import keyboard_list


class PageTopBar(QHBoxLayout):
    """``Title  summary ........ [buttons] Filter: [____]``; buttons go in ``add_button``."""

    def __init__(self, parent: QWidget, title: str, filter_name: str, placeholder: str) -> None:
        super().__init__()
        self.title_label = QLabel(title, parent)
        self.title_label.setObjectName("pageTitle")
        self.summary_label = QLabel(parent)
        self.summary_label.setObjectName("pageSummary")
        self.filter_label = QLabel("Fi&lter:", parent)
        self.filter_edit = QLineEdit(parent)
        self.filter_edit.setObjectName(filter_name)
        self.filter_edit.setPlaceholderText(placeholder)
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setMinimumWidth(240)
        self.filter_edit.setMaximumWidth(320)
        self.filter_label.setBuddy(self.filter_edit)
        self.addWidget(self.title_label)
        self.addSpacing(12)
        self.addWidget(self.summary_label, 1)
        self._buttons_end = self.count()
        self.addSpacing(12)
        self.addWidget(self.filter_label)
        self.addWidget(self.filter_edit)

    def add_button(self, button: QWidget) -> None:
        self.insertWidget(self._buttons_end, button)
        self._buttons_end += 1


def setup_row_table(table: QTableView, accessible_name: str) -> None:
    """One selected row at a time, read-only, Tab leaves the table (arrows move in it), and
    fixed row heights: the view never measures rows, which keeps 1,000 rows cheap."""
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    keyboard_list(table)  # Tab leaves the table, Tab into it selects the first row
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    header = table.horizontalHeader()
    header.setHighlightSections(False)
    header.setStretchLastSection(True)
    table.setAccessibleName(accessible_name)


class TableOrMessage(QStackedWidget):
    """A page's table, or in its place a centred message saying why it is empty."""

    def __init__(self, table: QTableView, text: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.table = table
        self.message = QLabel(text, self)
        self.message.setObjectName("placeholderText")
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setWordWrap(True)
        # Reachable by Tab like the card pages' message, so a keyboard user hears why.
        self.message.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.addWidget(table)
        self.addWidget(self.message)

    @property
    def showing_table(self) -> bool:
        return self.currentWidget() is self.table

    def show_table(self) -> None:
        self.setCurrentWidget(self.table)

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.setCurrentWidget(self.message)

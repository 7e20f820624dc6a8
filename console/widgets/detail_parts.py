"""Pieces shared by the detail panels (a host's, a pool's): the "nothing selected" stack,
selectable value labels and a scrolling form of them, and buttons that are actions."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from console.pool_text import SettingRow
from console.widgets.error_view import SELECTABLE


def value_label(parent: QWidget) -> QLabel:
    """Plain text that wraps and can be selected (and so copied)."""
    label = QLabel(parent)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setTextInteractionFlags(SELECTABLE)
    return label


def placeholder_stack(panel: QWidget, empty_text: str) -> tuple[QStackedWidget, QLabel]:
    """A stack filling ``panel`` whose page 0 says ``empty_text`` (nothing selected); the
    caller adds the detail as page 1. Returns the stack and the placeholder label."""
    stack = QStackedWidget(panel)
    empty_label = QLabel(empty_text, panel)
    empty_label.setObjectName("placeholderText")
    empty_label.setWordWrap(True)
    empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    stack.addWidget(empty_label)
    layout = QVBoxLayout(panel)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(stack)
    return stack, empty_label


def form_scroll(parent: QWidget) -> tuple[QScrollArea, QFormLayout]:
    """A frameless scroll area holding a form of right-aligned captions and growing values."""
    scroll = QScrollArea(parent)
    scroll.setObjectName("overviewScroll")
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QScrollArea.Shape.NoFrame)
    body = QWidget(scroll)
    body.setObjectName("overviewBody")
    form = QFormLayout(body)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
    scroll.setWidget(body)
    return scroll, form


def action_button(action: QAction, parent: QWidget) -> QPushButton:
    """A button that is ``action``: same text, tooltip and enabled state, and it triggers it."""
    button = QPushButton(action.text(), parent)

    def sync() -> None:
        button.setText(action.text())
        button.setEnabled(action.isEnabled())
        shortcut = action.shortcut().toString()
        tip = action.toolTip()
        button.setToolTip(f"{tip} ({shortcut})" if shortcut and shortcut not in tip else tip)

    action.changed.connect(sync)
    button.clicked.connect(action.trigger)
    sync()
    return button


@dataclass
class DetailHeader:
    """An object's detail header: icon, name with a phase badge beside it, a subtitle line."""

    layout: QHBoxLayout
    icon: QLabel
    title: QLabel
    badge: QLabel
    subtitle: QLabel


def detail_header(parent: QWidget) -> DetailHeader:
    icon = QLabel(parent)
    title = QLabel(parent)
    title.setObjectName("detailTitle")
    title.setTextInteractionFlags(SELECTABLE)
    badge = QLabel(parent)
    badge.setObjectName("phaseBadge")
    subtitle = value_label(parent)
    subtitle.setObjectName("detailSubtitle")
    row = QHBoxLayout()
    row.setSpacing(8)
    row.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
    titles = QVBoxLayout()
    titles.setSpacing(1)
    name_row = QHBoxLayout()
    name_row.addWidget(title, 0)
    name_row.addWidget(badge, 0, Qt.AlignmentFlag.AlignVCenter)
    name_row.addStretch(1)
    titles.addLayout(name_row)
    titles.addWidget(subtitle)
    row.addLayout(titles, 1)
    return DetailHeader(row, icon, title, badge, subtitle)


def show_rows(form: QFormLayout, rows: Iterable[SettingRow]) -> dict[str, QLabel]:
    """Replace the form's rows with ``label: value`` rows (selectable plain text); the value
    labels by their label, for callers (and tests) that read one back."""
    while form.rowCount():
        form.removeRow(0)
    values = {}
    for row in rows:
        value = value_label(form.parentWidget())
        value.setText(row.value)
        values[row.label] = value
        form.addRow(f"{row.label}:", value)
    return values

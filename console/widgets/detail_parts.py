"""Pieces shared by the detail panels (a host's, a pool's): the "nothing selected" stack,
selectable value labels and a scrolling form of them."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QLabel,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

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

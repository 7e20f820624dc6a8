"""A page that is not built yet: says what will appear there."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget


class PlaceholderPage(QWidget):
    def __init__(self, title: str, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("placeholderPage")
        self.title_label = QLabel(title, self)
        self.title_label.setObjectName("pageTitle")
        self.text_label = QLabel(text, self)
        self.text_label.setObjectName("placeholderText")
        self.text_label.setWordWrap(True)
        self.text_label.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        # Focusable so that Ctrl+1..5 lands somewhere and a screen reader reads the text.
        self.text_label.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.text_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.note_label = QLabel("Not available in this version yet.", self)
        self.note_label.setObjectName("placeholderNote")
        self.note_label.setAlignment(Qt.AlignmentFlag.AlignHCenter)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 16)
        layout.addWidget(self.title_label)
        layout.addStretch(1)
        layout.addWidget(self.text_label)
        layout.addWidget(self.note_label)
        layout.addStretch(2)

    def focus_target(self) -> QWidget:
        return self.text_label

"""Errors shown in full: selectable with mouse and keyboard, and copyable with one button.

Server errors are long on purpose (``host-b: NFS mount failed: mount.nfs: access denied by
server``): they are shown whole, never elided, so they can be read, selected, copied and
pasted into a ticket.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from console.kit.tab_order import set_reading_order

SELECTABLE = (
    Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.TextSelectableByKeyboard
)


class ErrorView(QFrame):
    """A title ("Could not read host detail") and the full error text, with a Copy button."""

    copied = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("errorView")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        # As tall as its text, never taller: spare room belongs to whatever is below.
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)

        icon = QLabel(self)
        icon.setObjectName("errorIcon")
        size = self.style().pixelMetric(QStyle.PixelMetric.PM_SmallIconSize)
        icon.setPixmap(
            self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxCritical).pixmap(size)
        )
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)

        self.title_label = QLabel(self)
        self.title_label.setObjectName("errorTitle")
        self.title_label.setWordWrap(True)
        self.title_label.setTextInteractionFlags(SELECTABLE)

        self.text_label = QLabel(self)
        self.text_label.setObjectName("errorText")
        self.text_label.setWordWrap(True)
        self.text_label.setTextFormat(Qt.TextFormat.PlainText)  # server text is never markup
        self.text_label.setTextInteractionFlags(SELECTABLE)
        # Focusable, so that keyboard users can tab in and select with Shift+arrows.
        self.text_label.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

        # Alt+Y: Alt+C is the wizards' &Create beside it when a refusal is shown.
        self.copy_button = QPushButton("Cop&y error", self)
        self.copy_button.setToolTip("Copy the title and full error text to the clipboard")
        self.copy_button.clicked.connect(self._on_copy_clicked)

        texts = QVBoxLayout()
        texts.setSpacing(4)
        texts.addWidget(self.title_label)
        texts.addWidget(self.text_label)

        button_column = QVBoxLayout()
        button_column.addWidget(self.copy_button)
        button_column.addStretch(1)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.addWidget(icon)
        layout.addLayout(texts, 1)
        layout.addLayout(button_column)

    def set_error(self, title: str, text: str) -> None:
        self.title_label.setText(title)
        self.text_label.setText(text)
        self.setVisible(True)

    def clear(self) -> None:
        self.title_label.clear()
        self.text_label.clear()
        self.setVisible(False)

    def full_text(self) -> str:
        title = self.title_label.text()
        text = self.text_label.text()
        return f"{title}\n{text}" if title else text

    def _on_copy_clicked(self) -> None:
        text = self.full_text()
        QGuiApplication.clipboard().setText(text)
        self.copied.emit(text)


class ErrorDialog(QDialog):
    """An ErrorView in a window of its own (for errors that have no place to appear in)."""

    def __init__(self, title: str, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(520)
        self.view = ErrorView(self)
        self.view.set_error(title, text)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view)
        layout.addWidget(buttons)
        # The Copy button sits on the title's row, above the text: read before it. The text
        # keeps the first focus (Enter there closes; on Copy it would copy).
        set_reading_order(self.view.copy_button, self.view.text_label, buttons)
        self.view.text_label.setFocus(Qt.FocusReason.OtherFocusReason)

"""The foot every form dialog shares: the line saying why OK is disabled (the broken rule,
naming the field), the coordinator's refusal as it came (selectable), and OK / Cancel."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPushButton

from console.style import set_state_property


@dataclass(frozen=True)
class DialogFooter:
    reason: QLabel
    server_error: QLabel
    buttons: QDialogButtonBox
    ok_button: QPushButton


def dialog_footer(dialog: QDialog, action_text: str) -> DialogFooter:
    """The footer's widgets, OK wired to ``dialog.accept`` and Cancel to ``dialog.reject``;
    the caller lays them out."""
    reason = QLabel(dialog)
    reason.setObjectName("fieldHint")
    reason.setWordWrap(True)
    reason.setTextFormat(Qt.TextFormat.PlainText)
    server_error = QLabel(dialog)
    server_error.setObjectName("serverError")
    server_error.setWordWrap(True)
    server_error.setTextFormat(Qt.TextFormat.PlainText)
    server_error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    set_state_property(server_error, "state", "error")
    server_error.setVisible(False)
    buttons = QDialogButtonBox(dialog)
    ok_button = QPushButton(action_text, dialog)
    ok_button.setDefault(True)
    buttons.addButton(ok_button, QDialogButtonBox.ButtonRole.AcceptRole)
    buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return DialogFooter(reason, server_error, buttons, ok_button)

"""Ctrl+W (the platform's Close key) closes any dialog, as Esc does.

Dialogs are made in many modules; rather than each adding the key, a shortcut is attached to
a dialog the first time the focus enters it (focus changes are rare, unlike the events an
application-wide event filter would see). Closing is ``reject()``: what Esc and Cancel do, so
a dialog's own clean-up on cancel runs.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QShortcut
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from console.kit.commands import close_keys

_ATTACHED = "quantixCloseKey"
_installed = False


def _attach(_old: QWidget | None, new: QWidget | None) -> None:
    if new is None:
        return
    window = new.window()
    if not isinstance(window, QDialog) or window.property(_ATTACHED):
        return
    window.setProperty(_ATTACHED, True)
    for key in close_keys():
        shortcut = QShortcut(key, window)
        shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
        shortcut.activated.connect(window.reject)


def install_dialog_close_key() -> None:
    """Once per application (the first main window installs it)."""
    global _installed
    app = QApplication.instance()
    if _installed or not isinstance(app, QApplication):
        return
    app.focusChanged.connect(_attach)
    _installed = True

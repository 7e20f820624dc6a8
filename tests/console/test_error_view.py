"""Errors are shown whole, and can be selected (mouse and keyboard) and copied."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from console.widgets.error_view import ErrorDialog, ErrorView
from tests.console.conftest import activate

TEXT = (
    "host-b (127.0.0.1:7502) internal error: Child process (/bin/mount -o nodev,nosuid,noexec "
    "-t nfs 127.0.0.1:/export /mnt) unexpected exit status 32: mount.nfs: No such device"
)


def test_error_text_is_selectable_by_mouse_and_keyboard(qtbot):
    view = ErrorView()
    qtbot.addWidget(view)
    view.set_error("Could not start pool nfs-1", TEXT)
    view.show()
    qtbot.waitExposed(view)
    flags = view.text_label.textInteractionFlags()
    assert flags & Qt.TextInteractionFlag.TextSelectableByMouse
    assert flags & Qt.TextInteractionFlag.TextSelectableByKeyboard
    assert view.text_label.text() == TEXT  # whole, never elided
    assert view.text_label.textFormat() == Qt.TextFormat.PlainText

    activate(qtbot, view)
    view.text_label.setFocus()
    qtbot.waitUntil(view.text_label.hasFocus, timeout=5000)
    # The text wraps: Ctrl+Home / Ctrl+Shift+End cover every line, Ctrl+A too.
    ctrl = Qt.KeyboardModifier.ControlModifier
    qtbot.keyClick(view.text_label, Qt.Key.Key_Home, ctrl)
    qtbot.keyClick(view.text_label, Qt.Key.Key_End, ctrl | Qt.KeyboardModifier.ShiftModifier)
    assert view.text_label.selectedText() == TEXT
    view.text_label.setSelection(0, 0)
    qtbot.keyClick(view.text_label, Qt.Key.Key_A, ctrl)
    assert view.text_label.selectedText() == TEXT


def test_copy_button_copies_title_and_full_text(qtbot):
    view = ErrorView()
    qtbot.addWidget(view)
    view.set_error("Could not start pool nfs-1", TEXT)
    view.show()
    with qtbot.waitSignal(view.copied):
        qtbot.mouseClick(view.copy_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == f"Could not start pool nfs-1\n{TEXT}"
    assert view.copy_button.text() == "Cop&y error"  # Alt+Y: Alt+C is the wizards' Create


def test_clear_hides_the_view(qtbot):
    view = ErrorView()
    qtbot.addWidget(view)
    view.show()
    view.set_error("t", "x")
    assert view.isVisible()
    view.clear()
    assert not view.isVisible()
    assert view.full_text() == ""


def test_error_dialog(qtbot):
    dialog = ErrorDialog("Lost the connection to coordinator 127.0.0.1:7443", TEXT)
    qtbot.addWidget(dialog)
    dialog.open()
    assert dialog.view.text_label.text() == TEXT
    assert dialog.windowTitle() == "Lost the connection to coordinator 127.0.0.1:7443"
    with qtbot.waitSignal(dialog.finished):
        dialog.reject()

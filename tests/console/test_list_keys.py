"""Lists by the keyboard on every page (console.kit.list_keys, console.kit.search_keys): Tab
from the search field into the list selects its first row, the arrows move the selection,
typing a name jumps to it, and Esc in the search field clears it, then returns to the list.

The window is fed a realistic inventory over a real Watch (tests.console.inventory); every key
is a key event sent to the widget that has the focus.
"""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QApplication, QLineEdit, QWidget

from console.main_window import MainWindow
from tests.console.conftest import activate
from tests.console.test_focus_chain import show_page

# The search field and list of each page, as a user meets them.
PAGES = {
    "hosts": ("filter_edit", "table"),
    "storage": ("search_edit", "view"),
    "networks": ("search_edit", "view"),
    "clusters": ("search_edit", "table"),
    "images": ("search_edit", "table"),
    "audit": ("filter_edit", "table"),
}
# Pages whose first column is not a name (the audit log starts with the time).
NO_TYPE_AHEAD = {"audit"}


def focused() -> QWidget | None:
    return QApplication.focusWidget()


def parts(window: MainWindow, key: str) -> tuple[QLineEdit, QAbstractItemView]:
    field_name, view_name = PAGES[key]
    page = window.page(key)
    return getattr(page, field_name), getattr(page, view_name)


def press(qtbot: Any, key: Qt.Key) -> None:
    widget = focused()
    assert widget is not None
    qtbot.keyClick(widget, key)


def tab_until(qtbot: Any, target: QWidget, limit: int = 12) -> None:
    """Tab from where the focus is until ``target`` has it (failing after ``limit`` presses)."""
    for _ in range(limit):
        if focused() is target:
            return
        press(qtbot, Qt.Key.Key_Tab)
    assert focused() is target, f"Tab never reached {target.objectName()}"


def current_name(view: QAbstractItemView) -> str:
    index = view.currentIndex()
    if not index.isValid() or not view.selectionModel().isSelected(index):
        return ""
    return str(index.siblingAtColumn(0).data())


def names(view: QAbstractItemView) -> list[str]:
    model = view.model()
    return [str(model.index(row, 0).data()) for row in range(model.rowCount())]


@pytest.mark.parametrize("key", sorted(PAGES))
def test_tab_into_a_list_selects_its_first_row_and_arrows_move(inventory_window, qtbot, key):
    window = inventory_window
    activate(qtbot, window)
    page = show_page(qtbot, window, key)
    field, view = parts(window, key)
    view.clearSelection()
    field.setFocus(Qt.FocusReason.ShortcutFocusReason)
    tab_until(qtbot, view)
    rows = names(view)
    assert len(rows) >= 2
    assert current_name(view) == rows[0]
    # Card grids go left to right, tables top to bottom.
    step = Qt.Key.Key_Right if key in ("storage", "networks") else Qt.Key.Key_Down
    press(qtbot, step)
    assert current_name(view) == rows[1]
    # Tab away and back: the selection the user made stays.
    press(qtbot, Qt.Key.Key_Backtab)
    tab_until(qtbot, view)
    assert current_name(view) == rows[1], page.objectName()


@pytest.mark.parametrize("key", sorted(set(PAGES) - NO_TYPE_AHEAD))
def test_typing_a_name_in_a_list_selects_it(inventory_window, qtbot, key):
    window = inventory_window
    activate(qtbot, window)
    show_page(qtbot, window, key)
    field, view = parts(window, key)
    field.setFocus(Qt.FocusReason.ShortcutFocusReason)
    tab_until(qtbot, view)
    wanted = names(view)[-1]
    assert current_name(view) != wanted
    qtbot.keyClicks(view, wanted)
    assert current_name(view) == wanted


@pytest.mark.parametrize("key", sorted(PAGES))
def test_esc_clears_the_search_then_returns_to_the_list(inventory_window, qtbot, key):
    window = inventory_window
    activate(qtbot, window)
    show_page(qtbot, window, key)
    field, view = parts(window, key)
    every = view.model().rowCount()
    field.setFocus(Qt.FocusReason.ShortcutFocusReason)
    qtbot.keyClicks(field, "zzz-no-such")
    assert view.model().rowCount() < every
    press(qtbot, Qt.Key.Key_Escape)
    assert field.text() == ""
    assert view.model().rowCount() == every
    assert focused() is field
    press(qtbot, Qt.Key.Key_Escape)
    assert focused() is view

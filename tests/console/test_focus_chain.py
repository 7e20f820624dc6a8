"""Every enabled control of every page and dialog is reachable by Tab.

The window is connected to a scripted Watch with a realistic inventory (tests.console.inventory),
so lists have rows, details show and actions are enabled. Each page is shown by its shortcut
(Ctrl+<n>); Tab is pressed on whatever has the focus until the focus comes back to where it
started; the test fails naming each enabled, shown control the walk never reached. Dialogs and
wizards are opened from their pages as a user opens them, and walked the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QTabWidget, QWidget, QWizard

from console.main_window import MainWindow
from tests.console.conftest import activate
from tests.console.focus_walk import unreached
from tests.console.inventory import CLUSTERS, POOLS

CTRL = Qt.KeyboardModifier.ControlModifier


def show_page(qtbot: Any, window: MainWindow, key: str) -> QWidget:
    """The page at its shortcut, Ctrl+<its place in the sidebar>."""
    number = window.page_keys.index(key) + 1
    qtbot.keyClick(window, getattr(Qt.Key, f"Key_{number}"), CTRL)
    page = window.page(key)
    qtbot.waitUntil(lambda: window.current_page() is page, timeout=5000)
    return page


def walk_every_tab(qtbot: Any, root: QWidget, start: QWidget) -> list[str]:
    """Unreached controls of ``root`` as shown, then again with each tab of each tab widget."""
    missed = unreached(qtbot, root, start)
    for tabs in root.findChildren(QTabWidget):
        if not tabs.isVisible():
            continue
        for index in range(tabs.count()):
            if tabs.isTabEnabled(index) and index != tabs.currentIndex():
                tabs.setCurrentIndex(index)
                missed += [
                    f"{miss} (tab {tabs.tabText(index)!r})"
                    for miss in unreached(qtbot, root, start)
                ]
    return sorted(set(missed))


@pytest.mark.parametrize(
    "key", ["hosts", "clusters", "storage", "images", "networks", "audit", "switches"]
)
def test_tab_reaches_every_control_of_each_page(inventory_window, qtbot, key):
    window = inventory_window
    activate(qtbot, window)
    show_page(qtbot, window, key)
    missed = walk_every_tab(qtbot, window, window.sidebar)
    assert not missed, f"page {key!r}: Tab never reaches:\n  " + "\n  ".join(missed)


# --- dialogs and wizards, opened from their pages -----------------------------------------


def _storage_with(window: MainWindow, pool: str) -> Any:
    page = window.storage_page
    page.select_pool(pool)
    return page


def _clusters_detail(window: MainWindow) -> Any:
    page = window.page("clusters")
    page.open_detail(CLUSTERS[1])
    return page


def _switches(window: MainWindow) -> Any:
    page = window.page("switches")
    page.list.setCurrentIndex(page.list.model().index(0, 0))
    return page


OPENERS: dict[str, Callable[[MainWindow], QDialog | None]] = {
    "connect": lambda w: w.open_connect_dialog(),
    "add host": lambda w: w.hosts_page.open_add_dialog(),
    "remove host": lambda w: (
        w.hosts_page.select_host("host-b"),
        w.hosts_page.open_remove_dialog(),
    )[-1],
    "create pool": lambda w: w.storage_page.actions.open_wizard(),
    "delete pool": lambda w: _storage_with(w, POOLS[0]).actions.open_delete_dialog(),
    "assign hosts": lambda w: _storage_with(w, POOLS[0]).actions.open_assign_dialog(),
    "adopt pool": lambda w: (
        w.storage_page.select_discovered(w.discovered_model.key_at(0)),
        w.storage_page.actions.open_adopt_dialog(),
    )[-1],
    "create network": lambda w: w.page("networks").open_wizard(),
    "new switch": lambda w: w.page("switches").open_new_switch(),
    "map uplinks": lambda w: _switches(w).open_map_uplinks(),
    "add port group": lambda w: _switches(w).open_add_port_group(),
    "create cluster": lambda w: w.page("clusters").open_wizard(),
    "add cluster hosts": lambda w: _clusters_detail(w).detail.open_add_dialog(),
    "upload image": lambda w: w.page("images").open_upload_dialog(),
    "download image": lambda w: w.page("images").open_download_dialog(),
    "import ova": lambda w: w.page("images").open_import_dialog(),
}


@pytest.mark.parametrize("name", sorted(OPENERS))
def test_tab_reaches_every_control_of_each_dialog(inventory_window, qtbot, name):
    window = inventory_window
    activate(qtbot, window)
    dialog = OPENERS[name](window)
    assert dialog is not None, f"{name}: the page did not open it"
    qtbot.waitUntil(dialog.isVisible, timeout=5000)
    activate(qtbot, dialog)
    missed = walk_every_tab(qtbot, dialog, dialog.focusWidget() or dialog)
    if isinstance(dialog, QWizard):
        missed = [f"{miss} (page {dialog.currentId()})" for miss in missed]
    dialog.reject()
    assert not missed, f"dialog {name!r}: Tab never reaches:\n  " + "\n  ".join(missed)


# --- focus is always visible ----------------------------------------------------------------


def test_the_focused_control_looks_different_from_the_others(qtbot):
    """Each kind of control is drawn differently with the keyboard focus (the style sheet's
    :focus rules), so a keyboard user sees where Tab went."""
    from PySide6.QtWidgets import (
        QCheckBox,
        QLineEdit,
        QListWidget,
        QPushButton,
        QTableWidget,
        QVBoxLayout,
    )

    host = QWidget()
    layout = QVBoxLayout(host)
    primary = QPushButton("New pool…")
    primary.setObjectName("primaryButton")
    list_widget = QListWidget()
    list_widget.addItems(["alpha", "beta"])
    kinds: list[QWidget] = [
        QPushButton("Delete…"),
        primary,
        QLineEdit("nfs-a"),
        QCheckBox("Start at boot"),
        list_widget,
        QTableWidget(2, 2),
    ]
    resting = QPushButton("Elsewhere")  # holds the focus while each control is drawn without
    for widget in [resting, *kinds]:
        layout.addWidget(widget)
    qtbot.addWidget(host)
    host.show()
    qtbot.waitExposed(host)
    activate(qtbot, host)
    for widget in kinds:
        resting.setFocus(Qt.FocusReason.TabFocusReason)
        qtbot.waitUntil(resting.hasFocus, timeout=5000)
        without = widget.grab().toImage()
        widget.setFocus(Qt.FocusReason.TabFocusReason)
        qtbot.waitUntil(widget.hasFocus, timeout=5000)
        with_focus = widget.grab().toImage()
        assert with_focus.size() == without.size(), type(widget).__name__
        assert with_focus != without, f"{type(widget).__name__} looks the same with the focus"

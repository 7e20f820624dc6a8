"""Every enabled control of every page and dialog is reachable by Tab.

The window is connected to a scripted Watch with a realistic inventory (tests.console.inventory),
so lists have rows, details show and actions are enabled. Each page is shown by its shortcut
(Ctrl+<n>); Tab is pressed on whatever has the focus until the focus comes back to where it
started (a second lap: see focus_walk.tab_walk); the test fails naming each enabled, shown
control the walk never reached. Every dialog and every page of every wizard path
(tests.console.surfaces) is opened as a user opens it and walked the same way; a dialog class
or message box added to the console without a surface there fails
``test_every_dialog_of_the_console_is_walked``.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QMessageBox, QTabWidget, QWidget

import console
from tests.console.conftest import activate
from tests.console.focus_walk import unreached
from tests.console.surfaces import (
    MESSAGE_BOX_SITES,
    NAMES,
    PAGE_STATES,
    SURFACES,
    show_page,
    surface,
    visit,
)

__all__ = ["show_page"]  # tests.console.test_list_keys takes it from here


def tab_states(root: QWidget) -> Iterator[str]:
    """``root`` as shown (""), then with each other tab of each shown tab widget current."""
    yield ""
    for tabs in root.findChildren(QTabWidget):
        if not tabs.isVisible():
            continue
        for index in range(tabs.count()):
            if tabs.isTabEnabled(index) and index != tabs.currentIndex():
                tabs.setCurrentIndex(index)
                yield f" (tab {tabs.tabText(index)!r})"


def walk_every_tab(qtbot: Any, root: QWidget, start: QWidget) -> list[str]:
    """Unreached controls of ``root`` as shown, then again with each tab of each tab widget."""
    missed = []
    for state in tab_states(root):
        missed += [f"{miss}{state}" for miss in unreached(qtbot, root, start)]
    return sorted(set(missed))


@pytest.mark.parametrize("name", sorted(PAGE_STATES))
def test_tab_reaches_every_control_of_each_page(inventory_window, qtbot, name):
    window = inventory_window
    activate(qtbot, window)
    key, prepare = PAGE_STATES[name]
    show_page(qtbot, window, key)
    prepare(window)
    missed = walk_every_tab(qtbot, window, window.sidebar)
    assert not missed, f"page {name!r}: Tab never reaches:\n  " + "\n  ".join(missed)


@pytest.mark.parametrize("name", NAMES)
def test_tab_reaches_every_control_of_each_dialog(inventory_window, qtbot, name):
    window = inventory_window
    activate(qtbot, window)
    missed = []
    for dialog, where in visit(qtbot, window, surface(name)):
        start = dialog.focusWidget() or dialog
        missed += [f"{where}: {miss}" for miss in walk_every_tab(qtbot, dialog, start)]
    assert not missed, "Tab never reaches:\n  " + "\n  ".join(missed)


# --- every dialog has a surface -------------------------------------------------------------


def console_dialog_classes() -> set[type[QDialog]]:
    """The dialog classes defined under console/ that nothing there subclasses further (a
    base such as ConfirmForceDialog is walked through its subclasses)."""
    for module in pkgutil.walk_packages(console.__path__, "console."):
        if not module.name.endswith("__main__"):
            importlib.import_module(module.name)

    def subclasses(cls: type) -> Iterator[type]:
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    ours = {c for c in subclasses(QDialog) if c.__module__.startswith("console.")}
    return {c for c in ours if not any(issubclass(o, c) and o is not c for o in ours)}


def message_box_sites() -> set[tuple[str, str]]:
    """(module, function) of every QMessageBox(...) built under console/."""
    root = Path(console.__file__).parent
    sites = set()
    for path in root.rglob("*.py"):
        module = ".".join(("console", *path.relative_to(root).with_suffix("").parts))
        for function in ast.walk(ast.parse(path.read_text())):
            if not isinstance(function, ast.FunctionDef):
                continue
            for node in ast.walk(function):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Name)
                    and node.func.id == "QMessageBox"
                ):
                    sites.add((module, function.name))
    return sites


def test_every_dialog_of_the_console_is_walked():
    walked = {s.kind for s in SURFACES}
    unwalked = sorted(f"{c.__module__}.{c.__qualname__}" for c in console_dialog_classes() - walked)
    assert not unwalked, "dialogs with no surface in tests/console/surfaces.py: " + ", ".join(
        unwalked
    )
    sites = message_box_sites()
    assert sites == set(MESSAGE_BOX_SITES), (
        f"message boxes with no surface: {sorted(sites - set(MESSAGE_BOX_SITES))}; "
        f"surfaces of no message box: {sorted(set(MESSAGE_BOX_SITES) - sites)}"
    )
    for name in MESSAGE_BOX_SITES.values():
        assert surface(name).kind is QMessageBox, name


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

"""Every control that matters has a name a screen reader can say: on each page of a window fed
a realistic inventory, in each dialog and on each page of each wizard path
(tests.console.surfaces), an enabled input, list or button with neither visible text nor a
label pointing at it (a buddy) nor an accessible name fails the test."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from tests.console.conftest import activate
from tests.console.focus_walk import address, controls, describe, visible_text
from tests.console.surfaces import NAMES, PAGE_STATES, show_page, surface, visit


def painted(root: QWidget) -> list[QWidget]:
    """Widgets of the console's own that draw themselves and take the focus (a usage graph):
    nothing but an accessible name says what they show."""
    return [
        widget
        for widget in root.findChildren(QWidget)
        if type(widget).__module__.startswith("console.")
        and widget.isVisible()
        and widget.focusPolicy() & Qt.FocusPolicy.TabFocus
    ]


def nameless(root: QWidget) -> list[str]:
    labelled = {address(label.buddy()) for label in root.findChildren(QLabel) if label.buddy()}
    return [
        describe(widget)
        for widget in [*controls(root), *painted(root)]
        if not widget.accessibleName()
        and not visible_text(widget)
        and address(widget) not in labelled
    ]


@pytest.mark.parametrize("name", sorted(PAGE_STATES))
def test_every_control_of_each_page_has_a_name(inventory_window, qtbot, name):
    window = inventory_window
    activate(qtbot, window)
    key, prepare = PAGE_STATES[name]
    show_page(qtbot, window, key)
    prepare(window)
    missing = nameless(window)
    assert not missing, f"page {name!r}: no name for\n  " + "\n  ".join(missing)


@pytest.mark.parametrize("name", NAMES)
def test_every_control_of_each_dialog_has_a_name(inventory_window, qtbot, name):
    window = inventory_window
    activate(qtbot, window)
    missing = []
    for dialog, where in visit(qtbot, window, surface(name)):
        missing += [f"{where}: {widget}" for widget in nameless(dialog)]
    assert not missing, "no name for\n  " + "\n  ".join(missing)

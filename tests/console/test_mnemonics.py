"""Alt+letter in every dialog and on every page of every wizard path (tests.console.surfaces):
each labelled field's label points at its field (a buddy) and carries a mnemonic, and no two
things shown at once in a dialog share a letter (a shared letter makes Alt+letter cycle between
them instead of going where the user meant)."""

from __future__ import annotations

from collections import defaultdict

import pytest
from PySide6.QtWidgets import (
    QAbstractButton,
    QDialog,
    QFormLayout,
    QGroupBox,
    QLabel,
    QTabBar,
    QWidget,
)

from tests.console.conftest import activate
from tests.console.focus_walk import CONTROL_TYPES, describe
from tests.console.surfaces import NAMES, surface, visit


def mnemonic(text: str) -> str:
    """The letter after a single '&' ("" without one; "&&" is a literal ampersand)."""
    index = 0
    while True:
        index = text.find("&", index)
        if index < 0 or index + 1 >= len(text):
            return ""
        if text[index + 1] == "&":
            index += 2
            continue
        return text[index + 1].casefold()


def shown(widget: QWidget) -> bool:
    return widget.isVisible()


def unmarked_labels(dialog: QDialog) -> list[str]:
    """Form rows whose field is a control but whose label has no buddy or no mnemonic."""
    problems = []
    for form in dialog.findChildren(QFormLayout):
        for row in range(form.rowCount()):
            label_item = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
            field_item = form.itemAt(row, QFormLayout.ItemRole.FieldRole)
            label = label_item.widget() if label_item else None
            field = field_item.widget() if field_item else None
            if not isinstance(label, QLabel) or not isinstance(field, CONTROL_TYPES):
                continue
            if not shown(label) or not field.isEnabled():
                continue
            if label.buddy() is None or not mnemonic(label.text()):
                problems.append(f"label {label.text()!r} of {describe(field)}")
    return problems


def mnemonics_in(dialog: QDialog) -> dict[str, list[str]]:
    """Each letter used with Alt, and the texts using it, among what is shown."""
    used: dict[str, list[str]] = defaultdict(list)
    for label in dialog.findChildren(QLabel):
        if shown(label) and label.buddy() is not None and mnemonic(label.text()):
            used[mnemonic(label.text())].append(f"label {label.text()!r}")
    for button in dialog.findChildren(QAbstractButton):
        if shown(button) and mnemonic(button.text()):
            used[mnemonic(button.text())].append(f"button {button.text()!r}")
    for box in dialog.findChildren(QGroupBox):
        if shown(box) and box.isCheckable() and mnemonic(box.title()):
            used[mnemonic(box.title())].append(f"group {box.title()!r}")
    for bar in dialog.findChildren(QTabBar):
        if shown(bar):
            for index in range(bar.count()):
                if mnemonic(bar.tabText(index)):
                    used[mnemonic(bar.tabText(index))].append(f"tab {bar.tabText(index)!r}")
    return used


def clashes(dialog: QDialog) -> list[str]:
    return [
        f"Alt+{letter.upper()}: " + ", ".join(texts)
        for letter, texts in sorted(mnemonics_in(dialog).items())
        if len(texts) > 1
    ]


@pytest.mark.parametrize("name", NAMES)
def test_each_dialog_has_a_mnemonic_per_field_and_no_two_alike(inventory_window, qtbot, name):
    window = inventory_window
    activate(qtbot, window)
    problems = []
    for dialog, where in visit(qtbot, window, surface(name)):
        problems += [f"{where}: {p}" for p in unmarked_labels(dialog) + clashes(dialog)]
    assert not problems, "\n  ".join(["mnemonics:", *problems])

"""Walking a window by the keyboard: what Tab reaches, which controls it never reaches, and how
to name a control in a failure (its class, object name, accessible name or text, and where it
sits), shared by the focus-chain, accessible-name and mnemonic tests."""

from __future__ import annotations

from typing import Any

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QTabBar,
    QTextEdit,
    QWidget,
)

# Controls a keyboard user must be able to reach (check and radio buttons are buttons).
CONTROL_TYPES: tuple[type[QWidget], ...] = (
    QAbstractButton,
    QLineEdit,
    QComboBox,
    QAbstractSpinBox,
    QAbstractItemView,
    QTabBar,
    QTextEdit,
    QPlainTextEdit,
)
# Far more Tab presses than any window here has controls: a chain that never cycles back
# (focus stuck in a widget that eats Tab) ends the walk rather than spinning.
MAX_TABS = 300


def _inside_composite(widget: QWidget, root: QWidget) -> bool:
    """A part of another control (a spin box's or combo box's own line edit or list)."""
    parent = widget.parentWidget()
    while parent is not None and parent is not root:
        if isinstance(parent, QAbstractSpinBox | QComboBox):
            return True
        parent = parent.parentWidget()
    return False


def controls(root: QWidget) -> list[QWidget]:
    """The enabled, shown controls under ``root`` that take focus by Tab, in creation order."""
    found = []
    for widget in root.findChildren(QWidget):
        if not isinstance(widget, CONTROL_TYPES) or widget.window() is not root.window():
            continue
        if not widget.isVisible() or not widget.isEnabled():
            continue
        if not widget.focusPolicy() & Qt.FocusPolicy.TabFocus:
            continue
        if widget.focusProxy() is not None or _inside_composite(widget, root):
            continue
        found.append(widget)
    return found


def focused() -> QWidget | None:
    return QApplication.focusWidget()


class TabTrap(Exception):
    """Tab left the focus where it was: a widget that takes Tab for itself."""


def tab_walk(qtbot: Any, start: QWidget) -> list[QWidget]:
    """Put the focus on ``start`` and press Tab until the focus comes back to a widget it
    already had (or MAX_TABS presses): every widget that had the focus, in order. Raises
    TabTrap naming the widget when a Tab leaves the focus where it was."""
    start.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(lambda: focused() is not None, timeout=5000)
    first = focused()
    reached: list[QWidget] = [first] if first is not None else []
    for _ in range(MAX_TABS):
        current = focused()
        if current is None:
            break
        qtbot.keyClick(current, Qt.Key.Key_Tab)
        now = focused()
        if now is current:
            raise TabTrap(f"Tab does not leave {describe(current)}")
        if now is None or any(now is seen for seen in reached):
            break
        reached.append(now)
    return reached


def address(widget: QWidget) -> int:
    """The C++ object's address: Python wrappers of widgets Qt made itself (a button box's
    buttons) come and go, so their id() is no identity."""
    return int(shiboken6.getCppPointer(widget)[0])


def _reached_by(widget: QWidget, reached: set[int]) -> bool:
    if address(widget) in reached:
        return True
    if isinstance(widget, QRadioButton) and widget.autoExclusive():
        # Tab enters a group of exclusive radio buttons at its checked one; arrows move on.
        siblings = widget.parentWidget().findChildren(QRadioButton) if widget.parentWidget() else []
        return any(address(other) in reached for other in siblings if other.autoExclusive())
    return False


def unreached(qtbot: Any, root: QWidget, start: QWidget) -> list[str]:
    """Each enabled, shown control under ``root`` that Tab from ``start`` never reaches."""
    try:
        reached = {address(widget) for widget in tab_walk(qtbot, start)}
    except TabTrap as trap:
        return [str(trap)]
    return [describe(widget) for widget in controls(root) if not _reached_by(widget, reached)]


def visible_text(widget: QWidget) -> str:
    """What the widget says on itself (a button's or tab's text), without its mnemonic."""
    if isinstance(widget, QAbstractButton):
        return widget.text().replace("&", "").strip()
    if isinstance(widget, QTabBar):
        return " ".join(widget.tabText(i) for i in range(widget.count())).strip()
    return ""


def describe(widget: QWidget) -> str:
    """A control as a reader of a failure finds it: kind, name, text and its parents."""
    parts = [type(widget).__name__]
    if widget.objectName():
        parts.append(f"#{widget.objectName()}")
    if widget.accessibleName():
        parts.append(f"'{widget.accessibleName()}'")
    elif visible_text(widget):
        parts.append(f"'{visible_text(widget)}'")
    elif isinstance(widget, QLineEdit) and widget.placeholderText():
        parts.append(f"placeholder '{widget.placeholderText()}'")
    path = []
    parent = widget.parentWidget()
    while parent is not None and len(path) < 4:
        path.append(
            type(parent).__name__ + (f"#{parent.objectName()}" if parent.objectName() else "")
        )
        parent = parent.parentWidget()
    return " ".join(parts) + " in " + " < ".join(path)

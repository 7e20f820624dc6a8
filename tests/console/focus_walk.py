"""Walking a window by the keyboard: what Tab reaches, which controls it never reaches, and how
to name a control in a failure (its class, object name, accessible name or text, and where it
sits), shared by the focus-chain, accessible-name and mnemonic tests."""

from __future__ import annotations

import itertools
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
    """Every widget Tab gives the focus to, in order, on the second lap from ``start``: the
    first lap brings the window to where a keyboard user has it after one round (Tab into a
    list selects its first row, which enables the buttons acting on it, maybe passed already).
    Raises TabTrap naming the widget when a Tab leaves the focus where it was, or when Tab
    circles in a part of the window, never coming back to where the lap started."""
    first_lap = tab_lap(qtbot, start)
    lap = tab_lap(qtbot, focused() or first_lap[0])
    now = focused()
    if now is not None and address(now) != address(lap[0]):
        raise TabTrap(
            f"Tab goes round from {describe(lap[-1])} back to {describe(now)}, "
            f"never to {describe(lap[0])}"
        )
    return lap


def tab_lap(qtbot: Any, start: QWidget) -> list[QWidget]:
    """Put the focus on ``start`` and press Tab until the focus comes back to a widget it
    already had (or MAX_TABS presses): every widget that had the focus, in order."""
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
            if any(address(other) != address(current) for other in controls(current.window())):
                raise TabTrap(f"Tab does not leave {describe(current)}")
            break  # the only stop (a message box's OK, the palette's field): Tab stays
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


# --- reading order ---------------------------------------------------------------------------

# Two stops whose top edges are this close are on one row (a line edit and the taller button
# beside it, a check box beside a field): their order is left to right.
ROW_TOLERANCE_PX = 6


def _is_panel(widget: QWidget) -> bool:
    """A region read as one unit: a scroll area, a dock, a side of a splitter, a page of a
    stack (the main window's page, a detail's page)."""
    from PySide6.QtWidgets import QDockWidget, QScrollArea, QSplitter, QStackedWidget

    parent = widget.parentWidget()
    return isinstance(widget, QScrollArea | QDockWidget) or isinstance(
        parent, QSplitter | QStackedWidget
    )


def reading_path(widget: QWidget, root: QWidget) -> list[QWidget]:
    """The panels holding ``widget`` under ``root``, outermost first, then the widget."""
    path = [widget]
    parent = widget.parentWidget()
    while parent is not None and parent is not root:
        if _is_panel(parent):
            path.append(parent)
        parent = parent.parentWidget()
    return path[::-1]


def top_left(widget: QWidget) -> tuple[int, int]:
    from PySide6.QtCore import QPoint

    point = widget.mapToGlobal(QPoint(0, 0))
    return point.x(), point.y()


def _before(a: QWidget, b: QWidget) -> bool:
    """``a`` is read before ``b`` (or at the same place)."""
    (ax, ay), (bx, by) = top_left(a), top_left(b)
    if abs(ay - by) <= ROW_TOLERANCE_PX:
        return ax <= bx
    return ay < by


def read_before(a: list[QWidget], b: list[QWidget]) -> bool:
    """Path ``a`` is read before path ``b``: compared at the first panel (or stop) where they
    part."""
    for left, right in zip(a, b, strict=False):
        if address(left) != address(right):
            return _before(left, right)
    return True


def reading_breaks(stops: list[QWidget], root: QWidget) -> list[str]:
    """Each Tab (from the stop the reader meets first) that goes back against reading order."""
    if len(stops) < 2:
        return []
    paths = [reading_path(stop, root) for stop in stops]
    first = 0  # the stop a reader meets first: read before every other (ties: the earlier)
    for index in range(1, len(stops)):
        if not read_before(paths[first], paths[index]):
            first = index
    order = list(range(first, len(stops))) + list(range(first))
    breaks = []
    for here, there in itertools.pairwise(order):
        if not read_before(paths[here], paths[there]):
            breaks.append(
                f"Tab from {describe(stops[here])} at {top_left(stops[here])} goes to "
                f"{describe(stops[there])} at {top_left(stops[there])}, read before it"
            )
    return breaks

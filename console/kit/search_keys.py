"""Esc in a page's search field: the first Esc clears the search (every row back), the next one
puts the focus on the page's list, where the arrows and type-ahead work.

One helper for every page with a search field and a list (the card pages, Hosts, Images,
Clusters, Audit): ``esc_clears_search(field, list_view)``.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLineEdit, QWidget


class _EscClearsSearch(QObject):
    def __init__(self, field: QLineEdit, target: Callable[[], QWidget]) -> None:
        super().__init__(field)
        self._field = field
        self._target = target

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not isinstance(event, QKeyEvent) or event.key() != Qt.Key.Key_Escape:
            return False
        if event.modifiers() != Qt.KeyboardModifier.NoModifier:
            return False
        if event.type() == QEvent.Type.ShortcutOverride:
            # Esc is the field's own here: no window shortcut (closing a panel) takes it.
            event.accept()
            return True
        if event.type() != QEvent.Type.KeyPress:
            return False
        if self._field.text():
            self._field.clear()
        else:
            self._target().setFocus(Qt.FocusReason.OtherFocusReason)
        return True


def esc_clears_search(field: QLineEdit, target: QWidget | Callable[[], QWidget]) -> None:
    """Esc clears ``field``; on an empty field it sends the focus to ``target`` (the list, or
    a function naming where the list is now: a page showing a placeholder instead)."""
    where: Callable[[], QWidget] = target if callable(target) else (lambda: target)  # type: ignore[assignment]
    field.installEventFilter(_EscClearsSearch(field, where))

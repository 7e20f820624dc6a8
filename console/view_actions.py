"""The View menu's window-wide commands, registered like any feature's actions.

F5 and Ctrl+F belong to the page on show (one window-wide key each, never two competing
ones); a page without a detail to read again or a search field hands them to the default page.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QLineEdit

from console.kit.pages import ActionSpec, PageRegistry, Shell

VIEW_MENU = "&View"


def refresh(shell: Shell) -> None:
    """Read the shown page's detail again (the default page's when it has none)."""
    page = shell.current_page()
    if not callable(getattr(page, "refresh", None)):
        page = shell.default_page()
    page_refresh = getattr(page, "refresh", None)
    if callable(page_refresh):
        page_refresh()


def focus_search(shell: Shell) -> None:
    """Into the shown page's search field; to the default page's from a page without one."""
    page = shell.current_page()
    search_field = getattr(page, "search_field", None)
    if not callable(search_field):
        page = shell.default_page()
        shell.show_page_key(str(page.property("pageKey")))
        search_field = getattr(page, "search_field", None)
        if not callable(search_field):
            return
    edit = search_field()
    assert isinstance(edit, QLineEdit)
    edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
    edit.selectAll()


def register(registry: PageRegistry) -> None:
    registry.add_action(
        ActionSpec(
            "view.refresh",
            "&Refresh Detail",
            VIEW_MENU,
            refresh,
            QKeySequence.StandardKey.Refresh,
            fallback="F5",
        )
    )
    registry.add_action(
        ActionSpec(
            "view.search",
            "&Filter or Search",
            VIEW_MENU,
            focus_search,
            QKeySequence.StandardKey.Find,
        )
    )

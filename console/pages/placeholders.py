"""Pages not built yet, registered like the others: each says what will appear there.

A feature that becomes real drops its entry here and registers its own page under the same
key, order and shortcut.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtWidgets import QWidget

from console.kit.pages import PageContext, PageRegistry, PageSpec
from console.pages.placeholder_page import PlaceholderPage


@dataclass(frozen=True)
class Placeholder:
    key: str
    title: str
    order: int
    shortcut: str
    text: str


# Every page is built now; a page yet to come is listed here until it is.
PLACEHOLDERS: tuple[Placeholder, ...] = ()


def _factory(placeholder: Placeholder) -> Callable[[PageContext], QWidget]:
    def make_page(context: PageContext) -> QWidget:
        return PlaceholderPage(placeholder.title, placeholder.text, context.window)

    return make_page


def register(registry: PageRegistry) -> None:
    for placeholder in PLACEHOLDERS:
        registry.add_page(
            PageSpec(
                placeholder.key,
                placeholder.title,
                placeholder.order,
                placeholder.shortcut,
                _factory(placeholder),
            )
        )

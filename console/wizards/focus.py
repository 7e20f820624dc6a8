"""Where the cursor goes when a wizard page appears."""

from __future__ import annotations

from PySide6.QtWidgets import QWizard


def focus_pages_on_arrival(wizard: QWizard) -> None:
    """Call each page's ``focus_first()`` (if it has one) once the page is shown.

    QWizard puts the focus on a page's first child once the page is shown, after
    initializePage; currentIdChanged comes after that, so the page can then put it where
    typing should start (synchronously: a deferred move could land mid-typing)."""

    def focus(page_id: int) -> None:
        focus_first = getattr(wizard.page(page_id), "focus_first", None)
        if callable(focus_first):
            focus_first()

    wizard.currentIdChanged.connect(focus)

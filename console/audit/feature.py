"""The Audit page and its model, registered.

Modules are imported by the factories (see console.hosts.feature).
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

from console.kit import watch_kinds
from console.kit.pages import PageContext, PageRegistry, PageSpec, WatchFed, WatchModelSpec


def make_model(parent: QObject) -> WatchFed:
    from console.models.audit_model import AuditModel

    return AuditModel(parent)


def make_page(context: PageContext) -> QWidget:
    from console.models.audit_model import AuditModel
    from console.pages.audit_page import AuditPage

    return AuditPage(context.model("audit", AuditModel), context.window, context.endpoint)


def register(registry: PageRegistry) -> None:
    # Not emptied on a switch of coordinator (as before the registry): the new stream's
    # snapshot replaces the entries.
    registry.add_model(
        WatchModelSpec(
            "audit", (watch_kinds.OBJECT_KIND_AUDIT_ENTRY,), make_model, clear_on_switch=False
        )
    )
    registry.add_page(PageSpec("audit", "Audit", 60, "Ctrl+6", make_page))

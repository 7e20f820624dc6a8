"""The Hosts page and its model, registered (the first page: where Ctrl+F goes by default).

The page's and the model's modules are imported by their factories, not here: the registry is
read before the window shows, and the page is built on its first visit (console.main_window).
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

from console.kit import watch_kinds
from console.kit.pages import PageContext, PageRegistry, PageSpec, WatchFed, WatchModelSpec


def make_model(parent: QObject) -> WatchFed:
    from console.models.hosts_model import HostsModel

    return HostsModel(parent)


def make_page(context: PageContext) -> QWidget:
    from console.models.hosts_model import HostsModel
    from console.models.pools_model import PoolsModel
    from console.pages.hosts_page import HostsPage
    from console.usage.usage_store import UsageStore

    pools = context.model("pools", PoolsModel)  # which pools a host's removal would release
    return HostsPage(
        context.model("hosts", HostsModel),
        context.window,
        pools.managed_on,
        endpoint=context.endpoint,
        usage=context.model("usage", UsageStore),
    )


def register(registry: PageRegistry) -> None:
    registry.add_model(WatchModelSpec("hosts", (watch_kinds.OBJECT_KIND_NODE,), make_model))
    registry.add_page(PageSpec("hosts", "Hosts", 10, "Ctrl+1", make_page, default=True))

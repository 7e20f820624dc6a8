"""The Storage page and its models (managed pools, pools found on hosts), registered.

Modules are imported by the factories (see console.hosts.feature).
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

from console.kit import watch_kinds
from console.kit.pages import PageContext, PageRegistry, PageSpec, WatchFed, WatchModelSpec


def make_pools_model(parent: QObject) -> WatchFed:
    from console.models.pools_model import PoolsModel

    return PoolsModel(parent)


def make_discovered_model(parent: QObject) -> WatchFed:
    from console.models.discovered_pools_model import DiscoveredPoolsModel

    return DiscoveredPoolsModel(parent)


def make_page(context: PageContext) -> QWidget:
    from console.models.discovered_pools_model import DiscoveredPoolsModel
    from console.models.hosts_model import HostsModel
    from console.models.pools_model import PoolsModel
    from console.pages.storage_page import StoragePage

    return StoragePage(
        context.model("pools", PoolsModel),
        context.model("hosts", HostsModel),
        context.endpoint,
        context.window,
        discovered=context.model("discovered_pools", DiscoveredPoolsModel),
    )


def register(registry: PageRegistry) -> None:
    registry.add_model(WatchModelSpec("pools", (watch_kinds.OBJECT_KIND_POOL,), make_pools_model))
    registry.add_model(
        WatchModelSpec(
            "discovered_pools", (watch_kinds.OBJECT_KIND_DISCOVERED_POOL,), make_discovered_model
        )
    )
    registry.add_page(PageSpec("storage", "Storage", 30, "Ctrl+3", make_page))

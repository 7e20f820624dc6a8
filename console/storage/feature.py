"""The Storage page and its models (managed pools, pools found on hosts), registered."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from console.kit.pages import PageContext, PageRegistry, PageSpec, WatchModelSpec
from console.models.discovered_pools_model import DiscoveredPoolsModel
from console.models.hosts_model import HostsModel
from console.models.pools_model import PoolsModel
from console.pages.storage_page import StoragePage
from proto.quantix.v1 import coordinator_pb2 as pb


def make_page(context: PageContext) -> QWidget:
    return StoragePage(
        context.model("pools", PoolsModel),
        context.model("hosts", HostsModel),
        context.endpoint,
        context.window,
        discovered=context.model("discovered_pools", DiscoveredPoolsModel),
    )


def register(registry: PageRegistry) -> None:
    registry.add_model(WatchModelSpec("pools", (pb.OBJECT_KIND_POOL,), PoolsModel))
    registry.add_model(
        WatchModelSpec("discovered_pools", (pb.OBJECT_KIND_DISCOVERED_POOL,), DiscoveredPoolsModel)
    )
    registry.add_page(PageSpec("storage", "Storage", 30, "Ctrl+3", make_page))

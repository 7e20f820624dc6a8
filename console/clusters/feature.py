"""The Clusters page (the list, the Create Cluster wizard, a cluster's detail) and its
Watch-fed model, registered under the key, order and shortcut its placeholder had.

CPU and memory come from the usage feature's store (console.usage: the Watch-fed model
``"usage"``) and its ``UsageGraph``: ``ClustersPage.set_usage`` plugs them in
(console.clusters.usage_hook says what it reads).

Modules are imported by the factories (see console.hosts.feature).
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

from console.kit import watch_kinds
from console.kit.pages import PageContext, PageRegistry, PageSpec, WatchFed, WatchModelSpec


def make_model(parent: QObject) -> WatchFed:
    from console.clusters.clusters_model import ClustersModel

    return ClustersModel(parent)


def make_page(context: PageContext) -> QWidget:
    from console.clusters.cluster_ops import ClusterCalls
    from console.clusters.clusters_model import ClustersModel
    from console.clusters.clusters_page import ClustersPage
    from console.models.hosts_model import HostsModel
    from console.models.pools_model import PoolsModel
    from console.networks.networks_model import NetworksModel
    from console.usage.usage_graph import UsageGraph
    from console.usage.usage_store import UsageStore

    page = ClustersPage(
        context.model("clusters", ClustersModel),
        context.model("hosts", HostsModel),
        context.model("pools", PoolsModel),
        context.model("networks", NetworksModel),
        ClusterCalls(context.endpoint),
        context.window,
    )
    store = context.model("usage", UsageStore)
    page.set_usage(store, lambda parent: UsageGraph(store, parent))
    return page


def register(registry: PageRegistry) -> None:
    registry.add_model(WatchModelSpec("clusters", (watch_kinds.OBJECT_KIND_CLUSTER,), make_model))
    registry.add_page(PageSpec("clusters", "Clusters", 20, "Ctrl+2", make_page))

"""The Clusters page (the list, the Create Cluster wizard, a cluster's detail) and its
Watch-fed model, registered under the key, order and shortcut its placeholder had.

CPU and memory come from the usage part (console.usage: the Watch-fed model ``"usage"``, a
``UsageStore``, and its ``UsageGraph``) when it is registered: ``ClustersPage.set_usage`` is
the hook (console.clusters.usage_hook says what it reads). Without it the page says "no usage
yet" there, so either part ships without the other.
"""

from __future__ import annotations

import importlib

from PySide6.QtWidgets import QWidget

from console.clusters.cluster_ops import ClusterCalls
from console.clusters.clusters_model import ClustersModel
from console.clusters.clusters_page import ClustersPage
from console.clusters.usage_hook import GraphFactory, UsageSource
from console.kit.pages import PageContext, PageRegistry, PageSpec, WatchModelSpec
from console.models.hosts_model import HostsModel
from console.models.pools_model import PoolsModel
from console.networks.networks_model import NetworksModel
from proto.quantix.v1 import coordinator_pb2 as pb

USAGE_MODEL = "usage"  # the key console.usage registers its store under
USAGE_GRAPH = ("console.usage.usage_graph", "UsageGraph")


def usage_of(context: PageContext) -> UsageSource | None:
    """The usage store, when the usage part is registered (read through its published API)."""
    store = context.models.get(USAGE_MODEL)
    if store is None or not callable(getattr(store, "latest", None)):
        return None
    return store  # type: ignore[return-value]


def graph_factory(store: UsageSource) -> GraphFactory | None:
    """``UsageGraph(store, parent)`` when the usage part is in this build."""
    module_name, class_name = USAGE_GRAPH
    try:
        graph = getattr(importlib.import_module(module_name), class_name)
    except (ModuleNotFoundError, AttributeError):
        return None
    return lambda parent: graph(store, parent)


def make_page(context: PageContext) -> QWidget:
    page = ClustersPage(
        context.model("clusters", ClustersModel),
        context.model("hosts", HostsModel),
        context.model("pools", PoolsModel),
        context.model("networks", NetworksModel),
        ClusterCalls(context.endpoint),
        context.window,
    )
    store = usage_of(context)
    if store is not None:
        page.set_usage(store, graph_factory(store))
    return page


def register(registry: PageRegistry) -> None:
    registry.add_model(WatchModelSpec("clusters", (pb.OBJECT_KIND_CLUSTER,), ClustersModel))
    registry.add_page(PageSpec("clusters", "Clusters", 20, "Ctrl+2", make_page))

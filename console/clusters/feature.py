"""The Clusters page (the list, the Create Cluster wizard, a cluster's detail) and its
Watch-fed model, registered under the key, order and shortcut its placeholder had.

CPU and memory come from a usage store when the console has one: ``ClustersPage.set_usage``
is the hook (console.clusters.usage_hook says what it reads); until a store is registered,
the page says "no usage yet" there.
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from console.clusters.cluster_ops import ClusterCalls
from console.clusters.clusters_model import ClustersModel
from console.clusters.clusters_page import ClustersPage
from console.kit.pages import PageContext, PageRegistry, PageSpec, WatchModelSpec
from console.models.hosts_model import HostsModel
from console.models.pools_model import PoolsModel
from console.networks.networks_model import NetworksModel
from proto.quantix.v1 import coordinator_pb2 as pb


def make_page(context: PageContext) -> QWidget:
    return ClustersPage(
        context.model("clusters", ClustersModel),
        context.model("hosts", HostsModel),
        context.model("pools", PoolsModel),
        context.model("networks", NetworksModel),
        ClusterCalls(context.endpoint),
        context.window,
    )


def register(registry: PageRegistry) -> None:
    registry.add_model(WatchModelSpec("clusters", (pb.OBJECT_KIND_CLUSTER,), ClustersModel))
    registry.add_page(PageSpec("clusters", "Clusters", 20, "Ctrl+2", make_page))

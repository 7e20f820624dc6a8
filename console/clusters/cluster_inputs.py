"""What the Create Cluster wizard and the Add hosts dialog are given, as plain data built
from the Watch-fed models (or by a test or the screenshot script): the hosts with their status
and cluster, the managed pools and networks with the hosts they are placed on, the names taken.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from console.clusters.clusters_model import ClustersModel
from console.clusters.fields import Placed
from console.models.hosts_model import HostsModel
from console.models.pools_model import PoolsModel
from console.networks.networks_model import NetworksModel
from proto.quantix.v1 import coordinator_pb2 as pb

# CONNECTED hosts first (they can take VMs now), then in maintenance, then offline.
_STATUS_ORDER = {
    pb.NODE_STATUS_CONNECTED: 0,
    pb.NODE_STATUS_MAINTENANCE: 1,
    pb.NODE_STATUS_UNSPECIFIED: 2,
    pb.NODE_STATUS_OFFLINE: 3,
}
STATUS_NOTES = {
    pb.NODE_STATUS_MAINTENANCE: "in maintenance",
    pb.NODE_STATUS_OFFLINE: "offline",
    pb.NODE_STATUS_UNSPECIFIED: "status unknown",
}


@dataclass(frozen=True)
class HostChoice:
    name: str
    status: int = pb.NODE_STATUS_CONNECTED  # a pb.NodeStatus
    cluster: str = ""  # the cluster it is in, "" when none

    @property
    def note(self) -> str:
        """Why the host is marked in a list ("offline"), "" for a connected one."""
        return STATUS_NOTES.get(self.status, "")


def free_hosts(hosts: Iterable[HostChoice], cluster_of: Mapping[str, str]) -> list[HostChoice]:
    """Hosts in no cluster, CONNECTED first, then by name."""
    return sorted(
        (host for host in hosts if not cluster_of.get(host.name, host.cluster)),
        key=lambda host: (_STATUS_ORDER.get(host.status, 2), host.name),
    )


@dataclass(frozen=True)
class ClusterWizardInputs:
    hosts: tuple[HostChoice, ...] = ()
    pools: tuple[Placed, ...] = ()  # managed pools
    networks: tuple[Placed, ...] = ()  # managed networks
    clusters: frozenset[str] = frozenset()  # names taken

    def cluster_of(self) -> dict[str, str]:
        return {host.name: host.cluster for host in self.hosts if host.cluster}


def host_choices(hosts: HostsModel, clusters: ClustersModel) -> tuple[HostChoice, ...]:
    cluster_of = clusters.cluster_of()
    return tuple(
        HostChoice(node.name, node.status, cluster_of.get(node.name, ""))
        for node in (hosts.node_at(row) for row in range(hosts.rowCount()))
    )


def placed_pools(pools: PoolsModel) -> tuple[Placed, ...]:
    return tuple(
        Placed(pool.spec.name, frozenset(status.host for status in pool.realization.hosts))
        for pool in pools.items()
    )


def placed_networks(networks: NetworksModel) -> tuple[Placed, ...]:
    return tuple(
        Placed(net.spec.name, frozenset(status.host for status in net.realization.hosts))
        for net in networks.networks()
    )


def inputs_from_models(
    clusters: ClustersModel, hosts: HostsModel, pools: PoolsModel, networks: NetworksModel
) -> ClusterWizardInputs:
    return ClusterWizardInputs(
        host_choices(hosts, clusters),
        placed_pools(pools),
        placed_networks(networks),
        frozenset(clusters.names()),
    )

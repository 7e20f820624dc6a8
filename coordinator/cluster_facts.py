"""What a cluster's members add up to, kept true in its stored message: its status with the
reason, its figures, the managed pools and networks on its members, and its own problems (a
default pool that is gone, HA admission control that no longer holds).

Plain functions over the fleet as the inventory holds it (``Fleet``, read once per refresh),
so the cluster manager recomputes every cluster from one reading and stores only what moved.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from coordinator import host_statuses as hs
from coordinator.inventory import Inventory
from domain.cluster_rules import (
    MemberState,
    admission_problem,
    cluster_status,
    default_problem,
)
from domain.node_status import NodeStatus
from proto.quantix.v1 import common_pb2 as cpb
from proto.quantix.v1 import coordinator_pb2 as pb
from wire.cluster_codec import CLUSTER_STATUS_TO_PB, ha_from_pb

# A host's latest usage as (CPU busy share, memory share), both 0..1; None before any sample.
UsageOf = Callable[[str], "tuple[float, float] | None"]


@dataclass(frozen=True)
class Placed:
    """A managed pool or network: the hosts it is placed on and, for a pool, each READY
    host's storage use."""

    hosts: frozenset[str]
    storage: Mapping[str, cpb.StorageUse]


@dataclass(frozen=True)
class Fleet:
    nodes: Mapping[str, pb.Node]
    pools: Mapping[str, Placed]  # by name, in name order
    networks: Mapping[str, Placed]
    usage: UsageOf


class Placements:
    """Each managed pool's and network's placement, read again only when its stored message
    changed: the inventory's rule is that a change is a new message through ``put``, never an
    edit of the stored one, so an unchanged object is the very same message. A pool on 1,000
    hosts is 1,000 statuses to read; most refreshes follow a change of one object."""

    def __init__(self) -> None:
        self._seen: dict[tuple[int, str], tuple[object, Placed]] = {}

    def read(self, inventory: Inventory, kind: int) -> dict[str, Placed]:
        placed = {}
        for obj in inventory.list(kind):
            name = obj.spec.name  # type: ignore[attr-defined]
            seen = self._seen.get((kind, name))
            if seen is None or seen[0] is not obj:
                seen = (obj, _placement(obj))
                self._seen[(kind, name)] = seen
            placed[name] = seen[1]
        for key in [k for k in self._seen if k[0] == kind and k[1] not in placed]:
            del self._seen[key]
        return placed


def read_fleet(inventory: Inventory, usage: UsageOf, placements: Placements) -> Fleet:
    nodes = {
        node.name: node for node in inventory.list(pb.OBJECT_KIND_NODE) if isinstance(node, pb.Node)
    }
    return Fleet(
        nodes,
        placements.read(inventory, pb.OBJECT_KIND_POOL),
        placements.read(inventory, pb.OBJECT_KIND_NETWORK),
        usage,
    )


def _placement(obj: object) -> Placed:
    storage = {
        status.host: status.storage
        for status in obj.realization.hosts  # type: ignore[attr-defined]
        if status.phase == cpb.PHASE_READY and status.HasField("storage")
    }
    return Placed(frozenset(hs.host_names(obj)), storage)


def node_status(node: pb.Node) -> NodeStatus:
    """The domain's status of a stored node (an unknown number counts as OFFLINE, as the
    node registry counts it)."""
    try:
        name = pb.NodeStatus.Name(node.status).removeprefix("NODE_STATUS_")
    except ValueError:  # a number this build does not know
        return NodeStatus.OFFLINE
    return NodeStatus.__members__.get(name, NodeStatus.OFFLINE)


def derived(cluster: pb.Cluster, fleet: Fleet) -> pb.Cluster:
    """A copy of ``cluster`` with hosts no longer in the fleet dropped (RemoveNode) and every
    derived field computed from ``fleet``."""
    result = pb.Cluster()
    result.CopyFrom(cluster)
    members = sorted(h for h in cluster.hosts if h in fleet.nodes)
    del result.hosts[:]
    result.hosts.extend(members)
    nodes = [fleet.nodes[h] for h in members]
    status, message = cluster_status(
        [_member(node, fleet.usage) for node in nodes], problems(cluster, members, fleet)
    )
    result.status = CLUSTER_STATUS_TO_PB[status]
    result.status_message = message
    result.figures.CopyFrom(_figures(nodes, members, fleet))
    on_members = set(members)
    del result.pools[:]
    result.pools.extend(n for n, p in fleet.pools.items() if p.hosts & on_members)
    del result.networks[:]
    result.networks.extend(n for n, p in fleet.networks.items() if p.hosts & on_members)
    return result


def problems(cluster: pb.Cluster, members: list[str], fleet: Fleet) -> list[str]:
    """The cluster's own problems, each a sentence (they make it WARNING)."""
    found = []
    for kind, name, table in (
        ("pool", cluster.spec.default_pool, fleet.pools),
        ("network", cluster.spec.default_network, fleet.networks),
    ):
        if not name:
            continue
        placed = table.get(name)
        if placed is None:
            found.append(f"default {kind} {name} no longer exists")
        elif problem := default_problem(kind, name, placed.hosts, members):
            found.append(f"default {problem}")
    # Holds whenever a change was accepted; a host removed from the fleet can break it.
    if admission := admission_problem(ha_from_pb(cluster.spec.ha), len(members)):
        found.append(admission)
    return found


def _member(node: pb.Node, usage: UsageOf) -> MemberState:
    latest = usage(node.name)
    cpu, memory = latest if latest is not None else (None, None)
    return MemberState(node.name, node_status(node), cpu, memory)


def _figures(nodes: list[pb.Node], members: list[str], fleet: Fleet) -> pb.ClusterFigures:
    figures = pb.ClusterFigures(
        hosts_online=sum(node_status(n) is NodeStatus.CONNECTED for n in nodes),
        hosts_total=len(nodes),
        cores=sum(n.host_info.cpu.logical_cpus for n in nodes),
        memory_bytes=sum(n.host_info.memory_bytes for n in nodes),
    )
    for pool in fleet.pools.values():
        # Shared storage looks the same from every host and a local directory has one host:
        # the first READY member (by name, so the figure does not jump) speaks for the pool,
        # which is so counted once however many members reach it.
        use = next((pool.storage[h] for h in members if h in pool.storage), None)
        if use is not None:
            figures.storage_capacity_bytes += use.capacity_bytes
            figures.storage_available_bytes += use.available_bytes
    return figures

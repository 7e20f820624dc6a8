"""Builders of real quantix.v1 cluster messages (``Cluster``, its Watch events) for tests that
feed the Clusters model, page and detail directly."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from domain.clusters import ClusterSpec
from proto.quantix.v1 import coordinator_pb2 as pb
from tests.console.messages import make_node
from wire.cluster_codec import spec_to_pb

GiB = 1024**3
TiB = 1024**4


def make_cluster(
    spec: ClusterSpec,
    hosts: Sequence[str] = (),
    *,
    status: int = pb.CLUSTER_STATUS_HEALTHY,
    message: str = "",
    online: int | None = None,
    storage: tuple[int, int] = (0, 0),  # capacity, available
    pools: Sequence[str] = (),
    networks: Sequence[str] = (),
) -> pb.Cluster:
    total = len(hosts)
    return pb.Cluster(
        spec=spec_to_pb(spec),
        hosts=sorted(hosts),
        status=status if hosts else pb.CLUSTER_STATUS_EMPTY,
        status_message=message
        or (f"All {total} hosts connected" if hosts else "No hosts in this cluster"),
        figures=pb.ClusterFigures(
            hosts_online=total if online is None else online,
            hosts_total=total,
            cores=16 * total,
            memory_bytes=64 * GiB * total,
            storage_capacity_bytes=storage[0],
            storage_available_bytes=storage[1],
        ),
        pools=list(pools),
        networks=list(networks),
        created_by="admin",
    )


def cluster_event(kind: int, cluster: pb.Cluster, revision: int = 0) -> pb.WatchEvent:
    event = pb.WatchEvent(
        type=kind, revision=revision, kind=pb.OBJECT_KIND_CLUSTER, key=cluster.spec.name
    )
    event.cluster.CopyFrom(cluster)
    return event


def removed(name: str) -> pb.WatchEvent:
    return pb.WatchEvent(type=pb.WatchEvent.TYPE_REMOVED, kind=pb.OBJECT_KIND_CLUSTER, key=name)


def node_event(kind: int, node: pb.Node) -> pb.WatchEvent:
    event = pb.WatchEvent(type=kind, kind=pb.OBJECT_KIND_NODE, key=node.name)
    event.node.CopyFrom(node)
    return event


def snapshot(events: Iterable[pb.WatchEvent]) -> list[pb.WatchEvent]:
    return [
        pb.WatchEvent(type=pb.WatchEvent.TYPE_RESET),
        *events,
        pb.WatchEvent(type=pb.WatchEvent.TYPE_SYNCED),
    ]


def nodes_snapshot(*nodes: pb.Node) -> list[pb.WatchEvent]:
    return snapshot(node_event(pb.WatchEvent.TYPE_ADDED, node) for node in nodes)


__all__ = ["make_node"]

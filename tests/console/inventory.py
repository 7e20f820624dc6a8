"""A realistic inventory served on a real Watch stream, for tests that walk the whole window.

``InventoryWatchServer`` is the scripted Watch server (tests.console.scripted_usage) with the
nodes in its snapshot and, right after SYNCED, one batch holding an object of every other kind
the pages show: pools (ready, failed, local), a discovered pool, networks, a discovered
network, a switch, clusters, images with a transfer task, and audit entries. The messages are
the coordinator's own, built by the builders the page tests use; the window connects to the
server for real (mutual TLS on loopback), so every page is CONNECTED and synced, with rows in
each list.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import grpc
from google.protobuf.timestamp_pb2 import Timestamp

from coordinator.discovery import discovered_key
from domain.network_adoption import adoptable, not_adoptable_reason
from domain.networks import NetworkSpec, NetworkType
from localfleet.trust import FleetTrust
from proto.quantix.v1 import common_pb2 as cpb
from proto.quantix.v1 import coordinator_pb2 as pb
from tests.console.cluster_messages import cluster_event
from tests.console.messages import make_node
from tests.console.scripted_usage import ScriptedUsageServer
from tests.console.storage_messages import (
    ADDED,
    discovered_event,
    discovered_pool,
    error_pool,
    host_status,
    local_spec,
    make_pool,
    pool_event,
    ready_pool,
)
from tests.console.test_clusters_page import LAB, PROD
from tests.console.test_images_model import IMAGES, UPLOAD_TASK, image_event, task_event
from tests.console.test_switch_matrix import switch_event
from wire.network_codec import network_to_pb

HOSTS = ("host-a", "host-b", "host-c")
POOLS = ("nfs-shared", "nfs-broken", "images")
NETWORKS = ("lab-nat", "isolated-1")
CLUSTERS = ("lab", "prod")


def nodes() -> list[pb.Node]:
    return [
        make_node("host-a"),
        make_node("host-b"),
        make_node("host-c", pb.NODE_STATUS_MAINTENANCE, message="in maintenance"),
    ]


def network_event(spec: NetworkSpec) -> pb.WatchEvent:
    network = pb.Network(spec=network_to_pb(spec))
    network.realization.phase = cpb.PHASE_READY
    for host in spec.hosts:
        network.realization.hosts.add(host=host, phase=cpb.PHASE_READY)
    event = pb.WatchEvent(type=ADDED, kind=pb.OBJECT_KIND_NETWORK, key=spec.name)
    event.network.CopyFrom(network)
    return event


def discovered_network_event() -> pb.WatchEvent:
    """libvirt's own ``default`` NAT network on host-a, which Quantix did not create: adoptable,
    keyed as the coordinator keys it (coordinator.network_discovery)."""
    subnets = ("192.168.122.1/24",)
    found = pb.DiscoveredNetwork(
        key=discovered_key("default", "nat", "virbr0", *subnets),
        name="default",
        forward_mode="nat",
        bridge="virbr0",
        subnets=subnets,
        hosts=[pb.DiscoveredNetworkHost(host="host-a", active=True, persistent=True)],
        adoptable=adoptable("nat", "virbr0"),
        not_adoptable_reason=not_adoptable_reason("nat", "virbr0"),
    )
    event = pb.WatchEvent(type=ADDED, kind=pb.OBJECT_KIND_DISCOVERED_NETWORK, key=found.key)
    event.discovered_network.CopyFrom(found)
    return event


def audit_event(number: int, rpc: str, code: str, message: str = "") -> pb.WatchEvent:
    entry = pb.AuditEntry(
        id=number,
        time=Timestamp(seconds=1_800_000_000 + number),
        who="admin",
        role="admin",
        peer="ipv4:127.0.0.1:50000",
        rpc=rpc,
        object="pool nfs-shared",
        code=code,
        message=message,
        count=1,
        last_time=Timestamp(seconds=1_800_000_000 + number),
    )
    event = pb.WatchEvent(type=ADDED, kind=pb.OBJECT_KIND_AUDIT_ENTRY, key=str(number))
    event.audit_entry.CopyFrom(entry)
    return event


def inventory_events() -> list[pb.WatchEvent]:
    """Every kind but nodes (which are in the snapshot), as ADDED events."""
    return [
        pool_event(ADDED, ready_pool("nfs-shared")),
        pool_event(ADDED, error_pool("nfs-broken")),
        pool_event(ADDED, make_pool(local_spec("images"), hosts=[host_status("host-a")])),
        discovered_event(ADDED, discovered_pool("default", "dir", target="/var/lib/libvirt/x")),
        network_event(
            NetworkSpec(
                "lab-nat",
                NetworkType.NAT,
                hosts=("host-a", "host-b"),
                subnet="10.20.0.0/24",
                gateway="10.20.0.1",
            )
        ),
        network_event(
            NetworkSpec(
                "isolated-1",
                NetworkType.ISOLATED,
                hosts=("host-a",),
                subnet="10.30.0.0/24",
                gateway="10.30.0.1",
            )
        ),
        discovered_network_event(),
        switch_event(),
        cluster_event(ADDED, PROD),
        cluster_event(ADDED, LAB),
        *(image_event(ADDED, image) for image in IMAGES),
        task_event(ADDED, UPLOAD_TASK),
        audit_event(1, "CreatePool", "OK"),
        audit_event(2, "DeletePool", "FAILED_PRECONDITION", "pool nfs-shared holds volumes"),
    ]


class InventoryWatchServer(ScriptedUsageServer):
    """Nodes in the snapshot, then every other kind in one live batch; no usage history."""

    def __init__(self, trust: FleetTrust) -> None:
        super().__init__(nodes(), trust, history={}, now_s=1_800_000_000.0)

    async def live(self, context: grpc.aio.ServicerContext) -> AsyncIterator[pb.WatchBatch]:
        events = inventory_events()
        for event in events:
            event.revision = self.revision
        yield pb.WatchBatch(events=events)

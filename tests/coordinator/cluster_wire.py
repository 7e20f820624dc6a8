"""What the cluster tests share: a coordinator whose hosts are registered by the test itself
(with the certificate each host would present), the specs they use, and how a refusal is read."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import grpc
import pytest

from domain.clusters import ClusterSpec, HaSettings
from domain.pools import Backend, LocalDirSource, NfsSource, PoolSpec
from localfleet.fleet import CoordinatorDaemon
from proto.quantix.v1 import common_pb2 as cpb
from proto.quantix.v1 import coordinator_pb2 as pb
from tests.domain.test_clusters import FULL
from tests.domain.test_networks import NAT
from tests.fleet_client import FleetClient
from wire.cluster_codec import spec_to_pb
from wire.metadata import FIELD_KEY
from wire.network_codec import network_to_pb
from wire.pool_codec import spec_to_pb as pool_to_pb

HOSTS = ("host-a", "host-b", "host-c", "host-d")
# Hosts as they register: CPUs and memory of their own, so sums show which hosts were counted.
LOGICAL_CPUS = {"host-a": 4, "host-b": 8, "host-c": 16, "host-d": 32}
MEMORY = {host: cpus * 2**30 for host, cpus in LOGICAL_CPUS.items()}


def registration(name: str) -> pb.RegisterNodeRequest:
    return pb.RegisterNodeRequest(
        hostname=name,
        # Nothing listens there: pools and networks placed on these hosts stay unrealized,
        # which the cluster rules (placement, not readiness) do not care about.
        address="127.0.0.1:9",
        host_info=cpb.HostInfo(
            hostname=name,
            cpu=cpb.CpuInfo(logical_cpus=LOGICAL_CPUS[name]),
            memory_bytes=MEMORY[name],
            libvirt_version="9.0.0",
        ),
        daemon_version="0.1.0",
    )


def run(coordinator: CoordinatorDaemon, body: Callable[[FleetClient], Awaitable[Any]]) -> Any:
    async def main() -> Any:
        async with FleetClient(coordinator) as client:
            return await body(client)

    return asyncio.run(main())


async def register_all(client: FleetClient, hosts: tuple[str, ...] = HOSTS) -> None:
    for host in hosts:
        await client.register_node(registration(host))


def nfs_pool(name: str, hosts: tuple[str, ...]) -> cpb.PoolSpec:
    spec = PoolSpec(name, Backend.NFS, NfsSource("nas.lab", "/export/vms"), hosts=hosts)
    return pool_to_pb(spec, include_secrets=False)


def local_pool(name: str, host: str) -> cpb.PoolSpec:
    spec = PoolSpec(name, Backend.LOCAL_DIR, LocalDirSource(f"/srv/quantix/{name}"), hosts=(host,))
    return pool_to_pb(spec, include_secrets=False)


def network(name: str, hosts: tuple[str, ...], subnet: int = 20) -> cpb.NetworkSpec:
    """A NAT network on 10.<subnet>.0.0/24 (networks sharing hosts may not overlap)."""
    if subnet == 20:
        return network_to_pb(dataclasses.replace(NAT, name=name, hosts=hosts))
    plain = dataclasses.replace(
        NAT,
        name=name,
        hosts=hosts,
        subnet=f"10.{subnet}.0.0/24",
        gateway=f"10.{subnet}.0.1",
        dhcp_start="",
        dhcp_end="",
        leases=(),
        dns_servers=(),
        ipv6_prefix="",
    )
    return network_to_pb(plain)


def cluster_spec(name: str, **changes: Any) -> pb.ClusterSpec:
    return spec_to_pb(ClusterSpec(name=name, **changes))


# FULL (every field away from its default) with its defaults renamed to objects a test makes.
def full_spec(name: str = "prod", pool: str = "nfs-a", net: str = "vm-net") -> ClusterSpec:
    return dataclasses.replace(FULL, name=name, default_pool=pool, default_network=net)


HA_ONE = HaSettings(enabled=True, admission_control=True, host_failures_to_tolerate=1)


async def refusal(call: Awaitable[Any]) -> grpc.aio.AioRpcError:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await call
    return caught.value


def field_of(error: grpc.aio.AioRpcError) -> str:
    """The field an INVALID_ARGUMENT names (trailing metadata)."""
    return dict(error.trailing_metadata() or ()).get(FIELD_KEY, "")


async def events_until(
    stream: AsyncIterator[pb.WatchEvent], last: Callable[[pb.WatchEvent], bool]
) -> list[pb.WatchEvent]:
    """Events of ``stream`` up to and including the first for which ``last`` holds."""
    seen = []
    async for event in stream:
        seen.append(event)
        if last(event):
            return seen
    raise AssertionError(f"the Watch stream ended after {len(seen)} events")


def is_synced(event: pb.WatchEvent) -> bool:
    return event.type == pb.WatchEvent.TYPE_SYNCED


def cluster_events(events: list[pb.WatchEvent]) -> list[pb.WatchEvent]:
    return [e for e in events if e.kind == pb.OBJECT_KIND_CLUSTER]

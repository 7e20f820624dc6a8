"""Clusters over a real fleet: a coordinator and node daemons on libvirt's test driver, as
processes on loopback (the ``fleet`` fixture, 0.5 s heartbeats). A cluster's status follows its
members (maintenance, a stopped daemon), its figures add up what they registered and the pools
they reach. Every wait polls (tests.helpers.eventually), never a sleep."""

from __future__ import annotations

import asyncio

import pytest

from clients.coordinator import CoordinatorClient
from proto.quantix.v1 import common_pb2 as cpb
from proto.quantix.v1 import coordinator_pb2 as pb
from tests.coordinator.cluster_wire import cluster_spec, local_pool, network, nfs_pool
from tests.coordinator.test_pools_fleet import settled, wait_connected
from tests.helpers import eventually


@pytest.fixture
def fleet(quiet_fleet):
    """Hosts that report no usage, so a cluster's status follows its members alone, never the
    load of the machine running the tests (tests/conftest.py's quiet_fleet says why)."""
    return quiet_fleet


HOSTS = ("host-a", "host-b", "host-c")
HEALTHY = pb.CLUSTER_STATUS_HEALTHY
WARNING = pb.CLUSTER_STATUS_WARNING


async def cluster_until(client, accept, what):
    return await eventually(lambda: client.get_cluster("prod"), accept, 60, what)


def status_of(cluster):
    return pb.ClusterStatus.Name(cluster.status), cluster.status_message


def test_maintenance_warns_through_heartbeats_and_stopped_hosts_go_offline_then_critical(fleet):
    async def main():
        async with CoordinatorClient(fleet.coordinator_endpoint()) as client:
            await wait_connected(client, 3)
            created = await client.create_cluster(cluster_spec("prod"), HOSTS)
            entered = await client.set_maintenance("host-b", True)
            warned = await cluster_until(
                client, lambda c: c.status != HEALTHY, "the cluster follows host-b"
            )
            # host-b beats on (every 0.5 s): two intervals of heartbeats later, it is still
            # in maintenance and so is the cluster's reason.
            after = entered.last_seen.ToNanoseconds() + 1_000_000_000
            await eventually(
                lambda: client.get_node("host-b"),
                lambda node: node.last_seen.ToNanoseconds() > after,
                30,
                "host-b heartbeats after entering maintenance",
            )
            still = await client.get_cluster("prod")
            await client.set_maintenance("host-b", False)
            back = await cluster_until(
                client, lambda c: c.status != WARNING, "the cluster follows host-b back"
            )
            await fleet.stop_node("host-c")
            one_down = await cluster_until(
                client, lambda c: c.figures.hosts_online == 2, "host-c offline"
            )
            await fleet.stop_node("host-b")
            two_down = await cluster_until(
                client, lambda c: c.figures.hosts_online == 1, "host-b offline too"
            )
            return created, warned, still, back, one_down, two_down

    created, warned, still, back, one_down, two_down = asyncio.run(main())
    assert status_of(created) == ("CLUSTER_STATUS_HEALTHY", "All 3 hosts connected")
    assert status_of(warned) == ("CLUSTER_STATUS_WARNING", "host-b in maintenance")
    assert status_of(still) == ("CLUSTER_STATUS_WARNING", "host-b in maintenance")
    assert status_of(back) == ("CLUSTER_STATUS_HEALTHY", "All 3 hosts connected")
    assert status_of(one_down) == ("CLUSTER_STATUS_WARNING", "host-c offline")
    assert status_of(two_down) == (
        "CLUSTER_STATUS_CRITICAL",
        "2 of 3 hosts offline: host-b, host-c",
    )
    assert (two_down.figures.hosts_online, two_down.figures.hosts_total) == (1, 3)


def test_figures_count_members_and_their_pools_once_and_a_deleted_default_pool_warns(fleet):
    members = ["host-a", "host-b"]

    async def main():
        async with CoordinatorClient(fleet.coordinator_endpoint()) as client:
            await wait_connected(client, 3)
            await client.create_pool(nfs_pool("nfs-a", ()))  # shared: on every host
            await client.create_pool(local_pool("local-a", "host-a"))
            await client.create_pool(local_pool("local-c", "host-c"))  # not a member's
            await client.create_network(network("vm-net", tuple(members)))
            await client.create_network(network("other-net", ("host-c",), subnet=30))
            pools = {}
            for name in ("nfs-a", "local-a", "local-c"):
                pools[name] = await settled(
                    client, name, lambda p: p.realization.phase == cpb.PHASE_READY
                )
            nodes = [await client.get_node(h) for h in members]
            await client.create_cluster(
                cluster_spec("prod", default_pool="nfs-a", default_network="vm-net"), members
            )
            expected = sum(
                next(
                    s.storage for s in pools[name].realization.hosts if s.host == "host-a"
                ).capacity_bytes
                for name in ("nfs-a", "local-a")
            )
            counted = await cluster_until(
                client,
                lambda c: c.figures.storage_capacity_bytes == expected,
                "storage of nfs-a (once) and local-a",
            )
            await client.delete_pool("nfs-a")
            gone = await cluster_until(client, lambda c: "nfs-a" not in c.pools, "nfs-a gone")
            return pools, nodes, counted, gone

    pools, nodes, counted, gone = asyncio.run(main())
    use = {
        name: next(s.storage for s in pool.realization.hosts if s.host == "host-a")
        for name, pool in pools.items()
        if name != "local-c"
    }
    assert use["nfs-a"].capacity_bytes > 0 and use["local-a"].capacity_bytes > 0
    assert counted.figures.storage_available_bytes == sum(u.available_bytes for u in use.values())
    assert counted.figures.cores == sum(n.host_info.cpu.logical_cpus for n in nodes) > 0
    assert counted.figures.memory_bytes == sum(n.host_info.memory_bytes for n in nodes) > 0
    assert (list(counted.pools), list(counted.networks)) == (["local-a", "nfs-a"], ["vm-net"])
    assert status_of(counted) == ("CLUSTER_STATUS_HEALTHY", "All 2 hosts connected")
    assert status_of(gone) == ("CLUSTER_STATUS_WARNING", "default pool nfs-a no longer exists")
    assert gone.figures.storage_capacity_bytes == use["local-a"].capacity_bytes

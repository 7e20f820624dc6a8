"""A coordinator SIGKILLed in the middle of multi-host work: after restart, every per-host status
matches what each node really has. A real coordinator and five real node daemons (libvirt's
test driver); one node is stopped (SIGSTOP) so the work is caught half-way, with some hosts
done and one still waited for, when the coordinator dies."""

from __future__ import annotations

import asyncio
import contextlib

import grpc
import pytest

from clients.coordinator import CoordinatorClient
from clients.node import NodeClient
from localfleet import LocalFleet
from proto.quantix.v1 import common_pb2 as cpb
from proto.quantix.v1 import coordinator_pb2 as pb
from tests.coordinator.pool_wire import nfs
from tests.coordinator.test_pools_fleet import node_pool_names, settled
from tests.helpers import eventually

HOSTS = ("host-a", "host-b", "host-c", "host-d", "host-e")
STOPPED = "host-e"
# Long enough that the stopped host is still being waited for when the coordinator is killed.
DEADLINE_S = 20


@pytest.fixture
def five(tmp_path):
    fleet = asyncio.run(
        LocalFleet.start(
            tmp_path,
            node_names=HOSTS,
            heartbeat_interval_s=1.0,
            coordinator_args=("--pool-deadline", str(DEADLINE_S)),
        )
    )
    try:
        yield fleet
    finally:
        fleet.resume_node(STOPPED)
        asyncio.run(fleet.stop())


async def ready_everywhere(fleet: LocalFleet) -> None:
    async with CoordinatorClient(fleet.coordinator_endpoint()) as client:
        await eventually(
            lambda: client.list_nodes(),
            lambda r: (
                len(r.nodes) == len(HOSTS)
                and all(n.status == pb.NODE_STATUS_CONNECTED for n in r.nodes)
            ),
            what="five hosts CONNECTED",
        )
        await client.create_pool(nfs())
        await settled(
            client,
            "nfs-vms",
            lambda p: (
                p.realization.phase == cpb.PHASE_READY and len(p.realization.hosts) == len(HOSTS)
            ),
        )


async def has_pool(fleet: LocalFleet, host: str) -> bool:
    return "nfs-vms" in await node_pool_names(fleet, host)


async def kill_mid_way(fleet: LocalFleet, start, done_on: tuple[str, ...]) -> None:
    """Start the work, wait until ``done_on`` no longer have the pool (the stopped host is
    still waited for), SIGKILL the coordinator, wake the stopped host, start it again."""
    fleet.pause_node(STOPPED)
    client = CoordinatorClient(fleet.coordinator_endpoint(), deadline_s=120)
    work = asyncio.create_task(start(client))
    try:
        for host in done_on:
            await eventually(lambda h=host: has_pool(fleet, h), lambda has: not has, what=host)
        assert not work.done()  # still waiting for the stopped host
        await fleet.kill_coordinator()
        with contextlib.suppress(grpc.aio.AioRpcError):
            await work
    finally:
        await client.close()
    fleet.resume_node(STOPPED)
    await fleet.start_coordinator()


def test_a_forced_delete_cut_short_by_a_crash_is_finished_after_restart(five):
    async def main():
        await ready_everywhere(five)
        await kill_mid_way(
            five, lambda c: c.delete_pool("nfs-vms", force=True), ("host-a", "host-b", "host-c")
        )
        async with CoordinatorClient(five.coordinator_endpoint()) as client:

            async def gone():
                try:
                    await client.get_pool("nfs-vms")
                except grpc.aio.AioRpcError as error:
                    return error.code()
                return None

            await eventually(gone, lambda code: code == grpc.StatusCode.NOT_FOUND, what="deleted")
        return {host: await has_pool(five, host) for host in HOSTS}

    on_nodes = asyncio.run(main())
    assert on_nodes == dict.fromkeys(HOSTS, False)


def test_a_forced_unassign_cut_short_by_a_crash_is_finished_after_restart(five):
    async def main():
        await ready_everywhere(five)
        await kill_mid_way(
            five,
            lambda c: c.unassign_hosts("nfs-vms", ["host-d", STOPPED], force=True),
            ("host-d",),
        )
        async with CoordinatorClient(five.coordinator_endpoint()) as client:
            pool = await settled(
                client,
                "nfs-vms",
                lambda p: {s.host for s in p.realization.hosts} == {"host-a", "host-b", "host-c"},
                what="host-d and host-e unassigned",
            )
        return pool, {host: await has_pool(five, host) for host in HOSTS}

    pool, on_nodes = asyncio.run(main())
    # Every status the coordinator shows is what the host has: READY where the pool is,
    # and no status where it is not.
    assert {s.host: s.phase for s in pool.realization.hosts} == dict.fromkeys(
        ("host-a", "host-b", "host-c"), cpb.PHASE_READY
    )
    assert on_nodes == {
        "host-a": True,
        "host-b": True,
        "host-c": True,
        "host-d": False,
        "host-e": False,
    }


def test_a_pool_removed_behind_the_coordinators_back_is_not_shown_ready(five):
    """As an admin's virsh pool-destroy would: the host reports the change and its status
    follows, then Retry brings it back."""

    async def main():
        await ready_everywhere(five)
        # The test driver's state lives in the node's process: only a node RPC reaches it,
        # and only with the coordinator's certificate (standing in for virsh on the host).
        as_coordinator = five.node_endpoint("host-b", "coordinator")
        async with NodeClient(as_coordinator, "host-b") as node:
            await node.destroy_storage_pool("nfs-vms", force=True)
        async with CoordinatorClient(five.coordinator_endpoint()) as client:
            gone = await settled(
                client,
                "nfs-vms",
                lambda p: p.realization.phase == cpb.PHASE_DEGRADED,
                what="host-b no longer READY",
            )
            await client.retry_pool("nfs-vms", ["host-b"])
            back = await settled(
                client, "nfs-vms", lambda p: p.realization.phase == cpb.PHASE_READY
            )
        return gone, back

    gone, back = asyncio.run(main())
    (status,) = [s for s in gone.realization.hosts if s.host == "host-b"]
    assert (status.phase, status.reason) == (cpb.PHASE_ERROR, "NOT_RUNNING")
    assert (
        status.message == "pool nfs-vms is not defined on host-b any more: retry to initialize it"
    )
    assert "host-b" in gone.realization.message
    assert all(s.phase == cpb.PHASE_READY for s in back.realization.hosts)

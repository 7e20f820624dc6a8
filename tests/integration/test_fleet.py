"""A real coordinator and real node daemons (libvirt test driver) on loopback."""

import asyncio
import json
import subprocess
import sys

from clients.coordinator import CoordinatorClient
from clients.node import NodeClient
from localfleet.testhosts import ALL_POOL_TYPES, DEMO_POOLS, HostPool
from proto.quantix.v1 import coordinator_pb2 as pb
from tests.helpers import eventually

CONNECTED = pb.NODE_STATUS_CONNECTED
OFFLINE = pb.NODE_STATUS_OFFLINE


def statuses(nodes):
    return {n.name: n.status for n in nodes}


async def wait_statuses(client, expected, what):
    async def probe():
        return (await client.list_nodes()).nodes

    return await eventually(probe, lambda nodes: statuses(nodes) == expected, what=what)


def test_nodes_register_with_their_host_facts(fleet):
    async def main():
        async with CoordinatorClient(fleet.coordinator_endpoint()) as client:
            return await wait_statuses(
                client, dict.fromkeys(("host-a", "host-b", "host-c"), CONNECTED), "3 CONNECTED"
            )

    nodes = asyncio.run(main())
    by_name = {n.name: n for n in nodes}
    host_a = by_name["host-a"]
    assert host_a.address == fleet.node_address("host-a")
    assert host_a.host_info.hypervisor == "TEST"
    assert host_a.host_info.cpu.logical_cpus == 32
    assert host_a.host_info.memory_bytes == 64 * 2**30
    assert [nic.name for nic in host_a.host_info.nics] == ["eno1", "eno2"]
    assert host_a.host_info.libvirt_version.count(".") == 2


def test_killed_node_turns_offline_with_its_message_and_returns(fleet):
    all_up = dict.fromkeys(("host-a", "host-b", "host-c"), CONNECTED)

    async def until_offline():
        async with CoordinatorClient(fleet.coordinator_endpoint()) as client:
            await wait_statuses(client, all_up, "3 CONNECTED")
            await fleet.kill_node("host-b")
            nodes = await wait_statuses(client, {**all_up, "host-b": OFFLINE}, "host-b OFFLINE")
            return {n.name: n for n in nodes}["host-b"]

    offline = asyncio.run(until_offline())
    assert offline.offline_since == offline.last_seen
    assert offline.last_seen.ToNanoseconds() > 0

    async def until_back():
        await fleet.start_node("host-b")
        async with CoordinatorClient(fleet.coordinator_endpoint()) as client:
            nodes = await wait_statuses(client, all_up, "host-b CONNECTED again")
            return {n.name: n for n in nodes}["host-b"]

    back = asyncio.run(until_back())
    assert back.status_message == ""
    assert back.address == fleet.node_address("host-b")


def test_coordinator_restart_keeps_the_registry_and_nodes_carry_on(fleet):
    all_up = dict.fromkeys(("host-a", "host-b", "host-c"), CONNECTED)

    async def before():
        async with CoordinatorClient(fleet.coordinator_endpoint()) as client:
            nodes = await wait_statuses(client, all_up, "3 CONNECTED")
            return {n.name: n.registered_at.ToNanoseconds() for n in nodes}

    registered = asyncio.run(before())
    asyncio.run(fleet.restart_coordinator())

    async def after():
        async with CoordinatorClient(fleet.coordinator_endpoint()) as client:
            first = (await client.list_nodes()).nodes
            await wait_statuses(client, all_up, "3 CONNECTED after restart")
            return first

    first = asyncio.run(after())
    # Known straight from the database, before any node has spoken to the new process.
    assert {n.name: n.registered_at.ToNanoseconds() for n in first} == registered


def test_node_lists_pools_of_every_type_even_those_quantix_does_not_create(tmp_path):
    from localfleet import LocalFleet

    # One pool of each type, with the source each type needs, under a unique name.
    by_type = {pool.type: pool for host in DEMO_POOLS for pool in host}
    pools = tuple(
        HostPool(f"p-{kind}", kind, by_type[kind].source, by_type[kind].target)
        for kind in ALL_POOL_TYPES
    )

    async def main():
        local = await LocalFleet.start(tmp_path, ["odd-host"], 0.5, pools={"odd-host": pools})
        try:
            async with NodeClient(local.node_endpoint("odd-host"), "odd-host") as node:
                return await node.list_storage_pools()
        finally:
            await local.stop()

    listed = asyncio.run(main())
    assert sorted((p.name, p.type) for p in listed) == sorted(
        (f"p-{kind}", kind) for kind in ALL_POOL_TYPES
    )


def test_quantixctl_lists_the_demo_hosts(fleet):
    async def main():
        async with CoordinatorClient(fleet.coordinator_endpoint()) as client:
            await wait_statuses(
                client, dict.fromkeys(("host-a", "host-b", "host-c"), CONNECTED), "3 CONNECTED"
            )

    asyncio.run(main())
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "clients.cli",
            *fleet.cli_args(),
            "hosts",
            "list",
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    hosts = json.loads(result.stdout)
    assert [(h["name"], h["status"]) for h in hosts] == [
        ("host-a", "CONNECTED"),
        ("host-b", "CONNECTED"),
        ("host-c", "CONNECTED"),
    ]

"""Registration and heartbeats of a real node daemon against the real coordinator process.

Both daemons run as processes on loopback: ``python -m node_daemon`` (libvirt test driver) and
``python -m coordinator`` (its own SQLite file). What the node did is read back through the
coordinator's API (GetNode) and from the node's own log (JSON lines on stderr).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import grpc
import pytest
from google.protobuf import duration_pb2
from google.protobuf.timestamp_pb2 import Timestamp

from clients.channels import Endpoint
from clients.coordinator import CoordinatorClient
from domain.node_status import MISSED_HEARTBEATS_FOR_OFFLINE
from localfleet.fleet import CoordinatorDaemon
from localfleet.trust import FleetTrust
from node_daemon.registration import (
    MAX_FAILED_HEARTBEATS,
    MIN_HEARTBEAT_INTERVAL_S,
    interval_from,
)
from proto.quantix.v1 import coordinator_pb2 as pb
from tests.helpers import eventually, json_log_records

if TYPE_CHECKING:
    from tests.node.conftest import NodeProcess

CONNECTED = pb.NODE_STATUS_CONNECTED

# The coordinator's heartbeat interval in these tests (it tells the node in every reply):
# short, so heartbeats, missed heartbeats and OFFLINE come within seconds, not 15 s.
HEARTBEAT_INTERVAL_S = 0.5
SLOW_HEARTBEAT_INTERVAL_S = 3.0

# What the node daemon logs at each transition (node_daemon/registration.py).
REGISTERED = "registered with "
RETRY_WARNING = "registration with "  # "registration with <target> failed; retrying ..."
RETRY_DEBUG = "registration attempt "  # each later failed attempt, at debug level
HEARTBEAT_FAILED = "heartbeat failed"  # the first failed heartbeat of a run, at warning
GAVE_UP = f"{MAX_FAILED_HEARTBEATS} heartbeats in a row failed; registering again"
NOT_FOUND = "(heartbeat NOT_FOUND); registering again"

StartCoordinator = Callable[[str, int, str], CoordinatorDaemon]


@pytest.fixture
def start_coordinator(tmp_path: Path) -> Iterator[StartCoordinator]:
    """Spawns real coordinators on a given loopback port; every one is stopped at teardown.

    ``start_coordinator(name, port, db_file)`` spawns ``python -m coordinator`` and returns
    its process (await ``wait_serving()``); ``stop()`` then ``spawn()`` restarts it on the
    same port with the same database.
    """
    processes: list[CoordinatorDaemon] = []

    def start(
        name: str, port: int, db_file: str, heartbeat_interval_s: float = HEARTBEAT_INTERVAL_S
    ) -> CoordinatorDaemon:
        trust = FleetTrust(tmp_path)  # the CA the node launcher enrols nodes with
        process = CoordinatorDaemon(
            trust,
            [
                "--listen",
                f"127.0.0.1:{port}",
                "--data-dir",
                str(trust.coordinator_dir),
                "--db",
                str(tmp_path / db_file),
                "--heartbeat-interval",
                str(heartbeat_interval_s),
                "--enrol-listen",
                "127.0.0.1:0",
            ],
            tmp_path,
            name,
        )
        processes.append(process)
        process.spawn()
        return process

    try:
        yield start
    finally:
        for process in processes:
            process.stop_now()


def log_entries(node: NodeProcess) -> list[dict[str, str]]:
    return json_log_records(node.log_text())


def messages(node: NodeProcess, text: str, level: str | None = None) -> list[str]:
    """The node's log messages that contain ``text`` (at ``level``, if given)."""
    return [
        entry["msg"]
        for entry in log_entries(node)
        if text in entry["msg"] and level in (None, entry["level"])
    ]


async def node_logs(node: NodeProcess, text: str, count: int = 1) -> list[str]:
    """Wait until the node has logged ``count`` messages containing ``text``."""

    async def probe() -> list[str]:
        return messages(node, text)

    return await eventually(probe, lambda found: len(found) >= count, what=f"log {text!r}")


async def registered_node(client: CoordinatorClient, name: str) -> pb.Node:
    """Wait until the coordinator knows ``name`` (GetNode is NOT_FOUND until it registers)."""

    async def probe() -> pb.Node | None:
        try:
            return await client.get_node(name)
        except grpc.aio.AioRpcError as error:
            if error.code() == grpc.StatusCode.NOT_FOUND:
                return None
            raise

    node = await eventually(probe, lambda found: found is not None, what=f"{name} registered")
    assert node is not None
    return node


def seconds(stamp: Timestamp) -> float:
    return stamp.ToNanoseconds() / 1e9


async def heartbeats_observed(
    client: CoordinatorClient, name: str, intervals: float
) -> tuple[set[int], set[float]]:
    """Poll GetNode until last_seen has advanced by more than ``intervals`` heartbeat
    intervals; the statuses and distinct last_seen values seen on the way."""
    statuses: set[int] = set()
    last_seen: set[float] = set()

    async def probe() -> float:
        node = await client.get_node(name)
        statuses.add(node.status)
        last_seen.add(seconds(node.last_seen))
        return max(last_seen) - min(last_seen)

    await eventually(
        probe,
        lambda span: span > intervals * HEARTBEAT_INTERVAL_S or statuses != {CONNECTED},
        what=f"{name}'s last_seen advancing by {intervals} intervals while CONNECTED",
    )
    return statuses, last_seen


async def heartbeats_arrive(client: CoordinatorClient, name: str) -> pb.Node:
    """Wait for a heartbeat newer than what the coordinator has now; the node after it."""
    before = seconds((await client.get_node(name)).last_seen)

    async def probe() -> pb.Node:
        return await client.get_node(name)

    return await eventually(
        probe,
        lambda node: seconds(node.last_seen) > before and node.status == CONNECTED,
        what=f"a fresh heartbeat from {name}",
    )


def test_node_started_before_the_coordinator_registers_once_it_listens(
    node_launcher, start_coordinator, unused_port
) -> None:
    # Nothing listens on the port yet: the daemon serves anyway and retries in the background.
    node = node_launcher.start(coordinator=f"127.0.0.1:{unused_port}")

    async def scenario() -> pb.Node:
        # At least two failed attempts, so "logged once" below means once for several retries.
        await node_logs(node, RETRY_DEBUG)
        coordinator = start_coordinator("coordinator", unused_port, "coordinator.sqlite")
        await coordinator.wait_serving()
        async with CoordinatorClient(coordinator.endpoint()) as client:
            registered = await registered_node(client, "host-a")
        # The node logs it once the coordinator's reply is in, which may be a moment later.
        await node_logs(node, REGISTERED)
        return registered

    registered = asyncio.run(scenario())

    assert registered.name == "host-a"
    assert registered.address == node.address
    assert registered.status == CONNECTED
    assert registered.daemon_version
    facts = registered.host_info
    assert (facts.cpu.model, facts.cpu.logical_cpus, facts.hypervisor) == ("Intel Xeon", 16, "TEST")
    assert facts.memory_bytes == 16 * 2**30
    assert [nic.name for nic in facts.nics] == ["eth0", "eth1"]
    # The retry warning is logged once, however many attempts it took; later ones at debug.
    assert len(messages(node, RETRY_WARNING, "warning")) == 1, messages(node, RETRY_WARNING)
    assert messages(node, RETRY_DEBUG, "debug")
    assert len(messages(node, REGISTERED)) == 1


def test_registered_node_heartbeats_and_stays_connected(node_launcher, coordinator) -> None:
    node_launcher.start(coordinator=coordinator.address)

    async def scenario() -> tuple[set[int], set[float]]:
        async with CoordinatorClient(coordinator.endpoint()) as client:
            await registered_node(client, "host-a")
            # Past the point where a silent node would be OFFLINE (3 missed intervals).
            return await heartbeats_observed(client, "host-a", MISSED_HEARTBEATS_FOR_OFFLINE + 1)

    statuses, last_seen = asyncio.run(scenario())

    assert statuses == {CONNECTED}
    # Several heartbeats, each one a fresh last_seen, not one jump.
    assert len(last_seen) > MISSED_HEARTBEATS_FOR_OFFLINE


def test_node_that_gets_not_found_registers_again_with_the_new_coordinator(
    node_launcher, start_coordinator, unused_port, tmp_path
) -> None:
    address = f"127.0.0.1:{unused_port}"
    admin = FleetTrust(tmp_path).identity()

    async def scenario() -> tuple[NodeProcess, pb.Node, pb.Node]:
        # A 3 s interval: 3 failed heartbeats take 9 s, far longer than the restart gap plus
        # gRPC's ~1 s reconnect backoff, so the node's next heartbeat meets the new coordinator
        # and its NOT_FOUND (rather than going back to registering after 3 failures: the test
        # below).
        slow = SLOW_HEARTBEAT_INTERVAL_S
        old = start_coordinator("coordinator-old", unused_port, "old.sqlite", slow)
        await old.wait_serving()
        node = await asyncio.to_thread(node_launcher.start, address)
        async with CoordinatorClient(Endpoint(address, admin)) as client:
            before = await registered_node(client, "host-a")
        # A coordinator with a new, empty database takes over the port.
        assert await old.stop() == 0
        new = start_coordinator("coordinator-new", unused_port, "new.sqlite", slow)
        await new.wait_serving()
        # Only the new coordinator listens now.
        async with CoordinatorClient(Endpoint(address, admin)) as client:
            await registered_node(client, "host-a")
            return node, before, await heartbeats_arrive(client, "host-a")

    node, before, after = asyncio.run(scenario())

    assert after.name == "host-a" and after.address == node.address
    assert after.host_info.cpu.model == "Intel Xeon"
    # A new record in the new database, not the old one carried over.
    assert seconds(after.registered_at) > seconds(before.registered_at)
    assert len(messages(node, NOT_FOUND, "warning")) == 1
    assert len(messages(node, REGISTERED)) == 2


def test_three_failed_heartbeats_send_the_node_back_to_registering(
    node_launcher, start_coordinator, unused_port, tmp_path
) -> None:
    address = f"127.0.0.1:{unused_port}"
    admin = FleetTrust(tmp_path).identity()

    async def scenario() -> tuple[NodeProcess, pb.Node, pb.Node]:
        coordinator = start_coordinator("coordinator", unused_port, "coordinator.sqlite")
        await coordinator.wait_serving()
        node = await asyncio.to_thread(node_launcher.start, address)
        async with CoordinatorClient(Endpoint(address, admin)) as client:
            await registered_node(client, "host-a")
            before = await heartbeats_arrive(client, "host-a")
        assert await coordinator.stop() == 0
        # Heartbeats fail; after the third in a row the node goes back to registering, and
        # that fails too while nothing listens.
        await node_logs(node, GAVE_UP)
        await node_logs(node, RETRY_WARNING)
        coordinator.spawn()  # same port, same database
        await coordinator.wait_serving()
        await node_logs(node, REGISTERED, count=2)
        async with CoordinatorClient(Endpoint(address, admin)) as client:
            return node, before, await heartbeats_arrive(client, "host-a")

    node, before, after = asyncio.run(scenario())

    assert after.status == CONNECTED
    assert seconds(after.last_seen) > seconds(before.last_seen)
    # The same record, from the same database.
    assert after.registered_at == before.registered_at
    # Each transition logged once: not once per failed heartbeat.
    assert len(messages(node, HEARTBEAT_FAILED, "warning")) == 1
    assert len(messages(node, GAVE_UP, "warning")) == 1
    assert len(messages(node, RETRY_WARNING, "warning")) == 1
    assert messages(node, NOT_FOUND) == []


def test_heartbeat_interval_from_the_coordinator() -> None:
    assert interval_from(duration_pb2.Duration(seconds=3), fallback=5.0) == 3.0
    assert interval_from(duration_pb2.Duration(nanos=500_000_000), fallback=5.0) == 0.5
    # Unset: keep the fallback. Absurdly short: never a busy loop.
    assert interval_from(duration_pb2.Duration(), fallback=5.0) == 5.0
    assert interval_from(duration_pb2.Duration(nanos=1), fallback=5.0) == MIN_HEARTBEAT_INTERVAL_S

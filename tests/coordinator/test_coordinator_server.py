"""A real coordinator process, called over gRPC on loopback."""

import asyncio

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc

from clients.channels import open_channel
from proto.quantix.v1 import common_pb2
from proto.quantix.v1 import coordinator_pb2 as pb
from tests.fleet_client import FleetClient
from tests.helpers import eventually


def register_request(name="host-a", address="127.0.0.1:7501"):
    return pb.RegisterNodeRequest(
        hostname=name,
        address=address,
        host_info=common_pb2.HostInfo(hostname=name, memory_bytes=2**30, libvirt_version="9.0.0"),
        daemon_version="0.1.0",
    )


def call(coordinator, body):
    async def main():
        async with FleetClient(coordinator) as client:
            return await body(client)

    return asyncio.run(main())


def test_register_then_reregister_updates_without_duplicating(coordinator):
    async def body(client):
        first = await client.register_node(register_request(address="127.0.0.1:7501"))
        await client.register_node(register_request(address="127.0.0.1:7999"))
        return first, await client.list_nodes()

    first, listing = call(coordinator, body)
    assert first.node.status == pb.NODE_STATUS_CONNECTED
    assert first.heartbeat_interval.ToMilliseconds() == 500
    assert [(n.name, n.address) for n in listing.nodes] == [("host-a", "127.0.0.1:7999")]
    assert listing.nodes[0].host_info.libvirt_version == "9.0.0"


@pytest.mark.parametrize(
    ("hostname", "address", "field", "rule"),
    [
        ("", "127.0.0.1:1", "hostname", "is required"),
        ("h" * 300, "127.0.0.1:1", "hostname", "at most 253 characters (got 300)"),
        ("bad_name", "127.0.0.1:1", "hostname", "letters, digits or hyphens"),
        ("host-a", "127.0.0.1", "address", "must be host:port"),
        ("host-a", "", "address", "is required"),
        ("host-a", "127.0.0.1:99999", "address", "port must be 1-65535"),
    ],
)
def test_bad_registration_is_invalid_argument_naming_the_field_and_stores_nothing(
    coordinator, hostname, address, field, rule
):
    async def body(client):
        with pytest.raises(grpc.aio.AioRpcError) as info:
            await client.register_node(register_request(hostname, address))
        return info.value, await client.list_nodes(), await client.list_audit_entries()

    error, listing, audited = call(coordinator, body)
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert error.details().startswith(f"{field}: ")
    assert rule in error.details()
    assert ("quantix-field", field) in tuple(error.trailing_metadata())
    assert list(listing.nodes) == []
    # The refused call is on record, and nothing else is.
    assert [(e.rpc, e.code, e.message) for e in audited] == [
        ("RegisterNode", "INVALID_ARGUMENT", error.details())
    ]


def test_heartbeat_from_an_unknown_node_is_not_found(coordinator):
    async def body(client):
        with pytest.raises(grpc.aio.AioRpcError) as info:
            await client.heartbeat("stranger")
        return info.value

    error = call(coordinator, body)
    assert error.code() == grpc.StatusCode.NOT_FOUND
    assert "stranger" in error.details() and "register" in error.details()


def test_silent_node_turns_offline_with_a_reason_and_heartbeat_brings_it_back(coordinator):
    async def body(client):
        await client.register_node(register_request())
        offline = await eventually(
            lambda: client.get_node("host-a"),
            lambda n: n.status == pb.NODE_STATUS_OFFLINE,
            what="host-a OFFLINE",
        )
        await client.heartbeat("host-a")
        return offline, await client.get_node("host-a")

    offline, back = call(coordinator, body)
    # A fact, not a sentence with an age in it: readers word it when they show it.
    assert offline.status_message == ""
    assert offline.offline_since == offline.last_seen and offline.last_seen.seconds > 0
    assert not back.HasField("offline_since")
    assert back.status == pb.NODE_STATUS_CONNECTED
    assert back.status_message == ""


def test_maintenance_is_kept_across_heartbeats_and_cleared_by_the_admin(coordinator):
    async def body(client):
        await client.register_node(register_request())
        in_maintenance = await client.set_maintenance("host-a", True)
        await client.heartbeat("host-a")
        after_beat = await client.get_node("host-a")
        await client.register_node(register_request())
        after_register = await client.get_node("host-a")
        await client.heartbeat("host-a")
        cleared = await client.set_maintenance("host-a", False)
        return in_maintenance, after_beat, after_register, cleared

    in_maintenance, after_beat, after_register, cleared = call(coordinator, body)
    assert in_maintenance.status == pb.NODE_STATUS_MAINTENANCE
    assert after_beat.status == pb.NODE_STATUS_MAINTENANCE
    assert after_register.status == pb.NODE_STATUS_MAINTENANCE
    assert cleared.status == pb.NODE_STATUS_CONNECTED


def test_unknown_node_lookups_are_not_found(coordinator):
    async def body(client):
        errors = []
        for action in (client.get_node("ghost"), client.set_maintenance("ghost", True)):
            with pytest.raises(grpc.aio.AioRpcError) as info:
                await action
            errors.append(info.value)
        return errors

    for error in call(coordinator, body):
        assert error.code() == grpc.StatusCode.NOT_FOUND
        assert "'ghost'" in error.details()


def test_watch_streams_snapshot_then_changes(coordinator):
    async def body(client):
        await client.register_node(register_request("host-a"))
        seen = []
        stream = client.watch(0)
        async for event in stream:
            if event.kind == pb.OBJECT_KIND_AUDIT_ENTRY:
                continue  # the registrations' audit entries share the stream
            seen.append(event)
            if event.type == pb.WatchEvent.TYPE_SYNCED:
                await client.register_node(register_request("host-b"))
            if event.key == "host-b":
                break
        return seen

    seen = call(coordinator, body)
    types = [pb.WatchEvent.Type.Name(e.type) for e in seen]
    assert types == ["TYPE_RESET", "TYPE_ADDED", "TYPE_SYNCED", "TYPE_ADDED"]
    assert seen[1].node.name == "host-a"
    assert seen[3].node.name == "host-b"
    assert seen[3].revision > seen[2].revision


def test_registry_and_watch_history_survive_a_restart(coordinator):
    async def before(client):
        await client.register_node(register_request("host-a"))
        revision = (await client.list_nodes()).revision
        await client.register_node(register_request("host-b"))
        return revision

    revision = call(coordinator, before)
    asyncio.run(coordinator.stop())
    coordinator.spawn()
    asyncio.run(coordinator.wait_serving())

    async def after(client):
        listing = await client.list_nodes()
        resumed = []
        async for event in client.watch(revision):
            if event.kind != pb.OBJECT_KIND_AUDIT_ENTRY:
                resumed.append(event)
            if event.type == pb.WatchEvent.TYPE_SYNCED:
                break
        return listing, resumed

    listing, resumed = call(coordinator, after)
    assert [n.name for n in listing.nodes] == ["host-a", "host-b"]
    assert [pb.WatchEvent.Type.Name(e.type) for e in resumed] == ["TYPE_ADDED", "TYPE_SYNCED"]
    assert resumed[0].node.name == "host-b"


def test_health_and_reflection_answer(coordinator):
    async def main():
        channel = open_channel(coordinator.endpoint("viewer"))
        try:
            health = health_pb2_grpc.HealthStub(channel)
            reply = await health.Check(
                health_pb2.HealthCheckRequest(service="quantix.v1.Coordinator"), timeout=5
            )
            stub = reflection_pb2_grpc.ServerReflectionStub(channel)
            responses = stub.ServerReflectionInfo(
                iter([reflection_pb2.ServerReflectionRequest(list_services="")])
            )
            services = []
            async for response in responses:
                services = [s.name for s in response.list_services_response.service]
                break
            return reply.status, services
        finally:
            await channel.close()

    status, services = asyncio.run(main())
    assert status == health_pb2.HealthCheckResponse.SERVING
    assert "quantix.v1.Coordinator" in services
    assert "grpc.health.v1.Health" in services


def test_sigterm_stops_cleanly(coordinator):
    assert asyncio.run(coordinator.stop()) == 0
    assert "coordinator stopped" in coordinator.log_file.read_text()


def test_a_second_coordinator_on_a_busy_port_refuses_to_start(coordinator, tmp_path):
    from localfleet.process import DaemonProcess, ProcessFailed

    second = DaemonProcess(
        "second",
        "coordinator",
        [
            "--listen",
            coordinator.address,
            "--data-dir",
            str(coordinator.trust.coordinator_dir),
            "--db",
            str(tmp_path / "other.sqlite"),
        ],
        tmp_path,
    )
    second.spawn()
    with pytest.raises(ProcessFailed) as info:
        asyncio.run(second.wait_serving())
    assert "exited at start-up" in str(info.value)
    assert coordinator.address in str(info.value)

"""Registration and heartbeats of a real node daemon against a real (recording) gRPC server."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import grpc
from google.protobuf import duration_pb2

from node_daemon.registration import MIN_HEARTBEAT_INTERVAL_S, interval_from
from proto.quantix.v1 import coordinator_pb2 as pb
from proto.quantix.v1 import coordinator_pb2_grpc as pb_grpc

# Short, so heartbeats come quickly; the daemon accepts intervals down to 0.1 s.
HEARTBEAT_INTERVAL = duration_pb2.Duration(nanos=200_000_000)

# How long a test waits for something the daemon should do. The daemon normally does it in
# well under this (backoff 1 s, 2 s, 4 s...); the deadline only bounds a failing test.
WAIT_DEADLINE_S = 30.0

# How long nothing listens at the coordinator's address before the test starts it: long
# enough for at least one failed registration attempt and a backoff retry.
COORDINATOR_ABSENT_S = 2.0


@dataclass
class RecordingCoordinator(pb_grpc.CoordinatorServicer):
    """Records RegisterNode and Heartbeat calls; can fail the next heartbeats on request.

    A stand-in only until the real coordinator (``coordinator/``) lands: then these tests
    should run against ``python -m coordinator`` and its real store.
    """

    registrations: list[pb.RegisterNodeRequest] = field(default_factory=list)
    heartbeats: list[pb.HeartbeatRequest] = field(default_factory=list)
    # Heartbeats still to fail, and how.
    fail_heartbeats: int = 0
    fail_code: grpc.StatusCode = grpc.StatusCode.UNAVAILABLE

    async def RegisterNode(
        self, request: pb.RegisterNodeRequest, context: grpc.aio.ServicerContext
    ) -> pb.RegisterNodeResponse:
        self.registrations.append(request)
        node = pb.Node(name=request.hostname, address=request.address)
        return pb.RegisterNodeResponse(node=node, heartbeat_interval=HEARTBEAT_INTERVAL)

    async def Heartbeat(
        self, request: pb.HeartbeatRequest, context: grpc.aio.ServicerContext
    ) -> pb.HeartbeatResponse:
        self.heartbeats.append(request)
        if self.fail_heartbeats > 0:
            self.fail_heartbeats -= 1
            await context.abort(self.fail_code, f"recording coordinator: {self.fail_code.name}")
        return pb.HeartbeatResponse(heartbeat_interval=HEARTBEAT_INTERVAL)


async def serve_coordinator(port: int, servicer: RecordingCoordinator) -> grpc.aio.Server:
    server = grpc.aio.server()
    pb_grpc.add_CoordinatorServicer_to_server(servicer, server)
    assert server.add_insecure_port(f"127.0.0.1:{port}") == port
    await server.start()
    return server


async def wait_until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + WAIT_DEADLINE_S
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting until {what}"
        await asyncio.sleep(0.05)


def log_messages(text: str) -> list[str]:
    return [json.loads(line)["msg"] for line in text.splitlines() if line.startswith("{")]


def test_registers_once_the_coordinator_appears_then_heartbeats(node_launcher, unused_port) -> None:
    port = unused_port
    node = node_launcher.start(coordinator=f"127.0.0.1:{port}")
    coordinator = RecordingCoordinator()

    async def scenario() -> None:
        # The daemon serves at once and keeps retrying registration in the background.
        await asyncio.sleep(COORDINATOR_ABSENT_S)
        server = await serve_coordinator(port, coordinator)
        try:
            await wait_until(lambda: coordinator.registrations, "the node registers")
            await wait_until(lambda: len(coordinator.heartbeats) >= 2, "the node heartbeats")
            # A coordinator that forgot the node answers NOT_FOUND: the node registers again.
            coordinator.fail_heartbeats, coordinator.fail_code = 1, grpc.StatusCode.NOT_FOUND
            await wait_until(lambda: len(coordinator.registrations) == 2, "the node re-registers")
            beats = len(coordinator.heartbeats)
            await wait_until(lambda: len(coordinator.heartbeats) > beats, "heartbeats resume")
        finally:
            await server.stop(None)

    asyncio.run(scenario())

    first, second = coordinator.registrations
    assert first.hostname == "host-a"
    assert first.address == node.address
    assert first.daemon_version
    facts = first.host_info
    assert (facts.cpu.model, facts.cpu.logical_cpus, facts.hypervisor) == ("Intel Xeon", 16, "TEST")
    assert [nic.name for nic in facts.nics] == ["eth0", "eth1"]
    assert second.hostname == "host-a" and second.address == node.address
    assert {beat.hostname for beat in coordinator.heartbeats} == {"host-a"}
    messages = log_messages(node.log_text())
    # Each transition is logged once, however many attempts it took.
    retrying = [m for m in messages if m.startswith("registration with coordinator")]
    assert len(retrying) == 1, retrying
    assert any("heartbeat NOT_FOUND" in m for m in messages)


def test_three_failed_heartbeats_send_the_node_back_to_registering(
    node_launcher, unused_port
) -> None:
    port = unused_port
    coordinator = RecordingCoordinator()

    async def scenario() -> str:
        server = await serve_coordinator(port, coordinator)
        try:
            node = await asyncio.to_thread(node_launcher.start, f"127.0.0.1:{port}")
            await wait_until(lambda: coordinator.heartbeats, "the node heartbeats")
            coordinator.fail_heartbeats = 3
            await wait_until(lambda: len(coordinator.registrations) == 2, "the node re-registers")
            return node.log_text()
        finally:
            await server.stop(None)

    log = asyncio.run(scenario())

    assert coordinator.fail_heartbeats == 0
    messages = log_messages(log)
    assert any(m.startswith("3 heartbeats in a row failed; registering again") for m in messages)
    assert sum(m.startswith("heartbeat failed") for m in messages) == 1  # logged once, not 3x


def test_heartbeat_interval_from_the_coordinator() -> None:
    assert interval_from(duration_pb2.Duration(seconds=3), fallback=5.0) == 3.0
    assert interval_from(duration_pb2.Duration(nanos=500_000_000), fallback=5.0) == 0.5
    # Unset: keep the fallback. Absurdly short: never a busy loop.
    assert interval_from(duration_pb2.Duration(), fallback=5.0) == 5.0
    assert interval_from(duration_pb2.Duration(nanos=1), fallback=5.0) == MIN_HEARTBEAT_INTERVAL_S

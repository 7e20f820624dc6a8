"""Generated requests for every RPC of both servers (hypothesis, built from the proto
descriptors), over the real mutual-TLS channels, with the certificate each RPC's real caller
presents. Whatever arrives: no UNKNOWN or INTERNAL, the server keeps serving, and a refused
call changes nothing. Then raw garbage and half-open connections on every TLS port.

The coordinator runs alone (generated registrations add fake hosts it cannot reach; its pool
deadline is short so nothing waits long); the node daemon runs alone on a test-driver host
(nothing but these calls changes its pools). Examples are derandomized: CI runs the same ones
every time, a bounded number per RPC (``EXAMPLES``).
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import ssl
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import grpc
import pytest
from google.protobuf.message import Message
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clients.channels import node_endpoint, open_channel, open_enrolment_channel
from domain.validation import parse_address
from localfleet.fleet import CoordinatorDaemon, coordinator_process
from localfleet.netns import HostNet, host_networks
from localfleet.process import DaemonProcess
from localfleet.testhosts import write_test_host
from node_daemon.host_links import read_links
from node_daemon.netns import netlink
from proto.quantix.v1 import coordinator_pb2 as pb
from proto.quantix.v1 import node_pb2 as npb
from tests.integration.proto_strategies import messages

# Examples per RPC in CI: enough to hit every field kind several times, ~20 s for all RPCs.
EXAMPLES = 30
# A generated call may be slow (a DeletePool waits for hosts) but never this slow.
CALL_TIMEOUT_S = 20.0
NEVER = (grpc.StatusCode.UNKNOWN, grpc.StatusCode.INTERNAL, grpc.StatusCode.UNAVAILABLE)

NODE = "fuzz-node"
# Names a generated request is likely to use, so some requests get past validation.
HINTS = (
    "host-a",
    NODE,
    "vms",
    "default",
    "127.0.0.1:1",
    "/srv/quantix/fz",
    "nas.lab",
    "iqn.2024-01.lab.san:fz",
    "abcdef.abcdefghijklmnop",
    "abcdef",
    "uplink1",
    "eth1",
)

COORDINATOR_SERVICE = pb.DESCRIPTOR.services_by_name["Coordinator"]
NODE_SERVICE = npb.DESCRIPTOR.services_by_name["NodeDaemon"]
# Called by node daemons with their own certificate (for the host the request names).
NODE_CALLS = {"RegisterNode", "Heartbeat", "ReportStoragePools", "ReportTaskProgress"}
# Called by a new host without a certificate, on the enrolment port.
NEW_HOST_CALLS = {"Enrol"}


@dataclass
class Target:
    """One server and how to reach it as each caller."""

    address: str
    channels: dict[str, grpc.aio.Channel]
    read_state: Callable[[], Any]


class Servers:
    """The coordinator and the node daemon, and one event loop that holds their channels."""

    def __init__(self, workdir: Path, host_net: HostNet) -> None:
        self.loop = asyncio.new_event_loop()
        self.coordinator: CoordinatorDaemon = coordinator_process(
            workdir, 2.0, ("--pool-deadline", "2")
        )
        self.coordinator.spawn()
        self.run(self.coordinator.wait_serving())
        trust = self.coordinator.trust
        node_dir = workdir / "node"
        trust.enrol_offline(NODE, node_dir, "127.0.0.1:1")
        uri = write_test_host(workdir / "hosts" / f"{NODE}.xml", NODE, 0)
        # Switch RPCs change host networking: the node does it in a namespace of its own,
        # with NICs named like the hints, never on this machine's interfaces.
        namespace = host_net.add_host(NODE, ["eth1", "eth2", "vms"])
        self.namespace = namespace
        self.node = DaemonProcess(
            NODE,
            "node_daemon",
            [
                "--libvirt-uri",
                uri,
                "--listen",
                "127.0.0.1:0",
                "--name",
                NODE,
                "--data-dir",
                str(node_dir),
                "--coordinator",
                "127.0.0.1:1",
                "--netns",
                namespace,
            ],
            workdir,
        )
        self.node.spawn()
        self.run(self.node.wait_serving())

        async def open_all() -> tuple[dict[str, grpc.aio.Channel], dict[str, grpc.aio.Channel]]:
            admin = open_channel(self.coordinator.endpoint("admin"))
            token = await _unary(
                admin, COORDINATOR_SERVICE, "CreateJoinToken", pb.CreateJoinTokenRequest()
            )
            host = self.coordinator.address.rpartition(":")[0]
            coordinator = {
                "admin": admin,
                "node": open_channel(self.coordinator.node_endpoint(NODE)),
                # A new host: no certificate, on the enrolment port.
                "new host": open_enrolment_channel(
                    f"{host}:{token.enrolment_port}", trust.identity("admin").ca
                ),
            }
            node = {
                "coordinator": open_channel(
                    node_endpoint(self.node.address, NODE, trust.identity("coordinator"))
                ),
            }
            return coordinator, node

        coordinator_channels, node_channels = self.run(open_all())
        self.targets = {
            "coordinator": Target(
                self.coordinator.address, coordinator_channels, self._coordinator_state
            ),
            "node": Target(self.node.address, node_channels, self._node_state),
        }

    def run(self, coroutine: Any) -> Any:
        return self.loop.run_until_complete(coroutine)

    def stop(self) -> None:
        async def close() -> None:
            for target in self.targets.values():
                for channel in target.channels.values():
                    await channel.close()

        self.run(close())
        self.run(self.node.stop())
        self.run(self.coordinator.stop())
        self.loop.close()

    # --- state that a refused call must leave as it was ------------------------------------

    def _coordinator_state(self) -> Any:
        async def read() -> Any:
            channel = self.targets["coordinator"].channels["admin"]
            nodes = await _unary(channel, COORDINATOR_SERVICE, "ListNodes", pb.ListNodesRequest())
            pools = await _unary(channel, COORDINATOR_SERVICE, "ListPools", pb.ListPoolsRequest())
            tokens = await _unary(
                channel, COORDINATOR_SERVICE, "ListJoinTokens", pb.ListJoinTokensRequest()
            )
            clusters = await _unary(
                channel, COORDINATOR_SERVICE, "ListClusters", pb.ListClustersRequest()
            )
            return (
                sorted(
                    (n.name, n.address, n.status == pb.NODE_STATUS_MAINTENANCE) for n in nodes.nodes
                ),
                sorted((p.spec.name, p.spec.SerializeToString()) for p in pools.pools),
                sorted((t.id, t.state) for t in tokens.tokens),
                # What requests set; status and figures follow the hosts' liveness.
                [(c.spec.SerializeToString(), list(c.hosts)) for c in clusters.clusters],
            )

        return self.run(read())

    def _node_state(self) -> Any:
        async def read() -> Any:
            channel = self.targets["node"].channels["coordinator"]
            reply = await _unary(
                channel, NODE_SERVICE, "ListStoragePools", npb.ListStoragePoolsRequest()
            )
            return sorted((p.name, p.type, p.target_path, p.state) for p in reply.pools)

        with netlink(self.namespace) as ipr:
            # A refused InitSwitch leaves no interface and no NIC enslaved.
            links = sorted((link.name, link.master) for link in read_links(ipr).values())
        return self.run(read()), links


def _method(service: Any, name: str) -> Any:
    return service.methods_by_name[name]


def _path(service: Any, name: str) -> str:
    return f"/{service.full_name}/{name}"


async def _unary(channel: grpc.aio.Channel, service: Any, name: str, request: Message) -> Any:
    method = _method(service, name)
    from google.protobuf import message_factory

    reply_class = message_factory.GetMessageClass(method.output_type)
    call = channel.unary_unary(
        _path(service, name),
        request_serializer=lambda m: m.SerializeToString(),
        response_deserializer=reply_class.FromString,
    )
    return await call(request, timeout=CALL_TIMEOUT_S)


async def _call(
    channel: grpc.aio.Channel, service: Any, name: str, request: Message | list[Message]
) -> grpc.StatusCode:
    """The status a call ends with (a stream: after its first reply; a list of requests is
    sent as a client stream)."""
    method = _method(service, name)
    try:
        if isinstance(request, list):
            from google.protobuf import message_factory

            reply_class = message_factory.GetMessageClass(method.output_type)
            await channel.stream_unary(
                _path(service, name),
                request_serializer=lambda m: m.SerializeToString(),
                response_deserializer=reply_class.FromString,
            )(iter(request), timeout=CALL_TIMEOUT_S)
            return grpc.StatusCode.OK
        if method.server_streaming:
            from google.protobuf import message_factory

            reply_class = message_factory.GetMessageClass(method.output_type)
            stream = channel.unary_stream(
                _path(service, name),
                request_serializer=lambda m: m.SerializeToString(),
                response_deserializer=reply_class.FromString,
            )(request, timeout=CALL_TIMEOUT_S)
            async for _reply in stream:
                stream.cancel()
                break
            return grpc.StatusCode.OK
        await _unary(channel, service, name, request)
        return grpc.StatusCode.OK
    except grpc.aio.AioRpcError as error:
        if error.code() == grpc.StatusCode.CANCELLED:
            return grpc.StatusCode.OK  # our own cancel of a stream that had answered
        if error.code() in NEVER:
            raise AssertionError(f"{name}: {error.code().name}: {error.details()}") from None
        return error.code()


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    with host_networks() as host_net:
        started = Servers(tmp_path_factory.mktemp("fuzz"), host_net)
        try:
            yield started
        finally:
            started.stop()


def _cases() -> list[Any]:
    cases = []
    for method in COORDINATOR_SERVICE.methods:
        caller = (
            "node"
            if method.name in NODE_CALLS
            else "new host"
            if method.name in NEW_HOST_CALLS
            else "admin"
        )
        cases.append(
            pytest.param(
                "coordinator",
                COORDINATOR_SERVICE,
                method.name,
                caller,
                id=f"coordinator-{method.name}",
            )
        )
    for method in NODE_SERVICE.methods:
        cases.append(
            pytest.param("node", NODE_SERVICE, method.name, "coordinator", id=f"node-{method.name}")
        )
    return cases


@pytest.mark.parametrize(("server", "service", "rpc", "caller"), _cases())
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_generated_requests_never_crash_a_server_or_change_anything_when_refused(
    servers: Servers, server: str, service: Any, rpc: str, caller: str, data: st.DataObject
) -> None:
    target = servers.targets[server]
    method = _method(service, rpc)
    generated = messages(method.input_type, HINTS)
    # A client stream (UploadImage) gets a few messages in a row, as a sender streams them.
    request = data.draw(
        st.lists(generated, min_size=1, max_size=4) if method.client_streaming else generated,
        label="request",
    )
    before = target.read_state()
    code = servers.run(_call(target.channels[caller], service, rpc, request))
    if code != grpc.StatusCode.OK:
        assert target.read_state() == before, f"{rpc} refused ({code.name}) but changed state"


# --- raw bytes on the TLS ports --------------------------------------------------------------

GARBAGE = (
    b"\x00" * 64,
    b"GET / HTTP/1.1\r\nHost: x\r\n\r\n",
    b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + b"\xff" * 100,  # HTTP/2 preface in plaintext
    b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + b"\x00" * 40,  # a ClientHello cut short
    bytes(range(256)) * 40,
)


def _ports(servers: Servers) -> list[str]:
    enrol_port = servers.run(_enrolment_port(servers))
    host = servers.coordinator.address.rpartition(":")[0]
    return [servers.coordinator.address, f"{host}:{enrol_port}", servers.node.address]


async def _enrolment_port(servers: Servers) -> int:
    channel = servers.targets["coordinator"].channels["admin"]
    reply = await _unary(
        channel, COORDINATOR_SERVICE, "CreateJoinToken", pb.CreateJoinTokenRequest()
    )
    return int(reply.enrolment_port)


def _connect(address: str) -> socket.socket:
    target = parse_address(address)
    return socket.create_connection((target.host, target.port), timeout=5)


def test_garbage_and_half_open_connections_leave_every_server_serving(servers: Servers) -> None:
    addresses = _ports(servers)
    # Half-open: connected, never a byte; and a TLS handshake that stops after the ClientHello.
    idle = [_connect(address) for address in addresses for _ in range(20)]
    for address in addresses:
        for garbage in GARBAGE:
            with _connect(address) as raw:
                raw.sendall(garbage)
                raw.settimeout(5)
                with contextlib.suppress(TimeoutError, ConnectionResetError):
                    raw.recv(4096)  # whatever it answers, or a close
        # A complete TLS handshake without a client certificate, then garbage inside TLS.
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        context.set_alpn_protocols(["h2"])
        try:
            with _connect(address) as raw, context.wrap_socket(raw) as tls:
                tls.sendall(b"\x00\x00\x04\x08\x00\x00\x00\x00\x00garbage" * 50)
                tls.recv(4096)
        except (ssl.SSLError, OSError):
            pass  # the main ports refuse a client without a certificate in the handshake

    started = time.monotonic()
    # While the idle connections are still open, every server answers a real call at once.
    assert servers._coordinator_state() is not None
    assert servers._node_state() is not None
    assert time.monotonic() - started < CALL_TIMEOUT_S
    for connection in idle:
        connection.close()
    assert servers._coordinator_state() is not None
    assert servers.coordinator.running and servers.node.running

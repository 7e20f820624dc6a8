"""Who may call what, over the real mutual-TLS channels of a running fleet (coordinator and
node daemons on loopback): the role a certificate carries decides, and a refusal names the
role that was needed."""

from __future__ import annotations

import asyncio

import grpc
import pytest

from clients.channels import Endpoint, node_endpoint
from clients.coordinator import CoordinatorClient
from clients.node import NodeClient
from coordinator.access_rules import RULES as COORDINATOR_RULES
from coordinator.server import parse_args as coordinator_args
from node_daemon.access_rules import RULES as NODE_RULES
from node_daemon.options import parse_args as node_args
from proto.quantix.v1 import common_pb2, coordinator_pb2, node_pb2, node_pb2_grpc
from proto.quantix.v1 import coordinator_pb2 as pb
from proto.quantix.v1 import coordinator_pb2_grpc as pb_grpc
from trust.credentials import Identity, load_identity
from trust.pki import node_server_name


def refusal(call) -> grpc.aio.AioRpcError:
    async def main():
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await call()
        return caught.value

    return asyncio.run(main())


def as_coordinator_client(endpoint: Endpoint, method):
    async def call():
        async with CoordinatorClient(endpoint) as client:
            return await method(client)

    return call


def as_node_client(endpoint: Endpoint, host: str, method):
    async def call():
        async with NodeClient(endpoint, host) as client:
            return await method(client)

    return call


@pytest.mark.parametrize(
    ("methods", "rules"),
    [
        (coordinator_pb2.DESCRIPTOR.services_by_name["Coordinator"], COORDINATOR_RULES),
        (node_pb2.DESCRIPTOR.services_by_name["NodeDaemon"], NODE_RULES),
    ],
)
def test_every_rpc_of_both_services_has_a_rule(methods, rules):
    names = {f"/{methods.full_name}/{method.name}" for method in methods.methods}
    assert names == set(rules)


def test_a_viewer_reads_but_may_not_delete_and_an_operator_may_not_either(fleet):
    viewer = fleet.coordinator_endpoint("viewer")
    listing = asyncio.run(as_coordinator_client(viewer, lambda c: c.list_nodes())())
    assert {n.name for n in listing.nodes} <= {"host-a", "host-b", "host-c"}

    error = refusal(as_coordinator_client(viewer, lambda c: c.delete_pool("anything")))
    assert error.code() == grpc.StatusCode.PERMISSION_DENIED
    assert error.details() == (
        "DeletePool needs the admin role; local-viewer (viewer) may not call it"
    )
    operator = fleet.coordinator_endpoint("operator")
    error = refusal(as_coordinator_client(operator, lambda c: c.delete_pool("anything")))
    assert "needs the admin role; local-operator (operator)" in error.details()
    # An operator may retry (the pool does not exist: the call got past the access check).
    error = refusal(as_coordinator_client(operator, lambda c: c.retry_pool("anything")))
    assert error.code() == grpc.StatusCode.NOT_FOUND


def test_only_a_nodes_own_certificate_registers_it(fleet):
    request = pb.RegisterNodeRequest(
        hostname="host-b",
        address="127.0.0.1:1",
        host_info=common_pb2.HostInfo(hostname="host-b"),
    )
    # host-c's certificate speaking for host-b: the impostor of the issue.
    as_c = fleet.as_node("host-c")
    error = refusal(as_coordinator_client(as_c, lambda c: c.register_node(request)))
    assert error.code() == grpc.StatusCode.PERMISSION_DENIED
    assert error.details() == "the certificate of host-c cannot speak for host-b"
    # An admin is no node either.
    admin = fleet.coordinator_endpoint("admin")
    error = refusal(as_coordinator_client(admin, lambda c: c.register_node(request)))
    assert error.details() == (
        "RegisterNode needs a node's certificate; local-admin (admin) may not call it"
    )
    nodes = asyncio.run(as_coordinator_client(admin, lambda c: c.get_node("host-b"))())
    assert nodes.address == fleet.node_address("host-b")  # unchanged


def test_a_node_takes_changes_only_from_the_coordinator_and_reads_from_admins(fleet):
    admin = fleet.node_endpoint("host-a", "admin")
    error = refusal(
        as_node_client(admin, "host-a", lambda c: c.destroy_storage_pool("default", True))
    )
    assert error.code() == grpc.StatusCode.PERMISSION_DENIED
    assert error.details() == (
        "DestroyStoragePool needs the coordinator's certificate; local-admin (admin) may not "
        "call it"
    )
    viewer = fleet.node_endpoint("host-a", "viewer")
    info = asyncio.run(as_node_client(viewer, "host-a", lambda c: c.get_host_info())())
    assert info.memory_bytes > 0
    # Another node's certificate is no coordinator.
    as_b = node_endpoint(fleet.node_address("host-a"), "host-a", fleet.as_node("host-b").identity)
    error = refusal(as_node_client(as_b, "host-a", lambda c: c.get_host_info()))
    assert "host-b (node) may not call it" in error.details()


def test_a_node_is_dialled_by_its_name_so_another_nodes_address_fails_the_handshake(fleet):
    # host-b's daemon answers at this address, but the client expects host-a's certificate.
    wrong = node_endpoint(fleet.node_address("host-b"), "host-a", fleet.trust.identity())
    error = refusal(as_node_client(wrong, "host-a", lambda c: c.get_host_info()))
    assert error.code() == grpc.StatusCode.UNAVAILABLE


@pytest.mark.parametrize("server", ["coordinator", "node"])
def test_without_a_certificate_nothing_is_served(fleet, server):
    """TLS that trusts the fleet's CA but presents no certificate of its own."""
    ca_only = grpc.ssl_channel_credentials(root_certificates=fleet.trust.identity().ca)

    async def main() -> grpc.aio.AioRpcError:
        if server == "coordinator":
            address, options = fleet.coordinator_address, []
        else:
            address = fleet.node_address("host-a")
            options = [("grpc.ssl_target_name_override", node_server_name("host-a"))]
        async with grpc.aio.secure_channel(address, ca_only, options=options) as channel:
            if server == "coordinator":
                call = pb_grpc.CoordinatorStub(channel).ListNodes(pb.ListNodesRequest(), timeout=10)
            else:
                call = node_pb2_grpc.NodeDaemonStub(channel).GetHostInfo(
                    node_pb2.GetHostInfoRequest(), timeout=10
                )
            with pytest.raises(grpc.aio.AioRpcError) as caught:
                await call
            return caught.value

    assert asyncio.run(main()).code() == grpc.StatusCode.UNAVAILABLE


@pytest.mark.parametrize(
    "argv",
    [
        ["--listen", "0.0.0.0:7443", "--data-dir", "/tmp/x", "--insecure"],
        ["--listen", "10.0.0.5:7443", "--data-dir", "/tmp/x", "--insecure"],
    ],
)
def test_the_coordinator_refuses_plaintext_off_loopback(argv, capsys):
    with pytest.raises(SystemExit):
        coordinator_args(argv)
    assert "plaintext is allowed only on a loopback address" in capsys.readouterr().err


def test_a_node_refuses_plaintext_off_loopback(capsys):
    argv = ["--libvirt-uri", "test:///default", "--listen", "0.0.0.0:7501", "--insecure"]
    with pytest.raises(SystemExit):
        node_args([*argv, "--coordinator", "127.0.0.1:7443"])
    assert "plaintext is allowed only on a loopback address" in capsys.readouterr().err


def test_identity_files_round_trip(fleet):
    identity: Identity = load_identity(fleet.trust.identity_file("operator"))
    assert (identity.name, identity.role) == ("local-operator", "operator")


def _generic_call(channel: grpc.aio.Channel, method) -> object:
    """Any RPC with an empty request, as a client without stubs would make it."""
    path = f"/{method.containing_service.full_name}/{method.name}"
    kind = channel.unary_stream if method.server_streaming else channel.unary_unary
    return kind(path, request_serializer=lambda _m: b"", response_deserializer=lambda b: b)(
        None, timeout=10
    )


async def _refusal_of(call) -> grpc.aio.AioRpcError:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        if isinstance(call, grpc.aio.UnaryStreamCall):
            async for _reply in call:
                pass
        else:
            await call
    return caught.value


def test_without_a_certificate_every_rpc_of_both_servers_is_refused(fleet):
    """Every RPC on both main ports (refused in the handshake), and every RPC but Enrol on the
    coordinator's enrolment port (which asks for no certificate, then refuses by rule)."""
    ca = fleet.trust.identity().ca

    async def main() -> dict[str, grpc.StatusCode]:
        async with CoordinatorClient(fleet.coordinator_endpoint()) as admin:
            join, _token = await admin.create_join_token(600)
        codes: dict[str, grpc.StatusCode] = {}
        ca_only = grpc.ssl_channel_credentials(root_certificates=ca)
        node_options = [("grpc.ssl_target_name_override", node_server_name("host-a"))]
        targets = [
            ("coordinator", fleet.coordinator_address, [], coordinator_pb2, "Coordinator"),
            ("node", fleet.node_address("host-a"), node_options, node_pb2, "NodeDaemon"),
            ("enrolment", join.enrolment_address, [], coordinator_pb2, "Coordinator"),
        ]
        for label, address, options, module, service in targets:
            async with grpc.aio.secure_channel(address, ca_only, options=options) as channel:
                for method in module.DESCRIPTOR.services_by_name[service].methods:
                    if label == "enrolment" and method.name == "Enrol":
                        continue
                    error = await _refusal_of(_generic_call(channel, method))
                    codes[f"{label} {method.name}"] = error.code()
        return codes

    codes = asyncio.run(main())
    assert len(codes) == 2 * len(COORDINATOR_RULES) - 1 + len(NODE_RULES)
    for call, code in codes.items():
        expected = (
            grpc.StatusCode.UNAUTHENTICATED
            if call.startswith("enrolment")
            else grpc.StatusCode.UNAVAILABLE
        )
        assert code == expected, call

"""Node enrolment as an admin and a new host go through it: real coordinator and node
processes on loopback, quantixctl as a process, the join string passed as printed."""

from __future__ import annotations

import asyncio
import json
import stat
import subprocess
import sys
from pathlib import Path

import grpc
import pytest

from clients.channels import Endpoint, open_enrolment_channel
from clients.coordinator import CoordinatorClient
from domain.join import JoinString, parse_join_string
from localfleet.fleet import LocalFleet
from localfleet.process import DaemonProcess
from localfleet.testhosts import write_test_host
from proto.quantix.v1 import coordinator_pb2 as pb
from proto.quantix.v1 import coordinator_pb2_grpc as pb_grpc
from tests.fleet_client import quantixctl, refused
from tests.helpers import eventually
from trust import pki
from trust.credentials import node_identity
from trust.pinning import fetch_pinned_ca


def register_as(host: str):
    """RegisterNode for ``host``, as a node daemon makes it."""
    request = pb.RegisterNodeRequest(hostname=host, address="127.0.0.1:9")
    return lambda client: client.register_node(request)


def new_join(fleet: LocalFleet) -> JoinString:
    result = quantixctl(fleet, "hosts", "join-token", "--ttl", "10m", "--json")
    assert result.returncode == 0, result.stderr
    return parse_join_string(json.loads(result.stdout)["join_string"])


def node_process(fleet: LocalFleet, name: str, *trust_args: str) -> DaemonProcess:
    """A new host's daemon, as the admin would start it, on a test-driver host of its own."""
    uri = write_test_host(fleet.workdir / "hosts" / f"{name}.xml", name, 7)
    data_dir = fleet.workdir / "new-hosts" / name
    args = ["--libvirt-uri", uri, "--listen", "127.0.0.1:0", "--name", name]
    return DaemonProcess(
        name, "node_daemon", [*args, "--data-dir", str(data_dir), *trust_args], fleet.workdir
    )


def tokens(fleet: LocalFleet) -> dict[str, pb.JoinToken]:
    async def main() -> list[pb.JoinToken]:
        async with CoordinatorClient(fleet.coordinator_endpoint()) as client:
            return await client.list_join_tokens()

    return {token.id: token for token in asyncio.run(main())}


async def registered(fleet: LocalFleet, name: str) -> pb.Node:
    async with CoordinatorClient(fleet.coordinator_endpoint()) as client:

        async def probe() -> list[pb.Node]:
            return list((await client.list_nodes()).nodes)

        nodes = await eventually(
            probe, lambda nodes: name in {n.name for n in nodes}, what=f"{name} registered"
        )
    return next(node for node in nodes if node.name == name)


def enrol_call(join: JoinString, request: pb.EnrolRequest) -> grpc.aio.AioRpcError:
    """Enrol on the enrolment port with ``request``, expecting a refusal."""

    async def main() -> grpc.aio.AioRpcError:
        ca = fetch_pinned_ca(join.enrolment_address, join.ca_fingerprint, 5)
        channel = open_enrolment_channel(join.enrolment_address, ca)
        try:
            with pytest.raises(grpc.aio.AioRpcError) as caught:
                await pb_grpc.CoordinatorStub(channel).Enrol(request, timeout=10)
        finally:
            await channel.close()
        return caught.value

    return asyncio.run(main())


def test_the_demo_fleet_enrolled_each_node_with_a_token_of_its_own(fleet):
    used = {t.used_by: t for t in tokens(fleet).values() if t.state == pb.JOIN_TOKEN_STATE_USED}
    assert set(used) == {"host-a", "host-b", "host-c"}
    assert {token.created_by for token in used.values()} == {"local-admin"}
    for name in used:
        data_dir = fleet.node_data_dir(name)
        identity = node_identity(data_dir)
        assert identity.host == name and identity.role == "node"
        # The node made its key: written 0600 and never sent (the CA signed a request).
        assert stat.S_IMODE((data_dir / "node-key.pem").stat().st_mode) == 0o600


def test_a_new_host_enrols_with_the_printed_command_and_later_starts_need_no_token(fleet):
    result = quantixctl(fleet, "hosts", "join-token", "--ttl", "30m")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Join token ") and "Single use, valid until" in lines[0]
    assert "(30 minutes)" in lines[0]
    join = parse_join_string(lines[2].strip())
    command = lines[4].strip()
    assert command.startswith(
        f"QUANTIX_JOIN={join} quantix-node --libvirt-uri qemu:///system --listen 0.0.0.0:7445"
    )

    # As the command passes it: in the environment, where other users cannot read it.
    node = node_process(fleet, "host-d")
    node.env["QUANTIX_JOIN"] = str(join)
    node.spawn()
    assert str(join) not in Path(f"/proc/{node.pid}/cmdline").read_text()
    try:
        asyncio.run(node.wait_serving())
        joined = asyncio.run(registered(fleet, "host-d"))
        assert joined.address == node.address
        assert tokens(fleet)[join.token.id].used_by == "host-d"
        # The token's secret reaches no log, on either side.
        logs = (fleet.workdir / "coordinator.log").read_text() + node.log_tail(200)
        assert join.token.secret not in logs and join.token.id in logs

        # Restarted without a join string: its certificate and the coordinator's address are
        # stored.
        asyncio.run(node.stop())
        node.env.clear()
        node.spawn()
        asyncio.run(node.wait_serving())
        assert asyncio.run(registered(fleet, "host-d")).name == "host-d"
    finally:
        node.stop_now()


def test_a_used_token_is_refused_with_who_used_it_and_the_node_does_not_start(fleet):
    join = new_join(fleet)
    first = node_process(fleet, "host-d", "--join", str(join))
    first.spawn()
    try:
        asyncio.run(first.wait_serving())
    finally:
        first.stop_now()
    second = node_process(fleet, "host-e", "--join", str(join))
    second.spawn()
    assert second.wait(30) == 1
    log = second.log_tail(5)
    assert f"join token {join.token.id} was already used, by host-d at " in log
    assert "host-e: cannot start: enrolling: coordinator" in log
    assert not (fleet.workdir / "new-hosts" / "host-e" / "node.pem").exists()


def test_a_revoked_token_is_refused_and_listed_as_revoked(fleet):
    join = new_join(fleet)
    result = quantixctl(fleet, "hosts", "join-token", "--revoke", join.token.id)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"Join token {join.token.id}: Revoked by local-admin."

    node = node_process(fleet, "host-d", "--join", str(join))
    node.spawn()
    assert node.wait(30) == 1
    assert f"join token {join.token.id} was revoked by local-admin at " in node.log_tail(5)

    listing = quantixctl(fleet, "hosts", "join-token", "--list")
    row = next(line for line in listing.stdout.splitlines() if line.startswith(join.token.id))
    assert "Revoked by local-admin" in row and row.rstrip().endswith("local-admin")
    as_json = json.loads(quantixctl(fleet, "hosts", "join-token", "--list", "--json").stdout)
    assert {"id", "state", "expires_at", "used_by"} <= set(as_json[0])
    assert join.token.secret not in listing.stdout + json.dumps(as_json)


def test_a_join_string_pinning_another_ca_never_sends_the_token(fleet):
    join = new_join(fleet)
    forged = JoinString(join.coordinator, join.enrolment_port, join.token, "sha256:" + "0" * 64)
    node = node_process(fleet, "host-d", "--join", str(forged))
    node.spawn()
    assert node.wait(30) == 1
    log = node.log_tail(5)
    assert "checking the coordinator's CA:" in log
    assert "did not present the CA the join string pins (sha256:00000000000" in log
    # The token never left the host: it is still valid for the real coordinator.
    assert tokens(fleet)[join.token.id].state == pb.JOIN_TOKEN_STATE_VALID


def test_an_enrolled_name_is_bound_to_its_certificate_until_the_host_is_removed(fleet):
    # Enrolling a second machine as host-b: refused before the token is used.
    join = new_join(fleet)
    key = pki.new_key()
    request = pb.EnrolRequest(
        token=str(join.token), hostname="host-b", csr=pki.make_csr(key, "host-b")
    )
    error = enrol_call(join, request)
    assert error.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert error.details() == "host-b is enrolled with another certificate; remove it first"
    assert tokens(fleet)[join.token.id].state == pb.JOIN_TOKEN_STATE_VALID

    # A certificate the CA did sign for host-b, but not the one host-b enrolled with: it
    # passes the handshake, and cannot register or heartbeat as host-b.
    forger = Endpoint(fleet.coordinator_address, fleet.trust.node_identity("host-b"))
    error = asyncio.run(refused(forger, register_as("host-b")))
    assert error.code() == grpc.StatusCode.PERMISSION_DENIED
    assert error.details() == "host-b is enrolled with another certificate; remove it first"
    assert asyncio.run(registered(fleet, "host-b")).address == fleet.node_address("host-b")

    # Once host-b is removed, its certificate is revoked (the removed machine cannot take the
    # name back), and a reinstalled machine may enrol under its name.
    asyncio.run(fleet.stop_node("host-b"))
    assert quantixctl(fleet, "hosts", "remove", "host-b").returncode == 0
    old = Endpoint(fleet.coordinator_address, node_identity(fleet.node_data_dir("host-b")))
    error = asyncio.run(refused(old, register_as("host-b")))
    assert error.code() == grpc.StatusCode.PERMISSION_DENIED
    assert error.details() == (
        "this certificate of host-b was revoked when host-b was removed; enrol the host again "
        "with a join token"
    )
    node = node_process(fleet, "host-b", "--join", str(join))
    node.spawn()
    try:
        asyncio.run(node.wait_serving())
        assert asyncio.run(registered(fleet, "host-b")).address == node.address
    finally:
        node.stop_now()


def test_enrolment_refuses_a_bad_signing_request_without_using_the_token(fleet):
    join = new_join(fleet)
    request = pb.EnrolRequest(token=str(join.token), hostname="host-d", csr=b"not a csr")
    error = enrol_call(join, request)
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert error.details() == "csr: is not a PEM certificate signing request"
    wrong_secret = pb.EnrolRequest(
        token=f"{join.token.id}.{'a' * 16}", hostname="host-d", csr=pki.make_csr(pki.new_key(), "x")
    )
    error = enrol_call(join, wrong_secret)
    assert error.code() == grpc.StatusCode.PERMISSION_DENIED
    assert error.details() == f"join token {join.token.id} is not known to this coordinator"
    assert tokens(fleet)[join.token.id].state == pb.JOIN_TOKEN_STATE_VALID


def test_the_enrolment_port_serves_nothing_else_without_a_certificate(fleet):
    join = new_join(fleet)

    async def main() -> grpc.aio.AioRpcError:
        ca = fetch_pinned_ca(join.enrolment_address, join.ca_fingerprint, 5)
        channel = open_enrolment_channel(join.enrolment_address, ca)
        try:
            with pytest.raises(grpc.aio.AioRpcError) as caught:
                await pb_grpc.CoordinatorStub(channel).ListNodes(pb.ListNodesRequest(), timeout=10)
        finally:
            await channel.close()
        return caught.value

    error = asyncio.run(main())
    assert error.code() == grpc.StatusCode.UNAUTHENTICATED
    assert error.details() == "ListNodes needs a client certificate of this fleet's CA"


@pytest.mark.parametrize("role", ["viewer", "operator"])
def test_only_admins_make_list_or_revoke_tokens(fleet, role):
    for args in (["join-token"], ["join-token", "--list"], ["join-token", "--revoke", "abcdef"]):
        result = quantixctl(fleet, "hosts", *args, role=role)
        assert result.returncode == 1
        assert "needs the admin role; local-" + role in result.stderr


def test_a_bad_ttl_is_refused_naming_the_flag_and_nothing_is_made(fleet):
    before = set(tokens(fleet))
    for ttl, rule in (
        ("30s", "must be between 1 minute and 7 days"),
        ("1h\n", "must be a number and a unit s, m, h or d"),
    ):
        result = quantixctl(fleet, "hosts", "join-token", "--ttl", ttl)
        assert result.returncode == 2
        assert f"--ttl: {rule}" in result.stderr
    assert set(tokens(fleet)) == before


def test_a_node_without_a_certificate_or_join_string_says_how_to_enrol(fleet):
    node = node_process(fleet, "host-d", "--coordinator", fleet.coordinator_address)
    node.spawn()
    assert node.wait(30) == 1
    assert "start it once with --join JOIN_STRING (from `quantixctl hosts join-token`)" in (
        node.log_tail(3)
    )


def test_a_mistyped_join_string_is_refused_without_quoting_the_token():
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "node_daemon",
            "--libvirt-uri",
            "test:///default",
            "--listen",
            "127.0.0.1:0",
            "--join",
            "quantix-join-1,127.0.0.1:7443,7444,abcdef.SECRETSECRETSECR,x",
        ],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 2
    assert "argument --join: token: must be a join token" in result.stderr
    assert "SECRET" not in result.stderr

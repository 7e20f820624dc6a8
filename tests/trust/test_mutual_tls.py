"""The PKI's certificates with gRPC's own TLS: a real server on loopback that requires client
certificates, and clients with and without the right identity."""

from __future__ import annotations

import asyncio
from pathlib import Path

import grpc
import pytest
from grpc_health.v1 import health, health_pb2, health_pb2_grpc

from trust.credentials import (
    channel_credentials,
    coordinator_identity,
    load_identity,
    server_credentials,
)
from trust.files import PkiError, init_pki, write_identity

# A handshake refused takes milliseconds; this only bounds a hang.
CALL_TIMEOUT_S = 10


@pytest.fixture
def pki_dirs(tmp_path) -> tuple[Path, Path]:
    ours, theirs = tmp_path / "ours", tmp_path / "theirs"
    init_pki(ours, ["coord.lab"], ["127.0.0.1"])
    init_pki(theirs, ["coord.lab"], ["127.0.0.1"])
    write_identity(ours, "alice", "admin", tmp_path / "alice.pem")
    write_identity(theirs, "mallory", "admin", tmp_path / "mallory.pem")
    return ours, theirs


async def serve_and_call(data_dir: Path, client) -> str:
    """Start a health server over mutual TLS on loopback; return the client's outcome."""
    server = grpc.aio.server()
    health_pb2_grpc.add_HealthServicer_to_server(health.aio.HealthServicer(), server)
    port = server.add_secure_port("127.0.0.1:0", server_credentials(coordinator_identity(data_dir)))
    await server.start()
    try:
        async with client(f"127.0.0.1:{port}") as channel:
            stub = health_pb2_grpc.HealthStub(channel)
            try:
                reply = await stub.Check(health_pb2.HealthCheckRequest(), timeout=CALL_TIMEOUT_S)
            except grpc.aio.AioRpcError as error:
                return error.code().name
            return health_pb2.HealthCheckResponse.ServingStatus.Name(reply.status)
    finally:
        await server.stop(None)


def test_a_client_with_an_identity_from_the_ca_is_served(pki_dirs, tmp_path):
    ours, _ = pki_dirs
    identity = load_identity(tmp_path / "alice.pem")
    assert (identity.name, identity.role) == ("alice", "admin")
    outcome = asyncio.run(
        serve_and_call(
            ours, lambda target: grpc.aio.secure_channel(target, channel_credentials(identity))
        )
    )
    assert outcome == "SERVING"


@pytest.mark.parametrize("client", ["plaintext", "tls-without-certificate", "another-ca"])
def test_everyone_else_is_refused_in_the_handshake(pki_dirs, tmp_path, client):
    ours, _theirs = pki_dirs  # mallory's identity comes from the other CA
    mallory = load_identity(tmp_path / "mallory.pem")
    ca_only = grpc.ssl_channel_credentials(
        root_certificates=load_identity(tmp_path / "alice.pem").ca
    )
    channels = {
        "plaintext": lambda target: grpc.aio.insecure_channel(target),
        "tls-without-certificate": lambda target: grpc.aio.secure_channel(target, ca_only),
        "another-ca": lambda target: grpc.aio.secure_channel(target, channel_credentials(mallory)),
    }
    assert asyncio.run(serve_and_call(ours, channels[client])) == "UNAVAILABLE"


def test_a_file_that_is_not_an_identity_is_refused_saying_what_one_holds(tmp_path):
    path = tmp_path / "notes.pem"
    path.write_text("hello")
    with pytest.raises(PkiError, match="is not a Quantix identity"):
        load_identity(path)

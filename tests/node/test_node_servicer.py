"""How the NodeDaemon servicer reports libvirt failures, on a real in-process gRPC server."""

from __future__ import annotations

import asyncio
from pathlib import Path

import grpc
import libvirt
import pytest

from clients.channels import node_endpoint
from clients.node import NodeClient
from localfleet.trust import FleetTrust
from node_daemon import servicer as servicer_module
from node_daemon.libvirt_conn import LibvirtConnection
from node_daemon.servicer import NodeDaemonServicer
from proto.quantix.v1 import node_pb2_grpc
from trust.credentials import server_credentials


async def list_pools_error(uri: str, trust: FleetTrust) -> grpc.aio.AioRpcError:
    connection = LibvirtConnection(uri)
    server = grpc.aio.server()
    node_pb2_grpc.add_NodeDaemonServicer_to_server(NodeDaemonServicer("host-a", connection), server)
    credentials = server_credentials(trust.node_identity("host-a"))
    port = server.add_secure_port("127.0.0.1:0", credentials)
    await server.start()
    endpoint = node_endpoint(f"127.0.0.1:{port}", "host-a", trust.identity("coordinator"))
    try:
        async with NodeClient(endpoint, name="host-a") as client:
            with pytest.raises(grpc.aio.AioRpcError) as caught:
                await client.list_storage_pools()
            return caught.value
    finally:
        await server.stop(None)
        await connection.close()


def test_a_libvirt_failure_is_internal_naming_host_step_and_libvirts_text(
    host_uri: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def fails(conn: libvirt.virConnect) -> list[object]:
        conn.storagePoolLookupByName("gone")  # a real libvirt error, not a connection loss
        return []

    monkeypatch.setattr(servicer_module, "list_pools", fails)

    error = asyncio.run(list_pools_error(host_uri, FleetTrust(tmp_path)))

    assert error.code() == grpc.StatusCode.INTERNAL
    assert error.details() == (
        "host-a: listing storage pools failed: "
        "Storage pool not found: no storage pool with matching name 'gone'"
    )


def test_an_unexpected_error_is_internal_naming_host_and_step(
    host_uri: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def broken(conn: libvirt.virConnect) -> list[object]:
        raise ValueError("unexpected pool XML")

    monkeypatch.setattr(servicer_module, "list_pools", broken)

    error = asyncio.run(list_pools_error(host_uri, FleetTrust(tmp_path)))

    assert error.code() == grpc.StatusCode.INTERNAL
    assert error.details() == (
        "host-a: listing storage pools failed: ValueError('unexpected pool XML')"
    )

"""How the NodeDaemon servicer reports libvirt failures, on a real in-process gRPC server."""

from __future__ import annotations

import asyncio

import grpc
import libvirt
import pytest

from clients.node import NodeClient
from node_daemon import servicer as servicer_module
from node_daemon.libvirt_conn import LibvirtConnection
from node_daemon.servicer import NodeDaemonServicer
from proto.quantix.v1 import node_pb2_grpc


async def list_pools_error(uri: str) -> grpc.aio.AioRpcError:
    connection = LibvirtConnection(uri)
    server = grpc.aio.server()
    node_pb2_grpc.add_NodeDaemonServicer_to_server(NodeDaemonServicer("host-a", connection), server)
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    try:
        async with NodeClient(f"127.0.0.1:{port}", name="host-a") as client:
            with pytest.raises(grpc.aio.AioRpcError) as caught:
                await client.list_storage_pools()
            return caught.value
    finally:
        await server.stop(None)
        await connection.close()


def test_a_libvirt_failure_is_internal_naming_host_step_and_libvirts_text(
    host_uri: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fails(conn: libvirt.virConnect) -> list[object]:
        conn.storagePoolLookupByName("gone")  # a real libvirt error, not a connection loss
        return []

    monkeypatch.setattr(servicer_module, "list_pools", fails)

    error = asyncio.run(list_pools_error(host_uri))

    assert error.code() == grpc.StatusCode.INTERNAL
    assert error.details() == (
        "host-a: listing storage pools failed: "
        "Storage pool not found: no storage pool with matching name 'gone'"
    )


def test_an_unexpected_error_is_internal_naming_host_and_step(
    host_uri: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(conn: libvirt.virConnect) -> list[object]:
        raise ValueError("unexpected pool XML")

    monkeypatch.setattr(servicer_module, "list_pools", broken)

    error = asyncio.run(list_pools_error(host_uri))

    assert error.code() == grpc.StatusCode.INTERNAL
    assert error.details() == (
        "host-a: listing storage pools failed: ValueError('unexpected pool XML')"
    )

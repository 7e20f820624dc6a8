"""Typed async client of a node daemon (host detail now; bulk transfers later)."""

from __future__ import annotations

from clients.channels import UNARY_DEADLINE_S, open_channel
from proto.quantix.v1 import common_pb2, node_pb2
from proto.quantix.v1 import node_pb2_grpc as pb_grpc


class NodeClient:
    """One channel to one node daemon. Create it inside the running event loop."""

    def __init__(self, address: str, name: str = "", deadline_s: float = UNARY_DEADLINE_S) -> None:
        self.address = address
        self.name = name or address
        self.deadline_s = deadline_s
        self._channel = open_channel(address)
        self._stub = pb_grpc.NodeDaemonStub(self._channel)

    @property
    def target(self) -> str:
        """How errors name this peer: ``host-a (127.0.0.1:7501)``."""
        return self.name if self.name == self.address else f"{self.name} ({self.address})"

    async def close(self) -> None:
        await self._channel.close()

    async def __aenter__(self) -> NodeClient:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.close()

    async def get_host_info(self) -> common_pb2.HostInfo:
        request = node_pb2.GetHostInfoRequest()
        return await self._stub.GetHostInfo(request, timeout=self.deadline_s)

    async def list_storage_pools(self) -> list[common_pb2.HostStoragePool]:
        request = node_pb2.ListStoragePoolsRequest()
        reply = await self._stub.ListStoragePools(request, timeout=self.deadline_s)
        return list(reply.pools)

    async def list_networks(self) -> list[common_pb2.HostNetwork]:
        reply = await self._stub.ListNetworks(
            node_pb2.ListNetworksRequest(), timeout=self.deadline_s
        )
        return list(reply.networks)

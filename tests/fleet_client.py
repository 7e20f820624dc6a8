"""A coordinator client for tests that speak both as an admin and as nodes, each call with the
certificate the real caller would present: admin calls with an admin identity, RegisterNode,
Heartbeat and ReportStoragePools with the certificate of the node they name (a node enrolled
with the coordinator's CA), as node daemons make them."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import grpc
import pytest

from clients.channels import Endpoint
from clients.coordinator import CoordinatorClient
from domain.errors import ValidationError
from domain.validation import validate_hostname
from localfleet.fleet import CoordinatorDaemon, LocalFleet, wait_registered
from proto.quantix.v1 import common_pb2
from proto.quantix.v1 import coordinator_pb2 as pb

# A malformed host name cannot have a certificate: such a request is sent by this node, with
# its own certificate, as a broken or hostile node daemon would send it.
SENDER_OF_MALFORMED_NAMES = "host-sender"


class FleetClient:
    def __init__(self, coordinator: CoordinatorDaemon, role: str = "admin") -> None:
        self._coordinator = coordinator
        self._admin = CoordinatorClient(coordinator.endpoint(role))
        self._nodes: dict[str, CoordinatorClient] = {}

    def __getattr__(self, name: str) -> Any:
        return getattr(self._admin, name)

    async def __aenter__(self) -> FleetClient:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.close()

    async def close(self) -> None:
        await self._admin.close()
        for client in self._nodes.values():
            await client.close()

    def as_node(self, hostname: str) -> CoordinatorClient:
        try:
            sender = validate_hostname(hostname, "hostname")
        except ValidationError:
            sender = SENDER_OF_MALFORMED_NAMES
        if sender not in self._nodes:
            self._nodes[sender] = CoordinatorClient(self._coordinator.node_endpoint(sender))
        return self._nodes[sender]

    async def register_node(self, request: pb.RegisterNodeRequest) -> pb.RegisterNodeResponse:
        return await self.as_node(request.hostname).register_node(request)

    async def heartbeat(self, hostname: str) -> pb.HeartbeatResponse:
        return await self.as_node(hostname).heartbeat(hostname)

    async def report_storage_pools(
        self,
        hostname: str,
        pools: Sequence[common_pb2.HostStoragePool],
        stamp: common_pb2.ChangeStamp | None = None,
    ) -> pb.ReportStoragePoolsResponse:
        return await self.as_node(hostname).report_storage_pools(hostname, pools, stamp)


# How often wait_registered asks the coordinator again: often enough not to slow a test down,
# rarely enough that the polling costs nothing.
def all_registered(fleet: LocalFleet) -> None:
    """Every host of ``fleet`` registered (a test then sees no registration land mid-way)."""
    asyncio.run(wait_registered(fleet.coordinator_endpoint(), fleet.nodes))


async def refused(
    endpoint: Endpoint, call: Callable[[CoordinatorClient], Awaitable[Any]]
) -> grpc.aio.AioRpcError:
    """The error ``call(client)`` fails with, dialled at ``endpoint``."""
    async with CoordinatorClient(endpoint) as client:
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await call(client)
    return caught.value


def quantixctl(
    fleet: LocalFleet, *args: str, role: str = "admin", stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """quantixctl as a user runs it against ``fleet``, with an identity of ``role``."""
    command = [sys.executable, "-m", "clients.cli", *fleet.cli_args(role), *args]
    return subprocess.run(
        command, capture_output=True, text=True, input=stdin, timeout=120, check=False
    )

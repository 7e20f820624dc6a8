"""One long-lived gRPC client per node daemon, shared by every fan-out.

A channel per call would pay a TCP and HTTP/2 handshake each time; one per node keeps a 50-host
fan-out to 50 already-open connections. When a node re-registers from another address (a
restarted daemon on a new port), its old client is closed once any call still on it has ended.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable

from clients.channels import node_endpoint
from clients.node import NodeClient
from trust.credentials import Identity

ClientFactory = Callable[[str, str, float], NodeClient]


class NodeClients:
    """``get(host, address)``: the client of that node daemon. Use inside the running loop."""

    def __init__(
        self,
        deadline_s: float,
        identity: Identity | None = None,
        factory: ClientFactory | None = None,
    ) -> None:
        """``identity``: the coordinator's own, presented to every node (None: plaintext,
        for a coordinator started with --insecure)."""
        # Calls made without an explicit timeout (ListVolumes) get the fan-out deadline too.
        self.deadline_s = deadline_s
        self._identity = identity
        self._factory = factory or self._node_client
        self._clients: dict[str, NodeClient] = {}
        self._retiring: set[asyncio.Task[None]] = set()

    def _node_client(self, address: str, name: str, deadline_s: float) -> NodeClient:
        return NodeClient(node_endpoint(address, name, self._identity), name, deadline_s)

    def get(self, host: str, address: str) -> NodeClient:
        client = self._clients.get(host)
        if client is not None and client.address == address:
            return client
        if client is not None:
            self._retire(client)
        client = self._factory(address, host, self.deadline_s)
        self._clients[host] = client
        return client

    def _retire(self, client: NodeClient) -> None:
        async def close_later() -> None:
            # A call on the old channel ends by its deadline; closing earlier would turn it
            # into a CANCELLED error that says nothing about the host.
            await asyncio.sleep(self.deadline_s)
            await client.close()

        task = asyncio.create_task(close_later())
        self._retiring.add(task)
        task.add_done_callback(self._retiring.discard)

    async def close(self) -> None:
        for task in list(self._retiring):
            task.cancel()
        clients = list(self._clients.values())
        self._clients.clear()
        for client in clients:
            with contextlib.suppress(Exception):
                await client.close()

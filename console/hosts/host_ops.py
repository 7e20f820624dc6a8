"""The Hosts feature's calls to the coordinator about a host itself (console.pool_ops: one
channel per action, a described failure). Qt-free. The Clusters feature uses them for its
members too."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from clients.channels import Endpoint
from clients.coordinator import CoordinatorClient
from console.pool_ops import Result, call_coordinator
from proto.quantix.v1 import coordinator_pb2 as pb


async def set_maintenance(
    endpoint: Endpoint | None, hosts: Sequence[str], maintenance: bool
) -> Result[list[pb.Node]]:
    """SetNodeMaintenance for each host in turn (the existing RPC), stopping at the first
    failure, which names its host and the hosts already changed before it."""
    done: list[str] = []

    async def run(client: CoordinatorClient) -> list[pb.Node]:
        nodes = []
        for host in hosts:
            nodes.append(await client.set_maintenance(host, maintenance))
            done.append(host)
        return nodes

    result = await call_coordinator(endpoint, run)
    if result.failure is None or endpoint is None:  # done, or not connected: said as is
        return result
    verb = "Entering" if maintenance else "Exiting"
    failed = hosts[len(done)] if len(done) < len(hosts) else ", ".join(hosts)
    already = f" (done on {', '.join(done)})" if done else ""
    failure = result.failure
    text = f"{verb} maintenance on {failed}{already}: {failure.text}"
    return Result(failure=dataclasses.replace(failure, text=text))

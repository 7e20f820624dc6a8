"""How the coordinator learns each host's networks: it asks (the node's ListNetworks).

Asked when a node registers or comes back online, after every network operation on a host
(init, destroy) and at start for every node. Asking rather than having nodes report (as they
do pools) needs no new node RPC and no libvirt network event handling on the node: every
change Quantix makes is followed by an ask, and a host's own list is read whenever it
(re)joins. What that misses: a network an admin defines or removes by hand on a host that
stays online is seen at the next ask for that host (its next Quantix network operation, or
its next return), not at once.

Never waits: each ask is a background query with the fan-out's per-host deadline
(Realizer.gather); a host that does not answer keeps what it listed last. Of two asks to one
host, only the answer of the later is taken: the earlier may describe an older state.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from typing import Any

from coordinator.discovery import DiscoveryManager
from coordinator.nodes import NodeRegistry
from coordinator.realize import Realizer
from proto.quantix.v1 import coordinator_pb2 as pb

log = logging.getLogger(__name__)


class NetworkReports:
    def __init__(
        self, realizer: Realizer, nodes: NodeRegistry, discovery: DiscoveryManager[Any, Any]
    ) -> None:
        self._realizer = realizer
        self._nodes = nodes
        self._discovery = discovery
        self._asked: dict[str, int] = {}  # per host: the number of the latest ask
        self._tasks: set[asyncio.Task[None]] = set()  # held: asyncio keeps weak references
        nodes.add_listener(self)

    def ask(self, hosts: Iterable[str]) -> None:
        for host in hosts:
            number = self._asked[host] = self._asked.get(host, 0) + 1
            task = asyncio.create_task(self._ask(host, number), name=f"networks of {host}")
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    def ask_every_node(self) -> None:
        self.ask(self._nodes.names())

    def host_changed(self, host: str, removed: str = "") -> None:
        """A network operation ended on ``host`` (``removed``: Quantix removed that network
        there, so it is not shown as discovered meanwhile): ask again."""
        if removed:
            self._discovery.forget_on(host, removed)
        self.ask([host])

    # --- node events (coordinator.nodes.NodeListener) -------------------------------------

    def node_online(self, node: pb.Node) -> None:
        self.ask([node.name])

    def node_offline(self, node: pb.Node) -> None:
        pass  # its networks stay listed as it last had them, like its pools

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _ask(self, host: str, number: int) -> None:
        (outcome,) = await self._realizer.gather(
            [host], lambda client, _timeout_s: client.list_networks()
        )
        if self._asked.get(host) != number:
            return  # a later ask is under way: its answer is the newer
        if not outcome.ok or outcome.result is None:
            log.info(
                "could not ask a node for its networks: %s", outcome.message, extra={"node": host}
            )
            return
        try:
            self._discovery.report(host, outcome.result)
        except Exception:
            log.exception("taking in the networks of a node failed", extra={"node": host})

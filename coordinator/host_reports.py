"""What a node reports of its storage pools, taken in: discovered pools follow it, and each
managed pool's status on that host is made to agree with it (coordinator.pools.reconcile).

At start the coordinator asks every node (a node that keeps heartbeating has no reason to
report again), so per-host status matches what each host really has after a restart.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

from coordinator.discovery import DiscoveryManager
from coordinator.host_facts import validate_stamp
from coordinator.nodes import NodeRegistry
from coordinator.pools import PoolManager
from coordinator.realize import Realizer
from proto.quantix.v1 import common_pb2

log = logging.getLogger(__name__)


def take_report(
    discovery: DiscoveryManager,
    pools: PoolManager,
    host: str,
    reported: Sequence[common_pb2.HostStoragePool],
    stamp: common_pb2.ChangeStamp | None = None,
) -> None:
    if stamp is not None:
        validate_stamp(stamp)  # before anything is taken in
    discovery.report(host, reported)  # validates, and checks the host is registered
    pools.reconcile(host, reported, stamp)


async def ask_every_node(
    realizer: Realizer, nodes: NodeRegistry, discovery: DiscoveryManager, pools: PoolManager
) -> None:
    """Each node's pools, as if it had reported them, taken in as each answers. A host that
    reports by itself meanwhile has said something newer: its answer is dropped. A node that
    does not answer in time is left as it is (it is, or soon will be, OFFLINE)."""
    await asyncio.gather(*(_ask(host, realizer, discovery, pools) for host in nodes.names()))


async def _ask(
    host: str, realizer: Realizer, discovery: DiscoveryManager, pools: PoolManager
) -> None:
    before = discovery.reports_from(host)
    (outcome,) = await realizer.gather(
        [host], lambda client, _timeout_s: client.storage_pools_stamped()
    )
    if not outcome.ok or outcome.result is None:
        log.info(
            "could not ask a node for its pools at start: %s", outcome.message, extra={"node": host}
        )
        return
    if discovery.reports_from(host) != before:
        return
    try:
        take_report(discovery, pools, host, outcome.result.pools, outcome.result.stamp)
    except Exception:
        log.exception("taking in the pools of a node failed", extra={"node": host})

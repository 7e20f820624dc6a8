"""Storage pools found on hosts that Quantix did not create: discovered pools.

Each node reports every pool libvirt has on it (ReportStoragePools: after registering and
whenever its pools change). A pool is *managed* on a host when a Quantix pool of that name is
assigned there and is that pool (not a CONFLICT: another pool of the same name found there);
every other pool is discovered. The same name with the same type and source on several hosts
is one discovered pool listing them. Discovered pools are inventory objects, so they are
stored, survive a restart and travel on Watch like any other object.

Recomputed (coalesced within one turn of the event loop) when a host reports, when a host is
removed, and when managed pools change, so a pool Quantix adopts or creates stops being
"discovered" at once.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Iterable, Sequence

from coordinator.host_facts import validate_reported_pools
from coordinator.inventory import Inventory
from coordinator.nodes import NodeRegistry
from domain.pool_adoption import adoptable, not_adoptable_reason
from proto.quantix.v1 import common_pb2
from proto.quantix.v1 import coordinator_pb2 as pb

log = logging.getLogger(__name__)

KIND = pb.OBJECT_KIND_DISCOVERED_POOL
POOL_KIND = pb.OBJECT_KIND_POOL
# A node's reason when a pool of the same name and other settings exists there (node.proto).
REASON_CONFLICT = "CONFLICT"


def discovered_key(name: str, pool_type: str, source: str, target_path: str) -> str:
    """``name#<12 hex>``: stable for the same name, type and source on any host; readable."""
    digest = hashlib.sha256("\0".join((pool_type, source, target_path)).encode()).hexdigest()
    return f"{name}#{digest[:12]}"


# The facts a host reports of a pool that a discovered pool keeps per host (same field names).
_PER_HOST = (
    "state",
    "capacity_bytes",
    "allocation_bytes",
    "available_bytes",
    "autostart",
    "persistent",
    "uuid",
)


def _host_entry(host: str, pool: common_pb2.HostStoragePool) -> pb.DiscoveredPoolHost:
    return pb.DiscoveredPoolHost(host=host, **{name: getattr(pool, name) for name in _PER_HOST})


def _reported(pool: pb.DiscoveredPool, entry: pb.DiscoveredPoolHost) -> common_pb2.HostStoragePool:
    """What the host reported, rebuilt from a stored discovered pool."""
    return common_pb2.HostStoragePool(
        name=pool.name,
        type=pool.type,
        source=pool.source,
        target_path=pool.target_path,
        **{name: getattr(entry, name) for name in _PER_HOST},
    )


class DiscoveryManager:
    def __init__(self, inventory: Inventory, nodes: NodeRegistry) -> None:
        self._inventory = inventory
        self._nodes = nodes
        inventory.on_change(POOL_KIND, self.pools_changed)
        # What each host last reported, rebuilt at start from the stored discovered pools
        # (managed pools need not be: they are never shown as discovered).
        self._reports: dict[str, list[common_pb2.HostStoragePool]] = {}
        for stored in self.list():
            for entry in stored.hosts:
                self._reports.setdefault(entry.host, []).append(_reported(stored, entry))
        self._scheduled = False

    # --- reads ------------------------------------------------------------------------------

    def list(self) -> list[pb.DiscoveredPool]:
        return [p for p in self._inventory.list(KIND) if isinstance(p, pb.DiscoveredPool)]

    def named(self, name: str) -> list[pb.DiscoveredPool]:
        return [p for p in self.list() if p.name == name]

    def reported(self, host: str, name: str) -> common_pb2.HostStoragePool | None:
        return next((p for p in self._reports.get(host, []) if p.name == name), None)

    # --- changes ----------------------------------------------------------------------------

    def report(self, hostname: str, pools: Sequence[common_pb2.HostStoragePool]) -> None:
        """A node's full list of pools (validated; the node must be registered)."""
        self._nodes.get(hostname, "hostname")
        validate_reported_pools(pools)
        self._reports[hostname] = list(pools)
        log.info("storage pools reported", extra={"node": hostname, "count": len(pools)})
        self.recompute()

    def forget_host(self, host: str) -> None:
        if self._reports.pop(host, None) is not None:
            self.recompute()

    def pools_changed(self) -> None:
        """Managed pools changed: recompute once, at the end of this turn of the loop."""
        if self._scheduled:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self.recompute()
            return
        self._scheduled = True
        loop.call_soon(self._scheduled_recompute)

    def _scheduled_recompute(self) -> None:
        self._scheduled = False
        self.recompute()

    def recompute(self) -> None:
        """Store exactly the discovered pools the reports and the managed pools imply."""
        wanted = {pool.key: pool for pool in self._discovered()}
        for current in self.list():
            if current.key not in wanted:
                self._inventory.remove(KIND, current.key)
        for key, pool in wanted.items():
            if self._inventory.get(KIND, key) != pool:
                self._inventory.put(KIND, key, pool)

    # --- internals ------------------------------------------------------------------------

    def _managed(self) -> set[tuple[str, str]]:
        """(pool name, host) of every pool Quantix manages, where it is that pool."""
        managed = set()
        for pool in self._inventory.list(POOL_KIND):
            assert isinstance(pool, pb.Pool)
            for status in pool.hosts:
                if status.reason != REASON_CONFLICT:
                    managed.add((pool.spec.name, status.host))
        return managed

    def _discovered(self) -> Iterable[pb.DiscoveredPool]:
        managed = self._managed()
        groups: dict[str, pb.DiscoveredPool] = {}
        for host in sorted(self._reports):
            for reported in self._reports[host]:
                if (reported.name, host) in managed:
                    continue
                key = discovered_key(
                    reported.name, reported.type, reported.source, reported.target_path
                )
                group = groups.get(key)
                if group is None:
                    group = groups[key] = pb.DiscoveredPool(
                        key=key,
                        name=reported.name,
                        type=reported.type,
                        source=reported.source,
                        target_path=reported.target_path,
                        adoptable=adoptable(reported.type),
                        not_adoptable_reason=not_adoptable_reason(reported.type),
                    )
                group.hosts.append(_host_entry(host, reported))
        return groups.values()

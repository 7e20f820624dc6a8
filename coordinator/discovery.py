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
from coordinator.host_statuses import REASON_CONFLICT
from coordinator.inventory import Inventory
from coordinator.nodes import NodeRegistry
from domain.pool_adoption import adoptable, not_adoptable_reason
from proto.quantix.v1 import common_pb2
from proto.quantix.v1 import coordinator_pb2 as pb

log = logging.getLogger(__name__)

KIND = pb.OBJECT_KIND_DISCOVERED_POOL
POOL_KIND = pb.OBJECT_KIND_POOL


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
        # What each host last reported, by discovered key then host; rebuilt at start from
        # the stored discovered pools (managed pools need not be: they are never shown).
        # Indexed by key so that one host's report recomputes only the groups it touches: 50
        # hosts reporting after a fan-out must not cost 50 passes over every host's pools.
        self._by_key: dict[str, dict[str, common_pb2.HostStoragePool]] = {}
        self._keys_of: dict[str, set[str]] = {}
        for stored in self.list():
            for entry in stored.hosts:
                self._index(entry.host, stored.key, _reported(stored, entry))
        # (pool name, host) of every managed pool, recomputed only when managed pools change.
        self._managed_cache: set[tuple[str, str]] | None = None
        self._scheduled = False
        # How many reports each host has sent this run: a list the coordinator asked for is
        # dropped when the host reported meanwhile (the report is newer).
        self._received: dict[str, int] = {}

    def reports_from(self, host: str) -> int:
        return self._received.get(host, 0)

    # --- reads ------------------------------------------------------------------------------

    def list(self) -> list[pb.DiscoveredPool]:
        return [p for p in self._inventory.list(KIND) if isinstance(p, pb.DiscoveredPool)]

    def named(self, name: str) -> list[pb.DiscoveredPool]:
        return [p for p in self.list() if p.name == name]

    # --- changes ----------------------------------------------------------------------------

    def report(self, hostname: str, pools: Sequence[common_pb2.HostStoragePool]) -> None:
        """A node's full list of pools (validated; the node must be registered)."""
        self._nodes.get(hostname, "hostname")
        validate_reported_pools(pools)
        self._received[hostname] = self._received.get(hostname, 0) + 1
        affected = self._unindex(hostname)
        for pool in pools:
            key = discovered_key(pool.name, pool.type, pool.source, pool.target_path)
            self._index(hostname, key, pool)
            affected.add(key)
        log.info("storage pools reported", extra={"node": hostname, "count": len(pools)})
        self._update(affected)

    def forget_host(self, host: str) -> None:
        self._update(self._unindex(host))

    def pools_changed(self) -> None:
        """Managed pools changed: recompute once, at the end of this turn of the loop."""
        self._managed_cache = None
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
        self._update(set(self._by_key) | {pool.key for pool in self.list()})

    # --- internals ------------------------------------------------------------------------

    def _index(self, host: str, key: str, pool: common_pb2.HostStoragePool) -> None:
        self._by_key.setdefault(key, {})[host] = pool
        self._keys_of.setdefault(host, set()).add(key)

    def _unindex(self, host: str) -> set[str]:
        """Forget what ``host`` reported; the keys it had."""
        keys = self._keys_of.pop(host, set())
        for key in keys:
            group = self._by_key.get(key, {})
            group.pop(host, None)
            if not group:
                self._by_key.pop(key, None)
        return keys

    def _managed(self) -> set[tuple[str, str]]:
        """(pool name, host) of every pool Quantix manages, where it is that pool."""
        if self._managed_cache is None:
            managed = set()
            for pool in self._inventory.list(POOL_KIND):
                assert isinstance(pool, pb.Pool)
                for status in pool.realization.hosts:
                    if status.reason != REASON_CONFLICT:
                        managed.add((pool.spec.name, status.host))
            self._managed_cache = managed
        return self._managed_cache

    def _update(self, keys: Iterable[str]) -> None:
        """Store, change or remove the discovered pools of ``keys`` as the reports imply."""
        managed = self._managed()
        for key in keys:
            wanted = self._group(key, managed)
            current = self._inventory.get(KIND, key)
            if wanted is None:
                if current is not None:
                    self._inventory.remove(KIND, key)
            elif current != wanted:
                self._inventory.put(KIND, key, wanted)

    def _group(self, key: str, managed: set[tuple[str, str]]) -> pb.DiscoveredPool | None:
        """The discovered pool of ``key``: its unmanaged copies on every host, by host name."""
        group: pb.DiscoveredPool | None = None
        for host, reported in sorted(self._by_key.get(key, {}).items()):
            if (reported.name, host) in managed:
                continue
            if group is None:
                group = pb.DiscoveredPool(
                    key=key,
                    name=reported.name,
                    type=reported.type,
                    source=reported.source,
                    target_path=reported.target_path,
                    adoptable=adoptable(reported.type),
                    not_adoptable_reason=not_adoptable_reason(reported.type),
                )
            group.hosts.append(_host_entry(host, reported))
        return group

"""Objects found on hosts that Quantix did not create: discovered pools and networks.

Each node's full list of one kind (its pools: reported by the node after registering and
whenever they change; its networks: asked for by the coordinator, coordinator.network_reports)
is taken in here. An object is *managed* on a host when a Quantix object of that kind and name
is assigned there and is that object (not a CONFLICT: another one of the same name found
there); every other one is discovered. The same name with the same identifying facts (a pool's
type and source, a network's forward mode, bridge and subnets) on several hosts is one
discovered object listing them. Discovered objects are inventory objects, so they are stored,
survive a restart and travel on Watch like any other object. What differs per kind is a
``DiscoveredKind``; ``POOLS`` is the pools' one.

Recomputed (coalesced within one turn of the event loop) when a host reports, when a host is
removed, and when managed objects change, so an object Quantix adopts or creates stops being
"discovered" at once.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Generic, Protocol, TypeVar

from google.protobuf.message import Message

from coordinator.host_facts import validate_reported_pools
from coordinator.host_statuses import REASON_CONFLICT
from coordinator.inventory import Inventory
from coordinator.nodes import NodeRegistry
from domain.pool_adoption import adoptable, not_adoptable_reason
from proto.quantix.v1 import common_pb2
from proto.quantix.v1 import coordinator_pb2 as pb

log = logging.getLogger(__name__)

R = TypeVar("R", bound=Message)  # what a host reports of one object (HostStoragePool, ...)
D = TypeVar("D", bound=Message)  # the discovered object (DiscoveredPool, ...)


def discovered_key(name: str, *facts: str) -> str:
    """``name#<12 hex>``: stable for the same name and facts on any host; readable."""
    digest = hashlib.sha256("\0".join(facts).encode()).hexdigest()
    return f"{name}#{digest[:12]}"


class DiscoveredKind(Protocol[R, D]):
    """What one kind of discovered object adds to the shared bookkeeping."""

    kind: int  # the discovered objects' pb.ObjectKind
    managed_kind: int  # the managed kind whose hosts hide them
    noun: str  # "storage pools": in logs

    def validate(self, reported: Sequence[R]) -> None:
        """Bounds on a host's list (ValidationError naming the field)."""
        ...

    def key(self, reported: R) -> str: ...

    # The reported facts a discovered object keeps per host (same field names in both), and
    # the message of one host's entry (DiscoveredPoolHost, ...).
    per_host: tuple[str, ...]
    host_entry: type[Message]

    def group(self, key: str, reported: R) -> D:
        """A discovered object for ``key`` with no hosts yet."""
        ...

    def shared(self, stored: D) -> R:
        """What every host of a stored discovered object reported alike (per-host facts
        unset)."""
        ...


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


class _Pools:
    kind = pb.OBJECT_KIND_DISCOVERED_POOL
    managed_kind = pb.OBJECT_KIND_POOL
    noun = "storage pools"
    per_host = _PER_HOST
    host_entry = pb.DiscoveredPoolHost

    def validate(self, reported: Sequence[common_pb2.HostStoragePool]) -> None:
        validate_reported_pools(reported)

    def key(self, reported: common_pb2.HostStoragePool) -> str:
        return discovered_key(reported.name, reported.type, reported.source, reported.target_path)

    def group(self, key: str, reported: common_pb2.HostStoragePool) -> pb.DiscoveredPool:
        return pb.DiscoveredPool(
            key=key,
            name=reported.name,
            type=reported.type,
            source=reported.source,
            target_path=reported.target_path,
            adoptable=adoptable(reported.type),
            not_adoptable_reason=not_adoptable_reason(reported.type),
        )

    def shared(self, stored: pb.DiscoveredPool) -> common_pb2.HostStoragePool:
        return common_pb2.HostStoragePool(
            name=stored.name,
            type=stored.type,
            source=stored.source,
            target_path=stored.target_path,
        )


POOLS: DiscoveredKind[Any, Any] = _Pools()


class DiscoveryManager(Generic[R, D]):
    def __init__(
        self, inventory: Inventory, nodes: NodeRegistry, kind: DiscoveredKind[R, D] = POOLS
    ) -> None:
        self._inventory = inventory
        self._nodes = nodes
        self._kind = kind
        inventory.on_change(kind.managed_kind, self.managed_changed)
        # What each host last reported, by discovered key then host; rebuilt at start from
        # the stored discovered objects (managed ones need not be: they are never shown).
        # Indexed by key so that one host's report recomputes only the groups it touches: 50
        # hosts reporting after a fan-out must not cost 50 passes over every host's objects.
        self._by_key: dict[str, dict[str, R]] = {}
        self._keys_of: dict[str, set[str]] = {}
        for stored in self.list():
            for host, reported in self._reported(stored):
                self._index(host, kind.key(reported), reported)
        # (name, host) of every managed object, recomputed only when managed objects change.
        self._managed_cache: set[tuple[str, str]] | None = None
        self._scheduled = False
        # How many reports each host has sent this run: a list the coordinator asked for is
        # dropped when the host reported meanwhile (the report is newer).
        self._received: dict[str, int] = {}

    def reports_from(self, host: str) -> int:
        return self._received.get(host, 0)

    # --- reads ------------------------------------------------------------------------------

    def list(self) -> list[D]:
        return list(self._inventory.list(self._kind.kind))  # type: ignore[arg-type]

    def named(self, name: str) -> list[D]:
        return [found for found in self.list() if found.name == name]  # type: ignore[attr-defined]

    # --- changes ----------------------------------------------------------------------------

    def report(self, hostname: str, reported: Sequence[R]) -> None:
        """A node's full list (validated; the node must be registered)."""
        self._nodes.get(hostname, "hostname")
        self._kind.validate(reported)
        self._received[hostname] = self._received.get(hostname, 0) + 1
        affected = self._unindex(hostname)
        for one in reported:
            key = self._kind.key(one)
            self._index(hostname, key, one)
            affected.add(key)
        log.info(f"{self._kind.noun} reported", extra={"node": hostname, "count": len(reported)})
        self._update(affected)

    def forget_host(self, host: str) -> None:
        self._update(self._unindex(host))

    def forget_on(self, host: str, name: str) -> None:
        """``host`` no longer has ``name`` (Quantix removed it there): not to be shown as
        discovered until the host's next list says otherwise."""
        keys = {
            key
            for key in self._keys_of.get(host, set())
            if self._by_key[key][host].name == name  # type: ignore[attr-defined]
        }
        for key in keys:
            del self._by_key[key][host]
            if not self._by_key[key]:
                del self._by_key[key]
        self._keys_of.get(host, set()).difference_update(keys)

    def managed_changed(self) -> None:
        """Managed objects changed: recompute once, at the end of this turn of the loop."""
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
        """Store exactly the discovered objects the reports and the managed objects imply."""
        self._update(set(self._by_key) | {found.key for found in self.list()})  # type: ignore[attr-defined]

    # --- internals ------------------------------------------------------------------------

    def _reported(self, stored: D) -> Iterator[tuple[str, R]]:
        """(host, what it reported), rebuilt from a stored discovered object."""
        for entry in stored.hosts:  # type: ignore[attr-defined]
            reported = self._kind.shared(stored)
            for name in self._kind.per_host:
                setattr(reported, name, getattr(entry, name))
            yield entry.host, reported

    def _index(self, host: str, key: str, reported: R) -> None:
        self._by_key.setdefault(key, {})[host] = reported
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
        """(name, host) of every object of the managed kind, where it is that object."""
        if self._managed_cache is None:
            self._managed_cache = {
                (managed.spec.name, status.host)  # type: ignore[attr-defined]
                for managed in self._inventory.list(self._kind.managed_kind)
                for status in managed.realization.hosts  # type: ignore[attr-defined]
                if status.reason != REASON_CONFLICT
            }
        return self._managed_cache

    def _update(self, keys: Iterable[str]) -> None:
        """Store, change or remove the discovered objects of ``keys`` as the reports imply."""
        managed = self._managed()
        for key in keys:
            wanted = self._group(key, managed)
            current = self._inventory.get(self._kind.kind, key)
            if wanted is None:
                if current is not None:
                    self._inventory.remove(self._kind.kind, key)
            elif current != wanted:
                self._inventory.put(self._kind.kind, key, wanted)

    def _group(self, key: str, managed: set[tuple[str, str]]) -> D | None:
        """The discovered object of ``key``: its unmanaged copies on every host, by host."""
        group: D | None = None
        for host, reported in sorted(self._by_key.get(key, {}).items()):
            if (reported.name, host) in managed:  # type: ignore[attr-defined]
                continue
            if group is None:
                group = self._kind.group(key, reported)
            facts = {name: getattr(reported, name) for name in self._kind.per_host}
            group.hosts.append(self._kind.host_entry(host=host, **facts))  # type: ignore[attr-defined]
        return group

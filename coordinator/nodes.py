"""Node registration, heartbeats, maintenance and liveness: the rules, over the inventory."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from typing import Protocol

from google.protobuf.timestamp_pb2 import Timestamp

from coordinator.host_facts import validate_daemon_version, validate_host_info
from coordinator.inventory import Inventory
from coordinator.realize import HostRoute
from domain import node_status
from domain.node_status import NodeStatus
from domain.validation import validate_address, validate_hostname
from proto.quantix.v1 import coordinator_pb2 as pb
from wire.proto_time import timestamp_of

log = logging.getLogger(__name__)

KIND = pb.OBJECT_KIND_NODE

_TO_PB = {
    NodeStatus.CONNECTED: pb.NODE_STATUS_CONNECTED,
    NodeStatus.OFFLINE: pb.NODE_STATUS_OFFLINE,
    NodeStatus.MAINTENANCE: pb.NODE_STATUS_MAINTENANCE,
}
_FROM_PB = {value: key for key, value in _TO_PB.items()}


# Hosts one coordinator holds: Quantix targets small fleets (tens to hundreds of hosts), and
# every host costs a heartbeat every few seconds and a row in every console; past this a
# registration is a mistake or an attack, refused rather than stored.
MAX_NODES = 1000


class FleetFull(Exception):
    """A new host cannot register: the coordinator holds MAX_NODES already."""


class UnknownNode(LookupError):
    def __init__(self, name: str) -> None:
        super().__init__(f"no node named {name!r} is registered")
        self.name = name


class NodeListener(Protocol):
    """Told when a node comes (back) online or goes OFFLINE, after the change is stored."""

    def node_online(self, node: pb.Node) -> None: ...
    def node_offline(self, node: pb.Node) -> None: ...


class NodeRegistry:
    def __init__(
        self,
        inventory: Inventory,
        heartbeat_interval_s: float,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._inventory = inventory
        self.heartbeat_interval_s = heartbeat_interval_s
        self._clock = clock
        # Silence while the coordinator itself was down is not the nodes' fault: liveness
        # counts from whichever is later, a node's last heartbeat or this start.
        self._started_at = clock()
        self._listeners: list[NodeListener] = []

    def add_listener(self, listener: NodeListener) -> None:
        self._listeners.append(listener)

    def _tell(self, online: bool, node: pb.Node) -> None:
        for listener in self._listeners:
            try:
                (listener.node_online if online else listener.node_offline)(node)
            except Exception:
                log.exception("node listener failed", extra={"node": node.name})

    def route(self, name: str) -> HostRoute | None:
        """Where a node's daemon is and, when it is OFFLINE, why; None for an unknown name."""
        node = self._inventory.get(KIND, name)
        if not isinstance(node, pb.Node):
            return None
        if self._status(node) is NodeStatus.OFFLINE:
            return HostRoute(node.address, offline=True, offline_since=_seconds(node.offline_since))
        return HostRoute(node.address)

    def names(self) -> list[str]:
        """Every registered node, whatever its status."""
        return [n.name for n in self.list()]

    def list(self) -> list[pb.Node]:
        return [node for node in self._inventory.list(KIND) if isinstance(node, pb.Node)]

    def knows(self, name: str) -> bool:
        """Whether ``name`` is registered (a lookup, not a scan of every node)."""
        return self._inventory.get(KIND, name) is not None

    def get(self, name: str, field: str = "name") -> pb.Node:
        validate_hostname(name, field)
        node = self._inventory.get(KIND, name)
        if not isinstance(node, pb.Node):
            raise UnknownNode(name)
        return node

    def register(self, request: pb.RegisterNodeRequest) -> pb.Node:
        hostname = validate_hostname(request.hostname, "hostname")
        address = validate_address(request.address, "address")
        validate_host_info(request.host_info)
        validate_daemon_version(request.daemon_version)
        now = self._clock()
        existing = self._inventory.get(KIND, hostname)
        if existing is None and len(self._inventory.list(KIND)) >= MAX_NODES:
            raise FleetFull(
                f"cannot register {hostname}: this coordinator holds {MAX_NODES} hosts, its "
                "limit; remove hosts that are gone first"
            )
        node = pb.Node()
        if isinstance(existing, pb.Node):
            node.CopyFrom(existing)
        else:
            node.registered_at.CopyFrom(timestamp_of(now))
        node.name = hostname
        node.address = address
        node.host_info.CopyFrom(request.host_info)
        node.daemon_version = request.daemon_version
        node.last_seen.CopyFrom(timestamp_of(now))
        self._set_status(node, node_status.status_after_heartbeat(self._status(node)), "")
        self._inventory.put(KIND, hostname, node)
        log.info("node registered", extra={"node": hostname, "address": address})
        # A (re)registering daemon may have restarted and lost what it had: tell listeners,
        # so its desired objects are realized on it again.
        self._tell(True, node)
        return node

    def remove(self, name: str) -> None:
        """Forget a host (its pools are the pool manager's business, settled before)."""
        self.get(name)
        self._inventory.remove(KIND, name)
        log.warning("node removed", extra={"node": name})

    def heartbeat(self, hostname: str) -> pb.Node:
        current = self.get(hostname, "hostname")
        node = pb.Node()
        node.CopyFrom(current)
        node.last_seen.CopyFrom(timestamp_of(self._clock()))
        new_status = node_status.status_after_heartbeat(self._status(node))
        if new_status is self._status(node) and (
            new_status is NodeStatus.MAINTENANCE or not node.status_message
        ):
            self._inventory.put_quietly(KIND, hostname, node)
        else:
            was_offline = self._status(node) is NodeStatus.OFFLINE
            self._set_status(node, new_status, "")
            self._inventory.put(KIND, hostname, node)
            log.info("node back online", extra={"node": hostname})
            if was_offline:
                self._tell(True, node)
        return node

    def set_maintenance(self, name: str, maintenance: bool) -> pb.Node:
        node = pb.Node()
        node.CopyFrom(self.get(name))
        if maintenance:
            self._set_status(node, NodeStatus.MAINTENANCE, "Put in maintenance by an admin")
        else:
            now = self._clock()
            if self._overdue(node, now):
                self._set_offline(node)
            else:
                self._set_status(node, NodeStatus.CONNECTED, "")
        self._inventory.put(KIND, name, node)
        if self._status(node) is NodeStatus.OFFLINE:
            self._tell(False, node)
        return node

    def sweep(self) -> list[str]:
        """Mark nodes OFFLINE whose heartbeats stopped; returns their names."""
        now = self._clock()
        gone = []
        for current in self.list():
            if self._status(current) is not NodeStatus.CONNECTED or not self._overdue(current, now):
                continue
            node = pb.Node()
            node.CopyFrom(current)
            self._set_offline(node)
            self._inventory.put(KIND, node.name, node)
            log.warning(
                "node offline", extra={"node": node.name, "last_seen": _seconds(node.last_seen)}
            )
            self._tell(False, node)
            gone.append(node.name)
        return gone

    async def run_sweeper(self, stop: asyncio.Event) -> None:
        # Checking twice per heartbeat interval (at most once a second) marks a node OFFLINE
        # within half an interval of its deadline, at the cost of one pass over memory.
        period = min(1.0, self.heartbeat_interval_s / 2)
        while not stop.is_set():
            try:
                self.sweep()
            except Exception:
                log.exception("liveness sweep failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), period)

    def _overdue(self, node: pb.Node, now: float) -> bool:
        last = max(node.last_seen.ToNanoseconds() / 1e9, self._started_at)
        return node_status.is_overdue(last, now, self.heartbeat_interval_s)

    @staticmethod
    def _set_offline(node: pb.Node) -> None:
        """OFFLINE, with the fact of when it went silent (its last heartbeat); readers word it
        when they show it (clients.present), so no sentence with an age is ever stored."""
        NodeRegistry._set_status(node, NodeStatus.OFFLINE, "")
        node.offline_since.CopyFrom(node.last_seen)

    @staticmethod
    def _status(node: pb.Node) -> NodeStatus:
        return _FROM_PB.get(node.status, NodeStatus.OFFLINE)

    @staticmethod
    def _set_status(node: pb.Node, status: NodeStatus, message: str) -> None:
        node.status = _TO_PB[status]
        node.status_message = message
        if status is not NodeStatus.OFFLINE:
            node.ClearField("offline_since")


def _seconds(stamp: Timestamp) -> float | None:
    return stamp.ToNanoseconds() / 1e9 if stamp.seconds or stamp.nanos else None

"""When a node counts as offline, and how that is said."""

from __future__ import annotations

from enum import Enum

# A node is OFFLINE after this many heartbeat intervals without one: one lost heartbeat is
# noise (a GC pause, a busy host), three in a row is a host the admin should know about.
MISSED_HEARTBEATS_FOR_OFFLINE = 3

# Five seconds keeps the fleet view fresh (OFFLINE within 15 s) at a cost of one tiny RPC per
# node every 5 s: 1,000 nodes are 200 calls/s, well within one coordinator process.
DEFAULT_HEARTBEAT_INTERVAL_S = 5.0


class NodeStatus(Enum):
    CONNECTED = "CONNECTED"
    OFFLINE = "OFFLINE"
    MAINTENANCE = "MAINTENANCE"


def offline_after(heartbeat_interval_s: float) -> float:
    """Seconds of silence after which a node is OFFLINE."""
    return heartbeat_interval_s * MISSED_HEARTBEATS_FOR_OFFLINE


def is_overdue(last_seen: float, now: float, heartbeat_interval_s: float) -> bool:
    return now - last_seen > offline_after(heartbeat_interval_s)


def status_after_heartbeat(current: NodeStatus) -> NodeStatus:
    """A heartbeat brings a node back online, but never ends an admin's maintenance."""
    return NodeStatus.MAINTENANCE if current is NodeStatus.MAINTENANCE else NodeStatus.CONNECTED

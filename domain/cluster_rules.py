"""Rules about a cluster's members, and its status from theirs, each with the sentence a user
reads when it fires.

The coordinator enforces them (as FAILED_PRECONDITION with these messages); the console's
wizard, detail and settings tab ask the same functions before Next, Save or Remove are
enabled, so the reason shown there is the one the server would give.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum

from domain.clusters import HaSettings
from domain.node_status import NodeStatus

# CPU or memory above this share makes a cluster WARNING: past 90 % a host has no room for a
# VM that HA restarts or DRS moves onto it (vSphere's and Proxmox's default alarm level too).
HIGH_USAGE = 0.90


class ClusterStatus(Enum):
    HEALTHY = "HEALTHY"
    WARNING = "WARNING"
    CRITICAL = "CRITICAL"
    EMPTY = "EMPTY"


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


# --- membership ------------------------------------------------------------------------------


def membership_conflicts(
    cluster: str, hosts: Iterable[str], cluster_of: Mapping[str, str]
) -> list[str]:
    """Why each of ``hosts`` cannot join ``cluster``: it is in another one already."""
    return [
        f"{host} is already in cluster {cluster_of[host]}; remove it there first"
        for host in hosts
        if cluster_of.get(host, cluster) != cluster
    ]


def _admission_needs(ha: HaSettings) -> str:
    tolerated = ha.host_failures_to_tolerate
    return (
        f"HA admission control tolerating {_plural(tolerated, 'host failure')} needs at least "
        f"{_plural(tolerated + 1, 'host')}"
    )


def admission_holds(ha: HaSettings, host_count: int) -> bool:
    """Admission control keeps room to restart the VMs of the hosts it tolerates losing, so a
    cluster with it on needs more hosts than that."""
    return not ha.enabled or not ha.admission_control or host_count > ha.host_failures_to_tolerate


def admission_problem(ha: HaSettings, host_count: int) -> str | None:
    """Why HA admission control cannot hold with ``host_count`` hosts (on create or on a
    settings change), or None."""
    if admission_holds(ha, host_count):
        return None
    return f"{_admission_needs(ha)}; the cluster has {_plural(host_count, 'host')}"


def removal_problem(
    ha: HaSettings, members: Collection[str], removing: Collection[str]
) -> str | None:
    """What removing ``removing`` would break, or None: told before the user confirms."""
    left = len(set(members) - set(removing))
    if admission_holds(ha, left):
        return None
    return (
        f"removing {', '.join(sorted(removing))} would leave {_plural(left, 'host')}, but "
        f"{_admission_needs(ha)}; lower host failures to tolerate or turn admission control "
        "off first"
    )


def default_problem(
    kind: str, name: str, placed_on: Collection[str] | None, members: Iterable[str]
) -> str | None:
    """Why ``name`` cannot be the cluster's default ``kind`` ("pool" or "network"), or None.

    ``placed_on`` is the hosts the managed object is placed on, None when no such object
    exists. It must be on every member, so a VM placed anywhere in the cluster finds it.
    """
    if not name:
        return None
    if placed_on is None:
        return f"no {kind} named {name} exists"
    missing = sorted(set(members) - set(placed_on))
    if not missing:
        return None
    return (
        f"{kind} {name} is not on {', '.join(missing)}; assign it there first or choose "
        f"another {kind}"
    )


# --- status ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MemberState:
    name: str
    status: NodeStatus
    cpu: float | None = None  # latest usage, 0..1; None before the first sample
    memory: float | None = None


def cluster_status(
    members: Sequence[MemberState], problems: Sequence[str] = ()
) -> tuple[ClusterStatus, str]:
    """The cluster's status from its members' and the reason, always a sentence.

    ``problems`` are the cluster's own (a default pool that no longer exists): WARNING.
    """
    if not members:
        return ClusterStatus.EMPTY, "No hosts in this cluster"
    offline = sorted(m.name for m in members if m.status is NodeStatus.OFFLINE)
    if len(offline) * 2 > len(members):
        return (
            ClusterStatus.CRITICAL,
            f"{len(offline)} of {len(members)} hosts offline: {', '.join(offline)}",
        )
    reasons = [f"{name} offline" for name in offline]
    reasons += sorted(
        f"{m.name} in maintenance" for m in members if m.status is NodeStatus.MAINTENANCE
    )
    # The line, not the figure: a reason that carried the figure would change (and the
    # cluster be stored and published again) with every reading of a busy host; the figure
    # itself is in the usage bars and graphs.
    line = f"above {round(HIGH_USAGE * 100)} %"
    for member in sorted(members, key=lambda m: m.name):
        if member.status is not NodeStatus.CONNECTED:
            continue
        if member.cpu is not None and member.cpu > HIGH_USAGE:
            reasons.append(f"{member.name} CPU {line}")
        if member.memory is not None and member.memory > HIGH_USAGE:
            reasons.append(f"{member.name} memory {line}")
    reasons += problems
    if reasons:
        return ClusterStatus.WARNING, "; ".join(reasons)
    count = len(members)
    return (
        ClusterStatus.HEALTHY,
        "The host is connected" if count == 1 else f"All {count} hosts connected",
    )

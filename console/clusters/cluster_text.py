"""How a cluster is worded in the console: its status, HA and DRS summaries, figures and bars.
Qt-free, so the page, the detail, the wizard's review and their tests read the same words.

Facts come from the coordinator (``pb.Cluster``: status with its reason, figures); usage
fractions from the usage store, when the console has one (see console.clusters.usage_hook).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from clients import present_clusters
from console.kit.phase_text import plural
from console.usage.usage_text import percent
from domain.capacity import USAGE_CRITICAL, USAGE_WARNING, Usage, assess
from domain.cluster_rules import ClusterStatus
from domain.clusters import DrsSettings, HaSettings, format_labels
from domain.units import format_bytes
from proto.quantix.v1 import coordinator_pb2 as pb
from wire.cluster_codec import CLUSTER_STATUS_FROM_PB

# Worst first: the order a table sorted by status shows them in.
STATUS_SEVERITY: dict[ClusterStatus | None, int] = {
    ClusterStatus.CRITICAL: 0,
    ClusterStatus.WARNING: 1,
    None: 2,
    ClusterStatus.EMPTY: 3,
    ClusterStatus.HEALTHY: 4,
}
NO_USAGE = "no usage yet"
NO_STORAGE = "no pools"


def status_of(cluster: pb.Cluster) -> ClusterStatus | None:
    """The cluster's status; None for a value this console does not know."""
    return CLUSTER_STATUS_FROM_PB.get(cluster.status)


def status_label(cluster: pb.Cluster) -> str:
    """``"Healthy"``: quantixctl's word for it too (clients.present_clusters)."""
    return present_clusters.status_label(cluster.status)


def status_line(cluster: pb.Cluster) -> str:
    """``"Warning — host-b offline"``: the status with its reason, which is always set."""
    reason = cluster.status_message
    return f"{status_label(cluster)} — {reason}" if reason else status_label(cluster)


def ha_badge(ha: HaSettings) -> str:
    return "HA" if ha.enabled else "HA off"


def drs_badge(drs: DrsSettings) -> str:
    if not drs.enabled:
        return "DRS off"
    return {
        "manual": "DRS manual",
        "partially-automated": "DRS partial",
        "fully-automated": "DRS auto",
    }[drs.automation.value]


def ha_summary(ha: HaSettings) -> str:
    """``"On: tolerates 1 host failure, admission control on, restart priority medium,
    isolation: leave powered on; monitoring: hosts on, VMs off"`` or ``"Off"``: quantixctl's
    phrases (clients.present_clusters), in one line."""
    if not ha.enabled:
        return "Off"
    settings = present_clusters.ha_settings_text(ha)
    return f"On: {settings}; monitoring: {present_clusters.monitoring_text(ha)}"


def drs_summary(drs: DrsSettings) -> str:
    """``"On: fully automated, threshold 3 (balanced), power management off"`` or ``"Off"``:
    quantixctl's phrase (clients.present_clusters)."""
    return f"On: {present_clusters.drs_settings_text(drs)}" if drs.enabled else "Off"


def labels_text(labels: Iterable[tuple[str, str]]) -> str:
    return format_labels(labels) or "None"


def optional(value: str, default: str = "None") -> str:
    return value or default


def hosts_count_text(figures: pb.ClusterFigures) -> str:
    """``"2/3 online"``; ``"no hosts"`` for an empty cluster."""
    if not figures.hosts_total:
        return "no hosts"
    return present_clusters.hosts_online_text(figures)


def capacity_text(figures: pb.ClusterFigures) -> str:
    """``"48 CPUs · 256.0 GiB"``: what the members add up to."""
    if not figures.hosts_total:
        return "no hosts"
    return f"{plural(figures.cores, 'CPU')} · {format_bytes(figures.memory_bytes)} memory"


@dataclass(frozen=True)
class Bar:
    """A bar in a table cell or on the summary: its fill (None: nothing to draw), level and
    the words beside it (a bar is never the only sign)."""

    fraction: float | None
    level: Usage
    text: str


def usage_level(fraction: float) -> Usage:
    """The storage gauge's levels (domain.capacity), so every bar turns amber and red alike."""
    if fraction >= USAGE_CRITICAL:
        return Usage.CRITICAL
    if fraction >= USAGE_WARNING:
        return Usage.WARNING
    return Usage.NORMAL


def usage_bar(fraction: float | None) -> Bar:
    """CPU or memory: the latest share in use across the members, or "no usage yet"."""
    if fraction is None:
        return Bar(None, Usage.UNKNOWN, NO_USAGE)
    return Bar(fraction, usage_level(fraction), percent(fraction))


def storage_bar(figures: pb.ClusterFigures) -> Bar:
    """The capacity of the cluster's pools (a shared pool counted once), from its figures."""
    capacity = figures.storage_capacity_bytes
    if not capacity:
        return Bar(None, Usage.UNKNOWN, NO_STORAGE)
    available = figures.storage_available_bytes
    used = max(0, capacity - available)
    facts = assess(capacity, used, available)
    if facts.fraction is None:
        return Bar(None, Usage.UNKNOWN, facts.problem or NO_STORAGE)
    return Bar(
        facts.fraction, facts.usage, f"{percent(facts.fraction)} of {format_bytes(capacity)}"
    )


def storage_text(figures: pb.ClusterFigures) -> str:
    """``"5.0 TiB of 8.0 TiB used"``: the storage bar's words in full (summary, tooltip)."""
    capacity = figures.storage_capacity_bytes
    bar = storage_bar(figures)
    if bar.fraction is None:
        return bar.text
    used = max(0, capacity - figures.storage_available_bytes)
    return f"{format_bytes(used)} of {format_bytes(capacity)} used"

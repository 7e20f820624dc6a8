"""How quantixctl shows clusters: a table and full text for people, plain JSON for scripts.
The words are the console's (``clients.present_clusters``); JSON gives settings the values
quantixctl's flags take (``"restart_priority": "high"``) and numbers as numbers."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from enum import Enum
from typing import Any

from clients.cli_format import short
from clients.cli_realized import facts_lines
from clients.present import STATUS_SEPARATOR, iso_time
from clients.present_clusters import (
    drs_badge,
    drs_settings_text,
    ha_badge,
    ha_settings_text,
    hosts_online_text,
    memory_text,
    monitoring_text,
    status_key,
    storage_text,
)
from domain.clusters import ClusterSpec, format_labels
from proto.quantix.v1 import coordinator_pb2 as pb
from wire.cluster_codec import spec_from_pb

CLUSTER_HEADERS = ("NAME", "STATUS", "HOSTS", "HA", "DRS", "CORES", "MEMORY", "MESSAGE")


def cluster_rows(clusters: Sequence[pb.Cluster], _now: float) -> list[tuple[str, ...]]:
    rows = []
    for cluster in clusters:
        spec = spec_from_pb(cluster.spec)
        figures = cluster.figures
        rows.append(
            (
                spec.name,
                status_key(cluster.status),
                hosts_online_text(figures),
                ha_badge(spec.ha),
                drs_badge(spec.drs),
                str(figures.cores) if figures.cores else "—",
                memory_text(figures),
                short(cluster.status_message),
            )
        )
    return rows


def _plain(value: Any) -> Any:
    """A spec's value as JSON: enums by the value their flag takes, labels as an object."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value


def spec_json(spec: ClusterSpec) -> dict[str, Any]:
    """Every field, under the paths ``UpdateCluster``'s mask names (``ha.restart_priority``)."""
    fields = dataclasses.asdict(spec)
    fields["labels"] = dict(spec.labels)
    return {key: _plain(value) for key, value in fields.items()}


def figures_json(figures: pb.ClusterFigures) -> dict[str, int]:
    return {
        "hosts_online": figures.hosts_online,
        "hosts_total": figures.hosts_total,
        "cores": figures.cores,
        "memory_bytes": figures.memory_bytes,
        "storage_capacity_bytes": figures.storage_capacity_bytes,
        "storage_available_bytes": figures.storage_available_bytes,
    }


def cluster_json(cluster: pb.Cluster) -> dict[str, Any]:
    return {
        "name": cluster.spec.name,
        "status": status_key(cluster.status),
        "status_message": cluster.status_message,
        "hosts": list(cluster.hosts),
        "spec": spec_json(spec_from_pb(cluster.spec)),
        "figures": figures_json(cluster.figures),
        "pools": list(cluster.pools),
        "networks": list(cluster.networks),
        "created_by": cluster.created_by,
        "created_at": iso_time(cluster.created_at),
        "updated_at": iso_time(cluster.updated_at),
    }


def _switchable(enabled: bool, settings: str) -> str:
    """``"on: <settings>"``, or ``"off (kept: <settings>)"``: settings stay while it is off
    and come back when it is turned on, so show says what they are."""
    return f"on: {settings}" if enabled else f"off (kept: {settings})"


def _hosts_text(cluster: pb.Cluster) -> str:
    if not cluster.hosts:
        return "none"
    return f"{hosts_online_text(cluster.figures)}: {', '.join(cluster.hosts)}"


def _created_text(cluster: pb.Cluster) -> str:
    when = iso_time(cluster.created_at) or "—"
    return f"{when} by {cluster.created_by}" if cluster.created_by else when


def cluster_text(cluster: pb.Cluster, _now: float) -> str:
    spec = spec_from_pb(cluster.spec)
    figures = cluster.figures
    facts = [
        ("Name", spec.name),
        ("Status", f"{status_key(cluster.status)}{STATUS_SEPARATOR}{cluster.status_message}"),
        ("Description", spec.description or "—"),
        ("Labels", format_labels(spec.labels) or "—"),
        ("Hosts", _hosts_text(cluster)),
        ("Cores", str(figures.cores) if figures.cores else "—"),
        ("Memory", memory_text(figures)),
        ("Storage", storage_text(figures)),
        ("HA", _switchable(spec.ha.enabled, ha_settings_text(spec.ha))),
        ("HA monitoring", monitoring_text(spec.ha)),
        ("DRS", _switchable(spec.drs.enabled, drs_settings_text(spec.drs))),
        ("Default pool", spec.default_pool or "none"),
        ("Default network", spec.default_network or "none"),
        ("Pools", ", ".join(cluster.pools) or "none"),
        ("Networks", ", ".join(cluster.networks) or "none"),
        ("Created", _created_text(cluster)),
        ("Updated", iso_time(cluster.updated_at) or "—"),
    ]
    return "\n".join(facts_lines(facts))

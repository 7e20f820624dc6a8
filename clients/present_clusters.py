"""How a cluster reads to a user: its status, HA and DRS settings in one phrase each, its
figures. Qt-free, for quantixctl and the console's Clusters page, wizard summary and detail,
so both say the same thing in the same words.

The settings' labels are ``domain.clusters``' (the wizard's combo boxes show them); this module
only puts them into sentences.
"""

from __future__ import annotations

from domain.clusters import (
    DRS_AUTOMATION_LABELS,
    ISOLATION_RESPONSE_LABELS,
    MIGRATION_THRESHOLD_LABELS,
    RESTART_PRIORITY_LABELS,
    DrsSettings,
    HaSettings,
)
from domain.units import format_bytes
from proto.quantix.v1 import coordinator_pb2 as pb

STATUS_LABELS: dict[int, str] = {
    pb.CLUSTER_STATUS_UNSPECIFIED: "Unknown",
    pb.CLUSTER_STATUS_HEALTHY: "Healthy",
    pb.CLUSTER_STATUS_WARNING: "Warning",
    pb.CLUSTER_STATUS_CRITICAL: "Critical",
    pb.CLUSTER_STATUS_EMPTY: "Empty",
}


def status_key(status: int) -> str:
    """``HEALTHY`` / ``WARNING`` / ``CRITICAL`` / ``EMPTY``: the stable name, in JSON and
    quantixctl's tables."""
    name = pb.ClusterStatus.Name(status) if status in pb.ClusterStatus.values() else "UNKNOWN"
    return name.removeprefix("CLUSTER_STATUS_")


def status_label(status: int) -> str:
    return STATUS_LABELS.get(status, f"Unknown status ({status})")


def _in_sentence(label: str) -> str:
    """A label as it reads mid-sentence: ``"Shut down VMs"`` -> ``"shut down VMs"``."""
    return label[:1].lower() + label[1:]


def on_off(value: bool) -> str:
    return "on" if value else "off"


def failures_text(count: int) -> str:
    """``"tolerates 1 host failure"``, ``"tolerates 2 host failures"``."""
    return f"tolerates {count} host failure{'' if count == 1 else 's'}"


def restart_priority_text(ha: HaSettings) -> str:
    return _in_sentence(RESTART_PRIORITY_LABELS[ha.restart_priority])


def isolation_text(ha: HaSettings) -> str:
    return _in_sentence(ISOLATION_RESPONSE_LABELS[ha.isolation_response])


def automation_text(drs: DrsSettings) -> str:
    return _in_sentence(DRS_AUTOMATION_LABELS[drs.automation])


def threshold_text(threshold: int) -> str:
    """``"3 (balanced)"``, ``"2"``: the domain's label, in a sentence."""
    number, _, word = MIGRATION_THRESHOLD_LABELS[threshold].partition(" — ")
    return f"{number} ({word.lower()})" if word else number


def ha_settings_text(ha: HaSettings) -> str:
    """``"tolerates 1 host failure, admission control on, restart priority medium, isolation:
    leave powered on"``: what HA does when on (kept as they are while it is off)."""
    return (
        f"{failures_text(ha.host_failures_to_tolerate)}, "
        f"admission control {on_off(ha.admission_control)}, "
        f"restart priority {restart_priority_text(ha)}, isolation: {isolation_text(ha)}"
    )


def ha_summary(ha: HaSettings) -> str:
    """``"HA on: tolerates 1 host failure, ..."`` or ``"HA off"``."""
    return f"HA on: {ha_settings_text(ha)}" if ha.enabled else "HA off"


def monitoring_text(ha: HaSettings) -> str:
    """``"hosts on, VMs off"``: which failures HA watches for."""
    return f"hosts {on_off(ha.host_monitoring)}, VMs {on_off(ha.vm_monitoring)}"


def drs_settings_text(drs: DrsSettings) -> str:
    """``"fully automated, threshold 3 (balanced), power management off"``."""
    return (
        f"{automation_text(drs)}, threshold {threshold_text(drs.migration_threshold)}, "
        f"power management {on_off(drs.power_management)}"
    )


def drs_summary(drs: DrsSettings) -> str:
    """``"DRS fully automated, threshold 3 (balanced), power management off"`` or
    ``"DRS off"``."""
    return f"DRS {drs_settings_text(drs)}" if drs.enabled else "DRS off"


def ha_badge(ha: HaSettings) -> str:
    """A table cell or badge: ``"on, tolerates 1"`` / ``"off"``."""
    return f"on, tolerates {ha.host_failures_to_tolerate}" if ha.enabled else "off"


def drs_badge(drs: DrsSettings) -> str:
    """A table cell or badge: ``"fully automated"`` / ``"off"``."""
    return automation_text(drs) if drs.enabled else "off"


def hosts_online_text(figures: pb.ClusterFigures) -> str:
    """``"2/3 online"``."""
    return f"{figures.hosts_online}/{figures.hosts_total} online"


def memory_text(figures: pb.ClusterFigures) -> str:
    return format_bytes(figures.memory_bytes) if figures.memory_bytes else "—"


def storage_text(figures: pb.ClusterFigures) -> str:
    """``"1.5 TiB free of 2.0 TiB"``, "—" when no pool is placed on a member."""
    if not figures.storage_capacity_bytes:
        return "—"
    free = format_bytes(figures.storage_available_bytes)
    return f"{free} free of {format_bytes(figures.storage_capacity_bytes)}"

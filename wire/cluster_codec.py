"""Clusters on the wire: ``quantix.v1.ClusterSpec`` <-> ``domain.clusters.ClusterSpec``, and
the enums' one mapping, for the coordinator, the console and quantixctl alike."""

from __future__ import annotations

from domain.cluster_rules import ClusterStatus
from domain.clusters import (
    ClusterSpec,
    DrsAutomation,
    DrsSettings,
    HaSettings,
    IsolationResponse,
    RestartPriority,
    validate_cluster_spec,
)
from domain.errors import ValidationError
from proto.quantix.v1 import coordinator_pb2 as pb

RESTART_PRIORITY_TO_PB = {
    RestartPriority.LOWEST: pb.RESTART_PRIORITY_LOWEST,
    RestartPriority.LOW: pb.RESTART_PRIORITY_LOW,
    RestartPriority.MEDIUM: pb.RESTART_PRIORITY_MEDIUM,
    RestartPriority.HIGH: pb.RESTART_PRIORITY_HIGH,
    RestartPriority.HIGHEST: pb.RESTART_PRIORITY_HIGHEST,
}
ISOLATION_TO_PB = {
    IsolationResponse.LEAVE_POWERED_ON: pb.ISOLATION_RESPONSE_LEAVE_POWERED_ON,
    IsolationResponse.SHUT_DOWN: pb.ISOLATION_RESPONSE_SHUT_DOWN,
    IsolationResponse.POWER_OFF: pb.ISOLATION_RESPONSE_POWER_OFF,
}
DRS_AUTOMATION_TO_PB = {
    DrsAutomation.MANUAL: pb.DRS_AUTOMATION_MANUAL,
    DrsAutomation.PARTIALLY_AUTOMATED: pb.DRS_AUTOMATION_PARTIALLY_AUTOMATED,
    DrsAutomation.FULLY_AUTOMATED: pb.DRS_AUTOMATION_FULLY_AUTOMATED,
}
CLUSTER_STATUS_TO_PB = {
    ClusterStatus.HEALTHY: pb.CLUSTER_STATUS_HEALTHY,
    ClusterStatus.WARNING: pb.CLUSTER_STATUS_WARNING,
    ClusterStatus.CRITICAL: pb.CLUSTER_STATUS_CRITICAL,
    ClusterStatus.EMPTY: pb.CLUSTER_STATUS_EMPTY,
}
CLUSTER_STATUS_FROM_PB = {value: key for key, value in CLUSTER_STATUS_TO_PB.items()}


def _from_pb(number: int, table: dict, default: object, field: str) -> object:
    """An enum's domain value; 0 (unspecified) is the default, an unknown number refused."""
    if number == 0:
        return default
    for key, value in table.items():
        if value == number:
            return key
    raise ValidationError(field, f"is not a known value (got {number})")


def ha_from_pb(message: pb.HaSettings) -> HaSettings:
    return HaSettings(
        enabled=message.enabled,
        admission_control=message.admission_control,
        # 0 is proto3's "not set": the documented default.
        host_failures_to_tolerate=message.host_failures_to_tolerate
        or HaSettings().host_failures_to_tolerate,
        host_monitoring=message.host_monitoring,
        vm_monitoring=message.vm_monitoring,
        restart_priority=_from_pb(  # type: ignore[arg-type]
            message.restart_priority,
            RESTART_PRIORITY_TO_PB,
            RestartPriority.MEDIUM,
            "ha.restart_priority",
        ),
        isolation_response=_from_pb(  # type: ignore[arg-type]
            message.isolation_response,
            ISOLATION_TO_PB,
            IsolationResponse.LEAVE_POWERED_ON,
            "ha.isolation_response",
        ),
    )


def drs_from_pb(message: pb.DrsSettings) -> DrsSettings:
    return DrsSettings(
        enabled=message.enabled,
        automation=_from_pb(  # type: ignore[arg-type]
            message.automation, DRS_AUTOMATION_TO_PB, DrsAutomation.MANUAL, "drs.automation"
        ),
        # 0 is proto3's "not set": the documented default.
        migration_threshold=message.migration_threshold or DrsSettings().migration_threshold,
        power_management=message.power_management,
    )


def spec_from_pb(message: pb.ClusterSpec) -> ClusterSpec:
    """The domain spec, every field checked (ValidationError names the first bad one)."""
    spec = ClusterSpec(
        name=message.name,
        description=message.description,
        labels=tuple(message.labels.items()),
        ha=ha_from_pb(message.ha),
        drs=drs_from_pb(message.drs),
        default_pool=message.default_pool,
        default_network=message.default_network,
    )
    return validate_cluster_spec(spec)


def spec_to_pb(spec: ClusterSpec) -> pb.ClusterSpec:
    return pb.ClusterSpec(
        name=spec.name,
        description=spec.description,
        labels=dict(spec.labels),
        ha=pb.HaSettings(
            enabled=spec.ha.enabled,
            admission_control=spec.ha.admission_control,
            host_failures_to_tolerate=spec.ha.host_failures_to_tolerate,
            host_monitoring=spec.ha.host_monitoring,
            vm_monitoring=spec.ha.vm_monitoring,
            restart_priority=RESTART_PRIORITY_TO_PB[spec.ha.restart_priority],
            isolation_response=ISOLATION_TO_PB[spec.ha.isolation_response],
        ),
        drs=pb.DrsSettings(
            enabled=spec.drs.enabled,
            automation=DRS_AUTOMATION_TO_PB[spec.drs.automation],
            migration_threshold=spec.drs.migration_threshold,
            power_management=spec.drs.power_management,
        ),
        default_pool=spec.default_pool,
        default_network=spec.default_network,
    )

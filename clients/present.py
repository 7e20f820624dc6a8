"""How Quantix objects read to a person: shared by the console and quantixctl so both say the
same thing in the same words."""

from __future__ import annotations

import time
from typing import Any

from google.protobuf import json_format

from domain.units import format_bytes
from proto.quantix.v1 import common_pb2
from proto.quantix.v1 import coordinator_pb2 as pb

STATUS_LABELS = {
    pb.NODE_STATUS_CONNECTED: "Connected",
    pb.NODE_STATUS_OFFLINE: "Offline",
    pb.NODE_STATUS_MAINTENANCE: "Maintenance",
}


def status_label(status: int) -> str:
    return STATUS_LABELS.get(status, "Unknown")


def status_key(status: int) -> str:
    """``CONNECTED`` / ``OFFLINE`` / ``MAINTENANCE``: the stable name used in JSON output."""
    name = pb.NodeStatus.Name(status) if status in pb.NodeStatus.values() else "UNKNOWN"
    return name.removeprefix("NODE_STATUS_")


def status_text(node: pb.Node) -> str:
    """``Offline — No heartbeat for 17 s``: the status with its reason, when there is one."""
    label = status_label(node.status)
    return f"{label} — {node.status_message}" if node.status_message else label


def cpu_summary(info: common_pb2.HostInfo) -> str:
    if not info.HasField("cpu"):
        return "—"
    cpu = info.cpu
    threads = cpu.logical_cpus or cpu.sockets * cpu.cores_per_socket * cpu.threads_per_core
    model = cpu.model or "CPU"
    return f"{model} · {threads} threads" if threads else model


def memory_summary(info: common_pb2.HostInfo) -> str:
    return format_bytes(info.memory_bytes) if info.memory_bytes else "—"


def seconds_ago(stamp_seconds: float, now: float | None = None) -> str:
    if stamp_seconds <= 0:
        return "never"
    elapsed = max(0, int((time.time() if now is None else now) - stamp_seconds))
    if elapsed < 60:
        return f"{elapsed} s ago"
    if elapsed < 3600:
        return f"{elapsed // 60} min ago"
    if elapsed < 86400:
        return f"{elapsed // 3600} h ago"
    return f"{elapsed // 86400} d ago"


def last_seen_text(node: pb.Node, now: float | None = None) -> str:
    """A connected node heartbeats every few seconds: "live" says more than a ticking age."""
    if node.status == pb.NODE_STATUS_CONNECTED:
        return "live"
    return seconds_ago(node.last_seen.ToNanoseconds() / 1e9, now)


def iso_time(stamp: Any) -> str:
    return stamp.ToJsonString() if stamp.ToNanoseconds() else ""


def node_summary(node: pb.Node) -> dict[str, Any]:
    """The fields of ``hosts list --json``."""
    return {
        "name": node.name,
        "address": node.address,
        "status": status_key(node.status),
        "status_message": node.status_message,
        "last_seen": iso_time(node.last_seen),
        "cpu": cpu_summary(node.host_info),
        "memory_bytes": node.host_info.memory_bytes,
        "libvirt_version": node.host_info.libvirt_version,
    }


def node_detail(node: pb.Node) -> dict[str, Any]:
    """``hosts show --json``: the summary plus every host fact."""
    detail = node_summary(node)
    detail["registered_at"] = iso_time(node.registered_at)
    detail["daemon_version"] = node.daemon_version
    detail["host_info"] = json_format.MessageToDict(
        node.host_info,
        preserving_proto_field_name=True,
        always_print_fields_with_no_presence=True,
    )
    return detail

"""How Quantix words things: statuses, ages, CPUs, speeds. Qt-free, shared by the console and
quantixctl so both say the same thing in the same words.

Rules (when a node is offline, what a pool type is called, how bytes are written) come from
``domain/``; this module only turns protobuf values into the short texts the widgets show.
"""

from __future__ import annotations

import time
from typing import Any, Protocol

from google.protobuf import json_format
from google.protobuf.timestamp_pb2 import Timestamp

from domain import capacity
from domain.units import format_bytes
from proto.quantix.v1 import common_pb2
from proto.quantix.v1 import coordinator_pb2 as pb

STATUS_LABELS: dict[int, str] = {
    pb.NODE_STATUS_UNSPECIFIED: "Unknown",
    pb.NODE_STATUS_CONNECTED: "Connected",
    pb.NODE_STATUS_OFFLINE: "Offline",
    pb.NODE_STATUS_MAINTENANCE: "Maintenance",
}

POOL_STATE_LABELS: dict[int, str] = {
    common_pb2.STORAGE_POOL_STATE_UNSPECIFIED: "Unknown",
    common_pb2.STORAGE_POOL_STATE_INACTIVE: "Inactive",
    common_pb2.STORAGE_POOL_STATE_BUILDING: "Building",
    common_pb2.STORAGE_POOL_STATE_RUNNING: "Running",
    common_pb2.STORAGE_POOL_STATE_DEGRADED: "Degraded",
    common_pb2.STORAGE_POOL_STATE_INACCESSIBLE: "Inaccessible",
}

# Between a status and its reason: an em dash reads as one phrase ("Offline — no heartbeat
# since 10:42:07, 3 min ago") where a colon would look like an error message.
STATUS_SEPARATOR = " — "


def timestamp_seconds(stamp: Timestamp) -> float | None:
    """Seconds since the epoch, or None for an unset (all-zero) timestamp."""
    if stamp.seconds == 0 and stamp.nanos == 0:
        return None
    return stamp.seconds + stamp.nanos / 1e9


def status_label(status: int) -> str:
    return STATUS_LABELS.get(status, f"Unknown status ({status})")


def relative_age(seconds: float) -> str:
    """``"3 s ago"``, ``"4 min ago"``, ``"2 h 5 min ago"``, ``"3 d ago"``."""
    age = max(0, int(seconds))
    if age < 60:
        return f"{age} s ago"
    minutes = age // 60
    if minutes < 60:
        return f"{minutes} min ago"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours} h {minutes} min ago" if minutes else f"{hours} h ago"
    return f"{hours // 24} d ago"


def clock_time(seconds: float, now: float) -> str:
    """A moment in the reader's local time: ``"10:42:07"`` today, ``"Nov 26 10:42:07"`` on
    another day (an hour alone would be ambiguous for a host that has been gone for days)."""
    moment = time.localtime(seconds)
    if time.localtime(now)[:3] == moment[:3]:
        return time.strftime("%H:%M:%S", moment)
    return time.strftime("%b %d %H:%M:%S", moment)


def offline_since_text(since: float, now: float) -> str:
    """``"no heartbeat since 10:42:07, 3 min ago"``: the one wording of an offline host, for
    the Hosts page, the host detail, pool banners and quantixctl alike. Worded from the fact
    (the time of the last heartbeat) when shown, so it never freezes and every view agrees."""
    return f"no heartbeat since {clock_time(since, now)}, {relative_age(now - since)}"


def node_offline_since(node: pb.Node) -> float | None:
    """When an OFFLINE node was last heard from: the coordinator's fact, or its last_seen."""
    return timestamp_seconds(node.offline_since) or timestamp_seconds(node.last_seen)


def node_status_text(node: pb.Node, now: float) -> str:
    """The Status cell: ``"Connected"``, ``"Offline — no heartbeat since 10:42:07, 3 min ago"``.

    An OFFLINE node's reason is worded here from the time of its last heartbeat, so its age
    keeps rising between Watch events; every other reason is shown as the coordinator wrote it.
    """
    label = status_label(node.status)
    reason = node.status_message
    since = node_offline_since(node)
    if node.status == pb.NODE_STATUS_OFFLINE and since is not None:
        reason = offline_since_text(since, max(now, since))
    return f"{label}{STATUS_SEPARATOR}{reason}" if reason else label


def realization_message(realization: common_pb2.Realization, now: float) -> str:
    """An object's message (pool, network, switch) as the coordinator wrote it, with each
    offline host's reason worded now: the coordinator stores "host-b is offline" and the time
    it went silent, never an age."""
    message = realization.message
    for status in realization.hosts:
        worded = host_status_message(status, now)
        if worded != status.message and status.message:
            message = message.replace(status.message, worded)
    return message


def pool_message(pool: pb.Pool, now: float) -> str:
    return realization_message(pool.realization, now)


def has_ticking_text(pool: pb.Pool) -> bool:
    """Whether the pool's words change with the clock (an offline host's age)."""
    return any(
        s.phase == common_pb2.PHASE_OFFLINE and timestamp_seconds(s.offline_since) is not None
        for s in pool.realization.hosts
    )


def host_status_message(status: common_pb2.HostStatus, now: float) -> str:
    """An object's status on one host in words: an offline host's reason is worded now from
    the time it went silent (``"host-b is offline: no heartbeat since 10:42:07, 3 min ago"``)."""
    since = timestamp_seconds(status.offline_since)
    if status.phase == common_pb2.PHASE_OFFLINE and since is not None:
        return f"{status.host} is offline: {offline_since_text(since, max(now, since))}"
    return status.message


# The console's pool views and their tests know it by this name.
pool_host_message = host_status_message


def last_seen_text(node: pb.Node, now: float) -> str:
    """The Last seen cell.

    The coordinator sends ``last_seen`` only with a status change (heartbeats update it
    quietly, see coordinator.inventory.put_quietly), so its age is only meaningful for a node
    that stopped heartbeating. A CONNECTED node has, by the coordinator's own liveness rule,
    been heard from within the last few heartbeat intervals: that is "Now". A node in
    maintenance keeps heartbeating quietly, so its real last heartbeat is unknown here.
    """
    last_seen = timestamp_seconds(node.last_seen)
    if node.status == pb.NODE_STATUS_CONNECTED:
        return "Now"
    if last_seen is None or node.status == pb.NODE_STATUS_MAINTENANCE:
        return "—"
    return relative_age(now - last_seen)


def cpu_summary(cpu: common_pb2.CpuInfo) -> str:
    """``"Intel Xeon · 16 threads"``; the architecture stands in for an unknown model."""
    model = cpu.model or cpu.arch or "Unknown CPU"
    if not cpu.logical_cpus:
        return model
    threads = "thread" if cpu.logical_cpus == 1 else "threads"
    return f"{model} · {cpu.logical_cpus} {threads}"


def cpu_topology(cpu: common_pb2.CpuInfo) -> str:
    """``"2 sockets × 8 cores × 2 threads = 32 logical CPUs, 2400 MHz"``."""
    parts = []
    if cpu.sockets or cpu.cores_per_socket or cpu.threads_per_core:
        parts.append(
            f"{cpu.sockets or '?'} sockets × {cpu.cores_per_socket or '?'} cores × "
            f"{cpu.threads_per_core or '?'} threads"
        )
    if cpu.logical_cpus:
        parts.append(f"{cpu.logical_cpus} logical CPUs")
    text = " = ".join(parts) if parts else "Topology not reported"
    if cpu.mhz:
        text += f", {cpu.mhz} MHz"
    return text


def nic_speed(speed_mbps: int) -> str:
    """``"10 Gbit/s"``, ``"100 Mbit/s"``; libvirt reports -1 (or 0) when it does not know."""
    if speed_mbps <= 0:
        return "Unknown"
    if speed_mbps >= 1000 and speed_mbps % 1000 == 0:
        return f"{speed_mbps // 1000} Gbit/s"
    if speed_mbps >= 1000:
        return f"{speed_mbps / 1000:.1f} Gbit/s"
    return f"{speed_mbps} Mbit/s"


def nic_link(nic: common_pb2.NetworkInterface) -> str:
    state = nic.link_state.capitalize() if nic.link_state else "Unknown"
    return state if nic.active else f"{state} (interface inactive)"


def mtu_text(mtu: int) -> str:
    return str(mtu) if mtu else "Unknown"


def pool_state_label(state: int) -> str:
    return POOL_STATE_LABELS.get(state, f"Unknown state ({state})")


_FORWARD_LABELS = {
    "": "Isolated",
    "nat": "NAT",
    "route": "Routed",
    "open": "Open",
    "bridge": "Bridged",
    "private": "Private (macvtap)",
    "vepa": "VEPA (macvtap)",
    "passthrough": "Passthrough (macvtap)",
    "hostdev": "Host device (SR-IOV)",
}


def network_forward_label(forward_mode: str) -> str:
    """libvirt's forward mode; an empty one is an isolated network, an unknown one shown as is."""
    return _FORWARD_LABELS.get(forward_mode, forward_mode)


def yes_no(value: bool) -> str:
    return "Yes" if value else "No"


def _enum_key(enum: Any, value: int, prefix: str) -> str:
    name = enum.Name(value) if value in enum.values() else "UNKNOWN"
    return name.removeprefix(prefix)


def status_key(status: int) -> str:
    """``CONNECTED`` / ``OFFLINE`` / ``MAINTENANCE``: the stable name used in JSON output."""
    return _enum_key(pb.NodeStatus, status, "NODE_STATUS_")


def phase_key(phase: int) -> str:
    """``READY`` / ``DEGRADED`` / ...: a pool phase's stable name, in JSON and quantixctl."""
    return _enum_key(common_pb2.Phase, phase, "PHASE_")


class CapacityFigures(Protocol):
    """Any message with libvirt's three figures (a pool, a host's status, a reported pool)."""

    capacity_bytes: int
    allocation_bytes: int
    available_bytes: int


def unknown_capacity_text(figures: CapacityFigures) -> str:
    """``"unknown (libvirt reported …)"`` when the figures cannot all be true, else ""."""
    problem = capacity.implausibility(
        figures.capacity_bytes, figures.allocation_bytes, figures.available_bytes
    )
    return capacity.unknown_text(problem) if problem else ""


def used_of_total_text(figures: CapacityFigures) -> str:
    """A host's share in a table cell: ``"120.0 GiB of 500.0 GiB"``, "—" when none is known."""
    if not figures.capacity_bytes:
        return "—"
    return unknown_capacity_text(figures) or (
        f"{format_bytes(figures.allocation_bytes)} of {format_bytes(figures.capacity_bytes)}"
    )


def memory_summary(info: common_pb2.HostInfo) -> str:
    return format_bytes(info.memory_bytes) if info.memory_bytes else "—"


def iso_time(stamp: Timestamp) -> str:
    return stamp.ToJsonString() if timestamp_seconds(stamp) is not None else ""


def node_summary(node: pb.Node) -> dict[str, Any]:
    """The fields of ``quantixctl hosts list --json``."""
    return {
        "name": node.name,
        "address": node.address,
        "status": status_key(node.status),
        "status_message": node.status_message,
        "last_seen": iso_time(node.last_seen),
        "cpu": cpu_summary(node.host_info.cpu),
        "memory_bytes": node.host_info.memory_bytes,
        "libvirt_version": node.host_info.libvirt_version,
    }


def node_detail(node: pb.Node) -> dict[str, Any]:
    """``quantixctl hosts show --json``: the summary plus every host fact."""
    detail = node_summary(node)
    detail["registered_at"] = iso_time(node.registered_at)
    detail["daemon_version"] = node.daemon_version
    detail["host_info"] = json_format.MessageToDict(
        node.host_info,
        preserving_proto_field_name=True,
        always_print_fields_with_no_presence=True,
    )
    return detail

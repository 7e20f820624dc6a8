"""How quantixctl shows pools: tables and full text for people, plain JSON for scripts."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from google.protobuf import json_format

from clients.present import (
    iso_time,
    phase_key,
    pool_host_message,
    pool_message,
    pool_state_label,
    unknown_capacity_text,
)
from domain.pool_types import pool_type_label
from domain.pools import DEFAULT_NFS_VERSION, NFS_VERSION_AUTO, Backend
from domain.units import format_bytes
from proto.quantix.v1 import common_pb2 as cpb
from proto.quantix.v1 import coordinator_pb2 as pb
from wire.pool_codec import BACKEND_FROM_PB

MESSAGE_WIDTH = 72  # of the list's MESSAGE column; `pools show` prints messages in full


def backend_of(pool: pb.Pool) -> Backend | None:
    return BACKEND_FROM_PB.get(pool.spec.backend)


def source_text(pool: pb.Pool) -> str:
    spec = pool.spec
    which = spec.WhichOneof("source")
    if which == "local_dir":
        return spec.local_dir.path
    if which == "nfs":
        nfs = spec.nfs
        version = nfs.version or DEFAULT_NFS_VERSION
        shown = "version negotiated" if version == NFS_VERSION_AUTO else version
        text = f"{nfs.server}:{nfs.export_path} (NFS {shown}"
        text += f", {','.join(nfs.mount_options)})" if nfs.mount_options else ")"
        return text + (f", mounted at {nfs.mount_point}" if nfs.mount_point else "")
    if which == "ceph_rbd":
        ceph = spec.ceph_rbd
        pool_name = f"{ceph.pool}/{ceph.namespace}" if ceph.namespace else ceph.pool
        stored = "stored" if ceph.has_key else "none"
        return f"{pool_name} on {', '.join(ceph.monitors)} as {ceph.user} (key {stored})"
    if which == "iscsi":
        iscsi = spec.iscsi
        text = f"{iscsi.target_iqn} at {iscsi.portal}"
        if iscsi.HasField("lun"):
            text += f", LUN {iscsi.lun}"
        if iscsi.initiator_iqn:
            text += f", initiator {iscsi.initiator_iqn}"
        if iscsi.initiator == cpb.ISCSI_INITIATOR_USERSPACE:
            text += " (user space)"
        if iscsi.chap_user:
            stored = "stored" if iscsi.has_chap_secret else "none"
            text += f", CHAP user {iscsi.chap_user} (secret {stored})"
        return text
    return "—"


def hosts_text(pool: pb.Pool) -> str:
    if pool.spec.hosts:
        return ", ".join(pool.spec.hosts)
    return "every host (including hosts that join later)"


def capacity_text(pool: pb.Pool | cpb.StorageUse | pb.DiscoveredPoolHost) -> str:
    if not pool.capacity_bytes:
        return "—"
    return unknown_capacity_text(pool) or (
        f"{format_bytes(pool.available_bytes)} free of {format_bytes(pool.capacity_bytes)}"
    )


def host_json(status: cpb.HostStatus) -> dict[str, Any]:
    return {
        "host": status.host,
        "phase": phase_key(status.phase) if status.phase else "",
        "message": status.message,
        "reason": status.reason,
        "capacity_bytes": status.storage.capacity_bytes,
        "allocation_bytes": status.storage.allocation_bytes,
        "available_bytes": status.storage.available_bytes,
        "notes": list(status.notes),
        "updated_at": iso_time(status.updated_at),
        "deadline": iso_time(status.deadline),
    }


def pool_json(pool: pb.Pool) -> dict[str, Any]:
    backend = backend_of(pool)
    return {
        "name": pool.spec.name,
        "backend": backend.value if backend else "",
        "phase": phase_key(pool.realization.phase),
        "message": pool.realization.message,
        "capacity_bytes": pool.capacity_bytes,
        "allocation_bytes": pool.allocation_bytes,
        "available_bytes": pool.available_bytes,
        "created_at": iso_time(pool.created_at),
        "updated_at": iso_time(pool.updated_at),
        "spec": json_format.MessageToDict(pool.spec, preserving_proto_field_name=True),
        "hosts": [host_json(h) for h in pool.realization.hosts],
    }


def _short(text: str, width: int = MESSAGE_WIDTH) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def pool_rows(pools: Sequence[pb.Pool], now: float) -> list[tuple[str, ...]]:
    rows = []
    for pool in pools:
        backend = backend_of(pool)
        ready = sum(1 for h in pool.realization.hosts if h.phase == cpb.PHASE_READY)
        rows.append(
            (
                pool.spec.name,
                backend.label if backend else "?",
                phase_key(pool.realization.phase),
                f"{ready}/{len(pool.realization.hosts)} ready",
                capacity_text(pool),
                _short(pool_message(pool, now)),
            )
        )
    return rows


POOL_HEADERS = ("NAME", "BACKEND", "PHASE", "HOSTS", "CAPACITY", "MESSAGE")


def discovered_rows(pools: Sequence[pb.DiscoveredPool]) -> list[tuple[str, ...]]:
    """Pools Quantix does not manage, in the same columns: phase UNMANAGED, the libvirt type
    by its readable name, the hosts that have it and their libvirt state."""
    rows = []
    for pool in pools:
        hosts = ", ".join(f"{h.host} ({pool_state_label(h.state).lower()})" for h in pool.hosts)
        first = pool.hosts[0] if pool.hosts else None
        rows.append(
            (
                pool.name,
                pool_type_label(pool.type),
                "UNMANAGED",
                hosts,
                capacity_text(first) if first is not None else "—",
                _short(pool.not_adoptable_reason or "adoptable: quantixctl pools adopt NAME"),
            )
        )
    return rows


def discovered_json(pool: pb.DiscoveredPool) -> dict[str, Any]:
    return {
        "name": pool.name,
        "key": pool.key,
        "type": pool.type,
        "type_label": pool_type_label(pool.type),
        "phase": "UNMANAGED",
        "source": pool.source,
        "target_path": pool.target_path,
        "adoptable": pool.adoptable,
        "not_adoptable_reason": pool.not_adoptable_reason,
        "hosts": [
            {
                "host": h.host,
                "state": pool_state_label(h.state),
                "capacity_bytes": h.capacity_bytes,
                "allocation_bytes": h.allocation_bytes,
                "available_bytes": h.available_bytes,
            }
            for h in pool.hosts
        ],
    }


def pool_text(pool: pb.Pool, now: float) -> str:
    backend = backend_of(pool)
    facts = [
        ("Name", pool.spec.name),
        ("Backend", backend.label if backend else "?"),
        ("Phase", phase_key(pool.realization.phase)),
        ("Message", pool_message(pool, now) or "—"),
        ("Source", source_text(pool)),
        ("Assigned to", hosts_text(pool)),
        ("Capacity", capacity_text(pool)),
        ("Description", pool.spec.description or "—"),
        ("Created", iso_time(pool.created_at) or "—"),
    ]
    width = max(len(label) for label, _ in facts)
    lines = [f"{label.ljust(width)}  {value}" for label, value in facts]
    lines.append("")
    lines.append("Hosts:" if pool.realization.hosts else "Hosts: none")
    host_width = max((len(h.host) for h in pool.realization.hosts), default=0)
    for status in pool.realization.hosts:
        phase = phase_key(status.phase)
        detail = capacity_text(status.storage) if status.phase == cpb.PHASE_READY else status.reason
        if detail == phase:
            detail = ""
        if status.phase == cpb.PHASE_PENDING and iso_time(status.deadline):
            detail = f"answer due by {iso_time(status.deadline)}"
        lines.append(f"  {status.host.ljust(host_width)}  {phase.ljust(8)}  {detail}".rstrip())
        message = pool_host_message(status, now)
        if message:
            lines.append(f"      {message}")
        lines += [f"      note: {note}" for note in status.notes]
    return "\n".join(lines)


def result_text(reply: pb.DeletePoolResponse, name: str) -> str:
    lines = [f"Pool {name} deleted." if reply.deleted else f"Pool {name} was not deleted."]
    width = max((len(r.host) for r in reply.results), default=0)
    for result in reply.results:
        # A host where the pool is gone has no phase; a failure has ERROR or OFFLINE.
        outcome = f"{phase_key(result.phase)}: " if result.phase else ""
        lines.append(f"  {result.host.ljust(width)}  {outcome}{result.message}")
    return "\n".join(lines)

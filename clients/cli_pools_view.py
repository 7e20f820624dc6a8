"""How quantixctl shows pools: tables and full text for people, plain JSON for scripts."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from google.protobuf import json_format

from clients.cli_format import short
from clients.cli_realized import (
    UNMANAGED,
    facts_lines,
    host_lines,
    hosts_ready_text,
    status_json,
    unmanaged_message,
)
from clients.present import (
    iso_time,
    phase_key,
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
        **status_json(status),
        "capacity_bytes": status.storage.capacity_bytes,
        "allocation_bytes": status.storage.allocation_bytes,
        "available_bytes": status.storage.available_bytes,
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


def pool_rows(pools: Sequence[pb.Pool], now: float) -> list[tuple[str, ...]]:
    rows = []
    for pool in pools:
        backend = backend_of(pool)
        rows.append(
            (
                pool.spec.name,
                backend.label if backend else "?",
                phase_key(pool.realization.phase),
                hosts_ready_text(pool.realization),
                capacity_text(pool),
                short(pool_message(pool, now)),
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
                UNMANAGED,
                hosts,
                capacity_text(first) if first is not None else "—",
                unmanaged_message("pools", pool.not_adoptable_reason),
            )
        )
    return rows


def discovered_json(pool: pb.DiscoveredPool) -> dict[str, Any]:
    return {
        "name": pool.name,
        "key": pool.key,
        "type": pool.type,
        "type_label": pool_type_label(pool.type),
        "phase": UNMANAGED,
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
    lines = facts_lines(facts)
    lines.append("")
    lines += host_lines(pool.realization.hosts, now, lambda status: capacity_text(status.storage))
    return "\n".join(lines)

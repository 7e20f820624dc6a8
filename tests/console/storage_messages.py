"""Builders of real quantix.v1 Pool messages and pool Watch events for the Storage tests.

Nothing here serves or fakes anything: these are the protobuf messages the coordinator sends,
filled with plausible values, for tests that feed the pools model or a widget directly.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from coordinator.discovery import discovered_key
from domain.pool_adoption import adoptable, not_adoptable_reason
from proto.quantix.v1 import common_pb2 as cpb
from proto.quantix.v1 import coordinator_pb2 as pb

GiB = 1024**3
TiB = 1024**4

RESET = pb.WatchEvent.TYPE_RESET
ADDED = pb.WatchEvent.TYPE_ADDED
UPDATED = pb.WatchEvent.TYPE_UPDATED
REMOVED = pb.WatchEvent.TYPE_REMOVED
SYNCED = pb.WatchEvent.TYPE_SYNCED

NFS_MOUNT_ERROR = (
    "NFS mount failed: internal error: Child process (/bin/mount -o nodev,nosuid,noexec -t nfs "
    "127.0.0.1:/export /var/lib/quantix/mnt/nfs-media) unexpected exit status 32: mount.nfs: "
    "No such device"
)


def host_status(
    host: str,
    phase: int = cpb.PHASE_READY,
    message: str = "",
    capacity: int = 0,
    allocation: int = 0,
    notes: Sequence[str] = (),
) -> cpb.HostStatus:
    return cpb.HostStatus(
        host=host,
        phase=phase,
        message=message,
        storage=cpb.StorageUse(
            capacity_bytes=capacity,
            allocation_bytes=allocation,
            available_bytes=max(capacity - allocation, 0),
        )
        if capacity
        else None,
        notes=list(notes),
    )


def nfs_spec(name: str, hosts: Sequence[str] = ()) -> cpb.PoolSpec:
    return cpb.PoolSpec(
        name=name,
        backend=cpb.POOL_BACKEND_NFS,
        hosts=list(hosts),
        nfs=cpb.NfsSource(server="nas01.example.com", export_path=f"/export/{name}", version="4.1"),
    )


def local_spec(name: str, host: str = "host-a") -> cpb.PoolSpec:
    return cpb.PoolSpec(
        name=name,
        backend=cpb.POOL_BACKEND_LOCAL_DIR,
        hosts=[host],
        local_dir=cpb.LocalDirSource(path=f"/var/lib/quantix/pools/{name}"),
    )


def ceph_spec(name: str) -> cpb.PoolSpec:
    return cpb.PoolSpec(
        name=name,
        backend=cpb.POOL_BACKEND_CEPH_RBD,
        ceph_rbd=cpb.CephRbdSource(
            monitors=["mon1.example.com:6789", "mon2.example.com:6789"],
            pool="rbd",
            user="admin",
            has_key=True,
        ),
    )


def iscsi_spec(name: str) -> cpb.PoolSpec:
    return cpb.PoolSpec(
        name=name,
        backend=cpb.POOL_BACKEND_ISCSI,
        iscsi=cpb.IscsiSource(
            portal="san01.example.com:3260",
            target_iqn="iqn.2024-01.com.example:storage",
            chap_user="quantix",
            has_chap_secret=True,
        ),
    )


def make_pool(
    spec: cpb.PoolSpec,
    phase: int = cpb.PHASE_READY,
    hosts: Iterable[cpb.HostStatus] = (),
    message: str = "",
    capacity: int = 0,
    allocation: int = 0,
) -> pb.Pool:
    return pb.Pool(
        spec=spec,
        realization=cpb.Realization(phase=phase, message=message, hosts=list(hosts)),
        capacity_bytes=capacity,
        allocation_bytes=allocation,
        available_bytes=max(capacity - allocation, 0),
    )


def ready_pool(name: str, hosts: Sequence[str] = ("host-a", "host-b", "host-c")) -> pb.Pool:
    capacity, allocation = 2 * TiB, 600 * GiB
    return make_pool(
        nfs_spec(name),
        cpb.PHASE_READY,
        [host_status(h, capacity=capacity, allocation=allocation) for h in hosts],
        capacity=capacity,
        allocation=allocation,
    )


def error_pool(name: str, hosts: Sequence[str] = ("host-a", "host-b")) -> pb.Pool:
    failures = [host_status(h, cpb.PHASE_ERROR, NFS_MOUNT_ERROR) for h in hosts]
    text = "; ".join(f"{h}: {NFS_MOUNT_ERROR}" for h in hosts)
    return make_pool(
        nfs_spec(name), cpb.PHASE_ERROR, failures, message=f"Not ready on any host: {text}"
    )


def pool_event(kind: int, pool: pb.Pool | None = None, key: str = "", revision: int = 0):
    event = pb.WatchEvent(
        type=kind,
        revision=revision,
        kind=pb.OBJECT_KIND_POOL if kind not in (RESET, SYNCED) else pb.OBJECT_KIND_UNSPECIFIED,
        key=key or (pool.spec.name if pool is not None else ""),
    )
    if pool is not None:
        event.pool.CopyFrom(pool)
    return event


def pool_snapshot(pools: Iterable[pb.Pool], revision: int = 10) -> list[pb.WatchEvent]:
    return [
        pool_event(RESET, revision=revision),
        *(pool_event(ADDED, pool, revision=revision) for pool in pools),
        pool_event(SYNCED, revision=revision),
    ]


# --- pools Quantix did not create (DiscoveredPool), as the coordinator publishes them ---------


def found_host(
    host: str,
    state: int = cpb.STORAGE_POOL_STATE_RUNNING,
    capacity: int = 0,
    allocation: int = 0,
) -> pb.DiscoveredPoolHost:
    return pb.DiscoveredPoolHost(
        host=host,
        state=state,
        capacity_bytes=capacity,
        allocation_bytes=allocation,
        available_bytes=max(capacity - allocation, 0),
        autostart=True,
        persistent=True,
    )


def discovered_pool(
    name: str,
    pool_type: str,
    source: str = "",
    target: str = "",
    hosts: Sequence[pb.DiscoveredPoolHost] = (),
) -> pb.DiscoveredPool:
    """A discovered pool keyed, and marked adoptable or not, by the coordinator's own rules."""
    return pb.DiscoveredPool(
        key=discovered_key(name, pool_type, source, target),
        name=name,
        type=pool_type,
        source=source,
        target_path=target,
        hosts=list(hosts) or [found_host("host-a")],
        adoptable=adoptable(pool_type),
        not_adoptable_reason=not_adoptable_reason(pool_type),
    )


def discovered_event(
    kind: int, pool: pb.DiscoveredPool | None = None, key: str = "", revision: int = 0
) -> pb.WatchEvent:
    event = pb.WatchEvent(
        type=kind,
        revision=revision,
        kind=pb.OBJECT_KIND_DISCOVERED_POOL
        if kind not in (RESET, SYNCED)
        else pb.OBJECT_KIND_UNSPECIFIED,
        key=key or (pool.key if pool is not None else ""),
    )
    if pool is not None:
        event.discovered_pool.CopyFrom(pool)
    return event

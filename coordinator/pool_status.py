"""What only pools add to a realized object's statuses: a host's capacity (StorageUse) from
InitStoragePool or from the host's pool list, the pool's capacity from its hosts, and what a
host's report of its pools says about each status (coordinator.host_statuses has the rest).
"""

from __future__ import annotations

from coordinator import host_statuses as hs
from coordinator.host_statuses import REASON_CONFLICT, REASON_NOT_RUNNING
from coordinator.realize import HostOutcome
from domain.limits import MAX_SHORT_TEXT, shortened
from domain.realization import Phase
from proto.quantix.v1 import common_pb2 as cpb
from proto.quantix.v1 import coordinator_pb2 as pb
from proto.quantix.v1 import node_pb2
from wire.proto_time import timestamp_of


def from_init(outcome: HostOutcome[node_pb2.InitStoragePoolResponse], now: float) -> cpb.HostStatus:
    """A host's status after InitStoragePool; READY clears any earlier message."""
    if not outcome.ok or outcome.result is None:
        return hs.of_failure(outcome, now)
    reply = outcome.result
    status = hs.ready(outcome.host, now, reply.notes)
    status.storage.CopyFrom(_use(reply.pool))
    status.stamp.CopyFrom(
        cpb.ChangeStamp(boot_id=shortened(reply.stamp.boot_id, MAX_SHORT_TEXT), seq=reply.stamp.seq)
    )
    return status


def _use(pool: cpb.HostStoragePool) -> cpb.StorageUse:
    return cpb.StorageUse(
        capacity_bytes=pool.capacity_bytes,
        allocation_bytes=pool.allocation_bytes,
        available_bytes=pool.available_bytes,
    )


def refresh_capacity(pool: pb.Pool) -> None:
    """Shared storage looks the same from every host, and a local pool has one host: the
    first ready host (by name, so the figure does not jump between hosts) speaks for it."""
    ready = next((s for s in pool.realization.hosts if s.phase == cpb.PHASE_READY), None)
    use = ready.storage if ready else cpb.StorageUse()
    pool.capacity_bytes = use.capacity_bytes
    pool.allocation_bytes = use.allocation_bytes
    pool.available_bytes = use.available_bytes


def reported_status(
    status: cpb.HostStatus,
    name: str,
    reported: cpb.HostStoragePool | None,
    now: float,
    stamp: cpb.ChangeStamp,
    expected_type: str = "",
) -> cpb.HostStatus | None:
    """The host's status as its report says, or None when it is unchanged. A pool of that
    name but another libvirt type is not this pool (someone replaced it): CONFLICT, so it is
    shown as the unmanaged pool it is."""
    if reported is not None and expected_type and reported.type != expected_type:
        conflict = hs.failed(
            status.host,
            Phase.ERROR,
            f"a pool named {name} of another type ({reported.type}) is on {status.host}: it "
            "is not this pool",
            REASON_CONFLICT,
            now,
        )
        conflict.stamp.CopyFrom(stamp)
        return conflict
    running = reported is not None and reported.state == cpb.STORAGE_POOL_STATE_RUNNING
    if running:
        assert reported is not None
        if status.phase == cpb.PHASE_READY and status.storage == _use(reported):
            return None
        return cpb.HostStatus(
            host=status.host,
            phase=cpb.PHASE_READY,
            storage=_use(reported),
            updated_at=timestamp_of(now),
            notes=list(status.notes),
            stamp=stamp,
        )
    if reported is None:
        message = f"pool {name} is not defined on {status.host} any more: retry to initialize it"
    else:
        known = reported.state in cpb.StoragePoolState.values()
        state = (
            cpb.StoragePoolState.Name(reported.state).removeprefix("STORAGE_POOL_STATE_").lower()
            if known
            else f"in an unknown state ({reported.state})"
        )
        message = f"pool {name} is {state} on {status.host}, not running: retry to start it"
    if status.phase == cpb.PHASE_ERROR and status.message == message:
        return None
    error = hs.failed(status.host, Phase.ERROR, message, REASON_NOT_RUNNING, now)
    error.stamp.CopyFrom(stamp)
    error.notes.extend(status.notes)  # still true of the pool, and kept for when it runs again
    return error


def every_host(pool: pb.Pool) -> bool:
    """A shared pool created without hosts: it belongs on every host, present and future."""
    return pool.spec.backend != cpb.POOL_BACKEND_LOCAL_DIR and not pool.spec.hosts

"""A stored pool's per-host statuses and its aggregate phase: plain functions over pb.Pool.

Callers copy the stored message, change the copy with these, and put it back through the
inventory (which publishes it on Watch).
"""

from __future__ import annotations

from collections.abc import Iterable

from coordinator.realize import HostOutcome
from domain.limits import MAX_SHORT_TEXT, shortened
from domain.realization import HostPhase, Phase, aggregate
from proto.quantix.v1 import common_pb2, node_pb2
from proto.quantix.v1 import common_pb2 as cpb
from proto.quantix.v1 import coordinator_pb2 as pb
from wire.pool_codec import PHASE_FROM_PB, PHASE_TO_PB
from wire.proto_time import timestamp_of

# What a node says is stored and sent to every console: bounded, however long libvirt's text
# (a mount command line with its options is a few hundred characters; 4,096 keeps any real
# error whole). A handful of notes per host is normal; 32 is already a page.
MESSAGE_MAX = 4096
NOTE_MAX = 1024
MAX_NOTES = 32


def copy(pool: pb.Pool) -> pb.Pool:
    fresh = pb.Pool()
    fresh.CopyFrom(pool)
    return fresh


def host_names(pool: pb.Pool) -> list[str]:
    return [status.host for status in pool.realization.hosts]


def find(pool: pb.Pool, host: str) -> cpb.HostStatus | None:
    return next((status for status in pool.realization.hosts if status.host == host), None)


def put_status(pool: pb.Pool, status: cpb.HostStatus) -> None:
    """Replace the host's status, or add it; hosts stay sorted by name."""
    put_statuses(pool, [status])


def put_statuses(pool: pb.Pool, statuses: Iterable[cpb.HostStatus]) -> None:
    new = {status.host: status for status in statuses}
    if not new:
        return
    kept = [s for s in pool.realization.hosts if s.host not in new]
    merged = sorted([*kept, *new.values()], key=lambda s: s.host)
    del pool.realization.hosts[:]
    pool.realization.hosts.extend(merged)


def drop_hosts(pool: pb.Pool, hosts: Iterable[str]) -> None:
    """Forget hosts. A pool meant for every host becomes a pool of the hosts it keeps, so a
    host taken off it does not come back when it re-registers."""
    gone = set(hosts) & set(host_names(pool))
    if not gone:
        return
    if every_host(pool):
        pool.spec.hosts.extend(host_names(pool))
    kept = [s for s in pool.realization.hosts if s.host not in gone]
    del pool.realization.hosts[:]
    pool.realization.hosts.extend(kept)
    explicit = [h for h in pool.spec.hosts if h not in gone]
    del pool.spec.hosts[:]
    pool.spec.hosts.extend(explicit)


def forget_host(pool: pb.Pool, host: str) -> None:
    """Drop a host that no longer exists: unlike ``drop_hosts``, a pool for every host stays
    one (a host of that name that registers later gets it, as any new host would)."""
    kept = [s for s in pool.realization.hosts if s.host != host]
    del pool.realization.hosts[:]
    pool.realization.hosts.extend(kept)
    explicit = [h for h in pool.spec.hosts if h != host]
    del pool.spec.hosts[:]
    pool.spec.hosts.extend(explicit)


def pending(host: str, now: float, deadline_s: float) -> cpb.HostStatus:
    return cpb.HostStatus(
        host=host,
        phase=cpb.PHASE_PENDING,
        updated_at=timestamp_of(now),
        deadline=timestamp_of(now + deadline_s),
    )


def failed(
    host: str,
    phase: Phase,
    message: str,
    reason: str,
    now: float,
    offline_since: float | None = None,
) -> cpb.HostStatus:
    status = cpb.HostStatus(
        host=host,
        phase=PHASE_TO_PB[phase],
        message=shortened(message, MESSAGE_MAX),
        reason=shortened(reason, MAX_SHORT_TEXT),
        updated_at=timestamp_of(now),
    )
    if offline_since is not None:
        status.offline_since.CopyFrom(timestamp_of(offline_since))
    return status


def from_init(outcome: HostOutcome[node_pb2.InitStoragePoolResponse], now: float) -> cpb.HostStatus:
    """A host's status after InitStoragePool; READY clears any earlier message."""
    if not outcome.ok or outcome.result is None:
        return failed(
            outcome.host,
            outcome.phase,
            outcome.message,
            outcome.reason,
            now,
            outcome.offline_since,
        )
    reply = outcome.result
    return cpb.HostStatus(
        host=outcome.host,
        phase=cpb.PHASE_READY,
        storage=_use(reply.pool),
        updated_at=timestamp_of(now),
        notes=[shortened(note, NOTE_MAX) for note in reply.notes[:MAX_NOTES]],
        stamp=common_pb2.ChangeStamp(
            boot_id=shortened(reply.stamp.boot_id, MAX_SHORT_TEXT), seq=reply.stamp.seq
        ),
    )


def _use(pool: common_pb2.HostStoragePool) -> cpb.StorageUse:
    return cpb.StorageUse(
        capacity_bytes=pool.capacity_bytes,
        allocation_bytes=pool.allocation_bytes,
        available_bytes=pool.available_bytes,
    )


def refresh(pool: pb.Pool, now: float) -> None:
    """Recompute the aggregate phase, message and capacity from the host statuses."""
    phases = [
        HostPhase(s.host, PHASE_FROM_PB.get(s.phase, Phase.ERROR), s.message)
        for s in pool.realization.hosts
    ]
    phase, message = aggregate(f"pool {pool.spec.name}", phases)
    pool.realization.phase = PHASE_TO_PB[phase]
    pool.realization.message = message
    # Shared storage looks the same from every host, and a local pool has one host: the
    # first ready host (by name, so the figure does not jump between hosts) speaks for it.
    ready = next((s for s in pool.realization.hosts if s.phase == cpb.PHASE_READY), None)
    use = ready.storage if ready else cpb.StorageUse()
    pool.capacity_bytes = use.capacity_bytes
    pool.allocation_bytes = use.allocation_bytes
    pool.available_bytes = use.available_bytes
    pool.updated_at.CopyFrom(timestamp_of(now))


# A READY host whose pool the host no longer reports running (an admin stopped or undefined it,
# or a coordinator crash lost the record of a delete): not a node's reason, the coordinator's.
REASON_NOT_RUNNING = "NOT_RUNNING"
# A node's reason when a pool of the same name and other settings exists there (node.proto).
REASON_CONFLICT = "CONFLICT"


def newer_than(status: common_pb2.ChangeStamp, listed: common_pb2.ChangeStamp) -> bool:
    """Whether a status comes from an operation a list does not include yet. Numbers compare
    within one run of the node daemon only: a list from another run (the daemon restarted) is
    taken as the newer."""
    return bool(status.boot_id) and status.boot_id == listed.boot_id and status.seq > listed.seq


def follows_reports(status: cpb.HostStatus) -> bool:
    """READY, or ERROR only because the host reported it not running: what a report decides."""
    return status.phase == cpb.PHASE_READY or (
        status.phase == cpb.PHASE_ERROR and status.reason == REASON_NOT_RUNNING
    )


def reported_status(
    status: cpb.HostStatus,
    name: str,
    reported: common_pb2.HostStoragePool | None,
    now: float,
    stamp: common_pb2.ChangeStamp,
    expected_type: str = "",
) -> cpb.HostStatus | None:
    """The host's status as its report says, or None when it is unchanged. A pool of that
    name but another libvirt type is not this pool (someone replaced it): CONFLICT, so it is
    shown as the unmanaged pool it is."""
    if reported is not None and expected_type and reported.type != expected_type:
        conflict = failed(
            status.host,
            Phase.ERROR,
            f"a pool named {name} of another type ({reported.type}) is on {status.host}: it "
            "is not this pool",
            REASON_CONFLICT,
            now,
        )
        conflict.stamp.CopyFrom(stamp)
        return conflict
    running = reported is not None and reported.state == common_pb2.STORAGE_POOL_STATE_RUNNING
    if running:
        assert reported is not None
        if status.phase == cpb.PHASE_READY and status.storage == _use(reported):
            return None
        fresh = cpb.HostStatus(
            host=status.host,
            phase=cpb.PHASE_READY,
            storage=_use(reported),
            updated_at=timestamp_of(now),
            notes=list(status.notes),
            stamp=stamp,
        )
        return fresh
    if reported is None:
        message = f"pool {name} is not defined on {status.host} any more: retry to initialize it"
    else:
        known = reported.state in common_pb2.StoragePoolState.values()
        state = (
            common_pb2.StoragePoolState.Name(reported.state)
            .removeprefix("STORAGE_POOL_STATE_")
            .lower()
            if known
            else f"in an unknown state ({reported.state})"
        )
        message = f"pool {name} is {state} on {status.host}, not running: retry to start it"
    if status.phase == cpb.PHASE_ERROR and status.message == message:
        return None
    error = failed(status.host, Phase.ERROR, message, REASON_NOT_RUNNING, now)
    error.stamp.CopyFrom(stamp)
    error.notes.extend(status.notes)  # still true of the pool, and kept for when it runs again
    return error


def every_host(pool: pb.Pool) -> bool:
    """A shared pool created without hosts: it belongs on every host, present and future."""
    return pool.spec.backend != cpb.POOL_BACKEND_LOCAL_DIR and not pool.spec.hosts

"""An object's per-host statuses and its aggregate phase, for every kind realized on hosts.

Plain functions over any stored message that has a ``spec`` with ``name`` and ``hosts`` and a
``realization`` (``quantix.v1.Realization``): pools, networks, switches. Callers copy the stored
message, change the copy with these, and put it back through the inventory (which publishes
it on Watch).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from coordinator.realize import HostOutcome
from domain.limits import MAX_SHORT_TEXT, shortened
from domain.realization import HostPhase, Phase, aggregate
from proto.quantix.v1 import common_pb2 as cpb
from wire.pool_codec import PHASE_FROM_PB, PHASE_TO_PB
from wire.proto_time import timestamp_of

# What a node says is stored and sent to every console: bounded, however long libvirt's text
# (a mount command line with its options is a few hundred characters; 4,096 keeps any real
# error whole). A handful of notes per host is normal; 32 is already a page.
MESSAGE_MAX = 4096
NOTE_MAX = 1024
MAX_NOTES = 32

# A READY host whose object the host no longer reports running (an admin stopped or undefined
# it, or a coordinator crash lost the record of a delete): not a node's reason, the
# coordinator's.
REASON_NOT_RUNNING = "NOT_RUNNING"
# A node's reason when an object of the same name and other settings exists there.
REASON_CONFLICT = "CONFLICT"

Realized = Any  # a message with .spec (name, hosts) and .realization
M = TypeVar("M")


def copy(obj: M) -> M:
    fresh = type(obj)()  # type: ignore[call-arg]
    fresh.CopyFrom(obj)  # type: ignore[attr-defined]
    return fresh


def host_names(obj: Realized) -> list[str]:
    return [status.host for status in obj.realization.hosts]


def find(obj: Realized, host: str) -> cpb.HostStatus | None:
    return next((status for status in obj.realization.hosts if status.host == host), None)


def put_status(obj: Realized, status: cpb.HostStatus) -> None:
    """Replace the host's status, or add it; hosts stay sorted by name."""
    put_statuses(obj, [status])


def put_statuses(obj: Realized, statuses: Iterable[cpb.HostStatus]) -> None:
    new = {status.host: status for status in statuses}
    if not new:
        return
    hosts = obj.realization.hosts
    kept = [s for s in hosts if s.host not in new]
    merged = sorted([*kept, *new.values()], key=lambda s: s.host)
    del hosts[:]
    hosts.extend(merged)


def drop_hosts(obj: Realized, hosts: Iterable[str], every_host: bool) -> None:
    """Forget hosts. An object meant for every host becomes one of the hosts it keeps, so a
    host taken off it does not come back when it re-registers."""
    gone = set(hosts) & set(host_names(obj))
    if not gone:
        return
    if every_host:
        obj.spec.hosts.extend(host_names(obj))
    _keep(obj, lambda host: host not in gone)


def forget_host(obj: Realized, host: str) -> None:
    """Drop a host that no longer exists: unlike ``drop_hosts``, an object for every host stays
    one (a host of that name that registers later gets it, as any new host would)."""
    _keep(obj, lambda name: name != host)


def _keep(obj: Realized, keep: Any) -> None:
    statuses = [s for s in obj.realization.hosts if keep(s.host)]
    del obj.realization.hosts[:]
    obj.realization.hosts.extend(statuses)
    # A spec lists hosts by name (pools, networks) or as a mapping per host (a switch's NICs).
    explicit = [h for h in obj.spec.hosts if keep(h if isinstance(h, str) else h.host)]
    del obj.spec.hosts[:]
    obj.spec.hosts.extend(explicit)


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


def of_failure(outcome: HostOutcome[Any], now: float) -> cpb.HostStatus:
    """A host's status from an operation that failed there (its phase, text and reason)."""
    return failed(
        outcome.host, outcome.phase, outcome.message, outcome.reason, now, outcome.offline_since
    )


def not_ours(obj: Realized, hosts: Iterable[str], noun: str) -> dict[str, HostOutcome[Any]]:
    """The hosts where an object of that name is not this one (its init found one with other
    settings there: CONFLICT): a delete or unassign leaves them alone, as done."""
    name = obj.spec.name
    wanted = set(hosts)
    return {
        s.host: HostOutcome(
            s.host,
            Phase.READY,
            f"left alone: the {noun} named {name} on {s.host} has other settings, it is not "
            f"this {noun}",
        )
        for s in obj.realization.hosts
        if s.host in wanted and s.reason == REASON_CONFLICT
    }


def ready(host: str, now: float, notes: Iterable[str] = ()) -> cpb.HostStatus:
    """READY, which clears any earlier message; notes bounded as a node's text is."""
    return cpb.HostStatus(
        host=host,
        phase=cpb.PHASE_READY,
        updated_at=timestamp_of(now),
        notes=[shortened(note, NOTE_MAX) for note in list(notes)[:MAX_NOTES]],
    )


def refresh(obj: Realized, subject: str, now: float) -> None:
    """Recompute the aggregate phase and message from the host statuses (``subject`` names
    the object in the message: "pool nfs-a", "network lab")."""
    realization = obj.realization
    phases = [
        HostPhase(s.host, PHASE_FROM_PB.get(s.phase, Phase.ERROR), s.message)
        for s in realization.hosts
    ]
    phase, message = aggregate(subject, phases)
    realization.phase = PHASE_TO_PB[phase]
    realization.message = message
    obj.updated_at.CopyFrom(timestamp_of(now))


def newer_than(status: cpb.ChangeStamp, listed: cpb.ChangeStamp) -> bool:
    """Whether a status comes from an operation a list does not include yet. Numbers compare
    within one run of the node daemon only: a list from another run (the daemon restarted) is
    taken as the newer."""
    return bool(status.boot_id) and status.boot_id == listed.boot_id and status.seq > listed.seq


def follows_reports(status: cpb.HostStatus) -> bool:
    """READY, or ERROR only because the host reported it not running: what a report decides."""
    return status.phase == cpb.PHASE_READY or (
        status.phase == cpb.PHASE_ERROR and status.reason == REASON_NOT_RUNNING
    )

"""How the Storage page words a pool Quantix did not create (a discovered pool). Qt-free.

A discovered pool is shown as an *Unmanaged* card: its libvirt type by its readable name (an
unknown type by its raw name, never dropped), where its storage is, its hosts with libvirt's
state on each, and its capacity. Types Quantix manages can be adopted; the others stay
read-only, with the coordinator's sentence saying which types can be adopted.
"""

from __future__ import annotations

from clients import present
from console import pool_text
from domain.pool_adoption import ADOPTABLE_TYPES
from domain.pool_types import pool_type_label
from proto.quantix.v1 import common_pb2 as cpb
from proto.quantix.v1 import coordinator_pb2 as pb
from wire.pool_codec import BACKEND_TO_PB

# Not a cpb.Phase: the "phase" of a pool Quantix does not manage. Filter tabs, badges and
# tones key on it like on the phases of managed pools.
PHASE_UNMANAGED = -1
UNMANAGED_LABEL = "Unmanaged"

# libvirt's state on a host -> the pool phase whose tone its chip gets (the chip also says the
# state in words): running is fine, inactive is idle, building is under way, the rest is wrong.
_STATE_TONES: dict[int, int] = {
    cpb.STORAGE_POOL_STATE_RUNNING: cpb.PHASE_READY,
    cpb.STORAGE_POOL_STATE_INACTIVE: cpb.PHASE_OFFLINE,
    cpb.STORAGE_POOL_STATE_BUILDING: cpb.PHASE_PENDING,
    cpb.STORAGE_POOL_STATE_DEGRADED: cpb.PHASE_DEGRADED,
    cpb.STORAGE_POOL_STATE_INACCESSIBLE: cpb.PHASE_ERROR,
}

ADOPTABLE_NOTE = "Not managed by Quantix. Adopt… reads its settings from its hosts and manages it."
ADOPT_TIP = "Manage this pool with Quantix, as its hosts define it"


def type_label(pool: pb.DiscoveredPool) -> str:
    return pool_type_label(pool.type)


def backend_of(pool_type: str) -> int:
    """The backend whose icon a type gets: the one Quantix would manage it as, else none."""
    backend = ADOPTABLE_TYPES.get(pool_type)
    return BACKEND_TO_PB[backend] if backend is not None else cpb.POOL_BACKEND_UNSPECIFIED


def state_label(state: int) -> str:
    return present.pool_state_label(state)


def chip_phase(state: int) -> int:
    return _STATE_TONES.get(state, cpb.PHASE_UNSPECIFIED)


def source_text(pool: pb.DiscoveredPool) -> str:
    """Where the storage is: libvirt's source summary, else the target path."""
    return pool.source or pool.target_path or "No source or path reported"


def name_taken_note(name: str) -> str:
    return f"Cannot be adopted as {name}: Quantix already manages another pool of that name."


def note(pool: pb.DiscoveredPool, name_taken: bool = False) -> str:
    """What the detail says: how to adopt it, or why it cannot be (the coordinator's sentence
    naming the types that can, or a managed pool holding its name)."""
    if not pool.adoptable:
        return pool.not_adoptable_reason or f"{type_label(pool)} pools cannot be adopted"
    return name_taken_note(pool.name) if name_taken else ADOPTABLE_NOTE


def card_note(pool: pb.DiscoveredPool, name_taken: bool = False) -> str:
    """What the card says under its chips, in the three lines it has: how to adopt it, or that
    it is read-only (the coordinator's sentence up to where it lists the types that can be
    adopted; the detail shows the whole sentence)."""
    if pool.adoptable:
        return note(pool, name_taken)
    reason = note(pool)
    head, sep, _types = reason.partition(": ")
    return f"Read-only: {head}." if sep else reason


def hosts_summary(pool: pb.DiscoveredPool | pb.DiscoveredNetwork) -> str:
    """``On host-a and host-b``: any discovered object's hosts (pools and networks alike)."""
    hosts = sorted(h.host for h in pool.hosts)
    if not hosts:
        return "Reported by no host"
    if len(hosts) <= 3:
        return f"On {pool_text.join_names(hosts)}"
    return f"On {len(hosts)} hosts"


def measured_host(pool: pb.DiscoveredPool) -> pb.DiscoveredPoolHost | None:
    """The host whose figures the card shows: the first (by name) that reports a capacity."""
    return next(
        (h for h in sorted(pool.hosts, key=lambda h: h.host) if h.capacity_bytes),
        None,
    )


def capacity_text(pool: pb.DiscoveredPool) -> str:
    host = measured_host(pool)
    if host is not None:
        return pool_text.capacity_text(
            host.allocation_bytes, host.capacity_bytes, host.available_bytes
        )
    if any(h.state == cpb.STORAGE_POOL_STATE_RUNNING for h in pool.hosts):
        return "Capacity not reported"
    return "Capacity not reported: not running on any host"


def host_capacity_text(host: pb.DiscoveredPoolHost) -> str:
    """As the managed pools' host tables word it: ``120.0 GiB of 500.0 GiB``."""
    return present.used_of_total_text(host)


def settings_rows(pool: pb.DiscoveredPool) -> list[pool_text.SettingRow]:
    """The facts of the detail's form, as libvirt reported them (its hosts are in the table
    below it)."""
    return [
        pool_text.SettingRow("Type", f"{type_label(pool)} (libvirt type “{pool.type}”)"),
        pool_text.SettingRow("Source", pool.source or "None reported"),
        pool_text.SettingRow("Target path", pool.target_path or "None reported"),
    ]


# --- adopting ---------------------------------------------------------------------------------


def adopt_host_text(host: pb.DiscoveredPoolHost, source: str = "") -> str:
    """A host in the adopt dialog's list: ``host-b — Running``; where hosts define the pool
    differently, each says how (``host-b — Running · nas2.lab:/export/shared``)."""
    text = f"{host.host} — {state_label(host.state)}"
    return f"{text} · {source}" if source else text


def adopted_notice(name: str, hosts: list[str]) -> str:
    where = f" on {pool_text.join_names(hosts)}" if hosts else ""
    return f"Adopted {name}{where}: Quantix manages it now"

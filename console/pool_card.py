"""What a pool card shows, computed once per change of the pool (not on every repaint). Qt-free.

A grid of 2,000 cards repaints often (scrolling, hover, selection); the texts and numbers of a
card change only when its pool does, so the model computes a PoolCard on each update and the
delegate only draws it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from console import discovered_text, pool_text
from console.kit.phase_text import phase_label, plural
from console.pool_text import Usage
from proto.quantix.v1 import common_pb2 as cpb
from proto.quantix.v1 import coordinator_pb2 as pb


@dataclass(frozen=True)
class HostChip:
    host: str
    phase: int  # cpb.Phase: PENDING, READY, ERROR or OFFLINE
    label: str  # the phase in words: a chip is never told by colour alone


@dataclass(frozen=True)
class PoolCard:
    name: str
    backend: int  # common_pb2.PoolBackend
    backend_label: str
    phase: int  # cpb.Phase
    phase_label: str
    source: str
    description: str
    capacity: str
    fraction: float | None  # used / total, None when unknown
    usage: Usage
    chips: tuple[HostChip, ...]
    banner: str  # "" for a card without an error banner
    hosts_summary: str  # shown where the banner would be, on cards without one
    managed: bool = True  # False: a pool Quantix did not create (an Unmanaged card)

    @property
    def accessible_text(self) -> str:
        """What a screen reader says for the card (and what a tooltip shows)."""
        parts = [
            f"{self.name}: {self.phase_label}",
            f"{self.backend_label} {self.source}",
            self.capacity,
            self.hosts_summary,
        ]
        if self.banner:
            parts.append(self.banner)
        if not self.managed:
            parts.append(self.description)
        return ". ".join(parts)

    @property
    def tooltip(self) -> str:
        """The card in words, with every host (the card shows only the first few chips)."""
        lines = [
            f"{self.name} — {self.phase_label}",
            f"{self.backend_label}: {self.source}",
            self.capacity,
        ]
        lines += [f"{chip.host}: {chip.label}" for chip in self.chips]
        if self.banner:
            lines.append(self.banner)
        if not self.managed:
            lines.append(self.description)
        return "\n".join(lines)


# Hosts that need attention first, then the others by name: the first chips on a card are the
# ones worth seeing when not all of them fit.
_CHIP_ORDER = {
    cpb.PHASE_ERROR: 0,
    cpb.PHASE_OFFLINE: 1,
    cpb.PHASE_PENDING: 2,
    cpb.PHASE_READY: 3,
}


def _hosts_summary(pool: pb.Pool) -> str:
    total = len(pool.realization.hosts)
    if not total:
        return "No hosts yet"
    ready = sum(1 for h in pool.realization.hosts if h.phase == cpb.PHASE_READY)
    if ready == total:
        return f"Ready on {plural(total, 'host')}"
    return f"Ready on {ready} of {plural(total, 'host')}"


def card_of(pool: pb.Pool, now: float | None = None) -> PoolCard:
    """The card of ``pool`` as of ``now`` (an offline host's age is worded at that moment)."""
    now = time.time() if now is None else now
    fraction, usage = (
        pool_text.usage_of(pool.allocation_bytes, pool.capacity_bytes, pool.available_bytes)
        if pool.capacity_bytes
        else (None, Usage.UNKNOWN)
    )
    chips = tuple(
        HostChip(h.host, h.phase, phase_label(h.phase))
        for h in sorted(pool.realization.hosts, key=lambda h: (_CHIP_ORDER.get(h.phase, 1), h.host))
    )
    return PoolCard(
        name=pool.spec.name,
        backend=pool.spec.backend,
        backend_label=pool_text.backend_label(pool.spec.backend),
        phase=pool.realization.phase,
        phase_label=phase_label(pool.realization.phase),
        source=pool_text.source_summary(pool.spec),
        description=pool.spec.description,
        capacity=pool_text.pool_capacity_text(pool),
        fraction=fraction,
        usage=usage,
        chips=chips,
        banner=pool_text.banner_text(pool, now) if pool_text.needs_banner(pool) else "",
        hosts_summary=_hosts_summary(pool),
    )


def card_of_discovered(pool: pb.DiscoveredPool, name_taken: bool = False) -> PoolCard:
    """The Unmanaged card of a pool Quantix did not create: its libvirt type in words, its
    hosts with libvirt's state on each, its capacity, and how (or why not) to adopt it
    (``name_taken``: Quantix manages another pool of that name)."""
    host = discovered_text.measured_host(pool)
    fraction, usage = (
        pool_text.usage_of(host.allocation_bytes, host.capacity_bytes, host.available_bytes)
        if host is not None
        else (None, Usage.UNKNOWN)
    )
    chips = tuple(
        HostChip(
            h.host,
            discovered_text.chip_phase(h.state),
            discovered_text.state_label(h.state),
        )
        for h in sorted(pool.hosts, key=lambda h: h.host)
    )
    return PoolCard(
        name=pool.name,
        backend=discovered_text.backend_of(pool.type),
        backend_label=discovered_text.type_label(pool),
        phase=discovered_text.PHASE_UNMANAGED,
        phase_label=discovered_text.UNMANAGED_LABEL,
        source=discovered_text.source_text(pool),
        description=discovered_text.card_note(pool, name_taken),
        capacity=discovered_text.capacity_text(pool),
        fraction=fraction,
        usage=usage,
        chips=chips,
        banner="",
        hosts_summary=discovered_text.hosts_summary(pool),
        managed=False,
    )

"""What a card shows for any realized kind (pool, network, switch), computed once per change of
the object (not on every repaint). Qt-free.

A grid of 2,000 cards repaints often (scrolling, hover, selection); a card's texts and numbers
change only when its object does, so the kind's model makes a StatusCard on each update and
the delegate (console.kit.card_delegate) only draws it. The kind supplies its own words: what
it is (``kind_label``, e.g. a pool's backend), where (``source``) and a gauge (``capacity``
with its ``fraction``); the phase, host chips and hosts summary come from its Realization.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from console.kit.phase_text import phase_label, plural
from domain.capacity import Usage
from proto.quantix.v1 import common_pb2 as cpb


@dataclass(frozen=True)
class HostChip:
    host: str
    phase: int  # cpb.Phase: PENDING, READY, ERROR or OFFLINE (or a kind's own)
    label: str  # the phase in words: a chip is never told by colour alone


@dataclass(frozen=True)
class StatusCard:
    name: str
    icon: str  # the resource file of the card's icon ("pool-nfs.svg")
    kind_label: str  # what the object is: "NFS", "NAT network"
    phase: int  # cpb.Phase, or a kind's own (an unmanaged pool's)
    phase_label: str
    source: str  # where it is: "nas01:/export/vm", "10.0.0.0/24"
    description: str
    capacity: str  # the gauge in words, under its bar
    fraction: float | None  # the bar's fill, None when unknown
    usage: Usage
    chips: tuple[HostChip, ...]
    banner: str  # "" for a card without an error banner
    hosts_summary: str  # shown where the banner would be, on cards without one
    managed: bool = True  # False: found on hosts, not created by Quantix (an Unmanaged card)
    # False for a kind with nothing to measure (a network): no bar is drawn, only ``capacity``'s
    # words where it would be (cards keep one height, so the grid stays even).
    gauge: bool = True

    @property
    def accessible_text(self) -> str:
        """What a screen reader says for the card (and what a tooltip shows)."""
        parts = [
            f"{self.name}: {self.phase_label}",
            f"{self.kind_label} {self.source}",
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
            f"{self.kind_label}: {self.source}",
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


def host_chips(hosts: Iterable[cpb.HostStatus]) -> tuple[HostChip, ...]:
    """A chip per host of a Realization, failing hosts first."""
    ordered = sorted(hosts, key=lambda h: (_CHIP_ORDER.get(h.phase, 1), h.host))
    return tuple(HostChip(h.host, h.phase, phase_label(h.phase)) for h in ordered)


def ready_summary(realization: cpb.Realization) -> str:
    """``"Ready on 3 hosts"``, ``"Ready on 1 of 3 hosts"`` or ``"No hosts yet"``."""
    total = len(realization.hosts)
    if not total:
        return "No hosts yet"
    ready = sum(1 for h in realization.hosts if h.phase == cpb.PHASE_READY)
    if ready == total:
        return f"Ready on {plural(total, 'host')}"
    return f"Ready on {ready} of {plural(total, 'host')}"

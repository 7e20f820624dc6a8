"""A pool's card (console.kit.status_card) in a pool's words: its backend, source and
capacity; a discovered pool's Unmanaged card likewise. Qt-free."""

from __future__ import annotations

import time

from console import discovered_text, pool_text
from console.kit.phase_text import phase_label
from console.kit.status_card import HostChip, StatusCard, host_chips, ready_summary
from console.pool_text import Usage
from proto.quantix.v1 import coordinator_pb2 as pb


def card_of(pool: pb.Pool, now: float | None = None) -> StatusCard:
    """The card of ``pool`` as of ``now`` (an offline host's age is worded at that moment)."""
    now = time.time() if now is None else now
    fraction, usage = (
        pool_text.usage_of(pool.allocation_bytes, pool.capacity_bytes, pool.available_bytes)
        if pool.capacity_bytes
        else (None, Usage.UNKNOWN)
    )
    return StatusCard(
        name=pool.spec.name,
        icon=pool_text.backend_icon_name(pool.spec.backend),
        kind_label=pool_text.backend_label(pool.spec.backend),
        phase=pool.realization.phase,
        phase_label=phase_label(pool.realization.phase),
        source=pool_text.source_summary(pool.spec),
        description=pool.spec.description,
        capacity=pool_text.pool_capacity_text(pool),
        fraction=fraction,
        usage=usage,
        chips=host_chips(pool.realization.hosts),
        banner=pool_text.banner_text(pool, now) if pool_text.needs_banner(pool) else "",
        hosts_summary=ready_summary(pool.realization),
    )


def card_of_discovered(pool: pb.DiscoveredPool, name_taken: bool = False) -> StatusCard:
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
    return StatusCard(
        name=pool.name,
        icon=pool_text.backend_icon_name(discovered_text.backend_of(pool.type)),
        kind_label=discovered_text.type_label(pool),
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

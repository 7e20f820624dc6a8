"""Storage pools, one row each, fed by the coordinator's Watch events (OBJECT_KIND_POOL).

Batching, key -> row and per-row ``dataChanged`` come from WatchListModel. This model adds
what the Storage page reads: the pool, its precomputed card, and counts per filter tab. The
roles and tabs here are shared with DiscoveredPoolsModel (the Unmanaged cards), so one filter
proxy and one delegate show both.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from enum import Enum
from typing import Any

from PySide6.QtCore import QObject, Qt

from clients import present
from console.discovered_text import PHASE_UNMANAGED
from console.kit.card_model import CardListModel
from console.kit.status_card import StatusCard
from console.pool_card import card_of
from proto.quantix.v1 import common_pb2 as cpb
from proto.quantix.v1 import coordinator_pb2 as pb

POOL_ROLE = Qt.ItemDataRole.UserRole + 1  # the pb.Pool of the row
# The pb.DiscoveredPool of an Unmanaged card (console.models.discovered_pools_model); None on
# the cards of managed pools.
DISCOVERED_ROLE = Qt.ItemDataRole.UserRole + 6


class FilterTab(Enum):
    """The Storage page's filter tabs, in their order."""

    ALL = "All"
    READY = "Ready"
    DEGRADED = "Degraded"
    ERROR = "Error"
    PENDING = "Pending"
    UNMANAGED = "Unmanaged"  # pools Quantix did not create (DiscoveredPoolsModel)

    def accepts(self, phase: int) -> bool:
        return self is FilterTab.ALL or phase in TAB_PHASES[self]


# Which pool phases each tab shows. Deleting is work under way, like initializing: both are
# "pending" to the user, and neither is lost from view.
TAB_PHASES: dict[FilterTab, frozenset[int]] = {
    FilterTab.READY: frozenset({cpb.PHASE_READY}),
    FilterTab.DEGRADED: frozenset({cpb.PHASE_DEGRADED}),
    FilterTab.ERROR: frozenset({cpb.PHASE_ERROR}),
    FilterTab.PENDING: frozenset({cpb.PHASE_PENDING, cpb.PHASE_DELETING}),
    FilterTab.UNMANAGED: frozenset({PHASE_UNMANAGED}),
}


def phase_tab_counts(model: CardListModel[Any], search: str = "") -> dict[FilterTab, int]:
    """How many of a managed kind's cards each tab shows, among those named like ``search``
    (Unmanaged holds none of them: that tab counts a discovered model's cards)."""
    phases = model.phase_counts(search)
    counts = {tab: sum(phases[phase] for phase in TAB_PHASES[tab]) for tab in TAB_PHASES}
    counts[FilterTab.ALL] = sum(phases.values())
    return {tab: counts[tab] for tab in FilterTab}


def _name_order(pool: pb.Pool) -> tuple[str, str]:
    return (pool.spec.name.casefold(), pool.spec.name)


class PoolsModel(CardListModel[pb.Pool]):
    def __init__(
        self, parent: QObject | None = None, clock: Callable[[], float] = time.time
    ) -> None:
        # Kept in name order here rather than by the proxy (see WatchListModel): a pool's
        # name never changes, so its place does not either.
        super().__init__(
            pb.OBJECT_KIND_POOL, "pool", POOL_ROLE, parent, sort_key=_name_order, clock=clock
        )

    def make_card(self, item: pb.Pool, now: float) -> StatusCard:
        return card_of(item, now)

    def ticks(self, item: pb.Pool) -> bool:
        return present.has_ticking_text(item)

    # --- lookups --------------------------------------------------------------------------

    def pool(self, key: str) -> pb.Pool | None:
        return self.item(key)

    def managed_on(self, host: str) -> set[str]:
        """The pools Quantix manages on ``host``: assigned there, and not another pool of the
        same name that was found there (CONFLICT)."""
        return {
            pool.spec.name
            for pool in self._items
            if any(s.host == host and s.reason != "CONFLICT" for s in pool.realization.hosts)
        }

    def names(self) -> set[str]:
        return {pool.spec.name for pool in self._items}

    def tab_counts(self, search: str = "") -> dict[FilterTab, int]:
        """How many pools each tab shows, among those whose name contains ``search``."""
        return phase_tab_counts(self, search)

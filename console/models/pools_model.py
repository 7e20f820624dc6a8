"""Storage pools, one row each, fed by the coordinator's Watch events (OBJECT_KIND_POOL).

Batching, key -> row and per-row ``dataChanged`` come from WatchListModel. This model adds
what the Storage page reads: the pool, its precomputed card, and counts per filter tab. The
roles and tabs here are shared with DiscoveredPoolsModel (the Unmanaged cards), so one filter
proxy and one delegate show both.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from enum import Enum

from PySide6.QtCore import QObject, Qt, QTimer, Signal

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


def _name_order(pool: pb.Pool) -> tuple[str, str]:
    return (pool.spec.name.casefold(), pool.spec.name)


# Cards whose words change with the clock (an offline host's "3 min ago") are redrawn this often:
# the same once a second as the Hosts page, so a banner and a host row never disagree for long.
AGE_REFRESH_MS = 1000


class PoolsModel(CardListModel[pb.Pool]):
    # After the cards of pools with an offline host were worded anew (their keys).
    cards_aged = Signal(object)

    def __init__(
        self, parent: QObject | None = None, clock: Callable[[], float] = time.time
    ) -> None:
        # Kept in name order here rather than by the proxy (see WatchListModel): a pool's
        # name never changes, so its place does not either.
        super().__init__(pb.OBJECT_KIND_POOL, "pool", POOL_ROLE, parent, sort_key=_name_order)
        # Pools per phase, kept as pools change: the tab counts are read after every batch,
        # and counting 2,000 pools each time would cost more than the batch itself.
        self._phase_of: dict[str, int] = {}
        self._phase_counts: Counter[int] = Counter()
        self._clock = clock
        # Pools with an offline host: only their cards are recomputed as time passes.
        self._ticking: set[str] = set()
        self._age_timer = QTimer(self)
        self._age_timer.setInterval(AGE_REFRESH_MS)
        self._age_timer.timeout.connect(self._on_age_timer)

    # --- caches ---------------------------------------------------------------------------

    def make_card(self, item: pb.Pool) -> StatusCard:
        return card_of(item, self._clock())

    def item_replaced(self, key: str, item: pb.Pool) -> None:
        super().item_replaced(key, item)
        if present.has_ticking_text(item):
            self._ticking.add(key)
            if not self._age_timer.isActive():
                self._age_timer.start()
        else:
            self._ticking.discard(key)
        old = self._phase_of.get(key)
        if old is not None:
            self._phase_counts[old] -= 1
        self._phase_of[key] = item.realization.phase
        self._phase_counts[item.realization.phase] += 1

    def item_removed(self, key: str) -> None:
        super().item_removed(key)
        self._ticking.discard(key)
        old = self._phase_of.pop(key, None)
        if old is not None:
            self._phase_counts[old] -= 1

    def items_cleared(self) -> None:
        super().items_cleared()
        self._ticking.clear()
        self._phase_of.clear()
        self._phase_counts.clear()

    def _on_age_timer(self) -> None:
        """Recompute the cards whose banner words an age, and redraw just those."""
        if not self._ticking:
            self._age_timer.stop()
            return
        now = self._clock()
        for key in list(self._ticking):
            row = self.row_of(key)
            if row is None:
                self._ticking.discard(key)
                continue
            self._cards[key] = card_of(self._items[row], now)
            index = self.index(row, 0)
            self.dataChanged.emit(index, index)
        self.cards_aged.emit(set(self._ticking))

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
        needle = search.strip().casefold()
        phases = (
            Counter(p.realization.phase for p in self._items if needle in p.spec.name.casefold())
            if needle
            else self._phase_counts
        )
        counts = {tab: sum(phases[phase] for phase in TAB_PHASES[tab]) for tab in TAB_PHASES}
        counts[FilterTab.ALL] = sum(phases.values())
        return {tab: counts[tab] for tab in FilterTab}

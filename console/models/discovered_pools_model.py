"""Pools Quantix did not create, one row each, fed by Watch (OBJECT_KIND_DISCOVERED_POOL).

The same machinery as the managed pools (WatchListModel: batches, key -> row, name order) and
the same roles (console.models.pools_model), with a StatusCard per pool, so the Storage page shows
both models in one card view through one filter proxy and one delegate: every row here is in
the Unmanaged tab (PHASE_ROLE is PHASE_UNMANAGED). Keys are the coordinator's
(``name#<hash of type and source>``): the same name may be two cards when two hosts define it
differently.
"""

from __future__ import annotations

from PySide6.QtCore import QObject

from console.kit.card_model import CardListModel
from console.kit.status_card import StatusCard
from console.models.pools_model import DISCOVERED_ROLE, FilterTab
from console.pool_card import card_of_discovered
from proto.quantix.v1 import coordinator_pb2 as pb


def _name_order(pool: pb.DiscoveredPool) -> tuple[str, str, str]:
    return (pool.name.casefold(), pool.name, pool.key)


class DiscoveredPoolsModel(CardListModel[pb.DiscoveredPool]):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(
            pb.OBJECT_KIND_DISCOVERED_POOL,
            "discovered_pool",
            DISCOVERED_ROLE,
            parent,
            sort_key=_name_order,
        )
        # Names of the pools Quantix manages: a discovered pool of one of those names cannot
        # be adopted under it, and its card says so.
        self._taken: set[str] = set()

    def set_taken_names(self, names: set[str]) -> None:
        """The managed pools' names now; the cards whose adoptability changed are redone."""
        changed = names ^ self._taken
        self._taken = set(names)
        if not changed:
            return
        for row, item in enumerate(self._items):
            if item.name in changed:
                self._cards[self._keys[row]] = card_of_discovered(item, item.name in names)
                index = self.index(row, 0)
                self.dataChanged.emit(index, index)

    # --- caches ---------------------------------------------------------------------------

    def make_card(self, item: pb.DiscoveredPool, now: float) -> StatusCard:
        return card_of_discovered(item, item.name in self._taken)

    # --- lookups --------------------------------------------------------------------------

    def pool(self, key: str) -> pb.DiscoveredPool | None:
        return self.item(key)

    def named(self, name: str) -> list[pb.DiscoveredPool]:
        """Every discovered pool called ``name``: AdoptPool takes a name, and hosts that define
        it differently are separate pools (and cards) of that name."""
        return [pool for pool in self._items if pool.name == name]

    def tab_counts(self, search: str = "") -> dict[FilterTab, int]:
        """The same shape as PoolsModel.tab_counts: every row is Unmanaged (and in All)."""
        needle = search.strip().casefold()
        count = (
            sum(1 for p in self._items if needle in p.name.casefold())
            if needle
            else len(self._items)
        )
        counts = dict.fromkeys(FilterTab, 0)
        counts[FilterTab.ALL] = counts[FilterTab.UNMANAGED] = count
        return counts

"""A page's cards: managed and unmanaged objects are one list (the managed ones first, then
those Quantix did not create), filtered by the kit's CardFilterProxy. The Storage page's
PoolCards; the Networks page uses the same."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QConcatenateTablesProxyModel, QModelIndex, QObject

from console.kit.card_model import CardListModel
from console.models.discovered_cards import DiscoveredCardModel
from console.models.pools_model import FilterTab


class PoolCards(QConcatenateTablesProxyModel):
    """Every card: the objects Quantix manages, then those it found (each model in name
    order)."""

    def __init__(
        self,
        pools: CardListModel,
        discovered: DiscoveredCardModel,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.pools = pools
        self.discovered = discovered
        self.addSourceModel(pools)
        self.addSourceModel(discovered)

    def tab_counts(self, search: str = "") -> dict[FilterTab, int]:
        """The cards each tab shows, managed and unmanaged together."""
        managed = self.pools.tab_counts(search)  # type: ignore[attr-defined]
        found = self.discovered.tab_counts(search)
        return {tab: managed[tab] + found[tab] for tab in FilterTab}

    @property
    def is_synced(self) -> bool:
        # One Watch stream feeds both models: SYNCED reaches them together.
        return self.pools.is_synced

    def index_of(self, model: QAbstractItemModel, row: int) -> QModelIndex:
        """The card of ``model``'s ``row`` here."""
        return self.mapFromSource(model.index(row, 0))

"""The Storage page's cards: managed and unmanaged pools are one list (PoolCards: the managed
ones first, then those Quantix did not create), filtered by the kit's CardFilterProxy."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QConcatenateTablesProxyModel, QModelIndex, QObject

from console.models.discovered_pools_model import DiscoveredPoolsModel
from console.models.pools_model import PoolsModel


class PoolCards(QConcatenateTablesProxyModel):
    """Every card: the pools Quantix manages, then those it found (each model in name order)."""

    def __init__(
        self, pools: PoolsModel, discovered: DiscoveredPoolsModel, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.pools = pools
        self.discovered = discovered
        self.addSourceModel(pools)
        self.addSourceModel(discovered)

    def index_of(self, model: QAbstractItemModel, row: int) -> QModelIndex:
        """The card of ``model``'s ``row`` here."""
        return self.mapFromSource(model.index(row, 0))

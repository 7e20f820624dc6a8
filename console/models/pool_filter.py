"""The Storage page's view of the pools: one filter tab and a name search.

Pools arrive sorted by name from the models (PoolsModel and DiscoveredPoolsModel keep them in
name order, far cheaper than a proxy sorting 2,000 rows through Python), so this proxy only
filters. Managed and unmanaged pools are one list of cards (PoolCards: the managed ones first,
then those Quantix did not create), filtered here by the same roles.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import (
    QAbstractItemModel,
    QConcatenateTablesProxyModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
)

from console.models.card_list_model import PHASE_ROLE, SORT_ROLE
from console.models.discovered_pools_model import DiscoveredPoolsModel
from console.models.pools_model import FilterTab, PoolsModel


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


class PoolFilterProxy(QSortFilterProxyModel):
    def __init__(self, model: QAbstractItemModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tab = FilterTab.ALL
        self._needle = ""
        self.setSourceModel(model)
        # Re-filters a pool when it changes (a phase change moves it between tabs).
        self.setDynamicSortFilter(True)

    @property
    def tab(self) -> FilterTab:
        return self._tab

    @property
    def search(self) -> str:
        return self._needle

    def set_tab(self, tab: FilterTab) -> None:
        if tab is not self._tab:
            self._refilter(lambda: setattr(self, "_tab", tab))

    def set_search(self, text: str) -> None:
        needle = text.strip().casefold()
        if needle != self._needle:
            self._refilter(lambda: setattr(self, "_needle", needle))

    def _refilter(self, change: Callable[[], None]) -> None:
        # begin/endFilterChange since Qt 6.10 (invalidateRowsFilter is deprecated there); the
        # console supports PySide6 from 6.8, which has only invalidateRowsFilter.
        if hasattr(self, "beginFilterChange"):
            self.beginFilterChange()
            change()
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            change()
            self.invalidateRowsFilter()

    def filterAcceptsRow(
        self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex
    ) -> bool:
        index = self.sourceModel().index(source_row, 0, source_parent)
        if not self._tab.accepts(int(index.data(PHASE_ROLE))):
            return False
        return not self._needle or self._needle in str(index.data(SORT_ROLE))

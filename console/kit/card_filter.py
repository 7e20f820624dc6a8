"""A card page's view of its cards: one filter tab and a name search.

Cards arrive sorted by name from their models (kept in name order there, far cheaper than a
proxy sorting 2,000 rows through Python), so this proxy only filters, by the card model's roles
(console.kit.card_model). A page's tabs are its own (a pool page has an Unmanaged one): any
value that says which phases it ``accepts``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, Protocol, TypeVar

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
)

from console.kit.card_model import PHASE_ROLE, SORT_ROLE


class PhaseFilter(Protocol):
    def accepts(self, phase: int) -> bool: ...


TabT = TypeVar("TabT", bound=PhaseFilter)


class CardFilterProxy(QSortFilterProxyModel, Generic[TabT]):
    def __init__(self, model: QAbstractItemModel, tab: TabT, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tab = tab  # the first: the page's "All"
        self._needle = ""
        self.setSourceModel(model)
        # Re-filters a card when it changes (a phase change moves it between tabs).
        self.setDynamicSortFilter(True)

    @property
    def tab(self) -> TabT:
        return self._tab

    @property
    def search(self) -> str:
        return self._needle

    def set_tab(self, tab: TabT) -> None:
        if tab != self._tab:
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

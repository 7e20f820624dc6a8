"""Objects Quantix did not create (discovered pools, networks) as Unmanaged cards, fed by Watch.

Every row is in the Unmanaged tab (its card's phase is PHASE_UNMANAGED) and in All; a kind says
how its card is made (``card_of(item, name_taken)``). An object whose name a managed one holds
cannot be adopted under it, and its card says so (``set_taken_names``). Rows are in name order,
then key: the same name may be two cards when two hosts define it differently.
"""

from __future__ import annotations

from typing import TypeVar

from google.protobuf.message import Message
from PySide6.QtCore import QObject

from console.kit.card_model import CardListModel
from console.kit.status_card import StatusCard
from console.models.pools_model import FilterTab

M = TypeVar("M", bound=Message)


def _name_order(item: Message) -> tuple[str, str, str]:
    name = str(item.name)
    return (name.casefold(), name, str(item.key))


class DiscoveredCardModel(CardListModel[M]):
    def __init__(
        self, kind: int, field: str, object_role: int, parent: QObject | None = None
    ) -> None:
        super().__init__(kind, field, object_role, parent, sort_key=_name_order)
        # Names of the objects of this kind Quantix manages.
        self._taken: set[str] = set()

    def card_of(self, item: M, name_taken: bool) -> StatusCard:
        raise NotImplementedError

    def set_taken_names(self, names: set[str]) -> None:
        """The managed objects' names now; the cards whose adoptability changed are redone."""
        changed = names ^ self._taken
        self._taken = set(names)
        if not changed:
            return
        for row, item in enumerate(self._items):
            name = str(item.name)
            if name in changed:
                self._cards[self._keys[row]] = self.card_of(item, name in names)
                index = self.index(row, 0)
                self.dataChanged.emit(index, index)

    def make_card(self, item: M, now: float) -> StatusCard:
        return self.card_of(item, str(item.name) in self._taken)

    def named(self, name: str) -> list[M]:
        """Every discovered object called ``name``: Adopt takes a name, and hosts that define
        it differently are separate objects (and cards) of that name."""
        return [item for item in self._items if item.name == name]

    def tab_counts(self, search: str = "") -> dict[FilterTab, int]:
        """The same shape as the managed models' tab_counts: every row is Unmanaged (and in
        All)."""
        needle = search.strip().casefold()
        count = (
            sum(1 for item in self._items if needle in str(item.name).casefold())
            if needle
            else len(self._items)
        )
        counts = dict.fromkeys(FilterTab, 0)
        counts[FilterTab.ALL] = counts[FilterTab.UNMANAGED] = count
        return counts

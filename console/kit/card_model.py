"""Objects shown as cards: one StatusCard per object, computed when the object changes (never
per repaint), and every role the card view, the filter proxy and the delegate read answered
from it. Any realized kind (managed pools, discovered pools, networks) subclasses this model;
a kind says how its card is made (``make_card``) and which role returns the object itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from google.protobuf.message import Message
from PySide6.QtCore import QObject, Qt

from console.kit.status_card import StatusCard
from console.models.watch_list_model import AnyIndex, WatchListModel

M = TypeVar("M", bound=Message)

CARD_ROLE = Qt.ItemDataRole.UserRole + 3  # the StatusCard the delegate draws
PHASE_ROLE = Qt.ItemDataRole.UserRole + 4  # the card's phase, an int (what the tabs filter)
SORT_ROLE = Qt.ItemDataRole.UserRole + 5  # the name, case-folded (cards sort by name)
KEY_ROLE = Qt.ItemDataRole.UserRole + 2  # the Watch key of the row


class CardListModel(WatchListModel[M]):
    def __init__(
        self,
        kind: int,
        field: str,
        object_role: int,
        parent: QObject | None = None,
        sort_key: Callable[[M], Any] | None = None,
    ) -> None:
        super().__init__(kind, field, parent, sort_key=sort_key)
        self._object_role = object_role
        self._cards: dict[str, StatusCard] = {}

    def make_card(self, item: M) -> StatusCard:
        raise NotImplementedError

    # --- caches ---------------------------------------------------------------------------

    def item_replaced(self, key: str, item: M) -> None:
        self._cards[key] = self.make_card(item)

    def item_removed(self, key: str) -> None:
        self._cards.pop(key, None)

    def items_cleared(self) -> None:
        self._cards.clear()

    def card(self, key: str) -> StatusCard | None:
        return self._cards.get(key)

    # --- Qt model ------------------------------------------------------------------------

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._items):
            return None
        row = index.row()
        key = self._keys[row]
        card = self._cards[key]
        if role == CARD_ROLE:
            return card
        if role == Qt.ItemDataRole.DisplayRole:
            return card.name
        if role == SORT_ROLE:
            return card.name.casefold()
        if role == PHASE_ROLE:
            return card.phase
        if role == KEY_ROLE:
            return key
        if role == self._object_role:
            return self._items[row]
        if role == Qt.ItemDataRole.ToolTipRole:
            return card.tooltip
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return card.accessible_text
        return None

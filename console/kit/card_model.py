"""Objects shown as cards: one StatusCard per object, computed when the object changes (never
per repaint), and every role the card view, the filter proxy and the delegate read answered
from it. Any realized kind (managed pools, discovered pools, networks) subclasses this model;
a kind says how its card is made (``make_card``) and which role returns the object itself.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from typing import Any, TypeVar

from google.protobuf.message import Message
from PySide6.QtCore import QObject, Qt, QTimer, Signal

from console.kit.status_card import StatusCard
from console.models.watch_list_model import AnyIndex, WatchListModel

M = TypeVar("M", bound=Message)

CARD_ROLE = Qt.ItemDataRole.UserRole + 3  # the StatusCard the delegate draws
PHASE_ROLE = Qt.ItemDataRole.UserRole + 4  # the card's phase, an int (what the tabs filter)
SORT_ROLE = Qt.ItemDataRole.UserRole + 5  # the name, case-folded (cards sort by name)
KEY_ROLE = Qt.ItemDataRole.UserRole + 2  # the Watch key of the row

# Cards whose words change with the clock (an offline host's "3 min ago") are redrawn this often:
# the same once a second as the Hosts page, so a banner and a host row never disagree for long.
AGE_REFRESH_MS = 1000


class CardListModel(WatchListModel[M]):
    # After the cards whose words change with the clock were worded anew (their keys).
    cards_aged = Signal(object)

    def __init__(
        self,
        kind: int,
        field: str,
        object_role: int,
        parent: QObject | None = None,
        sort_key: Callable[[M], Any] | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(kind, field, parent, sort_key=sort_key)
        self._object_role = object_role
        self._clock = clock
        self._cards: dict[str, StatusCard] = {}
        # Cards per phase, kept as objects change: tab counts are read after every batch, and
        # counting 2,000 cards each time would cost more than the batch itself.
        self._phase_counts: Counter[int] = Counter()
        # Objects whose cards word an age: only theirs are made again as time passes.
        self._ticking: set[str] = set()
        self._age_timer = QTimer(self)
        self._age_timer.setInterval(AGE_REFRESH_MS)
        self._age_timer.timeout.connect(self._on_age_timer)

    def make_card(self, item: M, now: float) -> StatusCard:
        """The card of ``item`` with any age in it worded at ``now``."""
        raise NotImplementedError

    def ticks(self, item: M) -> bool:
        """Whether ``item``'s card words something with the clock (an offline host's age)."""
        return False

    # --- caches ---------------------------------------------------------------------------

    def item_replaced(self, key: str, item: M) -> None:
        self._forget_phase(key)
        card = self._cards[key] = self.make_card(item, self._clock())
        self._phase_counts[card.phase] += 1
        if self.ticks(item):
            self._ticking.add(key)
            if not self._age_timer.isActive():
                self._age_timer.start()
        else:
            self._ticking.discard(key)

    def item_removed(self, key: str) -> None:
        self._forget_phase(key)
        self._cards.pop(key, None)
        self._ticking.discard(key)

    def items_cleared(self) -> None:
        self._cards.clear()
        self._phase_counts.clear()
        self._ticking.clear()

    def _forget_phase(self, key: str) -> None:
        old = self._cards.get(key)
        if old is not None:
            self._phase_counts[old.phase] -= 1

    def _on_age_timer(self) -> None:
        """Make the cards that word an age again, and redraw just those."""
        if not self._ticking:
            self._age_timer.stop()
            return
        now = self._clock()
        for key in list(self._ticking):
            row = self.row_of(key)
            if row is None:
                self._ticking.discard(key)
                continue
            self._cards[key] = self.make_card(self._items[row], now)
            index = self.index(row, 0)
            self.dataChanged.emit(index, index)
        self.cards_aged.emit(set(self._ticking))

    # --- lookups --------------------------------------------------------------------------

    def card(self, key: str) -> StatusCard | None:
        return self._cards.get(key)

    def phase_counts(self, search: str = "") -> Counter[int]:
        """How many cards are in each phase, among those whose name contains ``search``."""
        needle = search.strip().casefold()
        if not needle:
            return self._phase_counts
        return Counter(c.phase for c in self._cards.values() if needle in c.name.casefold())

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

"""The grid of status cards (any realized kind): a QListView in icon mode whose cards widen to
fill each row.

Cards share one size (``setUniformItemSizes``: the view measures one card, not 2,000). The
size follows the view's width: as many columns as fit at the minimum card width, then the
spare room shared out, so the grid has no ragged gap on the right at any window size.
"""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QAbstractItemView, QListView, QWidget

from console.kit.card_delegate import StatusCardDelegate
from console.kit.card_layout import CARD_SIZE
from console.kit.list_keys import keyboard_list

# Room between cards: the view adds it on every side of each card.
CARD_SPACING = 6
# Cards never grow past this: wider ones only stretch the bars and leave text lines short.
MAX_CARD_WIDTH = 420


def card_width_for(viewport_width: int, minimum: int = CARD_SIZE.width()) -> int:
    """The card width that fills ``viewport_width`` with whole columns."""
    # The view wraps a card that would end within one spacing of the edge: keep that free.
    usable = viewport_width - 2 * CARD_SPACING - 1
    cell = minimum + 2 * CARD_SPACING
    columns = max(1, usable // cell)
    width = usable // columns - 2 * CARD_SPACING
    return max(minimum, min(width, MAX_CARD_WIDTH))


class StatusCardView(QListView):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setMovement(QListView.Movement.Static)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setWrapping(True)
        self.setFlow(QListView.Flow.LeftToRight)
        self.setUniformItemSizes(True)
        self.setSpacing(CARD_SPACING)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.verticalScrollBar().setSingleStep(24)
        self.setMouseTracking(True)  # hover borders
        keyboard_list(self)
        self.card_delegate = StatusCardDelegate(self)
        self.setItemDelegate(self.card_delegate)

    def resizeEvent(self, event: QResizeEvent) -> None:
        width = card_width_for(self.viewport().width())
        if width != self.card_delegate.card_size.width():
            self.card_delegate.card_size = QSize(width, CARD_SIZE.height())
            # The uniform size is cached by the view: lay the cards out again.
            self.scheduleDelayedItemsLayout()
        super().resizeEvent(event)

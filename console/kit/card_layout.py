"""Where each part of a status card goes, and which host chips fit. No painting here.

Every card has the same size, so the list view lays out 2,000 of them without measuring any
(``setUniformItemSizes``). The banner's place is reserved on every card: a card that gains an
error keeps its size and its neighbours do not move.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QFontMetrics

from console.kit.status_card import HostChip

# The minimum size; StatusCardView widens cards to fill each row.
CARD_SIZE = QSize(300, 194)
PADDING = 14
ICON_PX = 32
BADGE_HEIGHT = 20
BAR_HEIGHT = 6
CHIP_HEIGHT = 20
CHIP_GAP = 6
CHIP_PAD_X = 8
# The banner holds three lines: the start of the message (which host, which step) and its
# end (the underlying cause, e.g. "mount.nfs: access denied by server"); the whole text is
# one click (or Enter) away, in the detail.
BANNER_LINES = 3


@dataclass(frozen=True)
class CardGeometry:
    frame: QRect
    icon: QRect
    title: QRect  # name, left of the badge
    subtitle: QRect  # what it is and where (a pool's backend and source)
    bar: QRect
    capacity: QRect
    chips: QRect
    banner: QRect


def card_geometry(rect: QRect, line_height: int, small_line_height: int) -> CardGeometry:
    """Split one card's rectangle (the view's item rect) into its parts."""
    frame = rect.adjusted(1, 1, -1, -1)
    left = frame.left() + PADDING
    width = frame.width() - 2 * PADDING
    top = frame.top() + PADDING
    icon = QRect(left, top, ICON_PX, ICON_PX)
    text_left = icon.right() + 11
    text_width = frame.right() - PADDING - text_left + 1
    title = QRect(text_left, top - 1, text_width, max(line_height, BADGE_HEIGHT))
    subtitle = QRect(text_left, title.bottom() + 1, text_width, small_line_height)
    bar_top = max(icon.bottom(), subtitle.bottom()) + 12
    bar = QRect(left, bar_top, width, BAR_HEIGHT)
    capacity = QRect(left, bar.bottom() + 5, width, small_line_height)
    chips = QRect(left, capacity.bottom() + 8, width, CHIP_HEIGHT)
    banner_top = chips.bottom() + 10
    banner = QRect(left - 4, banner_top, width + 8, frame.bottom() - 10 - banner_top)
    return CardGeometry(frame, icon, title, subtitle, bar, capacity, chips, banner)


def chip_text(chip: HostChip) -> str:
    return f"{chip.host} · {chip.label}"


@dataclass(frozen=True)
class PlacedChip:
    rect: QRect
    text: str
    chip: HostChip | None  # None for the "+N" chip


def place_chips(
    chips: tuple[HostChip, ...], area: QRect, metrics: QFontMetrics
) -> list[PlacedChip]:
    """As many whole chips as fit from the left, then "+N" for the rest (room reserved for it).

    A first chip wider than the card is elided rather than dropped: one host is always named.
    """
    placed: list[PlacedChip] = []
    x = area.left()
    right = area.right() + 1

    def put(text: str, chip: HostChip | None) -> None:
        nonlocal x
        width = metrics.horizontalAdvance(text) + 2 * CHIP_PAD_X
        placed.append(PlacedChip(QRect(x, area.top(), width, area.height()), text, chip))
        x += width + CHIP_GAP

    for index, chip in enumerate(chips):
        text = chip_text(chip)
        rest = len(chips) - index - 1
        reserve = CHIP_GAP + metrics.horizontalAdvance(f"+{rest}") + 2 * CHIP_PAD_X if rest else 0
        if x + metrics.horizontalAdvance(text) + 2 * CHIP_PAD_X + reserve <= right:
            put(text, chip)
            continue
        if not placed:
            room = max(right - x - reserve - 2 * CHIP_PAD_X, 0)
            put(metrics.elidedText(text, Qt.TextElideMode.ElideRight, room), chip)
            if rest:
                put(f"+{rest}", None)
        else:
            put(f"+{rest + 1}", None)
        break
    return placed

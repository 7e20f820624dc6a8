"""Draws a status card of any realized kind: one delegate paints every card, so 2,000 pools
cost 2,000 rows of data, not 2,000 widgets. Only the visible cards are painted; their texts
come precomputed (console.kit.status_card), so a repaint is a handful of draw calls per card.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPen, QTextLayout
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from console.kit.card_layout import (
    BADGE_HEIGHT,
    BANNER_LINES,
    CARD_SIZE,
    CHIP_PAD_X,
    card_geometry,
    place_chips,
)
from console.kit.card_model import CARD_ROLE
from console.kit.card_style import BAR_TRACK, USAGE_FILL, USAGE_TEXT, icon_pixmap
from console.kit.phase_style import AMBER, RED, Tone, phase_tone
from console.kit.status_card import StatusCard
from proto.quantix.v1 import common_pb2 as cpb

# Card chrome, matching quantix.qss.
CARD_BACKGROUND = "#ffffff"
CARD_BORDER = "#d0d5dc"
CARD_HOVER_BORDER = "#9fb6d3"
CARD_SELECTED_BACKGROUND = "#f3f8fe"
ACCENT = "#2f6fb3"
TEXT = "#1f2328"
MUTED = "#5a6270"
RADIUS = 8.0

# Wrapped banner and footer lines kept per (text, font, width): a card's lines change only when
# its object or the card width does, while hover and scrolling repaint it many times. Room for
# every card of a 2,000-pool fleet at one width, with margin; emptied at once when full (a
# resize changes every width anyway).
WRAP_CACHE_SIZE = 5000


def banner_tone(card: StatusCard) -> Tone:
    """Red when the object is ready nowhere; amber when it is ready somewhere or still trying."""
    return RED if card.phase == cpb.PHASE_ERROR else AMBER


def wrap_lines(text: str, font: QFont, width: int, lines: int, keep_end: bool = False) -> list[str]:
    """``text`` wrapped into at most ``lines`` lines of ``width``.

    Text that does not fit is elided in the last line: at its end, or with ``keep_end`` at
    its start, so that the last line shows how the text ends. Errors name where and what
    first and the underlying cause last ("host-a: NFS mount failed: ... mount.nfs: No such
    device"): with ``keep_end`` a banner shows both.
    """
    body = " ".join(text.split())  # a multi-line message reads as one paragraph on a card
    layout = QTextLayout(body, font)
    layout.beginLayout()
    out: list[str] = []
    end = 0
    while len(out) < lines - 1 and end < len(body):
        line = layout.createLine()
        if not line.isValid():
            break
        line.setLineWidth(width)
        end = line.textStart() + line.textLength()
        out.append(body[line.textStart() : end].rstrip())
    layout.endLayout()
    rest = body[end:].strip()
    if rest:
        metrics = QFontMetrics(font)
        if keep_end and metrics.horizontalAdvance(rest) > width:
            out.append(metrics.elidedText(rest, Qt.TextElideMode.ElideLeft, width))
        else:
            out.append(metrics.elidedText(rest, Qt.TextElideMode.ElideRight, width))
    return out


def banner_text_rect(area: QRect) -> QRect:
    """Where the banner's text goes: right of its "!" marker."""
    return area.adjusted(30, 6, -8, -4)


def banner_lines(card: StatusCard, font: QFont, area: QRect) -> list[str]:
    """The lines a card's banner shows: the message's start and, elided before it, its end."""
    width = banner_text_rect(area).width()
    return wrap_lines(card.banner, font, width, BANNER_LINES, keep_end=True)


@dataclass(frozen=True)
class CardFonts:
    """The fonts of a card and their metrics, derived once per base font (not per paint)."""

    key: tuple[str, float]  # the base font's family and point size
    title: QFont
    small: QFont
    badge: QFont
    marker: QFont  # the banner's "!": the small font in bold
    title_metrics: QFontMetrics
    small_metrics: QFontMetrics
    badge_metrics: QFontMetrics


def card_fonts(base: QFont) -> CardFonts:
    size = base.pointSizeF() if base.pointSizeF() > 0 else 10.0
    title = QFont(base)
    title.setPointSizeF(size * 1.12)
    title.setBold(True)
    small = QFont(base)
    small.setPointSizeF(size * 0.9)
    badge = QFont(base)
    badge.setPointSizeF(size * 0.78)
    badge.setBold(True)
    badge.setLetterSpacing(QFont.SpacingType.PercentageSpacing, 106)
    marker = QFont(small)
    marker.setBold(True)
    return CardFonts(
        (base.family(), base.pointSizeF()),
        title,
        small,
        badge,
        marker,
        QFontMetrics(title),
        QFontMetrics(small),
        QFontMetrics(badge),
    )


class StatusCardDelegate(QStyledItemDelegate):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # Set by the view as its width changes (StatusCardView): one size for every card.
        self.card_size = QSize(CARD_SIZE)
        self._fonts: dict[tuple[str, float], CardFonts] = {}
        self._wrapped: dict[tuple[str, tuple[str, float], int, bool], list[str]] = {}

    def sizeHint(
        self, _option: QStyleOptionViewItem, _index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        return self.card_size

    def card_fonts(self, base: QFont) -> CardFonts:
        key = (base.family(), base.pointSizeF())
        if key not in self._fonts:
            self._fonts[key] = card_fonts(base)
        return self._fonts[key]

    def fonts(self, base: QFont) -> tuple[QFont, QFont, QFont]:
        """Title, small and badge fonts, derived once per base font."""
        fonts = self.card_fonts(base)
        return fonts.title, fonts.small, fonts.badge

    def wrapped(self, text: str, fonts: CardFonts, width: int, keep_end: bool) -> list[str]:
        """``wrap_lines`` in the small font, remembered (see WRAP_CACHE_SIZE)."""
        key = (text, fonts.key, width, keep_end)
        lines = self._wrapped.get(key)
        if lines is None:
            if len(self._wrapped) >= WRAP_CACHE_SIZE:
                self._wrapped.clear()
            lines = wrap_lines(text, fonts.small, width, BANNER_LINES, keep_end)
            self._wrapped[key] = lines
        return lines

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        card = index.data(CARD_ROLE)
        if not isinstance(card, StatusCard):
            return
        fonts = self.card_fonts(option.font)
        geometry = card_geometry(
            option.rect, fonts.title_metrics.height(), fonts.small_metrics.height()
        )
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        hovered = bool(option.state & QStyle.StateFlag.State_MouseOver)
        focused = bool(option.state & QStyle.StateFlag.State_HasFocus)

        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self._paint_frame(painter, geometry.frame, selected, hovered, focused)
        painter.drawPixmap(
            geometry.icon.topLeft(),
            icon_pixmap(
                card.icon,
                geometry.icon.width(),
                painter.device().devicePixelRatioF(),
                muted=not card.managed,
            ),
        )
        badge = self._paint_badge(painter, geometry.title, card, fonts)
        painter.setFont(fonts.title)
        painter.setPen(QColor(TEXT))
        title = geometry.title.adjusted(0, 0, -(badge.width() + 8), 0)
        painter.drawText(
            title,
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            fonts.title_metrics.elidedText(card.name, Qt.TextElideMode.ElideRight, title.width()),
        )
        painter.setFont(fonts.small)
        painter.setPen(QColor(MUTED))
        painter.drawText(
            geometry.subtitle,
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            fonts.small_metrics.elidedText(
                f"{card.kind_label} · {card.source}",
                Qt.TextElideMode.ElideMiddle,  # the end of a path or IQN tells cards apart
                geometry.subtitle.width(),
            ),
        )
        self._paint_capacity(painter, geometry.bar, geometry.capacity, card, fonts.small_metrics)
        self._paint_chips(painter, geometry.chips, card, fonts)
        if card.banner:
            self._paint_banner(painter, geometry.banner, card, fonts)
        else:
            self._paint_footer(painter, geometry.banner, card, fonts)
        painter.restore()

    # --- parts ----------------------------------------------------------------------------

    @staticmethod
    def _paint_frame(
        painter: QPainter, frame: QRect, selected: bool, hovered: bool, focused: bool
    ) -> None:
        rect = QRectF(frame).adjusted(0.5, 0.5, -0.5, -0.5)
        painter.setBrush(QColor(CARD_SELECTED_BACKGROUND if selected else CARD_BACKGROUND))
        if selected:
            painter.setPen(QPen(QColor(ACCENT), 2.0))
            rect = rect.adjusted(0.5, 0.5, -0.5, -0.5)
        elif hovered:
            painter.setPen(QPen(QColor(CARD_HOVER_BORDER), 1.0))
        else:
            painter.setPen(QPen(QColor(CARD_BORDER), 1.0))
        painter.drawRoundedRect(rect, RADIUS, RADIUS)
        if focused and not selected:
            # The keyboard's place when nothing is selected (after Ctrl+click): dashed.
            pen = QPen(QColor(ACCENT), 1.0, Qt.PenStyle.DashLine)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(rect.adjusted(3, 3, -3, -3), RADIUS - 2, RADIUS - 2)

    @staticmethod
    def _paint_badge(painter: QPainter, title: QRect, card: StatusCard, fonts: CardFonts) -> QRect:
        """The phase in a pill at the top right: its colour and its name in capitals."""
        tone = phase_tone(card.phase)
        text = card.phase_label.upper()
        width = fonts.badge_metrics.horizontalAdvance(text) + 16
        rect = QRect(title.right() - width + 1, title.top(), width, BADGE_HEIGHT)
        painter.setPen(QPen(QColor(tone.border), 1.0))
        painter.setBrush(QColor(tone.background))
        painter.drawRoundedRect(QRectF(rect).adjusted(0.5, 0.5, -0.5, -0.5), 10.0, 10.0)
        painter.setFont(fonts.badge)
        painter.setPen(QColor(tone.text))
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
        return rect

    @staticmethod
    def _paint_capacity(
        painter: QPainter, bar: QRect, label: QRect, card: StatusCard, metrics: QFontMetrics
    ) -> None:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(BAR_TRACK))
        radius = bar.height() / 2
        if card.gauge:
            painter.drawRoundedRect(QRectF(bar), radius, radius)
        if card.gauge and card.fraction:
            filled = QRectF(bar)
            filled.setWidth(max(bar.height(), bar.width() * card.fraction))
            painter.setBrush(QColor(USAGE_FILL[card.usage]))
            painter.drawRoundedRect(filled, radius, radius)
        painter.setPen(QColor(USAGE_TEXT[card.usage]))
        painter.drawText(
            label,
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            metrics.elidedText(card.capacity, Qt.TextElideMode.ElideRight, label.width()),
        )

    @staticmethod
    def _paint_chips(painter: QPainter, area: QRect, card: StatusCard, fonts: CardFonts) -> None:
        painter.setFont(fonts.small)
        if not card.chips:
            painter.setPen(QColor(MUTED))
            painter.drawText(area, Qt.AlignmentFlag.AlignVCenter, card.hosts_summary)
            return
        for placed in place_chips(card.chips, area, fonts.small_metrics):
            tone = phase_tone(placed.chip.phase) if placed.chip else None
            rect = QRectF(placed.rect).adjusted(0.5, 0.5, -0.5, -0.5)
            painter.setPen(QPen(QColor(tone.border if tone else "#c9ced6"), 1.0))
            painter.setBrush(QColor(tone.background if tone else "#f3f4f6"))
            painter.drawRoundedRect(rect, 4.0, 4.0)
            painter.setPen(QColor(tone.text if tone else MUTED))
            painter.drawText(
                placed.rect.adjusted(CHIP_PAD_X, 0, -CHIP_PAD_X + 1, 0),
                Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                placed.text,
            )

    def _paint_banner(
        self, painter: QPainter, area: QRect, card: StatusCard, fonts: CardFonts
    ) -> None:
        tone = banner_tone(card)
        painter.setPen(QPen(QColor(tone.border), 1.0))
        painter.setBrush(QColor(tone.background))
        painter.drawRoundedRect(QRectF(area).adjusted(0.5, 0.5, -0.5, -0.5), 5.0, 5.0)
        # A round "!" marker: a shape as well as a colour says "something is wrong".
        marker = QRectF(area.left() + 8, area.top() + 8, 14, 14)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(tone.text))
        painter.drawEllipse(marker)
        painter.setFont(fonts.marker)
        painter.setPen(QColor("#ffffff"))
        painter.drawText(marker, Qt.AlignmentFlag.AlignCenter, "!")
        painter.setFont(fonts.small)
        painter.setPen(QColor(tone.text))
        text_rect = banner_text_rect(area)
        line_height = fonts.small_metrics.lineSpacing()
        # The same lines as banner_lines(), remembered across repaints.
        lines = self.wrapped(card.banner, fonts, text_rect.width(), keep_end=True)
        for number, line in enumerate(lines):
            painter.drawText(
                QRect(
                    text_rect.left(),
                    text_rect.top() + number * line_height,
                    text_rect.width(),
                    line_height,
                ),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                line,
            )

    def _paint_footer(
        self, painter: QPainter, area: QRect, card: StatusCard, fonts: CardFonts
    ) -> None:
        """Where a healthy card has no banner: its description, or where it is set up."""
        text = card.description or card.hosts_summary
        painter.setFont(fonts.small)
        painter.setPen(QColor(MUTED))
        line_height = fonts.small_metrics.lineSpacing()
        inner = area.adjusted(4 + CHIP_PAD_X - 8, 6, -4, -4)
        for number, line in enumerate(self.wrapped(text, fonts, inner.width(), keep_end=False)):
            painter.drawText(
                QRect(inner.left(), inner.top() + number * line_height, inner.width(), line_height),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                line,
            )

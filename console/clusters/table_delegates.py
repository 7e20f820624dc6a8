"""Painted cells of the clusters table: a usage bar with its words beside it, and the HA/DRS
pills. Painted rather than widgets per cell, as the status kit's cards are; colours are the
kit's (console.kit.card_style, console.kit.phase_style), and every bar and pill has words."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from console.clusters.cluster_text import Bar
from console.clusters.clusters_model import BADGES_ROLE, BAR_ROLE
from console.kit.card_style import BAR_TRACK, USAGE_FILL, USAGE_TEXT
from console.kit.phase_style import BLUE, GREY

AnyIndex = QModelIndex | QPersistentModelIndex
BAR_WIDTH = 56  # wide enough to tell 10 % steps apart, narrow enough to leave the words room
BAR_HEIGHT = 8
GAP = 8
PILL_PAD = 6
PILL_HEIGHT = 18


class _CellDelegate(QStyledItemDelegate):
    def _background(self, painter: QPainter, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        """The row's selection and alternating colour, drawn by the style without the text."""
        plain = QStyleOptionViewItem(option)
        self.initStyleOption(plain, index)
        plain.text = ""
        widget = option.widget
        style = widget.style() if widget is not None else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, plain, painter, widget)


class BarDelegate(_CellDelegate):
    """``[■■■■□□□]  42 %``: the fill at its level's colour, the words in that level's text
    colour; an unknown figure draws only the track's words ("no usage yet")."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        bar = index.data(BAR_ROLE)
        self._background(painter, option, index)
        if not isinstance(bar, Bar):
            return
        rect = option.rect.adjusted(6, 0, -6, 0)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        track = QRectF(rect.left(), rect.center().y() - BAR_HEIGHT / 2 + 1, BAR_WIDTH, BAR_HEIGHT)
        painter.setPen(Qt.PenStyle.NoPen)
        if bar.fraction is None:
            # Nothing to measure: the words alone, with the whole cell for them.
            track.setWidth(-GAP)
        else:
            painter.setBrush(QColor(BAR_TRACK))
            painter.drawRoundedRect(track, BAR_HEIGHT / 2, BAR_HEIGHT / 2)
        if bar.fraction is not None and bar.fraction > 0:
            filled = QRectF(track)
            filled.setWidth(max(BAR_HEIGHT, BAR_WIDTH * min(1.0, bar.fraction)))
            painter.setBrush(QColor(USAGE_FILL[bar.level]))
            painter.drawRoundedRect(filled, BAR_HEIGHT / 2, BAR_HEIGHT / 2)
        text_rect = QRect(int(track.right()) + GAP, rect.top(), 0, rect.height())
        text_rect.setRight(rect.right())
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        colour = (
            option.palette.highlightedText().color() if selected else QColor(USAGE_TEXT[bar.level])
        )
        painter.setPen(colour)
        painter.setFont(option.font)
        painter.drawText(
            text_rect,
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            QFontMetrics(option.font).elidedText(
                bar.text, Qt.TextElideMode.ElideRight, text_rect.width()
            ),
        )
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: AnyIndex) -> QSize:
        bar = index.data(BAR_ROLE)
        text = bar.text if isinstance(bar, Bar) else ""
        width = BAR_WIDTH + GAP + QFontMetrics(option.font).horizontalAdvance(text) + 12
        return QSize(width, super().sizeHint(option, index).height())


class BadgesDelegate(_CellDelegate):
    """HA and DRS as pills: blue when on, grey (with "off" in the words) when not."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        badges = index.data(BADGES_ROLE)
        self._background(painter, option, index)
        if not badges:
            return
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        font = option.font
        font.setPointSizeF(max(7.0, font.pointSizeF() * 0.86))
        painter.setFont(font)
        metrics = QFontMetrics(font)
        x = option.rect.left() + 6
        top = option.rect.center().y() - PILL_HEIGHT // 2 + 1
        for text, on in badges:
            tone = BLUE if on else GREY
            width = metrics.horizontalAdvance(text) + 2 * PILL_PAD
            if x + width > option.rect.right():
                break
            pill = QRectF(x + 0.5, top + 0.5, width - 1, PILL_HEIGHT - 1)
            painter.setPen(QPen(QColor(tone.border), 1.0))
            painter.setBrush(QColor(tone.background))
            painter.drawRoundedRect(pill, PILL_HEIGHT / 2, PILL_HEIGHT / 2)
            painter.setPen(QColor(tone.text))
            painter.drawText(pill, Qt.AlignmentFlag.AlignCenter, text)
            x += width + 4
        painter.restore()


def make_delegates(parent: QWidget) -> tuple[BarDelegate, BadgesDelegate]:
    return BarDelegate(parent), BadgesDelegate(parent)

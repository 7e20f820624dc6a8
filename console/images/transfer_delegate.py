"""Draws transfers: one delegate paints every row of the transfers panel (title, where, a
progress bar, bytes / speed / time left, status), and a smaller one the Images table's
progress cells. Rows' texts come precomputed (console.images.tasks_model.TransferRow), so a
repaint is a handful of draw calls per visible row and no widget is ever made per transfer.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from console.images.images_model import PROGRESS_ROLE
from console.images.tasks_model import ROW_ROLE, TransferRow
from console.kit.card_style import BAR_TRACK
from console.kit.phase_style import phase_tone
from proto.quantix.v1 import common_pb2 as cpb

TEXT = "#1f2328"
MUTED = "#5a6270"
SELECTED_BACKGROUND = "#e3edf8"
SEPARATOR = "#e6e8ec"
# Bar fills by the row's tone: running in the accent blue of capacity bars, done green,
# failed red, cancelled grey, cancelling amber. The status words say the same in text.
BAR_FILL: dict[int, str] = {
    cpb.PHASE_PENDING: "#2f6fb3",
    cpb.PHASE_READY: "#2e8b46",
    cpb.PHASE_ERROR: "#c42b1c",
    cpb.PHASE_OFFLINE: "#8a929e",
    cpb.PHASE_DEGRADED: "#d29b00",
}

PAD_X = 10
PAD_Y = 6
LINE_GAP = 3
BAR_HEIGHT = 8
# Wide enough to show small steps of a big file, narrow enough to leave the figures beside it
# on a panel docked at the bottom of a 1280-pixel window.
BAR_WIDTH = 260
FIGURES_GAP = 12


def paint_bar(painter: QPainter, rect: QRect, fraction: float | None, tone: int) -> None:
    """A flat bar: the track, then the done part in the tone's fill (nothing when unknown)."""
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    radius = rect.height() / 2
    painter.setBrush(QColor(BAR_TRACK))
    painter.drawRoundedRect(QRectF(rect), radius, radius)
    if fraction is not None and fraction > 0:
        done = QRectF(
            rect.x(), rect.y(), max(rect.width() * fraction, rect.height()), rect.height()
        )
        painter.setBrush(QColor(BAR_FILL.get(tone, BAR_FILL[cpb.PHASE_PENDING])))
        painter.drawRoundedRect(done, radius, radius)
    painter.restore()


class TransferDelegate(QStyledItemDelegate):
    """Three lines per transfer: title and where; bar and figures; status (and this console's
    note), the status in the tone's text colour once finished."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.paints = 0  # rows painted (tests count repaints)

    def _fonts(self, option: QStyleOptionViewItem) -> tuple[QFont, QFont]:
        base = QFont(option.font)  # type: ignore[attr-defined]
        bold = QFont(base)
        bold.setBold(True)
        return base, bold

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        base, bold = self._fonts(option)
        height = QFontMetrics(bold).height() + 2 * QFontMetrics(base).height()
        return QSize(BAR_WIDTH * 2, height + 2 * LINE_GAP + 2 * PAD_Y)

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        row = index.data(ROW_ROLE)
        if not isinstance(row, TransferRow):
            return
        self.paints += 1
        rect: QRect = option.rect  # type: ignore[attr-defined]
        state = option.state  # type: ignore[attr-defined]
        painter.save()
        if state & QStyle.StateFlag.State_Selected:
            painter.fillRect(rect, QColor(SELECTED_BACKGROUND))
        painter.setPen(QPen(QColor(SEPARATOR)))
        painter.drawLine(rect.left(), rect.bottom(), rect.right(), rect.bottom())
        base, bold = self._fonts(option)
        plain_metrics, bold_metrics = QFontMetrics(base), QFontMetrics(bold)
        inner = rect.adjusted(PAD_X, PAD_Y, -PAD_X, -PAD_Y)

        # Line 1: the title, and where on the right (elided first: the title matters more).
        top = inner.top()
        line = QRect(inner.left(), top, inner.width(), bold_metrics.height())
        # A few pixels over the text's advance: elidedText elides text that fits exactly.
        where_width = min(plain_metrics.horizontalAdvance(row.where) + 4, inner.width() // 2)
        title_width = inner.width() - where_width - FIGURES_GAP
        painter.setFont(bold)
        painter.setPen(QColor(TEXT))
        painter.drawText(
            line.adjusted(0, 0, -(inner.width() - title_width), 0),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            bold_metrics.elidedText(row.title, Qt.TextElideMode.ElideMiddle, title_width),
        )
        painter.setFont(base)
        painter.setPen(QColor(MUTED))
        painter.drawText(
            line,
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
            plain_metrics.elidedText(row.where, Qt.TextElideMode.ElideMiddle, where_width),
        )

        # Line 2: the bar, then percent, bytes, speed and time left.
        top += bold_metrics.height() + LINE_GAP
        height = plain_metrics.height()
        bar_width = min(BAR_WIDTH, inner.width() // 2)
        bar = QRect(inner.left(), top + (height - BAR_HEIGHT) // 2, bar_width, BAR_HEIGHT)
        paint_bar(painter, bar, row.fraction, row.tone)
        figures = row.figures
        if row.fraction is not None and not row.finished:
            figures = f"{row.fraction * 100:.0f} %" + (f" · {figures}" if figures else "")
        elif row.fraction is None and not row.finished:
            figures = figures or "size not known yet"
        left = bar.right() + FIGURES_GAP
        painter.setPen(QColor(TEXT))
        painter.drawText(
            QRect(left, top, inner.right() - left, height),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            plain_metrics.elidedText(figures, Qt.TextElideMode.ElideRight, inner.right() - left),
        )

        # Line 3: the status (a failure's reason keeps its end: the cause is last), the note.
        top += height + LINE_GAP
        status = f"{row.status} — {row.note}" if row.note else row.status
        colour = phase_tone(row.tone).text if row.finished or row.note else MUTED
        painter.setPen(QColor(colour))
        painter.drawText(
            QRect(inner.left(), top, inner.width(), height),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            plain_metrics.elidedText(status, Qt.TextElideMode.ElideMiddle, inner.width()),
        )
        painter.restore()


class ProgressCellDelegate(QStyledItemDelegate):
    """The Images table's progress column: a bar with its percent beside it while an image's
    task moves it; the cell's plain text otherwise."""

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        fraction = index.data(PROGRESS_ROLE)
        if fraction is None:
            super().paint(painter, option, index)
            return
        # The row's background and selection as for any cell, without its text.
        self.initStyleOption(option, index)
        option.text = ""  # type: ignore[attr-defined]
        widget = option.widget  # type: ignore[attr-defined]
        style = widget.style() if widget is not None else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter, widget)
        rect: QRect = option.rect.adjusted(6, 0, -6, 0)  # type: ignore[attr-defined]
        metrics = QFontMetrics(option.font)  # type: ignore[attr-defined]
        label = f"{fraction * 100:.0f} %"
        label_width = metrics.horizontalAdvance("100 %") + 6
        bar = QRect(
            rect.left(),
            rect.center().y() - BAR_HEIGHT // 2,
            max(rect.width() - label_width, 10),
            BAR_HEIGHT,
        )
        paint_bar(painter, bar, float(fraction), cpb.PHASE_PENDING)
        painter.save()
        painter.setPen(QColor(TEXT))
        painter.drawText(
            QRect(bar.right() + 6, rect.top(), label_width, rect.height()),
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
            label,
        )
        painter.restore()

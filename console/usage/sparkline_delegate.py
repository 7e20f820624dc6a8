"""The Hosts table's usage cells: a sparkline of the last 15 minutes and the current % beside
it, painted straight from the usage store (no widget per row; a repaint reads one host's ring
per visible cell). The cell's text (the model's DisplayRole, "37 %") is what is written, so
sorting, filtering, copying and screen readers get the same figure as the eye.
"""

from __future__ import annotations

import enum

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPalette, QPen
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from console.models.hosts_model import KEY_ROLE
from console.usage.curve_paths import curve
from console.usage.usage_store import UsageStore
from console.usage.usage_text import CPU_COLOUR, MEMORY_COLOUR

PAD = 4
# Room for "100 %" in the table's font, right of the line.
TEXT_WIDTH = 44
LINE_WIDTH = 1.3
TRACK = "#eef0f3"


class Metric(enum.Enum):
    CPU = "cpu"
    MEMORY = "memory"


COLOURS = {Metric.CPU: CPU_COLOUR, Metric.MEMORY: MEMORY_COLOUR}


class SparklineDelegate(QStyledItemDelegate):
    def __init__(self, store: UsageStore, metric: Metric, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._metric = metric
        self.paints = 0  # cells painted (tests and the bench count repaints)

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        self.paints += 1
        # The item's own background, selection and focus frame, without its text.
        plain = QStyleOptionViewItem(option)
        self.initStyleOption(plain, index)
        plain.text = ""  # type: ignore[attr-defined]
        widget = plain.widget  # type: ignore[attr-defined]
        style = widget.style() if widget is not None else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, plain, painter, widget)
        cell = QRectF(option.rect)  # type: ignore[attr-defined]
        selected = bool(option.state & QStyle.StateFlag.State_Selected)  # type: ignore[attr-defined]
        palette = option.palette  # type: ignore[attr-defined]
        text_colour = palette.color(
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        )
        painter.save()
        text_rect = QRectF(cell.right() - TEXT_WIDTH - PAD, cell.top(), TEXT_WIDTH, cell.height())
        painter.setPen(text_colour)
        painter.drawText(
            text_rect, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, index.data()
        )
        line_rect = QRectF(cell.left() + PAD, cell.top() + PAD, 0, cell.height() - 2 * PAD)
        line_rect.setRight(text_rect.left() - PAD)
        view = self._store.series(str(index.data(KEY_ROLE)))
        if view is not None and line_rect.width() > 4 and line_rect.height() > 2:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(QPen(QColor(TRACK), 1))
            painter.drawLine(line_rect.bottomLeft(), line_rect.bottomRight())
            values = view.cpu if self._metric is Metric.CPU else view.memory
            path, lone = curve(values, line_rect)
            colour = QColor(COLOURS[self._metric])
            painter.setPen(QPen(colour, LINE_WIDTH))
            painter.drawPath(path)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(colour)
            for point in lone:
                painter.drawEllipse(point, 1.5, 1.5)
        painter.restore()

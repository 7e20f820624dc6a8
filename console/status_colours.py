"""Status colours for item-model data (which a style sheet cannot reach): they match the ones in
``resources/quantix.qss``. A status is never told by colour alone: every coloured dot or cell
also carries the status as text."""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QBrush, QColor, QIcon, QPainter, QPixmap

from proto.quantix.v1 import coordinator_pb2 as pb

# Text colours of node statuses (dark enough for 4.5:1 contrast on white, WCAG AA).
STATUS_COLOURS: dict[int, str] = {
    pb.NODE_STATUS_CONNECTED: "#1e7b34",  # green
    pb.NODE_STATUS_OFFLINE: "#c42b1c",  # red
    pb.NODE_STATUS_MAINTENANCE: "#3f5f86",  # slate blue
    pb.NODE_STATUS_UNSPECIFIED: "#6b6b6b",  # grey
}

# A failed or refused call (the audit log's result column): the red of an offline host.
FAILURE_COLOUR = STATUS_COLOURS[pb.NODE_STATUS_OFFLINE]

# A status dot: big enough to see at a glance, small enough for a table row.
STATUS_DOT_PX = 10


def status_colour(status: int) -> QColor:
    return QColor(STATUS_COLOURS.get(status, STATUS_COLOURS[pb.NODE_STATUS_UNSPECIFIED]))


@cache
def status_icon(status: int) -> QIcon:
    """A filled dot in the status colour (shown next to the status text, never instead of it)."""
    size = STATUS_DOT_PX
    # Drawn at 2x so that it stays round on high-DPI screens.
    pixmap = QPixmap(size * 2, size * 2)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QBrush(status_colour(status)))
    painter.drawEllipse(QPointF(size, size), size * 0.8, size * 0.8)
    painter.end()
    pixmap.setDevicePixelRatio(2.0)
    icon = QIcon(pixmap)
    # The same dot in selected rows: Qt would otherwise tint it with the selection colour,
    # and a status colour must mean the same everywhere.
    icon.addPixmap(pixmap, QIcon.Mode.Selected)
    return icon

"""The colours and icons of a realized object's phase (item-model data a style sheet cannot
reach), the same for every kind.

Colours match resources/quantix.qss. Every colour comes with text (a badge says READY, a chip
says "host-b Error"): colour is never the only sign. Text colours are dark enough for 4.5:1
contrast on their tinted backgrounds (WCAG AA).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap

from proto.quantix.v1 import common_pb2 as cpb


@dataclass(frozen=True)
class Tone:
    """A status colour in three strengths: text, tinted background, border."""

    text: str
    background: str
    border: str


GREEN = Tone("#1e6b30", "#e3f3e6", "#9fd3ab")
AMBER = Tone("#6b4a00", "#fff4ce", "#e8c660")
RED = Tone("#a3201a", "#fdecea", "#e9a8a1")
BLUE = Tone("#1c4f8c", "#e3edf8", "#a9c5e6")
GREY = Tone("#4a5260", "#eceef1", "#c9ced6")

# A phase not listed (a kind's own, such as an unmanaged pool's) is grey: neither good nor bad.
PHASE_TONES: dict[int, Tone] = {
    cpb.PHASE_READY: GREEN,
    cpb.PHASE_DEGRADED: AMBER,
    cpb.PHASE_ERROR: RED,
    cpb.PHASE_PENDING: BLUE,
    cpb.PHASE_OFFLINE: GREY,
    cpb.PHASE_DELETING: GREY,
    cpb.PHASE_UNSPECIFIED: GREY,
}


def phase_tone(phase: int) -> Tone:
    return PHASE_TONES.get(phase, GREY)


@cache
def phase_icon(phase: int) -> QIcon:
    """A dot in the phase's colour, shown next to the phase's name (never instead of it)."""
    size = 10
    pixmap = QPixmap(size * 2, size * 2)  # drawn at 2x so that it stays round on HiDPI
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(phase_tone(phase).text))
    painter.drawEllipse(QPointF(size, size), size * 0.8, size * 0.8)
    painter.end()
    pixmap.setDevicePixelRatio(2.0)
    icon = QIcon(pixmap)
    icon.addPixmap(pixmap, QIcon.Mode.Selected)  # the same colour in selected rows
    return icon

"""The colours and icons a status card draws besides its phase's (console.kit.phase_style):
its gauge (a capacity bar) and its icon, for any realized kind.

Colours match resources/quantix.qss. A bar's colour is never the only sign: the text under it
says "nearly full" too.
"""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QByteArray, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer

from console.kit.phase_style import GREY
from console.style import read_resource
from domain.capacity import Usage

# Bar fills: the accent colour, then amber from 75 % and red from 90 %.
USAGE_FILL: dict[Usage, str] = {
    Usage.NORMAL: "#2f6fb3",
    Usage.WARNING: "#d29b00",
    Usage.CRITICAL: "#c42b1c",
    Usage.UNKNOWN: "#c9ced6",
}
USAGE_TEXT: dict[Usage, str] = {
    Usage.NORMAL: "#3d444d",
    Usage.WARNING: "#6b4a00",
    Usage.CRITICAL: "#a3201a",
    Usage.UNKNOWN: "#6b7380",
}
BAR_TRACK = "#e6e8ec"


@cache
def icon_pixmap(name: str, size: int, ratio: float = 1.0, muted: bool = False) -> QPixmap:
    """The SVG resource ``name`` at ``size`` logical pixels. ``muted``: in shades of grey, for
    objects Quantix does not manage (the card's grey badge says so in words too)."""
    pixels = max(1, round(size * ratio))
    pixmap = QPixmap(pixels, pixels)
    pixmap.fill(Qt.GlobalColor.transparent)
    # Rendered at the target size (not a 24 px bitmap scaled up), so it stays sharp.
    renderer = QSvgRenderer(QByteArray(read_resource(name)))
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    if renderer.isValid():
        renderer.render(painter)
    else:  # a broken file: a plain tile, so that the card's layout still holds
        painter.fillRect(pixmap.rect(), QColor(GREY.border))
    painter.end()
    if muted:
        pixmap = _greyed(pixmap)
    pixmap.setDevicePixelRatio(ratio)
    return pixmap


def _greyed(pixmap: QPixmap) -> QPixmap:
    """``pixmap`` in grey, lighter than the original, transparency kept. Per pixel, but only
    once per size (icon_pixmap is cached) on a few dozen pixels square."""
    image = pixmap.toImage().convertToFormat(QImage.Format.Format_ARGB32)
    for y in range(image.height()):
        for x in range(image.width()):
            colour = image.pixelColor(x, y)
            if colour.alpha() == 0:
                continue
            grey = round(0.3 * colour.red() + 0.59 * colour.green() + 0.11 * colour.blue())
            light = min(255, round(grey * 0.75 + 255 * 0.25))
            image.setPixelColor(x, y, QColor(light, light, light, colour.alpha()))
    return QPixmap.fromImage(image)

"""``python packaging/render_icon.py OUT.ico|OUT.icns``: the app icon for Windows or macOS,
rendered from resources/quantix.svg by Qt (offscreen) and written by Pillow.

Linux needs none of this (the .desktop file names the SVG); the Windows and macOS recipes run
it before PyInstaller, whose spec picks build/icon/quantix.ico or .icns up.
"""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

# Icon sizes Windows and macOS ask for, up to the largest both formats hold.
SIZE_PX = 256


def main(out: Path) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PIL import Image
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    app = QGuiApplication([])  # noqa: F841  (Qt's painting needs one)
    svg = (Path(__file__).resolve().parents[1] / "resources" / "quantix.svg").read_bytes()
    image = QImage(SIZE_PX, SIZE_PX, QImage.Format.Format_ARGB32)
    image.fill(0)
    painter = QPainter(image)
    QSvgRenderer(QByteArray(svg)).render(painter)
    painter.end()
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    Image.open(io.BytesIO(bytes(buffer.data()))).save(out)
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))

"""The Storage page's icons: a pool backend's (item-model data a style sheet cannot reach).
Phase colours are the status kit's (console.kit.phase_style), gauge colours and icon drawing
its cards' (console.kit.card_style)."""

from __future__ import annotations

from PySide6.QtGui import QPixmap

from console.kit.card_style import icon_pixmap
from console.pool_text import backend_icon_name


def backend_pixmap(backend: int, size: int, ratio: float = 1.0, muted: bool = False) -> QPixmap:
    """The backend's icon at ``size`` logical pixels; an unknown backend gets the local one's
    shape rather than nothing. ``muted``: in grey, for pools Quantix does not manage."""
    return icon_pixmap(backend_icon_name(backend), size, ratio, muted)

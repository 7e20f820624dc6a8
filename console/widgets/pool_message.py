"""The pool's message in the detail: an ErrorView (full text, selectable, Copy) that grows
with its text up to a height, then scrolls, in red or amber like the card's banner."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QLabel, QScrollArea, QSizePolicy, QStyle, QWidget

from console.style import set_state_property
from console.widgets.error_view import ErrorView

# A message listing the errors of twenty hosts must not push the per-host table off the
# panel: past this height it scrolls.
MESSAGE_MAX_HEIGHT = 220


class MessageArea(QScrollArea):
    """Holds an ErrorView: as tall as its text up to MESSAGE_MAX_HEIGHT, then it scrolls, so
    the whole text stays readable and selectable whatever its length."""

    def __init__(self, view: ErrorView, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("messageArea")
        self.setWidget(view)
        self.setWidgetResizable(True)
        self.setFrameShape(QScrollArea.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)

    def _content_height(self) -> int:
        view = self.widget()
        width = self.viewport().width()
        if view.hasHeightForWidth() and width > 0:
            return view.heightForWidth(width)
        return view.sizeHint().height()

    def sizeHint(self) -> QSize:
        return QSize(super().sizeHint().width(), min(self._content_height(), MESSAGE_MAX_HEIGHT))

    def minimumSizeHint(self) -> QSize:
        return QSize(0, min(self._content_height(), MESSAGE_MAX_HEIGHT))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.updateGeometry()  # wrapped text: a new width is a new height


def set_tone(view: ErrorView, warning: bool) -> None:
    """Amber for a pool that works somewhere (degraded, still trying), red for one that works
    nowhere: the colours of its card's banner (quantix.qss: QFrame#errorView[tone=...])."""
    set_state_property(view, "tone", "warning" if warning else "error")
    icon = view.findChild(QLabel, "errorIcon")
    if icon is not None:
        style = view.style()
        size = style.pixelMetric(QStyle.PixelMetric.PM_SmallIconSize)
        which = (
            QStyle.StandardPixmap.SP_MessageBoxWarning
            if warning
            else QStyle.StandardPixmap.SP_MessageBoxCritical
        )
        icon.setPixmap(style.standardIcon(which).pixmap(size))

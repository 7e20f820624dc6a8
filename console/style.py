"""The console's look: the style sheet and the app icon from the ``resources`` package.

Applied before the main window shows, so nothing here imports the stubs or renders more than it
must; the status colours of item-model data are in console.status_colours.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

from PySide6.QtCore import QByteArray, Qt
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import QApplication, QWidget

RESOURCE_PACKAGE = "resources"
STYLE_SHEET = "quantix.qss"
APP_ICON = "quantix.svg"


def read_resource(name: str) -> bytes:
    return resources.files(RESOURCE_PACKAGE).joinpath(name).read_bytes()


def load_style_sheet() -> str:
    return read_resource(STYLE_SHEET).decode("utf-8")


@cache
def app_icon() -> QIcon:
    """The app icon at the sizes window managers ask for, scaled from one rendering of the SVG
    (it is set before the window shows: rendering it once per size cost more than the rest
    of the style)."""
    rendered = QPixmap()
    rendered.loadFromData(QByteArray(read_resource(APP_ICON)), "SVG")
    icon = QIcon()
    if rendered.isNull():
        return icon
    for size in (16, 24, 32, 48, 64, 128, 256):
        icon.addPixmap(
            rendered.scaled(
                size,
                size,
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
        )
    return icon


def apply_style(app: QApplication) -> None:
    app.setStyle("Fusion")  # the same look on every desktop; the style sheet builds on it
    app.setStyleSheet(load_style_sheet())
    app.setWindowIcon(app_icon())


def set_state_property(widget: QWidget, name: str, value: str) -> None:
    """Set a dynamic property that the style sheet matches on, and re-apply the style."""
    if widget.property(name) == value:
        return
    widget.setProperty(name, value)
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)
    widget.update()

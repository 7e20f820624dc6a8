"""The Images page, its Watch-fed models (images, tasks) and the transfers panel, registered.

The transfer driver is made with the page and lives as long as the window (pages are never
destroyed), so transfers go on whichever page is shown. The transfers panel is a dock of the
window, reachable from every page through View › Transfers (Ctrl+Shift+T).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from console.images.images_model import ImagesModel
from console.images.images_page import ImagesPage
from console.images.tasks_model import TasksModel
from console.images.transfers import TransferManager
from console.images.transfers_panel import TransfersDock, TransfersPanel
from console.kit.pages import ActionSpec, PageContext, PageRegistry, PageSpec, Shell, WatchModelSpec
from console.models.pools_model import PoolsModel
from proto.quantix.v1 import coordinator_pb2 as pb

TRANSFERS_SHORTCUT = "Ctrl+Shift+T"
DOCK_HEIGHT = 250


def make_page(context: PageContext) -> QWidget:
    tasks = context.model("tasks", TasksModel)
    transfers = TransferManager(context.endpoint, tasks, context.window)
    page = ImagesPage(
        context.model("images", ImagesModel),
        tasks,
        context.model("pools", PoolsModel),
        context.endpoint,
        transfers,
        context.window,
    )
    dock = TransfersDock(TransfersPanel(tasks, transfers), context.window)
    context.window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
    # Four transfers' rows: enough to follow them, leaving the page most of the window.
    context.window.resizeDocks([dock], [DOCK_HEIGHT], Qt.Orientation.Vertical)
    dock.hide()
    return page


def toggle_transfers(shell: Shell) -> None:
    dock = shell.findChild(TransfersDock) if isinstance(shell, QWidget) else None
    if dock is not None:
        dock.toggle()


def register(registry: PageRegistry) -> None:
    registry.add_model(WatchModelSpec("tasks", (pb.OBJECT_KIND_TASK,), TasksModel))
    registry.add_model(WatchModelSpec("images", (pb.OBJECT_KIND_IMAGE,), ImagesModel))
    registry.add_page(PageSpec("images", "Images", 40, "Ctrl+4", make_page))
    registry.add_action(
        ActionSpec("view.transfers", "&Transfers", "&View", toggle_transfers, TRANSFERS_SHORTCUT)
    )

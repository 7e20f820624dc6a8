"""The Images page, its Watch-fed models (images, tasks) and the transfers panel, registered.

The transfer driver is made with the page and lives as long as the window (pages are never
destroyed), so transfers go on whichever page is shown. The transfers panel is a dock of the
window, reachable from every page through View › Transfers (Ctrl+Shift+T): the page is built on
its first visit, so the command builds it (through the window's ``page``) when it is not yet.

Modules are imported by the factories (see console.hosts.feature).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QWidget

from console.kit import watch_kinds
from console.kit.pages import (
    ActionSpec,
    PageContext,
    PageRegistry,
    PageSpec,
    Shell,
    WatchFed,
    WatchModelSpec,
)

PAGE_KEY = "images"
TRANSFERS_SHORTCUT = "Ctrl+Shift+T"
DOCK_HEIGHT = 250


def make_tasks_model(parent: QObject) -> WatchFed:
    from console.images.tasks_model import TasksModel

    return TasksModel(parent)


def make_images_model(parent: QObject) -> WatchFed:
    from console.images.images_model import ImagesModel

    return ImagesModel(parent)


def make_page(context: PageContext) -> QWidget:
    from console.images.images_model import ImagesModel
    from console.images.images_page import ImagesPage
    from console.images.tasks_model import TasksModel
    from console.images.transfers import TransferManager
    from console.images.transfers_panel import TransfersDock, TransfersPanel
    from console.models.pools_model import PoolsModel

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
    from console.images.transfers_panel import TransfersDock

    shell.page(PAGE_KEY)  # the dock comes with the page: built now if it was not yet
    dock = shell.findChild(TransfersDock) if isinstance(shell, QWidget) else None
    if dock is not None:
        dock.toggle()


def register(registry: PageRegistry) -> None:
    registry.add_model(WatchModelSpec("tasks", (watch_kinds.OBJECT_KIND_TASK,), make_tasks_model))
    registry.add_model(
        WatchModelSpec("images", (watch_kinds.OBJECT_KIND_IMAGE,), make_images_model)
    )
    registry.add_page(PageSpec(PAGE_KEY, "Images", 40, "Ctrl+4", make_page))
    registry.add_action(
        ActionSpec("view.transfers", "&Transfers", "&View", toggle_transfers, TRANSFERS_SHORTCUT)
    )

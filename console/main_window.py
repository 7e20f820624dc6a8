"""The main window: a sidebar of pages, the pages, menus and the connection status bar.

It owns the pieces that live as long as the window: the Watch bridge, the hosts, pools and
discovered pools models (one Watch stream feeds them all, routed by object kind), the token
store and, with
``--demo``, the demo fleet. Closing the window stops all of them first (the Watch stream, any
host-detail or pool read, pool dialogs, the demo fleet's processes), then ``closed`` is set.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QWidget,
)

from clients.channels import Endpoint
from console.demo import DemoFleet
from console.dialogs.connect_dialog import ConnectDialog
from console.identity_store import IdentityStore
from console.models.audit_model import AuditModel
from console.models.discovered_pools_model import DiscoveredPoolsModel
from console.models.hosts_model import HostsModel
from console.models.pools_model import PoolsModel
from console.pages.audit_page import AuditPage
from console.pages.hosts_page import HostsPage
from console.pages.placeholder_page import PlaceholderPage
from console.pages.storage_page import StoragePage
from console.settings import ConsoleSettings
from console.style import app_icon
from console.watch import ConnectionState, Phase
from console.watch_bridge import WatchBridge
from console.widgets.connection_status import ConnectionStatus
from domain.errors import ValidationError
from domain.validation import validate_address
from proto.quantix.v1 import coordinator_pb2 as pb

log = logging.getLogger(__name__)

APP_TITLE = "Quantix"


@dataclass(frozen=True)
class PageInfo:
    key: str
    title: str
    placeholder: str  # "" for a page that exists


PAGES: tuple[PageInfo, ...] = (
    PageInfo("hosts", "Hosts", ""),
    PageInfo(
        "clusters",
        "Clusters",
        "Clusters of hosts that share storage and networks, with their settings and the "
        "health of every member, will appear here.",
    ),
    PageInfo("storage", "Storage", ""),
    PageInfo(
        "images",
        "Images",
        "ISO images, cloud images and OVA templates, with upload and download progress, "
        "will appear here.",
    ),
    PageInfo(
        "networks",
        "Networks",
        "Virtual networks and switches, with their per-host state, will appear here.",
    ),
    PageInfo("audit", "Audit", ""),
)


class MainWindow(QMainWindow):
    def __init__(
        self,
        settings: ConsoleSettings | None = None,
        identities: IdentityStore | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.setWindowTitle(APP_TITLE)
        self.setWindowIcon(app_icon())
        self.resize(QSize(1200, 760))
        self.settings = settings or ConsoleSettings()
        self.identities = identities or IdentityStore()
        self.demo: DemoFleet | None = None
        self.connect_dialog: ConnectDialog | None = None
        self.closed = asyncio.get_running_loop().create_future()
        # Window-lifetime tasks (demo start, shutdown): held because qasync holds them weakly.
        self._tasks: set[asyncio.Task[None]] = set()
        self._closing = False
        self._close_allowed = False

        self.model = HostsModel(self)
        self.pools_model = PoolsModel(self)
        self.discovered_model = DiscoveredPoolsModel(self)  # pools Quantix did not create
        self.audit_model = AuditModel(self)
        self.watch = WatchBridge(self)
        self.watch.event_received.connect(self._on_watch_event)
        self.watch.state_changed.connect(self._on_connection_state_changed)

        self.sidebar = QListWidget(self)
        self.sidebar.setObjectName("sidebar")
        self.sidebar.setAccessibleName("Pages")
        self.sidebar.setFixedWidth(176)
        self.sidebar.setIconSize(QSize(18, 18))
        self.stack = QStackedWidget(self)
        self.page_actions: list[QAction] = []
        self.hosts_page = HostsPage(
            self.model, self, self.pools_model.managed_on, endpoint=self._endpoint
        )
        self.hosts_page.notice.connect(self._on_page_notice)
        self.storage_page = StoragePage(
            self.pools_model, self.model, self._endpoint, self, discovered=self.discovered_model
        )
        self.storage_page.notice.connect(self._on_page_notice)
        self.audit_page = AuditPage(self.audit_model, self, self._endpoint)
        built: dict[str, QWidget] = {
            "hosts": self.hosts_page,
            "storage": self.storage_page,
            "audit": self.audit_page,
        }
        self.pages: list[QWidget] = []
        for number, info in enumerate(PAGES, start=1):
            page: QWidget = built.get(info.key) or PlaceholderPage(
                info.title, info.placeholder, self
            )
            page.setProperty("pageKey", info.key)
            self.pages.append(page)
            self.stack.addWidget(page)
            item = QListWidgetItem(info.title, self.sidebar)
            item.setToolTip(f"{info.title} (Ctrl+{number})")
            item.setSizeHint(QSize(0, 34))
        self.sidebar.currentRowChanged.connect(self._on_sidebar_row_changed)

        central = QWidget(self)
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.sidebar)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        self.connection_status = ConnectionStatus(self)
        self.statusBar().addWidget(self.connection_status, 1)
        self.statusBar().setSizeGripEnabled(True)

        self._build_actions()
        self.setTabOrder(self.sidebar, self.hosts_page.filter_edit)
        self.sidebar.setCurrentRow(0)

    # --- menus and shortcuts --------------------------------------------------------------

    def _build_actions(self) -> None:
        menu_bar = self.menuBar()
        file_menu = menu_bar.addMenu("&File")
        self.connect_action = QAction("&Connect to Coordinator…", self)
        self.connect_action.setShortcut(QKeySequence.StandardKey.Open)  # Ctrl+O
        self.connect_action.triggered.connect(self._on_connect_triggered)
        file_menu.addAction(self.connect_action)
        file_menu.addSeparator()
        quit_action = QAction("&Quit", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        if quit_action.shortcut().isEmpty():  # not every platform defines a Quit key
            quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)

        view_menu = menu_bar.addMenu("&View")
        group = QActionGroup(self)
        for number, info in enumerate(PAGES, start=1):
            action = QAction(f"&{number} {info.title}", self)
            action.setShortcut(QKeySequence(f"Ctrl+{number}"))
            action.setCheckable(True)
            action.setData(number - 1)
            action.triggered.connect(self._on_page_action_triggered)
            group.addAction(action)
            view_menu.addAction(action)
            self.page_actions.append(action)
        view_menu.addSeparator()
        self.refresh_action = QAction("&Refresh Detail", self)
        self.refresh_action.setShortcut(QKeySequence.StandardKey.Refresh)  # F5
        if self.refresh_action.shortcut().isEmpty():
            self.refresh_action.setShortcut(QKeySequence("F5"))
        self.refresh_action.triggered.connect(self._on_refresh_triggered)
        view_menu.addAction(self.refresh_action)
        self.filter_action = QAction("&Filter or Search", self)
        self.filter_action.setShortcut(QKeySequence.StandardKey.Find)  # Ctrl+F
        self.filter_action.triggered.connect(self._on_filter_triggered)
        view_menu.addAction(self.filter_action)

        help_menu = menu_bar.addMenu("&Help")
        about_action = QAction("&About Quantix", self)
        about_action.triggered.connect(self._on_about_triggered)
        help_menu.addAction(about_action)

    # --- connecting -----------------------------------------------------------------------

    def connect_to(self, endpoint: Endpoint) -> None:
        """Show the fleet of the coordinator at ``endpoint`` (replacing any other)."""
        try:
            canonical = validate_address(endpoint.address, "coordinator address")
        except ValidationError as error:
            self.connection_status.show_error(
                str(error), "Cannot connect to the coordinator", str(error)
            )
            return
        if canonical != self.watch.address:
            self.model.clear()
            self.pools_model.clear()
            self.discovered_model.clear()
        self.watch.start(endpoint.with_address(canonical))
        self._update_title()

    def open_connect_dialog(self, address: str = "") -> ConnectDialog:
        """Open (not exec) the connect dialog; connecting happens in its finished handler."""
        if self.connect_dialog is not None:
            self.connect_dialog.raise_()
            self.connect_dialog.activateWindow()
            return self.connect_dialog
        dialog = ConnectDialog(self.settings, self.identities, self, address or self.watch.address)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(self._on_connect_dialog_finished)
        self.connect_dialog = dialog
        dialog.open()
        return dialog

    def start_demo(self) -> None:
        """Start the demo fleet (in the background) and connect to it once it serves."""
        self.connection_status.show_busy(
            "Starting demo fleet… (a coordinator and three simulated hosts on this machine)"
        )
        self._run(self._start_demo())

    async def _start_demo(self) -> None:
        try:
            demo = await DemoFleet.start()
        except asyncio.CancelledError:
            raise
        except Exception as error:
            log.exception("demo fleet failed to start")
            detail = f"{type(error).__name__}: {error}"
            self.connection_status.show_error(
                f"The demo fleet could not start — {detail}",
                "The demo fleet could not start",
                detail,
            )
            return
        if self._closing:
            await demo.stop()
            return
        self.demo = demo
        self.connect_to(demo.coordinator_endpoint())

    # --- handlers -------------------------------------------------------------------------

    def _endpoint(self) -> Endpoint | None:
        """The coordinator the window shows (pool actions go there), None when none."""
        return self.watch.endpoint

    def _on_watch_event(self, event: pb.WatchEvent) -> None:
        """One stream, four models: nodes to the hosts model, pools to the pools model,
        discovered pools and audit entries to theirs; RESET and SYNCED (no kind) concern
        every one."""
        if event.kind in (pb.OBJECT_KIND_NODE, pb.OBJECT_KIND_UNSPECIFIED):
            self.model.apply_event(event)
        if event.kind in (pb.OBJECT_KIND_POOL, pb.OBJECT_KIND_UNSPECIFIED):
            self.pools_model.apply_event(event)
        if event.kind in (pb.OBJECT_KIND_DISCOVERED_POOL, pb.OBJECT_KIND_UNSPECIFIED):
            self.discovered_model.apply_event(event)
        if event.kind in (pb.OBJECT_KIND_AUDIT_ENTRY, pb.OBJECT_KIND_UNSPECIFIED):
            self.audit_model.apply_event(event)

    def _on_page_notice(self, text: str) -> None:
        self.statusBar().showMessage(text, 10_000)

    def _on_connection_state_changed(self, state: ConnectionState) -> None:
        if self._closing and state.phase is not Phase.IDLE:
            return
        self.connection_status.show_connection(state)
        self.hosts_page.set_connection_state(state)
        self.storage_page.set_connection_state(state)
        self.audit_page.set_connection_state(state)
        self._update_title()

    def _on_connect_triggered(self) -> None:
        self.open_connect_dialog()

    def _on_connect_dialog_finished(self, result: int) -> None:
        dialog = self.connect_dialog
        self.connect_dialog = None
        if dialog is None or result != ConnectDialog.DialogCode.Accepted:
            return
        endpoint = dialog.endpoint()
        if endpoint is None:
            return
        self.connect_to(endpoint)
        status = dialog.keyring_status
        if status is not None and not status.available:
            self.statusBar().showMessage(
                "Your identity is kept for this session only: " + status.problem, 15_000
            )

    def _on_sidebar_row_changed(self, row: int) -> None:
        if 0 <= row < len(self.pages):
            self.stack.setCurrentIndex(row)
            if row < len(self.page_actions):
                self.page_actions[row].setChecked(True)

    def _on_page_action_triggered(self) -> None:
        action = self.sender()
        if isinstance(action, QAction):
            self.show_page(int(action.data()))

    def show_page(self, row: int) -> None:
        """Switch to page ``row`` and put the keyboard focus in it."""
        self.sidebar.setCurrentRow(row)
        page = self.pages[row]
        target = getattr(page, "focus_target", None)
        widget = target() if callable(target) else page
        widget.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _on_refresh_triggered(self) -> None:
        # F5 belongs to the page on show: one window-wide key, never two competing ones.
        if self.stack.currentWidget() is self.storage_page:
            self.storage_page.refresh()
        else:
            self.hosts_page.detail.refresh()

    def _on_filter_triggered(self) -> None:
        if self.stack.currentWidget() is self.storage_page:
            self.storage_page.focus_search()
            return
        self.show_page(0)
        self.hosts_page.filter_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.hosts_page.filter_edit.selectAll()

    def _on_about_triggered(self) -> None:
        box = QMessageBox(self)
        box.setWindowTitle("About Quantix")
        box.setIconPixmap(app_icon().pixmap(64, 64))
        box.setText(
            "<b>Quantix console</b><p>Manages a small fleet of libvirt/QEMU hosts through "
            "the Quantix coordinator.</p>"
        )
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    def _update_title(self) -> None:
        address = self.watch.address
        if self.demo is not None and address == self.demo.coordinator_address:
            self.setWindowTitle(f"{APP_TITLE} — demo fleet ({address})")
        elif address:
            self.setWindowTitle(f"{APP_TITLE} — {address}")
        else:
            self.setWindowTitle(APP_TITLE)

    # --- shutdown -------------------------------------------------------------------------

    def _run(self, coroutine: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._close_allowed:
            event.accept()
            return
        # Stop the stream, reads and demo processes first; the window closes when that is done.
        event.ignore()
        if not self._closing:
            self._closing = True
            self._run(self._shut_down())

    async def _shut_down(self) -> None:
        try:
            if self.connect_dialog is not None:
                self.connect_dialog.reject()
            # A demo still starting stops its own processes when cancelled: wait for that.
            others = [task for task in self._tasks if task is not asyncio.current_task()]
            for task in others:
                task.cancel()
            await asyncio.gather(*others, return_exceptions=True)
            await self.watch.stop()
            await self.hosts_page.stop()
            await self.storage_page.stop()
            if self.demo is not None:
                self.connection_status.show_busy("Stopping demo fleet…")
                demo, self.demo = self.demo, None
                await demo.stop()
        except Exception:
            log.exception("clean shutdown failed")
        finally:
            self._close_allowed = True
            self.close()
            if not self.closed.done():
                self.closed.set_result(None)

    async def wait_closed(self) -> None:
        await asyncio.shield(self.closed)

    def shut_down(self) -> None:
        """Close as if the user closed the window (SIGINT, SIGTERM)."""
        self.close()

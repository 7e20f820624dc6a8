"""The main window: a sidebar of pages, the pages, menus and the connection status bar.

Pages, the Watch-fed models they read and the View menu's commands come from the page registry
(console.kit.pages, filled by console.features): the window builds its sidebar, stack, menus and
shortcuts from it and routes each Watch event to the models that take its kind. It owns the
pieces that live as long as the window: the Watch bridge, the models, the token store and, with
``--demo``, the demo fleet. Closing the window stops all of them first (the Watch stream, any
page's reads and dialogs, the demo fleet's processes), then ``closed`` is set.

Start-up is ordered so the window is on screen before anything slow is imported or built: the
window itself is the sidebar, menus and status bar, made from the registry alone (the features'
modules import their pages, models, gRPC and the stubs inside their factories). After its first
paint it builds the Watch-fed models and the page on show, then sets ``started``; the app
connects only then. Every other page is built on its first visit (``page(key)``, which anything
that needs a page goes through); the connect dialog and the demo fleet are imported when opened.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import QObject, QSize, Qt, QTimer
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import (
    QDockWidget,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QStackedWidget,
    QWidget,
)

from console.connection_state import ConnectionState, Phase
from console.features import build_registry
from console.identity_store import IdentityStore
from console.kit.commands import (
    COMMAND_TEXT,
    Command,
    close_keys,
    page_commands,
    window_commands,
)
from console.kit.dialog_keys import install_dialog_close_key
from console.kit.pages import ActionSpec, PageContext, PageRegistry, PageSpec, WatchFed
from console.kit.tab_order import set_reading_order
from console.settings import ConsoleSettings
from console.style import app_icon
from console.watch_bridge import WatchBridge
from console.widgets.connection_status import ConnectionStatus
from domain.errors import ValidationError
from domain.validation import validate_address

if TYPE_CHECKING:  # each imported where it is first needed, after the window shows
    from PySide6.QtGui import QCloseEvent, QPaintEvent, QShowEvent  # (types cost ~2 ms)

    from clients.channels import Endpoint
    from console.demo import DemoFleet
    from console.dialogs.connect_dialog import ConnectDialog
    from console.models.audit_model import AuditModel
    from console.models.discovered_pools_model import DiscoveredPoolsModel
    from console.models.hosts_model import HostsModel
    from console.models.pools_model import PoolsModel
    from console.pages.audit_page import AuditPage
    from console.pages.hosts_page import HostsPage
    from console.pages.storage_page import StoragePage
    from proto.quantix.v1 import coordinator_pb2 as pb

if TYPE_CHECKING:  # imported when first opened: the window shows sooner without them
    from console.kit.cheat_sheet import CheatSheet
    from console.kit.command_palette import CommandPalette
    from console.kit.palette_items import PaletteItem

log = logging.getLogger(__name__)

PageT = TypeVar("PageT", bound=QWidget)

APP_TITLE = "Quantix"
# The shown page's own commands: "Ob&ject" (Alt+J) because the pages' buttons already use
# every letter of "Actions" (Alt+A is Add host…), and a menu's mnemonic would take theirs.
FILE_MENU, VIEW_MENU, ACTIONS_MENU, HELP_MENU = "&File", "&View", "Ob&ject", "&Help"

# A window is painted within a frame or two of being mapped; one that is not (started minimized,
# on another virtual desktop) still builds its page and connects, this long after show().
FIRST_PAINT_WAIT_MS = 1000


class MainWindow(QMainWindow):
    def __init__(
        self,
        settings: ConsoleSettings | None = None,
        identities: IdentityStore | None = None,
        parent: QWidget | None = None,
        registry: PageRegistry | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.setWindowTitle(APP_TITLE)
        self.setWindowIcon(app_icon())
        self.resize(QSize(1200, 760))
        self.settings = settings or ConsoleSettings()
        self.identities = identities or IdentityStore()
        self.registry = registry if registry is not None else build_registry()
        self.demo: DemoFleet | None = None
        self.connect_dialog: ConnectDialog | None = None
        self.closed = asyncio.get_running_loop().create_future()
        # Window-lifetime tasks (demo start, shutdown): held because qasync holds them weakly.
        self._tasks: set[asyncio.Task[None]] = set()
        self._closing = False
        self._close_allowed = False
        self._close_confirmed = False  # the user chose to quit despite work under way

        # Start-up (see the module's docstring): models and pages are built after the first
        # paint, or at once when something asks for them.
        self.started = asyncio.get_running_loop().create_future()
        self._models: dict[str, QObject] | None = None
        self._context: PageContext | None = None
        self._built: dict[str, QWidget] = {}  # pages built so far, by key
        self._connection_state: ConnectionState | None = None  # the last, for pages built later
        self.watch = WatchBridge(self)
        self.watch.event_received.connect(self._on_watch_event)
        self.watch.state_changed.connect(self._on_connection_state_changed)

        self.sidebar = QListWidget(self)
        self.sidebar.setObjectName("sidebar")
        self.sidebar.setAccessibleName("Pages")
        self.sidebar.setFixedWidth(176)
        self.sidebar.setIconSize(QSize(18, 18))
        self.stack = QStackedWidget(self)  # the pages built so far
        self.page_actions: list[QAction] = []
        self.page_keys: list[str] = []
        for spec in self.registry.pages():
            self.page_keys.append(spec.key)
            item = QListWidgetItem(spec.title, self.sidebar)
            item.setToolTip(f"{spec.title} ({QKeySequence(spec.shortcut).toString()})")
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
        self.sidebar.setCurrentRow(0)  # its page is built after the first paint

    # --- pages and models by key ----------------------------------------------------------

    @property
    def models(self) -> dict[str, QObject]:
        """Every registered Watch-fed model, by key (built at the first need, which the first
        paint is at the latest: they exist before any connection)."""
        if self._models is None:
            self._models = {}
            for spec in self.registry.models():
                model = spec.factory(self)
                assert isinstance(model, QObject)
                self._models[spec.key] = model
                bind_endpoint = getattr(model, "bind_endpoint", None)
                if callable(bind_endpoint):  # a model that reads the coordinator itself
                    bind_endpoint(self._endpoint)
        return self._models

    @property
    def context(self) -> PageContext:
        if self._context is None:
            self._context = PageContext(self, self._endpoint, self.models)
        return self._context

    def page(self, key: str) -> QWidget:
        """The page registered as ``key``, built now if it has not been shown yet."""
        page = self._built.get(key)
        if page is None:
            page = self._build_page(self._page_spec(key))
        return page

    def built_pages(self) -> list[QWidget]:
        """The pages built so far, in sidebar order (a page never visited has nothing to stop,
        to ask before closing or to tell of the connection)."""
        return [self._built[key] for key in self.page_keys if key in self._built]

    def _page_spec(self, key: str) -> PageSpec:
        for spec in self.registry.pages():
            if spec.key == key:
                return spec
        raise KeyError(f"no page {key!r} is registered")

    def _build_page(self, spec: PageSpec) -> QWidget:
        page = spec.factory(self.context)
        page.setProperty("pageKey", spec.key)
        notice = getattr(page, "notice", None)
        if notice is not None:
            notice.connect(self._on_page_notice)
        set_state = getattr(page, "set_connection_state", None)
        if self._connection_state is not None and callable(set_state):
            set_state(self._connection_state)
        self._built[spec.key] = page
        self.stack.addWidget(page)
        # A page built on its first visit joins the end of the window's focus chain, after the
        # status bar: Tab goes from the sidebar into the page (in the page's own reading order),
        # then on to the status bar, the order they are read in.
        set_reading_order(self.sidebar, page)
        return page

    def current_page(self) -> QWidget:
        """The page the sidebar has selected (built now if the first paint has not come)."""
        return self.page(self.page_keys[max(self.sidebar.currentRow(), 0)])

    def default_page(self) -> QWidget:
        """The page F5 and Ctrl+F fall back to (the registry's default, else the first)."""
        for spec in self.registry.pages():
            if spec.default:
                return self.page(spec.key)
        return self.page(self.page_keys[0])

    def show_page_key(self, key: str) -> None:
        self.show_page(self.page_keys.index(key))

    # --- start-up -------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self.started.done():
            QTimer.singleShot(FIRST_PAINT_WAIT_MS, self._finish_start)

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self.started.done():
            # After this paint has reached the screen, not inside it.
            QTimer.singleShot(0, self._finish_start)

    def _finish_start(self) -> None:
        """Build the models and the page on show; then ``started`` (once)."""
        if self.started.done() or self._closing:
            return
        self.models  # noqa: B018 (built here, before any connection, if nothing asked yet)
        self.stack.setCurrentWidget(self.current_page())
        self.started.set_result(None)

    async def wait_started(self) -> None:
        """Until the window has been painted and its first page built (or it has closed)."""
        await asyncio.wait(
            [asyncio.shield(self.started), asyncio.shield(self.closed)],
            return_when=asyncio.FIRST_COMPLETED,
        )

    # Shorthands for tests, screenshots and benchmarks, which reach into these often.
    # Their classes are imported here, not at the top: see the module's docstring.
    @property
    def model(self) -> HostsModel:
        from console.models.hosts_model import HostsModel

        return self.context.model("hosts", HostsModel)

    @property
    def pools_model(self) -> PoolsModel:
        from console.models.pools_model import PoolsModel

        return self.context.model("pools", PoolsModel)

    @property
    def discovered_model(self) -> DiscoveredPoolsModel:
        from console.models.discovered_pools_model import DiscoveredPoolsModel

        return self.context.model("discovered_pools", DiscoveredPoolsModel)

    @property
    def audit_model(self) -> AuditModel:
        from console.models.audit_model import AuditModel

        return self.context.model("audit", AuditModel)

    @property
    def hosts_page(self) -> HostsPage:
        from console.pages.hosts_page import HostsPage

        return self._typed_page("hosts", HostsPage)

    @property
    def storage_page(self) -> StoragePage:
        from console.pages.storage_page import StoragePage

        return self._typed_page("storage", StoragePage)

    @property
    def audit_page(self) -> AuditPage:
        from console.pages.audit_page import AuditPage

        return self._typed_page("audit", AuditPage)

    def _typed_page(self, key: str, kind: type[PageT]) -> PageT:
        page = self.page(key)
        assert isinstance(page, kind)
        return page

    # --- menus and shortcuts --------------------------------------------------------------

    def _build_actions(self) -> None:
        menu_bar = self.menuBar()
        file_menu = menu_bar.addMenu(FILE_MENU)
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

        view_menu = menu_bar.addMenu(VIEW_MENU)
        group = QActionGroup(self)
        for number, spec in enumerate(self.registry.pages(), start=1):
            action = QAction(f"&{number} {spec.title}", self)
            action.setProperty(COMMAND_TEXT, f"Go to {spec.title}")
            action.setShortcut(QKeySequence(spec.shortcut))
            action.setCheckable(True)
            action.setData(number - 1)
            action.triggered.connect(self._on_page_action_triggered)
            group.addAction(action)
            view_menu.addAction(action)
            self.page_actions.append(action)
        view_menu.addSeparator()
        menus: dict[str, QMenu] = {FILE_MENU: file_menu, VIEW_MENU: view_menu}
        self.registered_actions: dict[str, QAction] = {}
        for spec in self.registry.actions():
            menu = menus.get(spec.menu)
            if menu is None:
                menu = menus[spec.menu] = menu_bar.addMenu(spec.menu)
            menu.addAction(self._registered_action(spec))
        view_menu.addSeparator()
        self.palette_action = QAction("Command &Palette…", self)
        self.palette_action.setShortcut(QKeySequence("Ctrl+K"))
        self.palette_action.triggered.connect(self.open_palette)
        view_menu.addAction(self.palette_action)
        self.close_detail_action = QAction("&Close Detail", self)
        self.close_detail_action.setShortcuts(close_keys())
        self.close_detail_action.triggered.connect(self._close_detail)
        view_menu.addAction(self.close_detail_action)

        # The shown page's own actions (the same QActions as its buttons and keys).
        self.actions_menu = menu_bar.addMenu(ACTIONS_MENU)
        self.actions_menu.aboutToShow.connect(self._fill_actions_menu)

        help_menu = menu_bar.addMenu(HELP_MENU)
        self.cheat_sheet_action = QAction("&Keyboard Shortcuts", self)
        self.cheat_sheet_action.setShortcuts(
            [QKeySequence(QKeySequence.StandardKey.HelpContents), QKeySequence("Ctrl+/")]
        )
        self.cheat_sheet_action.triggered.connect(self.open_cheat_sheet)
        help_menu.addAction(self.cheat_sheet_action)
        about_action = QAction("&About Quantix", self)
        about_action.triggered.connect(self._on_about_triggered)
        help_menu.addAction(about_action)
        install_dialog_close_key()

    def _registered_action(self, spec: ActionSpec) -> QAction:
        action = QAction(spec.text, self)
        action.setShortcut(spec.key_sequence())
        action.triggered.connect(lambda _checked=False, run=spec.run: run(self))
        self.registered_actions[spec.key] = action
        return action

    # --- commands: menus, palette, cheat sheet ---------------------------------------------

    def window_commands(self) -> list[Command]:
        """The window's own commands (menus), without page switches and the palette itself."""
        return [
            command
            for command in window_commands(self._menu_actions())
            if command.action is not self.palette_action and command.action not in self.page_actions
        ]

    def page_commands(self, key: str) -> list[Command]:
        """Page ``key``'s commands (built now if it was not yet)."""
        title = next(spec.title for spec in self.registry.pages() if spec.key == key)
        return page_commands(self.page(key), title)

    def commands(self) -> list[Command]:
        """Every command of the window and of every page: what the cheat sheet lists."""
        found = window_commands(self._menu_actions())
        for spec in self.registry.pages():
            found.extend(self.page_commands(spec.key))
        for dock in self.findChildren(QDockWidget):  # a page's panel beside it (Transfers)
            found.extend(page_commands(dock, dock.windowTitle()))
        return found

    def page_titles(self) -> list[tuple[str, str, str]]:
        native = QKeySequence.SequenceFormat.NativeText
        return [
            (spec.key, spec.title, QKeySequence(spec.shortcut).toString(native))
            for spec in self.registry.pages()
        ]

    def is_connected(self) -> bool:
        state = self._connection_state
        return state is not None and state.phase is Phase.CONNECTED

    def say(self, text: str) -> None:
        self.statusBar().showMessage(text, 10_000)

    def _menu_actions(self) -> list[QAction]:
        menus = [
            action.menu()
            for action in self.menuBar().actions()
            if isinstance(action.menu(), QMenu) and action.menu() is not self.actions_menu
        ]
        return [action for menu in menus for action in menu.actions() if not action.isSeparator()]

    def open_palette(self) -> CommandPalette:
        """Ctrl+K: every command and object, typed for (open(), never exec())."""
        from console.kit.command_palette import CommandPalette
        from console.kit.palette_items import palette_items

        palette = CommandPalette(palette_items(self), self.settings.recent_commands(), self)
        palette.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        palette.chosen.connect(self._on_palette_chosen)
        self.palette = palette
        palette.open()
        return palette

    def _on_palette_chosen(self, item: PaletteItem) -> None:
        from console.kit import palette_search

        recent = palette_search.remember(self.settings.recent_commands(), item.entry.key)
        self.settings.set_recent_commands(recent)
        item.run()

    def open_cheat_sheet(self) -> CheatSheet:
        from console.kit.cheat_sheet import CheatSheet

        sheet = CheatSheet(self.commands(), self)
        sheet.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.cheat_sheet = sheet
        sheet.open()
        return sheet

    def _fill_actions_menu(self) -> None:
        self.actions_menu.clear()
        page = self.current_page()
        for action in QWidget.actions(page):  # a page may name an attribute "actions"
            if action.text():
                self.actions_menu.addAction(action)
        if self.actions_menu.isEmpty():
            self.actions_menu.addAction("No actions on this page").setEnabled(False)

    def _close_detail(self) -> None:
        """Ctrl+W: close the shown page's detail (a page with one has ``close_detail()``)."""
        close = getattr(self.current_page(), "close_detail", None)
        if callable(close) and close():
            return
        self.say("Nothing to close here (Ctrl+Q quits)")

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
            for spec in self.registry.models():
                if spec.clear_on_switch:
                    self._fed(spec.key).clear()
        self.watch.start(endpoint.with_address(canonical))
        self._update_title()

    def open_connect_dialog(self, address: str = "") -> ConnectDialog:
        """Open (not exec) the connect dialog; connecting happens in its finished handler."""
        if self.connect_dialog is not None:
            self.connect_dialog.raise_()
            self.connect_dialog.activateWindow()
            return self.connect_dialog
        from console.dialogs.connect_dialog import ConnectDialog  # gRPC, keyring, cryptography

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
        from console.demo import DemoFleet

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

    def _fed(self, key: str) -> WatchFed:
        model: Any = self.models[key]
        return model  # a WatchModelSpec's factory made it: it takes Watch events

    def _on_watch_event(self, event: pb.WatchEvent) -> None:
        """One stream, every registered model: each object to the models that take its kind;
        RESET and SYNCED (no kind) concern every one."""
        for spec in self.registry.models():
            if spec.takes(event.kind):
                self._fed(spec.key).apply_event(event)

    def _on_page_notice(self, text: str) -> None:
        self.statusBar().showMessage(text, 10_000)

    def _on_connection_state_changed(self, state: ConnectionState) -> None:
        if self._closing and state.phase is not Phase.IDLE:
            return
        self._connection_state = state
        self.connection_status.show_connection(state)
        for page in self.built_pages():
            set_state = getattr(page, "set_connection_state", None)
            if callable(set_state):
                set_state(state)
        self._update_title()

    def _on_connect_triggered(self) -> None:
        self.open_connect_dialog()

    def _on_connect_dialog_finished(self, result: int) -> None:
        dialog = self.connect_dialog
        self.connect_dialog = None
        from PySide6.QtWidgets import QDialog

        if dialog is None or result != QDialog.DialogCode.Accepted:
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
        if not 0 <= row < len(self.page_keys):
            return
        if row < len(self.page_actions):
            self.page_actions[row].setChecked(True)
        # Before the first paint only a page already built is shown (the first one is built
        # right after it); from then on a row's page is built when it is first chosen.
        key = self.page_keys[row]
        if self.started.done() or key in self._built:
            self.stack.setCurrentWidget(self.page(key))

    def _on_page_action_triggered(self) -> None:
        action = self.sender()
        if isinstance(action, QAction):
            self.show_page(int(action.data()))

    def show_page(self, row: int) -> None:
        """Switch to page ``row`` (built now if it was not yet) and put the keyboard focus
        in it."""
        page = self.page(self.page_keys[row])
        self.sidebar.setCurrentRow(row)
        self.stack.setCurrentWidget(page)
        target = getattr(page, "focus_target", None)
        widget = target() if callable(target) else page
        widget.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _on_about_triggered(self) -> None:
        from PySide6.QtWidgets import QMessageBox  # its type costs ~2 ms to load: not before show

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
        if not self._closing and not self._pages_ask_before_close():
            self._closing = True
            self._run(self._shut_down())

    def _pages_ask_before_close(self) -> bool:
        """A page with work that quitting would lose (uploads streaming from this console)
        asks first: its ``ask_before_close(proceed)`` returns True when it asked, and calls
        ``proceed`` if the user quits anyway. Asked once per close; a signal does not ask."""
        if self._close_confirmed:
            return False
        for page in self.built_pages():
            ask = getattr(page, "ask_before_close", None)
            if callable(ask) and ask(self._close_anyway):
                return True
        return False

    def _close_anyway(self) -> None:
        self._close_confirmed = True
        self.close()

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
            models = self._models.values() if self._models is not None else ()
            for part in [*self.built_pages(), *models]:
                stop = getattr(part, "stop", None)
                if callable(stop):
                    await stop()
            if self.demo is not None:
                self.connection_status.show_busy("Stopping demo fleet…")
                demo, self.demo = self.demo, None
                await demo.stop()
        except Exception:
            log.exception("clean shutdown failed")
        finally:
            self._close_allowed = True
            self.close()
            if not self.started.done():  # closed before it was painted: nothing to start
                self.started.cancel()
            if not self.closed.done():
                self.closed.set_result(None)

    async def wait_closed(self) -> None:
        await asyncio.shield(self.closed)

    def shut_down(self) -> None:
        """Close as if the user closed the window (SIGINT, SIGTERM); nobody is there to answer
        a question, so none is asked."""
        self._close_confirmed = True
        self.close()

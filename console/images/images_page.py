"""The Images page: every image the coordinator knows (Quantix's own and the volumes found in
managed pools), live, with filter tabs by phase, a kind filter and a search; the selected
image's detail below the table; Upload ISO… (Ctrl+U), Download cloud image… (Ctrl+D), Import
OVA… (Ctrl+I), Retry (a failed download) and Delete (the table's Delete key), each disabled with
a tooltip saying why when it does not apply.

A table rather than the kit's cards: images are many, alike, and compared by size, pool and
phase, which columns show side by side and sort. Transfers run in the transfer driver
(console.images.transfers), which lives as long as the window: they go on when the user
changes page, and the transfers panel shows them from anywhere.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from PySide6.QtCore import (
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    Qt,
    Signal,
)
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QSplitter,
    QTabBar,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from console.connection import EndpointSource
from console.images import image_text, pool_targets
from console.images.dialog_parts import ImageDialog
from console.images.download_dialog import DownloadDialog
from console.images.image_detail import ImageDetail
from console.images.images_filter import ImagesFilterProxy, ImageTab, tab_counts
from console.images.images_model import Column, ImagesModel
from console.images.import_ova_dialog import ImportOvaDialog
from console.images.tasks_model import TasksModel
from console.images.transfer_delegate import ProgressCellDelegate
from console.images.transfers import TransferManager
from console.images.upload_dialog import UploadDialog
from console.kit.card_model import KEY_ROLE
from console.kit.commands import acts_on_selection, key_alias
from console.kit.palette_items import PaletteObject, model_objects
from console.kit.search_keys import esc_clears_search
from console.kit.tab_order import set_reading_order
from console.models.pools_model import PoolsModel
from console.watch import ConnectionState, EmptyListTexts, Phase
from console.widgets.detail_parts import action_button
from console.widgets.list_page_parts import PageTopBar, TableOrMessage, setup_row_table
from domain.image_catalog import CATALOG, CatalogImage
from proto.quantix.v1 import common_pb2 as cpb
from proto.quantix.v1 import coordinator_pb2 as pb

# Starting widths in pixels (the user can resize every column); fixed rather than measured,
# which would read every row on each change.
COLUMN_WIDTHS: dict[Column, int] = {
    Column.NAME: 240,
    Column.KIND: 110,
    Column.SIZE: 80,
    Column.POOL: 90,
    Column.HOST: 80,
    Column.PHASE: 130,
    Column.PROGRESS: 130,
}

TABS: tuple[tuple[ImageTab, str, str], ...] = (
    (ImageTab.ALL, "A&ll", "Every image"),
    (ImageTab.READY, "Read&y", "Ready to use"),
    (ImageTab.BUSY, "In pro&gress", "Uploading, downloading, being checked or converted"),
    (ImageTab.ERROR, "&Error", "Stopped: the message says where and why"),
    (ImageTab.FOUND, "Fo&und in pools", "Volumes found in managed pools, not put there by Quantix"),
)
KINDS: tuple[tuple[str, int], ...] = (
    ("All kinds", cpb.IMAGE_KIND_UNSPECIFIED),
    ("ISO", cpb.IMAGE_KIND_ISO),
    ("Disk images", cpb.IMAGE_KIND_DISK),
    ("OVA templates", cpb.IMAGE_KIND_OVA_TEMPLATE),
)
EMPTY_TEXTS = EmptyListTexts(
    "Connect to a coordinator to see its images (File › Connect to Coordinator…).",
    "The coordinator cannot be reached yet (see the status bar).\n"
    "Its images appear here as soon as it answers.",
    "Loading images from the coordinator…",
    "No images yet.\nUpload an ISO (Ctrl+U), download a cloud image (Ctrl+D) or import an OVA "
    "(Ctrl+I); volumes already in managed pools appear here too.",
)
NOT_CONNECTED_TIP = "Connect to a coordinator first (File › Connect to Coordinator…)"
UPLOAD_TIP = "Send an ISO or a disk image from this machine to a pool (Ctrl+U)"
DOWNLOAD_TIP = "Have a host fetch a cloud image from a URL or the catalog (Ctrl+D)"
IMPORT_TIP = "Upload an .ova and turn it into a template (Ctrl+I)"
DELETE_TIP = "Remove the image's volumes from its pool (Delete)"
RETRY_TIP = "Fetch the failed download again, from where it stopped"


class ImagesPage(QWidget):
    notice = Signal(str)  # a line for the status bar

    def __init__(
        self,
        images: ImagesModel,
        tasks: TasksModel,
        pools: PoolsModel,
        endpoint: EndpointSource,
        transfers: TransferManager,
        parent: QWidget | None = None,
        catalog: Sequence[CatalogImage] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("imagesPage")
        self.images = images
        self.tasks = tasks
        self.pools = pools
        self.transfers = transfers
        self._endpoint = endpoint
        self.catalog = tuple(CATALOG if catalog is None else catalog)
        self._selected_key = ""
        self._connection = ConnectionState(Phase.IDLE, "")
        self.dialog: ImageDialog | None = None
        self.close_box: QMessageBox | None = None  # the question asked before quitting
        images.set_tasks(tasks)
        transfers.notice.connect(self.notice)

        self.upload_action = self._action("&Upload ISO…", "Ctrl+U", self.open_upload_dialog)
        self.download_action = self._action(
            "&Download cloud image…", "Ctrl+D", self.open_download_dialog
        )
        self.import_action = self._action("&Import OVA…", "Ctrl+I", self.open_import_dialog)
        self.retry_action = acts_on_selection(self._action("&Retry", "", self.retry))
        self.delete_action = acts_on_selection(self._action("De&lete…", "", self.confirm_delete))

        top = PageTopBar(self, "Images", "imageSearch", "Name, pool or host")
        self.summary_label = top.summary_label
        self.search_edit = top.filter_edit
        top.filter_label.setText("Se&arch:")
        self.upload_button = action_button(self.upload_action, self)
        self.upload_button.setObjectName("primaryButton")
        self.download_button = action_button(self.download_action, self)
        self.import_button = action_button(self.import_action, self)
        for button in (self.upload_button, self.download_button, self.import_button):
            top.add_button(button)

        self.stale_label = QLabel(self)
        self.stale_label.setObjectName("staleBanner")
        self.stale_label.setWordWrap(True)
        self.stale_label.setVisible(False)

        self.tab_bar = QTabBar(self)
        self.tab_bar.setObjectName("imageFilterTabs")
        self.tab_bar.setDrawBase(False)
        self.tab_bar.setExpanding(False)
        self.tab_bar.setAccessibleName("Filter images by phase")
        for tab, text, tip in TABS:
            index = self.tab_bar.addTab(text)
            self.tab_bar.setTabToolTip(index, tip)
            self.tab_bar.setTabData(index, tab.name)
        self.kind_combo = QComboBox(self)
        self.kind_combo.setObjectName("imageKindFilter")
        for text, kind in KINDS:
            self.kind_combo.addItem(text, kind)
        kind_label = QLabel("&Kind:", self)
        kind_label.setBuddy(self.kind_combo)
        filters = QWidget(self)
        row = QHBoxLayout(filters)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.tab_bar)
        row.addStretch(1)
        row.addWidget(kind_label)
        row.addWidget(self.kind_combo)

        self.proxy = ImagesFilterProxy(images, self)
        self.table = QTableView(self)
        self.table.setObjectName("imagesTable")
        self.table.setModel(self.proxy)
        setup_row_table(self.table, "Images")
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(Column.NAME, Qt.SortOrder.AscendingOrder)
        for column, width in COLUMN_WIDTHS.items():
            self.table.setColumnWidth(column, width)
        self.progress_delegate = ProgressCellDelegate(self.table)
        self.table.setItemDelegateForColumn(Column.PROGRESS, self.progress_delegate)
        self.table.selectionModel().currentRowChanged.connect(self._on_current_row_changed)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._on_context_menu)
        key_alias(self.delete_action, self.table, QKeySequence.StandardKey.Delete)
        self.table_stack = TableOrMessage(self.table, EMPTY_TEXTS.not_connected, self)
        esc_clears_search(self.search_edit, self.table_stack.currentWidget)
        self.empty_label = self.table_stack.message

        self.detail = ImageDetail(self.retry_action, self.delete_action, self)
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.table_stack)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        # The detail's facts need ~8 lines; the table scrolls.
        self.splitter.setSizes([300, 260])

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 8)
        layout.addLayout(top)
        layout.addWidget(self.stale_label)
        layout.addWidget(filters)
        layout.addWidget(self.splitter, 1)

        self.search_edit.textChanged.connect(self._on_search_changed)
        self.tab_bar.currentChanged.connect(self._on_tab_changed)
        self.kind_combo.currentIndexChanged.connect(self._on_kind_changed)
        for signal in (
            images.rowsInserted,
            images.rowsRemoved,
            images.modelReset,
            images.synced,
            images.batch_applied,
        ):
            signal.connect(self._on_rows_changed)
        images.dataChanged.connect(self._on_data_changed)
        pools.batch_applied.connect(self._update_actions)
        pools.modelReset.connect(self._update_actions)

        set_reading_order(layout)
        self._on_rows_changed()

    def _action(self, text: str, shortcut: str, run: Callable[[], object]) -> QAction:
        action = QAction(text, self)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
            # Only while this page is shown: Ctrl+D and Ctrl+I mean other things elsewhere.
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(lambda _checked=False: run())
        self.addAction(action)
        return action

    # --- the window's hooks ---------------------------------------------------------------

    def focus_target(self) -> QWidget:
        return self.table if self.table_stack.showing_table else self.search_edit

    def search_field(self) -> QLineEdit:
        return self.search_edit

    def set_connection_state(self, state: ConnectionState) -> None:
        was_connected = self._connection.phase is Phase.CONNECTED
        self._connection = state
        if state.phase is Phase.RECONNECTING and self.images.rowCount() > 0:
            if was_connected or not self.stale_label.isVisible():
                self.stale_label.setText(
                    "The coordinator cannot be reached: the images below are as they were at "
                    f"{time.strftime('%H:%M:%S')} and may be out of date."
                )
            self.stale_label.setVisible(True)
        else:
            self.stale_label.setVisible(False)
        self._on_rows_changed()

    def ask_before_close(self, proceed: Callable[[], None]) -> bool:
        """The window is closing: when uploads stream from this console (they stop with it),
        ask first. True when asking (``proceed`` runs if the user quits anyway)."""
        running = self.transfers.running_uploads()
        if not running:
            return False
        box = close_question(len(running), self)
        quit_button = box.button(QMessageBox.StandardButton.Discard)
        box.finished.connect(lambda _r: box.clickedButton() is quit_button and proceed())
        box.open()
        self.close_box = box
        return True

    async def stop(self) -> None:
        if self.dialog is not None:
            self.dialog.reject()
        await self.transfers.stop()

    # --- selection ------------------------------------------------------------------------

    def selected_image(self) -> pb.Image | None:
        return self.images.image(self._selected_key)

    def palette_objects(self) -> list[PaletteObject]:
        return model_objects(self.images, "image", lambda image: f"{image.name} ({image.pool})")

    def reveal_object(self, key: str) -> bool:
        pool, _, name = key.partition("/")
        if not self.select_image(pool, name):
            return False
        self.table.setFocus(Qt.FocusReason.ShortcutFocusReason)
        return True

    def select_image(self, pool: str, name: str) -> bool:
        """Select ``pool/name``; an image hidden by the tab, kind or search is shown."""
        row = self.images.row_of(f"{pool}/{name}")
        if row is None:
            return False
        index = self.proxy.mapFromSource(self.images.index(row, 0))
        if not index.isValid():
            self.tab_bar.setCurrentIndex(0)
            self.kind_combo.setCurrentIndex(0)
            self.search_edit.clear()
            index = self.proxy.mapFromSource(self.images.index(row, 0))
        self.table.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.table.scrollTo(index)
        return True

    def _on_current_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self._selected_key = str(current.data(KEY_ROLE)) if current.isValid() else ""
        self._show_selected()

    def _show_selected(self) -> None:
        image = self.selected_image()
        self.detail.show_image(image, self.images.task_of(image) if image is not None else None)
        self._update_actions()

    # --- filters --------------------------------------------------------------------------

    def set_tab(self, tab: ImageTab) -> None:
        self.tab_bar.setCurrentIndex([t for t, _text, _tip in TABS].index(tab))

    def _on_search_changed(self, text: str) -> None:
        self.proxy.set_search(text)
        self._on_rows_changed()

    def _on_tab_changed(self, index: int) -> None:
        self.proxy.set_tab(ImageTab[str(self.tab_bar.tabData(index))])
        self._on_rows_changed()

    def _on_kind_changed(self, _index: int) -> None:
        self.proxy.set_kind(int(self.kind_combo.currentData()))
        self._on_rows_changed()

    # --- rows -----------------------------------------------------------------------------

    def _on_rows_changed(self, *_args: object) -> None:
        if self.proxy.rowCount():
            self.table_stack.show_table()
        elif self.images.rowCount():
            self.table_stack.show_message("No image matches the tab, kind and search above.")
        else:
            self.table_stack.show_message(
                EMPTY_TEXTS.pick(self._connection.phase, self.images.is_synced)
            )
        if self._selected_key and self.images.row_of(self._selected_key) is None:
            self._selected_key = ""
        counts = tab_counts(self.images.phase_counts())
        for index, (tab, text, _tip) in enumerate(TABS):
            self.tab_bar.setTabText(index, f"{text} ({counts[tab]})")
        self._update_summary(counts)
        self._show_selected()

    def _on_data_changed(
        self,
        top_left: QModelIndex | QPersistentModelIndex,
        bottom_right: QModelIndex | QPersistentModelIndex,
        _roles: object = None,
    ) -> None:
        row = self.images.row_of(self._selected_key) if self._selected_key else None
        if row is not None and top_left.row() <= row <= bottom_right.row():
            self._show_selected()

    def _update_summary(self, counts: dict[ImageTab, int]) -> None:
        total = counts[ImageTab.ALL]
        if not total:
            self.summary_label.setText("")
            return
        parts = [f"{total} image" if total == 1 else f"{total} images"]
        for tab, word in (
            (ImageTab.BUSY, "in progress"),
            (ImageTab.ERROR, "in error"),
            (ImageTab.FOUND, "found in pools"),
        ):
            if counts[tab]:
                parts.append(f"{counts[tab]} {word}")
        self.summary_label.setText(" · ".join(parts))

    # --- actions --------------------------------------------------------------------------

    def _update_actions(self, *_args: object) -> None:
        connected = self._endpoint() is not None
        pools = self.pools.items()
        uploads = pool_targets.targets(pools)
        templates = pool_targets.targets(pools, templates=True)
        for action, found, what, tip in (
            (self.upload_action, uploads, "an upload", UPLOAD_TIP),
            (self.download_action, uploads, "a download", DOWNLOAD_TIP),
            (self.import_action, templates, "a template", IMPORT_TIP),
        ):
            if not connected:
                _set(action, NOT_CONNECTED_TIP)
            elif not found.offered:
                _set(action, found.none_text(what))
            else:
                _set(action, None, tip)
        image = self.selected_image()
        task = self.images.task_of(image) if image is not None else None
        refusal = image_text.delete_refusal(image)
        _set(
            self.delete_action,
            NOT_CONNECTED_TIP if refusal is None and not connected else refusal,
            DELETE_TIP,
        )
        refusal = image_text.retry_refusal(image, task)
        _set(
            self.retry_action,
            NOT_CONNECTED_TIP if refusal is None and not connected else refusal,
            RETRY_TIP,
        )

    def _taken(self, pool: str, name: str) -> bool:
        return self.images.exists(pool, name)

    def _open(self, dialog: ImageDialog) -> ImageDialog:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(self._on_dialog_finished)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _existing_dialog(self) -> ImageDialog | None:
        if self.dialog is not None:
            self.dialog.raise_()
            self.dialog.activateWindow()
        return self.dialog

    def open_upload_dialog(self) -> ImageDialog | None:
        if not self.upload_action.isEnabled():
            return None
        return self._existing_dialog() or self._open(
            UploadDialog(
                pool_targets.targets(self.pools.items()),
                self.transfers.begin_upload,
                self._taken,
                self,
            )
        )

    def open_import_dialog(self) -> ImageDialog | None:
        if not self.import_action.isEnabled():
            return None
        return self._existing_dialog() or self._open(
            ImportOvaDialog(
                pool_targets.targets(self.pools.items(), templates=True),
                self.transfers.begin_upload,
                self._taken,
                self,
            )
        )

    def open_download_dialog(self) -> ImageDialog | None:
        if not self.download_action.isEnabled():
            return None
        return self._existing_dialog() or self._open(
            DownloadDialog(
                pool_targets.targets(self.pools.items()),
                self.transfers.begin_download,
                self._taken,
                self.catalog,
                self,
            )
        )

    def _on_dialog_finished(self, _result: int) -> None:
        self.dialog = None
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def retry(self) -> None:
        image = self.selected_image()
        if image is not None and self.retry_action.isEnabled():
            self.transfers.retry(image.pool, image.name)

    def confirm_delete(self) -> QMessageBox | None:
        image = self.selected_image()
        if image is None or not self.delete_action.isEnabled():
            return None
        volumes = list(image.facts.volumes) or [image.name]
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "Delete image",
            f"Delete {image.name} from pool {image.pool} on {image.host}? "
            f"Its volume{'s' if len(volumes) > 1 else ''} ({', '.join(volumes)}) "
            "are removed from the pool; guests using it lose that disk.",
            QMessageBox.StandardButton.Cancel,
            self,
        )
        delete = box.addButton("&Delete", QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        pool, name = image.pool, image.name
        box.finished.connect(
            lambda _r: box.clickedButton() is delete and self.transfers.delete(pool, name)
        )
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        return box

    def _on_context_menu(self, position: QPoint) -> None:
        index = self.table.indexAt(position)
        if not index.isValid():
            return
        self.table.setCurrentIndex(index)
        menu = QMenu(self)
        menu.addAction(self.retry_action)
        menu.addAction(self.delete_action)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(self.table.viewport().mapToGlobal(position))


def _set(action: QAction, refusal: str | None, tip: str = "") -> None:
    """Enabled with ``tip``, or disabled with the reason as its tooltip."""
    action.setEnabled(refusal is None)
    action.setToolTip(tip if refusal is None else refusal)


def close_question(uploads: int, parent: QWidget) -> QMessageBox:
    """Quitting stops the uploads streaming from this console (the bytes come from here);
    downloads and imports run on their hosts and go on. Keeping the window open is the default:
    an upload of gigabytes is not thrown away by a stray Ctrl+Q."""
    what = "1 upload is" if uploads == 1 else f"{uploads} uploads are"
    box = QMessageBox(
        QMessageBox.Icon.Warning,
        "Uploads still running",
        f"{what} still streaming from this console. Quitting cancels "
        f"{'it' if uploads == 1 else 'them'}: the partial images are removed from their pools.\n\n"
        "Downloads and OVA imports already on their hosts go on without this console.",
        QMessageBox.StandardButton.NoButton,
        parent,
    )
    quit_button = box.addButton(QMessageBox.StandardButton.Discard)
    quit_button.setText("&Cancel uploads and quit")
    keep = box.addButton(QMessageBox.StandardButton.Cancel)
    keep.setText("&Keep running")
    box.setDefaultButton(keep)
    box.setEscapeButton(keep)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    return box

"""The transfers panel, like a browser's download manager: every running and finished task
(from Watch, so every console sees every transfer), newest first, each with its bar, phase or
step, bytes done / total, speed and time left; Cancel for a running one (asks the coordinator:
any console can cancel any transfer), Retry for a failed download, and for a finished one where
the image landed or why it failed. It lives in a dock of the main window, reachable from every
page (View › Transfers, Ctrl+Shift+T), and opens by itself when this console starts a transfer.

Redraws are throttled: the list repaints changed rows at most once per REPAINT_INTERVAL_MS,
all rows together, however many tasks report; one delegate paints every row (no widget per
transfer). Rows added or removed are drawn at once (that is rare and the user expects it).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QListView,
    QMenu,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from console.images import task_text
from console.images.tasks_model import FINISHED_ROLE, KEY_ROLE, TASK_ROLE, TasksModel
from console.images.transfer_delegate import TransferDelegate
from console.images.transfers import TransferManager
from console.kit.commands import key_alias
from domain.tasks import TaskPhase, cancel_refusal
from proto.quantix.v1 import coordinator_pb2 as pb

# One repaint of every changed row per 150 ms: a bar moving 6-7 times a second reads as
# continuous motion, while 20 transfers each reporting 4 times a second (the coordinator's
# coalescing, domain.tasks) cost 6-7 repaints a second instead of 80. Well under the 50 ms GUI
# stall budget, as each repaint draws only the visible rows.
REPAINT_INTERVAL_MS = 150

EMPTY_TEXT = (
    "No transfers yet.\nUploads, downloads and OVA imports appear here with their progress, "
    "from this console and every other one."
)
CANCEL_TIP = "Ask the coordinator to stop the selected transfer (Delete)"
RETRY_TIP = "Fetch the selected failed download again, from where it stopped (Ctrl+R)"
CLEAR_TIP = "Hide the finished transfers from this list (they stay in the coordinator's history)"


class TransfersView(QListView):
    """A list whose changed rows repaint on a timer, not on every change."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._dirty = False
        self.repaints = 0  # throttled repaints done (tests read it)
        self._timer = QTimer(self)
        self._timer.setInterval(REPAINT_INTERVAL_MS)
        self._timer.timeout.connect(self._repaint)

    def dataChanged(
        self,
        top_left: QModelIndex | QPersistentModelIndex,
        bottom_right: QModelIndex | QPersistentModelIndex,
        roles: Sequence[int] = (),
    ) -> None:
        # Not passed on to QListView (which would schedule a repaint per change): marked, and
        # painted with every other change at the next tick.
        self._dirty = True
        if not self._timer.isActive():
            self._timer.start()

    def _repaint(self) -> None:
        if not self._dirty:
            self._timer.stop()  # idle: no timer runs while nothing changes
            return
        self._dirty = False
        self.repaints += 1
        self.viewport().update()


class VisibleTransfers(QSortFilterProxyModel):
    """The tasks not cleared from the list by this console."""

    def __init__(self, tasks: TasksModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._hidden: set[str] = set()
        self.setSourceModel(tasks)

    def hide_tasks(self, task_ids: set[str]) -> None:
        # begin/endFilterChange since Qt 6.10 (invalidateRowsFilter is deprecated there), as
        # in console.kit.card_filter.
        if hasattr(self, "beginFilterChange"):
            self.beginFilterChange()
            self._hidden |= task_ids
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            self._hidden |= task_ids
            self.invalidateRowsFilter()

    def filterAcceptsRow(
        self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex
    ) -> bool:
        index = self.sourceModel().index(source_row, 0, source_parent)
        return str(index.data(KEY_ROLE)) not in self._hidden


class TransfersPanel(QWidget):
    notice = Signal(str)

    def __init__(
        self, tasks: TasksModel, transfers: TransferManager, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("transfersPanel")
        self.tasks = tasks
        self.transfers = transfers
        self.proxy = VisibleTransfers(tasks, self)
        self._select_when_added = ""

        self.summary = QLabel(self)
        self.summary.setObjectName("pageSummary")
        self.cancel_action = QAction("&Cancel transfer", self)
        self.cancel_action.triggered.connect(self.cancel_selected)
        self.retry_action = QAction("&Retry", self)
        self.retry_action.triggered.connect(self.retry_selected)
        self.clear_action = QAction("C&lear finished", self)
        self.clear_action.setToolTip(CLEAR_TIP)
        self.clear_action.triggered.connect(self.clear_finished)
        self.cancel_button = _button(self.cancel_action, self)
        self.retry_button = _button(self.retry_action, self)
        self.clear_button = _button(self.clear_action, self)

        self.view = TransfersView(self)
        self.view.setObjectName("transfersList")
        self.view.setAccessibleName("Transfers")
        self.view.setModel(self.proxy)
        self.delegate = TransferDelegate(self.view)
        self.view.setItemDelegate(self.delegate)
        self.view.setUniformItemSizes(True)  # never measures rows: cheap with 1,000 tasks
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._on_context_menu)
        self.view.selectionModel().currentChanged.connect(self._update_actions)
        key_alias(self.cancel_action, self.view, QKeySequence.StandardKey.Delete)
        key_alias(self.retry_action, self.view, "Ctrl+R")

        self.empty_label = QLabel(EMPTY_TEXT, self)
        self.empty_label.setObjectName("placeholderText")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.view)
        self.stack.addWidget(self.empty_label)

        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.cancel_button)
        top.addWidget(self.retry_button)
        top.addWidget(self.clear_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 6)
        layout.addLayout(top)
        layout.addWidget(self.stack, 1)

        for signal in (
            self.proxy.rowsInserted,
            self.proxy.rowsRemoved,
            self.proxy.modelReset,
            tasks.batch_applied,
        ):
            signal.connect(self._on_rows_changed)
        self.proxy.rowsInserted.connect(self._select_new)
        transfers.started.connect(self.select_task)
        self.setTabOrder(self.view, self.cancel_button)
        self._on_rows_changed()

    # --- selection ------------------------------------------------------------------------

    def selected_task(self) -> pb.Task | None:
        index = self.view.currentIndex()
        task = index.data(TASK_ROLE) if index.isValid() else None
        return task if isinstance(task, pb.Task) else None

    def select_task(self, task_id: str) -> bool:
        """Select ``task_id``'s row, now or when it arrives from Watch."""
        row = self.tasks.row_of(task_id)
        index = self.proxy.mapFromSource(self.tasks.index(row, 0)) if row is not None else None
        if index is None or not index.isValid():
            self._select_when_added = task_id
            return False
        self._select_when_added = ""
        self.view.setCurrentIndex(index)
        self.view.scrollTo(index)
        return True

    def _select_new(self, *_args: object) -> None:
        if self._select_when_added:
            self.select_task(self._select_when_added)

    # --- actions --------------------------------------------------------------------------

    def cancel_refusal(self, task: pb.Task | None) -> str | None:
        if task is None:
            return "Select the transfer to cancel first"
        phase = task_text.phase_of(task)
        if phase is None:
            return f"task {task.id} is in an unknown phase"
        return cancel_refusal(task_text.title(task), phase)

    def retry_refusal(self, task: pb.Task | None) -> str | None:
        if task is None:
            return "Select a failed download first"
        if task.kind != pb.TASK_KIND_DOWNLOAD:
            return "Only a download can be retried; upload the file again instead"
        if task_text.phase_of(task) not in (TaskPhase.FAILED, TaskPhase.CANCELLED):
            return "Only a download that failed or was cancelled can be retried"
        return None

    def cancel_selected(self) -> None:
        task = self.selected_task()
        if task is not None and self.cancel_refusal(task) is None:
            self.transfers.cancel(task.id)

    def retry_selected(self) -> None:
        task = self.selected_task()
        if task is not None and self.retry_refusal(task) is None:
            self.transfers.retry(task.pool, task.object_name)

    def clear_finished(self) -> None:
        finished = {
            self.tasks.key_at(row)
            for row in range(self.tasks.rowCount())
            if self.tasks.index(row, 0).data(FINISHED_ROLE)
        }
        self.proxy.hide_tasks(finished)

    def _update_actions(self, *_args: object) -> None:
        task = self.selected_task()
        for action, refusal, tip in (
            (self.cancel_action, self.cancel_refusal(task), CANCEL_TIP),
            (self.retry_action, self.retry_refusal(task), RETRY_TIP),
        ):
            action.setEnabled(refusal is None)
            action.setToolTip(tip if refusal is None else refusal)
        finished = self.proxy.rowCount() - self._running_shown()
        self.clear_action.setEnabled(finished > 0)
        self.clear_action.setToolTip(CLEAR_TIP if finished else "No finished transfer is listed")

    def _running_shown(self) -> int:
        return sum(
            1
            for row in range(self.proxy.rowCount())
            if not self.proxy.index(row, 0).data(FINISHED_ROLE)
        )

    def _on_context_menu(self, position: QPoint) -> None:
        index = self.view.indexAt(position)
        if not index.isValid():
            return
        self.view.setCurrentIndex(index)
        menu = QMenu(self)
        menu.addAction(self.cancel_action)
        menu.addAction(self.retry_action)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(self.view.viewport().mapToGlobal(position))

    # --- rows -----------------------------------------------------------------------------

    def _on_rows_changed(self, *_args: object) -> None:
        shown = self.proxy.rowCount()
        self.stack.setCurrentWidget(self.view if shown else self.empty_label)
        running = self._running_shown()
        parts = [f"{running} running"] if running else ["Nothing running"]
        if shown - running:
            parts.append(f"{shown - running} finished")
        self.summary.setText(" · ".join(parts))
        self._update_actions()
        self.summary_changed(running)

    def summary_changed(self, running: int) -> None:
        dock = self.parentWidget()
        if isinstance(dock, QDockWidget):
            dock.setWindowTitle(f"Transfers ({running} running)" if running else "Transfers")

    def focus_list(self) -> None:
        target = self.view if self.stack.currentWidget() is self.view else self.empty_label
        target.setFocus(Qt.FocusReason.ShortcutFocusReason)


def _button(action: QAction, parent: QWidget) -> QPushButton:
    """A button that is ``action`` (text, enabled state, tooltip), and triggers it."""
    button = QPushButton(action.text(), parent)

    def sync() -> None:
        button.setEnabled(action.isEnabled())
        button.setToolTip(action.toolTip())

    action.changed.connect(sync)
    button.clicked.connect(action.trigger)
    sync()
    return button


class TransfersDock(QDockWidget):
    """The panel docked at the bottom of the main window; hidden until asked for or until this
    console starts a transfer."""

    def __init__(self, panel: TransfersPanel, parent: QWidget | None = None) -> None:
        super().__init__("Transfers", parent)
        self.setObjectName("transfersDock")
        self.panel = panel
        self.setWidget(panel)
        self.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetClosable
            | QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
        )
        panel.transfers.started.connect(lambda _task_id: self.show())
        panel.summary_changed(panel.tasks.running_count())

    def toggle(self) -> None:
        """View › Transfers: show and focus the list, or hide it when it has the focus."""
        focused = QApplication.focusWidget()
        if self.isVisible() and focused is not None and self.isAncestorOf(focused):
            self.hide()
            return
        self.show()
        self.raise_()
        self.panel.focus_list()

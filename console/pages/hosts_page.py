"""The Hosts page: every host the coordinator knows, live, and the selected host's detail.

Add host… (a button, or Ctrl+N) makes a join token and shows the command that enrols a new host
(console.dialogs.add_host_dialog). Remove host… (a button, the table's context menu, or Delete
on the table) makes the coordinator forget a host that is gone, after a confirmation
(console.dialogs.remove_host_dialog).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import (
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QLabel,
    QLineEdit,
    QMenu,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from console.connection import EndpointSource, identity_of, not_connected
from console.dialogs.add_host_dialog import AddHostDialog
from console.dialogs.remove_host_dialog import RemoveHostDialog, removed_notice
from console.hosts.host_ops import set_maintenance
from console.kit.background import Background
from console.kit.commands import ON_SELECTION, acts_on_selection, key_alias
from console.kit.palette_items import PaletteObject
from console.kit.search_keys import esc_clears_search
from console.kit.tab_order import set_reading_order
from console.models.hosts_model import KEY_ROLE, SORT_ROLE, Column, HostsModel
from console.usage.sparkline_delegate import Metric, SparklineDelegate
from console.usage.usage_store import UsageStore
from console.watch import ConnectionState, EmptyListTexts, Phase
from console.widgets.detail_parts import action_button
from console.widgets.host_detail import HostDetailPanel
from console.widgets.list_page_parts import PageTopBar, TableOrMessage, setup_row_table
from proto.quantix.v1 import coordinator_pb2 as pb

# Starting widths in pixels; the user can resize every column. Fixed numbers rather than
# ResizeToContents, which measures every row on each change (slow with 1,000 hosts).
COLUMN_WIDTHS: dict[Column, int] = {
    Column.NAME: 110,
    Column.ADDRESS: 130,
    Column.STATUS: 230,
    Column.CPU: 140,
    Column.MEMORY: 80,
    Column.CPU_USAGE: 120,  # a sparkline of 15 min and "100 %"
    Column.MEMORY_USAGE: 120,
    Column.LIBVIRT: 60,
    Column.LAST_SEEN: 80,
}

TEXT_NOT_CONNECTED = "Connect to a coordinator to see its hosts (File › Connect to coordinator…)."
TEXT_LOADING = "Loading hosts from the coordinator…"
TEXT_UNREACHABLE = (
    "The coordinator cannot be reached yet (see the status bar).\n"
    "Its hosts appear here as soon as it answers."
)
TEXT_NO_HOSTS = (
    "The coordinator knows no hosts yet.\n"
    "Add host… (Ctrl+N) gives the command that enrols a hypervisor host; "
    "it appears in this list as soon as it registers."
)
EMPTY_TEXTS = EmptyListTexts(TEXT_NOT_CONNECTED, TEXT_UNREACHABLE, TEXT_LOADING, TEXT_NO_HOSTS)

REMOVE_TIP = "Make the coordinator forget a host that is gone (Delete)"
ADD_TIP = "Make a join token and the command that enrols a new host"


class HostsPage(QWidget):
    # For the status bar: an action finished ("Removed host host-c").
    notice = Signal(str)

    def __init__(
        self,
        model: HostsModel,
        parent: QWidget | None = None,
        managed_pools: Callable[[str], set[str]] = lambda _host: set(),
        endpoint: EndpointSource = not_connected,
        usage: UsageStore | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("hostsPage")
        self.model = model
        self._endpoint = endpoint
        self._selected_key = ""
        self._connection = ConnectionState(Phase.IDLE, "")
        self.dialog: RemoveHostDialog | None = None
        self.add_dialog: AddHostDialog | None = None

        self.add_action = QAction("&Add host…", self)
        self.add_action.setToolTip(ADD_TIP)
        self.add_action.setShortcut(QKeySequence(QKeySequence.StandardKey.New))
        self.add_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.add_action.triggered.connect(self.open_add_dialog)
        self.addAction(self.add_action)

        self.remove_action = QAction("Re&move host…", self)
        self.remove_action.setToolTip(REMOVE_TIP)
        self.remove_action.triggered.connect(self.open_remove_dialog)
        self.addAction(acts_on_selection(self.remove_action))

        # Maintenance is the host's own state (SetNodeMaintenance); a cluster's Hosts tab
        # offers it too, for several members at once.
        self.enter_maintenance_action = QAction("Enter &maintenance", self)
        self.enter_maintenance_action.triggered.connect(lambda: self.set_maintenance(True))
        self.addAction(acts_on_selection(self.enter_maintenance_action))
        self.exit_maintenance_action = QAction("E&xit maintenance", self)
        self.exit_maintenance_action.triggered.connect(lambda: self.set_maintenance(False))
        self.addAction(acts_on_selection(self.exit_maintenance_action))
        self._background = Background()

        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(model)
        self.proxy.setSortRole(SORT_ROLE)
        self.proxy.setFilterKeyColumn(-1)  # the filter matches any column
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setDynamicSortFilter(True)

        top = PageTopBar(self, "Hosts", "hostFilter", "Name, address or status")
        self.summary_label = top.summary_label
        self.filter_edit = top.filter_edit
        self.filter_edit.textChanged.connect(self._on_filter_changed)

        self.add_button = action_button(self.add_action, self)
        self.add_button.setObjectName("addHostButton")
        self.remove_button = action_button(self.remove_action, self)
        self.remove_button.setObjectName("dangerButton")

        top.add_button(self.add_button)
        top.add_button(self.remove_button)

        self.stale_label = QLabel(self)
        self.stale_label.setObjectName("staleBanner")
        self.stale_label.setWordWrap(True)
        self.stale_label.setVisible(False)

        self.table = QTableView(self)
        self.table.setObjectName("hostsTable")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(Column.NAME, Qt.SortOrder.AscendingOrder)
        setup_row_table(self.table, "Hosts")
        for column, width in COLUMN_WIDTHS.items():
            self.table.setColumnWidth(column, width)
        if usage is not None:
            model.set_usage(usage)
            self.sparklines = {
                metric: SparklineDelegate(usage, metric, self.table)
                for metric in (Metric.CPU, Metric.MEMORY)
            }
            self.table.setItemDelegateForColumn(Column.CPU_USAGE, self.sparklines[Metric.CPU])
            self.table.setItemDelegateForColumn(Column.MEMORY_USAGE, self.sparklines[Metric.MEMORY])
        else:  # nothing would fill them
            for column in (Column.CPU_USAGE, Column.MEMORY_USAGE):
                self.table.setColumnHidden(column, True)
        self.table.selectionModel().currentRowChanged.connect(self._on_current_row_changed)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._on_context_menu)
        # Delete on the table (not in the filter field, where it deletes characters).
        key_alias(self.remove_action, self.table, QKeySequence.StandardKey.Delete)

        self.table_stack = TableOrMessage(self.table, TEXT_NOT_CONNECTED, self)
        esc_clears_search(self.filter_edit, self.table_stack.currentWidget)
        self.empty_label = self.table_stack.message

        self.detail = HostDetailPanel(self, managed_pools, identity_of(endpoint), usage)

        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.table_stack)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 8)
        layout.addLayout(top)
        layout.addWidget(self.stale_label)
        layout.addWidget(self.splitter, 1)

        model.rowsInserted.connect(self._on_rows_changed)
        model.rowsRemoved.connect(self._on_rows_changed)
        model.modelReset.connect(self._on_rows_changed)
        model.dataChanged.connect(self._on_data_changed)
        model.synced.connect(self._on_rows_changed)

        set_reading_order(layout)
        self._on_rows_changed()

    # --- public ---------------------------------------------------------------------------

    def focus_target(self) -> QWidget:
        return self.table if self.table_stack.showing_table else self.filter_edit

    def search_field(self) -> QLineEdit:
        """Where the window's Ctrl+F goes."""
        return self.filter_edit

    def refresh(self) -> None:
        """The window's F5: read the selected host's detail again."""
        self.detail.refresh()

    def select_host(self, key: str) -> bool:
        row = self.model.row_of(key)
        if row is None:
            return False
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        if not index.isValid():
            return False
        self.table.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        return True

    def selected_node(self) -> pb.Node | None:
        return self.model.node(self._selected_key) if self._selected_key else None

    def palette_objects(self) -> list[PaletteObject]:
        """Every host, for the command palette."""
        return [
            PaletteObject("host", node.name, node.name, actions=self._actions_for(node))
            for node in (self.model.node_at(row) for row in range(self.model.rowCount()))
        ]

    def _actions_for(self, node: pb.Node) -> tuple[QAction, ...]:
        """In maintenance, a host can be taken out of it; otherwise put in."""
        if node.status == pb.NODE_STATUS_MAINTENANCE:
            return (self.remove_action, self.exit_maintenance_action)
        return (self.remove_action, self.enter_maintenance_action)

    def reveal_object(self, key: str) -> bool:
        if self.filter_edit.text() and not self.select_host(key):
            self.filter_edit.clear()  # the filter hides it: show every host
        if not self.select_host(key):
            return False
        self.table.setFocus(Qt.FocusReason.ShortcutFocusReason)
        return True

    def set_maintenance(self, maintenance: bool) -> None:
        """Put the selected host in maintenance or take it out (the coordinator's state)."""
        node = self.selected_node()
        action = self.enter_maintenance_action if maintenance else self.exit_maintenance_action
        if node is None or not action.isEnabled():
            return
        name = node.name

        async def run() -> None:
            result = await set_maintenance(self._endpoint(), [name], maintenance)
            if result.failure is not None:
                self.notice.emit(result.failure.text)
            else:
                self.notice.emit(f"{name} {'in' if maintenance else 'out of'} maintenance")

        self._background.run(run(), f"maintenance {name}")

    def open_remove_dialog(self) -> RemoveHostDialog | None:
        """Confirm, then remove the selected host (open(), never exec())."""
        node = self.selected_node()
        if node is None or not self.remove_action.isEnabled() or self.dialog is not None:
            return None
        dialog = RemoveHostDialog(node, self._endpoint, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.removed.connect(self._on_removed)
        dialog.finished.connect(self._on_dialog_finished)
        self.dialog = dialog
        dialog.open()
        return dialog

    def open_add_dialog(self) -> AddHostDialog | None:
        """Make a join token for a new host (open(), never exec())."""
        if not self.add_action.isEnabled() or self.add_dialog is not None:
            return None
        dialog = AddHostDialog(self._endpoint, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(self._on_add_dialog_finished)
        self.add_dialog = dialog
        dialog.open()
        return dialog

    async def stop(self) -> None:
        if self.add_dialog is not None:
            self.add_dialog.reject()
        if self.dialog is not None:
            self.dialog.reject()
        await self._background.stop()
        await self.detail.stop()

    def set_connection_state(self, state: ConnectionState) -> None:
        """Say above the table when what it shows may be out of date."""
        was_connected = self._connection.phase is Phase.CONNECTED
        self._connection = state
        if state.phase is Phase.CONNECTED:
            self.stale_label.setVisible(False)
        elif state.phase is Phase.RECONNECTING and self.model.rowCount() > 0:
            if was_connected or not self.stale_label.isVisible():
                since = time.strftime("%H:%M:%S")
                self.stale_label.setText(
                    f"The coordinator cannot be reached: the hosts below are as they were at "
                    f"{since} and may be out of date."
                )
            self.stale_label.setVisible(True)
        elif state.phase is Phase.IDLE:
            self.stale_label.setVisible(False)
        self._on_rows_changed()
        self._update_actions()

    # --- handlers -------------------------------------------------------------------------

    def _on_filter_changed(self, text: str) -> None:
        self.proxy.setFilterFixedString(text)

    def _on_current_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        key = str(current.data(KEY_ROLE)) if current.isValid() else ""
        self._selected_key = key
        self.detail.show_host(self.model.node(key) if key else None)
        self._update_actions()

    def _update_actions(self) -> None:
        self.add_action.setEnabled(self._endpoint() is not None)
        node = self.selected_node()
        self.remove_action.setEnabled(node is not None and self._endpoint() is not None)
        self.remove_action.setToolTip(
            REMOVE_TIP if node is not None else "Select the host to remove first"
        )
        connected = self._endpoint() is not None
        in_maintenance = node is not None and node.status == pb.NODE_STATUS_MAINTENANCE
        self.enter_maintenance_action.setEnabled(
            connected and node is not None and not in_maintenance
        )
        self.exit_maintenance_action.setEnabled(connected and in_maintenance)
        if node is None:
            tip = "Select a host first"
            self.enter_maintenance_action.setToolTip(tip)
            self.exit_maintenance_action.setToolTip(tip)
        else:
            self.enter_maintenance_action.setToolTip(
                f"{node.name} is already in maintenance"
                if in_maintenance
                else f"Put {node.name} in maintenance: no new work is placed on it"
            )
            self.exit_maintenance_action.setToolTip(
                f"Take {node.name} out of maintenance"
                if in_maintenance
                else f"{node.name} is not in maintenance"
            )

    def _on_context_menu(self, position: QPoint) -> None:
        index = self.table.indexAt(position)
        if not index.isValid():
            return
        self.table.setCurrentIndex(index)
        menu = QMenu(self)
        for action in self.actions():
            if action.property(ON_SELECTION):
                menu.addAction(action)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(self.table.viewport().mapToGlobal(position))

    def _on_removed(self, name: str, released: list[str]) -> None:
        self.notice.emit(removed_notice(name, released))

    def _on_add_dialog_finished(self, _result: int) -> None:
        self.add_dialog = None
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def _on_dialog_finished(self, _result: int) -> None:
        self.dialog = None
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def _on_data_changed(
        self,
        top_left: QModelIndex | QPersistentModelIndex,
        bottom_right: QModelIndex | QPersistentModelIndex,
        _roles: list[int] | None = None,
    ) -> None:
        key = self._selected_key
        row = self.model.row_of(key) if key else None
        if row is not None and top_left.row() <= row <= bottom_right.row():
            self.detail.show_host(self.model.node_at(row))
            self._update_actions()  # maintenance, say, came or went
        if top_left.column() <= Column.STATUS <= bottom_right.column():
            self._update_summary()

    def _on_rows_changed(self) -> None:
        rows = self.model.rowCount()
        if rows:
            self.table_stack.show_table()
        else:
            self.table_stack.show_message(
                EMPTY_TEXTS.pick(self._connection.phase, self.model.is_synced)
            )
        # No hosts, no detail: the empty table's message gets the whole page.
        self.detail.setVisible(rows > 0)
        if self._selected_key and self.model.row_of(self._selected_key) is None:
            self._selected_key = ""
            self.detail.show_host(None)
        self._update_summary()
        self._update_actions()

    def _update_summary(self) -> None:
        counts = self.model.status_counts()
        total = sum(counts.values())
        if not total:
            self.summary_label.setText("")
            return
        parts = [f"{total} host" if total == 1 else f"{total} hosts"]
        for status, word in (
            (pb.NODE_STATUS_CONNECTED, "connected"),
            (pb.NODE_STATUS_OFFLINE, "offline"),
            (pb.NODE_STATUS_MAINTENANCE, "in maintenance"),
        ):
            if counts.get(status):
                parts.append(f"{counts[status]} {word}")
        self.summary_label.setText(" · ".join(parts))

"""The Clusters page: every cluster, live, in a table (status with its reason, HA/DRS
badges, hosts online/total, CPU, memory and storage bars), a search over names, labels and
hosts; New cluster… (Ctrl+N) opens the Create Cluster wizard, Enter or a double-click opens a
cluster's detail in place of the list (Escape comes back), Delete… (the Delete key) asks,
saying how many hosts it releases.

A table rather than the kit's cards: clusters are compared by their figures side by side.
CPU and memory bars need a usage store (``set_usage``); without one they say "no usage yet".
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QLabel,
    QLineEdit,
    QMessageBox,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from console.clusters.cluster_detail import ClusterDetail
from console.clusters.cluster_inputs import inputs_from_models
from console.clusters.cluster_ops import ClusterCalls, Refused
from console.clusters.clusters_model import (
    KEY_ROLE,
    SEARCH_ROLE,
    SORT_ROLE,
    ClustersModel,
    Column,
)
from console.clusters.create_cluster_wizard import CreateClusterWizard
from console.clusters.table_delegates import BadgesDelegate, BarDelegate
from console.clusters.usage_hook import ClusterUsage, GraphFactory, UsageSource
from console.kit.background import Background
from console.kit.commands import acts_on_selection, key_alias
from console.kit.palette_items import PaletteObject
from console.kit.search_keys import esc_clears_search
from console.kit.tab_order import set_reading_order
from console.models.hosts_model import HostsModel
from console.models.pools_model import PoolsModel
from console.networks.networks_model import NetworksModel
from console.watch import ConnectionState, EmptyListTexts, Phase
from console.widgets.detail_parts import action_button
from console.widgets.list_page_parts import PageTopBar, TableOrMessage, setup_row_table
from domain.clusters import ClusterSpec
from proto.quantix.v1 import coordinator_pb2 as pb

# Starting widths in pixels (every column can be resized); the reason takes the rest.
COLUMN_WIDTHS: dict[Column, int] = {
    Column.NAME: 120,
    Column.STATUS: 100,
    Column.POLICY: 150,
    Column.HOSTS: 85,
    Column.CPU: 115,
    Column.MEMORY: 115,
    Column.STORAGE: 175,
}
EMPTY_TEXTS = EmptyListTexts(
    "Connect to a coordinator to see its clusters (File › Connect to Coordinator…).",
    "The coordinator cannot be reached yet (see the status bar).\n"
    "Its clusters appear here as soon as it answers.",
    "Loading clusters from the coordinator…",
    "No clusters yet.\nGroup hosts that share storage and networks, with HA and load balancing "
    "settings, with New cluster… (Ctrl+N).",
)
NOT_CONNECTED_TIP = "Connect to a coordinator first (File › Connect to Coordinator…)"
NEW_TIP = "Group hosts into a cluster with HA and DRS settings (Ctrl+N)"
SELECT_TIP = "Select a cluster first"


class ClusterFilter(QSortFilterProxyModel):
    """Sorts by each column's natural value; a search matches name, description, labels and
    member hosts."""

    def __init__(self, source: ClustersModel, parent: QWidget) -> None:
        super().__init__(parent)
        self.setSourceModel(source)
        self.setSortRole(SORT_ROLE)
        self.setFilterRole(SEARCH_ROLE)
        self.setFilterKeyColumn(Column.NAME)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)


class ClustersPage(QWidget):
    notice = Signal(str)  # a line for the status bar

    def __init__(
        self,
        clusters: ClustersModel,
        hosts: HostsModel,
        pools: PoolsModel,
        networks: NetworksModel,
        calls: ClusterCalls,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("clustersPage")
        self.clusters = clusters
        self.hosts = hosts
        self.pools = pools
        self.networks = networks
        self.calls = calls
        self.wizard: CreateClusterWizard | None = None
        self.usage: ClusterUsage | None = None
        self._connection = ConnectionState(Phase.IDLE, "")
        self._background = Background()

        self.new_action = self._action("&New cluster…", "Ctrl+N", self.open_wizard)
        self.open_action = acts_on_selection(self._action("&Open", "", self.open_selected))
        self.delete_action = acts_on_selection(self._action("De&lete…", "", self.confirm_delete))

        top = PageTopBar(self, "Clusters", "clusterSearch", "Name, label or host")
        self.summary_label = top.summary_label
        self.search_edit = top.filter_edit
        top.filter_label.setText("Se&arch:")
        self.new_button = action_button(self.new_action, self)
        self.new_button.setObjectName("primaryButton")
        self.open_button = action_button(self.open_action, self)
        self.delete_button = action_button(self.delete_action, self)
        for button in (self.new_button, self.open_button, self.delete_button):
            top.add_button(button)

        self.stale_label = QLabel(self)
        self.stale_label.setObjectName("staleBanner")
        self.stale_label.setWordWrap(True)
        self.stale_label.setVisible(False)

        self.proxy = ClusterFilter(clusters, self)
        self.table = QTableView(self)
        self.table.setObjectName("clustersTable")
        self.table.setModel(self.proxy)
        setup_row_table(self.table, "Clusters")
        self.table.verticalHeader().setDefaultSectionSize(30)  # room for the pills
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(Column.NAME, Qt.SortOrder.AscendingOrder)
        for column, width in COLUMN_WIDTHS.items():
            self.table.setColumnWidth(column, width)
        self.bar_delegate = BarDelegate(self.table)
        for column in (Column.CPU, Column.MEMORY, Column.STORAGE):
            self.table.setItemDelegateForColumn(column, self.bar_delegate)
        self.badges_delegate = BadgesDelegate(self.table)
        self.table.setItemDelegateForColumn(Column.POLICY, self.badges_delegate)
        self.table.doubleClicked.connect(lambda _index: self.open_selected())
        self.table.activated.connect(lambda _index: self.open_selected())  # Enter
        self.table.selectionModel().currentRowChanged.connect(self._update_actions)
        key_alias(self.delete_action, self.table, QKeySequence.StandardKey.Delete)
        self.table_stack = TableOrMessage(self.table, EMPTY_TEXTS.not_connected, self)
        esc_clears_search(self.search_edit, self.table_stack.currentWidget)

        list_panel = QWidget(self)
        list_layout = QVBoxLayout(list_panel)
        list_layout.setContentsMargins(0, 0, 0, 0)
        list_layout.addLayout(top)
        list_layout.addWidget(self.stale_label)
        list_layout.addWidget(self.table_stack, 1)
        self.list_panel = list_panel

        self.detail = ClusterDetail(clusters, hosts, pools, networks, calls, self)
        self.detail.back_requested.connect(self.show_list)
        self.detail.notice.connect(self.notice)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(list_panel)
        self.stack.addWidget(self.detail)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 8)
        layout.addWidget(self.stack, 1)

        self.search_edit.textChanged.connect(self._on_search_changed)
        for signal in (
            clusters.rowsInserted,
            clusters.rowsRemoved,
            clusters.modelReset,
            clusters.synced,
            clusters.batch_applied,
        ):
            signal.connect(self._on_rows_changed)
        clusters.batch_applied.connect(self._on_membership_changed)
        set_reading_order(list_layout)
        self._on_rows_changed()

    def _action(self, text: str, shortcut: str, run: Callable[[], object]) -> QAction:
        action = QAction(text, self)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
            # Only while this page is shown: Ctrl+N means "new" on other pages too.
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(lambda _checked=False: run())
        self.addAction(action)
        return action

    # --- usage (the hook the usage part plugs into) ---------------------------------------

    def set_usage(self, store: UsageSource, make_graph: GraphFactory | None = None) -> None:
        """Fill the CPU and memory bars from ``store`` and show ``make_graph``'s graph of the
        members in the detail's summary. Without this call the page works, saying "no usage
        yet" where those would be."""
        self.usage = ClusterUsage(self.clusters, self.hosts, store, self)
        if make_graph is not None:
            self.detail.set_graph_factory(make_graph)

    # --- the window's hooks ---------------------------------------------------------------

    def focus_target(self) -> QWidget:
        if self.stack.currentWidget() is self.detail:
            return self.detail.focus_target()
        if self.table_stack.showing_table:
            return self.table
        return self.new_button if self.new_button.isEnabled() else self.search_edit

    def search_field(self) -> QLineEdit:
        return self.search_edit

    def set_connection_state(self, state: ConnectionState) -> None:
        was_connected = self._connection.phase is Phase.CONNECTED
        self._connection = state
        if state.phase is Phase.RECONNECTING and self.clusters.rowCount() > 0:
            if was_connected or not self.stale_label.isVisible():
                self.stale_label.setText(
                    "The coordinator cannot be reached: the clusters below are as they were at "
                    f"{time.strftime('%H:%M:%S')} and may be out of date."
                )
            self.stale_label.setVisible(True)
        else:
            self.stale_label.setVisible(False)
        self._on_rows_changed()

    async def stop(self) -> None:
        if self.wizard is not None:
            self.wizard.reject()
        await self.detail.stop()
        await self._background.stop()

    # --- list and detail ------------------------------------------------------------------

    def selected_name(self) -> str:
        index = self.table.selectionModel().currentIndex()
        return str(index.data(KEY_ROLE) or "") if index.isValid() else ""

    def select_cluster(self, name: str) -> bool:
        row = self.clusters.row_of(name)
        if row is None:
            return False
        index = self.proxy.mapFromSource(self.clusters.index(row, 0))
        if not index.isValid():
            self.search_edit.clear()
            index = self.proxy.mapFromSource(self.clusters.index(row, 0))
        self.table.selectRow(index.row())
        self.table.setCurrentIndex(index)
        return True

    def palette_objects(self) -> list[PaletteObject]:
        return [
            # Opening is the object's own entry ("Open cluster prod"); deleting acts on it.
            PaletteObject("cluster", name, name, verb="Open", actions=(self.delete_action,))
            for name in (self.clusters.key_at(row) for row in range(self.clusters.rowCount()))
        ]

    def reveal_object(self, key: str) -> bool:
        """The palette's "Open cluster prod" (its row is selected too: the actions on the
        selected cluster act on it)."""
        if self.clusters.row_of(key) is None:
            return False
        self.open_detail(key)
        return True

    def close_detail(self) -> bool:
        """The window's Ctrl+W: back to the list."""
        if not self.showing_detail:
            return False
        self.show_list()
        return True

    def open_selected(self) -> None:
        name = self.selected_name()
        if name:
            self.open_detail(name)

    def open_detail(self, name: str) -> None:
        self.select_cluster(name)
        self.detail.show_cluster(name)
        self.stack.setCurrentWidget(self.detail)
        self.detail.focus_target().setFocus(Qt.FocusReason.OtherFocusReason)

    def show_list(self) -> None:
        self.stack.setCurrentWidget(self.list_panel)
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    @property
    def showing_detail(self) -> bool:
        return self.stack.currentWidget() is self.detail

    def _on_search_changed(self, text: str) -> None:
        self.proxy.setFilterFixedString(text.casefold())
        self._on_rows_changed()

    def _on_rows_changed(self, *_args: object) -> None:
        if self.proxy.rowCount():
            self.table_stack.show_table()
        elif self.clusters.rowCount():
            self.table_stack.show_message("No cluster matches the search above.")
        else:
            self.table_stack.show_message(
                EMPTY_TEXTS.pick(self._connection.phase, self.clusters.is_synced)
            )
        self._update_summary()
        self._update_actions()

    def _update_summary(self) -> None:
        items = self.clusters.clusters()
        if not items:
            self.summary_label.setText("")
            return
        hosts = sum(len(cluster.hosts) for cluster in items)
        warned = sum(1 for cluster in items if cluster.status in _ATTENTION)
        parts = [f"{len(items)} cluster{'s' if len(items) != 1 else ''}", f"{hosts} hosts"]
        if warned:
            parts.append(f"{warned} need{'s' if warned == 1 else ''} attention")
        self.summary_label.setText(" · ".join(parts))

    def _update_actions(self, *_args: object) -> None:
        connected = self.calls.connected()
        name = self.selected_name()
        self.new_action.setEnabled(connected)
        self.new_action.setToolTip(NEW_TIP if connected else NOT_CONNECTED_TIP)
        self.open_action.setEnabled(bool(name))
        self.open_action.setToolTip(f"Open {name}'s detail (Enter)" if name else SELECT_TIP)
        self.delete_action.setEnabled(bool(name) and connected)
        self.delete_action.setToolTip(
            (f"Delete {name} (Delete)" if connected else NOT_CONNECTED_TIP) if name else SELECT_TIP
        )

    def _on_membership_changed(self) -> None:
        if self.wizard is not None:
            self.wizard.set_cluster_of(self.clusters.cluster_of())

    # --- New cluster… ---------------------------------------------------------------------

    def open_wizard(self) -> CreateClusterWizard | None:
        if not self.new_action.isEnabled():
            return None
        if self.wizard is not None:
            self.wizard.raise_()
            return self.wizard
        inputs = inputs_from_models(self.clusters, self.hosts, self.pools, self.networks)
        wizard = CreateClusterWizard(inputs, self._create, self)
        wizard.created.connect(self._on_created)
        wizard.finished.connect(self._on_wizard_closed)
        self.wizard = wizard
        wizard.open()
        return wizard

    async def _create(self, spec: ClusterSpec, hosts: tuple[str, ...]) -> None:
        result = await self.calls.create(spec, hosts)
        if result.failure is not None:
            raise Refused(result.failure)

    def _on_created(self, spec: ClusterSpec) -> None:
        self.notice.emit(f"Cluster {spec.name} created")
        if not self.select_cluster(spec.name):
            self.clusters.rowsInserted.connect(
                lambda *_a: self.select_cluster(spec.name), Qt.ConnectionType.SingleShotConnection
            )

    def _on_wizard_closed(self, *_args: object) -> None:
        self.wizard = None
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    # --- Delete… --------------------------------------------------------------------------

    def confirm_delete(self) -> QMessageBox | None:
        name = self.selected_name()
        cluster = self.clusters.cluster(name)
        if cluster is None or not self.delete_action.isEnabled():
            return None
        count = len(cluster.hosts)
        if count:
            released = (
                f"Its {count} host{'s are' if count != 1 else ' is'} released "
                f"({', '.join(cluster.hosts)}): {'they stay' if count != 1 else 'it stays'} "
                "registered with their pools and networks, without HA or DRS."
            )
        else:
            released = "It has no hosts."
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "Delete cluster",
            f"Delete cluster {name}? {released} Its settings are lost.",
            QMessageBox.StandardButton.Cancel,
            self,
        )
        delete = box.addButton("&Delete", QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.finished.connect(
            lambda _r: box.clickedButton() is delete and self._delete(name, count > 0)
        )
        box.open()
        return box

    def _delete(self, name: str, release_hosts: bool) -> None:
        async def run() -> None:
            result = await self.calls.delete(name, release_hosts)
            if result.failure is not None:
                self.notice.emit(result.failure.text)
                return
            released = result.value.released_hosts if result.value is not None else []
            tail = f"; released {', '.join(released)}" if released else ""
            self.notice.emit(f"Cluster {name} deleted{tail}")

        self._background.run(run(), f"delete cluster {name}")


# Clusters the summary counts as needing attention.
_ATTENTION = {pb.CLUSTER_STATUS_WARNING, pb.CLUSTER_STATUS_CRITICAL}

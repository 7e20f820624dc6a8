"""The Storage page: every pool as a card, live from Watch, and the selected pool's detail.

Cards are drawn by one delegate on a QListView in icon mode (no widget per pool), filtered by
phase (tabs with live counts) and by name (search), sorted by name. Pools the hosts have that
Quantix did not create are cards too (DiscoveredPoolsModel, after the managed ones), in the
Unmanaged tab and in All, with Adopt… for the types Quantix manages. Keyboard: arrows move
between cards, Enter goes to the detail, Delete deletes (after a confirmation), Ctrl+R
retries, Ctrl+N creates a pool (console.pages.pool_actions); the window's F5 reads the
volumes and XML again and its Ctrl+F goes to the search field.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPoint, QSize, Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QMenu,
    QPushButton,
    QSplitter,
    QWidget,
)

from console.connection import EndpointSource, identity_of
from console.kit.card_model import KEY_ROLE
from console.kit.card_page import UNMANAGED_PREFIX, CardPage, CardPageNames, CardPageTexts, CardTab
from console.kit.commands import key_alias
from console.kit.palette_items import PaletteObject, model_objects
from console.models.discovered_pools_model import DiscoveredPoolsModel
from console.models.hosts_model import HostsModel
from console.models.pool_filter import PoolCards
from console.models.pools_model import DISCOVERED_ROLE, FilterTab, PoolsModel
from console.pages.pool_actions import PoolActions
from console.watch import ConnectionState, EmptyListTexts
from console.widgets.pool_detail import PoolDetailPanel
from proto.quantix.v1 import coordinator_pb2 as pb

# Tab texts with their mnemonics (chosen not to clash with the page's other Alt+letters).
TABS: tuple[CardTab[FilterTab], ...] = (
    CardTab(FilterTab.ALL, "A&ll", "Every pool"),
    CardTab(FilterTab.READY, "Read&y", "Ready on every assigned host", "ready"),
    CardTab(FilterTab.DEGRADED, "De&graded", "Ready on some hosts, not on others", "degraded"),
    CardTab(FilterTab.ERROR, "&Error", "Ready on no host", "in error"),
    CardTab(FilterTab.PENDING, "&Pending", "Being set up or deleted", "pending"),
    CardTab(
        FilterTab.UNMANAGED,
        "Un&managed",
        "Pools the hosts have that Quantix did not create",
        "unmanaged",
    ),
)

# Two columns of cards next to a detail wide enough for its per-host table at 1440 px.
DEFAULT_GRID_WIDTH = 640
DEFAULT_DETAIL_WIDTH = 520

TEXT_NOT_CONNECTED = (
    "Connect to a coordinator to see its storage pools (File › Connect to Coordinator…)."
)
TEXT_LOADING = "Loading storage pools from the coordinator…"
TEXT_UNREACHABLE = (
    "The coordinator cannot be reached yet (see the status bar).\n"
    "Its storage pools appear here as soon as it answers."
)
TEXT_NO_POOLS = (
    "No storage pools yet.\nCreate one with New pool… (Ctrl+N): local directory, NFS, "
    "Ceph RBD or iSCSI."
)
EMPTY_TEXTS = EmptyListTexts(TEXT_NOT_CONNECTED, TEXT_UNREACHABLE, TEXT_LOADING, TEXT_NO_POOLS)
TEXTS = CardPageTexts("Storage", "pool", "Pool name", EMPTY_TEXTS)
NAMES = CardPageNames(
    "poolSearch", "poolFilterTabs", "Filter pools by phase", "poolCards", "Storage pools"
)


class StoragePage(CardPage[FilterTab]):
    # For tests and the status bar: a pool action finished ("Retry requested for nfs-1").
    notice = Signal(str)

    def __init__(
        self,
        pools: PoolsModel,
        hosts: HostsModel,
        endpoint: EndpointSource,
        parent: QWidget | None = None,
        discovered: DiscoveredPoolsModel | None = None,
    ) -> None:
        discovered = discovered if discovered is not None else DiscoveredPoolsModel()
        super().__init__(TEXTS, NAMES, TABS, PoolCards(pools, discovered), parent)
        self.setObjectName("storagePage")
        self.cards.setParent(self)
        if discovered.parent() is None:  # made here: the page keeps it
            discovered.setParent(self)
        self.pools = pools
        self.discovered = discovered
        self.hosts = hosts
        self._endpoint = endpoint
        # The selected card: its Watch key, and whether it is an Unmanaged one (the two models'
        # keys never clash, but a name can be both a managed and an unmanaged card).
        self._selected_key = ""
        self._selected_unmanaged = False
        self._select_when_added = ""

        self.actions = PoolActions(
            self,
            self.selected_pool,
            endpoint,
            pools.names,
            self._nodes,
            self.selected_discovered,
            self.discovered.named,
        )
        self.actions.notice.connect(self.notice)
        self.actions.created.connect(self._on_pool_created)
        self.actions.dialog_closed.connect(self._on_dialog_closed)
        self.new_button = QPushButton(self.actions.new.text(), self)
        self.new_button.setObjectName("primaryButton")
        self.new_button.setToolTip("Create a storage pool (Ctrl+N)")
        self.new_button.clicked.connect(self.actions.new.trigger)
        self.add_button(self.new_button)
        self._add_card_keys()
        actions = self.actions
        self.detail = PoolDetailPanel(
            (actions.retry, actions.assign, actions.delete),
            self._node_address,
            self,
            adopt=actions.adopt,
            identity=identity_of(endpoint),
        )
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.cards_stack)
        self.splitter.addWidget(self.detail)
        # The grid takes what the window gains; the detail keeps a readable width.
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 0)
        self.splitter.setSizes([DEFAULT_GRID_WIDTH, DEFAULT_DETAIL_WIDTH])
        self.detail.setMinimumWidth(420)
        self.lay_out(self.splitter)

        # An Unmanaged card says when a managed pool holds its name (it cannot be adopted).
        pools.batch_applied.connect(self._on_pools_changed)
        self._on_pools_changed()
        for model in (pools, self.discovered):
            model.rowsInserted.connect(self._on_rows_changed)
            model.rowsRemoved.connect(self._on_rows_changed)
            model.modelReset.connect(self._on_rows_changed)
            model.synced.connect(self._on_rows_changed)
            model.batch_applied.connect(self._on_batch_applied)
        pools.cards_aged.connect(self._on_cards_aged)
        self.view.selectionModel().currentChanged.connect(self._on_current_changed)
        self._on_rows_changed()
        self.actions.update()

    # --- building -------------------------------------------------------------------------

    def _add_card_keys(self) -> None:
        """Enter goes to the detail, the context menu and Delete act on the card."""
        self.view.activated.connect(self._on_activated)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._on_context_menu)
        # Delete acts on the card under the keyboard, not while typing in the search field.
        key_alias(self.actions.delete, self.view, QKeySequence.StandardKey.Delete)

    # --- public ---------------------------------------------------------------------------

    def focus_target(self) -> QWidget:
        return self.view if self.cards_stack.currentWidget() is self.view else self.new_button

    def selected_pool(self) -> pb.Pool | None:
        if not self._selected_key or self._selected_unmanaged:
            return None
        return self.pools.pool(self._selected_key)

    def selected_discovered(self) -> pb.DiscoveredPool | None:
        if not self._selected_key or not self._selected_unmanaged:
            return None
        return self.discovered.pool(self._selected_key)

    def select_pool(self, key: str) -> bool:
        """Select the card of the managed pool ``key`` (its name)."""
        return self.select_card(self.pools, key)

    def select_discovered(self, key: str) -> bool:
        """Select the Unmanaged card of the discovered pool ``key``."""
        return self.select_card(self.discovered, key)

    def palette_objects(self) -> list[PaletteObject]:
        """Managed and unmanaged pools, for the command palette."""
        managed = (self.actions.retry, self.actions.assign, self.actions.delete)
        return model_objects(
            self.pools, "pool", lambda pool: pool.spec.name, actions=managed
        ) + model_objects(
            self.discovered,
            "unmanaged pool",
            lambda found: found.name,
            UNMANAGED_PREFIX,
            actions=(self.actions.adopt,),
        )

    def reveal_object(self, key: str) -> bool:
        return self.reveal_card(key, self.pools, self.discovered)

    def set_connection_state(self, state: ConnectionState) -> None:
        super().set_connection_state(state)
        self.actions.update()

    def refresh(self) -> None:
        self.detail.reads.reload()

    async def stop(self) -> None:
        await self.actions.stop()
        await self.detail.stop()

    # --- lookups for the dialogs ----------------------------------------------------------

    def _nodes(self) -> list[pb.Node]:
        return [self.hosts.node_at(row) for row in range(self.hosts.rowCount())]

    def _node_address(self, host: str) -> str:
        node = self.hosts.node(host)
        return node.address if node is not None else ""

    # --- handlers -------------------------------------------------------------------------

    def _on_dialog_closed(self) -> None:
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)

    def _on_pool_created(self, name: str) -> None:
        # Its card may arrive from Watch before or after this reply.
        if not self.select_pool(name):
            self._select_when_added = name
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)

    def _on_activated(self, _index: QModelIndex) -> None:
        """Enter (or a double click) on a card: go to its detail."""
        self.detail.focus_target().setFocus(Qt.FocusReason.OtherFocusReason)

    def _on_context_menu(self, position: QPoint) -> None:
        index = self.view.indexAt(position)
        if not index.isValid():
            return
        self.view.setCurrentIndex(index)
        menu = QMenu(self)
        actions = self.actions
        unmanaged = index.data(DISCOVERED_ROLE) is not None
        for action in (
            (actions.adopt,) if unmanaged else (actions.retry, actions.assign, actions.delete)
        ):
            menu.addAction(action)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(self.view.viewport().mapToGlobal(position))

    def _on_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            return  # filtered out of view: the detail keeps showing the pool
        self._selected_key = str(current.data(KEY_ROLE))
        self._selected_unmanaged = current.data(DISCOVERED_ROLE) is not None
        self._show_selected()
        self.actions.update()

    def _show_selected(self) -> None:
        if self._selected_unmanaged:
            self._show_discovered(self.selected_discovered())
        else:
            self.detail.show_pool(self.selected_pool())

    def _name_taken(self, found: pb.DiscoveredPool) -> bool:
        return self.pools.pool(found.name) is not None

    def _show_discovered(self, found: pb.DiscoveredPool | None) -> None:
        self.detail.show_discovered(found, found is not None and self._name_taken(found))

    def _on_cards_aged(self, keys: set[str]) -> None:
        if self._selected_key in keys:
            self.detail.refresh_ages()

    def _on_batch_applied(self) -> None:
        key = self._selected_key
        if key and self._selected_unmanaged:
            found = self.discovered.pool(key)
            if found is None:
                self._selected_key = ""  # adopted, or gone from its hosts
            shown = self.detail.discovered
            # Also when only the managed pools changed: one may have taken its name.
            if (
                found is None
                or found is not shown.pool
                or self._name_taken(found) != shown.name_taken
            ):
                self._show_discovered(found)
        elif key:
            pool = self.pools.pool(key)
            if pool is None:
                self._selected_key = ""
            if pool is not self.detail.pool:
                self.detail.show_pool(pool)
        if self._select_when_added and self.select_pool(self._select_when_added):
            self._select_when_added = ""
        self._update_tab_counts()
        self._update_summary()
        self.actions.update()

    def _on_pools_changed(self) -> None:
        self.discovered.set_taken_names(self.pools.names())

    def tab_counts(self, search: str = "") -> dict[FilterTab, int]:
        return self.cards.tab_counts(search)

    def is_synced(self) -> bool:
        return self.cards.is_synced

    def sizeHint(self) -> QSize:
        return QSize(1200, 760)

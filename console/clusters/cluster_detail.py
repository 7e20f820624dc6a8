"""A cluster's detail: a header (name, status badge, the reason) and tabs: Summary, Hosts,
Settings, Pools & networks. It follows Watch: a host added in another console, a member going
offline or a setting changed elsewhere shows here as the models change. Escape or Alt+Left
goes back to the list.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QTabWidget, QVBoxLayout, QWidget

from console.clusters import cluster_text
from console.clusters.add_hosts_dialog import AddHostsDialog
from console.clusters.cluster_inputs import host_choices, placed_networks, placed_pools
from console.clusters.cluster_ops import ClusterCalls
from console.clusters.cluster_style import badge_state
from console.clusters.clusters_model import ClustersModel, members, spec_of
from console.clusters.detail_hosts import HostsTab
from console.clusters.detail_resources import ResourcesTab
from console.clusters.detail_settings import SettingsTab
from console.clusters.detail_summary import SummaryTab
from console.clusters.usage_hook import GraphFactory
from console.kit.tab_order import set_reading_order
from console.models.hosts_model import HostsModel
from console.models.pools_model import PoolsModel
from console.networks.networks_model import NetworksModel
from console.style import set_state_property
from console.widgets.detail_parts import detail_header
from proto.quantix.v1 import coordinator_pb2 as pb

AnyIndex = QModelIndex | QPersistentModelIndex
GONE = "This cluster no longer exists: it was deleted (perhaps in another console)."
SUMMARY_TAB, HOSTS_TAB, SETTINGS_TAB, RESOURCES_TAB = range(4)


class ClusterDetail(QWidget):
    back_requested = Signal()
    notice = Signal(str)

    def __init__(
        self,
        clusters: ClustersModel,
        hosts: HostsModel,
        pools: PoolsModel,
        networks: NetworksModel,
        calls: ClusterCalls,
        parent: QWidget | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("clusterDetail")
        self.clusters = clusters
        self.hosts = hosts
        self.pools = pools
        self.networks = networks
        self.calls = calls
        self._clock = clock
        self.name = ""
        self.add_dialog: AddHostsDialog | None = None

        self.setAccessibleName("cluster detail")
        self.back_button = QPushButton("‹ All clusters", self)
        self.back_button.setToolTip("Back to the list of clusters (Esc, Alt+Left)")
        self.back_button.clicked.connect(self.back_requested)
        self.back_action = QAction("&Back to All Clusters", self)
        self.back_action.setShortcuts([QKeySequence("Escape"), QKeySequence("Alt+Left")])
        self.back_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.back_action.triggered.connect(self.back_requested)
        self.addAction(self.back_action)
        self.header = detail_header(self)
        self.header.subtitle.setObjectName("clusterReason")

        self.summary = SummaryTab(self)
        self.hosts_tab = HostsTab(calls, self)
        self.settings = SettingsTab(calls.update, self)
        self.resources = ResourcesTab(self)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("clusterTabs")
        self.tabs.addTab(self.summary, "Summary")
        self.tabs.addTab(self.hosts_tab, "Hosts")
        self.tabs.addTab(self.settings, "Settings")
        self.tabs.addTab(self.resources, "Pools && networks")

        top = QHBoxLayout()
        top.addWidget(self.back_button, 0, Qt.AlignmentFlag.AlignTop)
        top.addSpacing(8)
        top.addLayout(self.header.layout, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)
        # The tabs' pages were made before the tab widget: Tab would reach it after them.
        set_reading_order(layout)

        for tab in (self.hosts_tab, self.settings):
            tab.notice.connect(self.notice)
        self.hosts_tab.add_requested.connect(self.open_add_dialog)
        for model in (clusters, pools, networks):
            model.batch_applied.connect(self.refresh)
            model.modelReset.connect(self.refresh)
        clusters.dataChanged.connect(self._on_cluster_data)
        hosts.batch_applied.connect(self.refresh)
        # Ages and statuses of hosts tick every second: only the members table follows that.
        hosts.dataChanged.connect(self._refresh_members)

    def set_graph_factory(self, factory: GraphFactory) -> None:
        self.summary.set_graph_factory(factory)

    # --- contents -------------------------------------------------------------------------

    def cluster(self) -> pb.Cluster | None:
        return self.clusters.cluster(self.name)

    def show_cluster(self, name: str) -> None:
        if name != self.name:
            self.tabs.setCurrentIndex(SUMMARY_TAB)
        self.name = name
        self.refresh()

    def refresh(self, *_args: object) -> None:
        if not self.name:
            return
        cluster = self.cluster()
        self.header.title.setText(self.name)
        if cluster is None:
            self.header.badge.setText("GONE")
            set_state_property(self.header.badge, "phase", "unknown")
            self.header.subtitle.setText(GONE)
            self.tabs.setEnabled(False)
            return
        self.tabs.setEnabled(True)
        status = cluster_text.status_of(cluster)
        self.header.badge.setText(cluster_text.status_label(cluster).upper())
        set_state_property(self.header.badge, "phase", badge_state(status))
        self.header.subtitle.setText(cluster.status_message)
        spec = spec_of(cluster)
        self.summary.show_cluster(cluster, self.clusters.latest_usage(self.name))
        self._refresh_members()
        self.settings.show_cluster(
            spec, tuple(cluster.hosts), placed_pools(self.pools), placed_networks(self.networks)
        )
        realizations = {pool.spec.name: pool.realization for pool in self.pools.items()}
        network_realizations = {net.spec.name: net.realization for net in self.networks.networks()}
        self.resources.show_resources(
            (tuple(cluster.pools), realizations, spec.default_pool),
            (tuple(cluster.networks), network_realizations, spec.default_network),
            set(cluster.hosts),
        )

    def _refresh_members(self, *_args: object) -> None:
        cluster = self.cluster()
        if cluster is None:
            return
        self.hosts_tab.show_members(spec_of(cluster), members(cluster, self.hosts, self._clock()))

    def _on_cluster_data(self, top_left: AnyIndex, bottom_right: AnyIndex, *_args: object) -> None:
        row = self.clusters.row_of(self.name) if self.name else None
        if row is not None and top_left.row() <= row <= bottom_right.row():
            cluster = self.cluster()
            if cluster is not None:  # the usage hook moved its bars: the summary says them
                self.summary.show_cluster(cluster, self.clusters.latest_usage(self.name))

    # --- Add hosts… -------------------------------------------------------------------------

    def open_add_dialog(self) -> AddHostsDialog | None:
        cluster = self.cluster()
        if cluster is None:
            return None
        if self.add_dialog is not None:
            self.add_dialog.raise_()
            return self.add_dialog
        dialog = AddHostsDialog(
            spec_of(cluster),
            tuple(cluster.hosts),
            host_choices(self.hosts, self.clusters),
            (placed_pools(self.pools), placed_networks(self.networks)),
            self.calls,
            self,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.added.connect(
            lambda hosts: self.notice.emit(f"Added {', '.join(hosts)} to {self.name}")
        )
        dialog.finished.connect(self._on_add_closed)
        self.add_dialog = dialog
        dialog.open()
        return dialog

    def _on_add_closed(self, *_args: object) -> None:
        self.add_dialog = None
        self.hosts_tab.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def focus_target(self) -> QWidget:
        return self.tabs.tabBar()

    async def stop(self) -> None:
        if self.add_dialog is not None:
            self.add_dialog.reject()
        await self.hosts_tab.stop()
        await self.settings.stop()

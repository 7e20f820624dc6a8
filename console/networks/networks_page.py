"""The Networks page: a card per network (console.kit's card page: tabs, search, live counts),
the selected network's settings and a per-host status table; New network… opens the Create
Network wizard with what the console knows (hosts, switches, networks), Retry and Delete act
on the selected network. Every call goes to the coordinator off the GUI thread; its refusal is
shown as it came."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from clients.coordinator import CoordinatorClient
from clients.present_networks import dhcp_text, optional, type_label, vlan_text
from console.connection import EndpointSource
from console.kit.card_model import KEY_ROLE
from console.kit.card_page import CardPage, CardPageNames, CardPageTexts, CardTab
from console.kit.host_table import HostStatusTable
from console.kit.phase_text import phase_label
from console.models.hosts_model import HostsModel
from console.models.pools_model import FilterTab
from console.networks.create_network_wizard import CreateNetworkWizard
from console.networks.networks_model import NetworksModel, where_text
from console.networks.switches_model import SwitchesModel
from console.networks.wizard_inputs import (
    HostInfo,
    NetworkWizardInputs,
    PortGroupInfo,
    SwitchInfo,
)
from console.pool_ops import call_coordinator
from console.watch import EmptyListTexts
from domain.networks import NetworkSpec, NetworkType
from proto.quantix.v1 import coordinator_pb2 as pb
from wire.network_codec import network_from_pb, network_to_pb

TABS: tuple[CardTab[FilterTab], ...] = (
    CardTab(FilterTab.ALL, "A&ll", "Every network"),
    CardTab(FilterTab.READY, "Read&y", "Ready on every host it spans", "ready"),
    CardTab(FilterTab.DEGRADED, "De&graded", "Ready on some hosts, not on others", "degraded"),
    CardTab(FilterTab.ERROR, "&Error", "Ready on no host", "in error"),
    CardTab(FilterTab.PENDING, "&Pending", "Being set up or deleted", "pending"),
)
EMPTY_TEXTS = EmptyListTexts(
    "Connect to a coordinator to see its networks (File › Connect to Coordinator…).",
    "The coordinator cannot be reached yet (see the status bar).\n"
    "Its networks appear here as soon as it answers.",
    "Loading networks from the coordinator…",
    "No networks yet.\nCreate one with New network… (Ctrl+N): NAT, isolated, bridged to a host "
    "bridge, or on a distributed switch's port group.",
)
TEXTS = CardPageTexts("Networks", "network", "Network name", EMPTY_TEXTS)
NAMES = CardPageNames(
    "networkSearch", "networkFilterTabs", "Filter networks by phase", "networkCards", "Networks"
)
NO_SELECTION = "Select a network to see its settings and each host's status."


def settings_text(network: pb.Network) -> str:
    spec = network_from_pb(network.spec)
    lines = [f"{type_label(spec.type)} · {where_text(network)}"]
    if spec.type.has_addressing:
        lines.append(f"Gateway {spec.gateway} · DHCP {dhcp_text(spec)}")
        if spec.leases:
            lines.append(f"Static leases: {len(spec.leases)}")
        dns = ", ".join(spec.dns_servers) or "the host's"
        lines.append(f"DNS {dns} · domain {optional(spec.dns_domain)}")
        if spec.ipv6_prefix:
            lines.append(f"IPv6 {spec.ipv6_prefix}")
    if spec.type is NetworkType.PORT_GROUP:
        lines.append(f"VLAN: {vlan_text(spec.vlan)}")
    lines.append(f"MTU {spec.mtu or 'default'} · hosts: {', '.join(spec.hosts) or 'every host'}")
    if spec.description:
        lines.append(spec.description)
    return "\n".join(lines)


class NetworksPage(CardPage[FilterTab]):
    notice = Signal(str)  # a finished action, for the status bar ("Retry requested for lab")

    def __init__(
        self,
        networks: NetworksModel,
        switches: SwitchesModel,
        hosts: HostsModel,
        endpoint: EndpointSource,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(TEXTS, NAMES, TABS, networks, parent)
        self.setObjectName("networksPage")
        self.networks = networks
        self.switches = switches
        self.hosts = hosts
        self._endpoint = endpoint
        self._selected_key = ""
        self._select_when_added = ""
        # Calls under way: held because qasync holds tasks weakly.
        self._tasks: set[asyncio.Task[None]] = set()
        self.wizard: CreateNetworkWizard | None = None

        self.new_action = QAction("&New network…", self)
        self.new_action.setShortcut(QKeySequence("Ctrl+N"))
        self.new_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.new_action.triggered.connect(self.open_wizard)
        self.addAction(self.new_action)
        self.new_button = QPushButton("&New network…", self)
        self.new_button.setObjectName("primaryButton")
        self.new_button.setToolTip("Create a network (Ctrl+N)")
        self.new_button.clicked.connect(self.open_wizard)
        self.add_button(self.new_button)

        detail = QWidget(self)
        self.title = QLabel(NO_SELECTION, detail)
        self.title.setObjectName("detailTitle")
        self.title.setWordWrap(True)
        self.settings = QLabel(detail)
        self.settings.setObjectName("networkSettings")
        self.settings.setWordWrap(True)
        self.settings.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.retry_button = QPushButton("&Retry", detail)
        self.retry_button.setToolTip("Initialize again on every host where it is not ready")
        self.retry_button.clicked.connect(self.retry)
        self.delete_button = QPushButton("&Delete…", detail)
        self.delete_button.clicked.connect(self.confirm_delete)
        self.host_table = HostStatusTable((), "No host has this network yet", detail)
        layout = QVBoxLayout(detail)
        layout.setContentsMargins(8, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.settings)
        actions = QHBoxLayout()
        actions.addWidget(self.retry_button)
        actions.addWidget(self.delete_button)
        actions.addStretch(1)
        layout.addLayout(actions)
        layout.addWidget(self.host_table, 1)
        self.detail = detail
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self.cards_stack)
        splitter.addWidget(detail)
        splitter.setStretchFactor(0, 1)
        splitter.setSizes([640, 520])
        detail.setMinimumWidth(420)
        self.lay_out(splitter)

        for signal in (
            networks.rowsInserted,
            networks.rowsRemoved,
            networks.modelReset,
            networks.synced,
            networks.batch_applied,
        ):
            signal.connect(self._on_rows_changed)
        networks.batch_applied.connect(self._show_selected)
        self.view.selectionModel().currentChanged.connect(self._on_current_changed)
        self.setTabOrder(self.new_button, self.search_edit)
        self._on_rows_changed()
        self._show_selected()

    # --- what the card page asks ------------------------------------------------------------

    def tab_counts(self, search: str = "") -> dict[FilterTab, int]:
        return self.networks.tab_counts(search)

    def is_synced(self) -> bool:
        return self.networks.is_synced

    def focus_target(self) -> QWidget:
        return self.view if self.cards_stack.currentWidget() is self.view else self.new_button

    # --- selection --------------------------------------------------------------------------

    def selected_network(self) -> pb.Network | None:
        return self.networks.network(self._selected_key) if self._selected_key else None

    def select_network(self, name: str) -> bool:
        row = self.networks.row_of(name)
        if row is None:
            return False
        index = self.proxy.mapFromSource(self.networks.index(row, 0))
        if not index.isValid():
            self.set_tab(FilterTab.ALL)
            self.search_edit.clear()
            index = self.proxy.mapFromSource(self.networks.index(row, 0))
        self.view.setCurrentIndex(index)
        return True

    def _on_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self._selected_key = str(current.data(KEY_ROLE) or "") if current.isValid() else ""
        self._show_selected()

    def _show_selected(self) -> None:
        network = self.selected_network()
        self.retry_button.setEnabled(network is not None)
        self.delete_button.setEnabled(network is not None)
        if network is None:
            self.title.setText(NO_SELECTION)
            self.settings.setText("")
            self.host_table.show_hosts(())
            return
        realization = network.realization
        self.title.setText(f"{network.spec.name} — {phase_label(realization.phase)}")
        message = f"\n{realization.message}" if realization.message else ""
        self.settings.setText(settings_text(network) + message)
        self.host_table.show_hosts(realization.hosts)

    # --- actions ----------------------------------------------------------------------------

    def wizard_inputs(self) -> NetworkWizardInputs:
        hosts = tuple(
            HostInfo(node.name, node.status == pb.NODE_STATUS_CONNECTED)
            for node in (self.hosts.node_at(row) for row in range(self.hosts.rowCount()))
        )
        switches = tuple(
            SwitchInfo(
                s.spec.name,
                s.spec.mtu,
                tuple(PortGroupInfo(g.name, g.vlan) for g in s.spec.port_groups),
            )
            for s in self.switches.switches()
        )
        networks = tuple(network_from_pb(n.spec) for n in self.networks.networks())
        return NetworkWizardInputs(hosts, switches, networks)

    def open_wizard(self) -> CreateNetworkWizard:
        if self.wizard is not None:
            self.wizard.raise_()
            return self.wizard
        wizard = CreateNetworkWizard(self.wizard_inputs(), self._create, self)
        wizard.created.connect(lambda spec: self._on_created(spec.name))
        wizard.finished.connect(self._on_wizard_closed)
        self.wizard = wizard
        wizard.open()
        return wizard

    async def _create(self, spec: NetworkSpec) -> None:
        message = network_to_pb(spec)
        result = await call_coordinator(
            self._endpoint(), lambda client: client.create_network(message), "creating network"
        )
        if result.failure is not None:
            raise RuntimeError(result.failure.text)

    def _on_created(self, name: str) -> None:
        self.notice.emit(f"Network {name} created: initializing on its hosts")
        self._select_when_added = name
        if not self.select_network(name):
            self.networks.rowsInserted.connect(
                self._select_new, Qt.ConnectionType.SingleShotConnection
            )

    def _select_new(self, *_args: object) -> None:
        self.select_network(self._select_when_added)

    def _on_wizard_closed(self, *_args: object) -> None:
        self.wizard = None

    def retry(self) -> None:
        network = self.selected_network()
        if network is not None:
            name = network.spec.name
            self._run(
                lambda client: client.retry_network(name), f"Retry requested for {name}", "retrying"
            )

    def confirm_delete(self) -> None:
        network = self.selected_network()
        if network is None:
            return
        name = network.spec.name
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "Delete network",
            f"Delete network {name} from {len(network.realization.hosts)} host(s)? "
            "Guests attached to it lose their network.",
            QMessageBox.StandardButton.Cancel,
            self,
        )
        delete = box.addButton("&Delete", QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.finished.connect(
            lambda _r: (
                box.clickedButton() is delete
                and self._run(
                    lambda client: client.delete_network(name),
                    f"Network {name} deleted",
                    "deleting",
                )
            )
        )
        box.open()

    def _run(
        self, call: Callable[[CoordinatorClient], Awaitable[object]], done: str, doing: str
    ) -> None:
        async def run() -> None:
            result = await call_coordinator(self._endpoint(), call, f"{doing} a network")
            self.notice.emit(done if result.failure is None else result.failure.text)

        task = asyncio.ensure_future(run())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def stop(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

"""The Networks page: a card per network (console.kit's card page: tabs, search, live counts),
the selected network's settings and a per-host status table; New network… opens the Create
Network wizard with what the console knows (hosts, switches, networks), Retry and Delete act
on the selected network. Networks the hosts have that Quantix did not create are Unmanaged cards
(after the managed ones, in the Unmanaged tab and in All) with Ad&opt… (console.networks.
adopt_network_dialog). Every call goes to the coordinator off the GUI thread; its refusal is
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
from console.discovered_text import UNMANAGED_LABEL
from console.kit.card_model import KEY_ROLE
from console.kit.card_page import UNMANAGED_PREFIX, CardPage, CardPageNames, CardPageTexts, CardTab
from console.kit.commands import acts_on_selection, key_alias
from console.kit.host_table import HostStatusTable
from console.kit.palette_items import PaletteObject, model_objects
from console.kit.phase_text import phase_label
from console.models.hosts_model import HostsModel
from console.models.pool_filter import PoolCards
from console.models.pools_model import DISCOVERED_ROLE, FilterTab
from console.networks import discovered_networks_model as found_text
from console.networks.adopt_network_dialog import AdoptNetworkDialog
from console.networks.create_network_wizard import CreateNetworkWizard
from console.networks.discovered_networks_model import DiscoveredNetworksModel
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
from console.widgets.detail_parts import action_button
from domain.networks import NetworkSpec, NetworkType
from proto.quantix.v1 import coordinator_pb2 as pb
from wire.network_codec import network_from_pb, network_to_pb

TABS: tuple[CardTab[FilterTab], ...] = (
    CardTab(FilterTab.ALL, "A&ll", "Every network"),
    CardTab(FilterTab.READY, "Read&y", "Ready on every host it spans", "ready"),
    CardTab(FilterTab.DEGRADED, "De&graded", "Ready on some hosts, not on others", "degraded"),
    CardTab(FilterTab.ERROR, "&Error", "Ready on no host", "in error"),
    CardTab(FilterTab.PENDING, "&Pending", "Being set up or deleted", "pending"),
    CardTab(
        FilterTab.UNMANAGED,
        "Un&managed",
        "Networks the hosts have that Quantix did not create",
        "unmanaged",
    ),
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


def discovered_settings_text(found: pb.DiscoveredNetwork, name_taken: bool) -> str:
    """An Unmanaged network's facts as its hosts reported them, and how (or why not) to adopt
    it."""
    hosts = [
        f"{h.host}: {found_text.state_label(h)}" for h in sorted(found.hosts, key=lambda h: h.host)
    ]
    return "\n".join(
        [
            f"{found_text.mode_label(found)} · {found_text.where_text(found)}",
            f"Hosts: {', '.join(hosts) or 'none'}",
            found_text.note(found, name_taken),
        ]
    )


class NetworksPage(CardPage[FilterTab]):
    notice = Signal(str)  # a finished action, for the status bar ("Retry requested for lab")

    def __init__(
        self,
        networks: NetworksModel,
        switches: SwitchesModel,
        hosts: HostsModel,
        endpoint: EndpointSource,
        parent: QWidget | None = None,
        discovered: DiscoveredNetworksModel | None = None,
    ) -> None:
        discovered = discovered if discovered is not None else DiscoveredNetworksModel()
        super().__init__(TEXTS, NAMES, TABS, PoolCards(networks, discovered), parent)
        self.setObjectName("networksPage")
        self.cards.setParent(self)
        if discovered.parent() is None:  # made here: the page keeps it
            discovered.setParent(self)
        self.networks = networks
        self.discovered = discovered
        self.switches = switches
        self.hosts = hosts
        self._endpoint = endpoint
        self._selected_key = ""
        # Whether the selected card is an Unmanaged one (a name can be both kinds of card).
        self._selected_unmanaged = False
        self._select_when_added = ""
        # Calls under way: held because qasync holds tasks weakly.
        self._tasks: set[asyncio.Task[None]] = set()
        self.wizard: CreateNetworkWizard | None = None
        self.adopt_dialog: AdoptNetworkDialog | None = None

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
        self.retry_action = self._selection_action(
            "&Retry", "Initialize again on every host where it is not ready", self.retry
        )
        self.delete_action = self._selection_action(
            "&Delete…", "Delete the network from its hosts and Quantix", self.confirm_delete
        )
        self.adopt_action = self._selection_action(
            "Ad&opt…", found_text.ADOPT_TIP, self.open_adopt_dialog
        )
        # Del on the card grid (in the search field it deletes characters).
        key_alias(self.delete_action, self.view, QKeySequence.StandardKey.Delete)
        self.retry_button = action_button(self.retry_action, detail)
        self.delete_button = action_button(self.delete_action, detail)
        self.adopt_button = action_button(self.adopt_action, detail)
        self.host_table = HostStatusTable((), "No host has this network yet", detail)
        layout = QVBoxLayout(detail)
        layout.setContentsMargins(8, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.settings)
        actions = QHBoxLayout()
        actions.addWidget(self.retry_button)
        actions.addWidget(self.delete_button)
        actions.addWidget(self.adopt_button)
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

        for model in (networks, discovered):
            for signal in (
                model.rowsInserted,
                model.rowsRemoved,
                model.modelReset,
                model.synced,
                model.batch_applied,
            ):
                signal.connect(self._on_rows_changed)
            model.batch_applied.connect(self._on_batch_applied)
        # An Unmanaged card says when a managed network holds its name (it cannot be adopted).
        networks.batch_applied.connect(self._on_networks_changed)
        self._on_networks_changed()
        self.view.selectionModel().currentChanged.connect(self._on_current_changed)
        self._on_rows_changed()
        self._show_selected()

    def _selection_action(self, text: str, tip: str, run: Callable[[], object]) -> QAction:
        """An action on the selected network: its button, the Actions menu and the palette."""
        action = QAction(text, self)
        action.setToolTip(tip)
        action.triggered.connect(lambda _checked=False: run())
        self.addAction(acts_on_selection(action))
        return action

    # --- what the card page asks ------------------------------------------------------------

    def tab_counts(self, search: str = "") -> dict[FilterTab, int]:
        return self.cards.tab_counts(search)

    def is_synced(self) -> bool:
        return self.cards.is_synced

    def focus_target(self) -> QWidget:
        return self.view if self.cards_stack.currentWidget() is self.view else self.new_button

    # --- selection --------------------------------------------------------------------------

    def selected_network(self) -> pb.Network | None:
        if not self._selected_key or self._selected_unmanaged:
            return None
        return self.networks.network(self._selected_key)

    def selected_discovered(self) -> pb.DiscoveredNetwork | None:
        if not self._selected_key or not self._selected_unmanaged:
            return None
        return self.discovered.network(self._selected_key)

    def palette_objects(self) -> list[PaletteObject]:
        """Managed and unmanaged networks, for the command palette."""
        return model_objects(
            self.networks,
            "network",
            lambda network: network.spec.name,
            actions=(self.retry_action, self.delete_action),
        ) + model_objects(
            self.discovered,
            "unmanaged network",
            lambda found: found.name,
            UNMANAGED_PREFIX,
            actions=(self.adopt_action,),
        )

    def reveal_object(self, key: str) -> bool:
        return self.reveal_card(key, self.networks, self.discovered)

    def select_network(self, name: str) -> bool:
        """Select the card of the managed network ``name``."""
        return self.select_card(self.networks, name)

    def select_discovered(self, key: str) -> bool:
        """Select the Unmanaged card of the discovered network ``key``."""
        return self.select_card(self.discovered, key)

    def _on_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self._selected_key = str(current.data(KEY_ROLE) or "") if current.isValid() else ""
        self._selected_unmanaged = current.isValid() and current.data(DISCOVERED_ROLE) is not None
        self._show_selected()

    def _on_networks_changed(self) -> None:
        self.discovered.set_taken_names({n.spec.name for n in self.networks.networks()})

    def _on_batch_applied(self) -> None:
        if (
            self._selected_key
            and (
                self.selected_discovered() if self._selected_unmanaged else self.selected_network()
            )
            is None
        ):
            self._selected_key = ""  # adopted, deleted, or gone from its hosts
        self._show_selected()

    def _can_adopt(self, found: pb.DiscoveredNetwork | None) -> bool:
        return (
            found is not None
            and found.adoptable
            and self.networks.network(found.name) is None
            and self.adopt_dialog is None
        )

    def _show_selected(self) -> None:
        network = self.selected_network()
        found = self.selected_discovered()
        self.retry_action.setEnabled(network is not None)
        self.delete_action.setEnabled(network is not None)
        self.adopt_button.setVisible(found is not None)
        self.adopt_action.setEnabled(self._can_adopt(found))
        if found is not None:
            taken = self.networks.network(found.name) is not None
            self.title.setText(f"{found.name} — {UNMANAGED_LABEL}")
            self.settings.setText(discovered_settings_text(found, taken))
            self.host_table.show_hosts(())
            return
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
        self._on_created_select(name)

    def _on_created_select(self, name: str) -> None:
        """Select ``name``'s card, now or when it arrives from Watch."""
        self._select_when_added = name
        if not self.select_network(name):
            self.networks.rowsInserted.connect(
                self._select_new, Qt.ConnectionType.SingleShotConnection
            )

    def _select_new(self, *_args: object) -> None:
        self.select_network(self._select_when_added)

    def _on_wizard_closed(self, *_args: object) -> None:
        self.wizard = None

    def open_adopt_dialog(self) -> AdoptNetworkDialog | None:
        found = self.selected_discovered()
        if not self._can_adopt(found):
            return None
        assert found is not None
        dialog = AdoptNetworkDialog(found, self.discovered.named(found.name), self._endpoint, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.adopted.connect(self._on_adopted)
        dialog.finished.connect(self._on_adopt_closed)
        self.adopt_dialog = dialog
        self._show_selected()
        dialog.open()
        return dialog

    def _on_adopted(self, network: pb.Network) -> None:
        name = network.spec.name
        hosts = ", ".join(network.spec.hosts)
        self.notice.emit(f"Adopted {name}{f' on {hosts}' if hosts else ''}: Quantix manages it now")
        self._on_created_select(name)

    def _on_adopt_closed(self, *_args: object) -> None:
        self.adopt_dialog = None
        self._show_selected()
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)

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

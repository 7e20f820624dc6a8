"""The Networks page (networks as status cards, the Create Network wizard) and the Switches
page (each switch's hosts x uplinks), with their Watch-fed models, registered.

Modules are imported by the factories (see console.hosts.feature)."""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

from console.kit import watch_kinds
from console.kit.pages import PageContext, PageRegistry, PageSpec, WatchFed, WatchModelSpec


def make_networks_model(parent: QObject) -> WatchFed:
    from console.networks.networks_model import NetworksModel

    return NetworksModel(parent)


def make_discovered_model(parent: QObject) -> WatchFed:
    from console.networks.discovered_networks_model import DiscoveredNetworksModel

    return DiscoveredNetworksModel(parent)


def make_switches_model(parent: QObject) -> WatchFed:
    from console.networks.switches_model import SwitchesModel

    return SwitchesModel(parent)


def make_networks_page(context: PageContext) -> QWidget:
    from console.models.hosts_model import HostsModel
    from console.networks.discovered_networks_model import DiscoveredNetworksModel
    from console.networks.networks_model import NetworksModel
    from console.networks.networks_page import NetworksPage
    from console.networks.switches_model import SwitchesModel

    return NetworksPage(
        context.model("networks", NetworksModel),
        context.model("switches", SwitchesModel),
        context.model("hosts", HostsModel),
        context.endpoint,
        context.window,
        context.model("discovered_networks", DiscoveredNetworksModel),
    )


def make_switches_page(context: PageContext) -> QWidget:
    from console.models.hosts_model import HostsModel
    from console.networks.switches_model import SwitchesModel
    from console.networks.switches_page import SwitchesPage

    return SwitchesPage(
        context.model("switches", SwitchesModel),
        context.window,
        hosts=context.model("hosts", HostsModel),
        endpoint=context.endpoint,
    )


def register(registry: PageRegistry) -> None:
    registry.add_model(
        WatchModelSpec("networks", (watch_kinds.OBJECT_KIND_NETWORK,), make_networks_model)
    )
    registry.add_model(
        WatchModelSpec(
            "discovered_networks",
            (watch_kinds.OBJECT_KIND_DISCOVERED_NETWORK,),
            make_discovered_model,
        )
    )
    registry.add_model(
        WatchModelSpec("switches", (watch_kinds.OBJECT_KIND_SWITCH,), make_switches_model)
    )
    registry.add_page(PageSpec("networks", "Networks", 50, "Ctrl+5", make_networks_page))
    registry.add_page(PageSpec("switches", "Switches", 70, "Ctrl+7", make_switches_page))

"""Adopt a network Quantix did not create: tick its hosts → review the network the coordinator
read back from them (AdoptNetwork with ``dry_run``) → Adopt (console.dialogs.adopt_dialog).

The hosts listed are every host with an unmanaged network of that name, including hosts whose
definition differs from the card's (they are separate cards): AdoptNetwork takes a name, and
refuses hosts that differ, naming the setting.
"""

from __future__ import annotations

from collections.abc import Awaitable, Sequence

from PySide6.QtWidgets import QWidget

from clients.present_networks import dhcp_text, type_label
from console import pool_ops, pool_text
from console.connection import EndpointSource
from console.dialogs.adopt_dialog import AdoptDialog, AdoptHost
from console.networks import discovered_networks_model as found_text
from console.networks.networks_model import where_text
from domain.errors import ValidationError
from proto.quantix.v1 import coordinator_pb2 as pb
from wire.network_codec import network_from_pb

REVIEW_NOTE = (
    "Adopt stores the network in Quantix and checks it on each host: its definition and the "
    "guests on it stay as they are. From then on it is a managed card like any other."
)


def review_rows(network: pb.Network) -> list[pool_text.SettingRow]:
    """The network the coordinator read back, in the Networks page's words."""
    rows = [pool_text.SettingRow("Name", network.spec.name)]
    try:
        spec = network_from_pb(network.spec)
    except ValidationError as error:
        rows.append(pool_text.SettingRow("Settings", f"Not readable: {error}"))
    else:
        rows.append(pool_text.SettingRow("Type", type_label(spec.type)))
        rows.append(pool_text.SettingRow("Where", where_text(network)))
        if spec.type.has_addressing:
            rows.append(pool_text.SettingRow("Bridge", spec.bridge or "Chosen by libvirt"))
            rows.append(pool_text.SettingRow("Gateway", spec.gateway))
            rows.append(pool_text.SettingRow("DHCP", dhcp_text(spec)))
    hosts = list(network.spec.hosts)
    rows.append(pool_text.SettingRow("Hosts", pool_text.join_names(hosts) if hosts else "None"))
    return rows


def _hosts(same_name: Sequence[pb.DiscoveredNetwork]) -> list[AdoptHost]:
    entries: dict[str, AdoptHost] = {}
    for found in same_name:
        for host in found.hosts:
            entries.setdefault(
                host.host,
                AdoptHost(host.host, found_text.adopt_host_text(host), found_text.chip_phase(host)),
            )
    return list(entries.values())


class AdoptNetworkDialog(AdoptDialog):
    def __init__(
        self,
        network: pb.DiscoveredNetwork,
        same_name: Sequence[pb.DiscoveredNetwork],
        endpoint: EndpointSource,
        parent: QWidget | None = None,
    ) -> None:
        self._endpoint = endpoint
        intro = (
            f"Quantix reads the definition of <b>{network.name}</b> "
            f"({found_text.mode_label(network)}, {found_text.where_text(network)}) back from "
            "each ticked host and manages the network from then on, as it is: nothing changes "
            "on the hosts. Hosts whose definitions differ are refused, naming the setting."
        )
        definitions = [network, *(n for n in same_name if n.key != network.key)]
        super().__init__(network.name, "network", intro, _hosts(definitions), REVIEW_NOTE, parent)
        self.setObjectName("adoptNetworkDialog")

    def call(self, hosts: list[str], dry_run: bool) -> Awaitable[pool_ops.Result[pb.Network]]:
        name = self.name
        return pool_ops.call_coordinator(
            self._endpoint(),
            lambda client: client.adopt_network(name, hosts, dry_run),
            "adopting a network",
        )

    def review_rows(self, value: pb.Network) -> list[pool_text.SettingRow]:
        return review_rows(value)

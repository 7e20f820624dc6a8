"""Networks Quantix did not create, one Unmanaged card each, fed by Watch
(OBJECT_KIND_DISCOVERED_NETWORK), as the Storage page shows unmanaged pools
(console.models.discovered_cards).

A card says its forward mode in words, its bridge and subnets, its hosts with libvirt's state on
each (active or not), and whether it can be adopted: the coordinator's reason when its mode is
one Quantix does not manage, or a managed network holding its name.
"""

from __future__ import annotations

from PySide6.QtCore import QObject

from console import discovered_text
from console.kit.status_card import HostChip, StatusCard
from console.models.discovered_cards import DiscoveredCardModel
from console.models.pools_model import DISCOVERED_ROLE
from domain.capacity import Usage
from proto.quantix.v1 import common_pb2 as cpb
from proto.quantix.v1 import coordinator_pb2 as pb

# libvirt's forward modes in words; "" is a network without one (isolated).
FORWARD_MODES = {
    "": "Isolated",
    "nat": "NAT",
    "bridge": "Bridged",
    "route": "Routed",
    "open": "Open",
    "private": "Private (macvtap)",
    "vepa": "VEPA (macvtap)",
    "passthrough": "Passthrough (macvtap)",
    "hostdev": "Host device",
}
ADOPTABLE_NOTE = "Not managed by Quantix. Adopt… reads its settings from its hosts and manages it."
ADOPT_TIP = "Manage this network with Quantix, as its hosts define it"


def mode_label(network: pb.DiscoveredNetwork) -> str:
    """``"NAT"``, ``"Isolated"``; an unknown mode by its raw name, never dropped."""
    return FORWARD_MODES.get(network.forward_mode, f"“{network.forward_mode}”")


def where_text(network: pb.DiscoveredNetwork) -> str:
    """``"virbr0 · 192.168.122.1/24"``."""
    parts = [f"bridge {network.bridge}" if network.bridge else "no bridge"]
    parts.append(", ".join(network.subnets) or "no subnet")
    return " · ".join(parts)


def state_label(host: pb.DiscoveredNetworkHost) -> str:
    return "Active" if host.active else "Inactive"


def chip_phase(host: pb.DiscoveredNetworkHost) -> int:
    """Active is fine, inactive is idle (the tones of an unmanaged pool's states)."""
    return cpb.PHASE_READY if host.active else cpb.PHASE_OFFLINE


def name_taken_note(name: str) -> str:
    return f"Cannot be adopted as {name}: Quantix already manages another network of that name."


def note(network: pb.DiscoveredNetwork, name_taken: bool = False) -> str:
    """How to adopt it, or why it cannot be (the coordinator's whole sentence)."""
    if not network.adoptable:
        return network.not_adoptable_reason or f"{mode_label(network)} networks cannot be adopted"
    return name_taken_note(network.name) if name_taken else ADOPTABLE_NOTE


def card_note(network: pb.DiscoveredNetwork, name_taken: bool = False) -> str:
    """The card's shorter words: the coordinator's reason up to the modes it lists."""
    reason = note(network, name_taken)
    if network.adoptable:
        return reason
    head, sep, _modes = reason.partition(": ")
    return f"Read-only: {head}." if sep else reason


def adopt_host_text(host: pb.DiscoveredNetworkHost) -> str:
    """``host-b — Active``, autostart or not."""
    autostart = "starts with the host" if host.autostart else "not started with the host"
    return f"{host.host} — {state_label(host)} · {autostart}"


def card_of_discovered(network: pb.DiscoveredNetwork, name_taken: bool = False) -> StatusCard:
    return StatusCard(
        name=network.name,
        icon="network.svg",
        kind_label=mode_label(network),
        phase=discovered_text.PHASE_UNMANAGED,
        phase_label=discovered_text.UNMANAGED_LABEL,
        source=where_text(network),
        description=card_note(network, name_taken),
        capacity=f"libvirt forward mode “{network.forward_mode or 'none'}”",
        fraction=None,
        usage=Usage.UNKNOWN,
        chips=tuple(
            HostChip(h.host, chip_phase(h), state_label(h))
            for h in sorted(network.hosts, key=lambda h: h.host)
        ),
        banner="",
        hosts_summary=discovered_text.hosts_summary(network),
        managed=False,
        gauge=False,
    )


class DiscoveredNetworksModel(DiscoveredCardModel[pb.DiscoveredNetwork]):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(
            pb.OBJECT_KIND_DISCOVERED_NETWORK,
            "discovered_network",
            DISCOVERED_ROLE,
            parent,
        )

    def card_of(self, item: pb.DiscoveredNetwork, name_taken: bool) -> StatusCard:
        return card_of_discovered(item, name_taken)

    def network(self, key: str) -> pb.DiscoveredNetwork | None:
        return self.item(key)

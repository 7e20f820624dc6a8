"""The networks the coordinator manages, as status cards (console.kit.card_model), fed by Watch.

A network's card says what it is (NAT, isolated, bridged, a switch's port group), where (its
subnet, bridge or port group with VLAN), its phase and a chip per host; a network that is not
READY everywhere carries the coordinator's message as its banner.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt

from clients import present
from clients.present_networks import type_label
from console.kit.card_model import CardListModel
from console.kit.phase_text import phase_label
from console.kit.status_card import StatusCard, host_chips, ready_summary
from console.models.pools_model import FilterTab, phase_tab_counts
from domain.capacity import Usage
from domain.networks import NetworkType
from domain.switches import vlan_text
from proto.quantix.v1 import common_pb2 as cpb
from proto.quantix.v1 import coordinator_pb2 as pb
from wire.network_codec import network_from_pb

NETWORK_ROLE = Qt.ItemDataRole.UserRole + 1  # the pb.Network of the row


def where_text(network: pb.Network) -> str:
    """``"10.20.0.0/24"``, ``"bridge br0"``, ``"dvs1 / guests (VLAN 20)"``."""
    spec = network_from_pb(network.spec)
    if spec.type is NetworkType.BRIDGED:
        return f"bridge {spec.bridge}"
    if spec.type is NetworkType.PORT_GROUP:
        return f"{spec.switch} / {spec.port_group} ({vlan_text(spec.vlan)})"
    return spec.subnet


def card_of(network: pb.Network, now: float) -> StatusCard:
    spec = network_from_pb(network.spec)
    realization = network.realization
    failing = realization.phase in (cpb.PHASE_ERROR, cpb.PHASE_DEGRADED) or (
        realization.phase == cpb.PHASE_PENDING
        and any(h.phase in (cpb.PHASE_ERROR, cpb.PHASE_OFFLINE) for h in realization.hosts)
    )
    return StatusCard(
        name=spec.name,
        icon="network.svg",
        kind_label=type_label(spec.type),
        phase=realization.phase,
        phase_label=phase_label(realization.phase),
        source=where_text(network),
        description=spec.description,
        capacity=f"MTU {spec.mtu}" if spec.mtu else "MTU default",
        fraction=None,
        usage=Usage.UNKNOWN,
        chips=host_chips(realization.hosts),
        banner=present.realization_message(realization, now) if failing else "",
        gauge=False,
        hosts_summary=ready_summary(realization) + ("" if spec.hosts else " (every host)"),
    )


def _name_order(network: pb.Network) -> tuple[str, str]:
    return (network.spec.name.casefold(), network.spec.name)


class NetworksModel(CardListModel[pb.Network]):
    def __init__(
        self, parent: QObject | None = None, clock: Callable[[], float] = time.time
    ) -> None:
        super().__init__(
            pb.OBJECT_KIND_NETWORK,
            "network",
            NETWORK_ROLE,
            parent,
            sort_key=_name_order,
            clock=clock,
        )

    def make_card(self, item: pb.Network, now: float) -> StatusCard:
        return card_of(item, now)

    def ticks(self, item: pb.Network) -> bool:
        return any(h.phase == cpb.PHASE_OFFLINE for h in item.realization.hosts)

    def network(self, key: str) -> pb.Network | None:
        return self.item(key)

    def networks(self) -> list[pb.Network]:
        return list(self._items)

    def tab_counts(self, search: str = "") -> dict[FilterTab, int]:
        """The Storage page's tabs: Unmanaged holds no managed network (0)."""
        return phase_tab_counts(self, search)

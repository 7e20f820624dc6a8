"""Step 6: every value as it will be created, then Create. The wizard submits from here; a
refusal stays on this page, in full (``SubmitReviewPage``)."""

from __future__ import annotations

from collections.abc import Callable

from clients.present_networks import (
    dhcp_text,
    lease_text,
    mtu_text,
    optional,
    type_label,
    vlan_text,
)
from console.networks.wizard_inputs import SwitchInfo
from console.pool_text import SettingRow
from console.wizards.submit_review_page import SubmitReviewPage
from domain.networks import NetworkSpec, NetworkType

NEXT_TEXT = (
    "Create stores the network and sets it up on every host it spans at once; each host's "
    "progress, and the reason for any that fails, show with the network."
)


class ReviewPage(SubmitReviewPage):
    invalid_title = "The network settings are not valid"

    def __init__(
        self,
        spec: Callable[[], NetworkSpec],
        switch: Callable[[], SwitchInfo | None],
        hosts_text: Callable[[], str],
    ) -> None:
        super().__init__(
            "Check the settings. Back changes them; nothing is created until Create.", NEXT_TEXT
        )
        self._spec = spec
        self._switch = switch
        self._hosts_text = hosts_text

    def rows(self) -> list[SettingRow]:
        spec = self._spec()
        rows = [
            SettingRow("Type", type_label(spec.type)),
            SettingRow("Name", spec.name),
            SettingRow("Description", optional(spec.description)),
        ]
        if spec.type.has_addressing:
            rows += [
                SettingRow("Subnet", spec.subnet),
                SettingRow("Gateway", spec.gateway),
                SettingRow("DHCP range", dhcp_text(spec)),
                SettingRow("Static leases", "\n".join(map(lease_text, spec.leases)) or "None"),
                SettingRow("DNS servers", ", ".join(spec.dns_servers) or "None"),
                SettingRow("DNS domain", optional(spec.dns_domain)),
                SettingRow("IPv6 prefix", optional(spec.ipv6_prefix)),
            ]
        switch = self._switch()
        if spec.type is NetworkType.BRIDGED:
            rows.append(SettingRow("Host bridge", spec.bridge))
        elif spec.type is NetworkType.PORT_GROUP:
            existing = switch is not None and spec.port_group in switch.port_group_vlans()
            rows += [
                SettingRow("Switch", spec.switch),
                SettingRow(
                    "Port group", f"{spec.port_group} ({'existing' if existing else 'new'})"
                ),
                SettingRow("VLAN", vlan_text(spec.vlan)),
            ]
        rows += [
            SettingRow("MTU", mtu_text(spec.mtu, switch.mtu if switch is not None else 0)),
            SettingRow("Hosts", self._hosts_text()),
        ]
        return rows

"""Step 3 (NAT and isolated only): the subnet and what runs on it - gateway, DHCP range,
static leases, DNS, an optional IPv6 prefix.

Typing a subnet fills in the domain's suggestions (10.20.0.0/24: gateway 10.20.0.1, DHCP
10.20.0.100-10.20.0.200) in the fields the user has not edited. Each field is checked alone
as typed, then the whole addressing by ``validate_network`` as the servers run it, its rule
shown next to the field it names. A subnet overlapping another network is refused here when
that network is on every host (no choice of hosts avoids it), and flagged otherwise: the Hosts
page refuses it only on hosts both networks would share.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit

from console.networks.wizard_pages.leases_table import LeasesTable
from console.wizards.fields_page import FieldsPage
from domain.errors import ValidationError
from domain.network_addressing import (
    parse_dns_servers,
    parse_ipv4,
    parse_ipv4_network,
    parse_ipv6_network,
    suggest,
)
from domain.networks import NetworkSpec, check_no_overlap, validate_network
from domain.validation import validate_hostname

OVERLAP_ELSEWHERE = "; the Hosts page can leave out the hosts it shares, or choose another subnet"


def _optional(parse: Callable[[str, str], object], field: str) -> Callable[[str], object]:
    return lambda text: parse(text, field) if text else ""


class AddressingPage(FieldsPage):
    def __init__(
        self,
        base: Callable[[], NetworkSpec],
        others: Sequence[NetworkSpec],
        all_hosts: Sequence[str],
    ) -> None:
        super().__init__("Addressing", "The network's own IPv4 subnet, and what runs on it.")
        self._base = base  # the spec of the earlier pages (type, name)
        self._others = tuple(others)
        self._all_hosts = tuple(all_hosts)
        self.subnet = self.add_row(
            "&Subnet:",
            self._line("10.20.0.0/24"),
            field="subnet",
            hint="A private IPv4 network, /8 to /30. Gateway and DHCP range follow it unless "
            "you change them.",
            validator=lambda text: parse_ipv4_network(text, "subnet"),
        )
        self.gateway = self.add_row(
            "&Gateway:",
            self._line("10.20.0.1"),
            field="gateway",
            hint="The host's address on the network, inside the subnet.",
            validator=lambda text: parse_ipv4(text, "gateway"),
        )
        self.dhcp_start = self.add_row(
            "DHCP s&tart:",
            self._line("Empty: no DHCP"),
            field="dhcp.start",
            hint="First address DHCP hands out; empty start and end: no DHCP.",
            validator=_optional(parse_ipv4, "dhcp.start"),
            required=False,
        )
        self.dhcp_end = self.add_row(
            "DHCP &end:",
            self._line("Empty: no DHCP"),
            field="dhcp.end",
            hint="Last address DHCP hands out.",
            validator=_optional(parse_ipv4, "dhcp.end"),
            required=False,
        )
        self.leases = LeasesTable(self)
        self.leases_label = QLabel("Static &leases:", self)
        self.leases_label.setBuddy(self.leases.table)
        self.leases_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        row = self.grid.rowCount()
        self.grid.addWidget(self.leases_label, row, 0)
        self.grid.addWidget(self.leases, row, 1)
        self.grid.addWidget(self.leases.rule_label, row + 1, 1)
        self.leases.changed.connect(self.revalidate)
        self.dns_servers = self.add_row(
            "DNS se&rvers:",
            self._line("Optional, e.g. 1.1.1.1, 9.9.9.9"),
            field="dns.servers",
            hint="Optional IPv4 or IPv6 addresses, separated by commas, handed out by DHCP.",
            validator=parse_dns_servers,
        )
        self.dns_domain = self.add_row(
            "DNS d&omain:",
            self._line("Optional, e.g. lab.example"),
            field="dns.domain",
            hint="Optional; guests' names resolve under it.",
            validator=_optional(validate_hostname, "dns.domain"),
        )
        self.ipv6_prefix = self.add_row(
            "IPv&6 prefix:",
            self._line("Optional, e.g. fd00:20::/64"),
            field="ipv6.prefix",
            hint="Optional; a /64 lets guests configure themselves.",
            validator=_optional(parse_ipv6_network, "ipv6.prefix"),
        )
        self.grid.setRowStretch(self.grid.rowCount(), 1)
        self.subnet.editor.textChanged.connect(self._on_subnet_changed)

    def _line(self, placeholder: str) -> QLineEdit:
        edit = QLineEdit(self)
        edit.setPlaceholderText(placeholder)
        return edit

    # --- the wizard's view ----------------------------------------------------------------

    def apply(self, spec: NetworkSpec) -> NetworkSpec:
        """``spec`` with this page's values, as typed (the DNS list split as the domain does,
        empty if it cannot be read: the row says why)."""
        try:
            dns = parse_dns_servers(self.dns_servers.text())
        except ValidationError:
            dns = (self.dns_servers.text(),)
        return dataclasses.replace(
            spec,
            subnet=self.subnet.text().strip(),
            gateway=self.gateway.text().strip(),
            dhcp_start=self.dhcp_start.text().strip(),
            dhcp_end=self.dhcp_end.text().strip(),
            leases=self.leases.leases(),
            dns_servers=dns,
            dns_domain=self.dns_domain.text().strip(),
            ipv6_prefix=self.ipv6_prefix.text().strip(),
        )

    # --- checks ---------------------------------------------------------------------------

    def initializePage(self) -> None:
        self.revalidate()

    def revalidate(self) -> None:
        self.leases.clear_error()
        super().revalidate()

    def check(self) -> None:
        spec = validate_network(self.apply(self._base()))
        # A network on every host shares a host with this one whatever hosts it gets.
        everywhere = [other for other in self._others if not other.hosts]
        check_no_overlap(dataclasses.replace(spec, hosts=()), everywhere, self._all_hosts)
        try:
            check_no_overlap(dataclasses.replace(spec, hosts=()), self._others, self._all_hosts)
        except ValidationError as error:
            self.subnet.set_warning(error.rule + OVERLAP_ELSEWHERE)

    def place_error(self, error: ValidationError, engaged: bool) -> None:
        if error.field.startswith("leases"):
            self.leases.show_error(error.field, error.rule)
        else:
            super().place_error(error, engaged)

    def _on_subnet_changed(self, text: str) -> None:
        """The domain's suggestions for a subnet, in the fields the user has not edited."""
        try:
            network = parse_ipv4_network(text.strip(), "subnet")
        except ValidationError:
            return
        suggestion = suggest(network)
        for row, value in (
            (self.gateway, suggestion.gateway),
            (self.dhcp_start, suggestion.dhcp_start),
            (self.dhcp_end, suggestion.dhcp_end),
        ):
            if not row.touched:
                row.set_text(value)

"""Virtual networks: the spec a user asks for, and every rule it must follow, for the Create
Network wizard, quantixctl and both servers alike (addressing rules in
``domain.network_addressing``).

Types, as libvirt realizes them:
- NAT: a private subnet behind the host's address (libvirt's ``<forward mode='nat'/>``), with
  a gateway on the host and DHCP;
- ISOLATED: the same subnet without forwarding: guests reach each other and the host only;
- BRIDGED: guests on an existing host bridge (``<forward mode='bridge'/>``): addressing is the
  LAN's, so the network has none of its own;
- PORT GROUP: guests on a distributed switch's port group, with its VLAN (or none).
"""

from __future__ import annotations

import enum
import ipaddress
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from domain.errors import ValidationError
from domain.limits import is_ascii_digits, quoted
from domain.network_addressing import (
    StaticLease,
    host_address_in,
    parse_ipv4,
    parse_ipv4_network,
    parse_ipv6_network,
    validate_dhcp_range,
    validate_dns_servers,
    validate_leases,
)
from domain.pools import validate_description, validate_host_names, validate_pool_name
from domain.validation import validate_hostname

# MTU: 576 is the smallest every IPv4 host must accept (RFC 791); 9216 the largest jumbo frame
# common switches pass. 0 means "the default" (1500, or the switch's).
MTU_MIN = 576
MTU_MAX = 9216
# 802.1Q: VLAN IDs 0 and 4095 are reserved. 0 here means "no VLAN".
VLAN_MIN = 1
VLAN_MAX = 4094
# Linux interface names: at most 15 characters (IFNAMSIZ - 1), no '/', no whitespace.
_IFNAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,14}")


class NetworkType(enum.Enum):
    NAT = "nat"
    ISOLATED = "isolated"
    BRIDGED = "bridged"
    PORT_GROUP = "port-group"

    @property
    def has_addressing(self) -> bool:
        """Whether Quantix runs the subnet (gateway, DHCP) or the LAN does."""
        return self in (NetworkType.NAT, NetworkType.ISOLATED)


@dataclass(frozen=True)
class NetworkSpec:
    name: str
    type: NetworkType
    description: str = ""
    hosts: tuple[str, ...] = ()  # none: every host
    # NAT and ISOLATED
    subnet: str = ""  # "10.20.0.0/24"
    gateway: str = ""
    dhcp_start: str = ""  # both empty: no DHCP
    dhcp_end: str = ""
    leases: tuple[StaticLease, ...] = ()
    dns_servers: tuple[str, ...] = ()
    dns_domain: str = ""
    ipv6_prefix: str = ""  # optional: "fd00:20::/64"
    # every type
    mtu: int = 0  # 0: the default
    # BRIDGED (and NAT or ISOLATED when adopted: the bridge libvirt made, e.g. virbr0)
    bridge: str = ""
    # PORT GROUP
    switch: str = ""
    port_group: str = ""
    vlan: int = 0  # 0: none


def validate_interface_name(value: str, field: str) -> str:
    if not _IFNAME_RE.fullmatch(value):
        raise ValidationError(
            field,
            "must be a Linux interface name: 1-15 letters, digits, '_', '.' or '-', starting "
            f"with a letter or digit (got {quoted(value)})",
        )
    return value


def validate_mtu(mtu: int, switch_mtu: int = 0, field: str = "mtu") -> int:
    if mtu == 0:
        return 0
    if not MTU_MIN <= mtu <= MTU_MAX:
        raise ValidationError(field, f"must be {MTU_MIN}-{MTU_MAX} (got {mtu})")
    if switch_mtu and mtu > switch_mtu:
        raise ValidationError(field, f"{mtu} is larger than the switch's MTU {switch_mtu}")
    return mtu


def validate_vlan(vlan: int, field: str = "vlan") -> int:
    if vlan != 0 and not VLAN_MIN <= vlan <= VLAN_MAX:
        raise ValidationError(
            field, f"must be {VLAN_MIN}-{VLAN_MAX}, or none (got {vlan}; 0 and 4095 are reserved)"
        )
    return vlan


def parse_mtu(text: str, switch_mtu: int = 0, field: str = "mtu") -> int:
    """An MTU as typed (the wizard, quantixctl): empty means the default (0)."""
    return validate_mtu(
        _parse_number(text, field, f"must be {MTU_MIN}-{MTU_MAX}"), switch_mtu, field
    )


def parse_vlan(text: str, field: str = "vlan") -> int:
    """A VLAN ID as typed: empty means none (0)."""
    return validate_vlan(
        _parse_number(text, field, f"must be {VLAN_MIN}-{VLAN_MAX}, or none"), field
    )


# More digits than any MTU or VLAN has: refused before int() reads them (see domain.limits).
_MAX_NUMBER_DIGITS = 5


def _parse_number(text: str, field: str, rule: str) -> int:
    text = text.strip()
    if not text:
        return 0
    if len(text) > _MAX_NUMBER_DIGITS or not is_ascii_digits(text):
        raise ValidationError(field, f"{rule} (got {quoted(text)})")
    return int(text)


def check_port_group(spec: NetworkSpec, existing: Mapping[str, int]) -> None:
    """A port group network joins an existing port group of the switch (``existing``: its
    port groups by name, with their VLAN, 0 for none) with that port group's VLAN, or names a
    new port group with a VLAN of its own. A different VLAN under an existing name would
    silently move the port group's other guests to another VLAN, so it is refused."""
    if spec.type is not NetworkType.PORT_GROUP or spec.port_group not in existing:
        return
    theirs = existing[spec.port_group]
    if spec.vlan != theirs:
        carries = f"VLAN {theirs}" if theirs else "no VLAN"
        raise ValidationError(
            "vlan",
            f"port group {spec.port_group} on switch {spec.switch} carries {carries}; "
            "a network on it does too (or name a new port group)",
        )


def validate_network(spec: NetworkSpec, switch_mtu: int = 0) -> NetworkSpec:
    """``spec`` checked field by field (the first broken rule is raised, naming its field)."""
    validate_pool_name(spec.name, "name")
    validate_description(spec.description)
    validate_host_names(spec.hosts)
    validate_mtu(spec.mtu, switch_mtu)
    if spec.type.has_addressing:
        _validate_addressing(spec)
    else:
        for name, value in (
            ("subnet", spec.subnet),
            ("gateway", spec.gateway),
            ("dhcp.start", spec.dhcp_start),
            ("ipv6.prefix", spec.ipv6_prefix),
        ):
            if value:
                raise ValidationError(
                    name,
                    f"a {spec.type.value} network has no addressing of its own (the LAN it "
                    "joins has)",
                )
    if spec.type is NetworkType.BRIDGED or (spec.type.has_addressing and spec.bridge):
        # NAT and isolated: an adopted network names the bridge it has; a new one names none.
        validate_interface_name(spec.bridge, "bridge")
    if spec.type is NetworkType.PORT_GROUP:
        validate_pool_name(spec.switch, "switch")
        validate_pool_name(spec.port_group, "port_group")
        validate_vlan(spec.vlan)
    elif spec.vlan:
        raise ValidationError("vlan", "only a port group network carries a VLAN")
    return spec


def _validate_addressing(spec: NetworkSpec) -> None:
    if not spec.subnet:
        raise ValidationError("subnet", f"is required for a {spec.type.value} network")
    network = parse_ipv4_network(spec.subnet, "subnet")
    if not spec.gateway:
        raise ValidationError("gateway", f"is required (e.g. {network.network_address + 1})")
    gateway = host_address_in(parse_ipv4(spec.gateway, "gateway"), network, "gateway")
    dhcp = None
    if spec.dhcp_start or spec.dhcp_end:
        if not (spec.dhcp_start and spec.dhcp_end):
            missing = "dhcp.end" if spec.dhcp_start else "dhcp.start"
            raise ValidationError(missing, "is required with the other end of the range")
        dhcp = validate_dhcp_range(spec.dhcp_start, spec.dhcp_end, network, gateway)
    validate_leases(spec.leases, network, gateway, dhcp)
    validate_dns_servers(spec.dns_servers)
    if spec.dns_domain:
        validate_hostname(spec.dns_domain, "dns.domain")
    if spec.ipv6_prefix:
        parse_ipv6_network(spec.ipv6_prefix)


def check_no_overlap(
    spec: NetworkSpec, others: Iterable[NetworkSpec], all_hosts: Sequence[str]
) -> None:
    """Refuse a subnet that overlaps another network's on a host both span (guests there would
    not know which network an address is on). ``all_hosts``: what "every host" means now."""
    if not spec.type.has_addressing or not spec.subnet:
        return
    mine = parse_ipv4_network(spec.subnet, "subnet")
    my_hosts = set(spec.hosts or all_hosts)
    for other in others:
        if other.name == spec.name or not other.type.has_addressing or not other.subnet:
            continue
        theirs = ipaddress.IPv4Network(other.subnet)
        shared = sorted(my_hosts & set(other.hosts or all_hosts))
        if shared and mine.overlaps(theirs):
            raise ValidationError(
                "subnet",
                f"{mine} overlaps {theirs} of network {other.name} on {shared[0]}"
                + (f" and {len(shared) - 1} more host(s)" if len(shared) > 1 else ""),
            )

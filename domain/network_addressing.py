"""IPv4 and IPv6 addressing of a virtual network: the rules the Create Network wizard, quantixctl
and both servers share, and the suggestions the wizard offers.

Every check reads ASCII digits only, matches whole strings and bounds lengths first (as
``domain.validation``); errors name the field and the rule, and quote at most a short prefix.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Sequence
from dataclasses import dataclass

from domain.errors import ValidationError
from domain.limits import quoted, too_long
from domain.validation import validate_hostname

# "255.255.255.255/32" is the longest IPv4 network text; "1.2.3.4" the longest address.
IPV4_CIDR_MAX = 18
IPV4_MAX = 15
# An IPv6 network: 39 characters of address, "/", 3 digits.
IPV6_CIDR_MAX = 43
IPV6_MAX = 39
_IPV4_RE = re.compile(r"[0-9]{1,3}(?:\.[0-9]{1,3}){3}")
_IPV4_CIDR_RE = re.compile(r"[0-9]{1,3}(?:\.[0-9]{1,3}){3}/[0-9]{1,2}")
_IPV6_RE = re.compile(r"[0-9A-Fa-f:.]{2,39}")
_IPV6_CIDR_RE = re.compile(r"[0-9A-Fa-f:.]{2,39}/[0-9]{1,3}")
_MAC_RE = re.compile(r"[0-9a-f]{2}(?::[0-9a-f]{2}){5}")

# Prefix lengths a routed or isolated network can use: /8 is the largest private block (and
# libvirt's dnsmasq handles it); /30 leaves two addresses, one for the gateway and one for a
# guest. /31 and /32 have no room for a gateway and a guest, and are refused with that reason.
MIN_PREFIX = 8
MAX_PREFIX = 30
# IPv6: guests configure themselves (SLAAC) only on a /64; shorter prefixes also work for
# DHCPv6. A prefix longer than /64 breaks SLAAC, which a user would not expect.
MAX_IPV6_PREFIX = 64
# A DNS server list longer than this is a mistake (resolv.conf reads three).
MAX_DNS_SERVERS = 8
# Static leases: a /24's worth; more belong in an IPAM system, not a network definition.
MAX_LEASES = 256
# Where the suggested DHCP range starts and ends, as a fraction of the subnet: 10.20.0.0/24
# gives .100-.200, leaving the low addresses for static hosts and the top few for appliances.
DHCP_START_FRACTION = 100 / 256
DHCP_END_FRACTION = 200 / 256


def parse_ipv4_network(value: str, field: str) -> ipaddress.IPv4Network:
    """``10.20.0.0/24``: the network address and a prefix of /8 to /30."""
    if len(value) > IPV4_CIDR_MAX:
        raise too_long(field, IPV4_CIDR_MAX, value)
    if not _IPV4_CIDR_RE.fullmatch(value):
        raise ValidationError(
            field, f"must be an IPv4 network such as 10.20.0.0/24 (got {quoted(value)})"
        )
    address, _, prefix = value.partition("/")
    try:
        network = ipaddress.IPv4Network(value, strict=False)
    except ValueError:
        raise ValidationError(
            field, f"must be an IPv4 network such as 10.20.0.0/24 (got {quoted(value)})"
        ) from None
    if int(prefix) in (31, 32):
        size = "two addresses" if prefix == "31" else "one address"
        raise ValidationError(
            field,
            f"/{prefix} holds {size}: no room for a gateway and a guest; use /{MAX_PREFIX} or "
            "a shorter prefix",
        )
    if not MIN_PREFIX <= network.prefixlen <= MAX_PREFIX:
        raise ValidationError(
            field, f"prefix must be /{MIN_PREFIX} to /{MAX_PREFIX} (got /{network.prefixlen})"
        )
    if str(network.network_address) != address:
        raise ValidationError(
            field,
            f"{address} is not the network's first address; did you mean {network}?",
        )
    return network


def parse_ipv4(value: str, field: str) -> ipaddress.IPv4Address:
    if len(value) > IPV4_MAX:
        raise too_long(field, IPV4_MAX, value)
    try:
        if not _IPV4_RE.fullmatch(value):
            raise ValueError
        return ipaddress.IPv4Address(value)
    except ValueError:
        raise ValidationError(
            field, f"must be an IPv4 address such as 10.20.0.1 (got {quoted(value)})"
        ) from None


def host_address_in(
    address: ipaddress.IPv4Address, network: ipaddress.IPv4Network, field: str
) -> ipaddress.IPv4Address:
    """``address`` inside ``network`` and neither its network nor its broadcast address."""
    if address not in network:
        raise ValidationError(field, f"{address} is outside the subnet {network}")
    if address == network.network_address:
        raise ValidationError(field, f"{address} is the subnet's network address")
    if address == network.broadcast_address:
        raise ValidationError(field, f"{address} is the subnet's broadcast address")
    return address


@dataclass(frozen=True)
class DhcpRange:
    start: ipaddress.IPv4Address
    end: ipaddress.IPv4Address

    def __contains__(self, address: object) -> bool:
        return isinstance(address, ipaddress.IPv4Address) and self.start <= address <= self.end

    @property
    def size(self) -> int:
        return int(self.end) - int(self.start) + 1


def validate_dhcp_range(
    start: str, end: str, network: ipaddress.IPv4Network, gateway: ipaddress.IPv4Address
) -> DhcpRange:
    first = host_address_in(parse_ipv4(start, "dhcp.start"), network, "dhcp.start")
    last = host_address_in(parse_ipv4(end, "dhcp.end"), network, "dhcp.end")
    if last < first:
        raise ValidationError("dhcp.end", f"{last} comes before the range's start {first}")
    dhcp = DhcpRange(first, last)
    if gateway in dhcp:
        raise ValidationError(
            "dhcp.start", f"the range {first}-{last} contains the gateway {gateway}"
        )
    return dhcp


@dataclass(frozen=True)
class StaticLease:
    mac: str  # lower case, colon-separated
    ip: str
    name: str = ""


def validate_mac(value: str, field: str) -> str:
    mac = value.lower()
    if len(value) > 17 or not _MAC_RE.fullmatch(mac):
        raise ValidationError(
            field, f"must be a MAC address such as 52:54:00:12:34:56 (got {quoted(value)})"
        )
    if int(mac[:2], 16) & 1:
        raise ValidationError(field, f"{mac} is a multicast address; a guest's NIC needs unicast")
    return mac


def validate_leases(
    leases: Sequence[StaticLease],
    network: ipaddress.IPv4Network,
    gateway: ipaddress.IPv4Address,
    dhcp: DhcpRange | None,
) -> tuple[StaticLease, ...]:
    """Each lease inside the subnet, outside the DHCP range, not the gateway; MACs, addresses
    and names each used once."""
    if len(leases) > MAX_LEASES:
        raise ValidationError("leases", f"must be at most {MAX_LEASES} (got {len(leases)})")
    first_use: dict[str, int] = {}  # "mac 52:54:..", "ip 10.0.0.5", "name web" -> index
    checked = []
    for index, lease in enumerate(leases):
        field = f"leases[{index}]"
        mac = validate_mac(lease.mac, f"{field}.mac")
        ip = host_address_in(parse_ipv4(lease.ip, f"{field}.ip"), network, f"{field}.ip")
        if ip == gateway:
            raise ValidationError(f"{field}.ip", f"{ip} is the gateway")
        if dhcp is not None and ip in dhcp:
            raise ValidationError(
                f"{field}.ip",
                f"{ip} is inside the DHCP range {dhcp.start}-{dhcp.end}; a static lease must be "
                "outside it",
            )
        name = validate_hostname(lease.name, f"{field}.name") if lease.name else ""
        for what, value, where in (
            ("MAC", mac, f"{field}.mac"),
            ("address", str(ip), f"{field}.ip"),
            ("name", name, f"{field}.name"),
        ):
            if not value:
                continue
            earlier = first_use.setdefault(f"{what} {value}", index)
            if earlier != index:
                raise ValidationError(
                    where, f"the {what} {value} is already leased in leases[{earlier}]"
                )
        checked.append(StaticLease(mac, str(ip), name))
    return tuple(checked)


def validate_dns_servers(servers: Sequence[str], field: str = "dns.servers") -> tuple[str, ...]:
    if len(servers) > MAX_DNS_SERVERS:
        raise ValidationError(field, f"must list at most {MAX_DNS_SERVERS} (got {len(servers)})")
    checked = []
    for index, server in enumerate(servers):
        item = f"{field}[{index}]"
        if len(server) > IPV6_MAX:
            raise too_long(item, IPV6_MAX, server)
        try:
            if not (_IPV4_RE.fullmatch(server) or _IPV6_RE.fullmatch(server)):
                raise ValueError
            checked.append(str(ipaddress.ip_address(server)))
        except ValueError:
            raise ValidationError(
                item, f"must be an IPv4 or IPv6 address (got {quoted(server)})"
            ) from None
    return tuple(checked)


# DNS servers as typed in one field: separated by commas, blanks or both.
_LIST_SEPARATORS_RE = re.compile(r"[,\s]+")


def parse_dns_servers(text: str, field: str = "dns.servers") -> tuple[str, ...]:
    """``"1.1.1.1, 2606:4700::1111"``: the servers of one typed field, each checked."""
    if len(text) > MAX_DNS_SERVERS * (IPV6_MAX + 2):
        raise too_long(field, MAX_DNS_SERVERS * (IPV6_MAX + 2), text)
    return validate_dns_servers([item for item in _LIST_SEPARATORS_RE.split(text) if item], field)


def parse_ipv6_network(value: str, field: str = "ipv6.prefix") -> ipaddress.IPv6Network:
    """``fd00:20::/64``: a network address, at most /64, neither link-local nor multicast."""
    if len(value) > IPV6_CIDR_MAX:
        raise too_long(field, IPV6_CIDR_MAX, value)
    try:
        if not _IPV6_CIDR_RE.fullmatch(value):
            raise ValueError
        network = ipaddress.IPv6Network(value, strict=False)
    except ValueError:
        raise ValidationError(
            field, f"must be an IPv6 network such as fd00:20::/64 (got {quoted(value)})"
        ) from None
    if network.prefixlen > MAX_IPV6_PREFIX:
        raise ValidationError(
            field,
            f"prefix must be /{MAX_IPV6_PREFIX} or shorter (got /{network.prefixlen}): guests "
            "configure themselves only on a /64",
        )
    if network.is_link_local or network.is_multicast:
        kind = "link-local" if network.is_link_local else "multicast"
        raise ValidationError(field, f"{network} is {kind}; use a global or ULA (fd00::/8) prefix")
    if network.network_address != ipaddress.IPv6Address(value.partition("/")[0]):
        raise ValidationError(
            field, f"{value.partition('/')[0]} has host bits set; did you mean {network}?"
        )
    return network


@dataclass(frozen=True)
class Suggestion:
    """What the wizard proposes for a subnet: the first address as gateway, a DHCP range in
    the middle of the subnet."""

    gateway: str
    dhcp_start: str
    dhcp_end: str


def suggest(network: ipaddress.IPv4Network) -> Suggestion:
    size = network.num_addresses
    base = int(network.network_address)
    first_host, last_host = base + 1, base + size - 2
    gateway = first_host
    start = max(gateway + 1, base + int(size * DHCP_START_FRACTION))
    end = min(last_host, base + int(size * DHCP_END_FRACTION))
    end = max(end, start)
    return Suggestion(
        str(ipaddress.IPv4Address(gateway)),
        str(ipaddress.IPv4Address(start)),
        str(ipaddress.IPv4Address(end)),
    )

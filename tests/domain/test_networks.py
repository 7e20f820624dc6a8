"""Every rule of a virtual network with its message: the functions the wizard, quantixctl and
both servers share (domain.networks, domain.network_addressing)."""

from __future__ import annotations

import dataclasses

import pytest

from domain.errors import ValidationError
from domain.network_addressing import (
    StaticLease,
    parse_dns_servers,
    parse_ipv4_network,
    parse_ipv6_network,
    suggest,
)
from domain.networks import (
    NetworkSpec,
    NetworkType,
    check_no_overlap,
    check_port_group,
    parse_mtu,
    parse_vlan,
    validate_network,
)

NAT = NetworkSpec(
    name="lab-nat",
    type=NetworkType.NAT,
    subnet="10.20.0.0/24",
    gateway="10.20.0.1",
    dhcp_start="10.20.0.100",
    dhcp_end="10.20.0.200",
    leases=(StaticLease("52:54:00:00:00:10", "10.20.0.10", "web"),),
    dns_servers=("10.20.0.1", "2001:db8::53"),
    dns_domain="lab.example",
    ipv6_prefix="fd00:20::/64",
    mtu=9000,
)
BRIDGED = NetworkSpec(name="lan", type=NetworkType.BRIDGED, bridge="br0")
PORT_GROUP = NetworkSpec(
    name="vlan-100", type=NetworkType.PORT_GROUP, switch="dvs1", port_group="pg-100", vlan=100
)


def test_well_formed_networks_of_every_type_pass():
    for spec in (NAT, dataclasses.replace(NAT, type=NetworkType.ISOLATED), BRIDGED, PORT_GROUP):
        assert validate_network(spec) is spec
    # DHCP and leases are optional; VLAN none on a port group.
    assert validate_network(
        dataclasses.replace(NAT, dhcp_start="", dhcp_end="", leases=(), ipv6_prefix="")
    )
    assert validate_network(dataclasses.replace(PORT_GROUP, vlan=0))


def refused(spec: NetworkSpec, switch_mtu: int = 0) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        validate_network(spec, switch_mtu)
    return caught.value


@pytest.mark.parametrize(
    ("change", "field", "rule"),
    [
        ({"subnet": "10.20.0.0/31"}, "subnet", "/31 holds two addresses: no room for a gateway"),
        ({"subnet": "10.20.0.0/32"}, "subnet", "/32 holds one address"),
        ({"subnet": "10.20.0.5/24"}, "subnet", "did you mean 10.20.0.0/24?"),
        ({"subnet": "10.20.0.0/24\n"}, "subnet", "must be an IPv4 network"),
        ({"subnet": "10.20.0.0/²4"}, "subnet", "must be an IPv4 network"),
        ({"subnet": "10.0.0.0/7"}, "subnet", "prefix must be /8 to /30 (got /7)"),
        ({"subnet": ""}, "subnet", "is required for a nat network"),
        ({"gateway": "10.20.0.0"}, "gateway", "is the subnet's network address"),
        ({"gateway": "10.20.0.255"}, "gateway", "is the subnet's broadcast address"),
        ({"gateway": "10.20.1.1"}, "gateway", "10.20.1.1 is outside the subnet 10.20.0.0/24"),
        ({"gateway": ""}, "gateway", "is required (e.g. 10.20.0.1)"),
        ({"gateway": "10.20.0.150"}, "dhcp.start", "contains the gateway 10.20.0.150"),
        ({"dhcp_start": "10.20.1.100"}, "dhcp.start", "outside the subnet"),
        ({"dhcp_end": "10.20.0.50"}, "dhcp.end", "comes before the range's start 10.20.0.100"),
        ({"dhcp_end": ""}, "dhcp.end", "is required with the other end"),
        ({"dhcp_end": "10.20.0.255"}, "dhcp.end", "broadcast address"),
        ({"mtu": 575}, "mtu", "must be 576-9216 (got 575)"),
        ({"mtu": 9217}, "mtu", "must be 576-9216 (got 9217)"),
        ({"ipv6_prefix": "fd00:20::/80"}, "ipv6.prefix", "must be /64 or shorter"),
        ({"ipv6_prefix": "fe80::/64"}, "ipv6.prefix", "is link-local"),
        ({"ipv6_prefix": "fd00:20::1/64"}, "ipv6.prefix", "did you mean fd00:20::/64?"),
        ({"dns_servers": ("10.20.0.1", "dns.lab")}, "dns.servers[1]", "IPv4 or IPv6 address"),
        ({"dns_servers": ("1.1.1.1",) * 9}, "dns.servers", "at most 8 (got 9)"),
        ({"dns_domain": "lab_example"}, "dns.domain", "letters, digits or hyphens"),
        ({"vlan": 100}, "vlan", "only a port group network carries a VLAN"),
        ({"name": "bad name"}, "name", "letters, digits"),
    ],
)
def test_nat_rules_name_the_field(change, field, rule):
    error = refused(dataclasses.replace(NAT, **change))
    assert error.field == field
    assert rule in error.rule


@pytest.mark.parametrize(
    ("lease", "field", "rule"),
    [
        (StaticLease("52:54:00:00:00:11", "10.20.0.150"), "leases[1].ip", "inside the DHCP range"),
        (StaticLease("52:54:00:00:00:11", "10.20.1.5"), "leases[1].ip", "outside the subnet"),
        (StaticLease("52:54:00:00:00:11", "10.20.0.1"), "leases[1].ip", "is the gateway"),
        (StaticLease("52:54:00:00:00:10", "10.20.0.11"), "leases[1].mac", "already leased"),
        (StaticLease("52:54:00:00:00:11", "10.20.0.10"), "leases[1].ip", "already leased"),
        (StaticLease("52:54:00:00:00:11", "10.20.0.11", "web"), "leases[1].name", "already"),
        (StaticLease("01:00:5e:00:00:01", "10.20.0.11"), "leases[1].mac", "multicast"),
        (StaticLease("52:54:00:00:00", "10.20.0.11"), "leases[1].mac", "must be a MAC"),
        (StaticLease("52:54:00:00:00:11\n", "10.20.0.11"), "leases[1].mac", "must be a MAC"),
    ],
)
def test_static_leases_inside_the_subnet_outside_the_range_and_unique(lease, field, rule):
    error = refused(dataclasses.replace(NAT, leases=(*NAT.leases, lease)))
    assert (error.field, rule in error.rule) == (field, True), error


@pytest.mark.parametrize(
    ("spec", "field", "rule"),
    [
        (dataclasses.replace(PORT_GROUP, vlan=4095), "vlan", "must be 1-4094, or none"),
        (dataclasses.replace(PORT_GROUP, vlan=-1), "vlan", "must be 1-4094"),
        (dataclasses.replace(PORT_GROUP, switch=""), "switch", "is required"),
        (dataclasses.replace(PORT_GROUP, subnet="10.0.0.0/24"), "subnet", "no addressing"),
        (dataclasses.replace(BRIDGED, bridge="br0/1"), "bridge", "Linux interface name"),
        (dataclasses.replace(BRIDGED, bridge="a" * 16), "bridge", "1-15 letters"),
        (dataclasses.replace(BRIDGED, gateway="10.0.0.1"), "gateway", "no addressing"),
    ],
)
def test_bridged_and_port_group_rules(spec, field, rule):
    error = refused(spec)
    assert error.field == field and rule in error.rule, error


def test_mtu_may_not_exceed_the_switch():
    error = refused(dataclasses.replace(PORT_GROUP, mtu=9000), switch_mtu=1500)
    assert (error.field, error.rule) == ("mtu", "9000 is larger than the switch's MTU 1500")


def test_overlapping_subnets_are_refused_only_on_shared_hosts():
    other = dataclasses.replace(NAT, name="other", subnet="10.20.0.128/25", hosts=("host-b",))
    mine = dataclasses.replace(NAT, hosts=("host-a",))
    check_no_overlap(mine, [other], ["host-a", "host-b"])  # no host in common: fine
    with pytest.raises(ValidationError) as caught:
        check_no_overlap(dataclasses.replace(NAT), [other], ["host-a", "host-b"])
    assert caught.value.field == "subnet"
    assert caught.value.rule == ("10.20.0.0/24 overlaps 10.20.0.128/25 of network other on host-b")
    # Bridged networks have no subnet of their own to overlap.
    check_no_overlap(BRIDGED, [other], ["host-a", "host-b"])


@pytest.mark.parametrize(
    ("subnet", "gateway", "start", "end"),
    [
        ("10.20.0.0/24", "10.20.0.1", "10.20.0.100", "10.20.0.200"),
        ("192.168.5.0/30", "192.168.5.1", "192.168.5.2", "192.168.5.2"),
        ("10.0.0.0/29", "10.0.0.1", "10.0.0.3", "10.0.0.6"),
    ],
)
def test_suggestions_for_a_subnet_pass_the_rules(subnet, gateway, start, end):
    suggestion = suggest(parse_ipv4_network(subnet, "subnet"))
    assert (suggestion.gateway, suggestion.dhcp_start, suggestion.dhcp_end) == (
        gateway,
        start,
        end,
    )
    spec = NetworkSpec(
        name="n",
        type=NetworkType.NAT,
        subnet=subnet,
        gateway=gateway,
        dhcp_start=start,
        dhcp_end=end,
    )
    assert validate_network(spec)


def test_ipv6_prefix_accepts_a_ula_64():
    assert str(parse_ipv6_network("fd00:20::/64")) == "fd00:20::/64"


# --- text as typed (the wizard, quantixctl) ----------------------------------------------


@pytest.mark.parametrize(
    ("text", "switch_mtu", "expected"),
    [("", 0, 0), (" 9000 ", 0, 9000), ("1500", 9000, 1500), ("9216", 0, 9216)],
)
def test_mtu_as_typed_empty_is_the_default(text, switch_mtu, expected):
    assert parse_mtu(text, switch_mtu) == expected


@pytest.mark.parametrize(
    ("text", "switch_mtu", "rule"),
    [
        ("9217", 0, "must be 576-9216 (got 9217)"),
        ("9001", 9000, "9001 is larger than the switch's MTU 9000"),
        ("jumbo", 0, "must be 576-9216 (got 'jumbo')"),
        ("1²00", 0, "must be 576-9216 (got '1²00')"),
        ("9" * 400, 0, "must be 576-9216 (got '99999"),
    ],
)
def test_mtu_as_typed_refused(text, switch_mtu, rule):
    with pytest.raises(ValidationError) as caught:
        parse_mtu(text, switch_mtu)
    assert caught.value.field == "mtu" and caught.value.rule.startswith(rule), caught.value


def test_vlan_as_typed():
    assert parse_vlan("") == 0
    assert parse_vlan("20") == 20
    for text, rule in (
        ("4095", "must be 1-4094, or none (got 4095; 0 and 4095 are reserved)"),
        ("-1", "must be 1-4094, or none (got '-1')"),
        ("2O", "must be 1-4094, or none (got '2O')"),
    ):
        with pytest.raises(ValidationError) as caught:
            parse_vlan(text)
        assert caught.value.field == "vlan" and caught.value.rule.startswith(rule)


def test_dns_servers_as_typed_split_on_commas_and_blanks():
    assert parse_dns_servers("") == ()
    assert parse_dns_servers("1.1.1.1, 2606:4700:0::1111  9.9.9.9") == (
        "1.1.1.1",
        "2606:4700::1111",
        "9.9.9.9",
    )
    with pytest.raises(ValidationError) as caught:
        parse_dns_servers("1.1.1.1, dns.lab")
    assert caught.value.field == "dns.servers[1]"


def test_an_existing_port_group_keeps_its_vlan():
    existing = {"pg-100": 100, "trunk": 0}
    check_port_group(PORT_GROUP, existing)  # the same VLAN: joins it
    check_port_group(dataclasses.replace(PORT_GROUP, port_group="new", vlan=7), existing)
    check_port_group(NAT, existing)  # not a port group: nothing to check
    for spec, carries in (
        (dataclasses.replace(PORT_GROUP, vlan=200), "carries VLAN 100"),
        (dataclasses.replace(PORT_GROUP, port_group="trunk"), "carries no VLAN"),
    ):
        with pytest.raises(ValidationError) as caught:
            check_port_group(spec, existing)
        assert caught.value.field == "vlan" and carries in caught.value.rule

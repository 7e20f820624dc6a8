"""Network XML as real libvirt keeps it: every type defined on libvirt's test driver and read
back carries every field the spec set; a network that differs is told apart by field."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import libvirt
import pytest

from domain.network_xml import bridge_name, build_network_xml, describe, differences
from domain.networks import NetworkType
from tests.domain.test_networks import BRIDGED, NAT, PORT_GROUP


@pytest.fixture
def conn() -> Iterator[libvirt.virConnect]:
    connection = libvirt.open("test:///default")
    try:
        yield connection
    finally:
        connection.close()


def defined(conn: libvirt.virConnect, xml: str) -> str:
    network = conn.networkDefineXML(xml)
    try:
        return network.XMLDesc(0)
    finally:
        network.undefine()


@pytest.mark.parametrize(
    ("spec", "bridge"),
    [
        (NAT, ""),
        (dataclasses.replace(NAT, type=NetworkType.ISOLATED, name="lab-iso"), ""),
        (BRIDGED, ""),
        (PORT_GROUP, "qx-dvs1-100"),
    ],
    ids=["nat", "isolated", "bridged", "port-group"],
)
def test_every_type_reads_back_from_libvirt_as_written(conn, spec, bridge):
    xml = build_network_xml(spec, port_group_bridge=bridge)
    kept = describe(defined(conn, xml))
    assert differences(describe(xml), kept) == []
    if spec.type is NetworkType.NAT:
        assert kept.forward == "nat" and kept.mtu == 9000
        assert kept.dhcp == ("10.20.0.100", "10.20.0.200")
        assert [(lease.mac, lease.ip, lease.name) for lease in kept.leases] == [
            ("52:54:00:00:00:10", "10.20.0.10", "web")
        ]
        assert kept.dns_servers == ("10.20.0.1", "2001:db8::53")
        assert (kept.dns_domain, kept.ipv6) == ("lab.example", "fd00:20::1/64")
        assert kept.bridge == bridge_name("lab-nat")
    if spec.type is NetworkType.ISOLATED:
        assert kept.forward == "" and kept.gateway == "10.20.0.1"
    if spec.type is NetworkType.BRIDGED:
        assert (kept.forward, kept.bridge, kept.gateway) == ("bridge", "br0", "")
    if spec.type is NetworkType.PORT_GROUP:
        assert (kept.forward, kept.bridge) == ("bridge", "qx-dvs1-100")


def test_a_network_that_differs_is_told_apart_by_field():
    wanted = describe(build_network_xml(NAT))
    other = describe(build_network_xml(dataclasses.replace(NAT, dhcp_start="10.20.0.50", mtu=0)))
    assert differences(wanted, other) == [
        "mtu: 9000 wanted, none found",
        "dhcp: 10.20.0.100-10.20.0.200 wanted, 10.20.0.50-10.20.0.200 found",
    ]


def test_bridge_names_are_stable_short_and_quantixs_own():
    names = {bridge_name(f"net-{i}") for i in range(1000)}
    assert len(names) == 1000
    assert all(len(name) <= 15 and name.startswith("qx-") for name in names)
    assert bridge_name("lab") == bridge_name("lab")


def test_values_are_escaped_never_spliced():
    # Validation refuses such a name; the builder escapes it even so.
    xml = build_network_xml(dataclasses.replace(BRIDGED, name="a<b>&'\""))
    assert "<name>a&lt;b&gt;&amp;'\"</name>" in xml
    assert describe(xml).name == "a<b>&'\""

"""Which libvirt networks Quantix adopts, and the spec their own XML gives."""

from __future__ import annotations

import pytest

from domain.errors import ValidationError
from domain.network_adoption import (
    adoptable,
    host_differences,
    not_adoptable_reason,
    spec_from_xml,
    unwritable_differences,
)
from domain.networks import NetworkType

DEFAULT = """<network>
  <name>default</name>
  <uuid>4a4a4a4a-0000-0000-0000-000000000001</uuid>
  <forward mode='nat'><nat><port start='1024' end='65535'/></nat></forward>
  <bridge name='virbr0' stp='on' delay='0'/>
  <mac address='52:54:00:0a:0b:0c'/>
  <ip address='192.168.122.1' prefix='24'>
    <dhcp><range start='192.168.122.2' end='192.168.122.254'/></dhcp>
  </ip>
</network>"""


@pytest.mark.parametrize(
    ("mode", "bridge", "expected"),
    [
        ("nat", "virbr0", True),
        ("", "virbr1", True),
        ("bridge", "br0", True),
        ("bridge", "", False),
        ("route", "virbr2", False),
        ("open", "x", False),
        ("hostdev", "", False),
        ("passthrough", "", False),
    ],
)
def test_nat_isolated_and_bridge_networks_are_adoptable(mode, bridge, expected):
    assert adoptable(mode, bridge) is expected
    reason = not_adoptable_reason(mode, bridge)
    assert (reason == "") is expected
    if not expected:
        assert "Quantix can adopt NAT, isolated, bridge networks" in reason


def test_the_spec_is_read_from_the_xml_and_would_be_written_the_same():
    spec = spec_from_xml(DEFAULT, ["host-a", "host-b"])
    assert spec.type is NetworkType.NAT
    assert (spec.subnet, spec.gateway, spec.bridge) == (
        "192.168.122.0/24",
        "192.168.122.1",
        "virbr0",
    )
    assert (spec.dhcp_start, spec.dhcp_end, spec.hosts) == (
        "192.168.122.2",
        "192.168.122.254",
        ("host-a", "host-b"),
    )
    assert unwritable_differences("host-a", DEFAULT, spec) == []


def test_a_forward_without_a_mode_is_nat_as_libvirt_reads_it():
    xml = DEFAULT.replace("<forward mode='nat'>", "<forward>")
    assert spec_from_xml(xml, ["host-a"]).type is NetworkType.NAT


def test_differences_name_the_setting_and_each_host():
    other = DEFAULT.replace("192.168.122.254", "192.168.122.200")
    assert host_differences("host-a", DEFAULT, "host-b", other) == [
        "dhcp: 192.168.122.2-192.168.122.200 on host-b, 192.168.122.2-192.168.122.254 on host-a"
    ]


def test_what_quantix_would_write_differently_is_named():
    xml = DEFAULT.replace(
        "</network>", "<ip family='ipv6' address='fd00::5' prefix='64'/></network>"
    )
    spec = spec_from_xml(xml, ["host-a"])
    assert unwritable_differences("host-a", xml, spec) == [
        "ipv6: fd00::1/64 Quantix would set, fd00::5/64 host-a has"
    ]


def test_a_network_breaking_a_quantix_rule_is_refused_naming_the_field():
    with pytest.raises(ValidationError) as caught:
        spec_from_xml(DEFAULT.replace("<ip address='192.168.122.1' prefix='24'>", "<ip>"), ["a"])
    assert caught.value.field == "subnet"
    with pytest.raises(ValidationError) as caught:
        spec_from_xml(DEFAULT.replace("mode='nat'", "mode='route'"), ["a"])
    assert (caught.value.field, caught.value.rule.split(":")[0]) == (
        "forward",
        "route networks are shown, not managed",
    )

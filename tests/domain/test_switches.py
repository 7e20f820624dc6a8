"""Every rule of a distributed switch with its message (domain.switches), and what a switch is
on one host: names and structure (domain.switch_layout)."""

from __future__ import annotations

import dataclasses

import pytest

from domain.errors import ValidationError
from domain.switch_layout import (
    IFNAME_MAX,
    bond_name,
    bridge_name,
    port_group_bridge,
    switch_layout,
    vlan_bridge_name,
    vlan_interface_name,
)
from domain.switches import (
    HostUplinks,
    PortGroup,
    SwitchSpec,
    UplinkNic,
    uplink_names,
    validate_switch,
)

HOST_A = HostUplinks("host-a", (UplinkNic("uplink1", "eth1"), UplinkNic("uplink2", "eth2")))
SWITCH = SwitchSpec(
    name="dvs1",
    uplinks=uplink_names(2),
    active=("uplink1",),
    standby=("uplink2",),
    mtu=9000,
    port_groups=(PortGroup("untagged"), PortGroup("pg-10", 10), PortGroup("pg-20", 20, 1500)),
    hosts=(
        HOST_A,
        HostUplinks("host-b", (UplinkNic("uplink2", "ens4"), UplinkNic("uplink1", "ens3"))),
    ),
)


def refused(spec: SwitchSpec) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        validate_switch(spec)
    return caught.value


def test_a_well_formed_switch_passes():
    assert validate_switch(SWITCH) is SWITCH
    # One uplink, no port groups, no hosts yet; VLAN 0 is "none"; MTU at both ends.
    single = SwitchSpec("s", uplink_names(1), ("uplink1",), mtu=576)
    assert validate_switch(single) is single
    assert validate_switch(dataclasses.replace(single, mtu=9216))
    assert validate_switch(
        dataclasses.replace(SWITCH, port_groups=(PortGroup("none", 0), PortGroup("top", 4094)))
    )


def _hosts(*nics: tuple[str, str], host: str = "host-a") -> dict:
    return {"hosts": (HostUplinks(host, tuple(UplinkNic(u, n) for u, n in nics)),)}


@pytest.mark.parametrize(
    ("change", "field", "rule"),
    [
        ({"name": ""}, "name", "is required"),
        ({"name": "dvs 1"}, "name", "may contain only letters"),
        ({"mtu": 575}, "mtu", "must be 576-9216 (got 575)"),
        ({"mtu": 9217}, "mtu", "must be 576-9216 (got 9217)"),
        ({"mtu": 0}, "mtu", "must be 576-9216 (got 0)"),
        ({"uplinks": ()}, "uplinks", "a switch needs at least one uplink"),
        ({"uplinks": uplink_names(9)}, "uplinks", "must be at most 8 uplinks (got 9)"),
        (
            {"uplinks": ("uplink1", "uplink3")},
            "uplinks[1]",
            "must be 'uplink2': uplinks are named uplink1..uplinkN in order (got 'uplink3')",
        ),
        (
            {"uplinks": ("uplink1\n", "uplink2")},
            "uplinks[0]",
            "must be 'uplink1'",
        ),
        (
            {"active": ("uplink1", "uplink9")},
            "active[1]",
            "'uplink9' is not an uplink of this switch (uplink1, uplink2)",
        ),
        (
            {"active": ("uplink1",), "standby": ("uplink1", "uplink2")},
            "standby[0]",
            "uplink1 is already in active: an uplink is active or standby",
        ),
        ({"active": (), "standby": ("uplink1", "uplink2")}, "active", "at least one uplink"),
        (
            {"standby": ()},
            "standby",
            "uplink2 is neither active nor standby: place every uplink",
        ),
        (
            {"port_groups": (PortGroup("pg", 4095),)},
            "port_groups[0].vlan",
            "must be 1-4094, or none (got 4095; 0 and 4095 are reserved)",
        ),
        (
            {"port_groups": (PortGroup("pg-a", 10), PortGroup("pg-b", 10))},
            "port_groups[1].vlan",
            "VLAN 10 is both pg-a's and pg-b's: one port group per VLAN on a switch",
        ),
        (
            {"port_groups": (PortGroup("a"), PortGroup("b", 0))},
            "port_groups[1].vlan",
            "VLAN none is both a's and b's",
        ),
        (
            {"port_groups": (PortGroup("pg", 10), PortGroup("pg", 20))},
            "port_groups[1].name",
            "pg is listed twice",
        ),
        (
            {"port_groups": (PortGroup("pg", 10, 9216),)},
            "port_groups[0].mtu",
            "9216 is larger than the switch's MTU 9000",
        ),
        (
            {"port_groups": (PortGroup("pg", 10, 575),)},
            "port_groups[0].mtu",
            "must be 576-9216 (got 575)",
        ),
        (
            {"port_groups": tuple(PortGroup(f"p{v}", v) for v in range(1, 258))},
            "port_groups",
            "must be at most 256 port groups (got 257)",
        ),
        (
            _hosts(("uplink1", "eth1"), ("uplink3", "eth3")),
            "hosts[0].nics[1].uplink",
            "'uplink3' is not an uplink of this switch (uplink1, uplink2)",
        ),
        (
            _hosts(("uplink1", "eth1"), ("uplink2", "eth1")),
            "hosts[0].nics[1].nic",
            "eth1 is already uplink1 on host-a: a NIC serves one uplink",
        ),
        (
            _hosts(("uplink1", "eth1"), ("uplink1", "eth2")),
            "hosts[0].nics[1].uplink",
            "uplink1 is mapped twice on host-a",
        ),
        (
            _hosts(("uplink1", "eth1")),
            "hosts[0].nics",
            "uplink2 has no NIC on host-a: map every uplink",
        ),
        (
            _hosts(("uplink1", "eth1"), ("uplink2", "a-very-long-nic-name")),
            "hosts[0].nics[1].nic",
            "must be a Linux interface name",
        ),
        (
            _hosts(("uplink1", "eth1"), ("uplink2", "qs-1234567")),
            "hosts[0].nics[1].nic",
            "qs-1234567 is named like Quantix's own switch interfaces",
        ),
        (
            _hosts(("uplink1", "eth1"), ("uplink2", "eth2"), host="host_a!"),
            "hosts[0].host",
            "",
        ),
        (
            {"hosts": (HOST_A, HOST_A)},
            "hosts[1].host",
            "host-a is listed twice",
        ),
        ({"description": "a\x00b"}, "description", "must not contain control characters"),
    ],
)
def test_every_rule_names_its_field(change, field, rule):
    error = refused(dataclasses.replace(SWITCH, **change))
    assert error.field == field
    assert rule in error.rule


def test_interface_names_are_short_stable_and_distinct_per_switch():
    names = {
        bridge_name("dvs1"),
        bond_name("dvs1"),
        vlan_interface_name("dvs1", 4094),
        vlan_bridge_name("dvs1", 4094),
    }
    assert len(names) == 4
    assert all(len(name) <= IFNAME_MAX and name.startswith("qs-") for name in names)
    assert bridge_name("dvs1") == bridge_name("dvs1") != bridge_name("dvs2")
    # A 64-character switch name still gives short names.
    assert len(vlan_bridge_name("x" * 64, 4094)) <= IFNAME_MAX


def test_a_host_with_a_standby_uplink_gets_an_active_backup_bond_primary_first_active():
    layout = switch_layout(SWITCH, "host-b")
    assert layout.bond is not None
    assert (layout.bond.mode, layout.bond.primary, layout.bond.nics) == (
        "active-backup",
        "ens3",
        ("ens3", "ens4"),
    )
    assert layout.port == bond_name("dvs1")
    # VLAN port groups only: the untagged one is the switch's bridge itself.
    assert [(p.port_group, p.vlan, p.parent, p.mtu) for p in layout.vlans] == [
        ("pg-10", 10, bond_name("dvs1"), 9000),
        ("pg-20", 20, bond_name("dvs1"), 1500),
    ]
    assert layout.names == (
        bridge_name("dvs1"),
        bond_name("dvs1"),
        vlan_interface_name("dvs1", 10),
        vlan_bridge_name("dvs1", 10),
        vlan_interface_name("dvs1", 20),
        vlan_bridge_name("dvs1", 20),
    )


def test_one_uplink_is_the_bridge_port_itself_and_the_vlan_parent():
    spec = SwitchSpec(
        "s1",
        uplink_names(1),
        ("uplink1",),
        port_groups=(PortGroup("pg", 7),),
        hosts=(HostUplinks("h", (UplinkNic("uplink1", "eth5"),)),),
    )
    layout = switch_layout(validate_switch(spec), "h")
    assert (layout.bond, layout.port, layout.vlans[0].parent) == (None, "eth5", "eth5")


def test_a_host_the_switch_does_not_span_is_refused():
    with pytest.raises(ValidationError, match="hosts: switch dvs1 maps no NICs on host-z"):
        switch_layout(SWITCH, "host-z")


def test_port_group_bridges_are_the_ones_a_node_builds():
    assert port_group_bridge(SWITCH, "untagged") == bridge_name("dvs1")
    assert port_group_bridge(SWITCH, "pg-10") == vlan_bridge_name("dvs1", 10)
    with pytest.raises(ValidationError, match="switch dvs1 has no port group named nope"):
        port_group_bridge(SWITCH, "nope")

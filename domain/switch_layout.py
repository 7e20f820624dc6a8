"""What a distributed switch is on one Linux host: the interfaces Quantix makes, their names
and how they connect. The node daemon builds exactly this and nothing else; the coordinator
reads ``port_group_bridge`` to put a port group network on the right bridge.

- one NIC: the NIC is a port of the switch's bridge;
- more than one: an active-backup bond of the NICs (primary: the first active uplink's NIC) is
  the port instead. Two NICs in one bridge would loop every broadcast between the physical
  switches they reach, so more than one uplink is always a bond, standby uplinks or not;
- a port group without a VLAN is the switch's bridge itself; one with a VLAN is an 802.1Q
  sub-interface of the NIC (or bond) in a bridge of its own: libvirt cannot tag VLANs on a
  plain Linux bridge (shared/NOTES.md), so each VLAN gets a bridge libvirt can use as is.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from domain.errors import ValidationError
from domain.switches import QUANTIX_IFNAME_PREFIX, SwitchSpec, UplinkNic

# Hex digits of SHA-256(switch name) in every interface name: 7 keep the longest name,
# "qs-" + 7 + ".4094", at IFNAMSIZ - 1 = 15 characters, and 28 bits make two switches of a
# fleet (tens of them) share a prefix with a chance below one in 100,000. A node refuses the
# rare clash rather than share: each interface carries its switch's name in its alias.
_HASH_CHARS = 7
# Linux interface names are at most IFNAMSIZ - 1 characters.
IFNAME_MAX = 15
# Every interface Quantix makes for a switch carries this alias (IFLA_IFALIAS) + the switch's
# name: how a node finds exactly what it made (DestroySwitch), and never touches anything else.
OWNER_ALIAS_PREFIX = "quantix switch "
BOND_MODE = "active-backup"


def _stem(switch: str) -> str:
    return QUANTIX_IFNAME_PREFIX + hashlib.sha256(switch.encode()).hexdigest()[:_HASH_CHARS]


def bridge_name(switch: str) -> str:
    """The switch's own bridge on every host ("qs-1a2b3c4"): stable per name."""
    return _stem(switch)


def bond_name(switch: str) -> str:
    return _stem(switch) + "-bond"


def vlan_interface_name(switch: str, vlan: int) -> str:
    """The 802.1Q sub-interface of VLAN ``vlan`` ("qs-1a2b3c4.100", Linux's parent.vid form)."""
    return f"{_stem(switch)}.{vlan}"


def vlan_bridge_name(switch: str, vlan: int) -> str:
    """The bridge of VLAN ``vlan``'s port group ("qs-1a2b3c4-100")."""
    return f"{_stem(switch)}-{vlan}"


def owner_alias(switch: str) -> str:
    return OWNER_ALIAS_PREFIX + switch


def port_group_bridge(spec: SwitchSpec, port_group: str) -> str:
    """The host bridge a port group network joins (InitNetwork's ``port_group_bridge``)."""
    for group in spec.port_groups:
        if group.name == port_group:
            return vlan_bridge_name(spec.name, group.vlan) if group.vlan else bridge_name(spec.name)
    raise ValidationError("port_group", f"switch {spec.name} has no port group named {port_group}")


@dataclass(frozen=True)
class Bond:
    name: str
    primary: str  # the first active uplink's NIC
    nics: tuple[str, ...]  # in teaming order
    mode: str = BOND_MODE


@dataclass(frozen=True)
class VlanPort:
    """A VLAN port group on a host: ``interface`` (VLAN ``vlan`` of ``parent``) in ``bridge``."""

    port_group: str
    vlan: int
    interface: str
    parent: str
    bridge: str
    mtu: int


@dataclass(frozen=True)
class SwitchLayout:
    switch: str
    alias: str
    bridge: str
    mtu: int
    uplinks: tuple[UplinkNic, ...]  # in teaming order: active, then standby
    bond: Bond | None
    vlans: tuple[VlanPort, ...]

    @property
    def port(self) -> str:
        """What sits in the switch's bridge and carries the VLANs: the bond, or the one NIC."""
        return self.bond.name if self.bond else self.uplinks[0].nic

    @property
    def names(self) -> tuple[str, ...]:
        """Every interface Quantix makes for the switch on the host (NICs are the host's)."""
        made = [self.bridge] + ([self.bond.name] if self.bond else [])
        for port in self.vlans:
            made += [port.interface, port.bridge]
        return tuple(made)


def switch_layout(spec: SwitchSpec, host: str) -> SwitchLayout:
    """What ``spec`` (validated) is on ``host``; ValidationError if it does not span ``host``."""
    mapping = spec.host(host)
    if mapping is None:
        raise ValidationError("hosts", f"switch {spec.name} maps no NICs on {host}")
    uplinks = tuple(UplinkNic(name, mapping.nic_of(name)) for name in spec.teaming)
    bond = None
    if len(uplinks) > 1:
        bond = Bond(bond_name(spec.name), uplinks[0].nic, tuple(u.nic for u in uplinks))
    port = bond.name if bond else uplinks[0].nic
    vlans = tuple(
        VlanPort(
            port_group=group.name,
            vlan=group.vlan,
            interface=vlan_interface_name(spec.name, group.vlan),
            parent=port,
            bridge=vlan_bridge_name(spec.name, group.vlan),
            mtu=group.mtu or spec.mtu,
        )
        for group in spec.port_groups
        if group.vlan
    )
    return SwitchLayout(
        switch=spec.name,
        alias=owner_alias(spec.name),
        bridge=bridge_name(spec.name),
        mtu=spec.mtu,
        uplinks=uplinks,
        bond=bond,
        vlans=vlans,
    )

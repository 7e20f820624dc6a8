"""How a distributed switch reads to a user: its teaming, port groups and each host's uplinks
as the host checked them. Qt-free, for quantixctl and the console's switch views to come."""

from __future__ import annotations

from clients.present import mtu_text, nic_speed
from domain.switches import PortGroup, SwitchSpec, vlan_text
from proto.quantix.v1 import common_pb2 as cpb

# Where a host has not checked an uplink (not READY yet, or no health reported): a dash, not a
# guess.
UNCHECKED = "—"


def teaming_text(spec: SwitchSpec) -> str:
    """``"uplink1 (active), uplink2 (standby)"``, in failover order."""
    return ", ".join(
        f"{name} ({'active' if name in spec.active else 'standby'})" for name in spec.teaming
    )


def port_group_text(group: PortGroup) -> str:
    """``"guests (VLAN 10)"``, ``"untagged (VLAN none)"``."""
    mtu = f", MTU {group.mtu}" if group.mtu else ""
    return f"{group.name} ({vlan_text(group.vlan)}{mtu})"


def uplink_link_text(health: cpb.SwitchUplinkHealth | None) -> str:
    if health is None:
        return UNCHECKED
    if not health.present:
        return "missing"
    return "up" if health.link_up else "down"


def uplink_speed_text(health: cpb.SwitchUplinkHealth | None) -> str:
    if health is None or not health.present:
        return UNCHECKED
    return nic_speed(health.speed_mbps)


def uplink_mtu_text(health: cpb.SwitchUplinkHealth | None, switch_mtu: int) -> str:
    """``"1500"``, or ``"1400 ≠ 1500 (mismatch)"`` when the NIC's MTU is not the switch's."""
    if health is None or not health.present:
        return UNCHECKED
    if health.mtu_matches:
        return mtu_text(health.mtu)
    return f"{mtu_text(health.mtu)} ≠ {switch_mtu} (mismatch)"


def uplink_member_text(health: cpb.SwitchUplinkHealth | None) -> str:
    """Whether the NIC is in the switch's bond (or its bridge, with one uplink)."""
    if health is None or not health.present:
        return UNCHECKED
    return "yes" if health.enslaved else "no (not in the switch)"

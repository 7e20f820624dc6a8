"""How a network spec reads to a user: the Create Network wizard's review, the Networks page to
come and quantixctl networks, in the same words."""

from __future__ import annotations

from domain.network_addressing import StaticLease
from domain.networks import NetworkSpec, NetworkType

TYPE_LABELS = {
    NetworkType.NAT: "NAT",
    NetworkType.ISOLATED: "Isolated",
    NetworkType.BRIDGED: "Bridged",
    NetworkType.PORT_GROUP: "Port group",
}
# The MTU a network has when none is set (libvirt's default for its bridges).
DEFAULT_MTU = 1500


def type_label(network_type: NetworkType) -> str:
    return TYPE_LABELS[network_type]


def lease_text(lease: StaticLease) -> str:
    name = f" ({lease.name})" if lease.name else ""
    return f"{lease.mac} → {lease.ip}{name}"


def dhcp_text(spec: NetworkSpec) -> str:
    if not spec.dhcp_start:
        return "None: guests need static addresses or leases"
    return f"{spec.dhcp_start} – {spec.dhcp_end}"


def mtu_text(mtu: int, switch_mtu: int = 0) -> str:
    if mtu:
        return str(mtu)
    if switch_mtu:
        return f"The switch's ({switch_mtu})"
    return f"Default ({DEFAULT_MTU})"


def vlan_text(vlan: int) -> str:
    return str(vlan) if vlan else "None (untagged)"


def optional(value: str) -> str:
    return value or "None"

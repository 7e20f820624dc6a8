"""Networks on the wire: ``quantix.v1.NetworkSpec`` <-> ``domain.networks.NetworkSpec``.

Decoding checks only what the wire cannot express in the domain's types (an enum value nobody
defined); every rule is ``domain.networks.validate_network``'s, run by whoever takes the spec.
"""

from __future__ import annotations

from domain.errors import ValidationError
from domain.network_addressing import StaticLease
from domain.networks import NetworkSpec, NetworkType
from proto.quantix.v1 import common_pb2 as cpb

_TYPES = {
    cpb.NETWORK_TYPE_NAT: NetworkType.NAT,
    cpb.NETWORK_TYPE_ISOLATED: NetworkType.ISOLATED,
    cpb.NETWORK_TYPE_BRIDGED: NetworkType.BRIDGED,
    cpb.NETWORK_TYPE_PORT_GROUP: NetworkType.PORT_GROUP,
}
_WIRE_TYPES = {kind: number for number, kind in _TYPES.items()}


def network_from_pb(message: cpb.NetworkSpec) -> NetworkSpec:
    kind = _TYPES.get(message.type)
    if kind is None:
        names = ", ".join(t.value for t in NetworkType)
        raise ValidationError("type", f"must be one of {names} (got {message.type})")
    return NetworkSpec(
        name=message.name,
        type=kind,
        description=message.description,
        hosts=tuple(message.hosts),
        subnet=message.subnet,
        gateway=message.gateway,
        dhcp_start=message.dhcp_start,
        dhcp_end=message.dhcp_end,
        leases=tuple(StaticLease(lease.mac, lease.ip, lease.name) for lease in message.leases),
        dns_servers=tuple(message.dns_servers),
        dns_domain=message.dns_domain,
        ipv6_prefix=message.ipv6_prefix,
        mtu=message.mtu,
        bridge=message.bridge,
        switch=message.switch_name,
        port_group=message.port_group,
        vlan=message.vlan,
    )


def network_to_pb(spec: NetworkSpec) -> cpb.NetworkSpec:
    return cpb.NetworkSpec(
        name=spec.name,
        type=_WIRE_TYPES[spec.type],
        description=spec.description,
        hosts=list(spec.hosts),
        subnet=spec.subnet,
        gateway=spec.gateway,
        dhcp_start=spec.dhcp_start,
        dhcp_end=spec.dhcp_end,
        leases=[
            cpb.StaticLease(mac=lease.mac, ip=lease.ip, name=lease.name) for lease in spec.leases
        ],
        dns_servers=list(spec.dns_servers),
        dns_domain=spec.dns_domain,
        ipv6_prefix=spec.ipv6_prefix,
        mtu=spec.mtu,
        bridge=spec.bridge,
        switch_name=spec.switch,
        port_group=spec.port_group,
        vlan=spec.vlan,
    )

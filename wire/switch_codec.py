"""Switches on the wire: ``quantix.v1.SwitchSpec`` <-> ``domain.switches.SwitchSpec``.

Decoding checks nothing: every field has a domain type, and every rule is
``domain.switches.validate_switch``'s, run by whoever takes the spec.
"""

from __future__ import annotations

from domain.switches import HostUplinks, PortGroup, SwitchSpec, UplinkNic
from proto.quantix.v1 import common_pb2 as cpb


def switch_from_pb(message: cpb.SwitchSpec) -> SwitchSpec:
    return SwitchSpec(
        name=message.name,
        description=message.description,
        mtu=message.mtu,
        uplinks=tuple(message.uplinks),
        active=tuple(message.active),
        standby=tuple(message.standby),
        port_groups=tuple(
            PortGroup(group.name, group.vlan, group.mtu) for group in message.port_groups
        ),
        hosts=tuple(
            HostUplinks(
                mapping.host, tuple(UplinkNic(pair.uplink, pair.nic) for pair in mapping.nics)
            )
            for mapping in message.hosts
        ),
    )


def switch_to_pb(spec: SwitchSpec) -> cpb.SwitchSpec:
    return cpb.SwitchSpec(
        name=spec.name,
        description=spec.description,
        mtu=spec.mtu,
        uplinks=list(spec.uplinks),
        active=list(spec.active),
        standby=list(spec.standby),
        port_groups=[
            cpb.SwitchPortGroup(name=group.name, vlan=group.vlan, mtu=group.mtu)
            for group in spec.port_groups
        ],
        hosts=[
            cpb.UplinkMapping(
                host=mapping.host,
                nics=[cpb.UplinkNic(uplink=pair.uplink, nic=pair.nic) for pair in mapping.nics],
            )
            for mapping in spec.hosts
        ],
    )

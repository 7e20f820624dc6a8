"""What is true of a distributed switch on this host: every fact checked and every problem
found, as ``quantix.v1.SwitchHostHealth`` (pyroute2 reads only; blocking: run inside
``node_daemon.netns.netlink`` on a worker thread). Nothing here is assumed: a fact not read is
reported unknown (speed 0), never guessed."""

from __future__ import annotations

from pyroute2 import IPRoute

from domain.switch_layout import SwitchLayout
from domain.switches import SwitchSpec
from node_daemon.host_links import Link, link_speed_mbps, read_links
from proto.quantix.v1 import common_pb2 as cpb


def switch_health(ipr: IPRoute, spec: SwitchSpec, layout: SwitchLayout) -> cpb.SwitchHostHealth:
    links = read_links(ipr)
    by_index = {link.index: link for link in links.values()}
    problems: list[str] = []
    health = cpb.SwitchHostHealth(switch_name=layout.switch, bridge=layout.bridge)

    bridge = _ours(links, layout.bridge, layout.alias, problems)
    if bridge is not None:
        health.bridge_present, health.bridge_mtu = True, bridge.mtu
        if bridge.mtu != layout.mtu:
            problems.append(f"bridge {bridge.name}: MTU {bridge.mtu}, the switch's is {layout.mtu}")
        if not bridge.up:
            problems.append(f"bridge {bridge.name}: down")

    holder = bridge  # what the NICs must be ports of
    if layout.bond is not None:
        health.bond = layout.bond.name
        bond = _ours(links, layout.bond.name, layout.alias, problems)
        holder = bond
        if bond is not None:
            health.bond_present, health.bond_mode = True, bond.bond_mode
            primary = by_index.get(bond.bond_primary)
            health.bond_primary = primary.name if primary else ""
            if bond.bond_mode != layout.bond.mode:
                problems.append(
                    f"bond {bond.name}: mode {bond.bond_mode}, {layout.bond.mode} wanted"
                )
            if health.bond_primary != layout.bond.primary:
                problems.append(
                    f"bond {bond.name}: primary {health.bond_primary or 'none'}, "
                    f"{layout.bond.primary} ({layout.uplinks[0].uplink}) wanted"
                )
            if bridge is not None and bond.master != bridge.index:
                problems.append(f"bond {bond.name}: not a port of {bridge.name}")

    for uplink in layout.uplinks:
        health.uplinks.append(_uplink(uplink.uplink, uplink.nic, links, holder, layout, problems))

    _port_groups(health, spec, layout, links, problems)
    health.problems.extend(problems)
    return health


def _ours(links: dict[str, Link], name: str, alias: str, problems: list[str]) -> Link | None:
    link = links.get(name)
    if link is None:
        problems.append(f"{name} is missing")
        return None
    if link.alias != alias:
        problems.append(f"{name} exists but is not this switch's (alias {link.alias!r})")
        return None
    return link


def _uplink(
    uplink: str,
    nic: str,
    links: dict[str, Link],
    holder: Link | None,
    layout: SwitchLayout,
    problems: list[str],
) -> cpb.SwitchUplinkHealth:
    where = f"{uplink} -> {nic}"
    facts = cpb.SwitchUplinkHealth(uplink=uplink, nic=nic)
    link = links.get(nic)
    if link is None:
        problems.append(f"{where}: no such interface")
        return facts
    facts.present, facts.link_up, facts.mtu = True, link.link_up, link.mtu
    facts.speed_mbps = link_speed_mbps(nic)
    facts.mtu_matches = link.mtu == layout.mtu
    facts.enslaved = holder is not None and link.master == holder.index
    if not facts.link_up:
        carrier = "carrier" if link.carrier else "no carrier"
        problems.append(f"{where}: link down (operstate {link.operstate or 'unknown'}, {carrier})")
    if not facts.mtu_matches:
        problems.append(f"{where}: MTU {link.mtu}, the switch's is {layout.mtu}")
    if not facts.enslaved:
        wanted = layout.bond.name if layout.bond else layout.bridge
        problems.append(f"{where}: not a port of {wanted}")
    return facts


def _port_groups(
    health: cpb.SwitchHostHealth,
    spec: SwitchSpec,
    layout: SwitchLayout,
    links: dict[str, Link],
    problems: list[str],
) -> None:
    vlans = {port.port_group: port for port in layout.vlans}
    made_all = True
    for group in spec.port_groups:
        port = vlans.get(group.name)
        if port is None:  # untagged: the switch's bridge itself
            health.port_groups.append(
                cpb.SwitchPortGroupHealth(
                    port_group=group.name, bridge=layout.bridge, present=health.bridge_present
                )
            )
            continue
        where = f"port group {group.name} (VLAN {group.vlan})"
        interface = links.get(port.interface)
        bridge = links.get(port.bridge)
        parent = links.get(port.parent)
        present = True
        if interface is None or interface.alias != layout.alias:
            problems.append(f"{where}: sub-interface {port.interface} is missing")
            present = made_all = False
        elif (
            interface.vlan_id != port.vlan
            or parent is None
            or interface.vlan_parent != parent.index
        ):
            problems.append(
                f"{where}: {port.interface} is VLAN {interface.vlan_id} of another interface"
            )
            present = False
        if bridge is None or bridge.alias != layout.alias:
            problems.append(f"{where}: bridge {port.bridge} is missing")
            present = False
        elif interface is not None and interface.master != bridge.index:
            problems.append(f"{where}: {port.interface} is not a port of {port.bridge}")
            present = False
        health.port_groups.append(
            cpb.SwitchPortGroupHealth(
                port_group=group.name, vlan=group.vlan, bridge=port.bridge, present=present
            )
        )
    if layout.vlans:
        health.vlan_support = (
            cpb.SWITCH_VLAN_SUPPORT_YES if made_all else cpb.SWITCH_VLAN_SUPPORT_NO
        )

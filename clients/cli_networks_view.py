"""How quantixctl shows networks: a table and full text for people, plain JSON for scripts.
The words for a network's settings are the console's (``clients.present_networks``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from google.protobuf import json_format

from clients.cli_realized import (
    UNMANAGED,
    facts_lines,
    host_lines,
    status_cells,
    status_json,
    unmanaged_message,
)
from clients.present import iso_time, network_forward_label, phase_key, realization_message
from clients.present_networks import (
    dhcp_text,
    lease_text,
    mtu_text,
    optional,
    type_label,
    vlan_text,
)
from domain.networks import NetworkSpec, NetworkType
from proto.quantix.v1 import coordinator_pb2 as pb
from wire.network_codec import network_from_pb

NETWORK_HEADERS = ("NAME", "TYPE", "LINK", "VLAN", "HOSTS", "PHASE", "MESSAGE")


def link_text(spec: NetworkSpec) -> str:
    """Where guests are: the subnet Quantix runs, the host bridge, or the switch's port group."""
    if spec.type.has_addressing:
        return spec.subnet
    if spec.type is NetworkType.BRIDGED:
        return f"bridge {spec.bridge}"
    return f"{spec.switch}/{spec.port_group}"


def hosts_text(spec: NetworkSpec) -> str:
    return ", ".join(spec.hosts) if spec.hosts else "every host (including hosts that join later)"


def network_rows(networks: Sequence[pb.Network], now: float) -> list[tuple[str, ...]]:
    rows = []
    for network in networks:
        spec = network_from_pb(network.spec)
        rows.append(
            (
                spec.name,
                type_label(spec.type),
                link_text(spec),
                str(spec.vlan) if spec.vlan else "—",
                *status_cells(network.realization, now),
            )
        )
    return rows


def network_json(network: pb.Network) -> dict[str, Any]:
    spec = network_from_pb(network.spec)
    return {
        "name": spec.name,
        "type": spec.type.value,
        "phase": phase_key(network.realization.phase),
        "message": network.realization.message,
        "created_at": iso_time(network.created_at),
        "updated_at": iso_time(network.updated_at),
        "spec": json_format.MessageToDict(network.spec, preserving_proto_field_name=True),
        "hosts": [status_json(h) for h in network.realization.hosts],
    }


def found_link_text(network: pb.DiscoveredNetwork) -> str:
    """A found network's LINK cell: its bridge and the subnets on it (libvirt's addresses)."""
    parts = [f"bridge {network.bridge}"] if network.bridge else []
    return ", ".join([*parts, *network.subnets]) or "—"


def discovered_rows(networks: Sequence[pb.DiscoveredNetwork]) -> list[tuple[str, ...]]:
    """Networks Quantix does not manage, in the same columns: libvirt's forward mode by its
    readable name, bridge and subnets, phase UNMANAGED, the hosts that have it."""
    return [
        (
            network.name,
            network_forward_label(network.forward_mode),
            found_link_text(network),
            "—",
            ", ".join(h.host for h in network.hosts),
            UNMANAGED,
            unmanaged_message("networks", network.not_adoptable_reason),
        )
        for network in networks
    ]


def discovered_json(network: pb.DiscoveredNetwork) -> dict[str, Any]:
    return {
        "name": network.name,
        "key": network.key,
        "phase": UNMANAGED,
        "forward_mode": network.forward_mode,
        "type_label": network_forward_label(network.forward_mode),
        "bridge": network.bridge,
        "subnets": list(network.subnets),
        "adoptable": network.adoptable,
        "not_adoptable_reason": network.not_adoptable_reason,
        "hosts": [
            {
                "host": h.host,
                "active": h.active,
                "autostart": h.autostart,
                "persistent": h.persistent,
                "uuid": h.uuid,
            }
            for h in network.hosts
        ],
    }


def _type_facts(spec: NetworkSpec) -> list[tuple[str, str]]:
    """The settings a network of its type has (a bridged one has no subnet of its own)."""
    if spec.type.has_addressing:
        facts = [
            ("Subnet", spec.subnet),
            ("Gateway", spec.gateway),
            ("DHCP", dhcp_text(spec)),
            ("Static leases", optional(", ".join(lease_text(lease) for lease in spec.leases))),
            ("DNS servers", optional(", ".join(spec.dns_servers))),
            ("DNS domain", optional(spec.dns_domain)),
            ("IPv6", optional(spec.ipv6_prefix)),
        ]
    elif spec.type is NetworkType.BRIDGED:
        facts = [("Bridge", spec.bridge)]
    else:
        facts = [
            ("Switch", spec.switch),
            ("Port group", spec.port_group),
            ("VLAN", vlan_text(spec.vlan)),
        ]
    return facts


def network_text(network: pb.Network, now: float) -> str:
    spec = network_from_pb(network.spec)
    realization = network.realization
    facts = [
        ("Name", spec.name),
        ("Type", type_label(spec.type)),
        ("Phase", phase_key(realization.phase)),
        ("Message", realization_message(realization, now) or "—"),
        *_type_facts(spec),
        ("MTU", mtu_text(spec.mtu)),
        ("Assigned to", hosts_text(spec)),
        ("Description", spec.description or "—"),
        ("Created", iso_time(network.created_at) or "—"),
        ("Updated", iso_time(network.updated_at) or "—"),
    ]
    lines = facts_lines(facts)
    lines.append("")
    lines += host_lines(realization.hosts, now, lambda _status: "")
    return "\n".join(lines)

"""How quantixctl shows distributed switches: a table, the hosts x uplinks matrix and each
host's problems for people, plain JSON for scripts."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from google.protobuf import json_format

from clients.cli_format import format_table
from clients.cli_realized import facts_lines, host_lines, status_cells, status_json
from clients.present import iso_time, phase_key, realization_message
from clients.present_switches import (
    port_group_text,
    teaming_text,
    uplink_link_text,
    uplink_member_text,
    uplink_mtu_text,
    uplink_speed_text,
)
from domain.switches import SwitchSpec, vlan_text
from proto.quantix.v1 import common_pb2 as cpb
from proto.quantix.v1 import coordinator_pb2 as pb
from wire.switch_codec import switch_from_pb

SWITCH_HEADERS = ("NAME", "UPLINKS", "MTU", "PORT GROUPS", "HOSTS", "PHASE", "MESSAGE")
UPLINK_HEADERS = ("HOST", "UPLINK", "NIC", "LINK", "SPEED", "MTU", "IN SWITCH")
PORT_GROUP_HEADERS = ("PORT GROUP", "VLAN", "MTU", "BRIDGE PRESENT ON")


def _health(status: cpb.HostStatus | None) -> cpb.SwitchHostHealth | None:
    if status is None or not status.HasField("switch_health"):
        return None
    return status.switch_health


def switch_rows(switches: Sequence[pb.Switch], now: float) -> list[tuple[str, ...]]:
    rows = []
    for switch in switches:
        spec = switch_from_pb(switch.spec)
        rows.append(
            (
                spec.name,
                teaming_text(spec),
                str(spec.mtu),
                ", ".join(port_group_text(g) for g in spec.port_groups) or "—",
                *status_cells(switch.realization, now),
            )
        )
    return rows


def _host_json(status: cpb.HostStatus) -> dict[str, Any]:
    health = _health(status)
    return {
        **status_json(status),
        "switch_health": (
            json_format.MessageToDict(health, preserving_proto_field_name=True) if health else None
        ),
    }


def switch_json(switch: pb.Switch) -> dict[str, Any]:
    return {
        "name": switch.spec.name,
        "phase": phase_key(switch.realization.phase),
        "message": switch.realization.message,
        "created_at": iso_time(switch.created_at),
        "updated_at": iso_time(switch.updated_at),
        "spec": json_format.MessageToDict(switch.spec, preserving_proto_field_name=True),
        "hosts": [_host_json(h) for h in switch.realization.hosts],
    }


def uplink_rows(spec: SwitchSpec, statuses: dict[str, cpb.HostStatus]) -> list[tuple[str, ...]]:
    """A row a host and uplink, from the spec's mapping and what that host checked."""
    rows = []
    for mapping in spec.hosts:
        health = _health(statuses.get(mapping.host))
        checked = {u.uplink: u for u in health.uplinks} if health else {}
        for uplink in spec.uplinks:
            seen = checked.get(uplink)
            rows.append(
                (
                    mapping.host,
                    uplink,
                    mapping.nic_of(uplink) or "—",
                    uplink_link_text(seen),
                    uplink_speed_text(seen),
                    uplink_mtu_text(seen, spec.mtu),
                    uplink_member_text(seen),
                )
            )
    return rows


def port_group_rows(spec: SwitchSpec, statuses: dict[str, cpb.HostStatus]) -> list[tuple[str, ...]]:
    rows = []
    for group in spec.port_groups:
        present = [
            host
            for host, status in statuses.items()
            if (health := _health(status))
            and any(g.port_group == group.name and g.present for g in health.port_groups)
        ]
        rows.append(
            (
                group.name,
                vlan_text(group.vlan),
                str(group.mtu) if group.mtu else f"{spec.mtu} (the switch's)",
                ", ".join(sorted(present)) or "none",
            )
        )
    return rows


def _problem_lines(statuses: dict[str, cpb.HostStatus]) -> list[str]:
    lines = []
    for host, status in statuses.items():
        health = _health(status)
        lines += [f"  {host}: {problem}" for problem in (health.problems if health else ())]
    return ["Problems:", *lines] if lines else ["Problems: none"]


def switch_text(switch: pb.Switch, now: float) -> str:
    spec = switch_from_pb(switch.spec)
    realization = switch.realization
    statuses = {status.host: status for status in realization.hosts}
    facts = [
        ("Name", spec.name),
        ("Phase", phase_key(realization.phase)),
        ("Message", realization_message(realization, now) or "—"),
        ("MTU", str(spec.mtu)),
        ("Uplinks", teaming_text(spec)),
        ("Hosts mapped", ", ".join(m.host for m in spec.hosts) or "none"),
        ("Description", spec.description or "—"),
        ("Created", iso_time(switch.created_at) or "—"),
        ("Updated", iso_time(switch.updated_at) or "—"),
    ]
    lines = facts_lines(facts)
    lines += ["", "Uplinks on each host:"]
    lines += _indented(format_table(uplink_rows(spec, statuses), UPLINK_HEADERS))
    lines.append("")
    if spec.port_groups:
        lines.append("Port groups:")
        lines += _indented(format_table(port_group_rows(spec, statuses), PORT_GROUP_HEADERS))
    else:
        lines.append("Port groups: none")
    lines.append("")
    lines += _problem_lines(statuses)
    lines.append("")
    lines += host_lines(realization.hosts, now, lambda status: _bridge_text(_health(status)))
    return "\n".join(lines)


def _bridge_text(health: cpb.SwitchHostHealth | None) -> str:
    if health is None:
        return ""
    bond = f", bond {health.bond}" if health.bond else ""
    return f"bridge {health.bridge}{bond}"


def _indented(table: str) -> list[str]:
    return [f"  {line}" for line in table.splitlines()]

"""quantixctl switches: list, show, create, map-uplink, add-portgroup, delete.

A switch's spec is built from flags (or read from the coordinator and changed, for map-uplink
and add-portgroup) and checked with ``domain.switches``' rules before it is sent; a broken
rule is one line naming the flag and the field.
"""

from __future__ import annotations

import argparse
import dataclasses
from collections.abc import Mapping
from typing import Any

from clients.cli_format import add_output_flags, flag_error_of
from clients.cli_realized import (
    confirm,
    print_list,
    print_one,
    report_deleted,
    require_ready,
    wait_settled,
)
from clients.cli_switches_view import SWITCH_HEADERS, switch_json, switch_rows, switch_text
from clients.coordinator import CoordinatorClient
from domain.errors import ValidationError
from domain.limits import MAX_SWITCH_UPLINKS, is_ascii_digits, quoted
from domain.networks import parse_mtu, parse_vlan
from domain.switches import (
    DEFAULT_SWITCH_MTU,
    HostUplinks,
    PortGroup,
    SwitchSpec,
    UplinkNic,
    uplink_names,
    validate_switch,
)
from proto.quantix.v1 import coordinator_pb2 as pb
from wire.switch_codec import switch_from_pb, switch_to_pb

# The flag that sets each field, for error messages.
FIELD_FLAGS = {
    "name": "NAME",
    "description": "--description",
    "mtu": "--mtu",
    "uplinks": "--uplinks",
    "active": "--standby",
    "standby": "--standby",
    "port_groups": "--port-group",
    "hosts": "--map",
}
# add-portgroup names its port group as an argument, not a flag.
ADD_PORT_GROUP_FLAGS = {**FIELD_FLAGS, "port_groups": "PG", "vlan": "--vlan"}
MAP_EXAMPLE = "host-a:uplink1=eth1,uplink2=eth2"


def add_commands(topics: Any) -> None:
    switches = topics.add_parser(
        "switches", help="distributed switches: uplinks on each host, port groups"
    )
    commands = switches.add_subparsers(dest="command", required=True)

    def command(name: str, help_text: str, changes: bool = False) -> argparse.ArgumentParser:
        parser = commands.add_parser(name, help=help_text, description=help_text)
        add_output_flags(parser)
        parser.add_argument("name")
        if changes:
            parser.add_argument(
                "--wait",
                action="store_true",
                help="wait until it is no longer PENDING; exit status 1 unless READY",
            )
        return parser

    listing = commands.add_parser("list", help="every switch with its phase")
    add_output_flags(listing)
    command("show", "one switch: each host's uplinks as checked there, port groups, problems")
    create = command("create", "create a switch (built on its hosts in the background)", True)
    create.add_argument(
        "--uplinks", required=True, metavar="N", help=f"how many: uplink1..uplinkN, N <= "
        f"{MAX_SWITCH_UPLINKS}",
    )  # fmt: skip
    create.add_argument(
        "--standby",
        action="extend",
        nargs="+",
        default=[],
        metavar="UPLINK",
        help="an uplink used only when every active one is down (default: every uplink active)",
    )
    create.add_argument("--mtu", metavar="N", help=f"576-9216 (default {DEFAULT_SWITCH_MTU})")
    create.add_argument(
        "--port-group",
        action="extend",
        nargs="+",
        default=[],
        metavar="NAME[:VLAN]",
        help="a port group, untagged or on a VLAN (repeatable)",
    )
    create.add_argument("--description", default="")
    _map_flag(create)
    map_uplink = command(
        "map-uplink",
        "map a host's NICs to the switch's uplinks (adds the host, or changes it)",
        True,
    )
    _map_flag(map_uplink)
    add_group = command("add-portgroup", "add a port group to the switch", True)
    add_group.add_argument("port_group", metavar="PG")
    add_group.add_argument("--vlan", metavar="N", help="1-4094 (default: none, untagged)")
    delete = command("delete", "take the switch off every host and forget it")
    delete.add_argument("--yes", action="store_true", help="do not ask for confirmation")


def _map_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--map",
        action="extend",
        nargs="+",
        required=True,
        metavar="HOST:UPLINK=NIC[,...]",
        help=f"which NIC is which uplink on a host, e.g. {MAP_EXAMPLE} (repeatable)",
    )


# --- building a spec from flags -----------------------------------------------------------


def parse_uplink_count(text: str) -> tuple[str, ...]:
    if len(text) > 2 or not is_ascii_digits(text):
        raise ValidationError(
            "uplinks", f"must be how many uplinks, 1-{MAX_SWITCH_UPLINKS} (got {quoted(text)})"
        )
    return uplink_names(int(text))


def parse_port_group(text: str, index: int) -> PortGroup:
    """``guests`` or ``guests:10``."""
    name, _, vlan = text.partition(":")
    return PortGroup(name, parse_vlan(vlan, f"port_groups[{index}].vlan"))


def parse_mapping(text: str, index: int) -> HostUplinks:
    """``host-a:uplink1=eth1,uplink2=eth2``."""
    host, colon, pairs = text.partition(":")
    nics = [pair.partition("=") for pair in pairs.split(",")]
    if not (colon and host) or any(not (uplink and equals and nic) for uplink, equals, nic in nics):
        raise ValidationError(
            f"hosts[{index}]",
            f"must be HOST:UPLINK=NIC[,...], e.g. {MAP_EXAMPLE} (got {quoted(text)})",
        )
    return HostUplinks(host, tuple(UplinkNic(uplink, nic) for uplink, _, nic in nics))


def _checked(make: Any, flags: Mapping[str, str]) -> Any:
    """``make()``, its ValidationError naming the flag."""
    try:
        return make()
    except ValidationError as error:
        raise flag_error_of(error, flags) from None


def spec_from_args(args: argparse.Namespace) -> SwitchSpec:
    def make() -> SwitchSpec:
        uplinks = parse_uplink_count(args.uplinks)
        standby = tuple(args.standby)
        return validate_switch(
            SwitchSpec(
                name=args.name,
                uplinks=uplinks,
                active=tuple(name for name in uplinks if name not in standby),
                standby=standby,
                mtu=parse_mtu(args.mtu or "") or DEFAULT_SWITCH_MTU,
                port_groups=tuple(
                    parse_port_group(text, i) for i, text in enumerate(args.port_group)
                ),
                hosts=tuple(parse_mapping(text, i) for i, text in enumerate(args.map)),
                description=args.description,
            )
        )

    return _checked(make, FIELD_FLAGS)


def remapped(spec: SwitchSpec, mappings: tuple[HostUplinks, ...]) -> SwitchSpec:
    """``spec`` with each of ``mappings`` replacing its host's mapping, or added, validated."""
    given = {mapping.host: mapping for mapping in mappings}
    hosts = tuple(given.pop(entry.host, entry) for entry in spec.hosts) + tuple(given.values())
    return _checked(lambda: validate_switch(dataclasses.replace(spec, hosts=hosts)), FIELD_FLAGS)


def with_port_group(spec: SwitchSpec, group: PortGroup) -> SwitchSpec:
    changed = dataclasses.replace(spec, port_groups=(*spec.port_groups, group))
    return _checked(lambda: validate_switch(changed), ADD_PORT_GROUP_FLAGS)


# --- running ------------------------------------------------------------------------------


def _print_switch(switch: pb.Switch, output: str) -> None:
    print_one(switch, output, switch_json, switch_text)


async def run(client: CoordinatorClient, args: argparse.Namespace) -> None:
    command = args.command
    if command == "list":
        switches = (await client.list_switches()).switches
        print_list(switches, args.output, switch_json, switch_rows, SWITCH_HEADERS, "No switches.")
        return
    if command == "show":
        _print_switch(await client.get_switch(args.name), args.output)
        return
    if command == "delete":
        confirm(f"Delete switch {args.name} from every host?", args.yes)
        reply = await client.delete_switch(args.name)
        report_deleted("switch", args.name, reply, args.output, switch_json)
        return
    if command == "create":
        switch = await client.create_switch(switch_to_pb(spec_from_args(args)))
    elif command == "map-uplink":
        mappings = _checked(
            lambda: tuple(parse_mapping(text, i) for i, text in enumerate(args.map)), FIELD_FLAGS
        )
        current = switch_from_pb((await client.get_switch(args.name)).spec)
        switch = await client.update_switch(switch_to_pb(remapped(current, mappings)))
    elif command == "add-portgroup":
        vlan = _checked(lambda: parse_vlan(args.vlan or ""), ADD_PORT_GROUP_FLAGS)
        current = switch_from_pb((await client.get_switch(args.name)).spec)
        group = PortGroup(args.port_group, vlan)
        switch = await client.update_switch(switch_to_pb(with_port_group(current, group)))
    else:
        raise AssertionError(f"unknown switches command {command!r}")
    if args.wait:
        switch = await wait_settled(switch, lambda: client.get_switch(args.name))
    _print_switch(switch, args.output)
    if args.wait:
        require_ready(f"switch {args.name}", switch)

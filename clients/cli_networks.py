"""quantixctl networks: list, show, create, update, retry, assign, unassign, delete, adopt.

Flags are turned into a ``domain.networks.NetworkSpec`` and checked with the domain's own rules
before anything is sent; a broken rule is one line naming the flag and the field. Rules that
need the other networks (overlap, a switch's port groups) are the coordinator's, and its
refusal is printed as it wrote it.
"""

from __future__ import annotations

import argparse
import dataclasses
from typing import Any

from clients.cli_format import add_output_flags, flag_error_of
from clients.cli_networks_view import (
    NETWORK_HEADERS,
    discovered_json,
    discovered_rows,
    network_json,
    network_rows,
    network_text,
)
from clients.cli_realized import (
    add_adopt_command,
    add_all_flag,
    confirm,
    print_list,
    print_one,
    report_adopted,
    report_deleted,
    require_off,
    require_ready,
    wait_settled,
)
from clients.coordinator import CoordinatorClient
from domain.errors import ValidationError
from domain.limits import quoted
from domain.network_addressing import StaticLease, parse_ipv4_network, suggest
from domain.networks import NetworkSpec, NetworkType, parse_mtu, parse_vlan, validate_network
from proto.quantix.v1 import coordinator_pb2 as pb
from wire.network_codec import network_from_pb, network_to_pb

TYPES = {kind.value: kind for kind in NetworkType}
# The flag that sets each field, for error messages.
FIELD_FLAGS = {
    "name": "NAME",
    "type": "--type",
    "description": "--description",
    "hosts": "--host",
    "subnet": "--subnet",
    "gateway": "--gateway",
    "dhcp.start": "--dhcp",
    "dhcp.end": "--dhcp",
    "leases": "--lease",
    "dns.servers": "--dns",
    "dns.domain": "--domain",
    "ipv6.prefix": "--ipv6",
    "mtu": "--mtu",
    "bridge": "--bridge",
    "switch": "--switch",
    "port_group": "--port-group",
    "vlan": "--vlan",
}
# Flags whose value is a plain string field of the spec (argparse dest -> field).
_TEXT_FIELDS = {
    "description": "description",
    "subnet": "subnet",
    "gateway": "gateway",
    "domain": "dns_domain",
    "ipv6": "ipv6_prefix",
    "bridge": "bridge",
    "switch": "switch",
    "port_group": "port_group",
}


def add_commands(topics: Any) -> None:
    networks = topics.add_parser("networks", help="virtual networks and their status on hosts")
    commands = networks.add_subparsers(dest="command", required=True)

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        parser = commands.add_parser(name, help=help_text, description=help_text)
        add_output_flags(parser)
        return parser

    add_all_flag(command("list", "every network with its phase"), "networks")
    show = command("show", "one network: every setting, and its status on every host")
    show.add_argument("name")
    create = command(
        "create",
        "create a network (defined on its hosts in the background). For nat and isolated, "
        "an omitted --gateway or --dhcp is the domain's suggestion for --subnet: its first "
        "address, and a DHCP range in the middle of the subnet (10.20.0.0/24: gateway "
        "10.20.0.1, DHCP 10.20.0.100-10.20.0.200).",
    )
    create.add_argument("name")
    create.add_argument("--type", required=True, choices=list(TYPES))
    _spec_flags(create)
    update = command(
        "update",
        "change a network's settings (only the flags given; the network is redefined on every "
        "host). A new --subnet without --gateway or --dhcp gets the domain's suggestions.",
    )
    update.add_argument("name")
    update.add_argument("--type", choices=list(TYPES))
    _spec_flags(update)
    retry = command("retry", "define it again (on --host, or on every host not READY)")
    retry.add_argument("name")
    _hosts_flag(retry, "a host to retry on (repeatable)")
    _wait_flag(retry)
    assign = command("assign", "define the network on more hosts")
    assign.add_argument("name")
    _hosts_flag(assign, "a host to add (repeatable)", required=True)
    _wait_flag(assign)
    unassign = command("unassign", "take the network off hosts (removed there)")
    unassign.add_argument("name")
    _hosts_flag(unassign, "a host to take it off (repeatable)", required=True)
    delete = command("delete", "remove the network from every host and forget it")
    delete.add_argument("name")
    delete.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    add_adopt_command(command, "network")


def _hosts_flag(parser: argparse.ArgumentParser, help_text: str, required: bool = False) -> None:
    parser.add_argument(
        "--host",
        action="extend",
        nargs="+",
        default=[],
        dest="hosts",
        metavar="HOST",
        required=required,
        help=help_text,
    )


def _wait_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--wait",
        action="store_true",
        help="wait until it is no longer PENDING; exit status 1 unless READY",
    )


def _spec_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--description")
    _hosts_flag(parser, "a host to define it on (repeatable; default: every host)")
    _wait_flag(parser)
    addressing = parser.add_argument_group("addressing (nat and isolated)")
    addressing.add_argument("--subnet", metavar="CIDR", help="e.g. 10.20.0.0/24")
    addressing.add_argument("--gateway", metavar="IP", help="default: the subnet's first address")
    addressing.add_argument(
        "--dhcp", metavar="START-END", help="e.g. 10.20.0.100-10.20.0.200 (default: suggested)"
    )
    addressing.add_argument(
        "--lease",
        action="extend",
        nargs="+",
        metavar="MAC,IP[,NAME]",
        help="a static lease outside the DHCP range (repeatable)",
    )
    addressing.add_argument(
        "--dns", action="extend", nargs="+", metavar="IP", help="a DNS server (repeatable)"
    )
    addressing.add_argument("--domain", metavar="D", help="DNS domain, e.g. lab.example")
    addressing.add_argument("--ipv6", metavar="PREFIX", help="e.g. fd00:20::/64")
    parser.add_argument("--mtu", metavar="N", help="576-9216 (default 1500, or the switch's)")
    parser.add_argument("--bridge", metavar="BR", help="bridged: the host bridge, e.g. br0")
    group = parser.add_argument_group("port group (--type port-group)")
    group.add_argument("--switch", metavar="S", help="the distributed switch")
    group.add_argument(
        "--port-group", metavar="PG", help="an existing port group, or a new one to add"
    )
    group.add_argument("--vlan", metavar="N", help="1-4094 (a new port group's; default none)")


# --- building a spec from flags -----------------------------------------------------------


def parse_dhcp(text: str) -> tuple[str, str]:
    start, dash, end = text.partition("-")
    if not (dash and start and end):
        raise ValidationError(
            "dhcp.start", f"must be START-END, e.g. 10.20.0.100-10.20.0.200 (got {quoted(text)})"
        )
    return start.strip(), end.strip()


def parse_lease(text: str, index: int) -> StaticLease:
    parts = text.split(",")
    if len(parts) not in (2, 3):
        raise ValidationError(
            f"leases[{index}]",
            f"must be MAC,IP or MAC,IP,NAME, e.g. 52:54:00:00:00:10,10.20.0.10,web "
            f"(got {quoted(text)})",
        )
    return StaticLease(*(part.strip() for part in parts))


def changes_from_args(args: argparse.Namespace) -> dict[str, Any]:
    """The spec fields the flags set, each parsed (a range, a lease, a number): a malformed
    flag is refused before any call, naming it."""
    try:
        changes: dict[str, Any] = {}
        if args.type is not None:
            changes["type"] = TYPES[args.type]
        for dest, field in _TEXT_FIELDS.items():
            if getattr(args, dest) is not None:
                changes[field] = getattr(args, dest)
        if args.hosts:
            changes["hosts"] = tuple(args.hosts)
        if args.dhcp is not None:
            changes["dhcp_start"], changes["dhcp_end"] = parse_dhcp(args.dhcp)
        if args.lease is not None:
            changes["leases"] = tuple(parse_lease(text, i) for i, text in enumerate(args.lease))
        if args.dns is not None:
            changes["dns_servers"] = tuple(args.dns)
        if args.mtu is not None:
            changes["mtu"] = parse_mtu(args.mtu)
        if args.vlan is not None:
            changes["vlan"] = parse_vlan(args.vlan)
        return changes
    except ValidationError as error:
        raise flag_error_of(error, FIELD_FLAGS) from None


def changed_spec(spec: NetworkSpec, changes: dict[str, Any]) -> NetworkSpec:
    """``spec`` with ``changes``, validated; for nat and isolated, a subnet given without a
    gateway or a DHCP range gets the domain's suggestions for them. ValidationError naming
    the flag otherwise."""
    try:
        spec = dataclasses.replace(spec, **changes)
        if spec.type.has_addressing and "subnet" in changes:
            suggestion = suggest(parse_ipv4_network(spec.subnet, "subnet"))
            if "gateway" not in changes:
                spec = dataclasses.replace(spec, gateway=suggestion.gateway)
            if "dhcp_start" not in changes:
                spec = dataclasses.replace(
                    spec, dhcp_start=suggestion.dhcp_start, dhcp_end=suggestion.dhcp_end
                )
        return validate_network(spec)
    except ValidationError as error:
        raise flag_error_of(error, FIELD_FLAGS) from None


# --- running ------------------------------------------------------------------------------


def _print_network(network: pb.Network, output: str) -> None:
    print_one(network, output, network_json, network_text)


async def run(client: CoordinatorClient, args: argparse.Namespace) -> None:
    command = args.command
    if command == "list":
        networks = (await client.list_networks()).networks
        found = (await client.list_discovered_networks()).networks if args.all else []
        print_list(
            networks,
            args.output,
            network_json,
            network_rows,
            NETWORK_HEADERS,
            "No networks.",
            found=found,
            found_json=discovered_json,
            found_rows=discovered_rows,
        )
        return
    if command == "adopt":
        network = await client.adopt_network(args.name, args.hosts, args.dry_run)
        get = client.get_network
        subject = f"network {args.name}"
        await report_adopted(network, args, lambda: get(args.name), subject, _print_network)
        return
    if command == "show":
        _print_network(await client.get_network(args.name), args.output)
        return
    if command in ("create", "update", "retry", "assign"):
        if command == "create":
            new = NetworkSpec(name=args.name, type=TYPES[args.type])
            spec = changed_spec(new, changes_from_args(args))
            network = await client.create_network(network_to_pb(spec))
        elif command == "update":
            changes = changes_from_args(args)  # before any call
            current = network_from_pb((await client.get_network(args.name)).spec)
            network = await client.update_network(network_to_pb(changed_spec(current, changes)))
        elif command == "retry":
            network = await client.retry_network(args.name, args.hosts)
        else:
            network = await client.assign_network_hosts(args.name, args.hosts)
        if args.wait:
            network = await wait_settled(network, lambda: client.get_network(args.name))
        _print_network(network, args.output)
        if args.wait:
            require_ready(f"network {args.name}", network)
        return
    if command == "unassign":
        network = await client.unassign_network_hosts(args.name, args.hosts)
        _print_network(network, args.output)
        require_off(f"network {args.name}", network, args.hosts)
        return
    if command == "delete":
        confirm(f"Delete network {args.name} from every host?", args.yes)
        reply = await client.delete_network(args.name)
        report_deleted("network", args.name, reply, args.output, network_json)
        return
    raise AssertionError(f"unknown networks command {command!r}")

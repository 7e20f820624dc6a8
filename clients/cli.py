"""quantixctl: the command line for scripted and keyboard-driven admin sessions.

Prints tables for people and ``--output json|yaml`` for scripts (``--json`` is kept). Any
failure is one line on stderr that names what failed and why, and a non-zero exit status.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import grpc

from clients import (
    cli_audit,
    cli_clusters,
    cli_completion,
    cli_images,
    cli_join,
    cli_networks,
    cli_pki,
    cli_pools,
    cli_switches,
    cli_tasks,
    cli_usage,
    present,
)
from clients.channels import Endpoint
from clients.cli_format import add_output_flags, format_table, print_data, structured
from clients.cli_realized import NotAsAsked
from clients.cli_verbs import add_verb, hide_aliases
from clients.coordinator import CoordinatorClient
from clients.errors import describe_rpc_error
from domain.errors import ValidationError
from domain.validation import validate_address, validate_hostname
from domain.version import version_line
from trust.credentials import Identity, load_identity
from trust.files import PkiError

DEFAULT_COORDINATOR = "127.0.0.1:7443"
EXIT_FAILURE = 1
EXIT_USAGE = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="quantixctl", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--coordinator",
        default=os.environ.get("QUANTIX_COORDINATOR", DEFAULT_COORDINATOR),
        help="coordinator HOST:PORT (default: $QUANTIX_COORDINATOR or %(default)s)",
    )
    parser.add_argument(
        "--identity",
        default=os.environ.get("QUANTIX_IDENTITY", ""),
        metavar="FILE",
        help="your identity file from `quantixctl pki issue-admin` (default: $QUANTIX_IDENTITY)",
    )
    parser.add_argument("--version", action="version", version=version_line("quantixctl"))
    add_output_flags(parser, top=True)
    topics = parser.add_subparsers(dest="topic", required=True)

    hosts = topics.add_parser("hosts", help="hypervisor hosts (nodes)")
    hosts_cmd = hosts.add_subparsers(dest="command", required=True)
    hosts_list = hosts_cmd.add_parser("list", help="every registered host with its status")
    add_output_flags(hosts_list)
    show = hosts_cmd.add_parser("show", help="one host with all its facts")
    show.add_argument("name")
    add_output_flags(show)
    maintenance = hosts_cmd.add_parser("maintenance", help="put a host in or out of maintenance")
    maintenance.add_argument("name")
    maintenance.add_argument("state", choices=("on", "off"))
    add_output_flags(maintenance)
    add_verb(
        hosts_cmd,
        "delete",
        "forget a host that is gone (refused while pools are assigned to it, unless --force)",
        _host_delete_arguments,
        old_names=("remove",),
    )
    cli_join.add_command(hosts_cmd)
    cli_usage.add_command(hosts_cmd)
    cli_join.add_commands(topics)
    cli_pools.add_commands(topics)
    cli_networks.add_commands(topics)
    cli_switches.add_commands(topics)
    cli_clusters.add_commands(topics)
    cli_images.add_commands(topics)
    cli_tasks.add_commands(topics)
    cli_audit.add_command(topics)
    cli_pki.add_commands(topics)
    cli_completion.add_command(topics)
    hide_aliases(parser)
    return parser


def _host_delete_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("name")
    parser.add_argument(
        "--force",
        action="store_true",
        help="take it off its pools without contacting it (its storage is left as it is)",
    )
    add_output_flags(parser)


async def _hosts_list(client: CoordinatorClient, output: str) -> None:
    reply = await client.list_nodes()
    if structured(output):
        print_data([present.node_summary(node) for node in reply.nodes], output)
        return
    now = time.time()
    rows = [
        (
            node.name,
            node.address,
            present.node_status_text(node, now),
            present.cpu_summary(node.host_info.cpu),
            present.memory_summary(node.host_info),
            node.host_info.libvirt_version or "—",
            present.last_seen_text(node, now),
        )
        for node in reply.nodes
    ]
    headers = ("NAME", "ADDRESS", "STATUS", "CPU", "MEMORY", "LIBVIRT", "LAST SEEN")
    print(format_table(rows, headers) if rows else "No hosts registered.")


def _print_node(node: Any, output: str) -> None:
    if structured(output):
        print_data(present.node_detail(node), output)
        return
    info = node.host_info
    now = time.time()
    facts = [
        ("Name", node.name),
        ("Address", node.address),
        ("Status", present.node_status_text(node, now)),
        ("Last seen", present.last_seen_text(node, now)),
        ("CPU", present.cpu_summary(info.cpu)),
        ("Topology", present.cpu_topology(info.cpu)),
        ("Memory", present.memory_summary(info)),
        ("Hypervisor", f"{info.hypervisor} {info.hypervisor_version}".strip() or "—"),
        ("libvirt", info.libvirt_version or "—"),
        ("Pool types", ", ".join(info.supported_pool_types) or "—"),
    ]
    for nic in info.nics:
        facts.append(
            (
                f"NIC {nic.name}",
                f"{nic.mac}  MTU {present.mtu_text(nic.mtu)}  {present.nic_speed(nic.speed_mbps)}"
                f"  link {present.nic_link(nic)}",
            )
        )
    width = max(len(label) for label, _ in facts)
    for label, value in facts:
        print(f"{label.ljust(width)}  {value}")


def _print_removed(name: str, pools: list[str], output: str) -> None:
    if structured(output):
        print_data({"removed": name, "pools_released": pools}, output)
        return
    print(f"Host {name} removed.")
    if pools:
        print(f"Taken off {len(pools)} pool{'s' if len(pools) != 1 else ''}: {', '.join(pools)}")


async def run(args: argparse.Namespace) -> None:
    if args.topic == "pki":
        cli_pki.run(args)  # local files: no coordinator is contacted
        return
    if args.topic == "completion":
        print(cli_completion.script(build_parser(), args.shell))  # from the parser alone
        return
    if args.topic == "hosts" and args.command == "usage":
        cli_usage.checked(args)  # a bad HOST or --window is told before anything is read
    address = validate_address(args.coordinator, "--coordinator")
    async with CoordinatorClient(Endpoint(address, _identity(args.identity))) as client:
        try:
            if args.topic == "pools":
                await cli_pools.run(client, args)
            elif args.topic == "networks":
                await cli_networks.run(client, args)
            elif args.topic == "switches":
                await cli_switches.run(client, args)
            elif args.topic == "clusters":
                await cli_clusters.run(client, args)
            elif args.topic == "images":
                await cli_images.run(client, args)
            elif args.topic == "tasks":
                await cli_tasks.run(client, args)
            elif args.topic == "audit":
                await cli_audit.run(client, args)
            elif args.topic == "join-tokens":
                await cli_join.run_kind(client, args)
            elif args.command == "join-token":
                await cli_join.run(client, args)
            elif args.command == "usage":
                await cli_usage.run(client, args)
            elif args.command == "list":
                await _hosts_list(client, args.output)
            elif args.command == "show":
                _print_node(await client.get_node(args.name), args.output)
            elif args.command == "maintenance":
                node = await client.set_maintenance(args.name, args.state == "on")
                _print_node(node, args.output)
            elif args.command == "delete":
                name = validate_hostname(args.name, "name")
                reply = await client.remove_node(name, args.force)
                _print_removed(name, list(reply.pools_released), args.output)
        except grpc.aio.AioRpcError as error:
            raise CommandFailed(describe_rpc_error(error, client.target)) from None


class CommandFailed(Exception):
    pass


def _identity(path: str) -> Identity:
    if not path:
        raise ValidationError(
            "--identity",
            "is required: an identity file from `quantixctl pki issue-admin` (or set "
            "QUANTIX_IDENTITY)",
        )
    try:
        return load_identity(Path(path))
    except PkiError as error:
        raise CommandFailed(str(error)) from None


def main(argv: Sequence[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    try:
        asyncio.run(run(args))
    except ValidationError as error:
        print(f"quantixctl: {error}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE) from None
    except (CommandFailed, NotAsAsked, cli_pki.PkiCommandFailed) as error:
        print(f"quantixctl: {error}", file=sys.stderr)
        raise SystemExit(EXIT_FAILURE) from None


if __name__ == "__main__":
    main()

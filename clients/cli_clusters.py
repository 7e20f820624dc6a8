"""quantixctl clusters: list, show, create, update, delete, add-hosts, remove-hosts.

Flags are turned into a ``domain.clusters.ClusterSpec`` and checked with the domain's rules
before anything is sent (and, on create, HA admission control against the hosts given); a
broken rule is one line naming the flag and the field, exit status 2. ``update`` sends a field
mask of exactly the flags given. Rules that need the fleet (a host in another cluster, a
default pool missing on a member) are the coordinator's, and its refusal is printed as it
wrote it.
"""

from __future__ import annotations

import argparse
import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

import grpc

from clients.cli_clusters_view import CLUSTER_HEADERS, cluster_json, cluster_rows, cluster_text
from clients.cli_format import add_output_flags, flag_error_of, print_data, structured
from clients.cli_realized import NotAsAsked, confirm, print_list, print_one
from clients.coordinator import CoordinatorClient
from domain.cluster_rules import admission_problem, removal_problem
from domain.clusters import (
    MIGRATION_THRESHOLD_MAX,
    MIGRATION_THRESHOLD_MIN,
    ClusterSpec,
    DrsAutomation,
    IsolationResponse,
    RestartPriority,
    parse_labels,
    validate_cluster_name,
    validate_cluster_spec,
    validate_failures_to_tolerate,
    validate_migration_threshold,
    validate_update_paths,
)
from domain.errors import ValidationError
from domain.pools import validate_host_names
from proto.quantix.v1 import coordinator_pb2 as pb
from wire.cluster_codec import spec_from_pb, spec_to_pb


@dataclass(frozen=True)
class SettingFlag:
    """One settings flag of create and update: the spec path it sets (the path update's field
    mask names), how its text is read, and its help."""

    flag: str
    path: str
    help: str
    # None: an on/off pair (--ha/--no-ha); otherwise text -> the field's value, raising
    # ValidationError naming the path (an enum's flag offers its values as choices).
    parse: Callable[[str], Any] | None = None
    choices: type[Enum] | None = None
    metavar: str | None = None

    @property
    def dest(self) -> str:
        return self.flag.removeprefix("--").replace("-", "_")


SETTINGS = (
    SettingFlag("--description", "description", "free text", str, metavar="TEXT"),
    SettingFlag(
        "--labels",
        "labels",
        'e.g. "env=prod,rack=r1" (update replaces them all; "" removes them)',
        parse_labels,
        metavar="K=V,...",
    ),
    SettingFlag("--ha", "ha.enabled", "high availability: restart VMs of a failed host"),
    SettingFlag(
        "--admission-control",
        "ha.admission_control",
        "keep room to restart the VMs of the hosts HA tolerates losing",
    ),
    SettingFlag(
        "--failures-to-tolerate",
        "ha.host_failures_to_tolerate",
        "host failures HA plans for (default 1; admission control needs more hosts than this)",
        validate_failures_to_tolerate,
        metavar="N",
    ),
    SettingFlag("--host-monitoring", "ha.host_monitoring", "HA watches hosts (default on)"),
    SettingFlag("--vm-monitoring", "ha.vm_monitoring", "HA watches VMs (default off)"),
    SettingFlag(
        "--restart-priority",
        "ha.restart_priority",
        "which VMs HA restarts first (default medium)",
        RestartPriority,
        RestartPriority,
    ),
    SettingFlag(
        "--isolation-response",
        "ha.isolation_response",
        "what a host cut off from the network does with its VMs (default leave-powered-on)",
        IsolationResponse,
        IsolationResponse,
    ),
    SettingFlag("--drs", "drs.enabled", "load balancing: move VMs between hosts"),
    SettingFlag(
        "--automation",
        "drs.automation",
        "whether DRS moves VMs itself (default manual)",
        DrsAutomation,
        DrsAutomation,
    ),
    SettingFlag(
        "--migration-threshold",
        "drs.migration_threshold",
        f"{MIGRATION_THRESHOLD_MIN} conservative .. {MIGRATION_THRESHOLD_MAX} aggressive "
        "(default 3)",
        validate_migration_threshold,
        metavar="N",
    ),
    SettingFlag(
        "--power-management",
        "drs.power_management",
        "DRS powers idle hosts off (default off)",
    ),
    SettingFlag(
        "--default-pool",
        "default_pool",
        'storage pool for new VMs, on every member ("" for none)',
        str,
        metavar="POOL",
    ),
    SettingFlag(
        "--default-network",
        "default_network",
        'network for new VMs, on every member ("" for none)',
        str,
        metavar="NET",
    ),
)
# The flag that sets each field, for error messages. A label's key that is too long is
# named "labels key" by the domain.
FIELD_FLAGS = {
    "name": "NAME",
    "hosts": "--hosts",
    "labels key": "--labels",
    **{setting.path: setting.flag for setting in SETTINGS},
}
# add-hosts and remove-hosts name their hosts as arguments, not a flag.
MEMBER_FLAGS = {**FIELD_FLAGS, "hosts": "HOST"}
SETTING_FLAGS_LIST = ", ".join(setting.flag for setting in SETTINGS)


def add_commands(topics: Any) -> None:
    clusters = topics.add_parser(
        "clusters", help="groups of hosts with HA and DRS policy and default pool and network"
    )
    commands = clusters.add_subparsers(dest="command", required=True)

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        parser = commands.add_parser(name, help=help_text, description=help_text)
        add_output_flags(parser)
        return parser

    command("list", "every cluster with its status and HA/DRS")
    show = command("show", "one cluster: every setting, its hosts, figures, pools, networks")
    show.add_argument("name")
    create = command("create", "create a cluster (HA and DRS are off unless turned on)")
    create.add_argument("name")
    create.add_argument(
        "--hosts",
        action="extend",
        nargs="+",
        default=[],
        metavar="HOST",
        help="registered hosts in no other cluster (repeatable)",
    )
    _setting_flags(create)
    update = command(
        "update",
        "change a cluster's settings: only the flags given are changed, every other stays",
    )
    update.add_argument("name")
    _setting_flags(update)
    delete = command("delete", "forget a cluster (refused while it has hosts, unless released)")
    delete.add_argument("name")
    delete.add_argument(
        "--release-hosts",
        action="store_true",
        help="take its hosts out first (they stay registered)",
    )
    delete.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    for name, help_text in (
        ("add-hosts", "add hosts to a cluster (each in no other cluster)"),
        ("remove-hosts", "take hosts out of a cluster (they stay registered)"),
    ):
        members = command(name, help_text)
        members.add_argument("name")
        members.add_argument("hosts", nargs="+", metavar="HOST")


def _setting_flags(parser: argparse.ArgumentParser) -> None:
    for setting in SETTINGS:
        if setting.parse is None:
            parser.add_argument(
                setting.flag, action=argparse.BooleanOptionalAction, help=setting.help
            )
        else:
            choices = [item.value for item in setting.choices] if setting.choices else None
            parser.add_argument(
                setting.flag, choices=choices, metavar=setting.metavar, help=setting.help
            )


# --- building a spec from flags -----------------------------------------------------------


def _checked(make: Callable[[], Any], flags: Mapping[str, str] = FIELD_FLAGS) -> Any:
    """``make()``, its ValidationError naming the flag."""
    try:
        return make()
    except ValidationError as error:
        raise flag_error_of(error, flags) from None


def changes_from_args(args: argparse.Namespace) -> dict[str, Any]:
    """Each settings flag given, as its spec path and parsed value (the flags' order)."""

    def parse() -> dict[str, Any]:
        changes: dict[str, Any] = {}
        for setting in SETTINGS:
            text = getattr(args, setting.dest)
            if text is None:
                continue
            changes[setting.path] = text if setting.parse is None else setting.parse(text)
        return changes

    return _checked(parse)


def spec_with(spec: ClusterSpec, changes: Mapping[str, Any]) -> ClusterSpec:
    """``spec`` with each path of ``changes`` set (``ha.enabled``, ``labels``, ...)."""
    for path, value in changes.items():
        group, _, name = path.partition(".")
        if name:
            settings = dataclasses.replace(getattr(spec, group), **{name: value})
            spec = dataclasses.replace(spec, **{group: settings})
        else:
            spec = dataclasses.replace(spec, **{path: value})
    return spec


def create_request(args: argparse.Namespace) -> tuple[ClusterSpec, tuple[str, ...]]:
    """The new cluster's spec and hosts, every rule checked that needs nothing from the
    coordinator: each field, each host name, and HA admission control against the hosts."""
    changes = changes_from_args(args)

    def make() -> tuple[ClusterSpec, tuple[str, ...]]:
        spec = validate_cluster_spec(spec_with(ClusterSpec(name=args.name), changes))
        hosts = validate_host_names(args.hosts, "hosts")
        problem = admission_problem(spec.ha, len(hosts))
        if problem:
            raise ValidationError("hosts", problem)
        return spec, hosts

    return _checked(make)


def update_request(args: argparse.Namespace) -> tuple[ClusterSpec, tuple[str, ...]]:
    """The spec carrying the flags' values and the mask naming exactly them."""
    changes = changes_from_args(args)
    if not changes:
        raise ValidationError(
            "update", f"nothing to change: give at least one of {SETTING_FLAGS_LIST}"
        )

    def make() -> tuple[ClusterSpec, tuple[str, ...]]:
        # The other fields are the defaults: valid, and not sent (the mask leaves them out).
        spec = validate_cluster_spec(spec_with(ClusterSpec(name=args.name), changes))
        return spec, validate_update_paths(changes)

    return _checked(make)


def checked_name(name: str) -> str:
    return _checked(lambda: validate_cluster_name(name))


def checked_members(args: argparse.Namespace) -> tuple[str, tuple[str, ...]]:
    return checked_name(args.name), _checked(
        lambda: validate_host_names(args.hosts, "hosts"), MEMBER_FLAGS
    )


# --- running ------------------------------------------------------------------------------


def _print_cluster(cluster: pb.Cluster, output: str, headline: str = "") -> None:
    if headline and not structured(output):
        print(headline)
    print_one(cluster, output, cluster_json, cluster_text)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def delete_question(name: str, hosts: Sequence[str], release: bool) -> str:
    """The confirmation: what deleting ``name`` does to its hosts."""
    if not hosts:
        return f"Delete cluster {name}? It has no hosts."
    listed = f"{_plural(len(hosts), 'host')} ({', '.join(hosts)})"
    if release:
        return f"Delete cluster {name} and release its {listed}? They stay registered."
    return f"Delete cluster {name}? It has {listed}: refused unless --release-hosts is given."


def _print_deleted(name: str, released: Sequence[str], output: str) -> None:
    if structured(output):
        print_data({"deleted": name, "released_hosts": list(released)}, output)
        return
    print(f"Cluster {name} deleted.")
    if released:
        print(f"Released {_plural(len(released), 'host')}: {', '.join(released)}")


async def _removal_check(client: CoordinatorClient, name: str, hosts: Sequence[str]) -> None:
    """NotAsAsked saying what removing ``hosts`` would break, before anything is changed; when
    the cluster cannot be read the coordinator's own refusal of the removal says why."""
    try:
        cluster = await client.get_cluster(name)
    except grpc.aio.AioRpcError:
        return
    problem = removal_problem(spec_from_pb(cluster.spec).ha, cluster.hosts, hosts)
    if problem:
        raise NotAsAsked(f"cluster {name}: {problem}; nothing was changed")


async def run(client: CoordinatorClient, args: argparse.Namespace) -> None:
    command = args.command
    if command == "list":
        clusters = (await client.list_clusters()).clusters
        print_list(
            clusters, args.output, cluster_json, cluster_rows, CLUSTER_HEADERS, "No clusters."
        )
    elif command == "show":
        name = checked_name(args.name)
        _print_cluster(await client.get_cluster(name), args.output)
    elif command == "create":
        spec, hosts = create_request(args)
        _print_cluster(await client.create_cluster(spec_to_pb(spec), hosts), args.output)
    elif command == "update":
        spec, paths = update_request(args)
        _print_cluster(await client.update_cluster(spec_to_pb(spec), paths), args.output)
    elif command == "delete":
        name = checked_name(args.name)
        if not args.yes:
            hosts = (await client.get_cluster(name)).hosts
            confirm(delete_question(name, hosts, args.release_hosts), assume_yes=False)
        reply = await client.delete_cluster(name, args.release_hosts)
        _print_deleted(name, reply.released_hosts, args.output)
    elif command == "add-hosts":
        name, hosts = checked_members(args)
        cluster = await client.add_cluster_hosts(name, hosts)
        _print_cluster(cluster, args.output, f"Added to cluster {name}: {', '.join(hosts)}\n")
    elif command == "remove-hosts":
        name, hosts = checked_members(args)
        await _removal_check(client, name, hosts)
        cluster = await client.remove_cluster_hosts(name, hosts)
        _print_cluster(cluster, args.output, f"Removed from cluster {name}: {', '.join(hosts)}\n")
    else:
        raise AssertionError(f"unknown clusters command {command!r}")

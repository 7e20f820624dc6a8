"""quantixctl pools: list, show, create, retry, assign, unassign, delete.

Flags are checked with the domain's own rules (domain.pools) before anything is sent, and a
broken rule is one line naming the flag and the field. Secrets are read from a file or stdin,
never from the command line, where shell history and ``ps`` would keep them.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from clients.cli_format import add_output_flags, flag_error_of, print_data, structured
from clients.cli_pools_view import (
    POOL_HEADERS,
    discovered_json,
    discovered_rows,
    host_json,
    pool_json,
    pool_rows,
    pool_text,
)
from clients.cli_realized import (
    add_adopt_command,
    add_all_flag,
    print_list,
    report_adopted,
    report_deleted,
    require_off,
    require_ready,
    wait_settled,
)
from clients.coordinator import CoordinatorClient
from domain.errors import ValidationError
from domain.pools import (
    Backend,
    CephSource,
    IscsiInitiator,
    IscsiSource,
    LocalDirSource,
    NfsSource,
    PoolSpec,
    parse_mount_options,
    validate_pool_spec,
)
from proto.quantix.v1 import coordinator_pb2 as pb
from wire.pool_codec import spec_to_pb

BACKENDS = {
    "local": Backend.LOCAL_DIR,
    "nfs": Backend.NFS,
    "ceph": Backend.CEPH_RBD,
    "iscsi": Backend.ISCSI,
}
# Each backend's own flags (argparse dest names): one given for another backend is an error.
BACKEND_FLAGS: dict[Backend, tuple[str, ...]] = {
    Backend.LOCAL_DIR: ("path",),
    Backend.NFS: ("server", "export", "nfs_version", "mount_options", "mount_point"),
    Backend.CEPH_RBD: ("monitor", "ceph_pool", "user", "key_file", "namespace"),
    Backend.ISCSI: (
        "portal",
        "target",
        "lun",
        "initiator_iqn",
        "userspace_initiator",
        "chap_user",
        "chap_secret_file",
    ),
}
# The flag that sets each field, for error messages.
FIELD_FLAGS = {
    "name": "NAME",
    "description": "--description",
    "backend": "--backend",
    "hosts": "--host",
    "local.path": "--path",
    "nfs.server": "--server",
    "nfs.export_path": "--export",
    "nfs.version": "--nfs-version",
    "nfs.mount_options": "--mount-options",
    "nfs.mount_point": "--mount-point",
    "ceph.monitors": "--monitor",
    "ceph.pool": "--ceph-pool",
    "ceph.user": "--user",
    "ceph.key": "--key-file",
    "ceph.namespace": "--namespace",
    "iscsi.portal": "--portal",
    "iscsi.target_iqn": "--target",
    "iscsi.lun": "--lun",
    "iscsi.initiator_iqn": "--initiator-iqn",
    "iscsi.chap_user": "--chap-user",
    "iscsi.chap_secret": "--chap-secret-file",
}


def flag_error(error: ValidationError) -> ValidationError:
    return flag_error_of(error, FIELD_FLAGS)


def add_commands(topics: Any) -> None:
    pools = topics.add_parser("pools", help="storage pools and their status on every host")
    commands = pools.add_subparsers(dest="command", required=True)

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        parser = commands.add_parser(name, help=help_text)
        add_output_flags(parser)
        return parser

    add_all_flag(command("list", "every pool with its phase"), "pools")
    command("show", "one pool: its settings, and its status and full message on every host")
    commands.choices["show"].add_argument("name")

    create = command("create", "create a pool (initialized on its hosts in the background)")
    create.add_argument("name")
    create.add_argument("--backend", required=True, choices=sorted(BACKENDS))
    create.add_argument("--description", default="")
    create.add_argument(
        "--host",
        action="append",
        default=[],
        dest="hosts",
        metavar="HOST",
        help="a host to use (repeatable); shared backends default to every host, local "
        "needs exactly one",
    )
    create.add_argument("--wait", action="store_true", help="wait until it is no longer PENDING")
    local = create.add_argument_group("local directory (--backend local)")
    local.add_argument("--path", help="absolute directory on the host")
    nfs = create.add_argument_group("NFS (--backend nfs)")
    nfs.add_argument("--server", help="NFS server: host name, IPv4 or IPv6 address")
    nfs.add_argument("--export", help="exported path on the server, e.g. /export/vms")
    nfs.add_argument("--nfs-version", help="3, 4, 4.1 or 4.2 (default 4.1)")
    nfs.add_argument("--mount-options", help="comma-separated, e.g. soft,timeo=50")
    nfs.add_argument("--mount-point", help="absolute (default: under the node's data dir)")
    ceph = create.add_argument_group("Ceph RBD (--backend ceph)")
    ceph.add_argument("--monitor", action="append", help="monitor host[:port] (repeatable)")
    ceph.add_argument("--ceph-pool", help="the Ceph pool name")
    ceph.add_argument("--user", help="Ceph user without 'client.' (default admin)")
    ceph.add_argument(
        "--key-file", help="file holding the cephx key (or a keyring); '-' reads stdin"
    )
    ceph.add_argument("--namespace", help="RADOS namespace (optional)")
    iscsi = create.add_argument_group("iSCSI (--backend iscsi)")
    iscsi.add_argument("--portal", help="target portal host[:port] (default port 3260)")
    iscsi.add_argument("--target", help="target IQN, e.g. iqn.2024-01.com.example:vms")
    iscsi.add_argument("--lun", help="LUN number (optional)")
    iscsi.add_argument("--initiator-iqn", help="this side's IQN (optional)")
    iscsi.add_argument(
        "--userspace-initiator",
        action="store_true",
        default=None,
        help="log in with libiscsi in user space (no iscsid; needs --initiator-iqn)",
    )
    iscsi.add_argument("--chap-user", help="CHAP user name")
    iscsi.add_argument("--chap-secret-file", help="file holding the CHAP secret; '-' reads stdin")

    adopt = add_adopt_command(command, "pool")
    adopt.add_argument(
        "--secret-file",
        metavar="FILE",
        help="the pool's cephx key or CHAP secret, from a file or '-' for stdin (libvirt keeps "
        "it private on the hosts, so it cannot be read back)",
    )
    retry = command("retry", "initialize again (on --host, or on every host not READY)")
    retry.add_argument("name")
    retry.add_argument("--host", action="append", default=[], dest="hosts", metavar="HOST")
    retry.add_argument("--wait", action="store_true", help="wait until it is no longer PENDING")
    assign = command("assign", "initialize the pool on more hosts")
    assign.add_argument("name")
    assign.add_argument("hosts", nargs="+", metavar="HOST")
    assign.add_argument("--wait", action="store_true", help="wait until it is no longer PENDING")
    unassign = command("unassign", "remove the pool from hosts (destroyed there)")
    unassign.add_argument("name")
    unassign.add_argument("hosts", nargs="+", metavar="HOST")
    unassign.add_argument(
        "--force", action="store_true", help="even while it holds volumes (they are kept)"
    )
    delete = command("delete", "destroy the pool on every host and forget it")
    delete.add_argument("name")
    delete.add_argument(
        "--force", action="store_true", help="even while it holds volumes (they are kept)"
    )


# --- building a spec from flags -----------------------------------------------------------


def read_secret(path: str, flag: str, stdin: Callable[[], str] = lambda: sys.stdin.read()) -> str:
    """A secret from a file (or stdin for '-'). A Ceph keyring's ``key = ...`` line is
    understood, so the file ``ceph auth get client.x`` writes can be used as it is."""
    try:
        text = stdin() if path == "-" else Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise ValidationError(flag, f"cannot read {path}: {error.strerror}") from None
    for line in text.splitlines():
        name, sep, value = line.partition("=")
        if sep and name.strip() == "key":
            return value.strip()
    return text.strip()


def spec_from_args(args: argparse.Namespace) -> PoolSpec:
    """The validated spec the flags describe; ValidationError naming the flag otherwise."""
    backend = BACKENDS[args.backend]
    for other, flags in BACKEND_FLAGS.items():
        for dest in flags:
            if other is not backend and getattr(args, dest, None) not in (None, False, []):
                option = "--" + dest.replace("_", "-")
                raise ValidationError(
                    option, f"is not a setting of backend {args.backend} (it is for {other.label})"
                )
    try:
        source = _source(backend, args)
        spec = PoolSpec(args.name, backend, source, args.description, tuple(args.hosts))
        return validate_pool_spec(spec)
    except ValidationError as error:
        raise flag_error(error) from None


def _source(backend: Backend, args: argparse.Namespace) -> Any:
    if backend is Backend.LOCAL_DIR:
        return LocalDirSource(args.path or "")
    if backend is Backend.NFS:
        return NfsSource(
            server=args.server or "",
            export_path=args.export or "",
            version=args.nfs_version or "",
            mount_options=parse_mount_options(args.mount_options or ""),
            mount_point=args.mount_point or "",
        )
    if backend is Backend.CEPH_RBD:
        if not args.key_file:
            raise ValidationError("ceph.key", "is required: give --key-file FILE (or - for stdin)")
        return CephSource(
            monitors=tuple(args.monitor or ()),
            pool=args.ceph_pool or "",
            user=args.user or "",
            key=read_secret(args.key_file, "ceph.key"),
            namespace=args.namespace or "",
        )
    secret = ""
    if args.chap_secret_file:
        secret = read_secret(args.chap_secret_file, "iscsi.chap_secret")
    return IscsiSource(
        portal=args.portal or "",
        target_iqn=args.target or "",
        lun=args.lun,
        initiator_iqn=args.initiator_iqn or "",
        chap_user=args.chap_user or "",
        chap_secret=secret,
        initiator=IscsiInitiator.USERSPACE if args.userspace_initiator else IscsiInitiator.KERNEL,
    )


# --- running ------------------------------------------------------------------------------


def _print_pool(pool: pb.Pool, output: str) -> None:
    if structured(output):
        print_data(pool_json(pool), output)
    else:
        print(pool_text(pool, time.time()))


async def _wait_settled(client: CoordinatorClient, pool: pb.Pool) -> pb.Pool:
    return await wait_settled(pool, lambda: client.get_pool(pool.spec.name))


def _require_ready(pool: pb.Pool) -> None:
    require_ready(f"pool {pool.spec.name}", pool)


async def run(client: CoordinatorClient, args: argparse.Namespace) -> None:
    command = args.command
    if command == "list":
        pools = (await client.list_pools()).pools
        found = (await client.list_discovered_pools()).pools if args.all else []
        print_list(
            pools,
            args.output,
            pool_json,
            pool_rows,
            POOL_HEADERS,
            "No pools.",
            found=found,
            found_json=discovered_json,
            found_rows=discovered_rows,
        )
        return
    if command == "adopt":
        secret = read_secret(args.secret_file, "--secret-file") if args.secret_file else ""
        pool = await client.adopt_pool(args.name, args.hosts, secret, args.dry_run)
        get = client.get_pool
        await report_adopted(pool, args, lambda: get(args.name), f"pool {args.name}", _print_pool)
        return
    if command == "show":
        _print_pool(await client.get_pool(args.name), args.output)
        return
    if command in ("create", "retry", "assign"):
        if command == "create":
            spec = spec_to_pb(spec_from_args(args), include_secrets=True)
            pool = await client.create_pool(spec)
        elif command == "retry":
            pool = await client.retry_pool(args.name, args.hosts)
        else:
            pool = await client.assign_hosts(args.name, args.hosts)
        if args.wait:
            pool = await _wait_settled(client, pool)
        _print_pool(pool, args.output)
        if args.wait:
            _require_ready(pool)
        return
    if command == "unassign":
        pool = await client.unassign_hosts(args.name, args.hosts, args.force)
        _print_pool(pool, args.output)
        require_off(f"pool {args.name}", pool, args.hosts)
        return
    if command == "delete":
        reply = await client.delete_pool(args.name, args.force)
        report_deleted("pool", args.name, reply, args.output, pool_json, host_json)
        return
    raise AssertionError(f"unknown pools command {command!r}")

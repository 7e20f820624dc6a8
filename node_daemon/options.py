"""The ``quantix-node`` command line."""

from __future__ import annotations

import argparse
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from domain.errors import ValidationError
from domain.join import JOIN_ENV, JoinString, parse_join_string
from domain.limits import quoted
from domain.pools import validate_absolute_path
from domain.validation import Address, parse_address, validate_hostname
from serving.grpc_server import InsecureRefused, check_insecure_listen

LOG_LEVELS = ("debug", "info", "warning", "error")
# The node's own state on the host: NFS mount points live in <data dir>/mnt/<pool>. /var/lib
# (FHS: persistent state of a program) rather than /run or /tmp, because libvirt remounts an
# autostarted NFS pool at boot and needs its mount point to still exist then; one directory of
# Quantix's own rather than /mnt, so a pool name can never collide with an admin's mounts.
DEFAULT_DATA_DIR = "/var/lib/quantix"

T = TypeVar("T")


@dataclass(frozen=True)
class NodeOptions:
    libvirt_uri: str
    listen: Address  # port 0: any free port (the bound one goes to --port-file)
    coordinator: str  # "" = the one stored with this node's certificate (DATA_DIR/coordinator)
    name: str  # "" = the host name libvirt reports
    advertise: str  # "" = the bound listen address
    port_file: Path | None
    log_level: str
    data_dir: str = DEFAULT_DATA_DIR  # absolute, normalized
    insecure: bool = False
    join: JoinString | None = None  # enrol with it when DATA_DIR holds no certificate yet
    netns: str = ""  # "": host networking where the daemon runs (a real host's own)
    report_usage: bool = True  # False: heartbeats carry no CPU/memory usage (--no-usage)


# A name under /run/netns, as `ip netns add` takes it: one path component, no '/', not '.' or
# '..'; 64 characters is more than any namespace name seen and keeps log lines short.
_NETNS_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


def validate_netns_name(value: str, field: str = "--netns") -> str:
    if not _NETNS_RE.fullmatch(value):
        raise ValidationError(
            field,
            "must be a network namespace name: 1-64 letters, digits, '_', '.' or '-', starting "
            f"with a letter or digit (got {quoted(value)})",
        )
    return value


def parse_listen(value: str, field: str = "--listen") -> Address:
    """``host:port`` like ``domain.validation.parse_address``, but port 0 is allowed."""
    host, sep, port = value.strip().rpartition(":")
    if sep and port == "0":
        # Validate the host part with the shared rules, using a placeholder port.
        return Address(parse_address(f"{host}:1", field).host, 0)
    return parse_address(value, field)


def _add_checked(
    parser: argparse.ArgumentParser, flag: str, check: Callable[[str, str], T], **options: Any
) -> None:
    """``parser.add_argument(flag, ...)`` whose value ``check(value, flag)`` validates with the
    domain rules; a broken rule is reported as argparse's error for ``flag``."""

    def convert(value: str) -> T:
        try:
            return check(value, flag)
        except ValidationError as error:
            # A part of the value (``--join (token)``) is named before its rule.
            part = error.field.removeprefix(flag).strip(" ()")
            raise argparse.ArgumentTypeError(
                f"{part}: {error.rule}" if part else error.rule
            ) from None

    parser.add_argument(flag, type=convert, **options)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="quantix-node",
        description="Quantix node daemon: serves this host's libvirt facts over gRPC and "
        "registers with the coordinator.",
    )
    parser.add_argument(
        "--libvirt-uri",
        required=True,
        help="libvirt connection URI, e.g. qemu:///system or test:///abs/path/host.xml",
    )
    _add_checked(
        parser,
        "--listen",
        parse_listen,
        required=True,
        help="HOST:PORT to serve gRPC on; port 0 picks a free port (see --port-file)",
    )
    _add_checked(
        parser,
        "--coordinator",
        parse_address,
        default=None,
        help="HOST:PORT of the coordinator to register with (default: the one stored with "
        "this node's certificate in DATA_DIR; required with --insecure)",
    )
    _add_checked(
        parser,
        "--name",
        validate_hostname,
        default=None,
        help="node name in the fleet (default: the host name libvirt reports)",
    )
    _add_checked(
        parser,
        "--advertise",
        parse_address,
        default=None,
        help="HOST:PORT the coordinator and consoles should use to reach this daemon "
        "(default: the bound listen address)",
    )
    parser.add_argument(
        "--port-file",
        type=Path,
        default=None,
        help="once serving, write the bound HOST:PORT to this file (atomically)",
    )
    _add_checked(
        parser,
        "--data-dir",
        validate_absolute_path,
        default=DEFAULT_DATA_DIR,
        help="absolute directory for the node's state on this host; NFS pools without a mount "
        f"point mount at DATA_DIR/mnt/POOL (default: {DEFAULT_DATA_DIR})",
    )
    _add_checked(
        parser,
        "--join",
        parse_join_string,
        # From the environment by default, where other users cannot read it (domain.join).
        default=os.environ.get(JOIN_ENV) or None,
        metavar="JOIN_STRING",
        help="enrol with the coordinator on first start: the line `quantixctl hosts "
        f"join-token` prints (default: ${JOIN_ENV}; single use; ignored once DATA_DIR holds "
        "this node's certificate)",
    )
    _add_checked(
        parser,
        "--netns",
        validate_netns_name,
        default=None,
        metavar="NAME",
        help="do all host networking (distributed switches, the NICs reported in host facts) "
        "inside the named network namespace /run/netns/NAME, which must exist; gRPC is still "
        "served where the daemon runs (for tests and the demo, so they never touch the "
        "machine's own interfaces)",
    )
    parser.add_argument(
        "--insecure",
        action="store_true",
        help="serve and call plaintext without authentication; refused unless --listen is "
        "loopback (for comparing TLS with plaintext on one machine, never for a fleet)",
    )
    parser.add_argument(
        "--no-usage",
        dest="report_usage",
        action="store_false",
        help="send heartbeats without the host's CPU and memory usage (for hosts whose figures "
        "would mislead: a test-driver host's usage is read from the machine the daemon runs "
        "on, so in tests a cluster's status would follow that machine's load)",
    )
    parser.add_argument("--log-level", choices=LOG_LEVELS, default="info")
    return parser


def parse_args(argv: Sequence[str] | None = None) -> NodeOptions:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.insecure:
        try:
            check_insecure_listen(str(args.listen))
        except InsecureRefused as error:
            parser.error(str(error))
        if args.join is not None:
            parser.error("--join: cannot enrol with --insecure (there is no certificate to get)")
        if args.coordinator is None:
            parser.error(
                "--coordinator is required with --insecure (no certificate to read it from)"
            )
    return NodeOptions(
        libvirt_uri=args.libvirt_uri,
        listen=args.listen,
        coordinator=str(args.coordinator) if args.coordinator else "",
        name=args.name or "",
        advertise=str(args.advertise) if args.advertise else "",
        port_file=args.port_file,
        log_level=args.log_level,
        data_dir=args.data_dir,
        insecure=args.insecure,
        join=args.join,
        netns=args.netns or "",
        report_usage=args.report_usage,
    )

"""The ``quantix-node`` command line."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from domain.errors import ValidationError
from domain.pools import validate_absolute_path
from domain.validation import Address, parse_address, validate_hostname

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
    coordinator: str
    name: str  # "" = the host name libvirt reports
    advertise: str  # "" = the bound listen address
    port_file: Path | None
    log_level: str
    data_dir: str = DEFAULT_DATA_DIR  # absolute, normalized


def parse_listen(value: str, field: str = "--listen") -> Address:
    """``host:port`` like ``domain.validation.parse_address``, but port 0 is allowed."""
    host, sep, port = value.strip().rpartition(":")
    if sep and port == "0":
        # Validate the host part with the shared rules, using a placeholder port.
        return Address(parse_address(f"{host}:1", field).host, 0)
    return parse_address(value, field)


def _argument_type(func: Callable[[str, str], T], field: str) -> Callable[[str], T]:
    """An argparse ``type=`` that validates with the domain rules and reports the rule broken."""

    def convert(value: str) -> T:
        try:
            return func(value, field)
        except ValidationError as error:
            raise argparse.ArgumentTypeError(error.rule) from None

    return convert


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
    parser.add_argument(
        "--listen",
        required=True,
        type=_argument_type(parse_listen, "--listen"),
        help="HOST:PORT to serve gRPC on; port 0 picks a free port (see --port-file)",
    )
    parser.add_argument(
        "--coordinator",
        required=True,
        type=_argument_type(parse_address, "--coordinator"),
        help="HOST:PORT of the coordinator to register with",
    )
    parser.add_argument(
        "--name",
        default=None,
        type=_argument_type(validate_hostname, "--name"),
        help="node name in the fleet (default: the host name libvirt reports)",
    )
    parser.add_argument(
        "--advertise",
        default=None,
        type=_argument_type(parse_address, "--advertise"),
        help="HOST:PORT the coordinator and consoles should use to reach this daemon "
        "(default: the bound listen address)",
    )
    parser.add_argument(
        "--port-file",
        type=Path,
        default=None,
        help="once serving, write the bound HOST:PORT to this file (atomically)",
    )
    parser.add_argument(
        "--data-dir",
        default=DEFAULT_DATA_DIR,
        type=_argument_type(validate_absolute_path, "--data-dir"),
        help="absolute directory for the node's state on this host; NFS pools without a mount "
        f"point mount at DATA_DIR/mnt/POOL (default: {DEFAULT_DATA_DIR})",
    )
    parser.add_argument("--log-level", choices=LOG_LEVELS, default="info")
    return parser


def parse_args(argv: Sequence[str] | None = None) -> NodeOptions:
    args = build_parser().parse_args(argv)
    return NodeOptions(
        libvirt_uri=args.libvirt_uri,
        listen=args.listen,
        coordinator=str(args.coordinator),
        name=args.name or "",
        advertise=str(args.advertise) if args.advertise else "",
        port_file=args.port_file,
        log_level=args.log_level,
        data_dir=args.data_dir,
    )

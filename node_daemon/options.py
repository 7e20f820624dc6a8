"""``quantix-node``'s settings: flags and ``/etc/quantix/node.toml``, declared once.

Each setting is declared here with its type, default and why; the parser, the file's loader
(``serving.config_file``) and the generated docs read this table.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from domain.errors import ValidationError
from domain.join import (
    JOIN_ENV,
    JOIN_PREFIX,
    SUGGESTED_NODE_PORT,
    JoinString,
    parse_join_string,
)
from domain.limits import quoted
from domain.pools import validate_absolute_path
from domain.validation import Address, parse_address, parse_listen, validate_hostname
from serving.config_file import (
    LOG_LEVEL,
    PORT_FILE,
    ConfigSource,
    DaemonConfig,
    Kind,
    Packaged,
    Setting,
)
from serving.grpc_server import InsecureRefused, check_insecure_listen

# The node's own state on the host: NFS mount points live in <data dir>/mnt/<pool>. /var/lib
# (FHS: persistent state of a program) rather than /run or /tmp, because libvirt remounts an
# autostarted NFS pool at boot and needs its mount point to still exist then; one directory of
# Quantix's own rather than /mnt, so a pool name can never collide with an admin's mounts.
DEFAULT_DATA_DIR = "/var/lib/quantix"


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
    config: ConfigSource | None = None  # the file read, logged once logging is set up


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


SETTINGS = (
    Setting(
        "libvirt_uri",
        Kind.TEXT,
        None,
        help="libvirt connection URI, e.g. qemu:///system or test:///abs/path/host.xml",
        why="which libvirt a daemon manages is never guessed (a test-driver host "
        "and the real one must not be mixed up); packages set qemu:///system",
        required=True,
        metavar="URI",
    ),
    Setting(
        "listen",
        Kind.TEXT,
        None,
        help="HOST:PORT to serve gRPC on; port 0 picks a free port (see port_file)",
        why=f"whether a host is reachable from the network is the admin's choice; "
        f"the join command suggests 0.0.0.0:{SUGGESTED_NODE_PORT}",
        check=parse_listen,
        required=True,
        metavar="HOST:PORT",
    ),
    Setting(
        "coordinator",
        Kind.TEXT,
        None,
        help="HOST:PORT of the coordinator to register with (required with insecure)",
        why="the coordinator stored with this node's certificate in DATA_DIR when it "
        "enrolled, so a moved coordinator is followed by enrolling again, not by editing files",
        check=parse_address,
        metavar="HOST:PORT",
    ),
    Setting(
        "name",
        Kind.TEXT,
        None,
        help="node name in the fleet",
        why="the host name libvirt reports, the name admins already know the host by",
        check=validate_hostname,
        metavar="NAME",
    ),
    Setting(
        "advertise",
        Kind.TEXT,
        None,
        help="HOST:PORT the coordinator and consoles should use to reach this daemon",
        why="the bound listen address, right whenever that address is reachable "
        "(it is not for 0.0.0.0: set the host's own name then)",
        check=parse_address,
        metavar="HOST:PORT",
    ),
    PORT_FILE,
    Setting(
        "data_dir",
        Kind.TEXT,
        DEFAULT_DATA_DIR,
        help="absolute directory for the node's state on this host (its certificate; NFS "
        "pools without a mount point mount at DATA_DIR/mnt/POOL)",
        why="persistent state under /var/lib (FHS): libvirt remounts an autostarted NFS pool "
        "at boot and needs its mount point to still exist, and a directory of Quantix's own "
        "keeps pool names from colliding with an admin's mounts",
        check=validate_absolute_path,
        metavar="PATH",
    ),
    Setting(
        "join",
        Kind.TEXT,
        None,
        help="enrol with the coordinator on first start: the line `quantixctl hosts "
        "join-token` prints (single use; ignored once DATA_DIR holds this node's certificate)",
        why=f"read from ${JOIN_ENV}, which other users cannot read (a command line "
        "they can); in a file, make the file root-owned and 0600 or 0640",
        check=parse_join_string,
        secret=True,
        public_parts=(JOIN_PREFIX,),
        env=JOIN_ENV,
        metavar="JOIN_STRING",
    ),
    Setting(
        "netns",
        Kind.TEXT,
        None,
        help="do all host networking (distributed switches, the NICs reported in host facts) "
        "inside the named network namespace /run/netns/NAME, which must exist; gRPC is still "
        "served where the daemon runs",
        why="a real host's own networking; a namespace is for tests and the demo, so "
        "they never touch the machine's own interfaces",
        check=validate_netns_name,
        metavar="NAME",
    ),
    Setting(
        "insecure",
        Kind.SWITCH,
        False,
        help="serve and call plaintext without authentication; refused unless listen is "
        "loopback (for comparing TLS with plaintext on one machine, never for a fleet)",
        why="every call is mutual TLS with the node's enrolled certificate",
    ),
    Setting(
        "usage",
        Kind.SWITCH,
        True,
        help="send the host's CPU and memory usage with each heartbeat (--no-usage: without)",
        why="clusters' status and the usage graphs need every host's figures; false only "
        "where they would mislead (a test-driver host reads the machine the daemon runs on)",
    ),
    LOG_LEVEL,
)

CONFIG = DaemonConfig(
    program="quantix-node",
    description="Quantix node daemon: serves this host's libvirt facts over gRPC and "
    "registers with the coordinator.",
    default_path=Path("/etc/quantix/node.toml"),
    settings=SETTINGS,
    packaged=(
        Packaged("libvirt_uri", "qemu:///system", "the host's own system libvirtd"),
        Packaged(
            "listen",
            f"0.0.0.0:{SUGGESTED_NODE_PORT}",
            "the coordinator and consoles dial the node; the port the join command suggests",
        ),
        Packaged(
            "data_dir",
            "/var/lib/quantix/node",
            "persistent state under /var/lib (FHS), apart from a coordinator on the same host",
        ),
    ),
)


def parse_args(argv: Sequence[str] | None = None) -> NodeOptions:
    args, parser = CONFIG.parse(argv)
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
        report_usage=args.usage,
        config=args.config,
    )

"""``quantix-coordinator``'s settings: flags and ``/etc/quantix/coordinator.toml``, declared once.

Each setting is declared here with its type, default and why; the parser, the file's loader
(``serving.config_file``) and the generated docs read this table.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from coordinator.realize import DEFAULT_DEADLINE_S
from domain.node_status import DEFAULT_HEARTBEAT_INTERVAL_S, MISSED_HEARTBEATS_FOR_OFFLINE
from domain.validation import canonical_listen
from serving.config_file import (
    LOG_LEVEL,
    PORT_FILE,
    DaemonConfig,
    Kind,
    Packaged,
    Setting,
    greater_than_zero,
)
from serving.grpc_server import InsecureRefused, check_insecure_listen

DEFAULT_LISTEN = "127.0.0.1:7443"
# New hosts enrol on a port of their own: it asks the client for no certificate (a new host has
# none), where the main port refuses any client without one in the handshake. gRPC cannot ask
# for a certificate optionally on one port, and a separate port also lets a firewall open
# enrolment only while hosts are being added.
DEFAULT_ENROL_PORT = 7444
DB_FILE = "coordinator.sqlite"

SETTINGS = (
    Setting(
        "listen",
        Kind.TEXT,
        DEFAULT_LISTEN,
        help="HOST:PORT to serve gRPC on; port 0 picks a free port (see port_file)",
        check=canonical_listen,
        why="loopback: a coordinator installed by hand is reachable from other hosts only "
        "once its admin says so; 7443 is Quantix's port (7444 enrolment, 7445 nodes), one "
        "firewall range for a fleet",
        metavar="HOST:PORT",
    ),
    Setting(
        "data_dir",
        Kind.PATH,
        None,
        help="the coordinator's directory: its CA and certificate (`quantixctl pki init`) "
        "and, unless db says otherwise, its database",
        why="it holds the fleet's CA key, so it is never guessed; packages set "
        "/var/lib/quantix/coordinator",
        required=True,
        metavar="PATH",
    ),
    Setting(
        "enrol_listen",
        Kind.TEXT,
        None,
        help="HOST:PORT where new hosts enrol with a join token",
        check=canonical_listen,
        why=f"the listen host on port {DEFAULT_ENROL_PORT} (a free port when listen "
        "has port 0), since enrolment needs a port that asks for no client certificate",
        metavar="HOST:PORT",
    ),
    Setting(
        "db",
        Kind.PATH,
        None,
        help="the SQLite database file",
        why=f"DATA_DIR/{DB_FILE}, next to the secrets key that seals its pool "
        "secrets; set it only to put the database on another disk",
        metavar="PATH",
    ),
    Setting(
        "insecure",
        Kind.SWITCH,
        False,
        help="serve plaintext without authentication; refused unless listen is loopback (for "
        "comparing TLS with plaintext on one machine, never for a fleet)",
        why="every call is mutual TLS with a certificate naming the caller's role",
    ),
    Setting(
        "heartbeat_interval",
        Kind.NUMBER,
        DEFAULT_HEARTBEAT_INTERVAL_S,
        help="seconds between node heartbeats (a node is OFFLINE after "
        f"{MISSED_HEARTBEATS_FOR_OFFLINE} missed)",
        why="keeps the fleet view fresh (OFFLINE within 15 s) for one tiny call per node every "
        "5 s: 1,000 nodes are 200 calls/s (domain/node_status.py)",
        check=greater_than_zero,
        metavar="SECONDS",
    ),
    Setting(
        "pool_deadline",
        Kind.NUMBER,
        DEFAULT_DEADLINE_S,
        help="seconds each host gets to initialize or destroy a pool (or network) before it is "
        "reported as not answering",
        why="a slow NFS mount on a loaded host still fits, yet a user watching a Pending card "
        "learns within half a minute that a host is not answering (coordinator/realize.py)",
        check=greater_than_zero,
        metavar="SECONDS",
    ),
    PORT_FILE,
    LOG_LEVEL,
)

CONFIG = DaemonConfig(
    program="quantix-coordinator",
    description="Quantix coordinator: inventory, per-host status and the Watch stream.",
    default_path=Path("/etc/quantix/coordinator.toml"),
    settings=SETTINGS,
    packaged=(
        Packaged(
            "data_dir",
            "/var/lib/quantix/coordinator",
            "persistent state under /var/lib (FHS), owned by the package's system user",
        ),
        Packaged(
            "listen",
            "0.0.0.0:7443",
            "nodes and consoles on other hosts must reach it; mutual TLS guards the port",
        ),
    ),
)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Every setting (flags over the file over defaults), checked, with derived defaults."""
    args, parser = CONFIG.parse(argv)
    if args.insecure:
        try:
            check_insecure_listen(args.listen)
        except InsecureRefused as error:
            parser.error(str(error))
    if args.db is None:
        args.db = args.data_dir / DB_FILE
    if args.enrol_listen is None:
        host, _, port = args.listen.rpartition(":")
        args.enrol_listen = f"{host}:{0 if port == '0' else DEFAULT_ENROL_PORT}"
    return args

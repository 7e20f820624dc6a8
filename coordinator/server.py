"""quantix-coordinator: command line, wiring and lifecycle."""

from __future__ import annotations

import argparse
import asyncio
import logging
from pathlib import Path

import grpc

from coordinator.access_rules import CHANGES, RULES
from coordinator.adoption import Adopter, PoolAdoption
from coordinator.audit import AuditLog
from coordinator.discovery import DiscoveryManager
from coordinator.enrolment import Enroller, HostBindings
from coordinator.host_reports import ask_every_node
from coordinator.image_discovery import VolumeDiscovery
from coordinator.images import ImageManager
from coordinator.inventory import Inventory
from coordinator.join_tokens import JoinTokens
from coordinator.network_discovery import NETWORKS, NetworkAdoption
from coordinator.network_reports import NetworkReports
from coordinator.networks import NetworkManager
from coordinator.node_clients import NodeClients
from coordinator.nodes import NodeRegistry
from coordinator.pools import PoolManager
from coordinator.realize import DEFAULT_DEADLINE_S, Realizer
from coordinator.secret_box import SecretBox, SecretsUnreadable
from coordinator.servicer import CoordinatorServicer
from coordinator.store import SQLiteStore
from coordinator.switches import SwitchManager
from coordinator.tasks import TaskRegistry
from coordinator.usage_history import UsageHistory
from coordinator.usage_watch import UsagePublisher
from coordinator.watch import WatchHub
from domain.node_status import DEFAULT_HEARTBEAT_INTERVAL_S
from proto.quantix.v1 import coordinator_pb2_grpc as pb_grpc
from serving.access import AccessControl
from serving.grpc_server import (
    InsecureRefused,
    ServingServer,
    check_insecure_listen,
    install_stop_signals,
)
from serving.logs import setup_logging
from serving.portfile import write_port_file
from trust import pki
from trust.credentials import Identity, coordinator_identity, reloading_server_credentials
from trust.files import PkiError, PkiPaths, load_ca

log = logging.getLogger("coordinator")

DEFAULT_LISTEN = "127.0.0.1:7443"
# New hosts enrol on a port of their own: it asks the client for no certificate (a new host has
# none), where the main port refuses any client without one in the handshake. gRPC cannot ask
# for a certificate optionally on one port, and a separate port also lets a firewall open
# enrolment only while hosts are being added.
DEFAULT_ENROL_PORT = 7444
DB_FILE = "coordinator.sqlite"
SERVICE_NAME = "quantix.v1.Coordinator"
# Exit status when the coordinator cannot start (no certificate): systemd and tests see it.
EXIT_START_FAILED = 1


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="quantix-coordinator",
        description="Quantix coordinator: inventory, per-host status and the Watch stream.",
    )
    parser.add_argument("--listen", default=DEFAULT_LISTEN, help="HOST:PORT to serve gRPC on")
    parser.add_argument(
        "--data-dir",
        type=Path,
        required=True,
        help="the coordinator's directory: its CA and certificate (`quantixctl pki init`) and, "
        "unless --db says otherwise, its database",
    )
    parser.add_argument(
        "--enrol-listen",
        default=None,
        help="HOST:PORT where new hosts enrol with a join token (default: the --listen host, "
        f"port {DEFAULT_ENROL_PORT}, or a free port when --listen has port 0)",
    )
    parser.add_argument(
        "--db",
        type=Path,
        default=None,
        help=f"SQLite database file (default: DATA_DIR/{DB_FILE})",
    )
    parser.add_argument(
        "--insecure",
        action="store_true",
        help="serve plaintext without authentication; refused unless --listen is loopback "
        "(for comparing TLS with plaintext on one machine, never for a fleet)",
    )
    parser.add_argument(
        "--heartbeat-interval",
        type=float,
        default=DEFAULT_HEARTBEAT_INTERVAL_S,
        help="seconds between node heartbeats (a node is OFFLINE after 3 missed)",
    )
    parser.add_argument(
        "--pool-deadline",
        type=float,
        default=DEFAULT_DEADLINE_S,
        help="seconds each host gets to initialize or destroy a pool before it is reported as "
        "not answering (default %(default)g; see coordinator.realize)",
    )
    parser.add_argument(
        "--port-file", type=Path, help="write the bound HOST:PORT here once serving"
    )
    parser.add_argument("--log-level", default="info")
    args = parser.parse_args(argv)
    if args.heartbeat_interval <= 0:
        parser.error("--heartbeat-interval: must be greater than 0")
    if args.pool_deadline <= 0:
        parser.error("--pool-deadline: must be greater than 0")
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


def _credentials(args: argparse.Namespace, clients_prove_who: bool) -> grpc.ServerCredentials:
    return reloading_server_credentials(
        lambda: coordinator_identity(args.data_dir),
        PkiPaths.of(args.data_dir).server_cert,
        require_client_auth=clients_prove_who,
    )


def _trust(args: argparse.Namespace) -> tuple[Identity | None, pki.Issued | None]:
    """The coordinator's identity and its CA (both None with --insecure)."""
    if args.insecure:
        log.warning("serving PLAINTEXT without authentication on %s (--insecure)", args.listen)
        return None, None
    return coordinator_identity(args.data_dir), load_ca(args.data_dir)


async def serve(args: argparse.Namespace) -> None:
    try:
        identity, ca = _trust(args)
    except PkiError as error:
        log.error("cannot start: %s", error)
        raise SystemExit(EXIT_START_FAILED) from None
    args.db.parent.mkdir(parents=True, exist_ok=True)
    try:
        store = SQLiteStore(args.db, SecretBox.of_data_dir(args.data_dir))
    except SecretsUnreadable as error:
        log.error("cannot start: %s", error)
        raise SystemExit(EXIT_START_FAILED) from None
    hub = WatchHub()
    inventory = Inventory(store, hub)
    nodes = NodeRegistry(inventory, args.heartbeat_interval)
    node_clients = NodeClients(args.pool_deadline, identity)
    realizer = Realizer(nodes.route, node_clients, args.pool_deadline)
    pools = PoolManager(inventory, store, nodes, realizer)
    switches = SwitchManager(inventory, store, nodes, realizer)
    networks = NetworkManager(
        inventory, store, nodes, realizer, switches.spec_of, switches.add_port_group
    )
    switches.networks_using = networks.using_switch
    realized = (pools, switches, networks)
    discovery = DiscoveryManager(inventory, nodes)
    adopter = Adopter(PoolAdoption(pools), discovery, realizer)
    network_discovery = DiscoveryManager(inventory, nodes, NETWORKS)
    network_reports = NetworkReports(realizer, nodes, network_discovery)
    networks.adapter.host_changed = network_reports.host_changed
    network_adopter = Adopter(NetworkAdoption(networks), network_discovery, realizer)
    tokens = JoinTokens(store)
    bindings = HostBindings(store)
    audit = AuditLog(store, inventory, enforced=identity is not None)
    tasks = TaskRegistry(inventory, nodes.route)
    nodes.add_listener(tasks)
    images = ImageManager(inventory, pools, nodes, realizer, tasks)
    volumes = VolumeDiscovery(inventory, pools, nodes, realizer, images.claims)
    images.host_changed = lambda host, pool: volumes.ask(host, [pool])
    usage_publisher = UsagePublisher(hub, lambda: inventory.revision)
    usage = UsageHistory(usage_publisher)
    # With --insecure nothing can be checked (no certificates), but changes are still audited.
    access = AccessControl(RULES, bindings, audit.record, CHANGES, enforce=identity is not None)
    credentials = _credentials(args, clients_prove_who=True) if identity is not None else None
    try:
        server = ServingServer(args.listen, [SERVICE_NAME], credentials, [access])
        enrol_port = (
            server.add_port(args.enrol_listen, _credentials(args, clients_prove_who=False))
            if identity is not None
            else 0
        )
    except (OSError, RuntimeError) as error:
        log.error("cannot start: %s", error)
        raise SystemExit(EXIT_START_FAILED) from None
    enroller = Enroller(store, tokens, bindings, ca, enrol_port, registered=nodes.knows)
    pb_grpc.add_CoordinatorServicer_to_server(
        CoordinatorServicer(
            inventory,
            hub,
            nodes,
            pools,
            networks,
            switches,
            discovery,
            adopter,
            network_discovery,
            network_adopter,
            tokens,
            bindings,
            enroller,
            audit,
            tasks,
            images,
            usage,
        ),
        server.server,
    )
    stop = asyncio.Event()
    install_stop_signals(stop)
    await server.start()
    bound = f"{args.listen.rpartition(':')[0]}:{server.port}"
    if args.port_file:
        write_port_file(args.port_file, bound)
    log.info(
        "coordinator serving",
        extra={"address": bound, "enrolment_port": enrol_port, "db": str(args.db)},
    )
    tasks.recover()
    images.recover()
    for manager in realized:
        manager.resume()
    # Held here: asyncio keeps only weak references to tasks.
    asked = asyncio.create_task(ask_every_node(realizer, nodes, discovery, pools))
    network_reports.ask_every_node()
    volumes.ask_every_node()
    sweeper = asyncio.create_task(nodes.run_sweeper(stop))
    await stop.wait()
    log.info("coordinator stopping")
    usage_publisher.close()
    hub.close_all()
    await server.stop()
    await sweeper
    asked.cancel()
    tasks.close()
    await images.close()
    await volumes.close()
    await network_reports.close()
    for manager in realized:
        await manager.close()
    await realizer.close()
    await node_clients.close()
    store.close()
    log.info("coordinator stopped")


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    setup_logging("coordinator", args.log_level)
    asyncio.run(serve(args))

"""quantix-coordinator: command line, wiring and lifecycle."""

from __future__ import annotations

import argparse
import asyncio
import logging

import grpc

from coordinator.access_rules import CHANGES, RULES
from coordinator.adoption import Adopter, PoolAdoption
from coordinator.audit import AuditLog
from coordinator.clusters import ClusterManager
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
from coordinator.options import parse_args
from coordinator.pools import PoolManager
from coordinator.realize import Realizer
from coordinator.secret_box import SecretBox, SecretsUnreadable
from coordinator.servicer import CoordinatorServicer
from coordinator.store import SQLiteStore
from coordinator.switches import SwitchManager
from coordinator.tasks import TaskRegistry
from coordinator.usage_history import UsageHistory
from coordinator.usage_watch import UsagePublisher
from coordinator.watch import WatchHub
from proto.quantix.v1 import coordinator_pb2_grpc as pb_grpc
from serving.access import AccessControl
from serving.config_file import log_config_source
from serving.grpc_server import ServingServer, install_stop_signals
from serving.logs import setup_logging
from serving.portfile import write_port_file
from trust import pki
from trust.credentials import Identity, coordinator_identity, reloading_server_credentials
from trust.files import PkiError, PkiPaths, load_ca

log = logging.getLogger("coordinator")

SERVICE_NAME = "quantix.v1.Coordinator"
# Exit status when the coordinator cannot start (no certificate): systemd and tests see it.
EXIT_START_FAILED = 1

# The command line and the configuration file live in coordinator/options.py; parse_args stays
# importable from here, where tests and the entry point have always found it.
__all__ = ["main", "parse_args", "serve"]


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
    # Cluster status reads each member's latest usage (WARNING above 90 %) and is recomputed
    # for the hosts each coalesced publish carried.
    clusters = ClusterManager(inventory, nodes, usage=usage)
    usage.add_listener(clusters.usage_changed)
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
            clusters,
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
    clusters.close()
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
    log_config_source(args.config)
    asyncio.run(serve(args))

"""quantix-coordinator: command line, wiring and lifecycle."""

from __future__ import annotations

import argparse
import asyncio
import logging
from pathlib import Path

from coordinator.adoption import Adopter
from coordinator.discovery import DiscoveryManager
from coordinator.host_reports import ask_every_node
from coordinator.inventory import Inventory
from coordinator.node_clients import NodeClients
from coordinator.nodes import NodeRegistry
from coordinator.pools import PoolManager
from coordinator.realize import DEFAULT_DEADLINE_S, Realizer
from coordinator.servicer import CoordinatorServicer
from coordinator.store import SQLiteStore
from coordinator.watch import WatchHub
from domain.node_status import DEFAULT_HEARTBEAT_INTERVAL_S
from proto.quantix.v1 import coordinator_pb2_grpc as pb_grpc
from serving.grpc_server import ServingServer, install_stop_signals
from serving.logs import setup_logging
from serving.portfile import write_port_file

log = logging.getLogger("coordinator")

DEFAULT_LISTEN = "127.0.0.1:7443"
SERVICE_NAME = "quantix.v1.Coordinator"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="quantix-coordinator",
        description="Quantix coordinator: inventory, per-host status and the Watch stream.",
    )
    parser.add_argument("--listen", default=DEFAULT_LISTEN, help="HOST:PORT to serve gRPC on")
    parser.add_argument("--db", type=Path, required=True, help="SQLite database file")
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
    return args


async def serve(args: argparse.Namespace) -> None:
    store = SQLiteStore(args.db)
    hub = WatchHub()
    inventory = Inventory(store, hub)
    nodes = NodeRegistry(inventory, args.heartbeat_interval)
    node_clients = NodeClients(args.pool_deadline)
    realizer = Realizer(nodes.route, node_clients, args.pool_deadline)
    pools = PoolManager(inventory, store, nodes, realizer)
    discovery = DiscoveryManager(inventory, nodes)
    adopter = Adopter(pools, discovery, realizer)
    server = ServingServer(args.listen, [SERVICE_NAME])
    pb_grpc.add_CoordinatorServicer_to_server(
        CoordinatorServicer(inventory, hub, nodes, pools, discovery, adopter), server.server
    )
    stop = asyncio.Event()
    install_stop_signals(stop)
    await server.start()
    bound = f"{args.listen.rpartition(':')[0]}:{server.port}"
    if args.port_file:
        write_port_file(args.port_file, bound)
    log.info("coordinator serving", extra={"address": bound, "db": str(args.db)})
    pools.resume()
    # Held here: asyncio keeps only weak references to tasks.
    asked = asyncio.create_task(ask_every_node(realizer, nodes, discovery, pools))
    sweeper = asyncio.create_task(nodes.run_sweeper(stop))
    await stop.wait()
    log.info("coordinator stopping")
    hub.close_all()
    await server.stop()
    await sweeper
    asked.cancel()
    await pools.close()
    await realizer.close()
    await node_clients.close()
    store.close()
    log.info("coordinator stopped")


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    setup_logging("coordinator", args.log_level)
    asyncio.run(serve(args))

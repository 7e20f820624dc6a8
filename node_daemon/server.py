"""``quantix-node``: wiring, start-up and clean shutdown of the node daemon."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import Sequence
from pathlib import Path

from clients.channels import Endpoint
from clients.enrolment import EnrolmentFailed, enrol
from domain.errors import ValidationError
from domain.join import JoinString
from domain.validation import Address, parse_address
from domain.version import __version__
from node_daemon.access_rules import RULES
from node_daemon.host_usage import UsageSampler
from node_daemon.libvirt_conn import LibvirtCallError, LibvirtConnection
from node_daemon.libvirt_loop import EVENTS_LOGGER, setup_libvirt
from node_daemon.netns import namespace_exists, namespace_path
from node_daemon.options import NodeOptions, parse_args
from node_daemon.pool_changes import PoolChanges
from node_daemon.registration import Registrar
from node_daemon.servicer import SERVICE_NAME, NodeDaemonServicer
from node_daemon.task_reports import TaskReporter
from proto.quantix.v1 import node_pb2_grpc
from serving.access import AccessControl
from serving.config_file import log_config_source
from serving.grpc_server import ServingServer, install_stop_signals
from serving.logs import setup_logging
from serving.portfile import write_port_file
from trust.credentials import Identity, node_identity, server_credentials
from trust.files import NodePaths, PkiError, stored_coordinator, write_node_identity

log = logging.getLogger("node_daemon")

_WILDCARD_HOSTS = frozenset({"0.0.0.0", "::"})

# Exit codes: 0 after a clean stop, 1 when the daemon cannot start (bad listen address, no
# host name), so systemd's Restart= and the test fixtures see a failed start.
EXIT_OK = 0
EXIT_START_FAILED = 1

# libvirt frees a closed connection's watches through the event loop; waiting briefly lets it
# finish cleanly, and the bound keeps a stuck callback from hanging shutdown.
LIBVIRT_DRAIN_S = 2.0


def main(argv: Sequence[str] | None = None) -> int:
    options = parse_args(argv)
    setup_logging("node_daemon", options.log_level)
    if options.config is not None:
        log_config_source(options.config)
    # Per-call chatter (one line per RPC from grpc, one per socket-watch change from libvirt's
    # event loop) would drown the daemon's own debug lines.
    for chatty in ("grpc._cython.cygrpc", EVENTS_LOGGER):
        logging.getLogger(chatty).setLevel(max(logging.INFO, logging.getLogger().level))
    return asyncio.run(serve(options))


async def serve(options: NodeOptions) -> int:
    """Run until SIGTERM/SIGINT; the process exit code."""
    stop = asyncio.Event()
    install_stop_signals(stop)
    # Before any libvirt connection is opened (libvirt requires the event loop first).
    events = setup_libvirt()
    libvirt_conn = LibvirtConnection(options.libvirt_uri)
    try:
        return await _serve(options, libvirt_conn, stop)
    finally:
        await libvirt_conn.close()
        # Let libvirt's last callbacks (closing the connection's socket watch) run on the loop.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(events.drain(), LIBVIRT_DRAIN_S)
        log.info("node daemon stopped")


async def _serve(options: NodeOptions, libvirt_conn: LibvirtConnection, stop: asyncio.Event) -> int:
    # Before the first libvirt call opens the connection: the events are registered on it.
    changes = PoolChanges()
    libvirt_conn.on_open(changes.watch)
    name = options.name or await _libvirt_hostname(libvirt_conn)
    if not name:
        return EXIT_START_FAILED
    if options.netns and not namespace_exists(options.netns):
        log.error(
            "%s: cannot start: network namespace %s does not exist (%s)",
            name,
            options.netns,
            namespace_path(options.netns),
        )
        return EXIT_START_FAILED
    servicer = NodeDaemonServicer(
        name, libvirt_conn, options.data_dir, changes, netns=options.netns
    )
    try:
        return await _serve_as(name, servicer, options, stop)
    finally:
        await servicer.stop_jobs()
        servicer.close()


def _host_name() -> str:
    """This host's full name, or its plain one where the full name resolves to loopback only
    (a host whose /etc/hosts maps its name to 127.0.1.1 says "localhost" as its FQDN)."""
    full = socket.getfqdn()
    return socket.gethostname() if full.startswith("localhost") else full


def _advertised(listen: Address, port: int) -> str:
    """Where the coordinator and consoles reach a node listening on every address: this host's
    name (a packaged node listens on 0.0.0.0; the wildcard itself is nobody's address). The
    coordinator checks the node's certificate by its node name, not by this address, so the
    name only has to resolve. "" when the node listens on one address (that one is right)."""
    if listen.host not in _WILDCARD_HOSTS:
        return ""
    try:
        address = str(parse_address(f"{_host_name()}:{port}", "advertise"))
    except ValidationError as error:
        log.warning(
            "listening on every address, and this host's name is no address (%s): set "
            "advertise = HOST:PORT so the coordinator and consoles can reach this node",
            error,
        )
        return ""
    if address.startswith("localhost"):
        log.warning(
            "listening on every address, but this host has no name other hosts can use: "
            "registering %s; set advertise = HOST:PORT so the coordinator can reach this node",
            address,
        )
    else:
        log.info("listening on every address: registering %s (set advertise to choose)", address)
    return address


async def _trust(options: NodeOptions, name: str) -> tuple[Identity | None, str]:
    """This node's identity (None with --insecure) and the coordinator to register with;
    enrols first when given a join string and no certificate is stored yet."""
    if options.insecure:
        log.warning("serving PLAINTEXT without authentication on %s (--insecure)", options.listen)
        return None, options.coordinator
    data_dir = Path(options.data_dir)
    if options.join is not None:
        await _enrol_once(options.join, name, data_dir)
    identity = node_identity(data_dir)
    coordinator = options.coordinator or stored_coordinator(data_dir)
    return identity, coordinator


async def _enrol_once(join: JoinString, name: str, data_dir: Path) -> None:
    if NodePaths.of(data_dir).cert.exists():
        log.info(
            "%s: already enrolled (certificate in %s); --join was not needed and is not used",
            name,
            data_dir,
        )
        return
    # The token's ID only: its secret never reaches a log.
    log.info(
        "%s: enrolling with the coordinator at %s (join token %s)",
        name,
        join.enrolment_address,
        join.token.id,
    )
    enrolled = await enrol(join, name)
    write_node_identity(data_dir, enrolled.certificate, enrolled.key, enrolled.ca, join.coordinator)
    log.info("%s: enrolled; certificate and key stored in %s", name, data_dir)


async def _serve_as(
    name: str, servicer: NodeDaemonServicer, options: NodeOptions, stop: asyncio.Event
) -> int:
    try:
        identity, coordinator = await _trust(options, name)
    except (PkiError, EnrolmentFailed) as error:
        log.error("%s: cannot start: %s", name, error)
        return EXIT_START_FAILED
    if identity is not None and (issued_to := identity.host) != name:
        log.error(
            "%s: cannot start: the certificate in %s was issued to %s; a node serves only as "
            "the host its certificate names",
            name,
            options.data_dir,
            issued_to or "no host",
        )
        return EXIT_START_FAILED
    credentials = server_credentials(identity) if identity is not None else None
    interceptors = [AccessControl(RULES)] if identity is not None else []
    try:
        serving = ServingServer(str(options.listen), [SERVICE_NAME], credentials, interceptors)
    except (OSError, RuntimeError) as error:
        log.error("%s: cannot listen on %s: %s", name, options.listen, error)
        return EXIT_START_FAILED
    node_pb2_grpc.add_NodeDaemonServicer_to_server(servicer, serving.server)
    await serving.start()
    bound = str(Address(options.listen.host, serving.port))
    if options.port_file is not None:
        try:
            write_port_file(options.port_file, bound)
        except OSError as error:
            log.error("%s: cannot write the port file %s: %s", name, options.port_file, error)
            await serving.stop()
            return EXIT_START_FAILED
    address = options.advertise or _advertised(options.listen, serving.port) or bound
    log.info(
        "node daemon %s serving on %s (libvirt %s, coordinator %s, data dir %s, netns %s)",
        name,
        bound,
        options.libvirt_uri,
        coordinator,
        options.data_dir,
        options.netns or "the daemon's own",
        extra={"version": __version__},
    )
    servicer.attach_reporter(
        TaskReporter(Endpoint(coordinator, identity), name, cancel=servicer.jobs.cancel)
    )
    registrar = Registrar(
        Endpoint(coordinator, identity),
        name,
        address,
        servicer.host_info,
        daemon_version=__version__,
        pools=servicer.storage_pools,
        changes=servicer.changes,
        usage=UsageSampler(servicer.libvirt, name).read if options.report_usage else None,
    )

    async def recover_then_register() -> None:
        # What uploads a killed daemon left is removed and their tasks reported FAILED before
        # the daemon registers: the coordinator hears this account of them (what was removed)
        # before it learns of the new run, which ends whatever the old run left open anyway.
        try:
            await servicer.recover_transfers()
        except Exception:  # a bug there must not keep the host out of the fleet
            log.exception("removing what interrupted transfers left failed; registering anyway")
        await registrar.run()

    registration = asyncio.create_task(recover_then_register(), name="registration")
    await stop.wait()
    log.info("stopping: heartbeats, then the gRPC server, then libvirt")
    registration.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await registration
    await serving.stop()
    return EXIT_OK


async def _libvirt_hostname(libvirt_conn: LibvirtConnection) -> str:
    """The host name libvirt reports, or "" (logged) when libvirt cannot be asked."""
    try:
        return await libvirt_conn.call("reading the host name", lambda conn: conn.getHostname())
    except LibvirtCallError as error:
        log.error("%s; pass --name to start without it", error)
        return ""

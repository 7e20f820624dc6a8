"""Start, stop, kill and restart a local fleet."""

from __future__ import annotations

import asyncio
import atexit
import time
from collections.abc import Iterable, Sequence
from pathlib import Path

from clients.channels import Endpoint, node_endpoint
from clients.coordinator import CoordinatorClient
from domain.join import JOIN_ENV
from localfleet.process import DaemonProcess, ProcessFailed
from localfleet.testhosts import HostPool, write_test_host
from localfleet.trust import FleetTrust
from trust.credentials import node_identity

DEMO_NODE_NAMES = ("host-a", "host-b", "host-c")

__all__ = ["DEMO_NODE_NAMES", "LocalFleet", "ProcessFailed", "coordinator_process"]


class CoordinatorDaemon(DaemonProcess):
    """A coordinator process and the local PKI it serves with."""

    def __init__(
        self, trust: FleetTrust, args: list[str], workdir: Path, name: str = "coordinator"
    ) -> None:
        super().__init__(name, "coordinator", args, workdir)
        self.trust = trust

    def endpoint(self, role: str = "admin") -> Endpoint:
        """This coordinator, dialled with an identity of ``role``."""
        return Endpoint(self.address, self.trust.identity(role))

    def node_endpoint(self, host: str) -> Endpoint:
        """This coordinator, dialled with the certificate of node ``host`` (issued on first
        use): what a test that registers hosts by itself presents."""
        return Endpoint(self.address, self.trust.node_identity(host))


def coordinator_process(
    workdir: Path, heartbeat_interval_s: float, extra_args: Sequence[str] = ()
) -> CoordinatorDaemon:
    """A coordinator (not spawned yet) on a free loopback port, its CA, certificate and
    database in ``workdir/coordinator`` (made here when missing).

    ``args[1]`` is the ``--listen`` address: set it to serve again where it served before.
    """
    trust = FleetTrust(workdir)
    return CoordinatorDaemon(
        trust,
        [
            "--listen",
            "127.0.0.1:0",
            "--data-dir",
            str(trust.coordinator_dir),
            "--heartbeat-interval",
            str(heartbeat_interval_s),
            # A free port, also after a restart on the same --listen address.
            "--enrol-listen",
            "127.0.0.1:0",
            *extra_args,
        ],
        workdir,
    )


class LocalFleet:
    def __init__(
        self, workdir: Path, heartbeat_interval_s: float, coordinator_args: Sequence[str] = ()
    ) -> None:
        self.workdir = workdir
        self.heartbeat_interval_s = heartbeat_interval_s
        self.coordinator = coordinator_process(workdir, heartbeat_interval_s, coordinator_args)
        self.trust = self.coordinator.trust
        self.nodes: dict[str, DaemonProcess] = {}
        self._uris: dict[str, str] = {}
        self.report_usage = True  # False: nodes started with --no-usage
        atexit.register(self._stop_now)

    @classmethod
    async def start(
        cls,
        workdir: Path,
        node_names: Sequence[str] = DEMO_NODE_NAMES,
        heartbeat_interval_s: float = 2.0,
        pools: dict[str, tuple[HostPool, ...]] | None = None,
        coordinator_args: Sequence[str] = (),
        netns: dict[str, str] | None = None,
        libvirt_uris: dict[str, str] | None = None,
        report_usage: bool = True,
    ) -> LocalFleet:
        """Coordinator first (nodes need its address), then every node at once, each
        enrolling with a join token of its own (the path a real host takes).

        ``coordinator_args`` go to the coordinator as they are, e.g. ``("--pool-deadline", "5")``.
        ``netns``: node name -> the namespace it does host networking in (``localfleet.netns``).
        ``libvirt_uris``: node name -> a libvirt it runs on as it is (otherwise a test-driver
        host of its own).
        ``report_usage``: False starts every node with ``--no-usage``.
        """
        fleet = cls(workdir, heartbeat_interval_s, coordinator_args)
        fleet.report_usage = report_usage
        try:
            fleet.coordinator.spawn()
            await fleet.coordinator.wait_serving()
            joins = await fleet.join_strings(len(node_names))
            for index, (name, join) in enumerate(zip(node_names, joins, strict=True)):
                host_pools = (pools or {}).get(name)
                fleet.add_node(
                    name,
                    index,
                    host_pools,
                    join=join,
                    netns=(netns or {}).get(name, ""),
                    libvirt_uri=(libvirt_uris or {}).get(name),
                )
            await asyncio.gather(*(node.wait_serving() for node in fleet.nodes.values()))
        except BaseException:
            await fleet.stop()
            raise
        return fleet

    async def join_strings(self, count: int, ttl_s: int = 600) -> list[str]:
        """``count`` join strings, made by this fleet's admin (as `quantixctl hosts
        join-token` would)."""
        async with CoordinatorClient(self.coordinator_endpoint("admin")) as client:
            return [str((await client.create_join_token(ttl_s))[0]) for _ in range(count)]

    @property
    def coordinator_address(self) -> str:
        return self.coordinator.address

    def node_address(self, name: str) -> str:
        return self.nodes[name].address

    def coordinator_endpoint(self, role: str = "admin") -> Endpoint:
        """The coordinator, dialled with an identity of ``role``."""
        return self.coordinator.endpoint(role)

    def as_node(self, name: str) -> Endpoint:
        """The coordinator, dialled with the certificate node ``name`` enrolled with (what
        its daemon presents)."""
        return Endpoint(self.coordinator_address, node_identity(self.node_data_dir(name)))

    def node_data_dir(self, name: str) -> Path:
        return (self.workdir / "data" / name).resolve()

    def cli_args(self, role: str = "admin") -> list[str]:
        """quantixctl's options to reach this fleet's coordinator as ``role``."""
        identity = self.trust.identity_file(role)
        return ["--coordinator", self.coordinator_address, "--identity", str(identity)]

    def node_endpoint(self, name: str, role: str = "admin") -> Endpoint:
        """Node ``name``'s daemon, dialled with an identity of ``role``."""
        return node_endpoint(self.node_address(name), name, self.trust.identity(role))

    def libvirt_uri(self, name: str) -> str:
        return self._uris[name]

    def add_node(
        self,
        name: str,
        index: int | None = None,
        pools: tuple[HostPool, ...] | None = None,
        *,
        libvirt_uri: str | None = None,
        listen: str = "127.0.0.1:0",
        join: str = "",
        netns: str = "",
    ) -> DaemonProcess:
        """Spawn the node's daemon (not yet waited for) on a test-driver host file written
        here from ``index`` and ``pools``, or on ``libvirt_uri`` as it is (a host file a test
        wrote, a real libvirtd). ``listen``: e.g. the address of a node this one replaces.
        ``join``: a join string it enrols with; without one it gets its certificate from the
        local CA directly (kept if its data directory already holds one). ``netns``: a
        namespace (``localfleet.netns``) the node does its host networking in."""
        if libvirt_uri is None:
            position = len(self.nodes) if index is None else index
            hosts = self.workdir / "hosts"
            libvirt_uri = write_test_host(hosts / f"{name}.xml", name, position, pools)
        self._uris[name] = libvirt_uri
        # Each node's own state (certificate, NFS mount points), as separate hosts would have.
        data_dir = self.node_data_dir(name)
        env: dict[str, str] = {}
        if join:
            env[JOIN_ENV] = join  # as the printed command passes it (domain.join says why)
            trust_args = []
        else:
            self.trust.enrol_offline(name, data_dir, self.coordinator_address)
            trust_args = ["--coordinator", self.coordinator_address]
        node = DaemonProcess(
            name,
            "node_daemon",
            [
                "--libvirt-uri",
                libvirt_uri,
                "--listen",
                listen,
                *trust_args,
                "--name",
                name,
                "--data-dir",
                str(data_dir),
                *(["--netns", netns] if netns else []),
                *([] if self.report_usage else ["--no-usage"]),
            ],
            self.workdir,
            env,
        )
        self.nodes[name] = node
        node.spawn()
        return node

    def pause_node(self, name: str) -> None:
        """SIGSTOP a node: it accepts connections and never answers (a hung host)."""
        self.nodes[name].pause()

    def resume_node(self, name: str) -> None:
        self.nodes[name].resume()

    async def kill_node(self, name: str) -> None:
        self.nodes[name].kill()

    async def start_node(self, name: str) -> str:
        node = self.nodes[name]
        node.spawn()
        return await node.wait_serving()

    async def stop_node(self, name: str) -> int | None:
        return await self.nodes[name].stop()

    async def restart_coordinator(self) -> str:
        """Stop it (SIGTERM) and start it again on the same address and database."""
        await self.coordinator.stop()
        return await self.start_coordinator()

    async def start_coordinator(self) -> str:
        """Start the stopped coordinator again, on its address and database."""
        self.coordinator.args[1] = self.coordinator.address
        self.coordinator.spawn()
        return await self.coordinator.wait_serving()

    async def kill_coordinator(self) -> None:
        self.coordinator.kill()

    async def stop(self) -> None:
        """Nodes first (so they do not log a lost coordinator), then the coordinator."""
        await asyncio.gather(*(node.stop() for node in self.nodes.values()))
        await self.coordinator.stop()
        atexit.unregister(self._stop_now)

    def _stop_now(self) -> None:
        for node in self.nodes.values():
            node.stop_now()
        self.coordinator.stop_now()


# How often a wait asks the coordinator again: quick enough that a test or the demo's start
# does not idle, rare enough to cost nothing.
POLL_INTERVAL_S = 0.05


async def wait_registered(endpoint: Endpoint, names: Iterable[str], timeout_s: float = 90) -> None:
    """Until the coordinator at ``endpoint`` knows every one of ``names``."""
    wanted = set(names)
    end = time.monotonic() + timeout_s
    async with CoordinatorClient(endpoint) as client:
        while True:
            known = {node.name for node in (await client.list_nodes()).nodes}
            if wanted <= known:
                return
            if time.monotonic() > end:
                raise TimeoutError(
                    f"{sorted(wanted - known)} did not register with {endpoint.address}"
                )
            await asyncio.sleep(POLL_INTERVAL_S)

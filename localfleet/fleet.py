"""Start, stop, kill and restart a local fleet."""

from __future__ import annotations

import asyncio
import atexit
from collections.abc import Sequence
from pathlib import Path

from localfleet.process import DaemonProcess, ProcessFailed
from localfleet.testhosts import HostPool, write_test_host

DEMO_NODE_NAMES = ("host-a", "host-b", "host-c")

__all__ = ["DEMO_NODE_NAMES", "LocalFleet", "ProcessFailed", "coordinator_process"]


def coordinator_process(
    workdir: Path, heartbeat_interval_s: float, extra_args: Sequence[str] = ()
) -> DaemonProcess:
    """A coordinator (not spawned yet) on a free loopback port, its database in ``workdir``.

    ``args[1]`` is the ``--listen`` address: set it to serve again where it served before.
    """
    return DaemonProcess(
        "coordinator",
        "coordinator",
        [
            "--listen",
            "127.0.0.1:0",
            "--db",
            str(workdir / "coordinator.sqlite"),
            "--heartbeat-interval",
            str(heartbeat_interval_s),
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
        self.nodes: dict[str, DaemonProcess] = {}
        self._uris: dict[str, str] = {}
        atexit.register(self._stop_now)

    @classmethod
    async def start(
        cls,
        workdir: Path,
        node_names: Sequence[str] = DEMO_NODE_NAMES,
        heartbeat_interval_s: float = 2.0,
        pools: dict[str, tuple[HostPool, ...]] | None = None,
        coordinator_args: Sequence[str] = (),
    ) -> LocalFleet:
        """Coordinator first (nodes need its address), then every node at once.

        ``coordinator_args`` go to the coordinator as they are, e.g. ``("--pool-deadline", "5")``.
        """
        fleet = cls(workdir, heartbeat_interval_s, coordinator_args)
        try:
            fleet.coordinator.spawn()
            await fleet.coordinator.wait_serving()
            for index, name in enumerate(node_names):
                host_pools = (pools or {}).get(name)
                fleet.add_node(name, index, host_pools)
            await asyncio.gather(*(node.wait_serving() for node in fleet.nodes.values()))
        except BaseException:
            await fleet.stop()
            raise
        return fleet

    @property
    def coordinator_address(self) -> str:
        return self.coordinator.address

    def node_address(self, name: str) -> str:
        return self.nodes[name].address

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
    ) -> DaemonProcess:
        """Spawn the node's daemon (not yet waited for) on a test-driver host file written
        here from ``index`` and ``pools``, or on ``libvirt_uri`` as it is (a host file a test
        wrote, a real libvirtd). ``listen``: e.g. the address of a node this one replaces."""
        if libvirt_uri is None:
            position = len(self.nodes) if index is None else index
            hosts = self.workdir / "hosts"
            libvirt_uri = write_test_host(hosts / f"{name}.xml", name, position, pools)
        self._uris[name] = libvirt_uri
        node = DaemonProcess(
            name,
            "node_daemon",
            [
                "--libvirt-uri",
                libvirt_uri,
                "--listen",
                listen,
                "--coordinator",
                self.coordinator_address,
                "--name",
                name,
                # Each node's own state (NFS mount points), as separate hosts would have.
                "--data-dir",
                str((self.workdir / "data" / name).resolve()),
            ],
            self.workdir,
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

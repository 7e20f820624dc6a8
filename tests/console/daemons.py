"""Real daemons for the console tests, started from the console's qasync loop.

The coordinator is ``python -m coordinator`` and every node daemon is ``python -m node_daemon``
on a libvirt test-driver host file written here, all child processes on loopback (the
``localfleet`` machinery). They are started with the ``run`` fixture, never ``asyncio.run()``:
that cannot run inside the qasync loop the console tests keep running.
"""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

from clients.channels import Endpoint
from clients.coordinator import CoordinatorClient
from localfleet import LocalFleet
from localfleet.fleet import coordinator_process
from localfleet.testhosts import DEMO_POOLS, HostPool, write_test_host
from proto.quantix.v1 import coordinator_pb2 as pb
from tests.console.messages import make_node
from tests.fleet_client import FleetClient

# A coordinator whose nodes are registered by the test over RPC has no node daemon sending
# heartbeats: an hour-long interval keeps its liveness sweeper from turning those nodes OFFLINE
# in the middle of a test, which would add Watch events the test did not make.
QUIET_HEARTBEAT_INTERVAL_S = 3600.0

# A fleet with node daemons: a killed node is OFFLINE after 3 missed beats (3 s, so within
# ~4 s), while a healthy node would have to stall for 3 s to be called offline by mistake,
# which even a loaded 2-core machine does not do.
FLEET_HEARTBEAT_INTERVAL_S = 1.0

# Generous, like test_console_live's: about what happens, not how fast.
START_TIMEOUT_S = 90.0


class CoordinatorProcess:
    """A real coordinator process on loopback and its SQLite database.

    It can stop and start again, on its own address or elsewhere, with the same database: the
    same coordinator, as a restart brings it back.
    """

    def __init__(
        self, workdir: Path, heartbeat_interval_s: float = QUIET_HEARTBEAT_INTERVAL_S
    ) -> None:
        self.process = coordinator_process(workdir, heartbeat_interval_s)

    @property
    def address(self) -> str:
        return self.process.address

    @property
    def endpoint(self) -> Endpoint:
        """This coordinator, dialled as its admin."""
        return self.process.endpoint()

    async def start(self, listen: str = "") -> str:
        """Serve on ``listen``; by default on the address it had before (a free port at first)."""
        self.process.args[1] = listen or self.process.address or "127.0.0.1:0"
        self.process.spawn()
        return await self.process.wait_serving()

    async def stop(self) -> None:
        """SIGTERM: the coordinator ends its Watch streams and exits."""
        await self.process.stop()

    def stop_now(self) -> None:
        self.process.stop_now()

    async def register(self, name: str, address: str = "192.0.2.1:7501") -> pb.Node:
        """Register ``name`` as its node daemon would at start-up (RegisterNode).

        The default address is in TEST-NET-1 (RFC 5737): nothing in these tests dials it.
        """
        request = pb.RegisterNodeRequest(
            hostname=name,
            address=address,
            host_info=make_node(name).host_info,
            daemon_version="test",
        )
        async with FleetClient(self.process) as client:
            return (await client.register_node(request)).node

    async def set_maintenance(self, name: str, maintenance: bool = True) -> pb.Node:
        async with CoordinatorClient(self.endpoint) as client:
            return await client.set_maintenance(name, maintenance)


def write_host(
    path: Path,
    name: str,
    edit: Callable[[ET.Element], None] | None = None,
    pools: tuple[HostPool, ...] = DEMO_POOLS[0],
) -> str:
    """Write a test-driver host file for ``name`` (localfleet's host, then ``edit`` applied to
    its XML) at ``path``; returns its libvirt URI."""
    return write_test_host(path, name, 0, pools, edit)


async def start_node(fleet: LocalFleet, name: str, uri: str, listen: str = "127.0.0.1:0") -> str:
    """A node daemon for ``name`` on the test-driver host ``uri``, registering with the
    fleet's coordinator; it is one of ``fleet.nodes``, so it stops with the fleet."""
    node = fleet.add_node(name, libvirt_uri=uri, listen=listen)
    return await node.wait_serving()


async def replace_node(fleet: LocalFleet, name: str, uri: str) -> str:
    """Stop ``name``'s node daemon and start a new one on the same address, on host ``uri``:
    the host as it is after an admin fixed it."""
    old = fleet.nodes[name]
    address = old.address
    await old.stop()
    return await start_node(fleet, name, uri, listen=address)


def connections_to(address: str) -> int:
    """How many TCP connections this process holds open to ``address`` (``host:port``).

    Read from the kernel (/proc): a closed stream really let go of its connection, whatever a
    client object says about itself.
    """
    port = int(address.rpartition(":")[2])
    ours = set()
    for fd in Path("/proc/self/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue  # closed since the directory was listed
        if target.startswith("socket:["):
            ours.add(target[len("socket:[") : -1])
    count = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            remote_port = int(fields[2].rpartition(":")[2], 16)
            if remote_port == port and fields[9] in ours:
                count += 1
    return count


async def start_coordinator_again(fleet: LocalFleet) -> str:
    """Start the fleet's stopped coordinator again, on its address and database.

    For a test that looks at the console while the coordinator is away.
    """
    return await fleet.start_coordinator()

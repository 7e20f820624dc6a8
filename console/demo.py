"""``--demo``: a local fleet for the console's lifetime: a coordinator, host-a, host-b and host-c
on libvirt's test driver, and host-d on this machine's own libvirt with a real pool for images
(``console.demo_storage``).

Qt-free. The fleet lives in a temporary directory that goes away when the demo stops.
``localfleet`` is imported when the demo starts, so a console installed without it still runs
(and says why the demo cannot start).
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from console import demo_storage
from console.demo_storage import STORAGE_POOL

if TYPE_CHECKING:
    from clients.channels import Endpoint
    from localfleet import LocalFleet

log = logging.getLogger(__name__)

# The demo's nodes heartbeat every 2 s so that a node stopped during a demo turns OFFLINE
# within ~6 s (three missed heartbeats): quick enough to watch it happen.
DEMO_HEARTBEAT_INTERVAL_S = 2.0

# localfleet.stop() sends SIGTERM and kills what is left after its own grace period; this
# outer bound only guarantees that closing the console never hangs on a stuck child.
DEMO_STOP_TIMEOUT_S = 20.0


# The demo's hosts' NICs (veth pairs in a network namespace per host): host-c's eth2 has a
# smaller MTU than the others, so the switch view has a mismatch to show when it is mapped.
DEMO_NICS: dict[str, tuple[tuple[str, int], ...]] = {
    "host-a": (("eth1", 1500), ("eth2", 1500)),
    "host-b": (("eth1", 1500), ("eth2", 1500)),
    "host-c": (("eth1", 1500), ("eth2", 1400)),
}
# A switch the demo starts with, on every host's eth1: one uplink, since two would make a
# bond, which needs the kernel's bonding driver (not every machine has it).
DEMO_SWITCH = "dvs-demo"


class DemoHostNet:
    """Namespaces with veth NICs for the demo's hosts (DEMO_NICS), so a switch built in the
    demo never touches this machine's interfaces. Made and removed by a child process
    (localfleet.netns_process: netlink cannot run inside the console's Qt event loop)."""

    def __init__(self, run_id: str) -> None:
        self.run_id = run_id

    def namespace(self, node: str) -> str:
        from localfleet.netns import HostNet

        return HostNet(run_id=self.run_id).namespace(node)

    @classmethod
    async def create(cls) -> DemoHostNet | None:
        """None without root (namespaces need it here): the demo's hosts then have no NICs
        to build switches on, and the switch view says so."""
        if os.geteuid() != 0:
            log.warning(
                "demo without root: hosts get no NICs of their own, switches cannot be built"
            )
            return None
        net = cls(secrets.token_hex(4))
        from localfleet.netns_process import host_args

        await net._run("create", *host_args(DEMO_NICS))
        return net

    async def close(self) -> None:
        await self._run("remove", *DEMO_NICS)

    async def _run(self, *args: str) -> None:
        from localfleet.launch import python_module_command

        child = await asyncio.create_subprocess_exec(
            *python_module_command("localfleet.netns_process", args[0], self.run_id, *args[1:]),
            stderr=asyncio.subprocess.PIPE,
        )
        _, err = await child.communicate()
        if child.returncode != 0:
            raise RuntimeError(f"demo host networks ({args[0]}): {err.decode(errors='replace')}")


class DemoFleet:
    """A started LocalFleet, the temporary directory it runs in and its hosts' namespaces."""

    def __init__(
        self,
        fleet: LocalFleet,
        workdir: tempfile.TemporaryDirectory[str],
        host_net: DemoHostNet | None = None,
        storage_host: bool = False,
    ) -> None:
        self._fleet = fleet
        self._workdir = workdir
        self._host_net = host_net
        self._storage_host = storage_host

    @property
    def coordinator_address(self) -> str:
        return self._fleet.coordinator_address

    def coordinator_endpoint(self) -> Endpoint:
        """The demo's coordinator, as the demo's admin."""
        return self._fleet.coordinator_endpoint("admin")

    @classmethod
    async def start(cls) -> DemoFleet:
        from localfleet import DEMO_NODE_NAMES, LocalFleet

        workdir = tempfile.TemporaryDirectory(prefix="quantix-demo-")
        host_net = None
        why_no_storage = await demo_storage.libvirt_unavailable()
        if why_no_storage:
            log.warning(
                "demo without %s (uploads need a real libvirt): %s on %s",
                demo_storage.STORAGE_HOST,
                why_no_storage,
                demo_storage.STORAGE_URI,
            )
        names = DEMO_NODE_NAMES + (() if why_no_storage else (demo_storage.STORAGE_HOST,))
        try:
            host_net = await DemoHostNet.create()
            netns = (
                {node: host_net.namespace(node) for node in DEMO_NODE_NAMES} if host_net else None
            )
            fleet = await LocalFleet.start(
                Path(workdir.name),
                node_names=names,
                heartbeat_interval_s=DEMO_HEARTBEAT_INTERVAL_S,
                netns=netns,
                libvirt_uris={demo_storage.STORAGE_HOST: demo_storage.STORAGE_URI},
            )
        except BaseException:
            if host_net is not None:
                await host_net.close()
            workdir.cleanup()
            raise
        demo = cls(fleet, workdir, host_net, storage_host=not why_no_storage)
        if host_net is not None:
            await demo._create_switch()
        if demo._storage_host:
            await demo._create_storage_pool()
        log.info(
            "demo fleet started in %s, coordinator %s", workdir.name, fleet.coordinator_address
        )
        return demo

    async def _create_switch(self) -> None:
        """The demo's switch on every host's eth1 (created as an admin would)."""
        from clients.coordinator import CoordinatorClient
        from domain.switches import HostUplinks, PortGroup, SwitchSpec, UplinkNic
        from localfleet.fleet import wait_registered
        from wire.switch_codec import switch_to_pb

        spec = SwitchSpec(
            name=DEMO_SWITCH,
            uplinks=("uplink1",),
            active=("uplink1",),
            port_groups=(PortGroup("untagged", 0),),
            hosts=tuple(HostUplinks(node, (UplinkNic("uplink1", "eth1"),)) for node in DEMO_NICS),
        )
        await wait_registered(self.coordinator_endpoint(), DEMO_NICS)
        async with CoordinatorClient(self.coordinator_endpoint()) as client:
            await client.create_switch(switch_to_pb(spec))

    async def _create_storage_pool(self) -> None:
        """host-d's pool for images, as an admin would make it. A pool that fails (e.g. a
        directory it may not write) is shown failed in the console; the demo goes on."""
        from clients.coordinator import CoordinatorClient
        from localfleet.fleet import wait_registered

        demo_storage.images_dir().mkdir(parents=True, exist_ok=True)
        await wait_registered(self.coordinator_endpoint(), (demo_storage.STORAGE_HOST,))
        async with CoordinatorClient(self.coordinator_endpoint()) as client:
            await client.create_pool(demo_storage.pool_spec())

    async def _remove_storage_pool(self) -> None:
        """Undefine the demo pool on host-d (its directory and images stay for the next demo):
        the user's libvirt keeps no pool of a demo that has stopped."""
        from clients.coordinator import CoordinatorClient

        try:
            async with CoordinatorClient(self.coordinator_endpoint()) as client:
                await client.delete_pool(demo_storage.STORAGE_POOL, force=True)
        except Exception as error:  # the fleet stops anyway; say what is left behind
            log.warning(
                "the demo pool %s may still be defined in %s: %s",
                demo_storage.STORAGE_POOL,
                demo_storage.STORAGE_URI,
                error,
            )

    async def stop(self) -> None:
        try:
            if self._storage_host:
                try:
                    await asyncio.wait_for(self._remove_storage_pool(), DEMO_STOP_TIMEOUT_S)
                except TimeoutError:
                    log.warning("the demo pool %s was not removed in time", STORAGE_POOL)
            await asyncio.wait_for(self._fleet.stop(), DEMO_STOP_TIMEOUT_S)
        except TimeoutError:
            log.error("demo fleet did not stop within %.0f s", DEMO_STOP_TIMEOUT_S)
        finally:
            if self._host_net is not None:
                await self._host_net.close()
            self._workdir.cleanup()

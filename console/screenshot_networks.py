"""Screenshots of the Networks and Switches pages (``python -m console.screenshot DIR --only
networks``, or part of the whole tour): networks of each kind on the tour's fleet, one of them
failing on a host, and a distributed switch whose hosts' NICs are veth pairs in network
namespaces (one with a smaller MTU, so the matrix has a mismatch to mark)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from PySide6.QtWidgets import QWidget

from clients.coordinator import CoordinatorClient
from console.main_window import MainWindow
from console.networks.networks_page import NetworksPage
from console.networks.switches_page import SwitchesPage
from domain.network_addressing import StaticLease
from domain.networks import NetworkSpec, NetworkType
from domain.switches import HostUplinks, PortGroup, SwitchSpec, UplinkNic
from localfleet import LocalFleet
from wire.network_codec import network_to_pb
from wire.switch_codec import switch_to_pb

# host -> its NICs (name, MTU) in the tour's network namespaces.
TOUR_NICS = {host: (("eth1", 1500), ("eth2", 1500)) for host in ("host-a", "host-b", "host-c")}

NETWORKS = (
    NetworkSpec(
        name="lab",
        type=NetworkType.NAT,
        description="Build farm guests",
        subnet="10.20.0.0/24",
        gateway="10.20.0.1",
        dhcp_start="10.20.0.100",
        dhcp_end="10.20.0.200",
        leases=(StaticLease("52:54:00:12:34:56", "10.20.0.10", "web"),),
        dns_servers=("1.1.1.1",),
        dns_domain="lab.example",
    ),
    NetworkSpec(
        name="backend",
        type=NetworkType.ISOLATED,
        subnet="10.30.0.0/24",
        gateway="10.30.0.1",
        hosts=("host-a", "host-b"),
    ),
    NetworkSpec(name="lan", type=NetworkType.BRIDGED, bridge="br0"),
)
SWITCH = SwitchSpec(
    name="dvs1",
    uplinks=("uplink1",),
    active=("uplink1",),
    mtu=1500,
    port_groups=(PortGroup("untagged", 0),),
    hosts=tuple(HostUplinks(h, (UplinkNic("uplink1", "eth1"),)) for h in TOUR_NICS),
)
ON_SWITCH = NetworkSpec(
    name="guests", type=NetworkType.PORT_GROUP, switch="dvs1", port_group="untagged"
)


async def _until(condition: Callable[[], bool], what: str, timeout_s: float = 60.0) -> None:
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout_s
    while not condition():
        if loop.time() > end:
            raise TimeoutError(f"timed out waiting for {what}")
        await asyncio.sleep(0.1)


async def networks_tour(
    window: MainWindow, fleet: LocalFleet, save: Callable[[QWidget, str], None], switches: bool
) -> None:
    async with CoordinatorClient(fleet.coordinator_endpoint()) as client:
        if switches:
            await client.create_switch(switch_to_pb(SWITCH))
        for spec in NETWORKS:
            await client.create_network(network_to_pb(spec))
        if switches:
            await client.create_network(network_to_pb(ON_SWITCH))
    page = window.page("networks")
    assert isinstance(page, NetworksPage)
    window.show_page_key("networks")
    await _until(lambda: page.networks.rowCount() == len(NETWORKS) + switches, "networks")
    await _until(
        lambda: all(n.realization.phase not in (0, 1) for n in page.networks.networks()),
        "networks settled",
    )
    page.select_network("lab")
    await asyncio.sleep(0.5)
    save(window, "networks")
    if switches:
        view = window.page("switches")
        assert isinstance(view, SwitchesPage)
        window.show_page_key("switches")
        await _until(lambda: view.matrix.rowCount() == len(TOUR_NICS), "the switch matrix")
        await _until(lambda: "up" in str(view.matrix.index(0, 1).data()), "checked uplinks")
        await asyncio.sleep(0.5)
        save(window, "switches")
    window.show_page_key("hosts")

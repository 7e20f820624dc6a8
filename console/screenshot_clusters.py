"""The clusters part of ``python -m console.screenshot``: a cluster made on the live fleet, its
members' real usage (this machine's kernel figures, each host's heartbeat) with a few bursts
of CPU load so the graphs have a shape, then the Clusters page, the cluster's detail with its
graphs, the Hosts table's sparklines and a host's Usage tab.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import time
from collections.abc import Callable

from clients.coordinator import CoordinatorClient
from console.clusters.clusters_page import ClustersPage
from console.main_window import MainWindow
from console.screenshot_storage import Save
from console.usage.usage_store import UsageStore
from domain.clusters import ClusterSpec, DrsAutomation, DrsSettings, HaSettings
from localfleet import LocalFleet
from wire.cluster_codec import spec_to_pb

# How long the members' usage is recorded before the pictures: enough 5 s slots for a curve
# to read as one (the graph spans 15 minutes), short enough for a development aid.
RECORD_S = 150.0
# Load bursts during the recording: busy for BURST_S, then idle as long, so the CPU curve
# shows steps a reader can match to the hover values.
BURST_S = 20.0
WAIT_S = 60.0


def _spin(seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass


async def _until(condition: Callable[[], bool], what: str) -> None:
    loop = asyncio.get_running_loop()
    end = loop.time() + WAIT_S
    while not condition():
        if loop.time() > end:
            raise TimeoutError(f"timed out waiting for {what}")
        await asyncio.sleep(0.1)


async def _record_with_load(seconds: float) -> None:
    """Let heartbeats carry usage for ``seconds``, a busy core every other BURST_S."""
    loop = asyncio.get_running_loop()
    end = loop.time() + seconds
    busy = True
    while loop.time() < end:
        if busy:
            worker = multiprocessing.get_context("spawn").Process(target=_spin, args=(BURST_S,))
            worker.start()
            await asyncio.sleep(BURST_S)
            with contextlib.suppress(Exception):
                worker.join(timeout=1)
        else:
            await asyncio.sleep(BURST_S)
        busy = not busy


async def clusters_tour(window: MainWindow, fleet: LocalFleet, save: Save) -> None:
    spec = ClusterSpec(
        name="prod",
        description="Production web and database tier",
        labels=(("env", "prod"), ("site", "fra1")),
        ha=HaSettings(enabled=True, host_failures_to_tolerate=1, vm_monitoring=True),
        drs=DrsSettings(enabled=True, automation=DrsAutomation.FULLY_AUTOMATED),
    )
    async with CoordinatorClient(fleet.coordinator_endpoint()) as client:
        await client.create_cluster(spec_to_pb(spec), ["host-a", "host-b"])
    await _record_with_load(RECORD_S)

    page = window.page("clusters")
    assert isinstance(page, ClustersPage)
    window.show_page_key("clusters")
    await _until(lambda: page.select_cluster("prod"), "the cluster")
    await asyncio.sleep(1.5)  # the bars take the next usage batch
    save(window, "clusters")
    page.open_detail("prod")
    await asyncio.sleep(1.0)
    save(window, "cluster-detail")

    store = window.models["usage"]
    assert isinstance(store, UsageStore)
    window.show_page_key("hosts")
    hosts = window.hosts_page
    hosts.select_host("host-a")
    await asyncio.sleep(1.0)
    save(window, "hosts-usage")
    tabs = hosts.detail.tabs
    tabs.setCurrentIndex(next(i for i in range(tabs.count()) if "Usage" in tabs.tabText(i)))
    await asyncio.sleep(1.0)
    save(window, "host-usage")
    tabs.setCurrentIndex(0)

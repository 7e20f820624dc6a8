"""Screenshots of the Clusters page, the Create Cluster wizard's HA step and a cluster's
detail, with scripted data (``xvfb-run -a -s "-screen 0 1280x800x24" python -m
console.clusters.screenshot_clusters DIR``): no fleet is started; the window's models are fed
real quantix.v1 messages as Watch would deliver them, and the CPU/memory bars get samples
through the page's usage hook. A development aid, not used by the console."""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import qasync
from PySide6.QtCore import QObject, QSettings, Signal
from PySide6.QtWidgets import QApplication, QWidget

from clients.channels import Endpoint
from console.clusters.cluster_detail import HOSTS_TAB, SETTINGS_TAB
from console.clusters.clusters_page import ClustersPage
from console.clusters.create_cluster_wizard import HA_ID
from console.identity_store import IdentityStore
from console.main_window import MainWindow
from console.screenshot_storage import save_to
from console.settings import ConsoleSettings
from console.style import apply_style
from domain.clusters import ClusterSpec, DrsAutomation, DrsSettings, HaSettings
from proto.quantix.v1 import common_pb2 as cpb
from proto.quantix.v1 import coordinator_pb2 as pb
from wire.cluster_codec import spec_to_pb

GiB, TiB = 1024**3, 1024**4
# Nothing listens here: the actions are enabled as when connected, and nothing is called.
NOWHERE = Endpoint("127.0.0.1:1", None)
HOSTS: dict[str, tuple[int, int, int]] = {  # status, logical CPUs, memory GiB
    "host-a": (pb.NODE_STATUS_CONNECTED, 32, 256),
    "host-b": (pb.NODE_STATUS_CONNECTED, 32, 256),
    "host-c": (pb.NODE_STATUS_MAINTENANCE, 32, 256),
    "edge-1": (pb.NODE_STATUS_CONNECTED, 8, 32),
    "edge-2": (pb.NODE_STATUS_OFFLINE, 8, 32),
    "edge-3": (pb.NODE_STATUS_OFFLINE, 8, 32),
    "lab-1": (pb.NODE_STATUS_CONNECTED, 16, 64),
    "spare-1": (pb.NODE_STATUS_CONNECTED, 16, 128),
    "spare-2": (pb.NODE_STATUS_OFFLINE, 16, 128),
}
USAGE = {"host-a": (0.42, 0.61), "host-b": (0.35, 0.58), "host-c": (0.02, 0.1)}
USAGE |= {"edge-1": (0.93, 0.71), "lab-1": (0.12, 0.33)}


class ScriptedUsage(QObject):
    """Samples as the usage part's store gives them (latest per host), for the bars."""

    changed = Signal(object)

    def latest(self, host: str) -> tuple[float, float] | None:
        return USAGE.get(host)


def _cluster(
    spec: ClusterSpec,
    hosts: tuple[str, ...],
    status: int,
    message: str,
    storage: tuple[int, int] = (0, 0),
    pools: tuple[str, ...] = (),
    networks: tuple[str, ...] = (),
) -> pb.Cluster:
    online = sum(1 for h in hosts if HOSTS[h][0] == pb.NODE_STATUS_CONNECTED)
    return pb.Cluster(
        spec=spec_to_pb(spec),
        hosts=list(hosts),
        status=status,
        status_message=message,
        figures=pb.ClusterFigures(
            hosts_online=online,
            hosts_total=len(hosts),
            cores=sum(HOSTS[h][1] for h in hosts),
            memory_bytes=sum(HOSTS[h][2] for h in hosts) * GiB,
            storage_capacity_bytes=storage[0],
            storage_available_bytes=storage[1],
        ),
        pools=list(pools),
        networks=list(networks),
        created_by="admin",
    )


CLUSTERS = (
    _cluster(
        ClusterSpec(
            "prod",
            description="Production web and database tier",
            labels=(("env", "prod"), ("site", "fra1")),
            ha=HaSettings(enabled=True, vm_monitoring=True),
            drs=DrsSettings(enabled=True, automation=DrsAutomation.FULLY_AUTOMATED),
            default_pool="nfs-shared",
            default_network="prod-net",
        ),
        ("host-a", "host-b", "host-c"),
        pb.CLUSTER_STATUS_WARNING,
        "host-c in maintenance",
        (8 * TiB, 3 * TiB),
        ("nfs-shared", "local-a"),
        ("prod-net",),
    ),
    _cluster(
        ClusterSpec("edge", labels=(("env", "edge"),), ha=HaSettings(enabled=True)),
        ("edge-1", "edge-2", "edge-3"),
        pb.CLUSTER_STATUS_CRITICAL,
        "2 of 3 hosts offline: edge-2, edge-3",
        (2 * TiB, TiB // 10),
    ),
    _cluster(
        ClusterSpec("lab", drs=DrsSettings(enabled=True)),
        ("lab-1",),
        pb.CLUSTER_STATUS_HEALTHY,
        "The host is connected",
        (TiB, TiB // 2),
    ),
    _cluster(ClusterSpec("staging"), (), pb.CLUSTER_STATUS_EMPTY, "No hosts in this cluster"),
)


def _pool(name: str, hosts: tuple[str, ...]) -> pb.Pool:
    return pb.Pool(
        spec=cpb.PoolSpec(
            name=name,
            backend=cpb.POOL_BACKEND_LOCAL_DIR,
            local_dir=cpb.LocalDirSource(path=f"/var/lib/quantix/pools/{name}"),
        ),
        realization=cpb.Realization(
            phase=cpb.PHASE_READY,
            hosts=[cpb.HostStatus(host=h, phase=cpb.PHASE_READY) for h in hosts],
        ),
    )


def _network(name: str, hosts: tuple[str, ...]) -> pb.Network:
    return pb.Network(
        spec=cpb.NetworkSpec(
            name=name, type=cpb.NETWORK_TYPE_NAT, subnet="10.20.0.0/24", gateway="10.20.0.1"
        ),
        realization=cpb.Realization(
            phase=cpb.PHASE_READY,
            hosts=[cpb.HostStatus(host=h, phase=cpb.PHASE_READY) for h in hosts],
        ),
    )


def _event(kind: int, key: str, field: str, message: object) -> pb.WatchEvent:
    event = pb.WatchEvent(type=pb.WatchEvent.TYPE_ADDED, kind=kind, key=key)
    getattr(event, field).CopyFrom(message)
    return event


def feed(window: MainWindow) -> None:
    """The events Watch would deliver, routed to the window's models as the window does."""
    events = [pb.WatchEvent(type=pb.WatchEvent.TYPE_RESET)]
    for name, (status, cpus, memory) in HOSTS.items():
        node = pb.Node(
            name=name,
            address="10.0.0.1:7501",
            status=status,
            host_info=cpb.HostInfo(
                hostname=name,
                cpu=cpb.CpuInfo(model="AMD EPYC 7313", logical_cpus=cpus),
                memory_bytes=memory * GiB,
            ),
        )
        if status == pb.NODE_STATUS_OFFLINE:
            node.last_seen.GetCurrentTime()
            node.last_seen.seconds -= 340
        events.append(_event(pb.OBJECT_KIND_NODE, name, "node", node))
    every = ("host-a", "host-b", "host-c", "spare-1")
    for pool in (_pool("nfs-shared", every), _pool("local-a", ("host-a",))):
        events.append(_event(pb.OBJECT_KIND_POOL, pool.spec.name, "pool", pool))
    for net in (_network("prod-net", every), _network("lab-net", ("lab-1",))):
        events.append(_event(pb.OBJECT_KIND_NETWORK, net.spec.name, "network", net))
    events += [_event(pb.OBJECT_KIND_CLUSTER, c.spec.name, "cluster", c) for c in CLUSTERS]
    events.append(pb.WatchEvent(type=pb.WatchEvent.TYPE_SYNCED))
    for event in events:
        for spec in window.registry.models():
            if spec.takes(event.kind):
                window.models[spec.key].apply_event(event)  # type: ignore[attr-defined]


async def clusters_tour(save: Callable[[QWidget, str], None]) -> None:
    with tempfile.TemporaryDirectory(prefix="quantix-shots-") as work:
        settings = ConsoleSettings(
            QSettings(str(Path(work) / "console.ini"), QSettings.Format.IniFormat)
        )
        window = MainWindow(settings, IdentityStore())
        window.resize(1280, 800)
        window.show()
        try:
            page = window.page("clusters")
            assert isinstance(page, ClustersPage)
            # A picture of a connected page: its actions enabled (nothing is called).
            page.calls._endpoint = lambda: NOWHERE
            usage = ScriptedUsage(window)
            page.set_usage(usage)
            feed(window)
            window.show_page_key("clusters")
            await asyncio.sleep(0.3)
            usage.changed.emit(frozenset(USAGE))
            page.select_cluster("prod")
            await asyncio.sleep(0.3)
            save(window, "clusters")

            wizard = page.open_wizard()
            assert wizard is not None
            wizard.basics_page.fields.name.set_text("batch")
            wizard.next()
            picker = wizard.hosts_page.picker
            for row in range(picker.list.count()):
                if picker.list.item(row).text() == "spare-1":
                    picker.list.item(row).setCheckState(picker.list.item(row).checkState().Checked)
            wizard.next()
            assert wizard.currentId() == HA_ID
            wizard.ha_page.fields.enabled.setChecked(True)
            await asyncio.sleep(0.3)
            save(wizard, "cluster-wizard-ha")
            wizard.reject()
            await asyncio.sleep(0.1)

            page.open_detail("prod")
            await asyncio.sleep(0.3)
            save(window, "cluster-detail")
            page.detail.tabs.setCurrentIndex(HOSTS_TAB)
            page.detail.hosts_tab.select_hosts(["host-c"])
            await asyncio.sleep(0.3)
            save(window, "cluster-detail-hosts")
            page.detail.tabs.setCurrentIndex(SETTINGS_TAB)
            await asyncio.sleep(0.3)
            save(window, "cluster-detail-settings")
        finally:
            window.close()
            await window.wait_closed()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m console.clusters.screenshot_clusters")
    parser.add_argument("directory", type=Path, help="where to write the PNG files")
    args = parser.parse_args(argv)
    args.directory.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication([sys.argv[0]])
    assert isinstance(app, QApplication)
    app.setQuitOnLastWindowClosed(False)
    apply_style(app)
    qasync.run(clusters_tour(save_to(args.directory)))
    return 0


if __name__ == "__main__":
    sys.exit(main())

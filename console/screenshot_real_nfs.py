"""Development aid: ``python -m console.screenshot_real_nfs DIR`` saves
``storage-real-nfs-error.png``: the Storage page with an NFS pool that failed for real.

A coordinator and one node daemon, "real-host", on the real libvirtd (qemu:///system, started
by ``packaging/start-libvirtd.sh``); an NFS pool on 127.0.0.1:/export, whose mount fails on a
machine without an NFS client, so the card's banner and the detail show libvirt's own
``mount.nfs`` text. Run it under a display, e.g. ``xvfb-run -a -s "-screen 0 1440x900x24"
python -m console.screenshot_real_nfs docs/screenshots``. Not used by the console itself.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import tempfile
from pathlib import Path

import qasync
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from clients.coordinator import CoordinatorClient
from console.identity_store import IdentityStore
from console.main_window import MainWindow
from console.screenshot_storage import WINDOW_SIZE, _settle, _until, save_to
from console.settings import ConsoleSettings
from console.style import apply_style
from domain.pools import Backend, NfsSource, PoolSpec, validate_pool_spec
from localfleet import LocalFleet
from localfleet.process import DaemonProcess
from proto.quantix.v1 import common_pb2 as cpb
from proto.quantix.v1 import coordinator_pb2 as pb
from wire.pool_codec import spec_to_pb

HOST = "real-host"
POOL = "nfs-lab"
# The node only needs to register once; a long interval keeps it from going OFFLINE meanwhile.
HEARTBEAT_INTERVAL_S = 600.0


async def shoot(directory: Path, libvirt_uri: str) -> None:
    with tempfile.TemporaryDirectory(prefix="quantix-real-nfs-") as work:
        fleet = await LocalFleet.start(
            Path(work), node_names=(), heartbeat_interval_s=HEARTBEAT_INTERVAL_S
        )
        node_dir = Path(work) / "node-data"
        fleet.trust.enrol_offline(HOST, node_dir, fleet.coordinator_address)
        node = DaemonProcess(
            HOST,
            "node_daemon",
            [
                "--libvirt-uri",
                libvirt_uri,
                "--listen",
                "127.0.0.1:0",
                "--coordinator",
                fleet.coordinator_address,
                "--name",
                HOST,
                "--data-dir",
                str(node_dir),
            ],
            Path(work),
        )
        fleet.nodes[HOST] = node  # stops with the fleet
        settings = ConsoleSettings(
            QSettings(str(Path(work) / "console.ini"), QSettings.Format.IniFormat)
        )
        window = MainWindow(settings, IdentityStore())
        window.resize(WINDOW_SIZE)
        window.show()
        endpoint = fleet.coordinator_endpoint()
        try:
            node.spawn()
            await node.wait_serving()
            window.connect_to(endpoint)
            await _until(lambda: window.model.row_of(HOST) is not None, HOST)
            await _until(lambda: window.pools_model.is_synced, "pools")
            spec = validate_pool_spec(
                PoolSpec(
                    POOL,
                    Backend.NFS,
                    NfsSource("127.0.0.1", "/export", mount_options=("soft", "timeo=50")),
                    description="Lab NFS export (no NFS client on this machine)",
                )
            )
            async with CoordinatorClient(endpoint) as client:
                await client.create_pool(spec_to_pb(spec, include_secrets=False))
            pool = window.pools_model.pool
            await _until(
                lambda: (pool(POOL) or pb.Pool()).realization.phase == cpb.PHASE_ERROR,
                "the ERROR card",
            )
            window.show_page(2)
            window.storage_page.select_pool(POOL)
            await _settle()
            save_to(directory)(window, "storage-real-nfs-error")
        finally:
            with contextlib.suppress(Exception):  # best effort: the node rolled it back already
                async with CoordinatorClient(endpoint) as client:
                    await client.delete_pool(POOL, force=True)
            window.close()
            await window.wait_closed()
            await fleet.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m console.screenshot_real_nfs")
    parser.add_argument("directory", type=Path, help="where to write the PNG file")
    parser.add_argument("--libvirt-uri", default="qemu:///system", help="the real libvirtd")
    args = parser.parse_args(argv)
    args.directory.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication([sys.argv[0]])
    assert isinstance(app, QApplication)
    app.setQuitOnLastWindowClosed(False)
    apply_style(app)
    qasync.run(shoot(args.directory, args.libvirt_uri))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Development aid: ``python -m console.screenshot DIR`` saves screenshots of the console.

It starts a local fleet (localfleet), opens the real main window on it and walks through the
states worth showing: the hosts with a host's detail (each tab), the storage pools (cards in
every phase, the detail, the dialogs and each page of the create-pool wizard:
console.screenshot_storage), the networks, a cluster with its members' usage graphs, a node
that stopped heartbeating, the connect dialog and an unreachable coordinator. Run it under a
display, e.g. ``xvfb-run -a -s "-screen 0 1440x900x24" python -m console.screenshot
docs/screenshots`` (``--only storage``
for the storage pictures alone; ``--only images`` for the Images page and the transfers panel,
with scripted data and no fleet; ``--only clusters`` for a cluster with its members' real usage
graphs, which takes a few minutes). Not used by the console itself.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import grpc
import qasync
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QWidget

from clients.channels import Endpoint
from clients.coordinator import CoordinatorClient
from console.identity_store import IdentityStore
from console.images.screenshot_images import images_tour
from console.main_window import MainWindow
from console.models.hosts_model import Column
from console.screenshot_clusters import clusters_tour
from console.screenshot_networks import TOUR_NICS, networks_tour
from console.screenshot_storage import save_to, storage_tour
from console.settings import ConsoleSettings
from console.style import apply_style
from localfleet.netns import HostNet
from localfleet.netns_process import host_args, in_child

# Long enough for a process start or a heartbeat timeout on a slow machine.
WAIT_S = 60.0


async def _until(condition: Callable[[], bool], what: str, timeout_s: float = WAIT_S) -> None:
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout_s
    while not condition():
        if loop.time() > end:
            raise TimeoutError(f"timed out waiting for {what}")
        await asyncio.sleep(0.1)


async def _settle() -> None:
    await asyncio.sleep(0.4)  # let layouts, repaints and the 1 s age refresh catch up


def _save(widget: QWidget, directory: Path, name: str) -> None:
    path = directory / f"{name}.png"
    if not widget.grab().save(str(path)):
        raise OSError(f"could not write {path}")
    print(path)


def _status(window: MainWindow, name: str) -> str:
    row = window.model.row_of(name)
    return "" if row is None else str(window.model.index(row, Column.STATUS).data())


async def tour(directory: Path, only: str = "all") -> None:
    from localfleet import DEMO_NODE_NAMES, LocalFleet

    with tempfile.TemporaryDirectory(prefix="quantix-shots-") as work:
        settings = ConsoleSettings(
            QSettings(str(Path(work) / "console.ini"), QSettings.Format.IniFormat)
        )
        settings.remember_address("10.20.0.5:7443")
        # As root, each host's NICs are veth pairs in a namespace of its own (made by a child
        # process: netlink cannot run in this Qt process), so the tour can show a switch.
        names = HostNet() if os.geteuid() == 0 else None
        if names is not None:
            in_child("create", names.run_id, host_args(TOUR_NICS))
        netns = {h: names.namespace(h) for h in DEMO_NODE_NAMES} if names else None
        fleet = await LocalFleet.start(
            Path(work), node_names=DEMO_NODE_NAMES, heartbeat_interval_s=1.0, netns=netns
        )
        window = MainWindow(settings, IdentityStore())
        window.resize(1280, 800)
        window.show()
        try:
            page = window.hosts_page
            window.connect_to(fleet.coordinator_endpoint())
            await _until(lambda: window.model.rowCount() == len(DEMO_NODE_NAMES), "hosts")
            await _until(lambda: window.pools_model.is_synced, "pools")
            if only == "storage":
                await storage_tour(window, fleet, save_to(directory))
                return
            if only == "networks":
                await networks_tour(window, fleet, save_to(directory), names is not None)
                return
            if only == "clusters":
                await clusters_tour(window, fleet, save_to(directory))
                return
            loaded = asyncio.Event()
            page.detail.loaded.connect(lambda _detail: loaded.set())
            page.select_host("host-a")
            await asyncio.wait_for(loaded.wait(), WAIT_S)
            await _settle()
            _save(window, directory, "hosts-overview")
            for index, name in ((1, "interfaces"), (2, "storage-pools"), (3, "networks")):
                page.detail.tabs.setCurrentIndex(index)
                await _settle()
                _save(window, directory, f"hosts-{name}")
            page.detail.tabs.setCurrentIndex(0)

            await storage_tour(window, fleet, save_to(directory))
            await networks_tour(window, fleet, save_to(directory), names is not None)
            window.show_page(0)

            await fleet.kill_node("host-b")
            await _until(lambda: _status(window, "host-b").startswith("Offline"), "offline")
            loaded.clear()
            page.select_host("host-b")
            await asyncio.wait_for(loaded.wait(), WAIT_S)
            await asyncio.sleep(3)  # the offline count visibly runs
            _save(window, directory, "hosts-offline")

            add = page.open_add_dialog()
            assert add is not None
            add.make_token()
            await _until(add.result_box.isVisible, "a join token")
            await _settle()
            _save(add, directory, "add-host")
            add.reject()

            dialog = window.open_connect_dialog()
            dialog.identity_edit.setText(str(fleet.trust.identity_file("admin")))
            await _until(dialog.connect_button.isEnabled, "the identity file read")
            await _settle()
            _save(dialog, directory, "connect-dialog")
            dialog.address_combo.setEditText("coordinator.example")
            await _settle()
            _save(dialog, directory, "connect-dialog-invalid")
            dialog.reject()

            await clusters_tour(window, fleet, save_to(directory))

            await _refused_as_viewer(fleet.coordinator_endpoint("viewer"))
            window.show_page(5)
            audit = window.audit_page.proxy
            await _until(lambda: audit.index(0, 3).data() == "DeletePool", "the refusal")
            window.audit_page.table.selectRow(0)
            await _settle()
            _save(window, directory, "audit")
            window.show_page(0)

            await fleet.kill_node("host-c")
            await fleet.kill_coordinator()
            await _until(lambda: window.connection_status.state() == "reconnecting", "lost")
            await asyncio.sleep(1.2)
            _save(window, directory, "coordinator-unreachable")
        finally:
            window.close()
            await window.wait_closed()
            await fleet.stop()
            if names is not None:
                in_child("remove", names.run_id, DEMO_NODE_NAMES)


async def _refused_as_viewer(endpoint: Endpoint) -> None:
    """What a viewer who tries to delete a pool leaves in the audit log."""
    async with CoordinatorClient(endpoint) as client:
        with contextlib.suppress(grpc.aio.AioRpcError):
            await client.delete_pool("vms")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m console.screenshot")
    parser.add_argument("directory", type=Path, help="where to write the PNG files")
    parser.add_argument(
        "--only",
        choices=("all", "storage", "networks", "images", "clusters"),
        default="all",
        help="which pictures to take",
    )
    args = parser.parse_args(argv)
    args.directory.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication([sys.argv[0]])
    assert isinstance(app, QApplication)
    app.setQuitOnLastWindowClosed(False)
    apply_style(app)
    if args.only == "images":  # scripted data: no fleet needed
        qasync.run(images_tour(save_to(args.directory)))
    else:
        qasync.run(tour(args.directory, args.only))
    return 0


if __name__ == "__main__":
    sys.exit(main())

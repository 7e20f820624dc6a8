"""Whole tasks from the main window by key events alone, each result read back from the
coordinator: a pool with the Create Pool wizard, a cluster with the Create Cluster wizard, a
NAT network with the Create Network wizard and an ISO with the Upload ISO dialog.

A real coordinator and two node daemons (libvirt test driver, no usage reports so a cluster's
status does not follow this machine's load) on loopback; the window is connected to them. Each
task starts at the page's shortcut (Ctrl+<n>), then Ctrl+N; values are typed with keyClicks,
moved through with Tab, Alt+letters and Enter: no mouse, no widget method sets a value.
The upload needs a pool that stores bytes (the test driver stores none): it runs on the real
libvirtd with the fleet, pool and window of tests.console.test_images_live.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt

from clients.coordinator import CoordinatorClient
from console.clusters.create_cluster_wizard import DEFAULTS_ID, DRS_ID, HA_ID, HOSTS_ID, REVIEW_ID
from console.identity_store import IdentityStore
from console.images.images_page import ImagesPage
from console.main_window import MainWindow
from console.networks.create_network_wizard import ADDRESSING_ID, LINK_ID
from console.networks.create_network_wizard import HOSTS_ID as NETWORK_HOSTS_ID
from console.networks.create_network_wizard import NAME_ID as NETWORK_NAME_ID
from console.networks.create_network_wizard import REVIEW_ID as NETWORK_REVIEW_ID
from console.networks.networks_page import NetworksPage
from domain.backoff import Backoff
from domain.networks import NetworkType
from domain.pools import Backend, LocalDirSource, PoolSpec
from localfleet import LocalFleet
from proto.quantix.v1 import common_pb2 as cpb
from proto.quantix.v1 import coordinator_pb2 as pb
from tests.console.conftest import activate
from tests.console.daemons import FLEET_HEARTBEAT_INTERVAL_S, START_TIMEOUT_S
from tests.console.test_clusters_live import clusters_page, enter, focused, press
from tests.console.test_create_network_wizard import type_text
from tests.console.test_images_live import SETTLE_TIMEOUT_MS, pool, sources
from tests.console.test_images_live import window as libvirtd_window
from tests.console.test_storage_libvirtd import HOST, pool_names, real_fleet
from tests.console.test_storage_live import create_by_keyboard
from tests.fleet_client import wait_registered
from wire.pool_codec import spec_to_pb

# Fixtures used by name: the upload's real fleet, its READY dir pool and the window on them.
__all__ = ["libvirtd_window", "pool", "pool_names", "real_fleet", "sources"]

HOSTS = ("host-a", "host-b")
CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier
MiB = 1024**2
# Generous: this is about what happens, not how fast (CI machines can be slow).
TIMEOUT_MS = 45_000


@pytest.fixture
def fleet(tmp_path, run) -> Iterator[LocalFleet]:
    fleet = run(
        LocalFleet.start(
            tmp_path, HOSTS, heartbeat_interval_s=FLEET_HEARTBEAT_INTERVAL_S, report_usage=False
        ),
        START_TIMEOUT_S,
    )
    try:
        run(wait_registered(fleet.coordinator_endpoint(), HOSTS), START_TIMEOUT_S)
        yield fleet
    finally:
        run(fleet.stop(), 60)


@pytest.fixture
def window(qtbot, settings, run, fleet) -> Iterator[MainWindow]:
    main = MainWindow(settings, IdentityStore())
    main.watch._backoff = Backoff(initial=0.1, maximum=0.5)
    main.resize(1440, 900)
    main.show()
    qtbot.waitExposed(main)
    main.connect_to(fleet.coordinator_endpoint())
    qtbot.waitUntil(lambda: main.model.rowCount() == len(HOSTS), timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: main.pools_model.is_synced, timeout=TIMEOUT_MS)
    yield main
    if not main.closed.done():
        main.close()
        run(main.wait_closed(), 60)
    main.deleteLater()


async def coordinator_pool(fleet: LocalFleet, name: str) -> pb.Pool:
    async with CoordinatorClient(fleet.coordinator_endpoint()) as client:
        return await client.get_pool(name)


async def coordinator_network(fleet: LocalFleet, name: str) -> pb.Network:
    async with CoordinatorClient(fleet.coordinator_endpoint()) as client:
        return await client.get_network(name)


async def coordinator_cluster(fleet: LocalFleet, name: str) -> pb.Cluster:
    async with CoordinatorClient(fleet.coordinator_endpoint()) as client:
        return await client.get_cluster(name)


def test_a_local_pool_by_keyboard_is_in_the_coordinator(window, fleet, qtbot, run):
    # Ctrl+3 (Storage), Ctrl+N, Alt+L (Local directory), Enter, the suggested name and path,
    # Alt+N, Enter (hosts), Enter (Create).
    name = create_by_keyboard(window, qtbot, Qt.Key.Key_L, Backend.LOCAL_DIR, lambda: None)
    pool = run(coordinator_pool(fleet, name))
    assert pool.spec.name == name
    assert pool.spec.backend == cpb.POOL_BACKEND_LOCAL_DIR
    qtbot.waitUntil(
        lambda: run(coordinator_pool(fleet, name)).realization.phase == cpb.PHASE_READY,
        timeout=TIMEOUT_MS,
    )


def test_a_cluster_by_keyboard_is_in_the_coordinator(window, fleet, qtbot, run):
    activate(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_2, CTRL)
    page = clusters_page(window)
    qtbot.waitUntil(lambda: page.clusters.is_synced, timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: page.isAncestorOf(focused()))
    press(qtbot, Qt.Key.Key_N, CTRL)
    qtbot.waitUntil(lambda: page.wizard is not None and page.wizard.isVisible())
    wizard: Any = page.wizard
    qtbot.waitUntil(lambda: wizard.isAncestorOf(focused()))
    qtbot.keyClicks(focused(), "lab")
    press(qtbot, Qt.Key.Key_Tab)
    qtbot.keyClicks(focused(), "Keyboard lab")
    enter(qtbot, wizard, HOSTS_ID)
    press(qtbot, Qt.Key.Key_Space)  # host-a
    press(qtbot, Qt.Key.Key_Down)
    press(qtbot, Qt.Key.Key_Space)  # host-b
    enter(qtbot, wizard, HA_ID)
    enter(qtbot, wizard, DRS_ID)
    enter(qtbot, wizard, DEFAULTS_ID)
    enter(qtbot, wizard, REVIEW_ID)
    press(qtbot, Qt.Key.Key_Return)  # Create
    qtbot.waitUntil(lambda: page.wizard is None, timeout=TIMEOUT_MS)

    cluster = run(coordinator_cluster(fleet, "lab"))
    assert cluster.spec.name == "lab"
    assert cluster.spec.description == "Keyboard lab"
    assert list(cluster.hosts) == list(HOSTS)


def test_a_nat_network_by_keyboard_is_in_the_coordinator(window, fleet, qtbot, run):
    # A NAT network is a libvirt network only (no host bridge or VLAN of the node's own), so the
    # test-driver fleet carries it: no network namespaces needed, unlike switches.
    activate(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_5, CTRL)
    page = window.page("networks")
    assert isinstance(page, NetworksPage)
    qtbot.waitUntil(lambda: page.networks.is_synced, timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: page.isAncestorOf(focused()))
    press(qtbot, Qt.Key.Key_N, CTRL)
    qtbot.waitUntil(lambda: page.wizard is not None and page.wizard.isVisible())
    wizard: Any = page.wizard
    qtbot.waitUntil(lambda: wizard.isAncestorOf(focused()))
    press(qtbot, Qt.Key.Key_A, ALT)  # N&AT
    # A mnemonic clicks a button a moment later (QAbstractButton.animateClick): wait for it.
    qtbot.waitUntil(lambda: wizard.network_type() is NetworkType.NAT)
    enter(qtbot, wizard, NETWORK_NAME_ID)
    qtbot.keyClicks(focused(), "kbnet")
    press(qtbot, Qt.Key.Key_Tab)
    qtbot.keyClicks(focused(), "Keyboard net")
    enter(qtbot, wizard, ADDRESSING_ID)
    qtbot.keyClicks(focused(), "10.31.0.0/24")  # the gateway follows: 10.31.0.1
    enter(qtbot, wizard, LINK_ID)
    enter(qtbot, wizard, NETWORK_HOSTS_ID)
    press(qtbot, Qt.Key.Key_O, ALT)  # &Only the hosts ticked below
    # Until that click lands the list (and its label's Alt+H) is disabled.
    qtbot.waitUntil(wizard.hosts_page.only.isChecked)
    press(qtbot, Qt.Key.Key_H, ALT)  # &Hosts: the list
    press(qtbot, Qt.Key.Key_Space)  # host-a
    enter(qtbot, wizard, NETWORK_REVIEW_ID)
    press(qtbot, Qt.Key.Key_Return)  # Create
    qtbot.waitUntil(lambda: page.wizard is None, timeout=TIMEOUT_MS)

    network = run(coordinator_network(fleet, "kbnet"))
    assert network.spec.type == cpb.NETWORK_TYPE_NAT
    assert network.spec.description == "Keyboard net"
    assert (network.spec.subnet, network.spec.gateway) == ("10.31.0.0/24", "10.31.0.1")
    assert list(network.spec.hosts) == ["host-a"]
    qtbot.waitUntil(
        lambda: run(coordinator_network(fleet, "kbnet")).realization.phase == cpb.PHASE_READY,
        timeout=TIMEOUT_MS,
    )


@pytest.fixture
def first_pool(tmp_path, run, real_fleet, pool_names, pool) -> str:
    """A second READY dir pool on real-host whose name sorts before ``pool``'s, so the Upload
    dialog offers it first and the test has to choose ``pool`` by keys. Made after ``pool``,
    which waits for real-host to register (a pool on an unknown host is refused)."""
    name = pool_names("a")
    directory = tmp_path / "first-pool"
    directory.mkdir()
    spec = PoolSpec(name, Backend.LOCAL_DIR, LocalDirSource(str(directory)), hosts=(HOST,))

    async def create() -> None:
        async with CoordinatorClient(real_fleet.coordinator_endpoint()) as client:
            await client.create_pool(spec_to_pb(spec, include_secrets=True))

    run(create())
    return name


async def coordinator_images(fleet: LocalFleet) -> list[pb.Image]:
    async with CoordinatorClient(fleet.coordinator_endpoint()) as client:
        return list((await client.list_images()).images)


def test_an_iso_uploaded_by_keyboard_is_in_the_coordinator(
    first_pool, libvirtd_window, pool, real_fleet, sources, qtbot, run
):
    window = libvirtd_window
    qtbot.waitUntil(
        lambda: (
            (p := window.pools_model.pool(first_pool)) is not None
            and p.realization.phase == cpb.PHASE_READY
        ),
        timeout=SETTLE_TIMEOUT_MS,
    )
    path = sources / "keyboard.iso"
    path.write_bytes(os.urandom(3 * MiB))  # random: no zero runs sent as holes

    activate(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_4, CTRL)
    page = window.page("images")
    assert isinstance(page, ImagesPage)
    qtbot.waitUntil(page.upload_action.isEnabled, timeout=SETTLE_TIMEOUT_MS)
    press(qtbot, Qt.Key.Key_U, CTRL)
    qtbot.waitUntil(lambda: page.dialog is not None and page.dialog.isVisible())
    dialog: Any = page.dialog
    qtbot.waitUntil(lambda: dialog.isAncestorOf(focused()))
    assert focused() is dialog.file_row.editor
    type_text(qtbot, str(path))
    press(qtbot, Qt.Key.Key_P, ALT)  # &Pool: the other pool is offered first
    assert focused() is dialog.target_combo
    assert dialog.target_combo.currentText().startswith(first_pool)
    type_text(qtbot, pool)  # type-ahead in the list of pools
    assert dialog.target_combo.currentText().startswith(pool)
    try:
        qtbot.waitUntil(dialog.ok_button.isEnabled)
    except AssertionError:
        raise AssertionError(dialog.reason.text()) from None
    press(qtbot, Qt.Key.Key_Return)  # Upload
    qtbot.waitUntil(lambda: page.dialog is None, timeout=TIMEOUT_MS)

    def uploaded() -> pb.Image | None:
        found = [i for i in run(coordinator_images(real_fleet)) if i.name == "keyboard.iso"]
        return found[0] if found and found[0].phase == cpb.IMAGE_PHASE_READY else None

    qtbot.waitUntil(lambda: uploaded() is not None, timeout=SETTLE_TIMEOUT_MS)
    image = uploaded()
    assert image is not None
    assert (image.pool, image.host, image.kind) == (pool, HOST, cpb.IMAGE_KIND_ISO)
    assert image.facts.size_bytes == path.stat().st_size == 3 * MiB

"""The main window: pages and shortcuts, the status bar, hosts from Watch, clean close.

Hosts come from a real fleet (localfleet: a coordinator and three node daemons on libvirt
test-driver hosts), started on the console's qasync loop.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from clients.channels import Endpoint
from clients.coordinator import CoordinatorClient
from console.app import parse_args
from console.clusters.clusters_page import ClustersPage
from console.main_window import MainWindow
from console.models.hosts_model import Column
from console.pages.placeholders import PLACEHOLDERS
from console.pages.storage_page import StoragePage
from console.watch import Phase
from localfleet import LocalFleet
from localfleet.trust import FleetTrust
from proto.quantix.v1 import coordinator_pb2 as pb
from tests.console.conftest import activate
from tests.console.daemons import (
    FLEET_HEARTBEAT_INTERVAL_S,
    START_TIMEOUT_S,
    connections_to,
    start_coordinator_again,
)
from tests.fleet_client import wait_registered

NAMES = ("host-a", "host-b", "host-c")
# A change the fleet makes itself (a killed node turning OFFLINE takes 3 heartbeats).
CHANGE_TIMEOUT_MS = 30_000


@pytest.fixture
def fleet(tmp_path, run):
    """A real coordinator with host-a, host-b and host-c, host-c in maintenance."""
    fleet = run(
        LocalFleet.start(tmp_path, NAMES, heartbeat_interval_s=FLEET_HEARTBEAT_INTERVAL_S),
        START_TIMEOUT_S,
    )
    try:
        run(wait_registered(fleet.coordinator_endpoint(), NAMES), START_TIMEOUT_S)
        run(_set_maintenance(fleet.coordinator_endpoint(), "host-c"))
        yield fleet
    finally:
        run(fleet.stop(), 60)


async def _set_maintenance(endpoint: Endpoint, name: str) -> None:
    async with CoordinatorClient(endpoint) as client:
        await client.set_maintenance(name, True)


def host_status(window: MainWindow, name: str) -> str:
    row = window.model.row_of(name)
    return "" if row is None else window.model.index(row, Column.STATUS).data()


def test_sidebar_pages_and_shortcuts(window, qtbot):
    assert [window.sidebar.item(i).text() for i in range(window.sidebar.count())] == [
        "Hosts",
        "Clusters",
        "Storage",
        "Images",
        "Networks",
        "Audit",
        "Switches",
    ]
    assert window.stack.currentWidget() is window.hosts_page
    activate(qtbot, window)
    for number in (3, 6, 5, 7, 2, 4, 1):
        qtbot.keyClick(
            window, getattr(Qt.Key, f"Key_{number}"), Qt.KeyboardModifier.ControlModifier
        )
        assert window.stack.currentWidget() is window.page(window.page_keys[number - 1])
        assert window.sidebar.currentRow() == number - 1
    assert isinstance(window.page("storage"), StoragePage)
    assert isinstance(window.page("clusters"), ClustersPage)
    assert not PLACEHOLDERS  # every page is built

    # Keyboard focus follows the shortcut into the page (not connected: its search field).
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    clusters = window.page("clusters")
    assert isinstance(clusters, ClustersPage)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is clusters.search_edit)
    # Arrow keys in the sidebar switch pages too.
    window.sidebar.setFocus()
    qtbot.keyClick(window.sidebar, Qt.Key.Key_Down)
    assert window.stack.currentWidget() is window.page("storage")


def test_menus_have_mnemonics_and_the_connect_shortcut(window, qtbot):
    menus = [action.text() for action in window.menuBar().actions()]
    assert menus == ["&File", "&View", "Ob&ject", "&Help"]
    assert window.connect_action.shortcut().toString() == "Ctrl+O"
    activate(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.connect_dialog is not None and window.connect_dialog.isVisible())
    dialog = window.connect_dialog
    with qtbot.waitSignal(dialog.finished):
        dialog.reject()
    assert window.connect_dialog is None


def test_not_connected_says_how_to_connect(window):
    status = window.connection_status
    assert status.state() == "idle"
    assert "Connect to coordinator" in status.text()
    assert "Connect to a coordinator" in window.hosts_page.empty_label.text()


def nowhere(tmp_path) -> Endpoint:
    """A coordinator address nothing listens on, dialled with a valid identity."""
    return Endpoint("127.0.0.1:1", FleetTrust(tmp_path).identity())


def test_unreachable_coordinator_shows_amber_reconnecting_state(window, qtbot, tmp_path):
    window.connect_to(nowhere(tmp_path))
    status = window.connection_status
    qtbot.waitUntil(lambda: status.state() == "reconnecting", timeout=10_000)
    text = status.text()
    assert text.startswith(("Reconnecting in ", "Reconnecting now"))
    assert " — coordinator 127.0.0.1:1 unreachable: " in text
    assert status.details_button.isVisible()
    assert "cannot be reached" in window.hosts_page.empty_label.text()
    assert window.windowTitle() == "Quantix — 127.0.0.1:1"

    status.details_button.click()
    dialog = status._dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    assert "coordinator 127.0.0.1:1 unreachable: " in dialog.view.text_label.text()
    dialog.close()


def test_hosts_arrive_from_watch_and_follow_changes(window, fleet, qtbot, run):
    address = fleet.coordinator_address
    window.connect_to(fleet.coordinator_endpoint())
    status = window.connection_status
    qtbot.waitUntil(lambda: window.model.rowCount() == 3, timeout=10_000)
    qtbot.waitUntil(lambda: status.state() == "connected", timeout=10_000)
    assert status.text() == f"Connected to coordinator {address}"
    page = window.hosts_page
    assert page.table_stack.currentWidget() is page.table
    assert page.summary_label.text() == "3 hosts · 2 connected · 1 in maintenance"
    assert host_status(window, "host-c") == "Maintenance — Put in maintenance by an admin"

    # Selecting a host reads its detail from its node daemon.
    with qtbot.waitSignal(page.detail.loaded, timeout=15_000):
        assert page.select_host("host-a")
    assert page.detail.overview["libvirt"].text().endswith(fleet.libvirt_uri("host-a"))

    # A node dies: the coordinator notices the silence, the table follows.
    run(fleet.kill_node("host-b"))
    qtbot.waitUntil(
        lambda: host_status(window, "host-b").startswith("Offline — no heartbeat since "),
        timeout=CHANGE_TIMEOUT_MS,
    )
    assert "1 offline" in page.summary_label.text()
    assert page.detail.node is not None and page.detail.node.name == "host-a"  # kept

    # Filter.
    page.filter_edit.setText("host-b")
    assert page.proxy.rowCount() == 1
    page.filter_edit.clear()

    # The coordinator goes away: amber, the table stays (marked stale), then it comes back.
    assert page.select_host("host-a")
    events: list[pb.WatchEvent] = []
    window.watch.event_received.connect(events.append)
    run(fleet.coordinator.stop(), 60)
    qtbot.waitUntil(lambda: status.state() == "reconnecting", timeout=10_000)
    assert page.stale_label.isVisible()
    assert window.model.rowCount() == 3
    run(start_coordinator_again(fleet), 60)
    qtbot.waitUntil(lambda: status.state() == "connected", timeout=20_000)
    qtbot.waitUntil(lambda: pb.WatchEvent.TYPE_SYNCED in [e.type for e in events], timeout=20_000)
    assert not page.stale_label.isVisible()
    # Resumed from the last revision it had: no RESET, so no snapshot.
    assert pb.WatchEvent.TYPE_RESET not in [e.type for e in events]
    assert window.model.rowCount() == 3
    assert page.detail.node is not None and page.detail.node.name == "host-a"  # kept


def test_switching_coordinators_forgets_the_old_hosts(window, fleet, qtbot, tmp_path):
    window.connect_to(fleet.coordinator_endpoint())
    qtbot.waitUntil(lambda: window.model.rowCount() == 3, timeout=10_000)
    window.connect_to(nowhere(tmp_path))
    assert window.model.rowCount() == 0
    qtbot.waitUntil(lambda: window.connection_status.state() == "reconnecting", timeout=10_000)


def test_connect_dialog_result_connects(window, fleet, qtbot, memory_keyring):
    address = fleet.coordinator_address
    identity_file = fleet.trust.identity_file("admin")
    dialog = window.open_connect_dialog()
    dialog.address_combo.setEditText(address)
    dialog.identity_edit.setText(str(identity_file))
    qtbot.waitUntil(dialog.connect_button.isEnabled, timeout=10_000)
    with qtbot.waitSignal(dialog.finished, timeout=10_000):
        dialog.connect_button.click()
    qtbot.waitUntil(lambda: window.watch.address == address, timeout=5000)
    qtbot.waitUntil(lambda: window.model.rowCount() == 3, timeout=10_000)
    assert window.settings.last_address() == address
    # The identity went to the keyring, whole, as the file holds it.
    assert memory_keyring.entries == {("quantix", address): identity_file.read_text()}


def test_closing_stops_the_watch(window, fleet, qtbot, run):
    address = fleet.coordinator_address
    window.connect_to(fleet.coordinator_endpoint())
    qtbot.waitUntil(lambda: window.connection_status.state() == "connected", timeout=10_000)
    assert connections_to(address) >= 1
    window.close()
    run(window.wait_closed())
    assert window.watch.state.phase is Phase.IDLE
    # The stream's connection is closed, not left to the garbage collector.
    qtbot.waitUntil(lambda: connections_to(address) == 0, timeout=10_000)
    assert not window.isVisible()


def test_command_line():
    assert parse_args([]).coordinator is None
    assert parse_args(["--coordinator", " 10.0.0.1:7443 "]).coordinator == "10.0.0.1:7443"
    assert parse_args(["--demo"]).demo


def test_command_line_rejects_bad_input(capsys):
    with pytest.raises(SystemExit) as exit_info:
        parse_args(["--coordinator", "nonsense"])
    assert exit_info.value.code == 2
    assert "--coordinator: must be host:port" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        parse_args(["--demo", "--coordinator", "10.0.0.1:7443"])

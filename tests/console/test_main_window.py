"""The main window: pages and shortcuts, the status bar, hosts from Watch, clean close."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from console.app import parse_args
from console.main_window import PAGES, MainWindow
from console.models.hosts_model import Column
from console.pages.placeholder_page import PlaceholderPage
from console.tokens import TokenStore
from console.watch import Phase
from domain.backoff import Backoff
from proto.quantix.v1 import coordinator_pb2 as pb
from tests.console.conftest import activate
from tests.console.fakes import FakeNodeDaemon, LoopbackServer, ScriptedCoordinator, make_node


@pytest.fixture
def window(qtbot, settings, run):
    main = MainWindow(settings, TokenStore())
    # Tests retry fast; the console's own delays are tested in test_watch.
    main.watch._backoff = Backoff(initial=0.05, maximum=0.3)
    # Not qtbot.addWidget(): pytest-qt would delete the window before this fixture's
    # teardown could close it the way users do (stopping its stream first).
    main.show()
    qtbot.waitExposed(main)
    yield main
    if not main.closed.done():
        main.close()
        run(main.wait_closed())
    main.deleteLater()


@pytest.fixture
def fleet(run):
    """A scripted coordinator with three hosts, one of them served by a scripted node daemon."""
    node_daemon = LoopbackServer(FakeNodeDaemon())
    run(node_daemon.start())
    servicer = ScriptedCoordinator()
    servicer.put(make_node("host-a", address=node_daemon.address))
    servicer.put(make_node("host-b"))
    servicer.put(make_node("host-c", pb.NODE_STATUS_MAINTENANCE, message="Disk swap"))
    coordinator = LoopbackServer(servicer)
    run(coordinator.start())
    yield coordinator
    run(coordinator.stop())
    run(node_daemon.stop())


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
    ]
    assert window.stack.currentWidget() is window.hosts_page
    activate(qtbot, window)
    for number in (3, 5, 2, 4, 1):
        qtbot.keyClick(
            window, getattr(Qt.Key, f"Key_{number}"), Qt.KeyboardModifier.ControlModifier
        )
        assert window.stack.currentIndex() == number - 1
        assert window.sidebar.currentRow() == number - 1
    storage = window.pages[2]
    assert isinstance(storage, PlaceholderPage)
    assert storage.text_label.text() == PAGES[2].placeholder
    assert "Storage pools of every backend" in storage.text_label.text()
    assert "per-host status" in storage.text_label.text()
    for page in window.pages[1:]:
        assert isinstance(page, PlaceholderPage) and "will appear here" in page.text_label.text()

    # Keyboard focus follows the shortcut into the page.
    qtbot.keyClick(window, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.pages[3].text_label)
    # Arrow keys in the sidebar switch pages too.
    window.sidebar.setFocus()
    qtbot.keyClick(window.sidebar, Qt.Key.Key_Down)
    assert window.stack.currentIndex() == 4


def test_menus_have_mnemonics_and_the_connect_shortcut(window, qtbot):
    menus = [action.text() for action in window.menuBar().actions()]
    assert menus == ["&File", "&View", "&Help"]
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


def test_unreachable_coordinator_shows_amber_reconnecting_state(window, qtbot):
    window.connect_to("127.0.0.1:1")
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
    servicer: ScriptedCoordinator = fleet.servicer
    window.connect_to(fleet.address)
    status = window.connection_status
    qtbot.waitUntil(lambda: window.model.rowCount() == 3, timeout=10_000)
    qtbot.waitUntil(lambda: status.state() == "connected", timeout=10_000)
    assert status.text() == f"Connected to coordinator {fleet.address}"
    page = window.hosts_page
    assert page.table_stack.currentWidget() is page.table
    assert page.summary_label.text() == "3 hosts · 2 connected · 1 in maintenance"
    assert host_status(window, "host-c") == "Maintenance — Disk swap"

    # Selecting a host reads its detail from its node daemon.
    with qtbot.waitSignal(page.detail.loaded, timeout=15_000):
        assert page.select_host("host-a")
    assert page.detail.overview["hostname"].text() == "hv1.example.net"

    servicer.put(
        make_node(
            "host-b",
            pb.NODE_STATUS_OFFLINE,
            message="No heartbeat for 6 s",
            last_seen=time.time() - 6,
        )
    )
    qtbot.waitUntil(
        lambda: host_status(window, "host-b").startswith("Offline — No heartbeat for "),
        timeout=10_000,
    )
    assert "1 offline" in page.summary_label.text()
    servicer.remove("host-c")
    qtbot.waitUntil(lambda: window.model.row_of("host-c") is None, timeout=10_000)
    assert page.detail.node is not None and page.detail.node.name == "host-a"  # kept

    # Filter.
    page.filter_edit.setText("host-b")
    assert page.proxy.rowCount() == 1
    page.filter_edit.clear()

    # The coordinator goes away: amber, the table stays (marked stale), then it comes back.
    assert page.select_host("host-a")
    run(fleet.stop())
    qtbot.waitUntil(lambda: status.state() == "reconnecting", timeout=10_000)
    assert page.stale_label.isVisible()
    assert window.model.rowCount() == 2
    run(fleet.start())
    qtbot.waitUntil(lambda: status.state() == "connected", timeout=20_000)
    assert not page.stale_label.isVisible()
    assert servicer.since_requests[-1] == servicer.revision  # resumed
    assert page.detail.node is not None and page.detail.node.name == "host-a"  # kept


def test_switching_coordinators_forgets_the_old_hosts(window, fleet, qtbot):
    window.connect_to(fleet.address)
    qtbot.waitUntil(lambda: window.model.rowCount() == 3, timeout=10_000)
    window.connect_to("127.0.0.1:1")
    assert window.model.rowCount() == 0
    qtbot.waitUntil(lambda: window.connection_status.state() == "reconnecting", timeout=10_000)


def test_connect_dialog_result_connects(window, fleet, qtbot, memory_keyring):
    dialog = window.open_connect_dialog()
    dialog.address_combo.setEditText(fleet.address)
    dialog.token_edit.setText("tok")
    with qtbot.waitSignal(dialog.finished, timeout=10_000):
        dialog.connect_button.click()
    qtbot.waitUntil(lambda: window.watch.address == fleet.address, timeout=5000)
    qtbot.waitUntil(lambda: window.model.rowCount() == 3, timeout=10_000)
    assert window.settings.last_address() == fleet.address
    assert memory_keyring.entries == {("quantix", fleet.address): "tok"}


def test_closing_stops_the_watch(window, fleet, qtbot, run):
    window.connect_to(fleet.address)
    qtbot.waitUntil(lambda: fleet.servicer.subscriber_count == 1, timeout=10_000)
    window.close()
    run(window.wait_closed())
    assert window.watch.state.phase is Phase.IDLE
    qtbot.waitUntil(lambda: fleet.servicer.subscriber_count == 0, timeout=10_000)
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

"""End to end: the console against a real coordinator and real node daemons (localfleet).

The fleet runs as child processes on loopback, started on the console's own qasync loop
(the shared ``fleet`` fixture of tests/conftest.py uses ``asyncio.run()``, which cannot run
inside it). A 0.5 s heartbeat makes a killed node OFFLINE within ~2 s.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from console.identity_store import IdentityStore
from console.main_window import MainWindow
from console.models.hosts_model import Column
from console.watch import ConnectionState, Phase
from domain.backoff import Backoff
from localfleet import LocalFleet

NAMES = ("host-a", "host-b", "host-c")
REPO = Path(__file__).resolve().parents[2]

# Generous: this is about what happens, not how fast (CI machines can be slow).
STARTUP_TIMEOUT_MS = 60_000
CHANGE_TIMEOUT_MS = 30_000


@pytest.fixture
def live_fleet(tmp_path, run):
    fleet = run(LocalFleet.start(tmp_path, node_names=NAMES, heartbeat_interval_s=0.5), 90)
    yield fleet
    run(fleet.stop(), 60)


@pytest.fixture
def window(qtbot, settings, run):
    main = MainWindow(settings, IdentityStore())
    main.watch._backoff = Backoff(initial=0.1, maximum=0.5)
    main.show()
    qtbot.waitExposed(main)
    yield main
    if not main.closed.done():
        main.close()
        run(main.wait_closed(), 60)
    main.deleteLater()


def status_of(window: MainWindow, name: str) -> str:
    row = window.model.row_of(name)
    return "" if row is None else str(window.model.index(row, Column.STATUS).data())


def all_connected(window: MainWindow) -> bool:
    return all(status_of(window, name) == "Connected" for name in NAMES)


def test_hosts_appear_connected_and_a_killed_node_turns_offline(window, live_fleet, qtbot, run):
    window.connect_to(live_fleet.coordinator_endpoint())
    qtbot.waitUntil(lambda: all_connected(window), timeout=STARTUP_TIMEOUT_MS)
    assert window.connection_status.state() == "connected"
    assert window.connection_status.text() == (
        f"Connected to coordinator {live_fleet.coordinator_address}"
    )
    row = window.model.row_of("host-a")
    assert window.model.index(row, Column.ADDRESS).data() == live_fleet.node_address("host-a")
    assert window.model.index(row, Column.LIBVIRT).data()  # host facts came with registration

    run(live_fleet.kill_node("host-b"))
    qtbot.waitUntil(
        lambda: status_of(window, "host-b").startswith("Offline — no heartbeat since "),
        timeout=CHANGE_TIMEOUT_MS,
    )
    row = window.model.row_of("host-b")
    tooltip = window.model.index(row, Column.STATUS).data(Qt.ItemDataRole.ToolTipRole)
    assert tooltip == status_of(window, "host-b")
    assert window.model.index(row, Column.LAST_SEEN).data().endswith(" s ago")
    assert status_of(window, "host-a") == "Connected"
    assert "1 offline" in window.hosts_page.summary_label.text()


def test_console_reconnects_after_a_coordinator_restart(window, live_fleet, qtbot, run):
    states: list[ConnectionState] = []
    window.watch.state_changed.connect(states.append)
    window.connect_to(live_fleet.coordinator_endpoint())
    qtbot.waitUntil(lambda: all_connected(window), timeout=STARTUP_TIMEOUT_MS)
    revision = window.watch.last_revision
    assert revision > 0
    resets: list[int] = []
    window.model.modelReset.connect(lambda: resets.append(1))

    run(live_fleet.restart_coordinator(), 60)
    qtbot.waitUntil(
        lambda: any(s.phase is Phase.RECONNECTING for s in states), timeout=CHANGE_TIMEOUT_MS
    )
    qtbot.waitUntil(
        lambda: window.watch.state.phase is Phase.CONNECTED and all_connected(window),
        timeout=STARTUP_TIMEOUT_MS,
    )
    assert window.connection_status.state() == "connected"
    assert window.model.rowCount() == 3
    assert resets == []  # changed in place, never wiped
    assert window.watch.last_revision >= revision


def test_host_detail_from_a_real_node_daemon(window, live_fleet, qtbot):
    window.connect_to(live_fleet.coordinator_endpoint())
    qtbot.waitUntil(lambda: window.model.row_of("host-a") is not None, timeout=STARTUP_TIMEOUT_MS)
    page = window.hosts_page
    with qtbot.waitSignal(page.detail.loaded, timeout=CHANGE_TIMEOUT_MS) as blocker:
        assert page.select_host("host-a")
    detail = blocker.args[0]
    assert detail.errors == []
    assert not page.detail.error_view.isVisible()
    assert detail.host_info.libvirt_uri == live_fleet.libvirt_uri("host-a")
    assert page.detail.overview["libvirt"].text().endswith(live_fleet.libvirt_uri("host-a"))
    assert page.detail.overview["memory"].text().endswith("GiB")
    assert detail.pools is not None and detail.networks is not None
    assert page.detail.pools_table.rowCount() >= 1


def test_a_killed_nodes_detail_error_is_shown_in_full(window, live_fleet, qtbot, run):
    window.connect_to(live_fleet.coordinator_endpoint())
    qtbot.waitUntil(lambda: all_connected(window), timeout=STARTUP_TIMEOUT_MS)
    run(live_fleet.kill_node("host-c"))
    page = window.hosts_page
    with qtbot.waitSignal(page.detail.loaded, timeout=CHANGE_TIMEOUT_MS):
        assert page.select_host("host-c")
    address = live_fleet.node_address("host-c")
    text = page.detail.error_view.text_label.text()
    assert text.startswith(
        f"Reading host facts, storage pools and networks: host-c ({address}) unreachable: "
    )


def test_demo_starts_a_fleet_and_closing_stops_it(window, qtbot, run):
    window.start_demo()
    assert window.connection_status.state() == "busy"
    assert window.connection_status.text().startswith("Starting demo fleet…")
    qtbot.waitUntil(lambda: all_connected(window), timeout=STARTUP_TIMEOUT_MS)
    assert window.demo is not None
    fleet = window.demo._fleet
    processes = [fleet.coordinator, *fleet.nodes.values()]
    workdir = fleet.workdir
    assert all(process.running for process in processes)
    assert window.windowTitle().startswith("Quantix — demo fleet")

    window.close()
    run(window.wait_closed(), 60)
    assert not any(process.running for process in processes)
    assert not workdir.exists()


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_the_console_process_stops_its_demo_fleet_on_a_signal(tmp_path, stop_signal):
    log = tmp_path / "console.log"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path)}
    with log.open("w") as out:
        console = subprocess.Popen(
            [sys.executable, "-m", "console", "--demo", "--verbose"],
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT_MS / 1000
        while "demo fleet started in " not in log.read_text():
            assert console.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.1)
        workdir = log.read_text().split("demo fleet started in ")[1].split(",")[0]
        assert _processes_mentioning(workdir), "the demo fleet's processes should be running"
        console.send_signal(stop_signal)
        assert console.wait(timeout=60) == 0, log.read_text()
    finally:
        if console.poll() is None:
            console.kill()
    assert _processes_mentioning(workdir) == []
    assert not Path(workdir).exists()


def _processes_mentioning(text: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if text in cmdline:
            found.append(int(entry.name))
    return found

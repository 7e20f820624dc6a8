"""Clusters end to end: a real coordinator and three node daemons (libvirt test driver), real
console windows on loopback. The wizard, by keyboard alone, creates a cluster in the
coordinator; a host added in one console appears in another console's detail through Watch;
the Settings tab's values survive a coordinator restart unchanged; maintenance on several
hosts names the host that failed and those changed before it."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication

from clients.coordinator import CoordinatorClient
from console.clusters import cluster_ops
from console.clusters.add_hosts_dialog import AddHostsDialog
from console.clusters.cluster_detail import HOSTS_TAB, SETTINGS_TAB
from console.clusters.clusters_model import spec_of
from console.clusters.clusters_page import ClustersPage
from console.clusters.create_cluster_wizard import (
    DEFAULTS_ID,
    DRS_ID,
    HA_ID,
    HOSTS_ID,
    REVIEW_ID,
)
from console.identity_store import IdentityStore
from console.main_window import MainWindow
from console.settings import ConsoleSettings
from domain.backoff import Backoff
from domain.clusters import (
    ClusterSpec,
    DrsAutomation,
    DrsSettings,
    HaSettings,
    IsolationResponse,
    RestartPriority,
)
from localfleet import LocalFleet
from proto.quantix.v1 import coordinator_pb2 as pb
from tests.console.conftest import activate
from tests.console.daemons import FLEET_HEARTBEAT_INTERVAL_S, START_TIMEOUT_S
from tests.fleet_client import wait_registered
from wire.cluster_codec import spec_to_pb

HOSTS = ("host-a", "host-b", "host-c")
CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier
# Generous: about what happens, not how fast.
TIMEOUT_MS = 60_000


@pytest.fixture
def fleet(tmp_path, run):
    fleet = run(
        LocalFleet.start(
            tmp_path,
            HOSTS,
            heartbeat_interval_s=FLEET_HEARTBEAT_INTERVAL_S,
            # Status follows membership alone, not the load of the machine running the tests.
            report_usage=False,
        ),
        START_TIMEOUT_S,
    )
    try:
        run(wait_registered(fleet.coordinator_endpoint(), HOSTS), START_TIMEOUT_S)
        yield fleet
    finally:
        run(fleet.stop(), 60)


def open_window(qtbot, fleet: LocalFleet, settings_path: Path) -> MainWindow:
    settings = ConsoleSettings(QSettings(str(settings_path), QSettings.Format.IniFormat))
    main = MainWindow(settings, IdentityStore())
    main.watch._backoff = Backoff(initial=0.05, maximum=0.3)
    main.resize(1300, 820)
    main.show()
    qtbot.waitExposed(main)
    main.connect_to(fleet.coordinator_endpoint())
    qtbot.waitUntil(lambda: main.model.rowCount() == len(HOSTS), timeout=TIMEOUT_MS)
    return main


@pytest.fixture
def windows(qtbot, run, fleet, tmp_path):
    opened: list[MainWindow] = []

    def make() -> MainWindow:
        opened.append(open_window(qtbot, fleet, tmp_path / f"console-{len(opened)}.ini"))
        return opened[-1]

    yield make
    for main in opened:
        if not main.closed.done():
            main.close()
            run(main.wait_closed(), 60)
        main.deleteLater()


def focused():
    return QApplication.focusWidget()


def press(qtbot, key, modifier=Qt.KeyboardModifier.NoModifier):
    qtbot.keyClick(focused(), key, modifier)


def enter(qtbot, wizard, page_id):
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: wizard.currentId() == page_id)


def clusters_page(window: MainWindow) -> ClustersPage:
    page = window.page("clusters")
    assert isinstance(page, ClustersPage)
    return page


async def stored(fleet: LocalFleet, name: str):
    async with CoordinatorClient(fleet.coordinator_endpoint()) as client:
        return await client.get_cluster(name)


def member_names(page: ClustersPage) -> list[str]:
    table = page.detail.hosts_tab.table
    return [table.item(r, 0).text() for r in range(table.rowCount()) if table.item(r, 0)]


def test_the_wizard_by_keyboard_creates_a_cluster_in_the_coordinator(windows, fleet, qtbot, run):
    window = windows()
    activate(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_2, CTRL)
    page = clusters_page(window)
    qtbot.waitUntil(lambda: page.clusters.is_synced, timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: page.isAncestorOf(focused()))
    press(qtbot, Qt.Key.Key_N, CTRL)
    qtbot.waitUntil(lambda: page.wizard is not None and page.wizard.isVisible())
    wizard = page.wizard
    qtbot.waitUntil(lambda: wizard.isAncestorOf(focused()))
    qtbot.keyClicks(focused(), "prod")
    press(qtbot, Qt.Key.Key_Tab)
    qtbot.keyClicks(focused(), "Production")
    press(qtbot, Qt.Key.Key_Tab)
    qtbot.keyClicks(focused(), "env=prod")
    enter(qtbot, wizard, HOSTS_ID)
    press(qtbot, Qt.Key.Key_Space)  # host-a
    press(qtbot, Qt.Key.Key_Down)
    press(qtbot, Qt.Key.Key_Space)  # host-b
    enter(qtbot, wizard, HA_ID)
    press(qtbot, Qt.Key.Key_Space)  # HA on
    enter(qtbot, wizard, DRS_ID)
    enter(qtbot, wizard, DEFAULTS_ID)
    enter(qtbot, wizard, REVIEW_ID)
    press(qtbot, Qt.Key.Key_Return)  # Create
    qtbot.waitUntil(lambda: page.wizard is None, timeout=TIMEOUT_MS)

    expected = ClusterSpec(
        "prod", description="Production", labels=(("env", "prod"),), ha=HaSettings(enabled=True)
    )
    cluster = run(stored(fleet, "prod"))
    assert spec_of(cluster) == expected
    assert list(cluster.hosts) == ["host-a", "host-b"]
    qtbot.waitUntil(lambda: page.clusters.cluster("prod") is not None, timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: page.selected_name() == "prod", timeout=TIMEOUT_MS)
    row = page.clusters.row_of("prod")
    assert page.clusters.index(row, 1).data() == "Healthy"
    assert page.clusters.index(row, 3).data() == "2/2 online"


def test_a_host_added_in_one_console_appears_in_another_consoles_detail(windows, fleet, qtbot, run):
    async def create() -> None:
        async with CoordinatorClient(fleet.coordinator_endpoint()) as client:
            await client.create_cluster(spec_to_pb(ClusterSpec("prod")), ["host-a"])

    run(create())
    first, second = windows(), windows()
    watching = clusters_page(second)
    qtbot.waitUntil(lambda: watching.clusters.cluster("prod") is not None, timeout=TIMEOUT_MS)
    watching.open_detail("prod")
    watching.detail.tabs.setCurrentIndex(HOSTS_TAB)
    assert member_names(watching) == ["host-a"]

    adding = clusters_page(first)
    qtbot.waitUntil(lambda: adding.clusters.cluster("prod") is not None, timeout=TIMEOUT_MS)
    activate(qtbot, first)
    qtbot.keyClick(first, Qt.Key.Key_2, CTRL)
    adding.open_detail("prod")
    adding.detail.tabs.setCurrentIndex(HOSTS_TAB)
    adding.detail.hosts_tab.add_button.setFocus()
    press(qtbot, Qt.Key.Key_A, ALT)  # Add hosts…
    qtbot.waitUntil(lambda: isinstance(adding.detail.add_dialog, AddHostsDialog))
    dialog = adding.detail.add_dialog
    qtbot.waitUntil(lambda: dialog.isAncestorOf(focused()))
    press(qtbot, Qt.Key.Key_Down)  # host-b, host-c: the second
    press(qtbot, Qt.Key.Key_Space)
    assert dialog.picker.chosen() == ("host-c",)
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: adding.detail.add_dialog is None, timeout=TIMEOUT_MS)

    qtbot.waitUntil(lambda: member_names(watching) == ["host-a", "host-c"], timeout=TIMEOUT_MS)
    assert watching.detail.summary.values["Hosts"].text() == "2/2 online"


def test_every_setting_survives_a_coordinator_restart_in_the_settings_tab(
    windows, fleet, qtbot, run
):
    async def create() -> None:
        async with CoordinatorClient(fleet.coordinator_endpoint()) as client:
            await client.create_cluster(spec_to_pb(ClusterSpec("prod")), list(HOSTS))

    run(create())
    window = windows()
    page = clusters_page(window)
    qtbot.waitUntil(lambda: page.clusters.cluster("prod") is not None, timeout=TIMEOUT_MS)
    activate(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_2, CTRL)
    page.open_detail("prod")
    page.detail.tabs.setCurrentIndex(SETTINGS_TAB)
    tab = page.detail.settings
    form = tab.form
    form.basics.description.editor.setFocus()
    qtbot.keyClicks(focused(), "Production")
    press(qtbot, Qt.Key.Key_Tab)
    qtbot.keyClicks(focused(), "env=prod, tier=1")
    press(qtbot, Qt.Key.Key_B, ALT)  # HA on
    qtbot.waitUntil(form.ha.enabled.isChecked)
    press(qtbot, Qt.Key.Key_N, ALT)  # Number of host failures to tolerate
    qtbot.keyClick(focused(), Qt.Key.Key_A, CTRL)
    qtbot.keyClicks(focused(), "2")
    press(qtbot, Qt.Key.Key_U, ALT)  # VM monitoring on
    press(qtbot, Qt.Key.Key_M, ALT)  # host monitoring off
    press(qtbot, Qt.Key.Key_R, ALT)
    press(qtbot, Qt.Key.Key_Down)
    press(qtbot, Qt.Key.Key_Down)  # Medium -> Highest
    press(qtbot, Qt.Key.Key_I, ALT)
    press(qtbot, Qt.Key.Key_Down)  # Shut down VMs
    press(qtbot, Qt.Key.Key_D, ALT)  # DRS on
    qtbot.waitUntil(form.drs.enabled.isChecked)
    press(qtbot, Qt.Key.Key_A, ALT)
    press(qtbot, Qt.Key.Key_Down)  # Partially automated
    press(qtbot, Qt.Key.Key_G, ALT)
    press(qtbot, Qt.Key.Key_Down)
    press(qtbot, Qt.Key.Key_Down)  # 5
    press(qtbot, Qt.Key.Key_P, ALT)  # power management on
    expected = ClusterSpec(
        name="prod",
        description="Production",
        labels=(("env", "prod"), ("tier", "1")),
        ha=HaSettings(
            enabled=True,
            admission_control=True,
            host_failures_to_tolerate=2,
            host_monitoring=False,
            vm_monitoring=True,
            restart_priority=RestartPriority.HIGHEST,
            isolation_response=IsolationResponse.SHUT_DOWN,
        ),
        drs=DrsSettings(
            enabled=True,
            automation=DrsAutomation.PARTIALLY_AUTOMATED,
            migration_threshold=5,
            power_management=True,
        ),
    )
    qtbot.waitUntil(lambda: tab.current_spec() == expected)
    press(qtbot, Qt.Key.Key_S, ALT)  # Save
    qtbot.waitUntil(lambda: spec_of(run(stored(fleet, "prod"))) == expected, timeout=TIMEOUT_MS)

    run(fleet.restart_coordinator(), 60)
    assert spec_of(run(stored(fleet, "prod"))) == expected
    # The console reconnects; the tab shows every field as the coordinator kept it.
    qtbot.waitUntil(
        lambda: (
            page.clusters.cluster("prod") is not None
            and spec_of(page.clusters.cluster("prod")) == expected
        ),
        timeout=TIMEOUT_MS,
    )
    assert tab.stored == expected and tab.current_spec() == expected
    assert tab.status.text() == "No changes."
    assert form.ha.restart_priority.editor.currentText() == "Highest"
    assert form.drs.threshold.editor.currentText() == "5 — Aggressive"


def test_maintenance_on_several_hosts_names_the_one_that_failed_and_those_done(fleet, run):
    """Enter maintenance goes host by host: a failure says which host failed and which hosts
    were changed before it (they are in maintenance now)."""
    endpoint = fleet.coordinator_endpoint()
    result = run(cluster_ops.set_maintenance(endpoint, ["host-a", "host-zz", "host-b"], True))
    assert result.failure is not None
    assert result.failure.text.startswith("Entering maintenance on host-zz (done on host-a): ")
    assert result.failure.text.endswith("not found: no node named 'host-zz' is registered")

    async def statuses() -> dict[str, int]:
        async with CoordinatorClient(endpoint) as client:
            return {node.name: node.status for node in (await client.list_nodes()).nodes}

    now = run(statuses())
    assert now["host-a"] == pb.NODE_STATUS_MAINTENANCE
    assert now["host-b"] != pb.NODE_STATUS_MAINTENANCE  # not reached: nothing changed there

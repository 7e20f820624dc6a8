"""The Storage page end to end: the real coordinator and real node daemons (localfleet, libvirt
test driver), driven from the real main window by keyboard.

The fleet runs as child processes on loopback, started on the console's own qasync loop (as in
test_console_live.py).
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from clients import present
from clients.channels import Endpoint
from clients.coordinator import CoordinatorClient
from console.dialogs.assign_hosts_dialog import AssignHostsDialog
from console.dialogs.delete_pool_dialog import DeletePoolDialog
from console.identity_store import IdentityStore
from console.main_window import MainWindow
from console.models.hosts_model import Column
from console.widgets.pool_detail import TAB_XML
from console.wizards.create_pool_wizard import REVIEW_ID, SETTINGS_ID, CreatePoolWizard
from domain.backoff import Backoff
from domain.pools import Backend, LocalDirSource, NfsSource, PoolSpec, validate_pool_spec
from localfleet import LocalFleet
from proto.quantix.v1 import common_pb2 as cpb
from proto.quantix.v1 import coordinator_pb2 as pb
from tests.console.conftest import activate
from wire.pool_codec import spec_to_pb

NAMES = ("host-a", "host-b", "host-c")
CEPH_KEY = "AQBzS2hmAAAAABAAb3i3V7Hh0w5cB2B9JdXa+w=="  # well-formed test value
ALT = Qt.KeyboardModifier.AltModifier
CTRL = Qt.KeyboardModifier.ControlModifier
# Generous: this is about what happens, not how fast (CI machines can be slow).
STARTUP_TIMEOUT_MS = 60_000
CHANGE_TIMEOUT_MS = 45_000


@pytest.fixture
def live_fleet(tmp_path, run):
    fleet = run(LocalFleet.start(tmp_path, node_names=NAMES, heartbeat_interval_s=0.5), 90)
    yield fleet
    run(fleet.stop(), 60)


@pytest.fixture
def window(qtbot, settings, run, live_fleet):
    main = MainWindow(settings, IdentityStore())
    main.watch._backoff = Backoff(initial=0.1, maximum=0.5)
    main.resize(1440, 900)
    main.show()
    qtbot.waitExposed(main)
    main.connect_to(live_fleet.coordinator_endpoint())
    qtbot.waitUntil(
        lambda: all(status(main, name) == "Connected" for name in NAMES),
        timeout=STARTUP_TIMEOUT_MS,
    )
    qtbot.waitUntil(lambda: main.pools_model.is_synced, timeout=STARTUP_TIMEOUT_MS)
    yield main
    if not main.closed.done():
        main.close()
        run(main.wait_closed(), 60)
    main.deleteLater()


def status(window: MainWindow, name: str) -> str:
    row = window.model.row_of(name)
    return "" if row is None else str(window.model.index(row, Column.STATUS).data())


def focused():
    return QApplication.focusWidget()


def press(qtbot, key, modifier=Qt.KeyboardModifier.NoModifier):
    qtbot.keyClick(focused(), key, modifier)


def type_text(qtbot, text):
    qtbot.keyClicks(focused(), text)


def phase(window: MainWindow, name: str) -> int:
    pool = window.pools_model.pool(name)
    return cpb.PHASE_UNSPECIFIED if pool is None else pool.realization.phase


def open_wizard(window: MainWindow, qtbot) -> CreatePoolWizard:
    page = window.storage_page
    activate(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_3, CTRL)  # the Storage page, focus in it
    qtbot.waitUntil(lambda: window.stack.currentWidget() is page)
    press(qtbot, Qt.Key.Key_N, CTRL)
    qtbot.waitUntil(lambda: page.actions.wizard is not None and page.actions.wizard.isVisible())
    wizard = page.actions.wizard
    activate(qtbot, wizard)
    return wizard


def create_by_keyboard(
    window: MainWindow, qtbot, backend_key: Qt.Key, backend: Backend, fill: Callable[[], None]
) -> str:
    """Open the wizard with Ctrl+N, choose the backend with its Alt+letter, fill the settings
    (``fill`` types; the cursor starts in the first field to fill), Enter through hosts and
    review; returns the pool's name once the wizard has closed."""
    wizard = open_wizard(window, qtbot)
    press(qtbot, backend_key, ALT)
    qtbot.waitUntil(lambda: wizard.backend() is backend)  # Qt clicks after a short animation
    press(qtbot, Qt.Key.Key_Return)
    assert wizard.currentId() == SETTINGS_ID
    name = wizard.settings_page.name.text()
    fill()
    press(qtbot, Qt.Key.Key_N, ALT)  # &Next
    qtbot.waitUntil(lambda: wizard.currentId() != SETTINGS_ID)
    press(qtbot, Qt.Key.Key_Return)  # hosts: the defaults
    assert wizard.currentId() == REVIEW_ID
    with qtbot.waitSignal(wizard.finished, timeout=CHANGE_TIMEOUT_MS):
        press(qtbot, Qt.Key.Key_Return)  # Create
    return name


def test_four_backends_created_by_keyboard_become_four_ready_cards(window, qtbot):
    def nfs() -> None:
        type_text(qtbot, "nas01.example.com")
        press(qtbot, Qt.Key.Key_Tab)
        type_text(qtbot, "/export/vms")

    def ceph() -> None:
        type_text(qtbot, "mon1.example.com, mon2.example.com")
        press(qtbot, Qt.Key.Key_Tab)
        type_text(qtbot, "rbd")
        press(qtbot, Qt.Key.Key_K, ALT)
        type_text(qtbot, CEPH_KEY)

    def iscsi() -> None:
        type_text(qtbot, "san01.example.com")
        press(qtbot, Qt.Key.Key_Tab)
        type_text(qtbot, "iqn.2024-01.com.example:storage")
        press(qtbot, Qt.Key.Key_U, ALT)
        type_text(qtbot, "quantix")
        press(qtbot, Qt.Key.Key_Tab)
        type_text(qtbot, "s3cret-s3cret")

    def local() -> None:
        pass  # the suggested name and path, on the first connected host

    names = [
        create_by_keyboard(window, qtbot, Qt.Key.Key_S, Backend.NFS, nfs),
        create_by_keyboard(window, qtbot, Qt.Key.Key_C, Backend.CEPH_RBD, ceph),
        create_by_keyboard(window, qtbot, Qt.Key.Key_I, Backend.ISCSI, iscsi),
        create_by_keyboard(window, qtbot, Qt.Key.Key_L, Backend.LOCAL_DIR, local),
    ]
    assert names == ["nfs-1", "ceph-1", "iscsi-1", "local-1"]
    qtbot.waitUntil(
        lambda: all(phase(window, n) == cpb.PHASE_READY for n in names),
        timeout=CHANGE_TIMEOUT_MS,
    )
    page = window.storage_page
    assert page.selected_pool().spec.name == "local-1"  # the card just created
    assert page.tab_bar.tabText(1) == "Read&y (4)"
    cards = {n: window.pools_model.card(n) for n in names}
    assert {n: c.phase_label for n, c in cards.items()} == dict.fromkeys(names, "Ready")
    assert [c.host for c in cards["nfs-1"].chips] == list(NAMES)  # shared: every host
    assert [c.host for c in cards["local-1"].chips] == ["host-a"]
    assert all(not card.banner for card in cards.values())
    # The secrets went in and never come back out.
    ceph = window.pools_model.pool("ceph-1")
    assert ceph.spec.ceph_rbd.key == "" and ceph.spec.ceph_rbd.has_key
    iscsi_pool = window.pools_model.pool("iscsi-1")
    assert iscsi_pool.spec.iscsi.chap_secret == "" and iscsi_pool.spec.iscsi.has_chap_secret


def test_detail_reads_volumes_and_xml_from_a_node_daemon(window, qtbot, run, live_fleet):
    spec = validate_pool_spec(
        PoolSpec("nfs-media", Backend.NFS, NfsSource("nas01.example.com", "/export/media"))
    )
    run(_create(live_fleet.coordinator_endpoint(), spec))
    qtbot.waitUntil(
        lambda: phase(window, "nfs-media") == cpb.PHASE_READY, timeout=CHANGE_TIMEOUT_MS
    )
    window.show_page(2)
    page = window.storage_page
    with qtbot.waitSignal(page.detail.reads.loaded, timeout=CHANGE_TIMEOUT_MS) as blocker:
        assert page.select_pool("nfs-media")
    read = blocker.args[0]
    assert read.errors == []
    assert read.host == "host-a"
    page.detail.tabs.setCurrentIndex(TAB_XML)
    xml = page.detail.reads.xml_view.toPlainText()
    assert "<name>nfs-media</name>" in xml
    assert "nas01.example.com" in xml and "/export/media" in xml
    assert page.detail.reads.volumes_table.item(0, 0).text() == "No volumes in nfs-media yet"
    assert page.detail.reads.volumes_note.text().startswith("On host-a, read at ")
    assert page.detail.reads.xml_note.text().startswith("As libvirt defined it on host-a ")


def test_a_name_taken_meanwhile_takes_the_wizard_back_to_the_name(window, qtbot, run, live_fleet):
    wizard = open_wizard(window, qtbot)
    press(qtbot, Qt.Key.Key_Return)  # local directory
    press(qtbot, Qt.Key.Key_Return)
    press(qtbot, Qt.Key.Key_Return)
    assert wizard.currentId() == REVIEW_ID
    # Someone else creates a pool of that name meanwhile (quantixctl, another console).
    other = validate_pool_spec(
        PoolSpec("local-1", Backend.LOCAL_DIR, LocalDirSource("/srv/other"), hosts=("host-b",))
    )
    run(_create(live_fleet.coordinator_endpoint(), other))
    press(qtbot, Qt.Key.Key_Return)  # Create
    name_row = wizard.settings_page.name
    qtbot.waitUntil(lambda: wizard.currentId() == SETTINGS_ID, timeout=CHANGE_TIMEOUT_MS)
    assert "local-1" in name_row.rule_label.text()
    assert "already exists" in name_row.rule_label.text()
    assert focused() is name_row.editor
    assert wizard.review_page.error_view.text_label.text().startswith(
        f"coordinator {live_fleet.coordinator_address} already exists: "
    )
    wizard.reject()


def test_assign_a_host_then_delete_by_keyboard(window, qtbot, run, live_fleet):
    spec = validate_pool_spec(
        PoolSpec(
            "nfs-two",
            Backend.NFS,
            NfsSource("nas01.example.com", "/export/two"),
            hosts=("host-a", "host-b"),
        )
    )
    run(_create(live_fleet.coordinator_endpoint(), spec))
    qtbot.waitUntil(lambda: phase(window, "nfs-two") == cpb.PHASE_READY, timeout=CHANGE_TIMEOUT_MS)
    page = window.storage_page
    activate(qtbot, window)
    window.show_page(2)
    assert page.select_pool("nfs-two")
    page.view.setFocus()

    dialog = page.actions.open_assign_dialog()
    assert isinstance(dialog, AssignHostsDialog)
    activate(qtbot, dialog)
    assert focused() is dialog.hosts
    assert not dialog.force_button.isVisible()
    press(qtbot, Qt.Key.Key_End)  # host-c
    press(qtbot, Qt.Key.Key_Space)
    assert dialog.summary.text() == "Set up on host-c."
    with qtbot.waitSignal(dialog.finished, timeout=CHANGE_TIMEOUT_MS):
        press(qtbot, Qt.Key.Key_A, ALT)  # &Apply
    qtbot.waitUntil(
        lambda: (
            [h.host for h in window.pools_model.pool("nfs-two").realization.hosts] == list(NAMES)
            and phase(window, "nfs-two") == cpb.PHASE_READY
        ),
        timeout=CHANGE_TIMEOUT_MS,
    )

    activate(qtbot, window)
    page.view.setFocus()
    press(qtbot, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: isinstance(page.actions.dialog, DeletePoolDialog))
    delete = page.actions.dialog
    activate(qtbot, delete)
    with qtbot.waitSignal(delete.deleted, timeout=CHANGE_TIMEOUT_MS):
        press(qtbot, Qt.Key.Key_D, ALT)  # &Delete
    qtbot.waitUntil(lambda: window.pools_model.pool("nfs-two") is None, timeout=CHANGE_TIMEOUT_MS)


def test_a_pool_on_a_stopped_host_shows_an_error_card_then_recovers(window, qtbot, run, live_fleet):
    run(live_fleet.kill_node("host-c"))
    qtbot.waitUntil(
        lambda: status(window, "host-c").startswith("Offline"), timeout=CHANGE_TIMEOUT_MS
    )
    spec = validate_pool_spec(
        PoolSpec("local-c", Backend.LOCAL_DIR, LocalDirSource("/srv/local-c"), hosts=("host-c",))
    )
    run(_create(live_fleet.coordinator_endpoint(), spec))
    qtbot.waitUntil(lambda: phase(window, "local-c") == cpb.PHASE_ERROR, timeout=CHANGE_TIMEOUT_MS)
    card = window.pools_model.card("local-c")
    assert card.banner.startswith("Not ready on any host: host-c")
    assert (card.chips[0].host, card.chips[0].label) in (("host-c", "Error"), ("host-c", "Offline"))
    page = window.storage_page
    window.show_page(2)
    page.select_pool("local-c")
    # The same words as the card (an offline host's age is worded live in both).
    shown = page.detail.error_view.text_label.text()
    assert without_age(shown) == without_age(window.pools_model.card("local-c").banner)
    assert page.actions.retry.isEnabled()

    run(live_fleet.start_node("host-c"), 60)  # it registers again: the pool is set up again
    qtbot.waitUntil(lambda: phase(window, "local-c") == cpb.PHASE_READY, timeout=CHANGE_TIMEOUT_MS)
    assert window.pools_model.card("local-c").banner == ""
    assert not page.detail.error_view.isVisible()


def test_an_offline_host_reads_the_same_offline_time_everywhere(window, qtbot, run, live_fleet):
    spec = validate_pool_spec(
        PoolSpec("nfs-all", Backend.NFS, NfsSource("nas.example.com", "/export/all"))
    )
    run(_create(live_fleet.coordinator_endpoint(), spec))
    qtbot.waitUntil(lambda: phase(window, "nfs-all") == cpb.PHASE_READY, timeout=CHANGE_TIMEOUT_MS)
    page = window.hosts_page
    with qtbot.waitSignal(page.detail.loaded, timeout=CHANGE_TIMEOUT_MS):
        assert page.select_host("host-b")
    assert not page.detail.stale_label.isVisible()

    run(live_fleet.kill_node("host-b"))
    qtbot.waitUntil(
        lambda: phase(window, "nfs-all") == cpb.PHASE_DEGRADED, timeout=CHANGE_TIMEOUT_MS
    )
    # The detail marks itself stale as soon as the coordinator says so: no Refresh pressed.
    qtbot.waitUntil(page.detail.stale_label.isVisible, timeout=CHANGE_TIMEOUT_MS)
    shown = quantixctl_hosts_show(live_fleet, "host-b")
    node = window.model.node("host-b")
    since = f"no heartbeat since {present.clock_time(node.last_seen.seconds, time.time())}"
    row = status(window, "host-b")
    banner = window.pools_model.card("nfs-all").banner
    stale = page.detail.stale_label.text()
    header = page.detail.subtitle_label.text()
    for where, text in {"row": row, "banner": banner, "detail": stale, "header": header}.items():
        assert since in text, where
    assert f"Status      Offline — {since}" in shown
    assert banner.startswith(f"Ready on 2 of 3 hosts; not on host-b: host-b is offline: {since}")
    assert stale.startswith(f"host-b is offline: {since}")
    assert "may be out of date" in stale


def quantixctl_hosts_show(fleet: LocalFleet, name: str) -> str:
    command = [sys.executable, "-m", "clients.cli", *fleet.cli_args(), "hosts", "show", name]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60, check=True)
    return result.stdout


async def _create(endpoint: Endpoint, spec: PoolSpec) -> pb.Pool:
    async with CoordinatorClient(endpoint) as client:
        return await client.create_pool(spec_to_pb(spec, include_secrets=True))


def without_age(text: str) -> str:
    """A worded text without its relative age ("…, 3 s ago"), which moves with the clock."""
    return re.sub(r", \d+ (s|min) ago", "", text)

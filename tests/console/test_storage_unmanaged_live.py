"""Pools Quantix did not create, end to end: a real coordinator and node daemons whose libvirt
test-driver hosts already define pools of eleven types (as virt-manager or virsh left them),
shown by the real main window, adopted through the real dialog driven by keyboard; and a
host that is gone, removed from the Hosts page.

The fleet runs as child processes on loopback, started on the console's own qasync loop.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from clients.channels import Endpoint
from clients.coordinator import CoordinatorClient
from console.dialogs.adopt_pool_dialog import HOSTS_STEP, REVIEW_STEP, AdoptPoolDialog
from console.dialogs.remove_host_dialog import RemoveHostDialog
from console.identity_store import IdentityStore
from console.kit.card_model import CARD_ROLE
from console.main_window import MainWindow
from console.models.hosts_model import Column
from console.models.pools_model import FilterTab
from domain.backoff import Backoff
from domain.pools import Backend, LocalDirSource, NfsSource, PoolSpec, validate_pool_spec
from localfleet import LocalFleet
from proto.quantix.v1 import common_pb2 as cpb
from proto.quantix.v1 import coordinator_pb2 as pb
from tests.cli.test_quantixctl_discovered import HOST_A, HOST_B, TYPE_LABELS
from tests.console.conftest import activate
from wire.pool_codec import spec_to_pb

ALT = Qt.KeyboardModifier.AltModifier
# Generous: this is about what happens, not how fast (CI machines can be slow).
STARTUP_TIMEOUT_MS = 60_000
CHANGE_TIMEOUT_MS = 45_000


def open_window(qtbot, settings, endpoint: Endpoint, names: tuple[str, ...]) -> MainWindow:
    main = MainWindow(settings, IdentityStore())
    main.watch._backoff = Backoff(initial=0.1, maximum=0.5)
    main.resize(1440, 900)
    main.show()
    qtbot.waitExposed(main)
    main.connect_to(endpoint)
    qtbot.waitUntil(
        lambda: all(status(main, name) == "Connected" for name in names),
        timeout=STARTUP_TIMEOUT_MS,
    )
    return main


def close_window(main: MainWindow, run) -> None:
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


def unmanaged(window: MainWindow, name: str) -> list[pb.DiscoveredPool]:
    return window.discovered_model.named(name)


def phase(window: MainWindow, name: str) -> int:
    pool = window.pools_model.pool(name)
    return cpb.PHASE_UNSPECIFIED if pool is None else pool.realization.phase


# --- discovered pools and adopting ----------------------------------------------------------


@pytest.fixture
def found_fleet(tmp_path, run):
    fleet = run(
        LocalFleet.start(
            tmp_path,
            node_names=("host-a", "host-b"),
            heartbeat_interval_s=1.0,
            pools={"host-a": HOST_A, "host-b": HOST_B},
        ),
        90,
    )
    yield fleet
    run(fleet.stop(), 60)


@pytest.fixture
def window(qtbot, settings, run, found_fleet):
    main = open_window(qtbot, settings, found_fleet.coordinator_endpoint(), ("host-a", "host-b"))
    # Every pool of both hosts reported: host-a's twelve, and "shared" from both hosts.
    qtbot.waitUntil(
        lambda: (
            all(unmanaged(main, pool.name) for pool in HOST_A)
            and len(unmanaged(main, "shared")) == 2
        ),
        timeout=STARTUP_TIMEOUT_MS,
    )
    yield main
    close_window(main, run)


def open_adopt_dialog(window: MainWindow, qtbot, name: str) -> AdoptPoolDialog:
    """Select the Unmanaged card called ``name`` and press its detail's Adopt… button."""
    page = window.storage_page
    activate(qtbot, window)
    window.show_page(2)
    assert page.select_discovered(unmanaged(window, name)[0].key)
    button = page.detail.discovered.adopt_button
    assert button.isVisible() and button.isEnabled()
    button.setFocus()
    press(qtbot, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: isinstance(page.actions.dialog, AdoptPoolDialog))
    dialog = page.actions.dialog
    activate(qtbot, dialog)
    return dialog


def stored_pool_names(window: MainWindow, run) -> set[str]:
    """What the coordinator has stored, asked directly: a refusal or a dry run that stored
    something would show here at once, before any Watch event reaches the window."""

    async def names() -> set[str]:
        async with CoordinatorClient(window.watch.endpoint) as client:
            return {pool.spec.name for pool in (await client.list_pools()).pools}

    return run(names())


def adopt_by_keyboard(
    window: MainWindow, qtbot, run, name: str, hosts: list[str]
) -> dict[str, str]:
    """Adopt ``name`` on ``hosts`` (ticked, the others unticked, with Space): Alt+N to the
    review, Alt+A to adopt. Returns the review's rows."""
    dialog = open_adopt_dialog(window, qtbot, name)
    assert focused() is dialog.hosts
    for row in range(dialog.hosts.count()):
        item = dialog.hosts.item(row)
        wanted = item.data(Qt.ItemDataRole.UserRole) in hosts
        if (item.checkState() == Qt.CheckState.Checked) != wanted:
            dialog.hosts.setCurrentRow(row)
            press(qtbot, Qt.Key.Key_Space)
    assert dialog.ticked() == hosts
    press(qtbot, Qt.Key.Key_N, ALT)  # &Next: the coordinator's dry run
    qtbot.waitUntil(lambda: dialog.step == REVIEW_STEP, timeout=CHANGE_TIMEOUT_MS)
    review = {label: value.text() for label, value in dialog.values.items()}
    assert name not in stored_pool_names(window, run)  # a dry run stores nothing
    with qtbot.waitSignal(dialog.adopted, timeout=CHANGE_TIMEOUT_MS):
        press(qtbot, Qt.Key.Key_A, ALT)  # &Adopt
    return review


def test_every_pool_of_every_type_is_an_unmanaged_card(window):
    page = window.storage_page
    window.show_page(2)
    page.set_tab(FilterTab.UNMANAGED)
    cards = [page.proxy.index(r, 0).data(CARD_ROLE) for r in range(page.proxy.rowCount())]
    labels = {card.name: card.kind_label for card in cards}
    for name, label in TYPE_LABELS.items():
        assert labels[name] == label, name
    assert sorted(card.name for card in cards) == sorted(
        [pool.name for pool in HOST_A] + ["shared"]  # "shared" twice: two definitions
    )
    count = len(HOST_A) + 1
    assert page.tab_bar.tabText(list(FilterTab).index(FilterTab.UNMANAGED)) == (
        f"Un&managed ({count})"
    )
    isos = next(card for card in cards if card.name == "nfs-isos")
    assert [chip.host for chip in isos.chips] == ["host-a", "host-b"]  # one card, both hosts
    vg = unmanaged(window, "vg-fast")[0]
    assert page.select_discovered(vg.key)
    assert not page.actions.adopt.isEnabled()
    assert page.detail.discovered.note_label.text() == vg.not_adoptable_reason


def test_adopting_a_directory_and_an_nfs_pool_makes_them_managed_ready_cards(window, qtbot, run):
    review = adopt_by_keyboard(window, qtbot, run, "default", ["host-a"])
    assert review["Kind"] == "Local directory"
    assert review["Path"] == "/var/lib/libvirt/images"
    assert review["Hosts"] == "host-a"

    review = adopt_by_keyboard(window, qtbot, run, "nfs-isos", ["host-a", "host-b"])
    assert (review["Server"], review["Export path"]) == ("nas.lab", "/export/isos")
    assert review["Mount point"] == "/mnt/isos"
    assert review["Hosts"] == "host-a and host-b"

    qtbot.waitUntil(
        lambda: all(
            phase(window, name) == cpb.PHASE_READY and not unmanaged(window, name)
            for name in ("default", "nfs-isos")
        ),
        timeout=CHANGE_TIMEOUT_MS,
    )
    cards = {name: window.pools_model.card(name) for name in ("default", "nfs-isos")}
    assert all(card.managed and card.phase_label == "Ready" for card in cards.values())
    assert [chip.host for chip in cards["nfs-isos"].chips] == ["host-a", "host-b"]
    page = window.storage_page
    assert page.selected_pool().spec.name == "nfs-isos"  # the card just adopted
    assert page.tab_bar.tabText(list(FilterTab).index(FilterTab.UNMANAGED)) == (
        f"Un&managed ({len(HOST_A) + 1 - 2})"
    )
    assert "Adopted nfs-isos" in window.statusBar().currentMessage()


def test_a_pool_defined_differently_on_two_hosts_is_refused_naming_the_setting(window, qtbot, run):
    dialog = open_adopt_dialog(window, qtbot, "shared")
    assert dialog.ticked() == ["host-a", "host-b"]  # every host with a pool of that name
    press(qtbot, Qt.Key.Key_N, ALT)
    qtbot.waitUntil(dialog.error_view.isVisible, timeout=CHANGE_TIMEOUT_MS)
    text = dialog.error_view.text_label.text()
    assert "source host" in text
    assert "host-b has nas2.lab, host-a has nas1.lab" in text
    assert dialog.step == HOSTS_STEP
    assert "shared" not in stored_pool_names(window, run)  # nothing adopted

    # The hosts that agree can still be adopted: host-a alone reaches the review.
    dialog.hosts.setFocus()
    dialog.hosts.setCurrentRow(1)
    press(qtbot, Qt.Key.Key_Space)
    press(qtbot, Qt.Key.Key_N, ALT)
    qtbot.waitUntil(lambda: dialog.step == REVIEW_STEP, timeout=CHANGE_TIMEOUT_MS)
    assert dialog.values["Server"].text() == "nas1.lab"
    assert not dialog.error_view.isVisible()
    dialog.reject()
    assert "shared" not in stored_pool_names(window, run)


# --- removing a host that is gone -----------------------------------------------------------


NAMES = ("host-a", "host-b", "host-c")


@pytest.fixture
def fleet(tmp_path, run):
    fleet = run(LocalFleet.start(tmp_path, node_names=NAMES, heartbeat_interval_s=0.5), 90)
    yield fleet
    run(fleet.stop(), 60)


async def _create(endpoint: Endpoint, spec: PoolSpec) -> pb.Pool:
    async with CoordinatorClient(endpoint) as client:
        return await client.create_pool(spec_to_pb(spec, include_secrets=True))


def test_removing_a_gone_host_is_refused_for_its_pools_then_forced(qtbot, settings, run, fleet):
    window = open_window(qtbot, settings, fleet.coordinator_endpoint(), NAMES)
    try:
        shared = PoolSpec(
            "nfs-two",
            Backend.NFS,
            NfsSource("nas01.example.com", "/export/two"),
            hosts=("host-a", "host-c"),
        )
        local = PoolSpec(
            "local-c", Backend.LOCAL_DIR, LocalDirSource("/srv/local-c"), hosts=("host-c",)
        )
        for spec in (shared, local):
            run(_create(fleet.coordinator_endpoint(), validate_pool_spec(spec)))
        qtbot.waitUntil(
            lambda: all(phase(window, name) == cpb.PHASE_READY for name in ("nfs-two", "local-c")),
            timeout=CHANGE_TIMEOUT_MS,
        )
        run(fleet.kill_node("host-c"))
        qtbot.waitUntil(
            lambda: status(window, "host-c").startswith("Offline"), timeout=CHANGE_TIMEOUT_MS
        )

        page = window.hosts_page
        activate(qtbot, window)
        window.show_page(0)
        assert page.select_host("host-c")
        page.table.setFocus()
        assert page.remove_action.isEnabled()
        press(qtbot, Qt.Key.Key_Delete)  # Remove host… on the selected row
        qtbot.waitUntil(lambda: isinstance(page.dialog, RemoveHostDialog))
        dialog = page.dialog
        activate(qtbot, dialog)
        assert "Nothing on the host is contacted or changed" in dialog.explanation.text()
        press(qtbot, Qt.Key.Key_R, ALT)  # &Remove
        qtbot.waitUntil(dialog.error_view.isVisible, timeout=CHANGE_TIMEOUT_MS)
        refusal = dialog.error_view.text_label.text()
        assert "host-c is assigned to 2 pools (" in refusal
        assert "local-c" in refusal and "nfs-two" in refusal
        assert window.model.row_of("host-c") is not None  # refused: still there
        assert dialog.force_button.isVisible()
        assert "left as it is" in dialog.force_note.text()
        with qtbot.waitSignal(dialog.removed, timeout=CHANGE_TIMEOUT_MS) as removed:
            press(qtbot, Qt.Key.Key_A, ALT)  # Remove &anyway
        assert removed.args[0] == "host-c"
        assert sorted(removed.args[1]) == ["local-c", "nfs-two"]
        qtbot.waitUntil(lambda: window.model.row_of("host-c") is None, timeout=CHANGE_TIMEOUT_MS)
        assert (
            window.statusBar()
            .currentMessage()
            .startswith("Removed host host-c and took it off 2 pools: ")
        )
        # Taken off its pools: the shared one stays on host-a, the local one is forgotten.
        qtbot.waitUntil(
            lambda: (
                [h.host for h in window.pools_model.pool("nfs-two").realization.hosts] == ["host-a"]
                and window.pools_model.pool("local-c") is None
            ),
            timeout=CHANGE_TIMEOUT_MS,
        )
        # Its unmanaged pools go with it (a later Watch batch than the pools' own change).
        qtbot.waitUntil(
            lambda: all(
                "host-c" not in {h.host for h in found.hosts}
                for found in window.discovered_model.items()
            ),
            timeout=CHANGE_TIMEOUT_MS,
        )
    finally:
        close_window(window, run)

"""Networks Quantix did not create, end to end: a real coordinator and node daemons whose
libvirt test-driver hosts already define ``default`` (NAT on virbr0) and ``storage-isolated``,
shown by the real main window as Unmanaged cards and adopted through the real dialog driven by
keyboard alone."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from console.dialogs.adopt_dialog import REVIEW_STEP
from console.kit.card_model import CARD_ROLE
from console.main_window import MainWindow
from console.models.pools_model import FilterTab
from console.networks.adopt_network_dialog import AdoptNetworkDialog
from console.networks.networks_page import NetworksPage
from localfleet import LocalFleet
from proto.quantix.v1 import common_pb2 as cpb
from tests.console.conftest import activate
from tests.console.test_storage_unmanaged_live import (
    CHANGE_TIMEOUT_MS,
    STARTUP_TIMEOUT_MS,
    close_window,
    focused,
    open_window,
    press,
)

ALT = Qt.KeyboardModifier.AltModifier
CTRL = Qt.KeyboardModifier.ControlModifier
HOSTS = ("host-a", "host-b")


@pytest.fixture
def window(qtbot, settings, run, tmp_path):
    fleet = run(LocalFleet.start(tmp_path, node_names=HOSTS, heartbeat_interval_s=1.0), 90)
    try:
        main = open_window(qtbot, settings, fleet.coordinator_endpoint(), HOSTS)
        try:
            yield main
        finally:
            close_window(main, run)
    finally:
        run(fleet.stop(), 60)


def page_of(window: MainWindow) -> NetworksPage:
    page = window.page("networks")
    assert isinstance(page, NetworksPage)
    return page


def found_hosts(page: NetworksPage, name: str) -> list[str]:
    return sorted(h.host for found in page.discovered.named(name) for h in found.hosts)


def unmanaged_tab_text(page: NetworksPage) -> str:
    return page.tab_bar.tabText([t.value for t in page.tabs].index(FilterTab.UNMANAGED))


def test_default_is_an_unmanaged_card_and_adopting_it_by_keyboard_makes_it_managed(window, qtbot):
    page = page_of(window)
    qtbot.waitUntil(
        lambda: all(found_hosts(page, n) == list(HOSTS) for n in ("default", "storage-isolated")),
        timeout=STARTUP_TIMEOUT_MS,
    )
    activate(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_5, CTRL)
    assert window.page("networks") is page and page.isVisible()
    press(qtbot, Qt.Key.Key_M, ALT)  # Un&managed
    assert page.proxy.tab is FilterTab.UNMANAGED
    cards = {
        card.name: card
        for card in (page.proxy.index(r, 0).data(CARD_ROLE) for r in range(page.proxy.rowCount()))
    }
    assert set(cards) == {"default", "storage-isolated"}
    nat = cards["default"]
    assert (nat.kind_label, nat.source) == ("NAT", "bridge virbr0 · 192.168.122.1/24")
    assert [(c.host, c.label) for c in nat.chips] == [(h, "Active") for h in HOSTS]
    assert not nat.managed and nat.phase_label == "Unmanaged"
    assert nat.description.startswith("Not managed by Quantix. Adopt…")
    assert cards["storage-isolated"].kind_label == "Isolated"
    assert unmanaged_tab_text(page) == "Un&managed (2)"

    # Adopt… by keyboard: the card, its detail's Ad&opt…, the dry run's review, Ad&opt.
    assert page.select_discovered(page.discovered.named("default")[0].key)
    page.view.setFocus()
    assert page.adopt_button.isVisible() and page.adopt_button.isEnabled()
    assert "Hosts: host-a: Active, host-b: Active" in page.settings.text()
    press(qtbot, Qt.Key.Key_O, ALT)  # Ad&opt…
    qtbot.waitUntil(lambda: isinstance(page.adopt_dialog, AdoptNetworkDialog))
    dialog = page.adopt_dialog
    activate(qtbot, dialog)
    assert focused() is dialog.hosts
    assert dialog.ticked() == list(HOSTS)
    press(qtbot, Qt.Key.Key_N, ALT)  # &Next: the coordinator's dry run
    qtbot.waitUntil(lambda: dialog.step == REVIEW_STEP, timeout=CHANGE_TIMEOUT_MS)
    review = {label: value.text() for label, value in dialog.values.items()}
    assert (review["Type"], review["Where"], review["Bridge"]) == (
        "NAT",
        "192.168.122.0/24",
        "virbr0",
    )
    assert (review["Gateway"], review["Hosts"]) == ("192.168.122.1", "host-a and host-b")
    assert page.networks.network("default") is None  # a dry run stores nothing
    assert focused() is dialog.adopt_button
    with qtbot.waitSignal(dialog.adopted, timeout=CHANGE_TIMEOUT_MS):
        press(qtbot, Qt.Key.Key_A, ALT)  # &Adopt

    def adopted() -> bool:
        network = page.networks.network("default")
        return (
            network is not None
            and network.realization.phase == cpb.PHASE_READY
            and not page.discovered.named("default")
        )

    qtbot.waitUntil(adopted, timeout=CHANGE_TIMEOUT_MS)
    card = page.networks.card("default")
    assert card is not None and card.managed and card.phase_label == "Ready"
    assert [c.host for c in card.chips] == list(HOSTS)
    assert unmanaged_tab_text(page) == "Un&managed (1)"
    # The adopted card is selected (shown in All), the Unmanaged tab keeps storage-isolated.
    qtbot.waitUntil(lambda: page.selected_network() is not None)
    assert page.selected_network().spec.name == "default"
    page.set_tab(FilterTab.UNMANAGED)
    names = [page.proxy.index(r, 0).data(CARD_ROLE).name for r in range(page.proxy.rowCount())]
    assert names == ["storage-isolated"]
    assert "Adopted default" in window.statusBar().currentMessage()

"""The Networks and Switches pages end to end, by keyboard alone: a real coordinator and two node
daemons, each doing its host networking in a network namespace of its own with veth NICs (this
machine's interfaces are never touched), driven from the real main window."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from clients.coordinator import CoordinatorClient
from console.identity_store import IdentityStore
from console.main_window import MainWindow
from console.networks.add_port_group_dialog import AddPortGroupDialog
from console.networks.create_network_wizard import (
    ADDRESSING_ID,
    HOSTS_ID,
    LINK_ID,
    NAME_ID,
    REVIEW_ID,
)
from console.networks.networks_page import NetworksPage
from console.networks.switches_page import SwitchesPage
from domain.backoff import Backoff
from domain.networks import NetworkType
from domain.switches import HostUplinks, PortGroup, SwitchSpec, UplinkNic
from localfleet import LocalFleet
from localfleet.netns import HostNet
from localfleet.netns_process import host_args, in_child
from proto.quantix.v1 import common_pb2 as cpb
from tests.console.conftest import activate
from wire.switch_codec import switch_to_pb

ALT = Qt.KeyboardModifier.AltModifier
CTRL = Qt.KeyboardModifier.ControlModifier
HOSTS = ("host-a", "host-b")
# Generous: this is about what happens, not how fast.
TIMEOUT_MS = 60_000
SWITCH = SwitchSpec(
    name="dvs1",
    uplinks=("uplink1",),
    active=("uplink1",),
    port_groups=(PortGroup("untagged", 0),),
    hosts=tuple(HostUplinks(h, (UplinkNic("uplink1", "eth1"),)) for h in HOSTS),
)


@pytest.fixture
def netns_fleet(tmp_path, run):
    # Made by a child process: pyroute2 runs an asyncio loop of its own, which cannot start
    # in this process, where qasync's loop runs the console.
    names = HostNet()
    in_child("create", names.run_id, host_args({host: [("eth1", 1500)] for host in HOSTS}))
    try:
        netns = {host: names.namespace(host) for host in HOSTS}
        fleet = run(LocalFleet.start(tmp_path, HOSTS, heartbeat_interval_s=0.5, netns=netns), 90)
        try:
            yield fleet
        finally:
            run(fleet.stop(), 60)
    finally:
        in_child("remove", names.run_id, HOSTS)


@pytest.fixture
def window(qtbot, settings, run, netns_fleet):
    async def make_switch():
        async with CoordinatorClient(netns_fleet.coordinator_endpoint()) as client:
            await client.create_switch(switch_to_pb(SWITCH))

    main = MainWindow(settings, IdentityStore())
    main.watch._backoff = Backoff(initial=0.1, maximum=0.5)
    main.resize(1440, 900)
    main.show()
    qtbot.waitExposed(main)
    main.connect_to(netns_fleet.coordinator_endpoint())
    qtbot.waitUntil(lambda: main.model.rowCount() == len(HOSTS), timeout=TIMEOUT_MS)
    run(make_switch(), 30)
    yield main
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


def hosts_of(page: NetworksPage, name: str) -> dict[str, int]:
    network = page.networks.network(name)
    return {} if network is None else {h.host: h.phase for h in network.realization.hosts}


def test_a_nat_network_and_a_vlan_port_group_from_the_wizard_by_keyboard_alone(window, qtbot):
    activate(qtbot, window)
    # The switch view: each host's uplink as that host checked it.
    qtbot.keyClick(window, Qt.Key.Key_7, CTRL)
    switches = window.page("switches")
    assert isinstance(switches, SwitchesPage)
    qtbot.waitUntil(lambda: switches.matrix.rowCount() == len(HOSTS), timeout=TIMEOUT_MS)
    qtbot.waitUntil(
        lambda: all(
            switches.matrix.index(row, 1).data().startswith("eth1 · up · 10 Gbit/s · MTU 1500")
            for row in range(len(HOSTS))
        ),
        timeout=TIMEOUT_MS,
    )
    assert switches.problems.text() == "Every uplink checked: no problem."

    # Add a port group by keyboard: the switch is rebuilt on each host with it.
    switches.list.setFocus()
    qtbot.waitUntil(lambda: focused() is switches.list)
    press(qtbot, Qt.Key.Key_G, ALT)  # Add port &group…
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), AddPortGroupDialog))
    dialog = QApplication.activeModalWidget()
    qtbot.waitUntil(lambda: dialog.isAncestorOf(focused()))
    qtbot.keyClicks(focused(), "storage")
    press(qtbot, Qt.Key.Key_V, ALT)  # &VLAN (the untagged port group already has none)
    qtbot.keyClicks(focused(), "30")
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: "storage (VLAN 30)" in switches.facts.text(), timeout=TIMEOUT_MS)

    activate(qtbot, window)  # the dialog had the focus
    qtbot.keyClick(window, Qt.Key.Key_5, CTRL)
    page = window.page("networks")
    assert isinstance(page, NetworksPage)
    qtbot.waitUntil(lambda: page.networks.is_synced, timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: bool(page.switches.switches()), timeout=TIMEOUT_MS)

    # A NAT network, accepting the suggested addressing.
    qtbot.waitUntil(lambda: page.isAncestorOf(focused()))  # Ctrl+5 focuses the page
    press(qtbot, Qt.Key.Key_N, CTRL)
    qtbot.waitUntil(lambda: page.wizard is not None and page.wizard.isVisible())
    wizard = page.wizard
    qtbot.waitUntil(lambda: wizard.isAncestorOf(focused()))
    press(qtbot, Qt.Key.Key_A, ALT)  # N&AT
    qtbot.waitUntil(lambda: wizard.network_type() is NetworkType.NAT)
    enter(qtbot, wizard, NAME_ID)
    qtbot.keyClicks(focused(), "lab")
    enter(qtbot, wizard, ADDRESSING_ID)
    qtbot.keyClicks(focused(), "10.20.0.0/24")
    assert wizard.addressing_page.gateway.editor.text() == "10.20.0.1"
    enter(qtbot, wizard, LINK_ID)
    enter(qtbot, wizard, HOSTS_ID)
    enter(qtbot, wizard, REVIEW_ID)
    press(qtbot, Qt.Key.Key_Return)  # Create
    qtbot.waitUntil(lambda: page.wizard is None, timeout=TIMEOUT_MS)
    qtbot.waitUntil(
        lambda: hosts_of(page, "lab") == dict.fromkeys(HOSTS, cpb.PHASE_READY), timeout=TIMEOUT_MS
    )
    qtbot.waitUntil(lambda: page.selected_network() is not None, timeout=TIMEOUT_MS)
    assert page.selected_network().spec.name == "lab"
    assert page.host_table.table.rowCount() == len(HOSTS)
    assert page.host_table.table.item(0, 1).text() == "Ready"
    assert "NAT · 10.20.0.0/24" in page.settings.text()

    # A port group with VLAN 20 on the switch: a new port group, named in the wizard.
    activate(qtbot, window)  # the wizard had the focus
    page.view.setFocus()
    qtbot.waitUntil(lambda: page.isAncestorOf(focused()))
    press(qtbot, Qt.Key.Key_N, CTRL)
    qtbot.waitUntil(lambda: page.wizard is not None and page.wizard.isVisible())
    wizard = page.wizard
    qtbot.waitUntil(lambda: wizard.isAncestorOf(focused()))
    press(qtbot, Qt.Key.Key_P, ALT)  # &Port group
    qtbot.waitUntil(lambda: wizard.network_type() is NetworkType.PORT_GROUP)
    enter(qtbot, wizard, NAME_ID)
    qtbot.keyClicks(focused(), "vlan20-net")
    enter(qtbot, wizard, LINK_ID)
    assert focused() is wizard.link_page.port_group.editor
    qtbot.keyClicks(focused(), "vlan20")
    press(qtbot, Qt.Key.Key_Tab)
    qtbot.keyClicks(focused(), "20")
    enter(qtbot, wizard, HOSTS_ID)
    enter(qtbot, wizard, REVIEW_ID)
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.wizard is None, timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: len(hosts_of(page, "vlan20-net")) == len(HOSTS), timeout=TIMEOUT_MS)
    qtbot.waitUntil(
        lambda: set(hosts_of(page, "vlan20-net").values()) == {cpb.PHASE_READY},
        timeout=TIMEOUT_MS,
    )
    network = page.networks.network("vlan20-net")
    assert (network.spec.switch_name, network.spec.port_group, network.spec.vlan) == (
        "dvs1",
        "vlan20",
        20,
    )

    # The switch gained the port group on every host: each host built it (READY) or says why
    # not (a kernel without 802.1Q support refuses the VLAN sub-interface), shown per host.
    activate(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_7, CTRL)
    qtbot.waitUntil(lambda: "vlan20 (VLAN 20)" in switches.facts.text(), timeout=TIMEOUT_MS)

    def settled() -> bool:
        switch = switches.switches.switches()[0]
        return all(h.phase != cpb.PHASE_PENDING for h in switch.realization.hosts)

    qtbot.waitUntil(settled, timeout=TIMEOUT_MS)
    for row, status in enumerate(switches.switches.switches()[0].realization.hosts):
        if status.phase == cpb.PHASE_READY:
            assert switches.matrix.index(row, 1).data().startswith("eth1 · up")
        else:
            assert f"{status.host}: {status.message}" in switches.problems.text()

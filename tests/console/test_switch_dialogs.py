"""The switch dialogs on real widgets, driven by keyboard alone: the SwitchSpec each builds, OK
disabled with the domain's rule shown (naming the field), and a refused submit kept open with
the coordinator's words."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from console.networks.add_port_group_dialog import AddPortGroupDialog
from console.networks.map_uplinks_dialog import MapUplinksDialog
from console.networks.new_switch_dialog import NewSwitchDialog
from console.networks.switch_dialog import HostNics
from domain.switches import HostUplinks, PortGroup, SwitchSpec, UplinkNic
from tests.console.conftest import activate
from tests.console.test_create_network_wizard import (
    Recorder,  # records each spec the dialog submits; raises its ``error`` when set
    end_editing,
    focused,
    press,
    type_text,
)

ALT = Qt.KeyboardModifier.AltModifier
HOSTS = (HostNics("host-a", ("eth1", "eth2")), HostNics("host-b", ("eth1", "eth2")))
DVS = SwitchSpec(
    "dvs1",
    ("uplink1", "uplink2"),
    ("uplink1",),
    ("uplink2",),
    9000,
    (PortGroup("trunk"), PortGroup("vlan10", 10)),
    (HostUplinks("host-a", (UplinkNic("uplink1", "eth1"), UplinkNic("uplink2", "eth2"))),),
)


@pytest.fixture
def submit() -> Recorder:
    return Recorder()


def shown(qtbot, dialog):
    qtbot.addWidget(dialog)
    dialog.open()
    qtbot.waitExposed(dialog)
    activate(qtbot, dialog)
    return dialog


def fill_new_switch(qtbot, dialog, *, mtu="9000", vlans=("none", "10")):
    assert focused() is dialog.name.editor
    type_text(qtbot, "dvs2")
    press(qtbot, Qt.Key.Key_M, ALT)
    press(qtbot, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    type_text(qtbot, mtu)
    press(qtbot, Qt.Key.Key_S, ALT)
    type_text(qtbot, "uplink2")
    for index, vlan in enumerate(vlans):
        press(qtbot, Qt.Key.Key_G, ALT)  # Add port &group: the new row's name cell is open
        qtbot.waitUntil(lambda i=index: dialog.groups.rowCount() == i + 1)
        type_text(qtbot, f"pg{index}")
        press(qtbot, Qt.Key.Key_Tab)
        type_text(qtbot, vlan)
        end_editing(qtbot, dialog.groups)
    press(qtbot, Qt.Key.Key_H, ALT)  # the mapping table, on host-a's uplink1
    assert focused() is dialog.mapping
    type_text(qtbot, "eth1")
    press(qtbot, Qt.Key.Key_Tab)
    type_text(qtbot, "eth2")
    end_editing(qtbot, dialog.mapping)


def test_new_switch_by_keyboard_alone(qtbot, submit):
    dialog = shown(qtbot, NewSwitchDialog(HOSTS, submit))
    assert not dialog.ok_button.isEnabled()
    fill_new_switch(qtbot, dialog)
    assert dialog.ok_button.isEnabled(), dialog.reason.text()
    with qtbot.waitSignal(dialog.finished):
        press(qtbot, Qt.Key.Key_Return)
    assert submit.specs == [
        SwitchSpec(
            "dvs2",
            ("uplink1", "uplink2"),
            ("uplink1",),
            ("uplink2",),
            9000,
            (PortGroup("pg0", 0), PortGroup("pg1", 10)),
            (HostUplinks("host-a", (UplinkNic("uplink1", "eth1"), UplinkNic("uplink2", "eth2"))),),
        )
    ]


def test_new_switch_refuses_mtu_9217(qtbot, submit):
    dialog = shown(qtbot, NewSwitchDialog(HOSTS, submit))
    fill_new_switch(qtbot, dialog, mtu="9217")
    assert not dialog.ok_button.isEnabled()
    assert dialog.mtu.rule_label.text() == "Must be 576-9216 (got 9217)"
    assert dialog.reason.text() == "Create is disabled — MTU: Must be 576-9216 (got 9217)"


def test_new_switch_refuses_vlan_4095_and_a_duplicate_vlan(qtbot, submit):
    dialog = shown(qtbot, NewSwitchDialog(HOSTS, submit))
    fill_new_switch(qtbot, dialog, vlans=("10", "4095"))
    assert not dialog.ok_button.isEnabled()
    assert dialog.reason.text() == (
        "Create is disabled — Port group 2, VLAN: Must be 1-4094, or none "
        "(got 4095; 0 and 4095 are reserved)"
    )
    dialog.groups.setCurrentCell(1, 1)
    dialog.groups.setFocus()
    press(qtbot, Qt.Key.Key_F2)
    press(qtbot, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    type_text(qtbot, "10")
    end_editing(qtbot, dialog.groups)
    assert not dialog.ok_button.isEnabled()
    assert dialog.reason.text() == (
        "Create is disabled — Port group 2, VLAN: VLAN 10 is both pg0's and pg1's: "
        "one port group per VLAN on a switch"
    )


def test_new_switch_refuses_an_unmapped_uplink(qtbot, submit):
    dialog = shown(qtbot, NewSwitchDialog(HOSTS, submit))
    fill_new_switch(qtbot, dialog)
    press(qtbot, Qt.Key.Key_Down)  # host-b's uplink2 (the cursor was on host-a's)
    type_text(qtbot, "eth1")
    end_editing(qtbot, dialog.mapping)
    assert not dialog.ok_button.isEnabled()
    assert dialog.reason.text() == (
        "Create is disabled — Host 2, NICs: Uplink1 has no NIC on host-b: map every uplink"
    )


def test_a_refused_create_keeps_the_dialog_open_with_the_error(qtbot, submit):
    submit.error = RuntimeError("creating switch: coordinator refused: switch dvs2 exists")
    dialog = shown(qtbot, NewSwitchDialog(HOSTS, submit))
    fill_new_switch(qtbot, dialog)
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(dialog.server_error.isVisible)
    assert dialog.server_error.text() == str(submit.error)
    assert dialog.isVisible() and len(submit.specs) == 1
    qtbot.waitUntil(dialog.ok_button.isEnabled)  # may try again


def test_map_uplinks_adds_a_host_by_keyboard(qtbot, submit):
    dialog = shown(qtbot, MapUplinksDialog(DVS, HOSTS, submit))
    assert focused() is dialog.host
    assert dialog.nics["uplink1"].text() == "eth1"  # host-a, as mapped
    press(qtbot, Qt.Key.Key_Down)  # host-b, not on the switch yet
    assert dialog.host_name() == "host-b"
    press(qtbot, Qt.Key.Key_1, ALT)
    type_text(qtbot, "eth2")
    assert not dialog.ok_button.isEnabled()
    assert dialog.nics["uplink2"].rule_label.text() == (
        "Uplink2 has no NIC on host-b: map every uplink"
    )
    press(qtbot, Qt.Key.Key_2, ALT)
    type_text(qtbot, "eth1")
    assert dialog.ok_button.isEnabled(), dialog.reason.text()
    with qtbot.waitSignal(dialog.finished):
        press(qtbot, Qt.Key.Key_Return)
    assert submit.specs[0].hosts == (
        DVS.hosts[0],
        HostUplinks("host-b", (UplinkNic("uplink1", "eth2"), UplinkNic("uplink2", "eth1"))),
    )
    assert submit.specs[0].port_groups == DVS.port_groups


def test_add_port_group_by_keyboard_and_its_vlan_rules(qtbot, submit):
    dialog = shown(qtbot, AddPortGroupDialog(DVS, submit))
    type_text(qtbot, "vlan20")
    press(qtbot, Qt.Key.Key_V, ALT)
    type_text(qtbot, "4095")
    assert not dialog.ok_button.isEnabled()
    assert dialog.vlan.rule_label.text() == (
        "Must be 1-4094, or none (got 4095; 0 and 4095 are reserved)"
    )
    press(qtbot, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    type_text(qtbot, "10")
    assert not dialog.ok_button.isEnabled()
    assert dialog.vlan.rule_label.text() == (
        "VLAN 10 is both vlan10's and vlan20's: one port group per VLAN on a switch"
    )
    press(qtbot, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    type_text(qtbot, "20")
    submit.error = RuntimeError("updating switch: coordinator refused: host-a is offline")
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(dialog.server_error.isVisible)
    assert dialog.isVisible() and dialog.server_error.text() == str(submit.error)
    submit.error = None
    qtbot.waitUntil(dialog.ok_button.isEnabled)
    with qtbot.waitSignal(dialog.finished):
        press(qtbot, Qt.Key.Key_Return)
    assert submit.specs[-1].port_groups == (*DVS.port_groups, PortGroup("vlan20", 20))

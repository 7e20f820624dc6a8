"""Add host…: the console makes a join token and the command it shows really enrols a host.

A real fleet (coordinator and one node daemon enrolled with a join token), the real main
window; the command's join string is given to a new node daemon, which then appears on the
Hosts page.
"""

from __future__ import annotations

import shlex

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from clients.channels import Endpoint
from console.dialogs.add_host_dialog import AddHostDialog
from domain.join import parse_join_string
from tests.console.conftest import activate
from tests.console.daemons import START_TIMEOUT_S


def made_command(qtbot, dialog: AddHostDialog) -> str:
    qtbot.waitUntil(dialog.make_button.isEnabled, timeout=5000)
    dialog.make_button.click()
    qtbot.waitUntil(dialog.result_box.isVisible, timeout=10_000)
    return dialog.command_view.toPlainText()


def test_the_command_add_host_shows_enrols_a_host_that_then_appears(
    window, one_host_fleet, qtbot, run
):
    fleet = one_host_fleet
    window.connect_to(fleet.coordinator_endpoint())
    qtbot.waitUntil(lambda: window.model.rowCount() == 1, timeout=10_000)
    activate(qtbot, window)
    window.hosts_page.table.setFocus()
    qtbot.keyClick(window.hosts_page.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = window.hosts_page.add_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.address_edit.text() == fleet.coordinator_address
    assert dialog.ttl_combo.currentText() == "1 hour"

    command = made_command(qtbot, dialog)
    assert dialog.validity_label.text().startswith("Join token ")
    assert "Single use, valid until" in dialog.validity_label.text() and "(1 hour)" in (
        dialog.validity_label.text()
    )
    words = shlex.split(command)
    assert words[0].startswith("QUANTIX_JOIN=") and words[1] == "quantix-node"
    join = parse_join_string(words[0].removeprefix("QUANTIX_JOIN="))
    assert join.coordinator == fleet.coordinator_address

    dialog.copy_button.click()
    assert QApplication.clipboard().text() == command
    assert dialog.copy_button.isDefault() and not dialog.make_button.isDefault()
    dialog.close()
    # The secret does not stay behind: not in the dialog, not on the clipboard.
    assert dialog.command_view.toPlainText() == ""
    assert QApplication.clipboard().text() == ""

    fleet.add_node("host-new", join=str(join))
    run(fleet.nodes["host-new"].wait_serving(), START_TIMEOUT_S)
    qtbot.waitUntil(lambda: window.model.row_of("host-new") is not None, timeout=10_000)


def test_a_viewer_is_told_that_adding_hosts_needs_an_admin(one_host_fleet, qtbot):
    viewer = one_host_fleet.coordinator_endpoint("viewer")
    dialog = AddHostDialog(lambda: viewer)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.make_button.isEnabled()
    assert dialog.role_hint.text() == (
        "Making join tokens needs the admin role; you are connected as local-viewer (viewer)."
    )


def test_a_bad_address_is_named_inline_and_blocks_the_token(one_host_fleet, qtbot):
    admin: Endpoint = one_host_fleet.coordinator_endpoint()
    dialog = AddHostDialog(lambda: admin)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.make_button.isEnabled()
    dialog.address_edit.setText("coordinator.example")
    assert not dialog.make_button.isEnabled()
    assert dialog.address_hint.text().startswith("Coordinator address: must be host:port")
    dialog.address_edit.setText("coordinator.example:7443")
    assert dialog.make_button.isEnabled()
    command = made_command(qtbot, dialog)
    join_text = shlex.split(command)[0].removeprefix("QUANTIX_JOIN=")
    assert parse_join_string(join_text).coordinator == "coordinator.example:7443"


def test_a_refusal_from_the_coordinator_is_shown_in_full(qtbot, unreachable):
    dialog = AddHostDialog(lambda: unreachable)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.make_button.click()
    qtbot.waitUntil(lambda: dialog.error_view.isVisible(), timeout=30_000)
    assert dialog.error_view.title_label.text() == "Could not make a join token"
    assert "coordinator 127.0.0.1:1 unreachable" in dialog.error_view.text_label.text()
    assert not dialog.result_box.isVisible()

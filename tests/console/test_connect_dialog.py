"""The connect dialog: inline address validation, recent addresses, identities imported into the
keyring."""

from __future__ import annotations

from pathlib import Path

import keyring
import keyring.backends.fail
import pytest
from keyring.errors import KeyringError
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from console.dialogs.connect_dialog import ConnectDialog
from console.identity_store import SERVICE, IdentityStore
from localfleet.trust import FleetTrust
from tests.console.conftest import MemoryKeyring, activate


@pytest.fixture
def tokens() -> IdentityStore:
    return IdentityStore()


@pytest.fixture
def identity_file(tmp_path) -> Path:
    """An identity file as `quantixctl pki issue-admin` writes it (local-admin, admin)."""
    return FleetTrust(tmp_path / "pki").identity_file("admin")


def choose_file(qtbot, dialog: ConnectDialog, path: Path | str) -> None:
    dialog.identity_edit.clear()
    qtbot.keyClicks(dialog.identity_edit, str(path))


def open_dialog(qtbot, settings, tokens, address: str = "") -> ConnectDialog:
    dialog = ConnectDialog(settings, tokens, None, address)
    qtbot.addWidget(dialog)
    dialog.open()
    qtbot.waitExposed(dialog)
    return dialog


def type_address(qtbot, dialog: ConnectDialog, text: str) -> None:
    line = dialog.address_combo.lineEdit()
    line.clear()
    qtbot.keyClicks(line, text)


def accept(qtbot, dialog: ConnectDialog) -> None:
    with qtbot.waitSignal(dialog.finished, timeout=10_000) as blocker:
        qtbot.mouseClick(dialog.connect_button, Qt.MouseButton.LeftButton)
    assert blocker.args == [QDialog.DialogCode.Accepted]


def test_invalid_address_disables_connect_and_shows_the_rule(qtbot, settings, tokens):
    dialog = open_dialog(qtbot, settings, tokens)
    type_address(qtbot, dialog, "coordinator.example")
    assert not dialog.connect_button.isEnabled()
    assert dialog.address_rule.isVisible()
    assert "must be host:port, e.g. 127.0.0.1:7443" in dialog.address_rule.text()
    assert dialog.address_rule.property("state") == "error"

    type_address(qtbot, dialog, "host:99999")
    assert "port must be 1-65535 (got 99999)" in dialog.address_rule.text()
    assert not dialog.connect_button.isEnabled()

    type_address(qtbot, dialog, "::1:7443")
    assert "IPv6 addresses must be in brackets" in dialog.address_rule.text()

    dialog.address_combo.lineEdit().clear()
    assert not dialog.connect_button.isEnabled()
    assert "is required" in dialog.address_rule.text()
    assert dialog.address_rule.property("state") == "hint"  # empty is not yet a mistake


def test_a_valid_address_is_taken_and_connect_waits_for_an_identity(qtbot, settings, tokens):
    dialog = open_dialog(qtbot, settings, tokens)
    type_address(qtbot, dialog, "coordinator.example:7443")
    assert dialog.address() == "coordinator.example:7443"
    assert dialog.address_rule.text() == "Connects to coordinator coordinator.example:7443"
    assert dialog.address_rule.property("state") == "ok"
    type_address(qtbot, dialog, " [::1]:7443 ")
    assert dialog.address() == "[::1]:7443"
    assert not dialog.connect_button.isEnabled()  # nothing kept for it, no file chosen
    assert dialog.endpoint() is None


def test_the_identity_goes_to_the_keyring_and_never_to_settings(
    qtbot, settings, tokens, memory_keyring: MemoryKeyring, identity_file
):
    dialog = open_dialog(qtbot, settings, tokens)
    type_address(qtbot, dialog, "127.0.0.1:7443")
    assert not dialog.connect_button.isEnabled()  # no identity yet
    choose_file(qtbot, dialog, identity_file)
    qtbot.waitUntil(dialog.connect_button.isEnabled, timeout=5000)
    assert dialog.identity_hint.text().startswith("Connects as local-admin (admin), valid until ")
    accept(qtbot, dialog)

    text = identity_file.read_text()
    assert memory_keyring.entries == {(SERVICE, "127.0.0.1:7443"): text}
    assert dialog.identity_persisted
    assert dialog.endpoint().identity.name == "local-admin"
    settings.qsettings.sync()
    key = text[text.index("-----BEGIN PRIVATE KEY-----") :].split("-----END")[0]
    stored = {k: settings.qsettings.value(k) for k in settings.qsettings.allKeys()}
    assert key not in repr(stored)
    assert key not in Path(settings.qsettings.fileName()).read_text(errors="replace")
    assert settings.last_address() == "127.0.0.1:7443"


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("hello", "is not a Quantix identity"),
        (None, "cannot read the identity"),
    ],
)
def test_a_file_that_is_no_identity_keeps_connect_disabled_and_says_why(
    qtbot, settings, tokens, tmp_path, content, reason
):
    path = tmp_path / "notes.pem"
    if content is not None:
        path.write_text(content)
    dialog = open_dialog(qtbot, settings, tokens, "127.0.0.1:7443")
    choose_file(qtbot, dialog, path)
    qtbot.waitUntil(lambda: reason in dialog.identity_hint.text(), timeout=5000)
    assert dialog.identity_hint.property("state") == "error"
    assert not dialog.connect_button.isEnabled()


def test_next_time_the_address_and_identity_are_recalled(
    qtbot, settings, tokens, memory_keyring: MemoryKeyring, identity_file
):
    memory_keyring.set_password(SERVICE, "10.0.0.5:7443", identity_file.read_text())
    settings.remember_address("10.0.0.9:7443")
    settings.remember_address("10.0.0.5:7443")
    dialog = open_dialog(qtbot, settings, IdentityStore())
    assert dialog.address_combo.currentText() == "10.0.0.5:7443"
    assert [dialog.address_combo.itemText(i) for i in range(dialog.address_combo.count())] == [
        "10.0.0.5:7443",
        "10.0.0.9:7443",
    ]
    qtbot.waitUntil(dialog.connect_button.isEnabled, timeout=5000)
    assert "Using local-admin (admin)" in dialog.identity_hint.text()
    assert "kept for 10.0.0.5:7443" in dialog.identity_hint.text()

    # Another address: nothing is kept for it, so Connect waits for a file.
    dialog.address_combo.setCurrentIndex(1)
    qtbot.waitUntil(lambda: not dialog.connect_button.isEnabled(), timeout=5000)
    # ... and the hint no longer speaks of the other address's identity.
    qtbot.waitUntil(lambda: "kept for" not in dialog.identity_hint.text(), timeout=5000)
    assert dialog.identity_hint.text().startswith("An identity file from")


def test_without_a_keyring_the_identity_is_kept_for_this_session_only(
    qtbot, settings, tokens, identity_file
):
    keyring.set_keyring(keyring.backends.fail.Keyring())  # what a headless machine has
    dialog = open_dialog(qtbot, settings, tokens, "127.0.0.1:7443")
    qtbot.waitUntil(lambda: "cannot be remembered" in dialog.identity_hint.text(), timeout=5000)
    assert "no system keyring (such as GNOME Keyring or KWallet) is available" in (
        dialog.identity_hint.text()
    )
    assert "NoKeyringError" in dialog.identity_hint.toolTip()  # the library's own words
    assert "kept for this session only" in dialog.identity_hint.text()
    assert dialog.identity_hint.property("state") == "warning"

    choose_file(qtbot, dialog, identity_file)
    qtbot.waitUntil(dialog.connect_button.isEnabled, timeout=5000)
    accept(qtbot, dialog)
    assert not dialog.identity_persisted
    assert "kept for this session only" in dialog.identity_hint.text()
    assert settings.last_address() == "127.0.0.1:7443"  # the rest still works


class BrokenKeyring(MemoryKeyring):
    """A keyring that is there but refuses to store (a locked collection, a D-Bus error)."""

    def set_password(self, service: str, username: str, password: str) -> None:
        raise KeyringError("the collection is locked")


def test_a_failing_keyring_is_reported_not_raised(qtbot, settings, tokens, identity_file):
    keyring.set_keyring(BrokenKeyring())
    dialog = open_dialog(qtbot, settings, tokens, "127.0.0.1:7443")
    choose_file(qtbot, dialog, identity_file)
    qtbot.waitUntil(dialog.connect_button.isEnabled, timeout=5000)
    accept(qtbot, dialog)
    assert not dialog.identity_persisted
    assert "the collection is locked" in dialog.identity_hint.text()


def test_keyboard_only(qtbot, settings, tokens, identity_file):
    """Alt+A and Alt+I reach the fields; Enter connects."""
    dialog = open_dialog(qtbot, settings, tokens)
    activate(qtbot, dialog)
    dialog.identity_edit.setFocus()
    qtbot.keyClick(dialog.identity_edit, Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: dialog.address_combo.lineEdit().hasFocus(), timeout=5000)
    qtbot.keyClicks(dialog.address_combo.lineEdit(), "127.0.0.1:7443")
    qtbot.keyClick(dialog.address_combo.lineEdit(), Qt.Key.Key_I, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(dialog.identity_edit.hasFocus, timeout=5000)
    qtbot.keyClicks(dialog.identity_edit, str(identity_file))
    qtbot.waitUntil(dialog.connect_button.isEnabled, timeout=5000)
    with qtbot.waitSignal(dialog.finished, timeout=10_000):
        qtbot.keyClick(dialog.identity_edit, Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.address() == "127.0.0.1:7443"

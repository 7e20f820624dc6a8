"""The connect dialog: inline address validation, recent addresses, tokens in the keyring."""

from __future__ import annotations

import keyring
import keyring.backends.fail
import pytest
from keyring.errors import KeyringError
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from console.dialogs.connect_dialog import ConnectDialog
from console.tokens import SERVICE, TokenStore
from tests.console.conftest import MemoryKeyring, activate

TOKEN = "s3cret-token-value"


@pytest.fixture
def tokens() -> TokenStore:
    return TokenStore()


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


def test_valid_address_enables_connect(qtbot, settings, tokens):
    dialog = open_dialog(qtbot, settings, tokens)
    type_address(qtbot, dialog, "coordinator.example:7443")
    assert dialog.connect_button.isEnabled()
    assert dialog.address() == "coordinator.example:7443"
    assert dialog.address_rule.text() == "Connects to coordinator coordinator.example:7443"
    type_address(qtbot, dialog, " [::1]:7443 ")
    assert dialog.connect_button.isEnabled()
    assert dialog.address() == "[::1]:7443"


def test_token_goes_to_the_keyring_and_never_to_settings(
    qtbot, settings, tokens, memory_keyring: MemoryKeyring, tmp_path
):
    dialog = open_dialog(qtbot, settings, tokens)
    type_address(qtbot, dialog, "127.0.0.1:7443")
    qtbot.keyClicks(dialog.token_edit, TOKEN)
    assert dialog.token_edit.echoMode() == dialog.token_edit.EchoMode.Password
    accept(qtbot, dialog)

    assert memory_keyring.entries == {(SERVICE, "127.0.0.1:7443"): TOKEN}
    assert dialog.token_persisted
    settings.qsettings.sync()
    stored = {key: settings.qsettings.value(key) for key in settings.qsettings.allKeys()}
    assert TOKEN not in repr(stored)
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert TOKEN not in path.read_text(errors="replace"), path
    assert settings.recent_addresses() == ["127.0.0.1:7443"]
    assert settings.last_address() == "127.0.0.1:7443"


def test_next_time_the_address_and_token_are_recalled(
    qtbot, settings, tokens, memory_keyring: MemoryKeyring
):
    memory_keyring.set_password(SERVICE, "10.0.0.5:7443", TOKEN)
    settings.remember_address("10.0.0.9:7443")
    settings.remember_address("10.0.0.5:7443")
    dialog = open_dialog(qtbot, settings, TokenStore())
    assert dialog.address_combo.currentText() == "10.0.0.5:7443"
    assert [dialog.address_combo.itemText(i) for i in range(dialog.address_combo.count())] == [
        "10.0.0.5:7443",
        "10.0.0.9:7443",
    ]
    assert dialog.connect_button.isEnabled()
    qtbot.waitUntil(lambda: dialog.token_edit.text() == TOKEN, timeout=5000)

    # Another address: its own (absent) token replaces the recalled one.
    dialog.address_combo.setCurrentIndex(1)
    qtbot.waitUntil(lambda: dialog.token_edit.text() == "", timeout=5000)


def test_clearing_the_token_forgets_it(qtbot, settings, tokens, memory_keyring: MemoryKeyring):
    memory_keyring.set_password(SERVICE, "127.0.0.1:7443", TOKEN)
    dialog = open_dialog(qtbot, settings, tokens, "127.0.0.1:7443")
    qtbot.waitUntil(lambda: dialog.token_edit.text() == TOKEN, timeout=5000)
    dialog.token_edit.clear()
    dialog.token_edit.textEdited.emit("")
    accept(qtbot, dialog)
    assert memory_keyring.entries == {}


def test_without_a_keyring_the_token_is_kept_for_this_session_only(qtbot, settings, tokens):
    keyring.set_keyring(keyring.backends.fail.Keyring())  # what a headless machine has
    dialog = open_dialog(qtbot, settings, tokens, "127.0.0.1:7443")
    qtbot.waitUntil(lambda: "cannot be remembered" in dialog.token_hint.text(), timeout=5000)
    assert "no system keyring (such as GNOME Keyring or KWallet) is available" in (
        dialog.token_hint.text()
    )
    assert "NoKeyringError" in dialog.token_hint.toolTip()  # the library's own words
    assert "kept for this session only" in dialog.token_hint.text()
    assert dialog.token_hint.property("state") == "warning"
    assert dialog.token_hint.isVisible()

    qtbot.keyClicks(dialog.token_edit, TOKEN)
    accept(qtbot, dialog)
    assert not dialog.token_persisted
    assert tokens.session_token("127.0.0.1:7443") == TOKEN
    assert settings.last_address() == "127.0.0.1:7443"  # the rest still works


class BrokenKeyring(MemoryKeyring):
    """A keyring that is there but refuses to store (a locked collection, a D-Bus error)."""

    def set_password(self, service: str, username: str, password: str) -> None:
        raise KeyringError("the collection is locked")


def test_a_failing_keyring_is_reported_not_raised(qtbot, settings, tokens):
    keyring.set_keyring(BrokenKeyring())
    dialog = open_dialog(qtbot, settings, tokens, "127.0.0.1:7443")
    qtbot.keyClicks(dialog.token_edit, TOKEN)
    accept(qtbot, dialog)
    assert not dialog.token_persisted
    assert "the collection is locked" in dialog.token_hint.text()
    assert tokens.session_token("127.0.0.1:7443") == TOKEN


def test_keyboard_only(qtbot, settings, tokens):
    """Alt+A and Alt+T reach the fields; Enter connects."""
    dialog = open_dialog(qtbot, settings, tokens)
    activate(qtbot, dialog)
    dialog.token_edit.setFocus()
    qtbot.keyClick(dialog.token_edit, Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: dialog.address_combo.lineEdit().hasFocus(), timeout=5000)
    qtbot.keyClicks(dialog.address_combo.lineEdit(), "127.0.0.1:7443")
    qtbot.keyClick(dialog.address_combo.lineEdit(), Qt.Key.Key_T, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(dialog.token_edit.hasFocus, timeout=5000)
    with qtbot.waitSignal(dialog.finished, timeout=10_000):
        qtbot.keyClick(dialog.token_edit, Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.address() == "127.0.0.1:7443"

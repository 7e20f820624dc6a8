"""The create-pool wizard on real widgets: inline validation by the domain rules, keyboard-only
use, the review, and what happens when the coordinator refuses."""

from __future__ import annotations

import time

import grpc
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QPlainTextEdit, QWizard

from console.pool_ops import Failure
from console.wizards.create_pool_wizard import (
    BACKEND_ID,
    HOSTS_ID,
    REVIEW_ID,
    SETTINGS_ID,
    CreatePoolWizard,
)
from domain.pools import (
    Backend,
    CephSource,
    HostPort,
    IscsiInitiator,
    IscsiSource,
    LocalDirSource,
    NfsSource,
)
from proto.quantix.v1 import coordinator_pb2 as pb
from tests.console.conftest import activate
from tests.console.messages import make_node

# A well-formed cephx key (base64 of 28 bytes): a test value, not anyone's secret.
CEPH_KEY = "AQBzS2hmAAAAABAAb3i3V7Hh0w5cB2B9JdXa+w=="
# Another well-formed key, not the one in the key field: what a stray paste looks like.
OTHER_KEY = "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHA=="
CHAP_SECRET = "s3cret-s3cret"
ALT = Qt.KeyboardModifier.AltModifier
NODES = [
    make_node("host-b"),
    make_node("host-a"),
    make_node("host-c", pb.NODE_STATUS_OFFLINE, last_seen=time.time() - 40),
]


@pytest.fixture
def wizard(qtbot):
    wizard = CreatePoolWizard(lambda: None, lambda: {"nfs-1", "taken"}, lambda: list(NODES))
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitExposed(wizard)
    activate(qtbot, wizard)
    return wizard


def focused():
    return QApplication.focusWidget()


def press(qtbot, key, modifier=Qt.KeyboardModifier.NoModifier):
    qtbot.keyClick(focused(), key, modifier)


def mnemonic(qtbot, key, until):
    """Alt+letter on a button: Qt clicks it after a short animation, so wait for the effect."""
    press(qtbot, key, ALT)
    qtbot.waitUntil(until)


def type_text(qtbot, text):
    qtbot.keyClicks(focused(), text)


def next_enabled(wizard) -> bool:
    return wizard.button(QWizard.WizardButton.NextButton).isEnabled()


def to_settings(wizard, backend: Backend) -> None:
    wizard.backend_page.set_backend(backend)
    wizard.next()
    assert wizard.currentId() == SETTINGS_ID


def row(wizard, field):
    found = wizard.settings_page.row_for(field)
    assert found is not None, field
    return found


def retype(qtbot, wizard, field, text):
    """Replace a field's text by typing, as a user would."""
    editor = row(wizard, field).editor
    editor.setFocus()
    qtbot.waitUntil(lambda: focused() is editor)
    qtbot.keyClick(editor, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(editor, Qt.Key.Key_Delete)
    if text:
        qtbot.keyClicks(editor, text)


VALID = {
    Backend.LOCAL_DIR: {},
    Backend.NFS: {"nfs.server": "nas01.example.com", "nfs.export_path": "/export/vms"},
    Backend.CEPH_RBD: {
        "ceph.monitors": "mon1.example.com",
        "ceph.pool": "rbd",
        "ceph.key": CEPH_KEY,
    },
    Backend.ISCSI: {
        "iscsi.portal": "san01.example.com",
        "iscsi.target_iqn": "iqn.2024-01.com.example:storage",
    },
}


def fill_valid(qtbot, wizard, backend: Backend) -> None:
    to_settings(wizard, backend)
    for field, text in VALID[backend].items():
        retype(qtbot, wizard, field, text)
    assert next_enabled(wizard), [r.error for r in wizard.settings_page.rows()]


# --- one field at a time: the rule under the field, Next disabled --------------------------

FIELD_CASES = [
    (Backend.LOCAL_DIR, "local.path", "../../etc", "Must be an absolute path starting with '/'"),
    (Backend.LOCAL_DIR, "local.path", "/srv/../etc", "Must not contain '..' components"),
    (Backend.LOCAL_DIR, "local.path", "", "Is required"),
    (Backend.LOCAL_DIR, "name", "a'><x", "May contain only letters, digits, '.', '_' and '-'"),
    (Backend.LOCAL_DIR, "name", "", "Is required"),
    (Backend.LOCAL_DIR, "name", "x" * 65, "Must be at most 64 characters (got 65)"),
    (Backend.LOCAL_DIR, "name", "taken", "A pool named taken exists already"),
    (Backend.NFS, "nfs.server", "nas_01!", "Must be dot-separated labels"),
    (Backend.NFS, "nfs.server", "a'><x", "Must be dot-separated labels"),
    (Backend.NFS, "nfs.export_path", "export/vms", "Must be an absolute path"),
    (Backend.NFS, "nfs.export_path", "/export/../../etc", "Must not contain '..' components"),
    (Backend.NFS, "nfs.mount_options", "vers=3", "Option 'vers' set the version in the NFS"),
    (Backend.NFS, "nfs.mount_options", "soft,,timeo=50", "Has an empty option"),
    (Backend.NFS, "nfs.mount_options", "suid", "Option 'suid' would allow set-user-ID"),
    (Backend.NFS, "nfs.mount_point", "mnt/x", "Must be an absolute path"),
    (Backend.CEPH_RBD, "ceph.monitors", "mon1:99999", "Port must be a number from 1 to 65535"),
    (Backend.CEPH_RBD, "ceph.monitors", "mon1, mon1:6789", "Lists the same monitor more than once"),
    (Backend.CEPH_RBD, "ceph.pool", "my pool", "Must be 1-128 letters, digits"),
    (Backend.CEPH_RBD, "ceph.user", "client.admin", "Give the user without the 'client.' prefix"),
    (Backend.CEPH_RBD, "ceph.key", "not-a-key", "Must be a cephx key: 40 characters of base64"),
    (Backend.CEPH_RBD, "ceph.namespace", "a'><x", "Must be 1-128 letters, digits"),
    (Backend.ISCSI, "iscsi.portal", "san01:0", "Port must be a number from 1 to 65535"),
    (Backend.ISCSI, "iscsi.target_iqn", "iqn.2024-13.com.example", "Must look like iqn.YYYY-MM"),
    (Backend.ISCSI, "iscsi.target_iqn", "storage", "Must be an iqn., eui. or naa. name"),
    (Backend.ISCSI, "iscsi.lun", "x", "Must be a number from 0 to 16383"),
    (Backend.ISCSI, "iscsi.lun", "20000", "Must be a number from 0 to 16383"),
    (Backend.ISCSI, "iscsi.initiator_iqn", "iqn.bad", "Must look like iqn.YYYY-MM"),
]


@pytest.mark.parametrize(("backend", "field", "text", "rule"), FIELD_CASES)
def test_a_bad_field_disables_next_and_shows_its_rule(wizard, qtbot, backend, field, text, rule):
    fill_valid(qtbot, wizard, backend)
    retype(qtbot, wizard, field, text)
    assert not next_enabled(wizard)
    label = row(wizard, field).rule_label
    assert label.text().startswith(rule), label.text()
    assert label.property("state") == "error"
    assert label.isVisible()


# --- rules across fields (validate_pool_spec), pinned on the field they name --------------

CROSS_CASES = [
    # A secret pasted into the wrong field.
    (Backend.CEPH_RBD, "ceph.user", CEPH_KEY, "ceph.user", "Looks like a Ceph key: put the key"),
    (
        Backend.CEPH_RBD,
        "description",
        f"key is {CEPH_KEY}",
        "description",
        "Must not contain a secret",
    ),
    (
        Backend.NFS,
        "nfs.mount_options",
        f"secret={OTHER_KEY}",
        "nfs.mount_options",
        "Must not contain a Ceph key",
    ),
    (Backend.ISCSI, "iscsi.chap_user", "quantix", "iscsi.chap_secret", "Is required when a CHAP"),
    (Backend.ISCSI, "iscsi.chap_secret", CHAP_SECRET, "iscsi.chap_user", "Is required when a"),
]


@pytest.mark.parametrize(("backend", "field", "text", "error_field", "rule"), CROSS_CASES)
def test_rules_across_fields_show_on_the_field_they_name(
    wizard, qtbot, backend, field, text, error_field, rule
):
    fill_valid(qtbot, wizard, backend)
    retype(qtbot, wizard, field, text)
    assert not next_enabled(wizard)
    label = row(wizard, error_field).rule_label
    assert label.text().startswith(rule), label.text()
    assert label.isVisible()


def test_chap_secret_pasted_as_the_user_or_too_short(wizard, qtbot):
    fill_valid(qtbot, wizard, Backend.ISCSI)
    retype(qtbot, wizard, "iscsi.chap_user", CHAP_SECRET)
    retype(qtbot, wizard, "iscsi.chap_secret", CHAP_SECRET)
    assert row(wizard, "iscsi.chap_user").rule_label.text() == "Must not be the CHAP secret"
    retype(qtbot, wizard, "iscsi.chap_user", "quantix")
    retype(qtbot, wizard, "iscsi.chap_secret", "short")
    assert (
        row(wizard, "iscsi.chap_secret").rule_label.text().startswith("Must be 12-255 characters")
    )
    retype(qtbot, wizard, "description", CHAP_SECRET)
    retype(qtbot, wizard, "iscsi.chap_secret", CHAP_SECRET)
    assert row(wizard, "description").rule_label.text() == (
        "Must not contain a secret (the key or CHAP secret)"
    )
    assert not next_enabled(wizard)


def test_user_space_initiator_needs_an_initiator_iqn(wizard, qtbot):
    fill_valid(qtbot, wizard, Backend.ISCSI)
    combo = row(wizard, "iscsi.initiator").editor
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Down)  # keyboard: the second kind, user space
    assert combo.currentData() == IscsiInitiator.USERSPACE.value
    assert not next_enabled(wizard)
    assert row(wizard, "iscsi.initiator_iqn").rule_label.text() == (
        "Is required with the user-space initiator"
    )
    retype(qtbot, wizard, "iscsi.initiator_iqn", "iqn.2024-01.com.example:host-a")
    assert next_enabled(wizard)


def test_untouched_fields_show_their_rule_not_an_error(wizard):
    to_settings(wizard, Backend.NFS)
    server = row(wizard, "nfs.server")
    assert not next_enabled(wizard)
    assert server.rule_label.text() == "Host name, IPv4 or IPv6 address of the NFS server."
    assert server.rule_label.property("state") == "hint"


def test_normalized_values_are_shown_before_committing(wizard, qtbot):
    fill_valid(qtbot, wizard, Backend.NFS)
    retype(qtbot, wizard, "nfs.export_path", "/export//vms/")
    label = row(wizard, "nfs.export_path").rule_label
    assert label.text() == "Used as /export/vms"
    assert label.property("state") == "ok"
    assert next_enabled(wizard)


def test_secrets_are_password_fields_and_the_review_masks_them(wizard, qtbot):
    fill_valid(qtbot, wizard, Backend.CEPH_RBD)
    key = row(wizard, "ceph.key").editor
    assert isinstance(key, QLineEdit) and key.echoMode() == QLineEdit.EchoMode.Password
    iscsi_secret = wizard.settings_page.forms[Backend.ISCSI].chap_secret.editor
    assert iscsi_secret.echoMode() == QLineEdit.EchoMode.Password
    wizard.next()
    wizard.next()
    assert wizard.currentId() == REVIEW_ID
    values = {label: value.text() for label, value in wizard.review_page.values.items()}
    assert values["Key"] == "••• stored"
    assert CEPH_KEY not in " ".join(values.values())
    assert values["User"] == "client.admin"


def test_suggested_name_avoids_taken_names_and_follows_the_backend(wizard):
    to_settings(wizard, Backend.NFS)
    assert row(wizard, "name").text() == "nfs-2"  # nfs-1 exists
    wizard.back()
    to_settings(wizard, Backend.CEPH_RBD)
    assert row(wizard, "name").text() == "ceph-1"
    assert row(wizard, "ceph.user").text() == "admin"
    wizard.back()
    to_settings(wizard, Backend.LOCAL_DIR)
    assert row(wizard, "local.path").text() == "/var/lib/quantix/pools/local-1"
    retype_name = row(wizard, "name")
    retype_name.editor.setText("scratch")
    assert row(wizard, "local.path").text() == "/var/lib/quantix/pools/scratch"


def test_nfs_version_defaults_to_4_1(wizard):
    to_settings(wizard, Backend.NFS)
    combo = row(wizard, "nfs.version").editor
    assert combo.currentData() == "4.1"
    assert [combo.itemData(i) for i in range(combo.count())] == ["3", "4", "4.1", "4.2", "auto"]
    assert combo.itemText(4) == "Negotiated by each host (none set)"


# --- hosts -------------------------------------------------------------------------------


def test_local_needs_exactly_one_host(wizard, qtbot):
    fill_valid(qtbot, wizard, Backend.LOCAL_DIR)
    wizard.next()
    page = wizard.hosts_page
    assert wizard.currentId() == HOSTS_ID
    assert not page.every.isVisible()
    assert "exactly one host" in page.explanation.text()
    assert page.chosen_hosts() == ("host-a",)  # the first connected host, pre-ticked
    assert next_enabled(wizard)
    page.hosts.item(1).setCheckState(Qt.CheckState.Checked)
    assert not next_enabled(wizard)
    assert page.rule_label.text().startswith("A local directory exists on one host: choose exactly")
    page.hosts.item(0).setCheckState(Qt.CheckState.Unchecked)
    page.hosts.item(1).setCheckState(Qt.CheckState.Unchecked)
    assert not next_enabled(wizard)
    assert "(got 0)" in page.rule_label.text()


def test_shared_with_every_host_says_so(wizard, qtbot):
    fill_valid(qtbot, wizard, Backend.NFS)
    wizard.next()
    page = wizard.hosts_page
    assert page.every.isChecked() and next_enabled(wizard)
    assert "hosts that register later" in page.every_note.text()
    assert page.rule_label.text() == "All 3 known hosts, and later ones."
    assert not page.hosts.isEnabled()
    assert page.chosen_hosts() == ()
    page.only.setChecked(True)
    assert not next_enabled(wizard)
    assert page.rule_label.text() == "Tick at least one host, or choose every host above"
    page.hosts.item(2).setCheckState(Qt.CheckState.Checked)
    assert page.chosen_hosts() == ("host-c",)
    wizard.next()
    assert wizard.review_page.values["Hosts"].text() == "host-c"


# --- keyboard only -----------------------------------------------------------------------


def test_keyboard_only_nfs(wizard, qtbot):
    mnemonic(qtbot, Qt.Key.Key_S, lambda: wizard.backend() is Backend.NFS)  # NF&S share
    mnemonic(qtbot, Qt.Key.Key_N, lambda: wizard.currentId() == SETTINGS_ID)  # &Next
    assert focused() is row(wizard, "nfs.server").editor
    type_text(qtbot, "nas01.example.com")
    press(qtbot, Qt.Key.Key_Tab)
    type_text(qtbot, "/export/vms")
    press(qtbot, Qt.Key.Key_O, ALT)  # Mount &options
    type_text(qtbot, "soft,timeo=50")
    press(qtbot, Qt.Key.Key_Return)
    assert wizard.currentId() == HOSTS_ID
    press(qtbot, Qt.Key.Key_Return)
    assert wizard.currentId() == REVIEW_ID
    spec = wizard.spec()
    assert spec.name == "nfs-2"
    assert spec.source == NfsSource("nas01.example.com", "/export/vms", "4.1", ("soft", "timeo=50"))
    assert spec.hosts == ()


def test_keyboard_only_ceph(wizard, qtbot):
    mnemonic(qtbot, Qt.Key.Key_C, lambda: wizard.backend() is Backend.CEPH_RBD)
    press(qtbot, Qt.Key.Key_Return)
    assert focused() is row(wizard, "ceph.monitors").editor
    type_text(qtbot, "mon1.example.com, mon2.example.com:6790")
    press(qtbot, Qt.Key.Key_Tab)
    type_text(qtbot, "rbd")
    press(qtbot, Qt.Key.Key_K, ALT)  # &Key
    type_text(qtbot, CEPH_KEY)
    press(qtbot, Qt.Key.Key_Return)
    assert wizard.currentId() == HOSTS_ID
    mnemonic(qtbot, Qt.Key.Key_O, wizard.hosts_page.only.isChecked)  # &Only the hosts ticked
    press(qtbot, Qt.Key.Key_H, ALT)  # &Hosts list
    assert focused() is wizard.hosts_page.hosts
    press(qtbot, Qt.Key.Key_Space)  # tick host-a
    press(qtbot, Qt.Key.Key_Down)
    press(qtbot, Qt.Key.Key_Space)  # tick host-b
    mnemonic(qtbot, Qt.Key.Key_N, lambda: wizard.currentId() == REVIEW_ID)
    spec = wizard.spec()
    assert spec.source == CephSource(
        (HostPort("mon1.example.com", 6789), HostPort("mon2.example.com", 6790)),
        "rbd",
        "admin",
        CEPH_KEY,
        "",
    )
    assert spec.hosts == ("host-a", "host-b")


def test_keyboard_only_iscsi_with_chap(wizard, qtbot):
    mnemonic(qtbot, Qt.Key.Key_I, lambda: wizard.backend() is Backend.ISCSI)
    press(qtbot, Qt.Key.Key_Return)
    assert focused() is row(wizard, "iscsi.portal").editor
    type_text(qtbot, "san01.example.com")
    press(qtbot, Qt.Key.Key_Tab)
    type_text(qtbot, "iqn.2024-01.com.example:storage")
    press(qtbot, Qt.Key.Key_Tab)
    type_text(qtbot, "1")
    press(qtbot, Qt.Key.Key_U, ALT)  # CHAP &user
    type_text(qtbot, "quantix")
    press(qtbot, Qt.Key.Key_Tab)
    type_text(qtbot, CHAP_SECRET)
    press(qtbot, Qt.Key.Key_Return)
    press(qtbot, Qt.Key.Key_Return)
    assert wizard.currentId() == REVIEW_ID
    assert wizard.review_page.values["CHAP secret"].text() == "••• stored"
    source = wizard.spec().source
    assert source == IscsiSource(
        HostPort("san01.example.com", 3260),
        "iqn.2024-01.com.example:storage",
        1,
        "",
        "quantix",
        CHAP_SECRET,
        IscsiInitiator.KERNEL,
    )


def test_keyboard_only_local(wizard, qtbot):
    assert wizard.currentId() == BACKEND_ID
    mnemonic(qtbot, Qt.Key.Key_L, lambda: wizard.backend() is Backend.LOCAL_DIR)
    press(qtbot, Qt.Key.Key_Return)
    assert wizard.currentId() == SETTINGS_ID
    press(qtbot, Qt.Key.Key_A, ALT)  # Pool n&ame
    type_text(qtbot, "scratch")  # focus in a line edit selects all: typing replaces
    press(qtbot, Qt.Key.Key_Return)
    assert wizard.currentId() == HOSTS_ID
    press(qtbot, Qt.Key.Key_Return)
    spec = wizard.spec()
    assert (spec.name, spec.source, spec.hosts) == (
        "scratch",
        LocalDirSource("/var/lib/quantix/pools/scratch"),
        ("host-a",),
    )
    monitors = wizard.settings_page.forms[Backend.CEPH_RBD].monitors.editor
    assert isinstance(monitors, QPlainTextEdit) and monitors.tabChangesFocus()


# --- the coordinator's answer -------------------------------------------------------------


def test_finish_without_a_coordinator_keeps_the_wizard_open_with_the_error(wizard, qtbot):
    fill_valid(qtbot, wizard, Backend.NFS)
    wizard.next()
    wizard.next()
    press(qtbot, Qt.Key.Key_Return)  # Create
    view = wizard.review_page.error_view
    qtbot.waitUntil(view.isVisible)
    assert view.title_label.text() == "The coordinator did not create nfs-2"
    assert view.text_label.text() == "Not connected to a coordinator (File › Connect…)"
    assert wizard.isVisible() and wizard.currentId() == REVIEW_ID
    assert wizard.button(QWizard.WizardButton.FinishButton).isEnabled()


def test_a_refusal_naming_a_field_goes_back_to_it(wizard, qtbot):
    fill_valid(qtbot, wizard, Backend.NFS)
    wizard.next()
    wizard.next()
    spec = wizard.spec()
    text = "nfs.export_path: is not exported by nas01.example.com"
    wizard.show_failure(
        spec,
        Failure(
            f"coordinator 127.0.0.1:7443 rejected the request: {text}",
            grpc.StatusCode.INVALID_ARGUMENT,
            text,
            "nfs.export_path",
        ),
    )
    assert wizard.currentId() == SETTINGS_ID
    export = row(wizard, "nfs.export_path")
    assert export.rule_label.text() == text
    assert export.rule_label.property("state") == "error"
    assert focused() is export.editor
    assert not next_enabled(wizard)
    qtbot.keyClicks(export.editor, "2")  # editing clears the coordinator's complaint
    assert next_enabled(wizard)


def test_already_exists_goes_back_to_the_name(wizard, qtbot):
    fill_valid(qtbot, wizard, Backend.LOCAL_DIR)
    wizard.next()
    wizard.next()
    details = "a pool named 'local-1' already exists: choose another name"
    wizard.show_failure(
        wizard.spec(),
        Failure(
            f"coordinator x already exists: {details}", grpc.StatusCode.ALREADY_EXISTS, details
        ),
    )
    assert wizard.currentId() == SETTINGS_ID
    assert row(wizard, "name").rule_label.text() == details
    assert focused() is row(wizard, "name").editor

"""The image dialogs on real widgets, driven by keyboard: each field checked as typed with
domain.images' rules, OK disabled with the reason shown next to it, names and kinds pre-filled
from the file or URL, only pools that can take the image offered (the others listed with the
reason), what each submits, and a refusal kept open with the coordinator's words."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from console.images.dialog_parts import ImageDialog
from console.images.download_dialog import DownloadDialog
from console.images.import_ova_dialog import ImportOvaDialog
from console.images.pool_targets import targets
from console.images.transfers import Refused, UploadRequest
from console.images.upload_dialog import UploadDialog
from console.pool_ops import Failure
from proto.quantix.v1 import common_pb2 as cpb
from proto.quantix.v1 import coordinator_pb2 as pb
from tests.console.conftest import activate
from tests.console.storage_messages import (
    ceph_spec,
    host_status,
    iscsi_spec,
    local_spec,
    make_pool,
    nfs_spec,
)
from tests.console.test_create_network_wizard import focused, press, type_text

ALT = Qt.KeyboardModifier.AltModifier
GiB = 1024**3
POOLS = [
    make_pool(
        local_spec("images"), hosts=[host_status("host-a", capacity=500 * GiB, allocation=GiB)]
    ),
    make_pool(
        nfs_spec("nfs-media", ("host-a", "host-b")),
        hosts=[host_status("host-a"), host_status("host-b")],
    ),
    make_pool(iscsi_spec("luns"), hosts=[host_status("host-a")]),
    make_pool(ceph_spec("ceph-vms"), hosts=[host_status("host-a")]),
    make_pool(
        local_spec("cold", "host-c"), cpb.PHASE_ERROR, [host_status("host-c", cpb.PHASE_ERROR)]
    ),
]
TAKEN = {("images", "ubuntu-24.04.iso"), ("images", "web")}


def taken(pool: str, name: str) -> bool:
    return (pool, name) in TAKEN


class Recorder:
    """The submit callback: records each request; raises ``error`` when set."""

    def __init__(self) -> None:
        self.requests: list[object] = []
        self.error: Exception | None = None

    async def __call__(self, request: object) -> str:
        self.requests.append(request)
        if self.error is not None:
            raise self.error
        return "00000000000000aa"


@dataclass(frozen=True)
class Entry:
    """An entry of domain.image_catalog's shape: id, label, os, url, checksum_url, format."""

    id: str
    label: str
    os: str
    url: str
    checksum_url: str
    format: str


NOBLE = Entry(
    "ubuntu-24.04",
    "Ubuntu 24.04 LTS",
    "ubuntu",
    "https://cloud-images.ubuntu.com/noble/current/noble-server-cloudimg-amd64.img",
    "https://cloud-images.ubuntu.com/noble/current/SHA256SUMS",
    "qcow2",
)


@pytest.fixture
def submit() -> Recorder:
    return Recorder()


def shown(qtbot, dialog: ImageDialog) -> ImageDialog:
    qtbot.addWidget(dialog)
    dialog.open()
    qtbot.waitExposed(dialog)
    activate(qtbot, dialog)
    return dialog


def offered(dialog: ImageDialog) -> list[str]:
    return [dialog.target_combo.itemText(i) for i in range(dialog.target_combo.count())]


def a_file(tmp_path: Path, name: str, size: int = 4096) -> Path:
    path = tmp_path / name
    path.write_bytes(b"\x01" * size)
    return path


def choose_file(qtbot, dialog: ImageDialog, path: Path) -> None:
    """Type the path into the file field (what Browse… fills in), then wait for its check."""
    press(qtbot, Qt.Key.Key_F, ALT)
    assert focused() is dialog.file_row.editor
    type_text(qtbot, str(path))
    qtbot.waitUntil(lambda: dialog.file_facts is not None and dialog.file_facts.path == path)


def pick_pool(qtbot, dialog: ImageDialog, label: str) -> None:
    """Alt+P, then arrow keys to the pool whose label starts with ``label``."""
    press(qtbot, Qt.Key.Key_P, ALT)
    press(qtbot, Qt.Key.Key_Home)
    while not dialog.target_combo.currentText().startswith(label):
        index = dialog.target_combo.currentIndex()
        press(qtbot, Qt.Key.Key_Down)
        assert dialog.target_combo.currentIndex() == index + 1, f"no pool {label}"


def retype(qtbot, mnemonic: Qt.Key, text: str) -> None:
    press(qtbot, mnemonic, ALT)
    press(qtbot, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    if text:
        type_text(qtbot, text)
    else:
        press(qtbot, Qt.Key.Key_Delete)


def test_upload_offers_only_pools_that_take_uploads_and_says_why_not(qtbot, submit):
    dialog = shown(qtbot, UploadDialog(targets(POOLS), submit, taken))
    assert offered(dialog) == [
        "ceph-vms on host-a — Ceph RBD",
        "images on host-a — Local directory, 499.0 GiB free",
        "nfs-media on host-a — Network file system (NFS)",
        "nfs-media on host-b — Network file system (NFS)",
    ]
    text = dialog.left_out.text()
    assert "luns: an iSCSI pool's volumes are the target's LUNs" in text
    assert "cold: not ready on any host" in text


def test_upload_prefills_from_the_file_and_submits_what_was_checked(qtbot, submit, tmp_path):
    dialog = shown(qtbot, UploadDialog(targets(POOLS), submit, taken))
    assert not dialog.ok_button.isEnabled()
    assert "File: Is required" in dialog.reason.text()
    path = a_file(tmp_path, "My Disk (1).qcow2", 8192)
    choose_file(qtbot, dialog, path)
    assert dialog.name.text() == "My-Disk-1-.qcow2"
    assert dialog.kind_combo.currentText() == "Disk image"
    assert dialog.ok_button.isEnabled(), dialog.reason.text()
    assert dialog.reason.text() == "Ready: Upload sends this (8.0 KiB) to the coordinator."
    press(qtbot, Qt.Key.Key_K, ALT)
    press(qtbot, Qt.Key.Key_Up)  # the user's choice wins over the guess
    pick_pool(qtbot, dialog, "nfs-media on host-a")
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert submit.requests == [
        UploadRequest(
            path=path,
            pool="nfs-media",
            host="host-a",
            name="My-Disk-1-.qcow2",
            kind=cpb.IMAGE_KIND_ISO,
            size_bytes=8192,
        )
    ]


def test_upload_refuses_bad_names_checksums_and_files_inline(qtbot, submit, tmp_path):
    dialog = shown(qtbot, UploadDialog(targets(POOLS), submit, taken))
    pick_pool(qtbot, dialog, "images on host-a")
    choose_file(qtbot, dialog, a_file(tmp_path, "ubuntu-24.04.iso"))
    # The pre-filled name is taken in the first pool.
    assert not dialog.ok_button.isEnabled()
    assert dialog.name.rule_label.text() == "Is already used in pool images: choose another name"
    assert "Name: Is already used in pool images" in dialog.reason.text()
    retype(qtbot, Qt.Key.Key_N, "a..b.iso")
    assert not dialog.ok_button.isEnabled()
    assert "Upload is disabled — Name: Must not contain '..'" in dialog.reason.text()
    assert dialog.name.rule_label.text().startswith("Must not contain '..'")
    retype(qtbot, Qt.Key.Key_N, "ubuntu/x.iso")
    assert "Must not contain a path separator" in dialog.reason.text()
    retype(qtbot, Qt.Key.Key_N, "ubuntu.iso")
    assert dialog.ok_button.isEnabled()
    retype(qtbot, Qt.Key.Key_S, "abc123")
    assert not dialog.ok_button.isEnabled()
    assert "SHA-256: Must be 64 hex digits (got 6 characters)" in dialog.reason.text()
    retype(qtbot, Qt.Key.Key_S, "AB" * 32)
    assert dialog.ok_button.isEnabled()
    # An empty file and a missing one are refused by the file check, off the GUI thread.
    empty = tmp_path / "empty.iso"
    empty.write_bytes(b"")
    retype(qtbot, Qt.Key.Key_F, str(empty))
    qtbot.waitUntil(lambda: dialog.file_facts is not None and dialog.file_facts.path == empty)
    assert not dialog.ok_button.isEnabled()
    assert "File: Must be more than 0 bytes (the file is empty)" in dialog.reason.text()
    retype(qtbot, Qt.Key.Key_F, str(tmp_path / "missing.iso"))
    qtbot.waitUntil(lambda: "File: Does not exist" in dialog.reason.text())
    retype(qtbot, Qt.Key.Key_F, "relative/disk.iso")
    assert "File: Must be a full path" in dialog.reason.text()
    ova = a_file(tmp_path, "appliance.ova")
    retype(qtbot, Qt.Key.Key_F, str(ova))
    qtbot.waitUntil(lambda: "Import OVA" in dialog.reason.text())
    assert submit.requests == []


def test_a_refusal_stays_in_the_dialog_pinned_on_its_field(qtbot, submit, tmp_path):
    dialog = shown(qtbot, UploadDialog(targets(POOLS), submit, taken))
    choose_file(qtbot, dialog, a_file(tmp_path, "debian.iso"))
    details = "an image named debian.iso is being uploaded to images already"
    submit.error = Refused(
        Failure(
            f"starting the upload: coordinator 127.0.0.1:7443 refused: {details}",
            details=details,
            field="name",
        )
    )
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(dialog.server_error.isVisible)
    assert dialog.isVisible()
    assert dialog.server_error.text().endswith(details)
    assert (
        dialog.name.rule_label.text()
        == "An image named debian.iso is being uploaded to images already"
    )
    assert not dialog.ok_button.isEnabled()  # until the name is edited
    submit.error = None
    retype(qtbot, Qt.Key.Key_N, "debian-2.iso")
    assert dialog.ok_button.isEnabled()


def test_no_pool_that_takes_uploads_disables_upload_with_the_reasons(qtbot, submit):
    dialog = shown(qtbot, UploadDialog(targets([POOLS[2], POOLS[4]]), submit, taken))
    assert offered(dialog) == []
    assert (
        "Pool: No pool can take an upload: cold: not ready on any host; luns: an iSCSI pool"
        in dialog.reason.text()
    )


def test_download_checks_urls_and_prefills_from_the_last_segment(qtbot, submit):
    dialog = shown(qtbot, DownloadDialog(targets(POOLS), submit, taken))
    press(qtbot, Qt.Key.Key_U, ALT)
    type_text(qtbot, "ftp://mirror.example.com/noble.img")
    assert not dialog.ok_button.isEnabled()
    assert "Download is disabled — URL: Must start with http:// or https://" in dialog.reason.text()
    retype(qtbot, Qt.Key.Key_U, "https://mirror.example.com/isos/debian-12.7-netinst.iso?x=1")
    assert dialog.name.text() == "debian-12.7-netinst.iso"
    assert dialog.kind_combo.currentText() == "ISO"
    assert dialog.ok_button.isEnabled(), dialog.reason.text()
    retype(qtbot, Qt.Key.Key_F, "file:///etc/SHA256SUMS")
    assert "Checksum file: Must start with http:// or https://" in dialog.reason.text()
    retype(qtbot, Qt.Key.Key_F, "https://mirror.example.com/isos/SHA256SUMS")
    pick_pool(qtbot, dialog, "images on host-a")
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert submit.requests == [
        pb.CreateDownloadRequest(
            pool="images",
            host="host-a",
            name="debian-12.7-netinst.iso",
            kind=cpb.IMAGE_KIND_ISO,
            url="https://mirror.example.com/isos/debian-12.7-netinst.iso?x=1",
            checksum_url="https://mirror.example.com/isos/SHA256SUMS",
        )
    ]


def test_download_of_a_catalog_entry_sends_its_id(qtbot, submit):
    dialog = shown(qtbot, DownloadDialog(targets(POOLS), submit, taken, (NOBLE,)))
    press(qtbot, Qt.Key.Key_I, ALT)
    press(qtbot, Qt.Key.Key_Down)
    assert dialog.source_combo.currentText() == "Ubuntu 24.04 LTS — ubuntu"
    assert dialog.url.text() == NOBLE.url
    assert dialog.url.editor.isReadOnly()
    assert dialog.checksum_url.text() == NOBLE.checksum_url
    assert dialog.name.text() == "noble-server-cloudimg-amd64.img"
    assert dialog.kind_combo.currentText() == "Disk image"
    pick_pool(qtbot, dialog, "images on host-a")
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert submit.requests == [
        pb.CreateDownloadRequest(
            pool="images",
            host="host-a",
            name="noble-server-cloudimg-amd64.img",
            kind=cpb.IMAGE_KIND_DISK,
            catalog_id="ubuntu-24.04",
        )
    ]


def test_import_ova_offers_only_file_pools_and_names_the_template(qtbot, submit, tmp_path):
    dialog = shown(qtbot, ImportOvaDialog(targets(POOLS, templates=True), submit, taken))
    assert [label.split(" — ")[0] for label in offered(dialog)] == [
        "images on host-a",
        "nfs-media on host-a",
        "nfs-media on host-b",
    ]
    assert "ceph-vms: an OVA's disks become qcow2 files" in dialog.left_out.text()
    choose_file(qtbot, dialog, a_file(tmp_path, "web.ova"))
    # "web" is taken in the first pool: the template needs its own name there.
    assert "Template: Is already used in pool images (it holds web)" in dialog.reason.text()
    retype(qtbot, Qt.Key.Key_T, "web-2")
    assert dialog.ok_button.isEnabled()
    retype(qtbot, Qt.Key.Key_F, str(a_file(tmp_path, "web.iso")))
    qtbot.waitUntil(lambda: "File: Must be an .ova archive" in dialog.reason.text())
    retype(qtbot, Qt.Key.Key_F, str(tmp_path / "web.ova"))
    qtbot.waitUntil(dialog.ok_button.isEnabled)
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    (request,) = submit.requests
    assert isinstance(request, UploadRequest)
    assert (request.name, request.kind, request.pool) == (
        "web-2",
        cpb.IMAGE_KIND_OVA_TEMPLATE,
        "images",
    )

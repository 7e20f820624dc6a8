"""An upload the real coordinator refuses: the Upload dialog shows the coordinator's words,
naming it, stays open, and nothing is streamed. (Until CreateUpload is served — another branch
of issue 9 — the refusal is "not implemented"; after, a pool the coordinator does not have is
refused by name. Either way it is the coordinator's answer, shown as it came.)"""

from __future__ import annotations

from PySide6.QtCore import Qt

from console.images.pool_targets import targets
from console.images.tasks_model import TasksModel
from console.images.transfers import TransferManager
from console.images.upload_dialog import UploadDialog
from tests.console.conftest import activate
from tests.console.storage_messages import host_status, local_spec, make_pool
from tests.console.test_create_network_wizard import focused, press, type_text


def test_a_refused_upload_is_shown_in_the_dialog_and_starts_nothing(
    qtbot, one_host_fleet, tmp_path
):
    endpoint = one_host_fleet.coordinator_endpoint()
    tasks = TasksModel()
    transfers = TransferManager(lambda: endpoint, tasks)
    started: list[str] = []
    transfers.started.connect(started.append)
    # A pool the console believes in, which the coordinator has never heard of.
    pools = [make_pool(local_spec("qt-nowhere"), hosts=[host_status("host-a")])]
    dialog = UploadDialog(targets(pools), transfers.begin_upload, lambda _p, _n: False)
    qtbot.addWidget(dialog)
    dialog.open()
    qtbot.waitExposed(dialog)
    activate(qtbot, dialog)
    path = tmp_path / "tiny.iso"
    path.write_bytes(b"\x00" * 65536)
    assert focused() is dialog.file_row.editor
    type_text(qtbot, str(path))
    qtbot.waitUntil(dialog.ok_button.isEnabled)
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(dialog.server_error.isVisible, timeout=20_000)
    text = dialog.server_error.text()
    assert text.startswith(f"starting the upload: coordinator {endpoint.address}")
    assert dialog.isVisible()
    assert started == [] and transfers.running_uploads() == []
    tasks.setParent(dialog)
    transfers.setParent(dialog)

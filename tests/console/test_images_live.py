"""A real upload from the console, end to end, on the REAL libvirtd (qemu:///system): a real
coordinator, a node daemon "real-host" on it, a dir pool in a directory of the test's own, the
real main window on the qasync loop, driven by keyboard.

- Ctrl+4, Ctrl+U, a file of 1 GiB: the transfers panel opens by itself, its bar moves and
  reaches 100 %, the image lands READY with the file's SHA-256, in the pool on real-host.
- A 1 GiB upload cancelled from the panel (Delete): CancelTask on the coordinator, the task
  ends cancelled, and no volume of that name is left in the pool.
- Closing the window while an upload streams asks first; "Keep running" keeps the window.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import libvirt
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from clients.coordinator import CoordinatorClient
from console.identity_store import IdentityStore
from console.images.images_model import ImagesModel
from console.images.images_page import ImagesPage
from console.images.tasks_model import ROW_ROLE, TasksModel
from console.images.transfers_panel import TransfersDock
from console.main_window import MainWindow
from domain.backoff import Backoff
from domain.pools import Backend, LocalDirSource, PoolSpec
from proto.quantix.v1 import common_pb2 as cpb
from proto.quantix.v1 import coordinator_pb2 as pb
from tests.console.conftest import activate
from tests.console.test_create_network_wizard import focused, press, type_text
from tests.console.test_storage_libvirtd import HOST, host_status, pool_names, real_fleet
from tests.fleet_client import wait_registered
from wire.pool_codec import spec_to_pb

__all__ = ["pool_names", "real_fleet"]  # fixtures used by name

CTRL = Qt.KeyboardModifier.ControlModifier
MiB = 1024**2
# About what happens, not how fast: a real libvirtd pool start and a few MiB on local disk.
SETTLE_TIMEOUT_MS = 90_000


@pytest.fixture
def pool(tmp_path, run, real_fleet, pool_names) -> Iterator[str]:
    """A dir pool on real-host in a directory of this test's own, READY before the test; the
    directory (and the GiB images in it) removed after it."""
    name = pool_names("img")
    directory = Path("/var/tmp") / f"quantix-console-{uuid.uuid4().hex[:8]}"
    directory.mkdir()
    spec = PoolSpec(name, Backend.LOCAL_DIR, LocalDirSource(str(directory)), hosts=(HOST,))

    async def create() -> None:
        async with CoordinatorClient(real_fleet.coordinator_endpoint()) as client:
            await client.create_pool(spec_to_pb(spec, include_secrets=True))

    run(wait_registered(real_fleet.coordinator_endpoint(), (HOST,)), 90)
    try:
        run(create())
        yield name
    finally:
        shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture
def window(qtbot, settings, run, real_fleet, pool) -> Iterator[MainWindow]:
    main = MainWindow(settings, IdentityStore())
    main.watch._backoff = Backoff(initial=0.1, maximum=0.5)
    main.resize(1280, 800)
    main.show()
    qtbot.waitExposed(main)
    main.connect_to(real_fleet.coordinator_endpoint())
    qtbot.waitUntil(lambda: host_status(main) == "Connected", timeout=SETTLE_TIMEOUT_MS)
    qtbot.waitUntil(
        lambda: (
            (p := main.pools_model.pool(pool)) is not None
            and p.realization.phase == cpb.PHASE_READY
        ),
        timeout=SETTLE_TIMEOUT_MS,
    )
    yield main
    if not main.closed.done():
        main._close_confirmed = True
        main.close()
        run(main.wait_closed(), 60)
    main.deleteLater()


@pytest.fixture
def sources(tmp_path: Path) -> Iterator[Path]:
    """Where a test's source files go, removed after it: a GiB each, too much to leave to
    pytest's keeping of the last runs' temporary directories."""
    directory = tmp_path / "sources"
    directory.mkdir()
    try:
        yield directory
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def a_long_file(tmp_path: Path, name: str) -> tuple[Path, str]:
    """1 GiB of data (a random MiB over and over: no zero runs, which would go as holes): a
    few seconds of upload here, so a cancel or a close asked at its first progress always
    comes while it runs (a cancel reaches the node in milliseconds)."""
    path = tmp_path / name
    block = os.urandom(MiB)
    digest = hashlib.sha256()
    with path.open("wb") as out:
        for _ in range(1024):
            out.write(block)
            digest.update(block)
    return path, digest.hexdigest()


def upload(qtbot, window: MainWindow, path: Path, pool: str) -> ImagesPage:
    activate(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_4, CTRL)
    page = window.page("images")
    assert isinstance(page, ImagesPage)
    qtbot.waitUntil(page.upload_action.isEnabled, timeout=SETTLE_TIMEOUT_MS)
    qtbot.keyClick(focused(), Qt.Key.Key_U, CTRL)
    qtbot.waitUntil(lambda: page.dialog is not None and page.dialog.isVisible())
    dialog = page.dialog
    assert dialog is not None and dialog.target_combo.currentText().startswith(pool)
    activate(qtbot, dialog)
    assert focused() is dialog.file_row.editor
    type_text(qtbot, str(path))
    try:
        qtbot.waitUntil(dialog.ok_button.isEnabled)
    except AssertionError:
        raise AssertionError(dialog.reason.text()) from None
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.dialog is None or dialog.server_error.isVisible(), timeout=20_000)
    assert page.dialog is None, f"the coordinator refused: {dialog.server_error.text()}"
    return page


def volumes(uri: str, pool: str) -> list[str]:
    conn = libvirt.open(uri)
    try:
        found = conn.storagePoolLookupByName(pool)
        found.refresh()
        return list(found.listVolumes())
    finally:
        conn.close()


def test_an_upload_lands_ready_with_a_moving_bar(qtbot, window, pool, sources):
    path, sha = a_long_file(sources, "media.iso")
    tasks = window.context.model("tasks", TasksModel)
    images = window.context.model("images", ImagesModel)
    page = upload(qtbot, window, path, pool)
    dock = window.findChild(TransfersDock)  # made with the Images page, on its first visit
    assert dock is not None
    qtbot.waitUntil(dock.isVisible)
    panel = dock.panel
    seen: list[float] = []

    def finished() -> bool:
        task = panel.selected_task()
        if task is None:
            return False
        row = panel.view.currentIndex().data(ROW_ROLE)
        if row.fraction is not None:
            seen.append(row.fraction)
        return task.phase == pb.TASK_PHASE_SUCCEEDED

    qtbot.waitUntil(finished, timeout=SETTLE_TIMEOUT_MS)
    assert seen[-1] == 1.0
    # The bar moved: it showed parts of the way, never going back.
    assert any(0.0 < fraction < 1.0 for fraction in seen), seen
    assert seen == sorted(seen)
    image = images.image(f"{pool}/media.iso")
    qtbot.waitUntil(
        lambda: (
            (i := images.image(f"{pool}/media.iso")) is not None
            and i.phase == cpb.IMAGE_PHASE_READY
        ),
        timeout=SETTLE_TIMEOUT_MS,
    )
    image = images.image(f"{pool}/media.iso")
    assert image is not None and image.facts.sha256 == sha and image.host == HOST
    assert tasks.running_count() == 0
    assert page.select_image(pool, "media.iso")
    assert page.detail.facts["SHA-256"].text() == sha


def test_cancel_from_the_panel_leaves_no_volume(qtbot, window, pool, sources, system_libvirt_uri):
    path, _sha = a_long_file(sources, "big.iso")
    upload(qtbot, window, path, pool)
    dock = window.findChild(TransfersDock)
    assert dock is not None
    panel = dock.panel
    qtbot.waitUntil(lambda: panel.selected_task() is not None, timeout=20_000)
    # Delete on the transfer's row: the panel's keyboard way to cancel it.
    activate(qtbot, window)
    panel.view.setFocus()
    qtbot.waitUntil(panel.view.hasFocus)
    press(qtbot, Qt.Key.Key_Delete)
    qtbot.waitUntil(
        lambda: (
            (t := panel.selected_task()) is not None
            and t.phase in (pb.TASK_PHASE_CANCELLED, pb.TASK_PHASE_SUCCEEDED)
        ),
        timeout=SETTLE_TIMEOUT_MS,
    )
    task = panel.selected_task()
    assert task is not None and task.phase == pb.TASK_PHASE_CANCELLED
    assert "big.iso" not in volumes(system_libvirt_uri, pool)


def test_closing_with_an_upload_running_asks_first(qtbot, window, pool, sources):
    path, _sha = a_long_file(sources, "slow.iso")
    page = upload(qtbot, window, path, pool)
    qtbot.waitUntil(lambda: page.transfers.running_uploads() != [], timeout=20_000)
    window.close()
    qtbot.waitUntil(lambda: page.close_box is not None and page.close_box.isVisible())
    box = page.close_box
    assert box is not None and "1 upload is still streaming" in box.text()
    box.button(QMessageBox.StandardButton.Cancel).click()  # Keep running
    qtbot.waitUntil(lambda: not box.isVisible())
    assert window.isVisible() and not window.closed.done()

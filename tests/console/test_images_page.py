"""The Images page on real widgets, fed with scripted Watch events: the table, tabs with live
counts, kind filter and search by keyboard, the selected image's detail (an OVA template's OVF
facts), actions disabled with the reason as their tooltip, and the page inside the window."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from console.images.images_model import Column, ImagesModel
from console.images.images_page import NOT_CONNECTED_TIP, ImagesPage
from console.images.tasks_model import TasksModel
from console.images.transfers import TransferManager
from console.images.upload_dialog import UploadDialog
from console.models.pools_model import PoolsModel
from tests.console.conftest import activate
from tests.console.storage_messages import (
    ADDED,
    host_status,
    iscsi_spec,
    local_spec,
    make_pool,
    pool_snapshot,
)
from tests.console.test_create_network_wizard import focused, press, type_text
from tests.console.test_images_model import (
    IMAGES,
    UPLOAD_TASK,
    image_event,
    snapshot,
    task_event,
)

CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier


@pytest.fixture
def page(qtbot, unreachable):
    """The page with every image, one local pool and one iSCSI pool; connected to an address
    nothing listens on (actions are enabled; calls would fail for real)."""
    pools = PoolsModel()
    pools.apply_events(
        pool_snapshot(
            [
                make_pool(local_spec("images"), hosts=[host_status("host-a")]),
                make_pool(iscsi_spec("luns"), hosts=[host_status("host-a")]),
            ]
        )
    )
    tasks = TasksModel()
    tasks.apply_events(snapshot([task_event(ADDED, UPLOAD_TASK)]))
    images = ImagesModel()
    images.apply_events(snapshot(image_event(ADDED, image) for image in IMAGES))
    transfers = TransferManager(lambda: unreachable, tasks)
    page = ImagesPage(images, tasks, pools, lambda: unreachable, transfers, catalog=())
    for model in (pools, tasks, images, transfers):
        model.setParent(page)
    qtbot.addWidget(page)
    page.resize(1100, 700)
    page.show()
    qtbot.waitExposed(page)
    activate(qtbot, page)
    return page


def rows(page: ImagesPage) -> list[str]:
    return [page.proxy.index(r, Column.NAME).data() for r in range(page.proxy.rowCount())]


def select(qtbot, page: ImagesPage, name: str) -> None:
    """Ctrl+F, type the name, Tab to the table, Down to its row."""
    page.search_edit.setFocus()
    press(qtbot, Qt.Key.Key_A, CTRL)
    type_text(qtbot, name)
    page.table.setFocus()
    press(qtbot, Qt.Key.Key_Home)
    assert page.selected_image() is not None and page.selected_image().name == name


def test_table_tabs_and_summary(page, qtbot):
    assert page.table_stack.showing_table
    assert len(rows(page)) == 6
    assert page.summary_label.text() == "6 images · 1 in progress · 1 in error · 1 found in pools"
    assert [page.tab_bar.tabText(i) for i in range(page.tab_bar.count())] == [
        "A&ll (6)",
        "Read&y (3)",
        "In pro&gress (1)",
        "&Error (1)",
        "Fo&und in pools (1)",
    ]
    page.tab_bar.setFocus()
    press(qtbot, Qt.Key.Key_Right)
    press(qtbot, Qt.Key.Key_Right)
    assert rows(page) == ["debian-12.iso"]
    index = page.proxy.index(0, Column.PROGRESS)
    assert index.data() == "50 %"
    press(qtbot, Qt.Key.Key_Left)
    press(qtbot, Qt.Key.Key_Left)
    assert len(rows(page)) == 6
    press(qtbot, Qt.Key.Key_K, ALT)
    assert focused() is page.kind_combo
    press(qtbot, Qt.Key.Key_End)  # OVA templates
    assert rows(page) == ["web"]
    press(qtbot, Qt.Key.Key_Home)
    page.search_edit.setFocus()
    type_text(qtbot, "nothing-like-this")
    assert not page.table_stack.showing_table
    assert page.empty_label.text() == "No image matches the tab, kind and search above."


def test_an_ova_templates_detail_shows_its_ovf_facts(page, qtbot):
    select(qtbot, page, "web")
    detail = page.detail
    assert detail.title.text() == "web"
    assert detail.badge.text() == "Ready"
    assert detail.subtitle.text() == "OVA template · 1.0 GiB · images on host-a"
    assert detail.ovf_box.isVisible()
    ovf = {label: value.text() for label, value in detail.ovf.items()}
    assert ovf == {
        "Machine": "web-01",
        "OS": "Ubuntu Linux (64-bit)",
        "CPUs": "2",
        "Memory": "4.0 GiB",
        "Disk": "web-01-disk1.vmdk → web-disk1.qcow2, 20.0 GiB",
        "NIC": "Ethernet 1 on VM Network (E1000)",
        "Exported by": "VMware",
    }
    facts = {label: value.text() for label, value in detail.facts.items()}
    assert facts["Format"] == "qcow2"
    assert facts["SHA-256"] == "9e" * 32
    assert facts["Volumes"] == "web-disk1.qcow2"
    assert facts["Source"] == "web-01.ova"
    assert facts["Path"] == "/var/lib/quantix/pools/images/web"
    # An ISO has no OVF machine.
    select(qtbot, page, "ubuntu-24.04.iso")
    assert not detail.ovf_box.isVisible()


def test_actions_say_why_they_do_not_apply(page, qtbot):
    select(qtbot, page, "old-vm.qcow2")
    assert page.detail.message.text().startswith("A volume found in the pool")
    assert not page.delete_action.isEnabled()
    assert page.delete_action.toolTip().startswith("A volume found in the pool")
    assert not page.retry_action.isEnabled()
    select(qtbot, page, "debian-12.iso")
    assert not page.delete_action.isEnabled()
    assert page.delete_action.toolTip() == "debian-12.iso is uploading: cancel its transfer first"
    assert page.detail.facts["Transfer"].text() == "Writing"
    select(qtbot, page, "noble.img")
    assert page.retry_action.isEnabled() and page.delete_action.isEnabled()
    assert page.detail.retry_button.isEnabled()
    select(qtbot, page, "ubuntu-24.04.iso")
    assert not page.retry_action.isEnabled()
    assert page.retry_action.toolTip() == "Only a failed download can be retried"
    # Delete on the table asks first; Escape keeps the image.
    press(qtbot, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: focused() is not None and focused().window() is not page)
    box = focused().window()
    assert "Delete ubuntu-24.04.iso from pool images on host-a?" in box.text()
    press(qtbot, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not box.isVisible())


def test_upload_download_and_import_follow_the_pools(page, qtbot):
    assert page.upload_action.isEnabled() and page.import_action.isEnabled()
    page.pools.apply_events(
        pool_snapshot([make_pool(iscsi_spec("luns"), hosts=[host_status("host-a")])])
    )
    qtbot.waitUntil(lambda: not page.upload_action.isEnabled())
    assert page.upload_action.toolTip().startswith(
        "No pool can take an upload: luns: an iSCSI pool's volumes are the target's LUNs"
    )
    assert page.upload_button.toolTip() == f"{page.upload_action.toolTip()} (Ctrl+U)"
    assert not page.import_action.isEnabled()


def test_ctrl_u_opens_the_upload_dialog(page, qtbot):
    page.table.setFocus()
    press(qtbot, Qt.Key.Key_U, CTRL)
    qtbot.waitUntil(lambda: page.dialog is not None and page.dialog.isVisible())
    dialog = page.dialog
    assert isinstance(dialog, UploadDialog)
    assert [dialog.target_combo.itemText(i) for i in range(dialog.target_combo.count())] == [
        "images on host-a — Local directory"
    ]
    dialog.reject()
    qtbot.waitUntil(lambda: page.dialog is None)


def test_not_connected_disables_every_action(qtbot):
    tasks = TasksModel()
    page = ImagesPage(
        ImagesModel(), tasks, PoolsModel(), lambda: None, TransferManager(lambda: None, tasks)
    )
    qtbot.addWidget(page)
    assert not page.upload_action.isEnabled()
    assert page.upload_action.toolTip() == NOT_CONNECTED_TIP
    assert page.empty_label.text().startswith("Connect to a coordinator to see its images")
    assert page.open_upload_dialog() is None


def test_the_window_shows_the_images_page_at_ctrl_4(window, qtbot):
    activate(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_4, CTRL)
    page = window.page("images")
    assert isinstance(page, ImagesPage)
    assert window.stack.currentWidget() is page
    qtbot.waitUntil(lambda: focused() is page.search_edit)
    images = window.context.model("images", ImagesModel)
    for event in snapshot(image_event(ADDED, image) for image in IMAGES):
        window._on_watch_event(event)
    qtbot.waitUntil(lambda: page.table_stack.showing_table)
    assert len(rows(page)) == 6 and images.rowCount() == 6

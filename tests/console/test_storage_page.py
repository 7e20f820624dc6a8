"""The Storage page on real widgets: tabs with live counts, search, keyboard, the detail panel
and the pool dialogs, fed with real quantix.v1 messages (the live tests use real servers)."""

from __future__ import annotations

import grpc
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from console.dialogs.delete_pool_dialog import DeletePoolDialog
from console.models.hosts_model import HostsModel
from console.models.pools_model import FilterTab, PoolsModel
from console.pages.storage_page import TEXT_NO_POOLS, TEXT_NOT_CONNECTED, StoragePage
from console.pool_ops import Failure, Result
from console.widgets.error_view import ErrorDialog
from console.widgets.pool_detail import TAB_SETTINGS, TAB_VOLUMES
from console.widgets.pool_host_reads import NO_READY_HOST
from console.widgets.tables import column_texts
from console.wizards.create_pool_wizard import CreatePoolWizard
from proto.quantix.v1 import common_pb2 as cpb
from proto.quantix.v1 import coordinator_pb2 as pb
from tests.console.conftest import activate
from tests.console.messages import event, make_node
from tests.console.storage_messages import (
    NFS_MOUNT_ERROR,
    UPDATED,
    ceph_spec,
    error_pool,
    host_status,
    local_spec,
    make_pool,
    nfs_spec,
    pool_event,
    pool_snapshot,
    ready_pool,
)

CTRL = Qt.KeyboardModifier.ControlModifier
# Nothing listens on port 1: actions are enabled (a coordinator is set) and fail for real.
UNREACHABLE = "127.0.0.1:1"
VOLUMES_HELD = (
    "pool nfs-backup still holds volumes: host-a has 3 volumes; delete them first, or force "
    "(the volumes are then left on the storage, not deleted)"
)


def degraded_pool(name: str) -> pb.Pool:
    return make_pool(
        nfs_spec(name),
        cpb.PHASE_DEGRADED,
        [
            host_status("host-a"),
            host_status("host-b", cpb.PHASE_ERROR, NFS_MOUNT_ERROR, notes=["mounted at x"]),
        ],
        message=f"Ready on 1 of 2 hosts; not on host-b: host-b: {NFS_MOUNT_ERROR}",
    )


POOLS = [
    ready_pool("nfs-images"),
    error_pool("nfs-backup"),
    degraded_pool("nfs-media"),
    make_pool(local_spec("local-1"), cpb.PHASE_READY, [host_status("host-a")]),
    make_pool(ceph_spec("ceph-vms"), cpb.PHASE_PENDING, [host_status("host-a", 1)]),
]


@pytest.fixture
def models(qapp):
    hosts = HostsModel()
    hosts.apply_events(
        [event(pb.WatchEvent.TYPE_RESET)]
        + [
            event(pb.WatchEvent.TYPE_ADDED, name, make_node(name))
            for name in ("host-a", "host-b", "host-c")
        ]
        + [event(pb.WatchEvent.TYPE_SYNCED)]
    )
    return PoolsModel(), hosts


@pytest.fixture
def page(qtbot, models, unreachable):
    pools, hosts = models
    storage = StoragePage(pools, hosts, lambda: unreachable)
    qtbot.addWidget(storage)
    storage.resize(1300, 800)
    storage.show()
    qtbot.waitExposed(storage)
    return storage


def load(page: StoragePage, pools=POOLS) -> None:
    page.pools.apply_events(pool_snapshot(pools))


def tab_texts(page: StoragePage) -> list[str]:
    return [page.tab_bar.tabText(i) for i in range(page.tab_bar.count())]


def card_names(page: StoragePage) -> list[str]:
    return [page.proxy.index(r, 0).data() for r in range(page.proxy.rowCount())]


def test_empty_states_say_what_to_do(page):
    assert page.empty_label.text() == TEXT_NOT_CONNECTED
    page.pools.apply_events(pool_snapshot([]))
    assert page.empty_label.text() == TEXT_NO_POOLS
    assert page.cards_stack.currentWidget() is page.empty_label


def test_tabs_count_live_and_filter(page):
    load(page)
    assert tab_texts(page) == [
        "A&ll (5)",
        "Read&y (2)",
        "De&graded (1)",
        "&Error (1)",
        "&Pending (1)",
        "Un&managed (0)",
    ]
    assert page.summary_label.text() == ("5 pools · 2 ready · 1 degraded · 1 in error · 1 pending")
    page.set_tab(FilterTab.ERROR)
    assert card_names(page) == ["nfs-backup"]
    page.pools.apply_event(pool_event(UPDATED, ready_pool("nfs-backup"), revision=20))
    page.pools.flush()
    assert tab_texts(page)[1] == "Read&y (3)" and tab_texts(page)[3] == "&Error (0)"
    assert card_names(page) == []
    assert page.empty_label.text() == "No pools in Error."


def test_search_by_name_filters_cards_and_counts(page, qtbot):
    load(page)
    page.search_edit.setFocus()
    qtbot.keyClicks(page.search_edit, "NFS-")
    assert card_names(page) == ["nfs-backup", "nfs-images", "nfs-media"]
    assert tab_texts(page)[0] == "A&ll (3)"
    page.set_tab(FilterTab.PENDING)
    assert page.empty_label.text() == "No pool named like “NFS-” in Pending."


def test_selecting_a_card_shows_its_detail(page):
    load(page)
    assert page.select_pool("nfs-media")
    detail = page.detail
    assert detail.title_label.text() == "nfs-media"
    assert detail.badge.text() == "DEGRADED"
    assert detail.error_view.isVisible()
    assert detail.error_view.title_label.text() == "Not ready on every host"
    assert (
        detail.error_view.text_label.text() == POOLS[2].realization.message
    )  # whole, never elided
    table = detail.hosts_view.table
    assert column_texts(table, 0) == ["host-a", "host-b"]
    assert column_texts(table, 1) == ["Ready", "Error"]
    assert column_texts(table, 3) == ["—", NFS_MOUNT_ERROR]
    assert column_texts(table, 4) == ["—", "mounted at x"]
    # The failing host is selected, its message shown whole under the table.
    assert detail.hosts_view.message.text() == (
        f"host-b — Error\n{NFS_MOUNT_ERROR}\nNote: mounted at x"
    )
    assert detail.message_area.isVisible()
    assert detail.error_view.property("tone") == "warning"  # amber: ready somewhere
    assert detail.tabs.tabText(0) == "Hos&ts (2)"
    assert detail.reads.host_combo.currentText() == "host-a"  # the READY host


def test_error_pool_detail_has_no_host_to_read_from(page):
    load(page)
    page.select_pool("nfs-backup")
    detail = page.detail
    detail.tabs.setCurrentIndex(TAB_VOLUMES)
    assert not detail.reads.host_combo.isEnabled()
    assert detail.reads.volumes_table.item(0, 0).text() == NO_READY_HOST
    assert detail.reads.xml_view.placeholderText() == NO_READY_HOST
    assert page.actions.retry.isEnabled()


def test_settings_tab_shows_secrets_only_as_stored(page):
    load(page)
    page.select_pool("ceph-vms")
    page.detail.tabs.setCurrentIndex(TAB_SETTINGS)
    form = page.detail.settings_form
    rows = {
        form.itemAt(i, form.ItemRole.LabelRole).widget().text(): form.itemAt(
            i, form.ItemRole.FieldRole
        )
        .widget()
        .text()
        for i in range(form.rowCount())
    }
    assert rows["Key:"] == "••• stored"
    assert rows["Monitors:"] == "mon1.example.com:6789, mon2.example.com:6789"
    assert rows["Hosts:"].startswith("Every host, including hosts that register later")


def test_keyboard_arrows_enter_and_shortcuts(page, qtbot):
    load(page)
    activate(qtbot, page)
    page.view.setFocus()
    page.view.setCurrentIndex(page.proxy.index(0, 0))  # ceph-vms (sorted by name)
    qtbot.keyClick(page.view, Qt.Key.Key_Right)
    assert page.selected_pool().spec.name == "local-1"
    qtbot.keyClick(page.view, Qt.Key.Key_Right)
    assert page.selected_pool().spec.name == "nfs-backup"
    qtbot.keyClick(page.view, Qt.Key.Key_Return)
    # Enter goes to the detail: the error text, selectable by keyboard.
    assert QApplication.focusWidget() is page.detail.error_view.text_label

    page.view.setFocus()
    qtbot.keyClick(page.view, Qt.Key.Key_Delete)
    dialog = page.actions.dialog
    assert isinstance(dialog, DeletePoolDialog)
    assert dialog.question.text() == "<b>Delete the storage pool “nfs-backup”?</b>"
    assert "host-a and host-b" in dialog.explanation.text()
    assert dialog.cancel_button.isDefault()  # Enter never deletes by accident
    assert dialog.delete_button.isVisible() and not dialog.force_button.isVisible()
    dialog.reject()
    qtbot.waitUntil(lambda: page.actions.dialog is None)

    qtbot.keyClick(page.view, Qt.Key.Key_N, CTRL)
    assert isinstance(page.actions.wizard, CreatePoolWizard)
    page.actions.wizard.reject()
    qtbot.waitUntil(lambda: page.actions.wizard is None)


def test_assign_is_not_offered_for_a_local_directory(page):
    load(page)
    page.select_pool("local-1")
    assert "create another pool" in page.actions.assign.toolTip()
    page.select_pool("nfs-images")
    assert not page.actions.retry.isEnabled()  # ready everywhere: nothing to retry
    assert "nothing to retry" in page.actions.retry.toolTip()


def test_the_selection_stays_when_a_live_change_filters_the_card_out(page):
    load(page)
    page.set_tab(FilterTab.ERROR)
    page.select_pool("nfs-backup")
    page.pools.apply_event(pool_event(UPDATED, ready_pool("nfs-backup"), revision=21))
    page.pools.flush()
    assert card_names(page) == []
    assert page.detail.title_label.text() == "nfs-backup"
    assert page.detail.badge.text() == "READY"
    assert not page.detail.error_view.isVisible()


def test_delete_refused_for_volumes_offers_force_and_shows_the_text(page, qtbot):
    load(page)
    dialog = DeletePoolDialog(POOLS[1], lambda: None)
    qtbot.addWidget(dialog)
    dialog.show()
    failure = Failure(
        f"coordinator 127.0.0.1:7443 refused: {VOLUMES_HELD}",
        grpc.StatusCode.FAILED_PRECONDITION,
        VOLUMES_HELD,
    )
    dialog.show_result(Result(failure=failure), force=False)
    assert dialog.error_view.title_label.text() == "The coordinator refused to delete nfs-backup"
    assert dialog.error_view.text_label.text().endswith(VOLUMES_HELD)
    assert dialog.force_button.isVisible() and not dialog.delete_button.isVisible()
    assert "not deleted" in dialog.force_note.text()


def test_delete_with_host_failures_lists_each_host(page, qtbot):
    dialog = DeletePoolDialog(POOLS[1], lambda: None)
    qtbot.addWidget(dialog)
    dialog.show()
    response = pb.DeletePoolResponse(
        deleted=False,
        results=[
            host_status("host-b", cpb.PHASE_ERROR, "Delete failed: host-b did not answer"),
            host_status("host-a", cpb.PHASE_READY, ""),
        ],
    )
    dialog.show_result(Result(value=response), force=False)
    assert dialog.error_view.text_label.text() == (
        "host-a: removed\nhost-b: Delete failed: host-b did not answer"
    )
    assert dialog.isVisible()


def test_a_failed_retry_is_shown_in_full(page, qtbot):
    load(page)
    page.select_pool("nfs-backup")
    notices: list[str] = []
    page.notice.connect(notices.append)
    activate(qtbot, page)
    page.view.setFocus()
    qtbot.keyClick(page.view, Qt.Key.Key_R, CTRL)
    qtbot.waitUntil(lambda: "Could not retry nfs-backup" in notices, timeout=30_000)
    dialogs = [w for w in QApplication.topLevelWidgets() if isinstance(w, ErrorDialog)]
    text = dialogs[-1].view.text_label.text()
    assert text.startswith(f"coordinator {UNREACHABLE} unreachable: ")
    dialogs[-1].close()

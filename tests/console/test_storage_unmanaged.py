"""Pools Quantix did not create on the Storage page, on real widgets fed with real quantix.v1
messages: Unmanaged cards of every libvirt type, their tab and count, their detail, Adopt… (only
for the types Quantix manages), the adopt dialog's review and refusals, and the remove-host
dialog. The live tests (test_storage_unmanaged_live.py) run the same against real servers."""

from __future__ import annotations

import grpc
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMenu

from console.dialogs.adopt_pool_dialog import HOSTS_STEP, REVIEW_STEP, AdoptPoolDialog
from console.dialogs.remove_host_dialog import RemoveHostDialog
from console.discovered_text import PHASE_UNMANAGED
from console.identity_store import IdentityStore
from console.kit.card_model import CARD_ROLE
from console.kit.phase_style import GREY, phase_tone
from console.main_window import MainWindow
from console.models.discovered_pools_model import DiscoveredPoolsModel
from console.models.hosts_model import HostsModel
from console.models.pools_model import FilterTab, PoolsModel
from console.pages.storage_page import StoragePage
from console.pool_ops import Failure, Result
from console.widgets.tables import column_texts
from proto.quantix.v1 import common_pb2 as cpb
from proto.quantix.v1 import coordinator_pb2 as pb
from tests.console.conftest import activate
from tests.console.messages import event, make_node
from tests.console.storage_messages import (
    ADDED,
    REMOVED,
    RESET,
    SYNCED,
    GiB,
    discovered_event,
    discovered_pool,
    found_host,
    pool_snapshot,
    ready_pool,
)

UNREACHABLE = "127.0.0.1:1"  # a coordinator is set (actions enabled); nothing listens there
TiB = 1024 * GiB
RUNNING = cpb.STORAGE_POOL_STATE_RUNNING
INACTIVE = cpb.STORAGE_POOL_STATE_INACTIVE

# One pool of each libvirt type (and one libvirt may add later), with the label it must get.
FOUND = {
    "default": (
        discovered_pool(
            "default",
            "dir",
            "",
            "/var/lib/libvirt/images",
            [
                found_host("host-a", RUNNING, 500 * GiB, 120 * GiB),
                found_host("host-b", INACTIVE),
            ],
        ),
        "Local directory",
    ),
    "fs-data": (
        discovered_pool("fs-data", "fs", "/dev/sdc1", "/srv/fs-data"),
        "Pre-formatted block device",
    ),
    "nfs-isos": (
        discovered_pool("nfs-isos", "netfs", "nas.lab:/export/isos", "/mnt/isos"),
        "Network file system (NFS)",
    ),
    "vg-fast": (
        discovered_pool("vg-fast", "logical", "vg-fast", "/dev/vg-fast"),
        "LVM volume group",
    ),
    "sdb": (discovered_pool("sdb", "disk", "/dev/sdb", "/dev"), "Physical disk"),
    "san-lun": (
        discovered_pool("san-lun", "iscsi", "san.lab iqn.2024-01.lab.san:vms", "/dev/disk/by-path"),
        "iSCSI target",
    ),
    "hba0": (discovered_pool("hba0", "scsi", "host0", "/dev/disk/by-path"), "SCSI host adapter"),
    "multipath": (discovered_pool("multipath", "mpath", "", "/dev/mapper"), "Multipath devices"),
    "ceph-vms": (discovered_pool("ceph-vms", "rbd", "vms on mon1.lab:6789"), "Ceph RBD"),
    "tank": (discovered_pool("tank", "zfs", "tank"), "ZFS pool"),
    "gluster-vol": (discovered_pool("gluster-vol", "gluster", "gluster.lab:/vol0"), "GlusterFS"),
    "odd": (discovered_pool("odd", "weird", "somewhere"), "Unknown type (weird)"),
}
ADOPTABLE = {"default", "nfs-isos", "san-lun", "ceph-vms"}


def found_snapshot(pools, revision: int = 10) -> list[pb.WatchEvent]:
    return [
        discovered_event(RESET, revision=revision),
        *(discovered_event(ADDED, pool, revision=revision) for pool in pools),
        discovered_event(SYNCED, revision=revision),
    ]


@pytest.fixture
def page(qtbot, run, unreachable):
    hosts = HostsModel()
    hosts.apply_events(
        [event(pb.WatchEvent.TYPE_RESET)]
        + [event(pb.WatchEvent.TYPE_ADDED, n, make_node(n)) for n in ("host-a", "host-b")]
        + [event(pb.WatchEvent.TYPE_SYNCED)]
    )
    storage = StoragePage(
        PoolsModel(), hosts, lambda: unreachable, discovered=DiscoveredPoolsModel()
    )
    qtbot.addWidget(storage)
    storage.resize(1300, 800)
    storage.show()
    qtbot.waitExposed(storage)
    storage.pools.apply_events(pool_snapshot([ready_pool("nfs-images")]))
    storage.discovered.apply_events(found_snapshot(pool for pool, _label in FOUND.values()))
    yield storage
    run(storage.stop())  # no read of a managed pool's host outlives the page


def shown_cards(page: StoragePage) -> dict[str, object]:
    cards = [page.proxy.index(r, 0).data(CARD_ROLE) for r in range(page.proxy.rowCount())]
    return {card.name: card for card in cards}


def key_of(name: str) -> str:
    return FOUND[name][0].key


def test_every_libvirt_type_is_an_unmanaged_card_with_its_readable_type(page, qtbot):
    tabs = [page.tab_bar.tabText(i) for i in range(page.tab_bar.count())]
    assert tabs[0] == f"A&ll ({1 + len(FOUND)})"  # All includes them
    assert tabs[-1] == f"Un&managed ({len(FOUND)})"
    assert page.summary_label.text() == "13 pools · 1 ready · 12 unmanaged"
    page.set_tab(FilterTab.UNMANAGED)
    cards = shown_cards(page)
    assert sorted(cards) == sorted(FOUND)  # the managed pool is not in this tab
    assert {name: card.kind_label for name, card in cards.items()} == {
        name: label for name, (_pool, label) in FOUND.items()
    }
    assert "weird" in cards["odd"].kind_label  # an unknown type by its raw name
    for card in cards.values():
        assert (card.phase, card.phase_label, card.managed) == (PHASE_UNMANAGED, "Unmanaged", False)
        assert phase_tone(card.phase) is GREY
        assert card.banner == ""
    # One pool, two hosts: one card listing both, each with libvirt's state in words.
    default = cards["default"]
    assert [(chip.host, chip.label) for chip in default.chips] == [
        ("host-a", "Running"),
        ("host-b", "Inactive"),
    ]
    assert default.hosts_summary == "On host-a and host-b"
    assert default.capacity == "120.0 GiB of 500.0 GiB used · 24 %"
    assert default.source == "/var/lib/libvirt/images"  # no source: its path
    # Read-only types say so on the card; the detail has the whole sentence.
    assert (
        cards["vg-fast"].description == "Read-only: LVM volume group pools are shown, not managed."
    )
    assert "host-b: Inactive" in default.tooltip
    page.view.grab()  # the delegate paints them (muted icon, grey badge)

    page.set_tab(FilterTab.ALL)
    names = list(shown_cards(page))
    assert names[0] == "nfs-images"  # managed first, then the unmanaged cards by name
    assert names[1:] == sorted(FOUND, key=str.casefold)


def test_a_pool_removed_from_its_hosts_leaves_the_tab_and_its_count(page):
    page.discovered.apply_event(discovered_event(REMOVED, key=key_of("tank"), revision=20))
    page.discovered.flush()
    assert page.tab_bar.tabText(5) == f"Un&managed ({len(FOUND) - 1})"
    page.search_edit.setText("nfs")
    assert page.tab_bar.tabText(5) == "Un&managed (1)"
    assert page.tab_bar.tabText(0) == "A&ll (2)"


def test_adopt_only_for_the_types_quantix_manages(page):
    actions = page.actions
    for name, (pool, label) in FOUND.items():
        assert page.select_discovered(pool.key), name
        detail = page.detail
        assert detail.showing_discovered
        shown = detail.discovered
        assert shown.title_label.text() == name
        assert shown.subtitle_label.text().startswith(label)
        assert actions.adopt.isEnabled() is (name in ADOPTABLE), name
        assert shown.adopt_button.isEnabled() is (name in ADOPTABLE), name
        # Nothing a managed pool offers applies to it.
        assert not actions.retry.isEnabled()
        assert not actions.assign.isEnabled()
        assert not actions.delete.isEnabled()
        assert page.selected_pool() is None and page.selected_discovered() == pool
        if name in ADOPTABLE:
            assert "Adopt…" in shown.note_label.text()
        else:
            # The coordinator's sentence, saying which types can be adopted.
            assert shown.note_label.text() == pool.not_adoptable_reason
            assert "Quantix can adopt" in shown.note_label.text()
            assert actions.adopt.toolTip() == pool.not_adoptable_reason


def test_the_detail_lists_each_host_with_its_state_and_capacity(page):
    page.select_discovered(key_of("default"))
    shown = page.detail.discovered
    table = shown.hosts_table
    assert column_texts(table, 0) == ["host-a", "host-b"]
    assert column_texts(table, 1) == ["Running", "Inactive"]
    assert column_texts(table, 2) == ["120.0 GiB of 500.0 GiB", "—"]
    rows = {
        shown.settings_form.itemAt(i, shown.settings_form.ItemRole.LabelRole)
        .widget()
        .text(): shown.settings_form.itemAt(i, shown.settings_form.ItemRole.FieldRole)
        .widget()
        .text()
        for i in range(shown.settings_form.rowCount())
    }
    assert rows["Target path:"] == "/var/lib/libvirt/images"
    assert rows["Type:"] == "Local directory (libvirt type “dir”)"
    assert shown.capacity_label.text() == "Capacity: 120.0 GiB of 500.0 GiB used · 24 %"
    # Selecting a managed card again shows the managed detail.
    assert page.select_pool("nfs-images")
    assert not page.detail.showing_discovered
    assert page.actions.delete.isEnabled() and not page.actions.adopt.isEnabled()


def test_the_context_menu_of_an_unmanaged_card_offers_adopt(page, qtbot):
    page.set_tab(FilterTab.UNMANAGED)
    index = page.proxy.mapFromSource(
        page.cards.index_of(page.discovered, page.discovered.row_of(key_of("nfs-isos")))
    )
    page._on_context_menu(page.view.visualRect(index).center())
    menu = page.findChildren(QMenu)[-1]
    assert [action.text() for action in menu.actions()] == ["Ad&opt…"]
    assert menu.actions()[0].isEnabled()
    menu.close()


def test_an_adopted_pool_leaves_the_unmanaged_tab_and_its_managed_card_is_selected(page):
    pool = FOUND["nfs-isos"][0]
    page.select_discovered(pool.key)
    page.actions.created.emit("nfs-isos")  # what the adopt dialog's success leads to
    page.discovered.apply_event(discovered_event(REMOVED, key=pool.key, revision=30))
    page.discovered.flush()
    assert page.discovered.pool(pool.key) is None
    page.pools.apply_events(pool_snapshot([ready_pool("nfs-images"), ready_pool("nfs-isos")], 31))
    assert page.selected_pool().spec.name == "nfs-isos"
    assert not page.detail.showing_discovered


def test_the_main_window_routes_discovered_pools_to_their_model(qtbot, settings, run):
    window = MainWindow(settings, IdentityStore())
    try:
        pool = FOUND["tank"][0]
        for message in found_snapshot([pool]):
            window._on_watch_event(message)
        assert window.discovered_model.is_synced
        assert window.discovered_model.pool(pool.key) == pool
        assert window.pools_model.rowCount() == 0
        assert window.storage_page.tab_counts()[FilterTab.UNMANAGED] == 1
    finally:
        window.close()
        run(window.wait_closed())
        window.deleteLater()


# --- the adopt dialog ---------------------------------------------------------------------


SHARED_A = discovered_pool(
    "shared", "netfs", "nas1.lab:/export/shared", "/mnt/shared", [found_host("host-a")]
)
SHARED_B = discovered_pool(
    "shared", "netfs", "nas2.lab:/export/shared", "/mnt/shared", [found_host("host-b")]
)
DIFFERS = (
    "pool shared is defined differently on host-b than on host-a: source host: host-b has "
    "nas2.lab, host-a has nas1.lab; adopt it on the hosts that agree, or make the definitions "
    "the same"
)


@pytest.fixture
def dialog(qtbot):
    window = AdoptPoolDialog(SHARED_A, [SHARED_A, SHARED_B], lambda: None)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_the_dialog_lists_every_host_with_that_name_all_ticked(dialog):
    texts = [dialog.hosts.item(i).text() for i in range(dialog.hosts.count())]
    assert texts == [
        "host-a — Running · nas1.lab:/export/shared",
        "host-b — Running · nas2.lab:/export/shared",
    ]
    assert dialog.ticked() == ["host-a", "host-b"]
    assert dialog.step == HOSTS_STEP
    assert dialog.next_button.isEnabled() and not dialog.adopt_button.isVisible()
    dialog.hosts.item(0).setCheckState(Qt.CheckState.Unchecked)
    dialog.hosts.item(1).setCheckState(Qt.CheckState.Unchecked)
    assert not dialog.next_button.isEnabled()
    assert dialog.hosts_summary.text() == "Tick at least one host."


def test_a_refusal_is_shown_in_full_and_nothing_moves_on(dialog):
    failure = Failure(
        f"coordinator 127.0.0.1:7443 refused: {DIFFERS}",
        grpc.StatusCode.FAILED_PRECONDITION,
        DIFFERS,
    )
    dialog.show_failure("The coordinator would not adopt shared", failure)
    assert dialog.step == HOSTS_STEP
    assert dialog.error_view.isVisible()
    assert dialog.error_view.text_label.text().endswith(DIFFERS)
    assert dialog.error_view.text_label.textInteractionFlags() & (
        Qt.TextInteractionFlag.TextSelectableByKeyboard
    )
    assert not dialog.secret_edit.isVisible()


def test_a_pool_that_authenticates_asks_for_its_secret(dialog):
    failure = Failure(
        "coordinator 127.0.0.1:7443 rejected the request: secret: this pool authenticates",
        grpc.StatusCode.INVALID_ARGUMENT,
        "secret: this pool authenticates",
        field="secret",
    )
    dialog.show_failure("The coordinator would not adopt shared", failure)
    assert dialog.secret_edit.isVisible()
    assert dialog.secret_edit.echoMode() == dialog.secret_edit.EchoMode.Password


def test_the_review_shows_what_the_coordinator_read_back(dialog):
    spec = cpb.PoolSpec(
        name="shared",
        backend=cpb.POOL_BACKEND_NFS,
        hosts=["host-a"],
        nfs=cpb.NfsSource(
            server="nas1.lab",
            export_path="/export/shared",
            version="auto",
            mount_point="/mnt/shared",
        ),
    )
    dialog.show_review(pb.Pool(spec=spec))
    assert dialog.step == REVIEW_STEP
    values = {label: value.text() for label, value in dialog.values.items()}
    assert values["Kind"] == "NFS"
    assert values["Server"] == "nas1.lab"
    assert values["Export path"] == "/export/shared"
    assert values["Mount point"] == "/mnt/shared"
    assert values["Hosts"] == "host-a"
    assert dialog.adopt_button.isVisible() and dialog.adopt_button.isEnabled()
    assert dialog.back_button.isVisible() and not dialog.next_button.isVisible()
    dialog.back()
    assert dialog.step == HOSTS_STEP


# --- the remove-host dialog ---------------------------------------------------------------


POOLS_ASSIGNED = (
    "host-c is assigned to 1 pool (local-c): unassign them first, or force the removal (the "
    "pools are then taken off host-c without contacting it; its storage is left as is)"
)


def test_remove_host_refused_for_pools_offers_to_remove_anyway(qtbot):
    node = make_node("host-c")
    node.status = pb.NODE_STATUS_OFFLINE
    dialog = RemoveHostDialog(node, lambda: None)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.cancel_button.isDefault()  # Enter never removes by accident
    assert not dialog.warning.isVisible()  # offline: no "it registers again" warning
    failure = Failure(
        f"coordinator 127.0.0.1:7443 refused: {POOLS_ASSIGNED}",
        grpc.StatusCode.FAILED_PRECONDITION,
        POOLS_ASSIGNED,
    )
    dialog.show_result(Result(failure=failure), force=False)
    assert dialog.error_view.title_label.text() == "The coordinator refused to remove host-c"
    assert dialog.error_view.text_label.text().endswith(POOLS_ASSIGNED)
    assert dialog.force_button.isVisible() and not dialog.remove_button.isVisible()
    assert "without contacting it; its storage is left as it is" in dialog.force_note.text()
    with qtbot.waitSignal(dialog.removed) as blocker:
        dialog.show_result(Result(value=pb.RemoveNodeResponse(pools_released=["local-c"])), True)
    assert blocker.args == ["host-c", ["local-c"]]


def test_removing_a_connected_host_warns_that_it_registers_again(qtbot):
    node = make_node("host-a")
    node.status = pb.NODE_STATUS_CONNECTED
    dialog = RemoveHostDialog(node, lambda: None)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.warning.isVisible()
    assert "revokes its certificate" in dialog.warning.text()


def test_a_pool_named_like_a_managed_one_cannot_be_adopted(page):
    twin = discovered_pool("nfs-images", "netfs", "other.lab:/export/images", "/mnt/images")
    page.discovered.apply_event(discovered_event(ADDED, twin, revision=40))
    page.discovered.flush()
    assert page.select_discovered(twin.key)
    assert not page.actions.adopt.isEnabled()
    text = page.detail.discovered.note_label.text()
    assert text == (
        "Cannot be adopted as nfs-images: Quantix already manages another pool of that name."
    )
    assert page.actions.adopt.toolTip() == text
    assert page.discovered.card(twin.key).description == text  # the card says so too
    page.pools.apply_events(pool_snapshot([], revision=41))  # the managed one is deleted
    assert page.discovered.card(twin.key).description.startswith("Not managed by Quantix")
    assert page.actions.adopt.isEnabled()


def test_the_unmanaged_tab_and_adopt_are_one_alt_letter_away(page, qtbot):
    activate(qtbot, page)
    page.view.setFocus()
    qtbot.keyClick(page.view, Qt.Key.Key_M, Qt.KeyboardModifier.AltModifier)  # Un&managed
    assert page.proxy.tab is FilterTab.UNMANAGED
    page.view.setCurrentIndex(page.proxy.index(0, 0))  # ceph-vms: adoptable
    qtbot.keyClick(page.view, Qt.Key.Key_Return)  # Enter: to the detail, on Adopt…
    assert QApplication.focusWidget() is page.detail.discovered.adopt_button
    qtbot.keyClick(page.view, Qt.Key.Key_O, Qt.KeyboardModifier.AltModifier)  # Ad&opt…
    qtbot.waitUntil(lambda: page.actions.dialog is not None)  # Qt clicks after an animation
    dialog = page.actions.dialog
    assert isinstance(dialog, AdoptPoolDialog) and dialog.pool_name == "ceph-vms"
    dialog.reject()
    qtbot.waitUntil(lambda: page.actions.dialog is None)

"""Every page, dialog and wizard page of the console, opened as a user opens it, for the tests
that check each one (focus chain, accessible names, mnemonics, reading order).

A ``Surface`` opens one dialog from the window fed the inventory (tests.console.inventory) and
visits its states: a dialog has one; a wizard path (one backend or network type) has one per
page, reached by keys: the choice by its Alt+letter, the least valid input typed, Alt+N to go
on. Each state is named for failures: "create pool (NFS) page 1 'Settings'".

``MESSAGE_BOX_SITES`` names every function under console/ that builds a QMessageBox and the
surface that opens it; a test fails when a dialog class or a message box is added to the
console without a surface here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget, QWizard

from console.clusters.add_hosts_dialog import AddHostsDialog
from console.clusters.create_cluster_wizard import CreateClusterWizard
from console.dialogs.add_host_dialog import AddHostDialog
from console.dialogs.adopt_pool_dialog import AdoptPoolDialog
from console.dialogs.assign_hosts_dialog import AssignHostsDialog
from console.dialogs.connect_dialog import ConnectDialog
from console.dialogs.delete_pool_dialog import DeletePoolDialog
from console.dialogs.remove_host_dialog import RemoveHostDialog
from console.images.download_dialog import DownloadDialog
from console.images.images_page import close_question
from console.images.import_ova_dialog import ImportOvaDialog
from console.images.upload_dialog import UploadDialog
from console.kit.cheat_sheet import CheatSheet
from console.kit.command_palette import CommandPalette
from console.main_window import MainWindow
from console.networks.add_port_group_dialog import AddPortGroupDialog
from console.networks.adopt_network_dialog import AdoptNetworkDialog
from console.networks.create_network_wizard import CreateNetworkWizard
from console.networks.map_uplinks_dialog import MapUplinksDialog
from console.networks.new_switch_dialog import NewSwitchDialog
from console.widgets.error_view import ErrorDialog
from console.wizards.create_pool_wizard import CreatePoolWizard
from domain.networks import NetworkType
from domain.pools import Backend
from tests.console.conftest import activate
from tests.console.focus_walk import address, focused
from tests.console.inventory import CLUSTERS, NETWORKS, POOLS

ALT = Qt.KeyboardModifier.AltModifier
# What the wizards' choice pages and Next answer within (Qt clicks a mnemonic's button after a
# short animation); generous for a loaded CI machine, never reached when things work.
STEP_TIMEOUT_MS = 5000
CEPH_KEY = "AQBzS2hmAAAAABAAb3i3V7Hh0w5cB2B9JdXa+w=="  # well-formed, not a real key

Keys = Callable[[Any, QWizard], None]  # typed on a wizard page, from where it puts the cursor


def press(
    qtbot: Any, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
) -> None:
    qtbot.keyClick(focused(), key, modifier)


def typed(*steps: str | Qt.Key | tuple[Qt.Key, Qt.KeyboardModifier]) -> Keys:
    """Keys for a page: text is typed where the cursor is, a key pressed, (key, Alt) pressed."""

    def keys(qtbot: Any, _wizard: QWizard) -> None:
        for step in steps:
            if isinstance(step, str):
                qtbot.keyClicks(focused(), step)
            elif isinstance(step, tuple):
                press(qtbot, *step)
            else:
                press(qtbot, step)

    return keys


def choose(key: Qt.Key, chosen: Callable[[QWizard], bool]) -> Keys:
    """Alt+letter on a choice page, then wait for Qt's delayed click to land."""

    def keys(qtbot: Any, wizard: QWizard) -> None:
        press(qtbot, key, ALT)
        qtbot.waitUntil(lambda: chosen(wizard), timeout=STEP_TIMEOUT_MS)

    return keys


def one_state(_qtbot: Any, _dialog: QDialog) -> Iterator[str]:
    yield ""


def wizard_pages(keys: dict[int, Keys]) -> Callable[[Any, QDialog], Iterator[str]]:
    """Each page of a wizard in turn: its keys typed, then the page checked (the caller's loop
    body runs at the ``yield``), then Alt+N (&Next) until the last page."""

    def visit(qtbot: Any, dialog: QDialog) -> Iterator[str]:
        assert isinstance(dialog, QWizard)
        while True:
            page_id = dialog.currentId()
            if page_id in keys:
                keys[page_id](qtbot, dialog)
            yield f"page {page_id} {dialog.currentPage().title()!r}"
            if dialog.nextId() < 0:
                return
            next_button = dialog.button(QWizard.WizardButton.NextButton)
            assert next_button.isEnabled(), (
                f"page {page_id}: Next is disabled after the keys typed on it"
            )
            press(qtbot, Qt.Key.Key_N, ALT)
            qtbot.waitUntil(lambda: dialog.currentId() != page_id, timeout=STEP_TIMEOUT_MS)  # noqa: B023

    return visit


@dataclass(frozen=True)
class Surface:
    name: str
    kind: type[QDialog]  # the class of the dialog it opens (checked when it opens)
    open: Callable[[MainWindow], object]  # does what the user does; the new dialog is found
    visit: Callable[[Any, QDialog], Iterator[str]] = one_state


def open_surface(qtbot: Any, window: MainWindow, surface: Surface) -> QDialog:
    """Opens ``surface`` and returns the dialog it showed (the one shown window that was not)."""

    def shown() -> dict[int, QDialog]:
        return {
            address(widget): widget
            for widget in QApplication.topLevelWidgets()
            if isinstance(widget, QDialog) and widget.isVisible()
        }

    before = shown()
    surface.open(window)
    qtbot.waitUntil(lambda: bool(shown().keys() - before.keys()), timeout=STEP_TIMEOUT_MS)
    (dialog,) = (d for key, d in shown().items() if key not in before)
    return dialog


def visit(qtbot: Any, window: MainWindow, surface: Surface) -> Iterator[tuple[QDialog, str]]:
    """Open ``surface``, then each of its states with its name; the dialog is closed after."""
    dialog = open_surface(qtbot, window, surface)
    assert type(dialog) is surface.kind, f"{surface.name}: opened a {type(dialog).__name__}"
    activate(qtbot, dialog)
    try:
        for state in surface.visit(qtbot, dialog):
            yield dialog, f"{surface.name} {state}".strip()
    finally:
        dialog.reject()


# --- openers ------------------------------------------------------------------------------


def _storage(window: MainWindow, pool: str) -> Any:
    page = window.page("storage")
    page.select_pool(pool)  # type: ignore[attr-defined]
    return page


def _networks(window: MainWindow) -> Any:
    page = window.page("networks")
    page.select_network(NETWORKS[0])  # type: ignore[attr-defined]
    return page


def _clusters(window: MainWindow) -> Any:
    page = window.page("clusters")
    page.select_cluster(CLUSTERS[1])  # type: ignore[attr-defined]
    return page


def _cluster_detail(window: MainWindow) -> Any:
    page = window.page("clusters")
    page.open_detail(CLUSTERS[1])  # type: ignore[attr-defined]
    return page.detail  # type: ignore[attr-defined]


def _remove_cluster_hosts(window: MainWindow) -> object:
    hosts = _cluster_detail(window).hosts_tab
    hosts.select_hosts(["host-c"])
    return hosts.confirm_remove()


def _switches(window: MainWindow) -> Any:
    page = window.page("switches")
    page.list.setCurrentIndex(page.list.model().index(0, 0))  # type: ignore[attr-defined]
    return page


def _delete_image(window: MainWindow) -> object:
    page: Any = window.page("images")
    for row in range(page.table.model().rowCount()):
        page.table.selectRow(row)
        if page.delete_action.isEnabled():
            return page.confirm_delete()
    raise AssertionError("no image of the inventory can be deleted")


def _adopt_network(window: MainWindow) -> object:
    page: Any = window.page("networks")
    page.select_discovered(page.discovered.key_at(0))
    return page.open_adopt_dialog()


def _retry_failed_pool(window: MainWindow) -> None:
    """The inventory's coordinator has no RetryPool: the refusal comes back in an error dialog."""
    _storage(window, POOLS[1]).actions.retry_selected()


def _about(window: MainWindow) -> None:
    (about,) = (a for a in window.findChildren(QAction) if a.text() == "&About Quantix")
    about.trigger()


DIALOGS: tuple[Surface, ...] = (
    Surface("connect", ConnectDialog, lambda w: w.open_connect_dialog()),
    Surface("about", QMessageBox, _about),
    Surface("command palette", CommandPalette, lambda w: w.open_palette()),
    Surface("cheat sheet", CheatSheet, lambda w: w.open_cheat_sheet()),
    Surface("add host", AddHostDialog, lambda w: w.page("hosts").open_add_dialog()),  # type: ignore[attr-defined]
    Surface(
        "remove host",
        RemoveHostDialog,
        lambda w: (
            w.page("hosts").select_host("host-b"),  # type: ignore[attr-defined]
            w.page("hosts").open_remove_dialog(),  # type: ignore[attr-defined]
        ),
    ),
    Surface(
        "delete pool",
        DeletePoolDialog,
        lambda w: _storage(w, POOLS[0]).actions.open_delete_dialog(),
    ),
    Surface(
        "assign hosts",
        AssignHostsDialog,
        lambda w: _storage(w, POOLS[0]).actions.open_assign_dialog(),
    ),
    Surface(
        "adopt pool",
        AdoptPoolDialog,
        lambda w: (
            w.page("storage").select_discovered(w.discovered_model.key_at(0)),  # type: ignore[attr-defined]
            w.page("storage").actions.open_adopt_dialog(),  # type: ignore[attr-defined]
        ),
    ),
    Surface("error details", ErrorDialog, _retry_failed_pool),
    Surface("delete network", QMessageBox, lambda w: _networks(w).confirm_delete()),
    Surface("adopt network", AdoptNetworkDialog, _adopt_network),
    Surface("new switch", NewSwitchDialog, lambda w: w.page("switches").open_new_switch()),  # type: ignore[attr-defined]
    Surface("map uplinks", MapUplinksDialog, lambda w: _switches(w).open_map_uplinks()),
    Surface("add port group", AddPortGroupDialog, lambda w: _switches(w).open_add_port_group()),
    Surface("delete cluster", QMessageBox, lambda w: _clusters(w).confirm_delete()),
    Surface("add cluster hosts", AddHostsDialog, lambda w: _cluster_detail(w).open_add_dialog()),
    Surface("remove cluster hosts", QMessageBox, _remove_cluster_hosts),
    Surface("upload image", UploadDialog, lambda w: w.page("images").open_upload_dialog()),  # type: ignore[attr-defined]
    Surface("download image", DownloadDialog, lambda w: w.page("images").open_download_dialog()),  # type: ignore[attr-defined]
    Surface("import ova", ImportOvaDialog, lambda w: w.page("images").open_import_dialog()),  # type: ignore[attr-defined]
    Surface("delete image", QMessageBox, _delete_image),
    Surface(
        "uploads still running", QMessageBox, lambda w: close_question(2, w.page("images")).open()
    ),
)

# --- wizards, every page of every path ------------------------------------------------------


def _pool_wizard(window: MainWindow) -> object:
    return window.page("storage").actions.open_wizard()  # type: ignore[attr-defined]


def _pool_path(label: str, backend: Backend, key: Qt.Key, settings: Keys) -> Surface:
    from console.wizards.create_pool_wizard import BACKEND_ID, SETTINGS_ID

    return Surface(
        f"create pool ({label})",
        CreatePoolWizard,
        _pool_wizard,
        wizard_pages(
            {
                BACKEND_ID: choose(key, lambda w: w.backend() is backend),  # type: ignore[attr-defined]
                SETTINGS_ID: settings,
            }
        ),
    )


def _network_path(label: str, network_type: NetworkType, key: Qt.Key, **pages: Keys) -> Surface:
    from console.networks import create_network_wizard as ids

    keys = {ids.TYPE_ID: choose(key, lambda w: w.network_type() is network_type)}  # type: ignore[attr-defined]
    keys[ids.NAME_ID] = typed("walknet", Qt.Key.Key_Tab, "Walked by keys")
    for name, page_keys in pages.items():
        keys[getattr(ids, f"{name.upper()}_ID")] = page_keys
    return Surface(
        f"create network ({label})",
        CreateNetworkWizard,
        lambda w: w.page("networks").open_wizard(),  # type: ignore[attr-defined]
        wizard_pages(keys),
    )


def _only_first_host(qtbot: Any, wizard: QWizard) -> None:
    """&Only the hosts ticked below, then the list (&Hosts) and Space on its first host."""
    page: Any = wizard.currentPage()
    press(qtbot, Qt.Key.Key_O, ALT)
    qtbot.waitUntil(page.only.isChecked, timeout=STEP_TIMEOUT_MS)  # the list is enabled then
    press(qtbot, Qt.Key.Key_H, ALT)
    press(qtbot, Qt.Key.Key_Space)


def _cluster_path() -> Surface:
    from console.clusters.create_cluster_wizard import BASICS_ID, HOSTS_ID

    return Surface(
        "create cluster",
        CreateClusterWizard,
        lambda w: w.page("clusters").open_wizard(),  # type: ignore[attr-defined]
        wizard_pages(
            {
                BASICS_ID: typed("walk", Qt.Key.Key_Tab, "Walked by keys"),
                HOSTS_ID: typed(Qt.Key.Key_Space),  # host-a
            }
        ),
    )


WIZARDS: tuple[Surface, ...] = (
    _pool_path(
        "local directory", Backend.LOCAL_DIR, Qt.Key.Key_L, typed()
    ),  # the suggested name and path
    _pool_path(
        "NFS",
        Backend.NFS,
        Qt.Key.Key_S,
        typed("nas01.example.com", Qt.Key.Key_Tab, "/export/vms"),
    ),
    _pool_path(
        "Ceph RBD",
        Backend.CEPH_RBD,
        Qt.Key.Key_C,
        typed("mon1.example.com", Qt.Key.Key_Tab, "rbd", (Qt.Key.Key_K, ALT), CEPH_KEY),
    ),
    _pool_path(
        "iSCSI",
        Backend.ISCSI,
        Qt.Key.Key_I,
        typed("san01.example.com", Qt.Key.Key_Tab, "iqn.2024-01.com.example:storage"),
    ),
    _network_path(
        "NAT",
        NetworkType.NAT,
        Qt.Key.Key_A,
        addressing=typed("10.77.0.0/24"),
        # Only the hosts ticked: the host list is enabled, so it is walked too.
        hosts=_only_first_host,
    ),
    _network_path("isolated", NetworkType.ISOLATED, Qt.Key.Key_I, addressing=typed("10.78.0.0/24")),
    _network_path("bridged", NetworkType.BRIDGED, Qt.Key.Key_D, link=typed("br0")),
    _network_path(
        "port group",
        NetworkType.PORT_GROUP,
        Qt.Key.Key_P,
        link=typed((Qt.Key.Key_P, ALT), "walk-pg"),
    ),
    _cluster_path(),
)

SURFACES: tuple[Surface, ...] = DIALOGS + WIZARDS

NAMES = [surface.name for surface in SURFACES]


def surface(name: str) -> Surface:
    (found,) = (s for s in SURFACES if s.name == name)
    return found


# The functions under console/ that build a QMessageBox (module, function) and the surface that
# opens each one.
MESSAGE_BOX_SITES: dict[tuple[str, str], str] = {
    ("console.main_window", "_on_about_triggered"): "about",
    ("console.networks.networks_page", "confirm_delete"): "delete network",
    ("console.clusters.clusters_page", "confirm_delete"): "delete cluster",
    ("console.clusters.detail_hosts", "confirm_remove"): "remove cluster hosts",
    ("console.images.images_page", "confirm_delete"): "delete image",
    ("console.images.images_page", "close_question"): "uploads still running",
}


# --- pages ----------------------------------------------------------------------------------

CTRL = Qt.KeyboardModifier.ControlModifier


def page_keys() -> list[str]:
    """Every registered page, as the sidebar lists them."""
    from console.features import build_registry

    return [spec.key for spec in build_registry().pages()]


def show_page(qtbot: Any, window: MainWindow, key: str) -> QWidget:
    """The page at its shortcut, Ctrl+<its place in the sidebar>."""
    number = window.page_keys.index(key) + 1
    qtbot.keyClick(window, getattr(Qt.Key, f"Key_{number}"), CTRL)
    page = window.page(key)
    qtbot.waitUntil(lambda: window.current_page() is page, timeout=STEP_TIMEOUT_MS)
    return page


# Pages in a second state of their own: (page key, what brings it).
PAGE_STATES: dict[str, tuple[str, Callable[[MainWindow], object]]] = {
    **{key: (key, lambda _w: None) for key in page_keys()},
    "clusters (a cluster's detail)": ("clusters", _cluster_detail),
}

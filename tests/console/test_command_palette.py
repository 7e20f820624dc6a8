"""The command palette (Ctrl+K) and the cheat sheet (F1, Ctrl+/) in a real main window, by keys.

The scripted tests feed the window's models real Watch messages; the live one puts a real host
in maintenance through a real coordinator and checks the coordinator's own answer.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QApplication, QDialog, QLabel, QWidget

from clients.coordinator import CoordinatorClient
from console.kit.cheat_sheet import CheatSheet
from console.kit.command_palette import CommandPalette
from console.kit.commands import ALIAS_OF, COMMAND_TEXT, plain_text, shortcuts_of
from proto.quantix.v1 import coordinator_pb2 as pb
from tests.console.conftest import activate
from tests.console.messages import event, make_node
from tests.console.storage_messages import error_pool, pool_event, ready_pool

START_MS = 60_000


def feed(window, qtbot) -> None:
    for name in ("host-a", "host-b", "host-c"):
        window._on_watch_event(event(pb.WatchEvent.TYPE_ADDED, name, make_node(name)))
    window._on_watch_event(pool_event(pb.WatchEvent.TYPE_ADDED, ready_pool("images")))
    window._on_watch_event(pool_event(pb.WatchEvent.TYPE_ADDED, error_pool("nfs1")))
    pools = window.pools_model
    qtbot.waitUntil(lambda: window.model.rowCount() == 3 and pools.rowCount() == 2)


def focus_is_in(dialog) -> bool:
    focus = QApplication.focusWidget()
    return focus is not None and focus.window() is dialog


def open_palette(window, qtbot) -> CommandPalette:
    activate(qtbot, window)
    QTest.keyClick(window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), CommandPalette))
    palette = QApplication.activeModalWidget()
    assert isinstance(palette, CommandPalette)
    qtbot.waitUntil(lambda: palette.field.hasFocus())
    return palette


def type_and_run(palette, qtbot, text: str, expected: str) -> None:
    QTest.keyClicks(palette.field, text)
    assert palette.current_text() == expected, palette.shown_texts()[:5]
    QTest.keyClick(palette.field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not palette.isVisible())


def test_ctrl_k_finds_a_pool_and_enter_selects_it_on_its_page(window, qtbot):
    feed(window, qtbot)
    palette = open_palette(window, qtbot)
    type_and_run(palette, qtbot, "nfs1", "Go to pool nfs1")
    assert window.current_page() is window.storage_page
    assert window.storage_page.selected_pool().spec.name == "nfs1"


def test_up_down_move_and_esc_closes_without_running(window, qtbot):
    feed(window, qtbot)
    palette = open_palette(window, qtbot)
    QTest.keyClicks(palette.field, "go to host")
    first = palette.current_text()
    QTest.keyClick(palette.field, Qt.Key.Key_Down)
    second = palette.current_text()
    assert first != second and second.startswith("Go to host")
    QTest.keyClick(palette.field, Qt.Key.Key_Up)
    assert palette.current_text() == first
    QTest.keyClick(palette.field, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not palette.isVisible())
    assert window.current_page() is window.page("hosts")
    assert window.hosts_page.selected_node() is None


def test_what_was_run_comes_first_next_time(window, qtbot):
    feed(window, qtbot)
    type_and_run(open_palette(window, qtbot), qtbot, "host-c", "Go to host host-c")
    assert window.hosts_page.selected_node().name == "host-c"
    palette = open_palette(window, qtbot)
    assert palette.shown_texts()[0] == "Go to host host-c"
    QTest.keyClick(palette.field, Qt.Key.Key_Escape)


def test_a_page_command_runs_on_its_page(window, qtbot, unreachable):
    feed(window, qtbot)
    palette = open_palette(window, qtbot)
    type_and_run(palette, qtbot, "go to storage", "Go to Storage")
    assert window.current_page() is window.storage_page


def test_an_action_the_page_disables_is_not_run_and_the_status_bar_says_why(window, qtbot):
    feed(window, qtbot)  # not connected: no action that calls the coordinator is possible
    palette = open_palette(window, qtbot)
    type_and_run(palette, qtbot, "retry nfs1", "Retry: pool nfs1")
    assert window.storage_page.selected_pool().spec.name == "nfs1"
    assert QApplication.activeModalWidget() is None
    assert window.statusBar().currentMessage() == (
        "Retry pool nfs1: not connected to a coordinator (File › Connect to Coordinator…, Ctrl+O)"
    )


def all_window_actions(window) -> list[QAction]:
    """Every action with a key in the window, every page built (they are built on demand)."""
    for spec in window.registry.pages():
        window.page(spec.key)
    return [action for action in window.findChildren(QAction) if shortcuts_of(action)]


def test_the_cheat_sheet_lists_every_shortcut_of_the_window_and_its_pages(window, qtbot):
    activate(qtbot, window)
    QTest.keyClick(window, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), CheatSheet))
    sheet = QApplication.activeModalWidget()
    listed = {(key, text) for keys, text, _where in sheet.rows for key in keys.split(", ")}
    missing = []
    for action in all_window_actions(window):
        target = action.property(ALIAS_OF) or action  # a list's key runs its command
        text = target.property(COMMAND_TEXT) or plain_text(target.text())
        for key in shortcuts_of(action):
            if (key, text) not in listed:
                missing.append((text or action.parent().objectName(), key))
    assert not missing
    assert ("Del", "Cancel transfer") in listed and ("Ctrl+R", "Retry") in listed
    assert ("Del", "Remove from cluster…") in listed
    assert ("Ctrl+K", "Command Palette…", "Everywhere") in sheet.rows
    assert ("Ctrl+N", "New pool…", "Storage") in sheet.rows
    assert ("Del", "Remove host…", "Hosts (in Hosts)") in sheet.rows
    qtbot.waitUntil(lambda: focus_is_in(sheet))
    QTest.keyClicks(sheet.filter_edit, "ctrl+k")
    assert [text for _keys, text, _where in sheet.shown_rows()] == ["Command Palette…"]
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not sheet.isVisible())


def test_ctrl_slash_opens_the_cheat_sheet_too(window, qtbot):
    activate(qtbot, window)
    QTest.keyClick(window, Qt.Key.Key_Slash, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), CheatSheet))
    QApplication.activeModalWidget().reject()


def test_no_two_commands_share_a_key_where_both_work(window):
    """A window-wide key is unique in the window; a page's key is unique on its page and not
    a window-wide one (Qt would run neither of two)."""
    commands = window.commands()
    seen: dict[tuple[str, str], str] = {}
    window_keys = {key for c in commands if c.scope == "Everywhere" for key in c.shortcuts}
    clashes = []
    for command in commands:
        for key in command.shortcuts:
            place = (command.scope + command.alias_scope, key)
            if place in seen and seen[place] != command.text:
                clashes.append((place, seen[place], command.text))
            seen[place] = command.text
            if command.scope != "Everywhere" and key in window_keys:
                clashes.append((place, "window", command.text))
    assert not clashes


def test_ctrl_w_closes_a_dialog(window, qtbot):
    activate(qtbot, window)
    dialog = window.open_connect_dialog()
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is dialog)
    qtbot.waitUntil(lambda: focus_is_in(dialog))
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.connect_dialog is None)
    assert dialog.result() == QDialog.DialogCode.Rejected


def test_the_object_menu_holds_the_shown_pages_own_actions(window, qtbot):
    window.show_page_key("storage")
    window._fill_actions_menu()
    texts = [action.text() for action in window.actions_menu.actions()]
    assert "&New pool…" in texts and "&Retry" in texts
    assert window.actions_menu.actions()[0] in QWidget.actions(window.storage_page)
    assert QKeySequence("Ctrl+K") == window.palette_action.shortcut()


def test_the_palette_puts_a_real_host_in_maintenance(window, one_host_fleet, qtbot, run):
    window.connect_to(one_host_fleet.coordinator_endpoint())
    qtbot.waitUntil(lambda: window.model.row_of("host-a") is not None, timeout=START_MS)
    palette = open_palette(window, qtbot)
    type_and_run(palette, qtbot, "maint host-a", "Enter maintenance: host host-a")

    async def status() -> int:
        async with CoordinatorClient(one_host_fleet.coordinator_endpoint()) as client:
            return (await client.get_node("host-a")).status

    qtbot.waitUntil(lambda: run(status()) == pb.NODE_STATUS_MAINTENANCE, timeout=START_MS)
    qtbot.waitUntil(lambda: window.hosts_page.exit_maintenance_action.isEnabled(), timeout=START_MS)
    palette = open_palette(window, qtbot)
    type_and_run(palette, qtbot, "exit maint host-a", "Exit maintenance: host host-a")
    qtbot.waitUntil(lambda: run(status()) == pb.NODE_STATUS_CONNECTED, timeout=START_MS)


def test_the_menu_bar_takes_no_mnemonic_a_page_uses(window):
    """Alt+letter of a menu would steal the same letter from a page's button or field."""
    menu_letters = {
        text[text.index("&") + 1].lower()
        for text in (action.text() for action in window.menuBar().actions())
        if "&" in text
    }
    clashes = []
    for spec in window.registry.pages():
        page = window.page(spec.key)
        for widget in page.findChildren(QAbstractButton) + page.findChildren(QLabel):
            text = widget.text()
            if isinstance(widget, QLabel) and widget.buddy() is None:
                continue
            position = text.replace("&&", "").find("&")
            if position >= 0 and text.replace("&&", "")[position + 1].lower() in menu_letters:
                clashes.append((spec.key, text))
    assert not clashes


def test_an_unmanaged_pool_of_the_same_name_is_its_own_entry(window, qtbot):
    feed(window, qtbot)
    found = pb.DiscoveredPool(key="nfs1@10.0.0.9:/export", name="nfs1", type="netfs")
    found.hosts.add(host="host-a")
    window._on_watch_event(
        pb.WatchEvent(
            type=pb.WatchEvent.TYPE_ADDED,
            kind=pb.OBJECT_KIND_DISCOVERED_POOL,
            key=found.key,
            discovered_pool=found,
        )
    )
    qtbot.waitUntil(lambda: window.discovered_model.rowCount() == 1)
    palette = open_palette(window, qtbot)
    type_and_run(palette, qtbot, "unmanaged nfs1", "Go to unmanaged pool nfs1")
    assert window.storage_page.selected_discovered().key == found.key
    assert window.storage_page.selected_pool() is None


def test_each_object_is_offered_only_the_actions_that_apply_to_it(window, qtbot):
    feed(window, qtbot)
    window._on_watch_event(
        event(
            pb.WatchEvent.TYPE_UPDATED,
            "host-c",
            make_node("host-c", pb.NODE_STATUS_MAINTENANCE),
        )
    )
    qtbot.waitUntil(lambda: window.model.node("host-c").status == pb.NODE_STATUS_MAINTENANCE)
    palette = open_palette(window, qtbot)
    QTest.keyClicks(palette.field, "host-")
    texts = set(palette.shown_texts())
    assert "Enter maintenance: host host-b" in texts
    assert "Exit maintenance: host host-b" not in texts
    assert "Exit maintenance: host host-c" in texts
    assert "Enter maintenance: host host-c" not in texts
    palette.field.clear()
    QTest.keyClicks(palette.field, "nfs1")
    texts = set(palette.shown_texts())
    assert {"Go to pool nfs1", "Retry: pool nfs1", "Delete: pool nfs1"} <= texts
    assert "Adopt: pool nfs1" not in texts
    QTest.keyClick(palette.field, Qt.Key.Key_Escape)

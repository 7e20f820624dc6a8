"""Every command of the window as the menus, the palette and the cheat sheet read it.

A page's commands are its own QActions (text with its mnemonic, shortcut, tool tip, enabled
state kept current by the page, handler), added to the page with ``addAction`` — the same
objects its buttons, context menu and keys use, so no reader can disagree with the page. The
window's own commands (File, View, Help, the registry's ``ActionSpec``s, page switches) are
QActions of the window. Readers ask ``MainWindow.commands()``; nothing keeps a second list.

Two marks a page may put on an action:
- ``acts_on_selection(action)``: it acts on the selected object (Retry, Delete…, Enter
  maintenance): the palette offers it for each object of the page (``Retry: pool nfs1``) and
  the page's context menu shows it.
- ``key_alias(action, widget, key)``: a key that triggers ``action`` only while ``widget`` has
  the focus (Delete on a list, which in a search field must delete characters): the cheat
  sheet lists the key with the action it runs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

ON_SELECTION = "quantixActsOnSelection"
ALIAS_OF = "quantixAliasOf"
# What a command is called where its menu text says less ("&1 Hosts" is "Go to Hosts").
COMMAND_TEXT = "quantixCommandText"
EVERYWHERE = "Everywhere"


def acts_on_selection(action: QAction) -> QAction:
    action.setProperty(ON_SELECTION, True)
    return action


def key_alias(
    action: QAction, widget: QWidget, key: QKeySequence | QKeySequence.StandardKey | str
) -> QAction:
    """``key`` runs ``action`` while ``widget`` has the focus (and only then)."""
    alias = QAction(widget)
    alias.setShortcut(QKeySequence(key))
    alias.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
    alias.triggered.connect(action.trigger)
    alias.setProperty(ALIAS_OF, action)
    widget.addAction(alias)
    return alias


def plain_text(text: str) -> str:
    """An action's text as read aloud: no mnemonic ampersand ('&&' is a literal one)."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


@dataclass(frozen=True)
class Command:
    """One command: what it is called, its keys, where they work, and the action to run."""

    text: str  # plain: "New pool…"
    shortcuts: tuple[str, ...]  # native text: ("Ctrl+N",)
    scope: str  # EVERYWHERE or the page's title: where the keys work
    action: QAction
    on_selection: bool = False
    alias_scope: str = ""  # for a key alias: the widget it works in ("the Storage list")

    @property
    def enabled(self) -> bool:
        return self.action.isEnabled()

    @property
    def why_disabled(self) -> str:
        """The page's tool tip says why an action is off (pages keep it current)."""
        return self.action.toolTip() if not self.enabled else ""


def close_keys() -> list[QKeySequence]:
    """The platform's Close keys, Ctrl+W among them everywhere (the issue's promise; Linux
    lists Ctrl+F4 first, so ``QKeySequence(StandardKey.Close)`` alone would miss it)."""
    keys = [  # not a keyboard's dedicated "Close" key, which the cheat sheet would list
        key
        for key in QKeySequence.keyBindings(QKeySequence.StandardKey.Close)
        if key[0].keyboardModifiers() != Qt.KeyboardModifier.NoModifier
    ]
    ctrl_w = QKeySequence("Ctrl+W")
    return keys if ctrl_w in keys else [ctrl_w, *keys]


def shortcuts_of(action: QAction) -> tuple[str, ...]:
    return tuple(
        key.toString(QKeySequence.SequenceFormat.NativeText)
        for key in action.shortcuts()
        if not key.isEmpty()
    )


def window_commands(actions: Iterable[QAction]) -> list[Command]:
    return [
        Command(
            str(action.property(COMMAND_TEXT) or plain_text(action.text())),
            shortcuts_of(action),
            EVERYWHERE,
            action,
        )
        for action in actions
        if action.text()
    ]


def page_commands(page: QWidget, title: str) -> list[Command]:
    """The page's own actions, then those of a part of it (a detail panel's Back, keys that
    only work in one list), said with the part they work in."""
    commands = [
        Command(
            plain_text(action.text()),
            shortcuts_of(action),
            title,
            action,
            on_selection=bool(action.property(ON_SELECTION)),
        )
        for action in QWidget.actions(page)  # a page may name an attribute "actions"
        if action.text()
    ]
    for widget in page.findChildren(QWidget):
        part = f"in {widget.accessibleName() or widget.objectName() or 'a part of the page'}"
        for action in QWidget.actions(widget):
            target = action.property(ALIAS_OF)
            if isinstance(target, QAction) and target.text():
                shown = target  # a key for a command: listed with the command's name
            elif action.text() and shortcuts_of(action):
                shown = action
            else:
                continue
            commands.append(
                Command(
                    plain_text(shown.text()), shortcuts_of(action), title, shown, alias_scope=part
                )
            )
    return commands

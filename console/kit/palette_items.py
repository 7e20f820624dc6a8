"""What the command palette offers: every command and every object of the live inventory.

Made when the palette opens, from the window's commands (``console.kit.commands``) and the
pages' objects: a page that has objects answers ``palette_objects() -> list[PaletteObject]``
(from the models it shows) and ``reveal_object(key) -> bool`` (select it, open its detail).
For each object the palette offers going to it and each of the page's actions that act on the
selection ("Retry: pool nfs1", "Enter maintenance: host host-b"). Running one reveals the
object first; an action the page has disabled for it is not run, and the status bar says why
(the page's tool tip for it).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget

from console.kit.commands import EVERYWHERE, Command
from console.kit.palette_search import Entry

NOT_NOW = "not available now"
NOT_CONNECTED = "not connected to a coordinator (File › Connect to Coordinator…, Ctrl+O)"


@dataclass(frozen=True)
class PaletteObject:
    kind: str  # "host", "pool", ...: said before the name
    name: str
    key: str  # what the page's reveal_object takes
    verb: str = "Go to"  # "Open" where revealing opens a detail
    # The page's selection actions that apply to this object (None: every one): an unmanaged
    # pool is adopted, never retried; a host in maintenance is taken out of it, not put in.
    actions: tuple[QAction, ...] | None = None


class KeyedModel(Protocol):
    """A Watch-fed list model (console.models.watch_list_model.WatchListModel)."""

    def rowCount(self) -> int: ...

    def key_at(self, row: int) -> str: ...

    def item_at(self, row: int) -> Any: ...


def model_objects(
    model: KeyedModel,
    kind: str,
    name_of: Callable[[Any], str],
    prefix: str = "",
    actions: tuple[QAction, ...] | None = None,
) -> list[PaletteObject]:
    """A page's objects for the palette, from the model it shows (``prefix`` tells apart two
    models of one page in ``reveal_object``'s key; ``actions``: those that apply to them)."""
    return [
        PaletteObject(
            kind, name_of(model.item_at(row)), prefix + model.key_at(row), actions=actions
        )
        for row in range(model.rowCount())
    ]


@dataclass(frozen=True)
class PaletteItem:
    entry: Entry
    detail: str  # the keys and where: "Ctrl+N · Storage"
    run: Callable[[], None]


class PaletteWindow(Protocol):
    """What the palette needs of the main window."""

    def page_titles(self) -> list[tuple[str, str, str]]: ...  # (key, title, shortcut)

    def page(self, key: str) -> QWidget: ...

    def show_page_key(self, key: str) -> None: ...

    def window_commands(self) -> list[Command]: ...

    def page_commands(self, key: str) -> list[Command]: ...

    def say(self, text: str) -> None: ...

    def is_connected(self) -> bool: ...


def _detail(command: Command) -> str:
    keys = ", ".join(command.shortcuts)
    where = "" if command.scope == EVERYWHERE else command.scope
    return " · ".join(part for part in (keys, where) if part)


def _trigger(window: PaletteWindow, command: Command, what: str) -> None:
    if command.enabled:
        command.action.trigger()
    elif not window.is_connected():  # what turns most actions off; pages' tips say the rest
        window.say(f"{what}: {NOT_CONNECTED}")
    else:
        window.say(f"{what}: {command.why_disabled or NOT_NOW}")


def palette_items(window: PaletteWindow) -> list[PaletteItem]:
    items: list[PaletteItem] = []
    for key, title, shortcut in window.page_titles():
        items.append(
            PaletteItem(
                Entry(f"page:{key}", f"Go to {title}"),
                shortcut,
                lambda key=key: window.show_page_key(key),
            )
        )
    for command in window.window_commands():
        items.append(
            PaletteItem(
                Entry(f"window:{command.text}", command.text),
                _detail(command),
                lambda command=command: _trigger(window, command, command.text),
            )
        )
    for key, _title, _shortcut in window.page_titles():
        items.extend(_page_items(window, key))
    return items


def _page_items(window: PaletteWindow, page_key: str) -> list[PaletteItem]:
    page = window.page(page_key)
    commands = [c for c in window.page_commands(page_key) if not c.alias_scope]
    items: list[PaletteItem] = []
    for command in commands:
        if command.on_selection:
            continue  # offered for each object below

        def run(command: Command = command) -> None:
            window.show_page_key(page_key)
            _trigger(window, command, command.text)

        items.append(
            PaletteItem(Entry(f"{page_key}:{command.text}", command.text), _detail(command), run)
        )
    objects: Callable[[], Sequence[PaletteObject]] | None = getattr(page, "palette_objects", None)
    reveal: Callable[[str], bool] | None = getattr(page, "reveal_object", None)
    if objects is None or reveal is None:
        return items
    selection_commands = [c for c in commands if c.on_selection]
    where = window_title_of(window, page_key)
    for found in objects():
        label = f"{found.kind} {found.name}"
        go = _Reveal(window, page_key, reveal, found)
        items.append(
            PaletteItem(
                Entry(f"{page_key}:object:{found.key}", f"{found.verb} {label}"), where, go.run
            )
        )
        for command in selection_commands:
            if found.actions is not None and command.action not in found.actions:
                continue
            items.append(
                PaletteItem(
                    Entry(
                        f"{page_key}:{command.text}:{found.key}",
                        f"{command.text.removesuffix('…')}: {label}",  # "Delete: pool nfs1"
                    ),
                    _detail(command),
                    _RevealThenRun(go, command).run,
                )
            )
    return items


@dataclass(frozen=True)
class _Reveal:
    """Show the page and select the object there (it may have gone since the palette opened)."""

    window: PaletteWindow
    page_key: str
    reveal: Callable[[str], bool]
    found: PaletteObject

    def __call__(self) -> bool:
        self.window.show_page_key(self.page_key)
        if self.reveal(self.found.key):
            return True
        self.window.say(f"{self.found.kind} {self.found.name} is no longer there")
        return False

    def run(self) -> None:
        self()


@dataclass(frozen=True)
class _RevealThenRun:
    go: _Reveal
    command: Command

    def run(self) -> None:
        if self.go():
            label = f"{self.go.found.kind} {self.go.found.name}"
            _trigger(self.go.window, self.command, f"{self.command.text} {label}")


def window_title_of(window: PaletteWindow, page_key: str) -> str:
    for key, title, _shortcut in window.page_titles():
        if key == page_key:
            return title
    return ""

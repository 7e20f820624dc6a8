"""The page registry: each feature declares its page, the Watch-fed models it reads and its
actions; the main window builds its sidebar, stack, View menu, shortcuts and Watch routing from
it (a command palette and a cheat sheet will read the same registry).

A feature registers in a ``register(registry)`` function listed in ``console.features``:

    registry.add_model(WatchModelSpec("pools", (pb.OBJECT_KIND_POOL,), PoolsModel))
    registry.add_page(PageSpec("storage", "Storage", 30, "Ctrl+3", make_storage_page))
    registry.add_action(ActionSpec("view.refresh", "&Refresh Detail", "&View", ...))

Pages are plain widgets. The window calls these optional hooks when a page has them:
``focus_target() -> QWidget`` (where Ctrl+<n> puts the focus), ``set_connection_state(state)``,
``async stop()`` (on close), a ``notice`` signal (a line for the status bar), ``refresh()``
(F5) and ``search_field() -> QLineEdit`` (Ctrl+F).

Watch-fed models may have hooks too: ``bind_endpoint(source)`` (called once, for a model that
reads the coordinator itself, e.g. the usage store's history) and ``async stop()`` (on close).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol, TypeVar

from PySide6.QtCore import QObject
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QMainWindow, QWidget

from console.connection import EndpointSource
from console.kit.watch_kinds import OBJECT_KIND_UNSPECIFIED

if TYPE_CHECKING:  # the registry is read before the window shows, without the stubs
    from proto.quantix.v1 import coordinator_pb2 as pb

T = TypeVar("T")


class WatchFed(Protocol):
    """A model that takes Watch events (console.models.watch_list_model.WatchListModel, or a
    store of what is not an object, like console.usage.usage_store.UsageStore)."""

    def apply_event(self, event: pb.WatchEvent) -> None: ...

    def clear(self) -> None: ...


@dataclass(frozen=True)
class WatchModelSpec:
    """A model fed by the window's one Watch stream.

    ``kinds``: the object kinds routed to it (RESET and SYNCED, which have no kind, reach every
    model). ``clear_on_switch``: emptied at once when the window connects to another
    coordinator, so no object of the old one is shown as the new one's.
    """

    key: str
    kinds: tuple[int, ...]
    factory: Callable[[QObject], WatchFed]
    clear_on_switch: bool = True

    def takes(self, kind: int) -> bool:
        return kind == OBJECT_KIND_UNSPECIFIED or kind in self.kinds


@dataclass(frozen=True)
class PageContext:
    """What a page factory is given: the window (the page's parent), the coordinator's
    endpoint (asked at each call) and the Watch-fed models, by key."""

    window: QMainWindow
    endpoint: EndpointSource
    models: Mapping[str, QObject]

    def model(self, key: str, kind: type[T]) -> T:
        """The model registered as ``key``; a wrong type is a registration bug, said at once."""
        found = self.models[key]
        if not isinstance(found, kind):
            raise TypeError(f"model {key!r} is a {type(found).__name__}, not a {kind.__name__}")
        return found


@dataclass(frozen=True)
class PageSpec:
    """A sidebar page. ``order`` places it (lower first; leave gaps for pages to come);
    ``shortcut`` switches to it (``"Ctrl+3"``)."""

    key: str
    title: str
    order: int
    shortcut: str
    factory: Callable[[PageContext], QWidget]
    default: bool = False  # F5 and Ctrl+F go here from pages that have no detail or search


class Shell(Protocol):
    """What an action may do to the window."""

    def current_page(self) -> QWidget: ...

    def default_page(self) -> QWidget: ...

    def show_page_key(self, key: str) -> None: ...

    def page(self, key: str) -> QWidget:
        """The page registered as ``key``, built now if it has not been shown yet."""
        ...


@dataclass(frozen=True)
class ActionSpec:
    """A command in a menu, with its shortcut: a standard key where the platform has one,
    else ``fallback`` (e.g. F5 where no Refresh key is defined)."""

    key: str
    text: str
    menu: str  # the menu's title, with its mnemonic: "&View"
    run: Callable[[Shell], None]
    shortcut: QKeySequence.StandardKey | str = ""
    fallback: str = ""

    def key_sequence(self) -> QKeySequence:
        sequence = QKeySequence(self.shortcut)
        if sequence.isEmpty() and self.fallback:
            return QKeySequence(self.fallback)
        return sequence


@dataclass
class PageRegistry:
    _pages: dict[str, PageSpec] = field(default_factory=dict)
    _models: dict[str, WatchModelSpec] = field(default_factory=dict)
    _actions: dict[str, ActionSpec] = field(default_factory=dict)

    def add_page(self, spec: PageSpec) -> None:
        _unique(self._pages, spec.key, "page")
        for other in self._pages.values():
            if QKeySequence(other.shortcut) == QKeySequence(spec.shortcut):
                raise ValueError(f"pages {other.key!r} and {spec.key!r} share {spec.shortcut}")
            if spec.default and other.default:
                raise ValueError(f"pages {other.key!r} and {spec.key!r} are both the default")
        self._pages[spec.key] = spec

    def add_model(self, spec: WatchModelSpec) -> None:
        _unique(self._models, spec.key, "model")
        self._models[spec.key] = spec

    def add_action(self, spec: ActionSpec) -> None:
        _unique(self._actions, spec.key, "action")
        self._actions[spec.key] = spec

    def pages(self) -> list[PageSpec]:
        """In sidebar order."""
        return sorted(self._pages.values(), key=lambda page: page.order)

    def models(self) -> list[WatchModelSpec]:
        """In registration order: the order Watch events reach them."""
        return list(self._models.values())

    def actions(self) -> list[ActionSpec]:
        return list(self._actions.values())


def _unique(registered: Mapping[str, object], key: str, what: str) -> None:
    if key in registered:
        raise ValueError(f"{what} {key!r} is registered twice")

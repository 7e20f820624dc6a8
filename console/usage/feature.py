"""The usage store, registered as the Watch-fed model ``"usage"`` (console.usage.usage_store):
it takes the stream's hosts (their names and sizes) and its live usage batches, and reads the
history itself when the stream is synced. Any page reaches it with
``context.model("usage", UsageStore)``; it has no page of its own.

The store's module is imported by its factory (see console.hosts.feature)."""

from __future__ import annotations

from PySide6.QtCore import QObject

from console.kit import watch_kinds
from console.kit.pages import PageRegistry, WatchFed, WatchModelSpec


def make_store(parent: QObject) -> WatchFed:
    from console.usage.usage_store import UsageStore

    return UsageStore(parent)


def register(registry: PageRegistry) -> None:
    # Usage batches are not objects (no key, never in a snapshot): the store takes them as
    # samples, and the hosts' Node events only for names and weights.
    kinds = (watch_kinds.OBJECT_KIND_NODE, watch_kinds.OBJECT_KIND_HOST_USAGE)
    registry.add_model(WatchModelSpec("usage", kinds, make_store))

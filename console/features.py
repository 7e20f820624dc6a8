"""Every feature of the console, each registering its page, models and actions.

The one list a new feature is added to (``MainWindow`` is never edited for it). The order is
that in which models take Watch events and actions join their menus; pages are placed by their
own ``order``.
"""

from __future__ import annotations

from collections.abc import Callable

from console import view_actions
from console.audit import feature as audit
from console.clusters import feature as clusters
from console.hosts import feature as hosts
from console.images import feature as images
from console.kit.pages import PageRegistry
from console.networks import feature as networks
from console.pages import placeholders
from console.storage import feature as storage
from console.usage import feature as usage

FEATURES: tuple[Callable[[PageRegistry], None], ...] = (
    usage.register,  # before the pages that read it; its model takes Node events too
    hosts.register,
    storage.register,
    networks.register,
    clusters.register,
    images.register,
    audit.register,
    placeholders.register,
    view_actions.register,
)


def build_registry() -> PageRegistry:
    registry = PageRegistry()
    for register in FEATURES:
        register(registry)
    return registry

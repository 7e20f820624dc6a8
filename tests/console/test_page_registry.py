"""The page registry: what features register, and the window built from it alone."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QObject
from PySide6.QtWidgets import QLabel, QWidget

from console.features import build_registry
from console.identity_store import IdentityStore
from console.kit.pages import PageContext, PageRegistry, PageSpec, WatchModelSpec
from console.main_window import MainWindow
from console.models.hosts_model import HostsModel
from proto.quantix.v1 import coordinator_pb2 as pb
from tests.console.messages import event, make_node


def _label(context: PageContext) -> QWidget:
    return QLabel("extra", context.window)


def test_features_register_pages_in_order_with_their_shortcuts():
    pages = build_registry().pages()
    assert [(p.key, p.shortcut) for p in pages] == [
        ("hosts", "Ctrl+1"),
        ("clusters", "Ctrl+2"),
        ("storage", "Ctrl+3"),
        ("images", "Ctrl+4"),
        ("networks", "Ctrl+5"),
        ("audit", "Ctrl+6"),
        ("switches", "Ctrl+7"),
    ]


def test_models_take_their_kinds_and_every_kindless_event():
    specs = {spec.key: spec for spec in build_registry().models()}
    assert specs["pools"].takes(pb.OBJECT_KIND_POOL)
    assert not specs["pools"].takes(pb.OBJECT_KIND_NODE)
    assert all(spec.takes(pb.OBJECT_KIND_UNSPECIFIED) for spec in specs.values())


def test_a_key_or_shortcut_registered_twice_is_refused():
    registry = PageRegistry()
    registry.add_page(PageSpec("a", "A", 1, "Ctrl+1", _label))
    with pytest.raises(ValueError, match="registered twice"):
        registry.add_page(PageSpec("a", "B", 2, "Ctrl+2", _label))
    with pytest.raises(ValueError, match="share"):
        registry.add_page(PageSpec("b", "B", 2, "Ctrl+1", _label))
    registry.add_model(WatchModelSpec("m", (pb.OBJECT_KIND_NODE,), HostsModel))
    with pytest.raises(ValueError, match="registered twice"):
        registry.add_model(WatchModelSpec("m", (pb.OBJECT_KIND_POOL,), HostsModel))


def test_context_names_a_model_of_the_wrong_type():
    context = PageContext(None, lambda: None, {"hosts": QObject()})  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="not a HostsModel"):
        context.model("hosts", HostsModel)


def test_a_registered_page_joins_the_window_without_editing_it(qtbot, run, settings):
    """What a new feature does: register a page after the others and a model for a kind."""
    registry = build_registry()
    registry.add_model(WatchModelSpec("more_hosts", (pb.OBJECT_KIND_NODE,), HostsModel))
    registry.add_page(PageSpec("extra", "Extra", 80, "Ctrl+8", _label))
    window = MainWindow(settings, IdentityStore(), registry=registry)
    try:
        assert window.sidebar.item(7).text() == "Extra"
        assert window.page_actions[7].shortcut().toString() == "Ctrl+8"
        window.show_page_key("extra")
        assert window.current_page() is window.page("extra")
        window._on_watch_event(event(pb.WatchEvent.TYPE_ADDED, "host-a", make_node("host-a")))
        more = window.context.model("more_hosts", HostsModel)
        qtbot.waitUntil(lambda: more.rowCount() == 1 and window.model.rowCount() == 1)
    finally:
        window.close()
        run(window.wait_closed())
        window.deleteLater()

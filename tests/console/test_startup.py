"""Start-up: the main window is on screen before anything slow is imported or built.

What the console imports is checked in a fresh interpreter (this test process has imported
everything long ago): the window is shown offscreen as quantix-console shows it, and the
modules loaded at that moment, and once it has started (painted, models and first page built),
are compared with the ones that must wait. Then a real window on a real fleet: a page is built
on its first visit, over models the Watch stream has already filled.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from console.kit import watch_kinds
from console.pages.hosts_page import HostsPage
from console.pages.storage_page import StoragePage
from proto.quantix.v1 import coordinator_pb2 as pb
from tests.console.conftest import activate

ROOT = Path(__file__).resolve().parents[2]
# A fresh interpreter importing PySide6 on a busy 2-core machine: generous, never a figure.
CHILD_TIMEOUT_S = 60
FLEET_TIMEOUT_MS = 60_000

# Shows the window as console.app's run_console does and reports what is imported.
CHILD = """
import json, sys
import qasync
from PySide6.QtWidgets import QApplication
import console.app

def loaded():
    return sorted(sys.modules)

async def main():
    window = console.app.MainWindow()
    window.show()
    shown = {"visible": window.isVisible(), "modules": loaded()}
    await window.wait_started()
    started = {"page": type(window.current_page()).__name__, "modules": loaded()}
    window.shut_down()
    await window.wait_closed()
    print(json.dumps({"shown": shown, "started": started}))

app = QApplication([sys.argv[0]])
console.app.apply_style(app)
qasync.run(main())
"""

# Slow to import, or the pages, models, wizards and dialogs (packages include their modules):
# none before the window shows.
NOT_BEFORE_SHOW = (
    "grpc",
    "google.protobuf",
    "proto.quantix",
    "keyring",
    "cryptography",
    "clients",
    "trust",
    "console.watch",  # (console.watch_bridge, without gRPC, is the window's)
    "console.models",
    "console.pages.hosts_page",
    "console.pages.storage_page",
    "console.pages.audit_page",
    "console.clusters.clusters_page",
    "console.networks.networks_page",
    "console.images.images_page",
    "console.usage.usage_store",
    "console.wizards",
    "console.storage.create_pool_wizard",
    "console.dialogs",
    "console.demo",
)
# Once started, the Hosts page (on show) and the models are built; the rest waits for a visit
# (or, for the connect dialog and keyring, for app.py to open the dialog).
NOT_BEFORE_VISIT = (
    "console.pages.storage_page",
    "console.clusters.clusters_page",
    "console.clusters.create_cluster_wizard",
    "console.networks.networks_page",
    "console.networks.create_network_wizard",
    "console.images.images_page",
    "console.wizards",
    "console.dialogs.connect_dialog",
    "keyring",
)


def matching(modules: list[str], names: tuple[str, ...]) -> list[str]:
    """The modules that are one of ``names`` or inside one of them."""
    return [
        module
        for module in modules
        if any(module == name or module.startswith(f"{name}.") for name in names)
    ]


@pytest.fixture(scope="module")
def child() -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", CHILD],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=CHILD_TIMEOUT_S,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_window_shows_before_anything_slow_is_imported(child):
    shown = child["shown"]
    assert shown["visible"]
    assert matching(shown["modules"], NOT_BEFORE_SHOW) == []
    # The shell is there: the window, the registry every feature registered in.
    assert "console.main_window" in shown["modules"]
    assert "console.features" in shown["modules"]


def test_once_started_the_first_page_and_the_models_are_built_and_no_other_page(child):
    started = child["started"]
    assert started["page"] == HostsPage.__name__
    assert "console.models.hosts_model" in started["modules"]
    assert "console.models.pools_model" in started["modules"]
    assert matching(started["modules"], NOT_BEFORE_VISIT) == []


def test_watch_kinds_are_the_protos_own_numbers():
    """The registry's kinds (read before the stubs are imported) and the stubs agree: every
    kind the proto has, by name and number, and no other."""
    protos = dict(pb.ObjectKind.items())
    ours = {name: value for name, value in vars(watch_kinds).items() if name.isupper()}
    assert ours == protos


def test_ctrl_3_builds_the_storage_page_over_a_model_already_filled(window, one_host_fleet, qtbot):
    window.connect_to(one_host_fleet.coordinator_endpoint())
    # host-a's test-driver pools, found on the host, have reached the model through Watch...
    qtbot.waitUntil(lambda: window.discovered_model.rowCount() > 0, timeout=FLEET_TIMEOUT_MS)
    # ... while no Storage page exists yet.
    assert not [page for page in window.built_pages() if isinstance(page, StoragePage)]

    activate(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    page = window.stack.currentWidget()
    assert isinstance(page, StoragePage)
    assert window.sidebar.currentItem().text() == "Storage"
    assert page in window.built_pages()
    # Built on the filled model: it shows a pool found on host-a at once.
    assert page.select_discovered(window.discovered_model.key_at(0))
    # A second visit shows the same page, not a new one.
    qtbot.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert window.stack.currentWidget() is page

"""Console tests: real widgets, offscreen, on one qasync event loop; an in-memory keyring.

The loop: one qasync ``QEventLoop(qapp, already_running=True)`` for the whole session (NOTES.md:
stopping it per test ends the QApplication). It is made the running asyncio loop only while a
console test runs, so other test folders can still call ``asyncio.run()`` afterwards.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any QApplication exists

import asyncio
from collections.abc import Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar

import keyring
import keyring.backends.fail
import pytest
import qasync
from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from clients.channels import Endpoint
from console.identity_store import IdentityStore
from console.main_window import MainWindow
from console.settings import ConsoleSettings
from console.style import apply_style
from domain.backoff import Backoff
from localfleet import LocalFleet
from localfleet.trust import FleetTrust
from tests.console.daemons import FLEET_HEARTBEAT_INTERVAL_S, START_TIMEOUT_S
from tests.fleet_client import wait_registered
from trust.credentials import Identity

T = TypeVar("T")


class MemoryKeyring(KeyringBackend):
    """An in-memory keyring: what the console stores is visible to the test, and nothing
    touches the machine's real keyring."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if (service, username) not in self.entries:
            raise PasswordDeleteError("no such password")
        del self.entries[(service, username)]


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(keyring.backends.fail.Keyring())


@pytest.fixture(scope="session")
def qasync_loop(qapp: QApplication) -> Iterator[qasync.QEventLoop]:
    apply_style(qapp)  # the real style sheet, so that tests see what users see
    loop = qasync.QEventLoop(qapp, already_running=True)
    asyncio.events._set_running_loop(None)
    # Our own executor (asyncio.to_thread runs keyring calls on it), shut down at the end so
    # that no worker QThread outlives the session.
    executor = qasync.QThreadExecutor(4)
    loop.set_default_executor(executor)
    yield loop
    executor.shutdown(wait=True)


@pytest.fixture(autouse=True)
def qt_loop(qasync_loop: qasync.QEventLoop) -> Iterator[qasync.QEventLoop]:
    # Only the *running* loop is switched (what asyncio.get_running_loop(), tasks and grpc.aio
    # use); the policy's current loop is left alone for the other test folders.
    asyncio.events._set_running_loop(qasync_loop)
    try:
        yield qasync_loop
    finally:
        asyncio.events._set_running_loop(None)


@pytest.fixture
def settings(tmp_path: Path) -> ConsoleSettings:
    """Settings in a file of the test's own, never the user's."""
    return ConsoleSettings(QSettings(str(tmp_path / "console.ini"), QSettings.Format.IniFormat))


class LoopRunner:
    """Runs coroutines on the qasync loop from a synchronous test, pumping Qt meanwhile."""

    def __init__(self, qtbot: Any, loop: qasync.QEventLoop) -> None:
        self._qtbot = qtbot
        self._loop = loop

    def __call__(self, coroutine: Coroutine[Any, Any, T], timeout_s: float = 60.0) -> T:
        task = self._loop.create_task(coroutine)
        self._qtbot.waitUntil(task.done, timeout=int(timeout_s * 1000))
        return task.result()


@pytest.fixture
def run(qtbot: Any, qt_loop: qasync.QEventLoop) -> LoopRunner:
    return LoopRunner(qtbot, qt_loop)


def activate(qtbot: Any, widget: Any) -> None:
    """Make ``widget``'s window the active one, so that shortcuts and focus work offscreen
    (``activateWindow()`` alone does not activate a window on the offscreen platform)."""
    widget.windowHandle().requestActivate()
    qtbot.waitUntil(widget.isActiveWindow, timeout=5000)


@pytest.fixture(scope="session")
def admin_identity(tmp_path_factory: pytest.TempPathFactory) -> Identity:
    """An admin identity of a CA of its own, for tests that dial no coordinator of a fleet
    (an unreachable address, a scripted server of the same CA)."""
    return FleetTrust(tmp_path_factory.mktemp("pki")).identity("admin")


@pytest.fixture
def unreachable(admin_identity: Identity) -> Endpoint:
    """A coordinator endpoint nothing listens on (127.0.0.1:1)."""
    return Endpoint("127.0.0.1:1", admin_identity)


@pytest.fixture
def window(qtbot: Any, settings: ConsoleSettings, run: LoopRunner) -> Iterator[Any]:
    """The main window, shown, closed at teardown the way users close it."""
    main = MainWindow(settings, IdentityStore())
    # Tests retry fast; the console's own delays are tested in test_watch.
    main.watch._backoff = Backoff(initial=0.05, maximum=0.3)
    # Not qtbot.addWidget(): pytest-qt would delete the window before this fixture's
    # teardown could close it the way users do (stopping its stream first).
    main.show()
    qtbot.waitExposed(main)
    # Painted, its models and first page built (console.main_window's start-up order).
    qtbot.waitUntil(main.started.done, timeout=5000)
    yield main
    if not main.closed.done():
        main.close()
        run(main.wait_closed())
    main.deleteLater()


@pytest.fixture
def one_host_fleet(tmp_path: Path, run: LoopRunner) -> Iterator[Any]:
    """A real coordinator and host-a (enrolled with a join token), started on the console's
    loop and registered before the test starts."""
    fleet = run(
        LocalFleet.start(tmp_path, ("host-a",), heartbeat_interval_s=FLEET_HEARTBEAT_INTERVAL_S),
        START_TIMEOUT_S,
    )
    try:
        run(wait_registered(fleet.coordinator_endpoint(), ("host-a",)), START_TIMEOUT_S)
        yield fleet
    finally:
        run(fleet.stop(), 60)


# Models the inventory fills, with the rows each holds once the whole inventory has arrived.
INVENTORY_ROWS = {
    "hosts": 3,
    "pools": 3,
    "discovered_pools": 1,
    "networks": 2,
    "switches": 1,
    "clusters": 2,
    "images": 6,
    "audit": 2,
}


@pytest.fixture
def inventory_window(window: Any, run: LoopRunner, qtbot: Any, tmp_path: Path) -> Iterator[Any]:
    """The main window connected (mutual TLS, loopback) to a scripted Watch serving a realistic
    inventory (tests.console.inventory): every page has rows, selections and enabled actions."""
    from tests.console.inventory import InventoryWatchServer

    server = InventoryWatchServer(FleetTrust(tmp_path / "inventory-pki"))
    run(server.start())
    try:
        window.connect_to(server.endpoint)

        def filled() -> bool:
            return all(
                window.models[key].rowCount() >= rows  # type: ignore[attr-defined]
                for key, rows in INVENTORY_ROWS.items()
            )

        qtbot.waitUntil(filled, timeout=15_000)
        yield window
    finally:
        run(server.stop())

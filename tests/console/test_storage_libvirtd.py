"""The Storage page on a REAL libvirtd (qemu:///system): a real coordinator and a node daemon
named "real-host" on it, the real console widgets (pytest-qt) on the qasync loop.

What is real here: the mount error of an NFS pool (this machine has no NFS kernel client, so
libvirt's mount fails) and the connection error of a user-space iSCSI initiator against a
closed local port. Both must reach the card's banner, as the delegate paints it, and the
detail panel's full message, naming the host. `make test` starts libvirtd; without it the
``system_libvirt_uri`` fixture fails (never skips).
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Callable, Iterator

import libvirt
import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QStyleOptionViewItem

from clients.channels import Endpoint
from clients.coordinator import CoordinatorClient
from console.identity_store import IdentityStore
from console.kit.card_model import CARD_ROLE
from console.kit.status_card import StatusCard
from console.main_window import MainWindow
from console.models.hosts_model import Column
from domain.backoff import Backoff
from domain.pools import (
    Backend,
    IscsiInitiator,
    IscsiSource,
    NfsSource,
    PoolSpec,
    validate_pool_spec,
)
from localfleet import LocalFleet
from proto.quantix.v1 import common_pb2 as cpb
from proto.quantix.v1 import coordinator_pb2 as pb
from tests.node.conftest import free_port
from wire.pool_codec import spec_to_pb

HOST = "real-host"
INITIATOR_IQN = "iqn.2024-01.com.example:real-host"
CHAP_SECRET = "s3cret-Real-Chap"  # must never show on a card or in the detail
# Generous: about what happens, not how fast. NFS's soft mount gives up on its own; libvirt
# and the coordinator's per-host deadline (30 s) bound the rest.
STARTUP_TIMEOUT_MS = 90_000
SETTLE_TIMEOUT_MS = 120_000
# The coordinator only needs to hear from real-host once; a long interval keeps it from being
# called OFFLINE on a loaded machine mid-test (which would change the messages).
HEARTBEAT_INTERVAL_S = 600.0


# --- fixtures ---------------------------------------------------------------------------------


@pytest.fixture
def real_fleet(tmp_path, run, start_system_node, pool_names) -> Iterator[LocalFleet]:
    """A coordinator and one node daemon, "real-host", on the real libvirtd; both stop with
    the fleet (the node is one of ``fleet.nodes``). It uses ``pool_names`` so that the
    leftovers on libvirtd are removed after the node daemon has stopped, not while it runs."""
    fleet = run(
        LocalFleet.start(tmp_path, node_names=(), heartbeat_interval_s=HEARTBEAT_INTERVAL_S), 90
    )
    try:
        run(start_system_node(fleet, HOST), 90)
        yield fleet
    finally:
        run(fleet.stop(), 60)


@pytest.fixture
def pool_names(system_libvirt_uri) -> Iterator[Callable[[str], str]]:
    """Unique pool names; whatever is left of them on libvirtd (a pool, a quantix secret) is
    destroyed and undefined afterwards, whether the test passed or not."""
    names: list[str] = []

    def make(prefix: str) -> str:
        name = f"qt-console-{prefix}-{uuid.uuid4().hex[:8]}"
        names.append(name)
        return name

    yield make
    libvirt.registerErrorHandler(lambda _ctx, _error: None, None)
    conn = libvirt.open(system_libvirt_uri)
    try:
        for name in names:
            try:
                pool = conn.storagePoolLookupByName(name)
            except libvirt.libvirtError:
                pass
            else:
                if pool.isActive():
                    pool.destroy()
                pool.undefine()
            for usage in (libvirt.VIR_SECRET_USAGE_TYPE_ISCSI, libvirt.VIR_SECRET_USAGE_TYPE_CEPH):
                with contextlib.suppress(libvirt.libvirtError):  # none: nothing to remove
                    conn.secretLookupByUsage(usage, f"quantix-pool-{name}").undefine()
    finally:
        conn.close()


@pytest.fixture
def window(qtbot, settings, run, real_fleet) -> Iterator[MainWindow]:
    main = MainWindow(settings, IdentityStore())
    main.watch._backoff = Backoff(initial=0.1, maximum=0.5)
    main.resize(1440, 900)
    main.show()
    qtbot.waitExposed(main)
    main.connect_to(real_fleet.coordinator_endpoint())
    qtbot.waitUntil(lambda: host_status(main) == "Connected", timeout=STARTUP_TIMEOUT_MS)
    qtbot.waitUntil(lambda: main.pools_model.is_synced, timeout=STARTUP_TIMEOUT_MS)
    main.show_page(2)
    yield main
    if not main.closed.done():
        main.close()
        run(main.wait_closed(), 60)
    main.deleteLater()


# --- helpers ----------------------------------------------------------------------------------


def host_status(window: MainWindow) -> str:
    row = window.model.row_of(HOST)
    return "" if row is None else str(window.model.index(row, Column.STATUS).data())


def phase(window: MainWindow, name: str) -> int:
    pool = window.pools_model.pool(name)
    return cpb.PHASE_UNSPECIFIED if pool is None else pool.realization.phase


async def create(endpoint: Endpoint, spec: PoolSpec) -> pb.Pool:
    async with CoordinatorClient(endpoint) as client:
        return await client.create_pool(spec_to_pb(spec, include_secrets=True))


def secret_stored(uri: str, name: str) -> bool:
    libvirt.registerErrorHandler(lambda _ctx, _error: None, None)
    conn = libvirt.open(uri)
    try:
        conn.secretLookupByUsage(libvirt.VIR_SECRET_USAGE_TYPE_ISCSI, f"quantix-pool-{name}")
        return True
    except libvirt.libvirtError as error:
        assert error.get_error_code() == libvirt.VIR_ERR_NO_SECRET
        return False
    finally:
        conn.close()


def is_defined(uri: str, name: str) -> bool:
    libvirt.registerErrorHandler(lambda _ctx, _error: None, None)
    conn = libvirt.open(uri)
    try:
        conn.storagePoolLookupByName(name)
        return True
    except libvirt.libvirtError as error:
        assert error.get_error_code() == libvirt.VIR_ERR_NO_STORAGE_POOL
        return False
    finally:
        conn.close()


class RecordingPainter(QPainter):
    """A painter that keeps every text drawn through it: what the card really shows."""

    def __init__(self, device: QImage) -> None:
        super().__init__(device)
        self.texts: list[str] = []

    def drawText(self, *args: object) -> None:
        if isinstance(args[-1], str):
            self.texts.append(args[-1])
        super().drawText(*args)


def painted_banner(window: MainWindow, name: str) -> tuple[StatusCard, list[str]]:
    """The card the view holds for ``name`` (CARD_ROLE, what the delegate paints) and the
    banner lines the delegate draws for it, at the size the view gives it."""
    page = window.storage_page
    assert page.select_pool(name)
    index = page.view.currentIndex()
    card = index.data(CARD_ROLE)
    assert isinstance(card, StatusCard)
    size = page.view.visualRect(index).size()
    image = QImage(size, QImage.Format.Format_ARGB32)
    image.fill(QColor("#ffffff"))
    painter = RecordingPainter(image)
    option = QStyleOptionViewItem()
    option.rect = QRect(QPoint(0, 0), size)
    option.font = page.view.font()
    try:
        page.delegate.paint(painter, option, index)
    finally:
        painter.end()
    assert "!" in painter.texts, f"no banner drawn: {painter.texts}"
    return card, painter.texts[painter.texts.index("!") + 1 :]


def assert_banner_and_detail(
    window: MainWindow, name: str, step: str, cause: str
) -> tuple[str, list[str]]:
    """The ERROR card's banner (model data and the painted lines) and the detail's full
    message name the host, the step and libvirt's text; returns the banner text and the
    lines the delegate painted."""
    pool = window.pools_model.pool(name)
    (status,) = pool.realization.hosts
    assert (status.host, status.phase) == (HOST, cpb.PHASE_ERROR)
    card, lines = painted_banner(window, name)
    assert card.phase_label == "Error"
    assert (card.chips[0].host, card.chips[0].label) == (HOST, "Error")
    banner = card.banner
    assert banner == pool.realization.message
    assert banner.startswith(f"Not ready on any host: {HOST}: {step}: "), banner
    assert cause in banner, banner
    # Painted: the start names the host and the step; the last line ends as the error does.
    painted = " ".join(lines)
    assert painted.startswith(f"Not ready on any host: {HOST}: {step.split()[0]}"), lines
    ending = lines[-1].removeprefix("…").strip()
    assert ending and " ".join(banner.split()).endswith(ending), (lines, banner)
    # The detail panel: the full message, selectable, as the coordinator gave it.
    detail = window.storage_page.detail
    assert detail.pool is not None and detail.pool.spec.name == name
    assert detail.error_view.isVisible()
    assert detail.error_view.text_label.text() == banner
    return banner, lines


# --- tests ------------------------------------------------------------------------------------


def test_nfs_mount_failure_is_an_error_card_with_the_real_mount_nfs_text(
    window, qtbot, run, real_fleet, pool_names, system_libvirt_uri
):
    name = pool_names("nfs")
    spec = validate_pool_spec(
        PoolSpec(
            name,
            Backend.NFS,
            NfsSource("127.0.0.1", "/export", mount_options=("soft", "timeo=50")),
        )
    )
    run(create(real_fleet.coordinator_endpoint(), spec))
    qtbot.waitUntil(lambda: phase(window, name) == cpb.PHASE_ERROR, timeout=SETTLE_TIMEOUT_MS)

    banner, lines = assert_banner_and_detail(window, name, "NFS mount failed", "mount.nfs: ")
    assert "mount.nfs: " in lines[-1]  # the cause is on the card, not only in the detail
    # libvirt's own text: the mount command it ran for 127.0.0.1:/export, then mount.nfs's.
    assert "-t nfs 127.0.0.1:/export " in banner
    (status,) = window.pools_model.pool(name).realization.hosts
    assert status.reason == "MOUNT_FAILED"
    assert not is_defined(system_libvirt_uri, name)  # rolled back on the host


def test_userspace_iscsi_against_a_closed_port_is_an_error_card_with_the_real_error(
    window, qtbot, run, real_fleet, pool_names, system_libvirt_uri
):
    name = pool_names("iscsi")
    portal = f"127.0.0.1:{free_port()}"
    spec = validate_pool_spec(
        PoolSpec(
            name,
            Backend.ISCSI,
            IscsiSource(
                portal,
                f"iqn.2024-01.com.example:storage.{name}",
                initiator_iqn=INITIATOR_IQN,
                chap_user="quantix-chap",
                chap_secret=CHAP_SECRET,
                initiator=IscsiInitiator.USERSPACE,
            ),
        )
    )
    run(create(real_fleet.coordinator_endpoint(), spec))
    qtbot.waitUntil(lambda: phase(window, name) == cpb.PHASE_ERROR, timeout=SETTLE_TIMEOUT_MS)

    banner, _lines = assert_banner_and_detail(
        window, name, "iSCSI login failed", "internal error: Failed to"
    )
    (status,) = window.pools_model.pool(name).realization.hosts
    assert status.reason == "ISCSI_LOGIN_FAILED"
    assert CHAP_SECRET not in banner
    assert CHAP_SECRET not in window.pools_model.card(name).tooltip
    assert not is_defined(system_libvirt_uri, name)  # rolled back on the host
    assert not secret_stored(system_libvirt_uri, name)  # its CHAP secret too

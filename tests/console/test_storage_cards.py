"""What a pool card says and how the delegate draws it: badge, capacity, chips, banner."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtGui import QColor, QFont, QFontMetrics, QImage, QPainter
from PySide6.QtWidgets import QStyleOptionViewItem

from console import pool_text
from console.kit.card_delegate import StatusCardDelegate, banner_lines
from console.kit.card_layout import CARD_SIZE, card_geometry, place_chips
from console.kit.phase_style import AMBER, RED
from console.kit.status_card import HostChip
from console.models.pools_model import PoolsModel
from console.pool_card import card_of
from console.pool_text import Usage
from proto.quantix.v1 import common_pb2 as cpb
from proto.quantix.v1 import coordinator_pb2 as pb
from tests.console.storage_messages import (
    NFS_MOUNT_ERROR,
    GiB,
    ceph_spec,
    error_pool,
    host_status,
    iscsi_spec,
    local_spec,
    make_pool,
    nfs_spec,
    pool_snapshot,
    ready_pool,
)


def test_ready_card_has_badge_capacity_and_chips_but_no_banner():
    card = card_of(ready_pool("nfs-images"))
    assert card.phase_label == "Ready"
    assert card.kind_label == "NFS"
    assert card.source == "nas01.example.com:/export/nfs-images"
    assert card.capacity == "600.0 GiB of 2.0 TiB used · 29 %"
    assert card.usage is Usage.NORMAL
    assert [(c.host, c.label) for c in card.chips] == [
        ("host-a", "Ready"),
        ("host-b", "Ready"),
        ("host-c", "Ready"),
    ]
    assert card.banner == ""
    assert card.hosts_summary == "Ready on 3 hosts"


def test_error_card_banner_is_the_coordinators_message_naming_each_host():
    pool = error_pool("nfs-backup")
    card = card_of(pool)
    assert card.phase_label == "Error"
    assert card.banner == pool.realization.message
    assert card.banner.startswith("Not ready on any host: host-a: NFS mount failed: ")
    assert "host-b: " in card.banner and card.banner.endswith("mount.nfs: No such device")
    assert card.capacity == "No capacity: not ready on any host"
    assert [(c.host, c.label) for c in card.chips] == [("host-a", "Error"), ("host-b", "Error")]


@pytest.mark.parametrize(
    ("phase", "hosts", "banner"),
    [
        (cpb.PHASE_DEGRADED, [cpb.PHASE_READY, cpb.PHASE_ERROR], True),
        (cpb.PHASE_PENDING, [cpb.PHASE_PENDING, cpb.PHASE_ERROR], True),
        (cpb.PHASE_PENDING, [cpb.PHASE_PENDING, cpb.PHASE_OFFLINE], True),
        (cpb.PHASE_PENDING, [cpb.PHASE_PENDING, cpb.PHASE_READY], False),
        (cpb.PHASE_READY, [cpb.PHASE_READY], False),
    ],
)
def test_which_cards_carry_a_banner(phase, hosts, banner):
    statuses = [
        host_status(f"host-{i}", p, "" if p == cpb.PHASE_READY else f"failed {i}")
        for i, p in enumerate(hosts)
    ]
    pool = make_pool(nfs_spec("p"), phase, statuses, message="the coordinator's message")
    assert bool(card_of(pool).banner) is banner


def test_a_banner_without_a_message_still_names_the_failing_hosts():
    pool = make_pool(
        nfs_spec("p"),
        cpb.PHASE_DEGRADED,
        [host_status("host-a"), host_status("host-b", cpb.PHASE_OFFLINE, "host-b is offline")],
    )
    assert card_of(pool).banner == "host-b: host-b is offline"


@pytest.mark.parametrize(
    ("used", "usage", "suffix"),
    [
        (740, Usage.NORMAL, "74 %"),
        (750, Usage.WARNING, "75 % — filling up"),
        (899, Usage.WARNING, "90 % — filling up"),  # 89.9 % shows as 90 but is not yet 90
        (900, Usage.CRITICAL, "90 % — nearly full"),
        (1000, Usage.CRITICAL, "100 % — nearly full"),
    ],
)
def test_capacity_warns_at_75_and_90_percent_in_words_too(used, usage, suffix):
    assert pool_text.usage_of(used * GiB, 1000 * GiB)[1] is usage
    assert pool_text.capacity_text(used * GiB, 1000 * GiB).endswith(suffix)


def test_every_backend_has_a_source_line():
    assert card_of(make_pool(local_spec("l"))).source == "/var/lib/quantix/pools/l"
    assert card_of(make_pool(ceph_spec("c"))).source == "rbd on mon1.example.com +1"
    assert card_of(make_pool(iscsi_spec("i"))).source == (
        "san01.example.com · iqn.2024-01.com.example:storage"
    )


def test_chips_that_do_not_fit_become_plus_n(qapp):
    metrics = QFontMetrics(QFont())
    chips = tuple(HostChip(f"host-{i:02d}", cpb.PHASE_READY, "Ready") for i in range(12))
    placed = place_chips(chips, QRect(0, 0, 280, 20), metrics)
    shown = [p.chip.host for p in placed if p.chip]
    assert 1 <= len(shown) < 12
    assert placed[-1].chip is None and placed[-1].text == f"+{12 - len(shown)}"
    assert placed[-1].rect.right() <= 280
    assert place_chips(chips[:1], QRect(0, 0, 280, 20), metrics)[0].text == "host-00 · Ready"


def _geometry(delegate: StatusCardDelegate, font: QFont):
    title, small, _badge = delegate.fonts(font)
    rect = QRect(0, 0, CARD_SIZE.width(), CARD_SIZE.height())
    return card_geometry(rect, QFontMetrics(title).height(), QFontMetrics(small).height())


def _paint(delegate: StatusCardDelegate, pool: pb.Pool, font: QFont) -> QImage:
    model = PoolsModel()
    model.apply_events(pool_snapshot([pool]))
    image = QImage(CARD_SIZE, QImage.Format.Format_ARGB32)
    image.fill(QColor("#ffffff"))
    painter = QPainter(image)
    option = QStyleOptionViewItem()
    option.rect = QRect(0, 0, CARD_SIZE.width(), CARD_SIZE.height())
    option.font = font
    delegate.paint(painter, option, model.index(0, 0))
    painter.end()
    return image


def test_the_painted_banner_shows_the_start_and_the_end_of_the_error(qapp):
    delegate = StatusCardDelegate()
    font = QFont()
    small = delegate.fonts(font)[1]
    geometry = _geometry(delegate, font)
    card = card_of(error_pool("nfs-backup", hosts=("host-a",)))
    lines = banner_lines(card, small, geometry.banner)
    assert len(lines) == 3
    assert lines[0].startswith("Not ready on any host: host-a: NFS mount")
    assert lines[-1].startswith("…") and lines[-1].endswith("mount.nfs: No such device")
    assert NFS_MOUNT_ERROR.endswith(lines[-1][1:].strip())


def test_the_banner_is_red_for_error_and_amber_for_degraded(qapp):
    delegate = StatusCardDelegate()
    font = QFont()
    banner = _geometry(delegate, font).banner
    inside = QPoint(banner.right() - 6, banner.bottom() - 4)  # clear of the text
    degraded = make_pool(
        nfs_spec("nfs-half"),
        cpb.PHASE_DEGRADED,
        [host_status("host-a"), host_status("host-b", cpb.PHASE_ERROR, NFS_MOUNT_ERROR)],
        message=f"Ready on 1 of 2 hosts; not on host-b: host-b: {NFS_MOUNT_ERROR}",
    )
    error_colour = _paint(delegate, error_pool("nfs-backup"), font).pixelColor(inside)
    degraded_colour = _paint(delegate, degraded, font).pixelColor(inside)
    ready_colour = _paint(delegate, ready_pool("nfs-ok"), font).pixelColor(inside)
    assert error_colour.name() == QColor(RED.background).name()
    assert degraded_colour.name() == QColor(AMBER.background).name()
    assert ready_colour.name() == "#ffffff"  # no banner on a ready card


def test_figures_libvirt_cannot_mean_are_shown_as_unknown_never_as_a_figure():
    pool = ready_pool("thin")
    pool.capacity_bytes, pool.allocation_bytes, pool.available_bytes = 10 * GiB, 20 * GiB, 2**64 - 1
    card = card_of(pool)
    assert card.capacity.startswith("Capacity unknown (libvirt reported available ")
    assert "PiB" not in card.capacity and card.fraction is None and card.usage is Usage.UNKNOWN


def test_a_pool_with_nothing_available_has_the_warning_colour_and_says_full():
    pool = ready_pool("full")
    pool.capacity_bytes, pool.allocation_bytes, pool.available_bytes = 100 * GiB, 60 * GiB, 0
    card = card_of(pool)
    assert card.usage is Usage.CRITICAL
    assert card.capacity.endswith("— full")

"""The status kit serves a kind other than pools: a network-like object's card and host table."""

from __future__ import annotations

from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import QStyleOptionViewItem

from console.kit.card_delegate import StatusCardDelegate
from console.kit.card_layout import CARD_SIZE
from console.kit.host_table import HostColumn, HostStatusTable
from console.kit.phase_text import phase_label
from console.kit.status_card import StatusCard, host_chips, ready_summary
from console.widgets.tables import column_texts
from domain.capacity import Usage
from proto.quantix.v1 import common_pb2 as cpb

REALIZATION = cpb.Realization(
    phase=cpb.PHASE_DEGRADED,
    message="host-b: bridge qs-1 could not be created",
    hosts=[
        cpb.HostStatus(host="host-b", phase=cpb.PHASE_ERROR, message="bridge failed"),
        cpb.HostStatus(host="host-a", phase=cpb.PHASE_READY, notes=["qs-1"]),
    ],
)


def network_card() -> StatusCard:
    return StatusCard(
        name="lab-net",
        icon="quantix.svg",
        kind_label="NAT network",
        phase=REALIZATION.phase,
        phase_label=phase_label(REALIZATION.phase),
        source="10.0.0.0/24",
        description="",
        capacity="12 of 253 addresses leased",
        fraction=12 / 253,
        usage=Usage.NORMAL,
        chips=host_chips(REALIZATION.hosts),
        banner=REALIZATION.message,
        hosts_summary=ready_summary(REALIZATION),
    )


def test_a_card_of_another_kind_orders_chips_and_summarises_hosts():
    card = network_card()
    assert [chip.host for chip in card.chips] == ["host-b", "host-a"]  # failing first
    assert card.hosts_summary == "Ready on 1 of 2 hosts"
    assert "NAT network: 10.0.0.0/24" in card.tooltip


def test_the_delegate_draws_a_card_of_another_kind(qtbot):
    image = QImage(CARD_SIZE, QImage.Format.Format_ARGB32)
    image.fill(0)
    option = QStyleOptionViewItem()
    option.rect = image.rect()

    class Index:
        def data(self, _role: int) -> StatusCard:
            return network_card()

    painter = QPainter(image)
    StatusCardDelegate().paint(painter, option, Index())  # type: ignore[arg-type]
    painter.end()
    assert image.pixel(CARD_SIZE.width() // 2, 3) != 0  # the frame was drawn


def test_host_table_takes_a_kind_s_own_columns(qtbot):
    table = HostStatusTable((HostColumn("Bridge", lambda s: "; ".join(s.notes)),), "No host")
    qtbot.addWidget(table)
    table.show_hosts(REALIZATION.hosts)
    assert column_texts(table.table, 0) == ["host-a", "host-b"]
    assert column_texts(table.table, 2) == ["qs-1", ""]
    assert column_texts(table.table, 3) == ["—", "bridge failed"]
    assert table.message.text() == "host-b — Error\nbridge failed"  # the failing host first

"""The Switches page's matrix: each host's uplink as that host checked it, a NIC whose MTU is not
the switch's (or that is missing, down, or not in the switch) marked and explained in words."""

from __future__ import annotations

from PySide6.QtCore import Qt

from console.networks.switches_model import SwitchesModel
from console.networks.switches_page import SwitchesPage
from domain.switches import HostUplinks, SwitchSpec, UplinkNic
from proto.quantix.v1 import common_pb2 as cpb
from proto.quantix.v1 import coordinator_pb2 as pb
from wire.switch_codec import switch_to_pb

SPEC = SwitchSpec(
    name="dvs1",
    uplinks=("uplink1", "uplink2"),
    active=("uplink1",),
    standby=("uplink2",),
    mtu=9000,
    hosts=(
        HostUplinks("host-a", (UplinkNic("uplink1", "eth1"), UplinkNic("uplink2", "eth2"))),
        HostUplinks("host-b", (UplinkNic("uplink1", "eth1"), UplinkNic("uplink2", "eth3"))),
    ),
)


def uplink(name: str, nic: str, **facts: object) -> cpb.SwitchUplinkHealth:
    values = dict(
        present=True, link_up=True, speed_mbps=10000, mtu=9000, mtu_matches=True, enslaved=True
    )
    values.update(facts)
    return cpb.SwitchUplinkHealth(uplink=name, nic=nic, **values)


def switch_event() -> pb.WatchEvent:
    switch = pb.Switch(spec=switch_to_pb(SPEC))
    a = switch.realization.hosts.add(host="host-a", phase=cpb.PHASE_READY)
    a.switch_health.uplinks.extend(
        [uplink("uplink1", "eth1"), uplink("uplink2", "eth2", mtu=1400, mtu_matches=False)]
    )
    b = switch.realization.hosts.add(
        host="host-b", phase=cpb.PHASE_ERROR, message="uplink2 -> eth3: no such interface"
    )
    b.switch_health.uplinks.extend(
        [uplink("uplink1", "eth1"), uplink("uplink2", "eth3", present=False, mtu=0)]
    )
    event = pb.WatchEvent(type=pb.WatchEvent.TYPE_ADDED, kind=pb.OBJECT_KIND_SWITCH, key="dvs1")
    event.switch.CopyFrom(switch)
    return event


def test_mismatches_are_marked_and_explained(qtbot):
    model = SwitchesModel()
    page = SwitchesPage(model)
    qtbot.addWidget(page)
    model.apply_event(switch_event())
    model.flush()
    qtbot.waitUntil(lambda: page.matrix.rowCount() == 2)
    matrix = page.matrix
    assert [matrix.headerData(c, Qt.Orientation.Horizontal) for c in range(3)] == [
        "Host",
        "uplink1",
        "uplink2",
    ]
    assert matrix.index(0, 0).data() == "host-a (Ready)"
    assert matrix.index(0, 1).data() == "eth1 · up · 10 Gbit/s · MTU 9000"
    assert matrix.index(0, 1).data(Qt.ItemDataRole.BackgroundRole) is None
    flagged = matrix.index(0, 2)
    assert flagged.data().endswith("⚠ eth2: MTU 1400, the switch's is 9000")
    assert flagged.data(Qt.ItemDataRole.ToolTipRole) == "eth2: MTU 1400, the switch's is 9000"
    assert flagged.data(Qt.ItemDataRole.BackgroundRole) is not None
    assert matrix.index(1, 2).data(Qt.ItemDataRole.ToolTipRole) == (
        "eth3: no such interface on host-b"
    )
    assert page.problems.text() == (
        "Needs attention:\n"
        "host-a uplink2: eth2: MTU 1400, the switch's is 9000\n"
        "host-b uplink2: eth3: no such interface on host-b\n"
        "host-b: uplink2 -> eth3: no such interface"
    )
    assert "teaming: uplink1 (active), uplink2 (standby)" in page.facts.text()

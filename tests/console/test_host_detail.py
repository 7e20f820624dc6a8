"""The host detail panel, read from real node daemons on libvirt test-driver hosts.

Each host is a host file written for the test (localfleet's, with the facts the test checks
set in its XML); its node daemon registers with a real coordinator, as in a fleet. A host whose
facts cannot be read is real too: its libvirt reports more memory than HostInfo.memory_bytes
(uint64) can carry, so its node daemon fails GetHostInfo, and only GetHostInfo.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import libvirt
import pytest

from console.kit.card_style import USAGE_TEXT
from console.widgets.host_detail import HostDetailPanel, _pool_row
from domain.capacity import Usage
from localfleet import LocalFleet
from localfleet.testhosts import HostPool
from proto.quantix.v1 import common_pb2
from proto.quantix.v1 import coordinator_pb2 as pb
from tests.console.daemons import (
    FLEET_HEARTBEAT_INTERVAL_S,
    START_TIMEOUT_S,
    replace_node,
    start_node,
    write_host,
)
from tests.console.messages import make_node

POOLS = (
    HostPool("default", "dir", target="/var/lib/libvirt/images"),
    HostPool("nfs-isos", "netfs", {"host": "nas.lab", "dir": "/export/isos"}, "/mnt/isos"),
    HostPool("ceph-vms", "rbd", {"host": "mon1.lab", "port": "6789", "name": "vms"}),
)
GiB_IN_KiB = 1024 * 1024
# More than 2**64 bytes: libvirt reports it (in KiB), quantix.v1.HostInfo cannot carry it.
UNREPRESENTABLE_MEMORY_KiB = 2**60


def a_big_server(root: ET.Element) -> None:
    """hv1: 2 x 20 cores x 2 threads, 384 GiB, a NIC that reports no MTU or link, and a
    20 GiB volume in the default pool."""
    cpu = root.find("cpu")
    assert cpu is not None
    for tag, value in (
        ("model", "Intel Xeon Gold 6230"),
        ("mhz", "2100"),
        ("sockets", "2"),
        ("cores", "20"),
        ("threads", "2"),
        ("active", "80"),
    ):
        cpu_field = cpu.find(tag)
        assert cpu_field is not None
        cpu_field.text = value
    _set_memory(root, 384 * GiB_IN_KiB)
    eno2 = root.find("interface[@name='eno2']")
    assert eno2 is not None
    for tag in ("mtu", "link"):
        element = eno2.find(tag)
        assert element is not None
        eno2.remove(element)
    default_pool = root.find("pool")
    assert default_pool is not None
    volume = ET.SubElement(default_pool, "volume")
    ET.SubElement(volume, "name").text = "disk1.qcow2"
    for tag in ("capacity", "allocation"):
        ET.SubElement(volume, tag, unit="GiB").text = "20"


def unrepresentable_memory(root: ET.Element) -> None:
    _set_memory(root, UNREPRESENTABLE_MEMORY_KiB)


def _set_memory(root: ET.Element, kib: int) -> None:
    memory = root.find("memory")
    assert memory is not None
    memory.text = str(kib)


@pytest.fixture
def fleet(tmp_path, run):
    """A real coordinator, and hv1's node daemon on the host a_big_server describes."""
    fleet = run(
        LocalFleet.start(tmp_path, node_names=(), heartbeat_interval_s=FLEET_HEARTBEAT_INTERVAL_S),
        START_TIMEOUT_S,
    )
    try:
        uri = write_host(tmp_path / "hosts" / "hv1.xml", "hv1", a_big_server, POOLS)
        run(start_node(fleet, "hv1", uri), START_TIMEOUT_S)
        yield fleet
    finally:
        run(fleet.stop(), 60)


@pytest.fixture
def panel(qtbot, run, request, admin_identity):
    # The console's identity: the fleet's admin when the test has a fleet.
    fleet = request.getfixturevalue("fleet") if "fleet" in request.fixturenames else None
    identity = fleet.trust.identity() if fleet is not None else admin_identity
    # As the main window asks its pools model: Quantix manages nfs-isos on hv1.
    widget = HostDetailPanel(
        managed_pools=lambda host: {"nfs-isos"} if host == "hv1" else set(),
        identity=lambda: identity,
    )
    qtbot.addWidget(widget)
    widget.resize(900, 500)
    widget.show()
    yield widget
    run(widget.stop())


def table_rows(table) -> list[list[str]]:
    return [
        [
            table.item(row, col).text() if table.item(row, col) else ""
            for col in range(table.columnCount())
        ]
        for row in range(table.rowCount())
    ]


def hv1_node(fleet: LocalFleet, status: int = pb.NODE_STATUS_CONNECTED) -> pb.Node:
    return make_node("hv1", status, address=fleet.node_address("hv1"))


def test_shows_facts_pools_and_networks(panel, fleet, qtbot):
    assert panel.empty_label.isVisible()
    address = fleet.node_address("hv1")
    with qtbot.waitSignal(panel.loaded, timeout=15_000) as blocker:
        panel.show_host(hv1_node(fleet))
    detail = blocker.args[0]
    assert detail.errors == []
    assert not panel.error_view.isVisible()
    assert panel.title_label.text() == "hv1"
    assert address in panel.subtitle_label.text()

    uri = detail.host_info.libvirt_uri
    assert uri.startswith("test:///") and uri.endswith("/hosts/hv1.xml")
    # The test driver names the host after the machine it runs on.
    conn = libvirt.open(uri)
    try:
        expected_hostname = conn.getHostname()
    finally:
        conn.close()
    overview = {key: label.text() for key, label in panel.overview.items()}
    assert overview["hostname"] == expected_hostname
    # The test driver reports its own fixed architecture next to the model in the host file.
    assert overview["cpu"] == f"Intel Xeon Gold 6230 ({detail.host_info.cpu.arch})"
    assert overview["topology"] == ("2 sockets × 20 cores × 2 threads = 80 logical CPUs, 2100 MHz")
    assert overview["memory"] == "384.0 GiB"
    assert overview["hypervisor"].startswith("TEST ")
    assert overview["libvirt"].endswith(f" · {uri}")
    # The test driver does not report pool capabilities: the list is Quantix's, and says so.
    assert "Local directory, " in overview["pool_types"]
    assert "Network file system (NFS)" in overview["pool_types"]
    assert overview["pool_types"].endswith(
        "\n(assumed: the TEST driver does not report storage pool capabilities)"
    )

    assert table_rows(panel.nics_table) == [
        ["eno1", "52:54:00:00:00:01", "9000", "10 Gbit/s", "Up"],
        ["eno2", "52:54:00:00:00:02", "Unknown", "Unknown", "Unknown"],
    ]
    assert table_rows(panel.pools_table) == [
        [
            "ceph-vms",
            "Unmanaged",
            "Ceph RBD",
            "Running",
            "100.0 GiB",
            "0 B",
            "100.0 GiB",
            "mon1.lab:6789/vms",
        ],
        [
            "default",
            "Unmanaged",
            "Local directory",
            "Running",
            "100.0 GiB",
            "20.0 GiB",
            "80.0 GiB",
            "/var/lib/libvirt/images",
        ],
        [
            "nfs-isos",
            "Managed",
            "Network file system (NFS)",
            "Running",
            "100.0 GiB",
            "0 B",
            "100.0 GiB",
            "nas.lab:/export/isos",
        ],
    ]
    assert table_rows(panel.networks_table) == [
        ["default", "Active", "NAT", "virbr0", "192.168.122.1/24", "No"],
        ["storage-isolated", "Active", "Isolated", "virbr1", "10.10.0.1/24", "No"],
    ]
    assert panel.tabs.tabText(2) == "&Storage pools (3)"


def test_a_failed_read_is_shown_in_full_next_to_what_worked(panel, fleet, tmp_path, qtbot, run):
    broken = write_host(tmp_path / "hosts" / "hv2.xml", "hv2", unrepresentable_memory, POOLS)
    address = run(start_node(fleet, "hv2", broken), START_TIMEOUT_S)
    with qtbot.waitSignal(panel.loaded, timeout=15_000):
        panel.show_host(make_node("hv2", address=address))
    assert panel.error_view.isVisible()
    assert panel.error_view.title_label.text() == (
        f"Could not read everything from hv2 ({address})"
    )
    # The whole chain, in one line: what was read, where, the code, and the node daemon's own
    # text (its host name, its step, and the underlying error).
    text = panel.error_view.text_label.text()
    assert text.startswith(
        f"Reading host facts: hv2 ({address}) internal error: hv2: reading host facts failed: "
    )
    assert str(UNREPRESENTABLE_MEMORY_KiB * 1024) in text
    assert "\n" not in text
    assert panel.overview["hostname"].text() == "Not available (see the error above)"
    assert table_rows(panel.nics_table) == [["Not available (see the error above)"] + [""] * 4]
    # The rest is still there.
    assert [row[0] for row in table_rows(panel.pools_table)] == ["ceph-vms", "default", "nfs-isos"]
    assert [row[0] for row in table_rows(panel.networks_table)] == ["default", "storage-isolated"]

    # An admin fixes the host; Refresh reads it again, from the same address.
    fixed = write_host(tmp_path / "hosts" / "hv2-fixed.xml", "hv2", None, POOLS)
    assert run(replace_node(fleet, "hv2", fixed), START_TIMEOUT_S) == address
    with qtbot.waitSignal(panel.loaded, timeout=15_000):
        panel.refresh_button.click()
    assert not panel.error_view.isVisible()
    assert panel.overview["memory"].text() == "64.0 GiB"


def test_an_unreachable_node_daemon(panel, qtbot):
    with qtbot.waitSignal(panel.loaded, timeout=30_000):
        panel.show_host(make_node("hv9", pb.NODE_STATUS_OFFLINE, address="127.0.0.1:1"))
    # One cause, said once, with the full gRPC text; no empty tabs under it.
    text = panel.error_view.text_label.text()
    assert text.startswith(
        "Reading host facts, storage pools and networks: hv9 (127.0.0.1:1) unreachable: "
    )
    assert "\n" not in text
    assert panel.error_view.title_label.text() == (
        "Could not read the detail of hv9 (127.0.0.1:1) — the coordinator reports this host offline"
    )
    assert not panel.tabs.isVisible()


def test_only_a_new_host_or_one_back_online_is_read_again(panel, fleet, qtbot):
    node = hv1_node(fleet)
    with qtbot.waitSignal(panel.loaded, timeout=15_000):
        panel.show_host(node)
    first = panel.detail
    panel.show_host(hv1_node(fleet, pb.NODE_STATUS_OFFLINE))
    assert panel.detail is first  # a status change alone does not re-read...
    assert "Offline" in panel.subtitle_label.text()  # ...but the header follows it
    with qtbot.waitSignal(panel.loaded, timeout=15_000):
        panel.show_host(node)  # back online: read again
    assert panel.detail is not first

    panel.show_host(None)
    assert panel.empty_label.isVisible()
    assert panel.detail is None


def test_a_host_without_address(panel, qtbot):
    node = make_node("hv2")
    node.address = ""
    with qtbot.waitSignal(panel.loaded, timeout=15_000):
        panel.show_host(node)
    assert "no node daemon address" in panel.error_view.text_label.text()


def test_a_hosts_pool_figures_that_cannot_be_true_or_show_a_full_pool_are_marked():
    gib = 1024**3
    underflow = common_pb2.HostStoragePool(
        name="thin", type="logical", capacity_bytes=10 * gib, allocation_bytes=20 * gib
    )
    row = _pool_row(underflow, managed=False)
    assert row[4].text == "unknown (libvirt reported allocation 20.0 GiB > capacity 10.0 GiB)"
    assert row[5:7] == ("—", "—")
    full = common_pb2.HostStoragePool(
        name="full", type="dir", capacity_bytes=10 * gib, allocation_bytes=9 * gib
    )
    row = _pool_row(full, managed=True)
    assert row[1] == "Managed"
    assert (row[6].text, row[6].colour) == ("0 B", USAGE_TEXT[Usage.CRITICAL])

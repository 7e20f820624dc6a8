"""The host detail panel, read from a (scripted) node daemon over real gRPC."""

from __future__ import annotations

import pytest

from console.widgets.host_detail import HostDetailPanel
from proto.quantix.v1 import coordinator_pb2 as pb
from tests.console.fakes import FakeNodeDaemon, LoopbackServer, make_node


@pytest.fixture
def node_daemon(run):
    server = LoopbackServer(FakeNodeDaemon())
    run(server.start())
    yield server
    run(server.stop())


@pytest.fixture
def panel(qtbot, run):
    widget = HostDetailPanel()
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


def test_shows_facts_pools_and_networks(panel, node_daemon, qtbot):
    assert panel.empty_label.isVisible()
    node = make_node("hv1", address=node_daemon.address)
    with qtbot.waitSignal(panel.loaded, timeout=15_000) as blocker:
        panel.show_host(node)
    detail = blocker.args[0]
    assert detail.errors == []
    assert not panel.error_view.isVisible()
    assert panel.title_label.text() == "hv1"
    assert node_daemon.address in panel.subtitle_label.text()

    overview = {key: label.text() for key, label in panel.overview.items()}
    assert overview["hostname"] == "hv1.example.net"
    assert overview["cpu"] == "Intel Xeon Gold 6230 (x86_64)"
    assert overview["topology"] == ("2 sockets × 20 cores × 2 threads = 80 logical CPUs, 2100 MHz")
    assert overview["memory"] == "384.0 GiB"
    assert overview["hypervisor"] == "QEMU 7.2.0"
    assert overview["libvirt"] == "9.0.0 · qemu:///system"
    # Unknown pool types are shown as such, never dropped.
    assert overview["pool_types"] == (
        "Local directory, Network file system (NFS), Unknown type (frobfs)"
    )

    assert table_rows(panel.nics_table) == [
        ["eno1", "52:54:00:12:34:56", "9000", "10 Gbit/s", "Up"],
        ["eno2", "52:54:00:12:34:57", "Unknown", "Unknown", "Unknown (interface inactive)"],
    ]
    assert table_rows(panel.pools_table) == [
        [
            "default",
            "Local directory",
            "Running",
            "500.0 GiB",
            "120.0 GiB",
            "380.0 GiB",
            "/var/lib/libvirt/images",
        ],
        ["odd", "Unknown type (frobfs)", "Inaccessible", "0 B", "0 B", "0 B", "—"],
    ]
    assert table_rows(panel.networks_table) == [
        ["default", "Active", "NAT", "virbr0", "192.168.122.1/24", "Yes"],
    ]
    assert panel.tabs.tabText(2) == "&Storage pools (2)"


def test_a_failed_read_is_shown_in_full_next_to_what_worked(panel, node_daemon, qtbot):
    message = (
        "cannot list storage pools: internal error: Child process (/bin/mount -t nfs "
        "nas:/export /mnt) unexpected exit status 32: mount.nfs: access denied by server"
    )
    node_daemon.servicer.fail_pools = message
    with qtbot.waitSignal(panel.loaded, timeout=15_000):
        panel.show_host(make_node("hv1", address=node_daemon.address))
    assert panel.error_view.isVisible()
    assert panel.error_view.title_label.text() == (
        f"Could not read everything from hv1 ({node_daemon.address})"
    )
    assert panel.error_view.text_label.text() == (
        f"Reading storage pools: hv1 ({node_daemon.address}) internal error: {message}"
    )
    assert panel.overview["memory"].text() == "384.0 GiB"  # the rest is still there
    assert table_rows(panel.pools_table) == [["Not available (see the error above)"] + [""] * 6]

    node_daemon.servicer.fail_pools = ""
    with qtbot.waitSignal(panel.loaded, timeout=15_000):
        panel.refresh_button.click()
    assert not panel.error_view.isVisible()


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


def test_only_a_new_host_or_one_back_online_is_read_again(panel, node_daemon, qtbot):
    node = make_node("hv1", address=node_daemon.address)
    with qtbot.waitSignal(panel.loaded, timeout=15_000):
        panel.show_host(node)
    first = panel.detail
    panel.show_host(make_node("hv1", pb.NODE_STATUS_OFFLINE, address=node_daemon.address))
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

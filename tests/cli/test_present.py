"""How the console words statuses, ages, CPUs and speeds."""

from __future__ import annotations

from clients import present
from proto.quantix.v1 import common_pb2
from proto.quantix.v1 import coordinator_pb2 as pb
from tests.console.messages import make_node

NOW = 1_800_000_000.0


def test_offline_status_is_worded_live_from_the_time_of_the_last_heartbeat():
    node = make_node("host-b", pb.NODE_STATUS_OFFLINE, last_seen=NOW - 17)
    since = present.clock_time(NOW - 17, NOW)
    assert present.node_status_text(node, NOW) == f"Offline — no heartbeat since {since}, 17 s ago"
    assert present.node_status_text(node, NOW + 190) == (
        f"Offline — no heartbeat since {since}, 3 min ago"
    )


def test_offline_pool_host_and_pool_message_are_worded_with_the_same_time():
    status = common_pb2.HostStatus(
        host="host-b", phase=common_pb2.PHASE_OFFLINE, message="host-b is offline", reason="OFFLINE"
    )
    status.offline_since.FromSeconds(int(NOW - 200))
    pool = pb.Pool(
        realization=common_pb2.Realization(
            phase=common_pb2.PHASE_DEGRADED,
            message="Ready on 1 of 2 hosts; not on host-b: host-b is offline",
            hosts=[common_pb2.HostStatus(host="host-a", phase=common_pb2.PHASE_READY), status],
        )
    )
    worded = (
        f"host-b is offline: no heartbeat since {present.clock_time(NOW - 200, NOW)}, 3 min ago"
    )
    assert present.pool_host_message(status, NOW) == worded
    assert present.pool_message(pool, NOW) == f"Ready on 1 of 2 hosts; not on host-b: {worded}"
    assert present.has_ticking_text(pool)


def test_clock_time_names_the_day_when_it_is_not_today():
    assert ":" in present.clock_time(NOW, NOW) and " " not in present.clock_time(NOW, NOW)
    assert len(present.clock_time(NOW - 3 * 86400, NOW).split()) == 3  # "Nov 26 10:42:07"


def test_status_without_last_seen_shows_the_coordinators_message():
    node = make_node("host-b", pb.NODE_STATUS_OFFLINE, message="Node daemon stopped")
    assert present.node_status_text(node, NOW) == "Offline — Node daemon stopped"
    maintenance = make_node(
        "host-c", pb.NODE_STATUS_MAINTENANCE, message="Put in maintenance by an admin"
    )
    assert (
        present.node_status_text(maintenance, NOW) == "Maintenance — Put in maintenance by an admin"
    )
    assert present.node_status_text(make_node("host-a"), NOW) == "Connected"
    assert present.status_label(42) == "Unknown status (42)"


def test_last_seen():
    offline = make_node("b", pb.NODE_STATUS_OFFLINE, last_seen=NOW - 3)
    assert present.last_seen_text(offline, NOW) == "3 s ago"
    # Connected: heartbeats arrive (the coordinator does not stream each one): "Now".
    assert present.last_seen_text(make_node("a", last_seen=NOW - 300), NOW) == "Now"
    assert present.last_seen_text(make_node("c", pb.NODE_STATUS_OFFLINE), NOW) == "—"


def test_relative_age():
    assert present.relative_age(0) == "0 s ago"
    assert present.relative_age(-5) == "0 s ago"  # a clock slightly ahead of ours
    assert present.relative_age(59.9) == "59 s ago"
    assert present.relative_age(61) == "1 min ago"
    assert present.relative_age(3 * 3600) == "3 h ago"
    assert present.relative_age(3 * 3600 + 5 * 60) == "3 h 5 min ago"
    assert present.relative_age(3 * 86400) == "3 d ago"


def test_cpu_summary_and_topology():
    cpu = common_pb2.CpuInfo(model="Intel Xeon", arch="x86_64", logical_cpus=16)
    assert present.cpu_summary(cpu) == "Intel Xeon · 16 threads"
    assert present.cpu_summary(common_pb2.CpuInfo(arch="aarch64", logical_cpus=1)) == (
        "aarch64 · 1 thread"
    )
    assert present.cpu_summary(common_pb2.CpuInfo()) == "Unknown CPU"
    full = common_pb2.CpuInfo(
        sockets=2, cores_per_socket=8, threads_per_core=2, logical_cpus=32, mhz=2400
    )
    assert present.cpu_topology(full) == (
        "2 sockets × 8 cores × 2 threads = 32 logical CPUs, 2400 MHz"
    )


def test_nic_and_network_labels():
    assert present.nic_speed(10000) == "10 Gbit/s"
    assert present.nic_speed(2500) == "2.5 Gbit/s"
    assert present.nic_speed(100) == "100 Mbit/s"
    assert present.nic_speed(-1) == "Unknown"
    assert present.mtu_text(0) == "Unknown"
    nic = common_pb2.NetworkInterface(link_state="up", active=True)
    assert present.nic_link(nic) == "Up"
    assert present.nic_link(common_pb2.NetworkInterface()) == "Unknown (interface inactive)"
    assert present.network_forward_label("") == "Isolated"
    assert present.network_forward_label("nat") == "NAT"
    assert present.network_forward_label("weird") == "weird"
    assert present.pool_state_label(common_pb2.STORAGE_POOL_STATE_RUNNING) == "Running"
    assert present.pool_state_label(99) == "Unknown state (99)"

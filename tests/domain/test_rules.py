from domain import node_status
from domain.backoff import Backoff
from domain.node_status import NodeStatus
from domain.pool_types import is_known_pool_type, pool_type_label
from domain.units import format_bytes


def test_backoff_doubles_up_to_the_cap_and_resets():
    backoff = Backoff(initial=1.0, maximum=60.0, jitter=0.0)
    delays = [backoff.next_delay() for _ in range(9)]
    assert delays == [1, 2, 4, 8, 16, 32, 60, 60, 60]
    backoff.reset()
    assert backoff.next_delay() == 1


def test_backoff_jitter_stays_within_ten_percent():
    backoff = Backoff(initial=10.0, maximum=10.0)
    for _ in range(100):
        assert 9.0 <= backoff.next_delay() <= 11.0


def test_offline_after_three_missed_heartbeats():
    assert not node_status.is_overdue(last_seen=100.0, now=114.9, heartbeat_interval_s=5)
    assert node_status.is_overdue(last_seen=100.0, now=115.1, heartbeat_interval_s=5)


def test_heartbeat_never_ends_maintenance():
    assert node_status.status_after_heartbeat(NodeStatus.MAINTENANCE) is NodeStatus.MAINTENANCE
    assert node_status.status_after_heartbeat(NodeStatus.OFFLINE) is NodeStatus.CONNECTED


def test_unknown_pool_types_are_labelled_not_dropped():
    assert pool_type_label("netfs") == "Network file system (NFS)"
    assert pool_type_label("quantum-foam") == "Unknown type (quantum-foam)"
    assert pool_type_label("") == "Unknown type"
    assert not is_known_pool_type("quantum-foam")
    for known in (
        "dir",
        "netfs",
        "rbd",
        "iscsi",
        "logical",
        "disk",
        "mpath",
        "scsi",
        "zfs",
        "gluster",
    ):
        assert is_known_pool_type(known)


def test_format_bytes():
    assert format_bytes(512) == "512 B"
    assert format_bytes(1536) == "1.5 KiB"
    assert format_bytes(64 * 1024**3) == "64.0 GiB"

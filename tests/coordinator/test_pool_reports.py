"""A host's pool list against its statuses: which list may overrule which status."""

from __future__ import annotations

from coordinator import host_statuses as hs
from coordinator import pool_status as ps
from proto.quantix.v1 import common_pb2

RUNNING = common_pb2.STORAGE_POOL_STATE_RUNNING
INACTIVE = common_pb2.STORAGE_POOL_STATE_INACTIVE


def stamp(boot: str, seq: int) -> common_pb2.ChangeStamp:
    return common_pb2.ChangeStamp(boot_id=boot, seq=seq)


def ready(seq: int) -> common_pb2.HostStatus:
    return common_pb2.HostStatus(
        host="host-b", phase=common_pb2.PHASE_READY, stamp=stamp("run-1", seq), notes=["a note"]
    )


def test_a_list_read_before_the_operation_cannot_overrule_its_outcome():
    # READY from init number 5; a list that reflects operations up to 4 was read before it.
    assert hs.newer_than(ready(5).stamp, stamp("run-1", 4))
    assert not hs.newer_than(ready(5).stamp, stamp("run-1", 5))
    # Another run of the daemon (it restarted): its lists are the newer.
    assert not hs.newer_than(ready(5).stamp, stamp("run-2", 1))
    # A status with no stamp (older data, a coordinator's own) never blocks a list.
    assert not hs.newer_than(common_pb2.ChangeStamp(), stamp("run-1", 0))


def test_a_list_that_includes_the_operation_decides_the_status():
    listed = stamp("run-1", 7)
    gone = ps.reported_status(ready(5), "nfs-a", None, 100.0, listed)
    assert gone is not None
    assert (gone.phase, gone.reason) == (common_pb2.PHASE_ERROR, "NOT_RUNNING")
    assert gone.message == "pool nfs-a is not defined on host-b any more: retry to initialize it"
    assert list(gone.notes) == ["a note"] and gone.stamp == listed

    stopped = common_pb2.HostStoragePool(name="nfs-a", state=INACTIVE)
    inactive = ps.reported_status(ready(5), "nfs-a", stopped, 100.0, listed)
    assert inactive is not None
    assert inactive.message == "pool nfs-a is inactive on host-b, not running: retry to start it"

    running = common_pb2.HostStoragePool(name="nfs-a", state=RUNNING, capacity_bytes=10)
    back = ps.reported_status(inactive, "nfs-a", running, 101.0, listed)
    assert back is not None
    assert (back.phase, back.storage.capacity_bytes, list(back.notes)) == (
        common_pb2.PHASE_READY,
        10,
        ["a note"],
    )
    # Nothing new: no change to store (and no Watch event).
    assert ps.reported_status(back, "nfs-a", running, 102.0, listed) is None


def test_a_pool_of_that_name_but_another_type_is_a_conflict_not_ready():
    replaced = common_pb2.HostStoragePool(name="vms", type="dir", state=RUNNING)
    status = ps.reported_status(ready(5), "vms", replaced, 100.0, stamp("run-1", 6), "netfs")
    assert status is not None
    assert (status.phase, status.reason) == (common_pb2.PHASE_ERROR, "CONFLICT")
    assert (
        status.message == "a pool named vms of another type (dir) is on host-b: it is not this pool"
    )
    assert not hs.follows_reports(status)  # shown as the unmanaged pool it is, until retried


def test_a_state_this_version_does_not_know_is_worded_not_raised():
    odd = common_pb2.HostStoragePool(name="vms", type="netfs", state=99)
    status = ps.reported_status(ready(5), "vms", odd, 100.0, stamp("run-1", 6), "netfs")
    assert status is not None
    assert status.message == (
        "pool vms is in an unknown state (99) on host-b, not running: retry to start it"
    )

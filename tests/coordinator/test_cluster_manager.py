"""The cluster manager over a real inventory, SQLite store and node registry, in process: a
cluster follows its hosts' usage, and is stored (and published) again only when something in
it moved. Without an event loop it follows each change at once; with one, a burst of changes
once, after coordinator.clusters.FOLLOW_DELAY_S."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from coordinator.cluster_facts import node_status
from coordinator.clusters import ClusterManager
from coordinator.inventory import Inventory
from coordinator.nodes import NodeRegistry
from coordinator.secret_box import SecretBox
from coordinator.store import SQLiteStore
from coordinator.watch import WatchHub
from domain.node_status import NodeStatus
from proto.quantix.v1 import coordinator_pb2 as pb
from tests.coordinator.cluster_wire import cluster_spec, registration
from tests.helpers import eventually


class Usage:
    """Latest usage per host, as the usage history keeps it (coordinator.clusters.LatestUsage)."""

    def __init__(self) -> None:
        self.samples: dict[str, tuple[float, float]] = {}

    def latest(self, host: str) -> tuple[float, float] | None:
        return self.samples.get(host)


class Coordinator:
    def __init__(self, tmp_path: Path) -> None:
        self.now = 1_800_000_000.0
        self.store = SQLiteStore(tmp_path / "db.sqlite", SecretBox(SecretBox.new_key()))
        self.inventory = Inventory(self.store, WatchHub())
        self.nodes = NodeRegistry(self.inventory, 5.0, clock=lambda: self.now)
        self.usage = Usage()
        self.clusters = ClusterManager(self.inventory, self.nodes, self.usage, lambda: self.now)

    def cluster_events_after(self, revision: int) -> list[pb.WatchEvent]:
        events = self.inventory.events_after(revision) or []
        return [e for e in events if e.kind == pb.OBJECT_KIND_CLUSTER]


def started(tmp_path: Path) -> Coordinator:
    coordinator = Coordinator(tmp_path)
    for host in ("host-a", "host-b", "host-c"):
        coordinator.nodes.register(registration(host))
    coordinator.clusters.create(cluster_spec("prod"), ["host-a", "host-b"], "alice")
    return coordinator


def status(cluster: pb.Cluster) -> tuple[str, str]:
    return pb.ClusterStatus.Name(cluster.status), cluster.status_message


def test_usage_above_ninety_percent_warns_and_the_warning_ends_when_it_drops(tmp_path):
    coordinator = started(tmp_path)
    clusters, usage = coordinator.clusters, coordinator.usage

    usage.samples["host-a"] = (0.95, 0.40)
    usage.samples["host-b"] = (0.20, 0.93)
    clusters.usage_changed(["host-a", "host-b"])
    busy = clusters.get("prod")

    usage.samples["host-a"] = (0.50, 0.40)
    usage.samples["host-b"] = (0.20, 0.50)
    clusters.usage_changed(["host-a", "host-b"])

    assert status(busy) == (
        "CLUSTER_STATUS_WARNING",
        "host-a CPU above 90 %; host-b memory above 90 %",
    )
    assert status(clusters.get("prod")) == ("CLUSTER_STATUS_HEALTHY", "All 2 hosts connected")


def test_a_cluster_is_stored_again_only_when_something_in_it_moved(tmp_path):
    coordinator = started(tmp_path)
    clusters, usage, nodes = coordinator.clusters, coordinator.usage, coordinator.nodes
    start = coordinator.inventory.revision

    usage.samples["host-a"] = (0.30, 0.30)  # below the line: the status reads the same
    clusters.usage_changed(["host-a"])
    usage.samples["host-c"] = (0.99, 0.99)  # in no cluster
    clusters.usage_changed(["host-c"])
    coordinator.now += 1
    nodes.heartbeat("host-a")  # only last_seen moves
    nodes.set_maintenance("host-c", True)  # a host of no cluster
    assert coordinator.cluster_events_after(start) == []

    usage.samples["host-a"] = (0.97, 0.30)
    clusters.usage_changed(["host-a"])
    clusters.usage_changed(["host-a"])  # the same reading again
    usage.samples["host-a"] = (0.98, 0.30)  # still busy: the reason reads the same
    clusters.usage_changed(["host-a"])
    nodes.set_maintenance("host-b", True)
    coordinator.now += 1
    nodes.heartbeat("host-b")  # maintenance outlives heartbeats: nothing to store
    moved = coordinator.cluster_events_after(start)
    assert [status(e.cluster) for e in moved] == [
        ("CLUSTER_STATUS_WARNING", "host-a CPU above 90 %"),
        ("CLUSTER_STATUS_WARNING", "host-b in maintenance; host-a CPU above 90 %"),
    ]


def test_derived_fields_are_recomputed_at_start_from_what_is_stored(tmp_path):
    coordinator = started(tmp_path)
    coordinator.store.close()

    # The same database, opened by a coordinator whose usage history says host-b is busy.
    again = Coordinator(tmp_path)
    again.usage.samples["host-b"] = (0.20, 0.99)
    again.clusters.refresh()
    assert status(again.clusters.get("prod")) == (
        "CLUSTER_STATUS_WARNING",
        "host-b memory above 90 %",
    )
    assert list(again.clusters.get("prod").hosts) == ["host-a", "host-b"]


def test_changes_in_the_fleet_within_the_follow_delay_are_followed_in_one_store(tmp_path):
    async def main():
        coordinator = started(tmp_path)
        start = coordinator.inventory.revision
        coordinator.nodes.set_maintenance("host-a", True)
        coordinator.nodes.set_maintenance("host-b", True)
        assert coordinator.cluster_events_after(start) == []  # not yet: within the delay

        async def probe():
            return coordinator.cluster_events_after(start)

        return await eventually(probe, bool, what="the cluster follows its hosts")

    [followed] = asyncio.run(main())
    assert status(followed.cluster) == (
        "CLUSTER_STATUS_WARNING",
        "host-a in maintenance; host-b in maintenance",
    )


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        (pb.NODE_STATUS_CONNECTED, NodeStatus.CONNECTED),
        (pb.NODE_STATUS_MAINTENANCE, NodeStatus.MAINTENANCE),
        (pb.NODE_STATUS_UNSPECIFIED, NodeStatus.OFFLINE),
        (99, NodeStatus.OFFLINE),  # from a newer build: counted as the registry counts it
    ],
)
def test_a_members_status_number_is_read_as_the_node_registry_reads_it(number, expected) -> None:
    assert node_status(pb.Node(status=number)) is expected

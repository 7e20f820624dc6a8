"""Clusters through a real coordinator process over mutual TLS: every field through the RPCs,
the SQLite store and a restart; every refusal with its code and reason, changing nothing; a
change seen by a second client's Watch; hosts released; every change in the audit log.

The hosts are registered by the test, each with its own certificate (tests.fleet_client);
nothing answers at their address, which the cluster rules (placement, not readiness) ignore.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest

from clients.coordinator import CoordinatorClient
from domain.clusters import (
    MAX_LABELS,
    DrsAutomation,
    DrsSettings,
    HaSettings,
    IsolationResponse,
    RestartPriority,
)
from localfleet.fleet import CoordinatorDaemon, coordinator_process
from proto.quantix.v1 import coordinator_pb2 as pb
from tests.coordinator.cluster_wire import (
    HA_ONE,
    LOGICAL_CPUS,
    MEMORY,
    cluster_events,
    cluster_spec,
    events_until,
    field_of,
    full_spec,
    is_synced,
    local_pool,
    network,
    nfs_pool,
    refusal,
    register_all,
    run,
)
from wire.cluster_codec import spec_from_pb, spec_to_pb

Code = grpc.StatusCode
THREE = ("host-a", "host-b", "host-c")


@pytest.fixture
def quiet_coordinator(tmp_path: Path) -> Iterator[CoordinatorDaemon]:
    """A coordinator whose registered hosts stay CONNECTED through a test without beating:
    a minute's heartbeat interval (OFFLINE after three), a short pool deadline (nothing
    answers at the hosts' address)."""
    process = coordinator_process(tmp_path, 60.0, ("--pool-deadline", "2"))
    process.spawn()
    try:
        asyncio.run(process.wait_serving())
        yield process
    finally:
        process.stop_now()


def restart(coordinator: CoordinatorDaemon) -> None:
    """Stop it (SIGTERM) and start a new process on the same data directory and database."""
    asyncio.run(coordinator.stop())
    coordinator.spawn()
    asyncio.run(coordinator.wait_serving())


def test_every_field_round_trips_through_the_rpcs_the_store_and_a_restart(quiet_coordinator):
    first = full_spec("prod", "nfs-a", "vm-net")
    second = dataclasses.replace(
        full_spec("prod", "nfs-b", "vm-net-2"),
        description="moved to rack 14",
        labels=(("tier", "gold"),),
        ha=HaSettings(
            enabled=True,
            admission_control=True,
            host_failures_to_tolerate=1,
            host_monitoring=True,
            vm_monitoring=False,
            restart_priority=RestartPriority.LOW,
            isolation_response=IsolationResponse.SHUT_DOWN,
        ),
        drs=DrsSettings(
            enabled=False,
            automation=DrsAutomation.PARTIALLY_AUTOMATED,
            migration_threshold=2,
            power_management=False,
        ),
    )

    async def create(client):
        await register_all(client)
        await client.create_pool(nfs_pool("nfs-a", THREE))
        await client.create_pool(nfs_pool("nfs-b", THREE))
        await client.create_network(network("vm-net", THREE))
        await client.create_network(network("vm-net-2", THREE, subnet=30))
        created = await client.create_cluster(spec_to_pb(first), ["host-b", "host-a"])
        return created, await client.get_cluster("prod"), await client.list_clusters()

    created, got, listed = run(quiet_coordinator, create)
    assert spec_from_pb(created.spec) == first
    assert list(created.hosts) == ["host-a", "host-b"]
    assert created.created_by == "local-admin"
    assert created.created_at == created.updated_at and created.created_at.seconds > 0
    assert got == created and list(listed.clusters) == [created]
    # What the members add up to, from what they registered with.
    assert (created.figures.hosts_online, created.figures.hosts_total) == (2, 2)
    assert created.figures.cores == LOGICAL_CPUS["host-a"] + LOGICAL_CPUS["host-b"]
    assert created.figures.memory_bytes == MEMORY["host-a"] + MEMORY["host-b"]
    assert list(created.pools) == ["nfs-a", "nfs-b"]
    assert list(created.networks) == ["vm-net", "vm-net-2"]

    restart(quiet_coordinator)

    async def update(client):
        after_restart = await client.get_cluster("prod")
        one = await client.update_cluster(spec_to_pb(second), ["ha.restart_priority"])
        every = await client.update_cluster(spec_to_pb(second))  # no mask: every field
        return after_restart, one, every

    after_restart, one, every = run(quiet_coordinator, update)
    assert spec_from_pb(after_restart.spec) == first
    assert (after_restart.hosts, after_restart.created_by) == (created.hosts, "local-admin")
    assert after_restart.created_at == created.created_at
    assert spec_from_pb(one.spec) == dataclasses.replace(
        first, ha=dataclasses.replace(first.ha, restart_priority=RestartPriority.LOW)
    )
    assert spec_from_pb(every.spec) == second
    assert every.created_at == created.created_at
    assert every.updated_at.ToNanoseconds() > created.updated_at.ToNanoseconds()

    restart(quiet_coordinator)
    final = run(quiet_coordinator, lambda client: client.get_cluster("prod"))
    assert spec_from_pb(final.spec) == second
    assert final.hosts == every.hosts and final.updated_at == every.updated_at


def labels(count: int) -> dict[str, str]:
    return {f"k{i}": "v" for i in range(count)}


def bad_enum() -> pb.ClusterSpec:
    spec = cluster_spec("x")
    spec.ha.restart_priority = 99  # type: ignore[assignment]
    return spec


# (what, call, code, field of an INVALID_ARGUMENT, the reason's words)
BAD_INPUT = [
    (
        "duplicate name",
        lambda c: c.create_cluster(cluster_spec("prod")),
        Code.ALREADY_EXISTS,
        "",
        "a cluster named 'prod' already exists: choose another name",
    ),
    (
        "unknown host",
        lambda c: c.create_cluster(cluster_spec("x"), ["host-d", "host-zz"]),
        Code.INVALID_ARGUMENT,
        "hosts[1]",
        "hosts[1]: no host named host-zz is registered",
    ),
    (
        "a host named twice",
        lambda c: c.create_cluster(cluster_spec("x"), ["host-d", "host-d"]),
        Code.INVALID_ARGUMENT,
        "hosts",
        "hosts: lists host-d more than once",
    ),
    (
        "failures to tolerate >= hosts with admission control",
        lambda c: c.create_cluster(cluster_spec("x", ha=HA_ONE), ["host-d"]),
        Code.FAILED_PRECONDITION,
        "",
        "HA admission control tolerating 1 host failure needs at least 2 hosts; the cluster "
        "has 1 host",
    ),
    (
        "unknown default pool",
        lambda c: c.create_cluster(cluster_spec("x", default_pool="nope"), ["host-d"]),
        Code.FAILED_PRECONDITION,
        "",
        "no pool named nope exists",
    ),
    (
        "a default pool not on a member",
        lambda c: c.create_cluster(cluster_spec("x", default_pool="local-a"), ["host-d"]),
        Code.FAILED_PRECONDITION,
        "",
        "pool local-a is not on host-d; assign it there first or choose another pool",
    ),
    (
        "unknown default network",
        lambda c: c.create_cluster(cluster_spec("x", default_network="nonet"), ["host-d"]),
        Code.FAILED_PRECONDITION,
        "",
        "no network named nonet exists",
    ),
    (
        "a default network not on a member",
        lambda c: c.create_cluster(cluster_spec("x", default_network="vm-net"), ["host-d"]),
        Code.FAILED_PRECONDITION,
        "",
        "network vm-net is not on host-d; assign it there first or choose another network",
    ),
    (
        "a host in another cluster",
        lambda c: c.create_cluster(cluster_spec("x"), ["host-a"]),
        Code.FAILED_PRECONDITION,
        "",
        "host-a is already in cluster prod; remove it there first",
    ),
    (
        "adding a host of another cluster",
        lambda c: c.add_cluster_hosts("dev", ["host-b"]),
        Code.FAILED_PRECONDITION,
        "",
        "host-b is already in cluster prod; remove it there first",
    ),
    (
        "adding a host the default pool is not on",
        lambda c: c.add_cluster_hosts("dev", ["host-d"]),
        Code.FAILED_PRECONDITION,
        "",
        "pool nfs-a is not on host-d; assign it there first or choose another pool",
    ),
    (
        "renaming via the mask",
        lambda c: c.update_cluster(cluster_spec("prod"), ["name"]),
        Code.INVALID_ARGUMENT,
        "update_mask",
        "a cluster cannot be renamed",
    ),
    (
        "unknown mask path",
        lambda c: c.update_cluster(cluster_spec("prod"), ["ha.bogus"]),
        Code.INVALID_ARGUMENT,
        "update_mask",
        "'ha.bogus' is not a cluster setting",
    ),
    (
        "too many labels",
        lambda c: c.create_cluster(pb.ClusterSpec(name="x", labels=labels(MAX_LABELS + 1))),
        Code.INVALID_ARGUMENT,
        "labels",
        f"must have at most {MAX_LABELS} labels (got {MAX_LABELS + 1})",
    ),
    (
        "a bad label value",
        lambda c: c.create_cluster(pb.ClusterSpec(name="x", labels={"env": "a b"})),
        Code.INVALID_ARGUMENT,
        "labels['env']",
        "may contain only letters",
    ),
    (
        "a malformed name",
        lambda c: c.create_cluster(cluster_spec("bad name")),
        Code.INVALID_ARGUMENT,
        "name",
        "may contain only letters",
    ),
    (
        "a description too long",
        lambda c: c.create_cluster(pb.ClusterSpec(name="x", description="d" * 5000)),
        Code.INVALID_ARGUMENT,
        "description",
        "must be at most",
    ),
    (
        "an unknown enum number",
        lambda c: c.create_cluster(bad_enum()),
        Code.INVALID_ARGUMENT,
        "ha.restart_priority",
        "is not a known value (got 99)",
    ),
    (
        "failures to tolerate out of range",
        lambda c: c.create_cluster(
            pb.ClusterSpec(name="x", ha=pb.HaSettings(host_failures_to_tolerate=40))
        ),
        Code.INVALID_ARGUMENT,
        "ha.host_failures_to_tolerate",
        "must be from 1 to 31 (got 40)",
    ),
    (
        "raising failures to tolerate past the hosts",
        lambda c: c.update_cluster(
            cluster_spec("prod", ha=dataclasses.replace(HA_ONE, host_failures_to_tolerate=2)),
            ["ha.host_failures_to_tolerate"],
        ),
        Code.FAILED_PRECONDITION,
        "",
        "HA admission control tolerating 2 host failures needs at least 3 hosts; the cluster "
        "has 2 hosts",
    ),
    (
        "a new default pool not on every member",
        lambda c: c.update_cluster(cluster_spec("prod", default_pool="local-a"), ["default_pool"]),
        Code.FAILED_PRECONDITION,
        "",
        "pool local-a is not on host-b; assign it there first or choose another pool",
    ),
    (
        "a removal admission control cannot take",
        lambda c: c.remove_cluster_hosts("prod", ["host-b"]),
        Code.FAILED_PRECONDITION,
        "",
        "removing host-b would leave 1 host, but HA admission control tolerating 1 host "
        "failure needs at least 2 hosts; lower host failures to tolerate or turn admission "
        "control off first",
    ),
    (
        "removing a host that is not a member",
        lambda c: c.remove_cluster_hosts("prod", ["host-c"]),
        Code.INVALID_ARGUMENT,
        "hosts[0]",
        "hosts[0]: host-c is not in cluster prod",
    ),
    (
        "adding no host",
        lambda c: c.add_cluster_hosts("prod", []),
        Code.INVALID_ARGUMENT,
        "hosts",
        "name at least one host to add",
    ),
    (
        "adding a malformed host name",
        lambda c: c.add_cluster_hosts("prod", ["bad host"]),
        Code.INVALID_ARGUMENT,
        "hosts[0]",
        "hosts[0]:",
    ),
    (
        "deleting a cluster with hosts",
        lambda c: c.delete_cluster("prod"),
        Code.FAILED_PRECONDITION,
        "",
        "cluster prod has 2 hosts; remove them first, or delete with release_hosts",
    ),
    (
        "deleting a cluster with one host",
        lambda c: c.delete_cluster("dev"),
        Code.FAILED_PRECONDITION,
        "",
        "cluster dev has 1 host; remove it first, or delete with release_hosts",
    ),
    ("getting an unknown cluster", lambda c: c.get_cluster("nope"), Code.NOT_FOUND, "", "nope"),
    (
        "updating an unknown cluster",
        lambda c: c.update_cluster(cluster_spec("nope")),
        Code.NOT_FOUND,
        "",
        "no cluster named 'nope'",
    ),
    (
        "adding to an unknown cluster",
        lambda c: c.add_cluster_hosts("nope", ["host-d"]),
        Code.NOT_FOUND,
        "",
        "no cluster named 'nope'",
    ),
    (
        "removing from an unknown cluster",
        lambda c: c.remove_cluster_hosts("nope", ["host-d"]),
        Code.NOT_FOUND,
        "",
        "no cluster named 'nope'",
    ),
    (
        "deleting an unknown cluster",
        lambda c: c.delete_cluster("nope", release_hosts=True),
        Code.NOT_FOUND,
        "",
        "no cluster named 'nope'",
    ),
]


def test_bad_input_is_refused_with_its_code_and_reason_and_changes_nothing(quiet_coordinator):
    async def main(client):
        await register_all(client)
        await client.create_pool(nfs_pool("nfs-a", THREE))
        await client.create_pool(local_pool("local-a", "host-a"))
        await client.create_network(network("vm-net", THREE))
        await client.create_cluster(
            cluster_spec("prod", ha=HA_ONE, default_pool="nfs-a"), ["host-a", "host-b"]
        )
        await client.create_cluster(cluster_spec("dev", default_pool="nfs-a"), ["host-c"])
        watch = client.watch()
        await events_until(watch, is_synced)
        before = list((await client.list_clusters()).clusters)
        outcomes = []
        for what, call, *_ in BAD_INPUT:
            error = await refusal(call(client))
            after = list((await client.list_clusters()).clusters)
            outcomes.append((what, error.code(), field_of(error), error.details(), after))
        async with CoordinatorClient(quiet_coordinator.endpoint("viewer")) as viewer:
            denied = await refusal(viewer.create_cluster(cluster_spec("x")))
        # A change made after every refusal: the Watch stream up to it shows what they did.
        await client.create_cluster(cluster_spec("marker"))
        seen = await events_until(watch, lambda e: e.cluster.spec.name == "marker")
        return before, outcomes, denied, seen

    before, outcomes, denied, seen = run(quiet_coordinator, main)
    for (what, _call, code, field, words), (_, got, got_field, details, after) in zip(
        BAD_INPUT, outcomes, strict=True
    ):
        assert (got, got_field) == (code, field), f"{what}: {got.name} {details}"
        assert words in details, f"{what}: {details}"
        assert after == before, f"{what} changed a cluster"
    assert denied.code() == Code.PERMISSION_DENIED
    assert [e.cluster.spec.name for e in cluster_events(seen)] == ["marker"]


def test_a_host_added_in_one_client_appears_in_another_clients_watch(quiet_coordinator):
    async def main(client):
        await register_all(client)
        await client.create_cluster(cluster_spec("prod"), ["host-a"])
        async with CoordinatorClient(quiet_coordinator.endpoint("viewer")) as other:
            watch = other.watch()
            snapshot = await events_until(watch, is_synced)
            added = await client.add_cluster_hosts("prod", ["host-c"])
            again = await client.add_cluster_hosts("prod", ["host-c"])  # already in: no change
            removed = await client.remove_cluster_hosts("prod", ["host-a"])
            seen = await events_until(watch, lambda e: list(e.cluster.hosts) == ["host-c"])
        return snapshot, added, again, removed, seen

    snapshot, added, again, removed, seen = run(quiet_coordinator, main)
    [listed] = cluster_events(snapshot)
    assert list(listed.cluster.hosts) == ["host-a"]
    assert list(added.hosts) == ["host-a", "host-c"] and again == added
    assert added.figures.cores == LOGICAL_CPUS["host-a"] + LOGICAL_CPUS["host-c"]
    assert [list(e.cluster.hosts) for e in cluster_events(seen)] == [
        ["host-a", "host-c"],
        ["host-c"],
    ]
    assert all(e.type == pb.WatchEvent.TYPE_UPDATED for e in cluster_events(seen))
    assert removed == cluster_events(seen)[-1].cluster


def test_delete_releases_hosts_and_a_host_removed_from_the_fleet_leaves_its_cluster(
    quiet_coordinator,
):
    async def main(client):
        await register_all(client)
        await client.create_cluster(cluster_spec("prod"), ["host-a", "host-b"])
        await client.create_cluster(cluster_spec("dev"), ["host-c", "host-d"])
        released = await client.delete_cluster("prod", release_hosts=True)
        # Released hosts may join another cluster.
        joined = await client.add_cluster_hosts("dev", released.released_hosts)
        watch = client.watch()
        await events_until(watch, is_synced)
        await client.remove_node("host-c")
        seen = await events_until(watch, lambda e: e.kind == pb.OBJECT_KIND_CLUSTER)
        listing = await client.list_clusters()
        emptied = await client.remove_cluster_hosts("dev", ["host-a", "host-b", "host-d"])
        deleted = await client.delete_cluster("dev")
        return released, joined, seen[-1], listing, emptied, deleted

    released, joined, left, listing, emptied, deleted = run(quiet_coordinator, main)
    assert list(released.released_hosts) == ["host-a", "host-b"]
    assert list(joined.hosts) == ["host-a", "host-b", "host-c", "host-d"]
    assert left.type == pb.WatchEvent.TYPE_UPDATED
    assert list(left.cluster.hosts) == ["host-a", "host-b", "host-d"]
    assert [c.spec.name for c in listing.clusters] == ["dev"]
    assert (emptied.status, emptied.status_message) == (
        pb.CLUSTER_STATUS_EMPTY,
        "No hosts in this cluster",
    )
    assert list(deleted.released_hosts) == []


def test_every_change_and_refusal_lands_in_the_audit_log(quiet_coordinator):
    async def main(client):
        await register_all(client)
        await client.create_cluster(cluster_spec("prod"), ["host-a"])
        await client.update_cluster(cluster_spec("prod", description="rack 12"), ["description"])
        await client.add_cluster_hosts("prod", ["host-b"])
        await refusal(client.delete_cluster("prod"))
        await client.remove_cluster_hosts("prod", ["host-b"])
        await client.delete_cluster("prod", release_hosts=True)
        return await client.list_audit_entries()

    entries = run(quiet_coordinator, main)
    cluster_entries = [
        (e.rpc, e.object, e.code, e.who)
        for e in reversed(entries)  # oldest first
        if e.object.startswith("cluster ")
    ]
    assert cluster_entries == [
        ("CreateCluster", "cluster prod", "OK", "local-admin"),
        ("UpdateCluster", "cluster prod", "OK", "local-admin"),
        ("AddClusterHosts", "cluster prod", "OK", "local-admin"),
        ("DeleteCluster", "cluster prod", "FAILED_PRECONDITION", "local-admin"),
        ("RemoveClusterHosts", "cluster prod", "OK", "local-admin"),
        ("DeleteCluster", "cluster prod", "OK", "local-admin"),
    ]
    refused = next(e for e in entries if e.code == "FAILED_PRECONDITION")
    assert refused.message == (
        "cluster prod has 2 hosts; remove them first, or delete with release_hosts"
    )

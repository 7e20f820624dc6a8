"""Host usage through a real coordinator process over mutual TLS: real node daemons' samples
arrive in GetUsageHistory and on Watch; a burst of heartbeats reaches Watch coalesced; bad
usage and bad requests are refused naming the field, changing nothing; RemoveNode forgets a
host's history."""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import AsyncIterator

import grpc
import pytest

from clients.channels import Endpoint
from clients.coordinator import CoordinatorClient
from domain.usage import PUBLISH_INTERVAL_S
from localfleet import LocalFleet
from localfleet.fleet import CoordinatorDaemon
from localfleet.trust import FleetTrust
from proto.quantix.v1 import common_pb2 as cpb
from proto.quantix.v1 import coordinator_pb2 as pb
from tests.helpers import eventually

GiB = 1 << 30
# How long a test waits for Watch events it expects: generous, and only reached when they never
# come (the test then fails instead of hanging).
WATCH_DEADLINE_S = 30.0
HOSTS = ("host-1", "host-2", "host-3")


def known(values) -> list[float]:
    return [v for v in values if not math.isnan(v)]


def usage(cpu: float, used_gib: int = 4, total_gib: int = 16) -> cpb.HostUsage:
    return cpb.HostUsage(
        cpu_fraction=cpu,
        memory_used_bytes=used_gib * GiB,
        memory_total_bytes=total_gib * GiB,
        source=cpb.USAGE_SOURCE_LIBVIRT,
    )


async def register(
    coordinator: CoordinatorDaemon, host: str, cpus: int = 8, endpoint: Endpoint | None = None
) -> None:
    async with CoordinatorClient(endpoint or coordinator.node_endpoint(host)) as node:
        await node.register_node(
            pb.RegisterNodeRequest(
                hostname=host,
                address="127.0.0.1:1",
                host_info=cpb.HostInfo(hostname=host, cpu=cpb.CpuInfo(logical_cpus=cpus)),
            )
        )


async def usage_events(client: CoordinatorClient) -> AsyncIterator[pb.WatchEvent]:
    """The stream's live OBJECT_KIND_HOST_USAGE events; first a SYNCED marker (its revision).
    Each must come within WATCH_DEADLINE_S."""
    stream = client.watch()
    try:
        while True:
            async with asyncio.timeout(WATCH_DEADLINE_S):
                event = await anext(stream)
            if event.type == pb.WatchEvent.TYPE_SYNCED or event.kind == pb.OBJECT_KIND_HOST_USAGE:
                yield event
    finally:
        await stream.aclose()


def test_real_nodes_samples_arrive_in_the_history_and_on_watch(fleet: LocalFleet) -> None:
    names = set(fleet.nodes)

    async def scenario() -> tuple[list[pb.UsageSeries], dict[str, pb.HostUsageSample]]:
        async with CoordinatorClient(fleet.coordinator_endpoint("viewer")) as viewer:
            live: dict[str, pb.HostUsageSample] = {}
            events = usage_events(viewer)
            synced = await anext(events)
            async for event in events:
                # Not stored: the event carries the inventory's revision, it does not make one.
                assert event.revision >= synced.revision
                assert event.key == ""
                for sample in event.usage.samples:
                    live[sample.host] = sample
                if set(live) == names:
                    break
            await events.aclose()
            reply = await eventually(
                lambda: viewer.get_usage_history(),
                lambda r: all(known(s.cpu) for s in r.series),
                what="every host's history",
            )
            return list(reply.series), live

    series, live = asyncio.run(scenario())

    assert sorted(s.host for s in series) == sorted(names)
    for one in series:
        assert (one.step_seconds, len(one.cpu), len(one.memory)) == (5, 180, 180)
        # Test-driver hosts: their node reads this machine's kernel, and says so.
        assert one.source == cpb.USAGE_SOURCE_KERNEL
        assert one.logical_cpus > 0
        assert all(0 <= v <= 1 for v in known(one.cpu) + known(one.memory))
        sample = live[one.host]
        assert sample.source == cpb.USAGE_SOURCE_KERNEL
        assert 0 <= sample.cpu <= 1 and 0 < sample.memory <= 1
        assert sample.memory_total_bytes == one.memory_total_bytes


def test_many_heartbeats_within_a_publish_interval_reach_watch_as_one_event(
    coordinator: CoordinatorDaemon,
) -> None:
    rounds = 30

    async def scenario() -> tuple[list[pb.WatchEvent], float, int, int]:
        for host in HOSTS:
            await register(coordinator, host)
        async with CoordinatorClient(coordinator.endpoint("viewer")) as viewer:
            events = usage_events(viewer)
            synced = await anext(events)
            revision = (await viewer.list_nodes()).revision
            nodes = [CoordinatorClient(coordinator.node_endpoint(h)) for h in HOSTS]
            try:
                started = time.monotonic()
                for i in range(1, rounds + 1):
                    await asyncio.gather(
                        *(n.heartbeat(h, usage(i / 100)) for n, h in zip(nodes, HOSTS, strict=True))
                    )
                elapsed = time.monotonic() - started
            finally:
                for node in nodes:
                    await node.close()
            seen: list[pb.WatchEvent] = []
            latest: dict[str, float] = {}
            async for event in events:
                seen.append(event)
                latest.update({s.host: round(s.cpu, 4) for s in event.usage.samples})
                if latest == dict.fromkeys(HOSTS, rounds / 100):
                    break
            await events.aclose()
            return seen, elapsed, synced.revision, revision

    seen, elapsed, synced_revision, revision = asyncio.run(scenario())

    heartbeats = rounds * len(HOSTS)
    # At most one event per publish interval (the first at once), however many heartbeats.
    assert len(seen) <= elapsed / PUBLISH_INTERVAL_S + 2, (len(seen), elapsed)
    assert len(seen) < heartbeats / 10
    for event in seen:
        hosts = [s.host for s in event.usage.samples]
        assert hosts == sorted(set(hosts))  # each host once, its latest
        # Usage is not a change of the inventory: every event carries its unchanged revision.
        assert event.revision == synced_revision == revision
        assert event.type == pb.WatchEvent.TYPE_UPDATED


def test_usage_events_reach_a_stream_resumed_at_the_current_revision(
    coordinator: CoordinatorDaemon,
) -> None:
    async def scenario() -> pb.WatchEvent:
        await register(coordinator, "host-1")
        async with (
            CoordinatorClient(coordinator.endpoint("viewer")) as viewer,
            CoordinatorClient(coordinator.node_endpoint("host-1")) as node,
        ):
            revision = (await viewer.list_nodes()).revision
            # Resuming (no snapshot): its backlog is empty and its synced revision is the
            # very revision a usage event carries.
            call = viewer.watch(since_revision=revision)
            synced = await anext(call)
            assert synced.type == pb.WatchEvent.TYPE_SYNCED and synced.revision == revision
            await node.heartbeat("host-1", usage(0.42))
            async with asyncio.timeout(WATCH_DEADLINE_S):
                event = await anext(call)
            await call.aclose()
            return event

    event = asyncio.run(scenario())
    assert event.kind == pb.OBJECT_KIND_HOST_USAGE
    assert [(s.host, round(s.cpu, 4)) for s in event.usage.samples] == [("host-1", 0.42)]


@pytest.mark.parametrize(
    ("bad", "field", "rule"),
    [
        (
            cpb.HostUsage(cpu_fraction=1.5, memory_used_bytes=1, memory_total_bytes=2, source=1),
            "usage.cpu_fraction",
            "must be from 0 to 1 (got 1.5)",
        ),
        (
            cpb.HostUsage(cpu_fraction=0.5, memory_used_bytes=3, memory_total_bytes=2, source=1),
            "usage.memory_used_bytes",
            "must not exceed memory_total_bytes (got 3 of 2)",
        ),
        (
            cpb.HostUsage(cpu_fraction=0.5, memory_used_bytes=0, memory_total_bytes=0, source=1),
            "usage.memory_total_bytes",
            "must be from 1 to 2^50 (got 0)",
        ),
        (
            cpb.HostUsage(cpu_fraction=0.5, memory_used_bytes=1, memory_total_bytes=2, source=0),
            "usage.source",
            "must be USAGE_SOURCE_LIBVIRT or USAGE_SOURCE_KERNEL (got 0)",
        ),
    ],
)
def test_a_bad_usage_is_refused_naming_the_field_and_changes_nothing(
    coordinator: CoordinatorDaemon, bad: cpb.HostUsage, field: str, rule: str
) -> None:
    async def scenario() -> tuple[grpc.aio.AioRpcError, pb.Node, pb.Node, pb.UsageSeries]:
        await register(coordinator, "host-1")
        async with (
            CoordinatorClient(coordinator.endpoint("viewer")) as viewer,
            CoordinatorClient(coordinator.node_endpoint("host-1")) as node,
        ):
            before = await viewer.get_node("host-1")
            with pytest.raises(grpc.aio.AioRpcError) as refused:
                await node.heartbeat("host-1", bad)
            after = await viewer.get_node("host-1")
            series = (await viewer.get_usage_history(["host-1"])).series[0]
            return refused.value, before, after, series

    error, before, after, series = asyncio.run(scenario())

    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert error.details() == f"{field}: {rule}"
    assert ("quantix-field", field) in tuple(error.trailing_metadata() or ())
    assert after.last_seen == before.last_seen  # the refused heartbeat changed nothing
    assert known(series.cpu) == []


def test_the_history_request_is_checked_and_the_window_picks_the_tier(
    coordinator: CoordinatorDaemon,
) -> None:
    async def scenario() -> dict[str, object]:
        await register(coordinator, "host-1", cpus=12)
        found: dict[str, object] = {}
        async with (
            CoordinatorClient(coordinator.endpoint("viewer")) as viewer,
            CoordinatorClient(coordinator.node_endpoint("host-1")) as node,
        ):
            await node.heartbeat("host-1", usage(0.3, used_gib=8))
            for window in (0, 900, 3600, 86400):
                reply = await viewer.get_usage_history(["host-1"], window)
                [series] = reply.series
                found[f"window {window}"] = (
                    series.step_seconds,
                    len(series.cpu),
                    [round(v, 4) for v in known(series.cpu)],
                    [round(v, 4) for v in known(series.memory)],
                    series.logical_cpus,
                )
            for name, request in {
                "unknown": (["host-nope"], 0),
                "second unknown": (["host-1", "host-zz"], 0),
                "bad name": (["-bad-"], 0),
                "too long": (["host-1"], 86401),
                "negative": (["host-1"], -5),
                "twice": (["host-1", "host-1"], 0),
            }.items():
                with pytest.raises(grpc.aio.AioRpcError) as refused:
                    await viewer.get_usage_history(*request)
                found[name] = (refused.value.code(), refused.value.details())
        return found

    found = asyncio.run(scenario())

    assert found["window 0"] == (5, 180, [0.3], [0.5], 12)
    assert found["window 900"] == (5, 180, [0.3], [0.5], 12)
    assert found["window 3600"] == (60, 60, [0.3], [0.5], 12)
    assert found["window 86400"] == (300, 288, [0.3], [0.5], 12)
    not_found = grpc.StatusCode.NOT_FOUND
    invalid = grpc.StatusCode.INVALID_ARGUMENT
    assert found["unknown"] == (not_found, "no node named 'host-nope' is registered")
    assert found["second unknown"] == (not_found, "no node named 'host-zz' is registered")
    assert found["bad name"][0] == invalid
    assert str(found["bad name"][1]).startswith("hosts[0]: ")
    assert found["too long"] == (invalid, "window: must be from 0 to 24 hours (got 86401 s)")
    assert found["negative"] == (invalid, "window: must be from 0 to 24 hours (got -5 s)")
    assert found["twice"] == (invalid, "hosts: lists host-1 more than once")


def test_remove_node_forgets_the_hosts_history(coordinator: CoordinatorDaemon) -> None:
    async def scenario() -> tuple[list[float], tuple[int, str], list[float]]:
        await register(coordinator, "host-1")
        async with (
            CoordinatorClient(coordinator.endpoint("admin")) as admin,
            CoordinatorClient(coordinator.node_endpoint("host-1")) as node,
        ):
            await node.heartbeat("host-1", usage(0.6))
            kept = known((await admin.get_usage_history(["host-1"])).series[0].cpu)
            await admin.remove_node("host-1")
            with pytest.raises(grpc.aio.AioRpcError) as refused:
                await admin.get_usage_history(["host-1"])
            gone = (refused.value.code(), refused.value.details())
            # The removed host's certificate was revoked: it comes back with a new one.
            renewed = FleetTrust(coordinator.trust.workdir).node_identity("host-1")
            await register(coordinator, "host-1", endpoint=Endpoint(coordinator.address, renewed))
            again = known((await admin.get_usage_history(["host-1"])).series[0].cpu)
            return [round(v, 4) for v in kept], gone, again

    kept, gone, again = asyncio.run(scenario())

    assert kept == [0.6]
    assert gone == (grpc.StatusCode.NOT_FOUND, "no node named 'host-1' is registered")
    assert again == []  # registered again under the name: its history starts empty


def test_a_members_usage_above_90_percent_turns_its_cluster_warning_and_back(
    coordinator: CoordinatorDaemon,
) -> None:
    """The coordinator as it is wired: a heartbeat's usage reaches the history, its publish
    tells the clusters, and the cluster's status says which host is how busy."""

    async def scenario() -> tuple[pb.Cluster, pb.Cluster]:
        for host in HOSTS[:2]:
            await register(coordinator, host)
        async with (
            CoordinatorClient(coordinator.endpoint("admin")) as admin,
            CoordinatorClient(coordinator.node_endpoint("host-1")) as node,
        ):
            await admin.create_cluster(pb.ClusterSpec(name="prod"), HOSTS[:2])
            await node.heartbeat("host-1", usage(0.95, used_gib=15, total_gib=16))
            busy = await eventually(
                lambda: admin.get_cluster("prod"),
                lambda c: c.status == pb.CLUSTER_STATUS_WARNING,
                what="the cluster WARNING",
            )
            await node.heartbeat("host-1", usage(0.2))
            calm = await eventually(
                lambda: admin.get_cluster("prod"),
                lambda c: c.status == pb.CLUSTER_STATUS_HEALTHY,
                what="the cluster HEALTHY again",
            )
            return busy, calm

    busy, calm = asyncio.run(scenario())
    assert busy.status_message == "host-1 CPU above 90 %; host-1 memory above 90 %"
    assert calm.status_message == "All 2 hosts connected"


def test_a_heartbeat_without_usage_ends_a_members_high_usage_warning(
    coordinator: CoordinatorDaemon,
) -> None:
    """A node that can no longer read its usage (or whose reading was refused) sends its
    heartbeat without it: the last figure is no longer the host's load, and the cluster stops
    saying it is."""

    async def scenario() -> tuple[pb.Cluster, pb.Cluster]:
        for host in HOSTS[:2]:
            await register(coordinator, host)
        async with (
            CoordinatorClient(coordinator.endpoint("admin")) as admin,
            CoordinatorClient(coordinator.node_endpoint("host-1")) as node,
        ):
            await admin.create_cluster(pb.ClusterSpec(name="prod"), HOSTS[:2])
            await node.heartbeat("host-1", usage(0.95))
            busy = await eventually(
                lambda: admin.get_cluster("prod"),
                lambda c: c.status == pb.CLUSTER_STATUS_WARNING,
                what="the cluster WARNING",
            )
            await node.heartbeat("host-1")
            unknown = await eventually(
                lambda: admin.get_cluster("prod"),
                lambda c: c.status == pb.CLUSTER_STATUS_HEALTHY,
                what="the cluster HEALTHY once host-1's usage is unknown",
            )
            return busy, unknown

    busy, unknown = asyncio.run(scenario())
    assert busy.status_message == "host-1 CPU above 90 %"
    assert unknown.status_message == "All 2 hosts connected"


def test_nodes_started_with_no_usage_heartbeat_without_it(quiet_fleet: LocalFleet) -> None:
    """``--no-usage``: the hosts stay CONNECTED through many heartbeats and no figure of them
    reaches the history."""

    async def scenario() -> tuple[list[pb.Node], list[pb.UsageSeries]]:
        async with CoordinatorClient(quiet_fleet.coordinator_endpoint("viewer")) as viewer:
            first = {n.name: n.last_seen.ToNanoseconds() for n in (await viewer.list_nodes()).nodes}
            # Several heartbeats of every host later (0.5 s apart), measured by their own
            # last_seen, not by a sleep.
            await eventually(
                lambda: viewer.list_nodes(),
                lambda r: (
                    len(r.nodes) == 3
                    and all(
                        n.last_seen.ToNanoseconds() - first.get(n.name, 0) > 2e9 for n in r.nodes
                    )
                ),
                what="four heartbeats of every host",
            )
            nodes = list((await viewer.list_nodes()).nodes)
            return nodes, list((await viewer.get_usage_history()).series)

    nodes, series = asyncio.run(scenario())
    assert all(n.status == pb.NODE_STATUS_CONNECTED for n in nodes)
    assert sorted(s.host for s in series) == sorted(n.name for n in nodes)
    assert all(known(s.cpu) == [] and known(s.memory) == [] for s in series)

"""The node's usage sampler on the real libvirt test driver and the real libvirtd (which source
each gives), the kernel's figures read from /proc, and heartbeats carrying usage to a real
coordinator: a refused or stuck reading never stops the heartbeats."""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Awaitable, Callable
from pathlib import Path

import grpc
import libvirt
import pytest

from clients.coordinator import CoordinatorClient
from domain.usage import busy_fraction
from localfleet.fleet import CoordinatorDaemon
from node_daemon.host_usage import (
    UsageSampler,
    UsageUnreadable,
    kernel_reading,
)
from node_daemon.libvirt_conn import LibvirtConnection
from node_daemon.registration import Registrar
from proto.quantix.v1 import common_pb2 as cpb
from proto.quantix.v1 import coordinator_pb2 as pb
from tests.helpers import eventually, json_log_records
from tests.node.conftest import NodeLauncher

KERNEL = cpb.USAGE_SOURCE_KERNEL
LIBVIRT = cpb.USAGE_SOURCE_LIBVIRT
FALLBACK = "has no node statistics"
REFUSED = "refused this host's usage; heartbeat sent without it"


def proc_mem_total() -> int:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no MemTotal in /proc/meminfo")


async def two_readings(uri: str) -> tuple[cpb.HostUsage | None, cpb.HostUsage | None, int]:
    """The sampler's first and second reading on ``uri``, and its source after them."""
    connection = LibvirtConnection(uri)
    try:
        sampler = UsageSampler(connection, "host-u")
        first = await sampler.read()
        burn_cpu()
        second = await sampler.read()
        return first, second, sampler.source
    finally:
        await connection.close()


def burn_cpu() -> None:
    """Enough work on this CPU for its busy counters to move (a few of the kernel's ticks)."""
    total = 0
    for i in range(3_000_000):
        total += i * i
    assert total


def assert_sane(usage: cpb.HostUsage) -> None:
    assert 0.0 <= usage.cpu_fraction <= 1.0
    assert 0 < usage.memory_used_bytes <= usage.memory_total_bytes


def test_the_test_driver_has_no_memory_statistics_so_the_kernels_figures_are_read(
    host_uri: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, "node_daemon.host_usage")

    async def three() -> tuple[list[cpb.HostUsage | None], int]:
        connection = LibvirtConnection(host_uri)
        try:
            sampler = UsageSampler(connection, "host-u")
            readings = [await sampler.read() for _ in range(3)]
            return readings, sampler.source
        finally:
            await connection.close()

    readings, source = asyncio.run(three())

    # The first reading is the baseline of the CPU share: no sample yet.
    assert readings[0] is None
    assert source == KERNEL
    for usage in readings[1:]:
        assert usage is not None
        assert usage.source == KERNEL
        assert_sane(usage)
        # This machine's memory, not the 16 GiB the test host's XML describes.
        assert usage.memory_total_bytes == proc_mem_total()
    fallbacks = [r.getMessage() for r in caplog.records if FALLBACK in r.getMessage()]
    assert fallbacks == [
        f"host-u: libvirt at {host_uri} has no node statistics (this function is not supported "
        "by the connection driver: virNodeGetMemoryStats); usage comes from this host's kernel "
        "(/proc/stat, /proc/meminfo)"
    ]


def test_the_real_libvirtd_gives_its_node_statistics(system_libvirt_uri: str) -> None:
    first, second, source = asyncio.run(two_readings(system_libvirt_uri))

    assert first is None
    assert source == LIBVIRT
    assert second is not None and second.source == LIBVIRT
    assert_sane(second)
    conn = libvirt.open(system_libvirt_uri)
    try:
        total = conn.getMemoryStats(libvirt.VIR_NODE_MEMORY_STATS_ALL_CELLS)["total"] * 1024
    finally:
        conn.close()
    assert second.memory_total_bytes == total


def test_busy_share_from_two_proc_readings_is_between_0_and_1() -> None:
    before = kernel_reading()
    burn_cpu()
    after = kernel_reading()

    share = busy_fraction(before.cpu, after.cpu)
    assert 0.0 < share <= 1.0  # this process was busy on a CPU in between
    assert 0 < after.memory_used_bytes <= after.memory_total_bytes == proc_mem_total()


def test_a_kernel_without_memavailable_counts_free_buffers_and_cache(tmp_path: Path) -> None:
    (tmp_path / "stat").write_text("cpu  100 5 50 800 20 1 2 3 0 0\ncpu0 1 2 3 4 5 6 7 8\n")
    (tmp_path / "meminfo").write_text(
        "MemTotal: 1000 kB\nMemFree: 300 kB\nBuffers: 100 kB\nCached: 200 kB\n"
    )

    reading = kernel_reading(tmp_path)

    assert (reading.cpu.busy, reading.cpu.idle) == (100 + 5 + 50 + 1 + 2 + 3, 800 + 20)
    assert (reading.memory_used_bytes, reading.memory_total_bytes) == (400 * 1024, 1000 * 1024)


@pytest.mark.parametrize(
    ("stat", "meminfo", "message"),
    [
        (None, "MemTotal: 1 kB\n", "reading {proc}/stat failed: No such file or directory"),
        ("cpu 1 2 3\n", "MemTotal: 1 kB\n", "/proc/stat has no line of 8 CPU counters"),
        ("cpu 1 2 3 4 5 6 7 8\n", "MemFree: 1 kB\n", "/proc/meminfo has no MemTotal"),
    ],
)
def test_unreadable_kernel_figures_say_which_file_and_what(
    tmp_path: Path, stat: str | None, meminfo: str, message: str
) -> None:
    if stat is not None:
        (tmp_path / "stat").write_text(stat)
    (tmp_path / "meminfo").write_text(meminfo)

    with pytest.raises(UsageUnreadable) as caught:
        kernel_reading(tmp_path)
    assert message.format(proc=tmp_path) in str(caught.value)


# --- heartbeats to a real coordinator --------------------------------------------------------


async def history_of(client: CoordinatorClient, host: str) -> pb.UsageSeries:
    return (await client.get_usage_history([host])).series[0]


def has_samples(series: pb.UsageSeries) -> bool:
    return any(not math.isnan(v) for v in series.cpu)


def test_a_daemon_on_the_test_driver_sends_kernel_usage_and_logs_the_fallback_once(
    node_launcher: NodeLauncher, coordinator: CoordinatorDaemon
) -> None:
    node = node_launcher.start(coordinator=coordinator.address, name="host-a")

    async def scenario() -> pb.UsageSeries:
        async with CoordinatorClient(coordinator.endpoint("viewer")) as viewer:
            # Several heartbeats with usage (0.5 s apart): the fallback is decided once.
            await eventually(
                lambda: history_of(viewer, "host-a"), has_samples, what="host-a's usage"
            )
            node_before = await viewer.get_node("host-a")
            await eventually(
                lambda: viewer.get_node("host-a"),
                lambda n: (
                    n.last_seen.ToNanoseconds()
                    > node_before.last_seen.ToNanoseconds() + 1_000_000_000
                ),
                what="two more heartbeats",
            )
            return await history_of(viewer, "host-a")

    series = asyncio.run(scenario())

    assert series.source == KERNEL
    assert series.memory_total_bytes == proc_mem_total()
    assert series.logical_cpus == 16  # as the host registered (the test host's XML)
    values = [v for v in series.cpu if not math.isnan(v)]
    assert values and all(0.0 <= v <= 1.0 for v in values)
    records = json_log_records(node.log_text())
    assert len([r for r in records if FALLBACK in r["msg"]]) == 1


UsageReader = Callable[[], Awaitable[cpb.HostUsage | None]]


async def run_registrar(
    coordinator: CoordinatorDaemon, host: str, usage: UsageReader, heartbeats: int
) -> pb.Node:
    """A node's Registrar for ``host`` with ``usage`` as its reader, until the coordinator has
    seen ``heartbeats`` more heartbeats after the first (the node as it is then)."""

    async def host_info() -> cpb.HostInfo:
        return cpb.HostInfo(hostname=host)

    registrar = Registrar(
        coordinator.node_endpoint(host), host, "127.0.0.1:1", host_info, "test", usage=usage
    )
    running = asyncio.create_task(registrar.run())
    try:
        async with CoordinatorClient(coordinator.endpoint("viewer")) as viewer:

            async def node() -> pb.Node | None:
                try:
                    return await viewer.get_node(host)
                except grpc.aio.AioRpcError:
                    return None

            first = await eventually(node, lambda n: n is not None, what=f"{host} registered")
            assert first is not None
            seen = {first.last_seen.ToNanoseconds()}

            def counted(n: pb.Node | None) -> bool:
                if n is not None:
                    seen.add(n.last_seen.ToNanoseconds())
                return len(seen) > heartbeats

            last = await eventually(node, counted, what=f"{heartbeats} heartbeats of {host}")
            assert last is not None
            return last
    finally:
        running.cancel()
        await asyncio.gather(running, return_exceptions=True)


def test_a_refused_usage_is_logged_and_the_heartbeat_goes_again_without_it(
    coordinator: CoordinatorDaemon, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, "node_daemon.registration")

    async def wrong() -> cpb.HostUsage:
        # A node with a bug: more memory used than it has.
        return cpb.HostUsage(
            cpu_fraction=0.5, memory_used_bytes=3, memory_total_bytes=2, source=KERNEL
        )

    async def scenario() -> tuple[pb.Node, pb.UsageSeries]:
        node = await run_registrar(coordinator, "host-w", wrong, heartbeats=3)
        async with CoordinatorClient(coordinator.endpoint("viewer")) as viewer:
            return node, await history_of(viewer, "host-w")

    node, series = asyncio.run(scenario())

    assert node.status == pb.NODE_STATUS_CONNECTED
    assert not has_samples(series)  # nothing of the wrong reading was kept
    refusals = [r.getMessage() for r in caplog.records if REFUSED in r.getMessage()]
    assert refusals
    assert refusals[0].endswith(
        "usage.memory_used_bytes: must not exceed memory_total_bytes (got 3 of 2)"
    ), refusals[0]


def test_a_reading_that_never_ends_does_not_hold_the_heartbeats(
    coordinator: CoordinatorDaemon, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, "node_daemon.registration")
    started: list[int] = []

    async def stuck() -> cpb.HostUsage | None:
        started.append(1)
        await asyncio.Event().wait()  # libvirtd hung mid-call
        return None

    node = asyncio.run(run_registrar(coordinator, "host-s", stuck, heartbeats=4))

    assert node.status == pb.NODE_STATUS_CONNECTED
    # One reading under way at a time: the hung one is not started again on top of itself.
    assert started == [1]
    slow = [r.getMessage() for r in caplog.records if "reading usage took longer" in r.getMessage()]
    assert slow == [
        "host-s: reading usage took longer than 0.25 s; heartbeat sent without it (heartbeats "
        "go without usage until a reading succeeds)"
    ]

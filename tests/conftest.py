"""Fixtures shared by every test folder: daemons as real processes on loopback."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from localfleet import DEMO_NODE_NAMES, LocalFleet
from localfleet.fleet import CoordinatorDaemon, coordinator_process
from localfleet.netns import HostNet


@pytest.fixture
def coordinator(tmp_path: Path) -> Iterator[CoordinatorDaemon]:
    """A real coordinator process on a free loopback port, heartbeat interval 0.5 s, with a
    CA of its own in ``tmp_path/coordinator`` (``coordinator.endpoint(role)`` dials it)."""
    process = coordinator_process(tmp_path, 0.5)
    process.spawn()
    try:
        asyncio.run(process.wait_serving())
        yield process
    finally:
        process.stop_now()


@pytest.fixture
def fleet(tmp_path: Path) -> Iterator[LocalFleet]:
    """The demo's fleet: a coordinator and host-a, host-b, host-c on test-driver hosts.

    A 0.5 s heartbeat makes a killed node OFFLINE within ~2 s instead of 15 s."""
    local = asyncio.run(LocalFleet.start(tmp_path, heartbeat_interval_s=0.5))
    try:
        yield local
    finally:
        asyncio.run(local.stop())


@pytest.fixture
def quiet_fleet(tmp_path: Path) -> Iterator[LocalFleet]:
    """The ``fleet`` fixture's fleet whose nodes report no usage (``--no-usage``): a
    test-driver host's usage is this machine's own kernel figures, so a cluster's status would
    otherwise turn WARNING whenever the machine running the tests is over 90 % busy."""
    local = asyncio.run(LocalFleet.start(tmp_path, heartbeat_interval_s=0.5, report_usage=False))
    try:
        yield local
    finally:
        asyncio.run(local.stop())


# The real libvirtd the storage tests use: `make test` starts it (packaging/start-libvirtd.sh).
SYSTEM_LIBVIRT_URI = "qemu:///system"


@pytest.fixture(scope="session")
def system_libvirt_uri() -> str:
    """``qemu:///system`` once a real libvirtd answers there; the test FAILS (never skips)
    otherwise, saying how to start one."""
    import libvirt

    libvirt.registerErrorHandler(lambda _ctx, _error: None, None)
    try:
        conn = libvirt.open(SYSTEM_LIBVIRT_URI)
    except libvirt.libvirtError as error:
        pytest.fail(
            f"no real libvirtd answers on {SYSTEM_LIBVIRT_URI}: {error.get_error_message()}. "
            "These tests need one: run them with `make test` as root, or start it with "
            "`sudo packaging/start-libvirtd.sh` (see ../shared/NOTES.md).",
            pytrace=False,
        )
    conn.close()
    return SYSTEM_LIBVIRT_URI


@pytest.fixture
def start_system_node(system_libvirt_uri: str) -> Callable[[LocalFleet, str], Awaitable[str]]:
    """``await start_system_node(fleet, name)``: a node daemon of ``fleet`` on the real
    libvirtd, serving once awaited (its address); it stops with the fleet, which is why it is
    a coroutine: each test awaits it on the loop that runs its fleet."""

    async def start(fleet: LocalFleet, name: str) -> str:
        return await fleet.add_node(name, libvirt_uri=system_libvirt_uri).wait_serving()

    return start


@pytest.fixture
def start_fleet(tmp_path: Path) -> Iterator[Callable[..., LocalFleet]]:
    """Start fleets of your own shape; all are stopped after the test.

    ``start_fleet(names, heartbeat_interval_s=10, coordinator_args=("--pool-deadline", "5"))``
    takes LocalFleet.start's keyword arguments; each fleet gets a directory of its own.
    """
    started: list[LocalFleet] = []

    def start(node_names: Sequence[str] = DEMO_NODE_NAMES, **options: Any) -> LocalFleet:
        workdir = tmp_path / f"fleet-{len(started)}"
        workdir.mkdir()
        local = asyncio.run(LocalFleet.start(workdir, node_names, **options))
        started.append(local)
        return local

    try:
        yield start
    finally:
        for local in started:
            asyncio.run(local.stop())


@pytest.fixture
def switch_fleet(tmp_path: Path) -> Iterator[tuple[LocalFleet, HostNet]]:
    """Two nodes, each doing host networking in a namespace of its own with veth NICs; this
    machine's own interfaces are never touched."""
    hosts = HostNet()
    try:
        netns = {
            "host-a": hosts.add_host("host-a", ["eth1", "eth2"]),
            "host-b": hosts.add_host("host-b", ["eth1"]),
        }
        fleet = asyncio.run(
            LocalFleet.start(tmp_path, ("host-a", "host-b"), heartbeat_interval_s=0.5, netns=netns)
        )
        try:
            yield fleet, hosts
        finally:
            asyncio.run(fleet.stop())
    finally:
        hosts.close()

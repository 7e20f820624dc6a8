"""Fixtures shared by every test folder: daemons as real processes on loopback."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from localfleet import LocalFleet
from localfleet.process import DaemonProcess


@pytest.fixture
def coordinator(tmp_path: Path) -> Iterator[DaemonProcess]:
    """A real coordinator process on a free loopback port, heartbeat interval 0.5 s."""
    process = DaemonProcess(
        "coordinator",
        "coordinator",
        [
            "--listen",
            "127.0.0.1:0",
            "--db",
            str(tmp_path / "c.sqlite"),
            "--heartbeat-interval",
            "0.5",
        ],
        tmp_path,
    )
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

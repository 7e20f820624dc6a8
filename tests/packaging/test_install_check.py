"""``quantix-console --check-shows-host``: the install check the packages' CI runs, against a
real coordinator and node daemons; its failures say which host, what the Hosts page showed and
the connection."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
from pathlib import Path

from clients.coordinator import CoordinatorClient
from proto.quantix.v1 import coordinator_pb2 as pb
from tests.helpers import eventually

ROOT = Path(__file__).resolve().parents[2]
# The check's own deadline is 60 s by default (console.install_check); the process gets more.
PROCESS_TIMEOUT_S = 90
# The failure tests' --check-timeout: short, yet long enough on a loaded 2-core machine for the
# console to start and list the fleet's three hosts before it gives up (what it lists is asserted).
FAILING_CHECK_S = 15


def run_console(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "console", *args],
        cwd=ROOT,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        capture_output=True,
        text=True,
        timeout=PROCESS_TIMEOUT_S,
        check=False,
    )


def failure_line(done: subprocess.CompletedProcess[str]) -> tuple[str, str]:
    """The check's last line on stderr, split into its reason and the connection it saw."""
    assert done.returncode == 1, done.stderr
    reason, separator, connection = done.stderr.splitlines()[-1].partition("; connection: ")
    assert separator, done.stderr
    return reason, connection


def test_the_console_exits_0_once_its_hosts_page_shows_the_host_connected(fleet) -> None:
    done = run_console(*fleet.cli_args("admin"), "--check-shows-host", "host-b")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "quantix-console: the Hosts page shows host-b connected"


def test_a_host_never_listed_fails_with_the_hosts_the_page_lists(fleet) -> None:
    done = run_console(
        *fleet.cli_args("admin"),
        "--check-shows-host",
        "no-such-host",
        "--check-timeout",
        str(FAILING_CHECK_S),
    )
    reason, connection = failure_line(done)
    assert reason == (
        "quantix-console: --check-shows-host no-such-host: not listed (the Hosts page lists "
        f"host-a, host-b, host-c) after {FAILING_CHECK_S} s"
    )
    assert connection == f"Connected to coordinator {fleet.coordinator_address}"


def test_a_host_listed_offline_fails_with_its_status_as_the_page_shows_it(fleet) -> None:
    async def host_b_offline() -> None:
        async with CoordinatorClient(fleet.coordinator_endpoint()) as client:

            async def host_b_status() -> int | None:
                nodes = (await client.list_nodes()).nodes
                return {node.name: node.status for node in nodes}.get("host-b")

            connected, offline = pb.NODE_STATUS_CONNECTED, pb.NODE_STATUS_OFFLINE
            await eventually(host_b_status, lambda s: s == connected, what="host-b connected")
            await fleet.kill_node("host-b")
            await eventually(host_b_status, lambda s: s == offline, what="host-b offline")

    asyncio.run(host_b_offline())
    done = run_console(
        *fleet.cli_args("admin"), "--check-shows-host", "host-b", "--check-timeout", "5"
    )
    reason, _ = failure_line(done)
    assert reason.startswith(
        "quantix-console: --check-shows-host host-b: listed as 'Offline — no heartbeat since "
    )
    assert reason.endswith("', not connected after 5 s")


def test_an_unreachable_coordinator_fails_with_the_connection_it_tried(fleet) -> None:
    with socket.socket() as unused:  # bound, never listening: connections are refused
        unused.bind(("127.0.0.1", 0))
        address = f"127.0.0.1:{unused.getsockname()[1]}"
        identity = str(fleet.trust.identity_file("admin"))
        done = run_console(
            "--coordinator", address, "--identity", identity,
            "--check-shows-host", "host-b", "--check-timeout", "2",
        )  # fmt: skip
    reason, connection = failure_line(done)
    assert reason == (
        "quantix-console: --check-shows-host host-b: not listed (the Hosts page lists no host) "
        "after 2 s"
    )
    assert f"coordinator {address}" in connection


def test_the_check_timeout_is_bounded_and_named_when_refused() -> None:
    for bad in ("0", "601", "1e3", "²"):
        done = run_console("--check-shows-host", "host-b", "--check-timeout", bad)
        assert done.returncode == 2
        assert f"--check-timeout: must be whole seconds from 1 to 600 (got {bad!r})" in done.stderr


def test_the_check_needs_an_identity() -> None:
    done = run_console("--check-shows-host", "host-b")
    assert done.returncode == 2
    assert "--check-shows-host: goes with --coordinator and --identity" in done.stderr


def test_the_check_timeout_goes_with_the_check() -> None:
    done = run_console("--check-timeout", "5")
    assert done.returncode == 2
    assert "--check-timeout: goes with --check-shows-host" in done.stderr

"""Start-up, shutdown and failure reporting of a real node daemon process."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
from pathlib import Path

import grpc
import pytest

from clients.node import NodeClient
from tests.helpers import json_log_records

REPO_ROOT = Path(__file__).resolve().parents[2]

# Generous: a clean stop takes well under a second; this only bounds a broken shutdown.
EXIT_DEADLINE_S = 10.0


def test_sigterm_stops_the_daemon_cleanly_with_exit_code_0(node_launcher) -> None:
    node = node_launcher.start()

    node.proc.send_signal(signal.SIGTERM)

    assert node.proc.wait(EXIT_DEADLINE_S) == 0
    messages = [record["msg"] for record in json_log_records(node.log_text())]
    assert "node daemon stopped" in messages
    assert any(m.startswith("closed the libvirt connection") for m in messages)


def test_sigint_also_stops_the_daemon_cleanly(node_launcher) -> None:
    node = node_launcher.start()

    node.proc.send_signal(signal.SIGINT)

    assert node.proc.wait(EXIT_DEADLINE_S) == 0


def test_name_defaults_to_the_host_name_libvirt_reports(node_launcher) -> None:
    node = node_launcher.start(name=None)

    async def host_name() -> str:
        async with NodeClient(node.endpoint()) as client:
            return (await client.get_host_info()).hostname

    libvirt_host_name = asyncio.run(host_name())
    assert f"node daemon {libvirt_host_name} serving on {node.address}" in node.log_text()


def test_unreachable_libvirt_is_unavailable_naming_host_step_and_cause(
    node_launcher, tmp_path
) -> None:
    missing = tmp_path / "no-such-host.xml"
    node = node_launcher.start(libvirt_uri=f"test://{missing}")

    async def list_pools() -> grpc.aio.AioRpcError:
        async with NodeClient(node.endpoint(), name="host-a") as client:
            with pytest.raises(grpc.aio.AioRpcError) as caught:
                await client.list_storage_pools()
            return caught.value

    error = asyncio.run(list_pools())

    assert error.code() == grpc.StatusCode.UNAVAILABLE
    details = error.details() or ""
    assert details.startswith(
        f"host-a: listing storage pools failed: cannot connect to libvirt at test://{missing}: "
    )
    assert str(missing) in details.split(": ", 3)[3]  # libvirt's own text names the file


def test_bad_listen_address_is_refused_with_the_rule() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "node_daemon",
            "--libvirt-uri",
            "test:///default",
            "--listen",
            "127.0.0.1:99999",
            "--coordinator",
            "127.0.0.1:7443",
        ],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=EXIT_DEADLINE_S,
    )

    assert result.returncode == 2
    assert "argument --listen: port must be 1-65535 (got 99999)" in result.stderr

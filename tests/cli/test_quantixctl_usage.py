"""quantixctl hosts usage against a real coordinator process: hosts registered and heartbeating
with usage as node identities do, then read back over each window as text and JSON; a bad HOST
or --window is refused naming it before anything is read."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys

from clients.coordinator import CoordinatorClient
from localfleet.fleet import CoordinatorDaemon
from tests.cli.test_quantixctl_pools import one_line_error
from tests.coordinator.test_usage_fleet import register, usage

CLI_TIMEOUT_S = 120  # a whole quantixctl run, start-up included; only reached if it hangs


def quantixctl(coordinator_args: list[str], *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "clients.cli", *coordinator_args, *args]
    return subprocess.run(
        command, capture_output=True, text=True, timeout=CLI_TIMEOUT_S, check=False
    )


def viewer_of(coordinator: CoordinatorDaemon) -> list[str]:
    identity = coordinator.trust.identity_file("viewer")
    return ["--coordinator", coordinator.address, "--identity", str(identity)]


def heartbeating(coordinator: CoordinatorDaemon) -> None:
    """host-1 at CPU 40 %, host-2 at 90 % (memory 4 of 16 GiB each); host-3 never reported."""

    async def scenario() -> None:
        for host in ("host-1", "host-2", "host-3"):
            await register(coordinator, host)
        for host, cpu in (("host-1", 0.4), ("host-2", 0.9)):
            async with CoordinatorClient(coordinator.node_endpoint(host)) as node:
                await node.heartbeat(host, usage(cpu))

    asyncio.run(scenario())


def ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, (result.stdout, result.stderr)
    return result.stdout


def test_each_window_shows_each_hosts_series_and_source(coordinator: CoordinatorDaemon):
    heartbeating(coordinator)
    viewer = viewer_of(coordinator)

    text = ok(quantixctl(viewer, "hosts", "usage", "host-1", "host-2", "host-3", "--window", "6h"))
    blocks = text.strip().split("\n\n")
    assert [block.splitlines()[0] for block in blocks] == [
        "host-1 — last 6 h at 1 min — source: libvirt node statistics",
        "host-2 — last 6 h at 1 min — source: libvirt node statistics",
        "host-3 — last 6 h at 1 min — source: not reported",
    ]
    cpu_1, memory_1 = blocks[0].splitlines()[1:]
    assert cpu_1.startswith("  CPU     ") and "latest 40 % (" in cpu_1 and "peak 40 %" in cpu_1
    # 360 minutes in 48 columns: the newest column holds the 40 % figure, the rest is blank.
    spark = cpu_1[len("  CPU     ") : cpu_1.index("  latest")]
    assert len(spark) == 45 and spark.strip() == "▄" and spark.endswith("▄")
    assert "latest 25 %" in memory_1
    assert "latest 90 %" in blocks[1].splitlines()[1]
    assert blocks[2].splitlines()[1].endswith("no figures in this window")

    default = ok(quantixctl(viewer, "hosts", "usage", "host-2"))  # 15 minutes at 5 s
    assert default.splitlines()[0].startswith("host-2 — last 15 min at 5 s — ")

    as_json = json.loads(ok(quantixctl(viewer, "--json", "hosts", "usage", "host-1", "--window",
                                       "24h")))  # fmt: skip
    assert as_json["window"] == "24h"
    [series] = as_json["series"]
    assert series["host"] == "host-1" and series["step_seconds"] == 300
    assert len(series["cpu"]) == 288 and len(series["memory"]) == 288
    assert [v for v in series["cpu"] if v is not None] == [0.4]
    assert [v for v in series["memory"] if v is not None] == [0.25]
    assert series["source"] == "libvirt node statistics" and series["logical_cpus"] == 8
    assert series["start"].endswith("Z")

    missing = quantixctl(viewer, "hosts", "usage", "host-1", "host-nope")
    start = f"quantixctl: coordinator {coordinator.address} "
    assert "host-nope" in one_line_error(missing, 1, start)


def test_a_bad_host_or_window_is_refused_naming_it_before_any_call():
    # Nothing listens at 127.0.0.1:1 and no identity is given: a call would fail otherwise.
    nowhere = ["--coordinator", "127.0.0.1:1"]
    window = quantixctl(nowhere, "hosts", "usage", "host-1", "--window", "7d")
    assert one_line_error(window, 2, "quantixctl: --window: ").endswith(
        "must be one of 15m, 6h, 24h (got '7d')"
    )
    host = quantixctl(nowhere, "hosts", "usage", "host-1", "bad_name!")
    assert one_line_error(host, 2, "quantixctl: HOST[1]: ")
    twice = quantixctl(nowhere, "hosts", "usage", "host-1", "host-1")
    assert "more than once" in one_line_error(twice, 2, "quantixctl: HOST: ")

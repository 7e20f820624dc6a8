"""The coordinator's memory for host usage history (run by hand, never as a test): one JSON line.

Two measures of 1,000 hosts each sending a usage sample every 5 s for 60 s:

- ``process``: a real coordinator process (plaintext ``--insecure`` on loopback, so 1,000 hosts
  need no certificates), all hosts registered first; then 60 s of heartbeats WITHOUT usage
  (the baseline: liveness writes, gRPC buffers) and 60 s WITH usage. The RSS growth of the
  second minute less the first's is the history's cost as the process pays it.
- ``in_process``: the history object alone, on a simulated clock (12 rounds 5 s apart, in a
  moment), measured with tracemalloc, and its rings' own bytes.

The 24-hour figure is ``domain.usage.estimated_bytes(1000)``: a host's rings are made whole at
its first sample and never grow, so after 60 s the history already holds what it holds after
24 h (the in-process run checks that against a simulated 24 h for one host).

Target (issue 10): coordinator memory for 24 h of history for 1,000 hosts stated.
Run: .venv/bin/python bench/usage_memory_bench.py [--seconds 60]
"""

import argparse
import asyncio
import json
import platform
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from clients.channels import Endpoint  # noqa: E402
from clients.coordinator import CoordinatorClient  # noqa: E402
from coordinator.usage_history import UsageHistory  # noqa: E402
from domain.usage import FINEST, LONGEST_SPAN_S, estimated_bytes  # noqa: E402
from localfleet import LocalFleet  # noqa: E402
from proto.quantix.v1 import common_pb2 as cpb  # noqa: E402
from proto.quantix.v1 import coordinator_pb2 as pb  # noqa: E402

HOSTS = 1000
PERIOD_S = FINEST.step_s  # a heartbeat every 5 s, as in production
# Heartbeats in flight at once: a round of 1,000 takes well under the 5 s period this way.
CONCURRENCY = 100
MiB = 1024 * 1024
GiB = 1 << 30


def usage(i: int) -> cpb.HostUsage:
    return cpb.HostUsage(
        cpu_fraction=(i % 100) / 100,
        memory_used_bytes=(i % 64) * GiB,
        memory_total_bytes=64 * GiB,
        source=cpb.USAGE_SOURCE_LIBVIRT,
    )


def rss_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def in_process(rounds: int) -> dict:
    clock = Clock()
    history = UsageHistory(clock=clock)
    tracemalloc.start()
    for r in range(rounds):
        for h in range(HOSTS):
            history.record(f"host-{h:04d}", usage(h + r))
        clock.now += PERIOD_S
    traced, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    # 24 h of samples for one host: its rings hold the same bytes as after its first sample.
    day_clock = Clock()
    small = UsageHistory(clock=day_clock)
    small.record("host-0", usage(0))
    first = small.held_bytes()
    for r in range(LONGEST_SPAN_S // PERIOD_S):
        day_clock.now += PERIOD_S
        small.record("host-0", usage(r))
    return {
        "traced_mib": round(traced / MiB, 2),
        "rings_mib": round(history.held_bytes() / MiB, 2),
        "one_host_rings_bytes_first_sample": first,
        "one_host_rings_bytes_after_24h": small.held_bytes(),
    }


async def heartbeats(client: CoordinatorClient, rounds: int, with_usage: bool) -> None:
    """``rounds`` rounds of every host's heartbeat, one round every PERIOD_S."""
    loop = asyncio.get_running_loop()
    limit = asyncio.Semaphore(CONCURRENCY)

    async def one(h: int, r: int) -> None:
        async with limit:
            await client.heartbeat(f"host-{h:04d}", usage(h + r) if with_usage else None)

    start = loop.time()
    for r in range(rounds):
        await asyncio.gather(*(one(h, r) for h in range(HOSTS)))
        await asyncio.sleep(max(0.0, start + (r + 1) * PERIOD_S - loop.time()))


async def process(workdir: Path, rounds: int) -> dict:
    # No heartbeat deadline matters here: an hour keeps every host CONNECTED.
    fleet = await LocalFleet.start(
        workdir, (), heartbeat_interval_s=3600.0, coordinator_args=("--insecure",)
    )
    try:
        pid = fleet.coordinator.pid or 0
        async with CoordinatorClient(Endpoint(fleet.coordinator_address, None)) as client:
            for h in range(HOSTS):
                name = f"host-{h:04d}"
                await client.register_node(
                    pb.RegisterNodeRequest(
                        hostname=name,
                        address="127.0.0.1:9",
                        host_info=cpb.HostInfo(hostname=name, cpu=cpb.CpuInfo(logical_cpus=32)),
                    )
                )
            registered = rss_bytes(pid)
            await heartbeats(client, rounds, with_usage=False)
            baseline = rss_bytes(pid)
            await heartbeats(client, rounds, with_usage=True)
            with_usage = rss_bytes(pid)
            reply = await client.get_usage_history(window_s=0)
            assert len(reply.series) == HOSTS
    finally:
        await fleet.stop()
    return {
        "rss_registered_mib": round(registered / MiB, 1),
        "rss_after_heartbeats_mib": round(baseline / MiB, 1),
        "rss_after_usage_mib": round(with_usage / MiB, 1),
        "usage_rss_delta_mib": round((with_usage - baseline) / MiB, 1),
        "baseline_rss_delta_mib": round((baseline - registered) / MiB, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=60, help="seconds of samples per phase")
    args = parser.parse_args()
    rounds = max(1, args.seconds // PERIOD_S)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="usage-bench-") as tmp:
        measured = asyncio.run(process(Path(tmp), rounds))
    result = {
        "bench": "usage_memory",
        "hosts": HOSTS,
        "sample_every_s": PERIOD_S,
        "seconds": rounds * PERIOD_S,
        "process": measured,
        "in_process_simulated_clock": in_process(rounds),
        "estimate_24h_mib": round(estimated_bytes(HOSTS) / MiB, 2),
        "run_s": round(time.monotonic() - started, 1),
        "python": platform.python_version(),
        "machine": platform.machine(),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()

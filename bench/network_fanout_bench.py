"""Network fan-out benchmark (run by hand, never as a test): prints one JSON line.

The time from CreateNetwork to the network being READY on every host, as the console sees it
on Watch, for 1 and 50 simulated hosts that answer InitNetwork after 200 ms (the pool bench's
simulated hosts: in-process gRPC servers over mutual TLS, registered with a real coordinator
process, using no CPU while they "work"). Sequentially, 50 hosts would take 50x; the shared
realized-object manager fans out concurrently, so about 1x. Each figure is the median of the
runs after the first (which also opens the coordinator's channels to the hosts).

Target (issue 8): 50 hosts within 1.2x the single-host time.
Run: .venv/bin/python bench/network_fanout_bench.py
"""

import asyncio
import json
import os
import platform
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pool_fanout_bench import LATENCY_S, measure_latency, memory_gib

SIZES = (1, 50)


async def main() -> None:
    figures = {}
    with tempfile.TemporaryDirectory(prefix="network-bench-") as tmp:
        for size in SIZES:
            workdir = Path(tmp) / f"slow{size}"
            workdir.mkdir()
            figures[str(size)] = await measure_latency(size, workdir, "network")
    print(
        json.dumps(
            {
                "bench": "network_fanout",
                "what": "CreateNetwork to READY on every host (Watch), median of runs",
                "host_latency": {"latency_s": LATENCY_S, "hosts": figures},
                "ratio_50_to_1": round(figures["50"]["median_s"] / figures["1"]["median_s"], 2),
                "target_ratio_50_to_1": 1.2,
                "machine": f"{platform.machine()}, {os.cpu_count()} cores, {memory_gib()} GiB, "
                f"Python {platform.python_version()}, {platform.platform(terse=True)}",
            }
        )
    )


if __name__ == "__main__":
    asyncio.run(main())

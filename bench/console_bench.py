"""Console benchmark (run by hand, never as a test): prints one JSON line.

- cold_start_s: spawning the console process to its main window shown (median of 5).
- populate_s: a console connecting to a real coordinator holding 1,000 hosts, to all 1,000
  rows in the table (Watch snapshot through the model).
- churn: a separate process makes 1,000 status changes per second for 10 s on that
  coordinator; the console's longest event-loop stall (gaps of a 10 ms QTimer, minus 10 ms) and
  whether it caught up with the coordinator's last revision.

Targets (issue 2): start < 1.0 s, populate < 1.0 s, stall < 50 ms.
Run: QT_QPA_PLATFORM=offscreen .venv/bin/python bench/console_bench.py
"""

import asyncio
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# The offscreen platform warns about size hints on every window: noise, not results.
os.environ.setdefault("QT_LOGGING_RULES", "qt.qpa.*=false")

import qasync  # noqa: E402
from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from clients.coordinator import CoordinatorClient  # noqa: E402
from console.main_window import MainWindow  # noqa: E402
from console.style import apply_style  # noqa: E402
from localfleet.fleet import coordinator_process  # noqa: E402

HOSTS = 1000
RATE = 1000
SECONDS = 10
TIMER_MS = 10


def cold_start(runs: int = 5) -> float:
    figures = []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, str(ROOT / "bench" / "first_show.py"), str(time.time())],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        figures.append(float(out.stdout.strip().splitlines()[-1]))
    return statistics.median(figures)


def feeder(*args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, str(ROOT / "bench" / "feeder.py"), *args],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


async def measure(workdir: Path) -> dict:
    # Heartbeats never come from these simulated hosts: an hour keeps them CONNECTED.
    coordinator = coordinator_process(workdir, 3600)
    coordinator.spawn()
    await coordinator.wait_serving()
    try:
        registering = feeder("register", coordinator.address, str(workdir), str(HOSTS))
        while registering.poll() is None:
            await asyncio.sleep(0.05)

        window = MainWindow()
        window.resize(1280, 800)
        window.show()
        gaps: list[float] = []
        last = [time.perf_counter()]

        def tick() -> None:
            now = time.perf_counter()
            gaps.append(now - last[0])
            last[0] = now

        timer = QTimer()
        timer.setInterval(TIMER_MS)
        timer.timeout.connect(tick)
        timer.start()

        started = time.perf_counter()
        window.connect_to(coordinator.endpoint())
        while window.model.rowCount() < HOSTS:
            await asyncio.sleep(0.001)
        populate_s = time.perf_counter() - started

        gaps.clear()
        last[0] = time.perf_counter()
        churning = feeder(
            "churn", coordinator.address, str(workdir), str(HOSTS), str(RATE), str(SECONDS)
        )
        while churning.poll() is None:
            await asyncio.sleep(0.01)
        sent = int(churning.stdout.read().strip())
        async with CoordinatorClient(coordinator.endpoint()) as client:
            final_revision = (await client.list_nodes()).revision
        deadline = time.monotonic() + 30
        while window.watch.last_revision < final_revision and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        caught_up = window.watch.last_revision >= final_revision
        timer.stop()
        window.close()
        await window.wait_closed()
        stalls = sorted(max(0.0, g - TIMER_MS / 1000) * 1000 for g in gaps)
        return {
            "populate_s": round(populate_s, 3),
            "churn_changes": sent,
            "churn_rate_per_s": round(sent / SECONDS),
            "stall_max_ms": round(stalls[-1], 1),
            "stall_p99_ms": round(stalls[int(len(stalls) * 0.99)], 1),
            "caught_up": caught_up,
        }
    finally:
        await coordinator.stop()


def main() -> None:
    start_s = cold_start()
    app = QApplication([sys.argv[0]])
    app.setQuitOnLastWindowClosed(False)
    apply_style(app)
    with tempfile.TemporaryDirectory() as tmp:
        figures = qasync.run(measure(Path(tmp)))
    print(
        json.dumps(
            {
                "bench": "console",
                "cold_start_s": round(start_s, 3),
                "hosts": HOSTS,
                **figures,
                "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python "
                f"{platform.python_version()}, {platform.platform(terse=True)}",
            }
        )
    )


if __name__ == "__main__":
    main()

"""Usage GUI benchmark (run by hand, never as a test): prints one JSON line.

The console's longest GUI-thread stall while 1,000 hosts report their usage: a real coordinator
(``python -m coordinator``, heartbeat interval 5 s) with 1,000 hosts registered by a child
process (bench/feeder.py usage, each host with a certificate of its own), then that child sends
each host's heartbeat with its usage every 5 s for 60 s (their starts spread evenly: 200 heartbeats
a second), as node daemons do. The coordinator keeps the history and publishes the samples on
Watch coalesced (one batch a second, ~200 samples each). The real MainWindow (offscreen, on
qasync's loop, as the console runs) shows the Hosts page, its usage columns painted by the
sparkline delegate, and host-0000's detail with its graph; before the run it has read the
history of all 1,000 hosts (5 pages of 200).

A 10 ms QTimer measures the GUI thread (bench/transfers_gui_bench.StallMeter): each gap between
its ticks minus 10 ms is a stall. Also measured: the store's own time per batch (taking a
batch's samples into the rings) and per history page, on the GUI thread.

Target (issue 10): the longest GUI stall < 50 ms.
Run: QT_QPA_PLATFORM=offscreen .venv/bin/python bench/usage_gui_bench.py
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# The offscreen platform warns about size hints on every window: noise, not results.
os.environ.setdefault("QT_LOGGING_RULES", "qt.qpa.*=false")

import qasync  # noqa: E402
from image_transfer_bench import machine  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402
from transfers_gui_bench import StallMeter  # noqa: E402

from console.main_window import MainWindow  # noqa: E402
from console.models.hosts_model import Column  # noqa: E402
from console.style import apply_style  # noqa: E402
from console.usage.sparkline_delegate import Metric  # noqa: E402
from console.usage.usage_store import UsageStore  # noqa: E402
from localfleet.fleet import coordinator_process  # noqa: E402

HOSTS = 1000
EVERY_S = 5.0  # the node daemon's default heartbeat interval
SECONDS = 60.0
# About what happens, not how fast: a window not populated by then is broken.
SETTLE_TIMEOUT_S = 300.0


def feeder(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(ROOT / "bench" / "feeder.py"), *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


async def until(accept: Any, what: str) -> None:
    deadline = time.monotonic() + SETTLE_TIMEOUT_S
    while not accept():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what}: not within {SETTLE_TIMEOUT_S:.0f} s")
        await asyncio.sleep(0.01)


class Timed:
    """Wall time of each call of ``owner.name`` (on the GUI thread: its share of a stall)."""

    def __init__(self, owner: object, name: str) -> None:
        self.times: list[float] = []
        original = getattr(owner, name)

        def timed(*args: Any) -> Any:
            started = time.perf_counter()
            try:
                return original(*args)
            finally:
                self.times.append(time.perf_counter() - started)

        setattr(owner, name, timed)

    def figures(self) -> dict[str, Any]:
        if not self.times:
            return {"calls": 0}
        ordered = sorted(self.times)
        return {
            "calls": len(ordered),
            "median_ms": round(ordered[len(ordered) // 2] * 1000, 2),
            "max_ms": round(ordered[-1] * 1000, 2),
        }


async def measure(workdir: Path) -> dict[str, Any]:
    coordinator = coordinator_process(workdir, EVERY_S)
    coordinator.spawn()
    await coordinator.wait_serving()
    window: MainWindow | None = None
    try:
        beating = feeder(
            "usage", coordinator.address, str(workdir), str(HOSTS), str(EVERY_S), str(SECONDS)
        )
        assert beating.stdout is not None and beating.stdin is not None
        said = await asyncio.wait_for(asyncio.to_thread(beating.stdout.readline), SETTLE_TIMEOUT_S)
        if said.strip() != "registered":
            raise RuntimeError(f"registering {HOSTS} hosts failed ({beating.wait()})")

        window = MainWindow()
        window.resize(1280, 800)
        window.show()
        store = window.context.model("usage", UsageStore)
        batches = Timed(store, "take_samples")
        pages = Timed(store, "merge_history")
        window.connect_to(coordinator.endpoint())
        await until(lambda: window is not None and window.model.rowCount() == HOSTS, "1,000 rows")
        await until(lambda: store.history_reads >= 1, "the history read")
        page = window.hosts_page
        page.select_host("host-0000")

        meter = StallMeter()
        meter.start()
        beating.stdin.write("go\n")
        beating.stdin.flush()
        said = await asyncio.wait_for(
            asyncio.to_thread(beating.stdout.readline), SECONDS + SETTLE_TIMEOUT_S
        )
        figures = meter.stop()  # the heartbeats are over (the feeder's channels still open)
        if not said.strip().isdigit():
            raise RuntimeError(f"the heartbeats failed ({beating.wait()})")
        sent = int(said)
        await until(lambda: beating.poll() is not None, "the feeder's end")
        reporting = sum(store.latest(f"host-{i:04d}") is not None for i in range(HOSTS))
        graph = page.detail.usage_graph
        points = 0
        if graph is not None and graph.view is not None:
            points = sum(value == value for value in graph.view.cpu)  # not NaN
        return {
            **figures,
            "heartbeats_sent": sent,
            "hosts_with_current_figure": reporting,
            "usage_batches": batches.figures(),
            "history_pages": pages.figures(),
            "sparkline_cells_painted": page.sparklines[Metric.CPU].paints,
            "visible_usage_cell": page.proxy.index(0, Column.CPU_USAGE).data(),
            "detail_graph_points": points,
            "problem": store.problem,
        }
    finally:
        if window is not None:
            window.close()
            await window.wait_closed()
        await coordinator.stop()


def main() -> None:
    app = QApplication([sys.argv[0]])
    app.setQuitOnLastWindowClosed(False)
    apply_style(app)
    with tempfile.TemporaryDirectory(prefix="quantix-usage-gui-") as tmp:
        figures = qasync.run(measure(Path(tmp)))
    print(
        json.dumps(
            {
                "bench": "usage_gui",
                "hosts": HOSTS,
                "every_s": EVERY_S,
                "seconds": SECONDS,
                **figures,
                "target_stall_ms": 50,
                "machine": machine(),
            }
        )
    )


if __name__ == "__main__":
    main()

"""Transfers GUI benchmark (run by hand, never as a test): prints one JSON line.

The console's longest GUI-thread stall while 20 uploads run: the real MainWindow (offscreen, on
qasync's loop, as the console runs) connected to a real coordinator and a node daemon on the
REAL libvirtd (qemu:///system, never stopped) over mutual TLS, a dir pool of the bench's own
under /var/tmp (removed afterwards). The Images page is shown with the transfers panel docked
tall enough to show all 20 rows, and 20 files of FILE_MIB MiB of random data each are
uploaded through the console's transfer driver (``TransferManager.begin_upload``: CreateUpload,
then the file streamed from the GUI thread's event loop to the node, reading and hashing in
worker threads), all started at once. The node runs 4 at a time (``JobLimits.max_running``);
the other 16 wait QUEUED with their streams open, and each starts when one ends, so the panel
shows 20 transfers, 4 bars moving, for the whole run.

A 10 ms QTimer measures the GUI thread: each gap between its ticks minus 10 ms is a stall.
Measured from the first upload started to the last one READY on Watch (as the panel shows it);
RUNS runs, each reporting the longest stall and the 99th percentile.

Target (issue 9): the longest GUI stall with 20 transfers running < 50 ms.
Run (as root, libvirtd running): QT_QPA_PLATFORM=offscreen .venv/bin/python
bench/transfers_gui_bench.py
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
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

# The same fleet, pool and machine facts as the transfer bench (this directory is on sys.path).
from image_transfer_bench import (  # noqa: E402
    HOST,
    LIBVIRT_URI,
    MIB,
    WORK_PARENT,
    machine,
    random_file,
    remove_pool,
)
from PySide6.QtCore import Qt, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from clients.coordinator import CoordinatorClient  # noqa: E402
from console.images.images_page import ImagesPage  # noqa: E402
from console.images.tasks_model import TasksModel  # noqa: E402
from console.images.transfers import UploadRequest  # noqa: E402
from console.images.transfers_panel import TransfersDock  # noqa: E402
from console.main_window import MainWindow  # noqa: E402
from console.style import apply_style  # noqa: E402
from domain.pools import Backend, LocalDirSource, PoolSpec  # noqa: E402
from localfleet import LocalFleet  # noqa: E402
from localfleet.fleet import wait_registered  # noqa: E402
from proto.quantix.v1 import common_pb2 as cpb  # noqa: E402
from proto.quantix.v1 import coordinator_pb2 as pb  # noqa: E402
from wire.pool_codec import spec_to_pb  # noqa: E402

TRANSFERS = 20
# 128 MiB each: 2.5 GiB in all, which at this machine's ~250-400 MB/s keeps transfers running
# for ~10 s, long enough for every stream to start, overlap and finish within the window.
FILE_MIB = 128
RUNS = 3
TIMER_MS = 10
# The longest stalls reported with the time they ended (the start of a run, steady streaming,
# the end of one transfer and the start of the next look different).
LONGEST_SHOWN = 5
# Tall enough for all 20 rows of the panel: every bar is painted, the worst case.
DOCK_HEIGHT = 20 * 48
# About what happens, not how fast: a window that has not connected or uploads that have not
# finished within this are broken.
SETTLE_TIMEOUT_S = 600.0


async def until(accept: Any, what: str) -> None:
    deadline = time.monotonic() + SETTLE_TIMEOUT_S
    while not accept():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what}: not within {SETTLE_TIMEOUT_S:.0f} s")
        await asyncio.sleep(0.01)


class StallMeter:
    """A TIMER_MS QTimer on the GUI thread; the gaps between its ticks."""

    def __init__(self) -> None:
        # (since the start, the gap, the GUI thread's CPU during it), in seconds
        self.gaps: list[tuple[float, float, float]] = []
        self._started = time.perf_counter()
        self._last = time.perf_counter()
        self._timer = QTimer()
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(TIMER_MS)
        self._timer.timeout.connect(self._tick)

    def _tick(self) -> None:
        now, cpu = time.perf_counter(), time.thread_time()
        self.gaps.append((now - self._started, now - self._last, cpu - self._last_cpu))
        self._last, self._last_cpu = now, cpu

    def start(self) -> None:
        self.gaps.clear()
        self._started = self._last = time.perf_counter()
        self._last_cpu = time.thread_time()
        self._timer.start()

    def stop(self) -> dict[str, Any]:
        self._timer.stop()
        stalls = sorted(max(0.0, gap - TIMER_MS / 1000) * 1000 for _at, gap, _cpu in self.gaps)
        longest = sorted(self.gaps, key=lambda tick: -tick[1])[:LONGEST_SHOWN]
        return {
            "stall_max_ms": round(stalls[-1], 1),
            "stall_p99_ms": round(stalls[int(len(stalls) * 0.99)], 1),
            "ticks": len(stalls),
            # The longest stalls: when they ended (s from the start), how long (ms), and the GUI
            # thread's own CPU meanwhile (ms): near the stall, the thread was busy; near 0, it
            # was waiting (for the GIL, or for a core this 2-core machine gave to others).
            "longest": [
                [round(at, 2), round(gap * 1000 - TIMER_MS), round(cpu * 1000)]
                for at, gap, cpu in longest
            ],
        }


async def one_run(
    window: MainWindow, pool: str, files: list[Path], run: int, meter: StallMeter
) -> dict[str, Any]:
    page = window.page("images")
    assert isinstance(page, ImagesPage)
    tasks = window.context.model("tasks", TasksModel)
    size = FILE_MIB * MIB
    meter.start()
    started = time.perf_counter()
    task_ids = [
        await page.transfers.begin_upload(
            UploadRequest(path, pool, HOST, f"r{run}-{path.name}", cpb.IMAGE_KIND_ISO, size)
        )
        for path in files
    ]
    most_running = 0

    def all_finished() -> bool:
        nonlocal most_running
        found = [tasks.task(task_id) for task_id in task_ids]
        running = sum(t is not None and t.phase == pb.TASK_PHASE_RUNNING for t in found)
        most_running = max(most_running, running)
        return all(
            t is not None
            and t.phase in (pb.TASK_PHASE_SUCCEEDED, pb.TASK_PHASE_FAILED, pb.TASK_PHASE_CANCELLED)
            for t in found
        )

    await until(all_finished, f"{TRANSFERS} uploads finished")
    elapsed = time.perf_counter() - started
    figures = meter.stop()
    failed = [
        t.message
        for t in (tasks.task(i) for i in task_ids)
        if t and t.phase != pb.TASK_PHASE_SUCCEEDED
    ]
    if failed:
        raise RuntimeError(f"{len(failed)} uploads did not succeed: {failed[0]}")
    return {
        **figures,
        "seconds": round(elapsed, 1),
        "mb_s": round(TRANSFERS * size / elapsed / 1e6),
        "most_running": most_running,
    }


async def measure(workdir: Path) -> dict[str, Any]:
    files = []
    for index in range(TRANSFERS):
        path = workdir / f"media-{index:02d}.iso"
        await asyncio.to_thread(random_file, path, FILE_MIB * MIB)
        files.append(path)
    pool = f"qb-gui-{os.getpid()}"
    pool_dir = workdir / "pool"
    pool_dir.mkdir()
    # A heartbeat a minute: nothing here waits on one, and the fleet stays quiet meanwhile.
    fleet = await LocalFleet.start(workdir / "fleet", (), heartbeat_interval_s=60.0)
    window: MainWindow | None = None
    try:
        await fleet.add_node(HOST, libvirt_uri=LIBVIRT_URI).wait_serving()
        await wait_registered(fleet.coordinator_endpoint(), (HOST,))
        async with CoordinatorClient(fleet.coordinator_endpoint()) as client:
            spec = PoolSpec(pool, Backend.LOCAL_DIR, LocalDirSource(str(pool_dir)), hosts=(HOST,))
            await client.create_pool(spec_to_pb(spec, include_secrets=True))

        window = MainWindow()
        window.resize(1280, 1200)
        window.show()
        window.connect_to(fleet.coordinator_endpoint())

        def pool_ready() -> bool:
            found = window.pools_model.pool(pool) if window else None
            return found is not None and found.realization.phase == cpb.PHASE_READY

        await until(pool_ready, f"pool {pool} READY in the window")
        window.show_page_key("images")
        dock = window.findChild(TransfersDock)
        assert dock is not None
        dock.show()
        window.resizeDocks([dock], [DOCK_HEIGHT], Qt.Orientation.Vertical)
        meter = StallMeter()
        runs = []
        for run in range(RUNS):
            runs.append(await one_run(window, pool, files, run, meter))
            # The next run starts on an empty pool and an empty panel: the same work.
            dock.panel.clear_finished()
            async with CoordinatorClient(fleet.coordinator_endpoint()) as client:
                for path in files:
                    await client.delete_image(pool, f"r{run}-{path.name}")
        visible_rows = dock.panel.view.model().rowCount()
    finally:
        if window is not None:
            window._close_confirmed = True
            window.close()
            await window.wait_closed()
        async with CoordinatorClient(fleet.coordinator_endpoint()) as client:
            try:
                await client.delete_pool(pool, force=True)
            finally:
                await fleet.stop()
                remove_pool(pool)
    return {"runs": runs, "panel_rows": visible_rows}


def main() -> None:
    app = QApplication([sys.argv[0]])
    app.setQuitOnLastWindowClosed(False)
    apply_style(app)
    workdir = Path(tempfile.mkdtemp(prefix="quantix-gui-bench-", dir=WORK_PARENT))
    try:
        figures = qasync.run(measure(workdir))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    runs = figures["runs"]
    print(
        json.dumps(
            {
                "bench": "transfers_gui",
                "transfers": TRANSFERS,
                "file_mib": FILE_MIB,
                **figures,
                "stall_max_ms": max(r["stall_max_ms"] for r in runs),
                "stall_p99_ms": max(r["stall_p99_ms"] for r in runs),
                "target_stall_ms": 50,
                "machine": machine(),
            }
        )
    )


if __name__ == "__main__":
    main()

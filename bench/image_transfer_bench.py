"""Image transfer benchmark (run by hand, never as a test): prints one JSON line.

Everything runs on this machine, on the REAL libvirtd (qemu:///system, which must be running;
it is never stopped): a coordinator and one node daemon ("bench-host") started by localfleet
over mutual TLS, and a dir pool of the bench's own in a directory under /var/tmp, on the same
disk as the source files (checked), removed afterwards with everything in it.

- ``upload``: the same 1 GiB file of random data, RUNS (5) times each, the tools alternating (the
  order rotates every run, so a drift of the machine's speed falls on each tool alike):
  - Quantix: CreateUpload, then ``clients.image_upload.send_file`` over a new mutual-TLS
    channel to the node (what the console and quantixctl do), until the coordinator's Watch
    shows the image READY. READY means the node has fsynced the file, checked size and
    SHA-256 (both ends hash every byte) and refreshed the pool.
  - ``virsh vol-create-as POOL NAME 1G --format raw`` + ``virsh vol-upload --pool POOL NAME
    FILE`` + ``sync FILE``: libvirt's own upload does NOT fsync (measured here: the whole GiB is
    still dirty in the page cache when virsh returns), so the volume's file is fsynced after it
    (coreutils ``sync FILE`` is one fsync of that file, as the node does), for like with like:
    bytes on disk. The unsynced time is reported too (``virsh_unsynced_s``).
  - ``cp FILE POOLDIR/NAME`` + ``sync POOLDIR/NAME``: the plain copy, made durable the same way.
  The source is read from the page cache by every tool (it was just written; 1 GiB fits many
  times), and ``sync`` runs (untimed) before each measurement, so no tool pays for the
  previous one's dirty pages. The figure per tool is the median; the ratios are speed ratios
  (the other tool's time over Quantix's: >= 1.0 means Quantix is as fast or faster).
- ``download``: the same 1 GiB from a loopback HTTP server (Python's http.server in a child
  process, answering with sendfile(2) so the server costs both clients as little as
  possible), RUNS times each, alternating: Quantix's CreateDownload (the node's httpx client,
  SHA-256 of every byte, compared with the one given) until READY on Watch, vs ``curl -o``
  into the same pool directory. Neither fsyncs (the node's download does not), so neither is
  followed by a sync. Both image kinds are ISO: no ``qemu-img info`` on either side.
- ``sparse``: a 10 GiB raw disk image holding 100 MiB of random data in four 25 MiB extents
  (start, two in the middle, end), the rest holes. Quantix upload (kind DISK: the node runs
  qemu-img info on it) to READY, SPARSE_RUNS (3) times; the volume's allocated size (the
  node's facts and st_blocks) must stay ~100 MiB. Compared with the full-size time: a 10 GiB
  file of random data (a random 64 MiB block repeated: nothing on the path compresses),
  uploaded once the same way, when the disk has room for it (``full_10g_measured``);
  otherwise estimated as 10x the 1 GiB upload's median. Both ends hash the holes as zeros
  (the SHA-256 covers every byte), which is most of the sparse time.
- ``sha256_1gib_s``: one SHA-256 of the 1 GiB source (hashlib, from the page cache), for scale:
  Quantix pays it at both ends of an upload and at the node of a download; virsh, cp and curl
  do not hash.

Targets (issue 9): upload >= 1.0x virsh and >= 0.9x the plain copy; download >= 0.9x curl;
sparse < 5 % of the full-size time.
Run (as root, libvirtd running): .venv/bin/python bench/image_transfer_bench.py
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import http.server
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Coroutine
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import libvirt  # noqa: E402

from clients.channels import node_endpoint, open_channel  # noqa: E402
from clients.coordinator import CoordinatorClient  # noqa: E402
from clients.image_upload import send_file  # noqa: E402
from domain.images import image_key  # noqa: E402
from domain.pools import Backend, LocalDirSource, PoolSpec  # noqa: E402
from localfleet import LocalFleet  # noqa: E402
from localfleet.fleet import wait_registered  # noqa: E402
from proto.quantix.v1 import common_pb2 as cpb  # noqa: E402
from proto.quantix.v1 import coordinator_pb2 as pb  # noqa: E402
from wire.pool_codec import spec_to_pb  # noqa: E402

MIB = 1 << 20
GIB = 1 << 30
LIBVIRT_URI = "qemu:///system"
HOST = "bench-host"
# Runs per tool of the 1 GiB comparisons: single runs here vary by up to 2x (a shared 2-core
# VM: other work, and page-cache writes whose cost swings with the host), so five, alternating,
# for a median no single noisy run moves; a 1 GiB round of all tools takes ~5 s.
RUNS = 5
# The sparse uploads take ~10 s each and vary less (hashing, not the disk): three.
SPARSE_RUNS = 3
SIZE = GIB
SPARSE_SIZE = 10 * GIB
SPARSE_EXTENTS = 4
SPARSE_DATA = 100 * MIB
# The repeated block of the 10 GiB full-size file: random, and large enough that no layer
# could notice the repetition (nothing on the path compresses or deduplicates anyway).
FULL_BLOCK = 64 * MIB
# Room the full-size measurement needs: the 10 GiB source and its 10 GiB copy, plus a margin
# so the bench never fills a disk other people's work shares.
FULL_ROOM = 24 * GIB
# About what happens, not how fast: a transfer that has not settled in ten minutes is broken.
SETTLE_TIMEOUT_S = 600.0
WORK_PARENT = Path("/var/tmp")


def machine() -> dict[str, Any]:
    model = ""
    with open("/proc/cpuinfo") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as meminfo:
        kib = int(next(line for line in meminfo if line.startswith("MemTotal")).split()[1])
    return {
        "cpus": os.cpu_count(),
        "cpu_model": model,
        "memory_gib": round(kib / 2**20, 1),
        "python": platform.python_version(),
        "platform": platform.platform(terse=True),
        "libvirt": ".".join(str(libvirt.getVersion() // 1000**i % 1000) for i in (2, 1, 0)),
    }


# --- source files ------------------------------------------------------------------------------


def random_file(path: Path, size: int, block: int = MIB, fresh_blocks: bool = True) -> str:
    """``size`` bytes of random data (new random bytes per block, or one random block over
    and over); its SHA-256."""
    digest = hashlib.sha256()
    data = os.urandom(block)
    with path.open("wb") as out:
        for _ in range(size // block):
            if fresh_blocks:
                data = os.urandom(block)
            out.write(data)
            digest.update(data)
    return digest.hexdigest()


def sparse_file(path: Path) -> int:
    """SPARSE_SIZE bytes, SPARSE_DATA of them random in SPARSE_EXTENTS extents, the rest holes;
    the bytes allocated."""
    extent = SPARSE_DATA // SPARSE_EXTENTS
    step = (SPARSE_SIZE - extent) // (SPARSE_EXTENTS - 1)
    with path.open("wb") as out:
        out.truncate(SPARSE_SIZE)
        for index in range(SPARSE_EXTENTS):
            out.seek(index * step // MIB * MIB)
            out.write(os.urandom(extent))
    return path.stat().st_blocks * 512


# --- the HTTP server (a child process) -----------------------------------------------------------


class _SendfileHandler(http.server.SimpleHTTPRequestHandler):
    """http.server's file handler, the body sent with sendfile(2): the kernel copies it, so the
    server takes as little CPU from the clients being compared as a server can."""

    def copyfile(self, source: Any, outputfile: Any) -> None:
        outputfile.flush()
        self.connection.sendfile(source)

    def log_message(self, format: str, *args: Any) -> None:
        pass


def serve(directory: str) -> None:
    """Serve ``directory`` on a free loopback port; the port goes to stdout first."""
    handler = partial(_SendfileHandler, directory=directory)
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler) as server:
        print(server.server_address[1], flush=True)
        server.serve_forever()


def start_server(directory: Path) -> tuple[subprocess.Popen[str], int]:
    child = subprocess.Popen(
        [sys.executable, __file__, "--serve", str(directory)], stdout=subprocess.PIPE, text=True
    )
    assert child.stdout is not None
    port = int(child.stdout.readline())
    # Serving once it answers a TCP connect.
    with socket.create_connection(("127.0.0.1", port), timeout=10):
        pass
    return child, port


# --- the fleet, the pool, Watch ------------------------------------------------------------------


class ImageWatch:
    """The coordinator's images as Watch shows them; ``settled(key)`` waits for READY/ERROR."""

    def __init__(self, client: CoordinatorClient) -> None:
        self._client = client
        self.images: dict[str, pb.Image] = {}
        self.pools: dict[str, pb.Pool] = {}
        self._changed = asyncio.Event()
        self._task = asyncio.get_running_loop().create_task(self._follow())

    async def _follow(self) -> None:
        async for event in self._client.watch(0):
            if event.HasField("image"):
                self.images[event.key] = event.image
            elif event.HasField("pool"):
                self.pools[event.key] = event.pool
            self._changed.set()

    async def until(self, accept: Callable[[], Any], what: str) -> Any:
        deadline = time.monotonic() + SETTLE_TIMEOUT_S
        while not (found := accept()):
            if self._task.done():
                raise RuntimeError(f"Watch ended while waiting for {what}: {self._task!r}")
            self._changed.clear()
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"{what}: not within {SETTLE_TIMEOUT_S:.0f} s")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), left)
        return found

    async def settled(self, pool: str, name: str) -> pb.Image:
        key = image_key(pool, name)

        def done() -> pb.Image | None:
            image = self.images.get(key)
            phases = (cpb.IMAGE_PHASE_READY, cpb.IMAGE_PHASE_ERROR)
            return image if image is not None and image.phase in phases else None

        image: pb.Image = await self.until(done, f"image {key} settled")
        if image.phase != cpb.IMAGE_PHASE_READY:
            raise RuntimeError(f"image {key} failed: {image.message}")
        return image

    def close(self) -> None:
        self._task.cancel()


class Bench:
    def __init__(self, workdir: Path, fleet: LocalFleet, client: CoordinatorClient) -> None:
        self.workdir = workdir
        self.fleet = fleet
        self.client = client
        self.pool = f"qb-bench-{uuid.uuid4().hex[:8]}"
        self.pool_dir = workdir / "pool"
        self.watch = ImageWatch(client)

    async def create_pool(self) -> None:
        spec = PoolSpec(
            self.pool, Backend.LOCAL_DIR, LocalDirSource(str(self.pool_dir)), hosts=(HOST,)
        )
        await self.client.create_pool(spec_to_pb(spec, include_secrets=True))

        def ready() -> bool:
            pool = self.watch.pools.get(self.pool)
            return pool is not None and pool.realization.phase == cpb.PHASE_READY

        await self.watch.until(ready, f"pool {self.pool} READY")

    # --- Quantix ---

    async def quantix_upload(
        self, path: Path, size: int, name: str, kind: int
    ) -> tuple[float, pb.Image]:
        started = time.perf_counter()
        request = pb.CreateUploadRequest(
            pool=self.pool, name=name, kind=kind, size_bytes=size, source=path.name
        )
        reply = await self.client.create_upload(request)
        identity = self.client.endpoint.identity
        channel = open_channel(node_endpoint(reply.node_address, reply.host, identity))
        try:
            await send_file(channel, path, reply.ticket)
        finally:
            await channel.close()
        image = await self.watch.settled(self.pool, name)
        return time.perf_counter() - started, image

    async def quantix_download(self, url: str, name: str, sha256: str) -> float:
        started = time.perf_counter()
        request = pb.CreateDownloadRequest(
            pool=self.pool, name=name, kind=cpb.IMAGE_KIND_ISO, url=url, sha256=sha256
        )
        await self.client.create_download(request)
        await self.watch.settled(self.pool, name)
        return time.perf_counter() - started

    async def delete_image(self, name: str) -> None:
        await self.client.delete_image(self.pool, name)
        path = self.pool_dir / name
        await self.watch.until(lambda: not path.exists(), f"{path} removed")

    # --- the others ---

    async def virsh_upload(self, path: Path, name: str) -> dict[str, float]:
        started = time.perf_counter()
        await run("virsh", "-c", LIBVIRT_URI, "vol-create-as", self.pool, name, str(SIZE),
                  "--format", "raw")  # fmt: skip
        created = time.perf_counter()
        await run("virsh", "-c", LIBVIRT_URI, "vol-upload", "--pool", self.pool, name, str(path))
        uploaded = time.perf_counter()
        await run("sync", str(self.pool_dir / name))
        synced = time.perf_counter()
        return {
            "total_s": synced - started,
            "create_s": created - started,
            "upload_s": uploaded - created,
            "sync_s": synced - uploaded,
        }

    async def virsh_delete(self, name: str) -> None:
        await run("virsh", "-c", LIBVIRT_URI, "vol-delete", "--pool", self.pool, name)

    async def cp(self, path: Path, name: str) -> dict[str, float]:
        dest = self.pool_dir / name
        started = time.perf_counter()
        await run("cp", str(path), str(dest))
        copied = time.perf_counter()
        await run("sync", str(dest))
        synced = time.perf_counter()
        return {"total_s": synced - started, "copy_s": copied - started, "sync_s": synced - copied}

    async def curl(self, url: str, name: str) -> float:
        started = time.perf_counter()
        await run("curl", "-sS", "--fail", "-o", str(self.pool_dir / name), url)
        return time.perf_counter() - started

    def remove_file(self, name: str) -> None:
        (self.pool_dir / name).unlink()


async def run(*command: str) -> None:
    child = await asyncio.create_subprocess_exec(
        *command, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE
    )
    _, stderr = await asyncio.wait_for(child.communicate(), SETTLE_TIMEOUT_S)
    if child.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({child.returncode}): {stderr.decode()}")


async def quiet() -> None:
    """Untimed: every dirty page of earlier runs on disk, so no run pays for another's."""
    await asyncio.to_thread(os.sync)


async def alternate(
    runs: int, tools: dict[str, Callable[[int], Coroutine[Any, Any, float]]]
) -> dict[str, list[float]]:
    """Each tool ``runs`` times, one after another in an order that rotates every run."""
    names = list(tools)
    times: dict[str, list[float]] = {name: [] for name in names}
    for index in range(runs):
        order = names[index % len(names) :] + names[: index % len(names)]
        for name in order:
            await quiet()
            times[name].append(await tools[name](index))
    return times


def figures(times: list[float]) -> dict[str, Any]:
    return {"median_s": round(statistics.median(times), 3), "runs_s": [round(t, 3) for t in times]}


# --- the measurements ----------------------------------------------------------------------------


async def measure_upload(bench: Bench, source: Path, sha256: str) -> dict[str, Any]:
    details: dict[str, list[dict[str, float]]] = {"virsh": [], "cp": []}

    async def quantix(index: int) -> float:
        name = f"quantix-{index}.iso"
        seconds, image = await bench.quantix_upload(source, SIZE, name, cpb.IMAGE_KIND_ISO)
        if image.facts.sha256 != sha256:
            raise RuntimeError(f"{name}: the node stored sha256 {image.facts.sha256}")
        await bench.delete_image(name)
        return seconds

    async def virsh(index: int) -> float:
        name = f"virsh-{index}.iso"
        parts = await bench.virsh_upload(source, name)
        details["virsh"].append(parts)
        await bench.virsh_delete(name)
        return parts["total_s"]

    async def cp(index: int) -> float:
        name = f"cp-{index}.iso"
        parts = await bench.cp(source, name)
        details["cp"].append(parts)
        bench.remove_file(name)
        return parts["total_s"]

    times = await alternate(RUNS, {"quantix": quantix, "virsh": virsh, "cp": cp})
    quantix_s = statistics.median(times["quantix"])
    return {
        "bytes": SIZE,
        "quantix": figures(times["quantix"]),
        "virsh": {
            **figures(times["virsh"]),
            "virsh_unsynced_s": round(
                statistics.median(p["upload_s"] for p in details["virsh"]), 3
            ),
            "sync_s": round(statistics.median(p["sync_s"] for p in details["virsh"]), 3),
        },
        "cp": {
            **figures(times["cp"]),
            "sync_s": round(statistics.median(p["sync_s"] for p in details["cp"]), 3),
        },
        "quantix_mb_s": round(SIZE / quantix_s / 1e6),
        "ratio_vs_virsh": round(statistics.median(times["virsh"]) / quantix_s, 2),
        "ratio_vs_cp": round(statistics.median(times["cp"]) / quantix_s, 2),
    }


async def measure_download(bench: Bench, served: Path, sha256: str) -> dict[str, Any]:
    server, port = start_server(served.parent)
    url = f"http://127.0.0.1:{port}/{served.name}"
    try:

        async def quantix(index: int) -> float:
            name = f"download-{index}.iso"
            seconds = await bench.quantix_download(url, name, sha256)
            await bench.delete_image(name)
            return seconds

        async def curl(index: int) -> float:
            name = f"curl-{index}.iso"
            seconds = await bench.curl(url, name)
            bench.remove_file(name)
            return seconds

        times = await alternate(RUNS, {"quantix": quantix, "curl": curl})
    finally:
        server.terminate()
        server.wait(timeout=30)
    quantix_s = statistics.median(times["quantix"])
    return {
        "bytes": SIZE,
        "quantix": figures(times["quantix"]),
        "curl": figures(times["curl"]),
        "quantix_mb_s": round(SIZE / quantix_s / 1e6),
        "ratio_vs_curl": round(statistics.median(times["curl"]) / quantix_s, 2),
    }


async def measure_sparse(bench: Bench, upload_median_s: float) -> dict[str, Any]:
    sparse = bench.workdir / "sparse.raw"
    source_allocated = await asyncio.to_thread(sparse_file, sparse)
    times: list[float] = []
    allocated: list[int] = []
    for index in range(SPARSE_RUNS):
        name = f"sparse-{index}.raw"
        await quiet()
        seconds, image = await bench.quantix_upload(sparse, SPARSE_SIZE, name, cpb.IMAGE_KIND_DISK)
        times.append(seconds)
        on_disk = (bench.pool_dir / name).stat().st_blocks * 512
        allocated.append(max(image.facts.allocated_bytes, on_disk))
        await bench.delete_image(name)
    sparse.unlink()

    measured = shutil.disk_usage(bench.workdir).free >= FULL_ROOM
    if measured:
        full = bench.workdir / "full.raw"
        await asyncio.to_thread(random_file, full, SPARSE_SIZE, FULL_BLOCK, False)
        await quiet()
        full_s, _image = await bench.quantix_upload(
            full, SPARSE_SIZE, "full.raw", cpb.IMAGE_KIND_DISK
        )
        await bench.delete_image("full.raw")
        full.unlink()
    else:
        full_s = upload_median_s * SPARSE_SIZE / SIZE
    sparse_s = statistics.median(times)
    return {
        "size_bytes": SPARSE_SIZE,
        "data_bytes": SPARSE_DATA,
        "source_allocated_bytes": source_allocated,
        "quantix": figures(times),
        "allocated_after_upload_bytes": max(allocated),
        "full_10g_s": round(full_s, 3),
        "full_10g_measured": measured,
        "ratio_to_full": round(sparse_s / full_s, 3),
    }


def sha256_seconds(path: Path) -> float:
    digest = hashlib.sha256()
    started = time.perf_counter()
    with path.open("rb") as file:
        while block := file.read(MIB):
            digest.update(block)
    return time.perf_counter() - started


async def measure(workdir: Path) -> dict[str, Any]:
    source = workdir / "source.iso"
    sha256 = await asyncio.to_thread(random_file, source, SIZE)
    hashing_s = statistics.median([await asyncio.to_thread(sha256_seconds, source) for _ in "abc"])
    # A heartbeat a minute: nothing here waits on one, and the fleet stays quiet meanwhile.
    fleet = await LocalFleet.start(workdir / "fleet", (), heartbeat_interval_s=60.0)
    try:
        await fleet.add_node(HOST, libvirt_uri=LIBVIRT_URI).wait_serving()
        await wait_registered(fleet.coordinator_endpoint(), (HOST,))
        async with CoordinatorClient(fleet.coordinator_endpoint()) as client:
            bench = Bench(workdir, fleet, client)
            try:
                bench.pool_dir.mkdir()
                await bench.create_pool()
                if os.stat(bench.pool_dir).st_dev != os.stat(source).st_dev:
                    raise RuntimeError(f"{bench.pool_dir} and {source} are on different disks")
                upload = await measure_upload(bench, source, sha256)
                download = await measure_download(bench, source, sha256)
                sparse = await measure_sparse(bench, upload["quantix"]["median_s"])
            finally:
                bench.watch.close()
                with contextlib.suppress(Exception):  # removed below in any case
                    await client.delete_pool(bench.pool, force=True)
                remove_pool(bench.pool)
    finally:
        await fleet.stop()
    return {
        "upload": upload,
        "download": download,
        "sparse": sparse,
        "sha256_1gib_s": round(hashing_s, 3),
    }


def remove_pool(name: str) -> None:
    """Whatever is left of the bench's pool on libvirtd (the coordinator's delete may not have
    finished, or failed)."""
    libvirt.registerErrorHandler(lambda _ctx, _error: None, None)
    conn = libvirt.open(LIBVIRT_URI)
    try:
        pool = conn.storagePoolLookupByName(name)
    except libvirt.libvirtError:
        return
    finally:
        conn.close()
    with contextlib.suppress(libvirt.libvirtError):
        if pool.isActive():
            pool.destroy()
        pool.undefine()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--serve", metavar="DIR", help=argparse.SUPPRESS)  # the HTTP child
    args = parser.parse_args()
    if args.serve:
        serve(args.serve)
        return
    workdir = Path(tempfile.mkdtemp(prefix="quantix-image-bench-", dir=WORK_PARENT))
    try:
        result = asyncio.run(measure(workdir))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    upload, download, sparse = result["upload"], result["download"], result["sparse"]
    print(
        json.dumps(
            {
                "bench": "image_transfer",
                **result,
                "targets": {
                    "upload_vs_virsh": ">= 1.0",
                    "upload_vs_cp": ">= 0.9",
                    "download_vs_curl": ">= 0.9",
                    "sparse_to_full": "< 0.05",
                },
                "met": {
                    "upload_vs_virsh": upload["ratio_vs_virsh"] >= 1.0,
                    "upload_vs_cp": upload["ratio_vs_cp"] >= 0.9,
                    "download_vs_curl": download["ratio_vs_curl"] >= 0.9,
                    "sparse_to_full": sparse["ratio_to_full"] < 0.05,
                },
                "machine": machine(),
            }
        )
    )


if __name__ == "__main__":
    main()

"""What mutual TLS costs (run by hand, never as a test): prints one JSON line.

The same two workloads, once over mutual TLS (how Quantix always runs) and once in plaintext
(``--insecure``, loopback only, for this comparison), alternating, RUNS times each:

- ``fanout``: CreatePool to READY on 50 simulated hosts (in-process gRPC servers, each with its
  own node certificate in the TLS runs) that answer at once, so the figure is the coordinator's
  and gRPC's own cost, where TLS has nothing to hide behind. Median over pools created one after
  another; the first pool (which opens the channels: the handshakes) is reported apart.
- ``watch``: 100 Watch streams (each its own connection), then CHANGES maintenance toggles sent
  at once; the time until every stream has seen every change, as events delivered per second,
  and the CPU the coordinator and the 100 clients spent on it.

Target (issue 7): TLS within 10 % of plaintext. Run: .venv/bin/python bench/tls_overhead_bench.py
"""

import asyncio
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import grpc  # noqa: E402

# The same CreatePool-to-READY measure as the fan-out bench (this directory is on sys.path).
from pool_fanout_bench import time_to_ready  # noqa: E402

from clients.channels import Endpoint  # noqa: E402
from clients.coordinator import CoordinatorClient  # noqa: E402
from localfleet import LocalFleet  # noqa: E402
from proto.quantix.v1 import common_pb2 as cpb  # noqa: E402
from proto.quantix.v1 import coordinator_pb2 as pb  # noqa: E402
from proto.quantix.v1 import node_pb2, node_pb2_grpc  # noqa: E402
from trust.credentials import server_credentials  # noqa: E402

HOSTS = 50
POOLS = 12  # per fan-out run: the first opens the channels, the rest are the steady figure
WATCHERS = 100
CHANGES = 1000
RUNS = 5


class InstantHosts(node_pb2_grpc.NodeDaemonServicer):
    async def InitStoragePool(self, request, context):
        pool = cpb.HostStoragePool(name=request.spec.name, type="netfs", capacity_bytes=2**40)
        return node_pb2.InitStoragePoolResponse(pool=pool)


class Mode:
    """How every party of one run talks: mutual TLS with the fleet's CA, or plaintext."""

    def __init__(self, fleet: LocalFleet, tls: bool) -> None:
        self.fleet = fleet
        self.tls = tls

    def admin(self) -> Endpoint:
        return self.fleet.coordinator_endpoint() if self.tls else self._plain()

    def as_host(self, name: str) -> Endpoint:
        if not self.tls:
            return self._plain()
        return Endpoint(self.fleet.coordinator_address, self.fleet.trust.node_identity(name))

    def _plain(self) -> Endpoint:
        return Endpoint(self.fleet.coordinator_address, None)

    async def host_server(self, name: str) -> tuple[grpc.aio.Server, int]:
        server = grpc.aio.server()
        node_pb2_grpc.add_NodeDaemonServicer_to_server(InstantHosts(), server)
        if self.tls:
            credentials = server_credentials(self.fleet.trust.node_identity(name))
            port = server.add_secure_port("127.0.0.1:0", credentials)
        else:
            port = server.add_insecure_port("127.0.0.1:0")
        await server.start()
        return server, port


async def start(workdir: Path, tls: bool) -> Mode:
    args = () if tls else ("--insecure",)
    # No heartbeats come from simulated hosts: an hour keeps them CONNECTED.
    fleet = await LocalFleet.start(workdir, (), heartbeat_interval_s=3600.0, coordinator_args=args)
    return Mode(fleet, tls)


async def fanout(workdir: Path, tls: bool) -> dict:
    mode = await start(workdir, tls)
    servers = []
    try:
        for i in range(HOSTS):
            name = f"host-{i:03d}"
            server, port = await mode.host_server(name)
            servers.append(server)
            async with CoordinatorClient(mode.as_host(name)) as host:
                await host.register_node(
                    pb.RegisterNodeRequest(hostname=name, address=f"127.0.0.1:{port}")
                )
        async with CoordinatorClient(mode.admin()) as client:
            times = [await time_to_ready(client, f"pool-{i}", HOSTS) for i in range(POOLS)]
    finally:
        await mode.fleet.stop()
        for server in servers:
            await server.stop(None)
    return {"first_s": times[0], "steady_s": statistics.median(times[1:])}


async def watch_throughput(workdir: Path, tls: bool) -> dict:
    mode = await start(workdir, tls)
    clients = [CoordinatorClient(mode.admin()) for _ in range(WATCHERS)]
    try:
        async with CoordinatorClient(mode.as_host("host-w")) as host:
            await host.register_node(
                pb.RegisterNodeRequest(hostname="host-w", address="127.0.0.1:9")
            )
        synced = [asyncio.Event() for _ in clients]
        counts = [0] * len(clients)
        done = asyncio.Event()

        async def follow(index: int, client: CoordinatorClient) -> None:
            async for event in client.watch(0):
                if event.type == pb.WatchEvent.TYPE_SYNCED:
                    synced[index].set()
                elif synced[index].is_set() and event.key == "host-w":
                    counts[index] += 1
                    if all(count >= CHANGES for count in counts):
                        done.set()

        followers = [asyncio.create_task(follow(i, c)) for i, c in enumerate(clients)]
        await asyncio.gather(*(event.wait() for event in synced))
        coordinator_pid = mode.fleet.coordinator.pid or 0
        async with CoordinatorClient(mode.admin()) as admin:
            cpu_before = process_cpu_s(coordinator_pid), own_cpu_s()
            started = time.perf_counter()
            # As fast as the coordinator takes them: Watch, not the writer, is measured.
            await asyncio.gather(
                *(admin.set_maintenance("host-w", change % 2 == 0) for change in range(CHANGES))
            )
            await asyncio.wait_for(done.wait(), 120)
            elapsed = time.perf_counter() - started
            coordinator_cpu = process_cpu_s(coordinator_pid) - cpu_before[0]
            clients_cpu = own_cpu_s() - cpu_before[1]
        for follower in followers:
            follower.cancel()
    finally:
        for client in clients:
            await client.close()
        await mode.fleet.stop()
    return {
        "seconds": elapsed,
        "events_per_s": CHANGES * WATCHERS / elapsed,
        "coordinator_cpu_s": coordinator_cpu,
        "clients_cpu_s": clients_cpu,
    }


def process_cpu_s(pid: int) -> float:
    """User + system CPU seconds of process ``pid`` so far (/proc/PID/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def own_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def memory_gib() -> float:
    with open("/proc/meminfo") as meminfo:
        kib = int(next(line for line in meminfo if line.startswith("MemTotal")).split()[1])
    return round(kib / 2**20, 1)


MEASURES = {"fanout": fanout, "watch": watch_throughput}


async def one(bench: str, label: str) -> None:
    """One measurement, in a process of its own (``--one BENCH tls|plaintext``): what an
    earlier run left behind (stopped servers, closed channels, gRPC threads) cannot slow it."""
    with tempfile.TemporaryDirectory(prefix="tls-bench-") as tmp:
        print(json.dumps(await MEASURES[bench](Path(tmp), label == "tls")))


def measured(bench: str, label: str) -> dict:
    command = [sys.executable, __file__, "--one", bench, label]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    results: dict[str, dict[str, list[dict]]] = {
        "fanout": {"tls": [], "plaintext": []},
        "watch": {"tls": [], "plaintext": []},
    }
    for _run in range(RUNS):
        for label in ("tls", "plaintext"):  # alternating, so drift hits both alike
            for bench in MEASURES:
                results[bench][label].append(measured(bench, label))

    def median(bench: str, label: str, key: str) -> float:
        return statistics.median(r[key] for r in results[bench][label])

    fan_tls, fan_plain = (
        median("fanout", "tls", "steady_s"),
        median("fanout", "plaintext", "steady_s"),
    )
    first_tls = median("fanout", "tls", "first_s")
    first_plain = median("fanout", "plaintext", "first_s")
    watch_tls = median("watch", "tls", "events_per_s")
    watch_plain = median("watch", "plaintext", "events_per_s")
    print(
        json.dumps(
            {
                "bench": "tls_overhead",
                "fanout_50_hosts": {
                    "tls_s": round(fan_tls, 4),
                    "plaintext_s": round(fan_plain, 4),
                    "tls_to_plaintext": round(fan_tls / fan_plain, 3),
                    "first_pool_tls_s": round(first_tls, 4),
                    "first_pool_plaintext_s": round(first_plain, 4),
                },
                "watch_100_clients": {
                    "tls_events_per_s": round(watch_tls),
                    "plaintext_events_per_s": round(watch_plain),
                    "tls_to_plaintext": round(watch_tls / watch_plain, 3),
                    "coordinator_cpu_s": {
                        label: round(median("watch", label, "coordinator_cpu_s"), 2)
                        for label in ("tls", "plaintext")
                    },
                    "clients_cpu_s": {
                        label: round(median("watch", label, "clients_cpu_s"), 2)
                        for label in ("tls", "plaintext")
                    },
                },
                "runs": RUNS,
                "target": "TLS within 10 % of plaintext",
                "machine": f"{platform.machine()}, {os.cpu_count()} cores, {memory_gib()} GiB, "
                f"Python {platform.python_version()}, {platform.platform(terse=True)}",
            }
        )
    )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--one"]:
        asyncio.run(one(sys.argv[2], sys.argv[3]))
    else:
        main()

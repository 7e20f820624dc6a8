"""Pool fan-out benchmark (run by hand, never as a test): prints one JSON line.

`test_driver`: for 1, 10 and 50 node daemons on libvirt's test driver (real processes on
loopback, started by localfleet), the time from calling CreatePool to the pool being READY on
every host, as seen on the coordinator's Watch stream (the way the console sees it). Each
figure is the median of RUNS pools created one after another on the same fleet; the first
pool's time includes opening the coordinator's channels to the nodes (`first_s`).

On one machine the test-driver figures measure CPU, not the fan-out: every node daemon
spends ~2.5 ms of CPU on an init, so 50 of them need ~120 ms of CPU, which two cores cannot
give in 2x a single node's ~5 ms, however concurrent the coordinator is. Real hosts each have
their own CPUs, and their time goes into waiting (a mount, a login). `host_latency` measures
that case: simulated hosts (in-process gRPC servers over mutual TLS, no CPU work) that answer
InitStoragePool after LATENCY_S, registered with a real coordinator process. There, 50 hosts
sequentially would take 50x; concurrently, about 1x.

Target (issue 3): 50 nodes within 2x the single-node time (the fan-out is concurrent).
Run: .venv/bin/python bench/pool_fanout_bench.py
"""

import asyncio
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import grpc  # noqa: E402

from clients.channels import Endpoint  # noqa: E402
from clients.coordinator import CoordinatorClient  # noqa: E402
from localfleet import LocalFleet  # noqa: E402
from proto.quantix.v1 import common_pb2 as cpb  # noqa: E402
from proto.quantix.v1 import coordinator_pb2 as pb  # noqa: E402
from proto.quantix.v1 import node_pb2, node_pb2_grpc  # noqa: E402
from tests.helpers import eventually  # noqa: E402
from trust.credentials import server_credentials  # noqa: E402

SIZES = (1, 10, 50)
RUNS = 7
# What a real host spends waiting on an NFS mount or an iSCSI login on a LAN: a few hundred ms.
LATENCY_S = 0.2


def spec(name: str) -> cpb.PoolSpec:
    return cpb.PoolSpec(
        name=name,
        backend=cpb.POOL_BACKEND_NFS,
        nfs=cpb.NfsSource(server="nas.lab", export_path=f"/export/{name}"),
    )


def network_spec(name: str, index: int) -> cpb.NetworkSpec:
    """An isolated network of its own subnet (subnets may not overlap on a shared host)."""
    return cpb.NetworkSpec(
        name=name,
        type=cpb.NETWORK_TYPE_ISOLATED,
        subnet=f"10.{index // 256}.{index % 256}.0/24",
        gateway=f"10.{index // 256}.{index % 256}.1",
    )


async def time_to_ready(
    client: CoordinatorClient, name: str, nodes: int, kind: str = "pool", index: int = 0
) -> float:
    """Seconds from Create<kind> to the Watch event that shows it READY on every host
    (``kind``: "pool" or "network", the WatchEvent field and the create call)."""
    ready = asyncio.Event()
    synced = asyncio.Event()
    failed: list[str] = []

    async def watch() -> None:
        async for event in client.watch(0):
            if event.type == pb.WatchEvent.TYPE_SYNCED:
                synced.set()
            if event.key != name or not event.HasField(kind):
                continue
            realization = getattr(event, kind).realization
            if realization.phase == cpb.PHASE_READY and len(realization.hosts) == nodes:
                ready.set()
                return
            if realization.phase in (cpb.PHASE_ERROR, cpb.PHASE_DEGRADED):
                failed.append(realization.message)
                ready.set()
                return

    watcher = asyncio.create_task(watch())
    await synced.wait()
    start = time.perf_counter()
    if kind == "network":
        await client.create_network(network_spec(name, index))
    else:
        await client.create_pool(spec(name))
    await ready.wait()
    elapsed = time.perf_counter() - start
    watcher.cancel()
    if failed:
        raise RuntimeError(f"{kind} {name} did not become READY: {failed[0]}")
    return elapsed


async def measure(size: int, workdir: Path) -> dict:
    names = [f"node-{i:03d}" for i in range(size)]
    started = time.perf_counter()
    # Heartbeats at the default 5 s: the fleet idles as a real one would during the runs.
    fleet = await LocalFleet.start(workdir, names, heartbeat_interval_s=5.0)
    try:
        async with CoordinatorClient(fleet.coordinator_endpoint()) as client:
            await eventually(
                lambda: client.list_nodes(),
                lambda r: (
                    len(r.nodes) == size
                    and all(n.status == pb.NODE_STATUS_CONNECTED for n in r.nodes)
                ),
                timeout_s=120,
                what=f"{size} nodes connected",
            )
            fleet_up_s = time.perf_counter() - started
            times = [await time_to_ready(client, f"bench-{i}", size) for i in range(RUNS)]
    finally:
        await fleet.stop()
    steady = times[1:]
    return {
        "median_s": round(statistics.median(steady), 4),
        "min_s": round(min(steady), 4),
        "max_s": round(max(steady), 4),
        "first_s": round(times[0], 4),
        "runs": len(steady),
        "fleet_start_s": round(fleet_up_s, 1),
    }


class SlowHosts(node_pb2_grpc.NodeDaemonServicer):
    """Every simulated host: InitStoragePool and InitNetwork answer after LATENCY_S, using no
    CPU meanwhile."""

    async def InitStoragePool(self, request, context):
        await asyncio.sleep(LATENCY_S)
        pool = cpb.HostStoragePool(name=request.spec.name, type="netfs", capacity_bytes=2**40)
        return node_pb2.InitStoragePoolResponse(pool=pool)

    async def InitNetwork(self, request, context):
        await asyncio.sleep(LATENCY_S)
        network = cpb.HostNetwork(name=request.spec.name, active=True, persistent=True)
        return node_pb2.InitNetworkResponse(network=network)


async def simulated_host(fleet: LocalFleet, name: str) -> grpc.aio.Server:
    """A SlowHosts server with ``name``'s own certificate, registered as a node daemon would:
    over mutual TLS, like the real ones, so the fan-out pays the same handshakes."""
    identity = fleet.trust.node_identity(name)
    server = grpc.aio.server()
    node_pb2_grpc.add_NodeDaemonServicer_to_server(SlowHosts(), server)
    port = server.add_secure_port("127.0.0.1:0", server_credentials(identity))
    await server.start()
    async with CoordinatorClient(Endpoint(fleet.coordinator_address, identity)) as node:
        await node.register_node(pb.RegisterNodeRequest(hostname=name, address=f"127.0.0.1:{port}"))
    return server


async def measure_latency(size: int, workdir: Path, kind: str = "pool") -> dict:
    # No heartbeats come from simulated hosts: an hour keeps them CONNECTED.
    fleet = await LocalFleet.start(workdir, (), heartbeat_interval_s=3600.0)
    servers: list[grpc.aio.Server] = []
    try:
        for i in range(size):
            servers.append(await simulated_host(fleet, f"slow-{i:03d}"))
        async with CoordinatorClient(fleet.coordinator_endpoint()) as client:
            times = [await time_to_ready(client, f"slow-{i}", size, kind, i) for i in range(RUNS)]
    finally:
        await fleet.stop()
        for server in servers:
            await server.stop(None)
    steady = times[1:]
    return {
        "median_s": round(statistics.median(steady), 4),
        "min_s": round(min(steady), 4),
        "max_s": round(max(steady), 4),
        "first_s": round(times[0], 4),
        "runs": len(steady),
    }


def memory_gib() -> float:
    with open("/proc/meminfo") as meminfo:
        kib = int(next(line for line in meminfo if line.startswith("MemTotal")).split()[1])
    return round(kib / 2**20, 1)


def ratios(figures: dict) -> dict:
    single = figures["1"]["median_s"]
    return {
        "ratio_10_to_1": round(figures["10"]["median_s"] / single, 2),
        "ratio_50_to_1": round(figures["50"]["median_s"] / single, 2),
    }


async def main() -> None:
    driver, latency = {}, {}
    with tempfile.TemporaryDirectory(prefix="pool-bench-") as tmp:
        for size in SIZES:
            workdir = Path(tmp) / f"n{size}"
            workdir.mkdir()
            driver[str(size)] = await measure(size, workdir)
        for size in SIZES:
            workdir = Path(tmp) / f"slow{size}"
            workdir.mkdir()
            latency[str(size)] = await measure_latency(size, workdir)
    print(
        json.dumps(
            {
                "bench": "pool_fanout",
                "what": "CreatePool to READY on every node (Watch), median of runs",
                "test_driver": {"nodes": driver, **ratios(driver)},
                "host_latency": {"latency_s": LATENCY_S, "nodes": latency, **ratios(latency)},
                "target_ratio_50_to_1": 2.0,
                "machine": f"{platform.machine()}, {os.cpu_count()} cores, {memory_gib()} GiB, "
                f"Python {platform.python_version()}, {platform.platform(terse=True)}",
            }
        )
    )


if __name__ == "__main__":
    asyncio.run(main())

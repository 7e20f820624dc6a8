"""Child of console_bench.py: drives a real coordinator over gRPC from its own process, so the
console process measures only its own work.

  feeder.py register ADDRESS DIR COUNT          register COUNT nodes (host-0000 ...), each
                                                 with a certificate of its own
  feeder.py churn ADDRESS DIR COUNT RATE SECS    toggle maintenance on those nodes at RATE
                                                 changes/s for SECS seconds, as the admin;
                                                 prints the number of changes made
  feeder.py usage ADDRESS DIR COUNT EVERY SECS   register COUNT nodes, print "registered",
                                                 and after a line on stdin each sends a
                                                 heartbeat with its host's usage every EVERY
                                                 seconds for SECS seconds (their starts spread
                                                 evenly); prints the number sent (before its
                                                 channels close). One process
                                                 for both: the coordinator binds a host to the
                                                 certificate it registered with, and these are
                                                 made in memory
DIR is the bench's work directory: the local CA (localfleet.trust) is there.
"""

import asyncio
import math
import sys
import time
from pathlib import Path

from clients.channels import Endpoint
from clients.coordinator import CoordinatorClient
from localfleet.trust import FleetTrust
from proto.quantix.v1 import common_pb2
from proto.quantix.v1 import coordinator_pb2 as pb

# Calls in flight at once: enough to reach 1,000 calls/s over loopback from one Python process.
CONCURRENCY = 64


def node_name(index: int) -> str:
    return f"host-{index:04d}"


async def register(address: str, trust: FleetTrust, count: int) -> None:
    """As each node's daemon would: with its own certificate, over its own connection."""
    semaphore = asyncio.Semaphore(CONCURRENCY)

    async def one(index: int) -> None:
        async with semaphore:
            endpoint = Endpoint(address, trust.node_identity(node_name(index)))
            async with CoordinatorClient(endpoint) as client:
                await register_one(client, index)

    await asyncio.gather(*(one(i) for i in range(count)))


async def register_one(client: CoordinatorClient, index: int) -> None:
    info = common_pb2.HostInfo(
        hostname=node_name(index),
        memory_bytes=256 * 2**30,
        libvirt_version="9.0.0",
        cpu=common_pb2.CpuInfo(model="EPYC 9354", logical_cpus=64),
    )
    request = pb.RegisterNodeRequest(
        hostname=node_name(index), address=f"127.0.0.1:{20000 + index}", host_info=info
    )
    await client.register_node(request)


async def churn(client: CoordinatorClient, count: int, rate: float, seconds: float) -> int:
    semaphore = asyncio.Semaphore(CONCURRENCY)
    sent = 0
    start = time.monotonic()
    tasks = []

    async def one(index: int, on: bool) -> None:
        async with semaphore:
            await client.set_maintenance(node_name(index), on)

    while (elapsed := time.monotonic() - start) < seconds:
        due = int(elapsed * rate)
        while sent < due:
            tasks.append(asyncio.ensure_future(one(sent % count, (sent // count) % 2 == 0)))
            sent += 1
        await asyncio.sleep(0.01)
    await asyncio.gather(*tasks)
    return sent


async def usage(address: str, trust: FleetTrust, count: int, every: float, seconds: float) -> int:
    """Heartbeats as node daemons send them: one channel per node, kept open; node i beats at
    i * every / count + k * every. CPU moves along a sine of its own per node, so every
    sparkline moves; memory stays at 40-60 %."""
    clients = [
        CoordinatorClient(Endpoint(address, trust.node_identity(node_name(i))))
        for i in range(count)
    ]
    semaphore = asyncio.Semaphore(CONCURRENCY)

    async def enrol(index: int) -> None:
        async with semaphore:
            await register_one(clients[index], index)

    await asyncio.gather(*(enrol(i) for i in range(count)))
    print("registered", flush=True)
    await asyncio.to_thread(sys.stdin.readline)
    sent = 0
    start = time.monotonic()
    total = 256 * 2**30

    async def beat(index: int, at: float) -> None:
        nonlocal sent
        cpu = 0.5 + 0.45 * math.sin(at / 60 * 2 * math.pi + index)
        memory = int(total * (0.5 + 0.1 * math.cos(index)))
        sample = common_pb2.HostUsage(
            cpu_fraction=cpu,
            memory_used_bytes=memory,
            memory_total_bytes=total,
            source=common_pb2.USAGE_SOURCE_KERNEL,
        )
        async with semaphore:
            await clients[index].heartbeat(node_name(index), sample)
        sent += 1

    tasks = []
    due = [i * every / count for i in range(count)]
    try:
        while (elapsed := time.monotonic() - start) < seconds:
            for index in range(count):
                if due[index] <= elapsed:
                    tasks.append(asyncio.ensure_future(beat(index, elapsed)))
                    due[index] += every
            await asyncio.sleep(0.01)
        await asyncio.gather(*tasks)
        # Said before the 1,000 channels close: closing them is a burst of CPU on this
        # machine's cores that is no part of what a console measures meanwhile.
        print(sent, flush=True)
    finally:
        for client in clients:
            await client.close()
    return sent


async def main() -> None:
    command, address, workdir, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    trust = FleetTrust(Path(workdir))
    if command == "register":
        await register(address, trust, count)
        return
    if command == "usage":
        every, seconds = float(sys.argv[5]), float(sys.argv[6])
        await usage(address, trust, count, every, seconds)
        return
    async with CoordinatorClient(Endpoint(address, trust.identity("admin"))) as client:
        print(await churn(client, count, float(sys.argv[5]), float(sys.argv[6])), flush=True)


asyncio.run(main())

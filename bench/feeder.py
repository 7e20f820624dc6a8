"""Child of console_bench.py: drives a real coordinator over gRPC from its own process, so the
console process measures only its own work.

  feeder.py register ADDRESS COUNT          register COUNT nodes (host-0000 ...)
  feeder.py churn ADDRESS COUNT RATE SECS   toggle maintenance on those nodes at RATE changes/s
                                            for SECS seconds; prints the number of changes made
"""

import asyncio
import sys
import time

from clients.coordinator import CoordinatorClient
from proto.quantix.v1 import common_pb2
from proto.quantix.v1 import coordinator_pb2 as pb

# Calls in flight at once: enough to reach 1,000 calls/s over loopback from one Python process.
CONCURRENCY = 64


def node_name(index: int) -> str:
    return f"host-{index:04d}"


async def register(client: CoordinatorClient, count: int) -> None:
    semaphore = asyncio.Semaphore(CONCURRENCY)

    async def one(index: int) -> None:
        async with semaphore:
            info = common_pb2.HostInfo(
                hostname=node_name(index),
                memory_bytes=256 * 2**30,
                libvirt_version="9.0.0",
                cpu=common_pb2.CpuInfo(model="EPYC 9354", logical_cpus=64),
            )
            await client.register_node(
                pb.RegisterNodeRequest(
                    hostname=node_name(index),
                    address=f"127.0.0.1:{20000 + index}",
                    host_info=info,
                )
            )

    await asyncio.gather(*(one(i) for i in range(count)))


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


async def main() -> None:
    command, address, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    async with CoordinatorClient(address) as client:
        if command == "register":
            await register(client, count)
        else:
            print(await churn(client, count, float(sys.argv[4]), float(sys.argv[5])), flush=True)


asyncio.run(main())

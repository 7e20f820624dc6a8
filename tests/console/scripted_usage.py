"""ScriptedUsageServer: Watch and GetUsageHistory with figures the test chooses.

The real coordinator's usage figures are what its hosts' heartbeats carried, when they carried
them: a test cannot choose a host's CPU at a given slot, nor a history with a gap at a given
place. This is a real grpc.aio server on loopback over mutual TLS (ScriptedWatchServer's), whose
Watch sends the nodes' snapshot, then the ``UsageSamples`` batches the test pushes, as the
coordinator publishes them (kind OBJECT_KIND_HOST_USAGE, key "", never in a snapshot), and
whose GetUsageHistory answers from ``history``. ``test_usage_live`` runs against the real one.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence

import grpc

from localfleet.trust import FleetTrust
from proto.quantix.v1 import common_pb2
from proto.quantix.v1 import coordinator_pb2 as pb
from tests.console.scripted_watch import ScriptedWatchServer
from wire.proto_time import timestamp_of

STEP_S = 5
SLOTS = 180


def slot_time(slot: int) -> float:
    """The start of absolute slot ``slot`` (the store's and the coordinator's 5 s slots)."""
    return float(slot * STEP_S)


def samples(at_s: float, figures: dict[str, tuple[float, float]]) -> pb.UsageSamples:
    """A batch as the coordinator publishes it: host -> (cpu, memory) fractions, received at
    ``at_s``, read from the host's kernel."""
    return pb.UsageSamples(
        time=timestamp_of(at_s),
        samples=[
            pb.HostUsageSample(
                host=host,
                cpu=cpu,
                memory=memory,
                memory_total_bytes=64 * 1024**3,
                source=common_pb2.USAGE_SOURCE_KERNEL,
            )
            for host, (cpu, memory) in figures.items()
        ],
    )


def history_series(
    host: str,
    end_slot: int,
    cpu: Sequence[float],
    memory: Sequence[float],
    source: int = common_pb2.USAGE_SOURCE_LIBVIRT,
) -> pb.UsageSeries:
    """A finest-tier series whose last value is slot ``end_slot`` (NaN: no sample there)."""
    return pb.UsageSeries(
        host=host,
        start=timestamp_of(slot_time(end_slot - len(cpu) + 1)),
        step_seconds=STEP_S,
        cpu=list(cpu),
        memory=list(memory),
        memory_total_bytes=64 * 1024**3,
        logical_cpus=16,
        source=source,
    )


class ScriptedUsageServer(ScriptedWatchServer):
    """``nodes`` in the snapshot; ``push(batch)`` sends a usage batch on the open stream,
    ``break_stream()`` ends it with UNAVAILABLE (the console reconnects and resumes);
    ``history_requests``: every GetUsageHistory request, in order."""

    def __init__(
        self,
        nodes: list[pb.Node],
        trust: FleetTrust,
        history: dict[str, pb.UsageSeries],
        now_s: float,
    ) -> None:
        super().__init__(nodes, trust, cut_first_snapshot_after=None)
        self.history = history
        self.now_s = now_s
        self.history_requests: list[pb.GetUsageHistoryRequest] = []
        self._live: asyncio.Queue[pb.UsageSamples | None] = asyncio.Queue()

    def push(self, batch: pb.UsageSamples) -> None:
        self._live.put_nowait(batch)

    def break_stream(self) -> None:
        self._live.put_nowait(None)

    async def live(self, context: grpc.aio.ServicerContext) -> AsyncIterator[pb.WatchBatch]:
        while True:
            batch = await self._live.get()
            if batch is None:
                await context.abort(grpc.StatusCode.UNAVAILABLE, "stream broken by test")
            usage = pb.WatchEvent(
                type=pb.WatchEvent.TYPE_UPDATED,
                kind=pb.OBJECT_KIND_HOST_USAGE,
                revision=self.revision,
                usage=batch,
            )
            yield pb.WatchBatch(events=[usage])

    async def GetUsageHistory(
        self, request: pb.GetUsageHistoryRequest, context: grpc.aio.ServicerContext
    ) -> pb.GetUsageHistoryResponse:
        self.history_requests.append(request)
        wanted = list(request.hosts) or sorted(self.history)
        return pb.GetUsageHistoryResponse(
            series=[self.history[host] for host in wanted if host in self.history],
            now=timestamp_of(self.now_s),
        )

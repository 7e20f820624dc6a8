"""A longer range's curve from GetUsageHistory replies: each host's series placed on one grid
of the range's tier (ending with the slot of the coordinator's "now"), then combined as a
cluster's curve is (domain.usage.combine, weighted by logical CPUs and memory size)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from console.usage.usage_store import SeriesView
from domain.usage import combine, tier_for_window
from proto.quantix.v1 import common_pb2
from proto.quantix.v1 import coordinator_pb2 as pb


def window_view(
    replies: Iterable[pb.GetUsageHistoryResponse], hosts: Sequence[str], window_s: float
) -> SeriesView | None:
    """The curve of ``hosts`` over the last ``window_s``; None when no reply held any of them.

    A series at another step than the range's tier (a coordinator of another layout) is left
    out rather than drawn on the wrong time axis.
    """
    step = tier_for_window(window_s).step_s
    count = max(1, math.ceil(window_s / step))
    now_s = 0.0
    wanted = set(hosts)
    series: list[pb.UsageSeries] = []
    for reply in replies:
        now_s = max(now_s, reply.now.seconds + reply.now.nanos / 1e9)
        series += [s for s in reply.series if s.host in wanted and s.step_seconds == step]
    if not series:
        return None
    first = int(now_s // step) - count + 1
    cpu = [_aligned(s, s.cpu, first, count) for s in series]
    memory = [_aligned(s, s.memory, first, count) for s in series]
    # A host that has not said its size yet weighs as one CPU / one byte, as the live curve.
    cpu_weights = [max(1, s.logical_cpus) for s in series]
    memory_weights = [max(1, s.memory_total_bytes) for s in series]
    sources = {s.source for s in series}
    source = sources.pop() if len(sources) == 1 else common_pb2.USAGE_SOURCE_UNSPECIFIED
    return SeriesView(
        float(first * step),
        step,
        combine(cpu, cpu_weights),
        combine(memory, memory_weights),
        source,
    )


def _aligned(
    series: pb.UsageSeries, values: Sequence[float], first: int, count: int
) -> list[float]:
    """``values`` on the grid of ``count`` slots from slot ``first``; NaN where none falls."""
    result = [math.nan] * count
    offset = round((series.start.seconds + series.start.nanos / 1e9) / series.step_seconds) - first
    for i, value in enumerate(values):
        if 0 <= offset + i < count:
            result[offset + i] = value
    return result

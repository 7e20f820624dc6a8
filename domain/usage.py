"""Host usage over time: the history's layout, the rules of a sample, and the arithmetic both
ends share (CPU busy share from two cumulative readings; a cluster's curve from its hosts').

Layout: each host keeps one ring of fixed-width slots per tier. A sample lands in the finest
tier's slot for its time (a later sample in the same slot replaces it) and is averaged into
the coarser tiers' slots. The rings never grow, so memory is bounded by hosts x slots whatever
the heartbeat rate.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from domain.errors import ValidationError
from domain.limits import quoted


@dataclass(frozen=True)
class Tier:
    step_s: int  # slot width
    slots: int  # how many the ring holds

    @property
    def span_s(self) -> int:
        return self.step_s * self.slots


# 15 minutes at the heartbeat's 5 s (what a live graph shows), 6 hours at 1 minute (an
# afternoon at a glance), 24 hours at 5 minutes (yesterday's peak): 180 + 360 + 288 = 828 slots
# a host, the resolutions vSphere's and Proxmox's performance charts use for the same spans.
TIERS: tuple[Tier, ...] = (Tier(5, 180), Tier(60, 360), Tier(300, 288))
FINEST = TIERS[0]
LONGEST_SPAN_S = TIERS[-1].span_s


@dataclass(frozen=True)
class GraphWindow:
    label: str  # what the console's range choice says
    flag: str  # quantixctl's --window value
    seconds: int


# The ranges a graph (and `quantixctl hosts usage --window`) offers: each tier's whole span, so
# every range is drawn at its own tier's step, as the coordinator keeps it (nothing resampled).
GRAPH_WINDOWS: tuple[GraphWindow, ...] = (
    GraphWindow("15 min", "15m", TIERS[0].span_s),
    GraphWindow("6 h", "6h", TIERS[1].span_s),
    GraphWindow("24 h", "24h", TIERS[2].span_s),
)


def graph_window(flag: str, field: str = "--window") -> GraphWindow:
    """The range a user named (``15m``, ``6h``, ``24h``)."""
    for window in GRAPH_WINDOWS:
        if flag == window.flag:
            return window
    choices = ", ".join(window.flag for window in GRAPH_WINDOWS)
    raise ValidationError(field, f"must be one of {choices} (got {quoted(flag)})")


def graph_window_of(seconds: float) -> GraphWindow:
    """The range spanning ``seconds`` exactly; ValidationError for any other span."""
    for window in GRAPH_WINDOWS:
        if seconds == window.seconds:
            return window
    spans = ", ".join(str(window.seconds) for window in GRAPH_WINDOWS)
    raise ValidationError("window", f"must be one of {spans} seconds (got {seconds:g})")


# Bytes a slot costs in the coordinator: two float32 (CPU, memory) in array('f') rings, plus
# the tiers' count per coarse slot (uint16) for the running mean. Used by the README's estimate
# and checked against a measurement by bench/usage_memory_bench.py.
BYTES_PER_SLOT = 4 + 4 + 2

# Live samples are published on Watch at most this often, all hosts' in one event: a heartbeat
# is every 5 s per host, so 1,000 hosts would otherwise be 200 events/s; one event a second
# carries them all and still moves a graph within a second of the host's reading.
PUBLISH_INTERVAL_S = 1.0

# A host's memory is at most this (a 64 TiB machine is already exotic); a report above it is a
# bug or a lie and is refused, not graphed.
MAX_MEMORY_BYTES = 1 << 50


def tier_for_window(window_s: float) -> Tier:
    """The finest tier whose span covers ``window_s`` (0: the finest)."""
    for tier in TIERS:
        if window_s <= tier.span_s:
            return tier
    return TIERS[-1]


def validate_window(window_s: float, field: str = "window") -> float:
    if not math.isfinite(window_s) or window_s < 0 or window_s > LONGEST_SPAN_S:
        raise ValidationError(
            field, f"must be from 0 to {LONGEST_SPAN_S // 3600} hours (got {window_s:g} s)"
        )
    return window_s or FINEST.span_s


def validate_sample(
    cpu_fraction: float, used_bytes: int, total_bytes: int, field: str = "usage"
) -> None:
    """A node's reading: a busy share in 0..1, used memory no more than total."""
    if not math.isfinite(cpu_fraction) or not 0.0 <= cpu_fraction <= 1.0:
        raise ValidationError(
            f"{field}.cpu_fraction", f"must be from 0 to 1 (got {cpu_fraction!r})"
        )
    if total_bytes == 0 or total_bytes > MAX_MEMORY_BYTES:
        raise ValidationError(
            f"{field}.memory_total_bytes", f"must be from 1 to 2^50 (got {total_bytes})"
        )
    if used_bytes > total_bytes:
        raise ValidationError(
            f"{field}.memory_used_bytes",
            f"must not exceed memory_total_bytes (got {used_bytes} of {total_bytes})",
        )


@dataclass(frozen=True)
class CpuTimes:
    """Cumulative CPU time of the whole host, in any one unit (ns from libvirt, jiffies from
    /proc/stat): busy and idle (idle includes iowait, as top counts it)."""

    busy: int
    idle: int


def busy_fraction(before: CpuTimes, after: CpuTimes) -> float:
    """Share of CPU time spent busy between two readings, 0..1 (0 when no time passed or a
    counter went back, e.g. a CPU taken offline)."""
    busy = after.busy - before.busy
    total = busy + after.idle - before.idle
    if total <= 0 or busy < 0:
        return 0.0
    return min(1.0, busy / total)


def combine(values: Sequence[Sequence[float]], weights: Sequence[float]) -> list[float]:
    """A cluster's curve: at each slot the weighted mean of the hosts that have a value there
    (weights: logical CPUs for CPU, memory bytes for memory); NaN where none has one."""
    length = max((len(v) for v in values), default=0)
    result = []
    for i in range(length):
        total = weight = 0.0
        for series, w in zip(values, weights, strict=True):
            if i < len(series) and not math.isnan(series[i]):
                total += series[i] * w
                weight += w
        result.append(total / weight if weight else math.nan)
    return result


def estimated_bytes(hosts: int) -> int:
    """The history's memory for ``hosts`` with every tier full (24 h): the README's figure."""
    return hosts * sum(tier.slots for tier in TIERS) * BYTES_PER_SLOT

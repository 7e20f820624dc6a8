"""How usage figures are worded in the console: percentages, times on a graph's axis and
under its marker."""

from __future__ import annotations

import math
import time

from proto.quantix.v1 import common_pb2

# Curves' colours (both 4.5:1 or better on white, WCAG AA), the same in the graph, its legend
# and the Hosts table's sparklines: blue for CPU (the accent of the capacity bars), purple for
# memory, told apart by hue and by name in every legend and tooltip, never by colour alone.
CPU_COLOUR = "#2f6fb3"
MEMORY_COLOUR = "#8a3ea8"


def percent(fraction: float) -> str:
    """``37 %``; ``—`` when there is no figure."""
    if math.isnan(fraction):
        return "—"
    return f"{round(min(1.0, max(0.0, fraction)) * 100)} %"


def ago(seconds: float) -> str:
    """How long before "now" a point is, as the time axis counts: ``now``, ``-40 s``,
    ``-3 min 20 s``, ``-15 min``, ``-2 h 5 min``, ``-24 h``."""
    seconds = round(max(0.0, seconds))
    if seconds == 0:
        return "now"
    if seconds >= 3600:
        # An hour back or more: the longer ranges' steps are whole minutes.
        hours, minutes = divmod(seconds // 60, 60)
        return f"-{hours} h {minutes} min" if minutes else f"-{hours} h"
    minutes, rest = divmod(seconds, 60)
    if not minutes:
        return f"-{rest} s"
    return f"-{minutes} min {rest} s" if rest else f"-{minutes} min"


def clock(seconds: float) -> str:
    """A moment as this machine's local time of day."""
    return time.strftime("%H:%M:%S", time.localtime(seconds))


def point_text(at_s: float, now_s: float, cpu: float, memory: float) -> str:
    """What the marker says about one slot: ``14:32:05 (-3 min 20 s) · CPU 37 % · Memory
    52 %``."""
    return f"{clock(at_s)} ({ago(now_s - at_s)}) · CPU {percent(cpu)} · Memory {percent(memory)}"


SOURCE_TEXT = {
    common_pb2.USAGE_SOURCE_LIBVIRT: "libvirt node statistics",
    common_pb2.USAGE_SOURCE_KERNEL: "host kernel (/proc)",
}


def source_text(source: int) -> str:
    """Where a host's figures come from (UsageSeries.source, HostUsageSample.source)."""
    return SOURCE_TEXT.get(source, "not reported")

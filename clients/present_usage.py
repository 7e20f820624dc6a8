"""How host usage figures are worded on every client: where they come from, a one-line
sparkline of a series, and the JSON of a series (`quantixctl hosts usage`, the console)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from clients.present import iso_time
from proto.quantix.v1 import common_pb2
from proto.quantix.v1 import coordinator_pb2 as pb

SOURCE_TEXT = {
    common_pb2.USAGE_SOURCE_LIBVIRT: "libvirt node statistics",
    common_pb2.USAGE_SOURCE_KERNEL: "host kernel (/proc)",
}

# Eight heights of a sparkline's column; the lowest still shows (0 % is a figure), a blank is
# a stretch with no figure at all.
BLOCKS = "▁▂▃▄▅▆▇█"
NO_FIGURE = " "
# Columns of a sparkline at most: fits an 80-column terminal beside its caption and figures.
SPARKLINE_WIDTH = 48


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


def source_text(source: int) -> str:
    """Where a host's figures come from (UsageSeries.source, HostUsageSample.source)."""
    return SOURCE_TEXT.get(source, "not reported")


def sparkline(values: Sequence[float], width: int = SPARKLINE_WIDTH) -> str:
    """``values`` (0..1, NaN: none) as at most ``width`` block characters, each the mean of
    the figures of its run of slots, oldest first."""
    if not values:
        return ""
    per_column = math.ceil(len(values) / width)
    columns = []
    for start in range(0, len(values), per_column):
        known = [v for v in values[start : start + per_column] if not math.isnan(v)]
        if not known:
            columns.append(NO_FIGURE)
            continue
        mean = min(1.0, max(0.0, sum(known) / len(known)))
        columns.append(BLOCKS[min(len(BLOCKS) - 1, math.floor(mean * len(BLOCKS)))])
    return "".join(columns)


def latest(values: Sequence[float]) -> tuple[int, float] | None:
    """The index and value of the newest figure; None when there is none."""
    for index in range(len(values) - 1, -1, -1):
        if not math.isnan(values[index]):
            return index, values[index]
    return None


def series_json(series: pb.UsageSeries) -> dict[str, Any]:
    """A series for scripts: fractions 0..1, null where no sample arrived."""

    def figures(values: Sequence[float]) -> list[float | None]:
        return [None if math.isnan(v) else round(v, 4) for v in values]

    return {
        "host": series.host,
        "source": source_text(series.source),
        "start": iso_time(series.start),
        "step_seconds": series.step_seconds,
        "cpu": figures(series.cpu),
        "memory": figures(series.memory),
        "memory_total_bytes": series.memory_total_bytes,
        "logical_cpus": series.logical_cpus,
    }

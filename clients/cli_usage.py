"""`quantixctl hosts usage HOST... [--window 15m|6h|24h]`: each host's CPU and memory over the
window, as the coordinator keeps it (GetUsageHistory, at the window's tier step). Text: a
sparkline per figure with the latest and the peak; ``--json``: every slot."""

from __future__ import annotations

import argparse
import math
from collections.abc import Sequence

from clients.cli_format import add_output_flags, print_data, structured
from clients.coordinator import CoordinatorClient
from clients.present_usage import ago, latest, percent, series_json, source_text, sparkline
from domain.pools import validate_host_names
from domain.usage import GRAPH_WINDOWS, GraphWindow, graph_window
from proto.quantix.v1 import coordinator_pb2 as pb


def add_command(hosts_cmd: argparse._SubParsersAction) -> None:
    usage = hosts_cmd.add_parser("usage", help="hosts' CPU and memory usage over a window")
    usage.add_argument("hosts", nargs="+", metavar="HOST")
    flags = ", ".join(window.flag for window in GRAPH_WINDOWS)
    usage.add_argument(
        "--window",
        default=GRAPH_WINDOWS[0].flag,
        help=f"how far back: {flags} (default: %(default)s, at 5 s; 6h at 1 min, 24h at 5 min)",
    )
    add_output_flags(usage)


def checked(args: argparse.Namespace) -> tuple[tuple[str, ...], GraphWindow]:
    """The hosts and window asked for; ValidationError naming the flag, before any call."""
    return validate_host_names(args.hosts, "HOST"), graph_window(args.window, "--window")


async def run(client: CoordinatorClient, args: argparse.Namespace) -> None:
    hosts, window = checked(args)
    reply = await client.get_usage_history(hosts, window.seconds)
    if structured(args.output):
        print_data(
            {
                "window": window.flag,
                "now": reply.now.ToJsonString(),
                "series": [series_json(series) for series in reply.series],
            },
            args.output,
        )
        return
    now_s = reply.now.seconds + reply.now.nanos / 1e9
    print("\n\n".join(series_text(series, window, now_s) for series in reply.series))


def series_text(series: pb.UsageSeries, window: GraphWindow, now_s: float) -> str:
    """``host-a — last 6 h at 1 min — libvirt node statistics`` then a line per figure:
    its sparkline, the latest value and how long ago, the peak."""
    step = series.step_seconds
    head = f"{series.host} — last {window.label} at {_step_text(step)} — "
    head += f"source: {source_text(series.source)}"
    start_s = series.start.seconds + series.start.nanos / 1e9
    lines = [head]
    for name, values in (("CPU", series.cpu), ("Memory", series.memory)):
        lines.append(f"  {name:<6}  {sparkline(values)}  {_figures(values, start_s, step, now_s)}")
    return "\n".join(lines)


def _figures(values: Sequence[float], start_s: float, step: int, now_s: float) -> str:
    newest = latest(values)
    if newest is None:
        return "no figures in this window"
    index, value = newest
    known = [v for v in values if not math.isnan(v)]
    # A slot's figure was taken during it: its age is from the slot's end, "now" at best.
    age = ago(now_s - (start_s + (index + 1) * step))
    return f"latest {percent(value)} ({age})  peak {percent(max(known))}"


def _step_text(step_s: int) -> str:
    return f"{step_s // 60} min" if step_s >= 60 and step_s % 60 == 0 else f"{step_s} s"

"""How usage figures are worded in the console: percentages, times on a graph's axis and
under its marker."""

from __future__ import annotations

import time

# Worded as quantixctl words them (re-exported for the console's modules).
from clients.present_usage import ago as ago
from clients.present_usage import percent as percent
from clients.present_usage import source_text as source_text

# Curves' colours (both 4.5:1 or better on white, WCAG AA), the same in the graph, its legend
# and the Hosts table's sparklines: blue for CPU (the accent of the capacity bars), purple for
# memory, told apart by hue and by name in every legend and tooltip, never by colour alone.
CPU_COLOUR = "#2f6fb3"
MEMORY_COLOUR = "#8a3ea8"


def clock(seconds: float) -> str:
    """A moment as this machine's local time of day."""
    return time.strftime("%H:%M:%S", time.localtime(seconds))


def point_text(at_s: float, now_s: float, cpu: float, memory: float) -> str:
    """What the marker says about one slot: ``14:32:05 (-3 min 20 s) · CPU 37 % · Memory
    52 %``."""
    return f"{clock(at_s)} ({ago(now_s - at_s)}) · CPU {percent(cpu)} · Memory {percent(memory)}"

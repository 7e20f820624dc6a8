"""quantixctl's progress bar: one line on a terminal, redrawn in place a few times a second
(percent, bytes done of total, speed, time left, what is happening); on a pipe or a file, no
bar at all, only a line when the phase changes, so a log stays readable.

It is written to stderr: stdout keeps the command's result (a table, or ``--json`` for a
script), whatever the bar does.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TextIO

from clients.present_tasks import bytes_text, eta_text, percent, percent_text, rate_text

# Redraws at most 5 times a second: a bar and a speed redrawn every 0.2 s look continuous to a
# person, and a 1 GB/s upload's ~1,000 chunk callbacks a second cost almost nothing. A phase
# change and the end are drawn at once.
MIN_REDRAW_S = 0.2
# The bar's cells between [ and ]; narrower when the terminal cannot fit it and the figures.
BAR_CELLS = 30
MIN_BAR_CELLS = 10
# Characters of the label kept on a narrow terminal: enough to tell two transfers apart.
MIN_LABEL = 16
# When the terminal's width cannot be read (a pty nobody sized): the classic 80 columns.
FALLBACK_COLUMNS = 80
# Erase from the cursor to the end of the line (ANSI EL): a shorter redraw leaves no tail of
# the longer one before it.
ERASE_LINE_END = "\x1b[K"


@dataclass(frozen=True)
class Progress:
    """One reading of a transfer: ``total`` 0 when unknown; ``rate`` bytes per second and
    ``eta`` seconds when measured (None: not yet)."""

    done: int
    total: int
    phase: str
    rate: float | None = None
    eta: float | None = None


def progress_figures(progress: Progress) -> str:
    """``42 %  1.2 GiB of 4.0 GiB  85.3 MiB/s  ETA 0:35``."""
    return "  ".join(
        (
            percent_text(progress.done, progress.total),
            bytes_text(progress.done, progress.total),
            rate_text(progress.rate),
            f"ETA {eta_text(progress.eta)}",
        )
    )


def bar_cells(progress: Progress, cells: int) -> str:
    """``[#########.....]``; an unknown total shows an empty bar (no guess)."""
    share = percent(progress.done, progress.total)
    filled = 0 if share is None else int(cells * share / 100)
    return "[" + "#" * filled + "." * (cells - filled) + "]"


def bar_line(label: str, progress: Progress, columns: int) -> str:
    """The bar's line for a terminal ``columns`` wide, never as wide (a wrapped line cannot be
    redrawn in place). The figures and the phase are kept whole; on a narrow terminal the
    label is cut first (to MIN_LABEL characters), then the bar shrinks, then it goes."""
    width = max(columns - 1, 1)
    text = f"{progress_figures(progress)}  {progress.phase}"
    shown = len(label)
    if len(text) + len(" [] ") + MIN_BAR_CELLS + shown > width:
        shown = max(MIN_LABEL, width - len(text) - len(" [] ") - MIN_BAR_CELLS)
    name = label if shown >= len(label) else label[: max(shown - 1, 0)] + "…"
    cells = min(BAR_CELLS, width - len(name) - len(" [] ") - len(text))
    if cells >= MIN_BAR_CELLS:
        return f"{name} {bar_cells(progress, cells)} {text}"
    return f"{name} {text}"[:width]


def is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a closed or fd-less stream
        return False


class ProgressBar:
    """Draws ``Progress`` readings of one transfer labelled ``label`` (``upload alpine.iso``)
    on ``stream``: a bar on a terminal, phase lines elsewhere. ``clock`` is monotonic time."""

    def __init__(
        self,
        stream: TextIO,
        label: str,
        clock: Callable[[], float] = time.monotonic,
        terminal: bool | None = None,
    ) -> None:
        self._stream = stream
        self._label = label
        self._clock = clock
        self._terminal = is_terminal(stream) if terminal is None else terminal
        self._last_drawn: float | None = None
        self._last_phase: str | None = None
        self._latest: Progress | None = None
        self._on_line = False  # the cursor is on a drawn bar's line
        self._drawn: Progress | None = None  # what that line shows

    @property
    def terminal(self) -> bool:
        return self._terminal

    def update(self, progress: Progress) -> None:
        """Take a reading; drawn now if the phase changed or MIN_REDRAW_S has passed."""
        self._latest = progress
        now = self._clock()
        phase_changed = progress.phase != self._last_phase
        if not self._terminal:
            if phase_changed:
                self._write_line(f"{self._label}: {progress.phase}")
            self._last_phase = progress.phase
            return
        due = self._last_drawn is None or now - self._last_drawn >= MIN_REDRAW_S
        if due or phase_changed:
            self._draw(progress)
            self._last_drawn = now
        self._last_phase = progress.phase

    def finish(self, final_phase: str | None = None) -> None:
        """The last reading drawn as it is (with ``final_phase`` as its phase, if given) and the
        line ended, so whatever is printed next starts on a line of its own."""
        latest = self._latest
        if latest is not None and final_phase is not None:
            latest = Progress(latest.done, latest.total, final_phase, latest.rate, None)
        if not self._terminal:
            if latest is not None and latest.phase != self._last_phase:
                self._write_line(f"{self._label}: {latest.phase}")
            self._last_phase = latest.phase if latest else self._last_phase
            return
        if latest is not None:
            self._draw(latest)
        self._end_line()

    def interrupt(self) -> None:
        """End the bar's line before something else is written (an error)."""
        self._end_line()

    def _draw(self, progress: Progress) -> None:
        if progress == self._drawn:
            return
        line = bar_line(self._label, progress, _columns(self._stream))
        self._stream.write(f"\r{line}{ERASE_LINE_END}")
        self._stream.flush()
        self._drawn = progress
        self._on_line = True

    def _end_line(self) -> None:
        if self._on_line:
            self._stream.write("\n")
            self._stream.flush()
            self._on_line = False
            self._drawn = None

    def _write_line(self, text: str) -> None:
        self._stream.write(text + "\n")
        self._stream.flush()


def _columns(stream: TextIO) -> int:
    try:
        columns = os.get_terminal_size(stream.fileno()).columns
    except (AttributeError, ValueError, OSError):
        columns = 0
    return columns or shutil.get_terminal_size((FALLBACK_COLUMNS, 24)).columns or FALLBACK_COLUMNS

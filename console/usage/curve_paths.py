"""Curves of usage fractions as painter paths, shared by the graph and the Hosts table's
sparklines: one polyline per run of samples, broken where samples are missing.

A single empty slot between two samples is bridged: samples land in the slot of their arrival
time, so a heartbeat a little late (5.2 s after the one before) skips a 5 s slot now and then
although the host never stopped reporting. Two or more empty slots in a row are a real gap
(at the default interval, a host is called offline after 3 missed beats) and are drawn as one.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QPainterPath

# Empty slots in a row that are still drawn as a line (see the module's docstring).
MAX_BRIDGED_SLOTS = 1


def slot_x(rect: QRectF, index: int, count: int) -> float:
    """The x of slot ``index``'s middle when ``count`` slots fill ``rect``'s width."""
    return rect.left() + (index + 0.5) * rect.width() / max(1, count)


def value_y(rect: QRectF, value: float) -> float:
    """The y of a fraction (clamped to 0..1: a bad figure stays inside the plot)."""
    return rect.bottom() - min(1.0, max(0.0, value)) * rect.height()


def curve(values: Sequence[float], rect: QRectF) -> tuple[QPainterPath, list[QPointF]]:
    """The polylines of ``values`` in ``rect``, and the points that stand alone (a sample with
    gaps on both sides, drawn as a dot since a path of one point is invisible)."""
    path = QPainterPath()
    lone: list[QPointF] = []
    count = len(values)
    run: list[QPointF] = []
    empty = 0
    for index, value in enumerate(values):
        if math.isnan(value):
            empty += 1
            continue
        point = QPointF(slot_x(rect, index, count), value_y(rect, value))
        if run and empty > MAX_BRIDGED_SLOTS:
            _add_run(path, lone, run)
            run = []
        run.append(point)
        empty = 0
    if run:
        _add_run(path, lone, run)
    return path, lone


def _add_run(path: QPainterPath, lone: list[QPointF], run: list[QPointF]) -> None:
    if len(run) == 1:
        lone.append(run[0])
        return
    path.moveTo(run[0])
    for point in run[1:]:
        path.lineTo(point)

"""A painted graph of CPU % and memory % over the last 15 minutes, for one host or a set of
hosts (a cluster: their curves combined, weighted by size).

API (stable; the host detail and the clusters feature use it):

- ``UsageGraph(store, parent)`` — ``store`` is the window's ``UsageStore``
  (``context.model("usage", UsageStore)``).
- ``show_hosts(hosts: Sequence[str])`` — one host: its own curves; several: the combined
  curves (``UsageStore.combined``); empty: nothing shown.
- ``set_window(seconds)`` — the range shown: one of domain.usage.GRAPH_WINDOWS (15 min: the
  live store; 6 h, 24 h: the coordinator's history, console.usage.window_reader); the graph's
  own "Range" choice sets it too. ``window()`` — the range shown.
- ``time_labels(span_s)`` (module) — the time axis's labels over a span.
- ``view`` — the ``SeriesView`` drawn (None before any figure), ``marker_text()`` — what the
  marker says (the slot's time, how long ago, both values); ``status_text()`` — what is said
  instead of curves ("Reading…", a failure's words).

Drawn with QPainter (QtCharts is in PySide6-Addons, not in the PySide6-Essentials the console
pins, and a plotting library for two lines is not worth a dependency): a % axis (0-100 %,
gridlines every 25 %), a time axis labelled back from "now" (the coordinator's time of the
newest figures), a legend with the current values, gaps left as gaps (console.usage.curve_paths).
Hovering shows a marker with the time and both values at that point; with the focus, Left and
Right move it a slot at a time, Home and End to either end, Escape hides it. The widget
repaints only when the store says one of its hosts changed.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFocusEvent,
    QFontMetrics,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
)
from PySide6.QtWidgets import QComboBox, QLabel, QSizePolicy, QWidget

from console.usage.curve_paths import curve, slot_x, value_y
from console.usage.usage_store import STALE_SLOTS, SeriesView, UsageStore
from console.usage.usage_text import CPU_COLOUR, MEMORY_COLOUR, ago, percent, point_text
from console.usage.window_reader import WindowReader
from domain.usage import GRAPH_WINDOWS, GraphWindow, graph_window_of

# Gridlines of the % axis: every quarter, enough to read a level at a glance.
PERCENT_TICKS = (0.0, 0.25, 0.5, 0.75, 1.0)
# Time axis labels, by the span shown: 5 to 7 labels whatever the range (every 4 h over 24 h,
# every hour over 6 h, every 5 minutes over 15 minutes), every minute over a short span.
AXIS_TICKS_S = ((12 * 3600, 4 * 3600), (2 * 3600, 3600), (600, 300))
SHORT_TICK_S = 60
READING = "Reading…"
GRID_COLOUR = "#e6e8ec"
MARKER_COLOUR = "#3d444d"
PADDING = 6
CURVE_WIDTH = 1.6
DOT_RADIUS = 2.5


class UsageGraph(QWidget):
    def __init__(self, store: UsageStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("usageGraph")
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMinimumSize(260, 140)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._store = store
        self._hosts: tuple[str, ...] = ()
        self.view: SeriesView | None = None
        # The start of the slot under the marker (coordinator time), so the marker stays on
        # its moment while the curve moves left; None: no marker.
        self._marker_s: float | None = None
        self.reloads = 0  # how often the curves were read again (repaints follow them)
        self._window = GRAPH_WINDOWS[0]
        self._status = ""  # a longer range's "Reading…" or failure, said instead of curves
        self.range_choice = QComboBox(self)
        self.range_choice.setObjectName("usageRange")
        self.range_choice.setAccessibleName("Usage graph range")
        for window in GRAPH_WINDOWS:
            self.range_choice.addItem(window.label, window.seconds)
        self.range_label = QLabel("&Range:", self)
        self.range_label.setBuddy(self.range_choice)
        self.range_choice.currentIndexChanged.connect(self._on_range_chosen)
        self._reader = WindowReader(store.endpoint, store.knows, self)
        self._reader.loaded.connect(self._on_window_loaded)
        self._reader.failed.connect(self._on_window_failed)
        store.changed.connect(self._on_store_changed)
        store.problem_changed.connect(self._on_problem_changed)
        self._describe()

    # --- public ---------------------------------------------------------------------------

    def show_hosts(self, hosts: Sequence[str]) -> None:
        self._hosts = tuple(dict.fromkeys(hosts))
        self._marker_s = None
        self._start()

    def hosts(self) -> tuple[str, ...]:
        return self._hosts

    def set_window(self, seconds: float) -> None:
        """Show the range of ``seconds`` (one of GRAPH_WINDOWS; ValidationError otherwise)."""
        window = graph_window_of(seconds)
        self.range_choice.setCurrentIndex(GRAPH_WINDOWS.index(window))  # -> _on_range_chosen

    def window(self) -> GraphWindow:
        return self._window

    def status_text(self) -> str:
        """What the plot says when it has no curves to draw."""
        if not self._hosts:
            return "No hosts"
        if self._status:
            return self._status
        if self._is_live():
            problem = self._store.problem
            return f"No usage figures yet.\n{problem}" if problem else "No usage figures yet"
        return "No usage figures in this range"

    def plot_rect(self) -> QRectF:
        """Where the curves are drawn (inside the axes' labels, the legend and the range)."""
        metrics = QFontMetrics(self.font())
        left = metrics.horizontalAdvance("100 %") + 2 * PADDING
        top = max(metrics.height(), self.range_choice.sizeHint().height()) + 2 * PADDING
        bottom = metrics.height() + PADDING
        return QRectF(self.rect()).adjusted(left, top, -2 * PADDING, -bottom)

    def marker_index(self) -> int | None:
        view = self.view
        if view is None or self._marker_s is None:
            return None
        index = round((self._marker_s - view.start_s) / view.step_s)
        return index if 0 <= index < len(view.cpu) else None

    def marker_text(self) -> str:
        index = self.marker_index()
        view = self.view
        if index is None or view is None:
            return ""
        # "now" is the newest slot, as the time axis's right end says.
        newest = view.time_of(len(view.cpu) - 1)
        return point_text(view.time_of(index), newest, view.cpu[index], view.memory[index])

    def set_marker_at(self, x: float) -> None:
        """Put the marker on the slot under ``x`` (a widget coordinate)."""
        view = self.view
        if view is None or not view.cpu:
            return
        rect = self.plot_rect()
        count = len(view.cpu)
        index = math.floor((x - rect.left()) / rect.width() * count)
        self._set_marker(min(count - 1, max(0, index)))

    def current(self) -> tuple[float, float]:
        """CPU and memory now: the newest slot with figures within the last STALE_SLOTS."""
        view = self.view
        if view is None:
            return math.nan, math.nan
        for index in range(len(view.cpu) - 1, max(-1, len(view.cpu) - 2 - STALE_SLOTS), -1):
            if not (math.isnan(view.cpu[index]) and math.isnan(view.memory[index])):
                return view.cpu[index], view.memory[index]
        return math.nan, math.nan

    # --- range -----------------------------------------------------------------------------

    def _is_live(self) -> bool:
        return self._window is GRAPH_WINDOWS[0]

    def _on_range_chosen(self, index: int) -> None:
        if 0 <= index < len(GRAPH_WINDOWS) and GRAPH_WINDOWS[index] is not self._window:
            self._window = GRAPH_WINDOWS[index]
            self._marker_s = None
            self._start()

    def _start(self) -> None:
        """Show the hosts' curves of the range chosen: the live store's, or a history read."""
        self._reader.stop()
        self._status = ""
        if self._is_live() or not self._hosts:
            self._reload()
            return
        self.view = None
        self._status = READING
        self._describe()
        self.update()
        if self.isVisible():
            self._reader.start(self._hosts, self._window.seconds)

    def _on_window_loaded(self, view: SeriesView | None) -> None:
        self.view = view
        self._status = ""
        self.reloads += 1
        self._describe()
        self.update()

    def _on_window_failed(self, text: str) -> None:
        # The curves of an earlier read would pass for current ones: the words replace them.
        self.view = None
        self._status = text
        self._describe()
        self.update()

    def showEvent(self, event: object) -> None:
        super().showEvent(event)  # type: ignore[arg-type]
        if not self._is_live() and self._hosts:
            self._reader.start(self._hosts, self._window.seconds)  # what was missed, now

    def hideEvent(self, event: object) -> None:
        self._reader.stop()  # no reads for a graph nobody sees
        super().hideEvent(event)  # type: ignore[arg-type]

    def resizeEvent(self, event: object) -> None:
        super().resizeEvent(event)  # type: ignore[arg-type]
        choice = self.range_choice.sizeHint()
        label = self.range_label.sizeHint()
        right = self.width() - 2 * PADDING
        self.range_choice.setGeometry(
            right - choice.width(), PADDING, choice.width(), choice.height()
        )
        top = PADDING + (choice.height() - label.height()) // 2
        left = right - choice.width() - PADDING - label.width()
        self.range_label.setGeometry(left, top, label.width(), label.height())

    # --- store ----------------------------------------------------------------------------

    def _on_store_changed(self, hosts: frozenset[str]) -> None:
        if self._is_live() and any(host in hosts for host in self._hosts):
            self._reload()

    def _on_problem_changed(self, _text: str) -> None:
        if self._is_live() and self.view is None:
            self.update()

    def _reload(self) -> None:
        hosts = self._hosts
        if not hosts:
            self.view = None
        elif len(hosts) == 1:
            self.view = self._store.series(hosts[0])
        else:
            self.view = self._store.combined(hosts)
        self.reloads += 1
        self._describe()
        self.update()

    def _describe(self) -> None:
        hosts = self._hosts
        whose = hosts[0] if len(hosts) == 1 else f"{len(hosts)} hosts combined"
        self.setAccessibleName(f"CPU and memory usage of {whose}" if hosts else "Usage graph")
        cpu, memory = self.current()
        if self.view is None and hosts and self.status_text():
            self.setAccessibleDescription(f"Last {self._window.label}. {self.status_text()}")
            return
        text = f"Last {self._window.label}. Now: CPU {percent(cpu)}, memory {percent(memory)}."
        marker = self.marker_text()
        self.setAccessibleDescription(f"{text} At the marker: {marker}." if marker else text)

    # --- marker: mouse and keyboard ---------------------------------------------------------

    def _set_marker(self, index: int | None) -> None:
        view = self.view
        self._marker_s = None if index is None or view is None else view.time_of(index)
        self._describe()
        self.setToolTip(self.marker_text())
        self.update()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        self.set_marker_at(event.position().x())
        super().mouseMoveEvent(event)

    def leaveEvent(self, event: object) -> None:
        if not self.hasFocus():
            self._set_marker(None)
        super().leaveEvent(event)  # type: ignore[arg-type]

    def focusOutEvent(self, event: QFocusEvent) -> None:
        self._set_marker(None)
        super().focusOutEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        view = self.view
        key = event.key()
        if view is None or not view.cpu or key not in _MARKER_KEYS:
            super().keyPressEvent(event)
            return
        last = len(view.cpu) - 1
        index = self.marker_index()
        if key == Qt.Key.Key_Escape:
            if index is None:
                super().keyPressEvent(event)  # nothing to hide: let a dialog close
                return
            self._set_marker(None)
        elif key == Qt.Key.Key_Home:
            self._set_marker(0)
        elif key == Qt.Key.Key_End or index is None:
            self._set_marker(last)  # the first arrow press shows "now"
        elif key == Qt.Key.Key_Left:
            self._set_marker(max(0, index - 1))
        else:
            self._set_marker(min(last, index + 1))
        event.accept()

    # --- painting ---------------------------------------------------------------------------

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = self.plot_rect()
        text_colour = self.palette().color(QPalette.ColorRole.WindowText)
        self._paint_grid(painter, rect, text_colour)
        view = self.view
        if view is None or rect.width() <= 0 or rect.height() <= 0:
            painter.setPen(text_colour)
            painter.drawText(
                rect, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self.status_text()
            )
            painter.end()
            return
        self._paint_time_axis(painter, rect, view, text_colour)
        for values, colour in ((view.memory, MEMORY_COLOUR), (view.cpu, CPU_COLOUR)):
            self._paint_curve(painter, rect, values, QColor(colour))
        self._paint_legend(painter, text_colour)
        self._paint_marker(painter, rect, view)
        if self.hasFocus():
            pen = QPen(self.palette().color(QPalette.ColorRole.Highlight), 1, Qt.PenStyle.DotLine)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5))
        painter.end()

    def _paint_grid(self, painter: QPainter, rect: QRectF, text_colour: QColor) -> None:
        metrics = painter.fontMetrics()
        for fraction in PERCENT_TICKS:
            y = value_y(rect, fraction)
            painter.setPen(QPen(QColor(GRID_COLOUR), 1))
            painter.drawLine(QPointF(rect.left(), y), QPointF(rect.right(), y))
            label = percent(fraction)
            painter.setPen(text_colour)
            width = metrics.horizontalAdvance(label)
            baseline = y + metrics.ascent() / 2 - 1
            painter.drawText(QPointF(rect.left() - PADDING - width, baseline), label)

    def _paint_time_axis(
        self, painter: QPainter, rect: QRectF, view: SeriesView, text_colour: QColor
    ) -> None:
        metrics = painter.fontMetrics()
        span = view.end_s - view.start_s
        painter.setPen(text_colour)
        baseline = rect.bottom() + metrics.ascent() + PADDING / 2
        for back, label in time_labels(span):
            x = rect.right() - back / span * rect.width()
            width = metrics.horizontalAdvance(label)
            left = min(rect.right() - width, max(rect.left(), x - width / 2))
            painter.drawText(QPointF(left, baseline), label)

    def _paint_curve(
        self, painter: QPainter, rect: QRectF, values: Sequence[float], colour: QColor
    ) -> None:
        path, lone = curve(values, rect)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(QPen(colour, CURVE_WIDTH))
        painter.drawPath(path)
        painter.setBrush(colour)
        painter.setPen(Qt.PenStyle.NoPen)
        for point in lone:
            painter.drawEllipse(point, DOT_RADIUS, DOT_RADIUS)

    def _paint_legend(self, painter: QPainter, text_colour: QColor) -> None:
        metrics = painter.fontMetrics()
        cpu, memory = self.current()
        x = self.plot_rect().left()
        baseline = PADDING + metrics.ascent()
        for name, value, colour in (("CPU", cpu, CPU_COLOUR), ("Memory", memory, MEMORY_COLOUR)):
            painter.setPen(QPen(QColor(colour), 3))
            middle = PADDING + metrics.height() / 2
            painter.drawLine(QPointF(x, middle), QPointF(x + 14, middle))
            label = f"{name} {percent(value)}"
            painter.setPen(text_colour)
            painter.drawText(QPointF(x + 18, baseline), label)
            x += 18 + metrics.horizontalAdvance(label) + 3 * PADDING

    def _paint_marker(self, painter: QPainter, rect: QRectF, view: SeriesView) -> None:
        index = self.marker_index()
        if index is None:
            return
        x = slot_x(rect, index, len(view.cpu))
        painter.setPen(QPen(QColor(MARKER_COLOUR), 1, Qt.PenStyle.DashLine))
        painter.drawLine(QPointF(x, rect.top()), QPointF(x, rect.bottom()))
        painter.setPen(Qt.PenStyle.NoPen)
        for values, colour in ((view.cpu, CPU_COLOUR), (view.memory, MEMORY_COLOUR)):
            if not math.isnan(values[index]):
                painter.setBrush(QColor(colour))
                painter.drawEllipse(QPointF(x, value_y(rect, values[index])), 3.5, 3.5)
        text = self.marker_text()
        metrics = painter.fontMetrics()
        box = QRectF(0, 0, metrics.horizontalAdvance(text) + 2 * PADDING, metrics.height() + 4)
        # Beside the marker, on whichever side has room, inside the plot.
        left = x + PADDING
        if left + box.width() > rect.right():
            left = x - PADDING - box.width()
        box.moveTo(max(rect.left(), left), rect.top() + 2)
        painter.setBrush(QColor(255, 255, 255, 235))
        painter.setPen(QPen(QColor(GRID_COLOUR), 1))
        painter.drawRect(box)
        painter.setPen(QColor(MARKER_COLOUR))
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)


def axis_tick_s(span_s: float) -> int:
    """How far apart the time axis's labels are over ``span_s``."""
    for least_span_s, tick_s in AXIS_TICKS_S:
        if span_s >= least_span_s:
            return tick_s
    return SHORT_TICK_S


def time_labels(span_s: float) -> list[tuple[int, str]]:
    """The time axis's labels over ``span_s``, right to left: (seconds before now, words)."""
    tick = axis_tick_s(span_s)
    return [(back, ago(back)) for back in range(0, int(span_s) + 1, tick)]


_MARKER_KEYS = frozenset(
    (Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Home, Qt.Key.Key_End, Qt.Key.Key_Escape)
)

"""A list model of one kind of Watch object, updated in batches. Subclasses say what a row shows.

Events are buffered and applied in batches (every ``FLUSH_INTERVAL_MS``, and at once on
SYNCED), as the hosts model does, so a snapshot of 2,000 objects becomes one row insertion and
a storm of updates to the same objects collapses into one ``dataChanged`` per changed row:

- ADDED / UPDATED of a known key: its row changes in place (``dataChanged`` for that row).
- ADDED of a new key: appended, one ``beginInsertRows`` per batch.
- REMOVED: its row is removed (``beginRemoveRows``, contiguous rows together).
- RESET: the rows stay until SYNCED; keys the new snapshot did not mention are then removed,
  so a reconnect keeps the view (and the selection) and changes only what really changed.

Rows stay in arrival order (key -> row in a dict), or, given a ``sort_key``, in that order:
new objects are merged in at their places, a run of neighbours in one insertion. Sorting here
instead of in a QSortFilterProxyModel matters at 2,000 rows: the proxy would call the model's
Python ``data()`` for every one of its ~40,000 comparisons. The key must not change with
updates (a name does not); filtering stays a proxy's job.

One column unless a subclass overrides ``columnCount`` (the hosts table does): the base is
QAbstractTableModel because QAbstractListModel's ``columnCount`` is private in C++ and a Python
override of it is never called. A changed row is announced across all its columns.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Generic, TypeVar

from google.protobuf.message import Message
from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QTimer,
    Signal,
)

from proto.quantix.v1 import coordinator_pb2 as pb

# Same window as the hosts model: below what a person notices as lag, long enough that a
# snapshot or a burst of changes arrives as a few batches instead of one repaint per event.
FLUSH_INTERVAL_MS = 50

# Past this many separate changed ranges in one batch, one range from the first to the last
# changed row is cheaper for views than many signals.
MAX_CHANGED_RANGES = 16

M = TypeVar("M", bound=Message)
AnyIndex = QModelIndex | QPersistentModelIndex
ROOT = QModelIndex()


class WatchListModel(QAbstractTableModel, Generic[M]):
    """Rows of the objects of ``kind``, taken from the ``field`` of each WatchEvent."""

    # The first snapshot (or the one after a RESET) is complete: an empty list now means
    # "there are none", not "still loading".
    synced = Signal()
    # After every flush that changed anything (counts and summaries recompute on it).
    batch_applied = Signal()

    def __init__(
        self,
        kind: int,
        field: str,
        parent: QObject | None = None,
        sort_key: Callable[[M], Any] | None = None,
    ) -> None:
        super().__init__(parent)
        self._kind = kind
        self._field = field
        self._sort_key = sort_key
        self._sort_keys: list[Any] = []  # sort_key of each row, when sorting
        self._items: list[M] = []
        self._keys: list[str] = []
        self._row_of: dict[str, int] = {}
        # key -> new object, or None for a removal; insertion-ordered, so new keys are
        # appended in the order the coordinator sent them.
        self._pending: dict[str, M | None] = {}
        self._seen_since_reset: set[str] | None = None
        self.is_synced = False
        self._flush_timer = QTimer(self)
        self._flush_timer.setSingleShot(True)
        self._flush_timer.setInterval(FLUSH_INTERVAL_MS)
        self._flush_timer.timeout.connect(self.flush)

    # --- Watch events ---------------------------------------------------------------------

    def apply_event(self, event: pb.WatchEvent) -> None:
        """Take one Watch event; rows change at the next flush (SYNCED flushes at once).

        RESET and SYNCED carry no kind and concern every model; objects of other kinds are
        ignored, so the main window may hand this model any event.
        """
        kind = event.type
        if event.kind not in (self._kind, pb.OBJECT_KIND_UNSPECIFIED):
            return
        if kind == pb.WatchEvent.TYPE_RESET:
            self._pending.clear()
            self._seen_since_reset = set()
            self.is_synced = False
        elif kind in (pb.WatchEvent.TYPE_ADDED, pb.WatchEvent.TYPE_UPDATED):
            if event.WhichOneof("object") != self._field:
                return
            self._pending[event.key] = getattr(event, self._field)
            if self._seen_since_reset is not None:
                self._seen_since_reset.add(event.key)
            self._schedule_flush()
        elif kind == pb.WatchEvent.TYPE_REMOVED:
            self._pending[event.key] = None
            if self._seen_since_reset is not None:
                self._seen_since_reset.discard(event.key)
            self._schedule_flush()
        elif kind == pb.WatchEvent.TYPE_SYNCED:
            self._on_synced()

    def apply_events(self, events: Iterable[pb.WatchEvent]) -> None:
        for event in events:
            self.apply_event(event)

    def _schedule_flush(self) -> None:
        if not self._flush_timer.isActive():
            self._flush_timer.start()

    def _on_synced(self) -> None:
        seen = self._seen_since_reset
        self._seen_since_reset = None
        if seen is not None:
            for key in self._keys:
                if key not in seen:
                    self._pending[key] = None
        self.flush()
        if not self.is_synced:
            self.is_synced = True
            self.synced.emit()

    def flush(self) -> None:
        """Apply every buffered change now: removals, then in-place updates, then insertions."""
        self._flush_timer.stop()
        if not self._pending:
            return
        pending, self._pending = self._pending, {}
        self._remove_keys([k for k, item in pending.items() if item is None and k in self._row_of])
        updated: list[int] = []
        added: list[tuple[str, M]] = []
        for key, item in pending.items():
            if item is None:
                continue
            row = self._row_of.get(key)
            if row is None:
                added.append((key, item))
            else:
                self._items[row] = item
                self.item_replaced(key, item)
                updated.append(row)
        self._announce_changed_rows(updated)
        if added and self._sort_key is not None:
            self._insert_sorted(added, self._sort_key)
        elif added:
            first = len(self._items)
            self.beginInsertRows(ROOT, first, first + len(added) - 1)
            for offset, (key, item) in enumerate(added):
                self._keys.append(key)
                self._items.append(item)
                self._row_of[key] = first + offset
                self.item_replaced(key, item)
            self.endInsertRows()
        self.batch_applied.emit()

    def _insert_sorted(self, added: list[tuple[str, M]], sort_key: Callable[[M], Any]) -> None:
        """Merge ``added`` in at their places: one insertion per run of new neighbours, last
        run first, so that the row numbers of the runs still to insert stay valid."""
        keyed = sorted(((sort_key(item), key, item) for key, item in added), key=lambda k: k[0])
        runs: list[tuple[int, list[tuple[Any, str, M]]]] = []
        for entry in keyed:
            at = bisect.bisect_right(self._sort_keys, entry[0])
            if runs and runs[-1][0] == at:
                runs[-1][1].append(entry)
            else:
                runs.append((at, [entry]))
        for at, run in reversed(runs):
            self.beginInsertRows(ROOT, at, at + len(run) - 1)
            self._sort_keys[at:at] = [entry[0] for entry in run]
            self._keys[at:at] = [entry[1] for entry in run]
            self._items[at:at] = [entry[2] for entry in run]
            # Before endInsertRows: views and handlers of rowsInserted look rows up.
            self._row_of = {key: row for row, key in enumerate(self._keys)}
            for _sort, key, item in run:
                self.item_replaced(key, item)
            self.endInsertRows()

    def clear(self) -> None:
        """Forget every object (switching to another coordinator)."""
        self._flush_timer.stop()
        self._pending.clear()
        self._seen_since_reset = None
        self.is_synced = False
        self.beginResetModel()
        self._items.clear()
        self._keys.clear()
        self._sort_keys.clear()
        self._row_of.clear()
        self.items_cleared()
        self.endResetModel()
        self.batch_applied.emit()

    def _remove_keys(self, keys: list[str]) -> None:
        if not keys:
            return
        for key in keys:
            self.item_removed(key)
        rows = sorted((self._row_of[key] for key in keys), reverse=True)
        # Contiguous runs, last first, so earlier row numbers stay valid while removing.
        start = end = rows[0]
        for row in [*rows[1:], None]:
            if row is not None and row == start - 1:
                start = row
                continue
            self.beginRemoveRows(ROOT, start, end)
            del self._items[start : end + 1]
            del self._keys[start : end + 1]
            if self._sort_key is not None:
                del self._sort_keys[start : end + 1]
            self.endRemoveRows()
            if row is not None:
                start = end = row
        self._row_of = {key: row for row, key in enumerate(self._keys)}

    def _announce_changed_rows(
        self, rows: list[int], columns: tuple[int, int] | None = None, roles: Sequence[int] = ()
    ) -> None:
        """``dataChanged`` for ``rows`` (in ranges), across all columns or ``columns`` (first,
        last), for ``roles`` (empty: all)."""
        if not rows:
            return
        rows.sort()
        ranges: list[tuple[int, int]] = []
        for row in rows:
            if ranges and row <= ranges[-1][1] + 1:
                ranges[-1] = (ranges[-1][0], max(row, ranges[-1][1]))
            else:
                ranges.append((row, row))
        if len(ranges) > MAX_CHANGED_RANGES:
            ranges = [(rows[0], rows[-1])]
        first_column, last_column = columns or (0, self.columnCount() - 1)
        for first, last in ranges:
            self.dataChanged.emit(
                self.index(first, first_column), self.index(last, last_column), list(roles)
            )

    # --- hooks for subclasses (caches derived from an object) -------------------------------

    def item_replaced(self, key: str, item: M) -> None:
        """``key`` now holds ``item`` (new or changed)."""

    def item_removed(self, key: str) -> None:
        """``key`` is about to go."""

    def items_cleared(self) -> None:
        """Every object is gone."""

    # --- lookups --------------------------------------------------------------------------

    def item_at(self, row: int) -> M:
        return self._items[row]

    def key_at(self, row: int) -> str:
        return self._keys[row]

    def row_of(self, key: str) -> int | None:
        return self._row_of.get(key)

    def item(self, key: str) -> M | None:
        row = self._row_of.get(key)
        return None if row is None else self._items[row]

    def items(self) -> list[M]:
        return list(self._items)

    def rowCount(self, parent: AnyIndex = ROOT) -> int:
        return 0 if parent.isValid() else len(self._items)

    def columnCount(self, parent: AnyIndex = ROOT) -> int:
        return 0 if parent.isValid() else 1

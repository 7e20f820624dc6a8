"""Tasks (uploads, downloads, OVA imports), one row each, fed by Watch (OBJECT_KIND_TASK).

Batching and per-row ``dataChanged`` come from WatchListModel. Newest first: a task's creation
time never changes, so its place does not either (WatchListModel keeps rows in order without a
sorting proxy). Each row's words are made once per change (a ``TransferRow``), never per
repaint: the transfers panel repaints often and only draws them.

A console adds a note of its own to a task it drives (an upload it streams) when its side
failed in a way the coordinator cannot know yet (the file became unreadable): ``set_note``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Qt

from console.images import task_text
from console.models.watch_list_model import AnyIndex, WatchListModel
from domain.tasks import TaskPhase
from proto.quantix.v1 import common_pb2 as cpb
from proto.quantix.v1 import coordinator_pb2 as pb

TASK_ROLE = Qt.ItemDataRole.UserRole + 1  # the pb.Task
ROW_ROLE = Qt.ItemDataRole.UserRole + 2  # its TransferRow
KEY_ROLE = Qt.ItemDataRole.UserRole + 3  # its id
FINISHED_ROLE = Qt.ItemDataRole.UserRole + 4  # bool


@dataclass(frozen=True)
class TransferRow:
    """What one line of the transfers panel shows."""

    title: str  # "Upload ubuntu-24.04.iso"
    where: str  # "pool images on host-a"
    status: str  # "Writing the volume", "Failed: ...", "Done: images/x.iso on host-a"
    figures: str  # "1.2 GiB of 4.0 GiB · 85.3 MiB/s · 40 s left"
    fraction: float | None  # the bar's fill; None: no total known (the bar says so)
    tone: int  # a cpb.Phase whose tone the bar and the status take
    finished: bool
    note: str = ""  # this console's own words about the task ("" if none)

    @property
    def accessible_text(self) -> str:
        parts = [self.title, self.where, self.status, self.figures, self.note]
        if self.fraction is not None and not self.finished:
            parts.insert(2, f"{self.fraction * 100:.0f} percent")
        return ". ".join(part for part in parts if part)


# The tone (console.kit.phase_style) of a task's bar and status: done green, failed red,
# cancelled grey, cancelling amber (asked, not confirmed), queued and running blue.
_TONES: dict[TaskPhase, int] = {
    TaskPhase.SUCCEEDED: cpb.PHASE_READY,
    TaskPhase.FAILED: cpb.PHASE_ERROR,
    TaskPhase.CANCELLED: cpb.PHASE_OFFLINE,
    TaskPhase.CANCELLING: cpb.PHASE_DEGRADED,
}


def transfer_row(task: pb.Task, note: str = "") -> TransferRow:
    phase = task_text.phase_of(task)
    tone = _TONES.get(phase, cpb.PHASE_PENDING) if phase is not None else cpb.PHASE_UNSPECIFIED
    finished = task_text.is_finished(task)
    return TransferRow(
        title=task_text.title(task),
        where=task_text.where(task),
        status=task_text.status_line(task),
        figures=task_text.bytes_text(task) if finished else task_text.figures_text(task),
        fraction=task_text.fraction(task),
        tone=tone,
        finished=finished,
        note=note,
    )


def _newest_first(task: pb.Task) -> tuple[int, int, str]:
    return (-task.created_at.seconds, -task.created_at.nanos, task.id)


class TasksModel(WatchListModel[pb.Task]):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(pb.OBJECT_KIND_TASK, "task", parent, sort_key=_newest_first)
        self._rows: dict[str, TransferRow] = {}
        self._notes: dict[str, str] = {}

    # --- caches ---------------------------------------------------------------------------

    def item_replaced(self, key: str, item: pb.Task) -> None:
        self._rows[key] = transfer_row(item, self._notes.get(key, ""))

    def item_removed(self, key: str) -> None:
        self._rows.pop(key, None)

    def items_cleared(self) -> None:
        self._rows.clear()

    def set_note(self, task_id: str, note: str) -> None:
        """This console's own words about ``task_id`` (shown under its status)."""
        self._notes[task_id] = note
        row = self.row_of(task_id)
        if row is not None:
            self._rows[task_id] = transfer_row(self._items[row], note)
            self.dataChanged.emit(self.index(row, 0), self.index(row, 0))

    # --- lookups --------------------------------------------------------------------------

    def task(self, task_id: str) -> pb.Task | None:
        return self.item(task_id) if task_id else None

    def transfer(self, task_id: str) -> TransferRow | None:
        return self._rows.get(task_id)

    def running_count(self) -> int:
        return sum(1 for row in self._rows.values() if not row.finished)

    # --- Qt model -------------------------------------------------------------------------

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._items):
            return None
        key = self._keys[index.row()]
        row = self._rows[key]
        if role == ROW_ROLE:
            return row
        if role == TASK_ROLE:
            return self._items[index.row()]
        if role == KEY_ROLE:
            return key
        if role == FINISHED_ROLE:
            return row.finished
        if role == Qt.ItemDataRole.DisplayRole:
            return row.title
        if role in (Qt.ItemDataRole.AccessibleTextRole, Qt.ItemDataRole.ToolTipRole):
            return row.accessible_text
        return None

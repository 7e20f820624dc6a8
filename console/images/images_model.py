"""Images, one row each, fed by Watch (OBJECT_KIND_IMAGE, keyed "pool/name"): Quantix's own
images and the volumes found in managed pools (``managed`` false).

Columns: name, kind, size (a disk's virtual size), pool, host, phase, progress (from the
image's task, in the tasks model) and message. The progress column follows the tasks model:
when a task changes, the rows of the images it moves are announced changed (only those).

Rows stay in name order here (a key never changes, see WatchListModel); the page's proxy
filters by tab (console.kit.card_filter reads PHASE_ROLE and SORT_ROLE on column 0) and by kind.
"""

from __future__ import annotations

import enum
from collections import Counter
from typing import Any

from PySide6.QtCore import QObject, Qt

from console.images import image_text
from console.images.tasks_model import TasksModel
from console.kit.card_model import KEY_ROLE, PHASE_ROLE, SORT_ROLE
from console.kit.phase_style import phase_icon
from console.models.watch_list_model import ROOT, AnyIndex, WatchListModel
from domain.images import image_key
from proto.quantix.v1 import coordinator_pb2 as pb

IMAGE_ROLE = Qt.ItemDataRole.UserRole + 10  # the pb.Image of the row
VALUE_ROLE = Qt.ItemDataRole.UserRole + 11  # what a column sorts by (sizes as numbers)
PROGRESS_ROLE = Qt.ItemDataRole.UserRole + 12  # the bar's fill, 0..1, or None: no bar
KIND_ROLE = Qt.ItemDataRole.UserRole + 13  # the image's kind (a cpb.ImageKind int)


class Column(enum.IntEnum):
    NAME = 0
    KIND = 1
    SIZE = 2
    POOL = 3
    HOST = 4
    PHASE = 5
    PROGRESS = 6
    MESSAGE = 7


HEADERS: dict[Column, str] = {
    Column.NAME: "Name",
    Column.KIND: "Kind",
    Column.SIZE: "Size",
    Column.POOL: "Pool",
    Column.HOST: "Host",
    Column.PHASE: "Phase",
    Column.PROGRESS: "Progress",
    Column.MESSAGE: "Message",
}
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


def _name_order(image: pb.Image) -> tuple[str, str, str]:
    return (image.name.casefold(), image.name, image.pool)


class ImagesModel(WatchListModel[pb.Image]):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(pb.OBJECT_KIND_IMAGE, "image", parent, sort_key=_name_order)
        self._tasks: TasksModel | None = None
        self._phases: Counter[int] = Counter()  # filter phase -> images, kept as they change
        self._phase_of: dict[str, int] = {}
        self._key_of_task: dict[str, str] = {}  # task id -> the image it moves
        self._task_of_key: dict[str, str] = {}  # and back (an update may change the task)

    def set_tasks(self, tasks: TasksModel) -> None:
        """Read each image's progress from ``tasks``, and follow its changes."""
        self._tasks = tasks
        # Once per applied batch of task events (every change of a task comes in one), not
        # once per changed run of rows within it: 20 transfers' progress is one redraw.
        tasks.batch_applied.connect(self._on_tasks_changed)

    # --- caches ---------------------------------------------------------------------------

    def item_replaced(self, key: str, item: pb.Image) -> None:
        self.item_removed(key)
        phase = image_text.filter_phase(item)
        self._phase_of[key] = phase
        self._phases[phase] += 1
        if item.task_id:
            self._key_of_task[item.task_id] = key
            self._task_of_key[key] = item.task_id

    def item_removed(self, key: str) -> None:
        phase = self._phase_of.pop(key, None)
        if phase is not None:
            self._phases[phase] -= 1
        task_id = self._task_of_key.pop(key, None)
        if task_id is not None and self._key_of_task.get(task_id) == key:
            del self._key_of_task[task_id]

    def items_cleared(self) -> None:
        self._phases.clear()
        self._phase_of.clear()
        self._key_of_task.clear()
        self._task_of_key.clear()

    def _on_tasks_changed(self, *_args: object) -> None:
        """A task moved: redraw the size, phase and progress of the images being moved (a
        finished image's cells no longer depend on its task)."""
        rows = [
            row
            for key in self._key_of_task.values()
            if (row := self.row_of(key)) is not None and image_text.is_busy(self._items[row])
        ]
        if rows:
            first, last = min(rows), max(rows)
            self.dataChanged.emit(self.index(first, Column.SIZE), self.index(last, Column.PROGRESS))

    # --- lookups --------------------------------------------------------------------------

    def image(self, key: str) -> pb.Image | None:
        return self.item(key) if key else None

    def task_of(self, image: pb.Image) -> pb.Task | None:
        if self._tasks is None or not image.task_id:
            return None
        return self._tasks.task(image.task_id)

    def phase_counts(self) -> Counter[int]:
        """Images per filter phase (image_text.filter_phase)."""
        return self._phases

    def exists(self, pool: str, name: str) -> bool:
        return self.row_of(image_key(pool, name)) is not None

    # --- Qt model -------------------------------------------------------------------------

    def columnCount(self, parent: AnyIndex = ROOT) -> int:
        return 0 if parent.isValid() else len(Column)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(Column):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[Column(section)]
        if role == Qt.ItemDataRole.TextAlignmentRole and section == Column.SIZE:
            return _RIGHT
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._items):
            return None
        image = self._items[index.row()]
        column = Column(index.column())
        if role == IMAGE_ROLE:
            return image
        if role == KEY_ROLE:
            return self._keys[index.row()]
        if role == PHASE_ROLE:
            return image_text.filter_phase(image)
        if role == KIND_ROLE:
            return image.kind
        if role == SORT_ROLE:  # what the search matches: name, pool and host
            return f"{image.name}\n{image.pool}\n{image.host}".casefold()
        task = self.task_of(image)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._text(image, task, column)
        if role == VALUE_ROLE:
            if column is Column.SIZE:
                return image_text.size_bytes(image, task)
            if column is Column.PROGRESS:
                return image_text.progress(image, task) or 0.0
            return self._text(image, task, column).casefold()
        if role == PROGRESS_ROLE and column is Column.PROGRESS:
            return image_text.progress(image, task)
        if role == Qt.ItemDataRole.DecorationRole and column is Column.PHASE:
            return phase_icon(image_text.tone_phase(image))
        if role == Qt.ItemDataRole.TextAlignmentRole and column is Column.SIZE:
            return _RIGHT
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return self._accessible(image, task)
        return None

    @staticmethod
    def _text(image: pb.Image, task: pb.Task | None, column: Column) -> str:
        if column is Column.NAME:
            return image.name
        if column is Column.KIND:
            return image_text.kind_label(image.kind)
        if column is Column.SIZE:
            return image_text.size_text(image, task)
        if column is Column.POOL:
            return image.pool
        if column is Column.HOST:
            return image.host
        if column is Column.PHASE:
            return image_text.phase_label(image)
        if column is Column.PROGRESS:
            return image_text.progress_text(image, task)
        return image.message

    @staticmethod
    def _accessible(image: pb.Image, task: pb.Task | None) -> str:
        parts = [
            image.name,
            image_text.kind_label(image.kind),
            image_text.size_text(image, task),
            f"in {image_text.where_text(image)}",
            image_text.phase_label(image),
            image_text.progress_text(image, task),
            image.message,
        ]
        return ", ".join(part for part in parts if part and part != "—")

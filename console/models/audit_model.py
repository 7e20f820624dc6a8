"""The audit log's recent entries, newest first, fed by Watch (OBJECT_KIND_AUDIT_ENTRY).

The coordinator sends admins a window of the newest entries and removes the oldest from Watch
as new ones arrive, so this model is bounded like the window; older entries are a
``quantixctl audit`` away. Batching, keys and RESET handling come from WatchListModel.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QColor

from clients.present_audit import COLUMNS, HEADERS
from console.models.watch_list_model import ROOT, AnyIndex, WatchListModel
from console.status_colours import FAILURE_COLOUR
from proto.quantix.v1 import coordinator_pb2 as pb

COLUMN_TITLES = tuple(header.capitalize() for header in HEADERS)
RESULT_COLUMN = len(HEADERS) - 1


def _newest_first(entry: pb.AuditEntry) -> int:
    return -entry.id


class AuditModel(WatchListModel[pb.AuditEntry]):
    def __init__(
        self, parent: QObject | None = None, clock: Callable[[], float] = time.time
    ) -> None:
        super().__init__(pb.OBJECT_KIND_AUDIT_ENTRY, "audit_entry", parent, _newest_first)
        self._clock = clock

    def entry_at(self, row: int) -> pb.AuditEntry:
        return self.item_at(row)

    def columnCount(self, parent: AnyIndex = ROOT) -> int:
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(HEADERS)
        ):
            return COLUMN_TITLES[section]
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._items):
            return None
        entry = self._items[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return COLUMNS[index.column()](entry, self._clock())
        if (
            role == Qt.ItemDataRole.ForegroundRole
            and index.column() == RESULT_COLUMN
            and entry.code != "OK"
        ):
            return QColor(FAILURE_COLOUR)
        return None

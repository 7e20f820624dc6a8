"""A pool on each of its hosts: one row per host (phase, capacity, message, notes), and the
selected host's message and notes in full under the table.

Rows are one line each so twenty hosts fit; the whole text of the selected host is shown
below it (selectable), the failing host selected first.
"""

from __future__ import annotations

import time

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHeaderView, QLabel, QVBoxLayout, QWidget

from clients import present
from console import pool_text
from console.kit.phase_style import phase_icon, phase_tone
from console.kit.phase_text import phase_label
from console.widgets.error_view import SELECTABLE
from console.widgets.tables import Cell, fill_table, make_table
from proto.quantix.v1 import common_pb2 as cpb
from proto.quantix.v1 import coordinator_pb2 as pb

HOST_COLUMNS = ("Host", "Phase", "Capacity", "Message", "Notes")
COLUMN_MESSAGE, COLUMN_NOTES = 3, 4
# Notes are short ("mounted at /var/lib/quantix/mnt/x"); the message takes the rest.
NOTES_WIDTH = 170
NO_SELECTION = "Select a host to read its message and notes in full."


def _row(status: cpb.HostStatus, now: float) -> tuple[str, Cell, Cell, str, str]:
    message = present.pool_host_message(status, now)
    deadline = present.timestamp_seconds(status.deadline)
    if status.phase == cpb.PHASE_PENDING and deadline:
        due = time.strftime("%H:%M:%S", time.localtime(deadline))
        message = f"{message} (answer due by {due})" if message else f"Answer due by {due}"
    return (
        status.host,
        Cell(
            phase_label(status.phase),
            colour=phase_tone(status.phase).text,
            icon=phase_icon(status.phase),
        ),
        Cell(pool_text.host_capacity_text(status), numeric=True),
        message or "—",
        "; ".join(status.notes) or "—",
    )


class PoolHostsView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._statuses: list[cpb.HostStatus] = []
        self.table = make_table(self, HOST_COLUMNS, "Hosts")
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(COLUMN_MESSAGE, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(COLUMN_NOTES, NOTES_WIDTH)
        self.message = QLabel(NO_SELECTION, self)
        self.message.setObjectName("hostMessage")
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setTextInteractionFlags(SELECTABLE)
        self.message.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # select it by keyboard
        self.table.currentCellChanged.connect(self._on_row_changed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)

    def show_pool(self, pool: pb.Pool) -> None:
        """The pool's hosts; the host selected before stays selected, else the first failing."""
        table = self.table
        current = table.item(table.currentRow(), 0) if table.currentRow() >= 0 else None
        keep = current.text() if current is not None else ""
        self._statuses = sorted(pool.realization.hosts, key=lambda s: s.host)
        now = time.time()
        rows = [_row(status, now) for status in self._statuses]
        fill_table(table, rows, "No host is assigned this pool yet")
        for column in range(COLUMN_MESSAGE):
            table.resizeColumnToContents(column)
        hosts = [status.host for status in self._statuses]
        failing = [
            s.host for s in self._statuses if s.phase not in (cpb.PHASE_READY, cpb.PHASE_PENDING)
        ]
        chosen = keep if keep in hosts else (failing[0] if failing else "")
        table.setCurrentCell(hosts.index(chosen) if chosen else -1, 0 if chosen else -1)
        self._on_row_changed(table.currentRow())

    def _on_row_changed(self, row: int, *_args: int) -> None:
        if not 0 <= row < len(self._statuses):
            self.message.setText(NO_SELECTION)
            return
        status = self._statuses[row]
        lines = [f"{status.host} — {phase_label(status.phase)}"]
        message = present.pool_host_message(status, time.time())
        if message:
            lines.append(message)
        lines += [f"Note: {note}" for note in status.notes]
        self.message.setText("\n".join(lines))

"""An object realized on hosts, host by host: one row per host (phase, the kind's own columns,
message, notes), and the selected host's message and notes in full under the table. For any
kind: a pool adds its capacity on each host, a network could add its bridge or leases.

Rows are one line each so twenty hosts fit; the whole text of the selected host is shown
below it (selectable), the failing host selected first. An offline host's age and a pending
host's deadline are worded when shown (clients.present).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHeaderView, QLabel, QVBoxLayout, QWidget

from clients import present
from console.kit.phase_style import phase_icon, phase_tone
from console.kit.phase_text import phase_label
from console.widgets.error_view import SELECTABLE
from console.widgets.tables import Cell, fill_table, make_table
from proto.quantix.v1 import common_pb2 as cpb

# Notes are short ("mounted at /var/lib/quantix/mnt/x"); the message takes the rest.
NOTES_WIDTH = 170
NO_SELECTION = "Select a host to read its message and notes in full."


@dataclass(frozen=True)
class HostColumn:
    """A kind's own column, between Phase and Message: its title and its cell on one host."""

    title: str
    cell: Callable[[cpb.HostStatus], Cell | str]


def host_message(status: cpb.HostStatus, now: float) -> str:
    """The host's message worded at ``now``; a pending host says when its answer is due."""
    message = present.pool_host_message(status, now)
    deadline = present.timestamp_seconds(status.deadline)
    if status.phase == cpb.PHASE_PENDING and deadline:
        due = time.strftime("%H:%M:%S", time.localtime(deadline))
        message = f"{message} (answer due by {due})" if message else f"Answer due by {due}"
    return message


def phase_cell(phase: int) -> Cell:
    return Cell(phase_label(phase), colour=phase_tone(phase).text, icon=phase_icon(phase))


class HostStatusTable(QWidget):
    def __init__(
        self,
        extra_columns: Sequence[HostColumn] = (),
        empty_text: str = "No host is assigned this yet",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._extra = tuple(extra_columns)
        self._empty_text = empty_text
        self._statuses: list[cpb.HostStatus] = []
        titles = ("Host", "Phase", *(column.title for column in self._extra), "Message", "Notes")
        self.message_column = len(titles) - 2
        self.table = make_table(self, titles, "Hosts")
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(self.message_column, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(self.message_column + 1, NOTES_WIDTH)
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

    def show_hosts(self, hosts: Iterable[cpb.HostStatus]) -> None:
        """A Realization's hosts; the host selected before stays selected, else the first
        failing one."""
        table = self.table
        current = table.item(table.currentRow(), 0) if table.currentRow() >= 0 else None
        keep = current.text() if current is not None else ""
        self._statuses = sorted(hosts, key=lambda s: s.host)
        now = time.time()
        rows = [self._row(status, now) for status in self._statuses]
        fill_table(table, rows, self._empty_text)
        for column in range(self.message_column):
            table.resizeColumnToContents(column)
        names = [status.host for status in self._statuses]
        failing = [
            s.host for s in self._statuses if s.phase not in (cpb.PHASE_READY, cpb.PHASE_PENDING)
        ]
        chosen = keep if keep in names else (failing[0] if failing else "")
        table.setCurrentCell(names.index(chosen) if chosen else -1, 0 if chosen else -1)
        self._on_row_changed(table.currentRow())

    def _row(self, status: cpb.HostStatus, now: float) -> list[Cell | str]:
        return [
            status.host,
            phase_cell(status.phase),
            *(column.cell(status) for column in self._extra),
            host_message(status, now) or "—",
            "; ".join(status.notes) or "—",
        ]

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

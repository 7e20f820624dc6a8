"""The cluster detail's Hosts tab: each member with its live status and when it was last
heard from (from the hosts model, redrawn as it changes); Add hosts…, Remove… (refused up
front with domain.cluster_rules.removal_problem's sentence when HA admission control would
break, otherwise confirmed with what changes), and Enter / Exit maintenance through the
existing SetNodeMaintenance."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence

from PySide6.QtCore import QItemSelectionModel, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from console.clusters.cluster_ops import ClusterCalls
from console.clusters.clusters_model import Member
from console.kit.background import Background
from console.kit.tab_order import set_reading_order
from console.status_colours import status_colour, status_icon
from console.style import set_state_property
from console.widgets.tables import Cell, fill_table, make_table
from domain.cluster_rules import removal_problem
from domain.clusters import ClusterSpec
from domain.units import format_bytes
from proto.quantix.v1 import coordinator_pb2 as pb

HEADERS = ("Host", "Status", "CPUs", "Memory", "Last seen")
NO_MEMBERS = "No hosts in this cluster yet: Add hosts… puts some in."
SELECT_TIP = "Select one or more hosts in the table first"


def removal_question(cluster: str, removing: Sequence[str], left: int) -> str:
    """What removing ``removing`` changes, said before the user confirms."""
    names = ", ".join(removing)
    one = len(removing) == 1
    stay, keep, their, them = (
        ("stays", "keeps", "its", "it") if one else ("stay", "keep", "their", "they")
    )
    return (
        f"Remove {names} from cluster {cluster}?\n\n"
        f"{names} {stay} registered and {keep} {their} pools and networks, but {cluster}'s HA "
        f"and DRS settings no longer cover {their} VMs, and {them} can join another cluster. "
        f"{cluster} then has {left} host{'s' if left != 1 else ''}."
    )


class HostsTab(QWidget):
    notice = Signal(str)  # a finished action, for the status bar
    add_requested = Signal()

    def __init__(self, calls: ClusterCalls, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.calls = calls
        self._background = Background()
        self._spec: ClusterSpec | None = None
        self._members: list[Member] = []
        self.question: QMessageBox | None = None

        self.table = make_table(self, HEADERS, "Members")
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setColumnWidth(0, 150)
        self.table.setColumnWidth(1, 320)
        self.add_button = QPushButton("&Add hosts…", self)
        self.add_button.setToolTip("Put hosts that are in no cluster into this one")
        self.add_button.clicked.connect(self.add_requested)
        self.remove_button = QPushButton("&Remove…", self)
        self.remove_button.clicked.connect(self.confirm_remove)
        self.enter_button = QPushButton("Enter &maintenance", self)
        self.enter_button.clicked.connect(lambda: self.set_maintenance(True))
        self.exit_button = QPushButton("E&xit maintenance", self)
        self.exit_button.clicked.connect(lambda: self.set_maintenance(False))
        self.note = QLabel(self)
        self.note.setObjectName("fieldHint")
        self.note.setWordWrap(True)
        self.note.setTextFormat(Qt.TextFormat.PlainText)
        self.note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        remove_key = QAction("Remove from cluster…", self.table)  # named: the cheat sheet lists it
        remove_key.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        remove_key.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        remove_key.triggered.connect(self.confirm_remove)
        self.table.addAction(remove_key)

        buttons = QHBoxLayout()
        for button in (self.add_button, self.remove_button, self.enter_button, self.exit_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.note)
        set_reading_order(layout)  # the buttons above the table were made after it
        self.table.itemSelectionChanged.connect(self._update_actions)
        self._update_actions()

    # --- contents -------------------------------------------------------------------------

    def show_members(self, spec: ClusterSpec, members: Sequence[Member]) -> None:
        """The members as they are now; the selection is kept by host name."""
        selected = set(self.selected_hosts())
        self._spec = spec
        self._members = list(members)
        rows = [
            [
                Cell(m.name),
                Cell(m.status_text, status_colour(m.status).name(), status_icon(m.status)),
                Cell(str(m.logical_cpus) if m.logical_cpus else "—", numeric=True),
                Cell(format_bytes(m.memory_bytes) if m.memory_bytes else "—", numeric=True),
                Cell(m.last_seen),
            ]
            for m in self._members
        ]
        self.table.blockSignals(True)
        fill_table(self.table, rows, NO_MEMBERS)
        self.select_hosts(selected)
        self.table.blockSignals(False)
        self._update_actions()

    def _add_row(self, row: int) -> None:
        self.table.selectionModel().select(
            self.table.model().index(row, 0),
            QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
        )

    def selected_hosts(self) -> list[str]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self._members[row].name for row in rows if row < len(self._members)]

    def select_hosts(self, names: Collection[str]) -> None:
        self.table.clearSelection()
        for row, m in enumerate(self._members):
            if m.name in names:
                self._add_row(row)

    # --- actions --------------------------------------------------------------------------

    def removal_problem(self) -> str | None:
        if self._spec is None:
            return None
        return removal_problem(
            self._spec.ha, [m.name for m in self._members], self.selected_hosts()
        )

    def _update_actions(self) -> None:
        selected = self.selected_hosts()
        statuses = {m.name: m.status for m in self._members}
        busy = self._background.busy
        problem = self.removal_problem() if selected else None
        self.remove_button.setEnabled(bool(selected) and problem is None and not busy)
        self.remove_button.setToolTip(
            problem or ("Take the selected hosts out of the cluster" if selected else SELECT_TIP)
        )
        entering = [h for h in selected if statuses.get(h) != pb.NODE_STATUS_MAINTENANCE]
        leaving = [h for h in selected if statuses.get(h) == pb.NODE_STATUS_MAINTENANCE]
        self.enter_button.setEnabled(bool(entering) and not busy)
        self.exit_button.setEnabled(bool(leaving) and not busy)
        self.enter_button.setToolTip(
            "Stop placing VMs on the selected hosts" if entering else SELECT_TIP
        )
        self.exit_button.setToolTip(
            "Put the selected hosts back in service" if leaving else SELECT_TIP
        )
        self.add_button.setEnabled(self._spec is not None and not busy)
        if problem is not None:
            self._say(problem, error=True)
        elif not self.note.property("sticky"):
            self._say("")

    def _say(self, text: str, error: bool = False, sticky: bool = False) -> None:
        self.note.setText(text)
        self.note.setProperty("sticky", sticky)
        set_state_property(self.note, "state", "error" if error else "hint")

    def confirm_remove(self) -> QMessageBox | None:
        """Ask, saying what changes; refused up front (the sentence in the note) when the
        removal would break HA admission control."""
        hosts = self.selected_hosts()
        if self._spec is None or not hosts:
            return None
        problem = self.removal_problem()
        if problem is not None:
            self._say(problem, error=True)
            return None
        name = self._spec.name
        left = len(self._members) - len(hosts)
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Remove hosts from cluster",
            removal_question(name, hosts, left),
            QMessageBox.StandardButton.Cancel,
            self,
        )
        remove = box.addButton("&Remove", QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.finished.connect(
            lambda _r: (
                box.clickedButton() is remove
                and self._start(
                    lambda: self.calls.remove_hosts(name, hosts),
                    f"Removed {', '.join(hosts)} from {name}",
                )
            )
        )
        self.question = box
        box.open()
        return box

    def set_maintenance(self, maintenance: bool) -> None:
        statuses = {m.name: m.status for m in self._members}
        in_maintenance = pb.NODE_STATUS_MAINTENANCE
        hosts = [
            h for h in self.selected_hosts() if (statuses.get(h) == in_maintenance) != maintenance
        ]
        if not hosts:
            return
        done = "in maintenance" if maintenance else "out of maintenance"
        self._start(
            lambda: self.calls.set_maintenance(hosts, maintenance), f"{', '.join(hosts)} {done}"
        )

    def _start(self, call: Callable[[], object], done: str) -> None:
        async def run() -> None:
            result = await call()  # type: ignore[misc]
            failure = getattr(result, "failure", None)
            if failure is not None:
                self._say(failure.text, error=True, sticky=True)
            else:
                self._say("")
                self.notice.emit(done)

        self._say("Asking the coordinator…", sticky=True)
        task = self._background.run(run(), done)
        # After Background's own callback has let go of the task: no longer busy then.
        task.add_done_callback(lambda _task: self._update_actions())
        self._update_actions()

    async def stop(self) -> None:
        await self._background.stop()

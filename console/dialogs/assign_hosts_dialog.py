"""Assign hosts: tick the hosts a shared pool should be on; Apply sends the difference.

New ticks go to AssignHosts (the pool is initialized there at once), removed ticks to
UnassignHosts (destroyed and undefined there, volumes never deleted). A host that still holds
volumes is refused (FAILED_PRECONDITION); the dialog shows the coordinator's text and offers
to force. A local directory lives on one host and is never moved: the page does not offer
this dialog for one.
"""

from __future__ import annotations

import asyncio

import grpc
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from clients import present
from console import pool_ops
from console.connection import EndpointSource
from console.status_colours import status_icon
from console.style import set_state_property
from console.widgets.error_view import ErrorView
from proto.quantix.v1 import coordinator_pb2 as pb

EVERY_HOST_NOTE = (
    "This pool is on every host, including hosts that register later. Unticking a host "
    "removes the pool from that host."
)


class AssignHostsDialog(QDialog):
    applied = Signal(object)  # pb.Pool after the change (None when nothing changed)

    def __init__(
        self,
        pool: pb.Pool,
        nodes: list[pb.Node],
        endpoint: EndpointSource,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("assignHostsDialog")
        self.pool_name = pool.spec.name
        self.setWindowTitle(f"Assign Hosts — {self.pool_name}")
        self.setMinimumSize(460, 420)
        self._endpoint = endpoint
        self._task: asyncio.Task[None] | None = None  # held: qasync holds tasks weakly
        self.current = {h.host for h in pool.realization.hosts} | set(pool.spec.hosts)

        intro = QLabel(
            f"Tick the hosts that should have <b>{self.pool_name}</b>. New hosts set the "
            "pool up at once; unticked hosts stop and undefine it (its volumes stay).",
            self,
        )
        intro.setWordWrap(True)
        self.note = QLabel(EVERY_HOST_NOTE, self)
        self.note.setObjectName("fieldHint")
        self.note.setWordWrap(True)
        self.note.setVisible(not pool.spec.hosts)
        list_label = QLabel("&Hosts:", self)
        self.hosts = QListWidget(self)
        self.hosts.setObjectName("assignHostList")
        list_label.setBuddy(self.hosts)
        known = {node.name: node for node in nodes}
        for name in sorted(set(known) | self.current):
            node = known.get(name)
            status = present.status_label(node.status) if node else "not registered"
            item = QListWidgetItem(f"{name} — {status}")
            item.setData(Qt.ItemDataRole.UserRole, name)
            if node is not None:
                item.setIcon(status_icon(node.status))
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            checked = name in self.current
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            self.hosts.addItem(item)
        if self.hosts.count():
            self.hosts.setCurrentRow(0)
        self.summary = QLabel(self)
        self.summary.setObjectName("fieldHint")
        self.summary.setWordWrap(True)
        self.busy_label = QLabel(self)
        self.busy_label.setObjectName("busyNote")
        self.busy_label.setVisible(False)
        self.error_view = ErrorView(self)
        self.error_view.clear()

        self.buttons = QDialogButtonBox(self)
        self.apply_button = QPushButton("&Apply", self)
        self.force_button = QPushButton("&Force unassign", self)
        self.force_button.setObjectName("dangerButton")
        self.force_button.setAutoDefault(False)
        self.close_button = QPushButton("Cancel", self)
        self.buttons.addButton(self.apply_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.force_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.close_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.force_button.setVisible(False)  # after addButton, which shows what it adds
        self.apply_button.setDefault(True)
        self.apply_button.clicked.connect(lambda: self.start(force=False))
        self.force_button.clicked.connect(lambda: self.start(force=True))
        self.close_button.clicked.connect(self.reject)
        self.hosts.itemChanged.connect(self._update_summary)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.note)
        layout.addWidget(list_label)
        layout.addWidget(self.hosts, 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.busy_label)
        layout.addWidget(self.error_view)
        layout.addWidget(self.buttons)
        self._update_summary()
        self.hosts.setFocus()

    def ticked(self) -> set[str]:
        return {
            str(self.hosts.item(i).data(Qt.ItemDataRole.UserRole))
            for i in range(self.hosts.count())
            if self.hosts.item(i).checkState() == Qt.CheckState.Checked
        }

    def changes(self) -> tuple[list[str], list[str]]:
        ticked = self.ticked()
        return sorted(ticked - self.current), sorted(self.current - ticked)

    def _update_summary(self, *_args: object) -> None:
        add, remove = self.changes()
        parts = []
        if add:
            parts.append("Set up on " + ", ".join(add))
        if remove:
            parts.append("remove from " + ", ".join(remove))
        if not self.ticked():
            self.summary.setText(
                "A pool keeps at least one host: to remove it everywhere, delete it."
            )
            set_state_property(self.summary, "state", "error")
            self.apply_button.setEnabled(False)
            return
        self.summary.setText("; ".join(parts) + "." if parts else "No change.")
        set_state_property(self.summary, "state", "hint")
        self.apply_button.setEnabled(bool(parts))

    def start(self, force: bool) -> None:
        if self._task is not None and not self._task.done():
            return
        add, remove = self.changes()
        self.error_view.clear()
        self.apply_button.setEnabled(False)
        self.force_button.setVisible(False)
        self.busy_label.setText("Waiting for the coordinator (and each host it changes)…")
        self.busy_label.setVisible(True)
        self._task = asyncio.get_running_loop().create_task(
            self._apply(add, remove, force), name=f"assign hosts {self.pool_name}"
        )

    async def _apply(self, add: list[str], remove: list[str], force: bool) -> None:
        result = await pool_ops.change_hosts(self._endpoint(), self.pool_name, add, remove, force)
        self.busy_label.setVisible(False)
        self._update_summary()
        failure = result.failure
        if failure is None:
            self.applied.emit(result.value)
            self.accept()
            return
        self.error_view.set_error(f"Could not change the hosts of {self.pool_name}", failure.text)
        refused = failure.code == grpc.StatusCode.FAILED_PRECONDITION
        self.force_button.setVisible(refused and bool(remove) and not force)

    def done(self, result: int) -> None:
        if self._task is not None and not self._task.done():
            self._task.cancel()
        super().done(result)

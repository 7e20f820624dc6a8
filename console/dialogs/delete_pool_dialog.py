"""Delete a pool: a confirmation that names it, then the coordinator's answer in full.

DeletePool waits for every host. If the pool still holds volumes the coordinator refuses
(FAILED_PRECONDITION, naming each host and how many); the dialog shows that text and offers
Force delete, which removes the pool but leaves the volumes on the storage. A host that
fails is listed with its own error and the pool stays, marked with the failures.

Open it with ``open()``; the call runs on the event loop, never inside ``exec()``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import grpc
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from console import pool_ops, pool_text
from console.widgets.error_view import ErrorView
from proto.quantix.v1 import coordinator_pb2 as pb

FORCE_NOTE = (
    "Force delete removes the pool from Quantix and from its hosts anyway. Its volumes are "
    "not deleted: they stay on the storage, no longer managed by Quantix."
)


def results_text(response: pb.DeletePoolResponse) -> str:
    """Each host's outcome on its own line: ``host-b: Delete failed: ...``."""
    lines = []
    for result in sorted(response.results, key=lambda r: r.host):
        failed = result.phase in (pb.POOL_PHASE_ERROR, pb.POOL_PHASE_OFFLINE)
        lines.append(f"{result.host}: {result.message or ('failed' if failed else 'removed')}")
    if response.pool.message and response.pool.message not in "\n".join(lines):
        lines.append(response.pool.message)
    return "\n".join(lines) or "The coordinator gave no per-host results."


class DeletePoolDialog(QDialog):
    deleted = Signal(str)  # the pool's name, once the coordinator has forgotten it

    def __init__(
        self, pool: pb.Pool, address: Callable[[], str], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("deletePoolDialog")
        name = pool.spec.name
        self.pool_name = name
        self.setWindowTitle(f"Delete Pool {name}")
        self.setMinimumWidth(520)
        self._address = address
        # The DeletePool call; held because qasync and asyncio hold tasks weakly.
        self._task: asyncio.Task[None] | None = None

        hosts = sorted(h.host for h in pool.hosts)
        where = pool_text.join_names(hosts) if hosts else "no host"
        unmount = " (unmounting the NFS share)" if pool.spec.WhichOneof("source") == "nfs" else ""
        self.question = QLabel(f"<b>Delete the storage pool “{name}”?</b>", self)
        self.question.setTextFormat(Qt.TextFormat.RichText)
        self.explanation = QLabel(
            f"Quantix stops and undefines it on {where}{unmount}, then forgets it. "
            "Volumes are never deleted; a pool that still holds some is refused unless "
            "forced.",
            self,
        )
        self.explanation.setWordWrap(True)
        self.busy_label = QLabel(self)
        self.busy_label.setObjectName("busyNote")
        self.busy_label.setVisible(False)
        self.error_view = ErrorView(self)
        self.error_view.clear()
        self.force_note = QLabel(FORCE_NOTE, self)
        self.force_note.setObjectName("fieldHint")
        self.force_note.setWordWrap(True)
        self.force_note.setVisible(False)

        self.buttons = QDialogButtonBox(self)
        self.delete_button = QPushButton("&Delete", self)
        self.delete_button.setObjectName("dangerButton")
        self.force_button = QPushButton("&Force delete", self)
        self.force_button.setObjectName("dangerButton")
        self.cancel_button = QPushButton("Cancel", self)
        self.buttons.addButton(self.delete_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.force_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.force_button.setVisible(False)  # after addButton, which shows what it adds
        # Enter must never delete by accident: Cancel is the default until the user picks.
        self.delete_button.setAutoDefault(False)
        self.force_button.setAutoDefault(False)
        self.cancel_button.setDefault(True)
        self.delete_button.clicked.connect(lambda: self.start(force=False))
        self.force_button.clicked.connect(lambda: self.start(force=True))
        self.cancel_button.clicked.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.question)
        layout.addWidget(self.explanation)
        layout.addWidget(self.busy_label)
        layout.addWidget(self.error_view)
        layout.addWidget(self.force_note)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.cancel_button.setFocus()

    @property
    def busy(self) -> bool:
        return self._task is not None and not self._task.done()

    def start(self, force: bool) -> None:
        if self.busy:
            return
        self.error_view.clear()
        self.force_note.setVisible(False)
        self.delete_button.setEnabled(False)
        self.force_button.setEnabled(False)
        verb = "Force-deleting" if force else "Deleting"
        self.busy_label.setText(f"{verb} {self.pool_name}: waiting for every host to answer…")
        self.busy_label.setVisible(True)
        self.cancel_button.setText("Close")
        self._task = asyncio.get_running_loop().create_task(
            self._delete(force), name=f"delete pool {self.pool_name}"
        )

    async def _delete(self, force: bool) -> None:
        result = await pool_ops.delete_pool(self._address(), self.pool_name, force)
        self.show_result(result, force)

    def show_result(self, result: pool_ops.Result[pb.DeletePoolResponse], force: bool) -> None:
        """The coordinator's answer: close on success, else its words in full."""
        self.busy_label.setVisible(False)
        self.delete_button.setEnabled(True)
        self.force_button.setEnabled(True)
        failure = result.failure
        if failure is not None:
            refused = failure.code == grpc.StatusCode.FAILED_PRECONDITION
            title = (
                f"The coordinator refused to delete {self.pool_name}"
                if refused
                else f"Could not delete {self.pool_name}"
            )
            self.error_view.set_error(title, failure.text)
            self._offer_force(refused and not force)
            return
        response = result.value
        assert response is not None
        if response.deleted:
            self.deleted.emit(self.pool_name)
            self.accept()
            return
        self.error_view.set_error(
            f"{self.pool_name} was not deleted from every host; it stays, marked with the failures",
            results_text(response),
        )
        self.delete_button.setText("Try &again")
        self._offer_force(False)

    def _offer_force(self, offer: bool) -> None:
        self.force_button.setVisible(offer)
        self.force_note.setVisible(offer)
        self.delete_button.setVisible(not offer)
        if offer:
            self.force_button.setFocus()

    def done(self, result: int) -> None:
        # Closing while the coordinator works stops waiting; the outcome still arrives on
        # the pool's card through Watch.
        if self._task is not None and not self._task.done():
            self._task.cancel()
        super().done(result)

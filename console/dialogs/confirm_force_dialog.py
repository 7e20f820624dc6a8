"""A destructive action, confirmed first, then the coordinator's answer in full.

One mechanism for "delete a pool", "remove a host" and whatever comes next: a question and what
will happen; the action runs on the event loop (never inside ``exec()``: open the dialog with
``open()``); a refusal (FAILED_PRECONDITION) is shown in full with the offer of the forced
variant and a note on what forcing means; any other failure is shown in full too. Cancel stays
the default button, so Enter never destroys anything by accident.

A subclass says what to ask, how to call the coordinator (``call``) and what a successful answer
means (``succeeded``: True closes the dialog).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

import grpc
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from console import pool_ops
from console.widgets.error_view import ErrorView


class ConfirmForceDialog(QDialog):
    def __init__(
        self,
        parent: QWidget | None,
        *,
        subject: str,
        question: str,
        explanation: str,
        action_text: str,
        force_text: str,
        force_note: str,
        extra: Sequence[QWidget] = (),
    ) -> None:
        super().__init__(parent)
        self.subject = subject
        # The coordinator call; held because qasync and asyncio hold tasks weakly.
        self._task: asyncio.Task[None] | None = None

        self.question = QLabel(f"<b>{question}</b>", self)
        self.question.setTextFormat(Qt.TextFormat.RichText)
        self.explanation = QLabel(explanation, self)
        self.explanation.setWordWrap(True)
        self.busy_label = QLabel(self)
        self.busy_label.setObjectName("busyNote")
        self.busy_label.setVisible(False)
        self.error_view = ErrorView(self)
        self.error_view.clear()
        self.force_note = QLabel(force_note, self)
        self.force_note.setObjectName("fieldHint")
        self.force_note.setWordWrap(True)
        self.force_note.setVisible(False)

        self.buttons = QDialogButtonBox(self)
        self.action_button = QPushButton(action_text, self)
        self.action_button.setObjectName("dangerButton")
        self.force_button = QPushButton(force_text, self)
        self.force_button.setObjectName("dangerButton")
        self.cancel_button = QPushButton("Cancel", self)
        self.buttons.addButton(self.action_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.force_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.force_button.setVisible(False)  # after addButton, which shows what it adds
        self.action_button.setAutoDefault(False)
        self.force_button.setAutoDefault(False)
        self.cancel_button.setDefault(True)
        self.action_button.clicked.connect(lambda: self.start(force=False))
        self.force_button.clicked.connect(lambda: self.start(force=True))
        self.cancel_button.clicked.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.question)
        layout.addWidget(self.explanation)
        for widget in extra:
            layout.addWidget(widget)
        layout.addWidget(self.busy_label)
        layout.addWidget(self.error_view)
        layout.addWidget(self.force_note)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.cancel_button.setFocus()

    # --- what a subclass says -----------------------------------------------------------------

    def busy_text(self, force: bool) -> str:
        raise NotImplementedError

    def refused_title(self) -> str:
        raise NotImplementedError

    def failed_title(self) -> str:
        raise NotImplementedError

    async def call(self, force: bool) -> pool_ops.Result[Any]:
        raise NotImplementedError

    def succeeded(self, value: Any, force: bool) -> bool:
        """Take a successful answer; True closes the dialog (False: the subclass showed why
        not, e.g. some hosts failed)."""
        raise NotImplementedError

    # --- the mechanism ----------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        return self._task is not None and not self._task.done()

    def start(self, force: bool) -> None:
        if self.busy:
            return
        self.error_view.clear()
        self.force_note.setVisible(False)
        self.action_button.setEnabled(False)
        self.force_button.setEnabled(False)
        self.busy_label.setText(self.busy_text(force))
        self.busy_label.setVisible(True)
        self.cancel_button.setText("Close")
        self._task = asyncio.get_running_loop().create_task(
            self._run(force), name=f"{self.objectName()} {self.subject}"
        )

    async def _run(self, force: bool) -> None:
        self.show_result(await self.call(force), force)

    def show_result(self, result: pool_ops.Result[Any], force: bool) -> None:
        """Close on success; else the coordinator's words in full (and, for a refusal, the
        offer of the forced variant)."""
        self.busy_label.setVisible(False)
        self.action_button.setEnabled(True)
        self.force_button.setEnabled(True)
        failure = result.failure
        if failure is None:
            if self.succeeded(result.value, force):
                self.accept()
            return
        refused = failure.code == grpc.StatusCode.FAILED_PRECONDITION
        self.error_view.set_error(
            self.refused_title() if refused else self.failed_title(), failure.text
        )
        self.offer_force(refused and not force)

    def offer_force(self, offer: bool) -> None:
        self.force_button.setVisible(offer)
        self.force_note.setVisible(offer)
        self.action_button.setVisible(not offer)
        if offer:
            self.force_button.setFocus()

    def done(self, result: int) -> None:
        # Closing while the coordinator works stops waiting; the outcome still arrives through
        # Watch (a card, a row).
        if self._task is not None and not self._task.done():
            self._task.cancel()
        super().done(result)

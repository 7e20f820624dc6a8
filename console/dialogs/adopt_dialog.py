"""Adopt an object Quantix did not create (a pool, a network): tick its hosts → review what
the coordinator read back from them → Adopt.

Next asks the coordinator for a dry run (Adopt… with ``dry_run``): it reads the object's
definition on every ticked host and returns what it would adopt, without storing anything or
touching a host. The review shows it row by row; Adopt then asks for real. A refusal (hosts
whose definitions differ, naming the setting) is shown in full, selectable, and nothing is
adopted. A kind subclasses this with its call, its review rows and its host list.
Open it with ``open()``; the calls run on the event loop, never inside ``exec()``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Coroutine, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from console import pool_ops, pool_text
from console.kit.phase_style import phase_icon
from console.style import set_state_property
from console.widgets.detail_parts import show_rows
from console.widgets.error_view import ErrorView

HOSTS_STEP, REVIEW_STEP = range(2)


@dataclass(frozen=True)
class AdoptHost:
    """A host in the list: its name, how it is shown, the phase whose icon it gets."""

    host: str
    text: str
    phase: int


class AdoptDialog(QDialog):
    adopted = Signal(object)  # the object as the coordinator stored it

    def __init__(
        self,
        name: str,
        noun: str,
        intro: str,
        hosts: Sequence[AdoptHost],
        review_note: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.pool_name = self.name = name
        self.noun = noun
        self.setWindowTitle(f"Adopt {noun.capitalize()} {name}")
        self.setMinimumSize(560, 460)
        # The Adopt call under way; held because qasync and asyncio hold tasks weakly.
        self._task: asyncio.Task[None] | None = None
        self.reviewed: Any = None  # the dry run's answer, shown on the review

        self.steps = QStackedWidget(self)
        self.steps.addWidget(self._build_hosts_step(intro, hosts))
        self.steps.addWidget(self._build_review_step(review_note))

        self.busy_label = QLabel(self)
        self.busy_label.setObjectName("busyNote")
        self.busy_label.setWordWrap(True)
        self.busy_label.setVisible(False)
        self.error_view = ErrorView(self)
        self.error_view.clear()

        # In wizard order (a button box would put Back after Adopt on some desktops).
        self.buttons = QHBoxLayout()
        self.buttons.addStretch(1)
        self.back_button = QPushButton("&Back", self)
        self.next_button = QPushButton("&Next", self)
        self.adopt_button = QPushButton("&Adopt", self)
        self.adopt_button.setObjectName("primaryButton")
        self.cancel_button = QPushButton("Cancel", self)
        for button in (self.back_button, self.next_button, self.adopt_button, self.cancel_button):
            button.setAutoDefault(False)
            self.buttons.addWidget(button)
        self.back_button.clicked.connect(self.back)
        self.next_button.clicked.connect(self.next)
        self.adopt_button.clicked.connect(self.adopt)
        self.cancel_button.clicked.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.steps, 1)
        layout.addWidget(self.busy_label)
        layout.addWidget(self.error_view)
        layout.addLayout(self.buttons)
        self._show_step(HOSTS_STEP)
        self._update_hosts_summary()

    # --- what the kind says ---------------------------------------------------------------

    def call(self, hosts: list[str], dry_run: bool) -> Awaitable[pool_ops.Result[Any]]:
        """The coordinator's Adopt call for this kind."""
        raise NotImplementedError

    def review_rows(self, value: Any) -> list[pool_text.SettingRow]:
        raise NotImplementedError

    def hosts_of(self, value: Any) -> list[str]:
        """The hosts the dry run's answer names (adopted on those)."""
        return list(value.spec.hosts)

    def on_failure(self, failure: pool_ops.Failure) -> None:
        """After a refusal is shown (a kind may open a field it names)."""

    # --- building -------------------------------------------------------------------------

    def _build_hosts_step(self, intro_text: str, hosts: Sequence[AdoptHost]) -> QWidget:
        step = QWidget(self)
        intro = QLabel(intro_text, step)
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.RichText)
        hosts_label = QLabel("&Hosts:", step)
        self.hosts = QListWidget(step)
        self.hosts.setObjectName("adoptHostList")
        self.hosts.setAccessibleName(f"Hosts to adopt the {self.noun} on")
        hosts_label.setBuddy(self.hosts)
        for host in sorted(hosts, key=lambda h: h.host):
            item = QListWidgetItem(host.text)
            item.setData(Qt.ItemDataRole.UserRole, host.host)
            item.setIcon(phase_icon(host.phase))
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            self.hosts.addItem(item)
        if self.hosts.count():
            self.hosts.setCurrentRow(0)
        self.hosts.itemChanged.connect(self._update_hosts_summary)
        self.hosts_summary = QLabel(step)
        self.hosts_summary.setObjectName("fieldHint")
        self.hosts_summary.setWordWrap(True)

        self.hosts_layout = QVBoxLayout(step)
        self.hosts_layout.setContentsMargins(0, 0, 0, 0)
        self.hosts_layout.addWidget(intro)
        self.hosts_layout.addSpacing(6)
        self.hosts_layout.addWidget(hosts_label)
        self.hosts_layout.addWidget(self.hosts, 1)
        self.hosts_layout.addWidget(self.hosts_summary)
        return step

    def _build_review_step(self, review_note: str) -> QWidget:
        step = QWidget(self)
        heading = QLabel(
            "<b>Review</b> — the settings the coordinator read back from the hosts. Back "
            "changes the hosts; nothing is adopted until Adopt.",
            step,
        )
        heading.setWordWrap(True)
        heading.setTextFormat(Qt.TextFormat.RichText)
        self.summary = QWidget(step)
        self.form = QFormLayout(self.summary)
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.values: dict[str, QLabel] = {}
        note = QLabel(review_note, step)
        note.setObjectName("reviewNote")
        note.setWordWrap(True)
        layout = QVBoxLayout(step)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(heading)
        layout.addSpacing(6)
        layout.addWidget(self.summary)
        layout.addSpacing(8)
        layout.addWidget(note)
        layout.addStretch(1)
        return step

    # --- state ----------------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        return self._task is not None and not self._task.done()

    @property
    def step(self) -> int:
        return self.steps.currentIndex()

    def ticked(self) -> list[str]:
        return [
            str(self.hosts.item(i).data(Qt.ItemDataRole.UserRole))
            for i in range(self.hosts.count())
            if self.hosts.item(i).checkState() == Qt.CheckState.Checked
        ]

    def _show_step(self, step: int) -> None:
        self.steps.setCurrentIndex(step)
        on_hosts = step == HOSTS_STEP
        self.back_button.setVisible(not on_hosts)
        self.next_button.setVisible(on_hosts)
        self.adopt_button.setVisible(not on_hosts)
        (self.next_button if on_hosts else self.adopt_button).setDefault(True)
        self._update_buttons()

    def _update_buttons(self) -> None:
        idle = not self.busy
        self.next_button.setEnabled(idle and bool(self.ticked()))
        self.adopt_button.setEnabled(idle and self.reviewed is not None)
        self.back_button.setEnabled(idle)

    def _update_hosts_summary(self, *_args: object) -> None:
        ticked = self.ticked()
        if ticked:
            self.hosts_summary.setText(f"Adopt on {pool_text.join_names(ticked)}.")
            set_state_property(self.hosts_summary, "state", "hint")
        else:
            self.hosts_summary.setText("Tick at least one host.")
            set_state_property(self.hosts_summary, "state", "error")
        self._update_buttons()

    def _set_busy(self, text: str) -> None:
        self.busy_label.setText(text)
        self.busy_label.setVisible(bool(text))
        if text:
            self.error_view.clear()
        self._update_buttons()

    # --- steps ----------------------------------------------------------------------------

    def next(self) -> None:
        """Ask for the dry run on the ticked hosts; the review follows if the coordinator
        would adopt it there."""
        hosts = self.ticked()
        if self.busy or not hosts or self.step != HOSTS_STEP:
            return
        self._run(
            self._check(hosts), f"Reading the {self.noun}'s definition on " + ", ".join(hosts)
        )

    def back(self) -> None:
        if self.busy or self.step == HOSTS_STEP:
            return
        self.error_view.clear()
        self.reviewed = None
        self._show_step(HOSTS_STEP)
        self.hosts.setFocus(Qt.FocusReason.OtherFocusReason)

    def adopt(self) -> None:
        if self.busy or self.step != REVIEW_STEP or self.reviewed is None:
            return
        hosts = self.hosts_of(self.reviewed) or self.ticked()
        self._run(self._adopt(hosts), f"Adopting {self.name}")

    def _run(self, coroutine: Coroutine[Any, Any, None], what: str) -> None:
        self._task = asyncio.get_running_loop().create_task(
            coroutine, name=f"adopt {self.noun} {self.name}"
        )
        self._set_busy(f"{what}: waiting for the coordinator…")

    async def _check(self, hosts: list[str]) -> None:
        result = await self.call(hosts, dry_run=True)
        self._task = None
        self._set_busy("")
        if result.failure is not None:
            self.reviewed = None
            self.show_failure(f"The coordinator would not adopt {self.name}", result.failure)
            return
        self.show_review(result.value)

    async def _adopt(self, hosts: list[str]) -> None:
        result = await self.call(hosts, dry_run=False)
        self._task = None
        self._set_busy("")
        if result.failure is not None:
            self.show_failure(f"The coordinator did not adopt {self.name}", result.failure)
            return
        self.adopted.emit(result.value)
        self.accept()

    def show_review(self, value: Any) -> None:
        """The dry run's answer, row by row; Adopt is one key away."""
        self.reviewed = value
        self.values = show_rows(self.form, self.review_rows(value))
        self._show_step(REVIEW_STEP)
        self.adopt_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def show_failure(self, title: str, failure: pool_ops.Failure) -> None:
        """The coordinator's answer in full, selectable."""
        self.error_view.set_error(title, failure.text)
        self.on_failure(failure)
        self._update_buttons()

    def done(self, result: int) -> None:
        # Closing while the coordinator works stops waiting; if it was adopted anyway, its
        # managed card appears from Watch like any other.
        if self._task is not None and not self._task.done():
            self._task.cancel()
        super().done(result)

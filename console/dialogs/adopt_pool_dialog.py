"""Adopt a pool Quantix did not create: tick its hosts → review what the coordinator read back
from them → Adopt.

Next asks the coordinator for a dry run (AdoptPool with ``dry_run``): it reads the pool's XML on
every ticked host and returns the spec it would adopt, without storing anything or touching a
host. The review shows that spec as the create wizard's review does; Adopt then asks for real.
Hosts whose definitions differ are refused naming the setting (FAILED_PRECONDITION), a pool
that authenticates asks for its secret (INVALID_ARGUMENT naming ``secret``): the coordinator's
words are shown here in full, selectable, and nothing is adopted.

The hosts listed are every host with an unmanaged pool of that name, including hosts whose
definition differs from the card's (they are separate cards): AdoptPool takes a name.
Open it with ``open()``; the calls run on the event loop, never inside ``exec()``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from console import discovered_text, pool_ops, pool_text
from console.connection import EndpointSource
from console.kit.phase_style import phase_icon
from console.style import set_state_property
from console.widgets.detail_parts import show_rows
from console.widgets.error_view import ErrorView
from domain.errors import ValidationError
from proto.quantix.v1 import coordinator_pb2 as pb
from wire.pool_codec import spec_from_pb

HOSTS_STEP, REVIEW_STEP = range(2)

REVIEW_NOTE = (
    "Adopt stores the pool in Quantix and checks it on each host: the pool, its settings and "
    "its volumes stay as they are. From then on it is a managed card like any other."
)
SECRET_NOTE = (
    "libvirt keeps a pool's key or CHAP secret private on its hosts, so it cannot be read "
    "back: give it here."
)


def review_rows(pool: pb.Pool) -> list[pool_text.SettingRow]:
    """The spec the coordinator read back, in the create wizard's words."""
    spec_message = pool.spec
    rows = [
        pool_text.SettingRow("Kind", pool_text.backend_label(spec_message.backend)),
        pool_text.SettingRow("Name", spec_message.name),
    ]
    which = spec_message.WhichOneof("source")
    given = (which == "ceph_rbd" and spec_message.ceph_rbd.has_key) or (
        which == "iscsi" and spec_message.iscsi.has_chap_secret
    )
    try:
        spec = spec_from_pb(spec_message)
    except ValidationError as error:
        rows.append(pool_text.SettingRow("Settings", f"Not readable: {error}"))
    else:
        rows += pool_text.source_rows(spec, secret_stored=bool(given), secret_wording="given")
    hosts = list(spec_message.hosts)
    rows.append(pool_text.SettingRow("Hosts", pool_text.join_names(hosts) if hosts else "None"))
    return rows


class AdoptPoolDialog(QDialog):
    adopted = Signal(object)  # pb.Pool, as the coordinator stored it

    def __init__(
        self,
        pool: pb.DiscoveredPool,
        same_name: Sequence[pb.DiscoveredPool],
        endpoint: EndpointSource,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("adoptPoolDialog")
        self.pool_name = pool.name
        self.setWindowTitle(f"Adopt Pool {pool.name}")
        self.setMinimumSize(560, 460)
        self._endpoint = endpoint
        # The AdoptPool call under way; held because qasync and asyncio hold tasks weakly.
        self._task: asyncio.Task[None] | None = None
        self.reviewed: pb.Pool | None = None  # the dry run's answer, shown on the review

        self.steps = QStackedWidget(self)
        self.steps.addWidget(self._build_hosts_step(pool, same_name))
        self.steps.addWidget(self._build_review_step())

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

    # --- building -------------------------------------------------------------------------

    def _build_hosts_step(
        self, pool: pb.DiscoveredPool, same_name: Sequence[pb.DiscoveredPool]
    ) -> QWidget:
        step = QWidget(self)
        intro = QLabel(
            f"Quantix reads the definition of <b>{pool.name}</b> "
            f"({discovered_text.type_label(pool)}) back from each ticked host and manages the "
            "pool from then on, as it is: nothing changes on the hosts. Hosts whose definitions "
            "differ are refused, naming the setting.",
            step,
        )
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.RichText)
        hosts_label = QLabel("&Hosts:", step)
        self.hosts = QListWidget(step)
        self.hosts.setObjectName("adoptHostList")
        self.hosts.setAccessibleName("Hosts to adopt the pool on")
        hosts_label.setBuddy(self.hosts)
        entries: dict[str, QListWidgetItem] = {}
        definitions = [pool, *(p for p in same_name if p.key != pool.key)]
        for found in definitions:
            # Defined differently on some hosts: each host says how it defines the pool.
            source = discovered_text.source_text(found) if len(definitions) > 1 else ""
            for host in sorted(found.hosts, key=lambda h: h.host):
                if host.host in entries:
                    continue
                item = QListWidgetItem(discovered_text.adopt_host_text(host, source))
                item.setData(Qt.ItemDataRole.UserRole, host.host)
                item.setIcon(phase_icon(discovered_text.chip_phase(host.state)))
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Checked)
                entries[host.host] = item
        for name in sorted(entries):
            self.hosts.addItem(entries[name])
        if self.hosts.count():
            self.hosts.setCurrentRow(0)
        self.hosts.itemChanged.connect(self._update_hosts_summary)
        self.hosts_summary = QLabel(step)
        self.hosts_summary.setObjectName("fieldHint")
        self.hosts_summary.setWordWrap(True)

        # Shown once the coordinator asks for it (a pool that authenticates).
        self.secret_label = QLabel("&Key or CHAP secret:", step)
        self.secret_edit = QLineEdit(step)
        self.secret_edit.setObjectName("adoptSecret")
        self.secret_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.secret_edit.setAccessibleName("Key or CHAP secret of the pool")
        self.secret_label.setBuddy(self.secret_edit)
        self.secret_note = QLabel(SECRET_NOTE, step)
        self.secret_note.setObjectName("fieldHint")
        self.secret_note.setWordWrap(True)
        secret_row = QHBoxLayout()
        secret_row.addWidget(self.secret_label)
        secret_row.addWidget(self.secret_edit, 1)
        self._secret_widgets = (self.secret_label, self.secret_edit, self.secret_note)
        for widget in self._secret_widgets:
            widget.setVisible(False)

        layout = QVBoxLayout(step)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(intro)
        layout.addSpacing(6)
        layout.addWidget(hosts_label)
        layout.addWidget(self.hosts, 1)
        layout.addWidget(self.hosts_summary)
        layout.addLayout(secret_row)
        layout.addWidget(self.secret_note)
        return step

    def _build_review_step(self) -> QWidget:
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
        note = QLabel(REVIEW_NOTE, step)
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
        would adopt the pool there."""
        hosts = self.ticked()
        if self.busy or not hosts or self.step != HOSTS_STEP:
            return
        self._run(self._check(hosts), "Reading the pool's definition on " + ", ".join(hosts))

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
        hosts = list(self.reviewed.spec.hosts) or self.ticked()
        self._run(self._adopt(hosts), f"Adopting {self.pool_name}")

    def _run(self, coroutine: Coroutine[Any, Any, None], what: str) -> None:
        self._task = asyncio.get_running_loop().create_task(
            coroutine, name=f"adopt pool {self.pool_name}"
        )
        self._set_busy(f"{what}: waiting for the coordinator…")

    async def _check(self, hosts: list[str]) -> None:
        result = await pool_ops.adopt_pool(
            self._endpoint(), self.pool_name, hosts, dry_run=True, secret=self.secret_edit.text()
        )
        self._task = None
        self._set_busy("")
        failure = result.failure
        if failure is not None:
            self.reviewed = None
            self.show_failure(f"The coordinator would not adopt {self.pool_name}", failure)
            return
        assert result.value is not None
        self.show_review(result.value)

    async def _adopt(self, hosts: list[str]) -> None:
        result = await pool_ops.adopt_pool(
            self._endpoint(), self.pool_name, hosts, dry_run=False, secret=self.secret_edit.text()
        )
        self._task = None
        self._set_busy("")
        if result.failure is not None:
            self.show_failure(f"The coordinator did not adopt {self.pool_name}", result.failure)
            return
        self.adopted.emit(result.value)
        self.accept()

    def show_review(self, pool: pb.Pool) -> None:
        """The dry run's answer, row by row; Adopt is one key away."""
        self.reviewed = pool
        self.values = show_rows(self.form, review_rows(pool))
        self._show_step(REVIEW_STEP)
        self.adopt_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def show_failure(self, title: str, failure: pool_ops.Failure) -> None:
        """The coordinator's answer in full, selectable; a missing secret opens its field."""
        self.error_view.set_error(title, failure.text)
        if failure.field == "secret":
            if self.step != HOSTS_STEP:
                self._show_step(HOSTS_STEP)
            for widget in self._secret_widgets:
                widget.setVisible(True)
            self.secret_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        self._update_buttons()

    def done(self, result: int) -> None:
        # Closing while the coordinator works stops waiting; if the pool was adopted anyway,
        # its managed card appears from Watch like any other.
        if self._task is not None and not self._task.done():
            self._task.cancel()
        super().done(result)

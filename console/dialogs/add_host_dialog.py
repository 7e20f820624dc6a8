"""Add a host: make a single-use join token and show the command to run on the new host.

The coordinator cannot reach into a machine it does not know, so adding a host is two halves:
here an admin makes a join token (how long it stays usable, and the address the new host
reaches this coordinator at); on the new host, the command shown enrols its node daemon
(its own key, the coordinator's certificate checked against the fingerprint the join string
pins) and starts it. The host appears on the Hosts page when it registers.

The join string holds a secret, so the dialog shows it once and forgets it when closed; the
token can be listed and revoked later (``quantixctl hosts join-token --list|--revoke``).
"""

from __future__ import annotations

import asyncio
import time

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase, QGuiApplication, QTextOption
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from clients.present_join import token_validity_text
from console import pool_ops
from console.connection import EndpointSource
from console.widgets.error_view import ErrorView
from domain.errors import ValidationError
from domain.join import DEFAULT_JOIN_TTL_S, describe_ttl, join_command
from domain.validation import validate_address

# The lifetimes offered: enough to walk to a rack (15 minutes), the default, a working day,
# and the longest the coordinator accepts (domain.join says why that bound).
TTL_CHOICES_S = (15 * 60, DEFAULT_JOIN_TTL_S, 24 * 3600, 7 * 24 * 3600)

INTRO = (
    "A new host joins with a single-use join token. Run the command below on it: its node "
    "daemon makes its own key, checks this coordinator's certificate against the fingerprint "
    "in the join string, and appears on the Hosts page once it registers."
)
ADDRESS_HINT = "Where the new host reaches this coordinator (host:port)."


def role_refusal(role: str, name: str) -> str:
    """Why a connected identity cannot make tokens ("" when it can)."""
    if role == "admin":
        return ""
    return (
        f"Making join tokens needs the admin role; you are connected as {name} "
        f"({role or 'no role'})."
    )


def _hint(parent: QWidget) -> QLabel:
    label = QLabel(parent)
    label.setObjectName("fieldHint")
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
    return label


class AddHostDialog(QDialog):
    def __init__(self, endpoint: EndpointSource, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("addHostDialog")
        self.setWindowTitle("Add Host")
        self.setMinimumWidth(620)
        self._endpoint = endpoint
        # The coordinator call; held because qasync and asyncio hold tasks weakly.
        self._task: asyncio.Task[None] | None = None

        intro = QLabel(INTRO, self)
        intro.setWordWrap(True)

        self.ttl_combo = QComboBox(self)
        self.ttl_combo.setObjectName("ttlCombo")
        for seconds in TTL_CHOICES_S:
            self.ttl_combo.addItem(describe_ttl(seconds), seconds)
        self.ttl_combo.setCurrentIndex(TTL_CHOICES_S.index(DEFAULT_JOIN_TTL_S))
        ttl_label = QLabel("&Valid for:", self)
        ttl_label.setBuddy(self.ttl_combo)

        current = endpoint()
        self.address_edit = QLineEdit(current.address if current else "", self)
        self.address_edit.setObjectName("joinAddress")
        self.address_edit.setAccessibleName("Coordinator address for the new host")
        address_label = QLabel("Coordinator &address:", self)
        address_label.setBuddy(self.address_edit)
        self.address_hint = _hint(self)
        self.address_edit.textChanged.connect(self._update)

        self.make_button = QPushButton("&Make join token", self)
        self.make_button.setObjectName("makeTokenButton")
        self.make_button.setDefault(True)
        self.make_button.clicked.connect(self.make_token)
        self.role_hint = _hint(self)
        self.role_hint.setProperty("state", "warning")

        self.busy_label = QLabel(self)
        self.busy_label.setObjectName("busyNote")
        self.busy_label.setVisible(False)
        self.error_view = ErrorView(self)
        self.error_view.clear()

        self.validity_label = QLabel(self)
        self.validity_label.setObjectName("tokenValidity")
        self.validity_label.setWordWrap(True)
        self.command_view = QPlainTextEdit(self)
        self.command_view.setObjectName("joinCommand")
        self.command_view.setReadOnly(True)
        self.command_view.setAccessibleName("Command to run on the new host")
        self.command_view.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.command_view.setFixedHeight(96)
        # The join string is one opaque word: break it anywhere rather than at its hyphens.
        self.command_view.setWordWrapMode(QTextOption.WrapMode.WrapAnywhere)
        self.copy_button = QPushButton("&Copy command", self)
        self.copy_button.setObjectName("copyCommandButton")
        self.copy_button.clicked.connect(self.copy_command)
        self.result_box = QWidget(self)
        result_layout = QVBoxLayout(self.result_box)
        result_layout.setContentsMargins(0, 0, 0, 0)
        run_label = QLabel("On the new host, as root, run:", self.result_box)
        result_layout.addWidget(self.validity_label)
        result_layout.addWidget(run_label)
        result_layout.addWidget(self.command_view)
        copy_row = QHBoxLayout()
        copy_row.addStretch(1)
        copy_row.addWidget(self.copy_button)
        result_layout.addLayout(copy_row)
        self.result_box.setVisible(False)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.buttons.rejected.connect(self.reject)

        fields = QVBoxLayout()
        fields.setSpacing(4)
        fields.addWidget(ttl_label)
        fields.addWidget(self.ttl_combo, 0, Qt.AlignmentFlag.AlignLeft)
        fields.addSpacing(8)
        fields.addWidget(address_label)
        fields.addWidget(self.address_edit)
        fields.addWidget(self.address_hint)
        make_row = QHBoxLayout()
        make_row.addWidget(self.make_button)
        make_row.addStretch(1)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addSpacing(8)
        layout.addLayout(fields)
        layout.addSpacing(6)
        layout.addLayout(make_row)
        layout.addWidget(self.role_hint)
        layout.addWidget(self.busy_label)
        layout.addWidget(self.error_view)
        layout.addWidget(self.result_box)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self._update()

    # --- state ----------------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        return self._task is not None and not self._task.done()

    def address_problem(self) -> str:
        try:
            validate_address(self.address_edit.text(), "Coordinator address")
        except ValidationError as error:
            return str(error)
        return ""

    def _update(self) -> None:
        problem = self.address_problem()
        self.address_hint.setText(problem or ADDRESS_HINT)
        self.address_hint.setProperty("state", "error" if problem else "")
        self.address_hint.style().polish(self.address_hint)
        current = self._endpoint()
        identity = current.identity if current else None
        refusal = role_refusal(identity.role, identity.name) if identity else ""
        self.role_hint.setText(refusal)
        self.role_hint.setVisible(bool(refusal))
        self.make_button.setEnabled(
            current is not None and not problem and not refusal and not self.busy
        )

    # --- actions --------------------------------------------------------------------------

    def make_token(self) -> None:
        if not self.make_button.isEnabled() or self.busy:
            return
        self.error_view.clear()
        self.busy_label.setText("Making a join token: waiting for the coordinator…")
        self.busy_label.setVisible(True)
        self._task = asyncio.get_running_loop().create_task(self._make(), name="join token")
        self._update()

    async def _make(self) -> None:
        ttl_s = int(self.ttl_combo.currentData())
        address = validate_address(self.address_edit.text(), "Coordinator address")
        result = await pool_ops.create_join_token(self._endpoint(), ttl_s, address)
        self.busy_label.setVisible(False)
        self._task = None
        self._update()
        if result.failure is not None or result.value is None:
            text = result.failure.text if result.failure else "no answer"
            self.error_view.set_error("Could not make a join token", text)
            return
        join, token = result.value
        self.validity_label.setText(
            f"Join token {token.id}. {token_validity_text(token, time.time())}."
        )
        self.command_view.setPlainText(join_command(join))
        self.result_box.setVisible(True)
        self.make_button.setText("&Make another")
        self.copy_button.setText("&Copy command")
        # Enter now copies; making another token takes its own click (or Alt+M).
        self.make_button.setDefault(False)
        self.copy_button.setDefault(True)
        self.copy_button.setFocus()

    def copy_command(self) -> None:
        QGuiApplication.clipboard().setText(self.command_view.toPlainText())
        self.copy_button.setText("Copied")

    def done(self, result: int) -> None:
        # The join string holds the token's secret: nothing of it stays behind the dialog, on
        # the clipboard either (unless something else was copied since).
        command = self.command_view.toPlainText()
        clipboard = QGuiApplication.clipboard()
        if command and clipboard.text() == command:
            clipboard.clear()
        self.command_view.clear()
        if self._task is not None:
            self._task.cancel()
        super().done(result)
